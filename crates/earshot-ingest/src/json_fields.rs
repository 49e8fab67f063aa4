//! Field readers for `serde_json` values shared by the JSON formats (the X archive and X API pages,
//! Mastodon's outbox, archive and API). A failure is the field's name and the reason, as the readers
//! reject it.

use crate::fields::is_clean_int;
use crate::reader::quote;
use crate::DateOrder;
use earshot_model::{AccountRef, Timestamp};
use serde_json::Value;

/// A field that could not be read: its name and why.
pub(crate) type Bad = (&'static str, String);

/// An optional string: absent or `null` is `None`, an empty one too; anything but a string is wrong.
pub(crate) fn opt_str<'a>(v: &'a Value, field: &'static str) -> Result<Option<&'a str>, Bad> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.trim()).filter(|s| !s.is_empty())),
        other => Err((field, format!("expected a string, found {other}"))),
    }
}

/// A numeric id (X's ids are decimal strings), required; `hint`, added to `missing`, may say how to
/// get it (`""` for nothing).
pub(crate) fn id_of<'a>(v: &'a Value, field: &'static str, hint: &str) -> Result<&'a str, Bad> {
    match opt_str(v, field)? {
        Some(s) if is_clean_int(s) => Ok(s),
        Some(s) => Err((field, format!("not a numeric id: {}", quote(s)))),
        None => Err((field, format!("missing{hint}"))),
    }
}

/// A time in any format [`crate::time::parse_time`] reads (RFC 3339, Twitter's
/// `Wed Oct 10 20:19:24 +0000 2018`, …), within the plausible range.
pub(crate) fn time(s: &str, field: &'static str) -> Result<Timestamp, Bad> {
    crate::time::parse_time(s, DateOrder::Mdy)
        .and_then(crate::time::check_range)
        .map_err(|e| (field, e.0))
}

/// The accounts of an X mention list (the API's `entities.mentions`, keys `id` and `username`; the
/// archive's `entities.user_mentions`, `id_str` and `screen_name`), in order, each once: by the id
/// with the handle when the id is usable, else by the handle. Entries with neither are passed over.
pub(crate) fn mentioned(list: &Value, id_key: &str, handle_key: &str) -> Vec<AccountRef> {
    let mut out: Vec<AccountRef> = Vec::new();
    for m in list.as_array().into_iter().flatten() {
        let handle = m[handle_key]
            .as_str()
            .map(str::trim)
            .filter(|h| !h.is_empty());
        let id = m[id_key]
            .as_str()
            .map(str::trim)
            .filter(|i| is_clean_int(i));
        let target = match (id, handle) {
            (Some(i), h) => AccountRef {
                ext_id: i.to_string(),
                handle: h.map(str::to_string),
            },
            (None, Some(h)) => AccountRef::by_handle(h),
            (None, None) => continue,
        };
        if !out.iter().any(|o| o.ext_id == target.ext_id) {
            out.push(target);
        }
    }
    out
}
