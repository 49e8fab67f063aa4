//! `earshot import --format cascades`: the diffusion-prediction benchmarks' `cascades.txt` files, a small
//! made-up one and the real Twitter and Douban cascades (`../shared/data/diffusion-cascades`, extracted from
//! their archive into a temporary directory at test time; skipped when absent, failing under `CI=true`).

mod common;
use common::*;
use std::collections::HashSet;

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
    accounts: HashSet<String>,
}

/// Count by the format's rules (README, `earshot import --help`): adoptions are `user ts` in time order;
/// one more than 60 s before an earlier kept one is rejected; a root below a tenth of a later time of at
/// least 1e9 skips its line; repeated adopters are skipped. Lines here have no cascade id.
fn expected(text: &str) -> Expected {
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
            .map(|it| {
                let f: Vec<&str> = it.split(' ').collect();
                match f.as_slice() {
                    [u, t] if u.bytes().all(|b| b.is_ascii_digit()) => Some((*u, t.parse().ok()?)),
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
        e.short_kept += u64::from(root_time < 1_000_000_000);
        if pairs.iter().flatten().all(|p| p.1 < 1_000_000_000) {
            e.short_in_all_short_lines += pairs.iter().flatten().count() as u64;
        }
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
                    e.short_kept += u64::from(*t < 1_000_000_000);
                    e.accounts.insert(u.to_string());
                }
            }
        }
    }
    e
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
        let e = expected(&text);
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
