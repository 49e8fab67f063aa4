//! A Mastodon account archive's `outbox.json`: an ActivityStreams 2.0 `OrderedCollection` whose
//! `orderedItems` are the account's activities (W3C Activity Vocabulary, §3.2 "Activity Types":
//! `Create`, `Announce`; §3.3 "Object Types": `Note`; properties `actor`, `object`, `published`,
//! `inReplyTo`, `content`, `tag`, and `Mention` links in `tag`, §3.4 and §4 "Properties"). The items
//! are streamed one at a time (the collection is never held whole):
//! - `Create` of a `Note` (or `Article`, `Question`, `Page`): a post named by the object's `id` (its
//!   URI), by the activity's `actor`, at the object's `published` (else the activity's), its `content`
//!   as text with the HTML tags dropped and entities decoded, answering `inReplyTo`, with a mention per
//!   `Mention` in `tag` (`href` the mentioned actor, `name` its `@user@instance`).
//! - `Announce` (a boost): a post of its own (the activity's `id`) resharing the `object`'s URI; the
//!   store credits the boosted post's author once that post is known.
//! - Other activity types carry nothing earshot keeps and are skipped without a rejection.
//!
//! Accounts are their actor URIs, with the handle `user@instance` where the URI is Mastodon's
//! `https://instance/users/user` (or `https://instance/@user`).

mod activity;

use crate::json_array::{Element, JsonArray};
use crate::reader::ByteSource;
use crate::{Ctx, Options, Record, Rejection};
use activity::activity;
use earshot_model::AccountRef;
use serde_json::Value;

/// The platform of Mastodon's events unless `--platform` names another.
pub const PLATFORM: &str = "mastodon";

pub(crate) struct OutboxReader {
    items: OrderedItems,
    ctx: Ctx,
    platform: String,
    index: u64,
}

impl OutboxReader {
    pub fn new(src: ByteSource, ctx: Ctx, opts: &Options) -> Self {
        OutboxReader {
            items: OrderedItems::new(src, &ctx, opts, "outbox.json"),
            ctx,
            platform: opts.platform.clone().unwrap_or_else(|| PLATFORM.into()),
            index: 0,
        }
    }
}

/// The elements of an ActivityStreams `OrderedCollection`'s `orderedItems`, streamed. The member is
/// looked for once, before the first element; a file without it is one rejection, whose reason names
/// what the file should have been (`kind`: `outbox.json`, `likes.json`), and then nothing.
pub(crate) struct OrderedItems {
    items: JsonArray,
    kind: &'static str,
    /// `None` until the collection's `orderedItems` has been looked for.
    opened: Option<bool>,
}

impl OrderedItems {
    pub fn new(src: ByteSource, ctx: &Ctx, opts: &Options, kind: &'static str) -> Self {
        OrderedItems {
            items: JsonArray::new(src, ctx.file.clone(), opts.encoding, opts.max_line_bytes),
            kind,
            opened: None,
        }
    }

    /// The next element (the `index`th), a rejection, or `None` once the array (or the file without
    /// one) is done.
    pub fn next_element(&mut self, index: u64, ctx: &Ctx) -> Option<Result<Element, Rejection>> {
        if self.opened.is_none() {
            let found = self.items.skip_to_member("orderedItems");
            self.opened = Some(matches!(found, Ok(true)));
            if !matches!(found, Ok(true)) {
                let why = match found {
                    Err(e) => format!("unreadable: {e}"),
                    _ => format!(
                        "no `orderedItems` array: not an ActivityStreams OrderedCollection such as an archive's {}",
                        self.kind
                    ),
                };
                return Some(Err(ctx.reject(1, "orderedItems", why)));
            }
        }
        if self.opened == Some(false) {
            return None;
        }
        self.items.next_element(index)
    }
}

impl Iterator for OutboxReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.index += 1;
            let element = match self.items.next_element(self.index, &self.ctx)? {
                Ok(e) => e,
                Err(r) => return Some(Err(r)),
            };
            match activity(&element.text, &self.platform) {
                Ok(events) if events.is_empty() => continue,
                Ok(events) => {
                    return Some(Ok(Record {
                        line: element.line,
                        events,
                    }))
                }
                Err((field, reason)) => {
                    return Some(Err(self.ctx.reject(element.line, field, reason)))
                }
            }
        }
    }
}

pub(crate) use crate::json_fields::Bad;

/// An `id`-bearing value: a URI string or an object with an `id`.
pub(crate) fn uri(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s.as_str()),
        Value::Object(_) => v["id"].as_str(),
        _ => None,
    }
    .map(str::trim)
    .filter(|s| !s.is_empty())
}

/// `user@instance` of a Mastodon actor URI (`https://instance/users/user`, `https://instance/@user`).
pub(crate) fn handle_of(actor: &str) -> Option<String> {
    let rest = actor
        .strip_prefix("https://")
        .or_else(|| actor.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/')?;
    let user = path
        .strip_prefix("users/")
        .or_else(|| path.strip_prefix('@'))
        .filter(|u| !u.is_empty() && !u.contains('/'))?;
    Some(format!("{user}@{host}"))
}

pub(crate) fn account(actor: &str) -> AccountRef {
    AccountRef {
        ext_id: actor.to_string(),
        handle: handle_of(actor),
    }
}

/// HTML as plain text: tags dropped (a `<br>` or a paragraph's end a line break), the five XML
/// entities and numeric references decoded.
pub(crate) fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            let tag = rest[..end].to_ascii_lowercase();
            if tag.starts_with("<br") || tag.starts_with("</p") {
                out.push('\n');
            }
            rest = &rest[end..];
        } else {
            let end = rest.find(';').filter(|&e| e <= 10);
            let decoded = end.and_then(|e| match &rest[1..e] {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            });
            match (decoded, end) {
                (Some(c), Some(e)) => {
                    out.push(c);
                    rest = &rest[e + 1..];
                }
                _ => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// A date string (`published`), within the plausible range.
pub(crate) fn when(v: &Value, field: &'static str) -> Result<i64, Bad> {
    let s = v
        .as_str()
        .ok_or((field, format!("missing or not a date: {v}")))?;
    crate::json_fields::time(s, field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{read_all, write_file, write_gz};
    use crate::{Format, Options};
    use earshot_model::{Event, InteractionKind, Post};

    // An outbox as an OrderedCollection of activities, with the Activity Vocabulary's properties
    // (§3.2 Create and Announce, §3.3 Note, §4 actor, object, published, inReplyTo, content, tag with
    // Mention); URIs and texts made up.
    const OUTBOX: &str = r##"{
  "@context": "https://www.w3.org/ns/activitystreams",
  "id": "outbox.json",
  "type": "OrderedCollection",
  "totalItems": 4,
  "orderedItems": [
    {"id": "https://social.example/users/alice/statuses/1/activity", "type": "Create",
     "actor": "https://social.example/users/alice", "published": "2023-05-01T10:00:00Z",
     "object": {"id": "https://social.example/users/alice/statuses/1", "type": "Note",
       "published": "2023-05-01T10:00:00Z", "inReplyTo": null,
       "content": "<p>Hello <span class=\"h-card\"><a href=\"https://other.example/@bob\">@<span>bob</span></a></span> &amp; all</p><p>2nd</p>",
       "tag": [{"type": "Mention", "href": "https://other.example/users/bob", "name": "@bob@other.example"},
               {"type": "Hashtag", "href": "https://social.example/tags/x", "name": "#x"}]}},
    {"id": "https://social.example/users/alice/statuses/2/activity", "type": "Create",
     "actor": "https://social.example/users/alice", "published": "2023-05-01T11:00:00.123Z",
     "object": {"id": "https://social.example/users/alice/statuses/2", "type": "Note",
       "inReplyTo": "https://other.example/users/bob/statuses/9", "content": "<p>yes</p>"}},
    {"id": "https://social.example/users/alice/statuses/3/activity", "type": "Announce",
     "actor": "https://social.example/users/alice", "published": "2023-05-02T09:00:00Z",
     "object": "https://other.example/users/bob/statuses/9"},
    {"id": "https://social.example/users/alice#follows/1", "type": "Follow",
     "actor": "https://social.example/users/alice", "object": "https://other.example/users/bob"}
  ]
}"##;

    fn post(r: &Record) -> &Post {
        match &r.events[0] {
            Event::Post(p) => p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn creates_replies_boosts_and_mentions() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_gz(dir.path(), "outbox.json.gz", OUTBOX.as_bytes());
        let (good, bad) = read_all(&p, Format::MastodonOutbox, &Options::default());
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good.len(), 3, "the Follow is skipped");
        let first = post(&good[0]);
        assert_eq!(first.platform, "mastodon");
        assert_eq!(first.author.ext_id, "https://social.example/users/alice");
        assert_eq!(first.author.handle.as_deref(), Some("alice@social.example"));
        assert_eq!(first.time, 1_682_935_200);
        assert_eq!(first.text.as_deref(), Some("Hello @bob & all\n2nd"));
        match &good[0].events[1] {
            Event::Interaction(m) => {
                assert_eq!(m.kind, InteractionKind::Mention);
                assert_eq!(m.target.ext_id, "https://other.example/users/bob");
                assert_eq!(m.target.handle.as_deref(), Some("bob@other.example"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(good[0].events.len(), 2, "a hashtag is no mention");
        let reply = post(&good[1]);
        assert_eq!(
            reply.reply_to.as_deref(),
            Some("https://other.example/users/bob/statuses/9")
        );
        assert_eq!(
            reply.time, 1_682_938_800,
            "the activity's time when the note has none"
        );
        let boost = post(&good[2]);
        assert_eq!(
            boost.reshare_of.as_deref(),
            Some("https://other.example/users/bob/statuses/9")
        );
        assert_eq!(
            boost.ext_id,
            "https://social.example/users/alice/statuses/3/activity"
        );
    }

    #[test]
    fn quotes_are_read_and_a_local_mention_gets_its_instance() {
        // A note as Mastodon 4.4's note_serializer.rb writes a quote (`quote`, and `quoteUri` for
        // older readers), mentioning a local account, whose tag is named `@carol` alone.
        let text = r#"{"type":"OrderedCollection","orderedItems":[
 {"id":"https://social.example/users/alice/statuses/5/activity","type":"Create","actor":"https://social.example/users/alice","published":"2025-06-01T10:00:00Z",
  "object":{"id":"https://social.example/users/alice/statuses/5","type":"Note","content":"<p>see</p>",
   "quote":"https://other.example/users/bob/statuses/9","quoteUri":"https://other.example/users/bob/statuses/9",
   "tag":[{"type":"Mention","href":"https://social.example/users/carol","name":"@carol"}]}},
 {"id":"https://social.example/users/alice/statuses/6/activity","type":"Create","actor":"https://social.example/users/alice","published":"2025-06-01T11:00:00Z",
  "object":{"id":"https://social.example/users/alice/statuses/6","type":"Note","content":"<p>old</p>","_misskey_quote":"https://misskey.example/notes/1"}}
]}"#;
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "outbox.json", text.as_bytes());
        let (good, bad) = read_all(&p, Format::MastodonOutbox, &Options::default());
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(
            post(&good[0]).quote_of.as_deref(),
            Some("https://other.example/users/bob/statuses/9")
        );
        assert_eq!(
            post(&good[1]).quote_of.as_deref(),
            Some("https://misskey.example/notes/1")
        );
        match &good[0].events[1] {
            Event::Interaction(m) => {
                assert_eq!(m.target.handle.as_deref(), Some("carol@social.example"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_activities_are_rejected_one_by_one_and_a_non_collection_once() {
        let dir = tempfile::tempdir().unwrap();
        let text = r#"{"type":"OrderedCollection","orderedItems":[
 {"type":"Create","published":"2023-05-01T10:00:00Z","object":{"id":"u1","type":"Note"}},
 {"type":"Announce","id":"a2","actor":"https://s.example/users/a","published":"yesterday","object":"u9"},
 {"type":"Create","actor":"https://s.example/users/a","object":{"type":"Note","published":"2023-05-01T10:00:00Z"}},
 {"type":"Announce","id":"a3","actor":"https://s.example/users/a","published":"2023-05-01T10:00:00Z","object":"u9"}
]}"#;
        let p = write_file(dir.path(), "outbox.json", text.as_bytes());
        let (good, bad) = read_all(&p, Format::MastodonOutbox, &Options::default());
        assert_eq!(good.len(), 1, "{bad:?}");
        let fields: Vec<&str> = bad.iter().map(|b| b.split(": ").nth(1).unwrap()).collect();
        assert_eq!(fields, ["actor", "published", "object.id"], "{bad:#?}");
        assert!(
            bad[0].contains(":2: "),
            "lines name the activity's line: {bad:?}"
        );

        let q = write_file(dir.path(), "actor.json", br#"{"type":"Person","id":"x"}"#);
        let (good, bad) = read_all(&q, Format::MastodonOutbox, &Options::default());
        assert!(good.is_empty());
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(bad[0].contains("orderedItems"), "{bad:?}");
    }

    #[test]
    fn escapes_nulls_and_odd_shapes_read_as_json_says() {
        // Escaped slashes and unicode (JSON §7 allows both), an explicit null `published` on the note
        // (the activity's is used), a `Create` whose object is only a URI, a tag list holding a
        // string, a non-string `content` and `type`, and whitespace around values.
        let text = r#"{"orderedItems":[
 {"type" : "Create", "actor": "https:\/\/s.example\/users\/a", "published": "2023-05-01T10:00:00Z",
  "object": {"id": " https://s.example/users/a/statuses/1 ", "type": "Note", "published": null,
   "content": "caf\u00e9 <b>x</b>", "inReplyTo": {"id": "https://o.example/users/b/statuses/2"},
   "tag": ["x", {"type": "Mention", "href": {"id": "https://o.example/users/b"}}, {"type": "Hashtag"}]}},
 {"type": "Create", "actor": "https://s.example/users/a", "object": "https://s.example/users/a/statuses/3"},
 {"type": "Create", "actor": "https://s.example/users/a", "published": "2023-05-01T10:00:00Z",
  "object": {"id": "https://s.example/users/a/statuses/4", "type": "Note", "content": 7}},
 {"type": 5, "actor": "https://s.example/users/a"},
 [1, 2],
 {"type": "Create", "actor": "https://s.example/users/a", "object": {"type": "Note", "id": "u", "published": "later"}}
]}"#;
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "outbox.json", text.as_bytes());
        let (good, bad) = read_all(&p, Format::MastodonOutbox, &Options::default());
        assert_eq!(good.len(), 2, "{good:#?}");
        let first = post(&good[0]);
        assert_eq!(first.author.ext_id, "https://s.example/users/a");
        assert_eq!(first.author.handle.as_deref(), Some("a@s.example"));
        assert_eq!(first.ext_id, "https://s.example/users/a/statuses/1");
        assert_eq!(first.time, 1_682_935_200);
        assert_eq!(first.text.as_deref(), Some("café x"));
        assert_eq!(
            first.reply_to.as_deref(),
            Some("https://o.example/users/b/statuses/2")
        );
        assert_eq!(good[0].events.len(), 2);
        match &good[0].events[1] {
            Event::Interaction(m) => {
                assert_eq!(m.key, "https://s.example/users/a/statuses/1#m0");
                assert_eq!(m.target.ext_id, "https://o.example/users/b");
                assert_eq!(m.target.handle.as_deref(), Some("b@o.example"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(post(&good[1]).text, None, "a content that is no string");
        assert_eq!(bad.len(), 2, "{bad:#?}");
        assert!(
            bad[0].contains("<json>: expected an activity object"),
            "{}",
            bad[0]
        );
        assert!(bad[1].contains("object.published: "), "{}", bad[1]);
    }

    #[test]
    fn repeated_properties_nested_ids_and_bad_escapes_read_as_a_json_value_reads_them() {
        // A property given twice is its last value; a note's `id` must be a string (an object with an
        // `id` names a boosted or replied-to post, not the note); a used string with a lone surrogate
        // makes the activity invalid JSON.
        let text = r#"{"orderedItems":[
 {"type":"Announce","type":"Create","actor":"https://s.example/users/a","published":"2023-05-01T10:00:00Z",
  "object":{"id":"https://s.example/users/a/statuses/1","type":"Note","content":"first","content":"second",
   "tag":[{"type":"Mention","type":"Mention","href":"https://o.example/users/b"},
          {"type":"Mention","href":"https://o.example/users/c"}]}},
 {"type":"Create","actor":"https://s.example/users/a","published":"2023-05-01T10:00:00Z",
  "object":{"id":{"id":"https://s.example/users/a/statuses/2"},"type":"Note"}},
 {"type":"Create","actor":"https://s.example/users/a","published":"2023-05-01T10:00:00Z",
  "object":{"id":"https://s.example/users/a/statuses/3","type":"Note","content":"\ud800x"}}
]}"#;
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "outbox.json", text.as_bytes());
        let (good, bad) = read_all(&p, Format::MastodonOutbox, &Options::default());
        assert_eq!(good.len(), 1, "{good:#?} {bad:#?}");
        assert_eq!(post(&good[0]).text.as_deref(), Some("second"));
        let mentions: Vec<(&str, &str)> = good[0].events[1..]
            .iter()
            .map(|e| match e {
                Event::Interaction(m) => (m.key.as_str(), m.target.ext_id.as_str()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            mentions,
            [
                (
                    "https://s.example/users/a/statuses/1#m0",
                    "https://o.example/users/b"
                ),
                (
                    "https://s.example/users/a/statuses/1#m1",
                    "https://o.example/users/c"
                ),
            ]
        );
        assert_eq!(bad.len(), 2, "{bad:#?}");
        assert!(bad[0].contains("object.id: missing"), "{}", bad[0]);
        assert!(bad[1].contains("<json>: invalid JSON"), "{}", bad[1]);
    }

    #[test]
    fn html_becomes_text() {
        assert_eq!(
            plain_text("<p>a &lt;b&gt; &#39;c&#x27;</p><p>d<br>e</p>"),
            "a <b> 'c'\nd\ne"
        );
        assert_eq!(
            plain_text("fish & chips &unknown; x"),
            "fish & chips &unknown; x"
        );
    }
}
