//! The kinds of interaction earshot knows.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What an actor did to a target. The numeric [`code`](InteractionKind::code) is what the store keeps:
/// it is part of the on-disk format and never changes meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InteractionKind {
    Reply,
    Mention,
    Reshare,
    Quote,
    Like,
    Follow,
    Unfollow,
}

impl InteractionKind {
    pub const ALL: [InteractionKind; 7] = [
        InteractionKind::Reply,
        InteractionKind::Mention,
        InteractionKind::Reshare,
        InteractionKind::Quote,
        InteractionKind::Like,
        InteractionKind::Follow,
        InteractionKind::Unfollow,
    ];

    pub fn code(self) -> u8 {
        match self {
            InteractionKind::Reply => 1,
            InteractionKind::Mention => 2,
            InteractionKind::Reshare => 3,
            InteractionKind::Quote => 4,
            InteractionKind::Like => 5,
            InteractionKind::Follow => 6,
            InteractionKind::Unfollow => 7,
        }
    }

    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            InteractionKind::Reply => "reply",
            InteractionKind::Mention => "mention",
            InteractionKind::Reshare => "reshare",
            InteractionKind::Quote => "quote",
            InteractionKind::Like => "like",
            InteractionKind::Follow => "follow",
            InteractionKind::Unfollow => "unfollow",
        }
    }

    /// Is this a reaction to the target's content (what scoring counts), rather than a follow edge?
    pub fn is_reaction(self) -> bool {
        !matches!(self, InteractionKind::Follow | InteractionKind::Unfollow)
    }
}

impl fmt::Display for InteractionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown interaction kind {0:?} (expected reply, mention, reshare, quote, like, follow or unfollow; or RT, MT, RE)")]
pub struct UnknownKind(pub String);

impl FromStr for InteractionKind {
    type Err = UnknownKind;

    /// Accepts earshot's names, common synonyms (`retweet`, `rt`, `favorite`), and the Higgs codes RT/MT/RE.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = match s.trim().to_ascii_lowercase().as_str() {
            "reply" | "re" | "replied" => InteractionKind::Reply,
            "mention" | "mt" | "mentioned" => InteractionKind::Mention,
            "reshare" | "rt" | "retweet" | "repost" | "share" => InteractionKind::Reshare,
            "quote" | "qt" => InteractionKind::Quote,
            "like" | "favorite" | "favourite" | "fav" => InteractionKind::Like,
            "follow" => InteractionKind::Follow,
            "unfollow" => InteractionKind::Unfollow,
            _ => return Err(UnknownKind(s.to_string())),
        };
        Ok(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_distinct() {
        for k in InteractionKind::ALL {
            assert_eq!(InteractionKind::from_code(k.code()), Some(k));
            assert_eq!(k.name().parse::<InteractionKind>().unwrap(), k);
        }
        assert_eq!(InteractionKind::from_code(0), None);
    }

    #[test]
    fn higgs_codes_parse() {
        assert_eq!(
            "RT".parse::<InteractionKind>().unwrap(),
            InteractionKind::Reshare
        );
        assert_eq!(
            "MT".parse::<InteractionKind>().unwrap(),
            InteractionKind::Mention
        );
        assert_eq!(
            "RE".parse::<InteractionKind>().unwrap(),
            InteractionKind::Reply
        );
        assert!("XX".parse::<InteractionKind>().is_err());
    }
}
