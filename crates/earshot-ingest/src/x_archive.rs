//! An X (Twitter) personal archive, unzipped: the folder holding `data/`, or `data/` itself.
//!
//! There is no published specification of the archive. The shapes read here are those the archive's
//! own `README.txt` lists in its CONTENTS, one `data/*.js` file per kind of data (`follower.js`:
//! "Other accounts that follow this account"; `like.js`: Tweets "marked as 'Favorites' or 'Likes' by
//! this account"; public copies: gist.github.com/lucahammer/8926670370d7a404d5a95ddcca1ac724 of a
//! 2020 export, gist.github.com/migurski/1983d5b43c4ee432e49ad03de1956505 of a 2024 one), and those
//! the public parsers rely on: timhutton/twitter-archive-parser, `parser.py` (`read_json_from_js_file`
//! drops the `window.YTD.<name>.part0 =` assignment and reads the JSON array after it;
//! `find_files_input_tweets` takes `tweet.js`, `tweets.js` and `tweets-part*.js`; `convert_tweet`
//! reads `created_at` as `%a %b %d %X %z %Y`, `full_text`, `in_reply_to_status_id`,
//! `in_reply_to_screen_name`, `entities.user_mentions`, and accepts a tweet with or without its
//! `{"tweet": …}` wrapper; `collect_user_ids_from_followers`/`…_followings` read
//! `follower.accountId` and `following.accountId`; `extract_username` reads
//! `account[0].account.username`). Tweets use the field names of the v1.1 Tweet object
//! (developer.x.com, "Tweet object": `id_str`, `created_at` as `Wed Oct 10 20:19:24 +0000 2018`).
//!
//! Each file is JavaScript, `window.YTD.<name>.part<N> = [ … ]`: the assignment is consumed (it must
//! end on the first line, so line numbers stay the file's) and the array is streamed element by
//! element (`JsonArray`), each element its own record or rejection, at the physical line it starts on.
//! Files are read in this order, each optional but `account.js`:
//! - `account.js`: the owner, `{"account": {accountId, username, accountDisplayName, createdAt}}`, an
//!   Account (ext_id `accountId`, handle `username`). Read when the archive is opened: without an
//!   owner nothing else can be attributed, so a missing or unreadable owner fails the open.
//! - `profile.js`: `{"profile": {"description": {bio, website}}}`, the owner's Account again with
//!   `bio` and `url` (the store merges the two).
//! - `tweets.js` (older archives: `tweet.js`), then `tweets-part1.js`, `tweets-part2.js`, … in the
//!   order of their numbers: each tweet a Post by the owner named by `id_str`, answering
//!   `in_reply_to_status_id_str`, with a mention per distinct `entities.user_mentions` account other
//!   than the owner (`id_str` as id, `screen_name` as handle; a mention without a usable id, such as
//!   the `-1` of old tweets, by handle), keyed `<id>#m<n>`. A reply whose `in_reply_to_user_id_str`
//!   is given also states the reply, keyed `<id>#reply`, from the owner to that account about the
//!   replied tweet: the replied tweet is rarely in the archive, so the reply the store would imply
//!   from `reply_to` would otherwise wait for it forever (a stated reply replaces an implied one, so
//!   nothing counts twice).
//! - A tweet whose `full_text` starts `RT @name:` is a retweet. The archive keeps no id of the
//!   retweeted tweet (only its text, cut), so it becomes no Post (it is not the owner's writing) but a
//!   Reshare interaction from the owner to `@name`, keyed by the retweet's own `id_str`, with no
//!   post, at the retweet's time; `@name` by id when `entities.user_mentions` has it with one. Its
//!   mentions are the original author's and are not the owner's interactions: none is emitted.
//! - `like.js`: `{"like": {tweetId, fullText, expandedUrl}}` names the liked tweet but not its author,
//!   and earshot does not guess one: likes are checked, counted and skipped, and their number is a
//!   [`crate::Warning`] once the archive has been read.
//! - `follower.js` (`{"follower": {accountId, userLink}}`): a Follow from `accountId` to the owner;
//!   `following.js` (`{"following": {…}}`): a Follow from the owner to `accountId`. The archive does
//!   not date them. Each is keyed `follow:<actor>><target>`, so the same edge read from either end's
//!   archive, or twice, is one interaction.
//!
//! Every key derives from ids the archive gives, so importing an archive again adds nothing. Quotes
//! are not read: the archive keeps a quoted tweet only as a link in `entities.urls`, and a link to a
//! tweet is not always a quote. Other files (direct messages, lists, ads, …) are not read.

use crate::fields::is_clean_int;
use crate::json_array::JsonArray;
use crate::json_fields::{id_of, mentioned, opt_str, time, Bad};
use crate::reader::{bad_input, expect_folder, open_stream, quote, stream_error};
use crate::{Encoding, EventReader, OpenError, Options, Record, Rejection, Shared};
use earshot_model::{Account, AccountRef, Event, Interaction, InteractionKind, Post};
use serde_json::Value;
use std::collections::VecDeque;
use std::io::{self, BufRead};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The platform of an archive's events unless `--platform` names another: the one the CSV formats
/// default to, so that the same accounts meet across formats.
pub const PLATFORM: &str = "twitter";

/// The longest `window.YTD.<name>.part<N> =` assignment looked for before the array.
const MAX_ASSIGNMENT: usize = 200;

/// What a file of the archive holds, which decides how its elements are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Profile,
    Tweets,
    Likes,
    Followers,
    Following,
}

/// The archive's owner: the author of every tweet and one end of every follow.
#[derive(Debug, Clone)]
struct Owner {
    id: String,
    handle: String,
}

impl Owner {
    fn by(&self) -> AccountRef {
        AccountRef {
            ext_id: self.id.clone(),
            handle: Some(self.handle.clone()),
        }
    }
}

/// Open the archive at `path` (its folder or its `data/` folder): the owner is read from `account.js`
/// now, the other files as the reader is drained. Fails when `path` is not an archive folder or the
/// owner cannot be read.
pub(crate) fn open(
    path: &Path,
    opts: &Options,
    shared: Arc<Shared>,
) -> Result<EventReader, OpenError> {
    let dir = data_dir(path)?;
    let account_js = dir.join("account.js");
    let mut files: VecDeque<(PathBuf, Kind)> = VecDeque::new();
    let optional = |name: &str, kind: Kind, files: &mut VecDeque<(PathBuf, Kind)>| {
        let p = dir.join(name);
        if p.is_file() {
            files.push_back((p, kind));
        }
    };
    optional("profile.js", Kind::Profile, &mut files);
    let tweets = tweet_files(&dir).map_err(|source| OpenError::Io {
        path: dir.clone(),
        source,
    })?;
    files.extend(tweets.into_iter().map(|p| (p, Kind::Tweets)));
    optional("like.js", Kind::Likes, &mut files);
    optional("follower.js", Kind::Followers, &mut files);
    optional("following.js", Kind::Following, &mut files);
    let total: u64 = std::iter::once(&account_js)
        .chain(files.iter().map(|(p, _)| p))
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    shared.file_size.store(total, Ordering::Relaxed);
    let platform = opts.platform.clone().unwrap_or_else(|| PLATFORM.into());
    let (owner, first) = read_owner(&account_js, opts, &shared, &platform)?;
    Ok(Box::new(ArchiveReader {
        files,
        current: None,
        first: Some(first),
        owner,
        platform,
        shared,
        encoding: opts.encoding,
        max: opts.max_line_bytes,
        likes: None,
        finished: false,
    }))
}

/// The folder holding `account.js`: `path/data` for the archive's root, else `path` itself.
fn data_dir(path: &Path) -> Result<PathBuf, OpenError> {
    expect_folder(
        path,
        "not a folder: pass the unzipped X archive (the folder holding data/) or its data/ folder",
    )?;
    let inner = path.join("data");
    let dir = if inner.join("account.js").is_file() {
        inner
    } else {
        path.to_path_buf()
    };
    if !dir.join("account.js").is_file() {
        return Err(bad_input(
            path,
            "no account.js in it or in its data/ folder: not an unzipped X archive",
        ));
    }
    Ok(dir)
}

/// The tweets files of `dir` in reading order: `tweets.js` (or `tweet.js`), then the parts big
/// archives are split into, `tweets-part1.js`, `tweets-part2.js`, … by number (so `part10` comes after
/// `part9`).
fn tweet_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found: Vec<(u64, String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(part) = tweets_part(&name) {
            if entry.file_type()?.is_file() {
                found.push((part, name, entry.path()));
            }
        }
    }
    found.sort();
    Ok(found.into_iter().map(|(_, _, p)| p).collect())
}

/// The part number of a tweets file's name (`tweets.js` and `tweet.js` 0, `tweets-part3.js` 3);
/// `None` for any other file (`tweet-headers.js`, `tweetdeck.js`).
fn tweets_part(name: &str) -> Option<u64> {
    let stem = name.strip_suffix(".js")?;
    let rest = stem
        .strip_prefix("tweets")
        .or_else(|| stem.strip_prefix("tweet"))?;
    if rest.is_empty() {
        return Some(0);
    }
    let n = rest.strip_prefix("-part")?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// Consume the `window.YTD.<name>.part<N> =` assignment that makes an archive file JavaScript, up to
/// and with its `=`, so that the JSON array after it is read next. The assignment must end on the
/// first line: line numbers then stay the file's. `Ok(Err(why))` when the file does not start so.
fn skip_assignment(src: &mut dyn BufRead) -> io::Result<Result<(), String>> {
    let mut head: Vec<u8> = Vec::new();
    loop {
        let avail = src.fill_buf()?;
        let Some(&b) = avail.first() else { break };
        if b == b'\n' || head.len() >= MAX_ASSIGNMENT {
            break;
        }
        src.consume(1);
        if b == b'=' {
            return Ok(check_assignment(&head));
        }
        head.push(b);
    }
    Ok(Err(format!(
        "expected `window.YTD.<name>.part<N> = ` before the JSON array on the first line, found {}: not a file of an X archive",
        quote(&String::from_utf8_lossy(&head))
    )))
}

/// Is `head` (what came before the `=`) `window.YTD.<name>.part<N>`?
fn check_assignment(head: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(head);
    let ok = text
        .trim()
        .strip_prefix("window.YTD.")
        .and_then(|rest| rest.rsplit_once(".part"))
        .is_some_and(|(name, n)| {
            !name.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected `window.YTD.<name>.part<N> = ` before the JSON array, found {}: not a file of an X archive",
            quote(text.trim())
        ))
    }
}

/// A rejection of `file`.
fn reject(file: &str, line: u64, field: &str, reason: String) -> Rejection {
    Rejection {
        file: file.to_string(),
        line,
        field: field.to_string(),
        reason,
    }
}

/// Open one archive file and move past its assignment to its array.
fn open_array(
    path: &Path,
    shared: &Arc<Shared>,
    enc: Encoding,
    max: usize,
) -> Result<JsonArray, Rejection> {
    let file = path.display().to_string();
    let mut src = open_stream(path, shared)
        .map_err(|e| reject(&file, 0, "<stream>", format!("cannot open: {e}")))?;
    match skip_assignment(src.reader.as_mut()) {
        Err(e) => Err(reject(&file, 1, "<stream>", stream_error(&e, src.gzip))),
        Ok(Err(why)) => Err(reject(&file, 1, "<prefix>", why)),
        Ok(Ok(())) => Ok(JsonArray::new(src, file, enc, max)),
    }
}

/// The owner, from the first element of `account.js`, and the record of its Account.
fn read_owner(
    path: &Path,
    opts: &Options,
    shared: &Arc<Shared>,
    platform: &str,
) -> Result<(Owner, Record), OpenError> {
    let bad = |reason: String| OpenError::BadInput {
        path: path.to_path_buf(),
        reason: format!("{reason} (the archive's owner is needed to read anything else)"),
    };
    let mut items = open_array(path, shared, opts.encoding, opts.max_line_bytes)
        .map_err(|r| bad(format!("line {}: {}: {}", r.line, r.field, r.reason)))?;
    let el = match items.next_element(1) {
        Some(Ok(el)) => el,
        Some(Err(r)) => return Err(bad(format!("line {}: {}: {}", r.line, r.field, r.reason))),
        None => return Err(bad("the account array is empty".into())),
    };
    let (owner, account) = account(&el.text, platform)
        .map_err(|(field, why)| bad(format!("line {}: {field}: {why}", el.line)))?;
    let record = Record {
        line: el.line,
        events: vec![Event::Account(account)],
    };
    Ok((owner, record))
}

/// The archive file being read.
struct Current {
    items: JsonArray,
    file: String,
    kind: Kind,
    index: u64,
}

struct ArchiveReader {
    files: VecDeque<(PathBuf, Kind)>,
    current: Option<Current>,
    /// The owner's Account, read when the archive was opened; the first record.
    first: Option<Record>,
    owner: Owner,
    platform: String,
    shared: Arc<Shared>,
    encoding: Encoding,
    max: usize,
    /// `like.js` and the likes read from it, for the end-of-archive warning.
    likes: Option<(String, u64)>,
    finished: bool,
}

impl ArchiveReader {
    /// The events of one element of a `kind` file; none for a like.
    fn element(&mut self, kind: Kind, file: &str, text: &str) -> Result<Vec<Event>, Bad> {
        let (platform, owner) = (self.platform.as_str(), &self.owner);
        let events = match kind {
            Kind::Profile => profile(text, owner, platform)?,
            Kind::Tweets => tweet(text, owner, platform)?,
            Kind::Likes => {
                like(text)?;
                let likes = self.likes.get_or_insert_with(|| (file.to_string(), 0));
                likes.1 += 1;
                Vec::new()
            }
            Kind::Followers | Kind::Following => follow(text, kind, owner, platform)?,
        };
        let field = match kind {
            Kind::Profile => "profile",
            Kind::Tweets => "tweet",
            Kind::Likes => "like",
            Kind::Followers => "follower",
            Kind::Following => "following",
        };
        for ev in &events {
            crate::values::check(ev).map_err(|(f, why)| (field, format!("{f}: {why}")))?;
        }
        Ok(events)
    }

    /// The end-of-archive notes: how many likes were skipped, and why.
    fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        if let Some((file, n)) = &self.likes {
            self.shared.warn(
                file,
                0,
                format!("{n} likes skipped: like.js names each liked tweet but not its author, and earshot does not guess one"),
            );
        }
    }
}

impl Iterator for ArchiveReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(r) = self.first.take() {
            return Some(Ok(r));
        }
        loop {
            let Some(cur) = self.current.as_mut() else {
                let Some((path, kind)) = self.files.pop_front() else {
                    self.finish();
                    return None;
                };
                match open_array(&path, &self.shared, self.encoding, self.max) {
                    Ok(items) => {
                        self.current = Some(Current {
                            items,
                            file: path.display().to_string(),
                            kind,
                            index: 0,
                        })
                    }
                    Err(r) => return Some(Err(r)),
                }
                continue;
            };
            cur.index += 1;
            let el = match cur.items.next_element(cur.index) {
                None => {
                    self.current = None;
                    continue;
                }
                Some(Err(r)) => return Some(Err(r)),
                Some(Ok(el)) => el,
            };
            let (kind, file) = (cur.kind, cur.file.clone());
            match self.element(kind, &file, &el.text) {
                Ok(events) if events.is_empty() => continue,
                Ok(events) => {
                    return Some(Ok(Record {
                        line: el.line,
                        events,
                    }))
                }
                Err((field, why)) => return Some(Err(reject(&file, el.line, field, why))),
            }
        }
    }
}

/// One element's object: the JSON object under `wrapper` (`{"tweet": {…}}` → the tweet).
fn unwrap(text: &str, wrapper: &'static str) -> Result<Value, Bad> {
    let mut v: Value = serde_json::from_str(text)
        .map_err(|e| ("<json>", format!("invalid JSON: {e} in {}", quote(text))))?;
    match v.get_mut(wrapper).map(Value::take) {
        Some(inner @ Value::Object(_)) => Ok(inner),
        _ => Err((
            wrapper,
            format!("expected {{\"{wrapper}\": {{…}}}}, found {}", quote(text)),
        )),
    }
}

/// `account.js`'s element: the owner and its Account.
fn account(text: &str, platform: &str) -> Result<(Owner, Account), Bad> {
    let a = unwrap(text, "account")?;
    let id = id_of(&a["accountId"], "account.accountId", "")?;
    let handle = opt_str(&a["username"], "account.username")?
        .ok_or(("account.username", "missing".to_string()))?;
    let display_name = opt_str(&a["accountDisplayName"], "account.accountDisplayName")?;
    let created_at = match opt_str(&a["createdAt"], "account.createdAt")? {
        Some(s) => Some(time(s, "account.createdAt")?),
        None => None,
    };
    let mut account = Account {
        platform: platform.to_string(),
        ext_id: id.to_string(),
        handle: Some(handle.to_string()),
        display_name: display_name.map(str::to_string),
        ..Account::default()
    };
    account.profile.created_at = created_at;
    let owner = Owner {
        id: id.to_string(),
        handle: handle.to_string(),
    };
    Ok((owner, account))
}

/// `profile.js`'s element: the owner's bio and website, nothing when it has neither.
fn profile(text: &str, owner: &Owner, platform: &str) -> Result<Vec<Event>, Bad> {
    let p = unwrap(text, "profile")?;
    let d = &p["description"];
    let bio = opt_str(&d["bio"], "profile.description.bio")?;
    let url = opt_str(&d["website"], "profile.description.website")?;
    if bio.is_none() && url.is_none() {
        return Ok(Vec::new());
    }
    let mut account = Account {
        platform: platform.to_string(),
        ext_id: owner.id.clone(),
        handle: Some(owner.handle.clone()),
        ..Account::default()
    };
    account.profile.bio = bio.map(str::to_string);
    account.profile.url = url.map(str::to_string);
    Ok(vec![Event::Account(account)])
}

/// A tweet of `tweets.js`, wrapped as `{"tweet": {…}}` or, in older archives, bare.
fn tweet(text: &str, owner: &Owner, platform: &str) -> Result<Vec<Event>, Bad> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ("<json>", format!("invalid JSON: {e} in {}", quote(text))))?;
    let t = match &v["tweet"] {
        Value::Null if v.is_object() => &v,
        inner @ Value::Object(_) => inner,
        _ => {
            return Err((
                "tweet",
                format!("expected {{\"tweet\": {{…}}}}, found {}", quote(text)),
            ))
        }
    };
    let id = id_of(&t["id_str"], "tweet.id_str", "")?;
    let created = opt_str(&t["created_at"], "tweet.created_at")?
        .ok_or(("tweet.created_at", "missing".to_string()))?;
    let when = time(created, "tweet.created_at")?;
    let body = match opt_str(&t["full_text"], "tweet.full_text")? {
        Some(b) => Some(b),
        None => opt_str(&t["text"], "tweet.text")?,
    };
    let by = owner.by();
    let interaction = |key: String, kind, target: AccountRef, post: Option<&str>| {
        Event::Interaction(Interaction {
            platform: platform.to_string(),
            key,
            kind,
            actor: by.clone(),
            target,
            post: post.map(str::to_string),
            time: Some(when),
            weight: 1.0,
        })
    };
    let mentions = mentioned(&t["entities"]["user_mentions"], "id_str", "screen_name");
    if let Some(name) = body.and_then(retweeted_name) {
        let target = mentions
            .iter()
            .find(|m| {
                m.handle
                    .as_deref()
                    .is_some_and(|h| h.eq_ignore_ascii_case(name))
            })
            .filter(|m| !m.ext_id.starts_with('@'))
            .cloned()
            .unwrap_or_else(|| AccountRef::by_handle(name));
        return Ok(vec![interaction(
            id.to_string(),
            InteractionKind::Reshare,
            target,
            None,
        )]);
    }
    let reply_to = opt_str(
        &t["in_reply_to_status_id_str"],
        "tweet.in_reply_to_status_id_str",
    )?;
    let mut events = vec![Event::Post(Post {
        platform: platform.to_string(),
        ext_id: id.to_string(),
        author: by.clone(),
        time: when,
        text: body.map(str::to_string),
        reply_to: reply_to.map(str::to_string),
        quote_of: None,
        reshare_of: None,
    })];
    let replied = opt_str(
        &t["in_reply_to_user_id_str"],
        "tweet.in_reply_to_user_id_str",
    )?;
    if let (Some(q), Some(user)) = (reply_to, replied.filter(|u| is_clean_int(u))) {
        let handle = opt_str(
            &t["in_reply_to_screen_name"],
            "tweet.in_reply_to_screen_name",
        )?;
        let target = AccountRef {
            ext_id: user.to_string(),
            handle: handle.map(str::to_string),
        };
        events.push(interaction(
            format!("{id}#reply"),
            InteractionKind::Reply,
            target,
            Some(q),
        ));
    }
    for (n, target) in mentions.into_iter().enumerate() {
        if target.ext_id == owner.id {
            continue;
        }
        events.push(interaction(
            format!("{id}#m{n}"),
            InteractionKind::Mention,
            target,
            Some(id),
        ));
    }
    Ok(events)
}

/// The `name` of a retweet's text, `RT @name: …` (a handle of `[A-Za-z0-9_]`, then the colon).
fn retweeted_name(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("RT @")?;
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (end > 0 && rest[end..].starts_with(':')).then(|| &rest[..end])
}

/// A like of `like.js`: checked for its `tweetId`, then skipped (its author is not in the archive).
fn like(text: &str) -> Result<(), Bad> {
    let l = unwrap(text, "like")?;
    id_of(&l["tweetId"], "like.tweetId", "").map(|_| ())
}

/// A follow of `follower.js` (the account follows the owner) or `following.js` (the owner follows
/// it), keyed by its two ends so either end's archive gives the same key.
fn follow(text: &str, kind: Kind, owner: &Owner, platform: &str) -> Result<Vec<Event>, Bad> {
    let (wrapper, field) = if kind == Kind::Followers {
        ("follower", "follower.accountId")
    } else {
        ("following", "following.accountId")
    };
    let f = unwrap(text, wrapper)?;
    let other = AccountRef::by_id(id_of(&f["accountId"], field, "")?);
    let (actor, target) = if kind == Kind::Followers {
        (other, owner.by())
    } else {
        (owner.by(), other)
    };
    Ok(vec![Event::Interaction(Interaction {
        platform: platform.to_string(),
        key: format!("follow:{}>{}", actor.ext_id, target.ext_id),
        kind: InteractionKind::Follow,
        actor,
        target,
        post: None,
        time: None,
        weight: 1.0,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{self, events, read_with_warnings, write_folder};

    // Fixtures shaped as the archive's files are (the `window.YTD.<name>.part0 = [` assignment and the
    // wrappers read by timhutton/twitter-archive-parser's parser.py; tweet fields of the v1.1 Tweet
    // object, developer.x.com "Tweet object"); ids, names and texts made up.

    // account.js: `extract_username` reads account[0].account.username.
    const ACCOUNT: &str = r#"window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "owner@example.com",
      "createdVia" : "web",
      "username" : "OwnerName",
      "accountId" : "1000",
      "createdAt" : "2009-03-21T20:50:14.000Z",
      "accountDisplayName" : "The Owner"
    }
  }
]"#;

    // profile.js: description.bio / website / location as the archive's profile file holds them.
    const PROFILE: &str = r#"window.YTD.profile.part0 = [
  {
    "profile" : {
      "description" : {
        "bio" : "Writes about birds.",
        "website" : "https://t.co/abc",
        "location" : "Nowhere"
      },
      "avatarMediaUrl" : "https://pbs.twimg.com/profile_images/1/a.jpg"
    }
  }
]"#;

    // tweets.js: a plain tweet with a mention, a reply, a retweet (`RT @name:`); parser.py's
    // convert_tweet reads these fields.
    const TWEETS: &str = r#"window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "id_str" : "2001",
      "created_at" : "Wed Oct 10 20:19:24 +0000 2018",
      "full_text" : "hello @bob and @OwnerName",
      "entities" : {
        "user_mentions" : [
          { "name" : "Bob", "screen_name" : "bob", "id_str" : "3001", "indices" : [ "6", "10" ] },
          { "name" : "The Owner", "screen_name" : "OwnerName", "id_str" : "1000", "indices" : [ "15", "25" ] }
        ]
      }
    }
  },
  {
    "tweet" : {
      "id_str" : "2002",
      "created_at" : "Wed Oct 10 21:00:00 +0000 2018",
      "full_text" : "@carol agreed",
      "in_reply_to_status_id_str" : "4001",
      "in_reply_to_user_id_str" : "3002",
      "in_reply_to_screen_name" : "carol",
      "entities" : { "user_mentions" : [ { "screen_name" : "carol", "id_str" : "3002" } ] }
    }
  },
  {
    "tweet" : {
      "id_str" : "2003",
      "created_at" : "Thu Oct 11 08:00:00 +0000 2018",
      "full_text" : "RT @dave: something @erin said",
      "entities" : {
        "user_mentions" : [
          { "screen_name" : "dave", "id_str" : "3003" },
          { "screen_name" : "erin", "id_str" : "3004" }
        ]
      }
    }
  }
]"#;

    // like.js: tweetId, fullText, expandedUrl; no author.
    const LIKES: &str = r#"window.YTD.like.part0 = [
  { "like" : { "tweetId" : "5001", "fullText" : "nice", "expandedUrl" : "https://twitter.com/i/web/status/5001" } },
  { "like" : { "tweetId" : "5002", "fullText" : "also", "expandedUrl" : "https://twitter.com/i/web/status/5002" } }
]"#;

    // follower.js / following.js: accountId and userLink, as collect_user_ids_from_followers reads.
    const FOLLOWERS: &str = r#"window.YTD.follower.part0 = [
  { "follower" : { "accountId" : "3005", "userLink" : "https://twitter.com/intent/user?user_id=3005" } }
]"#;
    const FOLLOWING: &str = r#"window.YTD.following.part0 = [
  { "following" : { "accountId" : "3006", "userLink" : "https://twitter.com/intent/user?user_id=3006" } }
]"#;

    /// An archive root with `data/` holding `files`.
    fn archive(files: &[(&str, &str)]) -> tempfile::TempDir {
        write_folder("data", files)
    }

    fn read(path: &Path) -> (Vec<Record>, Vec<String>, Vec<String>) {
        read_with_warnings(|shared| open(path, &Options::default(), shared).unwrap())
    }

    fn interactions(records: &[Record]) -> Vec<&Interaction> {
        test_util::interactions(events(records))
    }

    fn posts(records: &[Record]) -> Vec<&Post> {
        events(records)
            .into_iter()
            .filter_map(|e| match e {
                Event::Post(p) => Some(p),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn account_is_the_owner_and_the_first_record() {
        let dir = archive(&[("account.js", ACCOUNT)]);
        let (good, bad, _) = read(dir.path());
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good.len(), 1);
        assert_eq!(good[0].line, 2, "the element's line");
        let Event::Account(a) = &good[0].events[0] else {
            panic!("{good:?}")
        };
        assert_eq!(
            (a.platform.as_str(), a.ext_id.as_str()),
            ("twitter", "1000")
        );
        assert_eq!(a.handle.as_deref(), Some("OwnerName"));
        assert_eq!(a.display_name.as_deref(), Some("The Owner"));
        assert_eq!(a.profile.created_at, Some(1_237_668_614));
    }

    #[test]
    fn the_data_folder_itself_is_accepted() {
        let dir = archive(&[("account.js", ACCOUNT), ("follower.js", FOLLOWERS)]);
        let (good, bad, _) = read(&dir.path().join("data"));
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good.len(), 2);
        let not_archive = tempfile::tempdir().unwrap();
        let e = open(
            not_archive.path(),
            &Options::default(),
            Arc::new(Shared::default()),
        )
        .err()
        .unwrap();
        assert!(e.to_string().contains("account.js"), "{e}");
    }

    #[test]
    fn profile_gives_the_owners_bio_and_url() {
        let dir = archive(&[("account.js", ACCOUNT), ("profile.js", PROFILE)]);
        let (good, bad, _) = read(dir.path());
        assert!(bad.is_empty(), "{bad:?}");
        let Event::Account(a) = &good[1].events[0] else {
            panic!("{good:?}")
        };
        assert_eq!(a.ext_id, "1000");
        assert_eq!(a.profile.bio.as_deref(), Some("Writes about birds."));
        assert_eq!(a.profile.url.as_deref(), Some("https://t.co/abc"));
    }

    #[test]
    fn a_tweet_is_a_post_by_the_owner_with_its_mentions() {
        let dir = archive(&[("account.js", ACCOUNT), ("tweets.js", TWEETS)]);
        let (good, bad, _) = read(dir.path());
        assert!(bad.is_empty(), "{bad:?}");
        let first = &good[1];
        assert_eq!(first.line, 2);
        let [Event::Post(p), Event::Interaction(m)] = &first.events[..] else {
            panic!("the self-mention is dropped: {first:?}")
        };
        assert_eq!(p.ext_id, "2001");
        assert_eq!(p.author.ext_id, "1000");
        assert_eq!(p.time, 1_539_202_764);
        assert_eq!(p.text.as_deref(), Some("hello @bob and @OwnerName"));
        assert_eq!(
            (m.kind, m.key.as_str(), m.target.ext_id.as_str()),
            (InteractionKind::Mention, "2001#m0", "3001")
        );
        assert_eq!(m.target.handle.as_deref(), Some("bob"));
        assert_eq!(m.post.as_deref(), Some("2001"));
    }

    #[test]
    fn a_reply_answers_its_status_and_states_the_reply() {
        let dir = archive(&[("account.js", ACCOUNT), ("tweets.js", TWEETS)]);
        let (good, _, _) = read(dir.path());
        let reply = &good[2];
        assert_eq!(reply.line, 15);
        let Event::Post(p) = &reply.events[0] else {
            panic!("{reply:?}")
        };
        assert_eq!(p.reply_to.as_deref(), Some("4001"));
        let Event::Interaction(r) = &reply.events[1] else {
            panic!("{reply:?}")
        };
        assert_eq!(
            (r.kind, r.key.as_str(), r.target.ext_id.as_str()),
            (InteractionKind::Reply, "2002#reply", "3002")
        );
        assert_eq!(r.post.as_deref(), Some("4001"));
        assert_eq!(r.target.handle.as_deref(), Some("carol"));
        let Event::Interaction(m) = &reply.events[2] else {
            panic!("{reply:?}")
        };
        assert_eq!(m.kind, InteractionKind::Mention);
    }

    #[test]
    fn a_retweet_is_a_reshare_of_the_named_account_without_a_post() {
        let dir = archive(&[("account.js", ACCOUNT), ("tweets.js", TWEETS)]);
        let (good, _, _) = read(dir.path());
        let rt = &good[3];
        assert_eq!(rt.events.len(), 1, "no post, no mentions: {rt:?}");
        let Event::Interaction(r) = &rt.events[0] else {
            panic!("{rt:?}")
        };
        assert_eq!(
            (r.kind, r.key.as_str(), r.actor.ext_id.as_str()),
            (InteractionKind::Reshare, "2003", "1000")
        );
        assert_eq!(r.target.ext_id, "3003", "by id from the mentions entity");
        assert_eq!((r.post.as_deref(), r.time), (None, Some(1_539_244_800)));
        assert!(!posts(&good).iter().any(|p| p.ext_id == "2003"));
        // Without an id in the entities, the account is named by its handle.
        let owner = Owner {
            id: "1".into(),
            handle: "o".into(),
        };
        let bare = r#"{"tweet":{"id_str":"9","created_at":"Thu Oct 11 08:00:00 +0000 2018","full_text":"RT @Zed_1: hi"}}"#;
        let events = tweet(bare, &owner, "twitter").unwrap();
        let [Event::Interaction(r)] = &events[..] else {
            panic!("{events:?}")
        };
        assert_eq!(r.target, AccountRef::by_handle("Zed_1"));
        assert_eq!(retweeted_name("RT @a b: x"), None);
        assert_eq!(retweeted_name("RT @: x"), None);
    }

    #[test]
    fn likes_are_counted_and_skipped_without_rejection() {
        let dir = archive(&[("account.js", ACCOUNT), ("like.js", LIKES)]);
        let (good, bad, warnings) = read(dir.path());
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good.len(), 1, "only the owner: {good:?}");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("like.js: 2 likes skipped"),
            "{warnings:?}"
        );
    }

    #[test]
    fn followers_follow_the_owner_and_the_owner_follows_following() {
        let dir = archive(&[
            ("account.js", ACCOUNT),
            ("follower.js", FOLLOWERS),
            ("following.js", FOLLOWING),
        ]);
        let (good, bad, _) = read(dir.path());
        assert!(bad.is_empty(), "{bad:?}");
        let is = interactions(&good);
        assert_eq!(is.len(), 2);
        let (f, g) = (is[0], is[1]);
        assert_eq!(
            (f.kind, f.actor.ext_id.as_str(), f.target.ext_id.as_str()),
            (InteractionKind::Follow, "3005", "1000")
        );
        assert_eq!((f.key.as_str(), f.time), ("follow:3005>1000", None));
        assert_eq!(
            (g.kind, g.actor.ext_id.as_str(), g.target.ext_id.as_str()),
            (InteractionKind::Follow, "1000", "3006")
        );
        assert_eq!(g.key, "follow:1000>3006");
        assert_eq!(good[1].line, 2);
    }

    #[test]
    fn tweets_split_into_parts_are_read_in_part_order() {
        let part = |n: &str, ids: &[&str]| {
            let items: Vec<String> = ids
                .iter()
                .map(|id| format!(r#"  {{ "tweet" : {{ "id_str" : "{id}", "created_at" : "Wed Oct 10 20:19:24 +0000 2018", "full_text" : "t{id}" }} }}"#))
                .collect();
            format!("window.YTD.tweets.{n} = [\n{}\n]", items.join(",\n"))
        };
        let (p0, p1, p2, p10) = (
            part("part0", &["1", "2"]),
            part("part1", &["3"]),
            part("part2", &["4"]),
            part("part10", &["5"]),
        );
        let dir = archive(&[
            ("account.js", ACCOUNT),
            ("tweets-part10.js", &p10),
            ("tweets-part2.js", &p2),
            ("tweets.js", &p0),
            ("tweets-part1.js", &p1),
            ("tweet-headers.js", "window.YTD.tweet_headers.part0 = []"),
        ]);
        let (good, bad, _) = read(dir.path());
        assert!(bad.is_empty(), "{bad:?}");
        let ids: Vec<&str> = posts(&good).iter().map(|p| p.ext_id.as_str()).collect();
        assert_eq!(ids, ["1", "2", "3", "4", "5"]);
        assert_eq!(
            good[1..].iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 3, 2, 2, 2]
        );
        assert_eq!(tweets_part("tweet.js"), Some(0));
        assert_eq!(tweets_part("tweets-part.js"), None);
    }

    #[test]
    fn each_bad_element_is_one_rejection_naming_its_field() {
        let tweets = r#"window.YTD.tweets.part0 = [
  { "tweet" : { "id_str" : "1", "created_at" : "Wed Oct 10 20:19:24 +0000 2018", "full_text" : "ok" } },
  { "tweet" : { "created_at" : "Wed Oct 10 20:19:24 +0000 2018" } },
  { "tweet" : { "id_str" : "3", "created_at" : "yesterday" } },
  { "tweet" : { "id_str" : "4", "created_at" : "Wed Oct 10 20:19:24 +0000 2018", "in_reply_to_status_id_str" : 7 } },
  { "tweet" : { "id_str" : "5", "created_at" : "Wed Oct 10 20:19:24 +0000 2018", "full_text" : "nul\u0000" } },
  [ 1, 2 ],
  { "tweet" : { "id_str" : "7", "created_at" : "Wed Oct 10 20:19:24 +0000 2018" } }
]"#;
        let followers = r#"window.YTD.follower.part0 = [
  { "follower" : { "userLink" : "https://twitter.com/intent/user?user_id=1" } },
  { "follower" : { "accountId" : "8" } }
]"#;
        let likes = r#"window.YTD.like.part0 = [ { "like" : { "fullText" : "x" } } ]"#;
        let dir = archive(&[
            ("account.js", ACCOUNT),
            ("tweets.js", tweets),
            ("follower.js", followers),
            (
                "following.js",
                r#"[ { "following" : { "accountId" : "9" } } ]"#,
            ),
            ("like.js", likes),
        ]);
        let (good, bad, _) = read(dir.path());
        let ids: Vec<&str> = posts(&good).iter().map(|p| p.ext_id.as_str()).collect();
        assert_eq!(ids, ["1", "7"]);
        assert_eq!(interactions(&good).len(), 1, "follower 8");
        let fields: Vec<(&str, &str)> = bad
            .iter()
            .map(|b| {
                let mut parts = b.splitn(4, ": ");
                let place = parts.next().unwrap();
                let line = place.rsplit(':').next().unwrap();
                (line, parts.next().unwrap())
            })
            .collect();
        assert_eq!(
            fields,
            [
                ("3", "tweet.id_str"),
                ("4", "tweet.created_at"),
                ("5", "tweet.in_reply_to_status_id_str"),
                ("6", "tweet"),
                ("7", "tweet"),
                ("1", "like.tweetId"),
                ("2", "follower.accountId"),
                ("1", "<prefix>"),
            ],
            "{bad:#?}"
        );
        assert!(bad[3].contains("text: contains a NUL"), "{bad:?}");
        assert!(
            bad[7].contains("following.js") && bad[7].contains("window.YTD"),
            "a file without the assignment is one clear rejection: {bad:?}"
        );
    }

    #[test]
    fn an_unreadable_owner_fails_the_open() {
        for text in [
            "[ { \"account\" : { \"accountId\" : \"1\", \"username\" : \"a\" } } ]",
            "window.YTD.account.part0 = [ { \"account\" : { \"username\" : \"a\" } } ]",
            "window.YTD.account.part0 = [ ]",
        ] {
            let dir = archive(&[("account.js", text)]);
            let e = open(dir.path(), &Options::default(), Arc::new(Shared::default()))
                .err()
                .expect("no owner, no archive");
            assert!(matches!(e, OpenError::BadInput { .. }), "{e}");
            assert!(e.to_string().contains("owner"), "{e}");
        }
    }

    #[test]
    fn keys_are_stable_across_reads() {
        let dir = archive(&[
            ("account.js", ACCOUNT),
            ("tweets.js", TWEETS),
            ("follower.js", FOLLOWERS),
            ("following.js", FOLLOWING),
        ]);
        let keys = || -> Vec<String> {
            let (good, _, _) = read(dir.path());
            interactions(&good).iter().map(|i| i.key.clone()).collect()
        };
        let first = keys();
        assert_eq!(
            first,
            [
                "2001#m0",
                "2002#reply",
                "2002#m0",
                "2003",
                "follow:3005>1000",
                "follow:1000>3006"
            ]
        );
        assert_eq!(first, keys());
    }

    #[test]
    fn the_assignment_is_checked() {
        assert!(check_assignment(b"window.YTD.tweets.part12 ").is_ok());
        assert!(check_assignment(b"window.YTD.tweets.partx").is_err());
        assert!(check_assignment(b"window.YTD..part0").is_err());
        assert!(check_assignment(b"var x").is_err());
    }
}
