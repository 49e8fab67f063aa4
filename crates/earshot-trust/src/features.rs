//! The named features the authenticity model reads from an account's profile.
//!
//! The set follows Yang et al., "Scalable and Generalizable Social Bot Detection through Data Selection"
//! (AAAI 2020), chosen there because it can be computed from the profile alone and because it carried
//! over between datasets: the counts, each count's growth per day of the account's life, the
//! followers/following ratio, screen-name and name lengths and digit counts, the description's length,
//! the default-profile flags, and the likelihood of the screen name under a character-pair model.
//!
//! Every feature is a plain number that means something on its own (a count on a log scale, a yes/no as
//! 1/0), so a split or a weight on it can be read. A feature the data does not have is `None`, and the
//! models make it contribute exactly nothing (see `trees.rs` and `model.rs`): a dataset that lacks a
//! field is never judged by what the field's absence meant in another dataset.

use earshot_model::{Account, Timestamp};
use serde::{Deserialize, Serialize};

/// Names and meanings of the features, in vector order.
pub const FEATURES: [(&str, &str); 24] = [
    ("log_followers", "ln(1 + followers)"),
    ("log_following", "ln(1 + accounts followed)"),
    ("log_posts", "ln(1 + posts as the platform counts them)"),
    ("log_likes_given", "ln(1 + posts the account liked)"),
    ("log_listed", "ln(1 + public lists the account is on): other people curating it"),
    ("follow_ratio", "ln(1 + followers) − ln(1 + following): bought-follower accounts follow far more than follow them"),
    ("log_age_days", "ln(1 + days between creation and the newest account of the same data)"),
    ("posts_per_day", "ln(1 + posts per day of the account's life): automation posts around the clock"),
    ("followers_per_day", "ln(1 + followers gained per day of the account's life)"),
    ("following_per_day", "ln(1 + accounts followed per day of the account's life): follow-back farming"),
    ("likes_per_day", "ln(1 + likes given per day of the account's life)"),
    ("listed_per_day", "ln(1 + lists joined per day of the account's life)"),
    ("default_profile", "1 if the account kept the platform's default theme"),
    ("default_avatar", "1 if the account still has the platform's default picture"),
    ("verified", "1 if the platform verified the account"),
    ("private", "1 if the account is private / protected"),
    ("has_url", "1 if the profile links somewhere"),
    ("screen_name_length", "characters in the username"),
    ("screen_name_digits", "digits in the username (generated names carry long digit tails)"),
    ("name_length", "characters in the display name"),
    ("name_digits", "digits in the display name"),
    ("bio_length", "characters in the bio"),
    ("screen_name_likelihood", "mean log-probability of the username's character pairs: generated names are unlikely"),
    ("says_bot", "1 if the handle, name or bio calls the account a bot"),
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

/// Symbols of the screen-name model: `a`–`z`, `0`–`9`, `_`, and one for anything else.
const SYMBOLS: usize = 38;

fn symbol(c: char) -> usize {
    match c.to_ascii_lowercase() {
        c @ 'a'..='z' => c as usize - 'a' as usize,
        c @ '0'..='9' => 26 + c as usize - '0' as usize,
        '_' => 36,
        _ => 37,
    }
}

/// Character-pair counts of screen names, the model behind `screen_name_likelihood`.
///
/// Yang et al. fit it on two million random screen names; earshot fits it on the screen names of the
/// accounts a model is trained on (labels unused) and stores it in the model file, so a probability never
/// depends on which other accounts happen to be in the database.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NameBigrams {
    /// `counts[a * 38 + b]`: how often symbol `b` followed symbol `a` (empty: no names were seen).
    pub counts: Vec<u32>,
    pub total: u64,
}

impl NameBigrams {
    /// Count the character pairs of `names`.
    pub fn fit<'a>(names: impl IntoIterator<Item = &'a str>) -> NameBigrams {
        let mut counts = vec![0u32; SYMBOLS * SYMBOLS];
        let mut total = 0u64;
        for name in names {
            let s: Vec<usize> = name.chars().map(symbol).collect();
            for w in s.windows(2) {
                counts[w[0] * SYMBOLS + w[1]] = counts[w[0] * SYMBOLS + w[1]].saturating_add(1);
                total += 1;
            }
        }
        NameBigrams { counts, total }
    }

    /// Whether a model file's table is usable: empty, or a full table.
    pub fn is_well_formed(&self) -> bool {
        self.counts.is_empty() || self.counts.len() == SYMBOLS * SYMBOLS
    }

    /// Mean log-probability of `name`'s character pairs (add-one smoothed); `None` for a name of one
    /// character or an empty table.
    pub fn log_likelihood(&self, name: &str) -> Option<f64> {
        if self.counts.len() != SYMBOLS * SYMBOLS || self.total == 0 {
            return None;
        }
        let s: Vec<usize> = name.chars().map(symbol).collect();
        if s.len() < 2 {
            return None;
        }
        let denom = (self.total + (SYMBOLS * SYMBOLS) as u64) as f64;
        let sum: f64 = s
            .windows(2)
            .map(|w| ((f64::from(self.counts[w[0] * SYMBOLS + w[1]]) + 1.0) / denom).ln())
            .sum();
        Some(sum / (s.len() - 1) as f64)
    }
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

/// The features of `account`; `names` is the screen-name model (a trained model's own).
pub fn extract(account: &Account, ctx: &FeatureContext, names: &NameBigrams) -> FeatureVector {
    let p = &account.profile;
    let followers = ln1p_count(p.followers);
    let following = ln1p_count(p.following);
    let age_days = match (p.created_at, ctx.reference_time) {
        (Some(c), Some(now)) => Some(((now - c) as f64 / 86_400.0).max(0.0)),
        _ => None,
    };
    // Growth per day of the account's life, with a floor of one day so a new account is not infinite.
    let per_day = |n: Option<u64>| {
        age_days
            .zip(n)
            .map(|(d, n)| (n as f64 / d.max(1.0)).ln_1p())
    };
    let bio_len = match (&p.bio, p.bio_length) {
        (Some(b), _) => Some(b.trim().chars().count() as f64),
        (None, Some(n)) => Some(n as f64),
        // A source with handles but an empty bio column leaves `bio` unset: profiles that have a
        // handle and counts but no bio are read as having an empty one.
        (None, None) if account.handle.is_some() && p.followers.is_some() => Some(0.0),
        (None, None) => None,
    };
    let length_and_digits = |s: &str| {
        (
            Some(s.chars().count() as f64),
            Some(s.chars().filter(char::is_ascii_digit).count() as f64),
        )
    };
    let (screen_len, screen_digits) = match &account.handle {
        Some(h) => length_and_digits(h),
        None => (
            p.username_length.map(|n| n as f64),
            p.username_digits.map(|n| n as f64),
        ),
    };
    let (name_len, name_digits) = account
        .display_name
        .as_deref()
        .map_or((None, None), length_and_digits);
    let says = [
        account.handle.as_deref(),
        account.display_name.as_deref(),
        p.bio.as_deref(),
    ];
    let any_text = says.iter().any(Option::is_some);
    [
        followers,
        following,
        ln1p_count(p.post_count),
        ln1p_count(p.likes_given),
        ln1p_count(p.listed),
        followers.zip(following).map(|(a, b)| a - b),
        age_days.map(f64::ln_1p),
        per_day(p.post_count),
        per_day(p.followers),
        per_day(p.following),
        per_day(p.likes_given),
        per_day(p.listed),
        flag(p.default_profile),
        flag(p.default_avatar),
        flag(p.verified),
        flag(p.private),
        if account.handle.is_some() || p.url.is_some() {
            Some(if p.url.as_deref().is_some_and(|u| !u.trim().is_empty()) {
                1.0
            } else {
                0.0
            })
        } else {
            None
        },
        screen_len,
        screen_digits,
        name_len,
        name_digits,
        bio_len,
        account
            .handle
            .as_deref()
            .and_then(|h| names.log_likelihood(h)),
        any_text.then(|| {
            if says.iter().flatten().any(|t| says_bot(t)) {
                1.0
            } else {
                0.0
            }
        }),
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
            &NameBigrams::default(),
        );
        assert_eq!(named(&v, "screen_name_digits"), Some(4.0));
        assert_eq!(named(&v, "screen_name_length"), Some(16.0));
        assert_eq!(named(&v, "says_bot"), Some(1.0));
        assert_eq!(named(&v, "bio_length"), Some(0.0));
        assert_eq!(named(&v, "log_likes_given"), Some(0.0));
        assert!((named(&v, "follow_ratio").unwrap() - (10f64.ln() - 1000f64.ln())).abs() < 1e-12);
        assert!((named(&v, "posts_per_day").unwrap() - 11f64.ln()).abs() < 1e-12);
        assert!(
            (named(&v, "following_per_day").unwrap() - (999.0f64 / 365.0).ln_1p()).abs() < 1e-12
        );
        // No table: no likelihood, rather than a made-up one.
        assert_eq!(named(&v, "screen_name_likelihood"), None);
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
            &NameBigrams::default(),
        );
        assert_eq!(named(&v, "screen_name_digits"), Some(3.0));
        assert_eq!(named(&v, "bio_length"), Some(42.0));
        assert_eq!(named(&v, "name_length"), None);
        assert_eq!(named(&v, "posts_per_day"), None);
        assert_eq!(named(&v, "says_bot"), None);
        assert_eq!(named(&v, "log_age_days"), None);
    }

    #[test]
    fn names_made_of_common_pairs_are_likelier_than_random_strings() {
        let names = [
            "maria_rossi",
            "john_smith",
            "anna_bianchi",
            "mark_jones",
            "laura_marini",
        ];
        let table = NameBigrams::fit(names.iter().copied());
        assert!(table.is_well_formed());
        let word = table.log_likelihood("mario_rossini").unwrap();
        let noise = table.log_likelihood("xq7z9kw2v").unwrap();
        assert!(word > noise, "{word} vs {noise}");
        assert_eq!(table.log_likelihood("a"), None);
        assert_eq!(NameBigrams::default().log_likelihood("maria"), None);
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
