//! The triage policy: the service floor, and how far each reason may bring a message's due-by earlier.
//!
//! Every number is a plain field, stored as JSON beside each decision in the audit log, so any decision can
//! be recomputed and any change of policy is visible. [`Policy::version`] names the *rules* that read these
//! numbers; the numbers themselves are the policy's configuration.

/// How a message's due-by is set. `Policy::default()` is the built-in policy; see each field for its
/// default and what it means.
///
/// The rules, in one place (`decide.rs` applies them):
///
/// * Every message is due within [`floor_secs`](Policy::floor_secs) of arriving, whoever wrote it.
/// * Urgency in the text (negative sentiment, complaint markers, a question) brings it earlier by the
///   same amount whoever wrote it.
/// * An author's influence score above [`influence_from_score`](Policy::influence_from_score) brings it
///   earlier too, by at most [`influence_secs`](Policy::influence_secs), times the author's authenticity.
/// * The advances together never bring a message closer than
///   [`min_window_secs`](Policy::min_window_secs) to its arrival; when they would, the influence advance
///   is trimmed first, so urgency never depends on the author.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Policy {
    /// The service floor: every message is due at most this many seconds after it arrives, no matter who
    /// wrote it. Default 86,400 (24 h).
    pub floor_secs: i64,
    /// The smallest response window: no message is due sooner than this after it arrives, however urgent,
    /// so the advances together are at most `floor_secs − min_window_secs`. Default 3,600 (1 h).
    pub min_window_secs: i64,
    /// Advance for a message the sentiment model reads as certainly negative. Below certainty it is
    /// scaled: nothing at a negative probability of [`negative_from`](Policy::negative_from), growing
    /// linearly to all of it at 1. Default 28,800 (8 h).
    pub negative_secs: i64,
    /// The negative probability (earshot-sentiment's) at which the negative advance starts. Default 0.5:
    /// a message must be more likely negative than not.
    pub negative_from: f64,
    /// Advance for a message with at least one complaint marker (a refund, a cancelled or delayed flight,
    /// a lost bag: see [`crate::COMPLAINT_MARKERS`]). Default 14,400 (4 h).
    pub complaint_secs: i64,
    /// Advance for a message that asks something of the brand (earshot-text's `is_question`: a question
    /// or a request such as "please DM me"). Default 7,200 (2 h).
    pub question_secs: i64,
    /// Advance for an author with the top influence score (100), before authenticity. It grows linearly
    /// from nothing at [`influence_from_score`](Policy::influence_from_score). Smaller than the urgency
    /// advances on purpose: a complaint from anyone outranks influence alone. Default 14,400 (4 h).
    pub influence_secs: i64,
    /// Scores at or below this (and unscored authors) get no influence advance: exactly the treatment of
    /// an unknown author. Default 60, so the 1–20, 21–40 and 41–60 tiers are all treated alike.
    pub influence_from_score: f64,
    /// Priority 1 when the message is due within this share of the floor. Default 0.5 (12 h of 24).
    pub p1_within: f64,
    /// Priority 2 when due within this share of the floor (and not priority 1). Default 0.75 (18 h of 24).
    /// Priority 3 is anything earlier than the floor; priority 4 is due exactly at the floor.
    pub p2_within: f64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            floor_secs: 86_400,
            min_window_secs: 3_600,
            negative_secs: 28_800,
            negative_from: 0.5,
            complaint_secs: 14_400,
            question_secs: 7_200,
            influence_secs: 14_400,
            influence_from_score: 60.0,
            p1_within: 0.5,
            p2_within: 0.75,
        }
    }
}

/// A policy that cannot be applied as written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyError {
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("duration {value:?}: {reason} (write e.g. 24h, 90m, 2d or 3600s)")]
    Duration { value: String, reason: String },
}

/// The longest floor a policy may set: a year. Longer is almost certainly a unit mistake.
pub const MAX_FLOOR_SECS: i64 = 366 * 86_400;

impl Policy {
    /// The version of the rules that read this policy's numbers (stored with every decision).
    pub fn version(&self) -> &'static str {
        "earshot-triage-1"
    }

    /// Check the policy before using it: a floor in (0, a year], a minimum window within the floor,
    /// advances ≥ 0, probabilities and shares in range. `decide()` never panics on a policy that
    /// fails this check, but its decisions then follow the clamped values, not the written ones.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let bad = |field: &'static str, reason: String| Err(PolicyError::Invalid { field, reason });
        if self.floor_secs <= 0 || self.floor_secs > MAX_FLOOR_SECS {
            return bad(
                "floor_secs",
                format!(
                    "{} s: the floor must be more than 0 and at most a year ({MAX_FLOOR_SECS} s)",
                    self.floor_secs
                ),
            );
        }
        if self.min_window_secs < 0 || self.min_window_secs > self.floor_secs {
            return bad(
                "min_window_secs",
                format!(
                    "{} s: must be between 0 and the floor ({} s)",
                    self.min_window_secs, self.floor_secs
                ),
            );
        }
        for (field, v) in [
            ("negative_secs", self.negative_secs),
            ("complaint_secs", self.complaint_secs),
            ("question_secs", self.question_secs),
            ("influence_secs", self.influence_secs),
        ] {
            if v < 0 {
                return bad(
                    field,
                    format!("{v} s: an advance cannot be negative (it would push past the floor)"),
                );
            }
        }
        if !(0.0..1.0).contains(&self.negative_from) {
            return bad(
                "negative_from",
                format!("{}: must be a probability in [0, 1)", self.negative_from),
            );
        }
        if !(1.0..100.0).contains(&self.influence_from_score) {
            return bad(
                "influence_from_score",
                format!(
                    "{}: must be a score in [1, 100) (scores run from 1 to 100)",
                    self.influence_from_score
                ),
            );
        }
        if !(self.p1_within > 0.0 && self.p1_within < self.p2_within && self.p2_within < 1.0) {
            return bad(
                "p1_within",
                format!(
                    "{} and p2_within {}: need 0 < p1_within < p2_within < 1",
                    self.p1_within, self.p2_within
                ),
            );
        }
        Ok(())
    }

    /// The floor as applied: clamped to [0, [`MAX_FLOOR_SECS`]].
    pub(crate) fn floor(&self) -> i64 {
        self.floor_secs.clamp(0, MAX_FLOOR_SECS)
    }

    /// The most the advances may add up to: the floor less the minimum window, never negative.
    pub(crate) fn max_advance(&self) -> i64 {
        let floor = self.floor();
        floor - self.min_window_secs.clamp(0, floor)
    }
}

/// A duration as people write it: `24h`, `90m`, `2d`, `3600s` or bare seconds (`3600`); `1.5h` too.
///
/// ```
/// assert_eq!(earshot_triage::parse_duration("24h"), Ok(86_400));
/// assert_eq!(earshot_triage::parse_duration("1.5h"), Ok(5_400));
/// assert!(earshot_triage::parse_duration("soon").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<i64, PolicyError> {
    let t = text.trim();
    let err = |reason: &str| PolicyError::Duration {
        value: text.to_string(),
        reason: reason.to_string(),
    };
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let unit_secs = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "s" | "sec" | "secs" => 1.0,
        "m" | "min" | "mins" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600.0,
        "d" | "day" | "days" => 86_400.0,
        _ => return Err(err("unknown unit")),
    };
    let value: f64 = number.parse().map_err(|_| err("not a number"))?;
    let secs = (value * unit_secs).round();
    if !secs.is_finite() || secs > MAX_FLOOR_SECS as f64 {
        return Err(err("longer than a year"));
    }
    Ok(secs as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_is_valid_and_round_trips_as_json() {
        let p = Policy::default();
        p.validate().unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Policy>(&json).unwrap(), p);
        // Missing fields take their defaults, so an older stored policy still reads.
        let partial: Policy = serde_json::from_str(r#"{"floor_secs": 3600}"#).unwrap();
        assert_eq!(partial.floor_secs, 3600);
        assert_eq!(partial.question_secs, p.question_secs);
    }

    #[test]
    fn invalid_policies_name_their_field() {
        let field = |p: Policy| match p.validate() {
            Err(PolicyError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        let d = Policy::default;
        assert_eq!(
            field(Policy {
                floor_secs: 0,
                ..d()
            }),
            "floor_secs"
        );
        assert_eq!(
            field(Policy {
                min_window_secs: 90_000,
                ..d()
            }),
            "min_window_secs"
        );
        assert_eq!(
            field(Policy {
                influence_secs: -1,
                ..d()
            }),
            "influence_secs"
        );
        assert_eq!(
            field(Policy {
                negative_from: f64::NAN,
                ..d()
            }),
            "negative_from"
        );
        assert_eq!(
            field(Policy {
                p1_within: 0.9,
                ..d()
            }),
            "p1_within"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("3600"), Ok(3600));
        assert_eq!(parse_duration("90m"), Ok(5400));
        assert_eq!(parse_duration(" 2d "), Ok(172_800));
        assert_eq!(parse_duration("12 hours"), Ok(43_200));
        for bad in ["", "h", "-1h", "1w", "1e9d", "1.2.3h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
