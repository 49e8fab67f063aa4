//! The weight scoring gives every account of a window (`earshot trust scan`): the profile model's
//! probability where a profile exists, times the behaviour weights from the interactions (closed
//! groups, rings, clockwork timing), plus the bursts of doubtful new reactors.

use crate::accounts::display_name;
use crate::sources::{apply_behaviour, load_input_before_behaviour};
use anyhow::Result;
use earshot_store::{Store, TimeWindow};
use earshot_trust::TrustModel;
use std::collections::BTreeSet;
use std::time::Instant;

/// Which accounts to weigh, and how many of the least authentic to list.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanRequest {
    /// The scoring window whose interactions the behaviour weights come from.
    pub window: TimeWindow,
    /// Only accounts of this platform.
    pub platform: Option<String>,
    /// How many of the least authentic accounts to list.
    pub top: usize,
}

/// An account and the weight scoring gives its reactions (0–1).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AccountWeight {
    pub account: i64,
    /// How a person would name it (`platform:handle`); for the text, the JSON never carried it.
    #[serde(skip)]
    pub name: String,
    pub weight: f64,
}

/// `earshot --json trust scan`'s output.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ScanReport {
    /// Accounts with a profile the model reads or an interaction in the window.
    pub accounts: usize,
    /// Of which have a profile the model reads.
    pub with_profile: usize,
    /// Interactions in the window.
    pub interactions: u64,
    /// Accounts whose reactions earn nothing.
    pub weight_zero: usize,
    /// Accounts weighing more than 0 and less than 1.
    pub weight_reduced: usize,
    /// Bursts of doubtful new reactors.
    pub bursts: usize,
    /// Reactor→target pairs the bursts make weigh 0.
    pub burst_pairs: usize,
    /// The version of the profile model.
    pub trust_model: String,
    /// Reading and weighing, wall clock.
    pub seconds: f64,
    /// The accounts weighing less than 1, lightest first (ties by id), at most the request's `top`.
    pub least_authentic: Vec<AccountWeight>,
}

/// Weigh every account of the request's window with the built-in profile model and the behaviour in
/// the window's interactions.
pub fn scan(store: &Store, req: &ScanRequest) -> Result<ScanReport> {
    let started = Instant::now();
    let trust = TrustModel::builtin();
    let (mut input, interactions) =
        load_input_before_behaviour(store, req.window, req.platform.as_deref(), Some(&trust))?;
    // Before the behaviour step, the weights are exactly the profiled accounts'.
    let with_profile = input.authenticity.len();
    let bursts = apply_behaviour(&mut input);
    let mut accounts: BTreeSet<i64> = input.authenticity.keys().copied().collect();
    for r in &input.reactions {
        accounts.insert(r.actor);
        accounts.insert(r.target);
    }
    let seconds = started.elapsed().as_secs_f64();
    let weights: Vec<(i64, f64)> = accounts
        .iter()
        .map(|&account| (account, input.authenticity_of(account)))
        .collect();
    let least_authentic = least_authentic(&weights, req.top)
        .into_iter()
        .map(|(account, weight)| {
            let name = display_name(store, account)?;
            Ok(AccountWeight {
                account,
                name,
                weight,
            })
        })
        .collect::<Result<_>>()?;
    Ok(ScanReport {
        accounts: weights.len(),
        with_profile,
        interactions,
        weight_zero: weights.iter().filter(|w| w.1 == 0.0).count(),
        weight_reduced: weights.iter().filter(|w| w.1 > 0.0 && w.1 < 1.0).count(),
        bursts: bursts.len(),
        burst_pairs: input.pair_weights.len(),
        trust_model: trust.version,
        seconds,
        least_authentic,
    })
}

/// The `top` accounts (id, weight) weighing less than 1, lightest first, ties by id.
fn least_authentic(weights: &[(i64, f64)], top: usize) -> Vec<(i64, f64)> {
    let mut least: Vec<(i64, f64)> = weights.iter().copied().filter(|w| w.1 < 1.0).collect();
    least.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    least.truncate(top);
    least
}
