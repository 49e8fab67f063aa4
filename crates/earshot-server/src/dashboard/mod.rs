//! The dashboard `earshot serve` shows at `/`: server-rendered HTML pages over the same handlers and
//! reports as the API, charts drawn as inline SVG, no script, and every asset compiled into the
//! binary, so it works offline and a page is one request.
//!
//! Why server-rendered: the pages show what the API already computes, each in one round trip, and
//! need no build step, no JavaScript toolchain in CI and nothing a Content-Security-Policy must let
//! run. maud writes the HTML: templates are Rust checked at compile time and every value is escaped
//! unless marked otherwise (nothing is). Long work (explanations, forecasts, plans, communities,
//! backtests) runs as
//! the API's background jobs; a job's page reloads itself until the result is in.
//!
//! Access is by the same keys as the API ([`login`]): a key with read scope sees every page and may
//! start jobs, as its bearer requests may; marking a message answered needs write scope.

mod account;
mod analyses;
mod assets;
mod charts;
mod jobs;
mod layout;
mod leaderboard;
mod login;
mod overview;
mod results;
mod triage;

use crate::state::AppState;
use axum::http::{header, HeaderValue};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

/// The Content-Security-Policy of the dashboard's pages: everything from this server, no script, no
/// inline style, no framing.
pub const DASHBOARD_POLICY: &str = "default-src 'self'; script-src 'none'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// The dashboard's routes: the login and assets open to all, every page behind a session.
pub(crate) fn router(state: AppState) -> Router<AppState> {
    let pages = Router::new()
        .route("/", get(overview::show))
        .route("/leaderboard", get(leaderboard::show))
        .route("/account", get(account::find))
        .route("/accounts/{platform}/{account}", get(account::show))
        .route(
            "/accounts/{platform}/{account}/explanation",
            post(account::explain),
        )
        .route(
            "/accounts/{platform}/{account}/forecast",
            post(account::forecast),
        )
        .route("/plan", get(jobs::planner).post(jobs::start))
        .route("/jobs/{id}", get(jobs::show))
        .route("/triage", get(triage::show))
        .route("/triage/{id}/answered", post(triage::answered))
        .route(
            "/communities",
            get(analyses::communities).post(analyses::start_communities),
        )
        .route(
            "/backtest",
            get(analyses::backtest).post(analyses::start_backtest),
        )
        .route("/logout", post(login::logout))
        .route_layer(from_fn_with_state(state, login::signed_in));
    Router::new()
        .route("/login", get(login::show).post(login::submit))
        .route("/assets/{file}", get(assets::serve))
        .merge(pages)
        .layer(from_fn(dashboard_policy))
}

/// The layer that lets `/docs` be opened by a bearer key or a dashboard session.
pub(crate) use login::bearer_or_session;

/// Pages get [`DASHBOARD_POLICY`] rather than the looser one the Swagger page needs.
async fn dashboard_policy(req: axum::extract::Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if html {
        resp.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DASHBOARD_POLICY),
        );
    }
    resp
}
