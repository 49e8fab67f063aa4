#!/usr/bin/env bash
# Load test of `earshot serve` on loopback (issue 7), with wrk: account lookups on the scored Higgs
# database, first on a quiet machine, then while `earshot import` writes a large synthetic stream into
# the same database file. /healthz (no key, no database) is the baseline of the HTTP stack itself.
#
#   scripts/bench_api.sh [EARSHOT_BINARY] [SHARED_DATA] [SECONDS] [CONNECTIONS] [WORKDIR]
#
# Needs wrk (apt-get install wrk) and python3. WORKDIR keeps the scored Higgs database between runs
# (default: a temporary folder, removed at the end). Prints one RESULT line per measurement.
set -euo pipefail
source "$(dirname "$0")/serve_lib.sh"
earshot="$(realpath "${1:-target/release/earshot}")"
data="${2:-../shared/data}"
secs="${3:-10}"
conns="${4:-32}"
work="${5:-}"
here="$(cd "$(dirname "$0")" && pwd)"
command -v wrk > /dev/null || { echo "error: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
higgs="$data/higgs-twitter/higgs-activity_time.txt.gz"
[ -f "$higgs" ] || { echo "error: $higgs is missing" >&2; exit 1; }
if [ -z "$work" ]; then work="$(mktemp -d)"; keep=""; else mkdir -p "$work"; keep=1; fi
server=""
importer=""
cleanup() {
  [ -n "$importer" ] && kill "$importer" 2>/dev/null && wait "$importer" 2>/dev/null
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ -z "$keep" ] && rm -rf "$work"
  return 0
}
trap cleanup EXIT
db="$work/higgs.db"

echo "== machine: $(nproc) cores, $(uname -srm); $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
# The scored database is kept pristine in WORKDIR; each run works on a fresh copy, since the background
# import below adds to it (and a second import of the same stream would only find duplicates).
if [ ! -f "$work/scored.db" ]; then
  rm -f "$db" "$db-wal" "$db-shm"
  echo "== import and score the Higgs activity file (once per WORKDIR)"
  "$earshot" --quiet --db "$db" import --format higgs "$higgs"
  "$earshot" --quiet --db "$db" score > /dev/null
  python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))' "$db" "$work/scored.db"
fi
rm -f "$db" "$db-wal" "$db-shm"
cp "$work/scored.db" "$db"
# Lookup paths: every scored account of the latest run, by platform id (the CRM's usual key).
python3 - "$db" > "$work/paths.txt" <<'PY'
import sqlite3, sys, urllib.parse
c = sqlite3.connect(sys.argv[1])
run = c.execute("SELECT max(id) FROM score_runs").fetchone()[0]
rows = c.execute("SELECT a.platform, a.ext_id FROM scores s JOIN accounts a ON a.id = s.account "
                 "WHERE s.run_id = ? ORDER BY s.account", (run,)).fetchall()
for platform, ext in rows:
    print(f"/v1/accounts/{urllib.parse.quote(platform)}/{urllib.parse.quote(ext)}")
PY
echo "lookup paths: $(wc -l < "$work/paths.txt") scored accounts"
[ -f "$work/background.jsonl.gz" ] || "$earshot" --quiet gen --scale 18 --edge-factor 16 --seed 3 --out "$work/background.jsonl.gz"

key="$("$earshot" --quiet --db "$db" keys create --name "bench-$$" --scope read --rate 100000 --burst 100000)"
export EARSHOT_KEY="$key"
RUST_LOG=warn start_server "$earshot" "$db" "$work"
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$base$(head -n 1 "$work/paths.txt")")"
[ "$status" = 200 ] || { echo "error: a lookup answered $status, not 200" >&2; exit 1; }

run_wrk() { # label path-or-script
  local label="$1"; shift
  local line
  line="$(wrk -t1 -c"$conns" -d"${secs}s" --latency -s "$here/bench_api_lookup.lua" "$base" "$@" | grep '^RESULT')"
  echo "$label ${line#RESULT }"
}
printf '/healthz\n' > "$work/healthz.txt"
echo "== wrk -t1 -c$conns -d${secs}s against $base"
run_wrk "healthz       " "$work/healthz.txt"
run_wrk "lookup quiet  " "$work/paths.txt"

"$earshot" --db "$db" import "$work/background.jsonl.gz" > "$work/import.log" 2>&1 &
importer=$!
# Lookups start once the importer is writing (its events grow the database), and must end before it does.
for _ in $(seq 1 200); do
  [ "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM imports WHERE status = ?", ("running",)).fetchone()[0])' "$db")" != 0 ] && break
  sleep 0.1
done
sleep 1
run_wrk "lookup import " "$work/paths.txt"
if kill -0 "$importer" 2>/dev/null; then
  echo "import was still running when the measurement ended"
  wait "$importer"; import_status=$?
else
  wait "$importer"; import_status=$?
  echo "warning: the import finished before the measurement did; use a larger stream or fewer seconds"
fi
importer=""
echo "background import exit $import_status: $(tail -n 2 "$work/import.log" | tr '\n' ' ')"
grep -c '"level":"ERROR"\|ERROR' "$work/server.log" | sed 's/^/server errors logged: /' || true
