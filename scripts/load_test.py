#!/usr/bin/env python3
"""Mixed load on a live `earshot serve` at its measured capacity, and a backup taken during it (issue 19).

    scripts/load_test.py [--earshot target/release/earshot] [--work DIR] [--scale 15] [--seconds 60]

What it does, in order:

1. **Database.** `earshot gen --scale S --edge-factor 16 --seed 5`, `earshot import`, `earshot score
   --to END` (END: one second after the generated data's last event): a synthetic database with one
   complete score run (scale 15: 32,768 accounts, 524,288 interactions, about 125 MB). With `--work
   DIR` the scored database is kept there and copied fresh for each run. Both score runs name their
   window's end: `explain --run R` recomputes a run from the events inside its stored window, and a
   run scored without `--to` stores an open window, so events written after it (the load's) would
   enter its recomputation and the check in step 6 could not hold on the original or the backup.
2. **Server and keys.** `earshot keys create` makes read keys (readers; jobs), a write key and an admin
   key, all with a rate limit far above what the test sends (`--rate/--burst 100000`, the most a key
   may have), so that the limiter is not what is measured. `earshot serve` starts on a free loopback port with its defaults.
3. **Capacity** (`--capacity-seconds`, 12): closed loop, concurrency stepped 1, 2, 4, 8, 16, 32 for
   equal slices. Each reader sends account lookups (`GET /v1/accounts/synthetic/{id}` of scored
   accounts, random) and every tenth request a `GET /v1/top?limit=20`. Capacity is the best step's
   requests a second; the knee is the smallest concurrency whose throughput is within 5% of it.
4. **Mixed phase** (`--seconds`, 60), everything at once from t = 0:
   - readers: a **closed loop at the knee's concurrency**, the same mix as step 3. A closed loop at the
     knee holds the server at its capacity while the rest competes for the same 2 cores; an open loop
     paced at 100% of a capacity measured without the writes, jobs and score run would only queue
     without bound, and the errors would then measure the client's timeout, not the server;
   - event writes: one writer, one request at a time (1 in progress, under `--writes-per-key` 2),
     `POST /v1/events` with batches of `--batch` (20) new interactions between new accounts of a
     platform of their own, `load` (a CRM's platform beside the scored one), so the data the plan
     jobs read stays the same and their memory can be compared from job to job; the writes still go
     through the same writer, tables and indexes. Times rise by one second per interaction from just after the data's last event, in commit order (one
     writer): a score run reading the file between two commits can never miss an event inside its
     window that commits later, so the original's events stay the events the run saw;
   - plan jobs: `POST /v1/jobs/plan {"k": 10, "epsilon": 0.2, "platform": "synthetic"}` polled every
     0.5 s to `done`, then the next one, back to back for the whole phase (at least one; a `failed` job is an error). A job's
     working set is a few hundred MiB for a few seconds, so the memory check is only meaningful if
     the first 10 s hold whole jobs and the rest repeats them: with the default ε (0.1) one job takes
     10-22 s under this load, and whether its peak fell before or after t = 10 s decided the check.
     At ε = 0.2 a job takes a few seconds under load, and the check asks whether a dozen more of the
     same job grow the server's peak;
   - an admin client: `GET /v1/jobs` (every job, as admin) and `/healthz` once a second;
   - a score run: `earshot --db DB score --to END` as a child process from t = `--score-at` (5 s), on
     the same file while the server runs and writes; a non-zero exit is an error;
   - a backup: `earshot --db DB backup FILE` once the score run has finished (or at t = 45 s at the
     latest), while reads, writes and jobs go on.
   Every response that is not 2xx, and every connection error or timeout, is an error, counted by route.
5. **Memory.** The server's VmRSS (and RssAnon, RssFile) from /proc every 10 ms: a plan job's peak
   lasts tens of milliseconds (measured alone, eight identical jobs in a row peaked at 156-158 MiB
   sampled every 5 ms, and anywhere from 133 to 156 MiB sampled every 50 ms), so a coarser look
   compares chance, not memory. Peak in the mixed phase's first 10 s, peak after, growth = after /
   first − 1. Its CPU time is read from /proc too, since the client (this script) shares the same 2
   cores.
6. **Backup checks**, after the server has stopped:
   - `PRAGMA integrity_check` of the backup is `ok`;
   - its last complete run R is the newest `done` row of its score log, and it is also the newest
     row of `score_runs` (a run that had not completed when the backup began is not in it);
   - the backup reproduces run R: every row of `score_runs`, `scores`, `topic_scores`,
     `score_topics` and `score_taxonomies` for run R, every column, equals the original's (exact
     values); `earshot --json top --run R --limit 100` prints the same on both; and `earshot --json
     explain ACCOUNT --run R` for the run's 5 best accounts, which recomputes the score from the run's
     stored model and window over the events in the file, prints the same on both and, on the
     backup, a recomputed score equal to the stored one (`overall` = `stored_overall`): the backup
     holds the events that reproduce the run, not only its results. The original went on receiving
     events after the backup; they all lie after run R's window.
     Re-scoring the backup is not part of the check: a new run would use a new window and the events
     written meanwhile, so it is not expected to equal R.

Exit 0 only when there were 0 errors, RSS growth < 10%, the score run and at least one plan job
finished, the backup was taken, and every backup check passed; the summary says which failed.
Linux only (/proc). Not part of CI or `cargo test`: it takes over a minute and is a measurement.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

PLAN = {"k": 10, "epsilon": 0.2, "platform": "synthetic"}
LOAD_ACCOUNTS = 20_000  # accounts of the written platform
RUN_TABLES = ["score_runs", "scores", "topic_scores", "score_topics", "score_taxonomies"]


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, **kw).stdout.decode()


class Stats:
    """Requests, errors and latencies by route, for one phase."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ok = {}
        self.err = {}
        self.err_kinds = {}
        self.lat = {}

    def add(self, route, status, secs):
        good = isinstance(status, int) and 200 <= status < 300
        with self.lock:
            d = self.ok if good else self.err
            d[route] = d.get(route, 0) + 1
            self.lat.setdefault(route, []).append(secs)
            if not good:
                k = (route, status)
                self.err_kinds[k] = self.err_kinds.get(k, 0) + 1

    def total(self, routes=None):
        with self.lock:
            return sum(v for r, v in self.ok.items() if routes is None or r in routes) + sum(
                v for r, v in self.err.items() if routes is None or r in routes
            )


class Client:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, port, key, stats, timeout=60):
        self.port, self.key, self.stats, self.timeout = port, key, stats, timeout
        self.conn = None

    def request(self, route, method, path, body=None, ctype=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Authorization": "Bearer " + self.key} if self.key else {}
        if ctype:
            headers["Content-Type"] = ctype
        t0 = time.monotonic()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            r = self.conn.getresponse()
            data = r.read()
            status = r.status
        except Exception as e:  # a reset, a timeout, a closed connection: all errors
            status, data = type(e).__name__, b""
            self.conn.close()
            self.conn = None
        self.stats.add(route, status, time.monotonic() - t0)
        return status, data


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile"):
                out[k] = int(v.split()[0]) / 1024
    return out


def proc_cpu_secs(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reader_loop(port, key, paths, stats, stop, seed):
    rng = random.Random(seed)
    c = Client(port, key, stats)
    n = 0
    while not stop.is_set():
        n += 1
        if n % 10 == 0:
            c.request("GET /v1/top", "GET", "/v1/top?limit=20")
        else:
            c.request("GET /v1/accounts/{p}/{a}", "GET", rng.choice(paths))


def run_readers(port, key, paths, stats, conc, secs, seed):
    stop = threading.Event()
    ts = [threading.Thread(target=reader_loop, args=(port, key, paths, stats, stop, seed * 1000 + i)) for i in range(conc)]
    for t in ts:
        t.start()
    time.sleep(secs)
    stop.set()
    for t in ts:
        t.join()


def measure_capacity(port, key, paths, secs):
    steps = [1, 2, 4, 8, 16, 32]
    rows = []
    for i, conc in enumerate(steps):
        st = Stats()
        t0 = time.monotonic()
        run_readers(port, key, paths, st, conc, secs / len(steps), i + 1)
        el = time.monotonic() - t0
        rows.append((conc, st.total() / el, sum(st.err.values())))
        print(f"  capacity: {conc:2d} readers  {rows[-1][1]:8.0f} req/s  errors {rows[-1][2]}", flush=True)
    best = max(r[1] for r in rows)
    knee = next(r for r in rows if r[1] >= 0.95 * best)
    return rows, best, knee[0], sum(r[2] for r in rows)


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def run_rows(db, table, run):
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    col = "id" if table == "score_runs" else "run_id"
    if not c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
        return None
    rows = c.execute(f"SELECT * FROM {table} WHERE {col} = ? ORDER BY 1, 2, 3", (run,)).fetchall()
    cols = [d[0] for d in c.execute(f"SELECT * FROM {table} LIMIT 0").description]
    c.close()
    return cols, sorted(rows, key=repr)


def check_backup(earshot, original, backup):
    """The backup checks of the docstring; returns (name, passed, detail) rows."""
    out = []
    c = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    ic = c.execute("PRAGMA integrity_check").fetchall()
    out.append(("backup integrity_check", ic == [("ok",)], ", ".join(r[0] for r in ic[:3])))
    done = c.execute("SELECT max(run_id) FROM score_log WHERE status = 'done'").fetchone()[0]
    newest = c.execute("SELECT max(id) FROM score_runs").fetchone()[0]
    running = c.execute("SELECT count(*) FROM score_log WHERE status = 'running'").fetchone()[0]
    c.close()
    out.append(("last complete run is the newest run", done is not None and done == newest,
                f"score_log done run {done}, newest score_runs id {newest}, score_log rows running: {running}"))
    if done is None:
        return out, None
    for t in RUN_TABLES:
        a, b = run_rows(original, t, done), run_rows(backup, t, done)
        n = len(a[1]) if a else 0
        out.append((f"{t} rows of run {done} equal", a == b, f"{n} rows"))
    top_cmd = ["--json", "top", "--run", str(done), "--limit", "100"]
    top_o = sh([earshot, "--quiet", "--db", original] + top_cmd)
    top_b = sh([earshot, "--quiet", "--db", backup] + top_cmd)
    out.append((f"`top --run {done} --limit 100` equal", top_o == top_b, f"{len(json.loads(top_o)['top'])} accounts"))
    same = exact = 0
    best = json.loads(top_o)["top"][:5]
    for acc in best:
        ex = ["--json", "explain", acc["platform_id"], "--platform", acc["platform"], "--run", str(done)]
        on_backup = sh([earshot, "--quiet", "--db", backup] + ex)
        same += sh([earshot, "--quiet", "--db", original] + ex) == on_backup
        e = json.loads(on_backup)
        exact += e["overall"] == e["stored_overall"]
    out.append((f"`explain --run {done}` equal (best {len(best)})", same == len(best) and same > 0, f"{same}/{len(best)} equal"))
    out.append((f"`explain` on the backup recomputes run {done}'s stored score", exact == len(best) and exact > 0,
                f"{exact}/{len(best)} exactly"))
    return out, done


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--earshot", default="target/release/earshot")
    ap.add_argument("--work", help="keep the generated, scored database here between runs")
    ap.add_argument("--scale", type=int, default=15)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--capacity-seconds", type=float, default=12)
    ap.add_argument("--batch", type=int, default=20, help="interactions per events request")
    ap.add_argument("--score-at", type=float, default=5)
    ap.add_argument("--backup-by", type=float, default=45)
    a = ap.parse_args()
    earshot = os.path.realpath(a.earshot)
    tmp = tempfile.mkdtemp(prefix="earshot-load-")
    work = a.work or tmp
    os.makedirs(work, exist_ok=True)
    scored = os.path.join(work, f"scored-s{a.scale}-to.db")
    print(f"== machine: {os.cpu_count()} cores, {os.uname().sysname} {os.uname().release}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load {open('/proc/loadavg').read().split()[:3]}")
    if not os.path.exists(scored):
        gen = os.path.join(tmp, "gen.jsonl.gz")
        part = scored + ".partial"
        for p in (part, part + "-wal", part + "-shm"):
            if os.path.exists(p):
                os.remove(p)
        print(f"== earshot gen --scale {a.scale} --edge-factor 16 --seed 5; import; score", flush=True)
        sh([earshot, "--quiet", "gen", "--scale", str(a.scale), "--edge-factor", "16", "--seed", "5", "--out", gen])
        sh([earshot, "--quiet", "--db", part, "import", gen])
        end = json.loads(sh([earshot, "--quiet", "--db", part, "--json", "stats"]))["last_time"] + 1
        sh([earshot, "--quiet", "--db", part, "score", "--to", str(end)])
        src = sqlite3.connect(part)
        src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        src.close()
        # The database is its file and its event log folder: they move together.
        if os.path.isdir(part + ".events"):
            shutil.rmtree(scored + ".events", ignore_errors=True)
            os.rename(part + ".events", scored + ".events")
        os.rename(part, scored)
        for p in (part + "-wal", part + "-shm"):
            if os.path.exists(p):
                os.remove(p)
    db = os.path.join(tmp, "load.db")
    backup = os.path.join(tmp, "backup.db")
    shutil.copy(scored, db)
    shutil.rmtree(db + ".events", ignore_errors=True)
    if os.path.isdir(scored + ".events"):
        shutil.copytree(scored + ".events", db + ".events")
    stats = json.loads(sh([earshot, "--quiet", "--db", db, "--json", "stats"]))
    c = sqlite3.connect(db)
    n_acc = c.execute("SELECT count(*) FROM accounts").fetchone()[0]
    n_int = stats["interactions"]
    run0, window_to = c.execute("SELECT id, window_to FROM score_runs ORDER BY id DESC LIMIT 1").fetchone()
    scored_ids = [r[0] for r in c.execute(
        "SELECT a.ext_id FROM scores s JOIN accounts a ON a.id = s.account WHERE s.run_id = ? AND a.platform = 'synthetic'",
        (run0,))]
    last_time = stats["last_time"]
    c.close()
    db_mb = os.path.getsize(db) / 1e6
    print(f"database: {n_acc} accounts, {n_int} interactions, {len(scored_ids)} scored in run {run0}; {db_mb:.0f} MB")
    paths = [f"/v1/accounts/synthetic/{urllib.parse.quote(x)}" for x in scored_ids]

    def key(name, scope):
        return sh([earshot, "--quiet", "--db", db, "keys", "create", "--name", name, "--scope", scope,
                   "--rate", "100000", "--burst", "100000"]).strip()

    k_read, k_jobs, k_write, k_admin = key("load-read", "read"), key("load-jobs", "read"), key("load-write", "write"), key("load-admin", "admin")
    log = open(os.path.join(tmp, "server.log"), "w")
    srv = subprocess.Popen([earshot, "--db", db, "serve", "--listen", "127.0.0.1:0", "--log-format", "text"],
                           stdout=subprocess.PIPE, stderr=log, env=dict(os.environ, RUST_LOG="warn"))
    line = srv.stdout.readline().decode()
    if "listening on" not in line:
        print("error: the server did not start", file=sys.stderr)
        return 1
    port = int(line.strip().rsplit(":", 1)[1])
    pid = srv.pid
    samples = []  # (phase, t, VmRSS, RssAnon, RssFile) in MiB, t from the phase's start
    phase = {"name": "start", "t0": time.monotonic()}
    stop_sampler = threading.Event()

    def sampler():
        while not stop_sampler.is_set():
            s = proc_status(pid)
            samples.append((phase["name"], time.monotonic() - phase["t0"], s["VmRSS"], s["RssAnon"], s["RssFile"]))
            time.sleep(0.01)

    threading.Thread(target=sampler, daemon=True).start()
    failures = []
    try:
        print(f"== capacity: closed loop, {a.capacity_seconds:.0f} s stepped over 1-32 readers", flush=True)
        phase.update(name="capacity", t0=time.monotonic())
        cpu0 = proc_cpu_secs(pid)
        cap_rows, capacity, knee, cap_errors = measure_capacity(port, k_read, paths, a.capacity_seconds)
        cap_cpu = (proc_cpu_secs(pid) - cpu0) / a.capacity_seconds
        print(f"capacity {capacity:.0f} req/s; knee at {knee} readers; server CPU {cap_cpu * 100:.0f}% of one core (avg)")
        if cap_errors:
            failures.append(f"{cap_errors} errors in the capacity phase")

        print(f"== mixed: {a.seconds:.0f} s, {knee} readers + 1 writer + plan jobs + admin + score run + backup", flush=True)
        st = Stats()
        stop = threading.Event()
        phase.update(name="mixed", t0=time.monotonic())
        t0 = phase["t0"]
        cpu0 = proc_cpu_secs(pid)
        events = {"batches": 0, "interactions": 0, "plans": [], "score": None, "backup": None}

        def writer():
            rng = random.Random(7)
            cw = Client(port, k_write, st)
            n, t = 0, last_time
            while not stop.is_set():
                lines = []
                for _ in range(a.batch):
                    n += 1
                    t += 1
                    actor, target = (str(x) for x in rng.sample(range(LOAD_ACCOUNTS), 2))
                    lines.append(json.dumps({"type": "interaction", "platform": "load", "key": f"load:{n}",
                                             "kind": rng.choice(["reply", "mention", "reshare", "like"]),
                                             "actor": {"ext_id": actor}, "target": {"ext_id": target}, "time": t}))
                status, _ = cw.request("POST /v1/events", "POST", "/v1/events", ("\n".join(lines) + "\n").encode(), "application/x-ndjson")
                if status == 200:
                    events["batches"] += 1
                    events["interactions"] += a.batch

        def planner():
            cj = Client(port, k_jobs, st)
            while not stop.is_set():
                ts = time.monotonic()
                status, body = cj.request("POST /v1/jobs/plan", "POST", "/v1/jobs/plan", json.dumps(PLAN).encode(), "application/json")
                if status != 202:
                    time.sleep(0.5)
                    continue
                jid = json.loads(body)["id"]
                while True:  # polled to the end, even past the phase: a job is part of the test
                    time.sleep(0.5)
                    status, body = cj.request("GET /v1/jobs/{id}", "GET", f"/v1/jobs/{jid}")
                    if status != 200:
                        continue
                    s = json.loads(body)["status"]
                    if s in ("done", "failed"):
                        events["plans"].append((jid, s, ts - t0, time.monotonic() - t0))
                        if s == "failed":
                            st.add("plan job result", "failed", 0)
                        break

        def admin():
            ca, ch = Client(port, k_admin, st), Client(port, None, st)
            while not stop.is_set():
                ca.request("GET /v1/jobs (admin)", "GET", "/v1/jobs")
                ch.request("GET /healthz", "GET", "/healthz")
                time.sleep(1)

        def scorer():
            time.sleep(a.score_at)
            ts = time.monotonic()
            p = subprocess.run([earshot, "--quiet", "--json", "--db", db, "score", "--to", str(window_to)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            events["score"] = (p.returncode, ts - t0, time.monotonic() - t0, p.stderr.decode()[-500:])

        def backuper():
            while events["score"] is None and time.monotonic() - t0 < a.backup_by:
                time.sleep(0.2)
            time.sleep(1)
            ts = time.monotonic()
            p = subprocess.run([earshot, "--quiet", "--json", "--db", db, "backup", backup], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            events["backup"] = (p.returncode, ts - t0, time.monotonic() - t0, p.stdout.decode()[-300:] + p.stderr.decode()[-300:])

        threads = [threading.Thread(target=f) for f in (writer, planner, admin, scorer, backuper)]
        for t in threads:
            t.start()
        run_readers(port, k_read, paths, st, knee, a.seconds, 99)
        stop.set()
        mixed_secs = time.monotonic() - t0
        mixed_cpu = (proc_cpu_secs(pid) - cpu0) / mixed_secs
        for t in threads:
            t.join()
        after_secs = time.monotonic() - t0
    finally:
        stop_sampler.set()
        time.sleep(0.6)
        srv.terminate()
        srv.wait()
        log.close()

    # Summary.
    print(f"\n== mixed phase: {mixed_secs:.1f} s (plan job polled to its end: {after_secs:.1f} s); server CPU {mixed_cpu * 100:.0f}% of one core (avg)")
    print(f"{'route':28} {'requests':>9} {'req/s':>8} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for r in sorted(set(st.ok) | set(st.err)):
        n = st.ok.get(r, 0) + st.err.get(r, 0)
        print(f"{r:28} {n:9d} {n / mixed_secs:8.1f} {st.err.get(r, 0):7d} {pct(st.lat[r], 0.5) * 1e3:8.2f} {pct(st.lat[r], 0.99) * 1e3:8.2f}")
    reads = st.total({"GET /v1/accounts/{p}/{a}", "GET /v1/top"})
    print(f"reads {reads / mixed_secs:.0f} req/s ({reads / mixed_secs / capacity * 100:.0f}% of the capacity measured alone)")
    n_err = sum(st.err.values())
    for (r, s), n in sorted(st.err_kinds.items(), key=repr):
        print(f"  error: {r}: {s} x{n}")
    if n_err:
        failures.append(f"{n_err} errors in the mixed phase")
    print(f"events written: {events['batches']} requests, {events['interactions']} interactions")
    print("plan jobs: " + "; ".join(f"#{j} {s} {a0:.1f}-{a1:.1f} s" for j, s, a0, a1 in events["plans"]))
    if not any(s == "done" for _, s, _, _ in events["plans"]):
        failures.append("no plan job finished")
    sc = events["score"]
    print(f"score run: exit {sc[0]}, {sc[1]:.1f}-{sc[2]:.1f} s" + (f": {sc[3]}" if sc[0] else ""))
    if sc[0] != 0:
        failures.append("the score run failed")
    bk = events["backup"]
    print(f"backup: exit {bk[0]}, {bk[1]:.1f}-{bk[2]:.1f} s; {bk[3].strip()}")

    mixed = [s for s in samples if s[0] == "mixed"]
    first = [s for s in mixed if s[1] < 10]
    after = [s for s in mixed if s[1] >= 10]
    for name, rows in (("start", [s for s in samples if s[0] == "start"]), ("capacity", [s for s in samples if s[0] == "capacity"]),
                       ("mixed, first 10 s", first), ("mixed, after 10 s", after)):
        if rows:
            m = max(rows, key=lambda s: s[2])
            print(f"RSS {name:18}: peak {m[2]:7.1f} MiB (anon {m[3]:6.1f}, file {m[4]:6.1f}), {len(rows)} samples")
    # Per plan job: the peak while it ran. Not an acceptance condition, but it tells a job's working set
    # (which comes back with every job) apart from memory that stays and grows.
    job_peaks = []
    for jid, _, j0, j1 in events["plans"]:
        span = [s for s in mixed if j0 <= s[1] <= j1]
        if span:
            m = max(span, key=lambda s: s[2])
            job_peaks.append((jid, m[2], m[3], m[4]))
    print("RSS peak per plan job (VmRSS/anon/file MiB): " + "; ".join(f"#{j} {v:.0f}/{an:.0f}/{fi:.0f}" for j, v, an, fi in job_peaks))
    if len(job_peaks) > 1:
        print(f"RSS peak of later plan jobs vs the first: {(max(j[1] for j in job_peaks[1:]) / job_peaks[0][1] - 1) * 100:+.1f}%")
    troughs = [min(s[2] for s in mixed if j1 <= s[1] <= j1 + 1) for _, _, _, j1 in events["plans"] if any(j1 <= s[1] <= j1 + 1 for s in mixed)]
    if troughs:
        print("RSS just after each plan job (min VmRSS in the next second, MiB): " + ", ".join(f"{t:.0f}" for t in troughs))
    growth = max(s[2] for s in after) / max(s[2] for s in first) - 1 if first and after else float("nan")
    print(f"RSS growth after the first 10 s: {growth * 100:+.1f}% (limit +10%)")
    with open(os.path.join(tmp, "rss.tsv"), "w") as f:
        f.write("phase\tt\tvmrss_mib\trss_anon_mib\trss_file_mib\n")
        for s in samples:
            f.write("%s\t%.2f\t%.1f\t%.1f\t%.1f\n" % s)
    if not growth < 0.10:
        failures.append(f"RSS grew {growth * 100:.1f}% after the first 10 s")

    if bk[0] != 0 or not os.path.exists(backup):
        failures.append("the backup failed")
    else:
        print(f"\n== backup checks ({os.path.getsize(backup) / 1e6:.0f} MB; original now {os.path.getsize(db) / 1e6:.0f} MB)")
        checks, run = check_backup(earshot, db, backup)
        for name, ok, detail in checks:
            print(f"  {'ok  ' if ok else 'FAIL'} {name}: {detail}")
            if not ok:
                failures.append(f"backup check failed: {name}")
        print(f"the backup's last complete run: {run} (the run before the load: {run0})")

    print(f"\nfiles kept in {tmp} (server.log, rss.tsv)" if failures else "")
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    shutil.rmtree(tmp)
    print("PASSED: 0 errors, RSS flat, backup checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
