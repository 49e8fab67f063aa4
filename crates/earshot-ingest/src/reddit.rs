//! Reddit submissions and comments as Pushshift dumped them: one JSON object a line (the monthly
//! `RS_*`/`RC_*` files, decompressed or gzip), as described in Baumgartner et al., "The Pushshift Reddit
//! Dataset" (ICWSM 2020), section "Data Description", whose fields follow Reddit's own API objects.
//!
//! A line with a `body` is a comment, one with a `title` a submission. Each becomes its author's
//! account, a post and a mention per `u/name` in its text:
//! - Posts are named by their *fullname*, the type prefix and the base-36 `id` (`t1_` a comment, `t3_`
//!   a submission; Reddit API documentation, "fullnames"), because the two kinds number their ids
//!   apart. A comment answers its `parent_id`, which is a fullname already: the store makes the reply.
//!   A submission's `crosspost_parent` (a `t3_` fullname) makes it a reshare of the original.
//! - Accounts are their usernames, known by handle (`@name` in lower case, as every handle-only account
//!   in earshot; Reddit names are case-insensitive), so that `u/name` mentions in any text reach the
//!   same account. `author_fullname` (`t2_…`) is absent from older dumps and is not used.
//! - A submission's text is its `title`, then its `selftext` when that holds more than `[removed]` or
//!   `[deleted]`.
//! - `created_utc` is unix seconds, as a number or a numeric string (both occur in the dumps).
//!
//! Rejected, one line each with the field: a line that is not a JSON object, a missing or deleted
//! author (`[deleted]`: nothing to credit), a missing `id`, a missing or unreadable `created_utc`, a
//! comment without `parent_id`, a line that is neither a comment nor a submission.

use crate::reader::quote;
use earshot_model::{Account, AccountRef, Event, Interaction, InteractionKind, Post};
use serde_json::{Map, Value};

/// The platform of Reddit's events unless `--platform` names another.
pub const PLATFORM: &str = "reddit";

type Bad = (&'static str, String);

fn string<'a>(o: &'a Map<String, Value>, field: &'static str) -> Result<Option<&'a str>, Bad> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str()).filter(|s| !s.trim().is_empty())),
        Some(other) => Err((field, format!("expected a string, found {other}"))),
    }
}

/// Unix seconds from a number (`1136073600`, `1136073600.0`) or a numeric string.
fn seconds(o: &Map<String, Value>) -> Result<i64, Bad> {
    let field = "created_utc";
    let v = o.get(field).ok_or((
        field,
        "missing: every submission and comment has one".to_string(),
    ))?;
    let t = match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
    .ok_or((field, format!("not unix seconds: {v}")))?;
    crate::time::check_range(t).map_err(|e| (field, e.0))
}

/// The usernames a text mentions as `u/name` or `/u/name` (3–20 of `[A-Za-z0-9_-]`, Reddit's
/// username rule), not inside a word or a longer path.
fn user_mentions(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < b.len() {
        let at_u = (b[i] == b'u' || b[i] == b'U') && b[i + 1] == b'/';
        let before_ok = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if at_u && before_ok {
            let start = i + 2;
            let mut end = start;
            while end < b.len()
                && (b[end].is_ascii_alphanumeric() || b[end] == b'_' || b[end] == b'-')
            {
                end += 1;
            }
            if (3..=20).contains(&(end - start)) && !out.contains(&&text[start..end]) {
                out.push(&text[start..end]);
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// One line of the format ([`crate::json_lines::ParseLine`]).
pub(crate) fn parse(text: &str, platform: &str) -> Result<Vec<Event>, Bad> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ("<json>", format!("invalid JSON: {e} in {}", quote(text))))?;
    let Value::Object(o) = v else {
        return Err(("<json>", "expected a JSON object per line".into()));
    };
    let author = string(&o, "author")?.ok_or(("author", "missing".to_string()))?;
    if author == "[deleted]" || author == "[removed]" {
        return Err((
            "author",
            format!("{author}: the author is gone, nothing to credit"),
        ));
    }
    let id = string(&o, "id")?.ok_or(("id", "missing".to_string()))?;
    let time = seconds(&o)?;
    let (ext_id, text, reply_to, reshare_of) = if let Some(body) = string(&o, "body")? {
        let parent = string(&o, "parent_id")?.ok_or((
            "parent_id",
            "missing: a comment answers a submission or a comment".to_string(),
        ))?;
        (
            format!("t1_{id}"),
            body.to_string(),
            Some(parent.to_string()),
            None,
        )
    } else if let Some(title) = string(&o, "title")? {
        let mut t = title.to_string();
        if let Some(s) = string(&o, "selftext")?.filter(|s| *s != "[removed]" && *s != "[deleted]")
        {
            t.push_str("\n\n");
            t.push_str(s);
        }
        let crosspost = string(&o, "crosspost_parent")?.map(str::to_string);
        (format!("t3_{id}"), t, None, crosspost)
    } else {
        return Err((
            "<json>",
            "neither a comment (`body`) nor a submission (`title`)".into(),
        ));
    };
    let by = AccountRef::by_handle(author);
    let mut events = vec![Event::Account(Account {
        platform: platform.to_string(),
        ext_id: by.ext_id.clone(),
        handle: by.handle.clone(),
        ..Account::default()
    })];
    for (n, name) in user_mentions(&text).into_iter().enumerate() {
        if name.eq_ignore_ascii_case(author) {
            continue;
        }
        events.push(Event::Interaction(Interaction {
            platform: platform.to_string(),
            key: format!("{ext_id}#m{n}"),
            kind: InteractionKind::Mention,
            actor: by.clone(),
            target: AccountRef::by_handle(name),
            post: Some(ext_id.clone()),
            time: Some(time),
            weight: 1.0,
        }));
    }
    events.insert(
        1,
        Event::Post(Post {
            platform: platform.to_string(),
            ext_id,
            author: by,
            time,
            text: Some(text),
            reply_to,
            quote_of: None,
            reshare_of,
        }),
    );
    for ev in &events {
        crate::values::check(ev).map_err(|(f, why)| (dump_field(ev, &f), why))?;
    }
    Ok(events)
}

/// The dump's name for the field of an event `values::check` found at fault.
fn dump_field(ev: &Event, field: &str) -> &'static str {
    match (ev, field) {
        (Event::Account(_), _) => "author",
        (Event::Post(_), "ext_id") => "id",
        (Event::Post(_), "reply_to") => "parent_id",
        (Event::Post(_), "reshare_of") => "crosspost_parent",
        (Event::Post(_), f) if f.starts_with("author") => "author",
        // A post's text, and the mentions taken from it.
        _ => "text",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{read_all, write_file, write_gz};
    use crate::{Format, Options};

    // Lines shaped as the Pushshift paper's "Data Description" lists the fields of submissions and
    // comments (id, author, created_utc, subreddit, title, selftext, body, parent_id, link_id), values
    // made up.
    const SUBMISSION: &str = r#"{"id":"5lcgjh","author":"alice_b","created_utc":1483228800,"subreddit":"rust","title":"Borrow checker question","selftext":"Why does u/bob-c say this fails?","num_comments":2,"score":10}"#;
    const COMMENT: &str = r#"{"id":"dbuo0ap","author":"bob-c","created_utc":"1483229000","subreddit":"rust","body":"Because of the lifetime, see /u/alice_b's post","parent_id":"t3_5lcgjh","link_id":"t3_5lcgjh","score":3}"#;
    const REPLY: &str = r#"{"id":"dbuo1xx","author":"Alice_B","created_utc":1483229100.0,"body":"thanks!","parent_id":"t1_dbuo0ap","link_id":"t3_5lcgjh"}"#;
    const CROSSPOST: &str = r#"{"id":"5lczzz","author":"carol","created_utc":1483230000,"title":"x-post","selftext":"[removed]","crosspost_parent":"t3_5lcgjh"}"#;

    fn post_of(events: &[Event]) -> &Post {
        events
            .iter()
            .find_map(|e| match e {
                Event::Post(p) => Some(p),
                _ => None,
            })
            .expect("a post")
    }

    #[test]
    fn submissions_comments_replies_crossposts_and_mentions() {
        let dir = tempfile::tempdir().unwrap();
        let text = [SUBMISSION, COMMENT, REPLY, CROSSPOST].join("\n");
        let p = write_gz(dir.path(), "RC_2017-01.jsonl.gz", text.as_bytes());
        let (good, bad) = read_all(&p, Format::Reddit, &Options::default());
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good.len(), 4);

        let s = post_of(&good[0].events);
        assert_eq!(
            (s.platform.as_str(), s.ext_id.as_str()),
            ("reddit", "t3_5lcgjh")
        );
        assert_eq!(s.author.ext_id, "@alice_b");
        assert_eq!(s.time, 1_483_228_800);
        assert_eq!(
            s.text.as_deref(),
            Some("Borrow checker question\n\nWhy does u/bob-c say this fails?")
        );
        let mention = good[0].events.iter().find_map(|e| match e {
            Event::Interaction(i) => Some(i),
            _ => None,
        });
        let m = mention.expect("u/bob-c is a mention");
        assert_eq!(
            (m.kind, m.target.ext_id.as_str()),
            (InteractionKind::Mention, "@bob-c")
        );

        let c = post_of(&good[1].events);
        assert_eq!(c.ext_id, "t1_dbuo0ap");
        assert_eq!(
            c.reply_to.as_deref(),
            Some("t3_5lcgjh"),
            "a comment answers its parent"
        );
        assert_eq!(c.time, 1_483_229_000, "created_utc as a string");

        let r = post_of(&good[2].events);
        assert_eq!(r.reply_to.as_deref(), Some("t1_dbuo0ap"));
        assert_eq!(r.author.ext_id, "@alice_b", "names are case-insensitive");
        assert_eq!(r.time, 1_483_229_100, "created_utc as a whole float");

        let x = post_of(&good[3].events);
        assert_eq!(x.reshare_of.as_deref(), Some("t3_5lcgjh"));
        assert_eq!(
            x.text.as_deref(),
            Some("x-post"),
            "[removed] selftext is left out"
        );
    }

    #[test]
    fn each_bad_line_is_one_rejection_naming_its_field() {
        let dir = tempfile::tempdir().unwrap();
        let lines = [
            SUBMISSION,
            r#"{"id":"a1","author":"[deleted]","created_utc":1483228800,"body":"gone","parent_id":"t3_x"}"#,
            r#"{"id":"a2","created_utc":1483228800,"body":"no author","parent_id":"t3_x"}"#,
            r#"{"id":"a3","author":"dan","created_utc":"soon","body":"x","parent_id":"t3_x"}"#,
            r#"{"id":"a4","author":"dan","created_utc":1483228800,"body":"x"}"#,
            r#"{"id":"a5","author":"dan","created_utc":1483228800,"score":4}"#,
            r#"["not","an","object"]"#,
            r#"{"id":"a6","author":"dan","created_utc":1483228800,"body":"#,
            r#"{"author":"dan","created_utc":1483228800,"title":"no id"}"#,
            r#"{"id":"a7","author":"dan","created_utc":1483228800,"body":"nul \u0000 inside","parent_id":"t3_x"}"#,
            COMMENT,
        ];
        let p = write_file(dir.path(), "RC.jsonl", lines.join("\n").as_bytes());
        let (good, bad) = read_all(&p, Format::Reddit, &Options::default());
        assert_eq!(good.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 11]);
        let fields: Vec<&str> = bad.iter().map(|b| b.split(": ").nth(1).unwrap()).collect();
        assert_eq!(
            fields,
            [
                "author",
                "author",
                "created_utc",
                "parent_id",
                "<json>",
                "<json>",
                "<json>",
                "id",
                "text"
            ],
            "{bad:#?}"
        );
    }

    #[test]
    fn mentions_follow_reddits_username_rule() {
        assert_eq!(
            user_mentions("hi u/abc and /u/Def_9 and u/ab"),
            ["abc", "Def_9"]
        );
        assert_eq!(user_mentions("menu/abc xu/abc"), Vec::<&str>::new());
        assert_eq!(user_mentions("u/abc u/abc"), ["abc"]);
    }
}
