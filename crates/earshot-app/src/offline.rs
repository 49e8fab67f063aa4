//! Offline influence (issue 21): evidence of standing off the networks, imported from a CSV file, and
//! an `offline` sub-score with its own explanation, shown beside the online score and never mixed into
//! it unless a score run asks for it.
//!
//! The sub-score, for each subject (a person, or an account that belongs to no person; an account's
//! evidence counts for its person): each source's evidence is summed, each row halved for every
//! [`HALF_LIFE_DAYS`] of age at the time scored (undated rows do not age; rows dated later are left
//! out); the sum is placed among the other subjects' sums of that source as a percentile (0–1, the
//! middle of ties); and the score is 1 + 99 × the mean of those percentiles over every source in the
//! database (a source the subject has no evidence of counts 0). So each source is worth the same
//! 99 / (number of sources) points, earned by standing among the others, with no conversion rate
//! between talks and citations made up.

use crate::accounts;
use crate::error::Missing;
use anyhow::Result;
use earshot_ingest::offline::{read_offline, OfflineSubject};
use earshot_ingest::DateOrder;
use earshot_store::{AccountName, EvidenceSubject, OfflineEvidence, Store};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Evidence loses half its weight every this many days.
pub const HALF_LIFE_DAYS: f64 = 365.0;

/// What an offline import did.
#[derive(Debug, Clone, Serialize)]
pub struct OfflineImportReport {
    pub file: PathBuf,
    /// Rows read without fault.
    pub rows: usize,
    pub added: usize,
    pub already: usize,
    /// Rows rejected, each as `file:line: field: reason`.
    pub rejected: Vec<String>,
}

/// Read every file's evidence, then store the good rows of all of them in one transaction; a row
/// naming an account the database does not hold is rejected like a malformed one. A file that cannot
/// be read, or whose header lacks a column, stops everything before anything is written.
pub fn import(
    store: &mut Store,
    paths: &[PathBuf],
    order: DateOrder,
) -> Result<Vec<OfflineImportReport>> {
    let read = paths
        .iter()
        .map(|p| Ok((p, read_offline(p, order)?)))
        .collect::<Result<Vec<_>>>()?;
    let mut reports = Vec::new();
    let mut all = Vec::new();
    for (path, (rows, bad)) in read {
        let (good, rejected) = resolve(store, path, rows, bad);
        reports.push(OfflineImportReport {
            file: path.clone(),
            rows: good.len(),
            added: 0,
            already: 0,
            rejected,
        });
        all.push(good);
    }
    let counts = store.add_offline_evidence_files(&all)?;
    for (report, added) in reports.iter_mut().zip(counts) {
        report.added = added;
        report.already = report.rows - added;
    }
    Ok(reports)
}

/// One file's rows as stored evidence (accounts resolved, identical rows numbered), and its
/// rejections as `file:line: field: reason`.
fn resolve(
    store: &Store,
    path: &Path,
    rows: Vec<earshot_ingest::offline::OfflineRow>,
    bad: Vec<earshot_ingest::Rejection>,
) -> (Vec<OfflineEvidence>, Vec<String>) {
    let mut rejected: Vec<String> = bad.iter().map(ToString::to_string).collect();
    let name = path.display().to_string();
    let mut good: Vec<OfflineEvidence> = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for r in rows {
        let subject = match &r.subject {
            OfflineSubject::Person(p) => EvidenceSubject::Person(p.clone()),
            OfflineSubject::Account { query, platform } => {
                match accounts::resolve(store, query, platform.as_deref()) {
                    Ok(id) => EvidenceSubject::Account(id),
                    Err(e) => {
                        rejected.push(format!("{name}:{}: account: {e}", r.line));
                        continue;
                    }
                }
            }
        };
        let same = format!(
            "{subject:?}\0{}\0{:?}\0{}\0{:?}",
            r.source, r.time, r.amount, r.link
        );
        let n = seen.entry(same).or_default();
        good.push(OfflineEvidence {
            subject,
            source: r.source,
            time: r.time,
            amount: r.amount,
            link: r.link,
            origin: format!("{name}:{}", r.line),
            occurrence: *n,
        });
        *n += 1;
    }
    (good, rejected)
}

/// Who an offline score is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Person(String),
    Account(i64),
}

/// One source's part of a subject's offline score.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SourcePart {
    pub source: String,
    pub rows: usize,
    /// The amounts as given, summed.
    pub amount: f64,
    /// The amounts after ageing.
    pub value: f64,
    /// Among the subjects with evidence of this source (0–1).
    pub percentile: f64,
    pub points: f64,
    /// The links of the rows, for checking.
    pub links: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfflineScore {
    pub subject: Subject,
    /// The subject as people name it: a person's name, or the account's `platform:@handle`.
    pub name: String,
    /// 1–100.
    pub score: f64,
    /// The instant the evidence was aged to.
    pub as_of: i64,
    /// Every source in the database, in name order (those without evidence with 0 points).
    pub sources: Vec<SourcePart>,
}

/// One subject's evidence of one source, summed.
#[derive(Default)]
struct Sum {
    rows: usize,
    amount: f64,
    value: f64,
    links: Vec<String>,
}

/// Every subject's offline score as of `as_of`, best first.
pub fn offline_scores(store: &Store, as_of: i64) -> Result<Vec<OfflineScore>> {
    let evidence = store.offline_evidence()?;
    let person_of: HashMap<i64, String> = store.person_links()?.into_iter().collect();
    let subject_of = |s: &EvidenceSubject| match s {
        EvidenceSubject::Person(p) => Subject::Person(p.clone()),
        EvidenceSubject::Account(a) => match person_of.get(a) {
            Some(p) => Subject::Person(p.clone()),
            None => Subject::Account(*a),
        },
    };
    let sources: BTreeSet<String> = evidence.iter().map(|e| e.source.clone()).collect();
    let mut sums: BTreeMap<Subject, BTreeMap<String, Sum>> = BTreeMap::new();
    for e in &evidence {
        if e.time.is_some_and(|t| t > as_of) {
            continue;
        }
        let age_days = e.time.map_or(0.0, |t| (as_of - t) as f64 / 86_400.0);
        let value = e.amount * 0.5f64.powf(age_days / HALF_LIFE_DAYS);
        let part = sums
            .entry(subject_of(&e.subject))
            .or_default()
            .entry(e.source.clone())
            .or_default();
        part.rows += 1;
        part.amount += e.amount;
        part.value += value;
        if let Some(l) = &e.link {
            part.links.push(l.clone());
        }
    }
    // Each source's values over the subjects that have it, sorted, for percentiles.
    let mut by_source: HashMap<&str, Vec<f64>> = HashMap::new();
    for parts in sums.values() {
        for (s, p) in parts {
            by_source.entry(s.as_str()).or_default().push(p.value);
        }
    }
    for v in by_source.values_mut() {
        v.sort_by(f64::total_cmp);
    }
    let per_source = 99.0 / sources.len().max(1) as f64;
    let mut out = Vec::new();
    for (subject, parts) in &sums {
        let mut score = 1.0;
        let mut list = Vec::new();
        for s in &sources {
            let part = match parts.get(s) {
                Some(sum) => {
                    // Evidence of nothing (an amount of 0) stands nowhere.
                    let p = if sum.value > 0.0 {
                        percentile(&by_source[s.as_str()], sum.value)
                    } else {
                        0.0
                    };
                    SourcePart {
                        source: s.clone(),
                        rows: sum.rows,
                        amount: sum.amount,
                        value: sum.value,
                        percentile: p,
                        points: per_source * p,
                        links: sum.links.clone(),
                    }
                }
                None => SourcePart {
                    source: s.clone(),
                    rows: 0,
                    amount: 0.0,
                    value: 0.0,
                    percentile: 0.0,
                    points: 0.0,
                    links: Vec::new(),
                },
            };
            score += part.points;
            list.push(part);
        }
        out.push(OfflineScore {
            name: subject_name(store, subject)?,
            subject: subject.clone(),
            score,
            as_of,
            sources: list,
        });
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.name.cmp(&b.name)));
    Ok(out)
}

/// Where `v` stands in `sorted` (0–1): the share of values below it plus half the share equal to it,
/// so the only subject of a source stands at 0.5, and the best of many near 1.
fn percentile(sorted: &[f64], v: f64) -> f64 {
    let below = sorted.partition_point(|x| *x < v);
    let upto = sorted.partition_point(|x| *x <= v);
    (below as f64 + 0.5 * (upto - below) as f64) / sorted.len().max(1) as f64
}

fn subject_name(store: &Store, s: &Subject) -> Result<String> {
    Ok(match s {
        Subject::Person(p) => p.clone(),
        Subject::Account(a) => match store.account_name(*a)? {
            Some(AccountName {
                platform,
                handle: Some(h),
                ..
            }) => format!("{platform}:@{h}"),
            Some(n) => format!("{}:{}", n.platform, n.platform_id),
            None => format!("#{a}"),
        },
    })
}

/// Mix the offline sub-score into each row's overall score as a run asked (`score --with-offline
/// weight`): overall = (1 − weight) × online + weight × offline, an account's offline score being its
/// person's where it belongs to one, and 0 where there is no evidence. Returns how many rows had
/// evidence.
pub fn mix_into(
    store: &Store,
    rows: &mut [earshot_store::ScoreRow],
    weight: f64,
    as_of: i64,
) -> Result<usize> {
    let scores: HashMap<Subject, f64> = offline_scores(store, as_of)?
        .into_iter()
        .map(|s| (s.subject, s.score))
        .collect();
    let person_of: HashMap<i64, String> = store.person_links()?.into_iter().collect();
    let mut with = 0;
    for r in rows {
        let subject = match person_of.get(&r.account) {
            Some(p) => Subject::Person(p.clone()),
            None => Subject::Account(r.account),
        };
        let offline = scores.get(&subject).copied().unwrap_or(0.0);
        with += usize::from(offline > 0.0);
        r.overall = (1.0 - weight) * r.overall + weight * offline;
    }
    Ok(with)
}

/// The offline score of a person (by name) or an account (as the commands take it; an account of a
/// person answers with its person's).
pub fn offline_of(store: &Store, who: &str, as_of: i64) -> Result<OfflineScore> {
    let subject = match store.person(who)? {
        Some(p) => Subject::Person(p.name),
        None => {
            let id = accounts::resolve_ref(store, who)?;
            match store.person_of(id)? {
                Some(p) => Subject::Person(p),
                None => Subject::Account(id),
            }
        }
    };
    offline_scores(store, as_of)?
        .into_iter()
        .find(|s| s.subject == subject)
        .ok_or_else(|| {
            Missing(format!(
                "no offline evidence for {who:?} (import some with `earshot import --format offline FILE`)"
            ))
            .into()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_put_ties_in_the_middle() {
        assert_eq!(percentile(&[5.0], 5.0), 0.5);
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 4.0), 0.875);
        assert_eq!(percentile(&[1.0, 2.0, 2.0, 4.0], 2.0), 0.5);
    }
}
