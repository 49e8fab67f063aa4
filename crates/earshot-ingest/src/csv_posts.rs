//! CSV posts (a social-listening export) with a column mapping `field=column`.
//!
//! Fields: `author` (handle column) and/or `author_id`, `time` (required); `id`, `name` (author's display
//! name), `text`, `reply_to`, `quote_of`, `reshare_of`, `mentions` (explicit handles, separated by spaces,
//! commas or semicolons). An unmapped field uses a header column of the same name if there is one.
//! `author=-` declares that the input has no author column: each row then gets its own anonymous author
//! with ext_id `source:line`.
//!
//! Each row gives an [`Account`] event for the author, a [`Post`], and one `mention` [`Interaction`] per
//! distinct `@handle` in the text (`@` + 1–50 of `[A-Za-z0-9_]`, not preceded by a letter, digit or `_`, so
//! e-mail addresses are not mentions; case-insensitive; self-mentions excluded), keyed
//! `{post_ext_id}#m{n}` in order of first appearance. The reply, quote or reshare a row's `reply_to`,
//! `quote_of` or `reshare_of` implies is not emitted here: the store makes it from the post, once the
//! referenced post's author is known (earshot-store's `implied` module; docs/jsonl.md, "Threads").
//!
//! The post's ext_id is the `id` value when it is a usable id; an Excel-mangled id (`5.70306E+17`: many
//! tweets share it) or an empty one is replaced by `source:line` (the record's first line), and the number
//! of such rows is reported as one [`crate::Warning`] at the end. Identity of the author: `author_id` when
//! mapped and usable, with the handle attached; else [`AccountRef::by_handle`].

use crate::csv_rec::{CsvRecord, CsvRecords};
use crate::fields::{is_clean_id, is_excel_mangled};
use crate::reader::{quote, ByteSource, LineReader};
use crate::time::parse_time;
use crate::{Ctx, DateOrder, OpenError, Options, Record, Rejection};
use earshot_model::{Account, AccountRef, Event, Interaction, InteractionKind, Post};
use std::collections::HashSet;

const FIELDS: [&str; 10] = [
    "id",
    "author",
    "author_id",
    "name",
    "text",
    "time",
    "reply_to",
    "quote_of",
    "reshare_of",
    "mentions",
];

/// Column index of each mapped field, in [`FIELDS`] order; `None` = not mapped.
struct Columns {
    idx: [Option<usize>; 10],
    names: Vec<String>,
    anonymous: bool,
}

impl Columns {
    fn get<'a>(&self, field: &str, rec: &'a CsvRecord) -> Option<&'a str> {
        let i = FIELDS.iter().position(|f| *f == field)?;
        self.idx[i]
            .and_then(|c| rec.fields.get(c))
            .map(|s| s.trim())
    }

    fn column<'a>(&'a self, field: &'a str) -> &'a str {
        FIELDS
            .iter()
            .position(|f| *f == field)
            .and_then(|i| self.idx[i])
            .and_then(|c| self.names.get(c))
            .map_or(field, |s| s.as_str())
    }
}

pub(crate) struct CsvPostReader {
    recs: CsvRecords,
    ctx: Ctx,
    cols: Columns,
    platform: String,
    order: DateOrder,
    mangled: u64,
    example: Option<String>,
    no_id: u64,
    finished: bool,
}

/// Read the header record and resolve the mapping against it.
pub(crate) fn read_header(recs: &mut CsvRecords, ctx: &Ctx) -> Result<Vec<String>, OpenError> {
    let bad = |reason: String| OpenError::BadHeader {
        path: ctx.path.clone(),
        reason,
    };
    match recs.next_record() {
        None => Err(bad("empty file: no header row".into())),
        Some(Err(r)) => Err(bad(format!("header row: {}: {}", r.field, r.reason))),
        Some(Ok(h)) => Ok(h.fields.iter().map(|s| s.trim().to_string()).collect()),
    }
}

/// Find `column` in the header (exact, then case-insensitive).
pub(crate) fn find_column(header: &[String], column: &str) -> Option<usize> {
    header
        .iter()
        .position(|h| h == column)
        .or_else(|| header.iter().position(|h| h.eq_ignore_ascii_case(column)))
}

impl CsvPostReader {
    pub fn new(src: ByteSource, ctx: Ctx, opts: &Options) -> Result<Self, OpenError> {
        let lines = LineReader::new(src, ctx.file.clone(), opts.encoding, opts.max_line_bytes);
        let mut recs = CsvRecords::new(lines, opts.max_line_bytes);
        let header = read_header(&mut recs, &ctx)?;
        let mut idx = [None; 10];
        let mut anonymous = false;
        for (field, column) in &opts.map {
            let Some(i) = FIELDS.iter().position(|f| f == field) else {
                return Err(OpenError::BadOption(format!(
                    "unknown post field {field:?} in mapping (known: {})",
                    FIELDS.join(", ")
                )));
            };
            if field == "author" && column == "-" {
                anonymous = true;
                continue;
            }
            idx[i] = Some(
                find_column(&header, column).ok_or_else(|| OpenError::BadHeader {
                    path: ctx.path.clone(),
                    reason: format!(
                        "no column {column:?} (mapped to {field}) in header {header:?}"
                    ),
                })?,
            );
        }
        for (i, f) in FIELDS.iter().enumerate() {
            let mapped = opts.map.iter().any(|(k, _)| k == f);
            if idx[i].is_none() && !mapped {
                idx[i] = find_column(&header, f);
            }
        }
        let has = |f: &str| {
            FIELDS
                .iter()
                .position(|x| *x == f)
                .is_some_and(|i| idx[i].is_some())
        };
        if !has("time") || !(has("author") || has("author_id") || anonymous) {
            return Err(OpenError::BadHeader {
                path: ctx.path.clone(),
                reason: format!(
                    "posts need a time and an author column: map time=COLUMN and author=COLUMN (or author=- when \
                     there is none); header: {header:?}"
                ),
            });
        }
        Ok(CsvPostReader {
            recs,
            platform: opts
                .platform
                .clone()
                .unwrap_or_else(|| "twitter".to_string()),
            order: opts.date_order,
            cols: Columns {
                idx,
                names: header,
                anonymous,
            },
            ctx,
            mangled: 0,
            example: None,
            no_id: 0,
            finished: false,
        })
    }

    fn row(&mut self, rec: &CsvRecord) -> Result<Record, Rejection> {
        let line = rec.line;
        let cols = &self.cols;
        let reject =
            |field: &str, reason: String| self.ctx.reject(line, cols.column(field), reason);
        if rec.fields.len() != cols.names.len() {
            let reason = format!(
                "expected {} fields as in the header, found {}",
                cols.names.len(),
                rec.fields.len()
            );
            return Err(self.ctx.reject(line, "<line>", reason));
        }
        let fallback = format!("{}:{}", self.ctx.source, line);
        let handle = cols
            .get("author", rec)
            .map(crate::fields::clean)
            .filter(|h| !h.is_empty());
        let author_id = cols.get("author_id", rec).filter(|v| !v.is_empty());
        let author = match (author_id, handle) {
            (Some(id), h) if is_clean_id(id) => AccountRef {
                ext_id: id.to_string(),
                handle: h.map(str::to_string),
            },
            (_, Some(h)) => AccountRef::by_handle(h),
            (Some(id), None) => {
                return Err(reject(
                    "author_id",
                    format!("not a usable id: {}", quote(id)),
                ))
            }
            (None, None) if cols.anonymous => AccountRef::by_id(fallback.clone()),
            (None, None) => {
                let f = if cols.get("author", rec).is_some() {
                    "author"
                } else {
                    "author_id"
                };
                return Err(reject(f, "empty".into()));
            }
        };
        let time_s = cols.get("time", rec).unwrap_or("");
        let time = parse_time(time_s, self.order).map_err(|e| reject("time", e.0))?;
        let ext_id = match cols.get("id", rec) {
            Some(id) if is_clean_id(id) => id.to_string(),
            Some(id) if is_excel_mangled(id) => {
                self.mangled += 1;
                self.example.get_or_insert_with(|| id.to_string());
                fallback.clone()
            }
            _ => {
                if cols.idx[0].is_some() {
                    self.no_id += 1;
                }
                fallback.clone()
            }
        };
        let post_ref = |f: &str| {
            cols.get(f, rec)
                .filter(|v| is_clean_id(v))
                .map(str::to_string)
        };
        let text = cols
            .get("text", rec)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        // Distinct handles (case-insensitive) in order of first appearance; a set keeps this linear.
        let mut handles: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let own = author.handle.as_deref().map(str::to_lowercase);
        let mut add = |h: &str| {
            let l = h.to_lowercase();
            if Some(&l) != own.as_ref() && seen.insert(l) {
                handles.push(h.to_string());
            }
        };
        if let Some(t) = &text {
            for h in mentions(t) {
                add(h);
            }
        }
        if let Some(m) = cols.get("mentions", rec) {
            for h in m
                .split([' ', ',', ';'])
                .map(|h| h.trim().trim_start_matches('@'))
                .filter(|h| !h.is_empty())
            {
                add(h);
            }
        }
        let p = &self.platform;
        let mut events = Vec::with_capacity(2 + handles.len());
        events.push(Event::Account(Account {
            platform: p.clone(),
            ext_id: author.ext_id.clone(),
            handle: author.handle.clone(),
            display_name: cols
                .get("name", rec)
                .filter(|v| !v.is_empty())
                .map(str::to_string),
            ..Account::default()
        }));
        for (n, h) in handles.iter().enumerate() {
            events.push(Event::Interaction(Interaction {
                platform: p.clone(),
                key: format!("{ext_id}#m{n}"),
                kind: InteractionKind::Mention,
                actor: author.clone(),
                target: AccountRef::by_handle(h),
                post: Some(ext_id.clone()),
                time: Some(time),
                weight: 1.0,
            }));
        }
        events.insert(
            1,
            Event::Post(Post {
                platform: p.clone(),
                ext_id,
                author,
                time,
                text,
                reply_to: post_ref("reply_to"),
                quote_of: post_ref("quote_of"),
                reshare_of: post_ref("reshare_of"),
            }),
        );
        Ok(Record { line, events })
    }

    fn finish(&mut self) {
        self.finished = true;
        let col = self.cols.column("id").to_string();
        if self.mangled > 0 {
            let msg = format!(
                "{} values of column {col:?} are Excel-mangled numbers (e.g. {}), not usable as ids; those posts \
                 are keyed source:line instead",
                self.mangled,
                quote(self.example.as_deref().unwrap_or(""))
            );
            self.ctx.warn(0, msg);
        }
        if self.no_id > 0 {
            self.ctx.warn(
                0,
                format!(
                    "{} rows have no usable {col:?}; keyed source:line instead",
                    self.no_id
                ),
            );
        }
    }
}

/// The `@handles` in a text, in order (without the `@`): `@` and 1–50 of `[A-Za-z0-9_]`, where the `@` does
/// not follow a letter, digit or `_` (so `a@b.com` is no mention, `“@united:` is one).
pub(crate) fn mentions(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // `@` is ASCII, so `i` is a char boundary whenever `b[i]` is `@`.
        if b[i] == b'@'
            && !text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            let start = i + 1;
            let mut end = start;
            while end < b.len() && word(b[end]) {
                end += 1;
            }
            if (1..=50).contains(&(end - start)) {
                out.push(&text[start..end]);
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

impl Iterator for CsvPostReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.recs.next_record() {
            Some(Ok(rec)) => Some(self.row(&rec)),
            Some(Err(r)) => Some(Err(r)),
            None => {
                if !self.finished {
                    self.finish();
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::mentions;
    use crate::test_util::{read_all, write_file};
    use crate::{Format, Options};
    use earshot_model::Event;

    #[test]
    fn mention_scan() {
        assert_eq!(
            mentions("@VirginAmerica What @dhepburn said. mail a@b.com (@x_1)"),
            ["VirginAmerica", "dhepburn", "x_1"]
        );
        assert_eq!(mentions("@ @@a é@b _@c “@d:"), ["a", "d"]);
        assert!(mentions(&format!("@{}", "a".repeat(51))).is_empty());
    }

    fn map(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn rows_to_account_post_and_mentions() {
        let dir = tempfile::tempdir().unwrap();
        let text = "tweet_id,who,body,when\n\
            5.70306E+17,Alice,\"@Bob hi @bob and @alice, mail x@y.z\nsecond line\",24-02-2015 11.35\n\
            123,Carol,no mentions,2/24/2015 11:35\n\
            124,,orphan,2/24/2015 11:35\n\
            125,Dan,bad date,yesterday\n\
            126,Eve,short row\n";
        let p = write_file(dir.path(), "t.csv", text.as_bytes());
        let opts = Options {
            map: map(&[
                ("id", "tweet_id"),
                ("author", "who"),
                ("text", "body"),
                ("time", "when"),
            ]),
            ..Options::default()
        };
        let (it, progress) = crate::open(&p, Format::Csv, &opts).unwrap();
        let all: Vec<_> = it.collect();
        let f = p.display();
        let bad: Vec<String> = all
            .iter()
            .filter_map(|r| r.as_ref().err().map(|e| e.to_string()))
            .collect();
        assert_eq!(
            bad,
            [
                format!("{f}:5: who: empty"),
                format!("{f}:6: when: \"yesterday\": not a recognised date"),
                format!("{f}:7: <line>: expected 4 fields as in the header, found 3"),
            ]
        );
        let good: Vec<_> = all.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(good.len(), 2);
        assert_eq!(good[0].line, 2);
        let Event::Post(post) = &good[0].events[1] else {
            panic!()
        };
        assert_eq!(post.ext_id, "t.csv:2");
        assert_eq!(post.author.ext_id, "@alice");
        assert_eq!(earshot_model::format_utc(post.time), "2015-02-24 11:35:00");
        let keys: Vec<String> = good[0]
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Interaction(i) => Some(format!("{} {}", i.key, i.target.ext_id)),
                _ => None,
            })
            .collect();
        assert_eq!(keys, ["t.csv:2#m0 @bob"]);
        let Event::Post(p2) = &good[1].events[1] else {
            panic!()
        };
        assert_eq!((p2.ext_id.as_str(), good[1].events.len()), ("123", 2));
        let w = progress.warnings();
        assert_eq!(w.len(), 1);
        assert!(
            w[0].message
                .starts_with("1 values of column \"tweet_id\" are Excel-mangled"),
            "{w:?}"
        );
    }

    #[test]
    fn header_and_mapping_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "t.csv", b"a,b\n1,2\n");
        let opts = Options {
            map: map(&[("author", "a"), ("time", "zz")]),
            ..Options::default()
        };
        assert!(matches!(
            crate::open(&p, Format::Csv, &opts),
            Err(crate::OpenError::BadHeader { .. })
        ));
        let opts = Options {
            map: map(&[("writer", "a")]),
            ..Options::default()
        };
        assert!(matches!(
            crate::open(&p, Format::Csv, &opts),
            Err(crate::OpenError::BadOption(_))
        ));
        let opts = Options {
            map: map(&[("author", "-"), ("time", "b")]),
            ..Options::default()
        };
        let (good, bad) = read_all(&p, Format::Csv, &opts);
        assert!(bad.is_empty(), "{bad:?}");
        let Event::Post(post) = &good[0].events[1] else {
            panic!()
        };
        assert_eq!(post.author.ext_id, "t.csv:2");
    }

    #[test]
    fn many_mentions_are_deduplicated_in_linear_time() {
        let dir = tempfile::tempdir().unwrap();
        let n = 50_000;
        let mut body: String = (0..n).map(|i| format!("@u{i} ")).collect();
        body.push_str("@U1 @u0 @Me @u2");
        let text = format!("who,time,text\nme,2015-02-24 11:35,{body}\n");
        let p = write_file(dir.path(), "m.csv", text.as_bytes());
        let opts = Options {
            map: map(&[("author", "who")]),
            ..Options::default()
        };
        let started = std::time::Instant::now();
        let (good, bad) = read_all(&p, Format::Csv, &opts);
        let took = started.elapsed();
        assert!(bad.is_empty(), "{bad:?}");
        let keys: Vec<(String, String)> = good[0]
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Interaction(i) => Some((i.key.clone(), i.target.ext_id.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(keys.len(), n);
        assert_eq!(keys[0], ("m.csv:2#m0".to_string(), "@u0".to_string()));
        assert_eq!(keys[n - 1].1, format!("@u{}", n - 1));
        assert!(took.as_secs_f64() < 3.0, "took {took:?}");
    }

    #[test]
    fn header_only_is_empty_and_bom_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let opts = Options {
            map: map(&[("author", "who")]),
            ..Options::default()
        };
        let p = write_file(dir.path(), "h.csv", b"\xef\xbb\xbfwho,time\n");
        let (good, bad) = read_all(&p, Format::Csv, &opts);
        assert!(good.is_empty() && bad.is_empty(), "{bad:?}");
        let p = write_file(dir.path(), "h.csv", b"\xef\xbb\xbftime,who\n2015-02-24,a\n");
        let (good, bad) = read_all(&p, Format::Csv, &opts);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good.len(), 1);
    }
}
