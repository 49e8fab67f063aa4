#!/usr/bin/env bash
# Run two earshot builds through the same commands on the Higgs data and compare their JSON: the check
# that a change to how events are stored or read (issue 22) leaves results alone, or says where they moved.
#
#   scripts/compare_builds.sh OLD_BIN NEW_BIN DATA_DIR WORK_DIR
#
# Each build imports higgs-activity_time.txt.gz into its own database and runs score, authority, backtest,
# forecast and plan with --json; scripts/compare_json.py then reports, per command, whether the outputs are
# identical apart from timing and run-id fields, and otherwise the largest relative numeric difference and
# whether the order of every ranked list is the same.
set -euo pipefail
old=$1 new=$2 data=$3 work=$4
higgs="$data/higgs-twitter/higgs-activity_time.txt.gz"
[ -f "$higgs" ] || { echo "missing $higgs" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work"
here=$(cd "$(dirname "$0")" && pwd)

run() { # NAME BIN
  local name=$1 bin=$2 db="$work/$1.db"
  "$bin" --quiet --db "$db" import --format higgs "$higgs" > /dev/null
  "$bin" --quiet --db "$db" --json score --top 50 > "$work/$name-score.json"
  "$bin" --quiet --db "$db" --json authority --top 50 > "$work/$name-authority.json"
  "$bin" --quiet --db "$db" --json backtest --train-until 2012-07-04 --test-until 2012-07-08 \
    --bootstrap 50 > "$work/$name-backtest.json"
  # The most reshared account of the top of the score list, by its platform id.
  local top
  top=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["top"][0]["platform_id"])' \
    "$work/$name-score.json")
  "$bin" --quiet --db "$db" --json forecast "$top" --simulations 2000 --seed 7 > "$work/$name-forecast.json"
  "$bin" --quiet --db "$db" --json plan --k 10 --seed 7 > "$work/$name-plan.json"
}

run old "$old"
run new "$new"
for what in score authority backtest forecast plan; do
  python3 "$here/compare_json.py" "$what" "$work/old-$what.json" "$work/new-$what.json"
done
