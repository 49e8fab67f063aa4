//! The store against real SQLite files in temp dirs.

use earshot_model::{
    Account, AccountRef, Event, Interaction, InteractionKind, Post, PostId, Profile,
};
use earshot_store::Store;

fn interaction(key: &str, kind: InteractionKind, actor: &str, target: &str, time: i64) -> Event {
    Event::Interaction(Interaction {
        platform: "t".into(),
        key: key.into(),
        kind,
        actor: AccountRef::by_id(actor),
        target: AccountRef::by_id(target),
        post: None,
        time: Some(time),
        weight: 1.0,
    })
}

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("e.db")).unwrap();
    (dir, store)
}

#[test]
fn writing_the_same_events_twice_adds_nothing() {
    let (_d, mut s) = temp_store();
    let events = vec![
        interaction("a:1", InteractionKind::Reshare, "1", "2", 100),
        interaction("a:2", InteractionKind::Mention, "1", "3", 200),
        interaction("a:3", InteractionKind::Reshare, "3", "2", 300),
    ];
    let first = s.write(&events).unwrap();
    assert_eq!(first.interactions_new, 3);
    assert_eq!(first.accounts_new, 3);
    let again = s.write(&events).unwrap();
    assert_eq!(again.interactions_new, 0);
    assert_eq!(again.accounts_new, 0);
    assert_eq!(again.already_present, 3);
    let st = s.stats(10).unwrap();
    assert_eq!((st.accounts, st.interactions), (3, 3));
    assert_eq!(st.first_time, Some(100));
    assert_eq!(st.last_time, Some(300));
    assert_eq!(st.most_interacted[0].ext_id, "2");
    assert_eq!(st.most_interacted[0].received, 2);
    assert_eq!(st.most_interacted[0].distinct_actors, 2);
    let reshares = st.by_kind.iter().find(|k| k.kind == "reshare").unwrap();
    assert_eq!(reshares.count, 2);
}

#[test]
fn rollback_leaves_nothing_and_commit_keeps_everything() {
    let (_d, mut s) = temp_store();
    s.begin().unwrap();
    s.write(&[interaction("a:1", InteractionKind::Like, "1", "2", 1)])
        .unwrap();
    s.rollback().unwrap();
    assert_eq!(s.stats(1).unwrap().interactions, 0);
    assert_eq!(s.stats(1).unwrap().accounts, 0);
    // The account cache must not remember rolled-back accounts.
    s.begin().unwrap();
    let c = s
        .write(&[interaction("a:1", InteractionKind::Like, "1", "2", 1)])
        .unwrap();
    s.commit().unwrap();
    assert_eq!(c.accounts_new, 2);
    assert_eq!(s.stats(1).unwrap().accounts, 2);
}

#[test]
fn duplicate_profiles_merge_and_later_fields_win() {
    let (_d, mut s) = temp_store();
    let acct = |followers: Option<u64>, bio: Option<&str>| {
        Event::Account(Account {
            platform: "twitter".into(),
            ext_id: "62513246".into(),
            handle: Some("jk_rowling".into()),
            display_name: None,
            profile: Profile {
                followers,
                bio: bio.map(String::from),
                ..Default::default()
            },
        })
    };
    // A stub from an interaction first, then two profile rows for the same id.
    s.write(&[Event::Interaction(Interaction {
        platform: "twitter".into(),
        key: "k".into(),
        kind: InteractionKind::Mention,
        actor: AccountRef::by_id("1"),
        target: AccountRef::by_id("62513246"),
        post: None,
        time: None,
        weight: 1.0,
    })])
    .unwrap();
    let c = s
        .write(&[
            acct(Some(9_942_270), Some("author")),
            acct(Some(9_942_665), None),
        ])
        .unwrap();
    assert_eq!(c.accounts_new, 0);
    assert_eq!(c.accounts_updated, 2);
    let (n, followers, bio, handle): (i64, i64, String, String) = s
        .connection()
        .query_row(
            "SELECT COUNT(*), followers, bio, handle FROM accounts WHERE ext_id = '62513246'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (n, followers, bio.as_str(), handle.as_str()),
        (1, 9_942_665, "author", "jk_rowling")
    );
    let st = s.stats(5).unwrap();
    assert_eq!(st.by_platform[0].profiles, 1);
    assert_eq!(st.undated_interactions, 1);
}

#[test]
fn every_profile_field_round_trips_and_merges() {
    let (_d, mut s) = temp_store();
    let full = Profile {
        followers: Some(25),
        following: Some(1937),
        post_count: Some(3),
        created_at: Some(1_400_000_000),
        bio: Some("hi".into()),
        url: Some("https://x.invalid".into()),
        verified: Some(false),
        default_avatar: Some(true),
        default_profile: Some(true),
        private: Some(true),
        likes_given: Some(7),
        listed: Some(2),
        bio_length: Some(0),
        username_length: Some(10),
        username_digits: Some(4),
        label: Some("fake".into()),
        links: Some(vec!["https://a.example/".into(), "https://x.com/a".into()]),
    };
    let acct = |ext: &str, profile: Profile| {
        Event::Account(Account {
            platform: "instagram".into(),
            ext_id: ext.into(),
            handle: None,
            display_name: None,
            profile,
        })
    };
    s.write(&[acct("a", full.clone()), acct("b", Profile::default())])
        .unwrap();
    // A later partial profile replaces only the fields it has.
    s.write(&[acct(
        "a",
        Profile {
            listed: Some(3),
            ..Default::default()
        },
    )])
    .unwrap();
    let mut got = Vec::new();
    let n = s
        .scan_accounts(Some("instagram"), |_, a| got.push(a))
        .unwrap();
    assert_eq!(n, 2);
    let a = got.iter().find(|a| a.ext_id == "a").unwrap();
    assert_eq!(
        a.profile,
        Profile {
            listed: Some(3),
            ..full
        }
    );
    let b = got.iter().find(|a| a.ext_id == "b").unwrap();
    assert_eq!(b.profile, Profile::default());
    assert_eq!(s.scan_accounts(Some("twitter"), |_, _| ()).unwrap(), 0);
}

#[test]
fn contradicting_labels_become_a_conflict_and_agreeing_ones_stay() {
    let (_d, mut s) = temp_store();
    let labelled = |ext: &str, label: &str| {
        Event::Account(Account {
            platform: "twitter".into(),
            ext_id: ext.into(),
            profile: Profile {
                label: Some(label.into()),
                ..Default::default()
            },
            ..Default::default()
        })
    };
    s.write(&[labelled("a", "bot"), labelled("b", "human")])
        .unwrap();
    // File two: `a` again as a bot (a repeat), `b` now as a bot (a contradiction), then `b` a third time.
    s.write(&[labelled("a", "bot"), labelled("b", "bot")])
        .unwrap();
    s.write(&[labelled("b", "human")]).unwrap();
    let mut got = std::collections::BTreeMap::new();
    s.scan_accounts(None, |_, a| {
        got.insert(a.ext_id, a.profile.label);
    })
    .unwrap();
    assert_eq!(got["a"].as_deref(), Some("bot"));
    assert_eq!(got["b"].as_deref(), Some("conflict:human/bot"));
}

#[test]
fn posts_link_to_authors_and_handles_fill_in() {
    let (_d, mut s) = temp_store();
    let post = Event::Post(Post {
        platform: "twitter".into(),
        ext_id: "p1".into(),
        author: AccountRef::by_handle("@Cairdin"),
        time: 1_424_777_700,
        text: Some("@VirginAmerica What @dhepburn said.".into()),
        reply_to: Some("p0".into()),
        quote_of: None,
        reshare_of: None,
    });
    let c = s.write(&[post.clone(), post]).unwrap();
    assert_eq!((c.posts_new, c.already_present, c.accounts_new), (1, 1, 1));
    let (handle, ext): (String, String) = s
        .connection()
        .query_row(
            "SELECT a.handle, a.ext_id FROM posts p JOIN accounts a ON a.id = p.author",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((handle.as_str(), ext.as_str()), ("Cairdin", "@cairdin"));
    let name = s.post_name(PostId::of("twitter", "p1").0).unwrap().unwrap();
    assert_eq!(
        (name.platform.as_str(), name.platform_id.as_str()),
        ("twitter", "p1")
    );
    assert_eq!(s.post_name(PostId::of("twitter", "p0").0).unwrap(), None);
}

#[test]
fn interrupted_imports_are_marked_on_the_next_exclusive_start() {
    let (d, mut s) = temp_store();
    let first = s.start_import("a.txt", "higgs", "a", 1).unwrap();
    // A second writer beside the first (as `earshot serve` ingests while `earshot import` runs): it
    // cannot know whether the first is alive, so the first stays `running`.
    let mut beside = Store::open(&d.path().join("e.db")).unwrap();
    let second = beside.start_import("<api>", "jsonl", "api", 2).unwrap();
    let status = |s: &Store, id| {
        s.imports(10)
            .unwrap()
            .into_iter()
            .find(|r| r.id == id)
            .unwrap()
            .status
    };
    assert_eq!(status(&s, first.id), earshot_store::ImportStatus::Running);
    drop(beside);
    // Alone and exclusive, a new import knows every `running` row is from a process that died.
    assert!(s.begin_bulk_mode().unwrap());
    let third = s.start_import("a.txt", "higgs", "a", 3).unwrap();
    assert_eq!(
        status(&s, first.id),
        earshot_store::ImportStatus::Interrupted
    );
    assert_eq!(
        status(&s, second.id),
        earshot_store::ImportStatus::Interrupted
    );
    assert_eq!(status(&s, third.id), earshot_store::ImportStatus::Running);
    assert!(s.integrity_check().is_ok());
}

#[test]
fn scans_respect_time_windows_and_platforms() {
    let (_d, mut s) = temp_store();
    let mut events = vec![
        interaction("a:1", InteractionKind::Reshare, "1", "2", 100),
        interaction("a:2", InteractionKind::Like, "1", "3", 200),
        interaction("a:3", InteractionKind::Reply, "3", "2", 300),
    ];
    events.push(Event::Interaction(Interaction {
        platform: "other".into(),
        key: "b:1".into(),
        kind: InteractionKind::Follow,
        actor: AccountRef::by_id("1"),
        target: AccountRef::by_id("2"),
        post: None,
        time: None,
        weight: 2.5,
    }));
    s.write(&events).unwrap();
    let count = |w: earshot_store::TimeWindow, p: Option<&str>| {
        let mut rows = Vec::new();
        let n = s.scan_interactions(w, p, |r| rows.push(*r)).unwrap();
        assert_eq!(n as usize, rows.len());
        rows
    };
    use earshot_store::TimeWindow;
    assert_eq!(
        count(TimeWindow::all(), None).len(),
        4,
        "unbounded includes undated"
    );
    let w = TimeWindow {
        from: Some(100),
        to: Some(300),
    };
    let rows = count(w, None);
    assert_eq!(rows.len(), 2, "[100, 300) excludes 300 and undated");
    assert!(rows
        .iter()
        .all(|r| r.time.is_some_and(|t| (100..300).contains(&t))));
    assert_eq!(
        count(
            TimeWindow {
                from: Some(250),
                to: None
            },
            None
        )
        .len(),
        1
    );
    let other = count(TimeWindow::all(), Some("other"));
    assert_eq!(other.len(), 1);
    assert_eq!(other[0].weight, 2.5);
    assert_eq!(other[0].kind, InteractionKind::Follow);
    assert_eq!(count(TimeWindow::all(), Some("t")).len(), 3);
}

#[test]
fn accounts_resolve_exactly_by_platform_and_ext_id() {
    let (_d, mut s) = temp_store();
    let mut events = vec![interaction("a:1", InteractionKind::Reshare, "1", "2", 100)];
    events.push(Event::Interaction(Interaction {
        platform: "other".into(),
        key: "b:1".into(),
        kind: InteractionKind::Reply,
        actor: AccountRef::by_id("2"),
        target: AccountRef::by_id("7"),
        post: None,
        time: None,
        weight: 1.0,
    }));
    s.write(&events).unwrap();
    assert_eq!(s.platforms().unwrap(), vec!["other", "t"]);
    let id = s.account_id("t", "1").unwrap().expect("stored");
    assert_eq!(s.account_names(id).unwrap().unwrap().0, "1");
    assert_ne!(
        s.account_id("t", "2").unwrap(),
        s.account_id("other", "2").unwrap()
    );
    assert!(s.account_id("other", "2").unwrap().is_some());
    assert_eq!(
        s.account_id("t", "7").unwrap(),
        None,
        "7 is only on `other`"
    );
    assert_eq!(s.account_id("t", " 1").unwrap(), None, "no trimming");
    assert_eq!(s.account_id("nowhere", "1").unwrap(), None);
}

#[test]
fn runs_are_dated_by_their_last_event_and_older_runs_get_one() {
    use earshot_store::TimeWindow;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.db");
    let mut s = Store::open(&path).unwrap();
    s.write(&[
        interaction("a:1", InteractionKind::Reshare, "1", "2", 100),
        interaction("a:2", InteractionKind::Like, "1", "3", 200),
        interaction("a:3", InteractionKind::Reply, "3", "2", 300),
        Event::Interaction(Interaction {
            platform: "other".into(),
            key: "b:1".into(),
            kind: InteractionKind::Mention,
            actor: AccountRef::by_id("1"),
            target: AccountRef::by_id("2"),
            post: None,
            time: Some(500),
            weight: 1.0,
        }),
    ])
    .unwrap();
    let last = |from, to, p| s.last_interaction_time(TimeWindow { from, to }, p).unwrap();
    assert_eq!(last(None, None, None), Some(500));
    assert_eq!(last(None, None, Some("t")), Some(300));
    assert_eq!(last(Some(100), Some(300), None), Some(200), "[from, to)");
    assert_eq!(last(Some(400), None, Some("t")), None);

    // Runs stored by schema 6, before runs kept their last event: the migration finds it among the
    // interactions dated no later than the run.
    s.connection()
        .execute_batch(
            "ALTER TABLE score_runs DROP COLUMN last_event;
             ALTER TABLE scores DROP COLUMN expected;
             ALTER TABLE accounts DROP COLUMN default_profile;
             DROP INDEX interactions_by_post;
             ALTER TABLE interactions DROP COLUMN implied_by;
             DROP TABLE waiting_references;
             DROP TABLE forgotten;
             DROP TABLE forget_key;
             DROP TABLE score_log;
             DROP TABLE offline_evidence;
             DROP TABLE person_accounts;
             DROP TABLE persons;
             DROP TABLE segment_sources;
             DROP TABLE event_segments;
             DROP TABLE log_facts;
             ALTER TABLE accounts DROP COLUMN links;
             DROP TABLE watches;
             DROP TABLE alerts;
             DROP TABLE webhooks;
             DROP TABLE deliveries;
             INSERT INTO score_runs (created_at, model_version, model_json, window_from, window_to,
                 platform, accounts, interactions, weights)
             VALUES (250, 'm', '{}', NULL, NULL, NULL, 3, 2, '[]'),
                    (9000, 'm', '{}', NULL, NULL, 't', 3, 3, '[]'),
                    (9000, 'm', '{}', 150, 250, NULL, 3, 1, '[]');
             PRAGMA user_version = 6;",
        )
        .unwrap();
    drop(s);
    let s = Store::open(&path).unwrap();
    let runs = s.score_runs().unwrap();
    let dated: Vec<(Option<i64>, i64)> = runs.iter().map(|r| (r.last_event, r.as_of())).collect();
    assert_eq!(
        dated,
        [(Some(200), 200), (Some(300), 300), (Some(200), 250)]
    );
}

#[test]
fn top_scores_name_their_accounts() {
    let (_d, mut s) = temp_store();
    s.write(&[
        Event::Account(Account {
            platform: "t".into(),
            ext_id: "2".into(),
            handle: Some("Two".into()),
            ..Default::default()
        }),
        interaction("a:1", InteractionKind::Reshare, "1", "2", 100),
    ])
    .unwrap();
    let (one, two) = (
        s.account_id("t", "1").unwrap().unwrap(),
        s.account_id("t", "2").unwrap().unwrap(),
    );
    let row = |account, overall| earshot_store::ScoreRow {
        account,
        overall,
        raw: [0.0; 5],
        pct: [0.0; 5],
        askers: 0,
        askers_answered: 0,
        authenticity: None,
        expected: None,
    };
    let run = earshot_store::ScoreRun {
        id: 0,
        created_at: 1,
        model_version: "m".into(),
        model_json: "{}".into(),
        window_from: None,
        window_to: None,
        last_event: Some(100),
        platform: None,
        accounts: 2,
        interactions: 1,
        weights: [0.2; 5],
    };
    let rows = [row(two, 90.0), row(one, 10.0)];
    let run = s.save_score_run(&run, &rows).unwrap();
    let top = s.top_scores(run, "overall", 10, None).unwrap();
    let names: Vec<(&str, &str, Option<&str>)> = top
        .iter()
        .map(|n| {
            (
                n.name.platform.as_str(),
                n.name.platform_id.as_str(),
                n.name.handle.as_deref(),
            )
        })
        .collect();
    assert_eq!(names, [("t", "2", Some("Two")), ("t", "1", None)]);
    assert_eq!(top[0].score, rows[0]);
    let json = serde_json::to_value(&top[1]).unwrap();
    assert_eq!(json["platform_id"], "1");
    assert!(json["handle"].is_null() && json.get("handle").is_some());
    assert_eq!(json["overall"], 10.0);
    assert_eq!(s.account_name(two).unwrap(), Some(top[0].name.clone()));
    assert_eq!(s.account_name(12345).unwrap(), None);
}
