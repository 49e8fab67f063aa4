//! Retweet trees in the layout of Twitter15 and Twitter16 (Ma, Gao and Wong, ACL 2017) and the rumour
//! datasets built like them: one file per source tweet, `tree/<root tweet id>.txt`, one edge of the
//! propagation tree a line,
//!
//! ```text
//! ['ROOT', 'ROOT', '0.0']->['972651', '80080680482123777', '0.0']
//! ['972651', '80080680482123777', '0.0']->['189397006', '80080680482123777', '1.33']
//! ```
//!
//! that is `[parent user, parent tweet, parent delay]->[child user, child tweet, child delay]`, delays in
//! minutes since the root tweet; the line whose parent is `ROOT` names the root (its author and tweet).
//! Quotes may be `'` or `"` (or none); blanks around the fields are read past. A file or a directory of
//! them (every file in it whose name does not start with `.`, in name order, not its subdirectories) is
//! read as one stream, gzip or not.
//!
//! # Events
//! The root line is a [`Post`]: ext_id the root tweet id, author the root user, at the root's time (below).
//! Every other line is an interaction of kind `reshare`: actor the child user, target the parent user
//! (the account the tweet reached the child through), post the root tweet, at the root's time plus the
//! child's delay (rounded to the second), keyed `source:line` with the tree file's name as the source
//! (`80080680482123777.txt:2`). Replies in these trees (a child tweet id of its own) are adoptions of the
//! root as much as retweets are, and are stored the same way. A line repeating a child already read in
//! its tree (same user, tweet and delay: the public files repeat lines) is skipped and counted in one
//! [`crate::Warning`]. A child read before its tree's ROOT line waits for it; a tree with no ROOT line has
//! no post to hang its reshares on, and each of its lines is rejected (field `<tree>`).
//!
//! # Times
//! The files give no absolute time, only delays. [`Options::root_time`] says when the roots were posted:
//! [`RootTime::Zero`] (the default): every root at 0, 1970-01-01, so that times are durations since the
//! root; [`RootTime::At`]: every root at that instant; [`RootTime::Snowflake`]: each root at the time its
//! Twitter id holds (ids since November 2010, "Snowflake": the milliseconds since 2010-11-04 01:42:54.657
//! UTC in the bits above the 22nd), which puts Twitter15/16 on their real calendar. An id below
//! [`MIN_SNOWFLAKE_ID`] holds no time: its tree is rejected (field `root_tweet`), as in the other modes
//! trees are not. A delay must be a finite number ≥ 0 (field `delay`).
//!
//! # Platform
//! [`Options::platform`], else the name of the directory the trees are in, passing over a directory
//! named `tree` (`twitter15/tree/1.txt` and `twitter15/tree` → `twitter15`). [`Options::source`] names one
//! file and is refused for a directory, whose files are each their own source.

use crate::fields::is_clean_id;
use crate::reader::{open_stream, platform_from_source, quote, source_name, LineReader};
use crate::time::MAX_UNIX;
use crate::{Encoding, OpenError, Options, Record, Rejection, Shared};
use earshot_model::{AccountRef, Event, Interaction, InteractionKind, Post, Timestamp};
use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// When the roots of retweet trees were posted, since the files say only how long after them each
/// reshare came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RootTime {
    /// At 0 (1970-01-01 00:00:00 UTC): times are durations since the root.
    #[default]
    Zero,
    /// At the time in the root tweet's Twitter (Snowflake) id.
    Snowflake,
    /// Every root at this instant (unix seconds).
    At(Timestamp),
}

/// Twitter's Snowflake epoch, 2010-11-04 01:42:54.657 UTC, in unix milliseconds.
pub const SNOWFLAKE_EPOCH_MS: i64 = 1_288_834_974_657;

/// The smallest id taken as a Snowflake id: one made an hour after Twitter's epoch. Tweet ids from before
/// Snowflake were sequential and end below 3·10¹⁰, far below it; they hold no time.
pub const MIN_SNOWFLAKE_ID: u64 = 3_600_000 << 22;

/// The unix time (seconds) in a Twitter Snowflake id, or why there is none.
pub fn snowflake_time(id: &str) -> Result<Timestamp, String> {
    let n: u64 = match id.parse() {
        Ok(n) if id.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => return Err(format!("{} is not a Twitter id (a number)", quote(id))),
    };
    if n < MIN_SNOWFLAKE_ID {
        return Err(format!(
            "{n} is not a Snowflake id: Twitter's ids from before November 2010 hold no time"
        ));
    }
    // (n >> 22) < 2^42, so the sum cannot overflow.
    let t = ((n >> 22) as i64 + SNOWFLAKE_EPOCH_MS) / 1_000;
    if t > MAX_UNIX {
        return Err(format!(
            "{n} as a Snowflake id is after 2099: not a tweet id"
        ));
    }
    Ok(t)
}

/// One `[user, tweet, delay]` node of a line, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Node<'a> {
    user: &'a str,
    tweet: &'a str,
    delay: &'a str,
}

/// A bracketed node: three fields, each optionally quoted.
fn parse_node<'a>(text: &'a str, side: &'static str) -> Result<Node<'a>, (&'static str, String)> {
    let bad = |why: String| (side, format!("{side} {}: {why}", quote(text.trim())));
    let inner = text
        .trim()
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .ok_or_else(|| bad("expected ['user', 'tweet', 'delay']".into()))?;
    let fields: Vec<&str> = inner.split(',').map(unquote).collect();
    let [user, tweet, delay] = fields.as_slice() else {
        return Err(bad(format!(
            "expected 3 fields (user, tweet, delay), found {}",
            fields.len()
        )));
    };
    Ok(Node { user, tweet, delay })
}

/// A field without its blanks and one pair of matching quotes.
fn unquote(s: &str) -> &str {
    let t = s.trim();
    for q in ['\'', '"'] {
        if let Some(inner) = t.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return inner.trim();
        }
    }
    t
}

/// A line's parent and child nodes.
fn parse_line(text: &str) -> Result<(Node<'_>, Node<'_>), (&'static str, String)> {
    let Some((parent, child)) = text.split_once("->") else {
        return Err((
            "<line>",
            format!(
                "expected [parent user, tweet, delay]->[child user, tweet, delay], found {}",
                quote(text)
            ),
        ));
    };
    Ok((parse_node(parent, "parent")?, parse_node(child, "child")?))
}

/// A delay in minutes, as seconds after the root.
fn delay_seconds(s: &str) -> Result<i64, String> {
    match s.parse::<f64>() {
        Ok(m) if m.is_finite() && m >= 0.0 && m * 60.0 <= MAX_UNIX as f64 => {
            Ok((m * 60.0).round() as i64)
        }
        Ok(m) if m < 0.0 => Err(format!(
            "{}: a negative delay (minutes since the root)",
            quote(s)
        )),
        Ok(m) if m.is_finite() => Err(format!(
            "{}: a delay past 2099 (minutes since the root)",
            quote(s)
        )),
        _ => Err(format!(
            "{}: not a delay (minutes since the root, a number ≥ 0)",
            quote(s)
        )),
    }
}

/// An id field: clean (no blanks, quotes or Excel exponent), and not the `ROOT` marker.
fn id<'a>(s: &'a str, field: &'static str) -> Result<&'a str, (&'static str, String)> {
    if s == "ROOT" {
        return Err((
            field,
            "ROOT marks the root's parent, not an account or tweet".into(),
        ));
    }
    if s.is_empty() || s.contains(['\'', '"']) || !is_clean_id(s) {
        return Err((field, format!("not an id: {}", quote(s))));
    }
    Ok(s)
}

/// The root of the tree being read.
struct Root {
    tweet: String,
    time: Timestamp,
    line: u64,
}

/// A child read before its tree's ROOT line, kept until the root is known.
struct Waiting {
    line: u64,
    actor: String,
    target: String,
    delay: i64,
}

/// The tree file being read.
struct TreeFile {
    lines: LineReader,
    /// The path as found, for rejections.
    file: String,
    /// Source for keys: the file's name without `.gz`.
    source: String,
    root: Option<Root>,
    waiting: Vec<Waiting>,
    /// Children already read (`user`, `tweet`, `delay` as written), to skip repeats.
    seen: HashSet<(String, String, String)>,
}

pub(crate) struct TreeReader {
    files: VecDeque<PathBuf>,
    current: Option<TreeFile>,
    shared: Arc<Shared>,
    /// The path given (a file or a directory), for the file-level notes.
    given: String,
    platform: String,
    source: Option<String>,
    root_time: RootTime,
    encoding: Encoding,
    max_line_bytes: usize,
    pending: VecDeque<Result<Record, Rejection>>,
    repeats: u64,
    first_repeat: Option<(String, u64)>,
    rootless: u64,
    finished: bool,
}

/// The default platform: the trees' directory's name, passing over one named `tree`.
fn default_platform(path: &Path) -> String {
    let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut dir = if full.is_dir() {
        Some(full.as_path())
    } else {
        full.parent()
    };
    while let Some(d) = dir {
        match d.file_name().map(|n| n.to_string_lossy()) {
            Some(n) if n.eq_ignore_ascii_case("tree") => dir = d.parent(),
            Some(n) => return platform_from_source(&n),
            None => break,
        }
    }
    "retweet-tree".to_string()
}

impl TreeReader {
    pub fn open(path: &Path, opts: &Options, shared: Arc<Shared>) -> Result<Self, OpenError> {
        let io = |source| OpenError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        let files: Vec<PathBuf> = if meta.is_dir() {
            if opts.source.is_some() {
                return Err(OpenError::BadOption(format!(
                    "{}: --source names one file; the tree files of a directory are each keyed by their own name",
                    path.display()
                )));
            }
            let mut files = Vec::new();
            for entry in std::fs::read_dir(path).map_err(io)? {
                let entry = entry.map_err(io)?;
                let hidden = entry.file_name().to_string_lossy().starts_with('.');
                if !hidden && entry.file_type().map_err(io)?.is_file() {
                    files.push(entry.path());
                }
            }
            if files.is_empty() {
                return Err(OpenError::BadInput {
                    path: path.to_path_buf(),
                    reason: "no tree files in the directory".into(),
                });
            }
            files.sort();
            files
        } else {
            vec![path.to_path_buf()]
        };
        let size = files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        shared.file_size.store(size, Ordering::Relaxed);
        Ok(TreeReader {
            files: files.into(),
            current: None,
            shared,
            given: path.display().to_string(),
            platform: opts
                .platform
                .clone()
                .unwrap_or_else(|| default_platform(path)),
            source: opts.source.clone(),
            root_time: opts.root_time,
            encoding: opts.encoding,
            max_line_bytes: opts.max_line_bytes,
            pending: VecDeque::new(),
            repeats: 0,
            first_repeat: None,
            rootless: 0,
            finished: false,
        })
    }

    /// Open the next tree file; a file that cannot be opened is one rejection.
    fn next_file(&mut self) -> Option<Result<TreeFile, Rejection>> {
        let path = self.files.pop_front()?;
        let file = path.display().to_string();
        Some(match open_stream(&path, &self.shared) {
            Ok(src) => Ok(TreeFile {
                lines: LineReader::new(src, file.clone(), self.encoding, self.max_line_bytes),
                source: source_name(&path, self.source.as_deref()),
                file,
                root: None,
                waiting: Vec::new(),
                seen: HashSet::new(),
            }),
            Err(e) => Err(Rejection {
                file,
                line: 0,
                field: "<stream>".into(),
                reason: format!("cannot open: {e}"),
            }),
        })
    }

    /// The root's time under [`RootTime`].
    fn root_time(&self, tweet: &str) -> Result<Timestamp, String> {
        match self.root_time {
            RootTime::Zero => Ok(0),
            RootTime::At(t) => Ok(t),
            RootTime::Snowflake => snowflake_time(tweet)
                .map_err(|e| format!("{e}; pass --root-time zero or an instant instead")),
        }
    }

    fn reshare(&self, f: &TreeFile, root: &Root, w: Waiting) -> Result<Record, Rejection> {
        let Some(time) = root.time.checked_add(w.delay).filter(|t| *t <= MAX_UNIX) else {
            return Err(reject(
                f,
                w.line,
                "delay",
                format!(
                    "the root's time plus the delay is after 2099 ({}s after {})",
                    w.delay, root.time
                ),
            ));
        };
        let mut key = String::with_capacity(f.source.len() + 8);
        key.push_str(&f.source);
        key.push(':');
        key.push_str(&w.line.to_string());
        Ok(Record {
            line: w.line,
            events: vec![Event::Interaction(Interaction {
                platform: self.platform.clone(),
                key,
                kind: InteractionKind::Reshare,
                actor: AccountRef::by_id(w.actor),
                target: AccountRef::by_id(w.target),
                post: Some(root.tweet.clone()),
                time: Some(time),
                weight: 1.0,
            })],
        })
    }

    /// Read one line of the current file into `pending`.
    fn parse(&mut self, f: &mut TreeFile, line: u64, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let (parent, child) = match parse_line(text) {
            Ok(x) => x,
            Err((field, why)) => {
                self.pending.push_back(Err(reject(f, line, field, why)));
                return;
            }
        };
        if parent.user == "ROOT" {
            self.parse_root(f, line, &child);
            return;
        }
        let ids = (|| {
            let target = id(parent.user, "parent_user")?;
            let actor = id(child.user, "child_user")?;
            id(child.tweet, "child_tweet")?;
            let delay = delay_seconds(child.delay).map_err(|e| ("delay", e))?;
            Ok::<_, (&'static str, String)>((actor, target, delay))
        })();
        let (actor, target, delay) = match ids {
            Ok(x) => x,
            Err((field, why)) => {
                self.pending.push_back(Err(reject(f, line, field, why)));
                return;
            }
        };
        let node = (
            child.user.to_string(),
            child.tweet.to_string(),
            child.delay.to_string(),
        );
        if !f.seen.insert(node) {
            if self.first_repeat.is_none() {
                self.first_repeat = Some((f.file.clone(), line));
            }
            self.repeats += 1;
            return;
        }
        let w = Waiting {
            line,
            actor: actor.to_string(),
            target: target.to_string(),
            delay,
        };
        match &f.root {
            Some(root) => {
                let r = self.reshare(f, root, w);
                self.pending.push_back(r);
            }
            None => f.waiting.push(w),
        }
    }

    /// The ROOT line: the tree's post, then the children that came before it.
    fn parse_root(&mut self, f: &mut TreeFile, line: u64, child: &Node) {
        if let Some(root) = &f.root {
            let why = format!(
                "a second ROOT line (the first is line {}): a tree has one root",
                root.line
            );
            self.pending.push_back(Err(reject(f, line, "parent", why)));
            return;
        }
        let root = (|| {
            let user = id(child.user, "root_user")?;
            let tweet = id(child.tweet, "root_tweet")?;
            let time = self.root_time(tweet).map_err(|e| ("root_tweet", e))?;
            Ok::<_, (&'static str, String)>((user, tweet, time))
        })();
        let (user, tweet, time) = match root {
            Ok(x) => x,
            Err((field, why)) => {
                let why = format!("root: {why}; the tree has no post, its reshares are rejected");
                self.pending.push_back(Err(reject(f, line, field, why)));
                return;
            }
        };
        self.pending.push_back(Ok(Record {
            line,
            events: vec![Event::Post(Post {
                platform: self.platform.clone(),
                ext_id: tweet.to_string(),
                author: AccountRef::by_id(user),
                time,
                text: None,
                reply_to: None,
                quote_of: None,
                reshare_of: None,
            })],
        }));
        let root = Root {
            tweet: tweet.to_string(),
            time,
            line,
        };
        for w in std::mem::take(&mut f.waiting) {
            let r = self.reshare(f, &root, w);
            self.pending.push_back(r);
        }
        f.root = Some(root);
    }

    /// The end of a tree file: children still waiting had no root.
    fn end_file(&mut self, f: TreeFile) {
        if f.root.is_none() && !f.waiting.is_empty() {
            self.rootless += 1;
        }
        for w in &f.waiting {
            let why = "no root post: the file has no usable ROOT line (['ROOT', 'ROOT', '0.0']->[user, tweet, \
                       '0.0']), so this reshare has nothing to hang on"
                .to_string();
            self.pending
                .push_back(Err(reject(&f, w.line, "<tree>", why)));
        }
    }

    fn finish(&self) {
        if let Some((file, line)) = &self.first_repeat {
            self.shared.warn(
                &self.given,
                0,
                format!(
                    "{} repeated child lines skipped (a child, user, tweet and delay, already read in its tree); \
                     the first in {file} line {line}",
                    self.repeats
                ),
            );
        }
        if self.rootless > 0 {
            self.shared.warn(
                &self.given,
                0,
                format!(
                    "{} tree files have reshares but no usable ROOT line: their reshares are rejected",
                    self.rootless
                ),
            );
        }
    }
}

fn reject(f: &TreeFile, line: u64, field: &str, reason: String) -> Rejection {
    Rejection {
        file: f.file.clone(),
        line,
        field: field.to_string(),
        reason,
    }
}

impl Iterator for TreeReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            let Some(mut f) = self.current.take() else {
                match self.next_file() {
                    Some(Ok(f)) => self.current = Some(f),
                    Some(Err(r)) => return Some(Err(r)),
                    None => {
                        if !self.finished {
                            self.finished = true;
                            self.finish();
                        }
                        return None;
                    }
                }
                continue;
            };
            match f.lines.next_line() {
                None => self.end_file(f),
                Some(Err(r)) => {
                    self.current = Some(f);
                    return Some(Err(r));
                }
                Some(Ok((line, text))) => {
                    // The line borrows the file's reader: copy it out before parsing into `self`.
                    let text = text.to_string();
                    self.parse(&mut f, line, &text);
                    self.current = Some(f);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RootTime;
    use crate::test_util::{write_file, write_gz};
    use crate::{open, Format, OpenError, Options};
    use earshot_model::{Event, InteractionKind};
    use std::path::Path;

    /// A tree written from the layout's description (Ma et al. 2017's README): the ROOT line, retweets
    /// carrying the root's tweet id, a reply with its own id, a retweet of a retweet, a repeated line.
    const TREE: &str = "\
['ROOT', 'ROOT', '0.0']->['972651', '80080680482123777', '0.0']
['972651', '80080680482123777', '0.0']->['189397006', '80080680482123777', '1.33']
['189397006', '80080680482123777', '1.33']->['10678072', '80080680482123777', '2.5']
['972651', '80080680482123777', '0.0']->['55', '80080680482124000', '10']
['972651', '80080680482123777', '0.0']->['189397006', '80080680482123777', '1.33']
";

    /// Posts as `platform ext_id by author @time`, reshares as `key actor>target post @time`; rejections
    /// as `file-name:line: field: reason`; and the notes.
    fn read(p: &Path, opts: &Options) -> (Vec<String>, Vec<String>, Vec<String>) {
        let (it, progress) = open(p, Format::RetweetTree, opts).unwrap();
        let (mut good, mut bad) = (Vec::new(), Vec::new());
        for r in it {
            match r {
                Ok(r) => good.extend(r.events.into_iter().map(|e| match e {
                    Event::Post(p) => {
                        format!(
                            "{} {} by {} @{}",
                            p.platform, p.ext_id, p.author.ext_id, p.time
                        )
                    }
                    Event::Interaction(i) => {
                        assert_eq!((i.kind, i.weight), (InteractionKind::Reshare, 1.0));
                        format!(
                            "{} {}>{} {} @{}",
                            i.key,
                            i.actor.ext_id,
                            i.target.ext_id,
                            i.post.unwrap(),
                            i.time.unwrap()
                        )
                    }
                    Event::Account(_) => panic!("no accounts"),
                })),
                Err(e) => {
                    let name = Path::new(&e.file)
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    bad.push(format!("{name}:{}: {}: {}", e.line, e.field, e.reason));
                }
            }
        }
        let notes = progress.warnings().into_iter().map(|w| w.message).collect();
        (good, bad, notes)
    }

    fn tree_dir(root: &Path, ds: &str) -> std::path::PathBuf {
        let d = root.join(ds).join("tree");
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_tree_is_the_root_post_and_a_reshare_through_each_parent() {
        let tmp = tempfile::tempdir().unwrap();
        let p = write_file(
            &tree_dir(tmp.path(), "Twitter15"),
            "80080680482123777.txt",
            TREE.as_bytes(),
        );
        let (good, bad, notes) = read(&p, &Options::default());
        assert!(bad.is_empty(), "{bad:?}");
        // Root at 0; 1.33 min = 79.8 s → 80; the reply's own tweet id is not the post it adopts.
        assert_eq!(
            good,
            [
                "twitter15 80080680482123777 by 972651 @0",
                "80080680482123777.txt:2 189397006>972651 80080680482123777 @80",
                "80080680482123777.txt:3 10678072>189397006 80080680482123777 @150",
                "80080680482123777.txt:4 55>972651 80080680482123777 @600",
            ]
        );
        assert_eq!(
            notes,
            [format!(
                "1 repeated child lines skipped (a child, user, tweet and delay, already read in its tree); \
                 the first in {} line 5",
                p.display()
            )]
        );
    }

    #[test]
    fn root_times_zero_an_instant_or_the_snowflake_id() {
        let tmp = tempfile::tempdir().unwrap();
        let p = write_file(tmp.path(), "1.txt", TREE.as_bytes());
        let at = |root_time| {
            let opts = Options {
                root_time,
                platform: Some("t15".into()),
                ..Options::default()
            };
            let (good, bad, _) = read(&p, &opts);
            assert!(bad.is_empty(), "{bad:?}");
            (good[0].clone(), good[1].clone())
        };
        assert_eq!(
            at(RootTime::At(1_420_000_000)).1,
            "1.txt:2 189397006>972651 80080680482123777 @1420000080"
        );
        // 80080680482123777 >> 22 = 19,092,721,883 ms after 2010-11-04 01:42:54.657: 2011-06-13 01:14:56 UTC.
        assert_eq!(
            at(RootTime::Snowflake),
            (
                "t15 80080680482123777 by 972651 @1307927696".to_string(),
                "1.txt:2 189397006>972651 80080680482123777 @1307927776".to_string()
            )
        );
        assert_eq!(
            super::snowflake_time("553587303172833280"),
            Ok(1_420_820_472)
        );
        assert!(super::snowflake_time("29700859247")
            .unwrap_err()
            .contains("before November 2010"));
        assert!(super::snowflake_time("18446744073709551615")
            .unwrap_err()
            .contains("after 2099"));
        assert!(super::snowflake_time("1e17")
            .unwrap_err()
            .contains("not a Twitter id"));

        // An id with no time in it: the tree is rejected, and the way out named.
        let old = write_file(
            tmp.path(),
            "2.txt",
            b"['ROOT', 'ROOT', '0.0']->['1', '29700859247', '0.0']\n['1', '29700859247', '0.0']->['2', '29700859247', '3']\n",
        );
        let opts = Options {
            root_time: RootTime::Snowflake,
            ..Options::default()
        };
        let (good, bad, notes) = read(&old, &opts);
        assert!(good.is_empty(), "{good:?}");
        assert_eq!(
            bad,
            [
                "2.txt:1: root_tweet: root: 29700859247 is not a Snowflake id: Twitter's ids from before \
                 November 2010 hold no time; pass --root-time zero or an instant instead; the tree has no \
                 post, its reshares are rejected",
                "2.txt:2: <tree>: no root post: the file has no usable ROOT line (['ROOT', 'ROOT', '0.0']->[user, \
                 tweet, '0.0']), so this reshare has nothing to hang on",
            ]
        );
        assert_eq!(
            notes,
            ["1 tree files have reshares but no usable ROOT line: their reshares are rejected"]
        );
    }

    #[test]
    fn bad_lines_are_rejected_with_their_field_and_children_wait_for_the_root() {
        let tmp = tempfile::tempdir().unwrap();
        let text = "\
['7', '100', '0.0']->['8', '100', '0.5']
\"7\" , 100 , 0.0 -> [\"9\", \"100\", \"1\"]
['7', '100', '0.0'] ['8', '100', '0.5']
['7', '100']->['8', '100', '0.5']
['7', '100', '0.0']->['8', '100', '-1']
['7', '100', '0.0']->['8', '100', 'nan']
['7', '100', '0.0']->['8 x', '100', '2']
['7', '100', '0.0']->['ROOT', '100', '2']
['', '100', '0.0']->['8', '100', '2']
['7', '100', '0.0']->['8', '5.70306E+17', '2']

['ROOT', 'ROOT', '0.0']->['7', '100', '0.0']
['ROOT', 'ROOT', '0.0']->['8', '101', '0.0']
['7', '100', '0.0']->['10', '100', '1e9']
[\"7\", \"100\", \"0.0\"]->[\"11\", \"100\", \"0.25\"]
";
        let p = write_file(tmp.path(), "100.txt", text.as_bytes());
        let (good, bad, notes) = read(
            &p,
            &Options {
                platform: Some("t".into()),
                ..Options::default()
            },
        );
        assert_eq!(
            good,
            [
                "t 100 by 7 @0",
                // Line 1 came before the ROOT line and waited for it.
                "100.txt:1 8>7 100 @30",
                "100.txt:15 11>7 100 @15",
            ]
        );
        assert_eq!(
            bad,
            [
                "100.txt:2: parent: parent \"\\\"7\\\" , 100 , 0.0\": expected ['user', 'tweet', 'delay']",
                "100.txt:3: <line>: expected [parent user, tweet, delay]->[child user, tweet, delay], found \
                 \"['7', '100', '0.0'] ['8', '100', '0.5']\"",
                "100.txt:4: parent: parent \"['7', '100']\": expected 3 fields (user, tweet, delay), found 2",
                "100.txt:5: delay: \"-1\": a negative delay (minutes since the root)",
                "100.txt:6: delay: \"nan\": not a delay (minutes since the root, a number ≥ 0)",
                "100.txt:7: child_user: not an id: \"8 x\"",
                "100.txt:8: child_user: ROOT marks the root's parent, not an account or tweet",
                "100.txt:9: parent_user: not an id: \"\"",
                "100.txt:10: child_tweet: not an id: \"5.70306E+17\"",
                "100.txt:13: parent: a second ROOT line (the first is line 12): a tree has one root",
                "100.txt:14: delay: \"1e9\": a delay past 2099 (minutes since the root)",
            ]
        );
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn a_directory_is_its_tree_files_in_name_order() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tree_dir(tmp.path(), "twitter16");
        write_file(
            &d,
            "2.txt",
            b"['ROOT', 'ROOT', '0.0']->['20', '2', '0.0']\n['20', '2', '0.0']->['21', '2', '1']\n",
        );
        write_gz(&d, "10.txt.gz", b"['ROOT', 'ROOT', '0.0']->['30', '10', '0.0']\n['30', '10', '0.0']->['31', '10', '2']\n");
        write_file(&d, ".DS_Store", b"\0\0");
        std::fs::create_dir(d.join("sub")).unwrap();
        write_file(
            &d.join("sub"),
            "3.txt",
            b"['ROOT', 'ROOT', '0.0']->['40', '3', '0.0']\n",
        );
        // No ROOT line: its one reshare is rejected.
        write_file(&d, "4.txt", b"['50', '4', '0.0']->['51', '4', '1']\n");
        let (good, bad, notes) = read(&d, &Options::default());
        assert_eq!(
            good,
            [
                "twitter16 10 by 30 @0",
                "10.txt:2 31>30 10 @120",
                "twitter16 2 by 20 @0",
                "2.txt:2 21>20 2 @60",
            ]
        );
        assert_eq!(bad.len(), 1);
        assert!(
            bad[0].starts_with("4.txt:1: <tree>: no root post"),
            "{bad:?}"
        );
        assert_eq!(notes.len(), 1);
        // The bar's total is every file's size.
        let (it, progress) = open(&d, Format::RetweetTree, &Options::default()).unwrap();
        let files: u64 = ["2.txt", "10.txt.gz", ".DS_Store", "4.txt"]
            .iter()
            .map(|n| std::fs::metadata(d.join(n)).unwrap().len())
            .sum();
        let total = files - std::fs::metadata(d.join(".DS_Store")).unwrap().len();
        assert_eq!(progress.file_size(), total);
        assert_eq!(it.count(), 5, "two posts, two reshares, one rejection");
        assert_eq!(progress.bytes_read(), total);

        // Named after the directory above `tree`; a directory of another name is its own name.
        let other = tmp.path().join("PHEME trees");
        std::fs::create_dir(&other).unwrap();
        write_file(
            &other,
            "5.txt",
            b"['ROOT', 'ROOT', '0.0']->['60', '5', '0.0']\n",
        );
        assert_eq!(
            read(&other, &Options::default()).0,
            ["pheme-trees 5 by 60 @0"]
        );

        // --source names one file's events, not a directory's; an empty directory has nothing to read.
        let with_source = Options {
            source: Some("x".into()),
            ..Options::default()
        };
        assert!(matches!(
            open(&d, Format::RetweetTree, &with_source),
            Err(OpenError::BadOption(_))
        ));
        let (good, _, _) = read(&d.join("2.txt"), &with_source);
        assert_eq!(good[1], "x:2 21>20 2 @60");
        let empty = tmp.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        let e = open(&empty, Format::RetweetTree, &Options::default())
            .err()
            .unwrap();
        assert_eq!(
            e.to_string(),
            format!("{}: no tree files in the directory", empty.display())
        );
        assert!(matches!(
            open(
                &tmp.path().join("nope"),
                Format::RetweetTree,
                &Options::default()
            ),
            Err(OpenError::Io { .. })
        ));
    }
}
