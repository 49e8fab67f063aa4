#!/usr/bin/env bash
# Import the four labelled bot and fake-account datasets of ../shared/data into one database, each under
# its own platform, so that `earshot trust eval` can leave each dataset out in turn (EVALUATION.md,
# "Authenticity across datasets"). Usage: scripts/bots_import.sh EARSHOT DB DATA_DIR
set -euo pipefail
bin="$1"; db="$2"; data="$3"
honeypot_columns=id,created_at,-,following,followers,post_count,username_length,bio_length
run() { "$bin" --db "$db" --quiet import --format profiles "$@"; }
run --platform kaggle --encoding latin1 \
  "$data/bots-kaggle-2017/bots_data.csv" "$data/bots-kaggle-2017/nonbots_data.csv"
run --platform instafake \
  "$data/bots-instafake/fakeAccountData.json" "$data/bots-instafake/realAccountData.json"
# cresci-2015: the `dataset` column is the class; BAS repeats E13 and part of INT (merged by id).
run --platform cresci --map label=dataset --label-value E13=human,TFP=human,INT=fake,FSF=fake,TWT=fake \
  "$data/bots-cresci/cresci-2015/E13.users.csv.gz" "$data/bots-cresci/cresci-2015/INT.users.csv.gz" \
  "$data/bots-cresci/cresci-2015/BAS-baseline-3900.users.csv.gz"
# caverlee-2011: no header, tab-separated, class in the file name; CollectedAt leaks the label: skipped.
run --platform caverlee --columns "$honeypot_columns" --label bot \
  "$data/bots-caverlee-2011/content_polluters.txt.gz"
run --platform caverlee --columns "$honeypot_columns" --label human \
  "$data/bots-caverlee-2011/legitimate_users.txt.gz"
