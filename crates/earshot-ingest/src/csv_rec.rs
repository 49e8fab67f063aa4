//! CSV records (RFC 4180: `,` separated, `"` quoted, `""` for a quote, newlines inside quotes) read on top
//! of the capped [`LineReader`], so a record's size is bounded by `max_line_bytes` and each record knows
//! the physical line it starts on. Lenient like common readers: a quote inside an unquoted field is a
//! literal, text after a closing quote is kept.

use crate::reader::LineReader;
use crate::Rejection;

#[derive(Clone, Copy, PartialEq, Eq)]
enum St {
    FieldStart,
    Unquoted,
    Quoted,
    /// Just saw a `"` inside a quoted field: either the closing quote or the first of `""`.
    QuoteInQuoted,
}

pub(crate) struct CsvRecords {
    lines: LineReader,
    max: usize,
}

/// One CSV record: the line it starts on and its fields.
pub(crate) struct CsvRecord {
    pub line: u64,
    pub fields: Vec<String>,
}

impl CsvRecords {
    pub fn new(lines: LineReader, max: usize) -> Self {
        CsvRecords { lines, max }
    }

    /// The next record (blank lines between records are skipped), a rejection, or `None` at the end.
    pub fn next_record(&mut self) -> Option<Result<CsvRecord, Rejection>> {
        let mut fields: Vec<String> = Vec::new();
        let mut cur = String::new();
        let mut st = St::FieldStart;
        let mut start = 0u64;
        let mut size = 0usize;
        let mut overflow = false;
        loop {
            let (line, text) = match self.lines.next_line() {
                None if start == 0 => return None,
                None => {
                    let reason = format!("quoted field not closed before the end of the file (record starts on line {start})");
                    return Some(Err(self.lines.reject(start, "<line>", reason)));
                }
                Some(Err(r)) if start == 0 => return Some(Err(r)),
                Some(Err(r)) => {
                    let reason = format!(
                        "record starting on line {start} is broken: line {}: {}",
                        r.line, r.reason
                    );
                    return Some(Err(self.lines.reject(start, "<line>", reason)));
                }
                Some(Ok(x)) => x,
            };
            if start == 0 {
                if text.is_empty() {
                    continue;
                }
                start = line;
            } else if !overflow {
                cur.push('\n');
            }
            size += text.len() + 1;
            if size > self.max {
                overflow = true;
                fields.clear();
                cur.clear();
            }
            for c in text.chars() {
                st = match (st, c) {
                    (St::FieldStart, '"') => St::Quoted,
                    (St::FieldStart | St::Unquoted | St::QuoteInQuoted, ',') => {
                        if !overflow {
                            fields.push(std::mem::take(&mut cur));
                        }
                        St::FieldStart
                    }
                    (St::Quoted, '"') => St::QuoteInQuoted,
                    (St::QuoteInQuoted, '"') => {
                        if !overflow {
                            cur.push('"');
                        }
                        St::Quoted
                    }
                    (St::Quoted, c) => {
                        if !overflow {
                            cur.push(c);
                        }
                        St::Quoted
                    }
                    (_, c) => {
                        if !overflow {
                            cur.push(c);
                        }
                        St::Unquoted
                    }
                };
            }
            if st != St::Quoted {
                if overflow {
                    let reason = format!(
                        "record of lines {start}..={line} is longer than the limit of {} bytes (skipped)",
                        self.max
                    );
                    return Some(Err(self.lines.reject(start, "<line>", reason)));
                }
                fields.push(cur);
                return Some(Ok(CsvRecord {
                    line: start,
                    fields,
                }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::open_bytes;
    use crate::{Encoding, Shared};
    use std::sync::Arc;

    fn records(text: &str, max: usize) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.csv");
        std::fs::write(&p, text).unwrap();
        let src = open_bytes(&p, &Arc::new(Shared::default())).unwrap();
        let mut r = CsvRecords::new(
            LineReader::new(src, "c.csv".into(), Encoding::Utf8, max),
            max,
        );
        let mut out = Vec::new();
        while let Some(x) = r.next_record() {
            out.push(match x {
                Ok(rec) => format!("{}:{}", rec.line, rec.fields.join("|")),
                Err(e) => e.to_string(),
            });
        }
        out
    }

    #[test]
    fn quoting_multiline_and_caps() {
        let text = "a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n\r\n2,\"two\nlines\",\"\"\"q\"\"\"\n3,a\"b,\"c\"d\n4,\"";
        assert_eq!(
            records(text, 100),
            [
                "1:a|b|c",
                "2:1|x, \"y\"|3",
                "4:2|two\nlines|\"q\"",
                "6:3|a\"b|cd",
                "c.csv:7: <line>: quoted field not closed before the end of the file (record starts on line 7)"
            ]
        );
        let long = format!("1,\"{}\n{}\"\n2,ok\n", "x".repeat(30), "y".repeat(30));
        assert_eq!(
            records(&long, 40),
            ["c.csv:1: <line>: record of lines 1..=2 is longer than the limit of 40 bytes (skipped)", "3:2|ok"]
        );
    }
}
