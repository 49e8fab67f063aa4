// A careful single-threaded IMM in C++ (Tang, Shi, Xiao, SIGMOD 2015), written from the paper as the
// baseline earshot's planner is measured against (issue 6). Independent Cascade only.
//
//   g++ -O3 -march=native -o imm bench/imm.cc
//   imm --graph nethept_chen.txt --format undirected-wc --k 50 --epsilon 0.1 [--ell 1] [--mc 10000] [--seed 1]
//   imm --graph nethept_wc_weighted.txt --format weighted ...
//   imm --graph soc-Slashdot0902.txt --format snap-wc ...      (SNAP text, '#' comments, directed, WC)
//   imm --graph ... --rr-only 1000000 [--runs 3]   only draw RR sets: sets/s and members/s (median of runs)
//   imm --graph ... --jump-min 12    nodes with >= 12 in-edges, all of one probability, jump to their live
//                                    in-edges (geometric gaps, as earshot does) instead of a coin per edge
//
// Formats: undirected-wc: first line "n m", then "u v" lines, undirected, self-loops and parallel edges
// dropped, both directions added, p(u,v) = 1/in-degree(v). weighted: first line "n m", then "u v p",
// directed. snap-wc: '#' comments, "u v" directed, self-loops and parallel edges dropped, WC.
// Node ids are remapped densely in order of first appearance.
//
// Prints: graph size, time of IMM (sampling + selection, excluding loading and the Monte Carlo check),
// RR sets generated, peak RSS, the seeds' estimated spread (n * covered fraction) and their Monte Carlo
// spread over --mc forward simulations (timed apart).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

struct Rng {  // xoshiro256**, seeded by splitmix64
  uint64_t s[4];
  explicit Rng(uint64_t seed) {
    for (auto& x : s) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      x = z ^ (z >> 31);
    }
  }
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t next() {
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
    return r;
  }
  double uniform() { return (next() >> 11) * (1.0 / 9007199254740992.0); }
  uint32_t below(uint32_t n) { return (uint32_t)((next() >> 32) * (uint64_t)n >> 32); }
};

struct Graph {
  uint32_t n = 0;
  // In-edges (reverse CSR) for RR sets, out-edges (CSR) for forward simulation.
  std::vector<uint64_t> in_off, out_off;
  std::vector<uint32_t> in_src, out_dst;
  std::vector<float> in_p, out_p;
};

struct Edge { uint32_t u, v; float p; };

uint32_t dense(std::unordered_map<uint64_t, uint32_t>& ids, uint64_t raw) {
  auto it = ids.find(raw);
  if (it != ids.end()) return it->second;
  uint32_t id = (uint32_t)ids.size();
  ids.emplace(raw, id);
  return id;
}

Graph load(const std::string& path, const std::string& format) {
  std::ifstream in(path);
  if (!in) { std::cerr << path << ": cannot open\n"; std::exit(1); }
  std::unordered_map<uint64_t, uint32_t> ids;
  std::vector<Edge> edges;
  std::string line;
  bool header = format != "snap-wc";
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (header) { header = false; continue; }
    std::istringstream ss(line);
    uint64_t a, b; double p = 0;
    if (!(ss >> a >> b) || (format == "weighted" && !(ss >> p))) {
      std::cerr << path << ":" << lineno << ": bad line\n"; std::exit(1);
    }
    uint32_t u = dense(ids, a), v = dense(ids, b);
    if (u == v && format != "weighted") continue;
    edges.push_back({u, v, (float)p});
    if (format == "undirected-wc") edges.push_back({v, u, 0});
  }
  Graph g;
  g.n = (uint32_t)ids.size();
  if (format != "weighted") {
    std::sort(edges.begin(), edges.end(), [](const Edge& x, const Edge& y) { return x.v != y.v ? x.v < y.v : x.u < y.u; });
    edges.erase(std::unique(edges.begin(), edges.end(), [](const Edge& x, const Edge& y) { return x.u == y.u && x.v == y.v; }), edges.end());
    std::vector<uint32_t> indeg(g.n, 0);
    for (auto& e : edges) indeg[e.v]++;
    for (auto& e : edges) e.p = 1.0f / indeg[e.v];
  }
  auto build = [&](bool reverse, std::vector<uint64_t>& off, std::vector<uint32_t>& nbr, std::vector<float>& pr) {
    off.assign(g.n + 1, 0);
    for (auto& e : edges) off[(reverse ? e.v : e.u) + 1]++;
    for (uint32_t i = 0; i < g.n; ++i) off[i + 1] += off[i];
    nbr.resize(edges.size()); pr.resize(edges.size());
    std::vector<uint64_t> pos(off.begin(), off.end() - 1);
    for (auto& e : edges) {
      uint32_t key = reverse ? e.v : e.u;
      nbr[pos[key]] = reverse ? e.u : e.v; pr[pos[key]] = e.p; pos[key]++;
    }
  };
  build(true, g.in_off, g.in_src, g.in_p);
  build(false, g.out_off, g.out_dst, g.out_p);
  return g;
}

// RR sets stored flat: members of set i are rr[start[i] .. start[i+1]).
struct RRSets {
  std::vector<uint32_t> nodes;
  std::vector<uint64_t> start{0};
  size_t size() const { return start.size() - 1; }
};

struct Sampler {
  const Graph& g;
  Rng rng;
  std::vector<uint32_t> stamp, queue;
  uint32_t epoch = 0;
  // Per node: 1 / ln(1 - p) when it jumps to its live in-edges (>= jump_min in-edges, all of one p in
  // (0, 1)); 0 when it flips a coin per in-edge (always, with jump_min = 0: the paper's sampler).
  std::vector<double> jump;
  Sampler(const Graph& g, uint64_t seed, uint32_t jump_min) : g(g), rng(seed), stamp(g.n, 0), jump(g.n, 0.0) {
    if (jump_min == 0) return;
    for (uint32_t v = 0; v < g.n; ++v) {
      uint64_t lo = g.in_off[v], hi = g.in_off[v + 1];
      if (hi - lo < jump_min) continue;
      float p = g.in_p[lo];
      bool uniform = true;
      for (uint64_t e = lo; e < hi; ++e) uniform &= g.in_p[e] == p;
      if (uniform && p > 0 && p < 1) jump[v] = 1.0 / std::log1p(-(double)p);
    }
  }
  // Failures before the next success: floor(ln U / ln(1 - p)), U in (0, 1]; capped at `cap`.
  uint64_t gap(double inv, uint64_t cap) {
    double u = ((rng.next() >> 11) + 1) * (1.0 / 9007199254740992.0);
    double x = std::log(u) * inv;
    return x >= (double)cap ? cap : (uint64_t)x;
  }
  void add(RRSets& r) {
    if (++epoch == 0) { std::fill(stamp.begin(), stamp.end(), 0); epoch = 1; }
    uint32_t root = rng.below(g.n);
    queue.clear(); queue.push_back(root); stamp[root] = epoch;
    for (size_t h = 0; h < queue.size(); ++h) {
      uint32_t v = queue[h];
      uint64_t lo = g.in_off[v], hi = g.in_off[v + 1];
      if (double inv = jump[v]; inv != 0) {
        for (uint64_t e = lo + gap(inv, hi - lo); e < hi; e += 1 + gap(inv, hi - e)) {
          uint32_t u = g.in_src[e];
          if (stamp[u] != epoch) { stamp[u] = epoch; queue.push_back(u); }
        }
        continue;
      }
      for (uint64_t e = lo; e < hi; ++e) {
        uint32_t u = g.in_src[e];
        if (stamp[u] != epoch && rng.uniform() < g.in_p[e]) { stamp[u] = epoch; queue.push_back(u); }
      }
    }
    r.nodes.insert(r.nodes.end(), queue.begin(), queue.end());
    r.start.push_back(r.nodes.size());
  }
};

// Greedy maximum coverage; returns seeds and the number of RR sets they cover.
std::pair<std::vector<uint32_t>, uint64_t> select(const Graph& g, const RRSets& r, uint32_t k) {
  std::vector<uint32_t> deg(g.n, 0);
  std::vector<uint64_t> off(g.n + 1, 0);
  for (uint32_t v : r.nodes) off[v + 1]++;
  for (uint32_t i = 0; i < g.n; ++i) off[i + 1] += off[i];
  std::vector<uint32_t> sets_of(r.nodes.size());
  std::vector<uint64_t> pos(off.begin(), off.end() - 1);
  for (size_t i = 0; i < r.size(); ++i)
    for (uint64_t j = r.start[i]; j < r.start[i + 1]; ++j) sets_of[pos[r.nodes[j]]++] = (uint32_t)i;
  for (uint32_t v = 0; v < g.n; ++v) deg[v] = (uint32_t)(off[v + 1] - off[v]);
  std::vector<char> covered(r.size(), 0);
  std::vector<uint32_t> seeds;
  uint64_t total = 0;
  for (uint32_t s = 0; s < k && s < g.n; ++s) {
    uint32_t best = (uint32_t)(std::max_element(deg.begin(), deg.end()) - deg.begin());
    seeds.push_back(best);
    total += deg[best];
    for (uint64_t j = off[best]; j < off[best + 1]; ++j) {
      uint32_t set = sets_of[j];
      if (covered[set]) continue;
      covered[set] = 1;
      for (uint64_t m = r.start[set]; m < r.start[set + 1]; ++m) deg[r.nodes[m]]--;
    }
  }
  return {seeds, total};
}

double log_choose(double n, double k) { return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1); }

double mc_spread(const Graph& g, const std::vector<uint32_t>& seeds, int sims, uint64_t seed) {
  Rng rng(seed ^ 0x5151);
  std::vector<uint32_t> stamp(g.n, 0), queue;
  uint64_t sum = 0;
  for (int s = 1; s <= sims; ++s) {
    queue.clear();
    for (uint32_t v : seeds) if (stamp[v] != (uint32_t)s) { stamp[v] = s; queue.push_back(v); }
    for (size_t h = 0; h < queue.size(); ++h) {
      uint32_t u = queue[h];
      for (uint64_t e = g.out_off[u]; e < g.out_off[u + 1]; ++e) {
        uint32_t v = g.out_dst[e];
        if (stamp[v] != (uint32_t)s && rng.uniform() < g.out_p[e]) { stamp[v] = s; queue.push_back(v); }
      }
    }
    sum += queue.size();
  }
  return (double)sum / sims;
}

long peak_rss_kib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path, format = "undirected-wc";
  uint32_t k = 50; double eps = 0.1, ell = 1.0; int mc = 10000; uint64_t seed = 1;
  uint64_t rr_only = 0; int runs = 3; uint32_t jump_min = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--graph") path = v; else if (a == "--format") format = v; else if (a == "--k") k = std::stoul(v);
    else if (a == "--epsilon") eps = std::stod(v); else if (a == "--ell") ell = std::stod(v);
    else if (a == "--mc") mc = std::stoi(v); else if (a == "--seed") seed = std::stoull(v);
    else if (a == "--rr-only") rr_only = std::stoull(v); else if (a == "--runs") runs = std::stoi(v);
    else if (a == "--jump-min") jump_min = std::stoul(v);
    else { std::cerr << "unknown option " << a << "\n"; return 2; }
  }
  if (path.empty()) { std::cerr << "usage: imm --graph FILE [--format undirected-wc|weighted|snap-wc] [--k 50] [--epsilon 0.1]\n"; return 2; }
  Graph g = load(path, format);
  const double n = g.n;
  std::printf("graph %s (%s): %u nodes, %zu directed edges\n", path.c_str(), format.c_str(), g.n, g.in_src.size());
  if (rr_only > 0) {
    // RR-set throughput alone: draw rr_only sets `runs` times (a fresh sampler and store each time, as
    // `earshot bench rr` does), report the median.
    std::vector<double> secs;
    size_t members = 0;
    for (int run = 0; run < std::max(runs, 1); ++run) {
      auto t = std::chrono::steady_clock::now();
      Sampler sampler(g, seed, jump_min);
      RRSets rr;
      while (rr.size() < rr_only) sampler.add(rr);
      secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
      members = rr.nodes.size();
    }
    std::sort(secs.begin(), secs.end());
    double med = secs[secs.size() / 2];
    std::printf("rr-only %s: %llu RR sets in %.3f s (median of %d runs): %.0f RR sets/s, %.0f members/s (%zu members, %.2f per set)\n",
                jump_min ? ("jumps at in-degree >= " + std::to_string(jump_min)).c_str() : "a coin per in-edge",
                (unsigned long long)rr_only, med, std::max(runs, 1), rr_only / med, members / med, members,
                (double)members / rr_only);
    return 0;
  }

  auto t0 = std::chrono::steady_clock::now();
  ell = ell * (1 + std::log(2.0) / std::log(n));  // so the whole algorithm succeeds w.p. >= 1 - n^-ell
  const double lc = log_choose(n, k);
  const double e = std::exp(1.0);
  Sampler sampler(g, seed, jump_min);
  RRSets rr;
  // Sampling (Algorithm 2): find a lower bound LB of OPT.
  const double eps_p = std::sqrt(2.0) * eps;
  const double lambda_p = (2 + 2.0 / 3 * eps_p) * (lc + ell * std::log(n) + std::log(std::log2(n))) * n / (eps_p * eps_p);
  double lb = 1;
  for (int i = 1; i < std::log2(n); ++i) {
    double x = n / std::pow(2.0, i);
    double theta_i = lambda_p / x;
    while (rr.size() < theta_i) sampler.add(rr);
    auto [s, cov] = select(g, rr, k);
    double f = (double)cov / rr.size();
    if (n * f >= (1 + eps_p) * x) { lb = n * f / (1 + eps_p); break; }
  }
  const double alpha = std::sqrt(ell * std::log(n) + std::log(2.0));
  const double beta = std::sqrt((1 - 1 / e) * (lc + ell * std::log(n) + std::log(2.0)));
  const double lambda_star = 2 * n * std::pow((1 - 1 / e) * alpha + beta, 2) / (eps * eps);
  const double theta = lambda_star / lb;
  while (rr.size() < theta) sampler.add(rr);
  auto [seeds, cov] = select(g, rr, k);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("imm k=%u epsilon=%.2f%s: %.3f s, %zu RR sets (%zu members), peak RSS %ld KiB, estimated spread %.1f\n",
              k, eps, jump_min ? (", jumps at in-degree >= " + std::to_string(jump_min)).c_str() : "", secs, rr.size(), rr.nodes.size(), peak_rss_kib(), n * cov / rr.size());
  auto t1 = std::chrono::steady_clock::now();
  double spread = mc_spread(g, seeds, mc, seed);
  double mc_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  std::printf("monte carlo spread of the seeds: %.1f (%d simulations, %.2f s)\n", spread, mc, mc_secs);
  return 0;
}
