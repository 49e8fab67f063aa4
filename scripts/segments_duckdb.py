#!/usr/bin/env python3
"""Read an earshot database's interactions and posts with DuckDB, as an analyst would, and check them
against `earshot stats --json`.

The event log is plain Parquet (docs/segments.md): DuckDB reads `DATABASE.events/events-*.parquet`
(interactions) and `DATABASE.events/posts-*.parquet` (posts, written by `import --event-log posts`)
directly. Interactions written through the API, and those a post's reference implies while posts are
SQLite rows, are rows of the SQLite file's `interactions` table; an event stored twice (two files
holding it, before `earshot compact`) is one event, so the union is de-duplicated on the log's key
(kind, target, time, id), and posts on their id.

Once any post segment exists, earshot derives the reactions posts' references imply when it reads
(crates/earshot-store/src/segments/derive.rs). This script derives them again, independently, in SQL:
each reference joined with the author of the post it names, less those a stated reaction of the same
kind, actor and post covers.

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


def quoted(files):
    return ", ".join("'" + f.replace("'", "''") + "'" for f in files)


def main():
    earshot, db = sys.argv[1], sys.argv[2]
    event_files = sorted(glob.glob(f"{db}.events/events-*.parquet"))
    post_files = sorted(glob.glob(f"{db}.events/posts-*.parquet"))
    con = duckdb.connect()
    sq = sqlite3.connect(db)

    con.execute(
        "CREATE TABLE log (kind INTEGER, target BIGINT, time BIGINT, id BIGINT, actor BIGINT, "
        "post BIGINT, platform VARCHAR)"
    )
    if event_files:
        con.execute(
            "INSERT INTO log SELECT kind, target, time, id, actor, post, platform "
            f"FROM read_parquet([{quoted(event_files)}])"
        )
    # With posts in the log, SQLite's implied rows are not read: the reactions are derived instead.
    stated_only = "WHERE i.implied_by IS NULL" if post_files else ""
    rows = sq.execute(
        "SELECT i.kind, i.target, i.time, i.id, i.actor, i.post, a.platform FROM interactions i "
        f"JOIN accounts a ON a.id = i.target {stated_only}"
    ).fetchall()
    if rows:
        con.executemany("INSERT INTO log VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("CREATE TABLE events AS SELECT DISTINCT kind, target, time, id, actor, post, platform FROM log")

    con.execute(
        "CREATE TABLE posts (id BIGINT, author BIGINT, time BIGINT, reply_to BIGINT, quote_of BIGINT, "
        "reshare_of BIGINT, platform VARCHAR, ext_id VARCHAR)"
    )
    if post_files:
        con.execute(
            "INSERT INTO posts SELECT id, author, time, reply_to, quote_of, reshare_of, platform, ext_id "
            f"FROM read_parquet([{quoted(post_files)}])"
        )
    sql_posts = sq.execute(
        "SELECT id, author, time, reply_to, quote_of, reshare_of, platform, ext_id FROM posts"
    ).fetchall()
    if sql_posts:
        con.executemany("INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", sql_posts)
    # One row per post id (copies of a post are the same post).
    con.execute("CREATE TABLE distinct_posts AS SELECT DISTINCT ON (id) * FROM posts ORDER BY id")

    derived = 0
    if post_files:
        con.execute(
            """CREATE TABLE implied AS
               WITH refs AS (
                   SELECT id AS child, author AS actor, platform, 1 AS kind, reply_to AS parent
                       FROM distinct_posts WHERE reply_to IS NOT NULL
                   UNION ALL SELECT id, author, platform, 4, quote_of FROM distinct_posts WHERE quote_of IS NOT NULL
                   UNION ALL SELECT id, author, platform, 3, reshare_of FROM distinct_posts WHERE reshare_of IS NOT NULL)
               SELECT r.kind, r.platform, r.child FROM refs r JOIN distinct_posts q ON q.id = r.parent
               WHERE NOT EXISTS (SELECT 1 FROM events s WHERE s.kind = r.kind AND s.actor = r.actor
                                 AND s.post = r.parent)"""
        )
        derived = con.execute("SELECT COUNT(*) FROM implied").fetchone()[0]
        con.execute("INSERT INTO events (kind, platform) SELECT kind, platform FROM implied")

    counted = con.execute(
        "SELECT platform, kind, COUNT(*) FROM events GROUP BY platform, kind ORDER BY platform, kind"
    ).fetchall()
    ours = {(p, KINDS.get(k, f"unknown({k})")): n for p, k, n in counted}
    post_counts = dict(
        con.execute("SELECT platform, COUNT(*) FROM distinct_posts GROUP BY platform").fetchall()
    )
    stats = json.loads(
        subprocess.run([earshot, "--db", db, "--json", "stats"], check=True, capture_output=True).stdout
    )
    theirs = {(k["platform"], k["kind"]): k["count"] for k in stats["by_kind"]}
    their_posts = {p["platform"]: p["posts"] for p in stats["by_platform"] if p["posts"]}
    total = sum(ours.values())
    posts_total = sum(post_counts.values())
    print(f"{len(event_files)} interaction segment(s), {len(post_files)} post segment(s) and "
          f"{len(rows)} SQLite rows: {total} interactions ({derived} derived from posts' references), "
          f"{posts_total} posts; earshot stats: {stats['interactions']} interactions, {stats['posts']} posts")
    failed = False
    if ours != theirs or total != stats["interactions"]:
        failed = True
        for key in sorted(set(ours) | set(theirs)):
            if ours.get(key) != theirs.get(key):
                print(f"  {key}: DuckDB {ours.get(key)}, earshot {theirs.get(key)}")
    if post_counts != their_posts or posts_total != stats["posts"]:
        failed = True
        print(f"  posts per platform: DuckDB {post_counts}, earshot {their_posts}")
    if post_files and derived != stats["implied_interactions"]:
        failed = True
        print(f"  implied interactions: DuckDB {derived}, earshot {stats['implied_interactions']}")
    if failed:
        sys.exit(1)
    print("DuckDB's counts match `earshot stats` for every platform and kind, and for posts")


if __name__ == "__main__":
    main()
