#!/usr/bin/env python3
"""Check earshot's authority (weighted PageRank) against networkx on a real edge list.

networkx computes the expected vector from the file itself; earshot imports the same file into a fresh
database and ranks it with `earshot authority`. The script prints the L1 distance between the two vectors
and exits 1 if it exceeds --max-l1 (default 1e-6).

Topic-sensitive authority (personalised PageRank) is checked the same way with a restart file, in
`earshot authority --restart`'s format (`ext_id [weight]` per line): networkx gets it as
`personalization=`. --random-restart N draws N nodes of the graph with weights uniform in (0, 1] from
--seed and writes the file itself, so a check needs no extra files.

    python3 scripts/pagerank_reference.py --earshot target/release/earshot \
        ../shared/data/im-graphs/wiki-Vote.txt.gz
    python3 scripts/pagerank_reference.py --earshot target/release/earshot --weighted \
        ../shared/data/higgs-twitter/higgs-retweet_network.edgelist.gz
    python3 scripts/pagerank_reference.py --earshot target/release/earshot --random-restart 50 --seed 1 \
        ../shared/data/im-graphs/wiki-Vote.txt.gz
    python3 scripts/pagerank_reference.py --earshot target/release/earshot --restart seeds.txt \
        ../shared/data/im-graphs/wiki-Vote.txt.gz

Needs: pip install networkx scipy
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

import networkx as nx
from snap_edges import snap_edges


def read_graph(path, weighted):
    """Directed graph from a SNAP-style edge list; repeated edges add their weights (as earshot merges them)."""
    graph = nx.DiGraph()
    for u, v, w in snap_edges(path, weighted):
        if graph.has_edge(u, v):
            graph[u][v]["weight"] += w
        else:
            graph.add_edge(u, v, weight=w)
    return graph


def read_restart(path):
    """`{ext_id: weight}` from a restart file: `ext_id [weight]` per line, blank and `#` lines skipped.

    Deliberately lenient: earshot validates the file, and a file it rejects fails the check anyway.
    """
    weights = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            weights[parts[0]] = float(parts[1]) if len(parts) > 1 else 1.0
    return weights


def random_restart(graph, count, seed, path):
    """Draw `count` distinct nodes of `graph` with weights uniform in (0, 1], write them to `path`."""
    rng = random.Random(seed)
    nodes = sorted(graph.nodes())  # a fixed order, so the seed alone decides the draw
    chosen = rng.sample(nodes, min(count, len(nodes)))
    weights = {node: 1.0 - rng.random() for node in chosen}
    with open(path, "w") as f:
        f.write(f"# {len(chosen)} random seeds, --seed {seed}\n")
        for node, w in weights.items():
            f.write(f"{node}\t{w!r}\n")
    return weights


def earshot_scores(binary, path, weighted, workdir, restart=None):
    db = os.path.join(workdir, "check.db")
    tsv = os.path.join(workdir, "earshot.tsv")
    # Every edge is one reaction of one kind, so kind weights are uniform and the graph is the file's.
    subprocess.run([binary, "--db", db, "--quiet", "import", "--format", "snap", "--kind", "reshare", path],
                   check=True)
    args = [binary, "--db", db, "--quiet", "authority", "--top", "0", "--tolerance", "1e-13", "--tsv", tsv]
    if restart:
        args += ["--restart", restart]
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
    topic = ap.add_mutually_exclusive_group()
    topic.add_argument("--restart", metavar="FILE",
                       help="topic seeds, `ext_id [weight]` per line: personalised PageRank")
    topic.add_argument("--random-restart", type=int, metavar="N",
                       help="draw N seed nodes of the graph with random weights in (0, 1]")
    ap.add_argument("--seed", type=int, default=0, help="random seed for --random-restart")
    args = ap.parse_args()

    started = time.monotonic()
    graph = read_graph(args.edges, args.weighted)
    n = graph.number_of_nodes()
    with tempfile.TemporaryDirectory() as workdir:
        restart_file, personalization = args.restart, None
        if args.random_restart is not None:
            restart_file = os.path.join(workdir, "restart.txt")
            personalization = random_restart(graph, args.random_restart, args.seed, restart_file)
        elif args.restart:
            personalization = read_restart(args.restart)
        if personalization is not None:
            # earshot's graph is the file's edges, so every seed must be a node of it: networkx would
            # silently drop the others, earshot reports them (they would have no edges in the window).
            outside = [k for k in personalization if k not in graph]
            if outside:
                print(f"FAIL: {len(outside)} restart ids are not nodes of the graph, e.g. {outside[:5]}",
                      file=sys.stderr)
                return 1
        # networkx stops when the L1 change is below n * tol: ask for an L1 change below 1e-11.
        expected = nx.pagerank(graph, alpha=args.alpha, personalization=personalization, tol=1e-11 / n,
                               max_iter=100_000, weight="weight" if args.weighted else None)
        if args.expected_out:
            with open(args.expected_out, "w") as f:
                for node, score in sorted(expected.items(), key=lambda kv: -kv[1]):
                    f.write(f"{node}\t{score:.17e}\n")
        ours = earshot_scores(args.earshot, args.edges, args.weighted, workdir, restart_file)
    missing = set(expected) ^ set(ours)
    l1 = sum(abs(expected.get(k, 0.0) - ours.get(k, 0.0)) for k in set(expected) | set(ours))
    mode = "" if personalization is None else f", restart at {len(personalization)} seeds"
    print(f"{os.path.basename(args.edges)}: {n} nodes, {graph.number_of_edges()} edges{mode}, "
          f"L1(earshot, networkx {nx.__version__}) = {l1:.3e}, nodes in only one = {len(missing)}, "
          f"{time.monotonic() - started:.1f} s")
    if missing or not l1 <= args.max_l1:
        print(f"FAIL: L1 above {args.max_l1} or node sets differ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
