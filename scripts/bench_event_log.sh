#!/usr/bin/env bash
# The event log against SQLite rows, side by side in one binary (issue 22): import speed and peak memory
# (`--event-log segments`, the default, paired with `--event-log sqlite`, run by run with farm-bench), then
# scoring and bytes on disk of the databases each made.
#
#   scripts/bench_event_log.sh [EARSHOT_BINARY] [SHARED_DATA] [WORKDIR] [GEN_SCALE]
#
# Inputs, made in WORKDIR: the Higgs activity file replayed 10 times (5,630,690 lines, each its own
# interaction: a Higgs line's key is `source:line`) and `earshot gen --scale GEN_SCALE` JSONL (default 18).
# Needs farm-bench (the tool library's) and about 3 GB free in WORKDIR.
set -euo pipefail
earshot="$(realpath "${1:-target/release/earshot}")"
data="${2:-../shared/data}"
work="${3:-/tmp/bench-event-log}"
scale="${4:-18}"
mkdir -p "$work"
cd "$work"
higgs="$data/higgs-twitter/higgs-activity_time.txt.gz"
[ -f higgs10.txt ] || for i in $(seq 10); do zcat "$higgs"; done > higgs10.txt
[ -f "gen$scale.jsonl" ] || "$earshot" -q gen --scale "$scale" --out "gen$scale.jsonl"

for input in higgs10 "gen$scale"; do
  case "$input" in
    higgs10) file=higgs10.txt; format=(--format higgs); runs=(-n 5) ;;
    *) file="$input.jsonl"; format=(); runs=(-n 3 --warmup 0) ;;
  esac
  echo "== import $file: segments (A) against sqlite (B)"
  farm-bench "${runs[@]}" --timeout 3600 \
    --vs "sh -c 'rm -rf $work/b.db $work/b.db-wal $work/b.db-shm $work/b.db.events; exec $earshot -q --db $work/b.db import ${format[*]} --event-log sqlite $file'" \
    -- sh -c "rm -rf $work/a.db $work/a.db-wal $work/a.db-shm $work/a.db.events; exec $earshot -q --db $work/a.db import ${format[*]} $file"
  events=$("$earshot" --db a.db --json stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["interactions"])')
  bytes_a=$(du -cb a.db a.db.events | tail -1 | cut -f1)
  bytes_b=$(du -cb b.db | tail -1 | cut -f1)
  echo "RESULT $input interactions=$events bytes_segments=$bytes_a bytes_sqlite=$bytes_b"
  echo "== score $file: from segments (A) against from SQLite rows (B)"
  farm-bench -n 3 --warmup 0 --timeout 3600 --vs "$earshot -q --db $work/b.db score" -- "$earshot" -q --db "$work/a.db" score
done
