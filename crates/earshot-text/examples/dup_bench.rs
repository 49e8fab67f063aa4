//! Times near-duplicate detection over synthetic short posts, one thread.
//!
//!     cargo run --release -p earshot-text --example dup_bench -- [POSTS]
//!
//! Posts are 8–30 words drawn from a 5 000-word vocabulary with a Zipf-like skew (so common words
//! repeat as in real text), plus @mentions, links and emoji; 5% are planted copies of an earlier post
//! dressed with a compliment, a link or one changed word. Reports the time of each stage and the
//! share of planted copies found at Jaccard ≥ 0.6.

use std::time::Instant;

use earshot_text::{NearDupIndex, Signature};

/// xorshift64*: a tiny seeded generator, so the example needs no RNG crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Zipf-like: squaring a uniform skews towards small indices.
    fn word(&mut self, vocab: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * u) * vocab as f64) as usize
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let vocab: Vec<String> = (0..5_000).map(|i| format!("w{i:x}q")).collect();
    let mut rng = Rng(0x5EED);
    let mut posts: Vec<String> = Vec::with_capacity(n);
    let mut planted: Vec<(u32, u32, usize)> = Vec::new();
    for i in 0..n {
        if i > 100 && rng.below(20) == 0 {
            let src = rng.below(i);
            let base = posts[src].clone();
            let how = rng.below(3);
            let copy = match how {
                0 => format!("Great post! {base}"),
                1 => format!("{base} https://t.co/{:x} 🔥", rng.next()),
                _ => {
                    let mut w: Vec<&str> = base.split(' ').collect();
                    let k = rng.below(w.len());
                    w[k] = "edited";
                    w.join(" ")
                }
            };
            planted.push((src as u32, i as u32, how));
            posts.push(copy);
            continue;
        }
        let len = 8 + rng.below(23);
        let mut p = String::new();
        if rng.below(3) == 0 {
            p.push_str("@someone ");
        }
        for j in 0..len {
            if j > 0 {
                p.push(' ');
            }
            p.push_str(&vocab[rng.word(vocab.len())]);
        }
        if rng.below(4) == 0 {
            p.push_str(" https://t.co/abc");
        }
        posts.push(p);
    }
    let bytes: usize = posts.iter().map(String::len).sum();

    let t0 = Instant::now();
    let sigs: Vec<Option<Signature>> = posts.iter().map(|p| Signature::of(p)).collect();
    let t_sig = t0.elapsed();
    let mut idx = NearDupIndex::default();
    for s in sigs {
        idx.insert_signature(s).expect("fewer than u32::MAX posts");
    }
    let t1 = Instant::now();
    let cands = idx.candidate_pairs();
    let t_cand = t1.elapsed();
    let t2 = Instant::now();
    let pairs = idx.near_duplicates(0.6).expect("valid threshold");
    let t_pairs = t2.elapsed();
    let total = t0.elapsed();

    let found: std::collections::HashSet<(u32, u32)> = pairs.iter().map(|p| (p.a, p.b)).collect();
    let hit = planted
        .iter()
        .filter(|p| found.contains(&(p.0, p.1)))
        .count();
    let mut missed = [0usize; 3];
    for p in planted.iter().filter(|p| !found.contains(&(p.0, p.1))) {
        missed[p.2] += 1;
    }
    println!(
        "posts {n}  ({:.1} MB text)  planted copies {}",
        bytes as f64 / 1e6,
        planted.len()
    );
    println!("signatures        {:>8.3} s", t_sig.as_secs_f64());
    println!(
        "candidate pairs   {:>8.3} s  ({} candidates)",
        t_cand.as_secs_f64(),
        cands.len()
    );
    println!(
        "near_duplicates   {:>8.3} s  ({} pairs at J >= 0.6, incl. a second candidate pass)",
        t_pairs.as_secs_f64(),
        pairs.len()
    );
    println!("total             {:>8.3} s", total.as_secs_f64());
    println!(
        "planted copies found: {hit}/{} ({:.1}%)",
        planted.len(),
        100.0 * hit as f64 / planted.len().max(1) as f64
    );
    println!(
        "missed by kind: compliment {}, link {}, one word changed {}",
        missed[0], missed[1], missed[2]
    );
}
