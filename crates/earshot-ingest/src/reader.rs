//! Opening files (plain or gzip, detected by magic bytes) and reading them line by line with a length cap.

use crate::{Encoding, OpenError, Rejection, Shared};
use flate2::bufread::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;

const BUF: usize = 256 * 1024;

/// Counts the bytes read from the file on disk into the shared progress counter.
struct Counting<R> {
    inner: R,
    shared: Arc<Shared>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.shared.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Drops a UTF-8 byte order mark (`EF BB BF`) at the start of the (decompressed) stream, so that every
/// reader, and the sniffing of the profiles format, sees the text itself. Should the first read return
/// fewer than three bytes, they are gathered in `head` before deciding, so a split BOM is still found.
struct SkipBom<R> {
    inner: R,
    checked: bool,
    head: Vec<u8>,
    pos: usize,
}

const BOM: &[u8] = b"\xef\xbb\xbf";

impl<R> SkipBom<R> {
    fn new(inner: R) -> Self {
        SkipBom {
            inner,
            checked: false,
            head: Vec::new(),
            pos: 0,
        }
    }
}

impl<R: BufRead> BufRead for SkipBom<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if !self.checked {
            // The usual case: the first buffer holds the first three bytes; nothing is copied.
            let avail = self.inner.fill_buf()?;
            if self.head.is_empty() && avail.len() >= BOM.len() {
                self.checked = true;
                if avail.starts_with(BOM) {
                    self.inner.consume(BOM.len());
                }
                return self.inner.fill_buf();
            }
            while self.head.len() < BOM.len() {
                let avail = self.inner.fill_buf()?;
                if avail.is_empty() {
                    break;
                }
                let n = avail.len().min(BOM.len() - self.head.len());
                self.head.extend_from_slice(&avail[..n]);
                self.inner.consume(n);
            }
            self.checked = true;
            if self.head == BOM {
                self.pos = BOM.len();
            }
        }
        if self.pos < self.head.len() {
            return Ok(&self.head[self.pos..]);
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if self.pos < self.head.len() {
            self.pos = (self.pos + amt).min(self.head.len());
        } else {
            self.inner.consume(amt);
        }
    }
}

impl<R: BufRead> Read for SkipBom<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// The decompressed byte stream of a file (a leading UTF-8 BOM dropped), and whether it was gzip.
pub(crate) struct ByteSource {
    pub reader: Box<dyn BufRead + Send>,
    pub gzip: bool,
}

/// Open `path`; gzip (magic `1f 8b`) is decompressed transparently, concatenated members included. A UTF-8
/// BOM at the start of the text is dropped.
pub(crate) fn open_bytes(path: &Path, shared: &Arc<Shared>) -> io::Result<ByteSource> {
    if let Ok(meta) = std::fs::metadata(path) {
        shared.file_size.store(meta.len(), Ordering::Relaxed);
    }
    open_stream(path, shared)
}

/// The error of an input that is not what its format reads.
pub(crate) fn bad_input(path: &Path, reason: &str) -> OpenError {
    OpenError::BadInput {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Check that `path` is a folder (an unpacked archive's): an `Io` error when it cannot be looked at,
/// a `BadInput` one with `not_a_folder` as the reason when it is no folder.
pub(crate) fn expect_folder(path: &Path, not_a_folder: &str) -> Result<(), OpenError> {
    let meta = std::fs::metadata(path).map_err(|source| OpenError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        Ok(())
    } else {
        Err(bad_input(path, not_a_folder))
    }
}

/// As [`open_bytes`], for one of several files read as one stream: the bytes read add to the shared
/// count, and the total size is left to the caller.
pub(crate) fn open_stream(path: &Path, shared: &Arc<Shared>) -> io::Result<ByteSource> {
    open_decompressed(path, shared, true)
}

/// As [`open_stream`], for a binary format (a CAR file): the bytes are passed on as they are, a
/// leading `EF BB BF` included.
pub(crate) fn open_binary(path: &Path, shared: &Arc<Shared>) -> io::Result<ByteSource> {
    open_decompressed(path, shared, false)
}

fn open_decompressed(path: &Path, shared: &Arc<Shared>, text: bool) -> io::Result<ByteSource> {
    let file = File::open(path)?;
    let mut raw = BufReader::with_capacity(
        BUF,
        Counting {
            inner: file,
            shared: Arc::clone(shared),
        },
    );
    let head = raw.fill_buf()?;
    let gzip = head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b;
    let reader: Box<dyn BufRead + Send> = match (gzip, text) {
        (true, true) => Box::new(SkipBom::new(BufReader::with_capacity(
            BUF,
            MultiGzDecoder::new(raw),
        ))),
        (true, false) => Box::new(BufReader::with_capacity(BUF, MultiGzDecoder::new(raw))),
        (false, true) => Box::new(SkipBom::new(raw)),
        (false, false) => Box::new(raw),
    };
    Ok(ByteSource { reader, gzip })
}

/// Describe a read error in the middle of a stream.
pub(crate) fn stream_error(e: &io::Error, gzip: bool) -> String {
    match (gzip, e.kind()) {
        // flate2's wording varies between versions and backends ("incomplete deflate stream", ...).
        (true, io::ErrorKind::UnexpectedEof) => {
            "gzip stream truncated: unexpected end of file".to_string()
        }
        (true, _) => format!("gzip stream corrupt: {e}"),
        (false, _) => format!("read error: {e}"),
    }
}

/// Quote a value for a rejection reason, truncated to about 80 characters.
pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        format!("{s:?}")
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut:?}...")
    }
}

/// The rejection reason for invalid UTF-8 at 1-based byte `at`, with a hint at the way out.
pub(crate) fn invalid_utf8(at: usize) -> String {
    format!("invalid UTF-8 at byte {at} (if the file is latin-1, pass --encoding latin1)")
}

/// Decode `bytes` per `enc` into `out` (cleared first). Err: the 1-based byte position of invalid UTF-8.
pub(crate) fn decode_into(bytes: &[u8], enc: Encoding, out: &mut String) -> Result<(), usize> {
    out.clear();
    match enc {
        Encoding::Utf8 => match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                Ok(())
            }
            Err(e) => Err(e.valid_up_to() + 1),
        },
        Encoding::Latin1 => {
            out.extend(bytes.iter().map(|&b| b as char));
            Ok(())
        }
    }
}

/// Reads physical lines (1-based), strips `\n` and trailing `\r`s, decodes, and caps the line length.
///
/// The cap applies to the line without its terminator (`\n` and the `\r`s before it). A line longer than
/// `max` bytes is skipped (no more than `max` bytes of it are held) and reported as a rejection with field
/// `<line>`; bad UTF-8 likewise. A read error ends the stream with one `<stream>` rejection.
pub(crate) struct LineReader {
    src: Box<dyn BufRead + Send>,
    gzip: bool,
    file: String,
    enc: Encoding,
    max: usize,
    raw: Vec<u8>,
    text: String,
    line: u64,
    done: bool,
    /// Bytes of the source's buffer that the last line, read in place, still occupies: consumed when the
    /// next line is read, since the text handed out borrows them until then.
    in_place: usize,
}

pub(crate) enum Raw {
    /// A line fits in `raw`.
    Line,
    /// A line lies whole in the source's buffer: its first `n` bytes, terminator excluded.
    InPlace(usize),
    /// A line was too long: its full length.
    TooLong(u64),
    Eof,
}

impl LineReader {
    pub fn new(src: ByteSource, file: String, enc: Encoding, max: usize) -> Self {
        LineReader {
            src: src.reader,
            gzip: src.gzip,
            file,
            enc,
            max,
            raw: Vec::with_capacity(256),
            text: String::new(),
            line: 0,
            done: false,
            in_place: 0,
        }
    }

    pub fn reject(&self, line: u64, field: &str, reason: String) -> Rejection {
        Rejection {
            file: self.file.clone(),
            line,
            field: field.to_string(),
            reason,
        }
    }

    /// Read one physical line's raw bytes into `self.raw`, without its terminator.
    fn read_raw(&mut self) -> io::Result<Raw> {
        self.src.consume(std::mem::take(&mut self.in_place));
        // Most lines lie whole in the buffer: they are read where they are, not copied.
        let avail = loop {
            match self.src.fill_buf() {
                Ok(b) => break b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        if let Some(end) = memchr::memchr(b'\n', avail) {
            let len = avail[..end]
                .iter()
                .rposition(|&b| b != b'\r')
                .map_or(0, |i| i + 1);
            if len <= self.max {
                self.in_place = end + 1;
                return Ok(Raw::InPlace(len));
            }
        }
        self.raw.clear();
        // Bytes before the `\n`, and how many of the last of them are `\r` (stripped, not counted).
        let mut total: u64 = 0;
        let mut crs: u64 = 0;
        let mut any = false;
        loop {
            let avail = match self.src.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                if !any {
                    return Ok(Raw::Eof);
                }
                break;
            }
            any = true;
            let (chunk, used, end) = match memchr::memchr(b'\n', avail) {
                Some(i) => (&avail[..i], i + 1, true),
                None => (avail, avail.len(), false),
            };
            total += chunk.len() as u64;
            crs = match chunk.iter().rposition(|&b| b != b'\r') {
                Some(i) => (chunk.len() - 1 - i) as u64,
                None => crs + chunk.len() as u64,
            };
            // Keep at most `max` bytes: enough for any line within the cap once its `\r`s are gone.
            let room = self.max.saturating_sub(self.raw.len());
            self.raw.extend_from_slice(&chunk[..chunk.len().min(room)]);
            self.src.consume(used);
            if end {
                break;
            }
        }
        let len = total - crs;
        if len > self.max as u64 {
            return Ok(Raw::TooLong(len));
        }
        self.raw.truncate(len as usize);
        Ok(Raw::Line)
    }

    /// The next item of a format with one record per line: `parse(line, text)` turns a line into an item
    /// or `None` for a line that holds none (blank, a comment), which is passed over; this reader's own
    /// rejections (bad bytes, an overlong line) come through as they are, and `None` at the end.
    pub fn next_item<T>(
        &mut self,
        mut parse: impl FnMut(u64, &str) -> Option<Result<T, Rejection>>,
    ) -> Option<Result<T, Rejection>> {
        loop {
            let (line, text) = match self.next_line()? {
                Ok(x) => x,
                Err(r) => return Some(Err(r)),
            };
            if let Some(item) = parse(line, text) {
                return Some(item);
            }
        }
    }

    /// The next line as text: `Some(Ok((line, text)))`, a rejection for this line, or `None` at the end.
    pub fn next_line(&mut self) -> Option<Result<(u64, &str), Rejection>> {
        if self.done {
            return None;
        }
        let r = self.read_raw();
        match r {
            Err(e) => {
                self.done = true;
                let line = self.line + 1;
                Some(Err(self.reject(
                    line,
                    "<stream>",
                    stream_error(&e, self.gzip),
                )))
            }
            Ok(Raw::Eof) => {
                self.done = true;
                None
            }
            Ok(Raw::TooLong(n)) => {
                self.line += 1;
                let reason = format!(
                    "line of {n} bytes is longer than the limit of {} bytes (skipped)",
                    self.max
                );
                Some(Err(self.reject(self.line, "<line>", reason)))
            }
            Ok(Raw::InPlace(len)) => {
                self.line += 1;
                let bytes = match self.src.fill_buf() {
                    Ok(b) => &b[..len],
                    Err(e) => {
                        self.done = true;
                        return Some(Err(Rejection {
                            file: self.file.clone(),
                            line: self.line,
                            field: "<stream>".into(),
                            reason: stream_error(&e, self.gzip),
                        }));
                    }
                };
                match self.enc {
                    Encoding::Utf8 => match std::str::from_utf8(bytes) {
                        Ok(s) => Some(Ok((self.line, s))),
                        Err(e) => Some(Err(Rejection {
                            file: self.file.clone(),
                            line: self.line,
                            field: "<line>".into(),
                            reason: invalid_utf8(e.valid_up_to() + 1),
                        })),
                    },
                    Encoding::Latin1 => {
                        let _ = decode_into(bytes, Encoding::Latin1, &mut self.text);
                        Some(Ok((self.line, &self.text)))
                    }
                }
            }
            Ok(Raw::Line) => {
                self.line += 1;
                match self.enc {
                    Encoding::Utf8 => match std::str::from_utf8(&self.raw) {
                        Ok(s) => Some(Ok((self.line, s))),
                        Err(e) => {
                            let reason = invalid_utf8(e.valid_up_to() + 1);
                            Some(Err(self.reject(self.line, "<line>", reason)))
                        }
                    },
                    Encoding::Latin1 => {
                        let _ = decode_into(&self.raw, Encoding::Latin1, &mut self.text);
                        Some(Ok((self.line, &self.text)))
                    }
                }
            }
        }
    }
}

/// Source name for derived keys: `opts.source`, or the file name without `.gz`.
pub(crate) fn source_name(path: &Path, given: Option<&str>) -> String {
    if let Some(s) = given {
        return s.to_string();
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name).to_string();
    if name.is_empty() {
        "input".to_string()
    } else {
        name
    }
}

/// The platform when none is given, for a benchmark file whose name is the same in every dataset: the
/// source's stem, unless that stem is `generic` (`cascades` for `cascades.txt`, `edges` for `edges.txt`),
/// in which case the name of the file's directory (`data/twitter/cascades.txt` → `twitter`), found through
/// the canonical path when the path given has no directory.
pub(crate) fn platform_named_for_dir(path: &Path, source: &str, generic: &str) -> String {
    let stem = platform_from_source(source);
    if stem != generic {
        return stem;
    }
    let dir_name = |p: &Path| {
        p.parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
    };
    dir_name(path)
        .or_else(|| std::fs::canonicalize(path).ok().and_then(|p| dir_name(&p)))
        .map_or(stem, |d| platform_from_source(&d))
}

/// A platform label from a source name: its extension (`.txt`, `.csv`, `.tsv`, `.edges`, `.edgelist`)
/// dropped, lower-cased, characters outside `[a-z0-9._-]` replaced by `-`, at most 64 characters.
pub fn platform_from_source(source: &str) -> String {
    let mut s = source.to_string();
    for ext in [".txt", ".csv", ".tsv", ".edges", ".edgelist"] {
        if s.len() > ext.len() && s.to_ascii_lowercase().ends_with(ext) {
            s.truncate(s.len() - ext.len());
            break;
        }
    }
    let label: String = s
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if label.is_empty() {
        "local".to_string()
    } else {
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn reader_for(bytes: &[u8], gz: bool, max: usize) -> LineReader {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let data = if gz {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(bytes).unwrap();
            e.finish().unwrap()
        } else {
            bytes.to_vec()
        };
        std::fs::write(&p, data).unwrap();
        let shared = Arc::new(Shared::default());
        let src = open_bytes(&p, &shared).unwrap();
        LineReader::new(src, "f".into(), Encoding::Utf8, max)
    }

    fn collect(mut r: LineReader) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(x) = r.next_line() {
            out.push(match x {
                Ok((n, s)) => format!("{n}:{s}"),
                Err(e) => e.to_string(),
            });
        }
        out
    }

    #[test]
    fn lines_crlf_caps_and_utf8() {
        for gz in [false, true] {
            let r = reader_for(b"a\r\n\nbb\xffb\r\r\n0123456789ABC\nlast", gz, 10);
            assert_eq!(
                collect(r),
                [
                    "1:a",
                    "2:",
                    "f:3: <line>: invalid UTF-8 at byte 3 (if the file is latin-1, pass --encoding latin1)",
                    "f:4: <line>: line of 13 bytes is longer than the limit of 10 bytes (skipped)",
                    "5:last"
                ]
            );
        }
    }

    /// Lines are read in place when they lie whole in the buffer and copied when they cross its end;
    /// over several buffers' worth of lines of every length (CRLF ones, blank ones, overlong ones and
    /// bad UTF-8 among them), both ways give each line exactly as written, numbered in order.
    #[test]
    fn lines_across_buffer_ends_read_as_written() {
        let max = 3_000;
        let (mut bytes, mut want) = (Vec::new(), Vec::new());
        let mut n = 0;
        while bytes.len() < 3 * BUF + 777 {
            n += 1;
            let len = (n * 7919) % 4_001;
            let body: String = (0..len)
                .map(|i| (b'a' + ((i + n) % 26) as u8) as char)
                .collect();
            bytes.extend_from_slice(body.as_bytes());
            let bad = n % 7 == 0;
            if bad {
                bytes.push(0xff);
            }
            if n % 5 == 0 {
                bytes.extend_from_slice(b"\r");
            }
            bytes.push(b'\n');
            let stored = len + usize::from(bad);
            want.push(if stored > max {
                format!("f:{n}: <line>: line of {stored} bytes is longer than the limit of {max} bytes (skipped)")
            } else if bad {
                format!("f:{n}: <line>: invalid UTF-8 at byte {stored}")
            } else {
                format!("{n}:{body}")
            });
        }
        for gz in [false, true] {
            let got: Vec<String> = collect(reader_for(&bytes, gz, max))
                .into_iter()
                .map(|l| l.split(" (if the file").next().unwrap().to_string())
                .collect();
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g, w);
            }
        }
    }

    #[test]
    fn line_terminators_do_not_count_toward_the_cap() {
        for gz in [false, true] {
            let r = reader_for(
                b"0123456789\r\n0123456789\r\r\n0123456789A\r\nok\r\n",
                gz,
                10,
            );
            assert_eq!(
                collect(r),
                [
                    "1:0123456789",
                    "2:0123456789",
                    "f:3: <line>: line of 11 bytes is longer than the limit of 10 bytes (skipped)",
                    "4:ok"
                ]
            );
        }
    }

    #[test]
    fn a_leading_bom_is_skipped_for_every_reader() {
        for gz in [false, true] {
            let r = reader_for(b"\xef\xbb\xbfa\n\xef\xbb\xbfb\n", gz, 10);
            // Only the file's first bytes are a BOM; one later is data.
            assert_eq!(collect(r), ["1:a", "2:\u{feff}b"]);
        }
        let r = reader_for(b"\xef\xbb", false, 10);
        assert_eq!(collect(r), ["f:1: <line>: invalid UTF-8 at byte 1 (if the file is latin-1, pass --encoding latin1)"]);
    }

    #[test]
    fn a_bom_split_across_reads_is_found() {
        for (bytes, want) in [
            (&b"\xef\xbb\xbfab\n"[..], "ab\n"),
            (&b"\xef\xbbx"[..], "\u{fffd}x"),
            (&b"ab"[..], "ab"),
            (&b""[..], ""),
        ] {
            // A one-byte buffer: every read returns a single byte.
            let mut r = SkipBom::new(BufReader::with_capacity(1, bytes));
            let mut out = Vec::new();
            r.read_to_end(&mut out).unwrap();
            assert_eq!(String::from_utf8_lossy(&out), want, "{bytes:?}");
        }
    }

    #[test]
    fn platform_labels_from_sources() {
        assert_eq!(
            platform_from_source("higgs-activity_time.txt"),
            "higgs-activity_time"
        );
        assert_eq!(
            platform_from_source("soc-Slashdot0902.txt"),
            "soc-slashdot0902"
        );
        assert_eq!(platform_from_source("My File (2).edgelist"), "my-file--2-");
        assert_eq!(platform_from_source(".txt"), ".txt");
        assert_eq!(platform_from_source(&"x".repeat(100)).len(), 64);
    }

    #[test]
    fn quotes_are_truncated() {
        assert_eq!(quote("ab"), "\"ab\"");
        assert!(quote(&"é".repeat(200)).ends_with("\"..."));
    }
}
