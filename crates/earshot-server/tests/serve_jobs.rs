//! The server's engine end to end: explanations, forecast jobs and plan jobs from a real server over a
//! real database, each checked against what the command line prints with `--json` for the same
//! parameters (the report of the use case its command runs, with the request its flags make).

mod common;
use common::server::{make_key, Server};
use common::*;
use earshot_app::error::FieldStyle;
use earshot_app::forecast::{forecast_account, ForecastRequest, Learning};
use earshot_app::plan::{PlanRequest, Probabilities};
use earshot_store::Store;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A scored synthetic database and a read key.
struct Fixture {
    dir: tempfile::TempDir,
    db: PathBuf,
    server: Server,
    key: String,
    /// A write key (triage), made with the read key before the server starts.
    write_key: String,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("jobs.db");
    generated_db(dir.path(), &db, 3);
    score(&db, None);
    let key = make_key(&db, "read", 1000, 1000);
    let write_key = make_key(&db, "write", 1000, 1000);
    let server = Server::start(&db);
    Fixture {
        dir,
        db,
        server,
        key,
        write_key,
    }
}

/// `report` as `--json` prints it (`print_json`) and a reader parses it back: the text round trip is
/// part of what the command line gives (a float read back may differ in its last bit from the one
/// written, as with the job results the server stores as text).
fn printed(report: &impl serde::Serialize) -> Value {
    let text = serde_json::to_value(report).unwrap().to_string();
    serde_json::from_str(&text).unwrap()
}

/// What `earshot --json explain ACCOUNT --platform PLATFORM --evidence N` prints on the fixture's
/// database.
fn cli_explain(f: &Fixture, platform: &str, account: &str, evidence: usize) -> Value {
    let store = Store::open_existing(&f.db).unwrap();
    let id = earshot_app::accounts::resolve(&store, account, Some(platform)).unwrap();
    let x = earshot_app::explain::explain_account(&store, id, account, None, evidence, &|_| {})
        .unwrap();
    printed(&x.report(&store).unwrap())
}

/// The best account of the latest run: (platform, ext_id).
fn best_account(f: &Fixture) -> (String, String) {
    let top = f.server.get("/v1/top?limit=1", &f.key);
    assert_eq!(top.status, 200, "{}", top.body);
    let item = &top.json()["items"][0];
    (
        item["platform"].as_str().unwrap().to_string(),
        item["ext_id"].as_str().unwrap().to_string(),
    )
}

/// Poll a job until it is done or failed (at most a minute), returning it and every progress seen.
fn wait(f: &Fixture, id: i64) -> (Value, Vec<f64>) {
    let started = Instant::now();
    let mut seen = Vec::new();
    loop {
        let r = f.server.get(&format!("/v1/jobs/{id}"), &f.key);
        assert_eq!(r.status, 200, "{}", r.body);
        let job = r.json();
        let p = job["progress"].as_f64().expect("progress is a number");
        assert!((0.0..=1.0).contains(&p), "{job}");
        seen.push(p);
        match job["status"].as_str().unwrap() {
            "done" | "failed" => return (job, seen),
            "queued" | "running" => {}
            other => panic!("unknown status {other}: {job}"),
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "job {id} unfinished after a minute: {job}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// POST a job, expect 202, and wait for it.
fn run_job(f: &Fixture, path: &str, body: &Value) -> (Value, Vec<f64>) {
    let r = f.server.post_json(path, &f.key, body);
    assert_eq!(r.status, 202, "{}", r.body);
    let job = r.json();
    assert!(matches!(
        job["status"].as_str().unwrap(),
        "queued" | "running"
    ));
    for (k, v) in body.as_object().unwrap() {
        assert_eq!(job["params"][k], *v, "the job keeps its parameters: {job}");
    }
    wait(f, job["id"].as_i64().unwrap())
}

/// What `earshot --json forecast ACCOUNT --platform PLATFORM EXTRA...` prints on the fixture's
/// database: the command's request (its flags' defaults), which `extra` changes as its flags would.
fn cli_forecast(
    f: &Fixture,
    platform: &str,
    account: &str,
    extra: impl FnOnce(&mut ForecastRequest),
) -> Value {
    let mut req = ForecastRequest {
        account: account.to_string(),
        platform: Some(platform.to_string()),
        until: None,
        reach: Vec::new(),
        simulations: 10_000,
        seed: 1,
        threads: 0,
        learning: Learning {
            burst_gap: 3600,
            shrinkage: 5.0,
            prior_strength: 20.0,
            recent_posts: 0,
            crowd_recent: 0,
            since: None,
            history_only: false,
            em: false,
        },
    };
    extra(&mut req);
    let store = Store::open_existing(&f.db).unwrap();
    let out = forecast_account(&store, &req, &|_, _| {}).unwrap();
    printed(&out.report())
}

/// `--until VALUE` as the command reads it.
fn given_until(value: &str) -> Option<earshot_app::time::GivenInstant> {
    earshot_app::time::parse_given("--until", &Some(value.to_string())).unwrap()
}

/// Assert that a plan job's `result` is `earshot --json plan --k 2 --seed 5 EXTRA...`'s output, but
/// for the time taken, and without what would tell a client about the server: its database path and
/// its memory. `extra` changes the command's request as its further flags would.
fn assert_same_plan(f: &Fixture, result: &Value, extra: impl FnOnce(&mut PlanRequest)) {
    // The command's request: its flags' defaults, naming the database and reporting its memory.
    let mut req = PlanRequest {
        seed: 5,
        report_memory: true,
        stored_label: None,
        fields: FieldStyle::Flags,
        ..PlanRequest::new(2)
    };
    extra(&mut req);
    let db = f.db.display().to_string();
    let text = result.to_string();
    assert!(
        !text.contains(&db) && !text.contains("peak_rss_kib"),
        "{text}"
    );
    let report = earshot_app::plan::plan(&f.db, &req, &|_| {}, &|_, _| {}).unwrap();
    let mut from_cli = printed(&report);
    assert!(from_cli.to_string().contains(&db), "the CLI names its file");
    let graph = from_cli["graph"]
        .as_str()
        .unwrap()
        .replace(&db, "the stored interactions");
    from_cli["graph"] = graph.into();
    let comparable = |v: &Value| {
        let mut v = v.clone();
        let o = v.as_object_mut().unwrap();
        o.retain(|k, _| k != "seconds" && !k.ends_with("peak_rss_kib"));
        v
    };
    assert_eq!(
        comparable(result),
        comparable(&from_cli),
        "the API's plan is the command's"
    );
}

#[test]
fn explanation_is_the_cli_explanation() {
    let f = fixture();
    let s = &f.server;
    let (platform, ext) = best_account(&f);
    let r = s.get(
        &format!("/v1/accounts/{platform}/{ext}/explanation?evidence=3"),
        &f.key,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let mut api = r.json();
    let mut cli_out = cli_explain(&f, &platform, &ext, 3);
    assert_eq!(api["reproduced"], true, "{api}");
    assert_eq!(api["components"].as_array().unwrap().len(), 5, "{api}");
    assert!(api["evidence"]["reactors"].as_array().unwrap().len() <= 3);
    // The account is named as each was asked; everything else is the same computation.
    assert_eq!(cli_out["account"], ext.as_str());
    assert!(api["account"].is_string(), "{api}");
    api.as_object_mut().unwrap().remove("account");
    cli_out.as_object_mut().unwrap().remove("account");
    assert_eq!(api, cli_out);

    // The run asked for is the one explained; one the database does not have is a 404.
    let run = api["run"].as_i64().unwrap();
    let again = s.get(
        &format!("/v1/accounts/{platform}/{ext}/explanation?evidence=3&run={run}"),
        &f.key,
    );
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json()["overall"], api["overall"]);
    let d = s
        .get(
            &format!("/v1/accounts/{platform}/{ext}/explanation?run=999"),
            &f.key,
        )
        .problem(404);
    assert!(d.contains("999"), "{d}");
    // Unknown accounts and platforms are 404 problems naming what was asked.
    let d = s
        .get(
            &format!("/v1/accounts/{platform}/nobody-here/explanation"),
            &f.key,
        )
        .problem(404);
    assert!(d.contains("nobody-here"), "{d}");
    s.get(&format!("/v1/accounts/elsewhere/{ext}/explanation"), &f.key)
        .problem(404);
    s.get(
        &format!("/v1/accounts/{platform}/{ext}/explanation?evidence=101"),
        &f.key,
    )
    .problem(400);
}

#[test]
fn forecast_job_is_the_cli_forecast() {
    let f = fixture();
    let (platform, ext) = best_account(&f);
    let body = json!({"platform": platform, "account": ext, "simulations": 3000, "seed": 7,
                      "reach": [2, 5]});
    let (job, seen) = run_job(&f, "/v1/jobs/forecast", &body);
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["kind"], "forecast");
    assert_eq!(job["progress"], 1.0, "{job}");
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "progress never falls: {seen:?}"
    );
    // The last report names the last phase, not just "finished".
    assert_eq!(job["message"], "simulating cascades", "{job}");
    let result = &job["result"];
    // --simulations 3000 --seed 7 --reach 2 --reach 5
    let expected = cli_forecast(&f, &platform, &ext, |r| {
        r.simulations = 3000;
        r.seed = 7;
        r.reach = vec![2, 5];
    });
    assert_eq!(*result, expected, "the same seed gives the same forecast");
    assert_eq!(result["simulations"], 3000);
    assert_eq!(result["probability_at_least"][1]["n"], 5);

    // Another seed gives another sample; the same seed again, the same result.
    let (other, _) = run_job(
        &f,
        "/v1/jobs/forecast",
        &json!({"platform": platform, "account": ext, "simulations": 3000, "seed": 8}),
    );
    assert_eq!(other["status"], "done", "{other}");
    let (same, _) = run_job(&f, "/v1/jobs/forecast", &body);
    assert_eq!(same["result"], *result);

    // Learning only from before a date: `until` reaches the command as --until.
    let (until, _) = run_job(
        &f,
        "/v1/jobs/forecast",
        &json!({"platform": platform, "account": ext, "simulations": 500, "until": "2100-01-01"}),
    );
    assert_eq!(until["status"], "done", "{until}");
    // --simulations 500 --until 2100-01-01
    let expected = cli_forecast(&f, &platform, &ext, |r| {
        r.simulations = 500;
        r.until = given_until("2100-01-01");
    });
    assert_eq!(until["result"], expected);
    assert!(until["result"]["learned"]["until"].is_i64());
}

#[test]
fn forecast_parameters_the_database_cannot_serve_are_422() {
    let f = fixture();
    let s = &f.server;
    let (platform, ext) = best_account(&f);
    let d = s
        .post_json(
            "/v1/jobs/forecast",
            &f.key,
            &json!({"platform": platform, "account": "nobody-here"}),
        )
        .problem(422);
    assert!(d.contains("no account \"nobody-here\""), "{d}");
    let d = s
        .post_json(
            "/v1/jobs/forecast",
            &f.key,
            &json!({"platform": "elsewhere", "account": ext}),
        )
        .problem(422);
    assert!(d.contains("elsewhere"), "{d}");
    let d = s
        .post_json(
            "/v1/jobs/forecast",
            &f.key,
            &json!({"platform": platform, "account": ext, "until": "next tuesday"}),
        )
        .problem(422);
    assert!(d.contains("until") && d.contains("next tuesday"), "{d}");
    assert!(
        !d.contains("--"),
        "the API's field, not the CLI's flag: {d}"
    );
    s.post_json(
        "/v1/jobs/forecast",
        &f.key,
        &json!({"platform": platform, "account": ext, "simulations": 10}),
    )
    .problem(422);
    // Nothing to learn from before `until` passes the quick check and fails the job, with the reason.
    let (job, _) = run_job(
        &f,
        "/v1/jobs/forecast",
        &json!({"platform": platform, "account": ext, "until": "1971-01-01"}),
    );
    assert_eq!(job["status"], "failed", "{job}");
    let error = job["error"].as_str().unwrap();
    assert!(
        error.contains("nothing to learn a forecast from"),
        "{error}"
    );
    assert!(job.get("result").is_none(), "{job}");
    // Nothing was queued for the rejected requests.
    let jobs = s.get("/v1/jobs", &f.key).json();
    assert_eq!(jobs["items"].as_array().unwrap().len(), 1, "{jobs}");
}

#[test]
fn plan_job_is_the_cli_plan() {
    let f = fixture();
    let body = json!({"k": 2, "seed": 5, "probabilities": "weighted_cascade"});
    let (job, seen) = run_job(&f, "/v1/jobs/plan", &body);
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["kind"], "plan");
    assert_eq!(job["progress"], 1.0);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    let result = job["result"].clone();
    let seeds = result["seeds"].as_array().unwrap();
    assert_eq!(seeds.len(), 2, "{result}");
    // --probabilities weighted-cascade
    assert_same_plan(&f, &result, |r| {
        r.probabilities = Probabilities::WeightedCascade
    });
    assert!(result["monte_carlo"]["mean"].as_f64().unwrap() >= 2.0);

    // Learned probabilities (the default) and an exclusion: the first seed may not be chosen, as with
    // the command's --exclude file.
    let first = seeds[0]["id"].as_str().unwrap().to_string();
    let body = json!({"k": 2, "seed": 5, "exclude": [first]});
    let (job, _) = run_job(&f, "/v1/jobs/plan", &body);
    assert_eq!(job["status"], "done", "{job}");
    let list = f.dir.path().join("exclude.txt");
    std::fs::write(&list, format!("{first}\n")).unwrap();
    // --exclude exclude.txt
    assert_same_plan(&f, &job["result"], |r| r.exclude = Some(list.clone()));
    let chosen: Vec<&str> = job["result"]["seeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(chosen.len(), 2);
    assert!(!chosen.contains(&first.as_str()), "{chosen:?}");

    // An audience named in the request is the command's --audience file: the same plan.
    let audience: Vec<String> = seeds
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    let body = json!({"k": 2, "seed": 5, "audience": audience});
    let (job, _) = run_job(&f, "/v1/jobs/plan", &body);
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["result"]["audience"], 2, "{job}");
    let list = f.dir.path().join("audience.txt");
    std::fs::write(&list, audience.join("\n") + "\n").unwrap();
    assert_same_plan(&f, &job["result"], |r| r.audience = Some(list.clone()));
}

#[test]
fn bad_plans_are_rejected_with_problems() {
    let f = fixture();
    let s = &f.server;
    let post = |body: Value| s.post_json("/v1/jobs/plan", &f.key, &body);
    assert!(post(json!({"k": 0})).problem(422).contains("k"));
    assert!(post(json!({"k": 501})).problem(422).contains("k"));
    assert!(post(json!({"k": 2, "epsilon": 1.5}))
        .problem(422)
        .contains("epsilon"));
    assert!(post(json!({"k": 2, "epsilon": 1.0}))
        .problem(422)
        .contains("epsilon"));
    assert!(post(json!({"k": 2, "epsilon": 0.01}))
        .problem(422)
        .contains("epsilon"));
    let d = post(json!({"k": 2, "audience_topic": "no-such-topic"})).problem(422);
    assert!(d.contains("no-such-topic"), "{d}");
    assert!(
        d.contains("`audience_topic`") && !d.contains("--topic "),
        "the API's field, not the CLI's flag: {d}"
    );
    let d = post(json!({"k": 2, "exclude": ["nobody-here"]})).problem(422);
    assert!(d.contains("exclude[0]") && d.contains("nobody-here"), "{d}");
    post(json!({"k": 2, "audience_community": 0})).problem(422);
    let d = post(json!({"k": 2, "audience_community": 1, "audience": ["x"]})).problem(422);
    assert!(d.contains("one of"), "{d}");
    let d = post(json!({"k": 2, "audience": ["nobody-here"]})).problem(422);
    assert!(
        d.contains("audience[0]") && d.contains("nobody-here"),
        "{d}"
    );
    let r = post(json!({"k": 2, "colour": "blue"}));
    assert!((400..500).contains(&r.status), "{}", r.body);
    r.problem(r.status);
    assert_eq!(
        s.get("/v1/jobs", &f.key).json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0,
        "nothing was queued"
    );
    // A community the graph does not have is only known once the communities are found: the job
    // fails, saying so.
    let (job, _) = run_job(
        &f,
        "/v1/jobs/plan",
        &json!({"k": 2, "audience_community": 999}),
    );
    assert_eq!(job["status"], "failed", "{job}");
    let error = job["error"].as_str().unwrap();
    assert!(error.contains("no community 999"), "{error}");
}

/// Jobs report progress from the worker threads of their parallel work, while triage decides its
/// batches in parallel too: neither may wait on the other. Once a progress report blocked on the
/// database writer that a triage request held while waiting for those same workers, and every write
/// stopped. Here writes keep being answered while forecasts run, and a stop does not wait for them.
#[test]
fn writes_are_answered_while_jobs_run_and_a_stop_does_not_wait_for_them() {
    let f = fixture();
    let s = &f.server;
    let (platform, ext) = best_account(&f);
    let mut jobs = Vec::new();
    for seed in 0..3 {
        let r = s.post_json(
            "/v1/jobs/forecast",
            &f.key,
            &json!({"platform": platform, "account": ext, "simulations": 100000, "seed": seed}),
        );
        assert_eq!(r.status, 202, "{}", r.body);
        jobs.push(r.json()["id"].as_i64().unwrap());
    }
    for round in 0..20 {
        let messages: Vec<Value> = (0..200)
            .map(|i| {
                json!({"id": format!("r{round}m{i}"), "channel": "email", "author": format!("customer{i}"),
                       "text": "My order never arrived, where is my refund?"})
            })
            .collect();
        // The harness gives up on a request after two minutes: a deadlock fails here, not hangs.
        let r = s.post_json(
            "/v1/triage/messages",
            &f.write_key,
            &json!({ "messages": messages }),
        );
        assert_eq!(r.status, 200, "round {round}: {}", r.body);
        assert_eq!(r.json()["new"], 200);
    }
    let queue = s.get("/v1/triage/queue?limit=1", &f.key).json();
    assert!(queue["unanswered"].as_u64() >= Some(4000), "{queue}");

    // Stop while forecasts are still queued or running: they are marked failed, with the reason.
    let f_db = f.db.clone();
    let Fixture { server, dir, .. } = f;
    server.stop().expect("a graceful stop");
    let conn = rusqlite::Connection::open(&f_db).unwrap();
    for id in jobs {
        let (state, error): (String, Option<String>) = conn
            .query_row("SELECT status, error FROM jobs WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert!(
            state == "done"
                || (state == "failed"
                    && error
                        .as_deref()
                        .is_some_and(|e| e.contains("server stopped"))),
            "job {id}: {state} {error:?}"
        );
    }
    drop(dir);
}

/// The id a key has in the database, found by its token's hash.
fn key_id(db: &std::path::Path, token: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    let hash = earshot_server::auth::hash_token(token);
    conn.query_row(
        "SELECT id FROM api_keys WHERE hash = ?1",
        [hash.as_slice()],
        |r| r.get(0),
    )
    .unwrap()
}

/// A key made while the server runs, once the server knows it (it reloads its keys on an unknown
/// token at most ten times a second).
fn known_key(s: &Server, scope: &str) -> String {
    let token = make_key(&s.db, scope, 1000, 1000);
    for _ in 0..100 {
        if s.get("/v1/jobs?limit=1", &token).status != 401 {
            return token;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the server never knew the new {scope} key");
}

/// A job belongs to the key that started it: another key gets 404 for it and does not see it listed
/// (its parameters name an account and an audience a client may not want shown); an admin key sees
/// every job.
#[test]
fn jobs_belong_to_the_key_that_started_them() {
    let f = fixture();
    let s = &f.server;
    let (platform, ext) = best_account(&f);
    let other = known_key(s, "read");
    let admin = known_key(s, "admin");
    let r = s.post_json(
        "/v1/jobs/forecast",
        &f.key,
        &json!({"platform": platform, "account": ext, "simulations": 100}),
    );
    assert_eq!(r.status, 202, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let path = format!("/v1/jobs/{id}");
    assert_eq!(s.get(&path, &f.key).status, 200);
    let detail = s.get(&path, &other).problem(404);
    assert!(detail.contains(&id.to_string()), "{detail}");
    let listed = |key: &str| -> Vec<i64> {
        let r = s.get("/v1/jobs?limit=1000", key);
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(listed(&f.key), vec![id]);
    assert!(listed(&other).is_empty());
    // The other key's own job is its own.
    let r = s.post_json(
        "/v1/jobs/forecast",
        &other,
        &json!({"platform": platform, "account": ext, "simulations": 100}),
    );
    assert_eq!(r.status, 202, "{}", r.body);
    let theirs = r.json()["id"].as_i64().unwrap();
    assert_eq!(listed(&other), vec![theirs]);
    assert_eq!(listed(&f.key), vec![id]);
    s.get(&format!("/v1/jobs/{theirs}"), &f.key).problem(404);
    assert_eq!(listed(&admin), vec![theirs, id]);
    assert_eq!(s.get(&path, &admin).status, 200);
    wait(&f, id);
}

/// One key cannot fill the queue: with its share of waiting jobs taken it gets 429 with Retry-After,
/// while another key still gets its job queued.
#[test]
fn each_key_has_a_share_of_the_job_queue() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("share.db");
    generated_db(dir.path(), &db, 3);
    score(&db, None);
    let greedy = make_key(&db, "read", 1000, 1000);
    let other = make_key(&db, "read", 1000, 1000);
    let mut config = common::server::default_config(&db);
    config.jobs_per_key = 3;
    let server = Server::start_with(config);
    let top = server.get("/v1/top?limit=1", &greedy).json();
    let (platform, ext) = (
        top["items"][0]["platform"].as_str().unwrap().to_string(),
        top["items"][0]["ext_id"].as_str().unwrap().to_string(),
    );
    // Three of the greedy key's jobs wait (queued as the server queues them, never started).
    let conn = rusqlite::Connection::open(&db).unwrap();
    let greedy_id = key_id(&db, &greedy);
    for i in 0..3 {
        conn.execute(
            "INSERT INTO jobs (kind, status, params, key_id, created_at) VALUES ('plan', 'queued', '{}', ?1, ?2)",
            rusqlite::params![greedy_id, i],
        )
        .unwrap();
    }
    let body = json!({"platform": platform, "account": ext, "simulations": 100});
    let r = server.post_json("/v1/jobs/forecast", &greedy, &body);
    let detail = r.problem(429);
    assert!(r.retry_after.is_some());
    assert!(detail.contains('3'), "{detail}");
    let r = server.post_json("/v1/jobs/forecast", &other, &body);
    assert_eq!(r.status, 202, "{}", r.body);
    // Once the greedy key's jobs are finished, it may queue again.
    conn.execute(
        "UPDATE jobs SET status = 'failed' WHERE key_id = ?1",
        [greedy_id],
    )
    .unwrap();
    let r = server.post_json("/v1/jobs/forecast", &greedy, &body);
    assert_eq!(r.status, 202, "{}", r.body);
}
