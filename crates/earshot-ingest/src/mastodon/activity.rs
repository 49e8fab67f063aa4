//! One activity of an outbox into events, read for the few properties earshot uses. Each property is
//! kept as its JSON text (`RawValue`) and read only if needed: the others (`@context`, `to`, `cc`,
//! attachments, `contentMap`, …) are skipped without being built, and strings without escapes are
//! borrowed from the element's text. Parsing every activity into a `serde_json::Value`, keys and all,
//! was the larger part of reading an outbox. What is read is what `serde_json::Value` gave: a property
//! given twice is its last value, absent and `null` are alike, a value of the wrong type is absent, and
//! a string used whose escapes do not decode (a lone surrogate) makes the activity invalid JSON.

use super::{account, handle_of, plain_text, Bad};
use crate::reader::quote;
use earshot_model::{AccountRef, Event, Interaction, InteractionKind, Post};
use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// The properties `names` of the JSON object `json`, each as its JSON text (a property given twice is
/// its last value); the rest skipped unbuilt.
fn props<'a, const N: usize>(
    json: &'a str,
    names: [&'static str; N],
) -> Result<[Option<&'a RawValue>; N], serde_json::Error> {
    /// A key, borrowed unless it has escapes.
    #[derive(Deserialize)]
    struct Key<'a>(#[serde(borrow)] Cow<'a, str>);

    struct Named<const N: usize>([&'static str; N]);

    impl<'de, const N: usize> Visitor<'de> for Named<N> {
        type Value = [Option<&'de RawValue>; N];

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
            let mut found = [None; N];
            while let Some(Key(key)) = map.next_key()? {
                match self.0.iter().position(|n| *n == key) {
                    Some(i) => found[i] = Some(map.next_value()?),
                    None => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(found)
        }
    }

    let mut de = serde_json::Deserializer::from_str(json);
    let found = (&mut de).deserialize_map(Named(names))?;
    de.end()?;
    Ok(found)
}

/// Whether a value is a JSON object (values are trimmed by the parser).
fn is_object(v: &RawValue) -> bool {
    v.get().starts_with('{')
}

/// Whether a value is absent or `null`.
fn is_null(v: Option<&RawValue>) -> bool {
    v.is_none_or(|v| v.get() == "null")
}

/// A value's JSON text for a message: `null` when absent, as `serde_json::Value` prints it.
fn shown(v: Option<&RawValue>) -> &str {
    v.map_or("null", RawValue::get)
}

/// The activity being read: its text, for the message of a JSON error.
struct Reading<'t> {
    text: &'t str,
}

impl<'t> Reading<'t> {
    fn invalid(&self, e: serde_json::Error) -> Bad {
        (
            "<json>",
            format!("invalid JSON: {e} in {}", quote(self.text)),
        )
    }

    fn props<const N: usize>(
        &self,
        json: &'t RawValue,
        names: [&'static str; N],
    ) -> Result<[Option<&'t RawValue>; N], Bad> {
        props(json.get(), names).map_err(|e| self.invalid(e))
    }

    /// A string value, borrowed when it has no escapes; `None` when absent or not a string.
    fn string<'v>(&self, v: Option<&'v RawValue>) -> Result<Option<Cow<'v, str>>, Bad> {
        let Some(json) = v.map(RawValue::get) else {
            return Ok(None);
        };
        let Some(inner) = json.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
            return Ok(None);
        };
        if !inner.contains('\\') {
            return Ok(Some(Cow::Borrowed(inner)));
        }
        serde_json::from_str::<String>(json)
            .map(|s| Some(Cow::Owned(s)))
            .map_err(|e| self.invalid(e))
    }

    /// A string value trimmed, `None` when empty.
    fn id<'v>(&self, v: Option<&'v RawValue>) -> Result<Option<Cow<'v, str>>, Bad> {
        Ok(self.string(v)?.and_then(|s| {
            let trimmed = s.trim();
            match s {
                _ if trimmed.is_empty() => None,
                Cow::Borrowed(b) => Some(Cow::Borrowed(b.trim())),
                Cow::Owned(ref o) if o.len() == trimmed.len() => Some(s),
                Cow::Owned(_) => Some(Cow::Owned(trimmed.to_string())),
            }
        }))
    }

    /// An `id`-bearing value, as `mastodon::uri` reads one: a URI string or an object with an `id`.
    fn uri<'v>(&self, v: Option<&'v RawValue>) -> Result<Option<Cow<'v, str>>, Bad>
    where
        't: 'v,
    {
        match v {
            Some(o) if is_object(o) => {
                let [id] = props(o.get(), ["id"]).map_err(|e| self.invalid(e))?;
                self.id(id)
            }
            _ => self.id(v),
        }
    }

    /// A date string (`published`), within the plausible range.
    fn when(&self, v: Option<&RawValue>, field: &'static str) -> Result<i64, Bad> {
        let s = self
            .string(v)?
            .ok_or_else(|| (field, format!("missing or not a date: {}", shown(v))))?;
        crate::json_fields::time(&s, field)
    }
}

/// The events of one outbox element.
pub(super) fn activity(text: &str, platform: &str) -> Result<Vec<Event>, Bad> {
    let r = Reading { text };
    if !text.trim_start().starts_with('{') {
        // Any JSON value but an object: check it is JSON at all, for the right message.
        serde_json::from_str::<IgnoredAny>(text).map_err(|e| r.invalid(e))?;
        return Err(("<json>", "expected an activity object".into()));
    }
    // Reading the properties checks the whole text is JSON, the properties skipped too.
    let [kind, id, actor, published, object] =
        props(text, ["type", "id", "actor", "published", "object"]).map_err(|e| r.invalid(e))?;
    let kind = r.string(kind)?;
    let kind = kind.as_deref().unwrap_or("");
    if kind != "Create" && kind != "Announce" {
        return Ok(Vec::new());
    }
    let actor_uri = r
        .uri(actor)?
        .ok_or(("actor", format!("missing: {}", shown(actor))))?;
    let by = account(&actor_uri);
    let mut events = Vec::new();
    if kind == "Announce" {
        let id = r.uri(id)?.ok_or(("id", "missing".to_string()))?;
        let boosted = r
            .uri(object)?
            .ok_or(("object", format!("not a URI: {}", shown(object))))?;
        events.push(Event::Post(Post {
            platform: platform.to_string(),
            ext_id: id.into_owned(),
            author: by,
            time: r.when(published, "published")?,
            text: None,
            reply_to: None,
            quote_of: None,
            reshare_of: Some(boosted.into_owned()),
        }));
    } else {
        let Some(o) = object.filter(|o| is_object(o)) else {
            return Ok(Vec::new());
        };
        let [note_kind, note_id, note_published, content, in_reply_to, q1, q2, q3, tag] = r.props(
            o,
            [
                "type",
                "id",
                "published",
                "content",
                "inReplyTo",
                // The post a note quotes: Mastodon (4.4 on) writes the quoted post's URI as `quote`
                // and, for software that reads the older spellings, `quoteUri` and `_misskey_quote`
                // (`app/serializers/activitypub/note_serializer.rb`); any of them names it.
                "quote",
                "quoteUri",
                "_misskey_quote",
                "tag",
            ],
        )?;
        if !matches!(
            r.string(note_kind)?.as_deref(),
            Some("Note" | "Article" | "Question" | "Page")
        ) {
            return Ok(Vec::new());
        }
        let id = r.id(note_id)?.ok_or(("object.id", "missing".to_string()))?;
        let time = if is_null(note_published) {
            r.when(published, "published")?
        } else {
            r.when(note_published, "object.published")?
        };
        let content = r
            .string(content)?
            .map(|c| plain_text(&c))
            .filter(|t| !t.is_empty());
        let mut quote_of = None;
        for q in [q1, q2, q3] {
            if let Some(u) = r.uri(q)? {
                quote_of = Some(u.into_owned());
                break;
            }
        }
        events.push(Event::Post(Post {
            platform: platform.to_string(),
            ext_id: id.to_string(),
            author: by.clone(),
            time,
            text: content,
            reply_to: r.uri(in_reply_to)?.map(Cow::into_owned),
            quote_of,
            reshare_of: None,
        }));
        for (n, [href, name]) in mention_tags(&r, tag)?.into_iter().enumerate() {
            let Some(href) = r.uri(href)? else {
                continue;
            };
            if href == actor_uri {
                continue;
            }
            // A local account's tag is named `@user` alone: its handle is then the URI's `user@instance`.
            let handle = r
                .string(name)?
                .map(|n| n.trim_start_matches('@').to_string())
                .filter(|n| n.contains('@'))
                .or_else(|| handle_of(&href));
            events.push(Event::Interaction(Interaction {
                platform: platform.to_string(),
                key: format!("{id}#m{n}"),
                kind: InteractionKind::Mention,
                actor: by.clone(),
                target: AccountRef {
                    ext_id: href.into_owned(),
                    handle,
                },
                post: Some(id.to_string()),
                time: Some(time),
                weight: 1.0,
            }));
        }
    }
    for ev in &events {
        crate::values::check(ev).map_err(|(_, why)| ("object", why))?;
    }
    Ok(events)
}

/// The `href` and `name` of each `Mention` tag in a note's `tag` array, in order; anything else in
/// it is passed over.
fn mention_tags<'t>(
    r: &Reading<'t>,
    tag: Option<&'t RawValue>,
) -> Result<Vec<[Option<&'t RawValue>; 2]>, Bad> {
    let Some(list) = tag.filter(|t| t.get().starts_with('[')) else {
        return Ok(Vec::new());
    };
    let items: Vec<&RawValue> = serde_json::from_str(list.get()).map_err(|e| r.invalid(e))?;
    let mut out = Vec::new();
    for t in items.into_iter().filter(|t| is_object(t)) {
        let [kind, href, name] = r.props(t, ["type", "href", "name"])?;
        if r.string(kind)?.as_deref() == Some("Mention") {
            out.push([href, name]);
        }
    }
    Ok(out)
}
