//! What makes two imports "the same source": the bytes read and the options that shape their events.
//!
//! The event log records, per source, which of its interactions each segment holds (by their order in
//! the reader's output). That order is only the same again for the same bytes read the same way, so the
//! fingerprint hashes the file (every file, by relative name, for a folder), the format and the reader's
//! options. Any change makes a new source: its events are then stored again and met once by id when read.

use earshot_ingest::Options;
use std::io::Read;
use std::path::Path;

/// The fingerprint of importing `path` as `format` with `opts`: a BLAKE3 hash, in hex. `None` for
/// a pipe or device (`/dev/stdin`, a FIFO from `earshot gen --out -`): it can be read only once, so it
/// is not hashed first and its import is a source of its own (a repeat is met once by id when read,
/// and a killed one is not resumed).
pub fn fingerprint(path: &Path, format: &str, opts: &Options) -> std::io::Result<Option<String>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() && !meta.is_dir() {
        return Ok(None);
    }
    let mut h = blake3::Hasher::new();
    h.update(b"earshot source v1\0");
    h.update(format.as_bytes());
    h.update(b"\0");
    h.update(format!("{opts:?}").as_bytes());
    h.update(b"\0");
    hash_path(&mut h, path, Path::new(""))?;
    Ok(Some(h.finalize().to_hex().to_string()))
}

fn hash_path(h: &mut blake3::Hasher, path: &Path, relative: &Path) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)?
            .collect::<std::io::Result<Vec<_>>>()?
            .into_iter()
            .map(|e| e.file_name())
            .collect();
        entries.sort();
        for name in entries {
            hash_path(h, &path.join(&name), &relative.join(&name))?;
        }
        return Ok(());
    }
    h.update(relative.to_string_lossy().as_bytes());
    h.update(b"\0");
    if !std::fs::metadata(path)?.is_file() {
        return Ok(()); // a pipe inside a folder is not read here
    }
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    h.update(b"\0");
    Ok(())
}
