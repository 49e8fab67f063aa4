//! Threads: a post's `reply_to`, `quote_of` and `reshare_of` imply interactions, in any order, once.
//! Real SQLite files in temp dirs.

use earshot_model::{AccountRef, Event, Interaction, InteractionKind, Post};
use earshot_store::{Store, WriteCounts};

const P: &str = "t";

fn post(id: &str, author: &str, time: i64) -> Post {
    Post {
        platform: P.into(),
        ext_id: id.into(),
        author: AccountRef::by_id(author),
        time,
        text: None,
        reply_to: None,
        quote_of: None,
        reshare_of: None,
    }
}

fn reply(id: &str, author: &str, time: i64, to: &str) -> Event {
    Event::Post(Post {
        reply_to: Some(to.into()),
        ..post(id, author, time)
    })
}

fn original(id: &str, author: &str, time: i64) -> Event {
    Event::Post(post(id, author, time))
}

/// An interaction the input states, about post `about`.
fn stated(
    key: &str,
    kind: InteractionKind,
    actor: &str,
    target: &str,
    about: &str,
    time: i64,
) -> Event {
    Event::Interaction(Interaction {
        platform: P.into(),
        key: key.into(),
        kind,
        actor: AccountRef::by_id(actor),
        target: AccountRef::by_id(target),
        post: Some(about.into()),
        time: Some(time),
        weight: 1.0,
    })
}

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("e.db")).unwrap();
    (dir, store)
}

/// A stored interaction as `(kind, actor, target, post, time, implied)`, accounts and posts by their
/// external ids.
type Row = (String, String, String, Option<String>, Option<i64>, bool);

/// Every stored interaction, sorted.
fn interactions(s: &Store) -> Vec<Row> {
    let mut stmt = s
        .connection()
        .prepare(
            "SELECT i.kind, a.ext_id, t.ext_id, p.ext_id, i.time, i.implied_by IS NOT NULL
             FROM interactions i JOIN accounts a ON a.id = i.actor JOIN accounts t ON t.id = i.target
             LEFT JOIN posts p ON p.id = i.post",
        )
        .unwrap();
    let mut rows: Vec<_> = stmt
        .query_map([], |r| {
            let kind = InteractionKind::from_code(r.get(0)?)
                .unwrap()
                .name()
                .to_string();
            Ok((kind, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.sort();
    rows
}

fn row(kind: &str, actor: &str, target: &str, about: &str, time: i64, implied: bool) -> Row {
    (
        kind.into(),
        actor.into(),
        target.into(),
        Some(about.into()),
        Some(time),
        implied,
    )
}

#[test]
fn a_thread_of_posts_alone_implies_its_replies_quotes_and_reshares() {
    let (_d, mut s) = temp_store();
    let events = vec![
        original("p0", "ann", 100),
        reply("p1", "bob", 110, "p0"),
        Event::Post(Post {
            quote_of: Some("p0".into()),
            ..post("p2", "cy", 120)
        }),
        Event::Post(Post {
            reshare_of: Some("p1".into()),
            ..post("p3", "dee", 130)
        }),
        // A reply that quotes: two references, two interactions.
        Event::Post(Post {
            reply_to: Some("p1".into()),
            quote_of: Some("p0".into()),
            ..post("p4", "eve", 140)
        }),
    ];
    let c = s.write(&events).unwrap();
    assert_eq!((c.interactions_new, c.interactions_implied), (5, 5));
    assert_eq!((c.references_queued, c.implied_replaced), (0, 0));
    assert_eq!(
        interactions(&s),
        vec![
            row("quote", "cy", "ann", "p0", 120, true),
            row("quote", "eve", "ann", "p0", 140, true),
            row("reply", "bob", "ann", "p0", 110, true),
            row("reply", "eve", "bob", "p1", 140, true),
            row("reshare", "dee", "bob", "p1", 130, true),
        ]
    );
    let st = s.stats(5).unwrap();
    assert_eq!(
        (
            st.interactions,
            st.implied_interactions,
            st.references_waiting
        ),
        (5, 5, 0)
    );

    // Again: the same rows, nothing new.
    let again = s.write(&events).unwrap();
    assert_eq!(
        again,
        WriteCounts {
            already_present: 5,
            ..WriteCounts::default()
        }
    );
    assert_eq!(s.stats(5).unwrap().interactions, 5);
}

#[test]
fn a_reply_finds_its_parent_later_in_the_same_write_or_waits_for_a_later_one() {
    let (_d, mut s) = temp_store();
    // Later in the same write: references are answered once the whole write is stored, so none waits.
    let c = s
        .write(&[reply("r1", "bob", 200, "q1"), original("q1", "ann", 100)])
        .unwrap();
    assert_eq!(
        (
            c.references_queued,
            c.references_resolved,
            c.interactions_implied
        ),
        (0, 0, 1)
    );
    // In a later write (another import): the reference waits, counted, until the parent comes.
    let c = s.write(&[reply("r2", "cy", 300, "q2")]).unwrap();
    assert_eq!((c.references_queued, c.interactions_new), (1, 0));
    assert_eq!(s.stats(1).unwrap().references_waiting, 1);
    let c = s.write(&[original("q2", "dee", 50)]).unwrap();
    assert_eq!((c.references_resolved, c.interactions_implied), (1, 1));
    assert_eq!(s.stats(1).unwrap().references_waiting, 0);
    assert_eq!(
        interactions(&s),
        vec![
            row("reply", "bob", "ann", "q1", 200, true),
            row("reply", "cy", "dee", "q2", 300, true),
        ]
    );
}

#[test]
fn a_reply_whose_parent_was_imported_earlier_is_implied_at_once() {
    let (_d, mut s) = temp_store();
    s.write(&[original("q", "ann", 100)]).unwrap();
    let c = s.write(&[reply("r", "bob", 200, "q")]).unwrap();
    assert_eq!((c.references_queued, c.interactions_implied), (0, 1));
    assert_eq!(
        interactions(&s),
        vec![row("reply", "bob", "ann", "q", 200, true)]
    );
}

#[test]
fn a_reply_to_a_post_never_seen_stays_waiting_and_implies_nothing() {
    let (_d, mut s) = temp_store();
    let c = s.write(&[reply("r", "bob", 200, "gone")]).unwrap();
    assert_eq!((c.references_queued, c.interactions_new), (1, 0));
    // Writing the reply again neither waits twice nor implies anything.
    let c = s.write(&[reply("r", "bob", 200, "gone")]).unwrap();
    assert_eq!((c.references_queued, c.already_present), (0, 1));
    let st = s.stats(1).unwrap();
    assert_eq!((st.interactions, st.references_waiting), (0, 1));
}

#[test]
fn a_reaction_given_both_as_a_post_and_stated_counts_once_in_either_order() {
    let parent = original("q", "ann", 100);
    let the_reply = reply("r", "bob", 200, "q");
    let the_stated = stated("k1", InteractionKind::Reply, "bob", "ann", "q", 200);
    let orders: [(&str, Vec<Vec<Event>>); 5] = [
        (
            "post first",
            vec![vec![parent.clone(), the_reply.clone(), the_stated.clone()]],
        ),
        (
            "stated first",
            vec![vec![parent.clone(), the_stated.clone(), the_reply.clone()]],
        ),
        (
            "stated in a later write",
            vec![
                vec![parent.clone(), the_reply.clone()],
                vec![the_stated.clone()],
            ],
        ),
        (
            "post in a later write",
            vec![
                vec![parent.clone(), the_stated.clone()],
                vec![the_reply.clone()],
            ],
        ),
        (
            "parent last",
            vec![
                vec![the_reply.clone(), the_stated.clone()],
                vec![parent.clone()],
            ],
        ),
    ];
    for (name, writes) in orders {
        let (_d, mut s) = temp_store();
        let mut total = WriteCounts::default();
        for w in &writes {
            total.add(&s.write(w).unwrap());
        }
        // Only the stated interaction stays.
        assert_eq!(
            interactions(&s),
            vec![row("reply", "bob", "ann", "q", 200, false)],
            "{name}"
        );
        assert_eq!(total.interactions_new - total.implied_replaced, 1, "{name}");
        // Importing everything again adds nothing.
        for w in &writes {
            let again = s.write(w).unwrap();
            assert_eq!(again.interactions_new, 0, "{name}");
        }
        assert_eq!(s.stats(1).unwrap().interactions, 1, "{name}");
    }
}

#[test]
fn each_reply_post_is_a_reply_unless_the_input_states_its_replies_itself() {
    // Two replies by one author to one post: two replies.
    let (_d, mut s) = temp_store();
    let events = vec![
        original("q", "ann", 100),
        reply("r1", "bob", 200, "q"),
        reply("r2", "bob", 300, "q"),
    ];
    s.write(&events).unwrap();
    assert_eq!(
        interactions(&s),
        vec![
            row("reply", "bob", "ann", "q", 200, true),
            row("reply", "bob", "ann", "q", 300, true),
        ]
    );
    // The input then states bob's replies to q: it lists them itself, and they replace both.
    let c = s
        .write(&[
            stated("k1", InteractionKind::Reply, "bob", "ann", "q", 200),
            stated("k2", InteractionKind::Reply, "bob", "ann", "q", 300),
        ])
        .unwrap();
    assert_eq!((c.interactions_new, c.implied_replaced), (2, 2));
    assert_eq!(
        interactions(&s),
        vec![
            row("reply", "bob", "ann", "q", 200, false),
            row("reply", "bob", "ann", "q", 300, false),
        ]
    );
    // A stated reaction of another kind (a like) or by another actor replaces nothing.
    let (_d, mut s) = temp_store();
    s.write(&events).unwrap();
    let c = s
        .write(&[
            stated("l", InteractionKind::Like, "bob", "ann", "q", 250),
            stated("o", InteractionKind::Reply, "cy", "ann", "q", 260),
        ])
        .unwrap();
    assert_eq!(c.implied_replaced, 0);
    assert_eq!(s.stats(1).unwrap().implied_interactions, 2);
}

#[test]
fn a_self_reply_is_recorded_as_an_interaction_with_oneself() {
    let (_d, mut s) = temp_store();
    s.write(&[original("t1", "ann", 100), reply("t2", "ann", 200, "t1")])
        .unwrap();
    assert_eq!(
        interactions(&s),
        vec![row("reply", "ann", "ann", "t1", 200, true)]
    );
}

#[test]
fn a_rolled_back_write_leaves_no_implied_interaction_nor_waiting_reference() {
    let (_d, mut s) = temp_store();
    s.begin().unwrap();
    s.write(&[
        original("q", "ann", 100),
        reply("r", "bob", 200, "q"),
        reply("x", "bob", 200, "gone"),
    ])
    .unwrap();
    s.rollback().unwrap();
    let st = s.stats(1).unwrap();
    assert_eq!(
        (st.posts, st.interactions, st.references_waiting),
        (0, 0, 0)
    );
}
