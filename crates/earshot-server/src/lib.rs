//! earshot's HTTP API (`earshot serve`): account lookup, explanations, history, top lists, bulk
//! enrichment for CRM, event ingestion and background forecast and plan jobs, over the same SQLite
//! database as the command line.
//!
//! Connections are accepted and timed by `connections.rs` (idle, header and body timeouts, a cap).
//! Layers, outermost first: security headers; request logging; a body size limit; bearer
//! authentication with a per-key rate limit (every endpoint but `/healthz`); a scope check per route
//! group (read, write, admin), and for writes a limit on each key's writes in progress; the handler. Handlers never touch SQL: they call the store on tokio's blocking pool ([`state::AppState`]).
//! Long work (explanations, forecasts, plans) runs the use cases of `earshot-app` on the blocking pool
//! or as background jobs. Every error is `application/problem+json` ([`problem`]). [`start`] runs the
//! whole server as `earshot serve` does: runtime, socket, announcement and graceful stop.

pub mod auth;
mod connections;
pub mod dashboard;
pub mod deadline;
mod delivery;
mod headers;
mod keyring;
pub mod memory;
mod openapi;
pub mod page;
pub mod problem;
pub mod routes;
mod sessions;
mod spool;
pub mod start;
pub mod state;

pub use openapi::openapi_json;

use auth::{authenticate, require, Caller, Scope};
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::Response;
use axum::Router;
use routes::{
    accounts, audit, events, health, jobs, keys, persons, posts, triage as triage_routes, watches,
};
use state::AppState;
use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The database file.
    pub db: PathBuf,
    /// The largest request body accepted (413 beyond it), counted after decompression for event
    /// bodies (a gzip body may not inflate past it either).
    pub max_body_bytes: usize,
    /// A request's headers must arrive in full within this of its first byte (a trickled header is
    /// dropped).
    pub header_timeout: Duration,
    /// A request's body must arrive in full within this of its headers (408 beyond it).
    pub body_timeout: Duration,
    /// A connection with no request in progress that receives nothing for this long is closed (a new
    /// connection that never sends, and a kept-alive one between requests).
    pub idle_timeout: Duration,
    /// Connections held open at once; at the cap, a new connection closes the one idle the longest.
    pub max_connections: usize,
    /// Write requests (`POST /v1/events`, triage writes) one key may have in progress at once; more
    /// get 429.
    pub writes_per_key: usize,
    /// Background jobs one key may have waiting (queued or running) at once; more get 429.
    pub jobs_per_key: usize,
    /// Idle read connections kept open.
    pub read_connections: usize,
    /// Background jobs that may run at once; the rest wait their turn.
    pub max_running_jobs: usize,
    /// Serve `/openapi.json` and the `/docs` reference page without a key.
    pub public_docs: bool,
    /// How incoming customer messages are triaged (the floor every message is due within).
    pub triage_policy: earshot_triage::Policy,
}

impl ServerConfig {
    pub fn new(db: PathBuf) -> Self {
        ServerConfig {
            db,
            max_body_bytes: 8 << 20,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(30),
            max_connections: 512,
            writes_per_key: 2,
            jobs_per_key: 8,
            read_connections: 64,
            max_running_jobs: 1,
            public_docs: false,
            triage_policy: earshot_triage::Policy::default(),
        }
    }
}

/// Unix seconds now.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn scoped(scope: Scope, r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.route_layer(from_fn(move |req: Request, next: Next| {
        require(scope, req, next)
    }))
}

/// The routes that need a key, each group behind its scope (authentication is added by the caller).
fn keyed_routes() -> OpenApiRouter<AppState> {
    let read = scoped(
        Scope::Read,
        OpenApiRouter::new()
            .routes(routes!(accounts::get_account))
            .routes(routes!(accounts::get_explanation))
            .routes(routes!(accounts::get_history))
            .routes(routes!(accounts::get_top))
            .routes(routes!(persons::get_person))
            .routes(routes!(accounts::post_enrich))
            .routes(routes!(posts::get_flagged))
            .routes(routes!(audit::post_audit))
            .routes(routes!(watches::list_watches))
            .routes(routes!(watches::list_alerts))
            .routes(routes!(jobs::post_forecast))
            .routes(routes!(jobs::post_plan))
            .routes(routes!(jobs::get_job))
            .routes(routes!(jobs::list_jobs))
            .routes(routes!(triage_routes::get_queue))
            .routes(routes!(triage_routes::get_message))
            .routes(routes!(triage_routes::get_fairness)),
    );
    let write = scoped(
        Scope::Write,
        OpenApiRouter::new()
            .routes(routes!(events::post_events))
            .routes(routes!(triage_routes::post_messages))
            .routes(routes!(triage_routes::post_answered))
            .routes(routes!(watches::post_watches))
            .routes(routes!(watches::delete_watch))
            .route_layer(from_fn(auth::limit_writes)),
    );
    let admin = scoped(
        Scope::Admin,
        OpenApiRouter::new()
            .routes(routes!(keys::list_keys, keys::post_key))
            .routes(routes!(keys::delete_key))
            .routes(routes!(accounts::delete_account))
            .routes(routes!(watches::list_webhooks, watches::post_webhook))
            .routes(routes!(watches::delete_webhook)),
    );
    read.merge(write).merge(admin)
}

/// All routes with their finished OpenAPI document; `auth` wraps the keyed routes.
fn api_router(
    auth: impl FnOnce(OpenApiRouter<AppState>) -> OpenApiRouter<AppState>,
) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut api) = OpenApiRouter::with_openapi(openapi::base())
        .routes(routes!(health::healthz))
        .merge(auth(keyed_routes()))
        .split_for_parts();
    openapi::finish(&mut api);
    (router, api)
}

/// The whole application: API, documents, fallbacks and outer layers.
pub fn app(state: AppState) -> Router {
    let auth_state = state.clone();
    let (api_routes, api) =
        api_router(|r| r.route_layer(from_fn_with_state(auth_state, authenticate)));
    let mut docs: Router<AppState> = utoipa_swagger_ui::SwaggerUi::new("/docs")
        .url("/openapi.json", api)
        .into();
    if !state.config().public_docs {
        docs = docs.route_layer(from_fn_with_state(
            state.clone(),
            dashboard::bearer_or_session,
        ));
    }
    let limit = state.config().max_body_bytes;
    api_routes
        .merge(docs)
        .merge(dashboard::router(state.clone()))
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .layer(DefaultBodyLimit::max(limit))
        .layer(from_fn(log_request))
        .layer(from_fn(headers::security_headers))
        .with_state(state)
}

/// One structured log line per request: method, path, status, milliseconds and the key, if any.
async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let resp = problem::ensure_problem(next.run(req).await).await;
    let key = resp.extensions().get::<Caller>().map(|c| c.key_id);
    let ms = started.elapsed().as_secs_f64() * 1e3;
    let status = resp.status().as_u16();
    if status >= 500 {
        tracing::warn!(%method, %path, status, ms, key, "request");
    } else {
        tracing::info!(%method, %path, status, ms, key, "request");
    }
    resp
}

/// A server whose database is open and ready: [`Ready::serve`] starts answering. Opening first lets
/// the caller announce the address only once requests can succeed.
pub struct Ready(AppState);

/// Open the database (creating or migrating it), load the keys, and mark jobs left unfinished by an
/// earlier server as failed.
pub async fn open(config: ServerConfig) -> Result<Ready, ServeError> {
    let state = AppState::open(config)?;
    let interrupted = fail_unfinished_jobs(&state).await?;
    if interrupted > 0 {
        tracing::warn!(
            jobs = interrupted,
            "marked jobs of an earlier server as failed"
        );
    }
    Ok(Ready(state))
}

/// Mark every queued or running job failed: at start, those of an earlier server; at stop, this one's.
async fn fail_unfinished_jobs(state: &AppState) -> Result<usize, ServeError> {
    state
        .write(|s| Ok(s.fail_unfinished_jobs("the server stopped before the job finished", now())?))
        .await
        .map_err(|e| ServeError::Startup(e.detail))
}

impl Ready {
    /// Serve on `listener` until `shutdown` completes, then finish the requests in flight. Jobs
    /// still queued or running are marked failed (a client polling them learns why); the caller
    /// should not wait for their threads (`Runtime::shutdown_timeout`).
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let state = self.0.clone();
        let c = state.config();
        let limits = connections::Limits {
            header_timeout: c.header_timeout,
            body_timeout: c.body_timeout,
            idle_timeout: c.idle_timeout,
            max_connections: c.max_connections,
        };
        delivery::spawn(&state);
        connections::serve(listener, app(self.0), limits, shutdown).await;
        let stopped = fail_unfinished_jobs(&state).await?;
        if stopped > 0 {
            tracing::warn!(
                jobs = stopped,
                "stopped with jobs unfinished; marked failed"
            );
        }
        Ok(())
    }
}

/// Why the server could not start or keep serving.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] earshot_store::StoreError),
    /// Another process holds the database exclusively (an `earshot import` started first).
    #[error("another process holds {} exclusively (an `earshot import` started before the server?); start the server first and imports run beside it, or wait for that process to finish", .0.display())]
    Busy(std::path::PathBuf),
    #[error("{0}")]
    Startup(String),
}
