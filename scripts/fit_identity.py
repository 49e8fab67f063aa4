#!/usr/bin/env python3
"""Fit, choose and test earshot's identity suggestions on generated people with known truth.

    python3 scripts/fit_identity.py target/release/earshot WORKDIR

1. Generates four datasets with `earshot gen --platforms`: seed 1 (fit), seed 2 (choose), seed 3
   (test, once) with mastodon, bluesky and x, 1000 persons each; and a transfer set, seed 4 with
   3000 persons on mastodon and x only (three times the people, so more look-alikes per name, and
   one platform pair the model never saw alone).
2. Fits a logistic regression (numpy, L2 1e-3, Newton steps) on every candidate pair of seed 1
   (`earshot identity suggest --every-pair --json`), labelled by the truth file.
3. On seed 2, chooses the threshold and the margin over the best rival (`identity eval --weights
   --margin`) with the most recall at a precision of at least 0.95.
4. Reports precision and recall at that threshold on seed 3 and on the transfer set, each with a
   95% Wilson interval, and prints the weights to put in `Weights::DEFAULT`.
"""
import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np

FEATURES = ["handle", "handle_vs_name", "name", "bio", "posts", "claimed", "missing", "neighbours"]


def run(earshot, *args):
    out = subprocess.run([earshot, *args], check=True, capture_output=True, text=True)
    return out.stdout


def dataset(earshot, work, seed, persons, platforms):
    db = work / f"s{seed}.db"
    data = work / f"s{seed}.jsonl"
    truth = work / f"s{seed}.csv"
    if db.exists():
        db.unlink()
    run(earshot, "gen", "--platforms", platforms, "--persons", str(persons), "--seed", str(seed),
        "--out", str(data), "--truth", str(truth))
    run(earshot, "--quiet", "--db", str(db), "import", str(data))
    return db, truth


def truth_of(path):
    with open(path) as f:
        return {(r["platform"], r["ext_id"]): r["person"] for r in csv.DictReader(f)}


def pairs(earshot, db, truth, weights=None):
    args = ["--json", "--db", str(db), "identity", "suggest", "--every-pair", "--min-score", "0",
            "--limit", "100000000"]
    if weights:
        args += [f"--weights={weights}"]
    rep = json.loads(run(earshot, *args))
    xs, ys = [], []
    for s in rep["suggestions"]:
        if s["verified"]:
            continue
        a = truth.get((s["a"]["platform"], s["a"]["platform_id"]))
        b = truth.get((s["b"]["platform"], s["b"]["platform_id"]))
        xs.append(s["features"])
        ys.append(1.0 if a is not None and a == b else 0.0)
    return np.array(xs), np.array(ys)


def fit(x, y, l2=1e-3, steps=50):
    x1 = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(x1.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x1 @ w))
        grad = x1.T @ (p - y) + l2 * np.r_[0, w[1:]]
        hess = (x1.T * (p * (1 - p))) @ x1 + l2 * np.diag(np.r_[0, np.ones(len(w) - 1)])
        w -= np.linalg.solve(hess, grad)
    return w


def evaluate(earshot, db, truth, weights, thresholds, margin):
    rep = json.loads(run(earshot, "--json", "--db", str(db), "identity", "eval", "--truth",
                         str(truth), f"--weights={weights}", "--margin", str(margin), "--min-score",
                         ",".join(f"{t:.3f}" for t in thresholds)))
    return rep


def wilson(k, n, z=1.96):
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (c - h, c + h)


def main():
    earshot, work = sys.argv[1], Path(sys.argv[2])
    work.mkdir(parents=True, exist_ok=True)
    sets = {
        "fit": dataset(earshot, work, 1, 1000, "mastodon,bluesky,x"),
        "choose": dataset(earshot, work, 2, 1000, "mastodon,bluesky,x"),
        "test": dataset(earshot, work, 3, 1000, "mastodon,bluesky,x"),
        "transfer": dataset(earshot, work, 4, 3000, "mastodon,x"),
    }
    db, truth = sets["fit"]
    x, y = pairs(earshot, db, truth_of(truth))
    w = fit(x, y)
    weights = ",".join(f"{v:.3f}" for v in w)
    print(f"fit on seed 1: {len(y)} candidate pairs, {int(y.sum())} of one person")
    print("weights (intercept, " + ", ".join(FEATURES) + "): " + weights)
    thresholds = [0.005, 0.01, 0.02, 0.03] + [round(t, 2) for t in np.arange(0.05, 1.0, 0.05)]
    db, truth = sets["choose"]
    best = None
    for margin in [1.0, 1.5, 2.0, 3.0, 5.0, 10.0]:
        rep = evaluate(earshot, db, truth, weights, thresholds, margin)
        for r in rep["rows"]:
            key = (r["precision"] >= 0.95, r["recall"] if r["precision"] >= 0.95 else r["precision"])
            if best is None or key > best[0]:
                best = (key, r["min_score"], margin, r)
    _, t, margin, chosen = best
    print(f"chosen on seed 2: min score {t:.3f}, margin {margin} (precision {chosen['precision']:.3f}, "
          f"recall {chosen['recall']:.3f})")
    for name in ["test", "transfer"]:
        db, truth = sets[name]
        r = evaluate(earshot, db, truth, weights, [t], margin)
        row = r["rows"][0]
        p_lo, p_hi = wilson(row["correct"], row["suggested"])
        r_lo, r_hi = wilson(row["correct"], r["true_pairs"])
        print(f"{name}: {r['true_pairs']} true pairs; at {t:.2f}: {row['suggested']} suggested, "
              f"{row['correct']} correct; precision {row['precision']:.3f} [{p_lo:.3f}, {p_hi:.3f}], "
              f"recall {row['recall']:.3f} [{r_lo:.3f}, {r_hi:.3f}]; verified wrong {row['verified_wrong']}")


if __name__ == "__main__":
    main()
