#!/usr/bin/env bash
# Capture the --json outputs of score, explain, history, top, forecast, plan and backtest on the Higgs data,
# with the fields that change from run to run (timings, memory, wall-clock dates, file paths) masked, so
# that a refactor can show they are byte-identical before and after (issue 16):
#   scripts/json_snapshot.sh target/release/earshot higgs-activity_time.txt.gz OUT_DIR
#   (then again with the new binary into another folder, and `diff -r` the two)
set -euo pipefail
bin="$(realpath "$1")"; higgs="$(realpath "$2")"; out="$3"
mkdir -p "$out"; out="$(realpath "$out")"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
db="$work/higgs.db"
mask() {
  python3 -c '
import json, sys
work = sys.argv[1]
volatile = ("seconds", "secs", "elapsed", "rss", "created_at", "started_at", "finished_at", "path", "db")
def walk(v):
    if isinstance(v, dict):
        return {k: ("<masked>" if any(t in k for t in volatile) else walk(x)) for k, x in v.items()}
    if isinstance(v, list):
        return [walk(x) for x in v]
    if isinstance(v, str):
        return v.replace(work, "<work>")
    return v
for line in sys.stdin:
    line = line.strip()
    if line:
        print(json.dumps(walk(json.loads(line)), indent=1, sort_keys=False))
' "$work"
}
"$bin" -q --db "$db" import --format higgs "$higgs" > /dev/null
"$bin" -q --db "$db" --json score --to 2012-07-04 --top 20 | mask > "$out/score.json"
"$bin" -q --db "$db" --json score --top 20 | mask > "$out/score2.json"
top="$("$bin" -q --db "$db" --json top --limit 1 | python3 -c 'import json,sys; v=json.load(sys.stdin); print(v["top"][0]["platform_id"])')"
"$bin" -q --db "$db" --json top --limit 50 | mask > "$out/top.json"
"$bin" -q --db "$db" --json explain "$top" | mask > "$out/explain.json"
"$bin" -q --db "$db" --json history "$top" | mask > "$out/history.json"
"$bin" -q --db "$db" --json forecast "$top" --simulations 200 | mask > "$out/forecast.json"
"$bin" -q --db "$db" --json plan --k 5 --threads 1 | mask > "$out/plan.json"
"$bin" -q --db "$db" --json backtest --train-until 2012-07-04 --test-until 2012-07-08 --relevel | mask > "$out/backtest.json"
ls -l "$out"
