//! Accounts as people name them.

use crate::error::{FieldStyle, Missing, UsageError};
use anyhow::Result;
use earshot_store::Store;

/// How to name an account to a person: `@handle (platform)` or `ext_id (platform)`.
pub fn display_name(store: &Store, account: i64) -> Result<String> {
    Ok(match store.account_names(account)? {
        Some((_, Some(h))) => format!("@{h}"),
        Some((ext, None)) => ext,
        None => format!("#{account}"),
    })
}

/// The one stored account `query` (`@handle`, handle or platform id) names, optionally on `platform`:
/// [`Missing`] when none, [`UsageError`] when several (the message lists them and asks for a platform).
pub fn resolve(store: &Store, query: &str, platform: Option<&str>) -> Result<i64> {
    let found = store.find_accounts(query, platform)?;
    match found.as_slice() {
        [] => Err(Missing(format!(
            "no account {query:?}{} in the database",
            platform.map(|p| format!(" on {p}")).unwrap_or_default()
        ))
        .into()),
        [one] => Ok(one.id),
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|m| {
                    format!(
                        "{}:{}",
                        m.platform,
                        m.handle
                            .as_ref()
                            .map(|h| format!("@{h}"))
                            .unwrap_or(m.ext_id.clone())
                    )
                })
                .collect();
            Err(UsageError(format!(
                "{query:?} names {} accounts ({}): pass --platform",
                many.len(),
                list.join(", ")
            ))
            .into())
        }
    }
}

/// The account `query` names: `platform:query` when the prefix is a platform that has it, else the
/// one account with that handle or id on any platform.
pub fn resolve_ref(store: &Store, query: &str) -> Result<i64> {
    if let Some((platform, rest)) = query.split_once(':') {
        let is_label = !platform.is_empty()
            && platform
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if is_label && !store.find_accounts(rest, Some(platform))?.is_empty() {
            return resolve(store, rest, Some(platform));
        }
    }
    resolve(store, query, None)
}

/// A JSON account record with `platform`, `platform_id` (the platform's own id for the account) and
/// `handle` (null when unknown) added, so a reader never needs earshot's internal id to find it.
pub fn with_name(
    store: &Store,
    account: i64,
    mut record: serde_json::Value,
) -> Result<serde_json::Value> {
    let name = store.account_name(account)?.unwrap_or_default();
    if let Some(map) = record.as_object_mut() {
        map.insert("platform".into(), name.platform.into());
        map.insert("platform_id".into(), name.platform_id.into());
        map.insert("handle".into(), name.handle.into());
    }
    Ok(record)
}

/// The one stored account a list's row names (`@handle`, handle or platform id) on any of `platforms`:
/// `None` when none holds it; a [`UsageError`] at `at` (`file:line`) on the field `account` when
/// several do, asking for the platform as `fields` names it. Lists (audit labels, audiences,
/// candidates) are read with it.
pub fn lookup_listed(
    store: &Store,
    platforms: &[String],
    account: &str,
    at: &str,
    fields: FieldStyle,
) -> Result<Option<i64>> {
    let mut found = Vec::new();
    for p in platforms {
        if let Some(m) = store.lookup_account(p, account)? {
            found.push((p.as_str(), m.id));
        }
    }
    match found.as_slice() {
        [] => Ok(None),
        [(_, id)] => Ok(Some(*id)),
        many => {
            let names: Vec<&str> = many.iter().map(|(p, _)| *p).collect();
            Err(UsageError(format!(
                "{at}: field `account`: {account:?} is on {} platforms ({}): pass {}",
                names.len(),
                names.join(", "),
                fields.name("platform")
            ))
            .into())
        }
    }
}
