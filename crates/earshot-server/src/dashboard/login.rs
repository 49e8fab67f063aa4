//! Signing in to the dashboard: the login form takes an API key, checks it as a bearer request would
//! be checked, and sets a session cookie (`HttpOnly`: no script can read it; `Secure`: browsers send it
//! over HTTPS and to loopback only; `SameSite=Strict`: no other site's page can make the browser send
//! it, which with the origin check on every POST keeps other sites from acting as the user). The
//! [`signed_in`] layer admits each page's request through the same key cache and rate limit as the
//! API, and sends a browser without a live session to the login with the page it wanted.

use super::layout::{bare_page, encode, error_page};
use crate::auth::{admit, hash_token, new_token};
use crate::problem::ApiError;
use crate::sessions::SESSION_LIFETIME;
use crate::state::AppState;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;

/// The cookie that holds the session id.
pub(crate) const COOKIE: &str = "earshot_session";

/// The login form's query: the page to go back to.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LoginQuery {
    pub next: Option<String>,
}

/// Where to go after signing in: a path on this server only (never `//host` or a full URL).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/",
    }
}

fn form(next: &str, problem: Option<&str>) -> maud::Markup {
    bare_page(
        "Sign in",
        html! {
            p { "Sign in with an API key. Keys are made with "
                code { "earshot keys create --name NAME --scope read" }
                "; a read key shows every page, a write key can also mark messages answered." }
            @if let Some(p) = problem {
                p class="error" role="alert" id="login-problem" { (p) }
            }
            form class="login" method="post" action="/login" {
                input type="hidden" name="next" value=(next);
                label for="key" { "API key" }
                @if problem.is_some() {
                    input id="key" name="key" type="password" required autocomplete="current-password"
                        aria-describedby="login-problem" aria-invalid="true";
                } @else {
                    input id="key" name="key" type="password" required autocomplete="current-password";
                }
                button type="submit" { "Sign in" }
            }
        },
    )
}

/// `GET /login`
pub(crate) async fn show(Query(q): Query<LoginQuery>) -> Response {
    no_store(form(safe_next(q.next.as_deref()), None).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    key: String,
    next: Option<String>,
}

/// `POST /login`: a good key gets a session and goes where it was going; a bad one sees the form
/// again with the reason.
pub(crate) async fn submit(State(state): State<AppState>, Form(f): Form<LoginForm>) -> Response {
    let next = safe_next(f.next.as_deref()).to_string();
    let key_hash = hash_token(f.key.trim());
    match admit(&state, &key_hash).await {
        Ok(_) => {
            let session = new_token();
            state.sessions().insert(session.hash, key_hash);
            let cookie = format!(
                "{COOKIE}={}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={}",
                session.token,
                SESSION_LIFETIME.as_secs()
            );
            let mut resp = Redirect::to(&next).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().insert(header::SET_COOKIE, v);
            }
            no_store(resp)
        }
        Err(e) => {
            let status = e.status;
            let mut resp = (status, form(&next, Some(&e.detail))).into_response();
            if let Some(secs) = e.retry_after {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            no_store(resp)
        }
    }
}

/// `POST /logout`
pub(crate) async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(id) = session_id(&headers) {
        state.sessions().remove(&hash_token(id));
    }
    let mut resp = Redirect::to("/login").into_response();
    let clear = format!("{COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0");
    if let Ok(v) = HeaderValue::from_str(&clear) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

/// The session id the browser sent, if any.
fn session_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
        .filter(|v| !v.is_empty())
}

/// A POST from another site's page. Browsers say where a request comes from in `Sec-Fetch-Site`;
/// without it, an `Origin` naming another host gives it away. (`Origin: null` is what a form under
/// `Referrer-Policy: no-referrer` sends from this very site; the SameSite=Strict cookie already keeps
/// other sites' requests from being signed in.)
fn cross_site(req: &Request) -> bool {
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site != "same-origin" && site != "none";
    }
    match (
        h.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        h.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some("null"), _) | (None, _) => false,
        (Some(origin), Some(host)) => {
            let authority = origin.split_once("://").map_or(origin, |(_, a)| a);
            authority != host
        }
        (Some(_), None) => true,
    }
}

/// Route layer of the dashboard's pages: admit the session's key, or send the browser to sign in.
pub(crate) async fn signed_in(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD && cross_site(&req) {
        return error_page(&ApiError::new(
            StatusCode::FORBIDDEN,
            "this form was sent from another site; open the dashboard and try again",
        ));
    }
    let to_login = |req: &Request| {
        let wanted = req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string();
        let target = if req.method() == Method::GET {
            format!("/login?next={}", encode(&wanted))
        } else {
            "/login".to_string()
        };
        no_store(Redirect::to(&target).into_response())
    };
    let Some(id) = session_id(req.headers()) else {
        return to_login(&req);
    };
    let id_hash = hash_token(id);
    let Some(key_hash) = state.sessions().key_of(&id_hash) else {
        return to_login(&req);
    };
    match admit(&state, &key_hash).await {
        Ok(caller) => {
            req.extensions_mut().insert(caller.clone());
            let mut resp = no_store(next.run(req).await);
            resp.extensions_mut().insert(caller);
            resp
        }
        Err(e) if e.status == StatusCode::UNAUTHORIZED => {
            // The key was revoked: the session goes with it.
            state.sessions().remove(&id_hash);
            to_login(&req)
        }
        Err(e) => error_page(&e),
    }
}

/// Layer of `/docs` and `/openapi.json` (unless served with `--public-docs`): a bearer key as for the
/// API, or a dashboard session, so that the dashboard's link to the reference opens. Both are only
/// read (GET), so the cookie lets no other site act.
pub(crate) async fn bearer_or_session(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let has_bearer = req.headers().contains_key(header::AUTHORIZATION);
    let session = session_id(req.headers()).map(hash_token);
    let key_hash = session.and_then(|id| state.sessions().key_of(&id));
    match key_hash {
        Some(key_hash) if !has_bearer && req.method() == Method::GET => {
            match admit(&state, &key_hash).await {
                Ok(caller) => {
                    req.extensions_mut().insert(caller);
                    next.run(req).await
                }
                Err(e) => e.into_response(),
            }
        }
        _ => match crate::auth::authenticate(State(state), req, next).await {
            Ok(r) => r,
            Err(e) => e.into_response(),
        },
    }
}

/// Pages show private data: no cache keeps them.
fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_server() {
        assert_eq!(
            safe_next(Some("/leaderboard?by=reach")),
            "/leaderboard?by=reach"
        );
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; earshot_session=es_abc; b=2"),
        );
        assert_eq!(session_id(&h), Some("es_abc"));
        let mut empty = HeaderMap::new();
        empty.insert(header::COOKIE, HeaderValue::from_static("earshot_session="));
        assert_eq!(session_id(&empty), None);
    }
}
