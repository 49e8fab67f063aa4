//! Account profiles from CSV (header row + mapping) or JSON (an array of objects, or one object per line;
//! told apart by the first non-space character: `[` or `{`).
//!
//! Fields (`field=column` in [`Options::map`]; for JSON the column is the key). Unmapped fields use the
//! first present of these default columns, which fit the Kaggle 2017 bot files and InstaFake out of the box:
//!
//! | field | default columns |
//! |---|---|
//! | `id`, `id_str` | `id`; `id_str` |
//! | `handle` | `screen_name`, `handle`, `username` |
//! | `display_name` | `name`, `display_name` |
//! | `bio`, `url` | `description`, `bio`; `url` |
//! | `followers` | `followers_count`, `followers`, `userFollowerCount` |
//! | `following` | `friends_count`, `following`, `userFollowingCount` |
//! | `post_count` | `statuses_count`, `post_count`, `userMediaCount` |
//! | `created_at` | `created_at` |
//! | `verified`, `private` | `verified`; `protected`, `private`, `userIsPrivate` |
//! | `default_avatar` | `default_profile_image`, `default_avatar` |
//! | `has_avatar` (the negation of `default_avatar`) | `userHasProfilPic`, `has_avatar` |
//! | `default_profile` (the platform's default theme) | `default_profile` |
//! | `likes_given`, `listed` | `favourites_count`, `favorites_count`, `likes_given`; `listedcount`, `listed_count`, `listed` |
//! | `bio_length` | `userBiographyLength`, `bio_length` |
//! | `username_length`, `username_digits` | `usernameLength`, `username_length`; `usernameDigitCount`, `username_digits` |
//! | `label` | `bot`, `label`, `isFake` |
//!
//! A CSV header in which no field's column is found (mapped or default) is an [`OpenError::BadHeader`];
//! a header with no rows is an empty input.
//!
//! Values are trimmed of spaces and stray double quotes (`"jk_rowling"`). Booleans: true/false, 1/0, yes/no.
//! A label from a column named `bot`/`is_bot` maps 1→`bot`, 0→`human`; from `isFake`/`is_fake`/`fake`
//! 1→`fake`, 0→`real`; other label columns are kept as lower-cased text.
//!
//! Identity: `id` if it is a clean decimal integer; else `id_str` if clean; else the handle
//! ([`AccountRef::by_handle`]: ext_id `@handle`); else, for inputs without any id (InstaFake),
//! `source:LINE` with the record's first physical line (CSV, JSON lines) like every other format, or, for a
//! JSON array, `source:N` with the 1-based element index (every element counts, rejected ones too). Keys
//! therefore do not move when a bad record elsewhere is fixed. Excel-mangled ids (`8.41E+17`) are never used;
//! the number of accounts identified by a fallback is reported as one [`crate::Warning`]. One Account event
//! per record: duplicates are merged by the store.

use crate::csv_posts::{find_column, read_header};
use crate::csv_rec::CsvRecords;
use crate::fields::{clean, is_clean_int, parse_amount, parse_bool};
use crate::json_array::JsonArray;
use crate::reader::{quote, ByteSource, LineReader};
use crate::time::parse_time;
use crate::{Ctx, DateOrder, EventReader, OpenError, Options, Record, Rejection};
use earshot_model::{label_class, Account, AccountRef, Event, Profile};
use std::collections::BTreeMap;
use std::io::BufRead;

const FIELDS: [(&str, &[&str]); 21] = [
    ("id", &["id"]),
    ("id_str", &["id_str"]),
    ("handle", &["screen_name", "handle", "username"]),
    ("display_name", &["name", "display_name"]),
    ("bio", &["description", "bio"]),
    ("url", &["url"]),
    (
        "followers",
        &["followers_count", "followers", "userFollowerCount"],
    ),
    (
        "following",
        &["friends_count", "following", "userFollowingCount"],
    ),
    (
        "post_count",
        &["statuses_count", "post_count", "userMediaCount"],
    ),
    ("created_at", &["created_at"]),
    ("verified", &["verified"]),
    ("private", &["protected", "private", "userIsPrivate"]),
    (
        "default_avatar",
        &["default_profile_image", "default_avatar"],
    ),
    ("has_avatar", &["userHasProfilPic", "has_avatar"]),
    ("default_profile", &["default_profile"]),
    (
        "likes_given",
        &["favourites_count", "favorites_count", "likes_given"],
    ),
    ("listed", &["listedcount", "listed_count", "listed"]),
    ("bio_length", &["userBiographyLength", "bio_length"]),
    ("username_length", &["usernameLength", "username_length"]),
    (
        "username_digits",
        &["usernameDigitCount", "username_digits"],
    ),
    ("label", &["bot", "label", "isFake"]),
];

/// Open a profiles file, CSV or JSON.
pub(crate) fn open(
    mut src: ByteSource,
    ctx: Ctx,
    opts: &Options,
) -> Result<EventReader, OpenError> {
    for (field, _) in &opts.map {
        if !FIELDS.iter().any(|(f, _)| f == field) {
            let known: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
            return Err(OpenError::BadOption(format!(
                "unknown profile field {field:?} (known: {})",
                known.join(", ")
            )));
        }
    }
    if let Some(l) = &opts.label {
        if label_class(l).is_none() {
            return Err(OpenError::BadOption(format!(
                "--label {l:?}: expected a class such as bot, fake, spammer, human, real or legitimate"
            )));
        }
        if opts.map.iter().any(|(f, _)| f == "label") {
            return Err(OpenError::BadOption(
                "--label gives every record's label: it cannot be combined with a mapped label column"
                    .into(),
            ));
        }
    }
    for (raw, class) in &opts.label_values {
        if label_class(class).is_none() {
            return Err(OpenError::BadOption(format!(
                "--label-value {raw}={class}: {class:?} is not a class (expected bot, fake, human, real, ...)"
            )));
        }
    }
    let peek = src.reader.fill_buf().ok().unwrap_or_default();
    let first = peek.iter().copied().find(|c| !c.is_ascii_whitespace());
    // A first line with a tab in it is a tab-separated file (the honeypot dumps); commas otherwise.
    let first_line = peek.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = if first_line.contains(&b'\t') {
        '\t'
    } else {
        ','
    };
    let builder = Builder {
        platform: opts
            .platform
            .clone()
            .unwrap_or_else(|| "twitter".to_string()),
        order: opts.date_order,
        map: opts.map.clone(),
        label: opts.label.clone(),
        label_values: opts
            .label_values
            .iter()
            .map(|(raw, class)| (raw.to_lowercase(), class.to_lowercase()))
            .collect(),
        rounded: BTreeMap::new(),
        fallbacks: [0; 3],
        finished: false,
        ctx,
    };
    Ok(match first {
        Some(b'[') => {
            let arr = JsonArray::new(
                src,
                builder.ctx.file.clone(),
                opts.encoding,
                opts.max_line_bytes,
            );
            Box::new(JsonProfiles {
                input: JsonInput::Array(arr),
                map: opts.map.clone(),
                builder,
                index: 0,
            })
        }
        Some(b'{') => {
            let lines = LineReader::new(
                src,
                builder.ctx.file.clone(),
                opts.encoding,
                opts.max_line_bytes,
            );
            Box::new(JsonProfiles {
                input: JsonInput::Lines(lines),
                map: opts.map.clone(),
                builder,
                index: 0,
            })
        }
        _ => {
            let lines = LineReader::new(
                src,
                builder.ctx.file.clone(),
                opts.encoding,
                opts.max_line_bytes,
            );
            let mut recs = CsvRecords::new(lines, opts.max_line_bytes).with_delimiter(delimiter);
            let header = match &opts.profile_columns {
                Some(names) => names.clone(),
                None => read_header(&mut recs, &builder.ctx)?,
            };
            let mut cols = Vec::with_capacity(FIELDS.len());
            for (field, defaults) in FIELDS {
                let col = match builder.map.iter().find(|(f, _)| f == field) {
                    Some((_, c)) => {
                        Some(find_column(&header, c).ok_or_else(|| OpenError::BadHeader {
                            path: builder.ctx.path.clone(),
                            reason: format!(
                                "no column {c:?} (mapped to {field}) in header {header:?}"
                            ),
                        })?)
                    }
                    None => defaults.iter().find_map(|d| find_column(&header, d)),
                };
                cols.push(col.map(|i| (i, header[i].clone())));
            }
            let label_at = FIELDS.iter().position(|(f, _)| *f == "label");
            if let (Some(l), Some(Some((_, c)))) = (&opts.label, label_at.map(|i| &cols[i])) {
                return Err(OpenError::BadOption(format!(
                    "--label {l} gives every record's label, but the file has a label column {c:?}: \
                     drop --label or map the label to another column"
                )));
            }
            if cols.iter().all(Option::is_none) {
                return Err(OpenError::BadHeader {
                    path: builder.ctx.path.clone(),
                    reason: format!(
                        "no profile column in header {header:?}: expected columns such as id, screen_name, \
                         followers_count, or a mapping field=column"
                    ),
                });
            }
            Box::new(CsvProfiles {
                recs,
                cols,
                width: header.len(),
                builder,
            })
        }
    })
}

/// Turns one record's values into an Account event; shared by CSV and JSON.
struct Builder {
    ctx: Ctx,
    platform: String,
    order: DateOrder,
    map: Vec<(String, String)>,
    /// `--label`: every record's label.
    label: Option<String>,
    /// `--label-value`: raw label (lower-cased) → class.
    label_values: Vec<(String, String)>,
    /// Count columns that held non-whole numbers, rounded, and how many of them (reported once).
    rounded: BTreeMap<String, u64>,
    /// Accounts identified by id_str, by handle, by `source:line` (or `source:index`).
    fallbacks: [u64; 3],
    finished: bool,
}

/// A field's value and the column it came from.
type Get<'a> = dyn Fn(&str) -> Option<(String, String)> + 'a;

impl Builder {
    /// The Account of one record starting on `line`; `key` names it when it has neither id nor handle
    /// (`source:key`: its line, or its element index in a JSON array).
    fn build(&mut self, line: u64, key: u64, get: &Get) -> Result<Record, Rejection> {
        let value = |f: &str| {
            get(f)
                .map(|(c, v)| (c, clean(&v).to_string()))
                .filter(|(_, v)| !v.is_empty())
        };
        let text = |f: &str| value(f).map(|(_, v)| v);
        let reject = |col: &str, reason: String| self.ctx.reject(line, col, reason);
        let mut rounded: Vec<String> = Vec::new();
        let mut count = |f: &str| -> Result<Option<u64>, Rejection> {
            let Some((c, v)) = value(f) else {
                return Ok(None);
            };
            let (n, was_rounded) = parse_amount(&v).map_err(|e| reject(&c, e))?;
            if was_rounded {
                rounded.push(c);
            }
            Ok(Some(n))
        };
        let boolean = |f: &str| -> Result<Option<bool>, Rejection> {
            value(f)
                .map(|(c, v)| parse_bool(&v).map_err(|e| reject(&c, e)))
                .transpose()
        };
        let created_at = match value("created_at") {
            Some((c, v)) => Some(parse_time(&v, self.order).map_err(|e| reject(&c, e.0))?),
            None => None,
        };
        let default_avatar = match boolean("default_avatar")? {
            Some(b) => Some(b),
            None => boolean("has_avatar")?.map(|has| !has),
        };
        let label = match value("label") {
            None => None,
            Some((c, v)) => {
                let raw = label_of(&c, &v).map_err(|e| reject(&c, e))?;
                let class = self.label_values.iter().find(|(r, _)| *r == raw);
                Some(class.map_or(raw, |(_, class)| class.clone()))
            }
        };
        let label = match (label, &self.label) {
            (None, fixed) => fixed.clone(),
            (Some(l), None) => Some(l),
            (Some(l), Some(fixed)) if label_class(&l) == label_class(fixed) => Some(l),
            (Some(l), Some(fixed)) => {
                return Err(reject(
                    "label",
                    format!("the record's label {l:?} contradicts --label {fixed}"),
                ))
            }
        };
        let profile = Profile {
            followers: count("followers")?,
            following: count("following")?,
            post_count: count("post_count")?,
            created_at,
            bio: text("bio"),
            url: text("url"),
            verified: boolean("verified")?,
            default_avatar,
            default_profile: boolean("default_profile")?,
            private: boolean("private")?,
            likes_given: count("likes_given")?,
            listed: count("listed")?,
            bio_length: count("bio_length")?,
            username_length: count("username_length")?,
            username_digits: count("username_digits")?,
            label,
            links: None,
        };
        for c in rounded {
            *self.rounded.entry(c).or_default() += 1;
        }
        let handle = text("handle")
            .map(|h| h.trim_start_matches('@').to_string())
            .filter(|h| !h.is_empty());
        let (ext_id, kind) = match (text("id"), text("id_str"), &handle) {
            (Some(id), _, _) if is_clean_int(&id) => (id, None),
            (_, Some(id), _) if is_clean_int(&id) => (id, Some(0)),
            (_, _, Some(h)) => (AccountRef::by_handle(h).ext_id, Some(1)),
            _ => (crate::line_key(&self.ctx.source, key), Some(2)),
        };
        if let Some(k) = kind {
            self.fallbacks[k] += 1;
        }
        let account = Account {
            platform: self.platform.clone(),
            ext_id,
            handle,
            display_name: text("display_name"),
            profile,
        };
        Ok(Record {
            line,
            events: vec![Event::Account(account)],
        })
    }

    fn finish(&mut self) {
        if std::mem::replace(&mut self.finished, true) {
            return;
        }
        for (column, n) in std::mem::take(&mut self.rounded) {
            self.ctx.warn(
                0,
                format!("{column}: {n} values were not whole numbers and were rounded to the nearest count"),
            );
        }
        let [by_str, by_handle, by_index] = self.fallbacks;
        if by_str + by_handle > 0 {
            let msg = format!(
                "{} accounts had no clean numeric `id` (e.g. Excel-mangled): {by_str} identified by id_str, \
                 {by_handle} by handle",
                by_str + by_handle
            );
            self.ctx.warn(0, msg);
        }
        if by_index > 0 {
            self.ctx.warn(
                0,
                format!(
                    "{by_index} accounts have neither id nor handle: identified as source:line (source:index in a JSON array)"
                ),
            );
        }
    }
}

/// The column a field comes from in a JSON object: the mapped key, or the first default present.
fn json_get<'a>(
    map: &'a [(String, String)],
    obj: &'a serde_json::Map<String, serde_json::Value>,
) -> impl Fn(&str) -> Option<(String, String)> + 'a {
    move |field: &str| {
        let (_, defaults) = FIELDS.iter().find(|(f, _)| *f == field)?;
        let key = match map.iter().find(|(f, _)| f == field) {
            Some((_, k)) => k.as_str(),
            None => defaults.iter().copied().find(|d| obj.contains_key(*d))?,
        };
        let v = match obj.get(key)? {
            serde_json::Value::Null => return None,
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Some((key.to_string(), v))
    }
}

fn label_of(column: &str, v: &str) -> Result<String, String> {
    let c = column.to_ascii_lowercase();
    let pair = match c.as_str() {
        "bot" | "is_bot" | "isbot" => Some(("bot", "human")),
        "isfake" | "is_fake" | "fake" => Some(("fake", "real")),
        _ => None,
    };
    match pair {
        Some((yes, no)) => match parse_bool(v) {
            Ok(true) => Ok(yes.to_string()),
            Ok(false) => Ok(no.to_string()),
            Err(_) => Err(format!("expected 1/0 or true/false, found {}", quote(v))),
        },
        None => Ok(v.to_lowercase()),
    }
}

struct CsvProfiles {
    recs: CsvRecords,
    /// Column index and name of each field in `FIELDS` order.
    cols: Vec<Option<(usize, String)>>,
    width: usize,
    builder: Builder,
}

impl Iterator for CsvProfiles {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        let rec = match self.recs.next_record() {
            None => {
                self.builder.finish();
                return None;
            }
            Some(Err(r)) => return Some(Err(r)),
            Some(Ok(rec)) => rec,
        };
        if rec.fields.len() != self.width {
            let reason = format!(
                "expected {} fields as in the header, found {}",
                self.width,
                rec.fields.len()
            );
            return Some(Err(self.builder.ctx.reject(rec.line, "<line>", reason)));
        }
        let cols = &self.cols;
        let get = |field: &str| {
            let i = FIELDS.iter().position(|(f, _)| *f == field)?;
            let (c, name) = cols[i].as_ref()?;
            Some((name.clone(), rec.fields.get(*c)?.clone()))
        };
        Some(self.builder.build(rec.line, rec.line, &get))
    }
}

enum JsonInput {
    Array(JsonArray),
    Lines(LineReader),
}

struct JsonProfiles {
    input: JsonInput,
    map: Vec<(String, String)>,
    builder: Builder,
    /// Records so far (for messages; and the key of id-less elements of an array), rejected ones included.
    index: u64,
}

impl Iterator for JsonProfiles {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        let (line, text) = loop {
            let next = match &mut self.input {
                JsonInput::Array(a) => a
                    .next_element(self.index + 1)
                    .map(|r| r.map(|e| (e.line, e.text))),
                JsonInput::Lines(l) => l.next_line().map(|r| r.map(|(n, t)| (n, t.to_string()))),
            };
            match next {
                None => {
                    self.builder.finish();
                    return None;
                }
                Some(Err(r)) => {
                    if r.field != "<stream>" {
                        self.index += 1;
                    }
                    return Some(Err(r));
                }
                Some(Ok((_, t))) if t.trim().is_empty() => continue,
                Some(Ok(x)) => break x,
            }
        };
        self.index += 1;
        let obj = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(m)) => m,
            Ok(_) => {
                return Some(Err(self.builder.ctx.reject(
                    line,
                    "<json>",
                    format!("record {}: expected an object", self.index),
                )))
            }
            Err(e) => {
                let reason = format!("record {}: invalid JSON: {e}", self.index);
                return Some(Err(self.builder.ctx.reject(line, "<json>", reason)));
            }
        };
        let get = json_get(&self.map, &obj);
        let key = match self.input {
            JsonInput::Array(_) => self.index,
            JsonInput::Lines(_) => line,
        };
        Some(self.builder.build(line, key, &get))
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::{read_all, write_file};
    use crate::{Encoding, Format, Options};
    use earshot_model::{format_utc, Account, Event};

    fn accounts(good: &[crate::Record]) -> Vec<Account> {
        good.iter()
            .map(|r| match &r.events[0] {
                Event::Account(a) => a.clone(),
                _ => panic!(),
            })
            .collect()
    }

    #[test]
    fn kaggle_like_csv_latin1() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = b"id,id_str,screen_name,description,followers_count,friends_count,created_at,verified,default_profile_image,name,bot\n".to_vec();
        text.extend_from_slice(b"3982731976,3982731976,mcgucket_bot,caf\xe9,1129,7,Sat Oct 17 22:35:31 +0000 2015,FALSE,FALSE,McGucket,1\n");
        text.extend_from_slice(b"8.41E+17,\"\"\"841417491268145152\"\"\",BowieK66,,0,22,13/03/2017 22:21,FALSE,TRUE,B,1\n");
        text.extend_from_slice(
            b"8.41E+17,8.41E+17,\"\"\"Handle\"\"\",,0,22,7/13/2009 0:38,TRUE,FALSE,B,0\n",
        );
        text.extend_from_slice(b"1,1,x,,abc,22,7/13/2009 0:38,TRUE,FALSE,B,0\n");
        text.extend_from_slice(b"2,2,y,,1,22,7/13/2009 0:38,maybe,FALSE,B,0\n");
        text.extend_from_slice(b"3,3,z,,1,22,7/13/2009 0:38,TRUE,FALSE,B,2\n");
        text.extend_from_slice(b"4,4,w,,1,22,31/31/2009,TRUE,FALSE,B,0\n");
        let p = write_file(dir.path(), "bots.csv", &text);
        let opts = Options {
            encoding: Encoding::Latin1,
            ..Options::default()
        };
        let (it, progress) = crate::open(&p, Format::Profiles, &opts).unwrap();
        let (mut good, mut bad) = (Vec::new(), Vec::new());
        for r in it {
            match r {
                Ok(r) => good.push(r),
                Err(e) => bad.push(format!("{}: {}: {}", e.line, e.field, e.reason)),
            }
        }
        assert_eq!(
            bad,
            [
                "5: followers_count: not a non-negative number: \"abc\"",
                "6: verified: not a boolean: \"maybe\"",
                "7: bot: expected 1/0 or true/false, found \"2\"",
                "8: created_at: \"31/31/2009\": neither day nor month is ≤ 12",
            ]
        );
        let a = accounts(&good);
        assert_eq!(a.len(), 3);
        assert_eq!(
            (a[0].ext_id.as_str(), a[0].profile.bio.as_deref()),
            ("3982731976", Some("café"))
        );
        assert_eq!(a[0].profile.label.as_deref(), Some("bot"));
        assert_eq!(a[0].profile.followers, Some(1129));
        assert_eq!(a[0].profile.verified, Some(false));
        assert_eq!(a[1].ext_id, "841417491268145152");
        assert_eq!(a[1].profile.default_avatar, Some(true));
        assert_eq!(
            format_utc(a[1].profile.created_at.unwrap()),
            "2017-03-13 22:21:00"
        );
        assert_eq!(
            (a[2].ext_id.as_str(), a[2].handle.as_deref()),
            ("@handle", Some("Handle"))
        );
        assert_eq!(a[2].profile.label.as_deref(), Some("human"));
        assert_eq!(a[2].profile.bio, None);
        let w = progress.warnings();
        assert!(
            w[0].message
                .starts_with("2 accounts had no clean numeric `id`"),
            "{w:?}"
        );
    }

    fn read(path: &std::path::Path, opts: &Options) -> (Vec<Account>, Vec<String>, Vec<String>) {
        let (it, progress) = crate::open(path, Format::Profiles, opts).unwrap();
        let (mut good, mut bad) = (Vec::new(), Vec::new());
        for r in it {
            match r {
                Ok(r) => good.push(r),
                Err(e) => bad.push(format!("{}: {}: {}", e.line, e.field, e.reason)),
            }
        }
        let warnings = progress
            .warnings()
            .iter()
            .map(|w| w.message.clone())
            .collect();
        (accounts(&good), bad, warnings)
    }

    #[test]
    fn headerless_tab_separated_files_take_their_columns_and_label_from_options() {
        let dir = tempfile::tempdir().unwrap();
        // The honeypot layout: id, created, collected, following, followers, tweets, name and bio lengths.
        let p = write_file(
            dir.path(),
            "content_polluters.txt",
            b"6301\t2006-09-18 01:07:50\t2010-01-17 20:38:25\t3269\t3071\t861\t8\t132\r\n\
              10836\t2006-10-27 14:38:04\t2010-06-18 03:35:34\t1949\t793.6\t226\t9\t134\r\n\
              10997\t2006-10-29 09:50:38\t2010-04-24 01:12:40\tmany\t9644\t38674\t12\t158\r\n",
        );
        let opts = Options {
            profile_columns: Some(
                "id,created_at,-,following,followers,post_count,username_length,bio_length"
                    .split(',')
                    .map(String::from)
                    .collect(),
            ),
            label: Some("bot".into()),
            ..Options::default()
        };
        let (a, bad, warnings) = read(&p, &opts);
        assert_eq!(bad, ["3: following: not a non-negative number: \"many\""]);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].ext_id, "6301");
        assert_eq!(
            (
                a[0].profile.following,
                a[0].profile.followers,
                a[0].profile.post_count
            ),
            (Some(3269), Some(3071), Some(861))
        );
        assert_eq!(
            (a[0].profile.username_length, a[0].profile.bio_length),
            (Some(8), Some(132))
        );
        assert_eq!(
            format_utc(a[0].profile.created_at.unwrap()),
            "2006-09-18 01:07:50"
        );
        assert!(a.iter().all(|a| a.profile.label.as_deref() == Some("bot")));
        // A decimal in a count is rounded, and said once.
        assert_eq!(a[1].profile.followers, Some(794));
        assert!(
            warnings.iter().any(|w| w == "followers: 1 values were not whole numbers and were rounded to the nearest count"),
            "{warnings:?}"
        );
    }

    #[test]
    fn label_values_map_a_column_to_classes_and_a_fixed_label_must_agree() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(
            dir.path(),
            "bas.csv",
            b"id,screen_name,followers_count,default_profile,dataset\n1,a,1.0,1.0,E13\n2,b,2,,INT\n3,c,3,0.0,XYZ\n",
        );
        let opts = Options {
            map: vec![("label".into(), "dataset".into())],
            label_values: vec![
                ("e13".into(), "human".into()),
                ("INT".into(), "fake".into()),
            ],
            ..Options::default()
        };
        let (a, bad, _) = read(&p, &opts);
        assert!(bad.is_empty(), "{bad:?}");
        let labels: Vec<_> = a.iter().map(|a| a.profile.label.clone().unwrap()).collect();
        assert_eq!(labels, ["human", "fake", "xyz"]);
        assert_eq!(a[0].profile.default_profile, Some(true));
        assert_eq!(a[1].profile.default_profile, None);
        assert_eq!(a[2].profile.default_profile, Some(false));
        // --label with a label column in the file is refused before reading; a word that is no class too.
        let kaggle = write_file(dir.path(), "k.csv", b"id,bot\n1,1\n");
        for (label, why) in [("bot", "label column"), ("maybe", "expected a class")] {
            let opts = Options {
                label: Some(label.into()),
                ..Options::default()
            };
            let e = crate::open(&kaggle, Format::Profiles, &opts)
                .err()
                .unwrap()
                .to_string();
            assert!(e.contains(why), "{e}");
        }
        // In JSON, where columns differ per record, a record contradicting --label is rejected.
        let j = write_file(
            dir.path(),
            "j.json",
            br#"[{"id": 1, "isFake": 1}, {"id": 2, "isFake": 0}, {"id": 3}]"#,
        );
        let opts = Options {
            label: Some("fake".into()),
            ..Options::default()
        };
        let (a, bad, _) = read(&j, &opts);
        assert_eq!(a.len(), 2);
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(bad[0].contains("contradicts --label fake"), "{bad:?}");
    }

    #[test]
    fn instafake_like_json_array_and_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let arr = r#" [{"userFollowerCount": 25, "userFollowingCount": 1937, "userMediaCount": 0, "userHasProfilPic": 1,
            "userIsPrivate": 1, "isFake": 1}, {"userFollowerCount": "x"},
            {"userFollowerCount": 3, "userHasProfilPic": 0, "isFake": 0}, 7]"#;
        let p = write_file(dir.path(), "fake.json", arr.as_bytes());
        let opts = Options {
            platform: Some("instagram".into()),
            ..Options::default()
        };
        let (good, bad) = read_all(&p, Format::Profiles, &opts);
        let f = p.display();
        assert_eq!(
            bad,
            [
                format!("{f}:2: userFollowerCount: not a non-negative number: \"x\""),
                format!("{f}:3: <json>: record 4: expected an object"),
            ]
        );
        let a = accounts(&good);
        assert_eq!(a.len(), 2);
        assert_eq!(
            (a[0].platform.as_str(), a[0].ext_id.as_str()),
            ("instagram", "fake.json:1")
        );
        assert_eq!(a[0].profile.followers, Some(25));
        assert_eq!(a[0].profile.following, Some(1937));
        assert_eq!(a[0].profile.default_avatar, Some(false));
        assert_eq!(a[0].profile.private, Some(true));
        assert_eq!(a[0].profile.label.as_deref(), Some("fake"));
        assert_eq!(
            (a[1].ext_id.as_str(), a[1].profile.label.as_deref()),
            ("fake.json:3", Some("real"))
        );
        assert_eq!(a[1].profile.default_avatar, Some(true));

        let lines = "{\"screen_name\":\"Ann\",\"followers\":4}\n\n{\"id\":12,\"handle\":\"bo\"}\n{\"nick\":\"c\",\"n\":1}\n";
        let p = write_file(dir.path(), "p.jsonl", lines.as_bytes());
        let opts = Options {
            map: vec![("handle".into(), "nick".into())],
            ..Options::default()
        };
        let (good, bad) = read_all(&p, Format::Profiles, &opts);
        assert!(bad.is_empty(), "{bad:?}");
        let ids: Vec<String> = accounts(&good).into_iter().map(|a| a.ext_id).collect();
        assert_eq!(ids, ["p.jsonl:1", "12", "@c"]);
    }

    #[test]
    fn unterminated_array_is_a_stream_rejection() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(
            dir.path(),
            "a.json",
            b"[{\"followers\": 1},\n{\"followers\": 2",
        );
        let (good, bad) = read_all(&p, Format::Profiles, &Options::default());
        assert_eq!(good.len(), 1);
        assert_eq!(
            bad,
            [format!(
                "{}:2: <stream>: JSON array not closed: unexpected end of file",
                p.display()
            )]
        );
    }

    fn ids(good: &[crate::Record]) -> Vec<String> {
        accounts(good).into_iter().map(|a| a.ext_id).collect()
    }

    #[test]
    fn a_bom_does_not_hide_json() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("a.json", &b"\xef\xbb\xbf[{\"id\": 1}, {\"id\": 2}]"[..]),
            ("l.json", &b"\xef\xbb\xbf{\"id\": 1}\n{\"id\": 2}\n"[..]),
            ("c.csv", &b"\xef\xbb\xbfid,screen_name\n1,a\n2,b\n"[..]),
            (
                "w.json",
                &b"\xef\xbb\xbf\r\n\n    [{\"id\": 1}, {\"id\": 2}]"[..],
            ),
            ("v.json", &b"\n\n    \t [{\"id\": 1}, {\"id\": 2}]"[..]),
        ] {
            let p = write_file(dir.path(), name, text);
            let (good, bad) = read_all(&p, Format::Profiles, &Options::default());
            assert!(bad.is_empty(), "{name}: {bad:?}");
            assert_eq!(ids(&good), ["1", "2"], "{name}");
        }
        let p = crate::test_util::write_gz(dir.path(), "a.json.gz", b"\xef\xbb\xbf[{\"id\": 3}]");
        let (good, bad) = read_all(&p, Format::Profiles, &Options::default());
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(ids(&good), ["3"]);
    }

    #[test]
    fn header_only_is_empty_and_unknown_header_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "h.csv", b"id,screen_name\r\n");
        let (good, bad) = read_all(&p, Format::Profiles, &Options::default());
        assert!(good.is_empty() && bad.is_empty(), "{bad:?}");
        let p = write_file(dir.path(), "u.csv", b"colour,shape\nred,round\n");
        let e = crate::open(&p, Format::Profiles, &Options::default())
            .err()
            .expect("an unknown header is an error");
        assert!(matches!(e, crate::OpenError::BadHeader { .. }), "{e}");
        let msg = e.to_string();
        assert!(
            msg.starts_with(&p.display().to_string())
                && msg.contains("colour")
                && msg.contains("shape"),
            "{msg}"
        );
    }

    #[test]
    fn id_less_csv_records_are_keyed_by_their_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let text = b"userFollowerCount,bio,isFake\n1,a,1\n\xff,b,1\n2,\"two\nlines\",0\n3,c,0\n4,\"open,0\n";
        let p = write_file(dir.path(), "f.csv", text);
        let (good, bad) = read_all(&p, Format::Profiles, &Options::default());
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert_eq!(ids(&good), ["f.csv:2", "f.csv:4", "f.csv:6"]);
        // Fixing the broken line changes no other key.
        let fixed = b"userFollowerCount,bio,isFake\n1,a,1\n9,b,1\n2,\"two\nlines\",0\n3,c,0\n";
        let p = write_file(dir.path(), "f.csv", fixed);
        let (good, _) = read_all(&p, Format::Profiles, &Options::default());
        assert_eq!(ids(&good), ["f.csv:2", "f.csv:3", "f.csv:4", "f.csv:6"]);
    }

    #[test]
    fn id_less_json_keys_lines_and_array_elements() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(
            dir.path(),
            "l.json",
            b"{\"followers\": 1}\n\n{\"followers\": \xff}\n{\"followers\": 2}\n",
        );
        let (good, bad) = read_all(&p, Format::Profiles, &Options::default());
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert_eq!(ids(&good), ["l.json:1", "l.json:4"]);
        let mut arr = b"[{\"followers\": 1}, {\"bio\": \"\xff\"}, {\"bio\": \"".to_vec();
        arr.extend_from_slice("x".repeat(200).as_bytes());
        arr.extend_from_slice(b"\"},\n 5, {\"followers\": 2}]");
        let p = write_file(dir.path(), "a.json", &arr);
        let opts = Options {
            max_line_bytes: 100,
            ..Options::default()
        };
        let (good, bad) = read_all(&p, Format::Profiles, &opts);
        assert_eq!(bad.len(), 3, "{bad:?}");
        assert_eq!(ids(&good), ["a.json:1", "a.json:5"]);
    }
}
