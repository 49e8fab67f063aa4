//! Hand-written JSON lines in exactly the shape `serde_json` gives `earshot_model::Event`.
//!
//! Going through serde would mean building owned `Event`s (several `String`s each) for tens of millions of
//! lines; formatting straight into one reusable buffer is several times faster. Tests parse every line back
//! into an `Event` and check that serde serialises it to the very same bytes, so the two cannot drift apart.
//! All strings written here are ASCII-safe by construction (platform labels, digits, the fixed vocabulary of
//! [`crate::text`]), so no escaping is needed.

use std::io::Write;

const FLUSH_AT: usize = 64 * 1024;

/// Buffers lines and writes them in 64 KiB blocks.
pub(crate) struct LineWriter<W: Write> {
    out: W,
    pub(crate) buf: Vec<u8>,
    bytes: u64,
}

impl<W: Write> LineWriter<W> {
    pub(crate) fn new(out: W) -> Self {
        LineWriter {
            out,
            buf: Vec::with_capacity(FLUSH_AT + 4096),
            bytes: 0,
        }
    }

    /// Close the current line and write the buffer out when it is full.
    #[inline]
    pub(crate) fn end_line(&mut self) -> std::io::Result<()> {
        self.buf.extend_from_slice(b"}\n");
        if self.buf.len() >= FLUSH_AT {
            self.drain()?;
        }
        Ok(())
    }

    fn drain(&mut self) -> std::io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.bytes += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    /// Write what is buffered, flush the sink, and return the number of bytes written in all.
    pub(crate) fn finish(mut self) -> std::io::Result<u64> {
        self.drain()?;
        self.out.flush()?;
        Ok(self.bytes)
    }
}

/// `{"type":"<ty>","platform":"<platform>"`
#[inline]
pub(crate) fn open(buf: &mut Vec<u8>, ty: &str, platform: &str) {
    buf.extend_from_slice(b"{\"type\":\"");
    buf.extend_from_slice(ty.as_bytes());
    buf.extend_from_slice(b"\",\"platform\":\"");
    buf.extend_from_slice(platform.as_bytes());
    buf.push(b'"');
}

/// `,"<name>":`
#[inline]
pub(crate) fn key(buf: &mut Vec<u8>, name: &str) {
    buf.extend_from_slice(b",\"");
    buf.extend_from_slice(name.as_bytes());
    buf.extend_from_slice(b"\":");
}

#[inline]
pub(crate) fn u64_field(buf: &mut Vec<u8>, name: &str, v: u64) {
    key(buf, name);
    buf.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

#[inline]
pub(crate) fn i64_field(buf: &mut Vec<u8>, name: &str, v: i64) {
    key(buf, name);
    buf.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

#[inline]
pub(crate) fn bool_field(buf: &mut Vec<u8>, name: &str, v: bool) {
    key(buf, name);
    buf.extend_from_slice(if v { b"true" } else { b"false" });
}

/// `,"<name>":"<value>"` for a value that needs no escaping.
#[inline]
pub(crate) fn str_field(buf: &mut Vec<u8>, name: &str, v: &[u8]) {
    key(buf, name);
    buf.push(b'"');
    buf.extend_from_slice(v);
    buf.push(b'"');
}

/// `,"<name>":"s<seed>:<prefix><n>"`: post and interaction ids.
#[inline]
pub(crate) fn id_field(buf: &mut Vec<u8>, name: &str, seed: u64, prefix: &str, n: u64) {
    key(buf, name);
    write_id(buf, seed, prefix, n);
}

#[inline]
pub(crate) fn write_id(buf: &mut Vec<u8>, seed: u64, prefix: &str, n: u64) {
    buf.extend_from_slice(b"\"s");
    buf.extend_from_slice(itoa::Buffer::new().format(seed).as_bytes());
    buf.push(b':');
    buf.extend_from_slice(prefix.as_bytes());
    buf.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    buf.push(b'"');
}

/// `,"<name>":{"ext_id":"<account>"}`: an account reference by id (no handle, to keep lines short).
#[inline]
pub(crate) fn account_ref_field(buf: &mut Vec<u8>, name: &str, account: u32) {
    key(buf, name);
    buf.extend_from_slice(b"{\"ext_id\":\"");
    buf.extend_from_slice(itoa::Buffer::new().format(account).as_bytes());
    buf.extend_from_slice(b"\"}");
}
