//! What a hostile client cannot do to a real server (issue 19): inflate a compressed body past the
//! limit, send encodings the server cannot read, run several writes from one key at once, hold
//! connections open with silence or trickled headers and bodies, or crowd `/healthz` out; and every
//! HTML page carries the security headers. Raw sockets where the test needs to control the bytes.

mod common;
use common::server::{default_config, make_key, Server};
use earshot_server::ServerConfig;
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// An empty database with a read key and two write keys, served with `configure` applied.
struct Fixture {
    _dir: tempfile::TempDir,
    server: Server,
    read: String,
    write: String,
    other_write: String,
}

fn fixture(configure: impl FnOnce(&mut ServerConfig)) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("limits.db");
    let read = make_key(&db, "read", 1000, 1000);
    let write = make_key(&db, "write", 1000, 1000);
    let other_write = make_key(&db, "write", 1000, 1000);
    let mut config = default_config(&db);
    configure(&mut config);
    Fixture {
        server: Server::start_with(config),
        _dir: dir,
        read,
        write,
        other_write,
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// `n` copies of one account line: JSONL that compresses about a thousandfold.
fn repeated_lines(platform: &str, n: usize) -> Vec<u8> {
    let line = json!({"type": "account", "platform": platform, "ext_id": "1", "handle": "ann"});
    format!("{line}\n").repeat(n).into_bytes()
}

fn accounts_on(server: &Server, platform: &str) -> i64 {
    let conn = rusqlite::Connection::open(&server.db).unwrap();
    conn.query_row(
        "SELECT COUNT(*) FROM accounts WHERE platform = ?1",
        [platform],
        |r| r.get(0),
    )
    .unwrap()
}

/// The first number in `text` after `marker`.
fn number_after(text: &str, marker: &str) -> u64 {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} in {text}"));
    text[at + marker.len()..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("a number after {marker:?} in {text}"))
}

/// A small gzip body that inflates to 64 MiB is refused at 1 MiB, whether it says it is gzip or
/// the server finds the magic bytes, and nothing of it is stored. The server stops reading at the
/// limit: the decompressed bytes it reports having read are the limit plus at most one read buffer,
/// not the 64 MiB.
#[test]
fn a_gzip_body_is_limited_after_decompression() {
    let limit = 1usize << 20;
    let f = fixture(|c| c.max_body_bytes = limit);
    let s = &f.server;
    let line = repeated_lines("bomb", 1).len();
    let plain = repeated_lines("bomb", (64 << 20) / line + 1);
    let inflated = plain.len();
    assert!(inflated > 64 << 20);
    let body = gzip(&plain);
    assert!(body.len() < limit / 4, "{} compressed bytes", body.len());
    for declared in [true, false] {
        let mut req = ureq::http::Request::builder()
            .method("POST")
            .uri(format!("{}/v1/events", s.base))
            .header("Authorization", format!("Bearer {}", f.write))
            .header("Content-Type", "application/x-ndjson");
        if declared {
            req = req.header("Content-Encoding", "gzip");
        }
        let r = s.send(req.body(body.clone()).unwrap());
        let detail = r.problem(413);
        let read = number_after(&detail, "stopped after");
        assert!(
            read as usize > limit && (read as usize) <= limit + (1 << 20),
            "declared {declared}: read {read} of {inflated}: {detail}"
        );
        assert_eq!(accounts_on(s, "bomb"), 0, "declared {declared}");
    }
    // The same lines under the limit are read and stored (one account, written once).
    let small = gzip(&repeated_lines("bomb", 1000));
    let r = s.request(
        "POST",
        "/v1/events",
        Some(&f.write),
        Some(("application/x-ndjson", small)),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["lines"], 1000);
    assert_eq!(accounts_on(s, "bomb"), 1);
    let _ = &f.read;
}

/// Only gzip (or no encoding) is read: any other Content-Encoding is 415 before the body is parsed,
/// rather than its compressed bytes being taken for lines; so is a body compressed twice.
#[test]
fn encodings_other_than_gzip_are_refused() {
    let f = fixture(|_| {});
    let s = &f.server;
    for encoding in ["br", "deflate", "zstd", "gzip, gzip"] {
        let req = ureq::http::Request::builder()
            .method("POST")
            .uri(format!("{}/v1/events", s.base))
            .header("Authorization", format!("Bearer {}", f.write))
            .header("Content-Type", "application/x-ndjson")
            .header("Content-Encoding", encoding)
            .body(gzip(&repeated_lines("enc", 10)))
            .unwrap();
        let detail = s.send(req).problem(415);
        assert!(detail.contains("gzip"), "{encoding}: {detail}");
    }
    // Gzip inside gzip is not decoded twice (the inner layer could inflate unchecked).
    let twice = gzip(&gzip(&repeated_lines("enc", 10)));
    let r = s.request(
        "POST",
        "/v1/events",
        Some(&f.write),
        Some(("application/x-ndjson", twice)),
    );
    assert!(r.problem(415).contains("gzip inside gzip"));
    assert_eq!(accounts_on(s, "enc"), 0);
}

/// More events than one write batch: all are written, and counted once.
#[test]
fn a_body_of_many_batches_is_written_whole() {
    let f = fixture(|_| {});
    let s = &f.server;
    let n = 25_000;
    let body: String = (0..n)
        .map(|i| {
            format!(
                "{}\n",
                json!({"type": "account", "platform": "many", "ext_id": i.to_string()})
            )
        })
        .collect();
    let r = s.request(
        "POST",
        "/v1/events",
        Some(&f.write),
        Some(("application/x-ndjson", body.into_bytes())),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(
        (v["lines"].as_u64(), v["accounts_new"].as_u64()),
        (Some(n), Some(n)),
        "{v}"
    );
    assert_eq!(accounts_on(s, "many"), n as i64);
}

/// A raw HTTP/1.1 connection to the server.
fn connect(s: &Server) -> TcpStream {
    let addr = s.base.trim_start_matches("http://");
    let c = TcpStream::connect(addr).unwrap();
    // A guard against hanging the test, never an assertion: a closed connection reads 0 at once.
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    c
}

/// Read until the server closes the connection; what it sent. Panics if it is still open after the
/// guard timeout.
fn read_until_closed(c: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match c.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!(
                "the connection is still open ({e}); got {:?}",
                String::from_utf8_lossy(&got)
            ),
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

/// Read until `needle` has arrived (the guard timeout panics).
fn read_until(c: &mut TcpStream, needle: &str) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains(needle) {
        let n = c.read(&mut buf).expect("the server answers");
        assert!(
            n > 0,
            "closed before {needle:?}: {:?}",
            String::from_utf8_lossy(&got)
        );
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

/// While one key's write is in progress (its body half sent), a second write from the same key is
/// 429 with Retry-After; another key writes at once; and once the first finishes the key writes again.
#[test]
fn one_key_has_one_write_in_progress_at_a_time() {
    let f = fixture(|c| c.writes_per_key = 1);
    let s = &f.server;
    let line = format!(
        "{}\n",
        json!({"type": "account", "platform": "slow", "ext_id": "1"})
    );
    let mut c = connect(s);
    write!(
        c,
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/x-ndjson\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        f.write,
        line.len()
    )
    .unwrap();
    // 100 Continue: the handler is reading the body, so the write is in progress.
    read_until(&mut c, "100 Continue");
    let one = |key: &str, ext: &str| {
        let body = json!({"type": "account", "platform": "slow", "ext_id": ext}).to_string();
        s.request(
            "POST",
            "/v1/events",
            Some(key),
            Some(("application/x-ndjson", body.into_bytes())),
        )
    };
    let r = one(&f.write, "2");
    r.problem(429);
    assert!(r.retry_after.is_some());
    assert_eq!(one(&f.other_write, "3").status, 200);
    c.write_all(line.as_bytes()).unwrap();
    let answer = read_until(&mut c, "\"status\":\"written\"");
    assert!(answer.contains("HTTP/1.1 200"), "{answer}");
    assert_eq!(one(&f.write, "2").status, 200);
    assert_eq!(accounts_on(s, "slow"), 3);
    let _ = &f.read;
}

/// A connection that sends nothing is closed after the idle timeout, and so is a kept-alive one after
/// its request is answered.
#[test]
fn idle_connections_are_closed() {
    let f = fixture(|c| c.idle_timeout = Duration::from_millis(300));
    let s = &f.server;
    let mut silent = connect(s);
    assert_eq!(read_until_closed(&mut silent), "");
    let mut kept = connect(s);
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let answer = read_until_closed(&mut kept);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// Trickle `bytes` one at a time, `gap` apart, checking between writes whether the server closed the
/// connection or answered; returns how many bytes were sent before it did, and what it sent.
fn trickle(c: &mut TcpStream, bytes: &[u8], gap: Duration) -> (usize, String) {
    c.set_read_timeout(Some(gap)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    for (sent, b) in bytes.iter().enumerate() {
        if c.write_all(std::slice::from_ref(b)).is_err() {
            return (sent, String::from_utf8_lossy(&got).into_owned());
        }
        match c.read(&mut buf) {
            Ok(0) => return (sent + 1, String::from_utf8_lossy(&got).into_owned()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return (sent + 1, String::from_utf8_lossy(&got).into_owned()),
        }
    }
    (bytes.len(), String::from_utf8_lossy(&got).into_owned())
}

/// A header trickled a byte at a time is dropped at the header timeout, long before it is complete,
/// although each byte arrives well within the idle timeout.
#[test]
fn a_trickled_header_is_dropped() {
    let f = fixture(|c| {
        c.header_timeout = Duration::from_millis(500);
        c.idle_timeout = Duration::from_secs(30);
    });
    let s = &f.server;
    let mut c = connect(s);
    let header = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: {}\r\n\r\n",
        "a".repeat(2000)
    );
    let (sent, _) = trickle(&mut c, header.as_bytes(), Duration::from_millis(20));
    assert!(sent < header.len(), "the whole header was accepted");
    // The server itself still answers.
    assert_eq!(s.request("GET", "/healthz", None, None).status, 200);
}

/// A body trickled a byte at a time is cut off at the body timeout with 408, and nothing is stored.
#[test]
fn a_trickled_body_is_cut_off() {
    let f = fixture(|c| {
        c.body_timeout = Duration::from_millis(500);
        c.idle_timeout = Duration::from_secs(30);
    });
    let s = &f.server;
    let body: String = (0..40)
        .map(|i| {
            format!(
                "{}\n",
                json!({"type": "account", "platform": "trickle", "ext_id": i.to_string()})
            )
        })
        .collect();
    let mut c = connect(s);
    write!(
        c,
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/x-ndjson\r\nContent-Length: {}\r\n\r\n",
        f.write,
        body.len()
    )
    .unwrap();
    let (sent, answer) = trickle(&mut c, body.as_bytes(), Duration::from_millis(20));
    assert!(sent < body.len(), "the whole body was accepted: {answer}");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert_eq!(accounts_on(s, "trickle"), 0);
    let _ = &f.read;
}

/// With the connection cap reached by silent connections, `/healthz` still answers: each new
/// connection closes the one idle the longest, so the oldest silent ones are closed and the newest
/// served.
#[test]
fn healthz_answers_beyond_the_connection_cap() {
    let cap = 8;
    let f = fixture(|c| {
        c.max_connections = cap;
        c.idle_timeout = Duration::from_secs(600);
        c.header_timeout = Duration::from_secs(600);
    });
    let s = &f.server;
    let mut silent: Vec<TcpStream> = (0..3 * cap).map(|_| connect(s)).collect();
    let r = s.request("GET", "/healthz", None, None);
    assert_eq!(r.status, 200, "{}", r.body);
    // The earliest 2·cap were closed to make room (the later ones may be too, for /healthz).
    for (i, c) in silent.iter_mut().take(2 * cap).enumerate() {
        assert_eq!(read_until_closed(c), "", "connection {i}");
    }
    let _ = &f.read;
}

/// Every HTML page carries the security headers; JSON answers carry nosniff.
#[test]
fn html_pages_carry_security_headers() {
    let f = fixture(|_| {});
    let s = &f.server;
    let req = ureq::http::Request::builder()
        .uri(format!("{}/docs/", s.base))
        .header("Authorization", format!("Bearer {}", f.read))
        .body(Vec::new())
        .unwrap();
    let (status, headers) = s.send_for_headers(req);
    assert_eq!(status, 200);
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{name} missing: {headers:?}"))
            .to_string()
    };
    assert!(get("content-type").starts_with("text/html"));
    let csp = get("content-security-policy");
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(get("x-content-type-options"), "nosniff");
    assert_eq!(get("x-frame-options"), "DENY");
    assert_eq!(get("referrer-policy"), "no-referrer");
    let req = ureq::http::Request::builder()
        .uri(format!("{}/healthz", s.base))
        .body(Vec::new())
        .unwrap();
    let (_, headers) = s.send_for_headers(req);
    assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
}
