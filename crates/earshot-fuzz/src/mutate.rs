//! Byte-level mutations in the manner of libFuzzer's and AFL's havoc stage: bit flips, random and
//! "interesting" bytes, inserted dictionary tokens, erased, repeated and spliced ranges, truncation, and
//! now and then the result gzipped (every importer reads gzip transparently).

use rand_xoshiro::rand_core::Rng;
use std::io::Write;

/// Longest input produced: importers cap lines, so larger inputs add time, not reach.
const MAX_LEN: usize = 1 << 16;

fn below(rng: &mut impl Rng, n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (rng.next_u64() % n as u64) as usize
    }
}

/// One mutant of `base`, between one and eight stacked mutations; `other` is for splicing.
pub fn mutate(base: &[u8], other: &[u8], dictionary: &[&str], rng: &mut impl Rng) -> Vec<u8> {
    let mut v = base.to_vec();
    let rounds = 1 + below(rng, 8);
    for _ in 0..rounds {
        match below(rng, 10) {
            0 if !v.is_empty() => {
                let i = below(rng, v.len());
                v[i] ^= 1 << below(rng, 8);
            }
            1 if !v.is_empty() => {
                let i = below(rng, v.len());
                v[i] = rng.next_u64() as u8;
            }
            2 => {
                const INTERESTING: [u8; 12] = [
                    0, 0xff, 0x7f, 0x80, b'\n', b'\r', b',', b'\t', b'"', b'\\', b'-', b'@',
                ];
                let i = below(rng, v.len() + 1);
                v.insert(i, INTERESTING[below(rng, INTERESTING.len())]);
            }
            3 | 4 if !dictionary.is_empty() => {
                let token = dictionary[below(rng, dictionary.len())].as_bytes();
                let i = below(rng, v.len() + 1);
                v.splice(i..i, token.iter().copied());
            }
            5 if !v.is_empty() => {
                let i = below(rng, v.len());
                let n = 1 + below(rng, (v.len() - i).min(64));
                v.drain(i..i + n);
            }
            6 if !v.is_empty() => {
                let i = below(rng, v.len());
                let n = 1 + below(rng, (v.len() - i).min(256));
                let chunk: Vec<u8> = v[i..i + n].to_vec();
                let at = below(rng, v.len() + 1);
                let times = 1 + below(rng, 4);
                for _ in 0..times {
                    v.splice(at..at, chunk.iter().copied());
                }
            }
            7 if !other.is_empty() => {
                let cut = below(rng, v.len() + 1);
                let from = below(rng, other.len());
                v.truncate(cut);
                v.extend_from_slice(&other[from..]);
            }
            8 if !v.is_empty() => {
                let cut = below(rng, v.len());
                v.truncate(cut);
            }
            _ => {
                // A number at its edges where a digit was.
                const EDGES: [&str; 8] = [
                    "0",
                    "-1",
                    "9223372036854775807",
                    "18446744073709551616",
                    "1e308",
                    "NaN",
                    "-0",
                    "4294967296",
                ];
                if let Some(i) = v.iter().position(|b| b.is_ascii_digit()) {
                    let e = EDGES[below(rng, EDGES.len())].as_bytes();
                    v.splice(i..i + 1, e.iter().copied());
                }
            }
        }
    }
    v.truncate(MAX_LEN);
    if below(rng, 16) == 0 {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        if gz.write_all(&v).is_ok() {
            if let Ok(mut bytes) = gz.finish() {
                // Sometimes damage the compressed stream itself.
                if below(rng, 2) == 0 && bytes.len() > 10 {
                    let i = 10 + below(rng, bytes.len() - 10);
                    bytes[i] ^= 1 << below(rng, 8);
                }
                return bytes;
            }
        }
    }
    v
}
