//! Event ingestion: JSON lines posted to the API go through the same reader, validation and idempotent
//! writes as `earshot import --format jsonl`, in one transaction.

use crate::problem::{ApiError, ApiResult, Body, Json, Query};
use crate::state::AppState;
use axum::extract::State;
use earshot_ingest::{Format, Options};
use earshot_store::{ImportProgress, ImportStatus, WriteCounts};
use serde::{Deserialize, Serialize};
use std::io::Write;
use utoipa::{IntoParams, ToSchema};

/// The most rejections a report lists (all are counted).
pub const MAX_LISTED_REJECTIONS: usize = 1000;

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
    }
}

/// Ingest events: a body of earshot JSON lines (docs/jsonl.md), one event per line. Idempotent: every
/// event has an identity, so sending the same lines again adds nothing. Bad lines are reported by line,
/// field and reason; the good ones are written in one transaction (or, with `strict`, nothing is).
#[utoipa::path(post, path = "/v1/events", tag = "ingest", params(IngestParams),
    request_body(description = "earshot JSON lines (docs/jsonl.md), sent as application/x-ndjson or text/plain",
        content(
            (String = "text/plain",
                example = "{\"type\":\"account\",\"platform\":\"twitter\",\"ext_id\":\"1\",\"handle\":\"ann\"}\n"),
            (String = "application/x-ndjson"))),
    responses((status = 200, description = "The lines were read; the good ones are stored", body = IngestReport),
              (status = 422, description = "`strict` and some line was bad: nothing was stored", body = IngestReport)))]
pub async fn post_events(
    State(state): State<AppState>,
    Query(q): Query<IngestParams>,
    Body(body): Body,
) -> ApiResult<(axum::http::StatusCode, Json<IngestReport>)> {
    let strict = q.strict.unwrap_or(false);
    // The reader takes a file: spool the body to a temporary one (removed when dropped).
    let parsed = tokio::task::spawn_blocking(move || -> ApiResult<_> {
        let mut file = tempfile::NamedTempFile::new().map_err(ApiError::internal)?;
        file.write_all(&body).map_err(ApiError::internal)?;
        file.flush().map_err(ApiError::internal)?;
        let opts = Options {
            source: Some("api".into()),
            ..Options::default()
        };
        let (reader, _progress) = earshot_ingest::open(file.path(), Format::Jsonl, &opts)
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let mut events = Vec::new();
        let mut rejections = Vec::new();
        let mut rejected = 0u64;
        let mut records = 0u64;
        for item in reader {
            records += 1;
            match item {
                Ok(rec) => events.extend(rec.events),
                Err(r) => {
                    rejected += 1;
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
        Ok((events, rejections, rejected, records))
    })
    .await
    .map_err(ApiError::internal)??;
    let (events, rejections, rejected, records) = parsed;
    let mut progress = ImportProgress {
        records,
        events: events.len() as u64,
        rejected,
        ..ImportProgress::default()
    };
    if strict && rejected > 0 {
        progress.events = 0;
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            Json(report("rolled_back", &progress, rejections)),
        ));
    }
    let written = state
        .write(move |s| {
            let now = crate::now();
            s.begin()?;
            let result = (|| -> Result<WriteCounts, earshot_store::StoreError> {
                let log = s.start_import("<api>", "jsonl", "api", now)?;
                let w = s.write(&events)?;
                let mut p = progress;
                p.written = w;
                s.finish_import(log, ImportStatus::Done, &p, now)?;
                Ok(w)
            })();
            match result {
                Ok(w) => {
                    s.commit()?;
                    Ok(w)
                }
                Err(e) => {
                    let _ = s.rollback();
                    Err(e.into())
                }
            }
        })
        .await?;
    progress.written = written;
    Ok((
        axum::http::StatusCode::OK,
        Json(report("written", &progress, rejections)),
    ))
}
