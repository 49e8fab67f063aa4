//! A binary snapshot of a [`ReactionGraph`]: loading it is a few `read_exact`s, where rebuilding from
//! stored interactions means a query and a sort. Also the input of the C++ baseline in `bench/`.
//!
//! Layout, all little-endian: magic `b"ESCSR001"`, `nodes: u64`, `edges: u64`, `weighted: u64` (0 or 1),
//! `offsets: [u64; nodes + 1]`, `sources: [u32; edges]`, then if weighted `weights: [f32; edges]`, then
//! `out_weight: [f64; nodes]`. (In memory a weighted graph keeps each source next to its weight; the file
//! keeps the two arrays apart, as the C++ baseline reads them, and loading interleaves them.)

use crate::csr::{ReactionGraph, WEIGHT_CEILING, WEIGHT_FLOOR};
use std::io::{self, Read, Write};

const MAGIC: &[u8; 8] = b"ESCSR001";

impl ReactionGraph {
    pub fn write_binary(&self, mut w: impl Write) -> io::Result<()> {
        w.write_all(MAGIC)?;
        for v in [
            self.nodes() as u64,
            self.edges() as u64,
            u64::from(self.weights().is_some()),
        ] {
            w.write_all(&v.to_le_bytes())?;
        }
        for &o in self.offsets() {
            w.write_all(&o.to_le_bytes())?;
        }
        for s in self.sources() {
            w.write_all(&s.to_le_bytes())?;
        }
        if let Some(ws) = self.weights() {
            for x in ws {
                w.write_all(&x.to_le_bytes())?;
            }
        }
        for &x in self.out_weight() {
            w.write_all(&x.to_le_bytes())?;
        }
        Ok(())
    }

    /// Read what [`write_binary`](ReactionGraph::write_binary) wrote, checking the structure (offsets
    /// non-decreasing and within bounds, sources below the node count, weights finite and > 0, out-weights
    /// > 0 exactly for the nodes with outgoing edges) so a damaged file is an error.
    pub fn read_binary(mut r: impl Read) -> io::Result<ReactionGraph> {
        let bad = |what: &str| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not an earshot CSR snapshot: {what}"),
            )
        };
        let mut magic = [0u8; 8];
        r.read_exact(&mut magic)?;
        if &magic != MAGIC {
            return Err(bad("wrong magic"));
        }
        let u64s = |k: usize, r: &mut dyn Read| -> io::Result<Vec<u64>> {
            let buf = read_bytes(r, k * 8)?;
            Ok(buf
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
                .collect())
        };
        let head = u64s(3, &mut r)?;
        if head[0] >= u64::from(u32::MAX) || head[1] > 1 << 40 || head[2] > 1 {
            return Err(bad("sizes out of range"));
        }
        let (n, m, weighted) = (head[0] as usize, head[1] as usize, head[2] == 1);
        let offsets = u64s(n + 1, &mut r)?;
        if offsets[0] != 0 || offsets[n] as usize != m || offsets.windows(2).any(|w| w[0] > w[1]) {
            return Err(bad("offsets"));
        }
        let buf = read_bytes(&mut r, m * 4)?;
        let sources: Vec<u32> = buf
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap_or([0; 4])))
            .collect();
        if sources.iter().any(|&s| s as usize >= n) {
            return Err(bad("source id out of range"));
        }
        let weights = if weighted {
            let buf = read_bytes(&mut r, m * 4)?;
            let w: Vec<f32> = buf
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes(c.try_into().unwrap_or([0; 4])))
                .collect();
            let bounds = WEIGHT_FLOOR as f32..=WEIGHT_CEILING as f32;
            if w.iter().any(|x| !bounds.contains(x)) {
                return Err(bad("weight outside [WEIGHT_FLOOR, WEIGHT_CEILING]"));
            }
            Some(w)
        } else {
            None
        };
        let out_weight: Vec<f64> = u64s(n, &mut r)?.into_iter().map(f64::from_bits).collect();
        ReactionGraph::from_parts(offsets, sources, weights, out_weight).map_err(bad)
    }
}

/// `len` bytes of `r`, grown as they arrive: a damaged header claiming terabytes fails at the end of
/// the file instead of allocating them first.
fn read_bytes(r: &mut dyn Read, len: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.take(len as u64).read_to_end(&mut buf)?;
    if buf.len() < len {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "not an earshot CSR snapshot: the file ends early",
        ));
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use crate::{Edge, ReactionGraph};

    #[test]
    fn round_trips_and_rejects_damage() {
        for edges in [
            vec![
                Edge {
                    src: 0,
                    dst: 1,
                    weight: 1.0,
                },
                Edge {
                    src: 2,
                    dst: 1,
                    weight: 1.0,
                },
            ],
            vec![
                Edge {
                    src: 0,
                    dst: 1,
                    weight: 2.5,
                },
                Edge {
                    src: 1,
                    dst: 0,
                    weight: 1.0,
                },
            ],
        ] {
            let g = ReactionGraph::from_edges(3, &edges).unwrap();
            let mut bytes = Vec::new();
            g.write_binary(&mut bytes).unwrap();
            assert_eq!(ReactionGraph::read_binary(&bytes[..]).unwrap(), g);
            assert!(ReactionGraph::read_binary(&bytes[..bytes.len() - 1]).is_err());
            let mut damaged = bytes.clone();
            damaged[0] = b'X';
            assert!(ReactionGraph::read_binary(&damaged[..]).is_err());
            // Node 0 reacts in both graphs: its out-weight (the last 24 bytes hold all three) set to 0.
            let mut damaged = bytes.clone();
            let at = bytes.len() - 24;
            damaged[at..at + 8].copy_from_slice(&0f64.to_le_bytes());
            let e = ReactionGraph::read_binary(&damaged[..]).unwrap_err();
            assert!(e.to_string().contains("out-weights"), "{e}");
        }
        // A weight that is not a finite number > 0 (the graph of weights 2.5 and 1: header, 4 offsets,
        // 2 sources, then the weights).
        let g = ReactionGraph::from_edges(
            2,
            &[Edge {
                src: 0,
                dst: 1,
                weight: 2.5,
            }],
        )
        .unwrap();
        let mut bytes = Vec::new();
        g.write_binary(&mut bytes).unwrap();
        let at = 32 + 3 * 8 + 4;
        assert_eq!(bytes[at..at + 4], 2.5f32.to_le_bytes());
        bytes[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
        let e = ReactionGraph::read_binary(&bytes[..]).unwrap_err();
        assert!(e.to_string().contains("weight"), "{e}");
        // A weight below the floor every built graph keeps (its out-weight set to match).
        let tiny = 1e-35f32;
        bytes[at..at + 4].copy_from_slice(&tiny.to_le_bytes());
        let out = bytes.len() - 16;
        bytes[out..out + 8].copy_from_slice(&f64::from(tiny).to_le_bytes());
        let e = ReactionGraph::read_binary(&bytes[..]).unwrap_err();
        assert!(e.to_string().contains("WEIGHT_FLOOR"), "{e}");
    }

    /// A header is checked before anything is allocated from it: sizes the file cannot hold end at its
    /// end, and a `weighted` flag other than 0 or 1 is refused.
    #[test]
    fn a_header_claiming_more_than_the_file_holds_is_an_error_not_an_allocation() {
        let g = ReactionGraph::from_edges(
            2,
            &[Edge {
                src: 0,
                dst: 1,
                weight: 1.0,
            }],
        )
        .unwrap();
        let mut bytes = Vec::new();
        g.write_binary(&mut bytes).unwrap();
        let mut huge = bytes.clone();
        // n = 2^32 - 2 nodes: (n + 1) offsets would be 32 GiB.
        huge[8..16].copy_from_slice(&(u64::from(u32::MAX) - 1).to_le_bytes());
        let e = ReactionGraph::read_binary(&huge[..]).unwrap_err();
        assert!(e.to_string().contains("ends early"), "{e}");
        let mut flag = bytes.clone();
        flag[24..32].copy_from_slice(&2u64.to_le_bytes());
        let e = ReactionGraph::read_binary(&flag[..]).unwrap_err();
        assert!(e.to_string().contains("sizes"), "{e}");
    }
}
