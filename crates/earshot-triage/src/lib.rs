//! Customer-service triage: which message to answer first, with a service floor nobody falls below.
//!
//! Influence is part of customer service now — when someone with reach complains, the brand notices —
//! but it must never be a reason to give anyone less than standard service. So every message gets a
//! due-by no later than its arrival plus the [`Policy::floor_secs`] (24 h by default), whoever wrote it,
//! and nothing is ever filtered out. What the text says (negative tone, a named service failure, a
//! question) brings the due-by earlier by the same amount for everyone; an author's influence score brings
//! it earlier by a smaller, bounded amount, cut down when the account looks inauthentic. Each decision
//! lists its [`Reason`]s in plain English with the seconds each one advanced, for the audit log.
//!
//! What the policy guarantees (tested for any input by the property tests in `tests/properties.rs`):
//!
//! * `received ≤ due_by ≤ received + floor`, saturating at the ends of `i64`;
//! * an unscored author, and any author scored at or below [`Policy::influence_from_score`], gets exactly
//!   the due-by of an unscored author: influence never hurts, and a low score is not held against anyone;
//! * a higher score never makes the due-by later; lower authenticity never makes it earlier;
//! * the urgency of a text moves everyone's due-by alike;
//! * the reasons' advances add up to `floor_due_by − due_by`.
//!
//! No SQL, no HTTP, no I/O: messages and scores in, decisions out. The `earshot` binary (`earshot
//! triage`) stores the decisions through earshot-store and prints them.

mod decide;
mod policy;
mod signals;

pub use decide::{decide, decide_with, span, Author, Decision, Message, Reason};
pub use policy::{parse_duration, Policy, PolicyError, MAX_FLOOR_SECS};
pub use signals::{complaint_markers, signals, Signals, COMPLAINT_MARKERS, MAX_TEXT_BYTES};
