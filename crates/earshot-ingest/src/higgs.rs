//! The Higgs activity format: `userA userB unix_ts RT|MT|RE`, whitespace-separated.
//!
//! `A` retweeted / mentioned / replied to `B`: actor `A`, target `B`. Blank lines and `#` comments are
//! skipped. Keys are `source:line`. This is the import benchmark's path, so it avoids per-line allocation
//! beyond the event itself.

use crate::fields::numeric_id;
use crate::reader::{platform_from_source, quote, ByteSource, LineReader};
use crate::time::parse_unix;
use crate::{line_key, Ctx, Options, Record, Rejection};
use earshot_model::{AccountRef, Event, Interaction, InteractionKind};

pub(crate) struct HiggsReader {
    lines: LineReader,
    ctx: Ctx,
    platform: String,
}

impl HiggsReader {
    pub fn new(src: ByteSource, ctx: Ctx, opts: &Options) -> Self {
        let platform = opts
            .platform
            .clone()
            .unwrap_or_else(|| platform_from_source(&ctx.source));
        let lines = LineReader::new(src, ctx.file.clone(), opts.encoding, opts.max_line_bytes);
        HiggsReader {
            lines,
            ctx,
            platform,
        }
    }
}

fn kind_of(s: &str) -> Result<InteractionKind, String> {
    match s {
        "RT" => Ok(InteractionKind::Reshare),
        "MT" => Ok(InteractionKind::Mention),
        "RE" => Ok(InteractionKind::Reply),
        _ => s
            .parse::<InteractionKind>()
            .map_err(|_| format!("unknown kind {} (expected RT, MT or RE)", quote(s))),
    }
}

/// The common case of a unix time: 1 to 10 digits within range. `None`: let `parse_unix` decide.
fn fast_unix(t: &str) -> Option<i64> {
    if t.is_empty() || t.len() > 10 {
        return None;
    }
    let mut v: i64 = 0;
    for &b in t.as_bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(b - b'0');
    }
    (v <= crate::time::MAX_UNIX).then_some(v)
}

/// Parse one line's fields, or name the bad field.
fn parse_line(text: &str) -> Result<(&str, &str, i64, InteractionKind), (&'static str, String)> {
    let mut it = text.split_ascii_whitespace();
    let mut field = |name: &'static str| it.next().ok_or((name, "missing".to_string()));
    let (a, b, t, k) = (
        field("actor")?,
        field("target")?,
        field("time")?,
        field("kind")?,
    );
    let actor = numeric_id(a).map_err(|e| ("actor", e))?;
    let target = numeric_id(b).map_err(|e| ("target", e))?;
    let time = fast_unix(t).map_or_else(|| parse_unix(t).map_err(|e| ("time", e.0)), Ok)?;
    let kind = kind_of(k).map_err(|e| ("kind", e))?;
    let extra = text.split_ascii_whitespace().count();
    if extra > 4 {
        return Err((
            "<line>",
            format!("expected 4 fields (userA userB unix_ts kind), found {extra}"),
        ));
    }
    Ok((actor, target, time, kind))
}

impl Iterator for HiggsReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        let (ctx, platform) = (&self.ctx, &self.platform);
        self.lines.next_item(|line, text| {
            let trimmed = text.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                return None;
            }
            Some(match parse_line(trimmed) {
                Ok((actor, target, time, kind)) => {
                    let ev = Event::Interaction(Interaction {
                        platform: platform.clone(),
                        key: line_key(&ctx.source, line),
                        kind,
                        actor: AccountRef::by_id(actor),
                        target: AccountRef::by_id(target),
                        post: None,
                        time: Some(time),
                        weight: 1.0,
                    });
                    Ok(Record {
                        line,
                        events: vec![ev],
                    })
                }
                Err((field, reason)) => Err(ctx.reject(line, field, reason)),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::{read_all, write_file, write_gz};
    use crate::{Format, Options};

    #[test]
    fn parses_good_lines_and_rejects_each_bad_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut data =
            b"# comment\n1 2 1341100972 RT\r\n3 4 1341100973 MT\n\n5 6 1341100974 RE\n".to_vec();
        data.extend_from_slice(b"7 8 1341100975 XX\n"); // 6 bad kind
        data.extend_from_slice(b"7 8 1341100975\n"); // 7 missing kind
        data.extend_from_slice(b"7 8 13411009x5 RT\n"); // 8 bad time
        data.extend_from_slice(b"7 8 99999999999 RT\n"); // 9 absurd time
        data.extend_from_slice(b"-7 8 1341100975 RT\n"); // 10 negative id
        data.extend_from_slice(b"7 \xff 1341100975 RT\n"); // 11 bad utf-8
        data.extend_from_slice(&[b'9'; 300]); // 12 huge line
        data.extend_from_slice(b"\n7 x 1341100975 RT\n"); // 13 non-numeric target
        data.extend_from_slice(b"7 8 1341100975 RT extra\n"); // 14 extra field
        data.extend_from_slice(b"9 10 1341100976 rt"); // 15 good, no final newline
        let p = write_file(dir.path(), "h.txt", &data);
        let opts = Options {
            max_line_bytes: 200,
            ..Options::default()
        };
        let (good, bad) = read_all(&p, Format::Higgs, &opts);
        let f = p.display().to_string();
        let expect = [
            "6: kind: unknown kind \"XX\" (expected RT, MT or RE)",
            "7: kind: missing",
            "8: time: \"13411009x5\": not a unix time (integer seconds)",
            "9: time: \"99999999999\": unix time after 2099",
            "10: actor: negative id \"-7\"",
            "11: <line>: invalid UTF-8 at byte 3 (if the file is latin-1, pass --encoding latin1)",
            "12: <line>: line of 300 bytes is longer than the limit of 200 bytes (skipped)",
            "13: target: not a numeric id: \"x\"",
            "14: <line>: expected 4 fields (userA userB unix_ts kind), found 5",
        ];
        let expect: Vec<String> = expect.iter().map(|e| format!("{f}:{e}")).collect();
        assert_eq!(bad, expect);
        let lines: Vec<u64> = good.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 5, 15]);
        let earshot_model::Event::Interaction(i) = &good[0].events[0] else {
            panic!()
        };
        assert_eq!(i.platform, "h");
        assert_eq!(i.key, "h.txt:2");
        assert_eq!(
            (i.actor.ext_id.as_str(), i.target.ext_id.as_str()),
            ("1", "2")
        );
        assert_eq!(i.kind, earshot_model::InteractionKind::Reshare);
        assert_eq!(i.time, Some(1_341_100_972));
    }

    #[test]
    fn truncated_gzip_yields_lines_before_the_cut_and_one_stream_rejection() {
        let dir = tempfile::tempdir().unwrap();
        let mut body = String::new();
        for i in 0..20_000 {
            body.push_str(&format!("{i} {} {} RT\n", i + 1, 1_341_100_972 + i));
        }
        let full = write_gz(dir.path(), "full.txt.gz", body.as_bytes());
        let bytes = std::fs::read(&full).unwrap();
        let cut = write_file(dir.path(), "cut.txt.gz", &bytes[..bytes.len() / 2]);
        let (good, bad) = read_all(&cut, Format::Higgs, &Options::default());
        assert!(good.len() > 1000 && good.len() < 20_000, "{}", good.len());
        for (n, r) in good.iter().enumerate() {
            assert_eq!(r.line, n as u64 + 1);
        }
        assert_eq!(bad.len(), 1);
        let want = format!(
            "{}:{}: <stream>: gzip stream truncated: unexpected end of file",
            cut.display(),
            good.len() + 1
        );
        assert_eq!(bad[0], want);
        // The whole file reads completely and counts its compressed bytes.
        let (mut it, progress) = crate::open(&full, Format::Higgs, &Options::default()).unwrap();
        assert_eq!(it.by_ref().count(), 20_000);
        assert_eq!(progress.bytes_read(), bytes.len() as u64);
        assert_eq!(progress.file_size(), bytes.len() as u64);
    }
}
