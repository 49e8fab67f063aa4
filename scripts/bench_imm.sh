#!/usr/bin/env bash
# earshot's IMM beside the C++ baseline (bench/imm.cc, written from Tang, Shi, Xiao 2015), in one run, on
# issue 6's graphs:
#   1. RR-set throughput (IMM's sampling kernel): `imm --rr-only` beside `earshot bench rr` on 1 and 2
#      threads, each with a coin per in-edge (the paper's sampler) and with jumps to the live in-edges
#      (what `earshot plan` uses);
#   2. IMM end to end: the C++ baseline as in the paper and with jumps, beside `earshot plan` on 1 and 2
#      threads (with its phase timings).
# The machine and its load average are printed first and last: other work on the machine slows both sides.
#   scripts/bench_imm.sh [DATA_DIR]      (default ../shared/data/im-graphs)
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-../shared/data/im-graphs}"
target="${CARGO_TARGET_DIR:-target}"
out="$target/bench"
mkdir -p "$out"
g++ -O3 -march=native -std=c++17 -o "$out/imm" bench/imm.cc
cargo build --release --quiet -p earshot
earshot="$target/release/earshot"
jump=12 # earshot_diffusion::JUMP_MIN_IN_DEGREE
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); $(uptime | sed 's/.*load/load/')"

slashdot="$out/soc-Slashdot0902.txt"
[ -f "$slashdot" ] || zcat "$data/soc-Slashdot0902.txt.gz" > "$slashdot"
cxx() { /usr/bin/time -f "  wall %e s, peak RSS %M KiB" "$out/imm" "$@" 2>&1 | grep -vE "^graph|^monte carlo spread of the seeds: -nan"; }

rr() { # rr NAME FILE FORMAT SETS
  echo "== RR sets, $1 (weighted cascade), $4 sets a run, median of 3 runs"
  echo "  C++:"
  "$out/imm" --graph "$2" --format "$3" --rr-only "$4" | grep rr-only
  "$out/imm" --graph "$2" --format "$3" --rr-only "$4" --jump-min "$jump" | grep rr-only
  echo "  earshot bench rr, a coin per in-edge:"
  "$earshot" -q bench rr --data "$(dirname "$data")" --graph "$1" --sets "$4" --coins
  echo "  earshot bench rr, jumps at in-degree >= $jump:"
  "$earshot" -q bench rr --data "$(dirname "$data")" --graph "$1" --sets "$4"
}
rr nethept "$data/nethept_chen.txt" undirected-wc 1000000
rr slashdot "$slashdot" snap-wc 300000

plan() {
  for t in 1 2; do
    echo "  earshot plan, $t thread(s):"
    /usr/bin/time -o "$out/plan.time" -f "  wall %e s, peak RSS %M KiB" \
      "$earshot" -q plan --data "$(dirname "$data")" --threads "$t" --timings "$@" > "$out/plan.out"
    grep -E "^IMM|^timings|^estimated|^Monte" "$out/plan.out"; cat "$out/plan.time"
  done
}
imm() { # imm FILE FORMAT PLAN-GRAPH EPSILON [MC]
  local mc=()
  [ -n "${5:-}" ] && mc=(--mc "$5")
  echo "  C++ (a coin per in-edge, as the paper):"
  cxx --graph "$1" --format "$2" --k 50 --epsilon "$4" "${mc[@]}"
  echo "  C++ with jumps:"
  cxx --graph "$1" --format "$2" --k 50 --epsilon "$4" --jump-min "$jump" --mc 0
  plan --graph "$3" --k 50 --epsilon "$4" "${mc[@]}"
}
for eps in 0.5 0.1; do
  echo "== IMM, NetHEPT, weighted cascade, k=50, epsilon=$eps"
  imm "$data/nethept_chen.txt" undirected-wc nethept "$eps"
done
echo "== IMM, NetHEPT with its own probabilities (nethept_wc_weighted.txt), k=50, epsilon=0.1"
imm "$data/nethept_wc_weighted.txt" weighted nethept-wc 0.1
echo "== IMM, Slashdot, weighted cascade, k=50, epsilon=0.1 (1,000 Monte Carlo runs)"
imm "$slashdot" snap-wc slashdot 0.1 1000
echo "== done, $(uptime | sed 's/.*load/load/')"
