//! Likely links between accounts on different platforms, each with the evidence that makes it likely.
//!
//! Two kinds of evidence, never confused:
//! - **Links** (`keys.rs`): a profile link that names the other account (its profile, or the domain a
//!   Bluesky handle proves). Both profiles naming each other is *verified*; one profile naming the
//!   other is *claimed*: anyone can link to anyone, and to any domain.
//! - **Likeness**: the same handle stem (`ann_w`, `ann.w@s.example`, `annw.bsky.social` all stem to
//!   `annw`), a similar display name (`Ann Wong`, `Ann W.`), a bio about the same things (TF-IDF
//!   cosine, so shared rare words count and shared common ones little).
//!
//! Likeness only ever suggests; [`suggest`] never writes. The score is a fixed, stated combination
//! ([`Weights`]), so a suggestion says why it scored what it did; the threshold that makes a suggestion
//! worth showing is chosen on generated data with known truth (`earshot identity eval`), not fitted to
//! the data being linked. Each account is suggested with at most one account of each other platform:
//! pairs are taken best first, and a pair whose account already has a better match on that platform is
//! dropped (a common name's look-alikes compete for the one true account).

use super::keys::{account_keys, link_keys};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// What is known of an account for linking.
#[derive(Debug, Clone, Default)]
pub struct MatchProfile {
    pub account: i64,
    pub platform: String,
    pub ext_id: String,
    pub handle: Option<String>,
    pub name: Option<String>,
    pub bio: Option<String>,
    /// The profile's links and website.
    pub links: Vec<String>,
    /// The texts of some of the account's posts (what it writes about is as personal as its bio).
    pub posts: Vec<String>,
    /// The accounts it interacted with, either way, on its own platform (sorted, each once).
    pub neighbours: Vec<i64>,
}

/// The likeness features of a pair, each 0–1, in this order (see [`score_pair`] for each).
pub const FEATURES: [&str; 8] = [
    "handle",
    "handle_vs_name",
    "name",
    "bio",
    "posts",
    "claimed",
    "missing",
    "neighbours",
];

/// The index of `neighbours` in [`FEATURES`]: filled in once the verified pairs are known.
const NEIGHBOURS: usize = 7;

/// A logistic model of "the same person" over [`FEATURES`]; a verified link scores 1 whatever the
/// likeness.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Weights {
    pub intercept: f64,
    pub coefficients: [f64; FEATURES.len()],
}

impl Weights {
    /// `intercept,c1,…,c8` as `--weights` takes them (one coefficient per [`FEATURES`] entry).
    pub fn parse(text: &str) -> Result<Weights, String> {
        let v: Vec<f64> = text
            .split(',')
            .map(|x| x.trim().parse::<f64>().map_err(|e| format!("{x:?}: {e}")))
            .collect::<Result<_, _>>()?;
        if v.len() != FEATURES.len() + 1 || v.iter().any(|x| !x.is_finite()) {
            return Err(format!(
                "expected {} finite numbers: the intercept, then a coefficient for each of {}",
                FEATURES.len() + 1,
                FEATURES.join(", ")
            ));
        }
        let mut coefficients = [0.0; FEATURES.len()];
        coefficients.copy_from_slice(&v[1..]);
        Ok(Weights {
            intercept: v[0],
            coefficients,
        })
    }

    /// Fitted by `scripts/fit_identity.py` on generated data (seed 1 of `earshot gen --platforms
    /// mastodon,bluesky,x --persons 1000`: 69,655 candidate pairs, 1,556 of one person), by logistic
    /// regression; the threshold [`super::DEFAULT_MIN_SCORE`] was chosen on seed 2 and the figures in
    /// BENCHMARKS.md ("Identity suggestions") are seed 3's and a transfer set's. `missing` weighs
    /// positively: a pair with a name or bio absent has less likeness to show for the same truth.
    pub const DEFAULT: Weights = Weights {
        intercept: -19.001,
        coefficients: [1.720, 3.196, 6.822, 17.400, 11.456, 12.056, 10.335, 20.395],
    };

    fn score(&self, x: &[f64; FEATURES.len()]) -> f64 {
        let z = self.intercept
            + self
                .coefficients
                .iter()
                .zip(x)
                .map(|(w, v)| w * v)
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// One likely link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub a: i64,
    pub b: i64,
    /// 0–1: 1 for a verified link, else the model's probability that the two are one person.
    pub score: f64,
    pub verified: bool,
    /// The pair's [`FEATURES`], in order.
    pub features: [f64; FEATURES.len()],
    /// Why, in words: `verified: …`, `claimed: …`, `handle stem "annw" on both`, `names …`, `bios …`.
    pub evidence: Vec<String>,
}

/// Blocks larger than this (a very common first name) are not paired within: they would cost
/// quadratic time and add only weak candidates.
const MAX_BLOCK: usize = 400;

/// The shortest piece of a handle that names a block: shorter ones (`ann`, `bob`) are in too many.
const MIN_PIECE: usize = 4;

/// The longest: beyond it a piece is the whole of a long label, already its own block.
const MAX_PIECE: usize = 24;

/// Piece blocks larger than this are left out: a piece that many handles share (`love`, `music`)
/// says nothing about two of them.
const MAX_PIECE_BLOCK: usize = 60;

/// How the suggestions are picked from the scored pairs.
#[derive(Debug, Clone, Copy)]
pub struct Pick {
    /// Keep pairs scoring at least this.
    pub min_score: f64,
    /// Keep a pair only when it scores at least this many times its best rival (the next best
    /// account of either side on the other's platform); 1 keeps every best match. A verified pair
    /// needs no margin.
    pub margin: f64,
    /// Every candidate pair, not only each account's best per platform (for fitting).
    pub every_pair: bool,
}

/// The likely links among `profiles`, best first, as `pick` says.
pub fn suggest(profiles: &[MatchProfile], weights: &Weights, pick: Pick) -> Vec<Suggestion> {
    let Pick {
        min_score,
        margin,
        every_pair,
    } = pick;
    let features: Vec<Features> = profiles.iter().map(Features::of).collect();
    let idf = Idf::of(features.iter().map(|f| f.bio_words.as_slice()));
    let post_idf = Idf::of(features.iter().map(|f| f.post_words.as_slice()));
    let mut scored: Vec<Suggestion> = candidates(&features)
        .into_iter()
        .map(|(i, j)| {
            let pair = (&profiles[i], &profiles[j], &features[i], &features[j]);
            score_pair(pair, (&idf, &post_idf), weights)
        })
        .collect();
    shared_neighbours(profiles, &mut scored, weights);
    scored.retain(|s| s.score > 0.0);
    scored.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    let platform: FxHashMap<i64, &str> = profiles
        .iter()
        .map(|p| (p.account, p.platform.as_str()))
        .collect();
    // The two best scores of each account on each other platform: a match is clear when it beats
    // the best rival by the margin.
    let mut top: FxHashMap<(i64, &str), [(f64, usize); 2]> = FxHashMap::default();
    for (n, s) in scored.iter().enumerate() {
        for key in [(s.a, platform[&s.b]), (s.b, platform[&s.a])] {
            let t = top.entry(key).or_insert([(0.0, usize::MAX); 2]);
            if t[0].1 == usize::MAX {
                t[0] = (s.score, n);
            } else if t[1].1 == usize::MAX {
                t[1] = (s.score, n);
            }
        }
    }
    let rival = |key: (i64, &str), n: usize| {
        let t = top[&key];
        if t[0].1 == n {
            t[1].0
        } else {
            t[0].0
        }
    };
    let mut taken: FxHashSet<(i64, &str)> = FxHashSet::default();
    let mut out = Vec::new();
    for (n, s) in scored.into_iter().enumerate() {
        let (pa, pb) = (platform[&s.a], platform[&s.b]);
        let clear = s.verified || s.score >= margin * rival((s.a, pb), n).max(rival((s.b, pa), n));
        if every_pair {
            if s.score >= min_score {
                out.push(s);
            }
            continue;
        }
        if taken.contains(&(s.a, pb)) || taken.contains(&(s.b, pa)) {
            continue;
        }
        taken.insert((s.a, pb));
        taken.insert((s.b, pa));
        if s.score >= min_score && clear {
            out.push(s);
        }
    }
    out
}

/// The `neighbours` feature of every pair, and its score with it: how many of one account's
/// neighbours are, by a verified link, the same people as the other's. A person's friends are largely
/// the same people on every network, so once some of them are linked by evidence, their overlap speaks
/// for a pair that likeness alone leaves in doubt (the anchor links of the identity-linkage
/// literature). Only verified pairs are anchors, so the feature rests on evidence, never on other
/// guesses. It is the count over the geometric mean of the two neighbourhoods' sizes.
fn shared_neighbours(profiles: &[MatchProfile], scored: &mut [Suggestion], w: &Weights) {
    let mut anchors: FxHashMap<i64, Vec<i64>> = FxHashMap::default();
    for s in scored.iter().filter(|s| s.verified) {
        anchors.entry(s.a).or_default().push(s.b);
        anchors.entry(s.b).or_default().push(s.a);
    }
    let neighbours: FxHashMap<i64, &[i64]> = profiles
        .iter()
        .map(|p| (p.account, p.neighbours.as_slice()))
        .collect();
    for s in scored.iter_mut() {
        let (na, nb) = (neighbours[&s.a], neighbours[&s.b]);
        if na.is_empty() || nb.is_empty() {
            continue;
        }
        // Distinct people in common: several neighbours anchored to one account count once.
        let mut partners_met: FxHashSet<i64> = FxHashSet::default();
        for n in na.iter().filter(|n| **n != s.b) {
            for m in anchors.get(n).into_iter().flatten() {
                if *m != s.a && nb.binary_search(m).is_ok() {
                    partners_met.insert(*m);
                }
            }
        }
        let shared = partners_met.len();
        if shared == 0 {
            continue;
        }
        let x = (shared as f64 / ((na.len() * nb.len()) as f64).sqrt()).min(1.0);
        s.features[NEIGHBOURS] = x;
        s.evidence.push(format!(
            "{shared} of their neighbours are one person by verified links ({x:.2})"
        ));
        if !s.verified {
            s.score = w.score(&s.features).min(0.999);
        }
    }
}

/// An account's keys, stems and words, computed once.
struct Features {
    platform: String,
    keys: Vec<String>,
    link_keys: Vec<(String, String)>,
    stem: Option<String>,
    name_words: Vec<String>,
    bio_words: Vec<String>,
    post_words: Vec<String>,
}

impl Features {
    fn of(p: &MatchProfile) -> Features {
        let link_keys = p
            .links
            .iter()
            .flat_map(|l| link_keys(l).into_iter().map(move |k| (k, l.clone())))
            .collect();
        Features {
            platform: p.platform.clone(),
            keys: account_keys(&p.platform, &p.ext_id, p.handle.as_deref()),
            link_keys,
            stem: p.handle.as_deref().map(stem).filter(|s| s.len() >= 2),
            name_words: p.name.as_deref().map(name_words).unwrap_or_default(),
            bio_words: p.bio.as_deref().map(bio_words).unwrap_or_default(),
            post_words: bio_words(&p.posts.join(" ")),
        }
    }
}

/// A handle's stem: the part that names the person (before `@instance`, before `.bsky.social`, the
/// first label of a domain), lower-cased, without `_`, `.`, `-` or trailing digits.
pub fn stem(handle: &str) -> String {
    let h = handle.trim().trim_start_matches('@').to_lowercase();
    let local = match h.split_once('@') {
        Some((user, _)) => user.to_string(),
        None => h.split('.').next().unwrap_or(&h).to_string(),
    };
    let letters: String = local.chars().filter(|c| c.is_alphanumeric()).collect();
    letters
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_string()
}

const TITLES: &[&str] = &["dr", "mr", "mrs", "ms", "prof", "sir", "phd"];

/// A display name's words, lower-cased, titles and emoji dropped.
fn name_words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !TITLES.contains(&w.as_str()))
        .collect()
}

const STOP: &[&str] = &[
    "the", "and", "for", "with", "about", "from", "that", "this", "are", "you", "not", "all",
    "but", "his", "her", "she", "him", "they", "our", "was", "who", "have", "has", "here", "there",
    "also", "into", "over", "more", "some", "any", "its", "it's", "i'm", "my", "me", "views",
    "own",
];

/// A bio's words of three letters or more, lower-cased, stop words dropped, each once.
fn bio_words(bio: &str) -> Vec<String> {
    let mut words: Vec<String> = bio
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !STOP.contains(&w.as_str()))
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Inverse document frequency of bio words over every profile.
struct Idf {
    idf: FxHashMap<String, f64>,
    default: f64,
}

impl Idf {
    fn of<'a>(docs: impl Iterator<Item = &'a [String]>) -> Idf {
        let mut df: FxHashMap<String, u32> = FxHashMap::default();
        let mut n = 0usize;
        for words in docs {
            n += 1;
            for w in words {
                *df.entry(w.clone()).or_default() += 1;
            }
        }
        let n = n.max(1) as f64;
        let idf = df
            .into_iter()
            .map(|(w, d)| (w, (n / f64::from(d)).ln() + 1.0))
            .collect();
        Idf {
            idf,
            default: n.ln() + 1.0,
        }
    }

    fn weight(&self, w: &str) -> f64 {
        self.idf.get(w).copied().unwrap_or(self.default)
    }

    /// Cosine of two word sets weighted by IDF, and the shared words.
    fn cosine<'a>(&self, a: &'a [String], b: &[String]) -> (f64, Vec<&'a str>) {
        if a.is_empty() || b.is_empty() {
            return (0.0, Vec::new());
        }
        let norm = |ws: &[String]| {
            ws.iter()
                .map(|w| self.weight(w).powi(2))
                .sum::<f64>()
                .sqrt()
        };
        let set: FxHashSet<&str> = b.iter().map(String::as_str).collect();
        let shared: Vec<&str> = a
            .iter()
            .map(String::as_str)
            .filter(|w| set.contains(w))
            .collect();
        let dot: f64 = shared.iter().map(|w| self.weight(w).powi(2)).sum();
        (dot / (norm(a) * norm(b)), shared)
    }
}

/// Pairs of profiles on different platforms that share a block: a handle stem, a rare name word, or a
/// link that names the other.
fn candidates(features: &[Features]) -> Vec<(usize, usize)> {
    let mut blocks: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for (i, f) in features.iter().enumerate() {
        if let Some(s) = &f.stem {
            blocks.entry(format!("s:{s}")).or_default().push(i);
        }
        for w in f.name_words.iter().filter(|w| w.chars().count() >= 3) {
            blocks.entry(format!("n:{w}")).or_default().push(i);
        }
        // A handle often holds a name or part of another handle (`sbecker`, `sarabecker`, `Sara
        // Becker`): the pieces of four letters or more of a stem meet the other side's name words and
        // stem pieces.
        let mut pieces: FxHashSet<&str> = FxHashSet::default();
        if let Some(stem) = f.stem.as_deref().filter(|s| s.is_ascii()) {
            // Prefixes and suffixes only (`sara|becker`): a handle joins names end to end, and the
            // pieces stay linear in its length.
            for len in MIN_PIECE..=stem.len().min(MAX_PIECE) {
                pieces.insert(&stem[..len]);
                pieces.insert(&stem[stem.len() - len..]);
            }
        }
        for w in f
            .name_words
            .iter()
            .filter(|w| w.chars().count() >= MIN_PIECE)
        {
            pieces.insert(w);
        }
        for p in pieces {
            blocks.entry(format!("u:{p}")).or_default().push(i);
        }
        for k in &f.keys {
            blocks.entry(format!("k:{k}")).or_default().push(i);
        }
        for (k, _) in &f.link_keys {
            blocks.entry(format!("k:{k}")).or_default().push(i);
        }
    }
    let mut pairs: FxHashSet<(usize, usize)> = FxHashSet::default();
    for (key, members) in &blocks {
        let cap = if key.starts_with("u:") {
            MAX_PIECE_BLOCK
        } else {
            MAX_BLOCK
        };
        if members.len() < 2 || members.len() > cap {
            continue;
        }
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                if i != j && features[i].platform != features[j].platform {
                    pairs.insert((i.min(j), i.max(j)));
                }
            }
        }
    }
    let mut pairs: Vec<_> = pairs.into_iter().collect();
    pairs.sort_unstable();
    pairs
}

/// The link of `from` that names one of `to`'s keys, if any.
fn names<'a>(from: &'a Features, to: &Features) -> Option<&'a str> {
    from.link_keys
        .iter()
        .find(|(k, _)| to.keys.contains(k))
        .map(|(_, url)| url.as_str())
}

fn who(p: &MatchProfile) -> String {
    match &p.handle {
        Some(h) => format!("{}:@{}", p.platform, h.trim_start_matches('@')),
        None => format!("{}:{}", p.platform, p.ext_id),
    }
}

type Pair<'a> = (
    &'a MatchProfile,
    &'a MatchProfile,
    &'a Features,
    &'a Features,
);

fn score_pair((a, b, fa, fb): Pair, (idf, post_idf): (&Idf, &Idf), w: &Weights) -> Suggestion {
    let mut evidence = Vec::new();
    let (ab, ba) = (names(fa, fb), names(fb, fa));
    let verified = match (ab, ba) {
        (Some(x), Some(y)) => {
            evidence.push(format!(
                "verified: {} links {x} and {} links {y} back",
                who(a),
                who(b)
            ));
            true
        }
        // One way only is a claim: anyone can link to any profile, or to any domain, even one a
        // Bluesky handle proves its account controls.
        _ => false,
    };
    let claimed = !verified && (ab.is_some() || ba.is_some());
    if claimed {
        let (from, to, url) = match (ab, ba) {
            (Some(u), _) => (a, b, u),
            (_, Some(u)) => (b, a, u),
            _ => unreachable!("claimed has a link"),
        };
        evidence.push(format!(
            "claimed: {} links {url} ({}), which does not link back",
            who(from),
            who(to)
        ));
    }
    let handle = match (&fa.stem, &fb.stem) {
        (Some(x), Some(y)) if x == y => {
            evidence.push(format!("handle stem {x:?} on both"));
            1.0
        }
        (Some(x), Some(y)) => {
            let s = strsim::jaro_winkler(x, y);
            if s >= 0.85 {
                evidence.push(format!("handle stems {x:?} and {y:?} alike ({s:.2})"));
            }
            s.powi(4)
        }
        _ => 0.0,
    };
    let name = name_likeness(&fa.name_words, &fb.name_words);
    if name > 0.0 {
        evidence.push(format!(
            "names {:?} and {:?} ({name:.2})",
            a.name.as_deref().unwrap_or_default(),
            b.name.as_deref().unwrap_or_default()
        ));
    }
    let (bio, shared) = idf.cosine(&fa.bio_words, &fb.bio_words);
    if bio > 0.0 {
        evidence.push(format!("bios share {} ({bio:.2})", shared.join(", ")));
    }
    let cross = handle_vs_name(fa, fb).max(handle_vs_name(fb, fa));
    if cross >= 0.85 && handle < 1.0 {
        evidence.push(format!("a handle spells the other's name ({cross:.2})"));
    }
    // How much there was to compare: a profile without a name or a bio leaves its likeness unknown,
    // not low.
    let missing = [
        fa.name_words.is_empty() || fb.name_words.is_empty(),
        fa.bio_words.is_empty() || fb.bio_words.is_empty(),
    ]
    .iter()
    .filter(|&&m| m)
    .count() as f64
        / 2.0;
    let (posts, shared) = post_idf.cosine(&fa.post_words, &fb.post_words);
    if posts >= 0.3 {
        let mut top = shared;
        top.sort_by(|x, y| post_idf.weight(y).total_cmp(&post_idf.weight(x)));
        top.truncate(6);
        evidence.push(format!("posts share {} ({posts:.2})", top.join(", ")));
    }
    let features = [
        handle,
        cross,
        name,
        bio,
        posts,
        f64::from(u8::from(claimed)),
        missing,
        0.0,
    ];
    let score = if verified {
        1.0
    } else {
        w.score(&features).min(0.999)
    };
    Suggestion {
        a: a.account,
        b: b.account,
        score,
        verified,
        features,
        evidence,
    }
}

/// How closely `a`'s handle stem spells `b`'s name in one of the ways people make handles of names:
/// `annwong`, `awong`, `annw`, `wongann`, `ann`; 1 when one of them is the stem, else the best
/// Jaro–Winkler likeness to the fourth power.
fn handle_vs_name(a: &Features, b: &Features) -> f64 {
    let (Some(stem), [first, .., last]) = (&a.stem, b.name_words.as_slice()) else {
        return match (&a.stem, b.name_words.as_slice()) {
            (Some(stem), [only]) if stem == only => 1.0,
            _ => 0.0,
        };
    };
    let initial = |w: &str| w.chars().next().map(String::from).unwrap_or_default();
    let forms = [
        format!("{first}{last}"),
        format!("{}{last}", initial(first)),
        format!("{first}{}", initial(last)),
        format!("{last}{first}"),
        format!("{last}{}", initial(first)),
    ];
    forms
        .iter()
        .map(|f| {
            if f == stem {
                1.0
            } else {
                strsim::jaro_winkler(f, stem).powi(4)
            }
        })
        .fold(0.0, f64::max)
}

/// How alike two names are, 0–1: the share of words in common (Jaccard), or 0.75 when the first
/// words agree and one name abbreviates the other's last word (`Ann W.` for `Ann Wong`).
fn name_likeness(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let sa: FxHashSet<&str> = a.iter().map(String::as_str).collect();
    let sb: FxHashSet<&str> = b.iter().map(String::as_str).collect();
    let jaccard = sa.intersection(&sb).count() as f64 / sa.union(&sb).count() as f64;
    let initial = a[0] == b[0] && a.len() >= 2 && b.len() >= 2 && {
        let (x, y) = (&a[a.len() - 1], &b[b.len() - 1]);
        x != y
            && (x.len() == 1 && y.starts_with(x.as_str())
                || y.len() == 1 && x.starts_with(y.as_str()))
    };
    if initial {
        jaccard.max(0.75)
    } else {
        jaccard
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(
        account: i64,
        platform: &str,
        ext_id: &str,
        handle: &str,
        name: &str,
        bio: &str,
    ) -> MatchProfile {
        MatchProfile {
            account,
            platform: platform.into(),
            ext_id: ext_id.into(),
            handle: Some(handle.into()),
            name: Some(name.into()),
            bio: Some(bio.into()),
            links: Vec::new(),
            posts: Vec::new(),
            neighbours: Vec::new(),
        }
    }

    #[test]
    fn stems_name_the_person_in_every_handle_form() {
        assert_eq!(stem("Ann_W@s.example"), "annw");
        assert_eq!(stem("annw.bsky.social"), "annw");
        assert_eq!(stem("@ann_w42"), "annw");
        assert_eq!(stem("annw.dev"), "annw");
    }

    #[test]
    fn names_agree_on_words_or_an_initial() {
        let w = |s: &str| name_words(s);
        assert_eq!(name_likeness(&w("Ann Wong"), &w("Dr. Ann Wong 🌿")), 1.0);
        assert_eq!(name_likeness(&w("Ann Wong"), &w("Ann W.")), 0.75);
        assert_eq!(name_likeness(&w("Ann Wong"), &w("Bob Stone")), 0.0);
    }

    #[test]
    fn the_look_alike_loses_to_the_person_and_links_beat_likeness() {
        let mut profiles = vec![
            p(
                1,
                "mastodon",
                "https://s.example/users/annw",
                "annw@s.example",
                "Ann Wong",
                "birds, rust compilers and jazz",
            ),
            p(
                2,
                "twitter",
                "10",
                "annw",
                "Ann W.",
                "rust compilers; birds",
            ),
            // Someone else with the same handle on X: a different name and other interests.
            p(
                3,
                "twitter",
                "11",
                "annw_",
                "Anna Walsh",
                "marathons and coffee",
            ),
            p(4, "bluesky", "did:plc:z", "zed.bsky.social", "Zed", "quiet"),
            p(
                5,
                "mastodon",
                "https://t.example/users/zz",
                "zz@t.example",
                "Zed",
                "quiet",
            ),
        ];
        profiles[3].links = vec![];
        profiles[4].links = vec!["https://bsky.app/profile/zed.bsky.social".into()];
        let got = suggest(
            &profiles,
            &Weights::DEFAULT,
            Pick {
                min_score: 0.0,
                margin: 1.0,
                every_pair: false,
            },
        );
        let pairs: Vec<(i64, i64)> = got.iter().map(|s| (s.a, s.b)).collect();
        assert!(pairs.contains(&(1, 2)), "{got:#?}");
        assert!(
            !pairs.contains(&(1, 3)),
            "one account per platform: the better match wins: {got:#?}"
        );
        let zed = got.iter().find(|s| (s.a, s.b) == (4, 5)).unwrap();
        assert!(!zed.verified, "a one-way link is a claim");
        assert!(
            zed.evidence[0].starts_with("claimed: mastodon:@zz@t.example links"),
            "{zed:?}"
        );
        let ann = got.iter().find(|s| (s.a, s.b) == (1, 2)).unwrap();
        assert_eq!(zed.features[5], 1.0, "claimed");
        assert!(
            ann.evidence
                .iter()
                .any(|e| e.starts_with("handle stem \"annw\"")),
            "{ann:?}"
        );
    }

    #[test]
    fn links_both_ways_are_verified_and_one_way_to_a_domain_is_a_claim() {
        let mut a = p(
            1,
            "mastodon",
            "https://s.example/users/q",
            "q@s.example",
            "Q",
            "x",
        );
        let mut b = p(2, "twitter", "7", "qq", "Someone", "y");
        a.links = vec!["https://x.com/qq".into()];
        b.links = vec!["https://s.example/@q".into()];
        let c = p(3, "bluesky", "did:plc:q", "q.dev", "", "");
        a.links.push("https://q.dev/".into());
        let got = suggest(
            &[a, b, c],
            &Weights::DEFAULT,
            Pick {
                min_score: 0.0,
                margin: 1.0,
                every_pair: false,
            },
        );
        let both = got.iter().find(|s| (s.a, s.b) == (1, 2)).unwrap();
        assert!(both.verified && both.score == 1.0, "{got:#?}");
        // A website at the domain a Bluesky handle proves is still only the profile's claim: anyone
        // can put https://nytimes.com on their profile.
        let domain = got.iter().find(|s| (s.a, s.b) == (1, 3)).unwrap();
        assert!(!domain.verified, "{domain:#?}");
        assert!(
            domain.evidence[0].starts_with("claimed: mastodon:@q@s.example links https://q.dev/"),
            "{domain:#?}"
        );
    }
}
