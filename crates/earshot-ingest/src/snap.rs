//! SNAP-style edge lists: `src dst [weight]` per line, tabs, spaces or commas, `#` comments, blank lines,
//! CRLF, an optional `n m` header line and an optional line of column names.
//!
//! # Header detection
//! With [`Options::header`] `None`, the first data line (the first line that is neither blank nor a
//! comment) is taken as an `n m` header when all of these hold:
//! - no `#` comment line came before it (SNAP files with comments declare counts in the comments);
//! - it has exactly two fields, both non-negative integers `n` and `m`;
//! - either there is no second data line and `n` > 0 or `m` = 0 (a file holding only `15233 58891` is an
//!   empty graph's header, reported with a warning that the file has no edges; a lone `0 1` is an edge, as
//!   no edge fits in 0 nodes),
//! - or the second data line has a different number of fields (`15233 32235` then `0 184 0.2`), or all its
//!   fields are integers ≤ `n`, `n` > 0, and its first field differs from `n` (`15233 58891` then `0 1`). So an edge list whose first edge is `0 1` never qualifies (`n` = 0), nor
//!   does one sorted by source (the second edge starts at the same or a larger id). An unsorted 2-column
//!   list whose first edge has a large source can be mistaken for a header: the end-of-file check below
//!   then warns, and [`Options::header`] `Some(false)` reads it right.
//!
//! At the end of the file the header is checked against the data: an edge count `m` different from the
//! number of edge lines, or ids above `n`, become [`crate::Warning`]s (NetPHY declares 231,584 edges and
//! has 231,507). A first data line none of whose fields is a number (`Source,Target,Rating,Time`) is a
//! line of column names: it is skipped with a warning.
//!
//! Every event is an interaction `src → dst` of kind [`Options::kind`] (default `follow`), keyed
//! `source:line` (or `source:line#0`/`#1` for both directions of an undirected edge), with no time unless a
//! column says so, and weight 1 unless a column says so (finite, ≥ 0).

use crate::fields::{numeric_id, parse_weight};
use crate::reader::{platform_from_source, ByteSource, LineReader};
use crate::time::parse_unix;
use crate::{Ctx, EdgeListHeader, OpenError, Options, Record, Rejection};
use earshot_model::{AccountRef, Event, Interaction, InteractionKind};
use std::collections::VecDeque;

/// The meaning of one column of an edge list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapColumn {
    /// Source account id (non-negative integer).
    Src,
    /// Destination account id.
    Dst,
    /// Edge weight: a finite number ≥ 0.
    Weight,
    /// Unix time in seconds (a fraction is truncated).
    Time,
    /// A column that is read past (e.g. a signed rating).
    Ignore,
}

impl SnapColumn {
    /// Parse a comma-separated list like `src,dst,time` or `src,dst,ignore,time`
    /// (names: `src`/`source`/`from`, `dst`/`target`/`to`, `weight`/`w`, `time`/`ts`/`timestamp`,
    /// `ignore`/`-`/`_`). It must name `src` and `dst` once each, and `weight` and `time` at most once.
    pub fn parse_list(s: &str) -> Result<Vec<SnapColumn>, String> {
        let cols = s
            .split(',')
            .map(|c| match c.trim().to_ascii_lowercase().as_str() {
                "src" | "source" | "from" => Ok(SnapColumn::Src),
                "dst" | "target" | "to" => Ok(SnapColumn::Dst),
                "weight" | "w" => Ok(SnapColumn::Weight),
                "time" | "ts" | "timestamp" => Ok(SnapColumn::Time),
                "ignore" | "-" | "_" => Ok(SnapColumn::Ignore),
                other => Err(format!(
                    "unknown edge-list column {other:?} (src, dst, weight, time or ignore)"
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::check(&cols)?;
        Ok(cols)
    }

    fn check(cols: &[SnapColumn]) -> Result<(), String> {
        let n = |c| cols.iter().filter(|&&x| x == c).count();
        if n(SnapColumn::Src) != 1
            || n(SnapColumn::Dst) != 1
            || n(SnapColumn::Weight) > 1
            || n(SnapColumn::Time) > 1
        {
            return Err(format!("edge-list columns {cols:?} must have one src, one dst, at most one weight and time"));
        }
        Ok(())
    }
}

enum Item {
    Data(u64, String),
    Rej(Rejection),
}

pub(crate) struct SnapReader {
    lines: LineReader,
    /// Lines read ahead while detecting the header.
    queue: VecDeque<Item>,
    edges: Edges,
    finished: bool,
}

/// Everything but the line reader, so that a borrowed line can be parsed without copying it.
struct Edges {
    ctx: Ctx,
    platform: String,
    kind: InteractionKind,
    undirected: bool,
    columns: Option<Vec<SnapColumn>>,
    header: Option<EdgeListHeader>,
    edge_lines: u64,
    max_id: u64,
}

fn split(text: &str) -> Vec<&str> {
    if text.contains(',') {
        text.split(',').map(str::trim).collect()
    } else {
        text.split_ascii_whitespace().collect()
    }
}

fn is_data(text: &str) -> bool {
    let t = text.trim_start();
    !t.is_empty() && !t.starts_with('#')
}

fn as_header(text: &str) -> Option<(u64, u64)> {
    match split(text).as_slice() {
        [n, m] => Some((n.parse().ok()?, m.parse().ok()?)),
        _ => None,
    }
}

impl SnapReader {
    pub fn new(src: ByteSource, ctx: Ctx, opts: &Options) -> Result<Self, OpenError> {
        if let Some(cols) = &opts.snap_columns {
            SnapColumn::check(cols).map_err(OpenError::BadOption)?;
        }
        let platform = opts
            .platform
            .clone()
            .unwrap_or_else(|| platform_from_source(&ctx.source));
        let lines = LineReader::new(src, ctx.file.clone(), opts.encoding, opts.max_line_bytes);
        let edges = Edges {
            ctx,
            platform,
            kind: opts.kind.unwrap_or(InteractionKind::Follow),
            undirected: opts.undirected,
            columns: opts.snap_columns.clone(),
            header: None,
            edge_lines: 0,
            max_id: 0,
        };
        let mut r = SnapReader {
            lines,
            queue: VecDeque::new(),
            edges,
            finished: false,
        };
        r.detect_header(opts.header)?;
        Ok(r)
    }

    /// Read ahead up to the second data line and decide whether the first is a header or column names.
    fn detect_header(&mut self, forced: Option<bool>) -> Result<(), OpenError> {
        let mut comment_first = false;
        let mut data: Vec<usize> = Vec::new();
        while data.len() < 2 {
            match self.lines.next_line() {
                None => break,
                Some(Err(r)) => self.queue.push_back(Item::Rej(r)),
                Some(Ok((n, text))) => {
                    if is_data(text) {
                        data.push(self.queue.len());
                        self.queue.push_back(Item::Data(n, text.to_string()));
                    } else if data.is_empty() && text.trim_start().starts_with('#') {
                        comment_first = true;
                    }
                }
            }
        }
        let text_at = |q: &VecDeque<Item>, i: usize| match q.get(i) {
            Some(Item::Data(n, t)) => Some((*n, t.clone())),
            _ => None,
        };
        let Some((line1, first)) = data.first().and_then(|&i| text_at(&self.queue, i)) else {
            if forced == Some(true) {
                return Err(self.bad_header("no header line: the file has no data".into()));
            }
            return Ok(());
        };
        let second = data
            .get(1)
            .and_then(|&i| text_at(&self.queue, i))
            .map(|(_, t)| t);
        let f1 = split(&first);
        let column_names = f1.iter().all(|f| f.parse::<f64>().is_err());
        let is_header = match (forced, as_header(&first)) {
            (Some(false), _) => false,
            (Some(true), Some(_)) => true,
            (Some(true), None) => {
                return Err(self.bad_header(format!(
                    "line {line1}: expected a header `n m`, found {first:?}"
                )))
            }
            (None, Some((n, m))) if !comment_first => match &second {
                None => n > 0 || m == 0,
                Some(s) => {
                    let f2 = split(s);
                    f2.len() != 2
                        || (n > 0
                            && f1[0] != f2[0]
                            && f2.iter().all(|x| x.parse::<u64>().is_ok_and(|v| v <= n)))
                }
            },
            _ => false,
        };
        if is_header {
            if let Some((nodes, edges)) = as_header(&first) {
                let h = EdgeListHeader {
                    line: line1,
                    nodes,
                    edges,
                };
                self.edges.header = Some(h);
                if let Ok(mut notes) = self.edges.ctx.shared.notes.lock() {
                    notes.header = Some(h);
                }
            }
            self.queue.remove(data[0]);
        } else if column_names && forced != Some(false) {
            self.edges.ctx.warn(
                line1,
                format!("column names skipped: {}", crate::reader::quote(&first)),
            );
            self.queue.remove(data[0]);
        }
        Ok(())
    }

    fn bad_header(&self, reason: String) -> OpenError {
        OpenError::BadHeader {
            path: self.edges.ctx.path.clone(),
            reason,
        }
    }
}

impl Edges {
    fn parse(&mut self, line: u64, text: &str) -> Result<Record, Rejection> {
        self.edge_lines += 1;
        let fields = split(text);
        let default2 = [SnapColumn::Src, SnapColumn::Dst];
        let default3 = [SnapColumn::Src, SnapColumn::Dst, SnapColumn::Weight];
        let cols: &[SnapColumn] = match &self.columns {
            Some(c) => c,
            None if fields.len() == 2 => &default2,
            None if fields.len() == 3 => &default3,
            None => {
                let reason = format!(
                    "expected 2 or 3 columns (src dst [weight]), found {}",
                    fields.len()
                );
                return Err(self.ctx.reject(line, "<line>", reason));
            }
        };
        if fields.len() != cols.len() {
            let reason = format!(
                "expected {} columns ({cols:?}), found {}",
                cols.len(),
                fields.len()
            );
            return Err(self.ctx.reject(line, "<line>", reason));
        }
        let (mut src, mut dst, mut weight, mut time) = ("", "", 1.0, None);
        for (c, f) in cols.iter().zip(&fields) {
            let bad = |field: &str, reason: String| self.ctx.reject(line, field, reason);
            match c {
                SnapColumn::Src => src = numeric_id(f).map_err(|e| bad("src", e))?,
                SnapColumn::Dst => dst = numeric_id(f).map_err(|e| bad("dst", e))?,
                SnapColumn::Weight => weight = parse_weight(f).map_err(|e| bad("weight", e))?,
                SnapColumn::Time => time = Some(parse_unix(f).map_err(|e| bad("time", e.0))?),
                SnapColumn::Ignore => {}
            }
        }
        for id in [src, dst] {
            self.max_id = self.max_id.max(id.parse().unwrap_or(0));
        }
        let edge = |a: &str, b: &str, key: String| {
            Event::Interaction(Interaction {
                platform: self.platform.clone(),
                key,
                kind: self.kind,
                actor: AccountRef::by_id(a),
                target: AccountRef::by_id(b),
                post: None,
                time,
                weight,
            })
        };
        let base = crate::line_key(&self.ctx.source, line);
        let events = if !self.undirected {
            vec![edge(src, dst, base)]
        } else if src == dst {
            vec![edge(src, dst, format!("{base}#0"))]
        } else {
            vec![
                edge(src, dst, format!("{base}#0")),
                edge(dst, src, format!("{base}#1")),
            ]
        };
        Ok(Record { line, events })
    }

    fn finish(&mut self) {
        let Some(h) = self.header else { return };
        if self.edge_lines == 0 {
            let msg = format!(
                "the file has no edges: its only data line `{} {}` was read as an `n m` header; if it is an \
                 edge, read with the header off",
                h.nodes, h.edges
            );
            self.ctx.warn(h.line, msg);
            return;
        }
        if h.edges != self.edge_lines {
            let msg = format!(
                "header declares {} edges but the file has {} edge lines",
                h.edges, self.edge_lines
            );
            self.ctx.warn(h.line, msg);
        }
        if self.max_id > h.nodes {
            let msg = format!(
                "header declares {} nodes but ids go up to {}; if this line is an edge, read with the header off",
                h.nodes, self.max_id
            );
            self.ctx.warn(h.line, msg);
        }
    }
}

impl Iterator for SnapReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(item) = self.queue.pop_front() {
            return Some(match item {
                Item::Rej(r) => {
                    self.edges.count_rejected(&r);
                    Err(r)
                }
                Item::Data(n, text) => self.edges.parse(n, &text),
            });
        }
        loop {
            return match self.lines.next_line() {
                None => {
                    if !self.finished {
                        self.finished = true;
                        self.edges.finish();
                    }
                    None
                }
                Some(Err(r)) => {
                    self.edges.count_rejected(&r);
                    Some(Err(r))
                }
                Some(Ok((n, text))) if is_data(text) => Some(self.edges.parse(n, text)),
                Some(Ok(_)) => continue,
            };
        }
    }
}

impl Edges {
    /// Unreadable lines still count as edge lines for the header check; a broken stream does not.
    fn count_rejected(&mut self, r: &Rejection) {
        if r.field != "<stream>" {
            self.edge_lines += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SnapColumn;
    use crate::test_util::{read_all, write_file, write_gz};
    use crate::{EdgeListHeader, Format, Options, Record};
    use earshot_model::Event;

    fn edges(good: &[Record]) -> Vec<String> {
        good.iter()
            .flat_map(|r| r.events.iter())
            .map(|e| match e {
                Event::Interaction(i) => {
                    let t = i.time.map(|t| format!(" t{t}")).unwrap_or_default();
                    format!(
                        "{} {}>{} w{}{t}",
                        i.key, i.actor.ext_id, i.target.ext_id, i.weight
                    )
                }
                _ => panic!("not an interaction"),
            })
            .collect()
    }

    fn run(name: &str, text: &str, opts: &Options) -> (Vec<String>, Vec<String>, crate::Progress) {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), name, text.as_bytes());
        let (it, progress) = crate::open(&p, Format::Snap, opts).unwrap();
        let (mut good, mut bad) = (Vec::new(), Vec::new());
        for r in it {
            match r {
                Ok(r) => good.push(r),
                Err(e) => bad.push(format!("{}: {}: {}", e.line, e.field, e.reason)),
            }
        }
        (edges(&good), bad, progress)
    }

    #[test]
    fn header_n_m_then_two_columns_crlf() {
        let (e, bad, p) = run("g.txt", "5 4\r\n0 1\r\n2 3\r\n3 3\r\n", &Options::default());
        assert!(bad.is_empty());
        assert_eq!(e, ["g.txt:2 0>1 w1", "g.txt:3 2>3 w1", "g.txt:4 3>3 w1"]);
        assert_eq!(
            p.edge_list_header(),
            Some(EdgeListHeader {
                line: 1,
                nodes: 5,
                edges: 4
            })
        );
        let w: Vec<String> = p.warnings().iter().map(|w| w.to_string()).collect();
        assert_eq!(w.len(), 1);
        assert!(
            w[0].ends_with("g.txt:1: header declares 4 edges but the file has 3 edge lines"),
            "{w:?}"
        );
    }

    #[test]
    fn header_then_weighted_lines() {
        let (e, bad, p) = run("w.txt", "3 2\n0 1 0.2\n1 2 1\n", &Options::default());
        assert!(bad.is_empty() && p.warnings().is_empty());
        assert_eq!(e, ["w.txt:2 0>1 w0.2", "w.txt:3 1>2 w1"]);
    }

    #[test]
    fn plain_edge_lists_have_no_header() {
        for text in [
            "0 1\n0 2\n",
            "0 1\n2 3\n",
            "7 9\n7 8\n",
            "# c\n9 2\n0 1\n",
            "# c\n7 9\n",
            "0 1\n",
        ] {
            let (e, bad, p) = run("e.txt", text, &Options::default());
            assert!(bad.is_empty());
            assert_eq!(
                e.len(),
                text.lines().filter(|l| !l.starts_with('#')).count(),
                "{text:?}"
            );
            assert_eq!(p.edge_list_header(), None);
        }
        // Forced either way.
        let (e, _, _) = run(
            "e.txt",
            "9 2\n0 1\n",
            &Options {
                header: Some(false),
                ..Options::default()
            },
        );
        assert_eq!(e.len(), 2);
        let (e, _, _) = run(
            "e.txt",
            "0 1\n0 2\n",
            &Options {
                header: Some(true),
                ..Options::default()
            },
        );
        assert_eq!(e, ["e.txt:2 0>2 w1"]);
    }

    #[test]
    fn undirected_comments_tabs_and_bad_lines() {
        let text = "# Nodes: 3\n1\t2\n\n2\t2\n1 -2\n1 x\n1 2 -0.5\n1 2 nan\n1 2 3 4\n1\n";
        let opts = Options {
            undirected: true,
            kind: Some(earshot_model::InteractionKind::Mention),
            ..Options::default()
        };
        let (e, bad, _) = run("u.txt", text, &opts);
        assert_eq!(
            e,
            ["u.txt:2#0 1>2 w1", "u.txt:2#1 2>1 w1", "u.txt:4#0 2>2 w1"]
        );
        assert_eq!(
            bad,
            [
                "5: dst: negative id \"-2\"",
                "6: dst: not a numeric id: \"x\"",
                "7: weight: weight must be finite and ≥ 0: \"-0.5\"",
                "8: weight: weight must be finite and ≥ 0: \"nan\"",
                "9: <line>: expected 2 or 3 columns (src dst [weight]), found 4",
                "10: <line>: expected 2 or 3 columns (src dst [weight]), found 1",
            ]
        );
    }

    #[test]
    fn columns_time_and_comma_files_with_column_names() {
        let cols = SnapColumn::parse_list("src,dst,ignore,time").unwrap();
        let opts = Options {
            snap_columns: Some(cols),
            ..Options::default()
        };
        let text = "Source,Target,Rating,Time\r\n7188,1,10,1407470400\r\n430,1,-10,1376539200\r\n1,2,3,x\r\n";
        let (e, bad, p) = run("b.csv", text, &opts);
        assert_eq!(
            e,
            [
                "b.csv:2 7188>1 w1 t1407470400",
                "b.csv:3 430>1 w1 t1376539200"
            ]
        );
        assert_eq!(bad, ["4: time: \"x\": not a unix time (integer seconds)"]);
        assert_eq!(p.warnings().len(), 1, "column names are reported");
        let opts = Options {
            snap_columns: Some(SnapColumn::parse_list("src,dst,time").unwrap()),
            ..Options::default()
        };
        let (e, bad, _) = run("c.txt", "1 2 1082040961\n3 4 1082155839\n", &opts);
        assert!(bad.is_empty());
        assert_eq!(
            e,
            ["c.txt:1 1>2 w1 t1082040961", "c.txt:2 3>4 w1 t1082155839"]
        );
        assert!(SnapColumn::parse_list("src,src,dst").is_err());
        assert!(SnapColumn::parse_list("src,dst,colour").is_err());
    }

    #[test]
    fn gzip_and_platform_default() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_gz(dir.path(), "Wiki-Vote.txt.gz", b"# x\n30\t1412\n");
        let (good, bad) = read_all(&p, Format::Snap, &Options::default());
        assert!(bad.is_empty());
        let Event::Interaction(i) = &good[0].events[0] else {
            panic!()
        };
        assert_eq!(
            (i.platform.as_str(), i.key.as_str()),
            ("wiki-vote", "Wiki-Vote.txt:2")
        );
        assert_eq!(i.kind, earshot_model::InteractionKind::Follow);
    }

    #[test]
    fn a_lone_n_m_line_is_a_header_without_edges() {
        for text in [
            "15233 58891\n",
            "15233 58891\r\n# trailing comment\n\n",
            "0 0\n",
        ] {
            let (e, bad, p) = run("h.txt", text, &Options::default());
            assert!(e.is_empty() && bad.is_empty(), "{text:?}: {e:?} {bad:?}");
            let h = p.edge_list_header().expect("a header");
            assert_eq!(h.line, 1);
            let w: Vec<String> = p.warnings().iter().map(|w| w.message.clone()).collect();
            assert_eq!(w.len(), 1, "{w:?}");
            assert!(w[0].contains("no edges"), "{w:?}");
        }
        // Forced off, it is an edge.
        let opts = Options {
            header: Some(false),
            ..Options::default()
        };
        let (e, _, p) = run("h.txt", "15233 58891\n", &opts);
        assert_eq!(e, ["h.txt:1 15233>58891 w1"]);
        assert_eq!(p.edge_list_header(), None);
    }
}
