//! Rule 3 of [`crate::is_question`]: requests for a response or an action ("please advise",
//! "DM me", "let me know", "I need help with …"), anywhere in the message.

use crate::lexicon::lookup;

fn is_please(w: &str) -> bool {
    lookup(w, |w| {
        matches!(
            w,
            "please" | "pls" | "plz" | "plse" | "plis" | "pleas" | "kindly"
        )
    })
}

/// Verbs that, next to "please", ask the recipient to respond or act.
fn is_request_verb(w: &str) -> bool {
    matches!(
        w,
        "help"
            | "advise"
            | "assist"
            | "respond"
            | "reply"
            | "answer"
            | "dm"
            | "pm"
            | "message"
            | "msg"
            | "call"
            | "contact"
            | "email"
            | "e-mail"
            | "fix"
            | "explain"
            | "confirm"
            | "check"
            | "look"
            | "send"
            | "tell"
            | "let"
            | "get"
            | "update"
            | "refund"
            | "rebook"
            | "reimburse"
            | "resolve"
            | "find"
            | "share"
            | "follow"
            | "provide"
            | "clarify"
            | "escalate"
            | "reach"
            | "give"
            | "bring"
            | "stop"
            | "change"
            | "cancel"
            | "waive"
            | "hold"
            | "honor"
            | "honour"
            | "add"
            | "inform"
            | "investigate"
            | "assign"
            | "return"
            | "connect"
            | "reply,"
            | "review"
            | "retweet"
            | "rt"
            | "fwd"
            | "forward"
            | "open"
    )
}

/// Whether a request pattern (rule 3) starts or is centred at word `i`.
pub(crate) fn request_at<'w>(word: &str, i: usize, w: &impl Fn(usize) -> Option<&'w str>) -> bool {
    let prev = if i > 0 { w(i - 1) } else { None };
    let (next, next2) = (w(i + 1), w(i + 2));
    if is_please(word) {
        return prev.is_some_and(is_request_verb)
            || next.is_some_and(is_request_verb)
            || (next.is_some_and(|n| {
                matches!(
                    n,
                    "can" | "could" | "would" | "will" | "just" | "do" | "someone" | "somebody"
                )
            }) && next2.is_some());
    }
    let me_us = matches!(next, Some("me" | "us"));
    match word {
        "let" => me_us && next2 == Some("know"),
        "lmk" | "lemme" if word == "lmk" || next == Some("know") => true,
        "dm" | "pm" | "dms" => me_us || matches!(next, Some("pls" | "please")),
        "message" | "msg" | "call" | "email" | "e-mail" | "contact" | "text" => {
            me_us && (prev.is_none() || prev.is_some_and(is_please))
        }
        "need" | "needs" | "needing" | "needed" => {
            if matches!(
                prev,
                Some("don't" | "dont" | "not" | "never" | "didn't" | "didnt" | "no")
            ) {
                return false;
            }
            if next == Some("to") && next2 == Some("know") {
                return true;
            }
            let n = match next {
                Some(
                    "your" | "some" | "urgent" | "immediate" | "an" | "any" | "a" | "more" | "real",
                ) => next2,
                other => other,
            };
            matches!(
                n,
                Some(
                    "help"
                        | "assistance"
                        | "answer"
                        | "answers"
                        | "info"
                        | "information"
                        | "update"
                        | "response"
                        | "reply"
                        | "explanation"
                        | "advice"
                )
            )
        }
        "wonder" | "wondering" | "curious" => matches!(
            next,
            Some("if" | "whether" | "why" | "how" | "when" | "what" | "where" | "who" | "which")
        ),
        "want" | "wanted" | "like" | "i'd" => next == Some("to") && next2 == Some("know"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::test_cases::{no, yes};

    #[test]
    fn requests() {
        yes(&[
            "@united please help",
            "@united please advise",
            "@united advise pls",
            "@united please DM me",
            "@united dm me",
            "@united let me know",
            "@united lmk when it lands",
            "@united Kindly rebook me",
            "@united I need help with my booking",
            "@united need your help asap",
            "@united Help! stuck in Denver",
            "@united help me get home",
            "@united tell me where my bag is",
            "@united wondering if the flight is full",
            "@united I'd like to know my options",
            "@united I want to know why this happened",
            "@united plz can someone call me",
            "@united pleeease respond",
        ]);
    }

    #[test]
    fn not_requests() {
        no(&[
            "@united I don't need help",
            "@united they didn't call me back",
            "@united you never help me",
            "@united please fly safe",
            "@united thanks for the help",
            "@united I was wondering around the terminal",
            "@united let me board already",
        ]);
    }
}
