#!/usr/bin/env python3
"""Choose score-model parameters by backtest on VALIDATION splits (never the test split).

Runs `earshot backtest --json` for every candidate on every validation split. A candidate's margin is its
worst result against the best baseline, over both metrics (Spearman's rho and NDCG@100) and all validation
splits; the best margin wins. Candidates within 1e-4 of the best are ties, broken by Spearman's margin on
the tie-break split (rank over all accounts is what separates near-identical candidates; NDCG@100 there
moves with the same top accounts for all of them). Prints the table and writes the winner as a new model file.

    python3 scripts/fit_model.py --earshot target/release/earshot --db higgs.db \\
        --split 2012-07-02:2012-07-04 --split 2012-07-03:2012-07-04 \\
        --tiebreak-split 2012-07-01T12:00:00Z:2012-07-03 --version earshot-score-3 --out /tmp/score-v3.json
"""
import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile

RECIPROCAL_CREDIT = [0.0, 0.5]
MENTION_WEIGHT = [1.0, 1.5, 2.0]
SECONDARY_QUANTILE = [0.9, 0.99]
# Every component keeps a weight: the score must stay explainable in all of them.
WEIGHTS = [
    {"audience": 0.85, "amplification": 0.05, "conversation": 0.05, "authority": 0.05, "reach": 0.05},
    {"audience": 0.80, "amplification": 0.05, "conversation": 0.05, "authority": 0.10, "reach": 0.05},
    {"audience": 0.70, "amplification": 0.10, "conversation": 0.05, "authority": 0.15, "reach": 0.05},
    {"audience": 0.55, "amplification": 0.10, "conversation": 0.05, "authority": 0.30, "reach": 0.05},
]
TIE = 1e-4


def margin(binary, db, model_path, split, metrics=("spearman", "ndcg")):
    """Worst (ours - best baseline) over `metrics` on one split, and our figures."""
    train, test = split
    cmd = [binary, "--db", db, "--json", "backtest", "--model", model_path,
           "--train-until", train, "--test-until", test]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    results = json.loads(out)["results"]
    ours = results[0]
    base = [r for r in results if r["predictor"].startswith("baseline")]
    m = min(ours[k] - max(b[k] for b in base) for k in metrics)
    return m, ours


def split_arg(s):
    # "TRAIN:TEST"; TRAIN may itself contain ':' (a time of day), TEST is the part after the last ':'
    # that starts a date.
    i = s.rfind(":20")
    if i <= 0:
        raise argparse.ArgumentTypeError(f"{s!r}: expected TRAIN_UNTIL:TEST_UNTIL")
    return (s[:i], s[i + 1:])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--earshot", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--base", default="models/score-v3.json")
    ap.add_argument("--split", type=split_arg, action="append", required=True,
                    help="validation split TRAIN_UNTIL:TEST_UNTIL (repeatable)")
    ap.add_argument("--tiebreak-split", type=split_arg)
    ap.add_argument("--version", required=True, help="version string of the written model")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    base = json.load(open(args.base))
    rows = []
    grid = itertools.product(RECIPROCAL_CREDIT, MENTION_WEIGHT, SECONDARY_QUANTILE, WEIGHTS)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.json")
        for rc, mention, q, w in grid:
            model = dict(base, reciprocal_credit=rc, secondary_quantile=q, weights=w,
                         kind_weights=dict(base["kind_weights"], mention=mention), version=f"candidate-{len(rows)}")
            json.dump(model, open(path, "w"))
            per_split = [margin(args.earshot, args.db, path, s) for s in args.split]
            worst = min(m for m, _ in per_split)
            tb = margin(args.earshot, args.db, path, args.tiebreak_split, ("spearman",))[0] if args.tiebreak_split else 0.0
            rows.append((worst, tb, model, per_split))
            print(f"{worst:+.4f} (tie-break {tb:+.4f})  reciprocal_credit={rc} mention={mention} "
                  f"secondary_quantile={q} weights={'/'.join(str(w[k]) for k in w)}", flush=True)
    best = max(r[0] for r in rows)
    tied = [r for r in rows if r[0] >= best - TIE]
    worst, tb, model, per_split = max(tied, key=lambda r: r[1])
    print(f"\nbest worst-case margin {best:+.4f}; {len(tied)} candidate(s) within {TIE}; chosen "
          f"(tie-break margin {tb:+.4f}): reciprocal_credit={model['reciprocal_credit']} "
          f"mention={model['kind_weights']['mention']} secondary_quantile={model['secondary_quantile']} "
          f"weights={model['weights']}")
    for (train, test), (m, ours) in zip(args.split, per_split):
        print(f"  train until {train}, test until {test}: Spearman {ours['spearman']:.4f} "
              f"NDCG@100 {ours['ndcg']:.4f} (margin {m:+.4f})")
    model["version"] = args.version
    with open(args.out, "w") as f:
        f.write(json.dumps(model, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
