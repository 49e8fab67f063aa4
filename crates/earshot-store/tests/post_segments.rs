//! Posts in the event log (`import --event-log posts`) against posts as SQLite rows: the same events read
//! the same, the reactions posts' references imply derived when read exactly as SQLite's write path
//! stores them, through repeats, resumed imports, API writes beside the log, erasure and pruning.

use earshot_model::{AccountRef, Event, Interaction, InteractionKind, Post, PostId};
use earshot_store::{ForgetTarget, InteractionRow, PostRow, Store, TimeWindow};

/// Threads on three platforms: replies, quotes and reshares of earlier posts, of later posts and of posts
/// that never arrive; stated reactions that cover some of the implied ones (and some naming posts no
/// reference names); texts mentioning `@user3`; likes and follows around them.
fn events(n: usize) -> Vec<Event> {
    let mut out = Vec::new();
    for i in 0..n {
        let platform = ["a", "b", "c"][i % 3];
        let author = format!("{}", (i * 7) % 19);
        let parent = |k: usize| format!("p{k}");
        let (mut reply_to, mut quote_of, mut reshare_of) = (None, None, None);
        match i % 6 {
            1 => reply_to = Some(parent(i.saturating_sub(3))),
            2 => quote_of = Some(parent(i + 3)),
            3 => reshare_of = Some(parent(i.saturating_sub(6))),
            4 => reply_to = Some(format!("missing{i}")),
            5 => {
                reply_to = Some(parent(i.saturating_sub(9)));
                quote_of = Some(parent(i.saturating_sub(12)));
            }
            _ => {}
        }
        let text = match i % 5 {
            0 => None,
            1 => Some(format!("hello @user3 and @User3 number {i}")),
            _ => Some(format!("post {i} é")),
        };
        out.push(Event::Post(Post {
            platform: platform.into(),
            ext_id: format!("p{i}"),
            author: AccountRef::by_id(author.clone()),
            time: 1_000 + (i as i64 * 37) % 4_000,
            text,
            reply_to: reply_to.clone(),
            quote_of,
            reshare_of,
        }));
        // Every fourth reply is also stated, as a platform's API reports it.
        if i % 4 == 1 {
            if let Some(r) = &reply_to {
                out.push(Event::Interaction(Interaction {
                    platform: platform.into(),
                    key: format!("stated{i}"),
                    kind: InteractionKind::Reply,
                    actor: AccountRef::by_id(author.clone()),
                    target: AccountRef::by_id(format!("{}", (i * 5) % 19)),
                    post: Some(r.clone()),
                    time: Some(1_000 + i as i64),
                    weight: 1.0,
                }));
            }
        }
        let kind = [
            InteractionKind::Like,
            InteractionKind::Follow,
            InteractionKind::Reshare,
        ][i % 3];
        out.push(Event::Interaction(Interaction {
            platform: platform.into(),
            key: format!("k{i}"),
            kind,
            actor: AccountRef::by_id(format!("{}", (i * 11) % 23)),
            target: AccountRef::by_id(author),
            post: (i % 2 == 0).then(|| format!("p{}", i / 2)),
            time: (i % 7 != 0).then_some(1_000 + ((i * 7919) % 5_000) as i64),
            weight: 0.5 + (i % 4) as f64,
        }));
    }
    // An account known by its handle, whose mentions erasure redacts.
    out.push(Event::Account(earshot_model::Account {
        platform: "a".into(),
        ext_id: "3".into(),
        handle: Some("user3".into()),
        display_name: None,
        profile: Default::default(),
    }));
    out
}

fn store(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::open(&dir.path().join(name)).unwrap()
}

/// Write `events` as `import --event-log posts` does, in chunks of `chunk`, with runs of `run_rows`;
/// returns the posts and interactions it added.
fn import_posts(
    s: &mut Store,
    events: &[Event],
    source: &str,
    run_rows: usize,
    chunk: usize,
) -> (u64, u64) {
    let mut sink = s
        .segment_sink_with_posts(source)
        .unwrap()
        .with_run_rows(run_rows);
    let (mut posts, mut interactions) = (0, 0);
    for part in events.chunks(chunk) {
        s.begin().unwrap();
        let c = s.write_to_log(part, &mut sink).unwrap();
        posts += c.posts_new;
        interactions += c.interactions_new;
        if sink.is_full() {
            s.flush_segment(&mut sink).unwrap();
        }
        s.commit().unwrap();
    }
    s.begin().unwrap();
    s.flush_segment(&mut sink).unwrap();
    s.commit().unwrap();
    (posts, interactions)
}

fn interactions(s: &Store, window: TimeWindow, platform: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    s.scan_interactions(window, platform, |r: &InteractionRow| {
        out.push(format!("{r:?}"))
    })
    .unwrap();
    out
}

fn posts(s: &Store, window: TimeWindow, platform: Option<&str>) -> Vec<PostRow> {
    let mut out = Vec::new();
    s.scan_posts(window, platform, |p| out.push(p)).unwrap();
    out
}

/// Every reader of posts and interactions answers the same from `log` as from `sql`.
fn assert_reads_match(log: &Store, sql: &Store, evs: &[Event]) {
    let windows = [
        TimeWindow::all(),
        TimeWindow {
            from: Some(2_000),
            to: Some(3_500),
        },
    ];
    for w in windows {
        for p in [None, Some("a"), Some("c"), Some("none")] {
            assert_eq!(
                interactions(log, w, p),
                interactions(sql, w, p),
                "{w:?} {p:?}"
            );
            assert_eq!(posts(log, w, p), posts(sql, w, p), "posts {w:?} {p:?}");
            assert_eq!(
                log.interaction_count(w, p).unwrap(),
                sql.interaction_count(w, p).unwrap()
            );
        }
    }
    let (a, b) = (log.stats(5).unwrap(), sql.stats(5).unwrap());
    assert_eq!(
        (
            a.posts,
            a.interactions,
            a.implied_interactions,
            a.references_waiting
        ),
        (
            b.posts,
            b.interactions,
            b.implied_interactions,
            b.references_waiting
        )
    );
    assert_eq!(a.by_platform, b.by_platform);
    assert_eq!(a.by_kind, b.by_kind);
    assert_eq!((a.first_time, a.last_time), (b.first_time, b.last_time));
    assert_eq!(a.most_interacted, b.most_interacted);
    for e in evs.iter().step_by(7) {
        if let Event::Post(p) = e {
            let id = p.id().0;
            assert_eq!(
                log.post_name(id).unwrap(),
                sql.post_name(id).unwrap(),
                "{}",
                p.ext_id
            );
        }
    }
    let missing = PostId::of("a", "missing4").0;
    assert_eq!(log.post_name(missing).unwrap(), None);
}

#[test]
fn posts_in_the_log_read_like_sqlite_rows_with_their_reactions_derived() {
    let dir = tempfile::tempdir().unwrap();
    let evs = events(1_500);
    let mut sql = store(&dir, "sql.db");
    sql.write(&evs).unwrap();
    let stats = sql.stats(0).unwrap();
    assert!(
        stats.implied_interactions > 500 && stats.references_waiting > 100,
        "{stats:?}"
    );
    for (run_rows, chunk) in [(5, 13), (400, 97), (1_000_000, 5_000)] {
        let mut log = store(&dir, &format!("log{run_rows}.db"));
        let (posts_new, _) = import_posts(&mut log, &evs, "src", run_rows, chunk);
        assert_eq!(posts_new, 1_500);
        assert!(log.segment_folder().join("posts-00000002.parquet").exists());
        assert_reads_match(&log, &sql, &evs);
        // Importing the source again adds nothing.
        assert_eq!(import_posts(&mut log, &evs, "src", run_rows, chunk), (0, 0));
        assert_reads_match(&log, &sql, &evs);
        // The derivation that reads the posts twice instead of holding their authors, from the
        // start and from midway through the first reading, derives the same.
        for limit in [0, 700] {
            log.derive_with_authors_up_to(limit);
            assert_reads_match(&log, &sql, &evs);
        }
    }
}

#[test]
fn log_and_sqlite_posts_mix_and_stated_reactions_anywhere_cover_implied_ones() {
    let dir = tempfile::tempdir().unwrap();
    let evs = events(900);
    let mut sql = store(&dir, "sql.db");
    sql.write(&evs).unwrap();
    // Half through SQLite first (as the API or an older import stored them), half into the log, then
    // the first half again from another file (read once).
    let mut mixed = store(&dir, "mixed.db");
    let half = evs.len() / 2;
    mixed.write(&evs[..half]).unwrap();
    import_posts(&mut mixed, &evs[half..], "second", 200, 61);
    import_posts(&mut mixed, &evs[..half / 2], "again", 200, 61);
    import_posts(&mut mixed, &evs[half..half + 300], "a copy", 200, 61);
    assert_reads_match(&mixed, &sql, &evs);
    mixed.derive_with_authors_up_to(0);
    assert_reads_match(&mixed, &sql, &evs);
    mixed.derive_with_authors_up_to(u64::MAX);
    // Compaction keeps one copy of each post in one post segment, and reads do not change.
    assert!(mixed.begin_bulk_mode().unwrap());
    let c = mixed.compact_events().unwrap();
    assert!(c.post_segments_before > 1, "{c:?}");
    assert_eq!(c.post_segments_after, 1);
    assert!(c.post_rows_after < c.post_rows_before, "{c:?}");
    assert_reads_match(&mixed, &sql, &evs);
    let files = std::fs::read_dir(mixed.segment_folder()).unwrap().count();
    assert_eq!(files as u64, c.segments_after + c.post_segments_after);
    // And the other way round: the log first, then SQLite's write path.
    let mut other = store(&dir, "other.db");
    import_posts(&mut other, &evs[..half], "first", 300, 50);
    other.write(&evs[half..]).unwrap();
    assert_reads_match(&other, &sql, &evs);
}

#[test]
fn a_killed_import_of_posts_resumes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let evs = events(1_000);
    let mut sql = store(&dir, "sql.db");
    sql.write(&evs).unwrap();
    let mut log = store(&dir, "log.db");
    {
        let mut sink = log
            .segment_sink_with_posts("src")
            .unwrap()
            .with_run_rows(150);
        let mut flushed = 0;
        for part in evs.chunks(40) {
            log.begin().unwrap();
            log.write_to_log(part, &mut sink).unwrap();
            if sink.is_full() && flushed < 3 {
                log.flush_segment(&mut sink).unwrap();
                flushed += 1;
            }
            log.commit().unwrap();
        }
        assert_eq!(flushed, 3, "killed after three runs");
    }
    drop(log);
    let mut log = store(&dir, "log.db");
    let before = log.stats(0).unwrap().posts;
    assert!(before > 0 && before < 1_000);
    let (posts_new, _) = import_posts(&mut log, &evs, "src", 150, 40);
    assert_eq!(before + posts_new, 1_000, "each post stored once");
    assert_reads_match(&log, &sql, &evs);
}

#[test]
fn erasure_and_pruned_text_reach_posts_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let evs = events(1_200);
    let mut sql = store(&dir, "sql.db");
    sql.write(&evs).unwrap();
    let mut log = store(&dir, "log.db");
    import_posts(&mut log, &evs, "src", 300, 100);
    let targets: Vec<ForgetTarget> = ["3", "7"]
        .iter()
        .map(|id| ForgetTarget {
            id: AccountRef::by_id(id.to_string()).id("a").0,
            platform: "a".into(),
            ext_id: id.to_string(),
            handle: (*id == "3").then(|| "user3".into()),
        })
        .collect();
    let a = log.forget_accounts(&targets, 5, false).unwrap();
    let b = sql.forget_accounts(&targets, 5, false).unwrap();
    assert!(
        b.posts > 0 && b.mentions_redacted > 0 && b.references_cleared > 0,
        "{b:?}"
    );
    assert_eq!(
        (a.posts, a.interactions, a.references_cleared, a.accounts),
        (b.posts, b.interactions, b.references_cleared, b.accounts)
    );
    assert_reads_match(&log, &sql, &evs);
    // No segment file still holds the handle or an erased post's id.
    for entry in std::fs::read_dir(log.segment_folder()).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        assert!(
            !bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"@user3")),
            "{:?} still names @user3",
            entry.path()
        );
    }
    // Re-importing the source brings none of it back.
    import_posts(&mut log, &evs, "src again", 300, 100);
    sql.write(&evs).unwrap();
    assert_reads_match(&log, &sql, &evs);

    let (pa, pb) = (
        log.prune_text(2_500).unwrap(),
        sql.prune_text(2_500).unwrap(),
    );
    assert!(pb.posts > 0);
    assert_eq!(pa.posts, pb.posts);
    assert_reads_match(&log, &sql, &evs);
}

/// A post and the interactions around it, with `author`, `time`, `text` and `reply_to` as given.
fn post(ext_id: &str, author: &str, time: i64, text: &str, reply_to: Option<&str>) -> Event {
    Event::Post(Post {
        platform: "a".into(),
        ext_id: ext_id.into(),
        author: AccountRef::by_id(author.to_string()),
        time,
        text: Some(text.into()),
        reply_to: reply_to.map(str::to_string),
        quote_of: None,
        reshare_of: None,
    })
}

/// Copies of one post that disagree: the first stored is the one read, before and after a rewrite of
/// only one of the files, a later SQLite write, and the erasure of the later copy's author (whose copy
/// then leaves every file).
#[test]
fn the_first_copy_of_a_post_is_read_whatever_rewrites_or_writes_follow() {
    let dir = tempfile::tempdir().unwrap();
    let parents = vec![
        post("q1", "1", 50, "first parent", None),
        post("q2", "2", 60, "second parent", None),
    ];
    let first = vec![post("x", "5", 100, "the first copy", Some("q1"))];
    let later = vec![post("x", "9", 500, "a later copy by nine", Some("q2"))];
    let api = vec![post("x", "8", 700, "an API copy", None)];
    let mut sql = store(&dir, "sql.db");
    let mut log = store(&dir, "log.db");
    for (n, evs) in [&parents, &first, &later].into_iter().enumerate() {
        sql.write(evs).unwrap();
        import_posts(&mut log, evs, &format!("file {n}"), 10, 10);
    }
    sql.write(&api).unwrap();
    log.write(&api).unwrap();
    let all: Vec<Event> = [parents, first, later, api].concat();
    assert_reads_match(&log, &sql, &all);
    // Only the first copy's file has text old enough to clear.
    let (a, b) = (log.prune_text(200).unwrap(), sql.prune_text(200).unwrap());
    assert_eq!(a.posts, b.posts);
    assert_reads_match(&log, &sql, &all);
    let x = posts(&log, TimeWindow::all(), None);
    assert!(x.iter().any(|p| p.time == 100 && p.text.is_none()), "{x:?}");

    let nine = ForgetTarget {
        id: AccountRef::by_id("9".to_string()).id("a").0,
        platform: "a".into(),
        ext_id: "9".into(),
        handle: None,
    };
    log.forget_accounts(std::slice::from_ref(&nine), 5, false)
        .unwrap();
    sql.forget_accounts(&[nine], 5, false).unwrap();
    assert_reads_match(&log, &sql, &all);
    for entry in std::fs::read_dir(log.segment_folder()).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        assert!(
            !bytes.windows(7).any(|w| w == b"by nine"),
            "{:?} keeps the forgotten author's copy",
            entry.path()
        );
    }
}

/// A posts-mode import killed and resumed in the default mode (and the reverse) stores every event
/// once: the two number their interactions apart.
#[test]
fn resuming_an_import_in_the_other_mode_loses_and_repeats_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let evs = events(600);
    let mut sql = store(&dir, "sql.db");
    sql.write(&evs).unwrap();
    let mut log = store(&dir, "log.db");
    {
        let mut sink = log
            .segment_sink_with_posts("src")
            .unwrap()
            .with_run_rows(100);
        for part in evs[..700].chunks(50) {
            log.begin().unwrap();
            log.write_to_log(part, &mut sink).unwrap();
            if sink.is_full() {
                log.flush_segment(&mut sink).unwrap();
            }
            log.commit().unwrap();
        }
    }
    let mut sink = log.segment_sink("src").unwrap().with_run_rows(100);
    for part in evs.chunks(50) {
        log.begin().unwrap();
        log.write_to_log(part, &mut sink).unwrap();
        if sink.is_full() {
            log.flush_segment(&mut sink).unwrap();
        }
        log.commit().unwrap();
    }
    log.begin().unwrap();
    log.flush_segment(&mut sink).unwrap();
    log.commit().unwrap();
    assert_reads_match(&log, &sql, &evs);
    import_posts(&mut log, &evs, "src", 100, 50);
    assert_reads_match(&log, &sql, &evs);
}
