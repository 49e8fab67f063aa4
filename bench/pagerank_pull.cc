// Baseline for `earshot bench pagerank`: a careful single-file C++ pull-direction PageRank in the style of
// the GAP Benchmark Suite (float scores, contributions computed once per node per iteration, compact CSR,
// kernel timed apart from loading), over the exact CSR earshot dumps with `--dump`. Written for earshot.
// An unweighted snapshot runs GAP's kernel (each source's score divided by its out-degree); a weighted one
// (`earshot bench pagerank --weighted --dump`) the same loop with each edge's weight as a factor and each
// source's score divided by its total outgoing weight, the weighted PageRank earshot computes.
//
//   g++ -O3 -march=native -fopenmp -o pagerank_pull bench/pagerank_pull.cc
//   OMP_NUM_THREADS=1 ./pagerank_pull rmat20.csr 20
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

static bool read_exact(FILE* f, void* p, size_t n) { return fread(p, 1, n, f) == n; }

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s GRAPH.csr [ITERATIONS]\n", argv[0]);
    return 2;
  }
  int iterations = argc > 2 ? atoi(argv[2]) : 20;
  FILE* f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 1; }
  char magic[8];
  uint64_t head[3];
  if (!read_exact(f, magic, 8) || memcmp(magic, "ESCSR001", 8) != 0 || !read_exact(f, head, sizeof head)) {
    fprintf(stderr, "%s: not an earshot CSR snapshot\n", argv[1]);
    return 1;
  }
  const uint64_t n = head[0], m = head[1];
  const bool weighted = head[2] == 1;
  std::vector<uint64_t> offsets(n + 1);
  std::vector<uint32_t> sources(m);
  std::vector<float> weights(weighted ? m : 0);
  std::vector<double> out_weight(weighted ? n : 0);
  if (!read_exact(f, offsets.data(), (n + 1) * 8) || !read_exact(f, sources.data(), m * 4) ||
      (weighted && (!read_exact(f, weights.data(), m * 4) || !read_exact(f, out_weight.data(), n * 8)))) {
    fprintf(stderr, "%s: truncated\n", argv[1]);
    return 1;
  }
  fclose(f);
  // What each source's score is divided by: its out-degree, or its total outgoing weight (0: dangling).
  std::vector<float> divisor(n, 0.0f);
  if (weighted) {
    for (uint64_t u = 0; u < n; u++) divisor[u] = (float)out_weight[u];
  } else {
    for (uint64_t i = 0; i < m; i++) divisor[sources[i]] += 1.0f;
  }

  const float damp = 0.85f, base = (1.0f - damp) / n;
  std::vector<float> scores(n, 1.0f / n), contrib(n);
  auto t0 = std::chrono::steady_clock::now();
  double error = 0;
  for (int it = 0; it < iterations; it++) {
    error = 0;
#pragma omp parallel for schedule(static)
    for (int64_t u = 0; u < (int64_t)n; u++) contrib[u] = divisor[u] > 0 ? scores[u] / divisor[u] : 0.0f;
    if (weighted) {
#pragma omp parallel for reduction(+ : error) schedule(dynamic, 4096)
      for (int64_t v = 0; v < (int64_t)n; v++) {
        float incoming = 0;
        for (uint64_t i = offsets[v]; i < offsets[v + 1]; i++) incoming += contrib[sources[i]] * weights[i];
        float old = scores[v];
        scores[v] = base + damp * incoming;
        error += std::fabs(scores[v] - old);
      }
    } else {
#pragma omp parallel for reduction(+ : error) schedule(dynamic, 4096)
      for (int64_t v = 0; v < (int64_t)n; v++) {
        float incoming = 0;
        for (uint64_t i = offsets[v]; i < offsets[v + 1]; i++) incoming += contrib[sources[i]];
        float old = scores[v];
        scores[v] = base + damp * incoming;
        error += std::fabs(scores[v] - old);
      }
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  printf("C++ baseline: %llu nodes, %llu edges (%s): %.4g s per iteration, %.0fM edges/s (%d iterations, L1 change %.2e)\n",
         (unsigned long long)n, (unsigned long long)m, weighted ? "weighted" : "unweighted", secs / iterations,
         m / (secs / iterations) / 1e6, iterations, error);
  return 0;
}
