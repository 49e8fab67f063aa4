//! Who a ranking leaves out: for a labelling of accounts into groups (region, language, department,
//! declared gender: whatever the user holds), each group's share of the top K against its share of
//! everyone ranked, the ranking's values per group, the exposure each group gets down the whole
//! ranking (Singh & Joachims 2018, "Fairness of Exposure in Rankings"), and, for a score run, which
//! component carries a group's gap.
//!
//! It describes and never changes a score. Influence rankings were criticised for amplifying who is
//! already loud; without this report nothing in earshot would tell its user that one group holds a
//! clearly smaller share of the top than of the population.

use crate::authority::{self, AuthorityRequest};
use crate::error::{FieldStyle, Missing, UsageError};
use anyhow::Result;
use earshot_graph::KindWeights;
use earshot_model::InteractionKind;
use earshot_store::{RankFilter, Store, TimeWindow, COMPONENTS};
use rustc_hash::FxHashMap;

/// The group of ranked accounts the labelling does not name: a row of its own, so that shares add
/// up to 1 in the top K and in the population alike.
pub const UNLABELLED: &str = "(unlabelled)";
/// Groups smaller than this (ranked accounts) are reported but left out of the disparity summary: a
/// group of two in a top 100 is noise, not a finding.
pub const MIN_GROUP_FOR_DISPARITY: usize = 5;
/// Accounts the labelling names but the database does not hold, listed as examples.
const NOT_FOUND_SAMPLE: usize = 5;

/// What to rank by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditBy {
    /// A stored run's overall 1–100 score, or one of its components by name ([`COMPONENTS`]): the
    /// run's raw values.
    Run(String),
    /// PageRank computed now over the window's reactions, as `earshot authority` ranks them, or over
    /// its follows where no reaction counts (a follow-only graph) or when asked for.
    Authority,
}

impl AuditBy {
    /// `overall` (or `score`), a component's name, or `authority`. `None` for anything else.
    pub fn parse(s: &str) -> Option<AuditBy> {
        match s.trim().to_ascii_lowercase().as_str() {
            "authority" => Some(AuditBy::Authority),
            "overall" | "score" => Some(AuditBy::Run("overall".into())),
            c if COMPONENTS.contains(&c) && c != "authority" => Some(AuditBy::Run(c.into())),
            _ => None,
        }
    }

    /// What `--by` accepts, for messages.
    pub const CHOICES: &'static str =
        "overall (score), audience, amplification, conversation, reach, authority";
}

/// The accounts' groups: CSV text with a header naming an `account` column (a handle, `@handle`, or
/// the platform's id) and a `group` column; other columns are ignored.
pub struct Labelling<'a> {
    /// How messages name it: the file's path, or "the request body".
    pub name: String,
    pub csv: &'a [u8],
}

/// An audit to run.
pub struct AuditRequest<'a> {
    pub groups: Labelling<'a>,
    /// The top K that shares are counted in.
    pub top: usize,
    /// `None`: the run's overall score where a run exists, else authority.
    pub by: Option<AuditBy>,
    /// Which stored run (default: the latest); only for [`AuditBy::Run`].
    pub run: Option<i64>,
    /// Only for [`AuditBy::Authority`].
    pub window: TimeWindow,
    pub platform: Option<String>,
    /// Rank authority over follows even where reactions exist.
    pub follows: bool,
    /// How messages name the request's fields.
    pub fields: FieldStyle,
}

/// A group's values of what the ranking sorts by: linear-interpolation percentiles (numpy's
/// default) over its ranked accounts.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Distribution {
    pub mean: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
}

/// How far a group's mean percentile of one component sits from everyone's (percentile points).
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct ComponentGap {
    pub component: &'static str,
    pub group_mean_percentile: f64,
    pub everyone_mean_percentile: f64,
    pub gap: f64,
}

/// One group in the audit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct GroupAudit {
    pub group: String,
    /// Accounts the labelling puts in the group that the database holds.
    pub labelled: usize,
    /// Of those, the ones the ranking holds (the population).
    pub ranked: usize,
    /// `ranked` over everyone ranked: the group's base rate.
    pub base_share: f64,
    /// Accounts of the group in the top K, and their share of it.
    pub top_k: usize,
    pub top_k_share: f64,
    /// `top_k_share / base_share`: 1 is parity, below 1 under-represented.
    pub representation: Option<f64>,
    /// The ranking's values over the group's ranked accounts.
    pub values: Option<Distribution>,
    /// Mean position bias `1 / log2(1 + rank)` over the group's ranked accounts, tied values sharing
    /// their positions' mean (Singh & Joachims' exposure).
    pub exposure: f64,
    /// The group's part of all exposure, beside its `base_share`.
    pub exposure_share: f64,
    /// Exposure per unit of merit against everyone's: `(exposure / mean value) / (everyone's
    /// exposure / everyone's mean value)`. Below 1, the group is shown less than its values would
    /// warrant (Singh & Joachims' disparate treatment). `None` where the group's mean value is 0.
    pub exposure_per_merit: Option<f64>,
    /// For a score run: each component's mean percentile in the group against everyone's, largest gap
    /// (in absolute value) first.
    pub component_gaps: Vec<ComponentGap>,
}

/// The spread between the best- and worst-treated groups of at least
/// [`MIN_GROUP_FOR_DISPARITY`] ranked accounts.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Disparity {
    pub measure: &'static str,
    pub lowest_group: String,
    pub lowest: f64,
    pub highest_group: String,
    pub highest: f64,
    /// `lowest / highest`: 1 is parity.
    pub ratio: f64,
}

/// The labelling as read.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct LabelSummary {
    pub file: String,
    pub rows: usize,
    pub groups: usize,
    /// Accounts the database holds.
    pub found: usize,
    /// Rows naming an account the database does not hold, and a few of them.
    pub not_found: usize,
    pub not_found_sample: Vec<String>,
}

/// `earshot audit`'s report.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct AuditReport {
    /// What the ranking sorts by: `overall`, a component, or `authority`.
    pub by: String,
    /// Where the ranking comes from, in words.
    pub ranking: String,
    /// The score run ranked, for a run's score or component.
    pub run: Option<i64>,
    /// For authority: `reactions` or `follows`.
    pub graph: Option<String>,
    /// Accounts ranked (the population), and the K that top shares count in.
    pub ranked: usize,
    pub k: usize,
    /// Accounts tied with the K-th across the cut: which of them are in is decided by id, so
    /// top-K counts can move by up to this many between equally right orderings.
    pub tied_at_cut: usize,
    pub labels: LabelSummary,
    /// Every group, then [`UNLABELLED`] when some ranked accounts have no group; by group name.
    pub groups: Vec<GroupAudit>,
    /// Top-K representation (`top_k_share / base_share`) across groups.
    pub representation_disparity: Option<Disparity>,
    /// Exposure share over base share across groups.
    pub exposure_disparity: Option<Disparity>,
    pub notes: Vec<String>,
}

/// One row of the labelling, resolved.
struct Label {
    account: i64,
    group: u32,
}

/// Read the labelling: rows of (account, group) resolved to stored accounts. Errors name the file,
/// line and field; an account listed twice with different groups is an error, twice with the same
/// group is kept once.
fn read_labels(
    store: &Store,
    labelling: &Labelling<'_>,
    platform: Option<&str>,
    fields: FieldStyle,
) -> Result<(Vec<Label>, Vec<String>, LabelSummary)> {
    let at = |line: u64| format!("{}:{line}", labelling.name);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(labelling.csv);
    let headers = reader
        .headers()
        .map_err(|e| UsageError(format!("{}:1: {e}", labelling.name)))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
    };
    let (Some(account_col), Some(group_col)) = (column("account"), column("group")) else {
        return Err(UsageError(format!(
            "{}:1: the header must name an `account` column (handle or platform id) and a `group` \
             column; it has {:?}",
            labelling.name,
            headers.iter().collect::<Vec<_>>()
        ))
        .into());
    };
    let platforms = match platform {
        Some(p) => vec![p.to_string()],
        None => store.platforms()?,
    };
    let mut group_names: Vec<String> = Vec::new();
    let mut group_ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut first_seen: FxHashMap<i64, (u64, u32)> = FxHashMap::default();
    let mut labels = Vec::new();
    let mut summary = LabelSummary {
        file: labelling.name.clone(),
        rows: 0,
        groups: 0,
        found: 0,
        not_found: 0,
        not_found_sample: Vec::new(),
    };
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            UsageError(format!("{}: {e}", at(line)))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        summary.rows += 1;
        let field = |col: usize, name: &str| -> Result<&str> {
            match record.get(col) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(UsageError(format!("{}: field `{name}` is empty", at(line))).into()),
            }
        };
        let account = field(account_col, "account")?;
        let group = field(group_col, "group")?;
        if group == UNLABELLED {
            return Err(UsageError(format!(
                "{}: field `group`: {UNLABELLED:?} is the name the report gives accounts without a \
                 group; pick another",
                at(line)
            ))
            .into());
        }
        let Some(id) =
            crate::accounts::lookup_listed(store, &platforms, account, &at(line), fields)?
        else {
            summary.not_found += 1;
            if summary.not_found_sample.len() < NOT_FOUND_SAMPLE {
                summary.not_found_sample.push(account.to_string());
            }
            continue;
        };
        let next = group_names.len() as u32;
        let g = *group_ids.entry(group.to_string()).or_insert_with(|| {
            group_names.push(group.to_string());
            next
        });
        match first_seen.get(&id) {
            Some(&(_, earlier)) if earlier == g => continue,
            Some(&(earlier_line, earlier)) => {
                return Err(UsageError(format!(
                    "{}: field `group`: {account:?} is put in {group:?} here and in {:?} on line \
                     {earlier_line}; an account belongs to one group",
                    at(line),
                    group_names[earlier as usize]
                ))
                .into())
            }
            None => {
                first_seen.insert(id, (line, g));
            }
        }
        labels.push(Label {
            account: id,
            group: g,
        });
    }
    summary.found = labels.len();
    summary.groups = group_names.len();
    if labels.is_empty() {
        return Err(UsageError(format!(
            "{}: none of its {} rows names an account the database holds{}",
            labelling.name,
            summary.rows,
            match summary.not_found_sample.first() {
                Some(a) => format!(" (e.g. {a:?})"),
                None => String::new(),
            }
        ))
        .into());
    }
    Ok((labels, group_names, summary))
}

/// The ranking: (account, value) highest first, ties in a fixed order, and per account the
/// percentile of each component when it comes from a run.
struct Ranking {
    accounts: Vec<(i64, f64)>,
    percentiles: Option<Vec<[f64; 5]>>,
    by: String,
    described: String,
    run: Option<i64>,
    graph: Option<String>,
}

fn rank_by_run(store: &Store, req: &AuditRequest<'_>, column: &str) -> Result<Ranking> {
    let run = store.score_run(req.run)?.ok_or_else(|| {
        Missing(match req.run {
            Some(id) => format!("no score run {id} in the database"),
            None => format!(
                "no score run in the database: run `earshot score`, or audit with {} authority",
                req.fields.name("by")
            ),
        })
    })?;
    let rows = store.top_scores_page(
        run.id,
        column,
        i64::MAX as usize,
        0,
        &RankFilter::platform(req.platform.as_deref()),
    )?;
    let index = COMPONENTS.iter().position(|c| *c == column);
    let accounts = rows
        .iter()
        .map(|r| {
            let v = match index {
                Some(i) => r.score.raw[i],
                None => r.score.overall,
            };
            (r.score.account, v)
        })
        .collect();
    // Stored as shares (0-1); the report speaks in percentile points.
    let percentiles = Some(
        rows.iter()
            .map(|r| r.score.pct.map(|p| 100.0 * p))
            .collect(),
    );
    Ok(Ranking {
        accounts,
        percentiles,
        by: column.to_string(),
        described: format!(
            "score run {} ({}), by {}",
            run.id,
            run.model_version,
            if column == "overall" {
                "the overall 1-100 score".to_string()
            } else {
                format!("the {column} component's raw value")
            }
        ),
        run: Some(run.id),
        graph: None,
    })
}

fn rank_by_authority(
    store: &Store,
    req: &AuditRequest<'_>,
    notes: &mut Vec<String>,
) -> Result<Ranking> {
    let authority_request = |follows: bool| {
        let mut kind_weights = if follows {
            KindWeights::ALL_UNIT
        } else {
            KindWeights::UNIT_REACTIONS
        };
        kind_weights.set(InteractionKind::Unfollow, 0.0);
        AuthorityRequest {
            window: req.window,
            platform: req.platform.clone(),
            kind_weights,
            half_life_days: None,
            alpha: 0.85,
            tolerance: 1e-12,
            max_iterations: 10_000,
            threads: None,
            top: 0,
            all: false,
            restart: None,
        }
    };
    let mut follows = req.follows;
    let mut r = authority::rank(store, &authority_request(follows), &|_| {})?;
    if r.report.edges == 0 && !follows {
        follows = true;
        r = authority::rank(store, &authority_request(true), &|_| {})?;
        if r.report.edges > 0 {
            notes.push(
                "no reaction counts in this window, so authority is PageRank over the follows"
                    .to_string(),
            );
        }
    }
    if r.accounts.is_empty() {
        return Err(Missing(
            "nothing to rank: no interaction in this window builds an authority graph".to_string(),
        )
        .into());
    }
    let graph = if follows { "follows" } else { "reactions" };
    Ok(Ranking {
        described: format!(
            "authority: PageRank (alpha 0.85) over the {graph} of {} interactions, {} accounts",
            r.report.interactions, r.report.nodes
        ),
        accounts: r.accounts,
        percentiles: None,
        by: "authority".to_string(),
        run: None,
        graph: Some(graph.to_string()),
    })
}

/// Group names in the order people expect: numbers (department 2 before department 10) by value,
/// before other names, which go in byte order.
fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<i64>(), b.parse::<i64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

/// Linear-interpolation percentile `p` (0–1) of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

fn distribution(values: &mut [f64]) -> Option<Distribution> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(Distribution {
        mean: values.iter().sum::<f64>() / values.len() as f64,
        p10: percentile(values, 0.10),
        p25: percentile(values, 0.25),
        p50: percentile(values, 0.50),
        p75: percentile(values, 0.75),
        p90: percentile(values, 0.90),
    })
}

/// Each position's exposure `1 / log2(1 + rank)` (rank from 1), accounts with equal values sharing
/// the mean over their positions, so that no arbitrary order among ties moves a group's exposure.
fn exposures(values: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; values.len()];
    let mut start = 0;
    while start < values.len() {
        let mut end = start + 1;
        while end < values.len() && values[end] == values[start] {
            end += 1;
        }
        let mean = (start..end)
            .map(|i| 1.0 / ((i + 2) as f64).log2())
            .sum::<f64>()
            / (end - start) as f64;
        out[start..end].fill(mean);
        start = end;
    }
    out
}

/// The lowest and highest of `measure` across groups large enough to count.
fn disparity(
    groups: &[GroupAudit],
    measure: &'static str,
    value: impl Fn(&GroupAudit) -> Option<f64>,
) -> Option<Disparity> {
    let eligible: Vec<(&GroupAudit, f64)> = groups
        .iter()
        .filter(|g| g.group != UNLABELLED && g.ranked >= MIN_GROUP_FOR_DISPARITY)
        .filter_map(|g| Some((g, value(g)?)))
        .collect();
    let lowest = eligible.iter().min_by(|a, b| a.1.total_cmp(&b.1))?;
    let highest = eligible.iter().max_by(|a, b| a.1.total_cmp(&b.1))?;
    Some(Disparity {
        measure,
        lowest_group: lowest.0.group.clone(),
        lowest: lowest.1,
        highest_group: highest.0.group.clone(),
        highest: highest.1,
        ratio: if highest.1 > 0.0 {
            lowest.1 / highest.1
        } else {
            1.0
        },
    })
}

/// Run the audit.
pub fn audit(store: &Store, req: &AuditRequest<'_>) -> Result<AuditReport> {
    if req.top == 0 {
        return Err(UsageError(format!("{} must be at least 1", req.fields.name("top"))).into());
    }
    let (labels, group_names, summary) =
        read_labels(store, &req.groups, req.platform.as_deref(), req.fields)?;
    let mut notes = Vec::new();
    let by = match &req.by {
        Some(by) => by.clone(),
        None if store.latest_run_id()?.is_some() => AuditBy::Run("overall".into()),
        None => {
            notes.push("no score run in the database: ranked by authority".to_string());
            AuditBy::Authority
        }
    };
    match &by {
        AuditBy::Authority if req.run.is_some() => {
            return Err(UsageError(format!(
                "{} is for a run's score or component; authority is computed now, over {}",
                req.fields.name("run"),
                if req.window.is_unbounded() {
                    "all the stored interactions".to_string()
                } else {
                    "the window".to_string()
                }
            ))
            .into())
        }
        AuditBy::Run(_) if !req.window.is_unbounded() => {
            return Err(UsageError(format!(
                "a window is for {} authority; a run is ranked over its own window (pick the run \
                 with {})",
                req.fields.name("by"),
                req.fields.name("run")
            ))
            .into())
        }
        _ => {}
    }
    let ranking = match &by {
        AuditBy::Run(column) => rank_by_run(store, req, column)?,
        AuditBy::Authority => rank_by_authority(store, req, &mut notes)?,
    };
    if ranking.accounts.is_empty() {
        return Err(Missing(format!(
            "nothing to rank: {} holds no account{}",
            ranking.described,
            match &req.platform {
                Some(p) => format!(" of platform {p:?}"),
                None => String::new(),
            }
        ))
        .into());
    }
    let n = ranking.accounts.len();
    let k = req.top.min(n);
    if k < req.top {
        notes.push(format!(
            "only {n} accounts are ranked, so the top {} is all of them",
            req.top
        ));
    }
    let values: Vec<f64> = ranking.accounts.iter().map(|&(_, v)| v).collect();
    let tied_at_cut = if k > 0 && k < n && values[k] == values[k - 1] {
        let cut = values[k - 1];
        values.iter().filter(|&&v| v == cut).count()
    } else {
        0
    };
    if tied_at_cut > 0 {
        notes.push(format!(
            "{tied_at_cut} accounts share the value at the top-{k} cut; which of them are in the \
             top is decided by id"
        ));
    }
    let exposure = exposures(&values);

    let unlabelled = group_names.len() as u32;
    let group_of: FxHashMap<i64, u32> = labels.iter().map(|l| (l.account, l.group)).collect();
    let mut labelled = vec![0usize; group_names.len() + 1];
    for l in &labels {
        labelled[l.group as usize] += 1;
    }
    struct Tally {
        ranked: usize,
        top: usize,
        exposure: f64,
        values: Vec<f64>,
        pct_sum: [f64; 5],
    }
    let mut tallies: Vec<Tally> = (0..=group_names.len())
        .map(|_| Tally {
            ranked: 0,
            top: 0,
            exposure: 0.0,
            values: Vec::new(),
            pct_sum: [0.0; 5],
        })
        .collect();
    let mut everyone_pct = [0.0; 5];
    for (position, &(account, value)) in ranking.accounts.iter().enumerate() {
        let g = group_of.get(&account).copied().unwrap_or(unlabelled);
        let t = &mut tallies[g as usize];
        t.ranked += 1;
        t.top += usize::from(position < k);
        t.exposure += exposure[position];
        t.values.push(value);
        if let Some(pct) = &ranking.percentiles {
            for c in 0..5 {
                t.pct_sum[c] += pct[position][c];
                everyone_pct[c] += pct[position][c];
            }
        }
    }
    let total_exposure: f64 = exposure.iter().sum();
    let everyone_mean_exposure = total_exposure / n as f64;
    let everyone_mean_value = values.iter().sum::<f64>() / n as f64;
    let mut order: Vec<u32> = (0..group_names.len() as u32).collect();
    order.sort_by(|&a, &b| natural_order(&group_names[a as usize], &group_names[b as usize]));
    if tallies[unlabelled as usize].ranked > 0 {
        order.push(unlabelled);
    }
    let groups: Vec<GroupAudit> = order
        .into_iter()
        .map(|g| {
            let t = &mut tallies[g as usize];
            let name = group_names
                .get(g as usize)
                .cloned()
                .unwrap_or_else(|| UNLABELLED.to_string());
            let base_share = t.ranked as f64 / n as f64;
            let top_k_share = t.top as f64 / k as f64;
            let group_exposure = if t.ranked > 0 {
                t.exposure / t.ranked as f64
            } else {
                0.0
            };
            let dist = distribution(&mut t.values);
            let exposure_per_merit = dist.as_ref().and_then(|d| {
                (d.mean > 0.0 && everyone_mean_value > 0.0).then(|| {
                    (group_exposure / d.mean) / (everyone_mean_exposure / everyone_mean_value)
                })
            });
            let mut component_gaps: Vec<ComponentGap> = match &ranking.percentiles {
                Some(_) if t.ranked > 0 => COMPONENTS
                    .iter()
                    .enumerate()
                    .map(|(c, &component)| {
                        let mine = t.pct_sum[c] / t.ranked as f64;
                        let all = everyone_pct[c] / n as f64;
                        ComponentGap {
                            component,
                            group_mean_percentile: mine,
                            everyone_mean_percentile: all,
                            gap: mine - all,
                        }
                    })
                    .collect(),
                _ => Vec::new(),
            };
            component_gaps.sort_by(|a, b| b.gap.abs().total_cmp(&a.gap.abs()));
            GroupAudit {
                group: name,
                labelled: labelled[g as usize],
                ranked: t.ranked,
                base_share,
                top_k: t.top,
                top_k_share,
                representation: (base_share > 0.0).then(|| top_k_share / base_share),
                values: dist,
                exposure: group_exposure,
                exposure_share: if total_exposure > 0.0 {
                    t.exposure / total_exposure
                } else {
                    0.0
                },
                exposure_per_merit,
                component_gaps,
            }
        })
        .collect();
    let unranked: usize = groups
        .iter()
        .filter(|g| g.group != UNLABELLED)
        .map(|g| g.labelled - g.ranked)
        .sum();
    if unranked > 0 {
        notes.push(format!(
            "{unranked} labelled accounts are not in the ranking (nothing of theirs in it); each \
             group's `labelled` against `ranked` shows where"
        ));
    }
    if summary.not_found > 0 {
        notes.push(format!(
            "{} rows of {} name accounts the database does not hold (e.g. {}); they are left out",
            summary.not_found,
            summary.file,
            summary.not_found_sample.join(", ")
        ));
    }
    Ok(AuditReport {
        by: ranking.by,
        ranking: ranking.described,
        run: ranking.run,
        graph: ranking.graph,
        ranked: n,
        k,
        tied_at_cut,
        labels: summary,
        representation_disparity: disparity(&groups, "top-K share / base share", |g| {
            g.representation
        }),
        exposure_disparity: disparity(&groups, "exposure share / base share", |g| {
            (g.base_share > 0.0).then(|| g.exposure_share / g.base_share)
        }),
        groups,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_their_positions_exposure() {
        let e = exposures(&[5.0, 3.0, 3.0, 1.0]);
        let v = |rank: usize| 1.0 / ((rank + 1) as f64).log2();
        assert_eq!(e[0], v(1));
        assert_eq!(e[1], (v(2) + v(3)) / 2.0);
        assert_eq!(e[1], e[2]);
        assert_eq!(e[3], v(4));
        // Exposure adds up the same whatever the ties: the positions are all handed out.
        let total: f64 = e.iter().sum();
        assert!((total - (1..=4).map(v).sum::<f64>()).abs() < 1e-12);
    }

    #[test]
    fn percentiles_interpolate_as_numpy_does() {
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-12, "{a} against {b}");
        close(percentile(&x, 0.5), 3.0);
        close(percentile(&x, 0.9), 7.6); // numpy.percentile(x, 90)
        close(percentile(&x, 0.1), 1.4); // numpy.percentile(x, 10)
        close(percentile(&[7.0], 0.25), 7.0);
    }

    #[test]
    fn by_names_parse() {
        assert_eq!(AuditBy::parse("Authority"), Some(AuditBy::Authority));
        assert_eq!(
            AuditBy::parse("score"),
            Some(AuditBy::Run("overall".into()))
        );
        assert_eq!(
            AuditBy::parse("conversation"),
            Some(AuditBy::Run("conversation".into()))
        );
        assert_eq!(AuditBy::parse("followers"), None);
    }
}
