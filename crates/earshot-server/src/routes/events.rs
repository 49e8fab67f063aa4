//! Event ingestion: JSON lines posted to the API go through the same reader, validation and idempotent
//! writes as `earshot import --format jsonl`, in one transaction.
//!
//! The body is decoded into a temporary file as it arrives, under the limit counted after
//! decompression (`spool.rs`); only then is the writer taken, and the file is read line by line
//! and written a batch of [`WRITE_BATCH_EVENTS`] at a time inside the request's one transaction. So
//! memory holds one batch, not the body's events; a slow client holds no lock; and a request is all
//! or nothing: a body over the limit, cut off by its deadline, or refused by `strict` stores nothing.

use crate::problem::{ApiError, ApiResult, Json, Query};
use crate::spool::{spool, Encoding};
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use earshot_app::doubtful_bursts;
use earshot_ingest::{Format, Options};
use earshot_model::Event;
use earshot_store::{ImportProgress, ImportStatus, Store, StoreError, WriteCounts};
use serde::{Deserialize, Serialize};
use std::path::Path;
use utoipa::{IntoParams, ToSchema};

/// The most rejections a report lists (all are counted).
pub const MAX_LISTED_REJECTIONS: usize = 1000;
/// Events written to the store at a time, within the request's transaction: what memory holds of a
/// body at once.
pub const WRITE_BATCH_EVENTS: usize = 5000;

/// Query of `events`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IngestParams {
    /// Reject the whole body (and write nothing) if any line is bad. Default: write the good lines and
    /// report the bad ones.
    pub strict: Option<bool>,
}

/// One rejected line.
#[derive(Debug, Serialize, ToSchema)]
pub struct LineRejection {
    /// 1-based line of the body.
    pub line: u64,
    /// The field at fault (`<line>` for the line as a whole).
    pub field: String,
    pub reason: String,
}

/// What an ingestion did: the same counts `earshot import` reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct IngestReport {
    /// `written`, or `rolled_back` when `strict` refused the body.
    pub status: String,
    /// Lines read (blank lines are not counted).
    pub lines: u64,
    pub events: u64,
    pub rejected: u64,
    pub accounts_new: u64,
    pub accounts_updated: u64,
    pub posts_new: u64,
    pub interactions_new: u64,
    /// Posts and interactions already stored: a repeated request adds nothing.
    pub already_present: u64,
    /// Of `interactions_new`, those implied by posts' `reply_to`, `quote_of` or `reshare_of` (the lines
    /// stated no such reaction).
    pub interactions_implied: u64,
    /// Interactions implied earlier and removed because these lines stated the same reaction (kind, actor
    /// and post), so that it counts once.
    pub implied_replaced: u64,
    /// References to posts neither stored nor in these lines: each becomes an interaction when its post
    /// arrives.
    pub references_queued: u64,
    /// References that were waiting for a post these lines stored.
    pub references_resolved: u64,
    /// The first 1000 rejected lines.
    pub rejections: Vec<LineRejection>,
    /// The `doubtful_burst` watch rules evaluated on the clock hours these lines touched, after they
    /// were stored (absent when the body was rolled back).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watches: Option<doubtful_bursts::BurstReport>,
}

fn report(status: &str, p: &ImportProgress, rejections: Vec<LineRejection>) -> IngestReport {
    let w: WriteCounts = p.written;
    IngestReport {
        status: status.into(),
        lines: p.records,
        events: p.events,
        rejected: p.rejected,
        accounts_new: w.accounts_new,
        accounts_updated: w.accounts_updated,
        posts_new: w.posts_new,
        interactions_new: w.interactions_new,
        already_present: w.already_present,
        interactions_implied: w.interactions_implied,
        implied_replaced: w.implied_replaced,
        references_queued: w.references_queued,
        references_resolved: w.references_resolved,
        rejections,
        watches: None,
    }
}

/// Ingest events: a body of earshot JSON lines (docs/jsonl.md), one event per line. Idempotent: every
/// event has an identity, so sending the same lines again adds nothing. Bad lines are reported by line,
/// field and reason; the good ones are written in one transaction (or, with `strict`, nothing is).
/// The body may be gzip (`Content-Encoding: gzip`, or found by its magic bytes); the size limit
/// applies after decompression, and a body over it stores nothing (413). A key may have only a few
/// writes in progress at once (`--writes-per-key`; more get 429).
#[utoipa::path(post, path = "/v1/events", tag = "ingest", params(IngestParams),
    request_body(description = "earshot JSON lines (docs/jsonl.md), sent as application/x-ndjson or text/plain, plain or gzip",
        content(
            (String = "text/plain",
                example = "{\"type\":\"account\",\"platform\":\"twitter\",\"ext_id\":\"1\",\"handle\":\"ann\"}\n"),
            (String = "application/x-ndjson"))),
    responses((status = 200, description = "The lines were read; the good ones are stored", body = IngestReport),
              (status = 413, description = "The body, after decompression, is larger than the server accepts (`--max-body-mib`): nothing was stored", body = crate::problem::Problem, content_type = "application/problem+json"),
              (status = 415, description = "A Content-Encoding other than gzip, or gzip inside gzip: nothing was read", body = crate::problem::Problem, content_type = "application/problem+json"),
              (status = 422, description = "`strict` and some line was bad: nothing was stored", body = IngestReport)))]
pub async fn post_events(
    State(state): State<AppState>,
    Query(q): Query<IngestParams>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> ApiResult<(axum::http::StatusCode, Json<IngestReport>)> {
    let strict = q.strict.unwrap_or(false);
    let encoding = Encoding::of(&headers)?;
    let limit = state.config().max_body_bytes as u64;
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = declared.filter(|&n| n > limit) {
        // Answered without storing anything; the body is read and dropped when it is not much over
        // the limit, so the client reads this answer instead of a reset connection.
        crate::spool::drain(body, n.min(limit.saturating_mul(2).max(limit + (1 << 20)))).await;
        return Err(ApiError::too_large(format!(
            "the body is larger than this server accepts ({limit} bytes, --max-body-mib); nothing \
             was stored"
        )));
    }
    let spooled = spool(body, encoding, limit).await?;
    tracing::debug!(
        received = spooled.received,
        decoded = spooled.decoded,
        "events body spooled"
    );
    let outcome = state
        .write(move |s| ingest_file(s, spooled.file.path(), strict))
        .await?;
    let status = if outcome.status == "rolled_back" {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Json(outcome)))
}

/// Read the spooled JSON lines at `path` and write their events in batches, all in one transaction
/// with the import log row; with `strict`, the first bad line rolls everything back (the rest is
/// still read, so the report counts every line).
fn ingest_file(s: &mut Store, path: &Path, strict: bool) -> ApiResult<IngestReport> {
    let opts = Options {
        source: Some("api".into()),
        ..Options::default()
    };
    let (reader, _progress) = earshot_ingest::open(path, Format::Jsonl, &opts)
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let now = crate::now();
    let mut p = ImportProgress::default();
    let mut rejections = Vec::new();
    // The clock hours the events fall in, for the burst rules evaluated once they are stored.
    let mut hours = std::collections::BTreeSet::new();
    // The log row is committed `running` before any event is written, so a server killed mid-write
    // leaves a record (marked `interrupted` by the next import or score that holds the database
    // alone); it becomes `done` in the transaction that writes the events.
    let log = s.start_import("<api>", "jsonl", "api", now)?;
    s.begin()?;
    let result = (|| -> Result<(), StoreError> {
        let mut batch: Vec<Event> = Vec::with_capacity(WRITE_BATCH_EVENTS);
        for item in reader {
            p.records += 1;
            match item {
                Ok(rec) if p.rejected == 0 || !strict => {
                    p.events += rec.events.len() as u64;
                    for e in &rec.events {
                        let at = match e {
                            Event::Interaction(i) => i.time,
                            Event::Post(post) => Some(post.time),
                            Event::Account(_) => None,
                        };
                        hours.extend(at.map(doubtful_bursts::hour_of));
                    }
                    batch.extend(rec.events);
                    if batch.len() >= WRITE_BATCH_EVENTS {
                        p.written.add(&s.write(&batch)?);
                        batch.clear();
                    }
                }
                Ok(_) => {} // strict, and already refused: only counted
                Err(r) => {
                    p.rejected += 1;
                    if rejections.len() < MAX_LISTED_REJECTIONS {
                        rejections.push(LineRejection {
                            line: r.line,
                            field: r.field,
                            reason: r.reason,
                        });
                    }
                }
            }
        }
        if strict && p.rejected > 0 {
            return Ok(());
        }
        p.written.add(&s.write(&batch)?);
        let status = if p.rejected > 0 {
            ImportStatus::RejectedLines
        } else {
            ImportStatus::Done
        };
        s.finish_import(log, status, &p, crate::now())?;
        Ok(())
    })();
    match result {
        Ok(()) if strict && p.rejected > 0 => {
            s.rollback()?;
            p.events = 0;
            p.written = WriteCounts::default();
            s.finish_import(log, ImportStatus::RolledBack, &p, crate::now())?;
            Ok(report("rolled_back", &p, rejections))
        }
        Ok(()) => {
            s.commit()?;
            let mut written = report("written", &p, rejections);
            // The events are stored whatever the rules find; a failure here is logged, not returned.
            match doubtful_bursts::evaluate_hours(s, &hours, crate::now()) {
                Ok(found) => written.watches = Some(found),
                Err(e) => tracing::warn!(error = %e, "evaluating doubtful_burst watches"),
            }
            Ok(written)
        }
        Err(e) => {
            let _ = s.rollback();
            p.written = WriteCounts::default();
            let _ = s.finish_import(log, ImportStatus::Failed, &p, crate::now());
            Err(e.into())
        }
    }
}
