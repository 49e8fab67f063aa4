//! CSV records (RFC 4180: `,` separated, `"` quoted, `""` for a quote, newlines inside quotes) read on top
//! of the capped [`LineReader`], so a record's size is bounded by `max_line_bytes` and its length by
//! [`MAX_RECORD_LINES`], and each record knows the physical line it starts on. Lenient like common readers:
//! a quote inside an unquoted field is a literal, text after a closing quote is kept.
//!
//! A stray `"` opening a quoted field would otherwise swallow every following line up to the next quote.
//! So a quoted field still open after [`MAX_RECORD_LINES`] lines, when the record passes `max_line_bytes`,
//! or at the end of the input *abandons* the record: it is rejected, naming the line where the quote
//! opened, and reading resumes at the record's second physical line (the lines after the first are kept
//! for this: at most `max_line_bytes` plus one line). A line that cannot be read (bad UTF-8, too long)
//! inside a quoted field is taken to hold no quote: the record goes on to the line where its quote closes
//! and is rejected as a whole, so reading never resumes in the middle of a quoted field.

use crate::reader::LineReader;
use crate::{Rejection, MAX_RECORD_LINES};
use std::collections::VecDeque;

#[derive(Clone, Copy, PartialEq, Eq)]
enum St {
    FieldStart,
    Unquoted,
    Quoted,
    /// Just saw a `"` inside a quoted field: either the closing quote or the first of `""`.
    QuoteInQuoted,
}

/// A physical line kept for reading again, or the rejection it gave.
enum Item {
    Line(u64, String),
    Bad(Rejection),
}

pub(crate) struct CsvRecords {
    lines: LineReader,
    max: usize,
    /// The field separator: `,`, or a tab for tab-separated files.
    delimiter: char,
    /// Lines of an abandoned record, read again before the line reader.
    pending: VecDeque<Item>,
}

/// One CSV record: the line it starts on and its fields.
pub(crate) struct CsvRecord {
    pub line: u64,
    pub fields: Vec<String>,
}

impl CsvRecords {
    pub fn new(lines: LineReader, max: usize) -> Self {
        CsvRecords {
            lines,
            max,
            delimiter: ',',
            pending: VecDeque::new(),
        }
    }

    /// The same reader splitting fields on `delimiter` (a tab for tab-separated files) instead of `,`.
    pub fn with_delimiter(mut self, delimiter: char) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// The next record (blank lines between records are skipped), a rejection, or `None` at the end.
    pub fn next_record(&mut self) -> Option<Result<CsvRecord, Rejection>> {
        let mut fields: Vec<String> = Vec::new();
        let mut cur = String::new();
        let mut st = St::FieldStart;
        let delimiter = self.delimiter;
        // First and last physical line of the record so far, and how many it spans.
        let (mut start, mut last, mut span) = (0u64, 0u64, 0u64);
        // The line where the quoted field now open began.
        let mut quote_line = 0u64;
        let mut size = 0usize;
        // The first unreadable line inside the record.
        let mut broken: Option<(u64, String)> = None;
        // Every line after the first, to be read again if the record is abandoned.
        let mut replay: Vec<Item> = Vec::new();
        loop {
            let owned: String;
            let next = match self.pending.pop_front() {
                Some(Item::Line(n, s)) => {
                    owned = s;
                    Some(Ok((n, owned.as_str())))
                }
                Some(Item::Bad(r)) => Some(Err(r)),
                None => self.lines.next_line(),
            };
            let (line, text) = match next {
                None if start == 0 => return None,
                None => {
                    let at = format!("the end of the file (line {last})");
                    return Some(Err(self.abandon(start, quote_line, replay, &at)));
                }
                Some(Err(r)) if start == 0 => return Some(Err(r)),
                Some(Err(r)) if r.field == "<stream>" => {
                    // Nothing follows: the record is abandoned at the end, and the stream error reported
                    // after its lines have been read again.
                    replay.push(Item::Bad(r));
                    continue;
                }
                Some(Err(r)) => {
                    last = r.line;
                    span += 1;
                    broken.get_or_insert_with(|| (r.line, r.reason.clone()));
                    replay.push(Item::Bad(r));
                    if span >= MAX_RECORD_LINES {
                        let at = format!(
                            "line {last} (a record may span at most {MAX_RECORD_LINES} lines)"
                        );
                        return Some(Err(self.abandon(start, quote_line, replay, &at)));
                    }
                    continue;
                }
                Some(Ok(x)) => x,
            };
            if start == 0 {
                if text.is_empty() {
                    continue;
                }
                start = line;
            } else {
                cur.push('\n');
                replay.push(Item::Line(line, text.to_string()));
            }
            last = line;
            span += 1;
            size += text.len() + 1;
            for c in text.chars() {
                st = match (st, c) {
                    (St::FieldStart, '"') => {
                        quote_line = line;
                        St::Quoted
                    }
                    (St::FieldStart | St::Unquoted | St::QuoteInQuoted, c) if c == delimiter => {
                        fields.push(std::mem::take(&mut cur));
                        St::FieldStart
                    }
                    (St::Quoted, '"') => St::QuoteInQuoted,
                    (St::QuoteInQuoted, '"') => {
                        cur.push('"');
                        St::Quoted
                    }
                    (St::Quoted, c) => {
                        cur.push(c);
                        St::Quoted
                    }
                    (_, c) => {
                        cur.push(c);
                        St::Unquoted
                    }
                };
            }
            if st != St::Quoted {
                if let Some((at, why)) = broken {
                    let reason =
                        format!("record of lines {start}..={line} is broken: line {at}: {why}");
                    return Some(Err(self.lines.reject(start, "<line>", reason)));
                }
                if size > self.max {
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
            if span >= MAX_RECORD_LINES {
                let at =
                    format!("line {line} (a record may span at most {MAX_RECORD_LINES} lines)");
                return Some(Err(self.abandon(start, quote_line, replay, &at)));
            }
            if size > self.max {
                let at = format!("line {line} (longer than the limit of {} bytes)", self.max);
                return Some(Err(self.abandon(start, quote_line, replay, &at)));
            }
        }
    }

    /// Reject the record starting on `start`, whose quote opened on `quote_line` is still open, and queue
    /// its later lines to be read again.
    fn abandon(&mut self, start: u64, quote_line: u64, replay: Vec<Item>, at: &str) -> Rejection {
        for item in replay.into_iter().rev() {
            self.pending.push_front(item);
        }
        let reason =
            format!("unclosed quote opened on line {quote_line}; record abandoned at {at}");
        self.lines.reject(start, "<line>", reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::open_bytes;
    use crate::{Encoding, Shared};
    use std::sync::Arc;

    fn records(text: impl AsRef<[u8]>, max: usize) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.csv");
        std::fs::write(&p, text.as_ref()).unwrap();
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
                "c.csv:7: <line>: unclosed quote opened on line 7; record abandoned at the end of the file (line 7)"
            ]
        );
        let long = format!("1,\"{}\n{}\"\n2,ok\n", "x".repeat(30), "y".repeat(30));
        assert_eq!(
            records(&long, 40),
            ["c.csv:1: <line>: record of lines 1..=2 is longer than the limit of 40 bytes (skipped)", "3:2|ok"]
        );
    }

    #[test]
    fn stray_quote_is_abandoned_after_the_line_cap_and_reading_resumes() {
        let mut text = String::from("a,b,c,d\n1,alice,2015-02-24 11:35,\"oops unclosed\n");
        for i in 3..=200 {
            text.push_str(&format!("{i},u{i},2015-02-24 11:35,hello\n"));
        }
        text.push_str("201,z,2015-02-24 11:35,\"fine\"\n");
        let out = records(&text, 100_000);
        assert_eq!(out[0], "1:a|b|c|d");
        assert_eq!(
            out[1],
            "c.csv:2: <line>: unclosed quote opened on line 2; record abandoned at line 65 \
             (a record may span at most 64 lines)"
        );
        assert_eq!(out[2], "3:3|u3|2015-02-24 11:35|hello");
        assert_eq!(out.len(), 2 + 198 + 1, "{:?}", &out[..5]);
        assert_eq!(out[200], "201:201|z|2015-02-24 11:35|fine");
    }

    #[test]
    fn unclosed_quote_at_the_end_resumes_after_the_first_line() {
        assert_eq!(
            records("x,y\n1,\"open\n2,b\n\n3,c\n", 100),
            [
                "1:x|y",
                "c.csv:2: <line>: unclosed quote opened on line 2; record abandoned at the end of the file \
                 (line 5)",
                "3:2|b",
                "5:3|c"
            ]
        );
        // The quote that stays open is named, not the record's first quote.
        assert_eq!(
            records("1,\"a\"\"\nb\",\"c\n2,d\n", 100),
            [
                "c.csv:1: <line>: unclosed quote opened on line 2; record abandoned at the end of the file \
                 (line 3)",
                "c.csv:2: <line>: unclosed quote opened on line 2; record abandoned at the end of the file \
                 (line 3)",
                "3:2|d"
            ]
        );
    }

    #[test]
    fn records_up_to_the_line_cap_are_read() {
        let body = vec!["l"; 64].join("\n");
        let ok = records(format!("1,\"{body}\"\n2,x\n"), 1000);
        assert_eq!(ok.len(), 2, "{ok:?}");
        assert!(ok[0].starts_with("1:1|l\nl"));
        assert_eq!(ok[1], "65:2|x");
        let body = vec!["l"; 65].join("\n");
        let over = records(format!("1,\"{body}\"\n2,x\n"), 1000);
        assert_eq!(
            over[0],
            "c.csv:1: <line>: unclosed quote opened on line 1; record abandoned at line 64 \
             (a record may span at most 64 lines)"
        );
        assert_eq!(over.last().unwrap(), "66:2|x");
    }

    #[test]
    fn a_quoted_field_past_the_byte_limit_is_abandoned() {
        let text = "1,\"aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc\n2,x\n";
        assert_eq!(
            records(text, 20),
            [
                "c.csv:1: <line>: unclosed quote opened on line 1; record abandoned at line 2 (longer than the \
                 limit of 20 bytes)",
                "2:bbbbbbbbbb",
                "3:cccccccccc",
                "4:2|x"
            ]
        );
        assert_eq!(crate::MAX_RECORD_LINES, 64, "the tests above count on it");
    }

    #[test]
    fn a_broken_line_inside_quotes_skips_to_the_end_of_the_record() {
        assert_eq!(
            records(&b"1,\"x\n\xff\nstill quoted\",3\n2,ok\n"[..], 100),
            [
                "c.csv:1: <line>: record of lines 1..=3 is broken: line 2: invalid UTF-8 at byte 1 \
                 (if the file is latin-1, pass --encoding latin1)",
                "4:2|ok"
            ]
        );
        let long = format!("1,\"x\n{}\nstill quoted\",3\n2,ok\n", "y".repeat(50));
        assert_eq!(
            records(&long, 20),
            [
                "c.csv:1: <line>: record of lines 1..=3 is broken: line 2: line of 50 bytes is longer than \
                 the limit of 20 bytes (skipped)",
                "4:2|ok"
            ]
        );
    }
}
