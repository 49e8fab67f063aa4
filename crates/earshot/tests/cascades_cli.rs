//! `earshot import --format cascades`: the diffusion-prediction benchmarks' `cascades.txt` files and the
//! social graph `edges.txt` beside them, small made-up ones and the real Twitter, Douban and Android data
//! (`../shared/data/diffusion-cascades`, extracted from their archive into a temporary directory at test
//! time; skipped when absent, failing under `CI=true`).

mod common;
use common::*;
use std::collections::HashSet;
use std::path::Path;

#[test]
fn cascades_import_as_posts_and_reshares_named_after_their_directory() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    std::fs::create_dir(dir.path().join("twitter")).unwrap();
    let file = dir.path().join("twitter").join("cascades.txt");
    // Line 2: adoption #2 lost a digit; line 3: the root did; line 4: user 9 adopts twice.
    let text = "1 1285452422,2 1285452445,3 1285452466,\r\n\
                4 1285133281,5 1285133456,6 128513350,7 1285133600,\r\n\
                8 128545242,2 1285452445\r\n\
                9 1285000000,10 1285000001,9 1285000002,\r\n";
    std::fs::write(&file, text).unwrap();
    let rejects = dir.path().join("r.txt");
    let args = [
        "import",
        "--format",
        "cascades",
        "--rejects",
        rejects.to_str().unwrap(),
        file.to_str().unwrap(),
    ];
    let (code, rep) = earshot_json(&db, &args);
    assert_eq!(code, 3, "rejected records exit 3: {rep}");
    let r = &rep[0];
    assert_eq!(r["format"], "cascades");
    assert_eq!(r["written"]["posts_new"], 3);
    assert_eq!(r["written"]["interactions_new"], 2 + 2 + 1);
    assert_eq!(r["rejected"], 2);
    let notes = r["warnings"].to_string();
    assert!(notes.contains("1 repeated adoptions skipped"), "{notes}");
    let listed = std::fs::read_to_string(&rejects).unwrap();
    assert!(
        listed.contains(":2: time: adoption #2 (user 6) has time 128513350")
            && listed.contains("likely truncated"),
        "{listed}"
    );
    assert!(
        listed.contains(":3: time: root (user 8) has time 128545242"),
        "{listed}"
    );
    let s = stats(&db);
    let platforms: Vec<&str> = s["by_platform"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["platform"].as_str().unwrap())
        .collect();
    assert_eq!(platforms, ["twitter"]);
    assert_eq!(kind_count(&s, "reshare"), 5);
    assert_eq!(s["first_time_utc"], "2010-09-20 16:26:40");

    // Again: nothing new. Under another platform: all new, as the ids are local to the file.
    let (_, again) = earshot_json(&db, &args);
    assert_eq!(again[0]["written"]["interactions_new"], 0);
    assert_eq!(again[0]["written"]["posts_new"], 0);
    let mut other = args.to_vec();
    other.splice(3..3, ["--platform", "tw2010"]);
    let (_, rep) = earshot_json(&db, &other);
    assert_eq!(rep[0]["written"]["posts_new"], 3);
    assert_eq!(stats(&db)["posts"], 6);
}

/// The follows stored, as `(follower, followed)` ext_id pairs.
fn follows(db: &Path) -> HashSet<(String, String)> {
    let store = earshot_store::Store::open_existing(db).unwrap();
    let name = |id: i64| store.account_names(id).unwrap().expect("an account").0;
    stored_interactions(db)
        .into_iter()
        .filter(|i| i.time.is_none())
        .map(|i| (name(i.actor), name(i.target)))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> HashSet<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn the_graph_beside_cascades_txt_comes_along_as_follows_of_the_earlier_adopter() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("so");
    std::fs::create_dir(&ds).unwrap();
    let cascades = ds.join("cascades.txt");
    let edges = ds.join("edges.txt");
    std::fs::write(&cascades, "7 1 100,2 150,3 200,\n").unwrap();
    // 1 influences 2 and 2 influences 3; 2,1 is the reverse edge; 4,4 a self-loop, 1,2 again a repeat.
    std::fs::write(&edges, "1,2\n2,3\n2,1\n4,4\n1,2\n").unwrap();
    let c = cascades.to_str().unwrap();
    let e = edges.to_str().unwrap();

    let db = dir.path().join("a.db");
    let out = earshot(&db, &["import", "--format", "cascades", c]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("note: {e} is the social graph beside {c}"))
            && err.contains("--no-edges"),
        "{err}"
    );
    let s = stats(&db);
    assert_eq!(
        (kind_count(&s, "reshare"), kind_count(&s, "follow")),
        (2, 3)
    );
    assert_eq!(s["by_platform"][0]["platform"], "so");
    // 4 is only in its skipped self-loop.
    assert_eq!(s["by_platform"][0]["accounts"], 3);
    // Actor the follower (the later adopter), target the followed.
    assert_eq!(follows(&db), pairs(&[("2", "1"), ("3", "2"), ("1", "2")]));

    // In JSON, one report per file; listing the graph too reads it once, as a graph.
    let db = dir.path().join("b.db");
    let (code, rep) = earshot_json(&db, &["import", "--format", "cascades", e, c]);
    assert_eq!(code, 0, "{rep}");
    let formats: Vec<&str> = rep
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["cascade-edges", "cascades"]);
    assert_eq!(rep[0]["written"]["interactions_new"], 3);
    assert!(
        rep[0]["warnings"]
            .to_string()
            .contains("1 self-loops skipped")
            && rep[0]["warnings"]
                .to_string()
                .contains("1 repeated edges skipped"),
        "{rep}"
    );
    // Again: the edges are keyed by their ids, so nothing is new.
    let (_, again) = earshot_json(&db, &["import", "--format", "cascade-edges", e]);
    assert_eq!(again[0]["written"]["interactions_new"], 0);
    assert_eq!(again[0]["written"]["already_present"], 3);

    // --no-edges: the cascades alone.
    let db = dir.path().join("c.db");
    let (code, rep) = earshot_json(&db, &["import", "--format", "cascades", "--no-edges", c]);
    assert_eq!((code, rep.as_array().unwrap().len()), (0, 1), "{rep}");
    assert_eq!(kind_count(&stats(&db), "follow"), 0);

    // A cascades file of another name has no graph beside it.
    let other = ds.join("so-cascades.txt");
    std::fs::copy(&cascades, &other).unwrap();
    let db = dir.path().join("d.db");
    let (_, rep) = earshot_json(
        &db,
        &["import", "--format", "cascades", other.to_str().unwrap()],
    );
    assert_eq!(rep.as_array().unwrap().len(), 1, "{rep}");
}

/// What a `cascades.txt` should import as, counted straight from its text.
#[derive(Debug, Default)]
struct Expected {
    cascades: u64,
    /// Comma-separated items, and those that are `user ts` (the published adoption events: the last Douban
    /// line ends in a user without a time).
    items: u64,
    adoptions: u64,
    /// Timestamps of fewer than 10 digits (the public Twitter file's truncated ones).
    short_times: u64,
    posts: u64,
    interactions: u64,
    /// Lines skipped for their root, adoptions rejected on their own.
    rejected_lines: u64,
    rejected_adoptions: u64,
    /// Adoptions in the skipped lines (their roots included).
    adoptions_in_rejected_lines: u64,
    repeats: u64,
    /// Short timestamps imported, and those in lines whose every time is short (order cannot expose them).
    short_kept: u64,
    short_in_all_short_lines: u64,
    /// Short timestamps imported from lines where some time is not short (order should have found them).
    short_kept_elsewhere: u64,
    accounts: HashSet<String>,
}

/// Count by the format's rules (README, `earshot import --help`): adoptions are `user ts` in time order;
/// one more than 60 s before an earlier kept one is rejected; a root below a tenth of a later time of at
/// least 1e9 skips its line; repeated adopters are skipped. A first item of three tokens starts with a
/// cascade id (Android, Christianity), which is read past. `seconds` turns a file's time into seconds.
fn expected(text: &str, seconds: fn(i64) -> i64) -> Expected {
    let mut e = Expected::default();
    for line in text.lines() {
        let items: Vec<&str> = line
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if items.is_empty() {
            continue;
        }
        e.cascades += 1;
        e.items += items.len() as u64;
        let pairs: Vec<Option<(&str, i64)>> = items
            .iter()
            .enumerate()
            .map(|(k, it)| {
                let f: Vec<&str> = it.split(' ').collect();
                match f.as_slice() {
                    [_, u, t] if k == 0 => Some((*u, seconds(t.parse().ok()?))),
                    [u, t] if u.bytes().all(|b| b.is_ascii_digit()) => {
                        Some((*u, seconds(t.parse().ok()?)))
                    }
                    _ => None,
                }
            })
            .collect();
        e.adoptions += pairs.iter().flatten().count() as u64;
        e.short_times += pairs
            .iter()
            .flatten()
            .filter(|(_, t)| *t < 1_000_000_000)
            .count() as u64;
        let (root, root_time) = pairs[0].expect("every root in these files is `user ts`");
        let latest = pairs[1..].iter().flatten().map(|p| p.1).max();
        if latest.is_some_and(|l| l >= 1_000_000_000 && root_time * 10 <= l) {
            e.rejected_lines += 1;
            e.adoptions_in_rejected_lines += items.len() as u64;
            continue;
        }
        e.posts += 1;
        e.accounts.insert(root.to_string());
        let all_short = pairs.iter().flatten().all(|p| p.1 < 1_000_000_000);
        if all_short {
            e.short_in_all_short_lines += pairs.iter().flatten().count() as u64;
        }
        let mut kept_short = |t: i64| {
            if t < 1_000_000_000 {
                e.short_kept += 1;
                e.short_kept_elsewhere += u64::from(!all_short);
            }
        };
        kept_short(root_time);
        let mut seen = HashSet::from([root]);
        let mut max = root_time;
        for p in &pairs[1..] {
            match p {
                None => e.rejected_adoptions += 1,
                Some((_, t)) if *t < max - 60 => e.rejected_adoptions += 1,
                Some((u, _)) if seen.contains(u) => e.repeats += 1,
                Some((u, t)) => {
                    seen.insert(u);
                    max = max.max(*t);
                    e.interactions += 1;
                    kept_short(*t);
                    e.accounts.insert(u.to_string());
                }
            }
        }
    }
    e
}

#[test]
fn real_android_and_christianity_cascades_and_graphs_import_in_one_platform_as_counted_from_the_files(
) {
    let Some(archive) = shared_data(CASCADES_ARCHIVE) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // Published (MANIFEST.md): cascades, adoption events, social edges.
    for (ds, cascade_count, adoption_count, edge_count) in [
        ("android", 679, 28_343, 48_573),
        ("christianity", 589, 14_738, 35_624),
    ] {
        let files = extract_files(
            &archive,
            dir.path(),
            &[format!("{ds}/cascades.txt"), format!("{ds}/edges.txt")],
        );
        let (cascades, edges) = (&files[0], &files[1]);
        let e = expected(&std::fs::read_to_string(cascades).unwrap(), |t| t);
        assert_eq!(
            (e.cascades, e.adoptions),
            (cascade_count, adoption_count),
            "{ds}"
        );
        let edge_text = std::fs::read_to_string(edges).unwrap();
        let lines: Vec<(&str, &str)> = edge_text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.split_once(',').expect("every line is `a,b`"))
            .collect();
        assert_eq!(lines.len(), edge_count, "{ds}");
        // `a,b`: b follows a. Self-loops and repeats are skipped (the files have neither).
        let want: HashSet<(String, String)> = lines
            .iter()
            .filter(|(a, b)| a != b)
            .map(|(a, b)| (b.to_string(), a.to_string()))
            .collect();
        let mut accounts = e.accounts.clone();
        accounts.extend(want.iter().flat_map(|(b, a)| [a.clone(), b.clone()]));

        let db = dir.path().join(format!("{ds}.db"));
        let (code, rep) = earshot_json(
            &db,
            &["import", "--format", "cascades", cascades.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{ds}: {rep}");
        let formats: Vec<&str> = rep
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["format"].as_str().unwrap())
            .collect();
        assert_eq!(formats, ["cascades", "cascade-edges"]);
        assert_eq!(rep[0]["written"]["posts_new"], e.posts, "{ds}");
        assert_eq!(
            rep[0]["written"]["interactions_new"], e.interactions,
            "{ds}"
        );
        assert_eq!(
            rep[1]["written"]["interactions_new"],
            want.len() as u64,
            "{ds}"
        );
        assert_eq!(rep[1]["rejected"], 0);
        println!(
            "{ds}: {} posts, {} reshares, {} follows ({} edge lines), {} accounts",
            e.posts,
            e.interactions,
            want.len(),
            lines.len(),
            accounts.len()
        );
        let s = stats(&db);
        let platforms = s["by_platform"].as_array().unwrap();
        assert_eq!(platforms.len(), 1, "one platform: {s}");
        assert_eq!(platforms[0]["platform"], ds);
        assert_eq!(platforms[0]["accounts"], accounts.len() as u64, "{ds}");
        assert_eq!(kind_count(&s, "follow"), want.len() as u64, "{ds}");
        assert_eq!(follows(&db), want, "{ds}");
    }
}

#[test]
fn memetracker_times_need_their_unit_and_are_read_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("memetracker");
    std::fs::create_dir(&ds).unwrap();
    let file = ds.join("cascades.txt");
    // Adoption #2 lost two digits of its 12.
    std::fs::write(&file, "180 338299765278,311 338302609444,199 3383039575,\n").unwrap();
    let f = file.to_str().unwrap();
    let db = dir.path().join("m.db");
    let out = earshot(&db, &["import", "--format", "cascades", f]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pass --time-unit (microhours"), "{err}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("pass --time-unit (microhours"), "{stdout}");

    let db = dir.path().join("m2.db");
    let (code, rep) = earshot_json(
        &db,
        &[
            "import",
            "--format",
            "cascades",
            "--time-unit",
            "microhours",
            f,
        ],
    );
    assert_eq!(code, 3, "the truncated time is still rejected: {rep}");
    assert_eq!(rep[0]["written"]["posts_new"], 1);
    assert_eq!(rep[0]["written"]["interactions_new"], 1);
    assert_eq!(rep[0]["rejected"], 1);
    // 338299765278 millionths of an hour after 1970 is 1,217,879,154.9999 s.
    assert_eq!(stats(&db)["first_time_utc"], "2008-08-04 19:45:55");

    // The unit is the cascades' own option.
    let out = earshot(
        &db,
        &[
            "import",
            "--format",
            "snap",
            "--time-unit",
            "milliseconds",
            f,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--time-unit is for --format cascades"),
        "{out:?}"
    );
}

#[test]
fn real_memetracker_cascades_in_microhours_import_as_counted_from_the_file() {
    let Some(archive) = shared_data(CASCADES_ARCHIVE) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let files = extract_files(
        &archive,
        dir.path(),
        &[
            "memetracker/cascades.txt".into(),
            "memetracker/edges.txt".into(),
        ],
    );
    // Millionths of an hour, to the nearest second.
    let e = expected(&std::fs::read_to_string(&files[0]).unwrap(), |t| {
        (t * 36 + 5_000) / 10_000
    });
    // Published (MANIFEST.md): 12,663 cascades, 207,185 adoption events.
    assert_eq!((e.cascades, e.adoptions), (12_663, 207_185));
    assert_eq!(
        e.posts + e.interactions + e.rejected_adoptions + e.adoptions_in_rejected_lines + e.repeats,
        e.items
    );
    let db = dir.path().join("m.db");
    let rejects = dir.path().join("m.rejects.txt");
    let (code, rep) = earshot_json(
        &db,
        &[
            "import",
            "--format",
            "cascades",
            "--time-unit",
            "microhours",
            "--rejects",
            rejects.to_str().unwrap(),
            files[0].to_str().unwrap(),
        ],
    );
    assert_eq!(code, 3, "{rep}");
    let r = &rep[0];
    println!(
        "memetracker: {} posts, {} reshares, {} rejected ({} lines, {} adoptions), {} repeats; {} follows",
        r["written"]["posts_new"],
        r["written"]["interactions_new"],
        r["rejected"],
        e.rejected_lines,
        e.rejected_adoptions,
        e.repeats,
        rep[1]["written"]["interactions_new"]
    );
    assert_eq!(r["written"]["posts_new"], e.posts);
    assert_eq!(r["written"]["interactions_new"], e.interactions);
    assert_eq!(r["rejected"], e.rejected_lines + e.rejected_adoptions);
    // Every time left before 2001 is in a cascade whose every time was cut alike (one: line 6906).
    assert_eq!(e.short_kept_elsewhere, 0);
    assert!(e.short_kept > 0);
    let s = stats(&db);
    assert_eq!(s["last_time_utc"], "2009-01-31 15:53:32");
    assert_eq!(rep[1]["format"], "cascade-edges");
    assert_eq!(rep[1]["written"]["interactions_new"], 101_622);
}

#[test]
fn real_twitter_and_douban_cascades_import_as_counted_from_the_files() {
    let Some(archive) = shared_data(CASCADES_ARCHIVE) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let files = extract_cascades(&archive, dir.path(), &["twitter", "douban"]);
    let db = dir.path().join("e.db");
    // Published (MANIFEST.md): cascades, adoption events, users; 13,548 truncated Twitter timestamps.
    let published = [
        ("twitter", 3_461, 135_559, 13_548),
        ("douban", 3_485, 83_955, 0),
    ];
    for (file, (platform, cascades, adoptions, short)) in files.iter().zip(published) {
        let text = std::fs::read_to_string(file).unwrap();
        let e = expected(&text, |t| t);
        assert_eq!(
            (e.cascades, e.adoptions, e.short_times),
            (cascades, adoptions, short),
            "{platform}: the file is the published one"
        );
        // Every adoption is accounted for.
        assert_eq!(
            e.posts
                + e.interactions
                + e.rejected_adoptions
                + e.adoptions_in_rejected_lines
                + e.repeats,
            e.items
        );
        let rejects = dir.path().join(format!("{platform}.rejects.txt"));
        let (code, rep) = earshot_json(
            &db,
            &[
                "import",
                "--format",
                "cascades",
                "--rejects",
                rejects.to_str().unwrap(),
                file.to_str().unwrap(),
            ],
        );
        let r = &rep[0];
        println!(
            "{platform}: {} posts, {} interactions, {} rejected ({} lines, {} adoptions), {} repeats, {:.2} s",
            r["written"]["posts_new"],
            r["written"]["interactions_new"],
            r["rejected"],
            e.rejected_lines,
            e.rejected_adoptions,
            e.repeats,
            r["seconds"].as_f64().unwrap()
        );
        assert_eq!(code, 3, "{platform}: both files have rejected records: {r}");
        assert_eq!(r["written"]["posts_new"], e.posts, "{platform}");
        assert_eq!(
            r["written"]["interactions_new"], e.interactions,
            "{platform}"
        );
        assert_eq!(
            r["rejected"],
            e.rejected_lines + e.rejected_adoptions,
            "{platform}"
        );
        let s = stats(&db);
        let row = s["by_platform"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["platform"] == platform)
            .unwrap_or_else(|| panic!("no platform {platform} in {s}"))
            .clone();
        assert_eq!(row["posts"], e.posts);
        assert_eq!(row["interactions"], e.interactions);
        assert_eq!(row["accounts"], e.accounts.len() as u64);
        // Every rejected time is short, and only the short times order cannot expose stay.
        let listed = std::fs::read_to_string(&rejects).unwrap();
        assert_eq!(
            listed.lines().count() as u64,
            e.rejected_lines + e.rejected_adoptions
        );
        let conn = rusqlite::Connection::open(&db).unwrap();
        let kept_short: i64 = conn
            .query_row(
                "SELECT (SELECT count(*) FROM posts WHERE platform = ?1 AND time < 1000000000) + \
                 (SELECT count(*) FROM interactions i JOIN posts p ON p.id = i.post \
                  WHERE p.platform = ?1 AND i.time < 1000000000)",
                [platform],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(kept_short as u64, e.short_kept, "{platform}");
        assert_eq!(e.short_kept, e.short_in_all_short_lines, "{platform}");
    }
    let s = stats(&db);
    let (posts, interactions) = (
        s["posts"].as_u64().unwrap(),
        s["interactions"].as_u64().unwrap(),
    );
    println!("both: {posts} posts, {interactions} interactions");
    // Douban's adoptions run to December 2011, after Twitter's (September–October 2010).
    assert_eq!(s["last_time_utc"], "2011-12-05 17:47:49");
}
