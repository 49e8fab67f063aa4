#!/usr/bin/env python3
"""Check earshot's authority (weighted PageRank) against networkx on a real edge list.

networkx computes the expected vector from the file itself; earshot imports the same file into a fresh
database and ranks it with `earshot authority`. The script prints the L1 distance between the two vectors
and exits 1 if it exceeds --max-l1 (default 1e-6).

    python3 scripts/pagerank_reference.py --earshot target/release/earshot \
        ../shared/data/im-graphs/wiki-Vote.txt.gz
    python3 scripts/pagerank_reference.py --earshot target/release/earshot --weighted \
        ../shared/data/higgs-twitter/higgs-retweet_network.edgelist.gz

Needs: pip install networkx scipy
"""
import argparse
import gzip
import os
import subprocess
import sys
import tempfile

import networkx as nx


def read_graph(path, weighted):
    """Directed graph from a SNAP-style edge list; repeated edges add their weights (as earshot merges them)."""
    opener = gzip.open if path.endswith(".gz") else open
    graph = nx.DiGraph()
    with opener(path, "rt") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split()
            u, v = parts[0], parts[1]
            w = float(parts[2]) if weighted and len(parts) > 2 else 1.0
            if graph.has_edge(u, v):
                graph[u][v]["weight"] += w
            else:
                graph.add_edge(u, v, weight=w)
    return graph


def earshot_scores(binary, path, weighted, workdir):
    db = os.path.join(workdir, "check.db")
    tsv = os.path.join(workdir, "earshot.tsv")
    # Every edge is one reaction of one kind, so kind weights are uniform and the graph is the file's.
    subprocess.run([binary, "--db", db, "--quiet", "import", "--format", "snap", "--kind", "reshare", path],
                   check=True)
    args = [binary, "--db", db, "--quiet", "authority", "--top", "0", "--tolerance", "1e-13", "--tsv", tsv]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    scores = {}
    with open(tsv) as f:
        next(f)
        for line in f:
            ext_id, _handle, score = line.rstrip("\n").split("\t")
            scores[ext_id] = float(score)
    return scores


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("edges")
    ap.add_argument("--earshot", required=True, help="path to the earshot binary")
    ap.add_argument("--weighted", action="store_true", help="third column is the edge weight")
    ap.add_argument("--alpha", type=float, default=0.85)
    ap.add_argument("--max-l1", type=float, default=1e-6)
    ap.add_argument("--expected-out", help="also write networkx's vector here as TSV")
    args = ap.parse_args()

    graph = read_graph(args.edges, args.weighted)
    n = graph.number_of_nodes()
    # networkx stops when the L1 change is below n * tol: ask for an L1 change below 1e-11.
    expected = nx.pagerank(graph, alpha=args.alpha, tol=1e-11 / n, max_iter=100_000,
                           weight="weight" if args.weighted else None)
    if args.expected_out:
        with open(args.expected_out, "w") as f:
            for node, score in sorted(expected.items(), key=lambda kv: -kv[1]):
                f.write(f"{node}\t{score:.17e}\n")
    with tempfile.TemporaryDirectory() as workdir:
        ours = earshot_scores(args.earshot, args.edges, args.weighted, workdir)
    missing = set(expected) ^ set(ours)
    l1 = sum(abs(expected.get(k, 0.0) - ours.get(k, 0.0)) for k in set(expected) | set(ours))
    print(f"{os.path.basename(args.edges)}: {n} nodes, {graph.number_of_edges()} edges, "
          f"L1(earshot, networkx {nx.__version__}) = {l1:.3e}, nodes in only one = {len(missing)}")
    if missing or not l1 <= args.max_l1:
        print(f"FAIL: L1 above {args.max_l1} or node sets differ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
