//! `earshot import` end to end: real binary, real SQLite files, real (gzip) files.

mod common;
use common::*;
use std::io::Write;

fn higgs_lines(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{} {} {} {}\n",
                i % 97,
                (i * 7) % 89 + 1000,
                1_341_100_000 + i as i64,
                ["RT", "MT", "RE"][i % 3]
            )
        })
        .collect()
}

#[test]
fn importing_twice_adds_nothing_and_stats_count_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let input = dir.path().join("act.txt");
    std::fs::write(&input, higgs_lines(300)).unwrap();
    let (code, first) = earshot_json(
        &db,
        &["import", "--format", "higgs", input.to_str().unwrap()],
    );
    assert_eq!(code, 0);
    assert_eq!(first[0]["written"]["interactions_new"], 300);
    let (code, again) = earshot_json(
        &db,
        &["import", "--format", "higgs", input.to_str().unwrap()],
    );
    assert_eq!(code, 0);
    assert_eq!(again[0]["written"]["interactions_new"], 0);
    assert_eq!(again[0]["written"]["accounts_new"], 0);
    assert_eq!(again[0]["written"]["already_present"], 300);
    let s = stats(&db);
    assert_eq!(s["interactions"], 300);
    assert_eq!(kind_count(&s, "reshare"), 100);
    assert_eq!(s["first_time"], 1_341_100_000);
    assert_eq!(s["last_time"], 1_341_100_299);
    assert_eq!(s["imports"].as_array().unwrap().len(), 2);
}

/// One bad line of each kind the issue names, between good lines; then a truncated gzip.
#[test]
fn malformed_lines_are_each_reported_and_good_lines_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let input = dir.path().join("bad.txt");
    let mut f = std::fs::File::create(&input).unwrap();
    f.write_all(b"1 2 1341100000 RT\n").unwrap(); // 1 good
    f.write_all(b"1 2 1341100001 R\xffT\n").unwrap(); // 2 bad UTF-8
    f.write_all(b"3 4 1341100002\n").unwrap(); // 3 missing kind
    f.write_all(b"3 4 yesterday MT\n").unwrap(); // 4 bad timestamp
    f.write_all(b"-5 4 1341100003 MT\n").unwrap(); // 5 negative id
    f.write_all(format!("6 7 1341100004 RE {}\n", "x".repeat(5000)).as_bytes())
        .unwrap(); // 6 huge line
    f.write_all(b"8 9 1341100005 RE\r\n").unwrap(); // 7 good (CRLF)
    drop(f);
    let rejects = dir.path().join("rejects.txt");
    let out = earshot(
        &db,
        &[
            "import",
            "--format",
            "higgs",
            "--max-line-bytes",
            "1000",
            "--rejects",
            rejects.to_str().unwrap(),
            input.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "rejected lines give exit code 3: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 5, "one report per bad line:\n{listed}");
    let file = input.display().to_string();
    for (line_no, field) in [
        (2, "<line>"),
        (3, "kind"),
        (4, "time"),
        (5, "actor"),
        (6, "<line>"),
    ] {
        let prefix = format!("{file}:{line_no}: {field}: ");
        assert!(
            lines.iter().any(|l| l.starts_with(&prefix)),
            "missing {prefix:?} in\n{listed}"
        );
    }
    assert_eq!(stats(&db)["interactions"], 2);

    // A gzip file cut short: the lines before the cut are imported, the cut is reported once.
    let gz_path = dir.path().join("cut.txt.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(higgs_lines(20_000).as_bytes()).unwrap();
    let full = enc.finish().unwrap();
    std::fs::write(&gz_path, &full[..full.len() / 2]).unwrap();
    let rejects2 = dir.path().join("rejects2.txt");
    let (code, rep) = earshot_json(
        &db,
        &[
            "import",
            "--format",
            "higgs",
            "--rejects",
            rejects2.to_str().unwrap(),
            gz_path.to_str().unwrap(),
        ],
    );
    // Cut short is worse than a rejected line: the rest of the file was never read.
    assert_eq!(code, 1, "{rep}");
    assert_eq!(rep[0]["status"], "truncated");
    let imported = rep[0]["written"]["interactions_new"].as_u64().unwrap();
    assert!(imported > 1000 && imported < 20_000, "imported {imported}");
    let listed = std::fs::read_to_string(&rejects2).unwrap();
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.contains("<stream>"), "{listed}");
}

#[test]
fn strict_import_of_a_bad_file_leaves_the_database_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let good = dir.path().join("good.txt");
    std::fs::write(&good, higgs_lines(50)).unwrap();
    assert_eq!(
        earshot(
            &db,
            &["import", "--format", "higgs", good.to_str().unwrap()]
        )
        .status
        .code(),
        Some(0)
    );
    let before = stats(&db);

    // 400 good lines (eight batches of 50 are written inside the transaction), then a bad one.
    let bad = dir.path().join("bad.txt");
    let text = format!(
        "{}1 2 3 NOPE\n",
        higgs_lines(400).replace(" 13411", " 13412")
    );
    std::fs::write(&bad, text).unwrap();
    let out = earshot(
        &db,
        &[
            "import",
            "--strict",
            "--batch-size",
            "50",
            "--rejects",
            dir.path().join("strict.rejects.txt").to_str().unwrap(),
            "--format",
            "higgs",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = stats(&db);
    assert_eq!(after["interactions"], before["interactions"]);
    assert_eq!(after["accounts"], before["accounts"]);
    assert_eq!(after["imports"][0]["status"], "rolled-back");
}

#[test]
fn command_line_mistakes_exit_2_and_create_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let f = dir.path().join("data.txt");
    std::fs::write(&f, "1 2 1341100000 RT\n").unwrap();
    let f = f.to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&["import", f], "--format"),
        (
            &["import", "--format", "higgs", "--kind", "zap", f],
            "--kind",
        ),
        (
            &["import", "--format", "csv", "--map", "author", f],
            "FIELD=COLUMN",
        ),
        (
            &["import", "--format", "higgs", "--platform", "Bad Name", f],
            "platform",
        ),
        (
            &["import", "--format", "snap", "--columns", "src,dst,foo", f],
            "--columns",
        ),
    ];
    for (args, needle) in cases {
        let out = earshot(&db, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!db.exists(), "{args:?} created the database");
    }
    // A file that cannot be read is an error (1), named in the message, and still creates nothing.
    let missing = dir.path().join("missing.txt");
    let out = earshot(
        &db,
        &["import", "--format", "higgs", missing.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.txt"));
    assert!(!db.exists());
    let out = earshot(&dir.path().join("none.db"), &["stats"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no earshot database"));
}

#[test]
fn one_rejects_file_collects_every_input() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    std::fs::write(&a, "1 2 1341100000 RT\n1 2 x RT\n").unwrap();
    std::fs::write(&b, "3 4 1341100000 MT\n3 4 1341100001 ZZ\n").unwrap();
    let rejects = dir.path().join("all.txt");
    let (code, rep) = earshot_json(
        &db,
        &[
            "import",
            "--format",
            "higgs",
            "--rejects",
            rejects.to_str().unwrap(),
            a.to_str().unwrap(),
            b.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 3);
    assert_eq!(rep.as_array().unwrap().len(), 2);
    let listed = std::fs::read_to_string(&rejects).unwrap();
    assert!(
        listed.contains(&format!("{}:2: time", a.display())),
        "{listed}"
    );
    assert!(
        listed.contains(&format!("{}:2: kind", b.display())),
        "{listed}"
    );
    // The log matches what is stored, and re-importing a profile-free file reports no profile updates.
    let (_, again) = earshot_json(
        &db,
        &[
            "import",
            "--format",
            "higgs",
            "--rejects",
            rejects.to_str().unwrap(),
            a.to_str().unwrap(),
        ],
    );
    assert_eq!(again[0]["written"]["accounts_updated"], 0);
    assert_eq!(stats(&db)["imports"][1]["counts"]["interactions_new"], 1);
}

#[test]
fn generated_stream_imports_with_its_own_counts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let (summary, _) = generated_db(dir.path(), &db, 3);
    let s = stats(&db);
    assert_eq!(s["interactions"], summary["interactions"]);
    assert_eq!(s["posts"], summary["posts"]);
    assert_eq!(s["accounts"], summary["accounts"]);
    assert_eq!(s["by_platform"][0]["platform"], "synthetic");
}
