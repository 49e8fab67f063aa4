//! A real server on an ephemeral loopback port over a real SQLite file, started in this process with
//! [`earshot_server::start`] (what `earshot serve` runs) on a background thread, and a small HTTP
//! client for it.
#![allow(dead_code)]

use earshot_server::auth::Scope;
use earshot_server::start::{run_announcing, Start};
use earshot_server::ServerConfig;
use earshot_store::Store;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

/// A server running on a background thread of this process.
pub struct Server {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub db: PathBuf,
    agent: ureq::Agent,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<anyhow::Result<()>>>,
}

/// One response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub retry_after: Option<String>,
    pub allow: Option<String>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Assert an RFC 9457 problem with this status, and return its detail.
    pub fn problem(&self, status: u16) -> String {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(
            self.content_type, "application/problem+json",
            "{}",
            self.body
        );
        let v = self.json();
        assert_eq!(v["status"], status, "{v}");
        assert!(v["title"].is_string() && v["type"].is_string(), "{v}");
        v["detail"].as_str().expect("a detail").to_string()
    }
}

/// The configuration `earshot serve` starts with by default, on `db`: its flags' defaults.
pub fn default_config(db: &Path) -> ServerConfig {
    ServerConfig::new(db.to_path_buf())
}

impl Server {
    /// Start the server on `db` with the default configuration; waits until it announces its address.
    pub fn start(db: &Path) -> Server {
        Server::start_with(default_config(db))
    }

    /// Start the server with `config` on 127.0.0.1:0; waits until it announces its address (panics,
    /// with the reason, when it cannot start).
    pub fn start_with(config: ServerConfig) -> Server {
        let db = config.db.clone();
        let start = Start {
            listen: "127.0.0.1:0".parse().unwrap(),
            // Two workers, as on the two-core machines the tests run on.
            workers: Some(2),
            quiet: true,
            server: config,
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            run_announcing(
                start,
                async move {
                    let _ = stopped.await;
                },
                move |addr| {
                    let _ = tx.send(addr);
                    Ok(())
                },
            )
        });
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => addr,
            Err(_) => match thread.join() {
                Ok(Err(e)) => panic!("the server did not start: {e:#}"),
                other => panic!("the server did not announce its address: {other:?}"),
            },
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Server {
            base: format!("http://{addr}"),
            db,
            agent,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Any request. `body` is `(content type, bytes)`.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> Reply {
        let mut b = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(t) = token {
            b = b.header("Authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some((ct, bytes)) => b.header("Content-Type", ct).body(bytes),
            None => b.body(Vec::new()),
        }
        .expect("a request");
        self.send(req)
    }

    /// Send a request built by the caller (for headers `request` does not set).
    pub fn send(&self, req: ureq::http::Request<Vec<u8>>) -> Reply {
        let mut resp = self.agent.run(req).expect("the server answers");
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type").unwrap_or_default();
        let retry_after = header("retry-after");
        let allow = header("allow");
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .unwrap_or_default();
        Reply {
            status,
            content_type,
            retry_after,
            allow,
            body,
        }
    }

    /// A dashboard page as a session signed in with `key` through the login form sees it.
    pub fn dashboard_page(&self, key: &str, path: &str) -> Reply {
        let login = ureq::http::Request::builder()
            .method("POST")
            .uri(format!("{}/login", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("key={key}&next=%2F").into_bytes())
            .expect("a request");
        let no_redirects: ureq::Agent = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .build()
            .into();
        let answer = no_redirects.run(login).expect("the server answers");
        assert_eq!(answer.status(), 303, "signing in redirects");
        let session = answer.headers()["set-cookie"]
            .to_str()
            .expect("a cookie")
            .split(';')
            .next()
            .unwrap_or_default()
            .to_string();
        let page = ureq::http::Request::builder()
            .uri(format!("{}{path}", self.base))
            .header("Cookie", session)
            .body(Vec::new())
            .expect("a request");
        self.send(page)
    }

    /// Send a request and return the status and every header of the answer.
    pub fn send_for_headers(
        &self,
        req: ureq::http::Request<Vec<u8>>,
    ) -> (u16, ureq::http::HeaderMap) {
        let resp = self.agent.run(req).expect("the server answers");
        (resp.status().as_u16(), resp.headers().clone())
    }

    pub fn get(&self, path: &str, token: &str) -> Reply {
        self.request("GET", path, Some(token), None)
    }

    pub fn post_json(&self, path: &str, token: &str, body: &serde_json::Value) -> Reply {
        self.request(
            "POST",
            path,
            Some(token),
            Some(("application/json", body.to_string().into_bytes())),
        )
    }

    /// Stop the way Ctrl-C or SIGTERM stops `earshot serve` (its shutdown future completes) and wait:
    /// the graceful path. What the start-up function returned.
    pub fn stop(mut self) -> anyhow::Result<()> {
        self.stop_and_join()
    }

    fn stop_and_join(&mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take() {
            Some(t) => t.join().expect("the server thread does not panic"),
            None => Ok(()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.stop_and_join();
    }
}

/// Make a key as `earshot keys create --name test-SCOPE --scope SCOPE --rate RATE --burst BURST`
/// does, and return its token.
pub fn make_key(db: &Path, scope: &str, rate: u32, burst: u32) -> String {
    let scope_of = match scope {
        "read" => Scope::Read,
        "write" => Scope::Write,
        "admin" => Scope::Admin,
        other => panic!("no scope {other}"),
    };
    let mut store = Store::open(db).expect("the database opens");
    let (token, _id) = earshot_server::routes::keys::create_key(
        &mut store,
        &format!("test-{scope}"),
        scope_of,
        rate,
        burst,
    )
    .expect("the key is stored");
    token
}
