//! The interactions as a GraphML graph (GraphML 1.0, "The GraphML File Format",
//! graphml.graphdrawing.org/specification.html): a directed graph whose nodes are the accounts that
//! take part in an interaction and whose edges are ordered pairs (actor → target), one per pair, with
//! how many interactions of each kind it stands for, their summed weight and the first and last time.
//! One edge per pair rather than per interaction: networkx reads GraphML into a `DiGraph` by default,
//! which would keep only the last of parallel edges, and Gephi merges them too.

use super::tables::{names, Named};
use anyhow::{Context, Result};
use earshot_model::InteractionKind;
use earshot_store::{Store, TimeWindow};
use rustc_hash::FxHashMap;
use std::io::Write;

/// What the graph holds.
pub(super) struct Written {
    pub nodes: u64,
    pub edges: u64,
    pub interactions: u64,
}

/// One ordered pair's interactions.
#[derive(Default)]
struct Pair {
    by_kind: [u64; InteractionKind::ALL.len()],
    weight: f64,
    first: Option<i64>,
    last: Option<i64>,
}

/// `community`: each account's community, written on its node (`communities` exports).
pub(super) fn interactions(
    store: &Store,
    platform: Option<&str>,
    community: Option<&FxHashMap<i64, usize>>,
    w: &mut impl Write,
) -> Result<Written> {
    let names = names(store, None)?;
    let mut pairs: FxHashMap<(i64, i64), Pair> = FxHashMap::default();
    let interactions = store.scan_interactions(TimeWindow::all(), platform, |r| {
        let p = pairs.entry((r.actor, r.target)).or_default();
        if let Some(k) = InteractionKind::ALL.iter().position(|k| *k == r.kind) {
            p.by_kind[k] += 1;
        }
        p.weight += r.weight;
        if let Some(t) = r.time {
            p.first = Some(p.first.map_or(t, |f| f.min(t)));
            p.last = Some(p.last.map_or(t, |l| l.max(t)));
        }
    })?;
    // Nodes in a stable order (by platform and id), so that two exports of the same data are equal.
    let mut nodes: Vec<i64> = pairs.keys().flat_map(|&(a, t)| [a, t]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let blank = Named {
        platform: String::new(),
        platform_id: String::new(),
        handle: None,
    };
    let named = |id: i64| names.get(&id).unwrap_or(&blank);
    nodes.sort_by(|a, b| {
        let (a, b) = (named(*a), named(*b));
        (&a.platform, &a.platform_id).cmp(&(&b.platform, &b.platform_id))
    });
    let mut edges: Vec<(&(i64, i64), &Pair)> = pairs.iter().collect();
    edges.sort_by(|(a, _), (b, _)| {
        let key = |&(x, y): &(i64, i64)| {
            let (x, y) = (named(x), named(y));
            (
                x.platform.clone(),
                x.platform_id.clone(),
                y.platform.clone(),
                y.platform_id.clone(),
            )
        };
        key(a).cmp(&key(b))
    });

    let io = |e: std::io::Error| anyhow::Error::new(e).context("writing GraphML");
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#).map_err(io)?;
    writeln!(
        w,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )
    .map_err(io)?;
    // Keys (spec section 4: GraphML-Attributes): the attributes' names and types.
    for (id, name) in [
        ("platform", "platform"),
        ("platform_id", "platform_id"),
        ("handle", "handle"),
    ] {
        writeln!(
            w,
            r#"  <key id="{id}" for="node" attr.name="{name}" attr.type="string"/>"#
        )
        .map_err(io)?;
    }
    if community.is_some() {
        writeln!(
            w,
            r#"  <key id="community" for="node" attr.name="community" attr.type="long"/>"#
        )
        .map_err(io)?;
    }
    writeln!(
        w,
        r#"  <key id="interactions" for="edge" attr.name="interactions" attr.type="long"/>"#
    )
    .map_err(io)?;
    for k in InteractionKind::ALL {
        writeln!(
            w,
            r#"  <key id="{0}" for="edge" attr.name="{0}" attr.type="long"/>"#,
            k.name()
        )
        .map_err(io)?;
    }
    writeln!(
        w,
        r#"  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>"#
    )
    .map_err(io)?;
    for t in ["first_time", "last_time"] {
        writeln!(
            w,
            r#"  <key id="{t}" for="edge" attr.name="{t}" attr.type="long"/>"#
        )
        .map_err(io)?;
    }
    writeln!(w, r#"  <graph id="interactions" edgedefault="directed">"#).map_err(io)?;
    for &id in &nodes {
        let n = named(id);
        write!(w, r#"    <node id="{}">"#, xml(&node_id(n))).map_err(io)?;
        write!(w, r#"<data key="platform">{}</data>"#, xml(&n.platform)).map_err(io)?;
        write!(
            w,
            r#"<data key="platform_id">{}</data>"#,
            xml(&n.platform_id)
        )
        .map_err(io)?;
        if let Some(h) = &n.handle {
            write!(w, r#"<data key="handle">{}</data>"#, xml(h)).map_err(io)?;
        }
        if let Some(c) = community.and_then(|m| m.get(&id)) {
            write!(w, r#"<data key="community">{c}</data>"#).map_err(io)?;
        }
        writeln!(w, "</node>").map_err(io)?;
    }
    for (&(a, t), p) in &edges {
        write!(
            w,
            r#"    <edge source="{}" target="{}">"#,
            xml(&node_id(named(a))),
            xml(&node_id(named(t)))
        )
        .map_err(io)?;
        write!(
            w,
            r#"<data key="interactions">{}</data>"#,
            p.by_kind.iter().sum::<u64>()
        )
        .map_err(io)?;
        for (k, n) in InteractionKind::ALL.iter().zip(p.by_kind) {
            if n > 0 {
                write!(w, r#"<data key="{}">{n}</data>"#, k.name()).map_err(io)?;
            }
        }
        write!(w, r#"<data key="weight">{}</data>"#, p.weight).map_err(io)?;
        if let (Some(f), Some(l)) = (p.first, p.last) {
            write!(
                w,
                r#"<data key="first_time">{f}</data><data key="last_time">{l}</data>"#
            )
            .map_err(io)?;
        }
        writeln!(w, "</edge>").map_err(io)?;
    }
    writeln!(w, "  </graph>\n</graphml>").context("writing GraphML")?;
    Ok(Written {
        nodes: nodes.len() as u64,
        edges: edges.len() as u64,
        interactions,
    })
}

/// A node's id: `platform:platform_id`, unique in the store and readable where the graph is used.
fn node_id(n: &Named) -> String {
    format!("{}:{}", n.platform, n.platform_id)
}

/// `s` escaped for XML text and attribute values (XML 1.0 section 2.4). Characters XML 1.0 cannot
/// carry at all (controls other than tab, newline and carriage return) become U+FFFD: the store
/// refuses NUL, but other controls can arrive in text.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn xml_escapes_markup_and_replaces_what_xml_cannot_carry() {
        assert_eq!(xml(r#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(xml("x\u{1}y\tz"), "x\u{FFFD}y\tz");
    }
}
