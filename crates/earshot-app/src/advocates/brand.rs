//! The brand as something to match posts against, and the taxonomy files both use cases read.

use crate::error::UsageError;
use anyhow::{Context, Result};
use earshot_store::Store;
use earshot_topics::{Matcher, Taxonomy, TopicDef};
use rustc_hash::FxHashSet;
use std::path::Path;

/// Reads and compiles a taxonomy file; errors name the file.
pub fn load_taxonomy(path: &Path) -> Result<Matcher> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading reasons taxonomy {name}"))?;
    let matcher = Taxonomy::from_toml(&text, &name)?.compile(&name)?;
    Ok(matcher)
}

/// A brand compiled for matching posts.
pub(super) struct Brand {
    /// Its handles without `@`: the request's, or the brand's name without spaces when the request
    /// gives neither handles nor keywords.
    pub handles: Vec<String>,
    /// The brand as a one-topic taxonomy.
    pub matcher: Matcher,
    /// Lower-case strings one of which the lower-cased text of any post the brand matches contains.
    pub needles: Vec<String>,
}

impl Brand {
    /// The brand `name`, matched by `handles` and `keywords`. The messages name the command line's
    /// flags, the only front that asks for advocates so far.
    pub fn new(
        name: &str,
        handles: &[String],
        keywords: &[String],
        note: &dyn Fn(&str),
    ) -> Result<Brand> {
        let mut handles: Vec<String> = handles
            .iter()
            .map(|h| h.trim().trim_start_matches('@').to_owned())
            .collect();
        if handles.is_empty() && keywords.is_empty() {
            let h: String = name.chars().filter(|c| !c.is_whitespace()).collect();
            if h.is_empty() {
                return Err(
                    UsageError("--brand is empty; give --handle or --keyword".into()).into(),
                );
            }
            note(&format!(
                "no --handle or --keyword; matching the handle @{h}"
            ));
            handles.push(h);
        }
        let matcher = brand_matcher(name, &handles, keywords)?;
        let needles = needles(&handles, keywords);
        Ok(Brand {
            handles,
            matcher,
            needles,
        })
    }

    /// The brand's own accounts: their posts are not advocacy.
    pub fn own_accounts(&self, store: &Store, platform: Option<&str>) -> Result<FxHashSet<i64>> {
        let mut own: FxHashSet<i64> = FxHashSet::default();
        for h in &self.handles {
            own.extend(store.find_accounts(h, platform)?.into_iter().map(|a| a.id));
        }
        Ok(own)
    }

    /// Whether a post's lower-cased text could match: it contains a handle or a keyword's first word.
    /// Cheap, so it runs before the matcher.
    pub fn may_match(&self, lower: &str) -> bool {
        self.needles.iter().any(|n| lower.contains(n.as_str()))
    }
}

/// The brand as a one-topic taxonomy.
fn brand_matcher(brand: &str, handles: &[String], keywords: &[String]) -> Result<Matcher> {
    let mut def = TopicDef {
        label: Some(brand.to_owned()),
        accounts: handles.to_vec(),
        ..TopicDef::default()
    };
    for k in keywords {
        let k = k.trim();
        if let Some(tag) = k.strip_prefix('#') {
            def.hashtags.push(tag.to_owned());
        } else if let Some(tag) = k.strip_prefix('$') {
            def.cashtags.push(tag.to_owned());
        } else {
            def.keywords.push(k.to_owned());
        }
    }
    let mut t = Taxonomy::default();
    t.topics.insert("brand".into(), def);
    t.compile("--handle/--keyword")
        .map_err(|e| UsageError(e.to_string()).into())
}

/// Lower-case strings one of which the lower-cased text of any post the brand matches contains: the
/// handles, and each keyword's, hashtag's or cashtag's first word without its `*`.
fn needles(handles: &[String], keywords: &[String]) -> Vec<String> {
    handles
        .iter()
        .map(|h| h.as_str())
        .chain(keywords.iter().filter_map(|k| k.split_whitespace().next()))
        .map(|w| {
            w.trim_start_matches(['@', '#', '$'])
                .trim_end_matches('*')
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_empty_request_matches_the_brand_name_as_a_handle_and_says_so() {
        let said = std::cell::RefCell::new(Vec::new());
        let note = |n: &str| said.borrow_mut().push(n.to_owned());
        let b = Brand::new("Virgin America", &[], &[], &note).unwrap();
        assert_eq!(b.handles, ["VirginAmerica"]);
        assert_eq!(said.borrow().len(), 1);
        let b = Brand::new("Acme", &strings(&[" @acme"]), &[], &note).unwrap();
        assert_eq!(b.handles, ["acme"]);
        assert_eq!(said.borrow().len(), 1, "handles given: no note");
        let err = Brand::new("  ", &[], &[], &note).err().unwrap();
        assert!(err.downcast_ref::<UsageError>().is_some(), "{err}");
        let err = Brand::new("x", &[], &strings(&["a*"]), &note)
            .err()
            .unwrap();
        assert!(err.downcast_ref::<UsageError>().is_some(), "{err}");
    }

    #[test]
    fn needles_are_lower_case_first_words_without_marks() {
        let n = needles(
            &strings(&["United"]),
            &strings(&["virgin america", "#Fail", "$AAL", "delay*", "@"]),
        );
        assert_eq!(n, ["united", "virgin", "fail", "aal", "delay"]);
    }
}
