#!/usr/bin/env python3
"""Gzip bombs in parallel against a live `earshot serve` (issue 19): N bodies, each a gzip stream that
inflates to INFLATED_MIB of JSON lines, posted at once to /v1/events with Content-Encoding: gzip. Prints
the statuses and the server's resident memory before and at its peak (sampled from /proc every 20 ms).

    scripts/gzip_bombs.py EARSHOT N INFLATED_MIB [SERVE_FLAGS...]

Pass `--writes-per-key 1024` so every body reaches the decoder (by default one key has 2 writes in
progress and the rest are 429 at once). Linux only (/proc)."""
import gzip, json, os, shutil, subprocess, sys, tempfile, threading, time, http.client
earshot, n, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
d = tempfile.mkdtemp()
db = os.path.join(d, "b.db")
key = subprocess.check_output([earshot, "--quiet", "--db", db, "keys", "create", "--name", "b", "--scope", "write", "--rate", "100000", "--burst", "100000"]).decode().strip()
srv = subprocess.Popen([earshot, "--db", db, "serve", "--listen", "127.0.0.1:0", "--log-format", "text"] + sys.argv[4:], stdout=subprocess.PIPE, stderr=open(os.path.join(d, "log"), "w"))
line = srv.stdout.readline().decode()
port = int(line.strip().rsplit(":", 1)[1])
line1 = (json.dumps({"type": "account", "platform": "bomb", "ext_id": "1", "handle": "ann"}) + "\n").encode()
plain = line1 * ((mib << 20) // len(line1) + 1)
body = gzip.compress(plain, 9)
del plain
def rss():
    with open(f"/proc/{srv.pid}/status") as f:
        for l in f:
            if l.startswith("VmRSS"):
                return int(l.split()[1]) // 1024
base = rss()
peak = [base]
stop = False
def sample():
    while not stop:
        peak[0] = max(peak[0], rss()); time.sleep(0.02)
t = threading.Thread(target=sample); t.start()
codes = {}
lock = threading.Lock()
def one(i):
    keyi = key
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        c.request("POST", "/v1/events", body=body, headers={"Authorization": "Bearer " + keyi, "Content-Type": "application/x-ndjson", "Content-Encoding": "gzip"})
        s = c.getresponse().status
    except Exception as e:
        s = type(e).__name__
    with lock:
        codes[s] = codes.get(s, 0) + 1
t0 = time.time()
ts = [threading.Thread(target=one, args=(i,)) for i in range(n)]
for x in ts: x.start()
for x in ts: x.join()
el = time.time() - t0
stop = True; t.join()
print(f"{n} bodies of {len(body)} gzip bytes inflating to {mib} MiB: statuses {codes}; server RSS {base} MiB before, peak {peak[0]} MiB; {el:.1f} s")
srv.terminate(); srv.wait()
shutil.rmtree(d)
