//! Streaming the elements of a top-level JSON array (`[{...}, {...}]`) one at a time, each capped at
//! `max_line_bytes`, without ever holding the whole array.

use crate::reader::{decode_into, invalid_utf8, stream_error, ByteSource};
use crate::{Encoding, Rejection};
use std::io::{self, BufRead};

pub(crate) struct JsonArray {
    src: Box<dyn BufRead + Send>,
    gzip: bool,
    file: String,
    enc: Encoding,
    max: usize,
    /// Current physical line (1-based).
    line: u64,
    opened: bool,
    done: bool,
    buf: Vec<u8>,
}

/// One array element: the line it starts on and its text.
pub(crate) struct Element {
    pub line: u64,
    pub text: String,
}

impl JsonArray {
    pub fn new(src: ByteSource, file: String, enc: Encoding, max: usize) -> Self {
        JsonArray {
            src: src.reader,
            gzip: src.gzip,
            file,
            enc,
            max,
            line: 1,
            opened: false,
            done: false,
            buf: Vec::new(),
        }
    }

    fn reject(
        &mut self,
        line: u64,
        field: &str,
        reason: String,
    ) -> Option<Result<Element, Rejection>> {
        Some(Err(Rejection {
            file: self.file.clone(),
            line,
            field: field.to_string(),
            reason,
        }))
    }

    /// Skip whitespace (and commas between elements); the next significant byte, not consumed.
    fn peek_significant(&mut self, allow_comma: bool) -> io::Result<Option<u8>> {
        loop {
            let avail = self.src.fill_buf()?;
            let Some(&b) = avail.first() else {
                return Ok(None);
            };
            if b == b'\n' {
                self.line += 1;
            }
            if b.is_ascii_whitespace() || (allow_comma && b == b',') {
                self.src.consume(1);
            } else {
                return Ok(Some(b));
            }
        }
    }

    /// Read one element's bytes (not its trailing `,` or `]`). Returns its size (also when over the cap).
    fn read_element(&mut self) -> io::Result<(usize, bool)> {
        self.buf.clear();
        let (mut depth, mut in_str, mut esc, mut size) = (0u32, false, false, 0usize);
        loop {
            let avail = self.src.fill_buf()?;
            if avail.is_empty() {
                return Ok((size, false));
            }
            let mut i = 0;
            let mut complete = false;
            while i < avail.len() {
                if in_str {
                    if esc {
                        esc = false;
                        self.line += u64::from(avail[i] == b'\n');
                        i += 1;
                        continue;
                    }
                    // Strings are most of a document: jump to the next quote, backslash or line
                    // break (none in valid JSON, but an invalid file's lines are still counted).
                    let rest = &avail[i..];
                    i += memchr::memchr3(b'"', b'\\', b'\n', rest).unwrap_or(rest.len());
                    if let Some(&b) = avail.get(i) {
                        match b {
                            b'\\' => esc = true,
                            b'"' => in_str = false,
                            _ => self.line += 1,
                        }
                        i += 1;
                    }
                    continue;
                }
                let b = avail[i];
                if depth == 0 && (b == b',' || b == b']') && size + i > 0 {
                    complete = true;
                    break;
                }
                i += 1;
                match b {
                    b'\n' => self.line += 1,
                    b'"' => in_str = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                if depth == 0 && matches!(b, b'}' | b']') {
                    complete = true;
                    break;
                }
            }
            // The first `max` bytes of the element are kept; the rest is only counted.
            let keep = self.max.saturating_sub(size).min(i);
            self.buf.extend_from_slice(&avail[..keep]);
            size += i;
            self.src.consume(i);
            if complete {
                return Ok((size, true));
            }
        }
    }

    /// Move to the value of the top-level object's member `key`, consuming the object's bytes up to and
    /// with the `:` after that name, so that the array it holds is read next (an ActivityStreams
    /// collection's `orderedItems`). `false` when the input ends, or is not an object, before it.
    /// Names are compared as they are written (a name spelled with escapes is not recognised).
    pub fn skip_to_member(&mut self, key: &str) -> io::Result<bool> {
        let (mut depth, mut in_str, mut esc) = (0u32, false, false);
        let mut name: Vec<u8> = Vec::new();
        let mut capturing = false;
        let mut after_name = false;
        loop {
            let avail = self.src.fill_buf()?;
            if avail.is_empty() {
                return Ok(false);
            }
            let mut used = 0;
            let mut found = false;
            for &b in avail {
                used += 1;
                if b == b'\n' {
                    self.line += 1;
                }
                if in_str {
                    if esc {
                        esc = false;
                    } else if b == b'\\' {
                        esc = true;
                    } else if b == b'"' {
                        in_str = false;
                        after_name = capturing;
                        capturing = false;
                        continue;
                    }
                    if capturing && name.len() <= key.len() {
                        name.push(b);
                    }
                    continue;
                }
                match b {
                    b'"' => {
                        in_str = true;
                        capturing = depth == 1;
                        name.clear();
                        after_name = false;
                    }
                    b':' if depth == 1 && after_name && name == key.as_bytes() => {
                        found = true;
                        break;
                    }
                    b'{' | b'[' => {
                        if depth == 0 && b == b'[' {
                            return Ok(false);
                        }
                        depth += 1;
                        after_name = false;
                    }
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        after_name = false;
                    }
                    b if b.is_ascii_whitespace() => {}
                    _ => after_name = false,
                }
            }
            self.src.consume(used);
            if found {
                return Ok(true);
            }
        }
    }

    /// The next element, a rejection, or `None` after the closing `]`.
    pub fn next_element(&mut self, index: u64) -> Option<Result<Element, Rejection>> {
        if self.done {
            return None;
        }
        let step = self.step(index);
        match step {
            Ok(x) => x,
            Err(e) => {
                self.done = true;
                let line = self.line;
                let reason = stream_error(&e, self.gzip);
                self.reject(line, "<stream>", reason)
            }
        }
    }

    fn step(&mut self, index: u64) -> io::Result<Option<Result<Element, Rejection>>> {
        if !self.opened {
            self.opened = true;
            match self.peek_significant(false)? {
                Some(b'[') => self.src.consume(1),
                _ => {
                    self.done = true;
                    let line = self.line;
                    return Ok(self.reject(line, "<json>", "expected a JSON array `[`".into()));
                }
            }
        }
        match self.peek_significant(true)? {
            None => {
                self.done = true;
                let line = self.line;
                Ok(self.reject(
                    line,
                    "<stream>",
                    "JSON array not closed: unexpected end of file".into(),
                ))
            }
            Some(b']') => {
                self.done = true;
                Ok(None)
            }
            Some(_) => {
                let line = self.line;
                let (size, complete) = self.read_element()?;
                if !complete {
                    self.done = true;
                    return Ok(self.reject(
                        line,
                        "<stream>",
                        "JSON array not closed: unexpected end of file".into(),
                    ));
                }
                if size > self.max {
                    let reason = format!("element {index} of {size} bytes is longer than the limit of {} bytes (skipped)", self.max);
                    return Ok(self.reject(line, "<line>", reason));
                }
                let mut text = String::new();
                if let Err(at) = decode_into(&self.buf, self.enc, &mut text) {
                    return Ok(self.reject(
                        line,
                        "<line>",
                        format!("element {index}: {}", invalid_utf8(at)),
                    ));
                }
                Ok(Some(Ok(Element { line, text })))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::value::RawValue;
    use std::io::{BufReader, Cursor};

    fn array(bytes: &[u8], chunk: usize, max: usize) -> JsonArray {
        let src = ByteSource {
            reader: Box::new(BufReader::with_capacity(chunk, Cursor::new(bytes.to_vec()))),
            gzip: false,
        };
        JsonArray::new(src, "a.json".into(), Encoding::Utf8, max)
    }

    #[test]
    fn elements_and_their_lines_are_what_a_json_parser_finds_whatever_the_read_size() {
        let doc = r#"[
  {"a": "x \" ] } , [ {", "b": ["\\", "\\\"", "c\u00e9"]},
  "plain string",   7,
  [1, [2, {"d": "e]"}]],

  {"multi":
     "line", "k": {"z": null}}, {"last": "\\\\"}
]"#;
        let expected: Vec<&RawValue> = serde_json::from_str(doc).unwrap();
        let lines: Vec<u64> = expected
            .iter()
            .map(|raw| {
                let at = raw.get().as_ptr() as usize - doc.as_ptr() as usize;
                1 + doc[..at].matches('\n').count() as u64
            })
            .collect();
        for chunk in [1, 2, 3, 7, 64, 4096] {
            let mut arr = array(doc.as_bytes(), chunk, 1 << 20);
            let mut got = Vec::new();
            let mut index = 0;
            while let Some(item) = arr.next_element(index + 1) {
                index += 1;
                let e = item.unwrap_or_else(|r| panic!("chunk {chunk}: {r:?}"));
                got.push((e.line, e.text));
            }
            let want: Vec<(u64, String)> = expected
                .iter()
                .zip(&lines)
                .map(|(raw, &line)| (line, raw.get().to_string()))
                .collect();
            assert_eq!(got, want, "chunk {chunk}");
        }
    }

    #[test]
    fn an_element_over_the_limit_is_one_rejection_and_the_next_is_read() {
        let doc = br#"[{"long": "0123456789012345678901234567890123456789"}, {"s": 1}]"#;
        for chunk in [1, 5, 4096] {
            let mut arr = array(doc, chunk, 20);
            let first = arr.next_element(1).unwrap();
            let reason = first.err().unwrap().reason;
            assert!(reason.contains("element 1 of 52 bytes"), "{reason}");
            assert_eq!(arr.next_element(2).unwrap().unwrap().text, r#"{"s": 1}"#);
            assert!(arr.next_element(3).is_none());
        }
    }
}
