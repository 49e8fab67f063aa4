//! earshot's own JSON lines: one [`earshot_model::Event`] object per line; blank lines skipped.
//!
//! A record's platform must pass [`earshot_model::check_platform`]; [`Options::platform`] fills it in
//! when missing and overrides it when present. Ids, handles-as-ids and keys must be non-empty and weights
//! finite and ≥ 0; counts, handle ids and text are checked as `values` says. Times (`time`, `created_at`) must lie within the years 1900..=2100
//! ([`crate::time::MIN_TIME`]..=[`crate::time::MAX_TIME`]). A serde error names the JSON field it concerns (`time`, `actor.ext_id`) when it can be
//! told from the error, else `<json>`.

use crate::reader::{quote, ByteSource, LineReader};
use crate::{Ctx, Options, Record, Rejection};
use earshot_model::{check_platform, Event};

pub(crate) struct JsonlReader {
    lines: LineReader,
    ctx: Ctx,
    platform: Option<String>,
}

impl JsonlReader {
    pub fn new(src: ByteSource, ctx: Ctx, opts: &Options) -> Self {
        let lines = LineReader::new(src, ctx.file.clone(), opts.encoding, opts.max_line_bytes);
        JsonlReader {
            lines,
            ctx,
            platform: opts.platform.clone(),
        }
    }
}

impl Iterator for JsonlReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        let (ctx, platform) = (&self.ctx, self.platform.as_deref());
        self.lines.next_item(|line, text| {
            if text.trim().is_empty() {
                return None;
            }
            Some(
                parse_event(text, platform)
                    .map(|e| Record {
                        line,
                        events: vec![e],
                    })
                    .map_err(|(field, reason)| ctx.reject(line, &field, reason)),
            )
        })
    }
}

/// Parse and check one event; on failure the field name and the reason.
pub(crate) fn parse_event(text: &str, platform: Option<&str>) -> Result<Event, (String, String)> {
    // serde would also decode an event written as a positional array; that is an accident of the derive,
    // not part of the format (docs/jsonl.md), so only objects are accepted.
    if !text.trim_start().starts_with('{') {
        return Err(("<json>".into(), "expected a JSON object per line".into()));
    }
    let direct = crate::jsonl_scan::event(text).or_else(|| tagged_directly(text));
    let mut ev = match direct.map_or_else(|| serde_json::from_str::<Event>(text), Ok) {
        Ok(ev) => ev,
        Err(e) => {
            let missing_platform = e.to_string().starts_with("missing field `platform`");
            match platform {
                Some(p) if missing_platform => fill_platform(text, p)?,
                _ => return Err(serde_field(text, &e)),
            }
        }
    };
    if let Some(p) = platform {
        set_platform(&mut ev, p);
    }
    check_event(&ev)?;
    Ok(ev)
}

/// An event whose line starts with its tag (`{"type":"post",`, as earshot and most writers put it),
/// read straight into the variant's struct. serde reads an internally tagged enum by first buffering
/// the whole object as generic content, then reading the variant from that: a copy of every key and
/// value that was most of a generated import's parsing. The struct ignores the tag as it ignores any
/// field it does not know, so the result is the enum's; a line with a second `"type"` or any error goes
/// the general way, which says what is wrong exactly as before.
fn tagged_directly(text: &str) -> Option<Event> {
    let rest = text.strip_prefix(r#"{"type":""#)?;
    let tag = rest.split_once('"')?.0;
    if !rest[tag.len() + 1..].starts_with(',')
        || memchr::memmem::find_iter(text.as_bytes(), br#""type""#).count() != 1
    {
        return None;
    }
    match tag {
        "interaction" => serde_json::from_str(text).ok().map(Event::Interaction),
        "post" => serde_json::from_str(text).ok().map(Event::Post),
        "account" => serde_json::from_str(text).ok().map(Event::Account),
        _ => None,
    }
}

fn fill_platform(text: &str, p: &str) -> Result<Event, (String, String)> {
    let mut v: serde_json::Value = serde_json::from_str(text).map_err(|e| serde_field(text, &e))?;
    if let Some(obj) = v.as_object_mut() {
        obj.insert("platform".into(), serde_json::Value::String(p.to_string()));
    }
    serde_json::from_value(v).map_err(|e| {
        (
            field_in_message(&e.to_string()).unwrap_or("<json>".into()),
            e.to_string(),
        )
    })
}

fn set_platform(ev: &mut Event, p: &str) {
    let slot = match ev {
        Event::Account(a) => &mut a.platform,
        Event::Post(x) => &mut x.platform,
        Event::Interaction(i) => &mut i.platform,
    };
    *slot = p.to_string();
}

fn check_event(ev: &Event) -> Result<(), (String, String)> {
    let bad = |f: &str, why: String| Err((f.to_string(), why));
    if let Err(e) = check_platform(ev.platform()) {
        return bad("platform", e.to_string());
    }
    let empty = |s: &str| s.trim().is_empty();
    match ev {
        Event::Account(a) if empty(&a.ext_id) => bad("ext_id", "empty id".into()),
        Event::Post(p) if empty(&p.ext_id) => bad("ext_id", "empty id".into()),
        Event::Post(p) if empty(&p.author.ext_id) => bad("author.ext_id", "empty id".into()),
        Event::Interaction(i) if empty(&i.key) => bad("key", "empty key".into()),
        Event::Interaction(i) if empty(&i.actor.ext_id) => bad("actor.ext_id", "empty id".into()),
        Event::Interaction(i) if empty(&i.target.ext_id) => bad("target.ext_id", "empty id".into()),
        Event::Interaction(i) if !(i.weight.is_finite() && i.weight >= 0.0) => bad(
            "weight",
            format!("weight must be finite and ≥ 0, found {}", i.weight),
        ),
        _ => {
            check_times(ev)?;
            crate::values::check(ev)
        }
    }
}

/// Times are unix seconds; one far outside any plausible date (`9223372036854775807`) is a typo or junk.
fn check_times(ev: &Event) -> Result<(), (String, String)> {
    let (field, t) = match ev {
        Event::Account(a) => ("created_at", a.profile.created_at),
        Event::Post(p) => ("time", Some(p.time)),
        Event::Interaction(i) => ("time", i.time),
    };
    match t.map(crate::time::check_range) {
        Some(Err(e)) => Err((field.to_string(), e.0)),
        _ => Ok(()),
    }
}

/// The field a serde error is about. Events are internally tagged, so serde reports positions at the end
/// of the object; instead the field is found from the message: a missing field by name (inside `actor`,
/// `target` or `author` when that reference lacks it), a bad value by locating the quoted value in the line.
fn serde_field(text: &str, e: &serde_json::Error) -> (String, String) {
    let full = e.to_string();
    let msg = match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let with_text = |reason: String| format!("{reason} in {}", quote(text));
    if e.is_syntax() || e.is_eof() {
        return ("<json>".into(), with_text(format!("invalid JSON: {msg}")));
    }
    let value: Option<serde_json::Value> = serde_json::from_str(text).ok();
    let field = if let Some(f) = field_in_message(&msg) {
        let nested = ["actor", "target", "author"].into_iter().find(|k| {
            value
                .as_ref()
                .and_then(|v| v.get(k))
                .is_some_and(|r| r.is_object() && r.get(&f).is_none())
        });
        match nested {
            Some(k) if f == "ext_id" => format!("{k}.{f}"),
            _ => f,
        }
    } else {
        offending_literal(&msg)
            .and_then(|lit| value.as_ref().and_then(|v| find_value(v, &lit, "")))
            .unwrap_or_else(|| "<json>".to_string())
    };
    (field, with_text(msg))
}

fn field_in_message(msg: &str) -> Option<String> {
    for prefix in ["missing field `", "unknown field `", "duplicate field `"] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            return rest.split('`').next().map(str::to_string);
        }
    }
    None
}

/// The value a serde message complains about, as JSON: `invalid type: string "noon", expected i64` →
/// `"noon"`; `invalid value: integer `-3`, expected u64` → `-3`; `unknown variant `zap`` → `"zap"`.
fn offending_literal(msg: &str) -> Option<serde_json::Value> {
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        return rest
            .split('`')
            .next()
            .map(|v| serde_json::Value::String(v.to_string()));
    }
    let rest = msg
        .strip_prefix("invalid type: ")
        .or_else(|| msg.strip_prefix("invalid value: "))?;
    let body = rest.split(", expected").next()?;
    if let Some(s) = body.strip_prefix("string ") {
        return serde_json::from_str(s).ok();
    }
    for p in ["integer `", "floating point `", "boolean `"] {
        if let Some(v) = body.strip_prefix(p) {
            return serde_json::from_str(v.trim_end_matches('`')).ok();
        }
    }
    (body == "null").then_some(serde_json::Value::Null)
}

/// The dotted key path of the first scalar equal to `lit`.
fn find_value(v: &serde_json::Value, lit: &serde_json::Value, path: &str) -> Option<String> {
    match v {
        serde_json::Value::Object(m) => m.iter().find_map(|(k, x)| {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            find_value(x, lit, &p)
        }),
        serde_json::Value::Array(a) => a.iter().find_map(|x| find_value(x, lit, path)),
        x if x == lit || (x.as_f64().is_some() && x.as_f64() == lit.as_f64()) => {
            Some(path.to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn positional_arrays_are_not_events() {
        let err =
            super::parse_event(r#"["post","twitter","p1",{"ext_id":"1"},1]"#, None).unwrap_err();
        assert_eq!(err.0, "<json>");
        assert!(err.1.contains("object"), "{}", err.1);
    }

    use crate::test_util::{read_all, write_file};
    use crate::{Format, Options};

    /// The direct read of a tagged line gives what the enum's own read gives, and declines every line
    /// the enum's read refuses (so that its error is the one reported).
    #[test]
    fn reading_a_tagged_line_directly_matches_the_enum() {
        let lines = [
            r#"{"type":"interaction","platform":"t","key":"k","kind":"reply","actor":{"ext_id":"1","handle":"A"},"target":{"ext_id":"2"},"post":"p","time":5,"weight":2.5}"#,
            r#"{"type":"interaction","platform":"t","key":"k","kind":"like","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"time":5.0}"#,
            r#"{"type":"interaction","platform":"t","key":"k","kind":"like","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"extra":{"type":"x"}}"#,
            r#"{"type":"interaction","platform":"t","key":"k","kind":"like","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"type":"post"}"#,
            r#"{"type":"interaction","platform":"t","key":"k","key":"j","kind":"like","actor":{"ext_id":"1"},"target":{"ext_id":"2"}}"#,
            r#"{"type":"interaction","key":"k","kind":"like","actor":{"ext_id":"1"},"target":{"ext_id":"2"}}"#,
            r#"{"type":"interaction","platform":"t","key":"k","kind":"hug","actor":{"ext_id":"1"},"target":{"ext_id":"2"}}"#,
            r#"{"type":"post","platform":"t","ext_id":"p\u00e9\"q","author":{"ext_id":"1"},"time":7,"text":"the \"type\": a\nb 😀","reply_to":"p0"}"#,
            r#"{"type":"post","platform":"t","ext_id":"p","author":{"ext_id":"1"},"time":7,"text":"type","quote_of":null}"#,
            r#"{"type":"post","platform":"t","ext_id":"p","author":{"ext_id":"1"},"time":-7,"reshare_of":"x","unknown":[1,2,{"a":null}]}"#,
            r#"{"type":"post","platform":"t","ext_id":"p","author":"1","time":7}"#,
            r#"{"type":"account","platform":"t","ext_id":"1","handle":"h","followers":10,"verified":false,"label":"bot","bio":"x"}"#,
            r#"{"type":"account","platform":"t","ext_id":"1","followers":-1}"#,
            r#"{"type":"account","platform":"t","ext_id":"1","links":["a","b"],"created_at":100}"#,
            r#"{"type":"acount","platform":"t","ext_id":"1"}"#,
            r#"{"type":"post"}"#,
            r#"{"type":"post" ,"platform":"t","ext_id":"p","author":{"ext_id":"1"},"time":7}"#,
            r#"{"platform":"t","type":"post","ext_id":"p","author":{"ext_id":"1"},"time":7}"#,
            r#"{"type":"post","platform":"t","ext_id":"p","author":{"ext_id":"1"},"time":7} trailing"#,
        ];
        let mut direct = Vec::new();
        for (n, line) in lines.iter().enumerate() {
            let general = serde_json::from_str::<earshot_model::Event>(line);
            if let Some(ev) = super::tagged_directly(line) {
                direct.push(n);
                assert_eq!(general.as_ref().ok(), Some(&ev), "{line}");
            }
        }
        // Declined: a time written as a float, a second `"type"` (a nested key, a text), a duplicate
        // or missing field, an unknown kind or tag, an author that is not an object, a negative count,
        // a space before the comma, the tag not first, trailing text.
        assert_eq!(direct, [0, 7, 9, 11, 13]);
    }

    #[test]
    fn events_and_precise_rejections() {
        let dir = tempfile::tempdir().unwrap();
        let lines = [
            r#"{"type":"account","platform":"twitter","ext_id":"1","handle":"a","followers":5}"#,
            "",
            r#"{"type":"interaction","platform":"twitter","key":"k1","kind":"reshare","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"time":1341100972}"#,
            r#"{"type":"post","platform":"twitter","ext_id":"p1","author":{"ext_id":"1"}}"#,
            r#"{"type":"interaction","platform":"twitter","key":"k2","kind":"reshare","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"time":"noon"}"#,
            r#"{"type":"interaction","platform":"Twitter","key":"k3","kind":"like","actor":{"ext_id":"1"},"target":{"ext_id":"2"}}"#,
            r#"{"type":"interaction","platform":"twitter","key":"k4","kind":"like","actor":{"ext_id":""},"target":{"ext_id":"2"}}"#,
            r#"{"type":"account","platform":"twitter","ext_id":"1","followers":-3}"#,
            r#"{"type":"account","platform":"twitter""#,
            r#"{"type":"interaction","platform":"twitter","key":"k5","kind":"zap","actor":{"ext_id":"1"},"target":{"ext_id":"2"}}"#,
            r#"{"type":"post","platform":"twitter","ext_id":"p1","author":{"handle":"x"},"time":5}"#,
        ];
        let p = write_file(dir.path(), "e.jsonl", lines.join("\n").as_bytes());
        let (good, bad) = read_all(&p, Format::Jsonl, &Options::default());
        assert_eq!(good.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 3]);
        let fields: Vec<String> = bad
            .iter()
            .map(|b| b.split(": ").take(2).collect::<Vec<_>>().join(": "))
            .collect();
        let f = p.display();
        assert_eq!(
            fields,
            [
                format!("{f}:4: time"),
                format!("{f}:5: time"),
                format!("{f}:6: platform"),
                format!("{f}:7: actor.ext_id"),
                format!("{f}:8: followers"),
                format!("{f}:9: <json>"),
                format!("{f}:10: kind"),
                format!("{f}:11: author.ext_id"),
            ]
        );
    }

    /// Values the format does not allow, which serde alone would take (issue 19, finding 6): a count
    /// above what the store keeps (it was stored as 2^63-1), a handle id not lower-cased (one handle
    /// became two accounts), and NUL bytes in ids or text.
    #[test]
    fn values_outside_the_format_are_rejected_with_their_field() {
        let dir = tempfile::tempdir().unwrap();
        let lines = [
            r#"{"type":"account","platform":"t","ext_id":"1","followers":18446744073709551615}"#,
            r#"{"type":"account","platform":"t","ext_id":"1","listed":9223372036854775808}"#,
            r#"{"type":"account","platform":"t","ext_id":"1","followers":9223372036854775807}"#,
            r#"{"type":"account","platform":"t","ext_id":"@UPPER"}"#,
            r#"{"type":"interaction","platform":"t","key":"k","kind":"like","actor":{"ext_id":"@Ann"},"target":{"ext_id":"2"}}"#,
            r#"{"type":"post","platform":"t","ext_id":"p","author":{"ext_id":"@ann","handle":"Ann"},"time":1341100972}"#,
            r#"{"type":"post","platform":"t","ext_id":"p\u0000","author":{"ext_id":"1"},"time":1341100972}"#,
            r#"{"type":"post","platform":"t","ext_id":"p","author":{"ext_id":"1"},"time":1341100972,"text":"a\u0000b"}"#,
            r#"{"type":"interaction","platform":"t","key":"k\u0000","kind":"like","actor":{"ext_id":"1"},"target":{"ext_id":"2"}}"#,
            r#"{"type":"account","platform":"t","ext_id":"1","bio":"\u0000"}"#,
            r#"{"type":"interaction","platform":"t","key":"k","kind":"like","actor":{"ext_id":"1"},"target":{"ext_id":"2","handle":"x\u0000"}}"#,
        ];
        let p = write_file(dir.path(), "e.jsonl", lines.join("\n").as_bytes());
        let (good, bad) = read_all(&p, Format::Jsonl, &Options::default());
        assert_eq!(
            good.iter().map(|r| r.line).collect::<Vec<_>>(),
            [3, 6],
            "{bad:?}"
        );
        let f = p.display();
        let fields: Vec<String> = bad
            .iter()
            .map(|b| b.split(": ").take(2).collect::<Vec<_>>().join(": "))
            .collect();
        assert_eq!(
            fields,
            [
                format!("{f}:1: followers"),
                format!("{f}:2: listed"),
                format!("{f}:4: ext_id"),
                format!("{f}:5: actor.ext_id"),
                format!("{f}:7: ext_id"),
                format!("{f}:8: text"),
                format!("{f}:9: key"),
                format!("{f}:10: bio"),
                format!("{f}:11: target.handle"),
            ]
        );
        assert!(bad[0].contains("18446744073709551615"), "{}", bad[0]);
        assert!(bad[2].contains("\"@upper\""), "{}", bad[2]);
        assert!(bad[4].contains("NUL"), "{}", bad[4]);
    }

    #[test]
    fn option_platform_fills_and_overrides() {
        let dir = tempfile::tempdir().unwrap();
        let text = "{\"type\":\"account\",\"ext_id\":\"1\"}\n{\"type\":\"account\",\"platform\":\"x\",\"ext_id\":\"2\"}\n";
        let p = write_file(dir.path(), "e.jsonl", text.as_bytes());
        let opts = Options {
            platform: Some("mastodon".into()),
            ..Options::default()
        };
        let (good, bad) = read_all(&p, Format::Jsonl, &opts);
        assert!(bad.is_empty(), "{bad:?}");
        assert!(good.iter().all(|r| r.events[0].platform() == "mastodon"));
    }

    #[test]
    fn times_outside_1900_to_2100_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let lines = [
            format!(
                r#"{{"type":"post","platform":"t","ext_id":"p","author":{{"ext_id":"1"}},"time":{}}}"#,
                i64::MAX
            ),
            format!(
                r#"{{"type":"interaction","platform":"t","key":"k","kind":"like","actor":{{"ext_id":"1"}},"target":{{"ext_id":"2"}},"time":{}}}"#,
                i64::MIN
            ),
            format!(
                r#"{{"type":"account","platform":"t","ext_id":"1","created_at":{}}}"#,
                4_133_980_800i64
            ),
            format!(
                r#"{{"type":"account","platform":"t","ext_id":"1","created_at":{}}}"#,
                -2_208_988_801i64
            ),
            // The edges of the range are accepted: 1900-01-01 00:00:00 and 2100-12-31 23:59:59.
            format!(
                r#"{{"type":"account","platform":"t","ext_id":"1","created_at":{}}}"#,
                -2_208_988_800i64
            ),
            format!(
                r#"{{"type":"post","platform":"t","ext_id":"p","author":{{"ext_id":"1"}},"time":{}}}"#,
                4_133_980_799i64
            ),
        ];
        let p = write_file(dir.path(), "t.jsonl", lines.join("\n").as_bytes());
        let (good, bad) = read_all(&p, Format::Jsonl, &Options::default());
        assert_eq!(good.iter().map(|r| r.line).collect::<Vec<_>>(), [5, 6]);
        let f = p.display();
        let fields: Vec<String> = bad
            .iter()
            .map(|b| b.split(": ").take(2).collect::<Vec<_>>().join(": "))
            .collect();
        assert_eq!(
            fields,
            [
                format!("{f}:1: time"),
                format!("{f}:2: time"),
                format!("{f}:3: created_at"),
                format!("{f}:4: created_at"),
            ]
        );
        assert!(
            bad[0].contains("1900") && bad[0].contains("2100"),
            "{bad:?}"
        );
    }
}
