//! docs/earshot-events.schema.json must accept exactly what `earshot_model::Event`'s serde accepts, and the
//! examples in docs/jsonl.md must be valid for both.

use earshot_model::Event;
use serde_json::Value;

fn schema() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/earshot-events.schema.json"
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::meta::validate(&schema).expect("the schema is itself a valid JSON Schema");
    jsonschema::draft202012::new(&schema).expect("schema compiles")
}

fn serde_accepts(line: &str) -> bool {
    serde_json::from_str::<Event>(line).is_ok()
}

/// Lines on which serde and the schema agree.
const PROBES: &[&str] = &[
    // accounts
    r#"{"type":"account","platform":"twitter","ext_id":"1"}"#,
    r#"{"platform":"twitter","type":"account","ext_id":"1"}"#,
    r#"{"type":"account","platform":"twitter","ext_id":"1","handle":"Bob","display_name":"Bob B","followers":10,"following":0,"post_count":3,"created_at":-5,"bio":"hi","url":"https://x.invalid","verified":false,"default_avatar":true,"private":false,"label":"bot"}"#,
    r#"{"type":"account","platform":"twitter","ext_id":"1","handle":null,"display_name":null,"followers":null,"following":null,"post_count":null,"created_at":null,"bio":null,"url":null,"verified":null,"default_avatar":null,"private":null,"label":null}"#,
    r#"{"type":"account","platform":"twitter","ext_id":"1","unknown":[1,2],"profile":{"x":1}}"#,
    r#"{"type":"account","platform":"twitter","ext_id":"1","followers":9223372036854775807}"#,
    r#"{"type":"account","platform":"twitter"}"#,
    r#"{"type":"account","platform":"twitter","ext_id":1}"#,
    r#"{"type":"account","platform":"twitter","ext_id":null}"#,
    r#"{"type":"account","platform":"twitter","ext_id":"1","followers":-1}"#,
    r#"{"type":"account","platform":"twitter","ext_id":"1","followers":1.5}"#,
    r#"{"type":"account","platform":"twitter","ext_id":"1","followers":"10"}"#,
    r#"{"type":"account","platform":"twitter","ext_id":"1","followers":18446744073709551616}"#,
    r#"{"type":"account","platform":"twitter","ext_id":"1","verified":"yes"}"#,
    r#"{"type":"account","platform":"twitter","ext_id":"1","created_at":"2012-07-01"}"#,
    r#"{"type":"account","ext_id":"1"}"#,
    // posts
    r#"{"type":"post","platform":"twitter","ext_id":"p1","author":{"ext_id":"1"},"time":1341100972}"#,
    r#"{"type":"post","platform":"twitter","ext_id":"p1","author":{"ext_id":"@bob","handle":"Bob"},"time":0,"text":"hi?","reply_to":"p0","quote_of":null,"reshare_of":"p2","lang":"en"}"#,
    r#"{"type":"post","platform":"twitter","ext_id":"p1","author":{"ext_id":"1","handle":null,"x":1},"time":1}"#,
    r#"{"type":"post","platform":"twitter","ext_id":"p1","author":{"ext_id":"1"}}"#,
    r#"{"type":"post","platform":"twitter","ext_id":"p1","author":{"ext_id":"1"},"time":null}"#,
    r#"{"type":"post","platform":"twitter","ext_id":"p1","author":{"ext_id":"1"},"time":"1341100972"}"#,
    r#"{"type":"post","platform":"twitter","ext_id":"p1","author":"1","time":1}"#,
    r#"{"type":"post","platform":"twitter","ext_id":"p1","author":{"handle":"bob"},"time":1}"#,
    r#"{"type":"post","platform":"twitter","ext_id":"p1","author":{"ext_id":"1"},"time":9223372036854775808}"#,
    r#"{"type":"post","platform":"twitter","ext_id":"p1","author":{"ext_id":"1"},"time":1,"reply_to":7}"#,
    // interactions
    r#"{"type":"interaction","platform":"higgs","key":"h:1","kind":"reshare","actor":{"ext_id":"1"},"target":{"ext_id":"2"}}"#,
    r#"{"type":"interaction","platform":"higgs","key":"h:1","kind":"like","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"post":"p1","time":1341100972,"weight":0.25,"extra":true}"#,
    r#"{"type":"interaction","platform":"higgs","key":"h:1","kind":"follow","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"post":null,"time":null,"weight":3}"#,
    r#"{"type":"interaction","platform":"higgs","key":"h:1","kind":"unfollow","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"weight":1.5e3}"#,
    r#"{"type":"interaction","platform":"higgs","key":"h:1","kind":"reshare","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"weight":null}"#,
    r#"{"type":"interaction","platform":"higgs","key":"h:1","kind":"reshare","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"weight":"1"}"#,
    r#"{"type":"interaction","platform":"higgs","key":"h:1","kind":"RT","actor":{"ext_id":"1"},"target":{"ext_id":"2"}}"#,
    r#"{"type":"interaction","platform":"higgs","key":"h:1","kind":"retweet","actor":{"ext_id":"1"},"target":{"ext_id":"2"}}"#,
    r#"{"type":"interaction","platform":"higgs","key":"h:1","kind":"Reply","actor":{"ext_id":"1"},"target":{"ext_id":"2"}}"#,
    r#"{"type":"interaction","platform":"higgs","key":"h:1","actor":{"ext_id":"1"},"target":{"ext_id":"2"}}"#,
    r#"{"type":"interaction","platform":"higgs","kind":"reply","actor":{"ext_id":"1"},"target":{"ext_id":"2"}}"#,
    r#"{"type":"interaction","platform":"higgs","key":7,"kind":"reply","actor":{"ext_id":"1"},"target":{"ext_id":"2"}}"#,
    r#"{"type":"interaction","platform":"higgs","key":"h:1","kind":"reply","actor":{"ext_id":"1"}}"#,
    r#"{"type":"interaction","platform":"higgs","key":"h:1","kind":"reply","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"time":1.5}"#,
    // the tag
    r#"{"platform":"twitter","ext_id":"1"}"#,
    r#"{"type":"Account","platform":"twitter","ext_id":"1"}"#,
    r#"{"type":"user","platform":"twitter","ext_id":"1"}"#,
    r#"{"type":null,"platform":"twitter","ext_id":"1"}"#,
    r#"{"type":"post","platform":"twitter","ext_id":"1"}"#,
    r#"[]"#,
    r#""account""#,
    r#"null"#,
];

/// Where the schema knowingly differs from serde, and why. Each is asserted, so a change in either shows up.
/// (input, serde accepts, schema accepts)
const KNOWN_DIFFERENCES: &[(&str, bool, bool)] = &[
    // JSON Schema counts 2.0 as an integer; serde_json will not read a float into an integer field.
    (
        r#"{"type":"account","platform":"twitter","ext_id":"1","followers":2.0}"#,
        false,
        true,
    ),
    (
        r#"{"type":"post","platform":"twitter","ext_id":"p1","author":{"ext_id":"1"},"time":1.0}"#,
        false,
        true,
    ),
    // serde takes any string as a platform, blank ids and negative weights; `earshot import` then rejects the
    // line, and the schema describes what import accepts.
    (
        r#"{"type":"account","platform":"Twitter","ext_id":"1"}"#,
        true,
        false,
    ),
    (
        r#"{"type":"account","platform":"","ext_id":"1"}"#,
        true,
        false,
    ),
    (
        "{\"type\":\"account\",\"platform\":\"twitter\\n\",\"ext_id\":\"1\"}",
        true,
        false,
    ),
    (
        r#"{"type":"account","platform":"twitter","ext_id":" "}"#,
        true,
        false,
    ),
    (
        r#"{"type":"post","platform":"twitter","ext_id":"p1","author":{"ext_id":""},"time":1}"#,
        true,
        false,
    ),
    (
        r#"{"type":"interaction","platform":"t","key":"","kind":"like","actor":{"ext_id":"1"},"target":{"ext_id":"2"}}"#,
        true,
        false,
    ),
    (
        r#"{"type":"interaction","platform":"t","key":"k","kind":"like","actor":{"ext_id":"1"},"target":{"ext_id":"2"},"weight":-1}"#,
        true,
        false,
    ),
    // serde reads counts up to 2^64-1; the store keeps up to 2^63-1, and `earshot import` rejects more
    // (it once stored 2^64-1 as 2^63-1 without a word).
    (
        r#"{"type":"account","platform":"twitter","ext_id":"1","followers":18446744073709551615}"#,
        true,
        false,
    ),
    // serde rejects a repeated field; JSON Schema sees a parsed object, where the last value won.
    (
        r#"{"type":"post","platform":"t","ext_id":"p1","ext_id":"p2","author":{"ext_id":"1"},"time":1}"#,
        false,
        true,
    ),
    // serde's internally tagged enums also read a positional array (tag first, then the fields in declaration
    // order) for posts and interactions. That is an accident of serde, not part of the format.
    (r#"["post","twitter","p1",{"ext_id":"1"},1]"#, true, false),
    (
        r#"["interaction","higgs","h:1","reshare",{"ext_id":"1"},{"ext_id":"2"},null,null,1.0]"#,
        true,
        false,
    ),
];

#[test]
fn schema_agrees_with_serde() {
    let v = schema();
    let mut disagreements = Vec::new();
    for line in PROBES {
        let value: Value = serde_json::from_str(line).unwrap();
        let (by_serde, by_schema) = (serde_accepts(line), v.is_valid(&value));
        if by_serde != by_schema {
            disagreements.push(format!("serde {by_serde}, schema {by_schema}: {line}"));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    for (line, by_serde, by_schema) in KNOWN_DIFFERENCES {
        let value: Value = serde_json::from_str(line).unwrap();
        assert_eq!(
            (serde_accepts(line), v.is_valid(&value)),
            (*by_serde, *by_schema),
            "{line}"
        );
    }
}

/// The lines of every ```jsonl block in docs/jsonl.md.
fn doc_examples() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/jsonl.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let mut lines = Vec::new();
    let mut inside = false;
    for l in doc.lines() {
        if l.trim_start().starts_with("```") {
            inside = !inside && l.trim() == "```jsonl";
        } else if inside && !l.trim().is_empty() {
            lines.push(l.to_string());
        }
    }
    lines
}

#[test]
fn documented_examples_are_valid() {
    let v = schema();
    let lines = doc_examples();
    assert!(
        lines.len() >= 5,
        "docs/jsonl.md should show a ```jsonl example"
    );
    for line in &lines {
        let event: Event = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        earshot_model::check_platform(event.platform()).unwrap();
        assert!(
            v.is_valid(&serde_json::from_str(line).unwrap()),
            "schema rejects {line}"
        );
    }
}

#[test]
fn generated_lines_are_valid() {
    let v = schema();
    let mut cfg = earshot_synth::SynthConfig::new(9, 8, 5);
    cfg.platform = "synthetic-test".into();
    let mut out = Vec::new();
    earshot_synth::generate(&cfg, &mut out).unwrap();
    for line in String::from_utf8(out).unwrap().lines() {
        let value: Value = serde_json::from_str(line).unwrap();
        if let Err(e) = v.validate(&value) {
            panic!("{e}: {line}");
        }
    }
}
