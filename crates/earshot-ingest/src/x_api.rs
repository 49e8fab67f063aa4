//! X API v2 response pages: a file holding one page object (as saved from a request, pretty-printed
//! or not), or JSON lines of pages, one a line (as twarc2 and similar collectors write them).
//!
//! A page is `{"data": …, "includes": {"users": […], "tweets": […]}, "meta": {…}, "errors": […]}`
//! (developer.x.com, X API v2 "Tweet object" and "User object" in the data dictionary, and
//! "Expansions": `author_id`, `referenced_tweets.id`, `entities.mentions.username` expand into
//! `includes.users` and `includes.tweets`). Each element is its own record at the line it starts on:
//! - A tweet of `data` or `includes.tweets` (fields `id`, `text`, `author_id`, `created_at` in RFC
//!   3339, `in_reply_to_user_id`, `referenced_tweets` of `{type, id}`, `entities.mentions` of
//!   `{username, id}`) is a Post named by its `id`, by `author_id` (with the handle the page's
//!   `includes.users` gives it), answering its `replied_to` reference, quoting its `quoted` one and
//!   resharing its `retweeted` one; the store makes the reply, quote or reshare each implies once the
//!   referenced tweet's author is known, and `includes.tweets` are read as posts for that reason.
//!   A reply with `in_reply_to_user_id` also states the reply, keyed `<id>#reply`, from the author to
//!   that account about the replied tweet, so that it counts even when the replied tweet is not in any
//!   page (a stated reply replaces the implied one: nothing counts twice). The X personal archive's
//!   reader keys its replies and mentions the same way, so the two formats meet.
//! - Each distinct account of `entities.mentions` other than the author is a Mention, keyed
//!   `<id>#m<n>`: by `id` with the `username` as handle when the mention has an id, else by handle.
//!   A retweet's text is the retweeted tweet's (`RT @name: …`, cut) and its mentions are that
//!   author's: a retweet's Post keeps neither.
//! - A user of `includes.users` (or of `data` in a page of users, such as a followers list, whose
//!   page does not say whose followers they are) is an Account: `id`, `username` as handle, `name`,
//!   `description` as bio, `url`, `verified`, `protected`, `created_at`, and `public_metrics`
//!   (`followers_count`, `following_count`, `tweet_count`, `listed_count`).
//!
//! `author_id` and `created_at` are not default fields: a page requested without
//! `tweet.fields=author_id,created_at` (or `expansions=author_id`) has tweets that cannot be
//! attributed or dated, each rejected naming the missing field. A page's `errors` (referenced tweets
//! since deleted, …) and `meta` carry nothing earshot keeps. A referenced tweet of another `type` is
//! passed over. Rejections name the field, and their reasons the element (`data[3]`).

use crate::fields::is_clean_int;
use crate::json_fields::{id_of, mentioned, opt_str, time, Bad};
use crate::reader::{quote, ByteSource, LineReader};
use crate::{Ctx, Options, Record, Rejection};
use earshot_model::{Account, AccountRef, Event, Interaction, InteractionKind, Post};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};

/// The platform of X API pages unless `--platform` names another: the one the CSV formats default
/// to, so that the same accounts meet across formats.
pub const PLATFORM: &str = "twitter";

/// How the file holds its pages, decided by its first line that is not blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// One page a line.
    Lines,
    /// One page over all the file's lines (`doc` gathers them).
    Document,
    /// A document that could not be gathered: the rest of the file is passed over.
    Abandoned,
}

/// Reads X API v2 pages into records, one per tweet or user.
pub(crate) struct PageReader {
    lines: LineReader,
    ctx: Ctx,
    platform: String,
    max: usize,
    layout: Option<Layout>,
    /// The document's text and its first line, in [`Layout::Document`].
    doc: String,
    doc_line: u64,
    pending: VecDeque<Result<Record, Rejection>>,
    done: bool,
}

impl PageReader {
    /// Read `src`; events are on `--platform`, else on [`PLATFORM`]. A page, and a one-page
    /// document, may be at most [`Options::max_line_bytes`] long.
    pub fn new(src: ByteSource, ctx: Ctx, opts: &Options) -> Self {
        let lines = LineReader::new(src, ctx.file.clone(), opts.encoding, opts.max_line_bytes);
        PageReader {
            lines,
            ctx,
            platform: opts.platform.clone().unwrap_or_else(|| PLATFORM.into()),
            max: opts.max_line_bytes,
            layout: None,
            doc: String::new(),
            doc_line: 0,
            pending: VecDeque::new(),
            done: false,
        }
    }

    /// Add a line of a one-page document; past the size limit the document is abandoned.
    fn gather(&mut self, line: u64, text: &str) {
        if self.doc.is_empty() {
            self.doc_line = line;
        }
        if self.doc.len() + text.len() + 1 > self.max {
            self.layout = Some(Layout::Abandoned);
            self.doc = String::new();
            let reason = format!(
                "a page over several lines longer than the limit of {} bytes (abandoned): write one page per line",
                self.max
            );
            self.pending
                .push_back(Err(self.ctx.reject(self.doc_line, "<page>", reason)));
            return;
        }
        self.doc.push_str(text);
        self.doc.push('\n');
    }
}

/// One page as several lines: the first line is not a whole object (`{` of a pretty-printed page).
fn starts_document(text: &str) -> bool {
    let t = text.trim();
    !t.ends_with('}') && serde_json::from_str::<Value>(t).is_err()
}

impl Iterator for PageReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            let (line, text) = match self.lines.next_line() {
                None => {
                    self.done = true;
                    if self.layout == Some(Layout::Document) {
                        let doc = std::mem::take(&mut self.doc);
                        page(
                            &doc,
                            self.doc_line,
                            &self.ctx,
                            &self.platform,
                            &mut self.pending,
                        );
                    }
                    continue;
                }
                Some(Err(r)) => {
                    if self.layout == Some(Layout::Document) {
                        self.layout = Some(Layout::Abandoned);
                    }
                    return Some(Err(r));
                }
                Some(Ok((line, text))) => (line, text.to_string()),
            };
            let layout = match self.layout {
                Some(l) => l,
                None if text.trim().is_empty() => continue,
                None => {
                    let l = if starts_document(&text) {
                        Layout::Document
                    } else {
                        Layout::Lines
                    };
                    self.layout = Some(l);
                    l
                }
            };
            match layout {
                Layout::Lines if text.trim().is_empty() => {}
                Layout::Lines => page(&text, line, &self.ctx, &self.platform, &mut self.pending),
                Layout::Document => self.gather(line, &text),
                Layout::Abandoned => {}
            }
        }
    }
}

/// The records of one page starting at `first_line`, in the page's order: `data`, then
/// `includes.users`, then `includes.tweets`; each bad element one rejection.
fn page(
    text: &str,
    first_line: u64,
    ctx: &Ctx,
    platform: &str,
    out: &mut VecDeque<Result<Record, Rejection>>,
) {
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let reason = format!("invalid JSON: {e} in {}", quote(text.trim()));
            out.push_back(Err(ctx.reject(first_line, "<json>", reason)));
            return;
        }
    };
    if !v.is_object() {
        let reason = "expected an X API v2 response object (`data`, `includes`, `meta`)".into();
        out.push_back(Err(ctx.reject(first_line, "<json>", reason)));
        return;
    }
    let lines = element_lines(text);
    let users = &v["includes"]["users"];
    let handles = handles(users);
    let sections: [(&str, &Value, &[u64]); 3] = [
        ("data", &v["data"], &lines.data),
        ("includes.users", users, &lines.users),
        ("includes.tweets", &v["includes"]["tweets"], &lines.tweets),
    ];
    for (place, value, at) in sections {
        let items: Vec<&Value> = match value {
            Value::Null => continue,
            Value::Array(items) => items.iter().collect(),
            // A single-tweet lookup (`GET /2/tweets/:id`) gives `data` as one object.
            Value::Object(_) if place == "data" => vec![value],
            other => {
                let reason = format!("expected an array, found {}", quote(&other.to_string()));
                out.push_back(Err(ctx.reject(first_line, place, reason)));
                continue;
            }
        };
        for (i, item) in items.into_iter().enumerate() {
            let line = at.get(i).map_or(first_line, |rel| first_line + rel - 1);
            let parsed = match place {
                "includes.users" => user(item, platform),
                "data" if is_user(item) => user(item, platform),
                _ => tweet(item, platform, &handles),
            };
            out.push_back(match parsed {
                Ok(events) => Ok(Record { line, events }),
                Err((field, why)) => Err(ctx.reject(line, field, format!("{place}[{i}]: {why}"))),
            });
        }
    }
}

/// Is this element of `data` a user (a page of users) rather than a tweet?
fn is_user(v: &Value) -> bool {
    v.get("username").is_some() && v.get("text").is_none()
}

/// The handle of each user of `includes.users`, by id.
fn handles(users: &Value) -> HashMap<&str, &str> {
    users
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| Some((u["id"].as_str()?, u["username"].as_str()?)))
        .collect()
}

/// The lines, counted from 1 at the start of `text`, on which the elements of a page's `data` (or
/// its one object), `includes.users` and `includes.tweets` start: a scan of the JSON's structure,
/// since the parsed value keeps no positions.
#[derive(Debug, Default)]
struct ElementLines {
    data: Vec<u64>,
    users: Vec<u64>,
    tweets: Vec<u64>,
}

/// What an open JSON container is, as far as [`element_lines`] cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Page,
    Includes,
    Data,
    Users,
    Tweets,
    Other,
}

fn element_lines(text: &str) -> ElementLines {
    let mut out = ElementLines::default();
    // Open containers: (is an array, what it is).
    let mut stack: Vec<(bool, Slot)> = Vec::new();
    let (mut line, mut in_str, mut esc) = (1u64, false, false);
    let (mut str_start, mut last_str, mut key) = (0usize, "", "");
    let mut element_next = false;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            line += 1;
        }
        if in_str {
            if esc {
                esc = false;
            } else if b == b'\\' {
                esc = true;
            } else if b == b'"' {
                in_str = false;
                last_str = &text[str_start..i];
            }
            continue;
        }
        if b.is_ascii_whitespace() {
            continue;
        }
        let top = stack.last().copied();
        if let Some((true, slot)) = top {
            if element_next && b != b']' {
                match slot {
                    Slot::Data => out.data.push(line),
                    Slot::Users => out.users.push(line),
                    Slot::Tweets => out.tweets.push(line),
                    _ => {}
                }
            }
        }
        element_next = false;
        match b {
            b'"' => {
                in_str = true;
                str_start = i + 1;
            }
            b':' => key = last_str,
            b'{' | b'[' => {
                let array = b == b'[';
                let slot = match (top, key, array) {
                    (None, _, false) => Slot::Page,
                    (Some((false, Slot::Page)), "data", true) => Slot::Data,
                    (Some((false, Slot::Page)), "data", false) => {
                        out.data.push(line);
                        Slot::Other
                    }
                    (Some((false, Slot::Page)), "includes", false) => Slot::Includes,
                    (Some((false, Slot::Includes)), "users", true) => Slot::Users,
                    (Some((false, Slot::Includes)), "tweets", true) => Slot::Tweets,
                    _ => Slot::Other,
                };
                stack.push((array, slot));
                element_next = array;
                key = "";
            }
            b'}' | b']' => {
                stack.pop();
                key = "";
            }
            b',' => {
                element_next = matches!(stack.last(), Some((true, _)));
                key = "";
            }
            _ => {}
        }
    }
    out
}

/// The tweets a tweet refers to, by `type`: (replied to, quoted, retweeted).
type References<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

fn references(t: &Value) -> Result<References<'_>, Bad> {
    let field = "referenced_tweets";
    let list = match &t[field] {
        Value::Null => return Ok((None, None, None)),
        Value::Array(list) => list,
        other => return Err((field, format!("expected an array, found {other}"))),
    };
    let mut refs: References = (None, None, None);
    for r in list {
        let target = id_of(&r["id"], "referenced_tweets.id", "")?;
        match opt_str(&r["type"], "referenced_tweets.type")? {
            Some("replied_to") => refs.0 = Some(target),
            Some("quoted") => refs.1 = Some(target),
            Some("retweeted") => refs.2 = Some(target),
            _ => {}
        }
    }
    Ok(refs)
}

/// A tweet: its Post, the stated reply, and its mentions (none for a retweet).
fn tweet(t: &Value, platform: &str, handles: &HashMap<&str, &str>) -> Result<Vec<Event>, Bad> {
    if !t.is_object() {
        return Err(("<json>", format!("expected a tweet object, found {t}")));
    }
    let id = id_of(&t["id"], "id", "")?;
    let author = id_of(
        &t["author_id"],
        "author_id",
        ": request tweet.fields=author_id (or expansions=author_id)",
    )?;
    let created = opt_str(&t["created_at"], "created_at")?.ok_or((
        "created_at",
        "missing: request tweet.fields=created_at".to_string(),
    ))?;
    let when = time(created, "created_at")?;
    let (reply_to, quote_of, reshare_of) = references(t)?;
    let by = account_ref(author, handles.get(author).copied());
    let text = match reshare_of {
        Some(_) => None,
        None => opt_str(&t["text"], "text")?,
    };
    let interaction = |key: String, kind, target: AccountRef, post: &str| {
        Event::Interaction(Interaction {
            platform: platform.to_string(),
            key,
            kind,
            actor: by.clone(),
            target,
            post: Some(post.to_string()),
            time: Some(when),
            weight: 1.0,
        })
    };
    let mut events = vec![Event::Post(Post {
        platform: platform.to_string(),
        ext_id: id.to_string(),
        author: by.clone(),
        time: when,
        text: text.map(str::to_string),
        reply_to: reply_to.map(str::to_string),
        quote_of: quote_of.map(str::to_string),
        reshare_of: reshare_of.map(str::to_string),
    })];
    let replied = opt_str(&t["in_reply_to_user_id"], "in_reply_to_user_id")?;
    if let (Some(q), Some(user)) = (reply_to, replied.filter(|u| is_clean_int(u))) {
        let target = account_ref(user, handles.get(user).copied());
        events.push(interaction(
            format!("{id}#reply"),
            InteractionKind::Reply,
            target,
            q,
        ));
    }
    if reshare_of.is_none() {
        for (n, target) in mentioned(&t["entities"]["mentions"], "id", "username")
            .into_iter()
            .enumerate()
        {
            if target.ext_id == author {
                continue;
            }
            events.push(interaction(
                format!("{id}#m{n}"),
                InteractionKind::Mention,
                target,
                id,
            ));
        }
    }
    check(&events, "tweet")?;
    Ok(events)
}

fn account_ref(id: &str, handle: Option<&str>) -> AccountRef {
    AccountRef {
        ext_id: id.to_string(),
        handle: handle.map(str::to_string),
    }
}

/// A count of `public_metrics`, if given.
fn count(m: &Value, field: &'static str, name: &str) -> Result<Option<u64>, Bad> {
    match &m[name] {
        Value::Null => Ok(None),
        v => v
            .as_u64()
            .map(Some)
            .ok_or((field, format!("not a non-negative integer: {v}"))),
    }
}

/// An optional boolean.
fn flag(v: &Value, field: &'static str) -> Result<Option<bool>, Bad> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        other => Err((field, format!("expected true or false, found {other}"))),
    }
}

/// A user: its Account with the profile fields and counts the page gives.
fn user(u: &Value, platform: &str) -> Result<Vec<Event>, Bad> {
    if !u.is_object() {
        return Err(("<json>", format!("expected a user object, found {u}")));
    }
    let id = id_of(&u["id"], "id", "")?;
    let mut a = Account {
        platform: platform.to_string(),
        ext_id: id.to_string(),
        handle: opt_str(&u["username"], "username")?.map(str::to_string),
        display_name: opt_str(&u["name"], "name")?.map(str::to_string),
        ..Account::default()
    };
    let p = &mut a.profile;
    p.bio = opt_str(&u["description"], "description")?.map(str::to_string);
    p.url = opt_str(&u["url"], "url")?.map(str::to_string);
    p.verified = flag(&u["verified"], "verified")?;
    p.private = flag(&u["protected"], "protected")?;
    if let Some(s) = opt_str(&u["created_at"], "created_at")? {
        p.created_at = Some(time(s, "created_at")?);
    }
    let m = &u["public_metrics"];
    p.followers = count(m, "public_metrics.followers_count", "followers_count")?;
    p.following = count(m, "public_metrics.following_count", "following_count")?;
    p.post_count = count(m, "public_metrics.tweet_count", "tweet_count")?;
    p.listed = count(m, "public_metrics.listed_count", "listed_count")?;
    let events = vec![Event::Account(a)];
    check(&events, "user")?;
    Ok(events)
}

/// The values every import checks ([`crate::values::check`]): a failure names the page's field the
/// model's came from where there is one, else the element (`whole`), and the model's field in the
/// reason.
fn check(events: &[Event], whole: &'static str) -> Result<(), Bad> {
    for ev in events {
        crate::values::check(ev).map_err(|(f, why)| {
            let field = match f.as_str() {
                "text" => "text",
                "handle" => "username",
                "display_name" => "name",
                "bio" => "description",
                "url" => "url",
                _ => whole,
            };
            (field, format!("{f}: {why}"))
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{self, collect, write_file, write_gz};
    use crate::Shared;
    use std::path::Path;
    use std::sync::Arc;

    // A page shaped as the X API v2 docs show a tweets response with expansions (developer.x.com
    // "Tweet object", "User object", "Expansions": data, includes.users, includes.tweets, meta);
    // ids, names and texts made up.
    const PAGE: &str = r#"{
  "data": [
    {
      "id": "1001",
      "text": "@bob hello @carol",
      "author_id": "10",
      "created_at": "2023-01-01T00:00:00.000Z",
      "conversation_id": "900",
      "in_reply_to_user_id": "20",
      "referenced_tweets": [ { "type": "replied_to", "id": "900" } ],
      "entities": { "mentions": [
        { "start": 0, "end": 4, "username": "bob", "id": "20" },
        { "start": 11, "end": 17, "username": "carol", "id": "30" },
        { "start": 18, "end": 23, "username": "alice", "id": "10" }
      ] }
    },
    {
      "id": "1002",
      "text": "look at this",
      "author_id": "10",
      "created_at": "2023-01-01T01:00:00.000Z",
      "referenced_tweets": [ { "type": "quoted", "id": "900" } ]
    },
    {
      "id": "1003",
      "text": "RT @bob: original words @carol",
      "author_id": "30",
      "created_at": "2023-01-01T02:00:00.000Z",
      "referenced_tweets": [ { "type": "retweeted", "id": "900" } ],
      "entities": { "mentions": [ { "username": "bob", "id": "20" }, { "username": "carol", "id": "30" } ] }
    }
  ],
  "includes": {
    "users": [
      {
        "id": "10", "username": "alice", "name": "Alice", "description": "birds",
        "verified": false, "protected": false, "created_at": "2010-05-06T07:08:09.000Z",
        "public_metrics": { "followers_count": 5, "following_count": 6, "tweet_count": 7, "listed_count": 8 }
      },
      { "id": "20", "username": "bob", "name": "Bob" }
    ],
    "tweets": [
      { "id": "900", "text": "original words @carol", "author_id": "20", "created_at": "2022-12-31T23:00:00.000Z",
        "entities": { "mentions": [ { "username": "carol", "id": "30" } ] } }
    ]
  },
  "meta": { "result_count": 3, "newest_id": "1003", "oldest_id": "1001" }
}"#;

    fn reader(path: &Path) -> PageReader {
        let shared = Arc::new(Shared::default());
        let src = crate::reader::open_bytes(path, &shared).unwrap();
        let ctx = Ctx {
            path: path.to_path_buf(),
            file: path.display().to_string(),
            source: crate::reader::source_name(path, None),
            shared,
        };
        PageReader::new(src, ctx, &Options::default())
    }

    fn read(path: &Path) -> (Vec<Record>, Vec<String>) {
        collect(reader(path))
    }

    fn post(r: &Record) -> &Post {
        match &r.events[0] {
            Event::Post(p) => p,
            other => panic!("{other:?}"),
        }
    }

    fn interactions(r: &Record) -> Vec<&Interaction> {
        test_util::interactions(&r.events)
    }

    #[test]
    fn a_page_with_includes_gives_posts_accounts_and_references() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "page.json", PAGE.as_bytes());
        let (good, bad) = read(&p);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(
            good.iter().map(|r| r.line).collect::<Vec<_>>(),
            [3, 17, 24, 35, 40, 43],
            "each element at the line it starts on"
        );
        let reply = post(&good[0]);
        assert_eq!(
            (reply.platform.as_str(), reply.ext_id.as_str()),
            ("twitter", "1001")
        );
        assert_eq!(reply.author.ext_id, "10");
        assert_eq!(reply.author.handle.as_deref(), Some("alice"));
        assert_eq!(reply.time, 1_672_531_200);
        assert_eq!(reply.reply_to.as_deref(), Some("900"));
        let quote = post(&good[1]);
        assert_eq!(quote.quote_of.as_deref(), Some("900"));
        assert_eq!(quote.reply_to, None);
        let rt = post(&good[2]);
        assert_eq!(rt.reshare_of.as_deref(), Some("900"));
        assert_eq!(rt.text, None, "a retweet's text is the original's");
        assert!(interactions(&good[2]).is_empty(), "nor its mentions");
        let Event::Account(alice) = &good[3].events[0] else {
            panic!("{:?}", good[3])
        };
        assert_eq!(
            (alice.ext_id.as_str(), alice.handle.as_deref()),
            ("10", Some("alice"))
        );
        assert_eq!(alice.display_name.as_deref(), Some("Alice"));
        let pr = &alice.profile;
        assert_eq!(
            (pr.followers, pr.following, pr.post_count, pr.listed),
            (Some(5), Some(6), Some(7), Some(8))
        );
        assert_eq!(
            (pr.bio.as_deref(), pr.verified, pr.private),
            (Some("birds"), Some(false), Some(false))
        );
        assert_eq!(pr.created_at, Some(1_273_129_689));
        let original = post(&good[5]);
        assert_eq!(
            (original.ext_id.as_str(), original.author.ext_id.as_str()),
            ("900", "20")
        );
        assert_eq!(original.author.handle.as_deref(), Some("bob"));
        assert_eq!(interactions(&good[5])[0].key, "900#m0");
    }

    #[test]
    fn a_reply_is_stated_and_mentions_skip_the_author() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "page.json", PAGE.as_bytes());
        let (good, _) = read(&p);
        let is = interactions(&good[0]);
        let seen: Vec<(InteractionKind, &str, &str)> = is
            .iter()
            .map(|i| (i.kind, i.key.as_str(), i.target.ext_id.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (InteractionKind::Reply, "1001#reply", "20"),
                (InteractionKind::Mention, "1001#m0", "20"),
                (InteractionKind::Mention, "1001#m1", "30"),
            ]
        );
        assert_eq!(is[0].post.as_deref(), Some("900"));
        assert_eq!(is[0].target.handle.as_deref(), Some("bob"));
        assert_eq!(is[2].target.handle.as_deref(), Some("carol"));
        assert_eq!(is[2].post.as_deref(), Some("1001"));
    }

    #[test]
    fn json_lines_of_pages_and_single_tweet_pages() {
        let dir = tempfile::tempdir().unwrap();
        let compact: Value = serde_json::from_str(PAGE).unwrap();
        let one = r#"{"data":{"id":"7","text":"solo","author_id":"10","created_at":"2023-02-01T00:00:00Z"}}"#;
        let text = format!("{compact}\n\n{one}\n{{\"meta\":{{\"result_count\":0}}}}\n");
        let p = write_gz(dir.path(), "pages.jsonl.gz", text.as_bytes());
        let (good, bad) = read(&p);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(
            good.iter().map(|r| r.line).collect::<Vec<_>>(),
            [1, 1, 1, 1, 1, 1, 3]
        );
        assert_eq!(post(&good[6]).ext_id, "7");
    }

    #[test]
    fn a_page_of_users_gives_accounts() {
        let dir = tempfile::tempdir().unwrap();
        let users = r#"{"data":[{"id":"40","name":"Dan","username":"dan"},{"id":"41","name":"Eve","username":"eve"}],"meta":{"result_count":2}}"#;
        let p = write_file(dir.path(), "followers.jsonl", users.as_bytes());
        let (good, bad) = read(&p);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good.len(), 2);
        assert!(
            matches!(&good[1].events[0], Event::Account(a) if a.handle.as_deref() == Some("eve"))
        );
    }

    #[test]
    fn each_bad_element_is_one_rejection_naming_its_field() {
        let dir = tempfile::tempdir().unwrap();
        let text = r#"{
  "data": [
    { "id": "1", "text": "ok", "author_id": "10", "created_at": "2023-01-01T00:00:00Z" },
    { "id": "2", "text": "who?", "created_at": "2023-01-01T00:00:00Z" },
    { "id": "3", "author_id": "10" },
    { "id": "4", "author_id": "10", "created_at": "soon" },
    { "id": "5", "author_id": "10", "created_at": "2023-01-01T00:00:00Z", "referenced_tweets": [ { "type": "quoted" } ] },
    { "id": "x6", "author_id": "10", "created_at": "2023-01-01T00:00:00Z" },
    { "id": "7", "text": "nul\u0000", "author_id": "10", "created_at": "2023-01-01T00:00:00Z" },
    "not a tweet",
    { "id": "9", "author_id": "10", "created_at": "2023-01-01T00:00:00Z" }
  ],
  "includes": { "users": [
    { "id": "10", "public_metrics": { "followers_count": -1 } },
    { "id": "11", "verified": "yes" },
    { "id": "12", "username": "ok" }
  ] }
}"#;
        let p = write_file(dir.path(), "page.json", text.as_bytes());
        let (good, bad) = read(&p);
        assert_eq!(good.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 11, 16]);
        let fields: Vec<(&str, &str)> = bad
            .iter()
            .map(|b| {
                let mut parts = b.splitn(3, ": ");
                let line = parts.next().unwrap().rsplit(':').next().unwrap();
                (line, parts.next().unwrap())
            })
            .collect();
        assert_eq!(
            fields,
            [
                ("4", "author_id"),
                ("5", "created_at"),
                ("6", "created_at"),
                ("7", "referenced_tweets.id"),
                ("8", "id"),
                ("9", "text"),
                ("10", "<json>"),
                ("14", "public_metrics.followers_count"),
                ("15", "verified"),
            ],
            "{bad:#?}"
        );
        assert!(bad[0].contains("data[1]") && bad[0].contains("tweet.fields=author_id"));
        assert!(bad[7].contains("includes.users[0]"), "{bad:?}");

        let lines = "{\"data\":[]}\n{\"data\":[\n{\"data\":{\"id\":\"1\",\"author_id\":\"2\",\"created_at\":\"2023-01-01T00:00:00Z\"}}\n[1]\n";
        let q = write_file(dir.path(), "pages.jsonl", lines.as_bytes());
        let (good, bad) = read(&q);
        assert_eq!(good.iter().map(|r| r.line).collect::<Vec<_>>(), [3]);
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert!(
            bad[0].contains(":2: <json>") && bad[1].contains(":4: <json>"),
            "{bad:?}"
        );
    }

    #[test]
    fn keys_are_stable_across_reads() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "page.json", PAGE.as_bytes());
        let keys = || -> Vec<String> {
            read(&p)
                .0
                .iter()
                .flat_map(interactions)
                .map(|i| i.key.clone())
                .collect()
        };
        let first = keys();
        assert_eq!(first, ["1001#reply", "1001#m0", "1001#m1", "900#m0"]);
        assert_eq!(first, keys());
    }

    #[test]
    fn element_lines_follow_the_structure() {
        let text = "{\"meta\":{\"data\":[1]},\"data\":[\n{\"a\":\"]\\\"\"},\n\n{}],\"includes\":{\"tweets\":[{}],\"users\":[\n{}]}}";
        let l = element_lines(text);
        assert_eq!((l.data, l.users, l.tweets), (vec![2, 4], vec![5], vec![4]));
    }
}
