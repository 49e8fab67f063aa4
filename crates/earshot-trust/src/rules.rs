//! The rule set the press used for "fake follower" audits, as a baseline the model must beat.
//!
//! After Camisani-Calzolari's 2012 audit rules as reported and reused in the press: an account looks
//! human when it has at least 30 followers, at least 50 posts, a bio, a picture, and at least twice as
//! many followers as accounts it follows. Each check applies only where the data has the field; an
//! account that passes fewer than half of its applicable checks is called fake.

use earshot_model::Account;

/// The checks, in order, with what each asks.
pub const CHECKS: [&str; 5] = [
    "at least 30 followers",
    "at least 50 posts",
    "has a bio",
    "has a picture",
    "followers at least twice the accounts it follows",
];

/// Each check's outcome, `None` where the data lacks the field.
pub fn checks(a: &Account) -> [Option<bool>; 5] {
    let p = &a.profile;
    let has_bio = match (&p.bio, p.bio_length) {
        (Some(b), _) => Some(!b.trim().is_empty()),
        (None, Some(n)) => Some(n > 0),
        (None, None) if a.handle.is_some() && p.followers.is_some() => Some(false),
        (None, None) => None,
    };
    [
        p.followers.map(|f| f >= 30),
        p.post_count.map(|n| n >= 50),
        has_bio,
        p.default_avatar.map(|d| !d),
        p.followers
            .zip(p.following)
            .map(|(fo, fi)| fo as f64 >= 2.0 * fi as f64),
    ]
}

/// Share of the applicable checks the account fails, in [0, 1] (`None` if none apply): the rule set's
/// "how fake" score. The verdict is fake when it exceeds one half.
pub fn failed_share(a: &Account) -> Option<f64> {
    let c = checks(a);
    let applicable = c.iter().flatten().count();
    (applicable > 0)
        .then(|| c.iter().flatten().filter(|&&ok| !ok).count() as f64 / applicable as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_model::Profile;

    #[test]
    fn an_empty_egg_fails_and_a_known_author_passes() {
        let egg = Account {
            platform: "twitter".into(),
            ext_id: "1".into(),
            handle: Some("user84613".into()),
            display_name: None,
            profile: Profile {
                followers: Some(2),
                following: Some(900),
                post_count: Some(0),
                default_avatar: Some(true),
                ..Default::default()
            },
        };
        assert_eq!(failed_share(&egg), Some(1.0));
        let author = Account {
            handle: Some("jk_rowling".into()),
            profile: Profile {
                followers: Some(9_942_665),
                following: Some(600),
                post_count: Some(10_000),
                bio: Some("Writer".into()),
                default_avatar: Some(false),
                ..Default::default()
            },
            ..egg.clone()
        };
        assert_eq!(failed_share(&author), Some(0.0));
        let unknown = Account {
            handle: None,
            profile: Profile::default(),
            ..egg
        };
        assert_eq!(failed_share(&unknown), None);
    }
}
