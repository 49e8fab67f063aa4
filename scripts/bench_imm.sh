#!/usr/bin/env bash
# The C++ IMM baseline (bench/imm.cc, written from Tang, Shi, Xiao 2015) on issue 6's graphs, one thread.
# `earshot plan` runs beside it on the same inputs, on 1 and 2 threads.
#   scripts/bench_imm.sh [DATA_DIR]      (default ../shared/data/im-graphs)
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-../shared/data/im-graphs}"
mkdir -p target/bench
g++ -O3 -march=native -std=c++17 -o target/bench/imm bench/imm.cc
cargo build --release --quiet -p earshot
plan() {
  for t in 1 2; do
    echo "  earshot plan, $t thread(s):"
    /usr/bin/time -o target/bench/plan.time -f "  wall %e s, peak RSS %M KiB" \
      ./target/release/earshot -q plan --data "$(dirname "$data")" --threads "$t" "$@" > target/bench/plan.out
    grep -E "^IMM|^estimated|^Monte" target/bench/plan.out; cat target/bench/plan.time
  done
}
slashdot="target/bench/soc-Slashdot0902.txt"
[ -f "$slashdot" ] || zcat "$data/soc-Slashdot0902.txt.gz" > "$slashdot"
run() { /usr/bin/time -f "  wall %e s, peak RSS %M KiB" target/bench/imm "$@"; }
for eps in 0.5 0.1; do
  echo "== NetHEPT, weighted cascade, k=50, epsilon=$eps"
  run --graph "$data/nethept_chen.txt" --format undirected-wc --k 50 --epsilon "$eps"
  plan --graph nethept --k 50 --epsilon "$eps"
done
echo "== NetHEPT with its own probabilities (nethept_wc_weighted.txt), k=50, epsilon=0.1"
run --graph "$data/nethept_wc_weighted.txt" --format weighted --k 50 --epsilon 0.1
plan --graph nethept-wc --k 50 --epsilon 0.1
echo "== Slashdot, weighted cascade, k=50, epsilon=0.1 (1,000 Monte Carlo runs)"
run --graph "$slashdot" --format snap-wc --k 50 --epsilon 0.1 --mc 1000
plan --graph slashdot --k 50 --epsilon 0.1 --mc 1000
