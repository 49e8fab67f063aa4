//! The API's request decoders, fuzzed through the real router: a server's whole application
//! (`earshot_server::app`) over a real database file in the scratch directory, called in process with
//! an admin key. The first byte picks the route and the rest is the body (or the query); every answer
//! must be a well-formed HTTP response, and a 500 (the server failing on what a client sent) counts as
//! a crash, as a panic does.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use earshot_app::keys::{create_key, Scope};
use earshot_server::state::AppState;
use earshot_server::ServerConfig;
use http_body_util::BodyExt;
use std::path::Path;
use tower::ServiceExt;

/// A router, its runtime and a key, made once per run.
pub struct Harness {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    token: String,
}

impl Harness {
    pub fn new(dir: &Path) -> anyhow::Result<Harness> {
        let db = dir.join("api.db");
        let mut store = earshot_store::Store::open(&db)?;
        let (token, _) = create_key(&mut store, "fuzz", Scope::Admin, 1_000_000, 1_000_000)?;
        drop(store);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        let config = ServerConfig::new(db);
        let router = runtime.block_on(async { AppState::open(config).map(earshot_server::app) })?;
        Ok(Harness {
            runtime,
            router,
            token,
        })
    }

    /// Send the request `bytes` describe; panics on a 500.
    pub fn send(&self, bytes: &[u8]) {
        if let Some((status, what)) = self.status(bytes) {
            assert_ne!(
                status,
                StatusCode::INTERNAL_SERVER_ERROR,
                "{what}: 500 on a client's input"
            );
        }
    }

    /// The status the request `bytes` describe gets, with its method and path (`None`: not a request
    /// at all, such as a path that is no URI).
    pub fn status(&self, bytes: &[u8]) -> Option<(StatusCode, String)> {
        let (route, rest) = match bytes.split_first() {
            Some((&b, rest)) => (b % ROUTES.len() as u8, rest),
            None => (0, bytes),
        };
        let (method, path, content_type) = ROUTES[route as usize];
        let uri = if method == "GET" {
            // The rest is the query (or path tail), made URI-safe by percent-encoding odd bytes.
            format!("{path}{}", escape(rest))
        } else {
            path.to_string()
        };
        let Ok(req) = Request::builder()
            .method(method)
            .uri(uri)
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Content-Type", content_type)
            .body(Body::from(if method == "GET" {
                Vec::new()
            } else {
                rest.to_vec()
            }))
        else {
            return None;
        };
        let router = self.router.clone();
        let status = self.runtime.block_on(async move {
            let resp = router.oneshot(req).await.expect("the router answers");
            let status = resp.status();
            let _ = resp.into_body().collect().await;
            status
        });
        Some((status, format!("{method} {path}")))
    }
}

const ROUTES: &[(&str, &str, &str)] = &[
    ("POST", "/v1/jobs/forecast", "application/json"),
    ("POST", "/v1/jobs/plan", "application/json"),
    ("POST", "/v1/triage/messages", "application/json"),
    ("POST", "/v1/keys", "application/json"),
    ("POST", "/v1/enrich", "application/json"),
    ("POST", "/v1/enrich", "text/csv"),
    ("POST", "/v1/events", "application/x-ndjson"),
    ("GET", "/v1/top?", ""),
    ("GET", "/v1/accounts/synthetic/", ""),
    ("GET", "/v1/triage/queue?", ""),
];

fn escape(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"=&-_.~@".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// Seeds: one valid request per route, as the API documents them.
pub fn seeds() -> Vec<Vec<u8>> {
    let bodies: [&[u8]; 10] = [
        br#"{"account":"@synth_000001","platform":"synthetic","simulations":100}"#,
        br#"{"k":3,"simulations":100,"probabilities":"weighted-cascade"}"#,
        br#"{"messages":[{"channel":"email","author":"@ann","platform":"twitter","text":"my flight is late, help?","received_at":"2026-01-01T10:00:00Z"}]}"#,
        br#"{"name":"crm","scope":"read"}"#,
        br#"{"platform":"synthetic","accounts":["@synth_000001","2"]}"#,
        b"platform,account\ntwitter,@united\n",
        br#"{"type":"account","platform":"twitter","ext_id":"1","handle":"ann"}"#,
        b"limit=5&by=overall&offset=0",
        b"@synth_000001",
        b"channel=email&limit=3",
    ];
    bodies
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let mut v = vec![i as u8];
            v.extend_from_slice(b);
            v
        })
        .collect()
}
