//! What names an account across networks: the keys an account answers to, and the keys a link in a
//! profile points at. A link names an account when one of its keys is one of the account's.
//!
//! - Mastodon: `https://HOST/@NAME` and `https://HOST/users/NAME` (the profile page and the actor
//!   URI) both name the account `NAME@HOST`.
//! - X: `https://x.com/NAME` and `https://twitter.com/NAME` (with `www.` or `mobile.`) name `@NAME`.
//! - Bluesky: `https://bsky.app/profile/HANDLE` (or `/profile/DID`) names that account; a handle that
//!   is a domain of its own (anything but `*.bsky.social`) is proven by the protocol, which resolves
//!   it through DNS or `https://DOMAIN/.well-known/atproto-did` (atproto.com/specs/handle, §"Handle
//!   Resolution"), so a link to the bare domain `https://DOMAIN` also names it.
//!
//! Keys are lower-cased: handles are case-insensitive on all three networks.

/// The keys `platform`'s account (`ext_id`, `handle`) answers to.
pub fn account_keys(platform: &str, ext_id: &str, handle: Option<&str>) -> Vec<String> {
    let mut keys = Vec::new();
    let handle = handle.map(|h| h.trim().trim_start_matches('@').to_lowercase());
    match platform {
        "mastodon" => {
            if let Some(k) = mastodon_key_of_url(ext_id) {
                keys.push(k);
            }
            if let Some(h) = handle.filter(|h| h.contains('@')) {
                keys.push(format!("mastodon:{h}"));
            }
        }
        "twitter" | "x" => {
            if let Some(h) = handle {
                keys.push(format!("twitter:{h}"));
            }
        }
        "bluesky" => {
            keys.push(format!("bluesky:{}", ext_id.to_lowercase()));
            if let Some(h) = handle {
                if !h.ends_with(".bsky.social") && h.contains('.') {
                    keys.push(format!("domain:{h}"));
                }
                keys.push(format!("bluesky:{h}"));
            }
        }
        _ => {}
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Whether `platform`'s handle is a domain the protocol has proven the account controls.
pub fn is_domain_handle(platform: &str, handle: Option<&str>) -> bool {
    platform == "bluesky"
        && handle.is_some_and(|h| {
            let h = h.trim().to_lowercase();
            h.contains('.') && !h.ends_with(".bsky.social")
        })
}

/// The keys a link in a profile points at (none for a link that names no account or domain).
pub fn link_keys(url: &str) -> Vec<String> {
    let Some((host, path)) = split_url(url) else {
        return Vec::new();
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut keys = Vec::new();
    match (host.as_str(), segments.as_slice()) {
        ("x.com" | "twitter.com", [name, ..]) if is_name(name) => {
            keys.push(format!("twitter:{}", name.to_lowercase()));
        }
        ("bsky.app", ["profile", who, ..]) => {
            keys.push(format!("bluesky:{}", who.to_lowercase()));
        }
        (_, []) => keys.push(format!("domain:{host}")),
        _ => {
            if let Some(k) = mastodon_key_of_url(url) {
                keys.push(k);
            }
        }
    }
    keys
}

/// `mastodon:NAME@HOST` for a Mastodon profile URL or actor URI.
fn mastodon_key_of_url(url: &str) -> Option<String> {
    let (host, path) = split_url(url)?;
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let name = match segments.as_slice() {
        [at] if at.starts_with('@') => &at[1..],
        ["users", name] => name,
        _ => return None,
    };
    let name = name.split('@').next().unwrap_or(name);
    is_name(name).then(|| format!("mastodon:{}@{host}", name.to_lowercase()))
}

/// The lower-cased host (without `www.` or `mobile.`) and path of an http(s) URL, query and fragment
/// dropped.
fn split_url(url: &str) -> Option<(String, String)> {
    let rest = url
        .trim()
        .strip_prefix("https://")
        .or_else(|| url.trim().strip_prefix("http://"))?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_lowercase();
    let host = host
        .strip_prefix("www.")
        .or_else(|| host.strip_prefix("mobile."))
        .unwrap_or(&host)
        .to_string();
    (!host.is_empty() && host.contains('.')).then_some((host, path.to_string()))
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_urls_name_the_accounts_they_belong_to() {
        let ann_m = account_keys(
            "mastodon",
            "https://s.example/users/Ann",
            Some("Ann@s.example"),
        );
        assert_eq!(ann_m, ["mastodon:ann@s.example"]);
        for url in [
            "https://s.example/@ann",
            "https://s.example/users/ann",
            "http://S.example/@Ann?x=1",
        ] {
            assert_eq!(link_keys(url), ann_m, "{url}");
        }
        let ann_x = account_keys("twitter", "100", Some("@AnnW"));
        for url in [
            "https://x.com/annw",
            "https://twitter.com/AnnW/",
            "https://mobile.twitter.com/annw",
        ] {
            assert_eq!(link_keys(url), ann_x, "{url}");
        }
        let ann_b = account_keys("bluesky", "did:plc:abc", Some("ann.dev"));
        assert_eq!(
            ann_b,
            ["bluesky:ann.dev", "bluesky:did:plc:abc", "domain:ann.dev"]
        );
        assert_eq!(link_keys("https://ann.dev"), ["domain:ann.dev"]);
        assert_eq!(
            link_keys("https://bsky.app/profile/ann.dev"),
            ["bluesky:ann.dev"]
        );
        assert!(is_domain_handle("bluesky", Some("ann.dev")));
        assert!(!is_domain_handle("bluesky", Some("ann.bsky.social")));
        let plain = account_keys("bluesky", "did:plc:b", Some("ann.bsky.social"));
        assert!(!plain.iter().any(|k| k.starts_with("domain:")), "{plain:?}");
    }

    #[test]
    fn links_that_name_no_account_give_no_keys() {
        for url in [
            "mailto:a@b.c",
            "https://s.example/about/more",
            "not a url",
            "https://localhost",
        ] {
            assert!(link_keys(url).is_empty(), "{url}");
        }
    }
}
