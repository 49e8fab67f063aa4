//! The named features the authenticity model reads from an account's profile.
//!
//! Every feature is a plain number that means something on its own (a count on a log scale, a yes/no as
//! 1/0), so a weight on it can be read. A feature the data does not have is `None`: the model then uses
//! its training mean, which contributes nothing to the log-odds, rather than guessing.

use earshot_model::{Account, Timestamp};

/// Names and meanings of the features, in vector order.
pub const FEATURES: [(&str, &str); 18] = [
    ("log_followers", "ln(1 + followers)"),
    ("log_following", "ln(1 + accounts followed)"),
    ("follow_ratio", "ln(1 + followers) − ln(1 + following): bought-follower accounts follow far more than follow them"),
    ("log_posts", "ln(1 + posts as the platform counts them)"),
    ("log_likes_given", "ln(1 + posts the account liked)"),
    ("log_listed", "ln(1 + public lists the account is on): other people curating it"),
    ("log_age_days", "ln(1 + days since the account was created)"),
    ("log_posts_per_day", "ln(1 + posts per day of the account's life): automation posts around the clock"),
    ("default_avatar", "1 if the account still has the platform's default picture"),
    ("empty_bio", "1 if the bio is empty"),
    ("log_bio_length", "ln(1 + characters in the bio)"),
    ("has_url", "1 if the profile links somewhere"),
    ("verified", "1 if the platform verified the account"),
    ("private", "1 if the account is private / protected"),
    ("username_digits", "digits in the username (generated names carry long digit tails)"),
    ("username_length", "characters in the username"),
    ("says_bot", "1 if the handle, name or bio calls the account a bot"),
    ("never_liked", "1 if the account has liked nothing"),
];

/// Number of features.
pub const N_FEATURES: usize = FEATURES.len();

/// One account's features; `None` where the data does not say.
pub type FeatureVector = [Option<f64>; N_FEATURES];

/// What features need besides the account.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeatureContext {
    /// "Now" for the account's age: when the profiles were observed. Profiles rarely say, so callers
    /// use the latest creation time among the accounts assessed together (see [`latest_creation`]).
    pub reference_time: Option<Timestamp>,
}

/// The latest `created_at` among `accounts`: a lower bound on when their profiles were observed.
pub fn latest_creation<'a>(accounts: impl IntoIterator<Item = &'a Account>) -> Option<Timestamp> {
    accounts
        .into_iter()
        .filter_map(|a| a.profile.created_at)
        .max()
}

fn ln1p_count(v: Option<u64>) -> Option<f64> {
    v.map(|x| (x as f64).ln_1p())
}

fn flag(v: Option<bool>) -> Option<f64> {
    v.map(|b| if b { 1.0 } else { 0.0 })
}

/// Whether `text` calls the account a bot: "bot" as a word or at a word's end ("newsbot", "@weather_bot"),
/// not inside another word ("both", "bottle", "abbot" is accepted as a rare false hit).
fn says_bot(text: &str) -> bool {
    let lower = text.to_lowercase();
    let bytes = lower.as_bytes();
    lower.match_indices("bot").any(|(i, _)| {
        let after = bytes.get(i + 3).copied();
        // "bots", "bot's", "bot_" and the end of the text close the word; a letter continues it.
        !matches!(after, Some(c) if c.is_ascii_alphabetic() && c != b's')
            && !matches!(after.zip(bytes.get(i + 4).copied()), Some((b's', c)) if c.is_ascii_alphabetic())
    })
}

/// The features of `account`.
pub fn extract(account: &Account, ctx: &FeatureContext) -> FeatureVector {
    let p = &account.profile;
    let followers = ln1p_count(p.followers);
    let following = ln1p_count(p.following);
    let age_days = match (p.created_at, ctx.reference_time) {
        (Some(c), Some(now)) => Some(((now - c) as f64 / 86_400.0).max(0.0)),
        _ => None,
    };
    let bio_len = match (&p.bio, p.bio_length) {
        (Some(b), _) => Some(b.trim().chars().count() as f64),
        (None, Some(n)) => Some(n as f64),
        // A source with handles but an empty bio column leaves `bio` unset: profiles that have a
        // handle and counts but no bio are read as having an empty one.
        (None, None) if account.handle.is_some() && p.followers.is_some() => Some(0.0),
        (None, None) => None,
    };
    let (name_len, name_digits) = match &account.handle {
        Some(h) => (
            Some(h.chars().count() as f64),
            Some(h.chars().filter(char::is_ascii_digit).count() as f64),
        ),
        None => (
            p.username_length.map(|n| n as f64),
            p.username_digits.map(|n| n as f64),
        ),
    };
    let says = [
        account.handle.as_deref(),
        account.display_name.as_deref(),
        p.bio.as_deref(),
    ];
    let any_text = says.iter().any(Option::is_some);
    [
        followers,
        following,
        followers.zip(following).map(|(a, b)| a - b),
        ln1p_count(p.post_count),
        ln1p_count(p.likes_given),
        ln1p_count(p.listed),
        age_days.map(f64::ln_1p),
        age_days
            .zip(p.post_count)
            .map(|(d, n)| (n as f64 / d.max(1.0)).ln_1p()),
        flag(p.default_avatar),
        bio_len.map(|n| if n == 0.0 { 1.0 } else { 0.0 }),
        bio_len.map(f64::ln_1p),
        if account.handle.is_some() || p.url.is_some() {
            Some(if p.url.as_deref().is_some_and(|u| !u.trim().is_empty()) {
                1.0
            } else {
                0.0
            })
        } else {
            None
        },
        flag(p.verified),
        flag(p.private),
        name_digits,
        name_len,
        any_text.then(|| {
            if says.iter().flatten().any(|t| says_bot(t)) {
                1.0
            } else {
                0.0
            }
        }),
        p.likes_given.map(|n| if n == 0 { 1.0 } else { 0.0 }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_model::Profile;

    fn account(handle: Option<&str>, profile: Profile) -> Account {
        Account {
            platform: "twitter".into(),
            ext_id: "1".into(),
            handle: handle.map(String::from),
            display_name: None,
            profile,
        }
    }

    fn named(v: &FeatureVector, name: &str) -> Option<f64> {
        v[FEATURES.iter().position(|(n, _)| *n == name).unwrap()]
    }

    #[test]
    fn features_mean_what_they_say() {
        let a = account(
            Some("weather_bot_2017"),
            Profile {
                followers: Some(9),
                following: Some(999),
                post_count: Some(3650),
                created_at: Some(0),
                bio: Some("".into()),
                likes_given: Some(0),
                ..Default::default()
            },
        );
        let v = extract(
            &a,
            &FeatureContext {
                reference_time: Some(365 * 86_400),
            },
        );
        assert_eq!(named(&v, "username_digits"), Some(4.0));
        assert_eq!(named(&v, "username_length"), Some(16.0));
        assert_eq!(named(&v, "says_bot"), Some(1.0));
        assert_eq!(named(&v, "empty_bio"), Some(1.0));
        assert_eq!(named(&v, "never_liked"), Some(1.0));
        assert!((named(&v, "follow_ratio").unwrap() - (10f64.ln() - 1000f64.ln())).abs() < 1e-12);
        assert!((named(&v, "log_posts_per_day").unwrap() - 11f64.ln()).abs() < 1e-12);
        // Unknown fields stay unknown.
        assert_eq!(named(&v, "verified"), None);
        assert_eq!(named(&v, "log_listed"), None);
    }

    #[test]
    fn described_usernames_count_when_the_handle_is_missing() {
        let a = account(
            None,
            Profile {
                username_length: Some(10),
                username_digits: Some(3),
                bio_length: Some(42),
                ..Default::default()
            },
        );
        let v = extract(
            &a,
            &FeatureContext {
                reference_time: None,
            },
        );
        assert_eq!(named(&v, "username_digits"), Some(3.0));
        assert_eq!(named(&v, "empty_bio"), Some(0.0));
        assert_eq!(named(&v, "says_bot"), None);
        assert_eq!(named(&v, "log_age_days"), None);
    }

    #[test]
    fn bot_must_end_a_word() {
        for yes in [
            "newsbot",
            "a bot that tweets",
            "Weather_Bot",
            "bots!",
            "BOT",
        ] {
            assert!(says_bot(yes), "{yes}");
        }
        for no in ["both of us", "bottle", "robotics", "botswana", ""] {
            assert!(!says_bot(no), "{no}");
        }
    }
}
