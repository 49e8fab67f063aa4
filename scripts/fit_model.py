#!/usr/bin/env python3
"""Choose score-model parameters by backtest on a VALIDATION split (never the test split).

Runs `earshot backtest --json` for every candidate (a grid over the per-reactor saturation scale and a few
component-weight sets that keep every component in the model), ranks candidates by NDCG@100 + Spearman on
the validation split, prints the table, and writes the best candidate as a new model file.

    python3 scripts/fit_model.py --earshot target/release/earshot --db higgs.db \
        --train-until 2012-07-02 --test-until 2012-07-04 --version earshot-score-3 --out models/score-v3.json
"""
import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile

SATURATION = [1.0, 3.0, 10.0, 30.0]
# Every component keeps a floor: the score must stay explainable in all of them, not collapse into counts.
WEIGHTS = [
    {"audience": 0.55, "amplification": 0.10, "conversation": 0.05, "authority": 0.25, "reach": 0.05},
    {"audience": 0.45, "amplification": 0.15, "conversation": 0.10, "authority": 0.25, "reach": 0.05},
    {"audience": 0.65, "amplification": 0.10, "conversation": 0.05, "authority": 0.15, "reach": 0.05},
    {"audience": 0.40, "amplification": 0.20, "conversation": 0.05, "authority": 0.30, "reach": 0.05},
    {"audience": 0.70, "amplification": 0.05, "conversation": 0.05, "authority": 0.15, "reach": 0.05},
]


def backtest(binary, db, model_path, args):
    cmd = [binary, "--db", db, "--json", "backtest", "--model", model_path,
           "--train-until", args.train_until, "--test-until", args.test_until]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    results = json.loads(out)["results"]
    return results[0], {r["predictor"]: r for r in results[1:]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--earshot", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--base", default="models/score-v2.json")
    ap.add_argument("--train-until", required=True)
    ap.add_argument("--test-until", required=True)
    ap.add_argument("--version", required=True, help="version string of the written model")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    base = json.load(open(args.base))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for sat, w in itertools.product(SATURATION, WEIGHTS):
            model = dict(base, reactor_saturation=sat, weights=w, version=f"candidate-{len(rows)}")
            path = os.path.join(tmp, "m.json")
            json.dump(model, open(path, "w"))
            ours, baselines = backtest(args.earshot, args.db, path, args)
            rows.append((ours["ndcg"] + ours["spearman"], ours, sat, w))
    rows.sort(key=lambda r: -r[0])
    best_base = max(baselines.values(), key=lambda r: r["ndcg"])
    print(f"validation split: train until {args.train_until}, test until {args.test_until}")
    print(f"best baseline by NDCG@100: {best_base['predictor']}: NDCG {best_base['ndcg']:.4f} "
          f"Spearman {best_base['spearman']:.4f}")
    print(f"{'saturation':>10} {'weights (aud/amp/conv/auth/reach)':>36} {'NDCG@100':>9} {'Spearman':>9}")
    for _, r, sat, w in rows:
        ws = "/".join(f"{w[k]:.2f}" for k in ["audience", "amplification", "conversation", "authority", "reach"])
        print(f"{sat:>10} {ws:>36} {r['ndcg']:>9.4f} {r['spearman']:>9.4f}")
    _, best, sat, w = rows[0]
    model = dict(base, reactor_saturation=sat, weights=w, version=args.version)
    model["about"] = (f"Fitted by scripts/fit_model.py on the validation split (train until {args.train_until}, "
                      f"test until {args.test_until}): NDCG@100 {best['ndcg']:.4f}, Spearman {best['spearman']:.4f}. "
                      "Components are combined on a log scale relative to each component's median earned value; "
                      "overall = 1 + 99 x the percentile of the weighted sum.")
    with open(args.out, "w") as f:
        f.write(json.dumps(model, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
