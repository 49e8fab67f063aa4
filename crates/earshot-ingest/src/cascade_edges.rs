//! The social graph beside diffusion cascades: the `edges.txt` that the Android, Christianity and
//! Memetracker benchmarks ship next to their `cascades.txt`, one edge `a,b` a line (a comma, or blanks).
//!
//! # Direction
//! A line `a,b` means that `a` influences `b`: it is stored as a `follow` interaction with actor `b` (the
//! follower) and target `a` (the followed account), so that influence flows, as everywhere in earshot,
//! from the followed account to its follower. The files do not say which way their edges point; the
//! cascades do. For consecutive adopters `u` then `v` of a cascade, as the cascades importer keeps them
//! (adoption order, an adoption more than a minute back and repeated adopters dropped, Memetracker with
//! `--time-unit microhours`), the edge file holds:
//!
//! | dataset | consecutive pairs | `u,v` only (earlier first) | `v,u` only (later first) | both | neither |
//! |---|---|---|---|---|---|
//! | android | 27,664 | 530 | 486 | 465 | 26,183 |
//! | christianity | 14,149 | 1,176 | 1,182 | 2,337 | 9,454 |
//! | memetracker | 155,208 | 72,131 | 3,741 | 48,607 | 30,729 |
//! | all three | 197,021 | 73,837 | 5,409 | 51,409 | 66,366 |
//!
//! Where only one direction is present, it runs from the earlier adopter to the later one 93.2% of the
//! time over the three datasets (95.1% on Memetracker); on Android (52.2%) and Christianity (49.9%) the
//! order says nearly nothing, as their graphs are close to symmetric (23% and 31% of their edges have
//! their reverse too), and nothing there contradicts reading `a,b` as `a` → `b`. (The real-data test
//! `cascade_edges_point_from_earlier_to_later_adopters` recounts the table through the readers.)
//!
//! # Events
//! Each edge is one undated `follow` of weight 1, keyed `edge:a,b` as its line reads rather than by
//! line: an edge is a relation, not an event, so the same edge is stored once whichever file or line it
//! comes from (and re-importing adds nothing). A self-loop (`a,a`) follows nobody and a repeated edge
//! adds nothing: both are skipped and counted in one [`crate::Warning`] at the end of the file. A line
//! that is not two numeric ids is rejected (field `<line>`, `follower` or `followed`).
//!
//! # Platform
//! As for cascades: [`crate::Options::platform`], else the file's stem, and for a file named `edges.txt`
//! the directory's name (`data/android/edges.txt` → `android`), so that the graph and the cascades beside
//! it name the same accounts. [`edges_beside`] finds the file that `earshot import --format cascades`
//! reads along with a `cascades.txt`.

use crate::fields::numeric_id;
use crate::reader::{platform_named_for_dir, quote, ByteSource, LineReader};
use crate::{Ctx, Options, Record, Rejection};
use earshot_model::{AccountRef, Event, Interaction, InteractionKind};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The social graph that sits beside a benchmark `cascades.txt` (or `cascades.txt.gz`): `edges.txt` or
/// `edges.txt.gz` in the same directory. `None` for a file of another name, whose neighbours need not be
/// its dataset's.
pub fn edges_beside(cascades: &Path) -> Option<PathBuf> {
    let name = cascades.file_name()?.to_str()?;
    if name != "cascades.txt" && name != "cascades.txt.gz" {
        return None;
    }
    let dir = cascades.parent()?;
    ["edges.txt", "edges.txt.gz"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

pub(crate) struct CascadeEdgeReader {
    lines: LineReader,
    edges: Edges,
    finished: bool,
}

/// Everything but the line reader, so that a borrowed line can be parsed without copying it.
struct Edges {
    ctx: Ctx,
    platform: String,
    /// Keys of the edges already read: to skip and count repeats. (Ids are text, as the store keeps
    /// them: `01` and `1` are two accounts.)
    seen: HashSet<String>,
    self_loops: u64,
    first_self_loop: u64,
    repeats: u64,
    first_repeat: u64,
}

impl CascadeEdgeReader {
    pub fn new(src: ByteSource, ctx: Ctx, opts: &Options) -> Self {
        let platform = opts
            .platform
            .clone()
            .unwrap_or_else(|| platform_named_for_dir(&ctx.path, &ctx.source, "edges"));
        let lines = LineReader::new(src, ctx.file.clone(), opts.encoding, opts.max_line_bytes);
        CascadeEdgeReader {
            lines,
            edges: Edges {
                ctx,
                platform,
                seen: HashSet::new(),
                self_loops: 0,
                first_self_loop: 0,
                repeats: 0,
                first_repeat: 0,
            },
            finished: false,
        }
    }
}

/// An edge line's two ids, `a` (followed) and `b` (follower), or the bad field and why.
fn parse_edge(text: &str) -> Result<(&str, &str), (&'static str, String)> {
    let fields: Vec<&str> = if text.contains(',') {
        text.split(',').map(str::trim).collect()
    } else {
        text.split_ascii_whitespace().collect()
    };
    let [a, b] = fields.as_slice() else {
        return Err((
            "<line>",
            format!(
                "expected an edge `a,b` (two ids), found {} fields",
                fields.len()
            ),
        ));
    };
    let a = numeric_id(a).map_err(|e| ("followed", format!("first id (followed): {e}")))?;
    let b = numeric_id(b).map_err(|e| ("follower", format!("second id (follower): {e}")))?;
    Ok((a, b))
}

impl Edges {
    /// The line's follow, `None` for a blank line, a self-loop or a repeated edge.
    fn parse(&mut self, line: u64, text: &str) -> Option<Result<Record, Rejection>> {
        if text.trim().is_empty() {
            return None;
        }
        let (a, b) = match parse_edge(text) {
            Ok(x) => x,
            Err((field, why)) => {
                return Some(Err(self.ctx.reject(
                    line,
                    field,
                    format!("{why} in {}", quote(text)),
                )))
            }
        };
        if a == b {
            if self.self_loops == 0 {
                self.first_self_loop = line;
            }
            self.self_loops += 1;
            return None;
        }
        let mut key = String::with_capacity(6 + a.len() + b.len());
        key.push_str("edge:");
        key.push_str(a);
        key.push(',');
        key.push_str(b);
        if !self.seen.insert(key.clone()) {
            if self.repeats == 0 {
                self.first_repeat = line;
            }
            self.repeats += 1;
            return None;
        }
        Some(Ok(Record {
            line,
            events: vec![Event::Interaction(Interaction {
                platform: self.platform.clone(),
                key,
                kind: InteractionKind::Follow,
                actor: AccountRef::by_id(b),
                target: AccountRef::by_id(a),
                post: None,
                time: None,
                weight: 1.0,
            })],
        }))
    }

    /// The skipped lines, counted, once the file is read.
    fn finish(&self) {
        if self.self_loops > 0 {
            self.ctx.warn(
                0,
                format!(
                    "{} self-loops skipped (an account following itself); the first on line {}",
                    self.self_loops, self.first_self_loop
                ),
            );
        }
        if self.repeats > 0 {
            self.ctx.warn(
                0,
                format!(
                    "{} repeated edges skipped (an edge already read); the first on line {}",
                    self.repeats, self.first_repeat
                ),
            );
        }
    }
}

impl Iterator for CascadeEdgeReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        let edges = &mut self.edges;
        let item = self.lines.next_item(|line, text| edges.parse(line, text));
        if item.is_none() && !self.finished {
            self.finished = true;
            self.edges.finish();
        }
        item
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::{read_all, write_file};
    use crate::{Format, Options};
    use earshot_model::{Event, InteractionKind};

    /// Follows as `key: follower>followed`.
    fn follows(p: &std::path::Path, opts: &Options) -> (Vec<String>, Vec<String>, Vec<String>) {
        let (it, progress) = crate::open(p, Format::CascadeEdges, opts).unwrap();
        let (mut good, mut bad) = (Vec::new(), Vec::new());
        for r in it {
            match r {
                Ok(r) => good.extend(r.events.into_iter().map(|e| match e {
                    Event::Interaction(i) => {
                        assert_eq!(i.kind, InteractionKind::Follow);
                        assert_eq!((i.time, i.post, i.weight), (None, None, 1.0));
                        format!(
                            "{} {}: {}>{}",
                            i.platform, i.key, i.actor.ext_id, i.target.ext_id
                        )
                    }
                    other => panic!("not a follow: {other:?}"),
                })),
                Err(e) => bad.push(format!("{}: {}: {}", e.line, e.field, e.reason)),
            }
        }
        let notes = progress.warnings().into_iter().map(|w| w.message).collect();
        (good, bad, notes)
    }

    #[test]
    fn an_edge_a_b_is_b_following_a_in_the_directorys_platform() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("Android");
        std::fs::create_dir(&dir).unwrap();
        let p = write_file(&dir, "edges.txt", b"674,48\r\n7161,48\n\n48 674\n");
        let (good, bad, notes) = follows(&p, &Options::default());
        assert!(bad.is_empty() && notes.is_empty(), "{bad:?} {notes:?}");
        // Influence runs 674 → 48: 48 follows 674. The reverse edge is its own follow.
        assert_eq!(
            good,
            [
                "android edge:674,48: 48>674",
                "android edge:7161,48: 48>7161",
                "android edge:48,674: 674>48",
            ]
        );
        let opts = Options {
            platform: Some("so-android".into()),
            ..Options::default()
        };
        let other = write_file(&dir, "graph.txt", b"1,2\n");
        assert_eq!(
            follows(&other, &Options::default()).0,
            ["graph edge:1,2: 2>1"]
        );
        assert_eq!(follows(&other, &opts).0, ["so-android edge:1,2: 2>1"]);
    }

    #[test]
    fn self_loops_and_repeats_are_skipped_and_counted_bad_lines_rejected() {
        let tmp = tempfile::tempdir().unwrap();
        let text = "1,2\n3,3\n1,2\n1,2,3\nx,2\n4,\n-5,6\n2,1\n3,3\n00,1\n";
        let p = write_file(tmp.path(), "edges.txt", text.as_bytes());
        let (good, bad, notes) = follows(&p, &Options::default());
        let platform =
            crate::reader::platform_from_source(tmp.path().file_name().unwrap().to_str().unwrap());
        assert_eq!(
            good,
            [
                format!("{platform} edge:1,2: 2>1"),
                format!("{platform} edge:2,1: 1>2"),
                format!("{platform} edge:00,1: 1>00"),
            ]
        );
        assert_eq!(
            bad,
            [
                "4: <line>: expected an edge `a,b` (two ids), found 3 fields in \"1,2,3\"",
                "5: followed: first id (followed): not a numeric id: \"x\" in \"x,2\"",
                "6: follower: second id (follower): empty id in \"4,\"",
                "7: followed: first id (followed): negative id \"-5\" in \"-5,6\"",
            ]
        );
        assert_eq!(
            notes,
            [
                "2 self-loops skipped (an account following itself); the first on line 2",
                "1 repeated edges skipped (an edge already read); the first on line 3",
            ]
        );
    }

    #[test]
    fn the_edges_beside_a_benchmark_cascades_file() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        let cascades = write_file(d, "cascades.txt", b"1 5,2 6\n");
        let other = write_file(d, "twitter-cascades.txt", b"1 5,2 6\n");
        assert_eq!(super::edges_beside(&cascades), None);
        let edges = write_file(d, "edges.txt", b"1,2\n");
        assert_eq!(super::edges_beside(&cascades), Some(edges.clone()));
        // Only beside the benchmark's own name: a neighbour of another file need not be its graph.
        assert_eq!(super::edges_beside(&other), None);
        std::fs::remove_file(&edges).unwrap();
        let gz = write_file(d, "edges.txt.gz", b"");
        assert_eq!(super::edges_beside(&cascades), Some(gz));
        // The keys do not depend on the source name: the same edge from two files is one follow.
        let opts = Options {
            source: Some("other".into()),
            ..Options::default()
        };
        let edges = write_file(d, "edges.txt", b"1,2\n");
        let (good, _) = read_all(&edges, Format::CascadeEdges, &opts);
        let Event::Interaction(i) = &good[0].events[0] else {
            panic!()
        };
        assert_eq!(i.key, "edge:1,2");
    }
}
