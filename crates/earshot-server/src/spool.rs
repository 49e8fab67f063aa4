//! A request body decoded into a temporary file as it arrives, under the body limit counted *after*
//! decompression: a small gzip body cannot inflate past `--max-body-mib`, because decoding stops one
//! byte beyond it. The file, not memory, holds the body, and no database lock is held while a slow
//! client sends it; the importer then reads the file line by line.
//!
//! Encodings: `Content-Encoding: gzip` is decoded; with none (or `identity`) a body that starts with
//! gzip's magic bytes is decoded too, as `earshot import` decodes a `.gz` file; any other encoding is
//! refused. A body that is still gzip once decoded (compressed twice) is refused rather than decoded
//! again, so nothing downstream inflates unchecked.

use crate::problem::{ApiError, ApiResult};
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, StatusCode};
use flate2::read::MultiGzDecoder;
use http_body_util::BodyExt;
use std::io::{self, BufReader, Read, Write};
use tokio::sync::mpsc;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// Chunks in flight between the connection and the decoding thread: enough to keep both busy, few
/// enough that a slow disk pushes back on the client rather than filling memory.
const CHUNKS_IN_FLIGHT: usize = 8;

/// How the body is encoded, from its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `Content-Encoding: gzip`.
    Gzip,
    /// No encoding declared: gzip if the body starts with its magic bytes, else plain.
    Sniff,
}

impl Encoding {
    /// The body's encoding, or 415 for one the server does not read.
    pub fn of(headers: &HeaderMap) -> ApiResult<Encoding> {
        let Some(v) = headers.get(header::CONTENT_ENCODING) else {
            return Ok(Encoding::Sniff);
        };
        let text = String::from_utf8_lossy(v.as_bytes())
            .trim()
            .to_ascii_lowercase();
        match text.as_str() {
            "" | "identity" => Ok(Encoding::Sniff),
            "gzip" | "x-gzip" => Ok(Encoding::Gzip),
            _ => {
                let shown: String = text.chars().take(40).collect();
                Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!(
                        "Content-Encoding {shown:?} is not read here: send the body plain or as \
                         gzip (once)"
                    ),
                ))
            }
        }
    }
}

/// The decoded body in its temporary file (removed when dropped).
pub struct Spooled {
    pub file: tempfile::NamedTempFile,
    /// Bytes received (as sent, compressed or not).
    pub received: u64,
    /// Bytes after decoding: the size of the file.
    pub decoded: u64,
}

/// Why spooling failed, from the decoding side.
#[derive(Debug)]
enum SpoolError {
    /// More than `limit` bytes, received or decoded; `decoded` is how far decoding got.
    TooLarge { decoded: u64, received: u64 },
    /// The body says gzip but is not, or stops part-way.
    BadGzip(io::Error),
    /// Gzip once decoded.
    Twice,
    /// The temporary file.
    Io(io::Error),
}

/// Read `body` into a temporary file, decoded, refusing it once more than `limit` bytes arrive or
/// decode (413, nothing kept). The body's own failures (its deadline, a reset) come first: a body
/// that did not arrive whole is never used.
pub async fn spool(body: Body, encoding: Encoding, limit: u64) -> ApiResult<Spooled> {
    let (tx, rx) = mpsc::channel::<Bytes>(CHUNKS_IN_FLIGHT);
    let decoding = tokio::task::spawn_blocking(move || decode_into_file(rx, encoding, limit));
    let mut body = body;
    let mut received = 0u64;
    let mut body_error = None;
    while let Some(frame) = body.frame().await {
        let data = match frame {
            Ok(f) => match f.into_data() {
                Ok(d) => d,
                Err(_) => continue, // trailers
            },
            Err(e) => {
                body_error = Some(e);
                break;
            }
        };
        received += data.len() as u64;
        let over = received > limit;
        if tx.send(data).await.is_err() {
            // The decoder stopped (over the limit or a bad body; it says which). The rest of the
            // body, up to the limit as sent, is read and dropped, so that the client, still
            // sending, reads the answer rather than a reset connection.
            while received <= limit {
                match body.frame().await {
                    Some(Ok(f)) => {
                        received += f.data_ref().map_or(0, |d| d.len() as u64);
                    }
                    _ => break,
                }
            }
            break;
        }
        if over {
            break;
        }
    }
    drop(tx);
    let decoded = decoding.await.map_err(ApiError::internal)?;
    if let Some(e) = body_error {
        if crate::deadline::is_timed_out(&e) {
            return Err(ApiError::body_timed_out());
        }
        return Err(ApiError::bad_request(format!(
            "the body could not be read to its end: {e}"
        )));
    }
    let too_large = |decoded: Option<u64>, received: u64| {
        let decoded = decoded.map_or(String::new(), |d| format!("{d} decoded bytes, "));
        Err(ApiError::too_large(format!(
            "the body is larger than this server accepts ({limit} bytes after decompression, \
             --max-body-mib): reading stopped after {decoded}{received} received, and nothing \
             was stored"
        )))
    };
    if received > limit {
        // Cut off here: whatever the decoder made of the part it got, the body is over the limit.
        let decoded = match &decoded {
            Ok(s) => Some(s.decoded),
            Err(SpoolError::TooLarge { decoded, .. }) => Some(*decoded),
            Err(_) => None,
        };
        return too_large(decoded, received);
    }
    match decoded {
        Ok(s) => Ok(s),
        Err(SpoolError::TooLarge { decoded, received }) => too_large(Some(decoded), received),
        Err(SpoolError::BadGzip(e)) => Err(ApiError::bad_request(format!(
            "the body is not valid gzip ({e}); nothing was stored"
        ))),
        Err(SpoolError::Twice) => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "the body is gzip inside gzip: compress it once",
        )),
        Err(SpoolError::Io(e)) => Err(ApiError::internal(format!("spooling a body: {e}"))),
    }
}

/// The chunks `rx` receives, as a reader, counting them.
struct Chunks {
    rx: mpsc::Receiver<Bytes>,
    current: Bytes,
    received: u64,
}

impl Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                Some(b) => {
                    self.received += b.len() as u64;
                    self.current = b;
                }
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        let _ = self.current.split_to(n);
        Ok(n)
    }
}

/// The decoding thread: chunks in, at most `limit` decoded bytes out to a temporary file.
fn decode_into_file(
    rx: mpsc::Receiver<Bytes>,
    encoding: Encoding,
    limit: u64,
) -> Result<Spooled, SpoolError> {
    let mut chunks = Chunks {
        rx,
        current: Bytes::new(),
        received: 0,
    };
    let mut head = [0u8; 2];
    let head_len = read_up_to(&mut chunks, &mut head).map_err(SpoolError::Io)?;
    let gzip = encoding == Encoding::Gzip || head[..head_len] == GZIP_MAGIC;
    let raw = io::Cursor::new(head[..head_len].to_vec()).chain(&mut chunks);
    let mut file = tempfile::NamedTempFile::new().map_err(SpoolError::Io)?;
    let copied = if gzip {
        let mut decoder = MultiGzDecoder::new(BufReader::new(raw)).take(limit + 1);
        let mut first = [0u8; 2];
        let n = read_up_to(&mut decoder, &mut first).map_err(SpoolError::BadGzip)?;
        if first[..n] == GZIP_MAGIC {
            return Err(SpoolError::Twice);
        }
        file.write_all(&first[..n]).map_err(SpoolError::Io)?;
        copy(&mut decoder, file.as_file_mut(), SpoolError::BadGzip)? + n as u64
    } else {
        let mut plain = raw.take(limit + 1);
        copy(&mut plain, file.as_file_mut(), SpoolError::Io)?
    };
    let received = chunks.received;
    if copied > limit || received > limit {
        return Err(SpoolError::TooLarge {
            decoded: copied,
            received,
        });
    }
    file.flush().map_err(SpoolError::Io)?;
    Ok(Spooled {
        file,
        received,
        decoded: copied,
    })
}

/// Fill `buf` as far as the reader allows; how many bytes it holds.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// `io::copy`, telling read errors (the body's) from write errors (the file's).
fn copy(
    from: &mut impl Read,
    to: &mut std::fs::File,
    read_error: fn(io::Error) -> SpoolError,
) -> Result<u64, SpoolError> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(e)),
        };
        to.write_all(&buf[..n]).map_err(SpoolError::Io)?;
        total += n as u64;
    }
}

/// Read and drop up to `max` bytes of `body` (or to its end), for a request refused before its body
/// was read: a client still sending then reads the answer rather than a reset connection. Bounded, so a
/// huge body costs at most `max` bytes of reading.
pub async fn drain(mut body: Body, max: u64) {
    let mut read = 0u64;
    while read < max {
        match body.frame().await {
            Some(Ok(f)) => read += f.data_ref().map_or(0, |d| d.len() as u64),
            _ => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    fn spooled(body: Vec<u8>, encoding: Encoding, limit: u64) -> ApiResult<(Vec<u8>, u64)> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let s = spool(Body::from(body), encoding, limit).await?;
            Ok((std::fs::read(s.file.path()).unwrap(), s.received))
        })
    }

    #[test]
    fn bodies_are_decoded_under_the_limit_counted_after_decompression() {
        let text = b"{\"a\":1}\n".repeat(1000);
        let (plain, _) = spooled(text.clone(), Encoding::Sniff, 8000).unwrap();
        assert_eq!(plain, text);
        // Sniffed and declared gzip both decode.
        let (sniffed, received) = spooled(gz(&text), Encoding::Sniff, 8000).unwrap();
        assert_eq!((sniffed, received), (text.clone(), gz(&text).len() as u64));
        assert_eq!(spooled(gz(&text), Encoding::Gzip, 8000).unwrap().0, text);
        // One byte over, compressed or not: 413, naming how far decoding went.
        for (body, enc) in [
            (text.clone(), Encoding::Sniff),
            (gz(&text), Encoding::Sniff),
            (gz(&text), Encoding::Gzip),
        ] {
            let e = spooled(body, enc, 7999).unwrap_err();
            assert_eq!(e.status, StatusCode::PAYLOAD_TOO_LARGE);
            assert!(
                e.detail.contains("after 8000 decoded bytes"),
                "{}",
                e.detail
            );
        }
        // Declared gzip that is not, gzip twice, an empty body.
        let e = spooled(text.clone(), Encoding::Gzip, 8000).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST, "{}", e.detail);
        let e = spooled(gz(&gz(&text)), Encoding::Sniff, 8000).unwrap_err();
        assert_eq!(e.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", e.detail);
        assert_eq!(spooled(Vec::new(), Encoding::Sniff, 10).unwrap().0, b"");
        assert_eq!(spooled(b"x".to_vec(), Encoding::Sniff, 10).unwrap().0, b"x");
    }

    #[test]
    fn only_gzip_and_identity_encodings_are_read() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_ENCODING, v.parse().unwrap());
            Encoding::of(&h)
        };
        assert_eq!(Encoding::of(&HeaderMap::new()).unwrap(), Encoding::Sniff);
        assert_eq!(with("identity").unwrap(), Encoding::Sniff);
        assert_eq!(with("GZIP").unwrap(), Encoding::Gzip);
        for bad in ["br", "deflate", "gzip, gzip", "zstd"] {
            let e = with(bad).unwrap_err();
            assert_eq!(e.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
            assert!(e.detail.contains("gzip"), "{}", e.detail);
        }
    }
}
