//! The dashboard against a real server on loopback (the browser tests in `tests/browser` drive the
//! same pages in Chromium): pages need a session, the login sets a cookie no script can read, a key's
//! scope and revocation hold for its sessions, other sites cannot post, names from the data are
//! escaped, and the pages show what the API answers.

mod common;
use common::server::{make_key, Server};
use common::*;
use serde_json::json;
use std::time::Duration;

struct Fixture {
    _dir: tempfile::TempDir,
    server: Server,
    read: String,
    write: String,
    admin: String,
    agent: ureq::Agent,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("dash.db");
    generated_db(dir.path(), &db, 11);
    score(&db, None);
    let read = make_key(&db, "read", 1000, 1000);
    let write = make_key(&db, "write", 1000, 1000);
    let admin = make_key(&db, "admin", 1000, 1000);
    let server = Server::start(&db);
    // A browser's view: redirects are answers to look at, not to follow.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into();
    Fixture {
        _dir: dir,
        server,
        read,
        write,
        admin,
        agent,
    }
}

struct Page {
    status: u16,
    location: Option<String>,
    set_cookie: Option<String>,
    content_type: String,
    csp: String,
    body: String,
}

impl Fixture {
    fn call(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        form: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Page {
        let mut b = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.server.base));
        if let Some(c) = cookie {
            b = b.header("Cookie", format!("earshot_session={c}"));
        }
        if form.is_some() {
            b = b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        let req = b
            .body(form.unwrap_or("").as_bytes().to_vec())
            .expect("a request");
        let mut resp = self.agent.run(req).expect("the server answers");
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (location, set_cookie) = (header("location"), header("set-cookie"));
        let content_type = header("content-type").unwrap_or_default();
        let csp = header("content-security-policy").unwrap_or_default();
        Page {
            status: resp.status().as_u16(),
            location,
            set_cookie,
            content_type,
            csp,
            body: resp.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    /// Sign in with `key`; the session id.
    fn sign_in(&self, key: &str) -> String {
        let p = self.call(
            "POST",
            "/login",
            None,
            Some(&format!("key={key}&next=%2Ftriage")),
            &[],
        );
        assert_eq!(p.status, 303, "{}", p.body);
        assert_eq!(p.location.as_deref(), Some("/triage"));
        let cookie = p.set_cookie.expect("a session cookie");
        cookie
            .split(';')
            .next()
            .and_then(|c| c.strip_prefix("earshot_session="))
            .expect("the session cookie")
            .to_string()
    }
}

#[test]
fn pages_without_a_session_go_to_the_login_and_a_key_signs_in() {
    let f = fixture();
    for (path, next) in [
        ("/", "%2F"),
        ("/leaderboard?by=reach", "%2Fleaderboard%3Fby%3Dreach"),
        ("/triage", "%2Ftriage"),
        ("/plan", "%2Fplan"),
    ] {
        let p = f.call("GET", path, None, None, &[]);
        assert_eq!(p.status, 303, "{path}");
        assert_eq!(
            p.location.as_deref(),
            Some(format!("/login?next={next}").as_str())
        );
    }
    // A session id nobody issued is no session.
    let p = f.call("GET", "/", Some("es_forged"), None, &[]);
    assert_eq!(p.status, 303);

    let login = f.call("GET", "/login", None, None, &[]);
    assert_eq!(login.status, 200);
    assert!(login.content_type.starts_with("text/html"));
    assert!(login.body.contains("type=\"password\""));

    // A wrong key: the form again, with the reason, and no cookie.
    let bad = f.call("POST", "/login", None, Some("key=es_nope&next=%2F"), &[]);
    assert_eq!(bad.status, 401);
    assert!(bad.set_cookie.is_none());
    assert!(
        bad.body.contains("not known or has been revoked"),
        "{}",
        bad.body
    );

    // A good key: a cookie scripts cannot read, sent only to this site.
    let ok = f.call(
        "POST",
        "/login",
        None,
        Some(&format!("key={}&next=%2F%2Fevil.example", f.read)),
        &[],
    );
    assert_eq!(ok.status, 303);
    assert_eq!(
        ok.location.as_deref(),
        Some("/"),
        "next stays on this server"
    );
    let cookie = ok.set_cookie.unwrap();
    for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    let session = f.sign_in(&f.read);
    let home = f.call("GET", "/", Some(&session), None, &[]);
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.content_type.starts_with("text/html"));
    assert!(home.csp.contains("script-src 'none'"), "{}", home.csp);
    assert!(home.body.contains("Score distribution"));
    // The overview's counts are `earshot stats`' counts, without its slow breakdowns.
    let store = earshot_store::Store::open_existing(&f.server.db).unwrap();
    let (ov, st) = (store.overview().unwrap(), store.stats(0).unwrap());
    assert_eq!(
        (
            ov.accounts,
            ov.posts,
            ov.interactions,
            ov.first_time,
            ov.last_time
        ),
        (
            st.accounts,
            st.posts,
            st.interactions,
            st.first_time,
            st.last_time
        )
    );
    assert!(home
        .body
        .contains(&format!("<span class=\"big\">{}</span>", ov.accounts)));

    // The footer's link to the API reference opens with the session as with a bearer key.
    assert_eq!(f.call("GET", "/openapi.json", None, None, &[]).status, 401);
    let doc = f.call("GET", "/openapi.json", Some(&session), None, &[]);
    assert_eq!(doc.status, 200);
    assert!(doc.body.contains("\"openapi\""));

    // Signing out ends the session.
    let out = f.call("POST", "/logout", Some(&session), None, &[]);
    assert_eq!(out.status, 303);
    assert_eq!(f.call("GET", "/", Some(&session), None, &[]).status, 303);
}

#[test]
fn a_revoked_key_ends_its_sessions() {
    let f = fixture();
    let session = f.sign_in(&f.write);
    assert_eq!(
        f.call("GET", "/plan", Some(&session), None, &[]).status,
        200
    );
    let keys = f.server.get("/v1/keys", &f.admin).json();
    let id = keys["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["scopes"][0] == "write")
        .map(|k| k["id"].as_i64().unwrap())
        .expect("the write key is listed");
    let r = f
        .server
        .request("DELETE", &format!("/v1/keys/{id}"), Some(&f.admin), None);
    assert_eq!(r.status, 204, "{}", r.body);
    let p = f.call("GET", "/plan", Some(&session), None, &[]);
    assert_eq!(p.status, 303, "a revoked key's session goes to the login");
}

#[test]
fn marking_answered_needs_write_scope_and_this_site() {
    let f = fixture();
    let body = json!({"messages": [
        {"id": "m1", "channel": "web", "platform": "synthetic", "author": "nobody_known",
         "text": "<script>alert('x')</script> where is my refund?"}
    ]});
    let r = f.server.post_json("/v1/triage/messages", &f.write, &body);
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.json()["items"][0]["message_id"].as_i64().unwrap();
    let unanswered = |f: &Fixture| {
        f.server.get("/v1/triage/queue", &f.read).json()["unanswered"]
            .as_u64()
            .unwrap()
    };

    // The inbox shows the message, escaped.
    let reader = f.sign_in(&f.read);
    let inbox = f.call("GET", "/triage", Some(&reader), None, &[]);
    assert_eq!(inbox.status, 200);
    assert!(inbox.body.contains("&lt;script&gt;alert"), "escaped text");
    assert!(!inbox.body.contains("<script>alert"));
    assert!(
        !inbox.body.contains("/answered"),
        "a read key gets no Answered button"
    );
    let path = format!("/triage/{id}/answered");
    let p = f.call("POST", &path, Some(&reader), Some("back=%2Ftriage"), &[]);
    assert_eq!(p.status, 403, "{}", p.body);
    assert_eq!(unanswered(&f), 1);

    let writer = f.sign_in(&f.write);
    // Another site's page cannot make the browser act.
    for header in [
        ("Sec-Fetch-Site", "cross-site"),
        ("Origin", "http://evil.example"),
    ] {
        let p = f.call(
            "POST",
            &path,
            Some(&writer),
            Some("back=%2Ftriage"),
            &[header],
        );
        assert_eq!(p.status, 403, "{header:?}");
    }
    assert_eq!(unanswered(&f), 1);
    let p = f.call(
        "POST",
        &path,
        Some(&writer),
        Some("back=%2Ftriage"),
        &[("Sec-Fetch-Site", "same-origin"), ("Origin", "null")],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(p.location.as_deref(), Some("/triage"));
    assert_eq!(unanswered(&f), 0, "answered leaves the queue");
}

#[test]
fn the_leaderboard_and_account_pages_show_what_the_api_answers() {
    let f = fixture();
    // A display name that is markup, on the best account.
    let top = f.server.get("/v1/top?limit=2", &f.read).json();
    let best = &top["items"][0];
    let platform_id = best["platform_id"].as_str().unwrap();
    let event = json!({"type": "account", "platform": "synthetic", "ext_id": platform_id,
        "display_name": "<img src=x onerror=alert(1)>"});
    let r = f.server.request(
        "POST",
        "/v1/events",
        Some(&f.write),
        Some(("application/x-ndjson", format!("{event}\n").into_bytes())),
    );
    assert_eq!(r.status, 200, "{}", r.body);

    let s = f.sign_in(&f.read);
    let board = f.call("GET", "/leaderboard", Some(&s), None, &[]);
    assert_eq!(board.status, 200);
    let first_score = board
        .body
        .split("data-score=\"")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .expect("a ranked row");
    assert_eq!(
        first_score,
        format!("{:.1}", best["score"].as_f64().unwrap()),
        "the first row is the API's top account"
    );
    // Sorted by a component, the column says so; an unknown sort falls back to the overall score.
    let by_reach = f.call("GET", "/leaderboard?by=reach", Some(&s), None, &[]);
    assert!(by_reach.body.contains("aria-sort=\"descending\">reach"));
    let bad = f.call(
        "GET",
        "/leaderboard?min_authenticity=lots",
        Some(&s),
        None,
        &[],
    );
    assert_eq!(bad.status, 400);
    assert!(bad.content_type.starts_with("text/html"));

    let account = f.call(
        "GET",
        &format!("/accounts/synthetic/{platform_id}"),
        Some(&s),
        None,
        &[],
    );
    assert_eq!(account.status, 200, "{}", account.body);
    assert!(account.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!account.body.contains("<img src=x"));
    assert!(account.body.contains(&format!(
        "id=\"account-score\">{:.1}<",
        best["score"].as_f64().unwrap()
    )));
    let missing = f.call(
        "GET",
        "/accounts/synthetic/no-such-account",
        Some(&s),
        None,
        &[],
    );
    assert_eq!(missing.status, 404);
    assert!(missing.content_type.starts_with("text/html"));
}
