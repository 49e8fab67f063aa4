#!/usr/bin/env python3
"""Compare two JSON outputs of one earshot command from two builds (scripts/compare_builds.sh).

    python3 scripts/compare_json.py NAME OLD.json NEW.json

Fields that differ on every run are left out: timings (`seconds`, `*_seconds`, `seconds_*`, `elapsed*`),
peak memory, run ids and creation instants; the databases' names are made one. Prints one line: `identical`, or the number of values that differ, the
largest relative difference among numbers, and whether every list of objects keeps its order by identity
(`platform_id` or `account`), which is what a ranking's user sees.
"""

import json
import sys

VOLATILE = ("seconds", "elapsed", "peak_rss", "run", "run_id", "created_at", "as_of_wall")


def volatile(key):
    return (key in VOLATILE or key.endswith("_seconds") or key.endswith("_ms") or key.startswith("peak")
            or key.startswith("seconds_"))


def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if not volatile(k)}
    if isinstance(x, list):
        return [strip(v) for v in x]
    if isinstance(x, str):
        # The two builds' databases are old.db and new.db (compare_builds.sh): one name for both.
        return x.replace("/old.db", "/X.db").replace("/new.db", "/X.db")
    return x


def walk(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in set(a) | set(b):
            walk(a.get(k), b.get(k), f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out["diff"].append(f"{path}: length {len(a)} vs {len(b)}")
        ids_a = [identity(v) for v in a]
        ids_b = [identity(v) for v in b]
        if any(i is not None for i in ids_a) and ids_a != ids_b:
            out["order"].append(path)
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, f"{path}[{i}]", out)
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        if a != b:
            rel = abs(a - b) / max(abs(a), abs(b), 1e-300)
            out["diff"].append(f"{path}: {a} vs {b}")
            out["rel"] = max(out["rel"], rel)
    elif a != b:
        out["diff"].append(f"{path}: {a!r} vs {b!r}")
        out["rel"] = float("inf") if not (a is None and b is None) else out["rel"]


def identity(v):
    if isinstance(v, dict):
        for k in ("platform_id", "account", "id", "handle"):
            if k in v:
                return v[k]
    return None


def main():
    name, old, new = sys.argv[1], sys.argv[2], sys.argv[3]
    a, b = strip(json.load(open(old))), strip(json.load(open(new)))
    if a == b:
        print(f"{name}: identical (timing and run fields aside)")
        return
    out = {"diff": [], "order": [], "rel": 0.0}
    walk(a, b, name, out)
    order = "same order in every ranked list" if not out["order"] else f"order differs in {out['order'][:3]}"
    print(f"{name}: {len(out['diff'])} values differ, largest relative difference {out['rel']:.3g}; {order}")
    for d in out["diff"][:5]:
        print(f"    {d}")


if __name__ == "__main__":
    main()
