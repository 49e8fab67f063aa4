#!/usr/bin/env python3
"""Compare `earshot communities` with networkx's Louvain on an edge list, with ground-truth labels if any.

Both sides see the same graph: the edge list made undirected by summing both directions (a pair linked
both ways weighs 2), self-loops dropped, every node of the file kept (one with only self-loops has no
edges and is a community of its own). NMI is the arithmetic-mean normalisation (scikit-learn's default
`normalized_mutual_info_score`), over every labelled node; a labelled node that is not in the graph is a
community of its own.

earshot runs once per seed (its default is seed 0) and once with nodes in id order (--id-order); networkx's
`louvain_communities(G, weight="weight", resolution=..., seed=s)` once per seed. For every earshot run the
script also recomputes NMI (here) and modularity (networkx's `modularity`) from the partition earshot wrote
with --tsv, and fails if they differ from the figures earshot reported: the metrics are checked, not just
the algorithm.

    python3 scripts/communities_reference.py --earshot target/release/earshot \\
        ../shared/data/im-graphs/email-Eu-core.txt.gz \\
        --labels ../shared/data/im-graphs/email-Eu-core-department-labels.txt --seeds 10

Without --labels only modularity is compared (and checked):

    python3 scripts/communities_reference.py --earshot target/release/earshot --seeds 3 \
        ../shared/data/im-graphs/wiki-Vote.txt.gz

Exits 1 if a metric check fails, or if earshot's mean NMI over the seeds is below --min-nmi or more than
--max-gap below networkx's. Needs: pip install networkx (scikit-learn, when present, cross-checks NMI).
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter

import networkx as nx
from snap_edges import snap_edges


def read_graph(path):
    """Undirected graph from a SNAP-style edge list: both directions summed, self-loops dropped, nodes in
    order of first appearance (as earshot numbers them)."""
    graph = nx.Graph()
    lines = self_loops = 0
    for u, v, w in snap_edges(path):
        lines += 1
        graph.add_node(u)
        graph.add_node(v)
        if u == v:
            self_loops += 1
        elif graph.has_edge(u, v):
            graph[u][v]["weight"] += w
        else:
            graph.add_edge(u, v, weight=w)
    return graph, lines, self_loops


def read_labels(path):
    labels = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            node, label = line.split()
            labels[node] = label
    return labels


def nmi(a, b):
    """NMI with arithmetic-mean normalisation, as scikit-learn's default (natural log; it cancels)."""
    n = len(a)
    ca, cb, cab = Counter(a), Counter(b), Counter(zip(a, b))
    if len(ca) <= 1 and len(cb) <= 1:
        return 1.0
    mi = sum(c / n * math.log(n * c / (ca[x] * cb[y])) for (x, y), c in cab.items())
    if mi <= 1e-15:
        return 0.0
    h = lambda cnt: -sum(c / n * math.log(c / n) for c in cnt.values())  # noqa: E731
    return mi / max((h(ca) + h(cb)) / 2, sys.float_info.epsilon)


def score(labels, community):
    """NMI over every labelled node; one missing from `community` is alone. NaN without labels."""
    if labels is None:
        return float("nan")
    nodes = list(labels)
    fresh = iter(range(10**9, 2 * 10**9))
    found = [community[v] if v in community else next(fresh) for v in nodes]
    return nmi([labels[v] for v in nodes], found)


def run_networkx(graph, labels, seed, resolution):
    t = time.perf_counter()
    comms = nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed)
    seconds = time.perf_counter() - t
    community = {v: i for i, c in enumerate(comms) for v in c}
    return {
        "nmi": score(labels, community),
        "modularity": nx.community.modularity(graph, comms, weight="weight"),
        "communities": sum(1 for c in comms if len(c) > 1),
        "seconds": seconds,
    }


def run_earshot(binary, edges, labels_path, labels, graph, seed, resolution, scratch):
    tsv = os.path.join(scratch, "communities.tsv")
    cmd = [binary, "--json", "--db", os.path.join(scratch, "unused.db"), "communities", "--edges", edges,
           "--format", "snap", "--resolution", repr(resolution), "--tsv", tsv]
    if labels_path:
        cmd += ["--labels", labels_path]
    cmd += ["--id-order"] if seed is None else ["--seed", str(seed)]
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - t
    report = json.loads(out)
    community = {}
    with open(tsv) as f:
        next(f)
        for line in f:
            ext_id, _handle, c, _size = line.rstrip("\n").split("\t")
            community[ext_id] = int(c)
    groups = {}
    for v, c in community.items():
        groups.setdefault(c, set()).add(v)
    # Independent recomputation of the figures earshot reported.
    our_nmi = score(labels, community)
    our_q = nx.community.modularity(graph, list(groups.values()), weight="weight")
    problems = []
    if labels is not None and abs(our_nmi - report["labels"]["nmi"]) > 1e-9:
        problems.append(f"NMI: earshot {report['labels']['nmi']!r}, recomputed {our_nmi!r}")
    if abs(our_q - report["modularity"]) > 1e-9:
        problems.append(f"modularity: earshot {report['modularity']!r}, networkx {our_q!r}")
    if set(community) != set(graph.nodes()):
        problems.append("earshot's nodes differ from the file's")
    return {
        "nmi": report["labels"]["nmi"] if labels is not None else float("nan"),
        "modularity": report["modularity"],
        "communities": report["communities"] - report["singletons"],
        "seconds": report["louvain_seconds"],
        "wall": wall,
        "problems": problems,
        "community": community,
    }


def summary(name, runs):
    f = lambda k: [r[k] for r in runs]  # noqa: E731
    nmis = f("nmi")
    return (f"{name:<28} {len(runs):>4} {statistics.mean(nmis):>8.4f} {min(nmis):>7.4f} {max(nmis):>7.4f} "
            f"{statistics.mean(f('modularity')):>10.4f} {statistics.mean(f('communities')):>6.1f} "
            f"{statistics.mean(f('seconds')):>9.4f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("edges")
    ap.add_argument("--labels", help="`node label` lines: ground truth to measure NMI against")
    ap.add_argument("--earshot", default="target/release/earshot")
    ap.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 for both tools")
    ap.add_argument("--resolution", type=float, default=1.0)
    ap.add_argument("--min-nmi", type=float, default=0.0, help="fail if earshot's mean NMI over seeds is lower")
    ap.add_argument("--max-gap", type=float, default=0.03,
                    help="fail if earshot's mean NMI over seeds is this much below networkx's")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = ap.parse_args()

    graph, lines, self_loops = read_graph(args.edges)
    labels = read_labels(args.labels) if args.labels else None
    isolated = sum(1 for v in graph.nodes() if graph.degree(v) == 0)
    print(f"{os.path.basename(args.edges)}: {lines} edge lines, {graph.number_of_nodes()} nodes, "
          f"{graph.number_of_edges()} undirected edges ({self_loops} self-loops dropped, {isolated} nodes "
          f"without edges); " + (f"{len(labels)} labelled nodes, {len(set(labels.values()))} labels; "
                                 if labels else "no labels; ") +
          f"networkx {nx.__version__}")

    seeds = list(range(args.seeds))
    with tempfile.TemporaryDirectory() as scratch:
        ordered = run_earshot(args.earshot, args.edges, args.labels, labels, graph, None, args.resolution, scratch)
        seeded = [run_earshot(args.earshot, args.edges, args.labels, labels, graph, s, args.resolution, scratch)
                  for s in seeds]
    reference = [run_networkx(graph, labels, s, args.resolution) for s in seeds]
    try:
        from sklearn.metrics import normalized_mutual_info_score as sk_nmi
        if labels is None:
            raise ImportError("no labels to check NMI on")
        nodes = list(labels)
        for r in [ordered] + seeded:
            fresh = iter(range(10**9, 2 * 10**9))
            found = [r["community"].get(v, next(fresh)) for v in nodes]
            sk = sk_nmi([labels[v] for v in nodes], found)
            if abs(sk - r["nmi"]) > 1e-9:
                r["problems"].append(f"NMI: earshot {r['nmi']!r}, scikit-learn {sk!r}")
        print(f"scikit-learn's normalized_mutual_info_score checked earshot's NMI on all {1 + len(seeded)} runs")
    except ImportError:
        pass

    print(f"{'resolution ' + repr(args.resolution):<28} {'runs':>4} {'NMI mean':>8} {'min':>7} {'max':>7} "
          f"{'modularity':>10} {'comm.':>6} {'seconds':>9}")
    print(summary(f"earshot, seeds 0-{args.seeds - 1}", seeded))
    if seeded:
        print(summary("earshot, default (seed 0)", seeded[:1]))
    print(summary("earshot, id order", [ordered]))
    print(summary(f"networkx, seeds 0-{args.seeds - 1}", reference))
    print("(NMI over every labelled node; comm. = communities of two nodes or more; seconds = Louvain alone)")

    problems = ordered["problems"] + [p for r in seeded for p in r["problems"]]
    ours = statistics.mean(r["nmi"] for r in seeded) if labels else float("nan")
    theirs = statistics.mean(r["nmi"] for r in reference) if labels else float("nan")
    if labels and ours < args.min_nmi:
        problems.append(f"earshot's mean NMI {ours:.4f} is below --min-nmi {args.min_nmi}")
    if labels and ours < theirs - args.max_gap:
        problems.append(f"earshot's mean NMI {ours:.4f} is more than {args.max_gap} below networkx's {theirs:.4f}")
    if args.json:
        strip = lambda r: {k: v for k, v in r.items() if k not in ("community", "problems")}  # noqa: E731
        print(json.dumps({"earshot_id_order": strip(ordered), "earshot": [strip(r) for r in seeded],
                          "networkx": reference}))
    for p in problems:
        print(f"FAIL: {p}", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
