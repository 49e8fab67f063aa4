#!/usr/bin/env python3
"""Read an earshot database's interactions with DuckDB, as an analyst would, and check them against
`earshot stats --json`.

The event log is plain Parquet (docs/segments.md): DuckDB reads `DATABASE.events/*.parquet` directly.
Interactions a post's reference implies, and those written through the API, are rows of the SQLite
file's `interactions` table; an event stored twice (two files holding it, before `earshot compact`) is
one event, so the union is de-duplicated on the log's key (kind, target, time, id).

usage: segments_duckdb.py EARSHOT DATABASE
Exit 1 (with the differences) when a count differs.
"""
import glob
import json
import sqlite3
import subprocess
import sys

import duckdb

KINDS = {1: "reply", 2: "mention", 3: "reshare", 4: "quote", 5: "like", 6: "follow", 7: "unfollow"}


def main():
    earshot, db = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(f"{db}.events/*.parquet"))
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE log (kind INTEGER, target BIGINT, time BIGINT, id BIGINT, platform VARCHAR)"
    )
    if files:
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        con.execute(
            f"INSERT INTO log SELECT kind, target, time, id, platform FROM read_parquet([{listed}])"
        )
    rows = sqlite3.connect(db).execute(
        "SELECT i.kind, i.target, i.time, i.id, a.platform FROM interactions i "
        "JOIN accounts a ON a.id = i.target"
    ).fetchall()
    if rows:
        con.executemany("INSERT INTO log VALUES (?, ?, ?, ?, ?)", rows)
    counted = con.execute(
        "SELECT platform, kind, COUNT(*) FROM (SELECT DISTINCT kind, target, time, id, platform FROM log) "
        "GROUP BY platform, kind ORDER BY platform, kind"
    ).fetchall()
    ours = {(p, KINDS.get(k, f"unknown({k})")): n for p, k, n in counted}
    stats = json.loads(
        subprocess.run([earshot, "--db", db, "--json", "stats"], check=True, capture_output=True).stdout
    )
    theirs = {(k["platform"], k["kind"]): k["count"] for k in stats["by_kind"]}
    total = sum(ours.values())
    print(f"{len(files)} segment file(s) and {len(rows)} SQLite rows: {total} interactions; "
          f"earshot stats: {stats['interactions']}")
    if ours != theirs or total != stats["interactions"]:
        for key in sorted(set(ours) | set(theirs)):
            if ours.get(key) != theirs.get(key):
                print(f"  {key}: DuckDB {ours.get(key)}, earshot {theirs.get(key)}")
        sys.exit(1)
    print("DuckDB's counts match `earshot stats` for every platform and kind")


if __name__ == "__main__":
    main()
