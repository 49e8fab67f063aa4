#!/usr/bin/env bash
# The authority kernel beside the C++ baseline (bench/pagerank_pull.cc) on the identical CSR: each round
# runs `earshot bench pagerank` (the median of its RUNS runs) and dumps the graph it ran on, then the C++
# kernel on that dump, on 1 and 2 threads, unweighted then weighted. The medians of the rounds come last.
#
#   scripts/bench_pagerank.sh [SCALE] [EDGE_FACTOR] [ITERATIONS]   the R-MAT graph `earshot gen` draws
#   scripts/bench_pagerank.sh --edges FILE [ITERATIONS]            an edge list: SNAP text, GAP .el/.wel
#   ROUNDS=5 RUNS=3 scripts/bench_pagerank.sh ...                  rounds (default 3), runs per round
#
# e.g. scripts/bench_pagerank.sh 20 32 20
#      scripts/bench_pagerank.sh --edges ../shared/data/im-graphs/soc-Slashdot0902.txt.gz 200
# An edge list without a weight column has no weighted graph unless lines repeat (repeats add up): its
# "weighted" rows then run the unweighted kernel, as earshot's note says.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--edges" ]]; then
  [[ -n "${2:-}" ]] || { echo "usage: $0 --edges FILE [ITERATIONS]" >&2; exit 2; }
  graph=(--edges "$2") name="$(basename "$2")" iters="${3:-20}"
else
  graph=(--scale "${1:-20}" --edge-factor "${2:-32}") name="rmat${1:-20}x${2:-32}" iters="${3:-20}"
fi
rounds="${ROUNDS:-3}" runs="${RUNS:-3}"
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet -p earshot
mkdir -p "$target/bench"
g++ -O3 -march=native -fopenmp -o "$target/bench/pagerank_pull" bench/pagerank_pull.cc
earshot="$target/release/earshot"
csr="$target/bench/$name.csr"
rows="$(mktemp)"
trap 'rm -f "$csr" "$rows"' EXIT
for round in $(seq "$rounds"); do
  for kind in unweighted weighted; do
    weighted=()
    [[ $kind == weighted ]] && weighted=(--weighted)
    echo "== round $round, $kind: earshot"
    out="$("$earshot" bench pagerank "${graph[@]}" "${weighted[@]}" --iterations "$iters" --runs "$runs" \
      --dump "$csr" 2>&1)"
    echo "$out"
    awk -v k="$kind" '/ thread\(s\): / { print k "\tearshot\t" $1 "\t" $3 }' <<<"$out" >>"$rows"
    echo "== round $round, $kind: C++ baseline, same CSR"
    for t in 1 2; do
      out="$(OMP_NUM_THREADS=$t "$target/bench/pagerank_pull" "$csr" "$iters")"
      echo "$out"
      awk -v k="$kind" -v t="$t" '{ for (i = 1; i < NF; i++) if ($(i + 1) == "s") print k "\tC++\t" t "\t" $i }' \
        <<<"$out" >>"$rows"
    done
  done
done
echo "== $name, $iters iterations: median seconds per iteration over $rounds rounds"
printf '%-10s %-7s %7s %10s %10s %9s\n' kernel threads rounds earshot C++ ratio
for kind in unweighted weighted; do
  for t in 1 2; do
    median() { awk -F'\t' -v k="$kind" -v w="$1" -v t="$t" '$1 == k && $2 == w && $3 == t { print $4 }' "$rows" |
      sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
    e="$(median earshot)" c="$(median C++)"
    printf '%-10s %-7s %7s %10s %10s %9s\n' "$kind" "$t" "$rounds" "$e" "$c" \
      "$(awk -v e="$e" -v c="$c" 'BEGIN { if (c > 0) printf "%.2f", e / c }')"
  done
done
