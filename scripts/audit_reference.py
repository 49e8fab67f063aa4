#!/usr/bin/env python3
"""Check `earshot audit --by authority` against an independent computation with networkx.

The script labels a graph's nodes with groups from a `node group` file (SNAP's email-Eu-core
departments), imports the edge list into a fresh database as follows, and runs
`earshot --json audit --by authority --top K`. It then computes, with networkx's PageRank over the same
directed graph (self-loops kept, as earshot keeps a self-follow), the top K, each group's count and
share of it and of everyone, the groups' exposure shares (Singh & Joachims 2018: 1/log2(1+rank), tied
values sharing their positions' mean) and their median PageRank, and compares:

- counts and shares exactly (the same integers, the same divisions);
- exposure shares and medians within --tolerance (two PageRank implementations differ in the last
  digits).

It refuses to compare a top K whose cut falls between two accounts networkx ranks equal: which of them
is in would be arbitrary.

    python3 scripts/audit_reference.py --earshot target/release/earshot \\
        ../shared/data/im-graphs/email-Eu-core.txt.gz \\
        --labels ../shared/data/im-graphs/email-Eu-core-department-labels.txt --top 100

Needs: pip install networkx scipy numpy
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import networkx as nx
import numpy as np
from snap_edges import snap_edges


def read_labels(path):
    labels = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and not line.startswith("#"):
                labels[parts[0]] = parts[1]
    return labels


def exposures(values):
    """Position bias per rank of `values` (sorted high to low), ties sharing their mean."""
    out = [0.0] * len(values)
    start = 0
    while start < len(values):
        end = start + 1
        while end < len(values) and values[end] == values[start]:
            end += 1
        mean = sum(1.0 / math.log2(i + 2) for i in range(start, end)) / (end - start)
        for i in range(start, end):
            out[i] = mean
        start = end
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("edges")
    ap.add_argument("--labels", required=True, help="`node group` per line")
    ap.add_argument("--earshot", required=True)
    ap.add_argument("--top", type=int, default=100)
    ap.add_argument("--tolerance", type=float, default=1e-6)
    args = ap.parse_args()

    graph = nx.DiGraph()
    for u, v, _ in snap_edges(args.edges, weighted=False):
        graph.add_edge(u, v)
    labels = read_labels(args.labels)
    n = graph.number_of_nodes()
    pr = nx.pagerank(graph, alpha=0.85, tol=1e-13 / n, max_iter=100_000)
    order = sorted(pr, key=lambda node: -pr[node])
    values = [pr[node] for node in order]
    k = min(args.top, n)
    if k < n and values[k - 1] == values[k]:
        print(f"FAIL: networkx ranks the {k}-th and {k + 1}-th equal; pick another --top", file=sys.stderr)
        return 1
    exposure = exposures(values)
    total_exposure = sum(exposure)
    expected = {}
    for pos, node in enumerate(order):
        g = labels.get(node, "(unlabelled)")
        e = expected.setdefault(g, {"ranked": 0, "top_k": 0, "exposure": 0.0, "values": []})
        e["ranked"] += 1
        e["top_k"] += pos < k
        e["exposure"] += exposure[pos]
        e["values"].append(pr[node])

    with tempfile.TemporaryDirectory() as work:
        groups = os.path.join(work, "groups.csv")
        with open(groups, "w") as f:
            f.write("account,group\n")
            for node, g in labels.items():
                f.write(f"{node},{g}\n")
        db = os.path.join(work, "audit.db")
        subprocess.run([args.earshot, "--db", db, "--quiet", "import", "--format", "snap", args.edges], check=True)
        out = subprocess.run([args.earshot, "--db", db, "--quiet", "--json", "audit", "--groups", groups,
                              "--by", "authority", "--top", str(args.top)],
                             check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    failures = []
    if report["ranked"] != n or report["k"] != k:
        failures.append(f"ranked {report['ranked']} k {report['k']}, expected {n} and {k}")
    ours = {g["group"]: g for g in report["groups"]}
    if set(ours) != set(expected):
        failures.append(f"groups differ: only earshot {set(ours) - set(expected)}, "
                        f"only networkx {set(expected) - set(ours)}")
    worst = 0.0
    for name, e in expected.items():
        g = ours.get(name)
        if g is None:
            continue
        exact = {"ranked": e["ranked"], "top_k": e["top_k"], "base_share": e["ranked"] / n,
                 "top_k_share": e["top_k"] / k}
        for field, want in exact.items():
            if g[field] != want:
                failures.append(f"group {name}: {field} {g[field]!r}, expected {want!r}")
        close = {"exposure_share": e["exposure"] / total_exposure,
                 "median": float(np.percentile(e["values"], 50))}
        got = {"exposure_share": g["exposure_share"], "median": g["values"]["p50"]}
        for field, want in close.items():
            err = abs(got[field] - want) / max(abs(want), 1e-300)
            worst = max(worst, err)
            if err > args.tolerance:
                failures.append(f"group {name}: {field} {got[field]!r}, expected {want!r} (relative {err:.1e})")
    print(f"{os.path.basename(args.edges)}: {n} nodes, {len(expected)} groups, top {k}: "
          f"{sum(e['top_k'] for e in expected.values())} accounts placed; counts and shares "
          f"{'equal' if not failures else 'DIFFER'}; exposure shares and medians within {worst:.1e} "
          f"(networkx {nx.__version__})")
    for f in failures[:20]:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
