//! The event log (Parquet segments beside the database) against the SQLite rows it replaces: the same
//! events read the same, however they are split into segments, repeated, resumed, erased or compacted.

use earshot_model::{AccountRef, Event, Interaction, InteractionKind, Post};
use earshot_store::{ForgetTarget, InteractionRow, Store, TimeWindow};

/// A varied stream: three platforms, every kind, undated rows, weights, a post on some likes, and
/// replies that name a post (those stay in SQLite, where posts' references meet them).
fn events(n: usize) -> Vec<Event> {
    let kinds = [
        InteractionKind::Like,
        InteractionKind::Follow,
        InteractionKind::Mention,
        InteractionKind::Reshare,
        InteractionKind::Reply,
        InteractionKind::Quote,
        InteractionKind::Unfollow,
    ];
    let mut out = Vec::new();
    for i in 0..n {
        let platform = ["a", "b", "c"][i % 3];
        if i % 50 == 0 {
            out.push(Event::Post(Post {
                platform: platform.into(),
                ext_id: format!("p{}", i / 50),
                author: AccountRef::by_id(format!("{}", i % 17)),
                time: 1_000 + i as i64,
                text: Some("a post".into()),
                reply_to: None,
                quote_of: None,
                reshare_of: None,
            }));
        }
        let kind = kinds[(i * 7 + i / 3) % kinds.len()];
        let post = (i % 4 == 0).then(|| format!("p{}", (i / 50).saturating_sub(1)));
        out.push(Event::Interaction(Interaction {
            platform: platform.into(),
            key: format!("k{i}"),
            kind,
            actor: AccountRef::by_id(format!("{}", (i * 31) % 23)),
            target: AccountRef::by_id(format!("{}", (i * 13) % 17)),
            post,
            time: (i % 9 != 0).then_some(1_000 + ((i * 7919) % 5_000) as i64),
            weight: 0.5 + (i % 5) as f64,
        }));
    }
    out
}

fn temp_store(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::open(&dir.path().join(name)).unwrap()
}

/// Write `events` as an import does, through a sink of `source` with runs of `run_rows`.
fn import(s: &mut Store, events: &[Event], source: &str, run_rows: usize) -> u64 {
    let mut sink = s.segment_sink(source).unwrap().with_run_rows(run_rows);
    let mut new = 0;
    for chunk in events.chunks(97) {
        s.begin().unwrap();
        new += s.write_to_log(chunk, &mut sink).unwrap().interactions_new;
        if sink.is_full() {
            s.flush_segment(&mut sink).unwrap();
        }
        s.commit().unwrap();
    }
    s.begin().unwrap();
    s.flush_segment(&mut sink).unwrap();
    s.commit().unwrap();
    new
}

fn rows(s: &Store, window: TimeWindow, platform: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    s.scan_interactions(window, platform, |r: &InteractionRow| {
        out.push(format!("{r:?}"));
    })
    .unwrap();
    out.sort();
    out
}

fn segment_files(s: &Store) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(s.segment_folder())
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Every reader gives the same answer from the log as from SQLite rows.
fn assert_reads_match(log: &Store, sql: &Store) {
    let windows = [
        TimeWindow::all(),
        TimeWindow {
            from: Some(2_000),
            to: Some(4_000),
        },
        TimeWindow {
            from: None,
            to: Some(3_000),
        },
    ];
    for w in windows {
        for p in [None, Some("a"), Some("c"), Some("none")] {
            assert_eq!(rows(log, w, p), rows(sql, w, p), "{w:?} {p:?}");
            assert_eq!(
                log.interaction_count(w, p).unwrap(),
                sql.interaction_count(w, p).unwrap()
            );
            assert_eq!(
                log.last_interaction_time(w, p).unwrap(),
                sql.last_interaction_time(w, p).unwrap()
            );
        }
    }
    for p in [None, Some("b")] {
        assert_eq!(
            log.interactions_per_day(p).unwrap(),
            sql.interactions_per_day(p).unwrap()
        );
        for before in [None, Some(3_000)] {
            let mut a = log.follow_edge_counts(p, before).unwrap();
            let mut b = sql.follow_edge_counts(p, before).unwrap();
            a.sort();
            b.sort();
            assert_eq!(a, b);
        }
    }
    let (a, b) = (log.stats(5).unwrap(), sql.stats(5).unwrap());
    assert_eq!(a.interactions, b.interactions);
    assert_eq!(a.undated_interactions, b.undated_interactions);
    assert_eq!(a.by_kind, b.by_kind);
    assert_eq!(a.by_platform, b.by_platform);
    assert_eq!((a.first_time, a.last_time), (b.first_time, b.last_time));
    assert_eq!(a.most_interacted, b.most_interacted);
}

/// The overview counts the catalogue's rows: exact when no event is stored twice.
fn assert_overview_matches(log: &Store, sql: &Store) {
    let (a, b) = (log.overview().unwrap(), sql.overview().unwrap());
    assert_eq!(
        (a.interactions, a.first_time, a.last_time),
        (b.interactions, b.first_time, b.last_time)
    );
}

#[test]
fn the_log_reads_like_sqlite_rows_however_it_is_split() {
    let dir = tempfile::tempdir().unwrap();
    let evs = events(3_000);
    let mut sql = temp_store(&dir, "sql.db");
    sql.write(&evs).unwrap();
    for run_rows in [7, 500, 1_000_000] {
        let mut log = temp_store(&dir, &format!("log{run_rows}.db"));
        import(&mut log, &evs, "src", run_rows);
        assert!(log.has_segments().unwrap());
        assert_reads_match(&log, &sql);
        assert_overview_matches(&log, &sql);
    }
}

#[test]
fn reimporting_a_source_adds_nothing_and_a_killed_import_resumes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let evs = events(2_000);
    let mut sql = temp_store(&dir, "sql.db");
    sql.write(&evs).unwrap();

    let mut log = temp_store(&dir, "log.db");
    // A killed import: the first two runs were committed, the rest never flushed.
    {
        let mut sink = log.segment_sink("src").unwrap().with_run_rows(300);
        let mut flushed = 0;
        for chunk in evs.chunks(97) {
            log.begin().unwrap();
            log.write_to_log(chunk, &mut sink).unwrap();
            if sink.is_full() && flushed < 2 {
                log.flush_segment(&mut sink).unwrap();
                flushed += 1;
            }
            log.commit().unwrap();
        }
        assert_eq!(flushed, 2);
    }
    drop(log);
    let mut log = temp_store(&dir, "log.db");
    let stored_before = log.overview().unwrap().interactions;
    let added = import(&mut log, &evs, "src", 300);
    assert!(added > 0);
    assert_reads_match(&log, &sql);
    // Nothing stored twice: the catalogue's rows are exactly the distinct events.
    assert_eq!(
        log.overview().unwrap().interactions,
        sql.overview().unwrap().interactions
    );
    assert!(stored_before < log.overview().unwrap().interactions);
    let files = segment_files(&log);
    assert_eq!(
        import(&mut log, &evs, "src", 300),
        0,
        "a third import adds nothing"
    );
    assert_eq!(segment_files(&log), files);
}

#[test]
fn one_event_in_two_files_is_read_once_and_compaction_stores_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let evs = events(1_500);
    let mut sql = temp_store(&dir, "sql.db");
    sql.write(&evs).unwrap();
    let mut log = temp_store(&dir, "log.db");
    import(&mut log, &evs, "first file", 400);
    import(&mut log, &evs[..900], "second file", 250);
    // And the API wrote some through SQLite.
    log.write(&evs[1_000..1_200]).unwrap();
    assert_reads_match(&log, &sql);
    assert!(log.overview().unwrap().interactions > sql.overview().unwrap().interactions);

    assert!(log.begin_bulk_mode().unwrap());
    let c = log.compact_events().unwrap();
    assert_eq!(c.segments_after, 1);
    assert!(c.segments_before >= 6);
    assert!(c.duplicates_removed > 0);
    assert_eq!(
        c.rows_after + c.duplicates_removed,
        c.segment_rows_before + c.moved_from_sqlite
    );
    assert_eq!(segment_files(&log).len(), 1, "replaced files are deleted");
    assert_reads_match(&log, &sql);
    assert_eq!(
        log.overview().unwrap().interactions,
        sql.overview().unwrap().interactions
    );
    // The sources are kept: importing the first file again adds nothing.
    assert_eq!(import(&mut log, &evs, "first file", 400), 0);
}

#[test]
fn compaction_moves_sqlite_rows_into_the_log_and_keeps_post_bound_ones() {
    let dir = tempfile::tempdir().unwrap();
    let evs = events(1_000);
    let mut sql = temp_store(&dir, "sql.db");
    sql.write(&evs).unwrap();
    let mut old = temp_store(&dir, "old.db");
    old.write(&evs).unwrap();
    assert!(!old.has_segments().unwrap());
    assert!(old.begin_bulk_mode().unwrap());
    let c = old.compact_events().unwrap();
    assert!(c.moved_from_sqlite > 0);
    assert!(c.moved_from_sqlite < sql.stats(0).unwrap().interactions);
    assert_reads_match(&old, &sql);
}

#[test]
fn a_rolled_back_run_leaves_no_file_and_orphans_are_swept() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = temp_store(&dir, "e.db");
    let mut sink = s.segment_sink("src").unwrap();
    s.begin().unwrap();
    s.write_to_log(&events(100), &mut sink).unwrap();
    assert!(s.flush_segment(&mut sink).unwrap().is_some());
    assert_eq!(segment_files(&s).len(), 1);
    s.rollback().unwrap();
    assert!(segment_files(&s).is_empty());
    assert!(!s.has_segments().unwrap());
    assert_eq!(s.stats(0).unwrap().interactions, 0);

    // A file no catalogue row names (a killed import's) goes when a bulk writer starts.
    std::fs::write(s.segment_folder().join("events-00000007.parquet"), b"x").unwrap();
    std::fs::write(s.segment_folder().join("notes.txt"), b"mine").unwrap();
    drop(s);
    let mut s = temp_store(&dir, "e.db");
    assert!(s.begin_bulk_mode().unwrap());
    assert_eq!(segment_files(&s), vec!["notes.txt".to_string()]);
}

#[test]
fn a_damaged_segment_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = temp_store(&dir, "e.db");
    import(&mut s, &events(200), "src", 1_000);
    let file = s.segment_folder().join(&segment_files(&s)[0]);
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    let e = s
        .scan_interactions(TimeWindow::all(), None, |_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("events-00000001.parquet"), "{e}");
}

#[test]
fn forgetting_an_account_rewrites_the_segments_that_hold_it() {
    let dir = tempfile::tempdir().unwrap();
    let evs = events(1_200);
    let mut sql = temp_store(&dir, "sql.db");
    sql.write(&evs).unwrap();
    let mut log = temp_store(&dir, "log.db");
    import(&mut log, &evs, "src", 300);
    let files_before = segment_files(&log);
    let target = |s: &Store| ForgetTarget {
        id: s.account_id("a", "5").unwrap().expect("account a:5"),
        platform: "a".into(),
        ext_id: "5".into(),
        handle: None,
    };
    let (t_log, t_sql) = (target(&log), target(&sql));
    let a = log
        .forget_accounts(std::slice::from_ref(&t_log), 10, false)
        .unwrap();
    let b = sql.forget_accounts(&[t_sql], 10, false).unwrap();
    assert_eq!(a.interactions, b.interactions);
    assert!(a.interactions > 0);
    assert_reads_match(&log, &sql);
    let mut gone = true;
    log.scan_interactions(TimeWindow::all(), None, |r| {
        gone &= r.actor != t_log.id && r.target != t_log.id;
    })
    .unwrap();
    assert!(gone);
    let files_after = segment_files(&log);
    assert_eq!(files_after.len(), files_before.len());
    assert_ne!(
        files_after, files_before,
        "files holding the account are replaced"
    );
}

#[test]
fn a_backup_carries_the_segments_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let evs = events(800);
    let mut log = temp_store(&dir, "log.db");
    import(&mut log, &evs, "src", 300);
    let to = dir.path().join("copy.db");
    log.backup_to(&to).unwrap();
    let copy = Store::open(&to).unwrap();
    assert_eq!(
        rows(&copy, TimeWindow::all(), None),
        rows(&log, TimeWindow::all(), None)
    );
    assert_eq!(segment_files(&copy), segment_files(&log));
}

#[test]
fn a_database_moved_without_its_folder_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = temp_store(&dir, "e.db");
    import(&mut s, &events(200), "src", 1_000);
    drop(s);
    std::fs::rename(dir.path().join("e.db"), dir.path().join("moved.db")).unwrap();
    let moved = temp_store(&dir, "moved.db");
    let e = moved
        .scan_interactions(TimeWindow::all(), None, |_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("moved.db.events") && e.contains("folder"), "{e}");
}
