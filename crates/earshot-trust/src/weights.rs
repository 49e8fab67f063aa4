//! From probabilities to the authenticity weights scoring multiplies each reactor's credit by.

use crate::features::FeatureContext;
use crate::model::TrustModel;
use earshot_model::Account;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Whether the account's profile says anything the model reads (a label alone does not count: labels
/// never feed a probability). Accounts known only from interactions have no evidence, and keep weight 1:
/// unknown is not fake.
pub fn has_profile_evidence(a: &Account) -> bool {
    let p = &a.profile;
    p.followers.is_some()
        || p.following.is_some()
        || p.post_count.is_some()
        || p.created_at.is_some()
        || p.bio.is_some()
        || p.url.is_some()
        || p.verified.is_some()
        || p.default_avatar.is_some()
        || p.default_profile.is_some()
        || p.private.is_some()
        || p.likes_given.is_some()
        || p.listed.is_some()
        || p.bio_length.is_some()
        || p.username_length.is_some()
        || p.username_digits.is_some()
}

/// The weight of an account that the model gives probability `p` of being automated or fake:
/// `1 − 2p`, floored at 0. An account more likely fake than not earns nothing — a thousand bought
/// followers at 2% each would otherwise add up to twenty real ones — and below that, credit falls twice
/// as fast as the probability rises (p = 0.05 weighs 0.9).
pub fn weight_of(p: f64) -> f64 {
    (1.0 - 2.0 * p).clamp(0.0, 1.0)
}

/// `(id, weight)` for every account with profile evidence, in the order given. Ages are measured per
/// platform against the latest creation time among that platform's accounts here.
pub fn authenticity_weights(accounts: &[(i64, Account)], model: &TrustModel) -> Vec<(i64, f64)> {
    let mut latest: BTreeMap<&str, i64> = BTreeMap::new();
    for (_, a) in accounts {
        if let Some(c) = a.profile.created_at {
            let e = latest.entry(a.platform.as_str()).or_insert(c);
            *e = (*e).max(c);
        }
    }
    // Accounts are independent: score them in parallel (rayon keeps the order).
    accounts
        .par_iter()
        .filter(|(_, a)| has_profile_evidence(a))
        .map(|(id, a)| {
            let ctx = FeatureContext {
                reference_time: latest.get(a.platform.as_str()).copied(),
            };
            (*id, weight_of(model.probability(&model.features(a, &ctx))))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_model::Profile;

    #[test]
    fn only_accounts_with_a_profile_get_a_weight() {
        let bare = Account {
            platform: "twitter".into(),
            ext_id: "1".into(),
            handle: Some("someone".into()),
            display_name: None,
            profile: Profile {
                label: Some("bot".into()),
                ..Default::default()
            },
        };
        let egg = Account {
            ext_id: "2".into(),
            handle: Some("user8461399".into()),
            profile: Profile {
                followers: Some(0),
                following: Some(2001),
                post_count: Some(0),
                default_avatar: Some(true),
                bio: Some(String::new()),
                ..Default::default()
            },
            ..bare.clone()
        };
        let w = authenticity_weights(&[(1, bare), (2, egg)], &TrustModel::builtin());
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].0, 2);
        assert!((0.0..1.0).contains(&w[0].1), "{w:?}");
    }
}
