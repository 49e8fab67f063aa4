//! Commercial spam: posts that sell followers, likes, views, reviews or paid promotion.
//!
//! Why: bought audiences are the cheapest way to fake influence, and the ads for them ("buy 1000
//! real f0llowers cheap, DM us") are posted as replies under popular posts. An account that posts
//! them is selling engagement; a reply that is one of them is not conversation.
//!
//! The rule is a small lexicon read by a reviewer in a minute, not a model, so a flag can be
//! explained by the cue words that fired ([`spam_cues`]).
//!
//! **Normalisation.** Tokens glued together without spaces are read as one chunk (`f.o.l.l.o.w`,
//! `f@llowers`), lower-cased, with the usual obfuscations folded back: `0→o 1→l (or i) 3→e 4→a 5→s
//! 7→t @→a $→s` and look-alike Cyrillic letters; other symbols inside a chunk are dropped. Runs of
//! three or more single letters are joined (`f o l l o w e r s`). A chunk of digits (`1000`, `10k`,
//! `5,000+`) is a quantity; a leading number glued to a word is split off (`5000followers`). @mentions
//! and URLs are skipped: every other tweet has one.
//!
//! **Selling engagement or reviews** ([`SpamKind::SellsEngagement`], [`SpamKind::SellsReviews`]).
//! A post needs a *goods* word (followers, subscribers, retweets, likes, views, plays, streams,
//! reviews, ratings …) and around it cues of these kinds:
//!
//! * *intent*: **sell** (buy, sell, sale, cheap, price, order, package, deal …), **boost** (boost,
//!   gain, grow, increase, get, skyrocket) within 4 words before to 3 after the goods word, or a
//!   **price** anywhere (`$5`, `usd`, `paypal` …);
//! * *support*: a **quantity** right before the goods word (`1000 followers`, `10k real ig
//!   followers`), a **quality** claim (real, active, instant, organic, guaranteed, non-drop …) or a
//!   **platform** (instagram, ig, youtube, tiktok, spotify …) near it, or a **contact** call anywhere
//!   (dm, inbox, whatsapp, telegram, "link in bio", "order now").
//!
//! It is spam when there is at least one intent cue, at least two distinct cue kinds, and at least
//! one of them near the goods word. Why two: each cue alone is ordinary ("thanks for 1000
//! followers", "DM me your confirmation number", "I want to buy a ticket", "how do I get more
//! followers?"); the ads stack them. Why near: an airline complaint with a fare (`$200`) and "DM"
//! and the word "reviews" somewhere should not add up to an ad.
//!
//! One shortcut: a sell word directly before an unambiguous goods word (followers, subscribers,
//! retweets), with only quantities, quality claims or platforms between ("buy followers", "cheap 500
//! instagram followers"), or such a word followed by "for sale", is enough on its own. Likes,
//! views and reviews are also ordinary words ("buy views of the bay"), so they always need two cues.
//!
//! **Paid promotion** ([`SpamKind::PaidPromotion`]): fixed phrases: a contact verb + `for` + promo
//! word ("DM for promo", "inbox me for shoutouts"), "paid promo", "promo available", "shoutouts for
//! sale", and a boost verb + `your` + account word ("boost your account", "grow your ig").

use crate::spam_words::{
    is_account, is_boost, is_boost_verb, is_contact, is_contact_verb, is_platform, is_price_word,
    is_promo, is_promo_offer, is_quality, is_review_goods, is_sell, is_strong_goods, is_weak_goods,
};

/// What a commercial spam post sells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpamKind {
    /// Followers, likes, views, subscribers, retweets, plays, streams, comments.
    SellsEngagement,
    /// Reviews and ratings.
    SellsReviews,
    /// Paid promotion, shoutouts and account "boosting".
    PaidPromotion,
}

impl SpamKind {
    /// A lower-case name for reports (`sells_engagement`, `sells_reviews`, `paid_promotion`).
    pub fn as_str(self) -> &'static str {
        match self {
            SpamKind::SellsEngagement => "sells_engagement",
            SpamKind::SellsReviews => "sells_reviews",
            SpamKind::PaidPromotion => "paid_promotion",
        }
    }
}

/// The cues found in a post (see the module docs): what [`commercial_spam`] decides on, for
/// explanations and tuning.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpamCues {
    /// A goods word was found; `Some(true)` when it was a review word.
    pub goods: Option<bool>,
    /// Sell word near the goods word.
    pub sell: bool,
    /// Boost word near the goods word.
    pub boost: bool,
    /// A price anywhere.
    pub price: bool,
    /// A quantity right before the goods word.
    pub quantity: bool,
    /// A quality claim near the goods word.
    pub quality: bool,
    /// A platform name near the goods word.
    pub platform: bool,
    /// A contact call anywhere.
    pub contact: bool,
    /// The sell-word-before-goods shortcut fired.
    pub direct_sale: bool,
    /// A paid-promotion phrase fired.
    pub promotion: bool,
}

impl SpamCues {
    /// The cues that fired, by name, for evidence: `goods` (or `review_goods`), `sell`, `boost`,
    /// `price`, `quantity`, `quality`, `platform`, `contact`, `direct_sale`, `promotion`.
    pub fn names(&self) -> Vec<&'static str> {
        let goods = match self.goods {
            Some(true) => Some("review_goods"),
            Some(false) => Some("goods"),
            None => None,
        };
        let flags = [
            (self.sell, "sell"),
            (self.boost, "boost"),
            (self.price, "price"),
            (self.quantity, "quantity"),
            (self.quality, "quality"),
            (self.platform, "platform"),
            (self.contact, "contact"),
            (self.direct_sale, "direct_sale"),
            (self.promotion, "promotion"),
        ];
        goods
            .into_iter()
            .chain(flags.iter().filter(|f| f.0).map(|f| f.1))
            .collect()
    }

    /// The decision of the module docs over these cues.
    pub fn kind(&self) -> Option<SpamKind> {
        if let Some(reviews) = self.goods {
            let intent = self.sell || self.boost || self.price;
            let kinds = [
                self.sell,
                self.boost,
                self.price,
                self.quantity,
                self.quality,
                self.platform,
                self.contact,
            ]
            .iter()
            .filter(|&&b| b)
            .count();
            let near = self.sell || self.boost || self.quantity || self.quality || self.platform;
            if self.direct_sale || (intent && kinds >= 2 && near) {
                return Some(if reviews {
                    SpamKind::SellsReviews
                } else {
                    SpamKind::SellsEngagement
                });
            }
        }
        self.promotion.then_some(SpamKind::PaidPromotion)
    }
}

/// Is `text` an ad for followers, likes, views, reviews or paid promotion? `None` for ordinary
/// posts, including ones that mention followers or buying.
///
/// ```
/// use earshot_text::{commercial_spam, SpamKind};
/// assert_eq!(commercial_spam("Buy 1000 real f0llowers cheap! DM now"), Some(SpamKind::SellsEngagement));
/// assert_eq!(commercial_spam("DM for promo 🔥"), Some(SpamKind::PaidPromotion));
/// assert_eq!(commercial_spam("thanks to all my followers, love you"), None);
/// assert_eq!(commercial_spam("@united I want to buy a ticket for $200, DM me?"), None);
/// ```
pub fn commercial_spam(text: &str) -> Option<SpamKind> {
    spam_cues(text).kind()
}

/// The cues [`commercial_spam`] decides on (see the module docs).
pub fn spam_cues(text: &str) -> SpamCues {
    let terms = terms(text);
    let mut c = SpamCues {
        price: terms.iter().any(|t| t.price || t.is(is_price_word)),
        contact: has_contact(&terms),
        promotion: has_promotion(&terms),
        ..SpamCues::default()
    };
    for (i, t) in terms.iter().enumerate() {
        let reviews = t.is(is_review_goods);
        let strong = t.is(is_strong_goods);
        if !(reviews || strong || t.is(is_weak_goods)) {
            continue;
        }
        c.goods = Some(c.goods.unwrap_or(false) || reviews);
        let near = &terms[i.saturating_sub(4)..(i + 4).min(terms.len())];
        c.sell |= near.iter().any(|t| t.is(is_sell));
        c.boost |= near.iter().any(|t| t.is(is_boost));
        c.quality |= near.iter().any(|t| t.is(is_quality));
        c.platform |= near.iter().any(|t| t.is(is_platform));
        // Walk back over quality claims and platforms to the word that governs the goods word.
        let mut j = i;
        while j > 0 && (terms[j - 1].is(is_quality) || terms[j - 1].is(is_platform)) {
            j -= 1;
        }
        let before = j.checked_sub(1).map(|k| &terms[k]);
        let quantity_before = before.is_some_and(|t| t.quantity);
        c.quantity |= quantity_before;
        if strong {
            let mut k = j;
            if quantity_before {
                k -= 1;
            }
            let sold_before = k > 0 && terms[k - 1].is(is_sell);
            let for_sale = terms.get(i + 1).is_some_and(|t| t.is(|w| w == "for"))
                && terms.get(i + 2).is_some_and(|t| t.is(|w| w == "sale"));
            c.direct_sale |= sold_before || for_sale;
        }
    }
    c
}

/// One normalised chunk of a post.
#[derive(Debug, Default)]
struct Term {
    /// Letters only, obfuscation folded with `1→l`, `@→a`.
    word: String,
    /// The same with `1→i`, `@→o`, when the chunk had one of those.
    alt: Option<String>,
    /// A number (`1000`, `10k`, `5,000+`).
    quantity: bool,
    /// A currency symbol with a digit (`$5`, `5€`).
    price: bool,
}

impl Term {
    fn is(&self, f: impl Fn(&str) -> bool) -> bool {
        let g = |w: &str| crate::lexicon::lookup(w, &f);
        !self.word.is_empty() && (g(&self.word) || self.alt.as_deref().is_some_and(g))
    }
}

/// The chunks of `text` (see the module docs), with runs of single letters joined.
fn terms(text: &str) -> Vec<Term> {
    use crate::tokens::{tokenize, TokenKind};
    let mut chunks: Vec<String> = Vec::new();
    let mut glued = false;
    for t in tokenize(text) {
        match t.kind {
            TokenKind::Mention | TokenKind::Url => glued = false,
            TokenKind::Hashtag => {
                chunks.push(t.text.trim_start_matches(['#', '＃']).to_string());
                glued = false;
            }
            TokenKind::Emoji => glued = false,
            _ => {
                match chunks.last_mut() {
                    Some(last) if glued && !t.space_before => last.push_str(t.text),
                    _ => chunks.push(t.text.to_string()),
                }
                glued = true;
            }
        }
    }
    let mut out: Vec<Term> = Vec::new();
    let mut singles: Vec<String> = Vec::new();
    for chunk in &chunks {
        for term in chunk_terms(chunk) {
            if term.word.chars().count() == 1 && term.alt.is_none() {
                singles.push(term.word);
                continue;
            }
            flush_singles(&mut singles, &mut out);
            out.push(term);
        }
    }
    flush_singles(&mut singles, &mut out);
    out
}

/// Joins a run of three or more single letters into one term; shorter runs stay letters.
fn flush_singles(singles: &mut Vec<String>, out: &mut Vec<Term>) {
    if singles.len() >= 3 {
        out.push(Term {
            word: singles.concat(),
            ..Term::default()
        });
    } else {
        out.extend(singles.drain(..).map(|word| Term {
            word,
            ..Term::default()
        }));
    }
    singles.clear();
}

/// One chunk as one or two terms: a quantity, a word, or a leading quantity and a word.
fn chunk_terms(chunk: &str) -> Vec<Term> {
    let has_digit = chunk.chars().any(|c| c.is_ascii_digit());
    let currency = chunk.chars().any(|c| matches!(c, '$' | '£' | '€' | '₹'));
    let price = has_digit && currency;
    // A number, possibly with separators, a `+` and a `k`/`m` suffix: a quantity (or a price).
    let digits_end = chunk
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || matches!(c, ',' | '.' | '+' | '$' | '£' | '€')))
        .map_or(chunk.len(), |(i, _)| i);
    let rest = &chunk[digits_end..];
    let lead_number = chunk[..digits_end].chars().any(|c| c.is_ascii_digit());
    let suffix_only = matches!(rest.to_ascii_lowercase().trim_end_matches('+'), "k" | "m");
    if lead_number && (rest.is_empty() || suffix_only) {
        return vec![Term {
            quantity: !price,
            price,
            ..Term::default()
        }];
    }
    let mut out = Vec::new();
    let word_part = if lead_number && rest.chars().next().is_some_and(char::is_alphabetic) {
        out.push(Term {
            quantity: !price,
            price,
            ..Term::default()
        });
        rest
    } else {
        chunk
    };
    // Symbols stand for letters only inside a word: "likes!!" is not "likesll".
    let word_part = word_part.trim_matches(|c: char| !c.is_alphanumeric());
    let word = fold(word_part, 'l', 'a');
    let alt = word_part
        .contains(['1', '@', '!', '|'])
        .then(|| fold(word_part, 'i', 'o'));
    out.push(Term {
        word,
        alt,
        price: price && out.is_empty(),
        ..Term::default()
    });
    out
}

/// Lower-cases and folds obfuscations (see the module docs); `one` is what `1`, `!` and `|` stand
/// for, `at` what `@` stands for (`l`/`a` in the main form, `i`/`o` in the alternative).
fn fold(s: &str, one: char, at: char) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let m = match c {
            '0' => 'o',
            '1' | '!' | '|' => one,
            '3' => 'e',
            '4' => 'a',
            '@' => at,
            '5' | '$' => 's',
            '7' => 't',
            // Look-alike Cyrillic letters.
            'а' | 'А' => 'a',
            'е' | 'Е' => 'e',
            'о' | 'О' => 'o',
            'с' | 'С' => 'c',
            'р' | 'Р' => 'p',
            'і' | 'І' => 'i',
            'х' | 'Х' => 'x',
            'у' => 'y',
            c if c.is_alphabetic() => {
                out.extend(c.to_lowercase());
                continue;
            }
            _ => continue,
        };
        out.push(m);
    }
    out
}

/// Is there a contact call: a contact word, "link in bio", "order now" or "check bio"?
fn has_contact(terms: &[Term]) -> bool {
    terms.iter().enumerate().any(|(i, t)| {
        let next = |k: usize, f: fn(&str) -> bool| terms.get(i + k).is_some_and(|t| t.is(f));
        t.is(is_contact)
            || (t.is(|w| w == "link") && next(1, |w| w == "in") && next(2, |w| w == "bio"))
            || (t.is(|w| w == "check") && next(1, |w| w == "bio"))
            || (t.is(|w| w == "order") && next(1, |w| w == "now"))
    })
}

/// Does a paid-promotion phrase occur (see the module docs)?
fn has_promotion(terms: &[Term]) -> bool {
    let at = |i: usize, f: fn(&str) -> bool| terms.get(i).is_some_and(|t| t.is(f));
    (0..terms.len()).any(|i| {
        if at(i, is_promo)
            && (at(i + 1, is_promo_offer)
                || at(i + 1, |w| w == "for") && at(i + 2, |w| w == "sale"))
        {
            return true;
        }
        if at(i, |w| matches!(w, "paid" | "cheap" | "affordable")) && at(i + 1, is_promo) {
            return true;
        }
        if at(i, is_contact_verb) {
            let k = if at(i + 1, |w| matches!(w, "me" | "us")) {
                i + 2
            } else {
                i + 1
            };
            if at(k, |w| w == "for") && at(k + 1, is_promo) {
                return true;
            }
        }
        at(i, is_boost_verb)
            && at(i + 1, |w| matches!(w, "your" | "ur" | "yr" | "you"))
            && at(i + 2, is_account)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use SpamKind::*;

    #[test]
    fn follower_and_like_ads_are_spam() {
        for ad in [
            "buy 1000 followers",
            "Buy 1000 real f0llowers cheap! DM now",
            "get real likes cheap",
            "followers for sale",
            "f o l l o w e r s for sale, inbox me",
            "Cheap foll0wers 💯 instant delivery https://t.co/abc",
            "Want 10k IG followers? Only $9.99, order now",
            "Need more likes? Get 5000 instagram likes for $5",
            "GAIN 500 REAL ACTIVE FOLLOWERS TODAY!!! link in bio",
            "selling youtube views & subscribers, paypal accepted",
            "5000followers for 20 usd, whatsapp +1 555 0100",
            "Grow your account fast: 1k f@llowers, 2k l1kes, cheap price",
            "we sell tiktok views and likes, guaranteed non-drop",
            "#buyfollowers real and active, dm us",
            "fo11owers for sale — cheapest on the market",
        ] {
            assert_eq!(
                commercial_spam(ad),
                Some(SellsEngagement),
                "{ad:?}: {:?}",
                spam_cues(ad)
            );
        }
    }

    #[test]
    fn review_and_promotion_ads_are_spam() {
        for ad in [
            "Buy 5-star Google reviews, real accounts, cheap",
            "We sell Amazon reviews at $3 each, DM for details",
        ] {
            assert_eq!(
                commercial_spam(ad),
                Some(SellsReviews),
                "{ad:?}: {:?}",
                spam_cues(ad)
            );
        }
        for ad in [
            "DM for promo",
            "dm me for promo 🔥🔥",
            "Inbox us for shoutouts",
            "Paid promo available, 50k audience",
            "Shoutouts for sale, message me",
            "Boost your account with us",
            "We grow your IG organically",
            "PROMO AVAILABLE 💸",
        ] {
            assert_eq!(
                commercial_spam(ad),
                Some(PaidPromotion),
                "{ad:?}: {:?}",
                spam_cues(ad)
            );
        }
    }

    #[test]
    fn cue_names_say_what_fired() {
        let c = spam_cues("Buy 1000 real f0llowers cheap! DM now");
        let names = c.names();
        for cue in ["goods", "sell", "quantity", "quality", "contact"] {
            assert!(names.contains(&cue), "{cue} missing from {names:?}");
        }
        assert!(!names.contains(&"promotion"));
        assert_eq!(spam_cues("DM for promo").names(), ["contact", "promotion"]);
        assert!(spam_cues("the weather is nice").names().is_empty());
    }

    #[test]
    fn ordinary_posts_about_followers_or_buying_are_not_spam() {
        for post in [
            "thanks to all my followers, love you",
            "Thanks for 1000 followers!! Means the world",
            "I love all 500 of my followers",
            "How do I get more followers on here?",
            "I want to buy a ticket",
            "@united I want to buy a ticket for $200, DM me?",
            "@united please DM me, my bag is lost and no one answers",
            "@JetBlue is there a promo code for the Boston flight?",
            "@SouthwestAir DM me for the promo code? the site says invalid",
            "@AmericanAir $450 change fee and your reviews wonder why people hate you",
            "She likes cheap wine and long walks",
            "buy views of the bay from the cheap seats lol",
            "the views from this flight are real nice",
            "@VirginAmerica great service, I will leave a good review!",
            "my followers know I hate Mondays",
            "Thanks @delta for the upgrade, you just gained a loyal customer",
            "",
            "🔥🔥🔥",
            "$$$ 1000 !!!",
        ] {
            assert_eq!(
                commercial_spam(post),
                None,
                "{post:?}: {:?}",
                spam_cues(post)
            );
        }
    }

    #[test]
    fn odd_input_does_not_panic() {
        let long = "f o l l o w e r s ".repeat(2_000);
        for s in [
            "1",
            "k",
            "$",
            "1k",
            "\u{FFFD}\u{0000}",
            "1а0",
            "٣٤٥",
            long.as_str(),
        ] {
            let _ = commercial_spam(s);
        }
        assert_eq!(SellsReviews.as_str(), "sells_reviews");
    }
}
