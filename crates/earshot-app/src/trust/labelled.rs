//! The labelled accounts a model learns from and is evaluated on, read from the store: each platform's
//! apart, since features such as age are measured against the platform's own latest creation time.

use anyhow::Result;
use earshot_model::Account;
use earshot_store::Store;
use earshot_trust::features::{extract, latest_creation};
use earshot_trust::{FeatureContext, Labelled};

/// What a label says: `Some(true)` automated or fake, `Some(false)` authentic, `None` unknown.
pub fn label_class(label: &str) -> Option<bool> {
    match label.trim().to_ascii_lowercase().as_str() {
        "bot" | "fake" | "spam" | "spammer" | "automated" => Some(true),
        "human" | "real" | "genuine" | "authentic" => Some(false),
        _ => None,
    }
}

/// Labelled accounts per platform, each platform's features measured against its own latest creation
/// time.
pub(super) struct LabelledSet {
    /// In platform name order.
    pub by_platform: Vec<(String, Vec<Labelled>)>,
    /// Accounts whose label is neither automated/fake nor authentic (left out).
    pub skipped_labels: u64,
}

/// The labelled accounts of `platforms` (empty: every platform) in `store`.
pub(super) fn labelled(store: &Store, platforms: &[String]) -> Result<LabelledSet> {
    let (accounts, skipped_labels) = read_labelled(store, platforms)?;
    let mut names: Vec<String> = accounts.iter().map(|a| a.platform.clone()).collect();
    names.sort();
    names.dedup();
    let by_platform = names
        .into_iter()
        .map(|p| {
            let mine: Vec<&Account> = accounts.iter().filter(|a| a.platform == p).collect();
            let rows = platform_rows(&mine);
            (p, rows)
        })
        .collect();
    Ok(LabelledSet {
        by_platform,
        skipped_labels,
    })
}

/// The accounts of `platforms` whose label says a class, and how many others carry a label that does
/// not.
fn read_labelled(store: &Store, platforms: &[String]) -> Result<(Vec<Account>, u64)> {
    let mut accounts: Vec<Account> = Vec::new();
    let mut skipped_labels = 0;
    store.scan_accounts(None, |_, a| {
        if !platforms.is_empty() && !platforms.contains(&a.platform) {
            return;
        }
        match a.profile.label.as_deref().map(label_class) {
            Some(Some(_)) => accounts.push(a),
            Some(None) => skipped_labels += 1,
            None => {}
        }
    })?;
    Ok((accounts, skipped_labels))
}

/// One platform's labelled accounts as evaluation rows: features, the press rules' failed share, the
/// class.
fn platform_rows(accounts: &[&Account]) -> Vec<Labelled> {
    let ctx = FeatureContext {
        reference_time: latest_creation(accounts.iter().copied()),
    };
    accounts
        .iter()
        .map(|a| Labelled {
            features: extract(a, &ctx),
            rules: earshot_trust::rules::failed_share(a),
            label: a
                .profile
                .label
                .as_deref()
                .and_then(label_class)
                .unwrap_or(false),
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
