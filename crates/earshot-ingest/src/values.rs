//! The values earshot's JSON lines allow beyond what serde decodes (docs/jsonl.md), checked where
//! both `earshot import` and `POST /v1/events` decode them, each failure naming its field:
//!
//! - counts fit the store's signed 64-bit integers (at most 2^63-1): a larger one used to be stored
//!   as 2^63-1 without a word;
//! - an account known by handle has the ext_id `@` plus the lower-cased handle, as documented: one
//!   written `@Ann` beside `@ann` used to make one handle two accounts, so it is refused with the
//!   spelling to use;
//! - no string (id, key, handle, text, profile field) holds a NUL character, which C-string tools
//!   and terminals cut at.

use earshot_model::{AccountRef, Event};

/// The largest count the store keeps (SQLite integers are signed 64-bit).
pub const MAX_COUNT: u64 = i64::MAX as u64;

/// A failure: the field and the reason.
type Bad = (String, String);

/// Check `ev`'s values; the first field at fault and why.
pub(crate) fn check(ev: &Event) -> Result<(), Bad> {
    match ev {
        Event::Account(a) => {
            let p = &a.profile;
            let counts = [
                ("followers", p.followers),
                ("following", p.following),
                ("post_count", p.post_count),
                ("likes_given", p.likes_given),
                ("listed", p.listed),
                ("bio_length", p.bio_length),
                ("username_length", p.username_length),
                ("username_digits", p.username_digits),
            ];
            for (field, n) in counts {
                count(field, n)?;
            }
            handle_id("ext_id", &a.ext_id)?;
            text("ext_id", Some(&a.ext_id))?;
            text("handle", a.handle.as_deref())?;
            text("display_name", a.display_name.as_deref())?;
            text("bio", p.bio.as_deref())?;
            text("url", p.url.as_deref())?;
            text("label", p.label.as_deref())
        }
        Event::Post(x) => {
            text("ext_id", Some(&x.ext_id))?;
            account("author", &x.author)?;
            text("text", x.text.as_deref())?;
            text("reply_to", x.reply_to.as_deref())?;
            text("quote_of", x.quote_of.as_deref())?;
            text("reshare_of", x.reshare_of.as_deref())
        }
        Event::Interaction(i) => {
            text("key", Some(&i.key))?;
            account("actor", &i.actor)?;
            account("target", &i.target)?;
            text("post", i.post.as_deref())
        }
    }
}

fn count(field: &str, n: Option<u64>) -> Result<(), Bad> {
    match n {
        Some(n) if n > MAX_COUNT => Err((
            field.into(),
            format!("{n} is above the largest count earshot stores ({MAX_COUNT}, 2^63-1)"),
        )),
        _ => Ok(()),
    }
}

/// An account reference's values. The field's name (`actor.ext_id`) is made only for a failure: this
/// runs twice per interaction, and formatting names up front was a tenth of a generated import.
fn account(name: &str, r: &AccountRef) -> Result<(), Bad> {
    let within = |(field, why): Bad| (format!("{name}.{field}"), why);
    handle_id("ext_id", &r.ext_id).map_err(within)?;
    text("ext_id", Some(&r.ext_id)).map_err(within)?;
    text("handle", r.handle.as_deref()).map_err(within)
}

/// `@handle` ids are lower-cased, so that one handle is one account whatever case a source wrote it in.
fn handle_id(field: &str, ext_id: &str) -> Result<(), Bad> {
    let Some(handle) = ext_id.strip_prefix('@') else {
        return Ok(());
    };
    let lower = handle.to_lowercase();
    if lower == handle {
        return Ok(());
    }
    Err((
        field.into(),
        format!(
            "{ext_id:?}: an account known by its handle has the ext_id \"@\" plus the lower-cased handle: write \"@{lower}\" (the handle as displayed goes in `handle`)"
        ),
    ))
}

fn text(field: &str, s: Option<&str>) -> Result<(), Bad> {
    match s {
        Some(s) if s.contains('\0') => Err((
            field.into(),
            "contains a NUL character (\\u0000), which no id or text may hold".into(),
        )),
        _ => Ok(()),
    }
}
