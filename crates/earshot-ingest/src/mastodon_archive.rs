//! A Mastodon account archive, unpacked into a folder, with the CSV exports beside it.
//!
//! **What the archive holds** (mastodon/mastodon `app/services/backup_service.rb`): the media files, and
//! - `outbox.json`: an ActivityStreams `OrderedCollection` of the account's `Create` and `Announce`
//!   activities (`ActivityPub::ActivitySerializer`), read by [`crate::mastodon::OutboxReader`];
//! - `likes.json` and `bookmarks.json`: `OrderedCollection`s whose `orderedItems` are bare status URIs
//!   (`ActivityPub::TagManager#uri_for`), with no dates;
//! - `actor.json`: the account as an ActivityPub actor (`app/serializers/activitypub/actor_serializer.rb`:
//!   `id`, `type`, `preferredUsername`, `name`, `summary`, `url`, `published`, and an `attachment`
//!   array of `PropertyValue` profile fields whose `value` is HTML).
//!
//! **What the CSV exports hold** (`app/models/export.rb`, downloaded one by one from
//! `/settings/export`): `following_accounts.csv` with the header `Account address,Show boosts,Notify
//! on new posts,Languages` (addresses `user@domain`, local ones too: `local_username_and_domain`), and
//! blocks, mutes, lists, domain blocks and bookmarks, which say nothing about influence and are not
//! read. **Followers are not available**: `Export` has no follower list (issue mastodon/mastodon#22966
//! asked for one and notes the archive lacks it too), so an archive says whom its owner follows but not
//! who follows the owner.
//!
//! **Mapping**, in this order (the owner must be known before likes and follows):
//! - `actor.json` → one Account, the owner: ext_id the actor `id` (the URI every other Mastodon event
//!   names accounts by), handle `preferredUsername@host of the id`, display name `name`, bio `summary`
//!   as plain text, `url`, created at `published`. [`rel_me_links`] gives its profile-field links.
//! - `outbox.json` → posts, replies, mentions and boosts as [`crate::mastodon`] describes.
//! - `likes.json` → a Like from the owner to the author of each liked status, `post` the status URI,
//!   undated (the file has no dates), key `like:<owner> <status URI>`. The author is read off the URI,
//!   which is `https://host/users/NAME/statuses/ID` for statuses on Mastodon servers; a URI of another
//!   shape (Pleroma's `/objects/UUID`, Misskey's `/notes/ID`) does not name its author, so that like is
//!   **skipped**, counted and reported in one [`crate::Warning`], not rejected: the file is not at fault.
//!   A like of the owner's own status is skipped too (it says nothing of influence).
//! - `following_accounts.csv` (optional) → a Follow from the owner to each `Account address`, by
//!   handle ([`AccountRef::by_handle`]: ext_id `@user@domain`, so these accounts are not merged with the
//!   URI-keyed ones until handles are linked), undated, key `follow:<owner> <address lower-cased>`.
//!   The headerless one-column file of older Mastodon versions is read too; a bare username in it is
//!   local to the owner's server and gets the owner's domain.
//!
//! Keys are built from ids only, never from line numbers, so re-importing (or importing a later archive
//! of the same account) yields the same keys; they include the owner, as two archives may like the same
//! status. Without a readable `actor.json` the likes and follows have no actor: each of those files is
//! then one rejection saying so. Every rejection names its file and line. Only the unpacked folder is
//! read, not the `archive-….tar.gz` itself: it stores `actor.json` last, after the likes that need it.
//! [`crate::Options::source`] is not used, as no key derives from a source name.

use crate::csv_posts::find_column;
use crate::csv_rec::CsvRecords;
use crate::mastodon::{self, account, handle_of, plain_text, Bad, OrderedItems, OutboxReader};
use crate::reader::{
    bad_input, decode_into, expect_folder, open_stream, quote, stream_error, ByteSource, LineReader,
};
use crate::{Ctx, EventReader, OpenError, Options, Record, Rejection, Shared};
use earshot_model::{Account, AccountRef, Event, Interaction, InteractionKind, Profile};
use serde_json::Value;
use std::collections::VecDeque;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The files of an archive folder earshot reads, in the order it reads them.
const ACTOR: &str = "actor.json";
const OUTBOX: &str = "outbox.json";
const LIKES: &str = "likes.json";
const FOLLOWING: &str = "following_accounts.csv";

/// The column of `following_accounts.csv` that names the followed account.
const ADDRESS: &str = "Account address";

type Items = Box<dyn Iterator<Item = Result<Record, Rejection>> + Send>;

/// Open the folder of an unpacked Mastodon archive (see the module docs). Fails when `path` is not a
/// folder or holds none of `actor.json`, `outbox.json` and `likes.json`.
pub(crate) fn open(
    path: &Path,
    opts: &Options,
    shared: Arc<Shared>,
) -> Result<EventReader, OpenError> {
    expect_folder(path, "expected the folder of an unpacked Mastodon archive (tar -xzf archive-….tar.gz); the .tar.gz itself is not read")?;
    if ![ACTOR, OUTBOX, LIKES]
        .iter()
        .any(|f| path.join(f).is_file())
    {
        return Err(bad_input(
            path,
            "no actor.json, outbox.json or likes.json: not the folder of a Mastodon archive",
        ));
    }
    let size: u64 = [ACTOR, OUTBOX, LIKES, FOLLOWING]
        .iter()
        .filter_map(|f| std::fs::metadata(path.join(f)).ok())
        .map(|m| m.len())
        .sum();
    shared.file_size.store(size, Ordering::Relaxed);
    Ok(Box::new(ArchiveReader {
        dir: path.to_path_buf(),
        opts: opts.clone(),
        platform: opts
            .platform
            .clone()
            .unwrap_or_else(|| mastodon::PLATFORM.into()),
        shared,
        parts: [Part::Actor, Part::Outbox, Part::Likes, Part::Following].into(),
        current: None,
        owner: Err("actor.json has not been read".into()),
    }))
}

#[derive(Debug, Clone, Copy)]
enum Part {
    Actor,
    Outbox,
    Likes,
    Following,
}

/// The account whose archive this is.
#[derive(Debug, Clone)]
struct Owner {
    account: AccountRef,
    /// The server's domain, for bare usernames in old follow exports.
    domain: Option<String>,
}

/// Reads the parts of the folder one after the other, each opened only when the one before is done.
struct ArchiveReader {
    dir: PathBuf,
    opts: Options,
    platform: String,
    shared: Arc<Shared>,
    parts: VecDeque<Part>,
    current: Option<Items>,
    /// The owner, or why it is unknown.
    owner: Result<Owner, String>,
}

impl Iterator for ArchiveReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.current.as_mut().and_then(Iterator::next) {
                return Some(item);
            }
            let part = self.parts.pop_front()?;
            self.current = Some(self.start(part));
        }
    }
}

impl ArchiveReader {
    fn ctx(&self, name: &str) -> Ctx {
        let path = self.dir.join(name);
        Ctx {
            file: path.display().to_string(),
            path,
            source: name.to_string(),
            shared: Arc::clone(&self.shared),
        }
    }

    /// The items of one part of the archive.
    fn start(&mut self, part: Part) -> Items {
        let name = match part {
            Part::Actor => ACTOR,
            Part::Outbox => OUTBOX,
            Part::Likes => LIKES,
            Part::Following => FOLLOWING,
        };
        let ctx = self.ctx(name);
        if !ctx.path.is_file() {
            return self.missing(part, &ctx);
        }
        let src = match open_stream(&ctx.path, &self.shared) {
            Ok(src) => src,
            Err(e) => {
                let why = format!("cannot open: {e}");
                if matches!(part, Part::Actor) {
                    self.owner = Err(format!("{ACTOR} cannot be opened ({e})"));
                }
                return one(ctx.reject(1, "<stream>", why));
            }
        };
        match part {
            Part::Actor => {
                let items = self.read_actor(src, &ctx);
                Box::new(items.into_iter())
            }
            Part::Outbox => Box::new(OutboxReader::new(src, ctx, &self.opts)),
            Part::Likes | Part::Following => match self.owner.clone() {
                Err(why) => one(ctx.reject(
                    1,
                    "<owner>",
                    format!("not read: the archive's owner, the actor of its every like and follow, is unknown: {why}"),
                )),
                Ok(owner) if matches!(part, Part::Likes) => Box::new(LikesReader::new(
                    src,
                    ctx,
                    &self.opts,
                    &self.platform,
                    owner.account,
                )),
                Ok(owner) => Box::new(FollowingReader::new(
                    src,
                    ctx,
                    &self.opts,
                    &self.platform,
                    owner,
                )),
            },
        }
    }

    /// A part whose file is absent: the CSV export is optional; the archive's own files are always
    /// there, so their absence is worth a warning.
    fn missing(&mut self, part: Part, ctx: &Ctx) -> Items {
        match part {
            Part::Following => {}
            Part::Actor => {
                self.owner = Err(format!("{ACTOR} is missing from the folder"));
                ctx.warn(0, "missing from the archive folder: the likes and follows beside it cannot be attributed".into());
            }
            Part::Outbox | Part::Likes => {
                ctx.warn(0, "missing from the archive folder".into());
            }
        }
        Box::new(std::iter::empty())
    }

    /// `actor.json`: the owner's Account (and the owner remembered), or one rejection.
    fn read_actor(&mut self, src: ByteSource, ctx: &Ctx) -> Option<Result<Record, Rejection>> {
        let parsed =
            read_capped(src, &self.opts).and_then(|text| owner_account(&text, &self.platform));
        match parsed {
            Ok(a) => {
                self.owner = Ok(Owner {
                    account: AccountRef {
                        ext_id: a.ext_id.clone(),
                        handle: a.handle.clone(),
                    },
                    domain: host(&a.ext_id).map(str::to_string),
                });
                Some(Ok(Record {
                    line: 1,
                    events: vec![Event::Account(a)],
                }))
            }
            Err((field, why)) => {
                self.owner = Err(format!("{ACTOR} was rejected"));
                Some(Err(ctx.reject(1, field, why)))
            }
        }
    }
}

fn one(r: Rejection) -> Items {
    Box::new(std::iter::once(Err(r)))
}

/// A whole small JSON file as text, refused past [`Options::max_line_bytes`] (an actor is a few KB).
fn read_capped(src: ByteSource, opts: &Options) -> Result<String, Bad> {
    let max = opts.max_line_bytes;
    let (reader, gzip) = (src.reader, src.gzip);
    let mut bytes = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    reader
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| ("<stream>", stream_error(&e, gzip)))?;
    if bytes.len() > max {
        return Err((
            "<line>",
            format!("longer than the limit of {max} bytes (skipped)"),
        ));
    }
    let mut text = String::new();
    decode_into(&bytes, opts.encoding, &mut text)
        .map_err(|at| ("<line>", crate::reader::invalid_utf8(at)))?;
    Ok(text)
}

/// The host of an `http(s)://host/...` URI.
pub(crate) fn host(uri: &str) -> Option<&str> {
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then_some(host)
}

/// A non-empty trimmed string at `v`.
fn text_at(v: &Value) -> Option<&str> {
    v.as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// The owner's Account from `actor.json`'s text.
fn owner_account(text: &str, platform: &str) -> Result<Account, Bad> {
    let a: Value = serde_json::from_str(text)
        .map_err(|e| ("<json>", format!("invalid JSON: {e} in {}", quote(text))))?;
    if !a.is_object() {
        return Err(("<json>", "expected an ActivityPub actor object".into()));
    }
    let id = text_at(&a["id"]).ok_or(("id", format!("missing: {}", a["id"])))?;
    let domain = host(id).ok_or(("id", format!("not an http(s) URI: {}", quote(id))))?;
    let handle = text_at(&a["preferredUsername"])
        .map(|u| format!("{}@{domain}", u.trim_start_matches('@')))
        .or_else(|| handle_of(id));
    let created_at = match &a["published"] {
        Value::Null => None,
        p => Some(published(p)?),
    };
    let account = Account {
        platform: platform.to_string(),
        ext_id: id.to_string(),
        handle,
        display_name: text_at(&a["name"]).map(str::to_string),
        profile: Profile {
            bio: a["summary"]
                .as_str()
                .map(plain_text)
                .filter(|b| !b.is_empty()),
            url: text_at(&a["url"]).map(str::to_string),
            created_at,
            links: Some(rel_me_links(&a)).filter(|l| !l.is_empty()),
            ..Profile::default()
        },
    };
    crate::values::check(&Event::Account(account.clone()))
        .map_err(|(f, why)| ("<actor>", format!("{f}: {why}")))?;
    Ok(account)
}

fn published(v: &Value) -> Result<i64, Bad> {
    let s = v
        .as_str()
        .ok_or(("published", format!("not a date: {v}")))?;
    crate::json_fields::time(s, "published")
}

/// The profile-field links a person claims as their own: the `href` of every `<a>` whose `rel` has
/// the token `me`, in the `value` of each `PropertyValue` of the actor's `attachment`, in order, each
/// once, entities decoded. Mastodon writes each URL in a profile field as `<a href="…"
/// target="_blank" rel="nofollow noopener noreferrer me">` (`app/lib/text_formatter.rb`,
/// `link_to_url` with `with_rel_me`), which is how other sites verify the link back; other software
/// orders attributes and quotes differently, so the tag is parsed, not matched.
pub(crate) fn rel_me_links(actor: &Value) -> Vec<String> {
    let items: Vec<&Value> = match &actor["attachment"] {
        Value::Array(a) => a.iter().collect(),
        o @ Value::Object(_) => vec![o],
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for item in items {
        if item["type"] != "PropertyValue" {
            continue;
        }
        if let Some(html) = item["value"].as_str() {
            for href in rel_me_in_html(html) {
                if !out.contains(&href) {
                    out.push(href);
                }
            }
        }
    }
    out
}

/// The `href`s of the `<a rel="… me …">` tags in `html`.
fn rel_me_in_html(html: &str) -> Vec<String> {
    // ASCII lower-casing keeps every byte offset, so positions found in `lower` slice `html`.
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = lower[at..].find("<a") {
        let start = at + i + 2;
        at = start;
        if !lower
            .as_bytes()
            .get(start)
            .is_some_and(u8::is_ascii_whitespace)
        {
            continue;
        }
        let (attrs, used) = tag_attributes(&html[start..]);
        at = start + used;
        let attr = |name: &str| attrs.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
        let is_me = attr("rel").is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case("me"))
        });
        if let Some(href) = attr("href").filter(|_| is_me).map(plain_text) {
            if !href.is_empty() {
                out.push(href);
            }
        }
    }
    out
}

/// The attributes of a tag from just after its name, `(lower-cased name, raw value)`, and the bytes
/// read up to and with its `>` (all of `s` when it has none). Values may be double-, single- or
/// un-quoted; a `>` inside quotes does not end the tag.
fn tag_attributes(s: &str) -> (Vec<(String, &str)>, usize) {
    let b = s.as_bytes();
    let mut i = 0;
    let mut attrs = Vec::new();
    let skip_ws = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    loop {
        i = skip_ws(i);
        while i < b.len() && b[i] == b'/' {
            i = skip_ws(i + 1);
        }
        match b.get(i) {
            None => return (attrs, b.len()),
            Some(b'>') => return (attrs, i + 1),
            Some(_) => {}
        }
        let name_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = s[name_start..i].to_ascii_lowercase();
        i = skip_ws(i);
        let mut value = "";
        if b.get(i) == Some(&b'=') {
            i = skip_ws(i + 1);
            let (v, next) = attribute_value(s, i);
            value = v;
            i = next;
        }
        if !name.is_empty() {
            attrs.push((name, value));
        }
    }
}

/// One attribute value starting at `i`, and the offset after it.
fn attribute_value(s: &str, i: usize) -> (&str, usize) {
    let b = s.as_bytes();
    match b.get(i) {
        Some(&q @ (b'"' | b'\'')) => {
            let end = b[i + 1..]
                .iter()
                .position(|&c| c == q)
                .map_or(b.len(), |p| i + 1 + p);
            (&s[i + 1..end], (end + 1).min(b.len()))
        }
        _ => {
            let end = b[i..]
                .iter()
                .position(|&c| c.is_ascii_whitespace() || c == b'>')
                .map_or(b.len(), |p| i + p);
            (&s[i..end], end)
        }
    }
}

/// The actor of a status URI of Mastodon's form, `http(s)://host/users/NAME/statuses/ID` (a boost's
/// `…/statuses/ID/activity` too): `http(s)://host/users/NAME`. `None` for any other shape, which does
/// not say who wrote the status.
pub(crate) fn status_actor(uri: &str) -> Option<String> {
    let scheme_len = if uri.starts_with("https://") {
        8
    } else if uri.starts_with("http://") {
        7
    } else {
        return None;
    };
    let (host, path) = uri[scheme_len..].split_once('/')?;
    let (name, tail) = path.strip_prefix("users/")?.split_once('/')?;
    let id = tail.strip_prefix("statuses/")?;
    let id = id.strip_suffix("/activity").unwrap_or(id);
    let plain = |s: &str| !s.is_empty() && !s.contains(['/', '?', '#', ' ']);
    let digits = !id.is_empty() && id.bytes().all(|c| c.is_ascii_alphanumeric());
    (!host.is_empty() && plain(name) && digits)
        .then(|| format!("{}{host}/users/{name}", &uri[..scheme_len]))
}

/// `likes.json`: a Like per liked status whose author its URI names.
struct LikesReader {
    items: OrderedItems,
    ctx: Ctx,
    platform: String,
    owner: AccountRef,
    index: u64,
    /// Likes of statuses whose URIs name no author, and the first of them.
    skipped: u64,
    first_skipped: Option<(u64, String)>,
}

impl LikesReader {
    fn new(src: ByteSource, ctx: Ctx, opts: &Options, platform: &str, owner: AccountRef) -> Self {
        LikesReader {
            items: OrderedItems::new(src, &ctx, opts, LIKES),
            ctx,
            platform: platform.to_string(),
            owner,
            index: 0,
            skipped: 0,
            first_skipped: None,
        }
    }

    /// The one warning for every skipped like, once the file is read.
    fn report_skipped(&mut self) {
        if let Some((line, uri)) = self.first_skipped.take() {
            self.ctx.warn(0, format!(
                "{} liked statuses skipped: their URIs are not of Mastodon's form https://host/users/NAME/statuses/ID, so they do not name the author (the first: line {line}, {})",
                self.skipped,
                quote(&uri)
            ));
        }
    }

    /// The Like of one item, `Ok(None)` when it is skipped.
    fn like(&mut self, line: u64, text: &str) -> Result<Option<Event>, Bad> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| ("<json>", format!("invalid JSON: {e} in {}", quote(text))))?;
        let status = mastodon::uri(&v)
            .ok_or(("orderedItems", format!("not a status URI: {}", quote(text))))?;
        let Some(author) = status_actor(status) else {
            self.skipped += 1;
            self.first_skipped
                .get_or_insert_with(|| (line, status.to_string()));
            return Ok(None);
        };
        if author == self.owner.ext_id {
            return Ok(None);
        }
        let like = Event::Interaction(Interaction {
            platform: self.platform.clone(),
            key: format!("like:{} {status}", self.owner.ext_id),
            kind: InteractionKind::Like,
            actor: self.owner.clone(),
            target: account(&author),
            post: Some(status.to_string()),
            time: None,
            weight: 1.0,
        });
        crate::values::check(&like).map_err(|(f, why)| ("orderedItems", format!("{f}: {why}")))?;
        Ok(Some(like))
    }
}

impl Iterator for LikesReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.index += 1;
            let element = match self.items.next_element(self.index, &self.ctx) {
                None => {
                    self.report_skipped();
                    return None;
                }
                Some(Err(r)) => return Some(Err(r)),
                Some(Ok(e)) => e,
            };
            match self.like(element.line, &element.text) {
                Ok(None) => continue,
                Ok(Some(event)) => {
                    return Some(Ok(Record {
                        line: element.line,
                        events: vec![event],
                    }))
                }
                Err((field, why)) => return Some(Err(self.ctx.reject(element.line, field, why))),
            }
        }
    }
}

/// `following_accounts.csv`: a Follow per account address.
struct FollowingReader {
    records: CsvRecords,
    ctx: Ctx,
    platform: String,
    owner: Owner,
    /// The address column, once the first record has shown whether there is a header.
    column: Option<usize>,
}

impl FollowingReader {
    fn new(src: ByteSource, ctx: Ctx, opts: &Options, platform: &str, owner: Owner) -> Self {
        let lines = LineReader::new(src, ctx.file.clone(), opts.encoding, opts.max_line_bytes);
        FollowingReader {
            records: CsvRecords::new(lines, opts.max_line_bytes),
            ctx,
            platform: platform.to_string(),
            owner,
            column: None,
        }
    }

    /// The Follow of one address, or why the address is not one.
    fn follow(&self, raw: &str) -> Result<Event, Bad> {
        let address = follow_address(raw, self.owner.domain.as_deref()).ok_or((
            ADDRESS,
            format!("not an account address user@domain: {}", quote(raw)),
        ))?;
        let follow = Event::Interaction(Interaction {
            platform: self.platform.clone(),
            key: format!(
                "follow:{} {}",
                self.owner.account.ext_id,
                address.to_lowercase()
            ),
            kind: InteractionKind::Follow,
            actor: self.owner.account.clone(),
            target: AccountRef::by_handle(&address),
            post: None,
            time: None,
            weight: 1.0,
        });
        crate::values::check(&follow).map_err(|(f, why)| (ADDRESS, format!("{f}: {why}")))?;
        Ok(follow)
    }
}

/// `user@domain` from an address cell (a leading `@` dropped); a bare `user` is on `home`.
fn follow_address(raw: &str, home: Option<&str>) -> Option<String> {
    let a = raw.trim().trim_start_matches('@');
    let (user, domain) = match a.split_once('@') {
        Some((u, d)) => (u, d),
        None => (a, home?),
    };
    let user_ok = !user.is_empty()
        && user
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'));
    let domain_ok = !domain.is_empty()
        && !domain
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '/' | '@' | '?' | '#' | '"'));
    (user_ok && domain_ok).then(|| format!("{user}@{domain}"))
}

impl Iterator for FollowingReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let rec = match self.records.next_record()? {
                Ok(r) => r,
                Err(r) => return Some(Err(r)),
            };
            let column = match self.column {
                Some(c) => c,
                None => {
                    let header: Vec<String> =
                        rec.fields.iter().map(|f| f.trim().to_string()).collect();
                    if let Some(c) = find_column(&header, ADDRESS) {
                        self.column = Some(c);
                        continue;
                    }
                    // Older Mastodon wrote the addresses alone, without a header.
                    *self.column.insert(0)
                }
            };
            let raw = rec.fields.get(column).map_or("", String::as_str);
            return Some(match self.follow(raw) {
                Ok(event) => Ok(Record {
                    line: rec.line,
                    events: vec![event],
                }),
                Err((field, why)) => Err(self.ctx.reject(rec.line, field, why)),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{events, read_with_warnings, write_file, write_folder};

    // An actor as app/serializers/activitypub/actor_serializer.rb writes it into an archive
    // (backup_service.rb `dump_actor!` replaces icon and outbox URLs with file names): `id`,
    // `type`, `preferredUsername`, `name`, `summary` HTML, `url`, `published` (midnight), and
    // `attachment` of `PropertyValue` fields whose links carry rel="… me" (text_formatter.rb).
    const ACTOR_JSON: &str = r##"{
  "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
  "id": "https://social.example/users/alice",
  "type": "Person",
  "following": "https://social.example/users/alice/following",
  "followers": "https://social.example/users/alice/followers",
  "inbox": "https://social.example/users/alice/inbox",
  "outbox": "outbox.json",
  "likes": "likes.json",
  "bookmarks": "bookmarks.json",
  "preferredUsername": "alice",
  "name": "Alice A.",
  "summary": "<p>Birds &amp; bees</p>",
  "url": "https://social.example/@alice",
  "published": "2022-11-05T00:00:00Z",
  "attachment": [
    {"type": "PropertyValue", "name": "Site",
     "value": "<a href=\"https://alice.example/\" target=\"_blank\" rel=\"nofollow noopener noreferrer me\" translate=\"no\"><span class=\"invisible\">https://</span><span class=\"\">alice.example/</span><span class=\"invisible\"></span></a>"},
    {"type": "PropertyValue", "name": "Pronouns", "value": "she/her"}
  ],
  "icon": {"type": "Image", "mediaType": "image/png", "url": "avatar.png"}
}"##;

    // likes.json as backup_service.rb `dump_likes!` writes it: bare URIs from TagManager#uri_for,
    // here of a Mastodon status, a Pleroma object (no author in it), and one of Alice's own.
    const LIKES_JSON: &str = r#"{"@context":"https://www.w3.org/ns/activitystreams","id":"likes.json","type":"OrderedCollection","totalItems":3,"orderedItems":[
"https://other.example/users/bob/statuses/109876543210",
"https://pleroma.example/objects/0b5d6f2e-6c1a-4d0e-9c57-2f7a1c9b2d11",
"https://social.example/users/alice/statuses/42"
]}"#;

    // following_accounts.csv as app/models/export.rb `to_following_accounts_csv` writes it.
    const FOLLOWING_CSV: &str = "Account address,Show boosts,Notify on new posts,Languages\r\nbob@other.example,true,false,\r\nCarol@Third.example,false,false,\"en, de\"\r\n";

    // A one-Create outbox, as in mastodon.rs's tests (Activity Vocabulary Create of a Note).
    const OUTBOX_JSON: &str = r#"{"id":"outbox.json","type":"OrderedCollection","orderedItems":[
{"id":"https://social.example/users/alice/statuses/1/activity","type":"Create","actor":"https://social.example/users/alice","published":"2023-05-01T10:00:00Z",
 "object":{"id":"https://social.example/users/alice/statuses/1","type":"Note","content":"<p>hi</p>",
  "tag":[{"type":"Mention","href":"https://other.example/users/bob","name":"@bob@other.example"}]}}
]}"#;

    fn archive(files: &[(&str, &str)]) -> tempfile::TempDir {
        write_folder("", files)
    }

    fn read_dir(dir: &Path) -> (Vec<Record>, Vec<String>, Vec<String>) {
        read_with_warnings(|shared| open(dir, &Options::default(), shared).unwrap())
    }

    fn interactions(records: &[Record], kind: InteractionKind) -> Vec<&Interaction> {
        events(records)
            .into_iter()
            .filter_map(|e| match e {
                Event::Interaction(i) if i.kind == kind => Some(i),
                _ => None,
            })
            .collect()
    }

    fn full() -> tempfile::TempDir {
        archive(&[
            (ACTOR, ACTOR_JSON),
            (OUTBOX, OUTBOX_JSON),
            (LIKES, LIKES_JSON),
            (FOLLOWING, FOLLOWING_CSV),
        ])
    }

    #[test]
    fn actor_json_is_the_owner_account() {
        let dir = full();
        let (good, bad, _) = read_dir(dir.path());
        assert!(bad.is_empty(), "{bad:?}");
        let Event::Account(a) = &good[0].events[0] else {
            panic!("{:?}", good[0])
        };
        assert_eq!(
            (a.platform.as_str(), a.ext_id.as_str()),
            ("mastodon", "https://social.example/users/alice")
        );
        assert_eq!(a.handle.as_deref(), Some("alice@social.example"));
        assert_eq!(a.display_name.as_deref(), Some("Alice A."));
        assert_eq!(a.profile.bio.as_deref(), Some("Birds & bees"));
        assert_eq!(
            a.profile.url.as_deref(),
            Some("https://social.example/@alice")
        );
        assert_eq!(a.profile.created_at, Some(1_667_606_400));
        assert_eq!(
            a.profile.links.as_deref(),
            Some(&["https://alice.example/".to_string()][..]),
            "the rel=me field, not the pronouns"
        );
        assert_eq!(a.profile.label, None, "a Service type is no ground truth");
        assert!(good[0].line == 1);
    }

    #[test]
    fn the_outbox_is_read_through_the_folder() {
        let dir = full();
        let (good, _, _) = read_dir(dir.path());
        let posts: Vec<_> = events(&good)
            .into_iter()
            .filter_map(|e| match e {
                Event::Post(p) => Some(p),
                _ => None,
            })
            .collect();
        assert_eq!(posts.len(), 1);
        assert_eq!(
            posts[0].ext_id,
            "https://social.example/users/alice/statuses/1"
        );
        assert_eq!(posts[0].author.ext_id, "https://social.example/users/alice");
        let m = interactions(&good, InteractionKind::Mention);
        assert_eq!(m[0].key, "https://social.example/users/alice/statuses/1#m0");
    }

    #[test]
    fn likes_name_the_author_from_the_uri_and_skip_other_shapes() {
        let dir = full();
        let (good, bad, warnings) = read_dir(dir.path());
        assert!(bad.is_empty(), "{bad:?}");
        let likes = interactions(&good, InteractionKind::Like);
        assert_eq!(
            likes.len(),
            1,
            "the Pleroma URI and the self-like are skipped"
        );
        let l = likes[0];
        assert_eq!(l.actor.ext_id, "https://social.example/users/alice");
        assert_eq!(l.target.ext_id, "https://other.example/users/bob");
        assert_eq!(l.target.handle.as_deref(), Some("bob@other.example"));
        assert_eq!(
            l.post.as_deref(),
            Some("https://other.example/users/bob/statuses/109876543210")
        );
        assert_eq!(l.time, None);
        assert_eq!(
            l.key,
            "like:https://social.example/users/alice https://other.example/users/bob/statuses/109876543210"
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("likes.json: 1 liked statuses skipped")
                && warnings[0].contains("line 3"),
            "{warnings:?}"
        );
    }

    #[test]
    fn status_uris_of_mastodon_name_their_actor() {
        let actor = |u: &str| status_actor(u);
        assert_eq!(
            actor("https://h.example/users/bob/statuses/1").as_deref(),
            Some("https://h.example/users/bob")
        );
        assert_eq!(
            actor("http://h.example:3000/users/b_1/statuses/12/activity").as_deref(),
            Some("http://h.example:3000/users/b_1")
        );
        for other in [
            "https://h.example/objects/1",
            "https://h.example/notes/9abc",
            "https://h.example/users/bob/statuses/",
            "https://h.example/users//statuses/1",
            "https://h.example/users/bob/statuses/1/replies",
            "tag:h.example,2017:objectId=1:objectType=Status",
            "",
        ] {
            assert_eq!(actor(other), None, "{other}");
        }
    }

    #[test]
    fn following_csv_follows_each_address_by_handle() {
        let dir = full();
        let (good, bad, _) = read_dir(dir.path());
        assert!(bad.is_empty(), "{bad:?}");
        let f = interactions(&good, InteractionKind::Follow);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].actor.ext_id, "https://social.example/users/alice");
        assert_eq!(f[0].target, AccountRef::by_handle("bob@other.example"));
        assert_eq!(f[1].target.ext_id, "@carol@third.example");
        assert_eq!(f[1].target.handle.as_deref(), Some("Carol@Third.example"));
        assert_eq!(
            f[1].key,
            "follow:https://social.example/users/alice carol@third.example"
        );
        assert_eq!((f[1].time, f[1].post.as_deref()), (None, None));
        let lines: Vec<u64> = good
            .iter()
            .filter(|r| {
                r.events.iter().any(
                    |e| matches!(e, Event::Interaction(i) if i.kind == InteractionKind::Follow),
                )
            })
            .map(|r| r.line)
            .collect();
        assert_eq!(lines, [2, 3], "the header is line 1");
    }

    #[test]
    fn an_old_headerless_follow_export_is_read_and_bare_names_are_local() {
        // Before the header (export.rb `to_csv`), one address per line, local accounts as `acct`.
        let dir = archive(&[(ACTOR, ACTOR_JSON), (FOLLOWING, "bob@other.example\ndan\n")]);
        let (good, bad, _) = read_dir(dir.path());
        assert!(bad.is_empty(), "{bad:?}");
        let f = interactions(&good, InteractionKind::Follow);
        let targets: Vec<&str> = f.iter().map(|i| i.target.ext_id.as_str()).collect();
        assert_eq!(targets, ["@bob@other.example", "@dan@social.example"]);
    }

    #[test]
    fn without_an_actor_likes_and_follows_are_one_rejection_each() {
        let dir = archive(&[
            (OUTBOX, OUTBOX_JSON),
            (LIKES, LIKES_JSON),
            (FOLLOWING, FOLLOWING_CSV),
        ]);
        let (good, bad, warnings) = read_dir(dir.path());
        assert_eq!(good.len(), 1, "the outbox names its own actors");
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert!(
            bad[0].contains("likes.json:1: <owner>: not read: "),
            "{bad:?}"
        );
        assert!(
            bad[0].ends_with("unknown: actor.json is missing from the folder"),
            "{bad:?}"
        );
        assert!(
            bad[1].contains("following_accounts.csv:1: <owner>"),
            "{bad:?}"
        );
        assert!(
            warnings.iter().any(|w| w.contains("actor.json: missing")),
            "{warnings:?}"
        );

        let dir = archive(&[(ACTOR, "{\"type\":\"Person\"}"), (LIKES, LIKES_JSON)]);
        let (good, bad, _) = read_dir(dir.path());
        assert!(good.is_empty());
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert!(bad[0].contains("actor.json:1: id: missing"), "{bad:?}");
        assert!(
            bad[1].contains("likes.json:1: <owner>: ")
                && bad[1].ends_with("actor.json was rejected"),
            "{bad:?}"
        );
    }

    #[test]
    fn a_bad_like_or_address_is_one_rejection_and_the_rest_is_read() {
        let likes = r#"{"type":"OrderedCollection","orderedItems":[
"https://other.example/users/bob/statuses/1",
42,
{"id":"https://other.example/users/bob/statuses/2"},
{"broken": }
]}"#;
        let following = "Account address,Show boosts\nbob@other.example,true\nnot an address,true\n,true\ncarol@third.example,true\n\"unclosed,true\n";
        let dir = archive(&[(ACTOR, ACTOR_JSON), (LIKES, likes), (FOLLOWING, following)]);
        let (good, bad, _) = read_dir(dir.path());
        assert_eq!(
            interactions(&good, InteractionKind::Like).len(),
            2,
            "{bad:#?}"
        );
        assert_eq!(
            interactions(&good, InteractionKind::Follow).len(),
            2,
            "{bad:#?}"
        );
        let at: Vec<String> = bad
            .iter()
            .map(|b| {
                let file = b.split(':').next().unwrap();
                let file = Path::new(file).file_name().unwrap().to_string_lossy();
                let rest: Vec<&str> = b.splitn(4, ": ").collect();
                format!("{file} {}", rest[1])
            })
            .collect();
        assert_eq!(
            at,
            [
                "likes.json orderedItems",
                "likes.json <json>",
                "following_accounts.csv Account address",
                "following_accounts.csv Account address",
                "following_accounts.csv <line>",
            ],
            "{bad:#?}"
        );
        assert!(bad[0].contains("likes.json:3: "), "{bad:?}");
        assert!(bad[2].contains("following_accounts.csv:3: "), "{bad:?}");
    }

    #[test]
    fn a_bad_actor_json_is_one_rejection() {
        for (text, field) in [
            ("{\"id\": ", "<json>"),
            ("[1]", "<json>"),
            ("{\"id\":\"urn:x\"}", "id"),
            (
                "{\"id\":\"https://s.example/users/a\",\"published\":\"soon\"}",
                "published",
            ),
            (
                "{\"id\":\"https://s.example/users/a\",\"name\":\"a\\u0000b\"}",
                "<actor>",
            ),
        ] {
            let dir = archive(&[(ACTOR, text)]);
            let (good, bad, _) = read_dir(dir.path());
            assert!(good.is_empty(), "{text}");
            assert_eq!(bad.len(), 1, "{bad:?}");
            assert!(
                bad[0].contains(&format!("actor.json:1: {field}: ")),
                "{text}: {bad:?}"
            );
        }
    }

    #[test]
    fn keys_are_stable_across_reads() {
        let dir = full();
        let keys = |good: &[Record]| -> Vec<String> {
            events(good)
                .into_iter()
                .filter_map(|e| match e {
                    Event::Interaction(i) => Some(i.key.clone()),
                    _ => None,
                })
                .collect()
        };
        let (first, _, _) = read_dir(dir.path());
        let (second, _, _) = read_dir(dir.path());
        assert_eq!(first, second);
        assert_eq!(keys(&first).len(), 4, "a mention, a like, two follows");
        // Moving a line does not move a key: none is derived from a line number.
        write_file(
            dir.path(),
            FOLLOWING,
            b"Account address\n\n\ncarol@third.example\nbob@other.example\n",
        );
        let (third, _, _) = read_dir(dir.path());
        let mut a = keys(&first);
        let mut b = keys(&third);
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }

    #[test]
    fn open_wants_an_archive_folder() {
        let dir = tempfile::tempdir().unwrap();
        let shared = || Arc::new(Shared::default());
        let e = open(dir.path(), &Options::default(), shared())
            .err()
            .unwrap();
        assert!(
            e.to_string()
                .contains("not the folder of a Mastodon archive"),
            "{e}"
        );
        let f = write_file(dir.path(), "archive-1.tar.gz", b"x");
        let e = open(&f, &Options::default(), shared()).err().unwrap();
        assert!(
            e.to_string().contains("the .tar.gz itself is not read"),
            "{e}"
        );
        let e = open(&dir.path().join("nope"), &Options::default(), shared())
            .err()
            .unwrap();
        assert!(matches!(e, OpenError::Io { .. }));
        // Only likes: the outbox's absence is a warning, the likes need the actor.
        write_file(dir.path(), LIKES, LIKES_JSON.as_bytes());
        let (good, bad, warnings) = read_dir(dir.path());
        assert!(good.is_empty());
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn the_platform_option_wins() {
        let dir = full();
        let opts = Options {
            platform: Some("fedi".into()),
            ..Options::default()
        };
        let it = open(dir.path(), &opts, Arc::new(Shared::default())).unwrap();
        for r in it {
            for e in r.unwrap().events {
                assert_eq!(e.platform(), "fedi");
            }
        }
    }

    fn actor_with(values: &[(&str, &str)]) -> Value {
        let attachment: Vec<Value> = values
            .iter()
            .map(|(t, v)| serde_json::json!({"type": t, "name": "x", "value": v}))
            .collect();
        serde_json::json!({"id": "https://s.example/users/a", "attachment": attachment})
    }

    #[test]
    fn rel_me_links_from_mastodon_fields() {
        // text_formatter.rb `link_to_url` with with_rel_me (actor_serializer.rb FieldSerializer).
        let actor: Value = serde_json::from_str(ACTOR_JSON).unwrap();
        assert_eq!(rel_me_links(&actor), ["https://alice.example/"]);
    }

    #[test]
    fn rel_me_links_whatever_the_attribute_order_and_quoting() {
        let actor = actor_with(&[
            (
                "PropertyValue",
                r#"<a rel="me" href="https://one.example/">one</a>"#,
            ),
            (
                "PropertyValue",
                r#"<A HREF='https://two.example/' REL='ME nofollow'>two</A>"#,
            ),
            (
                "PropertyValue",
                "<a\n  href=https://three.example/x\n  rel=me>three</a>",
            ),
            (
                "PropertyValue",
                r#"<a target="_blank" rel="nofollow noopener noreferrer me" href="https://four.example/?a=1&amp;b=2">4</a>"#,
            ),
            (
                "PropertyValue",
                r#"<a title="a > b" rel="me" href="https://five.example/">5</a>"#,
            ),
        ]);
        assert_eq!(
            rel_me_links(&actor),
            [
                "https://one.example/",
                "https://two.example/",
                "https://three.example/x",
                "https://four.example/?a=1&b=2",
                "https://five.example/",
            ]
        );
    }

    #[test]
    fn rel_me_links_only_from_rel_me_links_in_property_values() {
        let actor = actor_with(&[
            // Several links in one field, one of them without `me`; the same link twice.
            (
                "PropertyValue",
                r#"<a href="https://a.example/" rel="me">a</a> and <a href="https://b.example/" rel="nofollow">b</a> <a rel="me" href="https://c.example/">c</a>"#,
            ),
            (
                "PropertyValue",
                r#"<a href="https://a.example/" rel="me">again</a>"#,
            ),
            // `rel="meh"` or "home" are not the token `me`; `<abbr>` is not `<a>`.
            (
                "PropertyValue",
                r#"<a href="https://d.example/" rel="meh home">d</a><abbr rel="me" href="https://e.example/">e</abbr>"#,
            ),
            // A mention, as text_formatter.rb writes it, has no rel.
            (
                "PropertyValue",
                r#"<span class="h-card"><a href="https://s.example/@b" class="u-url mention">@<span>b</span></a></span>"#,
            ),
            (
                "IdentityProof",
                r#"<a href="https://f.example/" rel="me">f</a>"#,
            ),
            (
                "PropertyValue",
                r#"<a rel="me">no href</a><a href="" rel="me">empty</a><a href="https://g.example/" rel="me""#,
            ),
        ]);
        assert_eq!(
            rel_me_links(&actor),
            [
                "https://a.example/",
                "https://c.example/",
                "https://g.example/"
            ]
        );
        assert!(rel_me_links(&serde_json::json!({"id": "x"})).is_empty());
        assert!(rel_me_links(&serde_json::json!({"attachment": "nope"})).is_empty());
        let single = serde_json::json!({"attachment": {"type": "PropertyValue", "value": "<a rel=me href=https://h.example/>h</a>"}});
        assert_eq!(rel_me_links(&single), ["https://h.example/"]);
        // Odd HTML never panics.
        for html in [
            "<a",
            "<a ",
            "<a =",
            "<a rel=\"me",
            "<a href='x' rel=me/",
            "<a é=\"ü\" rel=me href=é>",
        ] {
            let _ = rel_me_in_html(html);
        }
        assert_eq!(rel_me_in_html("<a é=\"ü\" rel=me href=é>"), ["é"]);
    }
}
