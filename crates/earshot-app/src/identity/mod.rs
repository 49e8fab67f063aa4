//! One person across networks (issue 21): linking accounts to persons only with evidence, suggesting
//! likely links without ever writing them, and a person's score from their accounts'.
//!
//! - [`link`], [`link_mapping`], [`link_verified`], [`unlink`]: the only ways a link is made or undone;
//!   each stores its evidence (`by hand`, `mapping FILE:LINE`, the verified links in words).
//! - [`suggestions`]: likely links from profile links and likeness (`suggest.rs`), for a person to
//!   check; [`evaluate`] measures them against a truth file (`earshot gen --platforms … --truth`).
//! - [`person_report`]: a person's accounts and score (`score.rs`).

pub mod keys;
mod score;
pub mod suggest;

use crate::accounts;
use crate::error::{Missing, UsageError};
use anyhow::{Context, Result};
use earshot_store::{AccountName, LinkOutcome, Store};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use suggest::{MatchProfile, Pick, Suggestion, Weights};

pub use score::{person_score, PersonScore, PlatformShare};

/// Link accounts to a person by hand.
#[derive(Debug, Clone, Default)]
pub struct LinkRequest {
    /// The person; `None`: the person one of the accounts already belongs to, else a new person named
    /// after the first account's handle.
    pub person: Option<String>,
    /// Accounts as a user names them: `platform:@handle`, `platform:ID`, `@handle`, `ID`.
    pub accounts: Vec<String>,
    /// Why; `by hand` when not given.
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkReport {
    pub person: String,
    #[serde(flatten)]
    pub outcome: LinkOutcome,
    pub evidence: String,
}

pub fn link(store: &mut Store, req: &LinkRequest, now: i64) -> Result<LinkReport> {
    if req.accounts.is_empty() {
        return Err(UsageError("name at least one account to link".into()).into());
    }
    let ids = req
        .accounts
        .iter()
        .map(|q| accounts::resolve_ref(store, q))
        .collect::<Result<Vec<_>>>()?;
    let person = match &req.person {
        Some(p) => p.trim().to_string(),
        None => match ids.iter().find_map(|&a| store.person_of(a).transpose()) {
            Some(owner) => owner?,
            None => fresh_name(store, ids[0])?,
        },
    };
    let evidence = req
        .evidence
        .clone()
        .unwrap_or_else(|| "by hand".to_string());
    let outcome = store
        .link_accounts(&person, &ids, &evidence, now)?
        .map_err(|e| linked_elsewhere(store, e))?;
    Ok(LinkReport {
        person,
        outcome,
        evidence,
    })
}

fn linked_elsewhere(store: &Store, e: earshot_store::LinkedElsewhere) -> anyhow::Error {
    let name = accounts::display_name(store, e.account).unwrap_or_default();
    UsageError(format!(
        "{name} already belongs to the person {:?}: unlink it first (`earshot identity unlink`); \
         nothing was linked",
        e.person
    ))
    .into()
}

/// A person name not yet taken, from the account's handle stem (`annw`, `annw-2`, …).
fn fresh_name(store: &Store, account: i64) -> Result<String> {
    let base = match store.account_name(account)? {
        Some(AccountName {
            handle: Some(h), ..
        }) => suggest::stem(&h),
        Some(n) => n.platform_id,
        None => String::new(),
    };
    let base = if base.is_empty() {
        format!("person-{account}")
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2;
    while store.person(&name)?.is_some() {
        name = format!("{base}-{n}");
        n += 1;
    }
    Ok(name)
}

#[derive(Debug, Clone, Serialize)]
pub struct UnlinkReport {
    pub account: AccountName,
    /// The person it belonged to; `None`: it belonged to nobody.
    pub person: Option<String>,
}

pub fn unlink(store: &mut Store, account: &str) -> Result<UnlinkReport> {
    let id = accounts::resolve_ref(store, account)?;
    let person = store.unlink_account(id)?;
    Ok(UnlinkReport {
        account: store.account_name(id)?.unwrap_or_default(),
        person,
    })
}

/// What a mapping file linked.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MappingReport {
    pub file: PathBuf,
    pub rows: usize,
    pub persons: usize,
    pub linked: usize,
    pub already: usize,
}

/// Link the accounts of a CSV `person,platform,account` (a header row, then one account a row), all or
/// nothing: every row is checked first, and one that names no account, or an account of another
/// person, stops the whole file with the line and field at fault.
pub fn link_mapping(store: &mut Store, file: &Path, now: i64) -> Result<MappingReport> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(file)
        .with_context(|| format!("{}: cannot read", file.display()))?;
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("{}: no header row", file.display()))?
        .iter()
        .map(str::to_lowercase)
        .collect();
    let col = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            UsageError(format!(
                "{}:1: no `{name}` column (the header must name person, platform and account)",
                file.display()
            ))
        })
    };
    let (pc, plc, ac) = (col("person")?, col("platform")?, col("account")?);
    let mut by_person: BTreeMap<String, Vec<(i64, u64)>> = BTreeMap::new();
    let mut rows = 0;
    for (n, record) in reader.records().enumerate() {
        let line = n as u64 + 2;
        let record = record.with_context(|| format!("{}:{line}: not CSV", file.display()))?;
        let field = |i: usize| record.get(i).unwrap_or_default().to_string();
        let (person, platform, account) = (field(pc), field(plc), field(ac));
        if person.is_empty() {
            return Err(UsageError(format!("{}:{line}: person: empty", file.display())).into());
        }
        let platform = (!platform.is_empty()).then_some(platform.as_str());
        let id = accounts::resolve(store, &account, platform)
            .map_err(|e| UsageError(format!("{}:{line}: account: {e}", file.display())))?;
        by_person.entry(person).or_default().push((id, line));
        rows += 1;
    }
    // An account under two persons of the file, or already another person's: nothing is linked.
    let mut first: HashMap<i64, (&String, u64)> = HashMap::new();
    for (person, ids) in &by_person {
        for &(id, line) in ids {
            if let Some((other, at)) = first.insert(id, (person, line)) {
                if other != person {
                    let name = accounts::display_name(store, id)?;
                    return Err(UsageError(format!(
                        "{}:{line}: account: {name} is also under {other:?} at line {at}; nothing was linked",
                        file.display()
                    ))
                    .into());
                }
            }
            if let Some(owner) = store.person_of(id)? {
                if &owner != person {
                    let name = accounts::display_name(store, id)?;
                    return Err(UsageError(format!(
                        "{}:{line}: account: {name} already belongs to the person {owner:?}; nothing was linked",
                        file.display()
                    ))
                    .into());
                }
            }
        }
    }
    let mut report = MappingReport {
        file: file.to_path_buf(),
        rows,
        persons: by_person.len(),
        ..MappingReport::default()
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let evidence: Vec<(String, i64, String)> = by_person
        .iter()
        .flat_map(|(person, ids)| {
            ids.iter()
                .map(|&(id, line)| (person.clone(), id, format!("mapping {name}:{line}")))
        })
        .collect();
    let links: Vec<(&str, i64, &str)> = evidence
        .iter()
        .map(|(p, id, e)| (p.as_str(), *id, e.as_str()))
        .collect();
    let out = store
        .link_many(&links, now)?
        .map_err(|e| linked_elsewhere(store, e))?;
    report.linked = out.linked;
    report.already = out.already;
    Ok(report)
}

/// Suggest likely links.
#[derive(Debug, Clone)]
pub struct SuggestRequest {
    /// Show suggestions scoring at least this (0–1).
    pub min_score: f64,
    /// At most this many, best first.
    pub limit: usize,
    pub weights: Weights,
    /// Also list pairs whose accounts are already one person's.
    pub include_linked: bool,
    /// Every candidate pair, not only each account's best per platform (for fitting the weights).
    pub every_pair: bool,
    /// How many times its best rival's score a suggestion must score (`suggest::Pick::margin`).
    pub margin: f64,
}

impl Default for SuggestRequest {
    fn default() -> Self {
        SuggestRequest {
            min_score: DEFAULT_MIN_SCORE,
            limit: 100,
            weights: Weights::DEFAULT,
            include_linked: false,
            every_pair: false,
            margin: DEFAULT_MARGIN,
        }
    }
}

/// The score from which a suggestion is shown by default: chosen on generated validation data (seed 2
/// of `earshot gen --platforms mastodon,bluesky,x`) as the threshold with the most recall at a
/// precision of at least 95% (`scripts/fit_identity.py`); BENCHMARKS.md ("Identity suggestions")
/// gives the test figures. Low, because the model's probabilities are of a candidate pair among many.
pub const DEFAULT_MIN_SCORE: f64 = 0.1;

/// The margin over the best rival a suggestion needs by default, chosen with [`DEFAULT_MIN_SCORE`].
pub const DEFAULT_MARGIN: f64 = 1.0;

#[derive(Debug, Clone, Serialize)]
pub struct NamedSuggestion {
    pub a: AccountName,
    pub b: AccountName,
    pub score: f64,
    pub verified: bool,
    /// The pair's likeness features (`suggest::FEATURES`, in order).
    pub features: [f64; suggest::FEATURES.len()],
    pub evidence: Vec<String>,
    /// The persons the accounts already belong to, where they do.
    pub persons: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SuggestReport {
    /// Accounts with something to link by (a handle, a name or a link).
    pub accounts: usize,
    pub min_score: f64,
    pub weights: Weights,
    /// Suggestions at or above `min_score` in all (before `limit`).
    pub total: usize,
    pub suggestions: Vec<NamedSuggestion>,
}

/// Post texts kept per account for likeness: enough to say what it writes about.
const POSTS_PER_ACCOUNT: usize = 200;

/// Interactions kept per account for its neighbourhood (repeats included, before they are merged).
const NEIGHBOURS_PER_ACCOUNT: usize = 20_000;

/// Every account with something to link by, with some of its posts.
pub fn match_profiles(store: &Store) -> Result<Vec<MatchProfile>> {
    let mut out = Vec::new();
    store.scan_accounts(None, |id, a| {
        let mut links = a.profile.links.clone().unwrap_or_default();
        if let Some(u) = &a.profile.url {
            links.push(u.clone());
        }
        if a.handle.is_none() && a.display_name.is_none() && links.is_empty() {
            return;
        }
        out.push(MatchProfile {
            account: id,
            platform: a.platform,
            ext_id: a.ext_id,
            handle: a.handle,
            name: a.display_name,
            bio: a.profile.bio,
            links,
            posts: Vec::new(),
            neighbours: Vec::new(),
        });
    })?;
    let index: HashMap<i64, usize> = out
        .iter()
        .enumerate()
        .map(|(i, p)| (p.account, i))
        .collect();
    store.scan_posts(earshot_store::TimeWindow::default(), None, |post| {
        if let (Some(&i), Some(text)) = (index.get(&post.author), post.text) {
            if out[i].posts.len() < POSTS_PER_ACCOUNT {
                out[i].posts.push(text);
            }
        }
    })?;
    store.scan_interactions(earshot_store::TimeWindow::default(), None, |r| {
        if r.actor == r.target {
            return;
        }
        for (from, to) in [(r.actor, r.target), (r.target, r.actor)] {
            if let Some(&i) = index.get(&from) {
                if out[i].neighbours.len() < NEIGHBOURS_PER_ACCOUNT {
                    out[i].neighbours.push(to);
                }
            }
        }
    })?;
    for p in &mut out {
        p.neighbours.sort_unstable();
        p.neighbours.dedup();
    }
    Ok(out)
}

pub fn suggestions(store: &Store, req: &SuggestRequest) -> Result<SuggestReport> {
    if !(0.0..=1.0).contains(&req.min_score) {
        return Err(UsageError(format!("min score {} is not within 0–1", req.min_score)).into());
    }
    if !(req.margin >= 1.0 && req.margin.is_finite()) {
        return Err(UsageError(format!(
            "margin {} is not a number of 1 or more (1 keeps every best match)",
            req.margin
        ))
        .into());
    }
    let profiles = match_profiles(store)?;
    let linked: HashMap<i64, String> = store.person_links()?.into_iter().collect();
    let pick = Pick {
        min_score: req.min_score,
        margin: req.margin,
        every_pair: req.every_pair,
    };
    let found: Vec<Suggestion> = suggest::suggest(&profiles, &req.weights, pick)
        .into_iter()
        .filter(|s| {
            req.include_linked
                || !(linked.contains_key(&s.a) && linked.get(&s.a) == linked.get(&s.b))
        })
        .collect();
    let total = found.len();
    let suggestions = found
        .into_iter()
        .take(req.limit)
        .map(|s| {
            let persons: BTreeSet<String> = [s.a, s.b]
                .iter()
                .filter_map(|id| linked.get(id).cloned())
                .collect();
            Ok(NamedSuggestion {
                a: store.account_name(s.a)?.unwrap_or_default(),
                b: store.account_name(s.b)?.unwrap_or_default(),
                score: s.score,
                verified: s.verified,
                features: s.features,
                evidence: s.evidence,
                persons: persons.into_iter().collect(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(SuggestReport {
        accounts: profiles.len(),
        min_score: req.min_score,
        weights: req.weights,
        total,
        suggestions,
    })
}

/// What [`link_verified`] did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifiedReport {
    /// Verified pairs found.
    pub verified: usize,
    pub linked: usize,
    pub persons_created: usize,
    /// Pairs left alone because their accounts belong to two different persons.
    pub conflicts: Vec<String>,
}

/// Link every verified pair (profiles that link each other): the one kind
/// of suggestion that is evidence enough to write without a person's check. Each link's evidence is
/// the suggestion's.
pub fn link_verified(store: &mut Store, now: i64) -> Result<VerifiedReport> {
    let profiles = match_profiles(store)?;
    let verified: Vec<Suggestion> = suggest::suggest(
        &profiles,
        &Weights::DEFAULT,
        Pick {
            min_score: 1.0,
            margin: 1.0,
            every_pair: false,
        },
    )
    .into_iter()
    .filter(|s| s.verified)
    .collect();
    let mut report = VerifiedReport {
        verified: verified.len(),
        ..VerifiedReport::default()
    };
    for s in verified {
        let (pa, pb) = (store.person_of(s.a)?, store.person_of(s.b)?);
        let person = match (&pa, &pb) {
            (Some(x), Some(y)) if x != y => {
                report.conflicts.push(format!(
                    "{} ({x}) and {} ({y})",
                    accounts::display_name(store, s.a)?,
                    accounts::display_name(store, s.b)?
                ));
                continue;
            }
            (Some(x), _) | (_, Some(x)) => x.clone(),
            (None, None) => fresh_name(store, s.a)?,
        };
        let out = store
            .link_accounts(&person, &[s.a, s.b], &s.evidence.join("; "), now)?
            .map_err(|e| linked_elsewhere(store, e))?;
        report.linked += out.linked;
        report.persons_created += usize::from(out.created);
    }
    Ok(report)
}

/// A person, their accounts with the evidence of each link, and their score in the latest run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonReport {
    pub person: String,
    /// Each account: `account` (earshot's id), `platform`, `ext_id`, `handle`, `evidence` (why it
    /// was linked) and `linked_at`.
    #[schema(value_type = Vec<Object>)]
    pub accounts: Vec<earshot_store::PersonAccount>,
    /// `None` when nothing has been scored yet.
    pub score: Option<PersonScore>,
    /// The offline sub-score, beside the online one and never part of it (`None`: no evidence).
    pub offline: Option<crate::offline::OfflineScore>,
}

pub fn person_report(store: &Store, name: &str) -> Result<PersonReport> {
    let person = store
        .person(name)?
        .ok_or_else(|| Missing(format!("no person {name:?} (see `earshot identity list`)")))?;
    let score = match store.latest_run_id()? {
        Some(run) => Some(person_score(store, run, &person)?),
        None => None,
    };
    let as_of = match store.latest_run_id()? {
        Some(run) => store
            .score_run(Some(run))?
            .map_or_else(crate::time::now, |r| r.as_of()),
        None => crate::time::now(),
    };
    let offline = crate::offline::offline_scores(store, as_of)?
        .into_iter()
        .find(|o| o.subject == crate::offline::Subject::Person(person.name.clone()));
    Ok(PersonReport {
        person: person.name,
        accounts: person.accounts,
        score,
        offline,
    })
}

/// How suggestions fare against a truth file at several thresholds.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub truth: PathBuf,
    /// True cross-platform pairs among accounts in the database.
    pub true_pairs: usize,
    pub rows: Vec<EvalRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalRow {
    pub min_score: f64,
    pub suggested: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    /// Suggestions that join accounts of two different persons, verified ones among them (should be 0).
    pub verified_wrong: usize,
}

/// Suggestions against `truth` (`person,platform,ext_id` with a header): precision and recall of the
/// true pairs (two accounts of one person on two platforms) at each of `thresholds`.
pub fn evaluate(
    store: &Store,
    truth: &Path,
    thresholds: &[f64],
    weights: &Weights,
    margin: f64,
) -> Result<EvalReport> {
    let mut reader = csv::Reader::from_path(truth)
        .with_context(|| format!("{}: cannot read", truth.display()))?;
    let mut person_of: HashMap<i64, String> = HashMap::new();
    for (n, r) in reader.records().enumerate() {
        let r = r.with_context(|| format!("{}:{}: not CSV", truth.display(), n + 2))?;
        let (person, platform, ext) = (
            r.get(0).unwrap_or_default(),
            r.get(1).unwrap_or_default(),
            r.get(2).unwrap_or_default(),
        );
        let id = earshot_model::AccountRef::by_id(ext).id(platform).0;
        person_of.insert(id, person.to_string());
    }
    let profiles = match_profiles(store)?;
    let platform: HashMap<i64, &str> = profiles
        .iter()
        .map(|p| (p.account, p.platform.as_str()))
        .collect();
    let mut members: HashMap<&str, Vec<i64>> = HashMap::new();
    for (id, person) in &person_of {
        if platform.contains_key(id) {
            members.entry(person.as_str()).or_default().push(*id);
        }
    }
    let true_pairs: usize = members
        .values()
        .map(|ids| {
            let mut n = 0;
            for (i, a) in ids.iter().enumerate() {
                n += ids[i + 1..]
                    .iter()
                    .filter(|b| platform[a] != platform[*b])
                    .count();
            }
            n
        })
        .sum();
    let lowest = thresholds.iter().copied().fold(1.0, f64::min);
    let pick = Pick {
        min_score: lowest,
        margin,
        every_pair: false,
    };
    let all = suggest::suggest(&profiles, weights, pick);
    let same =
        |s: &Suggestion| person_of.contains_key(&s.a) && person_of.get(&s.a) == person_of.get(&s.b);
    let rows = thresholds
        .iter()
        .map(|&t| {
            let kept: Vec<&Suggestion> = all.iter().filter(|s| s.score >= t).collect();
            let correct = kept.iter().filter(|s| same(s)).count();
            EvalRow {
                min_score: t,
                suggested: kept.len(),
                correct,
                precision: if kept.is_empty() {
                    1.0
                } else {
                    correct as f64 / kept.len() as f64
                },
                recall: if true_pairs == 0 {
                    0.0
                } else {
                    correct as f64 / true_pairs as f64
                },
                verified_wrong: kept.iter().filter(|s| s.verified && !same(s)).count(),
            }
        })
        .collect();
    Ok(EvalReport {
        truth: truth.to_path_buf(),
        true_pairs,
        rows,
    })
}
