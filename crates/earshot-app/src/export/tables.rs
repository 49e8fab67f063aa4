//! The tables an export writes: one row per score, account or interaction, with the accounts' platform
//! ids and handles. Each says its columns once; `rows.rs` writes them as CSV or Parquet.

use super::rows::{col, opt, Column, Kind, RowSink, Value};
use anyhow::Result;
use earshot_store::{Store, TimeWindow, COMPONENTS};
use rustc_hash::FxHashMap;

/// An account as the files name it.
pub(super) struct Named {
    pub platform: String,
    pub platform_id: String,
    pub handle: Option<String>,
}

/// Every account's names by stable id (optionally of one platform).
pub(super) fn names(store: &Store, platform: Option<&str>) -> Result<FxHashMap<i64, Named>> {
    let mut out = FxHashMap::default();
    store.scan_accounts(platform, |id, a| {
        out.insert(
            id,
            Named {
                platform: a.platform,
                platform_id: a.ext_id,
                handle: a.handle,
            },
        );
    })?;
    Ok(out)
}

/// Rows written from inside a store scan, whose callback cannot return an error: the first error is
/// kept, later rows are skipped, and [`Rows::finish`] returns it.
struct Rows<'s> {
    sink: &'s mut dyn RowSink,
    failed: Option<anyhow::Error>,
}

impl<'s> Rows<'s> {
    fn new(sink: &'s mut dyn RowSink) -> Self {
        Rows { sink, failed: None }
    }

    fn write(&mut self, row: &[Value<'_>]) {
        if self.failed.is_none() {
            if let Err(e) = self.sink.row(row) {
                self.failed = Some(e);
            }
        }
    }

    /// `n` (the rows the scan visited), or the first error.
    fn finish(self, n: u64) -> Result<u64> {
        self.failed.map_or(Ok(n), Err)
    }
}

/// The columns of a run's scores: rank, names, overall, each component's raw value and percentile
/// (0-1, as stored), the askers answered, authenticity and expected engagement.
pub(super) fn score_columns() -> Vec<Column> {
    let mut c = vec![
        col("rank", Kind::Int),
        col("run", Kind::Int),
        col("platform", Kind::Text),
        col("platform_id", Kind::Text),
        opt("handle", Kind::Text),
        col("overall", Kind::Float),
    ];
    const PCT: [&str; 5] = [
        "audience_pct",
        "amplification_pct",
        "conversation_pct",
        "authority_pct",
        "reach_pct",
    ];
    for (name, pct) in COMPONENTS.iter().zip(PCT) {
        c.push(col(name, Kind::Float));
        c.push(col(pct, Kind::Float));
    }
    c.extend([
        col("askers", Kind::Int),
        col("askers_answered", Kind::Int),
        opt("authenticity", Kind::Float),
        opt("expected", Kind::Float),
    ]);
    c
}

/// A run's scores, best first (ties by account).
pub(super) fn scores(
    store: &Store,
    run: i64,
    platform: Option<&str>,
    sink: &mut dyn RowSink,
) -> Result<u64> {
    let rows = store.top_scores(run, "overall", i64::MAX as usize, platform)?;
    let mut v = Vec::with_capacity(score_columns().len());
    for (i, r) in rows.iter().enumerate() {
        let s = &r.score;
        v.clear();
        v.extend([
            Value::Int(i as i64 + 1),
            Value::Int(run),
            Value::Text(&r.name.platform),
            Value::Text(&r.name.platform_id),
            r.name.handle.as_deref().into(),
            Value::Float(s.overall),
        ]);
        for c in 0..COMPONENTS.len() {
            v.push(Value::Float(s.raw[c]));
            v.push(Value::Float(s.pct[c]));
        }
        v.extend([
            Value::Int(i64::from(s.askers)),
            Value::Int(i64::from(s.askers_answered)),
            s.authenticity.into(),
            s.expected.into(),
        ]);
        sink.row(&v)?;
    }
    Ok(rows.len() as u64)
}

pub(super) const ACCOUNT_COLUMNS: [Column; 17] = [
    col("platform", Kind::Text),
    col("platform_id", Kind::Text),
    opt("handle", Kind::Text),
    opt("display_name", Kind::Text),
    opt("followers", Kind::Int),
    opt("following", Kind::Int),
    opt("post_count", Kind::Int),
    opt("created_at", Kind::Int),
    opt("bio", Kind::Text),
    opt("url", Kind::Text),
    opt("verified", Kind::Bool),
    opt("default_avatar", Kind::Bool),
    opt("default_profile", Kind::Bool),
    opt("private", Kind::Bool),
    opt("likes_given", Kind::Int),
    opt("listed", Kind::Int),
    opt("label", Kind::Text),
];

/// Every account with its profile, in id order.
pub(super) fn accounts(
    store: &Store,
    platform: Option<&str>,
    sink: &mut dyn RowSink,
) -> Result<u64> {
    let mut rows = Rows::new(sink);
    let n = store.scan_accounts(platform, |_, a| {
        let p = &a.profile;
        let row = [
            Value::Text(&a.platform),
            Value::Text(&a.ext_id),
            a.handle.as_deref().into(),
            a.display_name.as_deref().into(),
            p.followers.into(),
            p.following.into(),
            p.post_count.into(),
            p.created_at.into(),
            p.bio.as_deref().into(),
            p.url.as_deref().into(),
            p.verified.into(),
            p.default_avatar.into(),
            p.default_profile.into(),
            p.private.into(),
            p.likes_given.into(),
            p.listed.into(),
            p.label.as_deref().into(),
        ];
        rows.write(&row);
    })?;
    rows.finish(n)
}

pub(super) const INTERACTION_COLUMNS: [Column; 9] = [
    col("actor_platform", Kind::Text),
    col("actor_platform_id", Kind::Text),
    opt("actor_handle", Kind::Text),
    col("target_platform", Kind::Text),
    col("target_platform_id", Kind::Text),
    opt("target_handle", Kind::Text),
    col("kind", Kind::Text),
    opt("time", Kind::Int),
    col("weight", Kind::Float),
];

/// Every interaction, in storage order (grouped by target), named by its accounts' platform ids.
pub(super) fn interactions(
    store: &Store,
    platform: Option<&str>,
    sink: &mut dyn RowSink,
) -> Result<u64> {
    let names = names(store, None)?;
    let blank = Named {
        platform: String::new(),
        platform_id: String::new(),
        handle: None,
    };
    let mut rows = Rows::new(sink);
    let n = store.scan_interactions(TimeWindow::all(), platform, |r| {
        let a = names.get(&r.actor).unwrap_or(&blank);
        let t = names.get(&r.target).unwrap_or(&blank);
        let row = [
            Value::Text(&a.platform),
            Value::Text(&a.platform_id),
            a.handle.as_deref().into(),
            Value::Text(&t.platform),
            Value::Text(&t.platform_id),
            t.handle.as_deref().into(),
            Value::Text(r.kind.name()),
            r.time.into(),
            Value::Float(r.weight),
        ];
        rows.write(&row);
    })?;
    rows.finish(n)
}

/// Each account's community, found once for the file.
pub(super) struct Communities {
    /// (account, community, its size), largest community first.
    pub members: Vec<(i64, usize, usize)>,
    pub by_account: FxHashMap<i64, usize>,
}

/// Louvain over every stored reaction (optionally of one platform), weighted by the built-in model,
/// with `earshot communities`' defaults (resolution 1, seed 0).
pub(super) fn find_communities(store: &Store, platform: Option<&str>) -> Result<Communities> {
    let model = crate::score::load_model(None)?;
    let report = crate::communities::find(
        &crate::communities::CommunitiesRequest {
            source: crate::communities::GraphSource::Stored {
                store,
                window: TimeWindow::all(),
                platform,
                model: &model,
            },
            labels: None,
            resolution: 1.0,
            seed: Some(0),
            top: 0,
            accounts: 0,
            all: true,
        },
        &|_| {},
    )?;
    let members: Vec<(i64, usize, usize)> = report
        .all
        .iter()
        .filter_map(|m| m.account.map(|a| (a, m.community, m.size)))
        .collect();
    let by_account = members.iter().map(|&(a, c, _)| (a, c)).collect();
    Ok(Communities {
        members,
        by_account,
    })
}

pub(super) const COMMUNITY_COLUMNS: [Column; 5] = [
    col("community", Kind::Int),
    col("size", Kind::Int),
    col("platform", Kind::Text),
    col("platform_id", Kind::Text),
    opt("handle", Kind::Text),
];

/// One row per account in a community of the reaction graph, largest community first.
pub(super) fn communities(store: &Store, c: &Communities, sink: &mut dyn RowSink) -> Result<u64> {
    let names = names(store, None)?;
    for &(account, community, size) in &c.members {
        let Some(n) = names.get(&account) else {
            continue;
        };
        sink.row(&[
            Value::Int(community as i64),
            Value::Int(size as i64),
            Value::Text(&n.platform),
            Value::Text(&n.platform_id),
            n.handle.as_deref().into(),
        ])?;
    }
    Ok(c.members.len() as u64)
}
