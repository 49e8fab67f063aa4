#!/usr/bin/env bash
# The authority kernel against a C++ baseline (bench/pagerank_pull.cc) on the same R-MAT CSR, one run.
#   scripts/bench_pagerank.sh [SCALE] [EDGE_FACTOR] [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-20}" ef="${2:-32}" iters="${3:-20}"
cargo build --release --quiet -p earshot
mkdir -p target/bench
g++ -O3 -march=native -fopenmp -o target/bench/pagerank_pull bench/pagerank_pull.cc
graph="target/bench/rmat${scale}x${ef}.csr"
echo "== earshot (unweighted kernel; the graph GAP's kernel would see)"
./target/release/earshot bench pagerank --scale "$scale" --edge-factor "$ef" --iterations "$iters" --dump "$graph"
echo "== earshot (weighted kernel: repeated reactions merged into weights)"
./target/release/earshot bench pagerank --scale "$scale" --edge-factor "$ef" --iterations "$iters" --weighted
echo "== C++ baseline, same CSR"
for t in 1 2; do OMP_NUM_THREADS=$t target/bench/pagerank_pull "$graph" "$iters"; done
rm -f "$graph"
