#!/usr/bin/env python3
"""Server time of every dashboard page on a database (issue 20: under 300 ms on Higgs).

Starts `earshot serve` on a loopback port over DB, signs in with a fresh read key, runs one job of each
kind so that the result pages have something to draw, then requests each page RUNS times after one
warm-up and reads the server's own time for each request from its log (`ms=`). Prints a Markdown
table: median and max server milliseconds, and the page's size.

    scripts/bench_dashboard.py target/release/earshot higgs.db [RUNS]
"""
import re, statistics, subprocess, sys, tempfile, time, urllib.parse, urllib.request, http.cookiejar, json, os

earshot, db = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 20
scratch = tempfile.mkdtemp()
key = subprocess.run([earshot, "--quiet", "--db", db, "keys", "create", "--name", "bench-ui", "--scope", "read",
                      "--rate", "100000", "--burst", "100000"], check=True, capture_output=True, text=True).stdout.strip()
log = open(os.path.join(scratch, "server.log"), "w")
server = subprocess.Popen([earshot, "--db", db, "serve", "--listen", "127.0.0.1:0", "--log-format", "text"],
                          stdout=subprocess.PIPE, stderr=log, text=True)
try:
    line = server.stdout.readline()
    base = line.strip().split("listening on ", 1)[1]
    jar = http.cookiejar.CookieJar()
    # Secure cookies are sent to loopback by browsers; urllib's jar needs to be told it is secure.
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base + "/login", data=urllib.parse.urlencode({"key": key, "next": "/"}).encode())
    cookie = next(c.value for c in jar if c.name == "earshot_session")

    def get(path):
        req = urllib.request.Request(base + path, headers={"Cookie": f"earshot_session={cookie}"})
        with urllib.request.urlopen(req) as r:
            return r.status, r.read(), r.geturl()

    def api(path, body=None):
        req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            return json.load(r)

    top = api("/v1/top?limit=1")["items"][0]
    account = f"/accounts/{urllib.parse.quote(top['platform'], safe='')}/{urllib.parse.quote(top['platform_id'], safe='')}"

    def post_form(path, fields):
        req = urllib.request.Request(base + path, data=urllib.parse.urlencode(fields).encode(),
                                     headers={"Cookie": f"earshot_session={cookie}", "Sec-Fetch-Site": "same-origin"})
        with urllib.request.urlopen(req) as r:
            return r.geturl()

    # One job of each kind, run to the end, so the communities, backtest and job pages draw results.
    job_pages = []
    for path, fields in [("/plan", {"k": "10"}), (account + "/forecast", {"simulations": "2000"}),
                         (account + "/explanation", {}),
                         ("/communities", {}), ("/backtest", {})]:
        if path == "/backtest":
            page = get("/backtest")[1].decode()
            fields = {k: v for k, v in re.findall(r'name="(train_until|test_until)"[^>]*value="([^"]+)"', page)}
        started = time.time()
        url = post_form(path, fields)
        job = int(url.rsplit("/", 1)[1])
        while api(f"/v1/jobs/{job}")["status"] in ("queued", "running"):
            time.sleep(0.5)
        print(f"job {job} ({path}) {api(f'/v1/jobs/{job}')['status']} in {time.time() - started:.1f} s", file=sys.stderr)
        job_pages.append(f"/jobs/{job}")

    pages = ["/", "/leaderboard", "/leaderboard?by=reach", "/leaderboard?by=authority&offset=100000",
             "/leaderboard?min_authenticity=0.95", account, "/plan", "/triage",
             "/communities", "/backtest"] + job_pages
    sizes = {}
    for p in pages:
        status, body, _ = get(p)  # warm-up
        assert status == 200, (p, status)
        sizes[p] = len(body)
        for _ in range(runs):
            get(p)
    time.sleep(0.3)
finally:
    server.terminate()
    server.wait()
    log.close()

# The server logs each request's path (without the query) and its milliseconds, in order.
times = []
for l in open(os.path.join(scratch, "server.log")):
    m = re.search(r"method=GET path=(\S+) status=200 ms=([0-9.]+)", l)
    if m:
        times.append((m.group(1), float(m.group(2))))
print(f"| page | median ms | max ms | KiB |")
print(f"|---|---|---|---|")
# Requests arrive in the order sent: each page's warm-up then its runs.
seq = [t for t in times if not t[0].startswith("/v1/") and t[0] not in ("/login",)]
seq = seq[-(len(pages) * (runs + 1)):]
for i, p in enumerate(pages):
    block = [ms for _, ms in seq[i * (runs + 1) + 1:(i + 1) * (runs + 1)]]
    print(f"| `{p}` | {statistics.median(block):.1f} | {max(block):.1f} | {sizes[p] / 1024:.0f} |")
