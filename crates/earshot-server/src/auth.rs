//! Bearer authentication with per-key rate limits, and the scope check per route group. The keys
//! themselves (tokens, scopes, the cache) are in `keyring.rs`, re-exported here.
//!
//! The server keeps the keys in memory, reloading them when an unknown hash arrives (at most ten times
//! a second, so a flood of bad tokens cannot flood the database) and every few seconds (so a key revoked
//! from the command line stops working within [`KEY_REFRESH`]).

pub use crate::keyring::{hash_token, new_token, KeyCache, NewToken, Scope};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How stale the in-memory key list may get: a key revoked outside the server stops working within this.
pub const KEY_REFRESH: Duration = Duration::from_secs(5);
/// The least time between reloads caused by unknown tokens: a new key works within this, and a flood
/// of bad tokens costs at most ten reads of the (small) key table a second.
const MISS_RELOAD: Duration = Duration::from_millis(100);

/// An authenticated caller, put in the request's extensions for handlers and logs.
#[derive(Debug, Clone)]
pub struct Caller {
    pub key_id: i64,
    pub scope: Scope,
    /// The key's writes in progress (shared by all its requests) and how many it may have.
    writes: Arc<AtomicUsize>,
    writes_allowed: usize,
}

/// Retry-After when a key already has its writes in progress: a write takes a second or so.
const WRITE_BUSY_RETRY_SECS: u64 = 1;

fn bearer(req: &Request) -> Result<&str, ApiError> {
    let unauthorized = |detail: &str| {
        let mut e = ApiError::new(StatusCode::UNAUTHORIZED, detail);
        e.retry_after = None;
        e
    };
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| unauthorized("an API key is required: send Authorization: Bearer <key> (keys are made with `earshot keys create`)"))?;
    let text = value
        .to_str()
        .map_err(|_| unauthorized("the Authorization header is not readable text"))?;
    let (scheme, token) = text.split_once(' ').unwrap_or((text, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(unauthorized(
            "the Authorization header must be `Bearer <key>`",
        ));
    }
    Ok(token.trim())
}

/// Middleware: authenticate the bearer token and apply its key's rate limit. 401 for a missing or
/// unknown key, 429 (with Retry-After) when the key is over its rate.
pub async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let caller = admit(&state, &hash_token(bearer(&req)?)).await?;
    req.extensions_mut().insert(caller.clone());
    let mut resp = next.run(req).await;
    // For the request log, which wraps this layer.
    resp.extensions_mut().insert(caller);
    Ok(resp)
}

/// The caller whose key has this hash, once its rate limit lets one more request through: 401 for
/// an unknown or revoked key, 429 (with Retry-After) over its rate. The bearer header and the
/// dashboard's session both end here, so a key revoked or over its rate is so everywhere.
pub(crate) async fn admit(state: &AppState, hash: &[u8; 32]) -> Result<Caller, ApiError> {
    let (mut found, age) = state.keys().get(hash);
    if found.is_none() || age > KEY_REFRESH {
        let may_reload = found.is_some() || age > MISS_RELOAD;
        if may_reload {
            state.reload_keys().await?;
            found = state.keys().get(hash).0;
        }
    }
    let Some(key) = found else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "this API key is not known or has been revoked",
        ));
    };
    if let Err(not_until) = key.limiter.check() {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        return Err(ApiError::too_many(
            format!(
                "this key is over its rate of {} requests a second (burst {})",
                key.quota.0, key.quota.1
            ),
            secs,
        ));
    }
    Ok(Caller {
        key_id: key.id,
        scope: key.scope,
        writes: Arc::clone(&key.writes),
        writes_allowed: state.config().writes_per_key.max(1),
    })
}

/// Route layer: the caller's key must have `needed` (403 otherwise; 401 came earlier).
pub async fn require(needed: Scope, req: Request, next: Next) -> Result<Response, ApiError> {
    let scope = req.extensions().get::<Caller>().map(|c| c.scope);
    match scope {
        Some(s) if s >= needed => Ok(next.run(req).await),
        Some(s) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "this key has scope {}; this endpoint needs {}",
                s.as_str(),
                needed.as_str()
            ),
        )),
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "an API key is required",
        )),
    }
}

/// Route layer of the write routes: a key may have `writes_per_key` writes in progress at once; one
/// more is 429 with Retry-After rather than a wait, so that a client learns at once to send its
/// writes one after another (they take turns at the database's one writer anyway) and one key's
/// burst of parallel bodies cannot fill the spool or the writer's queue for everyone.
pub async fn limit_writes(req: Request, next: Next) -> Result<Response, ApiError> {
    let Some(caller) = req.extensions().get::<Caller>().cloned() else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "an API key is required",
        ));
    };
    let before = caller.writes.fetch_add(1, Ordering::AcqRel);
    let _slot = WriteSlot(Arc::clone(&caller.writes));
    if before >= caller.writes_allowed {
        return Err(ApiError::too_many(
            format!(
                "this key already has {before} writes in progress, as many as it may \
                 (--writes-per-key {}); send the next when one finishes",
                caller.writes_allowed
            ),
            WRITE_BUSY_RETRY_SECS,
        ));
    }
    Ok(next.run(req).await)
}

/// One write in progress, given back when dropped (the response is ready, or the client left).
struct WriteSlot(Arc<AtomicUsize>);

impl Drop for WriteSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}
