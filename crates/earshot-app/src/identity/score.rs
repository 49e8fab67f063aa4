//! A person's score: their accounts' authentic engagement added up on the one scale every platform
//! shares.
//!
//! A score is the authentic reactions an account is expected to receive next week, on a log scale
//! (`earshot_score::Scale`). Reactions a week are a common unit across platforms, so a person's
//! expected engagement is the sum over their accounts, and their score is that sum on the same scale.
//! The sum is at least each account's, and the scale only rises, so linking never gives a person a
//! score below any of their accounts' (the score is also held at or above the best account's, so that
//! rounding in the logarithm cannot break that); each account's own score is stored per account and
//! never touched by linking, so unlinking restores it exactly.

use anyhow::{Context, Result};
use earshot_score::{Scale, ScoreModel};
use earshot_store::{AccountName, Person, Store};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonScore {
    pub run: i64,
    /// 1–100 on the run's scale; 0 when no account of the person was scored.
    pub overall: f64,
    /// Authentic reactions expected next week, summed over the accounts.
    pub expected: f64,
    /// Each account's part, largest first.
    pub accounts: Vec<PlatformShare>,
}

/// One account's part in a person's score.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlatformShare {
    /// `platform`, `platform_id` and `handle`.
    #[schema(value_type = Object)]
    pub account: AccountName,
    /// The account's own score in the run (0 when not scored).
    pub overall: f64,
    pub expected: f64,
    /// Its share of the person's expected engagement (0–1).
    pub share: f64,
}

/// `person`'s score in `run`.
pub fn person_score(store: &Store, run: i64, person: &Person) -> Result<PersonScore> {
    let stored = store
        .score_run(Some(run))?
        .with_context(|| format!("score run {run} is not in the database"))?;
    let scale = ScoreModel::from_json(&stored.model_json)
        .map(|m| m.scale.unwrap_or(Scale::DEFINED))
        .unwrap_or(Scale::DEFINED);
    let mut parts = Vec::new();
    for a in &person.accounts {
        let row = store.account_score(run, a.account)?;
        let overall = row.as_ref().map_or(0.0, |r| r.overall);
        // Runs of models before expected engagement was stored: the number behind the score.
        let expected = match row {
            Some(r) if r.overall > 0.0 => {
                r.expected.unwrap_or_else(|| scale.expected_at(r.overall))
            }
            _ => 0.0,
        };
        parts.push((
            store.account_name(a.account)?.unwrap_or_default(),
            overall,
            expected,
        ));
    }
    Ok(combine(run, &scale, parts))
}

/// The person's score from each account's (name, score, expected engagement).
fn combine(run: i64, scale: &Scale, parts: Vec<(AccountName, f64, f64)>) -> PersonScore {
    let expected: f64 = parts.iter().map(|p| p.2).sum();
    let best = parts.iter().map(|p| p.1).fold(0.0, f64::max);
    let overall = if expected > 0.0 {
        scale.score(expected.ln()).max(best)
    } else {
        best
    };
    let mut accounts: Vec<PlatformShare> = parts
        .into_iter()
        .map(|(account, overall, e)| PlatformShare {
            account,
            overall,
            expected: e,
            share: if expected > 0.0 { e / expected } else { 0.0 },
        })
        .collect();
    accounts.sort_by(|x, y| y.expected.total_cmp(&x.expected));
    PersonScore {
        run,
        overall,
        expected,
        accounts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn name(i: usize) -> AccountName {
        AccountName {
            platform: format!("p{i}"),
            platform_id: i.to_string(),
            handle: None,
        }
    }

    proptest! {
        /// Linking accounts never gives the person a score below any account's, and the shares add
        /// up to one; the accounts' own scores are carried through unchanged.
        #[test]
        fn a_person_scores_at_least_each_account(expected in proptest::collection::vec(0.0f64..5000.0, 1..5)) {
            let scale = Scale::DEFINED;
            let parts: Vec<(AccountName, f64, f64)> = expected
                .iter()
                .enumerate()
                .map(|(i, &e)| {
                    let overall = if e > 0.0 { scale.score(e.ln()) } else { 0.0 };
                    (name(i), overall, e)
                })
                .collect();
            let own: Vec<f64> = parts.iter().map(|p| p.1).collect();
            let person = combine(1, &scale, parts);
            for &o in &own {
                prop_assert!(person.overall >= o, "{} < {o}", person.overall);
            }
            prop_assert!(person.overall <= 100.0);
            let mut carried: Vec<f64> = person.accounts.iter().map(|a| a.overall).collect();
            let mut own_sorted = own.clone();
            carried.sort_by(f64::total_cmp);
            own_sorted.sort_by(f64::total_cmp);
            prop_assert_eq!(carried, own_sorted);
            if person.expected > 0.0 {
                let total: f64 = person.accounts.iter().map(|a| a.share).sum();
                prop_assert!((total - 1.0).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn two_equal_accounts_double_the_engagement_and_add_the_scales_doubling() {
        let scale = Scale::DEFINED;
        let one = scale.score(20f64.ln());
        let p = combine(1, &scale, vec![(name(0), one, 20.0), (name(1), one, 20.0)]);
        assert!((p.overall - (one + scale.points_per_doubling)).abs() < 1e-9);
        assert_eq!(p.accounts[0].share, 0.5);
    }
}
