//! Statuses as Mastodon's REST API returns them (`GET /api/v1/accounts/:id/statuses`,
//! `/api/v1/timelines/…`): a JSON array of Status entities (docs.joinmastodon.org/entities/Status,
//! `app/serializers/rest/status_serializer.rb`), streamed element by element, or one Status per line
//! (JSON lines, as a client that saved them one by one writes them).
//!
//! **Ids agree with the archive** ([`crate::mastodon_archive`], [`crate::mastodon`]), so that the same
//! post or account read from both is one:
//! - a post is its status `uri`, the ActivityPub id the archive's outbox uses (a boost's `uri` is
//!   `…/statuses/ID/activity`, the id of the archive's `Announce`); the entity's numeric `id` is local
//!   to the server that answered and is not used;
//! - an account is its actor URI: the Account's `uri` where the server sends it (newer versions of
//!   `REST::AccountSerializer`), else the one a status URI of Mastodon's form
//!   `https://host/users/NAME/statuses/ID` names (`https://host/users/NAME`), else the profile `url`,
//!   Mastodon's `https://host/@NAME` rewritten to `https://host/users/NAME` (the actor URI Mastodon
//!   gives every account) and any other kept as it is (Pleroma's profile URL is its actor id). A
//!   mention has only `url` and `acct`, so it is named by the last rule: right for Mastodon and Pleroma,
//!   not for software whose actor ids are not `/users/NAME` (Misskey's are `/users/<internal id>`).
//! - handles are `acct`, with the domain of the actor URI added for local accounts (`acct` has none).
//!
//! **Mapping** of each Status:
//! - its `account` → an Account: display name, `note` as plain text for the bio, `url`,
//!   `followers_count`, `following_count`, `statuses_count` (a negative count is the server hiding it:
//!   `hide_followers_count` makes it -1, which is no count) and `created_at`. `bot` is not a label:
//!   labels are ground truth, and `bot` is the account's own claim.
//! - the status → a Post at `created_at`, its `content` as text.
//! - `reblog` (a boost) → a Post resharing the reblogged status's `uri`, without text; the reblogged
//!   status is read too (its author and post), so the reshare can credit it.
//! - `quote` (Mastodon 4.4+: a Quote entity) → the post quotes `quote.quoted_status.uri`, which is read
//!   too. `quoted_status` is there whenever the quote was approved; a ShallowQuote (`quoted_status_id`,
//!   a local id) names no URI and is passed over. Forks that put a Status itself in `quote` (before
//!   4.4) are read the same way.
//! - `mentions` → a Mention Interaction per mentioned account but the author, keyed `uri#mN` with `N`
//!   the mention's index, as the outbox reader keys the `Mention` tags of the same note (both lists are
//!   the status's mentions sorted by id: `ordered_mentions`, and `virtual_tags` in
//!   `app/serializers/activitypub/note_serializer.rb`).
//! - **replies**: `in_reply_to_id` is the answering server's own id of the parent, not its URI. Where
//!   the parent is local to that server, its URI is Mastodon's `<author's actor URI>/statuses/<id>`, so
//!   `reply_to` is set when the replied-to account (`in_reply_to_account_id`: the author, or one of the
//!   mentions) is local, as an `acct` without a domain shows, and has a `/users/NAME` actor URI. A
//!   reply to a remote status is left without `reply_to` and without an interaction of its own:
//!   Mastodon mentions the replied-to account in every reply, and that mention is imported; stating a
//!   reply interaction besides would count the reply twice once its parent, read from elsewhere, implies
//!   one.
//!
//! Each bad Status is one rejection naming its field (`reblog.account.url` for a nested one), the rest
//! are imported. Keys come from URIs, so re-importing yields the same keys.

use crate::json_array::JsonArray;
use crate::mastodon::{self, handle_of, plain_text, when};
use crate::mastodon_archive::{host, status_actor};
use crate::reader::{quote, ByteSource, LineReader};
use crate::{Ctx, Options, Record, Rejection};
use earshot_model::{Account, AccountRef, Event, Interaction, InteractionKind, Post, Profile};
use serde_json::Value;
use std::io::BufRead;

/// A failure: the field (with the path of a nested status, so not static) and why.
type Bad = (String, String);

/// How deep statuses nest: a boost holds the reblogged status, which may quote another; the quoted
/// status's own quote is a ShallowQuote in Mastodon. Deeper statuses are named by URI only.
const MAX_DEPTH: u8 = 2;

/// Statuses from a JSON array or JSON lines, told apart by the first significant byte.
pub(crate) struct StatusReader {
    inner: Inner,
    ctx: Ctx,
    platform: String,
}

enum Inner {
    Array { items: JsonArray, index: u64 },
    Lines(LineReader),
}

impl StatusReader {
    pub fn new(mut src: ByteSource, ctx: Ctx, opts: &Options) -> Self {
        let first = src
            .reader
            .fill_buf()
            .ok()
            .and_then(|b| b.iter().copied().find(|c| !c.is_ascii_whitespace()));
        let inner = if first == Some(b'[') {
            let items = JsonArray::new(src, ctx.file.clone(), opts.encoding, opts.max_line_bytes);
            Inner::Array { items, index: 0 }
        } else {
            let lines = LineReader::new(src, ctx.file.clone(), opts.encoding, opts.max_line_bytes);
            Inner::Lines(lines)
        };
        StatusReader {
            inner,
            ctx,
            platform: opts
                .platform
                .clone()
                .unwrap_or_else(|| mastodon::PLATFORM.into()),
        }
    }
}

impl Iterator for StatusReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        let (ctx, platform) = (&self.ctx, self.platform.as_str());
        let record = |line: u64, text: &str| match parse(text, platform) {
            Ok(events) => Ok(Record { line, events }),
            Err((field, why)) => Err(ctx.reject(line, &field, why)),
        };
        match &mut self.inner {
            Inner::Array { items, index } => {
                *index += 1;
                Some(match items.next_element(*index)? {
                    Ok(e) => record(e.line, &e.text),
                    Err(r) => Err(r),
                })
            }
            Inner::Lines(lines) => {
                lines.next_item(|line, text| (!text.trim().is_empty()).then(|| record(line, text)))
            }
        }
    }
}

/// One Status's events, or the field at fault and why.
pub(crate) fn parse(text: &str, platform: &str) -> Result<Vec<Event>, Bad> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        (
            "<json>".into(),
            format!("invalid JSON: {e} in {}", quote(text)),
        )
    })?;
    if !v.is_object() {
        return Err(("<json>".into(), "expected a Status object".into()));
    }
    let mut events = Vec::new();
    status(&v, "", platform, 0, &mut events)?;
    for ev in &events {
        crate::values::check(ev).map_err(|(f, why)| {
            let what = match ev {
                Event::Account(_) => "account",
                Event::Post(_) => "status",
                Event::Interaction(_) => "mentions",
            };
            (what.to_string(), format!("{f}: {why}"))
        })?;
    }
    Ok(events)
}

/// An account as a status names it, and whether it is local to the server that answered.
struct Named {
    account: AccountRef,
    local: bool,
    /// The answering server's id of the account, which `in_reply_to_account_id` uses.
    id: Option<String>,
}

/// A failure inside the status at `scope` (`""`, `"reblog."`, …).
fn at(scope: &str, (field, why): (&'static str, String)) -> Bad {
    (format!("{scope}{field}"), why)
}

/// Push the events of Status `s` (found at `scope`) to `out`; its URI.
fn status(
    s: &Value,
    scope: &str,
    platform: &str,
    depth: u8,
    out: &mut Vec<Event>,
) -> Result<String, Bad> {
    let uri = text_at(&s["uri"]).ok_or_else(|| {
        at(
            scope,
            ("uri", format!("missing or not a string: {}", s["uri"])),
        )
    })?;
    let acc = &s["account"];
    if !acc.is_object() {
        return Err(at(scope, ("account", format!("not an Account: {acc}"))));
    }
    let author = author(acc, uri).map_err(|b| at(scope, b))?;
    let time = when(&s["created_at"], "created_at").map_err(|b| at(scope, b))?;
    let profile = account_event(acc, &author.account, platform).map_err(|b| at(scope, b))?;
    out.push(Event::Account(profile));
    let post = |reply_to, quote_of, reshare_of, text| {
        Event::Post(Post {
            platform: platform.to_string(),
            ext_id: uri.to_string(),
            author: author.account.clone(),
            time,
            text,
            reply_to,
            quote_of,
            reshare_of,
        })
    };
    if s["reblog"].is_object() {
        let scope = format!("{scope}reblog.");
        let boosted = nested(&s["reblog"], &scope, platform, depth, out)?;
        out.push(post(None, None, Some(boosted), None));
        return Ok(uri.to_string());
    }
    let quote_of = match quoted(s) {
        Some((q, path)) => Some(nested(q, &format!("{scope}{path}"), platform, depth, out)?),
        None => None,
    };
    let mentions = mentions(s).map_err(|b| at(scope, b))?;
    let reply_to = replied(s, &author, &mentions);
    out.push(post(reply_to, quote_of, None, content(s)));
    for (n, m) in mentions.into_iter().enumerate() {
        if m.account.ext_id == author.account.ext_id {
            continue;
        }
        out.push(Event::Interaction(Interaction {
            platform: platform.to_string(),
            key: format!("{uri}#m{n}"),
            kind: InteractionKind::Mention,
            actor: author.account.clone(),
            target: m.account,
            post: Some(uri.to_string()),
            time: Some(time),
            weight: 1.0,
        }));
    }
    Ok(uri.to_string())
}

/// A status inside another (the reblogged or quoted one): read whole, or past [`MAX_DEPTH`] by URI.
fn nested(
    s: &Value,
    scope: &str,
    platform: &str,
    depth: u8,
    out: &mut Vec<Event>,
) -> Result<String, Bad> {
    if depth < MAX_DEPTH {
        return status(s, scope, platform, depth + 1, out);
    }
    text_at(&s["uri"]).map(str::to_string).ok_or_else(|| {
        at(
            scope,
            ("uri", format!("missing or not a string: {}", s["uri"])),
        )
    })
}

/// The quoted Status and its path: Mastodon 4.4+'s Quote (`quote.quoted_status`), or a Status in
/// `quote` itself (forks before 4.4). `None` for a ShallowQuote or a quote without its status.
fn quoted(s: &Value) -> Option<(&Value, &'static str)> {
    let q = &s["quote"];
    if q["quoted_status"].is_object() {
        return Some((&q["quoted_status"], "quote.quoted_status."));
    }
    (q["uri"].is_string() && q["account"].is_object()).then_some((q, "quote."))
}

/// A status's text: its HTML `content` as plain text (or `text`, which a deleted status has instead).
fn content(s: &Value) -> Option<String> {
    s["content"]
        .as_str()
        .map(plain_text)
        .filter(|t| !t.is_empty())
        .or_else(|| text_at(&s["text"]).map(str::to_string))
}

/// A non-empty trimmed string at `v`.
fn text_at(v: &Value) -> Option<&str> {
    v.as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// An id the API sends as a string (or, from some servers, a number).
fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The actor URI of a profile page: Mastodon's `https://host/@NAME` is `https://host/users/NAME`;
/// another URL is kept as it is.
pub(crate) fn profile_actor(url: &str) -> String {
    let Some(h) = host(url) else {
        return url.to_string();
    };
    // `host` is the slice right after `http(s)://`.
    let start = url.find("://").map_or(0, |i| i + 3) + h.len();
    match url.get(start..).and_then(|path| path.strip_prefix("/@")) {
        Some(name) if !name.is_empty() && !name.contains(['/', '?', '#', '@']) => {
            format!("{}/users/{name}", &url[..start])
        }
        _ => url.to_string(),
    }
}

/// `acct` with the domain of `actor` added when it has none (a local account).
fn full_acct(acct: Option<&str>, actor: &str) -> Option<String> {
    let acct = acct?.trim_start_matches('@');
    if acct.contains('@') {
        return Some(acct.to_string());
    }
    host(actor).map(|h| format!("{acct}@{h}"))
}

/// The author of a status from its `account` and its `uri` (see the module docs for the order).
fn author(acc: &Value, status_uri: &str) -> Result<Named, (&'static str, String)> {
    let acct = text_at(&acc["acct"]);
    let ext_id = text_at(&acc["uri"])
        .map(str::to_string)
        .or_else(|| status_actor(status_uri))
        .or_else(|| text_at(&acc["url"]).map(profile_actor))
        .ok_or((
            "account.url",
            format!(
                "missing, and neither account.uri nor the status URI names the account: {}",
                acc["url"]
            ),
        ))?;
    let handle = full_acct(acct, &ext_id).or_else(|| handle_of(&ext_id));
    Ok(Named {
        account: AccountRef { ext_id, handle },
        local: acct.is_some_and(|a| !a.contains('@')),
        id: id_text(&acc["id"]),
    })
}

/// The mentioned accounts, in order.
fn mentions(s: &Value) -> Result<Vec<Named>, (&'static str, String)> {
    let list = match &s["mentions"] {
        Value::Null => return Ok(Vec::new()),
        Value::Array(a) => a,
        other => return Err(("mentions", format!("not an array: {other}"))),
    };
    list.iter()
        .map(|m| {
            let url =
                text_at(&m["url"]).ok_or(("mentions.url", format!("missing in mention {m}")))?;
            let actor = profile_actor(url);
            let acct = text_at(&m["acct"]);
            Ok(Named {
                local: acct.is_some_and(|a| !a.contains('@')),
                id: id_text(&m["id"]),
                account: AccountRef {
                    handle: full_acct(acct, &actor).or_else(|| handle_of(&actor)),
                    ext_id: actor,
                },
            })
        })
        .collect()
}

/// The URI of the status `s` answers, where it can be named (see the module docs: a parent local to
/// the answering server, by an account with a `/users/NAME` actor URI).
fn replied(s: &Value, author: &Named, mentions: &[Named]) -> Option<String> {
    let parent =
        id_text(&s["in_reply_to_id"]).filter(|id| id.bytes().all(|b| b.is_ascii_digit()))?;
    let to = id_text(&s["in_reply_to_account_id"])?;
    let named = if author.id.as_deref() == Some(to.as_str()) {
        author
    } else {
        mentions
            .iter()
            .find(|m| m.id.as_deref() == Some(to.as_str()))?
    };
    let actor = &named.account.ext_id;
    let users_form =
        status_actor(&format!("{actor}/statuses/1")).as_deref() == Some(actor.as_str());
    (named.local && users_form).then(|| format!("{actor}/statuses/{parent}"))
}

/// A count; `None` when absent or negative (hidden by the server).
fn count(v: &Value, field: &'static str) -> Result<Option<u64>, (&'static str, String)> {
    if v.is_null() {
        return Ok(None);
    }
    if let Some(n) = v.as_u64() {
        return Ok(Some(n));
    }
    match v.as_i64() {
        Some(_) => Ok(None),
        None => Err((field, format!("not a count: {v}"))),
    }
}

/// The Account event of a status's `account`, named `who`.
fn account_event(
    acc: &Value,
    who: &AccountRef,
    platform: &str,
) -> Result<Account, (&'static str, String)> {
    let created_at = match &acc["created_at"] {
        Value::Null => None,
        v => Some(when(v, "account.created_at")?),
    };
    Ok(Account {
        platform: platform.to_string(),
        ext_id: who.ext_id.clone(),
        handle: who.handle.clone(),
        display_name: text_at(&acc["display_name"]).map(str::to_string),
        profile: Profile {
            followers: count(&acc["followers_count"], "account.followers_count")?,
            following: count(&acc["following_count"], "account.following_count")?,
            post_count: count(&acc["statuses_count"], "account.statuses_count")?,
            created_at,
            bio: acc["note"]
                .as_str()
                .map(plain_text)
                .filter(|b| !b.is_empty()),
            url: text_at(&acc["url"]).map(str::to_string),
            ..Profile::default()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::open_bytes;
    use crate::test_util::{collect, interactions, read_all, write_file};
    use crate::{Format, Shared};
    use std::path::Path;
    use std::sync::Arc;

    /// The Status of docs.joinmastodon.org/entities/Status's example, trimmed, with `{ID}`,
    /// `{REPLY}`, `{MENTIONS}`, `{EXTRA}` to fill in.
    const STATUS: &str = r#"{
  "id": "103270115826048975",
  "created_at": "2019-12-08T03:48:33.901Z",
  {REPLY}
  "sensitive": false, "spoiler_text": "", "visibility": "public", "language": "en",
  "uri": "https://mastodon.social/users/Gargron/statuses/{ID}",
  "url": "https://mastodon.social/@Gargron/{ID}",
  "replies_count": 5, "reblogs_count": 6, "favourites_count": 11,
  "content": "<p>&quot;I lost my inheritance with one wrong digit on my sort code&quot;</p>",
  "reblog": null,
  "account": {
    "id": "1", "username": "Gargron", "acct": "Gargron", "display_name": "Eugen",
    "locked": false, "bot": false, "discoverable": true, "group": false,
    "created_at": "2016-03-16T14:34:26.392Z",
    "note": "<p>Developer of Mastodon and administrator of mastodon.social.</p>",
    "url": "https://mastodon.social/@Gargron",
    "followers_count": 322930, "following_count": 459, "statuses_count": 61323,
    "fields": [{"name": "Homepage", "value": "<a href=\"https://zeonfederated.com\" rel=\"me nofollow noopener noreferrer\" target=\"_blank\">zeonfederated.com</a>", "verified_at": "2019-07-15T18:29:57.191+00:00"}]
  },
  "media_attachments": [], "tags": [], "emojis": [], "card": null, "poll": null,
  {EXTRA}
  "mentions": {MENTIONS}
}"#;

    fn status_json(id: &str, reply: &str, mentions: &str, extra: &str) -> String {
        STATUS
            .replace("{ID}", id)
            .replace("{REPLY}", reply)
            .replace("{MENTIONS}", mentions)
            .replace("{EXTRA}", extra)
            .replace('\n', " ")
    }

    fn simple(id: &str) -> String {
        status_json(
            id,
            r#""in_reply_to_id": null, "in_reply_to_account_id": null,"#,
            "[]",
            "",
        )
    }

    fn read(name: &str, text: &str) -> (Vec<Record>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), name, text.as_bytes());
        read_path(&p)
    }

    fn read_path(p: &Path) -> (Vec<Record>, Vec<String>) {
        let shared = Arc::new(Shared::default());
        let src = open_bytes(p, &shared).unwrap();
        let ctx = Ctx {
            path: p.to_path_buf(),
            file: p.display().to_string(),
            source: "statuses.json".into(),
            shared,
        };
        collect(StatusReader::new(src, ctx, &Options::default()))
    }

    fn array(items: &[String]) -> String {
        format!("[\n{}\n]", items.join(",\n"))
    }

    fn posts(r: &Record) -> Vec<&Post> {
        r.events
            .iter()
            .filter_map(|e| match e {
                Event::Post(p) => Some(p),
                _ => None,
            })
            .collect()
    }

    fn accounts(r: &Record) -> Vec<&Account> {
        r.events
            .iter()
            .filter_map(|e| match e {
                Event::Account(a) => Some(a),
                _ => None,
            })
            .collect()
    }

    fn mentions_of(r: &Record) -> Vec<&Interaction> {
        interactions(&r.events)
    }

    const GARGRON: &str = "https://mastodon.social/users/Gargron";

    #[test]
    fn a_status_is_its_author_and_a_post() {
        let (good, bad) = read("statuses.json", &array(&[simple("103270115826048975")]));
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good.len(), 1);
        assert_eq!(good[0].line, 2);
        let a = accounts(&good[0])[0];
        assert_eq!(
            (a.platform.as_str(), a.ext_id.as_str()),
            ("mastodon", GARGRON),
            "the actor URI the status URI names, not the profile URL"
        );
        assert_eq!(a.handle.as_deref(), Some("Gargron@mastodon.social"));
        assert_eq!(a.display_name.as_deref(), Some("Eugen"));
        let p = &a.profile;
        assert_eq!(
            (p.followers, p.following, p.post_count),
            (Some(322_930), Some(459), Some(61_323))
        );
        assert_eq!(p.created_at, Some(1_458_138_866));
        assert_eq!(
            p.bio.as_deref(),
            Some("Developer of Mastodon and administrator of mastodon.social.")
        );
        assert_eq!(p.url.as_deref(), Some("https://mastodon.social/@Gargron"));
        assert_eq!(p.label, None, "`bot` is no label");
        let post = posts(&good[0])[0];
        assert_eq!(
            post.ext_id,
            "https://mastodon.social/users/Gargron/statuses/103270115826048975"
        );
        assert_eq!(post.author.ext_id, GARGRON);
        assert_eq!(post.time, 1_575_776_913);
        assert_eq!(
            post.text.as_deref(),
            Some("\"I lost my inheritance with one wrong digit on my sort code\"")
        );
        assert_eq!(
            (&post.reply_to, &post.quote_of, &post.reshare_of),
            (&None, &None, &None)
        );
    }

    #[test]
    fn the_account_uri_wins_hidden_counts_are_unknown_and_other_urls_are_kept() {
        // REST::AccountSerializer: `uri` (newer versions); followers_count -1 when hidden.
        let s = simple("1")
            .replace(
                r#""username": "Gargron""#,
                r#""uri": "https://mastodon.social/users/Gargron", "username": "Gargron""#,
            )
            .replace("322930", "-1");
        let (good, bad) = read("s.json", &array(&[s]));
        assert!(bad.is_empty(), "{bad:?}");
        let a = accounts(&good[0])[0];
        assert_eq!(a.ext_id, GARGRON);
        assert_eq!(a.profile.followers, None);
        // A Pleroma status: its URI names no author; the profile URL is the actor id there.
        let pleroma = simple("2")
            .replace(
                "https://mastodon.social/users/Gargron/statuses/2",
                "https://pl.example/objects/5d1c",
            )
            .replace(
                "https://mastodon.social/@Gargron\"",
                "https://pl.example/users/lain\"",
            )
            .replace(r#""acct": "Gargron""#, r#""acct": "lain@pl.example""#);
        let (good, bad) = read("s.json", &array(&[pleroma]));
        assert!(bad.is_empty(), "{bad:?}");
        let a = accounts(&good[0])[0];
        assert_eq!(a.ext_id, "https://pl.example/users/lain");
        assert_eq!(a.handle.as_deref(), Some("lain@pl.example"));
        assert_eq!(
            profile_actor("https://h.example/@bob"),
            "https://h.example/users/bob"
        );
        assert_eq!(
            profile_actor("https://h.example/@bob@x.example"),
            "https://h.example/@bob@x.example"
        );
        assert_eq!(profile_actor("not a url"), "not a url");
        assert_eq!(profile_actor("https://h/@bob"), "https://h/users/bob");
        assert_eq!(
            profile_actor("http://h.example:3000/@b"),
            "http://h.example:3000/users/b"
        );
        assert_eq!(profile_actor("https://h.example/@"), "https://h.example/@");
    }

    const BOB_LOCAL: &str =
        r#"{"id": "7", "username": "bob", "acct": "bob", "url": "https://mastodon.social/@bob"}"#;
    const CAROL_REMOTE: &str = r#"{"id": "8", "username": "carol", "acct": "carol@other.example", "url": "https://other.example/@carol"}"#;

    #[test]
    fn mentions_are_interactions_keyed_as_the_outbox_keys_them() {
        // Status::Mention: id, username, url, acct (docs.joinmastodon.org/entities/Status#Mention).
        let self_mention = r#"{"id": "1", "username": "Gargron", "acct": "Gargron", "url": "https://mastodon.social/@Gargron"}"#;
        let s = status_json(
            "5",
            "",
            &format!("[{self_mention}, {BOB_LOCAL}, {CAROL_REMOTE}]"),
            "",
        );
        let (good, bad) = read("s.json", &array(&[s]));
        assert!(bad.is_empty(), "{bad:?}");
        let m = mentions_of(&good[0]);
        let got: Vec<(&str, &str, Option<&str>)> = m
            .iter()
            .map(|i| {
                (
                    i.key.as_str(),
                    i.target.ext_id.as_str(),
                    i.target.handle.as_deref(),
                )
            })
            .collect();
        let uri = "https://mastodon.social/users/Gargron/statuses/5";
        assert_eq!(
            got,
            [
                (
                    format!("{uri}#m1").as_str(),
                    "https://mastodon.social/users/bob",
                    Some("bob@mastodon.social")
                ),
                (
                    format!("{uri}#m2").as_str(),
                    "https://other.example/users/carol",
                    Some("carol@other.example")
                ),
            ],
            "the self-mention is skipped but keeps its index"
        );
        assert!(m.iter().all(|i| i.kind == InteractionKind::Mention
            && i.actor.ext_id == GARGRON
            && i.post.as_deref() == Some(uri)
            && i.time == Some(1_575_776_913)));
    }

    #[test]
    fn a_reply_to_a_local_parent_names_it_and_to_a_remote_one_does_not() {
        let reply = |id: &str, to: &str, account: &str| {
            status_json(
                id,
                &format!(r#""in_reply_to_id": "{to}", "in_reply_to_account_id": "{account}","#),
                &format!("[{BOB_LOCAL}, {CAROL_REMOTE}]"),
                "",
            )
        };
        let text = array(&[
            reply("10", "9", "1"),   // a thread: Gargron answers himself
            reply("11", "99", "7"), // bob is local: his status 99 is https://mastodon.social/users/bob/statuses/99
            reply("12", "555", "8"), // carol is remote: 555 is this server's id of her status
            reply("13", "556", "3"), // an account neither the author nor mentioned
        ]);
        let (good, bad) = read("s.json", &text);
        assert!(bad.is_empty(), "{bad:?}");
        let replies: Vec<Option<&str>> = good
            .iter()
            .map(|r| posts(r)[0].reply_to.as_deref())
            .collect();
        assert_eq!(
            replies,
            [
                Some("https://mastodon.social/users/Gargron/statuses/9"),
                Some("https://mastodon.social/users/bob/statuses/99"),
                None,
                None
            ]
        );
        assert!(
            good.iter()
                .all(|r| r.events.iter().all(
                    |e| !matches!(e, Event::Interaction(i) if i.kind == InteractionKind::Reply)
                )),
            "no reply is stated; carol's reply still has her mention"
        );
        assert_eq!(mentions_of(&good[2]).len(), 2);
    }

    #[test]
    fn a_boost_reshares_the_reblogged_uri_and_reads_the_reblogged_status() {
        // A reblog's `uri` is …/statuses/ID/activity (the archive's Announce id), `reblog` the Status.
        let original = simple("103270115826048975");
        let boost = format!(
            r#"{{"id": "200", "created_at": "2019-12-09T10:00:00.000Z", "in_reply_to_id": null,
 "uri": "https://other.example/users/carol/statuses/200/activity", "url": null, "content": "",
 "account": {CAROL_REMOTE}, "mentions": [], "reblog": {original}}}"#
        )
        .replace('\n', " ");
        let (good, bad) = read("s.json", &array(&[boost]));
        assert!(bad.is_empty(), "{bad:?}");
        let p = posts(&good[0]);
        assert_eq!(p.len(), 2);
        let (orig, boost) = (p[0], p[1]);
        assert_eq!(
            orig.ext_id,
            "https://mastodon.social/users/Gargron/statuses/103270115826048975"
        );
        assert_eq!(
            boost.ext_id,
            "https://other.example/users/carol/statuses/200/activity"
        );
        assert_eq!(boost.author.ext_id, "https://other.example/users/carol");
        assert_eq!(boost.reshare_of.as_deref(), Some(orig.ext_id.as_str()));
        assert_eq!((boost.text.as_deref(), boost.time), (None, 1_575_885_600));
        let who: Vec<&str> = accounts(&good[0])
            .iter()
            .map(|a| a.ext_id.as_str())
            .collect();
        assert_eq!(who, ["https://other.example/users/carol", GARGRON]);
    }

    #[test]
    fn a_quote_names_the_quoted_status() {
        // docs.joinmastodon.org/entities/Quote (4.4+): {state, quoted_status}; ShallowQuote:
        // {state, quoted_status_id}.
        let quoted = simple("103270115826048975");
        let full = status_json(
            "300",
            "",
            "[]",
            &format!(r#""quote": {{"state": "accepted", "quoted_status": {quoted}}},"#),
        );
        let shallow = status_json(
            "301",
            "",
            "[]",
            r#""quote": {"state": "accepted", "quoted_status_id": "103270115826048975"},"#,
        );
        let pending = status_json(
            "302",
            "",
            "[]",
            r#""quote": {"state": "pending", "quoted_status": null},"#,
        );
        let fork = status_json("303", "", "[]", &format!(r#""quote": {quoted},"#));
        let (good, bad) = read("s.json", &array(&[full, shallow, pending, fork]));
        assert!(bad.is_empty(), "{bad:?}");
        let target = "https://mastodon.social/users/Gargron/statuses/103270115826048975";
        let quotes: Vec<Option<&str>> = good
            .iter()
            .map(|r| posts(r).last().unwrap().quote_of.as_deref())
            .collect();
        assert_eq!(quotes, [Some(target), None, None, Some(target)]);
        assert_eq!(
            posts(&good[0])[0].ext_id,
            target,
            "the quoted status is read too"
        );
    }

    #[test]
    fn json_lines_of_statuses_are_read_too() {
        let text = format!("{}\n\n{}\n", simple("1"), simple("2"));
        let (good, bad) = read("s.jsonl", &text);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 3]);
    }

    #[test]
    fn each_bad_status_is_one_rejection_naming_its_field() {
        let good_one = simple("1");
        let no_uri = simple("2").replace(
            r#""uri": "https://mastodon.social/users/Gargron/statuses/2","#,
            "",
        );
        let bad_time = simple("3").replace("2019-12-08T03:48:33.901Z", "yesterday");
        let no_account = r#"{"uri": "https://s.example/users/a/statuses/4", "created_at": "2019-12-08T03:48:33.901Z"}"#.to_string();
        let bad_reblog = simple("5").replace(
            r#""reblog": null"#,
            r#""reblog": {"account": {}, "created_at": "2019-12-08T03:48:33.901Z"}"#,
        );
        let bad_mention = status_json("6", "", r#"[{"id": "9", "acct": "x"}]"#, "");
        let bad_count = simple("7").replace("322930", "\"many\"");
        let nul = simple("8").replace("Eugen", "Eu\\u0000gen");
        let not_object = "[1, 2]".to_string();
        let text = array(&[
            good_one,
            no_uri,
            bad_time,
            no_account,
            bad_reblog,
            bad_mention,
            bad_count,
            nul,
            not_object,
            simple("9"),
        ]);
        let (good, bad) = read("s.json", &text);
        assert_eq!(good.len(), 2, "{bad:#?}");
        let fields: Vec<&str> = bad.iter().map(|b| b.split(": ").nth(1).unwrap()).collect();
        assert_eq!(
            fields,
            [
                "uri",
                "created_at",
                "account",
                "reblog.uri",
                "mentions.url",
                "account.followers_count",
                "account",
                "<json>"
            ],
            "{bad:#?}"
        );
        assert!(bad[0].contains("s.json:3: "), "{bad:?}");
        let (good, bad) = read("s.jsonl", "{\"uri\": \n{}\n");
        assert!(good.is_empty());
        assert_eq!(bad.len(), 2, "{bad:?}");
    }

    #[test]
    fn keys_are_stable_across_reads() {
        let text = array(&[
            status_json("5", "", &format!("[{BOB_LOCAL}]"), ""),
            simple("6"),
        ]);
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "s.json", text.as_bytes());
        let (a, _) = read_path(&p);
        let (b, _) = read_path(&p);
        assert_eq!(a, b);
        // Another page order, another file: the same keys.
        let swapped = array(&[
            simple("6"),
            status_json("5", "", &format!("[{BOB_LOCAL}]"), ""),
        ]);
        let (c, _) = read("other.json", &swapped);
        let key = |r: &[Record]| -> Vec<String> {
            r.iter()
                .flat_map(mentions_of)
                .map(|i| i.key.clone())
                .collect()
        };
        assert_eq!(key(&a), key(&c));
        assert_eq!(
            key(&a),
            ["https://mastodon.social/users/Gargron/statuses/5#m0"]
        );
    }

    #[test]
    fn the_api_and_the_archive_name_the_same_post_accounts_and_mention() {
        // The same status as the archive's outbox has it (note_serializer.rb: id, attributedTo,
        // Mention tags with href = the actor URI, name = @acct) and as the REST API returns it.
        let outbox = r#"{"type":"OrderedCollection","orderedItems":[
{"id":"https://mastodon.social/users/Gargron/statuses/5/activity","type":"Create","actor":"https://mastodon.social/users/Gargron","published":"2019-12-08T03:48:33Z",
 "object":{"id":"https://mastodon.social/users/Gargron/statuses/5","type":"Note","published":"2019-12-08T03:48:33Z","content":"<p>x</p>",
  "tag":[{"type":"Mention","href":"https://mastodon.social/users/bob","name":"@bob"},{"type":"Mention","href":"https://other.example/users/carol","name":"@carol@other.example"}]}},
{"id":"https://mastodon.social/users/Gargron/statuses/6/activity","type":"Announce","actor":"https://mastodon.social/users/Gargron","published":"2019-12-09T00:00:00Z",
 "object":"https://other.example/users/carol/statuses/1"}
]}"#;
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "outbox.json", outbox.as_bytes());
        let (from_outbox, bad) = read_all(&p, Format::MastodonOutbox, &Options::default());
        assert!(bad.is_empty(), "{bad:?}");
        let rest = status_json("5", "", &format!("[{BOB_LOCAL}, {CAROL_REMOTE}]"), "");
        let carol_status = r#"{"id": "70", "uri": "https://other.example/users/carol/statuses/1", "created_at": "2019-12-01T00:00:00Z", "account": {CAROL}, "mentions": []}"#
            .replace("{CAROL}", CAROL_REMOTE);
        let boost = format!(
            r#"{{"id": "6", "uri": "https://mastodon.social/users/Gargron/statuses/6/activity", "created_at": "2019-12-09T00:00:00Z", "account": {{"id": "1", "acct": "Gargron", "url": "https://mastodon.social/@Gargron"}}, "reblog": {carol_status}}}"#
        );
        let (from_api, bad) = read("s.json", &array(&[rest, boost]));
        assert!(bad.is_empty(), "{bad:?}");
        let ids = |records: &[Record]| {
            let mut v: Vec<String> = records
                .iter()
                .flat_map(|r| &r.events)
                .filter_map(|e| match e {
                    Event::Post(p) => Some(format!(
                        "post {} by {} resharing {:?}",
                        p.ext_id, p.author.ext_id, p.reshare_of
                    )),
                    Event::Interaction(i) => Some(format!(
                        "{} {} -> {}",
                        i.key, i.actor.ext_id, i.target.ext_id
                    )),
                    Event::Account(_) => None,
                })
                .collect();
            v.sort();
            v.dedup();
            v
        };
        let api = ids(&from_api);
        for id in ids(&from_outbox) {
            assert!(api.contains(&id), "{id} not in {api:#?}");
        }
    }
}
