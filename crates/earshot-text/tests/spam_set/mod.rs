//! A deterministic labelled set of posts for the duplicate and spam detectors, built from real tweets
//! (`../shared/data/tweet-text`: the airline tweets and TweetEval's sentiment split) plus injected
//! copies and ads. Nothing of the data is copied into the repository: the set is rebuilt from the
//! files on every run, the same for the same seed.
//!
//! Cases and labels:
//!
//! | case | label | how it is made |
//! |---|---|---|
//! | `genuine` | genuine | a real tweet (airline or TweetEval) |
//! | `genuine_hard` | genuine | a real tweet mentioning buy/followers/likes/views/reviews/promo/sale/cheap/dm |
//! | `genuine_reply` | genuine | a real tweet as a reply to another real tweet |
//! | `quote_answer` | genuine | a reply to a real tweet that quotes 4–6 of its words and adds another real tweet |
//! | `compliment_copy` | copy | an earlier `genuine` post with a stock compliment before or after it |
//! | `reply_copy_link` | copy | a reply that repeats its (real) parent, maybe with a compliment, and adds a link |
//! | `follower_ad` | commercial_spam | one of 21 ad templates (followers, likes, views, reviews, promotion), with obfuscated spellings; half posted as replies |
//!
//! Real tweets are used at most once (separate pools for posts, parents and answers), tweets with
//! fewer than 6 words or starting with `RT` are skipped, and exact repeats (after lower-casing and
//! dropping punctuation, mentions and links) are dropped, so a genuine post is never a copy of
//! another by accident of the data.

#![allow(dead_code)]

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use rand_xoshiro::rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    Genuine,
    Copy,
    CommercialSpam,
}

impl Label {
    pub const ALL: [Label; 3] = [Label::Genuine, Label::Copy, Label::CommercialSpam];

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Genuine => "genuine",
            Label::Copy => "copy",
            Label::CommercialSpam => "commercial_spam",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Case {
    Genuine,
    GenuineHard,
    GenuineReply,
    QuoteAnswer,
    ComplimentCopy,
    ReplyCopyLink,
    FollowerAd,
}

impl Case {
    pub fn label(self) -> Label {
        match self {
            Case::Genuine | Case::GenuineHard | Case::GenuineReply | Case::QuoteAnswer => {
                Label::Genuine
            }
            Case::ComplimentCopy | Case::ReplyCopyLink => Label::Copy,
            Case::FollowerAd => Label::CommercialSpam,
        }
    }
}

#[derive(Clone, Debug)]
pub struct LabelledPost {
    pub author: String,
    pub text: String,
    /// The post replied to, for replies.
    pub parent: Option<String>,
    pub case: Case,
}

impl LabelledPost {
    pub fn label(&self) -> Label {
        self.case.label()
    }
}

/// The `text` column of the airline tweets CSV.
pub fn load_airline(path: &Path) -> Result<Vec<String>, String> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = rdr.headers().map_err(|e| e.to_string())?.clone();
    let col = headers
        .iter()
        .position(|h| h == "text")
        .ok_or("no text column")?;
    rdr.records()
        .map(|r| r.map(|r| r[col].to_string()).map_err(|e| e.to_string()))
        .collect()
}

/// TweetEval's sentiment tweets (validation and test splits), one per line, from the tar.gz.
pub fn load_tweeteval(path: &Path) -> Result<Vec<String>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(f));
    let mut out = Vec::new();
    for entry in ar.entries().map_err(|e| e.to_string())? {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let name = entry.path().map_err(|e| e.to_string())?.into_owned();
        let wanted = ["sentiment/val_text.txt", "sentiment/test_text.txt"];
        if !wanted.iter().any(|w| name.ends_with(w)) {
            continue;
        }
        let mut s = String::new();
        entry.read_to_string(&mut s).map_err(|e| e.to_string())?;
        out.extend(s.lines().map(|l| l.trim().to_string()));
    }
    if out.is_empty() {
        return Err("no TweetEval sentiment texts in the archive".into());
    }
    Ok(out)
}

/// Lower-cased words without mentions, links and punctuation: the key that drops exact repeats.
fn key(text: &str) -> String {
    earshot_text::words(text)
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Plain words of a tweet (no mentions or links), for quoting.
fn plain_words(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .filter(|w| !w.starts_with('@') && !w.starts_with("http") && !w.starts_with('#'))
        .collect()
}

fn shuffled_pool(texts: &[String], rng: &mut Xoshiro256PlusPlus) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut pool: Vec<String> = texts
        .iter()
        .filter(|t| earshot_text::words(t).count() >= 6 && !t.starts_with("RT "))
        .filter(|t| seen.insert(key(t)))
        .cloned()
        .collect();
    for i in (1..pool.len()).rev() {
        let j = below(rng, i + 1);
        pool.swap(i, j);
    }
    pool
}

fn below(rng: &mut Xoshiro256PlusPlus, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize
}

fn pick<'a>(rng: &mut Xoshiro256PlusPlus, xs: &[&'a str]) -> &'a str {
    xs[below(rng, xs.len())]
}

/// Words a hard-negative genuine tweet mentions (chosen by this word list, not by the detector).
const HARD_WORDS: &[&str] = &[
    "buy",
    "bought",
    "followers",
    "follower",
    "likes",
    "views",
    "reviews",
    "review",
    "promo",
    "sale",
    "cheap",
    "dm",
    "price",
];

const COMPLIMENT_PREFIXES: &[&str] = &[
    "Great post! ",
    "So true 👏 ",
    "Love this!! ",
    "This!! ",
    "Well said. ",
    "Totally agree: ",
    "Wow, amazing! ",
    "Nice one 🔥 ",
];
const COMPLIMENT_SUFFIXES: &[&str] = &[
    " 👏👏",
    " — well said!",
    " 🔥🔥 check it here https://t.co/xQ2",
    " so true",
    " love it!!",
];

const FOLLOWERS: &[&str] = &[
    "followers",
    "f0llowers",
    "foll0wers",
    "FOLLOWERS",
    "f o l l o w e r s",
    "fo11owers",
    "f0ll0w3rs",
    "folowers",
    "f.o.l.l.o.w.e.r.s",
    "ƒollowers",
];
const LIKES: &[&str] = &["likes", "l1kes", "LIKES", "l!kes", "likez"];
const PLATFORMS: &[&str] = &["Instagram", "IG", "TikTok", "YouTube", "Twitter", "Spotify"];
const NUMBERS: &[&str] = &["500", "1000", "1k", "5000", "10k", "2,500", "50K", "100"];
const PRICES: &[&str] = &["$5", "$9.99", "£4", "10 USD", "5€", "$19"];
const CONTACTS: &[&str] = &[
    "DM me",
    "inbox us",
    "WhatsApp +1 555 0134",
    "link in bio",
    "DM now",
    "telegram @fastgrowth",
];
const AD_DOMAINS: &[&str] = &["fastfans.example", "growkit.example", "likebazaar.example"];

/// 21 ad templates. Slots: {n} {n2} number, {F} followers, {L} likes, {P} platform, {$} price,
/// {C} contact, {U} link.
const AD_TEMPLATES: &[&str] = &[
    "Buy {n} real {F} cheap! {C}",
    "{F} for sale 💯 {n} for {$}, {C}",
    "Get real {L} cheap on {P}, instant delivery",
    "Want {n} {P} {F}? Only {$} — order now",
    "DM for promo 🔥 {n}+ audience",
    "Boost your account today: {n} {F}, {n2} {L}, fast & safe",
    "Selling {P} views and {L}, {C}",
    "GAIN {n} ACTIVE {F} IN 24H!!! link in bio",
    "Cheap {F}, {L} and views for {P}. Non-drop, guaranteed. {U}",
    "We sell {P} subscribers: {n} for {$}",
    "Need {L}? {n} {P} {L} for just {$} {U}",
    "Paid promo available, {C}",
    "Shoutouts for sale 📈 inbox me",
    "{n} organic {F} delivered instantly. {C} {U}",
    "Buy 5-star Google reviews, real accounts, {$} each",
    "Grow your {P} with {n} real {F} — cheapest price on the market",
    "Looking to boost your page? {n} {F} for {$}, paypal ok",
    "100% real {P} {F} & {L}. Buy now {U}",
    "Increase your followers fast!! {C}",
    "Instant {P} {L}, {n} for {$}, whatsapp +44 7700 900123",
    "Selling Amazon reviews, {$} per review, {C}",
];

fn ad(rng: &mut Xoshiro256PlusPlus, template: &str) -> String {
    let mut s = template.to_string();
    let slots: [(&str, &[&str]); 7] = [
        ("{n2}", NUMBERS),
        ("{n}", NUMBERS),
        ("{F}", FOLLOWERS),
        ("{L}", LIKES),
        ("{P}", PLATFORMS),
        ("{$}", PRICES),
        ("{C}", CONTACTS),
    ];
    for (slot, fills) in slots {
        while let Some(i) = s.find(slot) {
            let fill = pick(rng, fills);
            s.replace_range(i..i + slot.len(), fill);
        }
    }
    while let Some(i) = s.find("{U}") {
        let url = format!(
            "https://{}/{:x}",
            pick(rng, AD_DOMAINS),
            rng.next_u64() >> 40
        );
        s.replace_range(i..i + 3, &url);
    }
    s
}

/// Builds the labelled set (see the module docs): 320 posts for `seed`, or fewer if the pools run
/// short.
pub fn build(airline: &[String], tweeteval: &[String], seed: u64) -> Vec<LabelledPost> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut air = shuffled_pool(airline, &mut rng).into_iter();
    let mut te = shuffled_pool(tweeteval, &mut rng).into_iter();
    let mut out: Vec<LabelledPost> = Vec::new();
    let mut author = 0usize;
    let mut next_author = || {
        author += 1;
        format!("user{author}")
    };

    // Genuine posts: 60 airline + 60 TweetEval, interleaved.
    let mut genuine: Vec<String> = Vec::new();
    for _ in 0..60 {
        genuine.extend(air.next());
        genuine.extend(te.next());
    }
    // Hard negatives: the next real tweets that mention a hard word, 20 airline and 10 TweetEval.
    let hard = |it: &mut std::vec::IntoIter<String>, n: usize| -> Vec<String> {
        let mut v = Vec::new();
        for t in it.by_ref() {
            let lower = t.to_lowercase();
            if plain_words(&lower)
                .iter()
                .any(|w| HARD_WORDS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric())))
            {
                v.push(t);
                if v.len() == n {
                    break;
                }
            }
        }
        v
    };
    let mut hard_posts = hard(&mut air, 20);
    hard_posts.extend(hard(&mut te, 10));

    // Genuine posts first, each followed now and then by a compliment copy of it (40 copies).
    for (i, g) in genuine.iter().enumerate() {
        out.push(LabelledPost {
            author: next_author(),
            text: g.clone(),
            parent: None,
            case: Case::Genuine,
        });
        if i % 3 == 0 && i / 3 < 40 {
            let text = if below(&mut rng, 2) == 0 {
                format!("{}{g}", pick(&mut rng, COMPLIMENT_PREFIXES))
            } else {
                format!("{g}{}", pick(&mut rng, COMPLIMENT_SUFFIXES))
            };
            out.push(LabelledPost {
                author: next_author(),
                text,
                parent: None,
                case: Case::ComplimentCopy,
            });
        }
    }
    for t in hard_posts {
        out.push(LabelledPost {
            author: next_author(),
            text: t,
            parent: None,
            case: Case::GenuineHard,
        });
    }

    // Replies. Parents alternate airline / TweetEval; answers come from a separate pool.
    type Pool = std::vec::IntoIter<String>;
    let parent = |air: &mut Pool, te: &mut Pool, rng: &mut Xoshiro256PlusPlus| {
        if below(rng, 2) == 0 {
            air.next()
        } else {
            te.next()
        }
    };
    for _ in 0..30 {
        let Some(p) = parent(&mut air, &mut te, &mut rng) else {
            break;
        };
        let compliment = match below(&mut rng, 3) {
            0 => "",
            _ => pick(&mut rng, COMPLIMENT_PREFIXES),
        };
        let url = format!(
            "https://{}/{:x}",
            pick(&mut rng, AD_DOMAINS),
            rng.next_u64() >> 40
        );
        out.push(LabelledPost {
            author: next_author(),
            text: format!("{compliment}{p} {url}"),
            parent: Some(p),
            case: Case::ReplyCopyLink,
        });
    }
    for _ in 0..30 {
        let (Some(p), Some(r)) = (parent(&mut air, &mut te, &mut rng), te.next()) else {
            break;
        };
        out.push(LabelledPost {
            author: next_author(),
            text: r,
            parent: Some(p),
            case: Case::GenuineReply,
        });
    }
    // Quote answers: the question is an airline tweet with at least 10 plain words.
    let mut made = 0;
    while made < 30 {
        let (Some(q), Some(a)) = (air.next(), te.next()) else {
            break;
        };
        let qw = plain_words(&q);
        if qw.len() < 10 {
            continue;
        }
        let len = 4 + below(&mut rng, 3);
        let start = below(&mut rng, qw.len() - len + 1);
        let fragment = qw[start..start + len].join(" ");
        let text = match below(&mut rng, 3) {
            0 => format!("> {fragment}\n{a}"),
            1 => format!("\"{fragment}\"? {a}"),
            _ => format!("Re \"{fragment}\": {a}"),
        };
        out.push(LabelledPost {
            author: next_author(),
            text,
            parent: Some(q),
            case: Case::QuoteAnswer,
        });
        made += 1;
    }
    // Ads: each template twice, every other one as a reply to a real tweet.
    for (i, t) in AD_TEMPLATES.iter().chain(AD_TEMPLATES).enumerate() {
        let text = ad(&mut rng, t);
        let parent = if i % 2 == 1 {
            parent(&mut air, &mut te, &mut rng)
        } else {
            None
        };
        out.push(LabelledPost {
            author: format!("seller{}", i % 7),
            text,
            parent,
            case: Case::FollowerAd,
        });
    }
    out
}
