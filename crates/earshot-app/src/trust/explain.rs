//! Why one account gets its probability of being automated or fake (`earshot trust explain`): each
//! feature's value and push in log-odds.

use crate::accounts::resolve;
use anyhow::{bail, Result};
use earshot_model::Timestamp;
use earshot_store::Store;
use earshot_trust::{Assessment, FeatureContext, TrustModel};

/// Which account to explain.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplainRequest {
    /// `@handle`, handle or platform id.
    pub account: String,
    /// Only accounts of this platform.
    pub platform: Option<String>,
}

/// One account's assessment, with what a reader needs beside it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TrustExplanation {
    pub platform: String,
    /// `@handle`, or the platform's id where the account has no handle.
    pub name: String,
    /// The data's label for the account, if any: shown beside the probability, never fed to it.
    pub label: Option<String>,
    /// The probability, the model's baseline and each feature's push (`earshot --json trust explain`'s
    /// output).
    #[schema(value_type = Object)]
    pub assessment: Assessment,
}

/// Assess the request's account with `model`. An unknown account is [`crate::error::Missing`].
pub fn explain_account(
    store: &Store,
    model: &TrustModel,
    req: &ExplainRequest,
) -> Result<TrustExplanation> {
    let id = resolve(store, &req.account, req.platform.as_deref())?;
    let Some(account) = store.account(id)? else {
        bail!("account {} vanished while reading", req.account);
    };
    let ctx = FeatureContext {
        reference_time: latest_creation(store, &account.platform)?,
    };
    let assessment = model.assess(&account, &ctx);
    Ok(TrustExplanation {
        name: account
            .handle
            .as_ref()
            .map(|h| format!("@{h}"))
            .unwrap_or(account.ext_id),
        platform: account.platform,
        label: account.profile.label,
        assessment,
    })
}

/// The latest creation time among `platform`'s accounts: what an account's age is measured against,
/// as in training.
fn latest_creation(store: &Store, platform: &str) -> Result<Option<Timestamp>> {
    let mut latest = None;
    store.scan_accounts(Some(platform), |_, a| {
        latest = latest.max(a.profile.created_at);
    })?;
    Ok(latest)
}
