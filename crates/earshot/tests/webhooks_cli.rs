//! Watch alerts delivered to a real HTTP receiver on loopback: every delivery's signature checked
//! with the secret (HMAC-SHA256 computed here), the receiver killed and restarted mid-way, and one
//! answer lost, over 1,000 alerts: every alert arrives, the repeat is told by its idempotency key,
//! and the store ends with every delivery done and none pending or dead. A receiver that never comes
//! back fills the dead-letter list, which `watch requeue` empties.

mod common;
use common::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ALERTS: usize = 1_000;
const SECRET: &str = "a-shared-secret-of-some-length";

/// A database of `ALERTS` accounts, two score runs in which every account's score rises by 10
/// points, a webhook at `url`, and a score_change watch of 5 points on each account: evaluating run
/// 2 raises one alert per account, each with a pending delivery.
fn watched_db(dir: &Path, db: &Path, url: &str) {
    watched_db_to(dir, db, &[url]);
}

/// [`watched_db`] with a webhook at each of `urls`, added in that order.
fn watched_db_to(dir: &Path, db: &Path, urls: &[&str]) {
    let edges = dir.join("edges.txt");
    let text: String = (1..=ALERTS).map(|i| format!("{i} 0\n")).collect();
    std::fs::write(&edges, text).unwrap();
    let out = earshot(
        db,
        &["-q", "import", "--format", "snap", edges.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut store = earshot_store::Store::open(db).unwrap();
    let platform = store.platforms().unwrap().remove(0);
    let ids: Vec<i64> = (1..=ALERTS)
        .map(|i| {
            store
                .account_id(&platform, &i.to_string())
                .unwrap()
                .unwrap()
        })
        .collect();
    for (n, overall) in [(1, 10.0), (2, 20.0)] {
        let run = earshot_store::ScoreRun {
            id: 0,
            created_at: n,
            model_version: "m".into(),
            model_json: "{}".into(),
            window_from: None,
            window_to: None,
            last_event: None,
            platform: None,
            accounts: ALERTS as u64,
            interactions: ALERTS as u64,
            weights: [0.2; 5],
        };
        let rows: Vec<earshot_store::ScoreRow> = ids
            .iter()
            .map(|&account| earshot_store::ScoreRow {
                account,
                overall,
                raw: [0.0; 5],
                pct: [0.5; 5],
                askers: 0,
                askers_answered: 0,
                authenticity: None,
                expected: None,
            })
            .collect();
        store.save_score_run(&run, &rows).unwrap();
    }
    drop(store);
    for url in urls {
        let (code, hook) = earshot_json(db, &["watch", "webhook", "add", url, "--secret", SECRET]);
        assert_eq!(code, 0, "{hook}");
    }
    let accounts: Vec<String> = (1..=ALERTS).map(|i| format!("{platform}:{i}")).collect();
    let mut args = vec!["watch", "add", "--rule", "score-change", "--points", "5"];
    args.extend(accounts.iter().map(String::as_str));
    let (code, added) = earshot_json(db, &args);
    assert_eq!(
        (code, added["added"].as_u64()),
        (0, Some(ALERTS as u64)),
        "{added}"
    );
    let (code, eval) = earshot_json(db, &["watch", "evaluate", "--run", "2"]);
    assert_eq!(
        (code, eval["alerts"].as_u64()),
        (0, Some(ALERTS as u64)),
        "{eval}"
    );
}

/// One request read off a connection: its headers (lower-case names) and body; `None` at EOF.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(HashMap<String, String>, Vec<u8>)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut headers = HashMap::new();
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':')?;
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    let len: usize = headers.get("content-length")?.parse().ok()?;
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some((headers, body))
}

/// Whether `header` (`t=..,v1=..`) is the HMAC-SHA256 of `"t." + body` under `SECRET`.
fn signed(header: &str, body: &[u8]) -> bool {
    let Some((t, v1)) = header
        .split_once(',')
        .and_then(|(t, v)| Some((t.strip_prefix("t=")?, v.strip_prefix("v1=")?)))
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    hex == v1
}

#[derive(Default)]
struct Received {
    /// Idempotency key → deliveries of it.
    keys: HashMap<String, usize>,
    bad_signatures: usize,
    /// The key whose answer the receiver dropped (it closed without answering).
    unanswered: Option<String>,
}

/// Serve on `listener` until `stop` says so. After `kill_after` requests the receiver reads one more,
/// closes without answering it (the answer is lost), goes away for `down`, and comes back on the
/// same port.
fn receive(
    listener: TcpListener,
    port: u16,
    received: Arc<Mutex<Received>>,
    kill_after: usize,
    down: Duration,
    deadline: Instant,
) {
    let mut listener = Some(listener);
    let mut served = 0;
    let mut killed = false;
    while Instant::now() < deadline {
        let l = match &listener {
            Some(l) => l,
            None => {
                std::thread::sleep(down);
                listener = Some(TcpListener::bind(("127.0.0.1", port)).unwrap());
                continue;
            }
        };
        l.set_nonblocking(true).unwrap();
        let stream = match l.accept() {
            Ok((s, _)) => s,
            Err(_) => {
                std::thread::sleep(Duration::from_millis(2));
                if received.lock().unwrap().keys.len() == ALERTS {
                    return;
                }
                continue;
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        while let Some((headers, body)) = read_request(&mut reader) {
            let key = headers.get("idempotency-key").cloned().unwrap_or_default();
            let mut r = received.lock().unwrap();
            if !headers
                .get("earshot-signature")
                .is_some_and(|s| signed(s, &body))
            {
                r.bad_signatures += 1;
            }
            let payload: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(payload["key"], key.as_str(), "the key is the payload's");
            *r.keys.entry(key.clone()).or_default() += 1;
            served += 1;
            if served == kill_after + 1 && !killed {
                // Killed mid-request: taken, never answered.
                killed = true;
                r.unanswered = Some(key);
                drop(r);
                listener = None;
                break;
            }
            drop(r);
            if writer
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .is_err()
            {
                break;
            }
        }
    }
}

#[test]
fn a_thousand_alerts_reach_a_receiver_that_dies_and_comes_back_once_each_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    watched_db(
        dir.path(),
        &db,
        &format!("http://127.0.0.1:{port}/hooks/earshot"),
    );

    let received = Arc::new(Mutex::new(Received::default()));
    let deadline = Instant::now() + Duration::from_secs(120);
    let r = received.clone();
    let receiver = std::thread::spawn(move || {
        receive(listener, port, r, 300, Duration::from_millis(400), deadline)
    });
    let (code, out) = earshot_json(
        &db,
        &[
            "watch",
            "deliver",
            "--wait",
            "100",
            "--retry-base-ms",
            "20",
            "--max-attempts",
            "30",
            "--timeout",
            "5",
        ],
    );
    receiver.join().unwrap();
    assert_eq!(code, 0, "{out}");
    let r = received.lock().unwrap();
    assert_eq!(r.bad_signatures, 0);
    assert_eq!(r.keys.len(), ALERTS, "every alert arrived");
    let unanswered = r
        .unanswered
        .clone()
        .expect("the receiver was killed mid-request");
    for (key, n) in &r.keys {
        let want = if *key == unanswered { 2 } else { 1 };
        assert_eq!(*n, want, "{key}: delivered {n} times");
    }
    assert_eq!(
        (
            out["delivered"].as_u64(),
            out["pending"].as_u64(),
            out["dead"].as_u64()
        ),
        (Some(ALERTS as u64), Some(0), Some(0)),
        "{out}"
    );
    assert!(
        out["pass"]["retrying"].as_u64().unwrap() >= 1,
        "the outage was retried: {out}"
    );
}

#[test]
fn a_receiver_that_never_answers_fills_the_dead_letter_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    // A port with nothing behind it: bound, then let go.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    watched_db(dir.path(), &db, &format!("http://127.0.0.1:{port}/"));
    let (code, out) = earshot_json(
        &db,
        &[
            "watch",
            "deliver",
            "--wait",
            "30",
            "--retry-base-ms",
            "5",
            "--max-attempts",
            "2",
            "--timeout",
            "1",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        (out["dead"].as_u64(), out["pending"].as_u64()),
        (Some(ALERTS as u64), Some(0)),
        "{out}"
    );
    assert_eq!(
        out["pass"]["attempted"].as_u64(),
        Some(2 * ALERTS as u64),
        "two attempts each"
    );
    let (code, dead) = earshot_json(&db, &["watch", "dead", "--limit", "5"]);
    assert_eq!(code, 0);
    assert_eq!(dead.as_array().unwrap().len(), 5);
    assert_eq!(dead[0]["attempts"], 2);
    assert!(
        dead[0]["last_error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "{dead}"
    );
    let out = earshot(&db, &["watch", "requeue"]);
    assert!(out.status.success());
    let (_, again) = earshot_json(&db, &["watch", "deliver"]);
    assert_eq!(
        again["pass"]["attempted"].as_u64(),
        Some(ALERTS as u64),
        "requeued: {again}"
    );
    assert_eq!(again["pending"].as_u64(), Some(ALERTS as u64), "{again}");
}

/// Alerts delivered once each (no retries) to a receiver on loopback whose every connection
/// `serve` answers, at `scheme://127.0.0.1:<port>/hook`: the deliver report and the first dead
/// letter's error.
fn deliver_once(scheme: &str, serve: fn(TcpStream)) -> (serde_json::Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || listener.incoming().flatten().for_each(serve));
    watched_db(
        dir.path(),
        &db,
        &format!("{scheme}://127.0.0.1:{port}/hook"),
    );
    let (code, out) = earshot_json(
        &db,
        &["watch", "deliver", "--max-attempts", "1", "--timeout", "5"],
    );
    assert_eq!(code, 0, "{out}");
    let (_, dead) = earshot_json(&db, &["watch", "dead", "--limit", "1"]);
    let error = dead[0]["last_error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (out, error)
}

/// Answers every request with a redirect, to a path that would answer 200 to a bodiless GET.
fn redirect(stream: TcpStream) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    while read_request(&mut reader).is_some() {
        let answer = b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n";
        if writer.write_all(answer).is_err() {
            break;
        }
    }
}

#[test]
fn a_redirect_is_not_followed_so_an_alert_is_never_counted_delivered_without_arriving() {
    let (out, error) = deliver_once("http", redirect);
    assert_eq!(
        (out["delivered"].as_u64(), out["dead"].as_u64()),
        (Some(0), Some(ALERTS as u64)),
        "{out}"
    );
    assert!(
        error.contains("302") && error.contains("redirects are not followed"),
        "{error}"
    );
}

/// An https webhook is spoken to in TLS (the client is built with rustls): against a receiver that
/// is not a TLS server the handshake fails, rather than the client refusing https outright.
#[test]
fn an_https_webhook_is_attempted_over_tls() {
    let (out, error) = deliver_once("https", drop);
    assert_eq!(out["dead"].as_u64(), Some(ALERTS as u64), "{out}");
    assert!(
        !error.is_empty() && !error.contains("TLS required"),
        "{error}"
    );
}

/// Answers every request on `stream` with 200; the first request any connection brings waits, before
/// its answer, until `release` is told (or 60 s pass).
fn hold_first_then_answer(
    stream: TcpStream,
    first: Arc<Mutex<bool>>,
    release: Arc<Mutex<std::sync::mpsc::Receiver<()>>>,
) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    while read_request(&mut reader).is_some() {
        let hold = std::mem::replace(&mut *first.lock().unwrap(), false);
        if hold {
            let _ = release
                .lock()
                .unwrap()
                .recv_timeout(Duration::from_secs(60));
        }
        if writer
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            .is_err()
        {
            break;
        }
    }
}

/// Two webhooks: the first holds its first delivery unanswered until the second receives one. Sent
/// one after the other, the held delivery would time out (the second is only tried after it); sent
/// per webhook at once, the second's arrival releases it, and every delivery is done on its first
/// attempt.
#[test]
fn a_receiver_that_hangs_does_not_hold_up_the_other_webhooks() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let release_rx = Arc::new(Mutex::new(release_rx));
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
    let held_port = held.local_addr().unwrap().port();
    let first = Arc::new(Mutex::new(true));
    std::thread::spawn(move || {
        for stream in held.incoming().flatten() {
            let (first, release) = (first.clone(), release_rx.clone());
            std::thread::spawn(move || hold_first_then_answer(stream, first, release));
        }
    });
    let quick = TcpListener::bind("127.0.0.1:0").unwrap();
    let quick_port = quick.local_addr().unwrap().port();
    let release_tx = Arc::new(Mutex::new(release_tx));
    std::thread::spawn(move || {
        for stream in quick.incoming().flatten() {
            let release = release_tx.clone();
            std::thread::spawn(move || {
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                while read_request(&mut reader).is_some() {
                    let _ = release.lock().unwrap().send(());
                    if writer
                        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
    });
    watched_db_to(
        dir.path(),
        &db,
        &[
            &format!("http://127.0.0.1:{held_port}/hook"),
            &format!("http://127.0.0.1:{quick_port}/hook"),
        ],
    );
    let (code, out) = earshot_json(
        &db,
        &["watch", "deliver", "--max-attempts", "1", "--timeout", "10"],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        (
            out["delivered"].as_u64(),
            out["dead"].as_u64(),
            out["pending"].as_u64()
        ),
        (Some(2 * ALERTS as u64), Some(0), Some(0)),
        "{out}"
    );
}
