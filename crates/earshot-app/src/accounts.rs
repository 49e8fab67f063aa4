//! Accounts as people name them.

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
