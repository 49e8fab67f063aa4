//! Rule 2 of [`crate::is_question`]: interrogative openers at the start of a clause.
//!
//! Each opener is a word plus a check on the word or two after it, because most English question
//! words also start statements: "when I landed …", "what a joke", "do not fly", "have a nice day".

pub(crate) fn is_aux(w: &str) -> bool {
    is_modal_or_do(w) || is_copula_or_have(w)
}

/// Modals and `do`: these invert with any subject, including a determiner ("will the flight …").
fn is_modal_or_do(w: &str) -> bool {
    matches!(
        w,
        "do" | "does"
            | "did"
            | "can"
            | "could"
            | "would"
            | "will"
            | "should"
            | "shall"
            | "may"
            | "might"
            | "cn"
            | "don't"
            | "dont"
            | "doesn't"
            | "doesnt"
            | "didn't"
            | "didnt"
            | "can't"
            | "cant"
            | "couldn't"
            | "couldnt"
            | "wouldn't"
            | "wouldnt"
            | "won't"
            | "shouldn't"
            | "shouldnt"
    )
}

/// Copulas and `have`: sentences in tweets drop their subject ("Was the worst flight ever",
/// "Had the best crew"), so these need a pronoun or a mention after them.
fn is_copula_or_have(w: &str) -> bool {
    matches!(
        w,
        "is" | "are"
            | "am"
            | "was"
            | "were"
            | "r"
            | "isn't"
            | "isnt"
            | "aren't"
            | "arent"
            | "wasn't"
            | "wasnt"
            | "weren't"
            | "has"
            | "have"
            | "had"
            | "hasn't"
            | "haven't"
            | "havent"
            | "hadn't"
    )
}

fn is_pronoun(w: &str) -> bool {
    matches!(
        w,
        "i" | "you"
            | "u"
            | "ya"
            | "yall"
            | "y'all"
            | "we"
            | "they"
            | "he"
            | "she"
            | "it"
            | "there"
            | "this"
            | "that"
            | "these"
            | "those"
            | "anyone"
            | "anybody"
            | "someone"
            | "somebody"
            | "everyone"
            | "anything"
            | "something"
            | "ur"
    )
}

fn is_determiner(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "my"
            | "your"
            | "our"
            | "their"
            | "his"
            | "her"
            | "its"
            | "any"
            | "some"
            | "this"
            | "that"
            | "these"
            | "those"
            | "one"
    )
}

/// The subject test after an auxiliary opener.
fn aux_has_subject(aux: &str, next: Option<&str>, next_is_mention: bool) -> bool {
    if next_is_mention {
        return true;
    }
    let Some(n) = next else { return false };
    if aux == "do" {
        // "Do it again", "do this": imperatives. A question needs a personal subject.
        return is_pronoun(n)
            && !matches!(
                n,
                "it" | "this" | "that" | "these" | "those" | "something" | "anything"
            );
    }
    is_pronoun(n) || (is_modal_or_do(aux) && is_determiner(n))
}

/// Whether a clause opening with `w` (followed by `next`, `next2`) asks something.
pub(crate) fn opener_asks(
    w: &str,
    next: Option<&str>,
    next2: Option<&str>,
    next_is_mention: bool,
    sentence_start: bool,
) -> bool {
    let next_aux = next.is_some_and(is_aux) || matches!(next, Some("r" | "u"));
    match w {
        "why" | "y" if w == "why" || next_aux => true,
        "what's" | "whats" | "where's" | "wheres" | "how's" | "hows" | "when's" | "who's"
        | "whos" | "why's" | "wat's" => true,
        "what" | "wat" | "wht" => {
            !next_is_mention
                && next.is_some()
                && !matches!(next, Some("a" | "an"))
                && (next != Some("the")
                    || !matches!(
                        next2,
                        Some("hell" | "heck" | "fuck" | "f" | "eff" | "h" | "actual")
                    ))
        }
        "how" => {
            next_aux
                || matches!(
                    next,
                    Some(
                        "long"
                            | "much"
                            | "many"
                            | "come"
                            | "about"
                            | "soon"
                            | "often"
                            | "far"
                            | "else"
                            | "to"
                            | "do"
                    )
                )
        }
        "when" | "where" | "who" | "whom" | "whose" => {
            next_aux || (w == "who" && next == Some("else"))
        }
        "which" => {
            sentence_start
                && (next_aux
                    || matches!(
                        next,
                        Some(
                            "flight"
                                | "flights"
                                | "one"
                                | "ones"
                                | "terminal"
                                | "gate"
                                | "airline"
                                | "airport"
                                | "seat"
                                | "seats"
                                | "option"
                                | "way"
                                | "day"
                                | "time"
                                | "route"
                                | "card"
                                | "number"
                                | "city"
                                | "fare"
                                | "class"
                                | "bag"
                                | "app"
                        )
                    ))
                && !matches!(next, Some("is" | "was"))
        }
        "anyone" | "anybody" => true,
        "any" => matches!(
            next,
            Some(
                "update"
                    | "updates"
                    | "news"
                    | "word"
                    | "chance"
                    | "idea"
                    | "ideas"
                    | "way"
                    | "info"
                    | "information"
                    | "eta"
                    | "reason"
                    | "plans"
                    | "progress"
                    | "response"
                    | "answer"
                    | "answers"
                    | "status"
                    | "thoughts"
                    | "suggestions"
                    | "recommendations"
                    | "tips"
                    | "help"
                    | "luck"
                    | "advice"
                    | "explanation"
                    | "estimate"
                    | "clue"
                    | "insight"
                    | "idea?"
                    | "feedback"
                    | "follow-up"
                    | "followup"
            )
        ),
        "question" | "qq" | "questions" => true,
        _ => is_aux(w) && aux_has_subject(w, next, next_is_mention),
    }
}

#[cfg(test)]
mod tests {
    use crate::test_cases::{no, yes};

    #[test]
    fn customer_service_openers() {
        yes(&[
            "@united can you help me rebook",
            "@SouthwestAir why is my flight delayed",
            "@AmericanAir When will my bag arrive",
            "@JetBlue where is my bag",
            "@united how long is the wait",
            "@united how do I change my seat",
            "@united what happened to flight 123",
            "@united Is there wifi on this flight",
            "@united do you have a lounge in Denver",
            "@united Did anyone find my phone",
            "@united will the flight leave on time",
            "@VirginAmerica Are you hiring",
            "@united Could you check my reservation",
            "@united should I go to the airport",
            "@united Don't you think that's unfair",
            "@united anyone at the desk",
            "@united Any update on my bag",
            "@united any chance of an upgrade",
            "@united hi, can you help",
            "@united thanks! also why was I charged twice",
            "@united thank you, can you resend the email",
            "@united stuck at ORD. when is the next flight",
            "@united still waiting, when will my bag arrive",
            "@united Quick question: do you allow pets",
            "@united what's going on with the app",
            "@united where's my refund",
            "@united who do I talk to about a refund",
            "@united Is @SouthwestAir better",
            "@united @jetblue Why not",
            "#help @united can u rebook me",
            "WHY IS MY FLIGHT DELAYED",
            "@united hey\nwhere is the gate",
            "@united great crew 👍 how about some food though",
            "@united which terminal do you use",
            "@united Which one should I book",
            "@united r u serious",
        ]);
    }

    #[test]
    fn statement_openers() {
        no(&[
            "@united When I landed my bag was gone",
            "@united Do the right thing",
            "@united Had the best crew",
        ]);
    }
}
