//! The labelled accounts a model learns from and is evaluated on, read from the store: each platform's
//! apart, since features such as age are measured against the platform's own latest creation time.

use anyhow::Result;
use earshot_model::Account;
use earshot_store::Store;
use earshot_trust::features::latest_creation;
use earshot_trust::{FeatureContext, Labelled};
use std::collections::BTreeMap;

pub use earshot_model::label_class;

/// Labelled accounts per platform, each platform's features measured against its own latest creation
/// time.
pub(super) struct LabelledSet {
    /// In platform name order.
    pub by_platform: Vec<(String, Vec<Labelled>)>,
    /// Accounts left out because their label is of neither class, by label (`conflict:bot/human` for an
    /// account two files labelled differently), most common first.
    pub left_out: Vec<(String, u64)>,
}

impl LabelledSet {
    /// Every platform's rows together.
    pub fn all(self) -> Vec<Labelled> {
        self.by_platform.into_iter().flat_map(|(_, r)| r).collect()
    }

    /// Accounts left out, in all.
    pub fn left_out_total(&self) -> u64 {
        self.left_out.iter().map(|(_, n)| n).sum()
    }

    /// One line saying which labelled accounts were left out and why, if any were.
    pub fn left_out_note(&self) -> Option<String> {
        if self.left_out.is_empty() {
            return None;
        }
        let conflicts: u64 = self
            .left_out
            .iter()
            .filter(|(l, _)| l.starts_with("conflict:"))
            .map(|(_, n)| n)
            .sum();
        let other: Vec<String> = self
            .left_out
            .iter()
            .filter(|(l, _)| !l.starts_with("conflict:"))
            .take(5)
            .map(|(l, n)| format!("{l:?} ×{n}"))
            .collect();
        let mut parts = Vec::new();
        if conflicts > 0 {
            parts.push(format!(
                "{conflicts} labelled both automated and authentic by different files"
            ));
        }
        if !other.is_empty() {
            parts.push(format!(
                "labels of neither class: {} (map them at import with --label-value)",
                other.join(", ")
            ));
        }
        Some(format!(
            "left out {} labelled accounts: {}",
            self.left_out_total(),
            parts.join("; ")
        ))
    }
}

/// The labelled accounts of `platforms` (empty: every platform) in `store`. Each account is one row:
/// the store keeps one record per platform and id, so the same account imported twice is one row, and
/// two different accounts with identical profiles are two.
pub(super) fn labelled(store: &Store, platforms: &[String]) -> Result<LabelledSet> {
    let mut by_name: BTreeMap<String, Vec<Account>> = BTreeMap::new();
    let mut left_out: BTreeMap<String, u64> = BTreeMap::new();
    store.scan_accounts(None, |_, a| {
        if !platforms.is_empty() && !platforms.contains(&a.platform) {
            return;
        }
        match a.profile.label.as_deref() {
            Some(l) if label_class(l).is_some() => {
                by_name.entry(a.platform.clone()).or_default().push(a)
            }
            Some(l) => *left_out.entry(l.to_string()).or_default() += 1,
            None => {}
        }
    })?;
    let by_platform = by_name
        .into_iter()
        .map(|(p, accounts)| {
            let rows = platform_rows(&p, accounts);
            (p, rows)
        })
        .collect();
    let mut left_out: Vec<(String, u64)> = left_out.into_iter().collect();
    left_out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(LabelledSet {
        by_platform,
        left_out,
    })
}

/// One platform's labelled accounts as evaluation rows: the account, its age reference, the press rules'
/// failed share, the class.
fn platform_rows(platform: &str, accounts: Vec<Account>) -> Vec<Labelled> {
    let ctx = FeatureContext {
        reference_time: latest_creation(accounts.iter()),
    };
    accounts
        .into_iter()
        .map(|a| Labelled {
            rules: earshot_trust::rules::failed_share(&a),
            label: a
                .profile
                .label
                .as_deref()
                .and_then(label_class)
                .unwrap_or(false),
            account: a,
            ctx,
            group: platform.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_read_case_and_space_blind() {
        assert_eq!(label_class(" Bot "), Some(true));
        assert_eq!(label_class("FAKE"), Some(true));
        assert_eq!(label_class("genuine"), Some(false));
        assert_eq!(label_class("int"), None);
    }
}
