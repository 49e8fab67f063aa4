//! Copy campaigns: the same text posted by many different accounts.
//!
//! One person repeating themselves is a habit; many accounts posting near-identical text is a campaign
//! (paid "engagement", spam rings, bot nets amplifying a target). A post is flagged when its
//! near-duplicate group — posts linked by pairs at or above a Jaccard similarity — holds posts from at
//! least `min_authors` distinct accounts. Groups are the connected components of the near-duplicate
//! pairs (union–find), so a chain of small edits stays one campaign.

use crate::dup::{DupError, NearDupIndex};

/// Union–find with path halving and union by size.
struct Groups {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl Groups {
    fn new(n: usize) -> Groups {
        Groups {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = self.parent[x as usize];
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a as usize] < self.size[b as usize] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b as usize] = a;
        self.size[a as usize] += self.size[b as usize];
    }
}

/// For each post in `index` (inserted in the same order as `authors`), whether it belongs to a copy
/// campaign: a near-duplicate group (pairs at Jaccard ≥ `min_jaccard`) spanning at least `min_authors`
/// distinct authors.
pub fn copy_campaigns(
    index: &NearDupIndex,
    authors: &[i64],
    min_jaccard: f32,
    min_authors: usize,
) -> Result<Vec<bool>, DupError> {
    let n = index.len().min(authors.len());
    let mut groups = Groups::new(n);
    for p in index.near_duplicates(min_jaccard)? {
        if (p.a as usize) < n && (p.b as usize) < n {
            groups.union(p.a, p.b);
        }
    }
    // Distinct authors per group: sort (root, author) pairs and count runs.
    let mut pairs: Vec<(u32, i64)> = (0..n as u32)
        .map(|i| (groups.find(i), authors[i as usize]))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut authors_in = vec![0usize; n];
    for (root, _) in &pairs {
        authors_in[*root as usize] += 1;
    }
    Ok((0..n as u32)
        .map(|i| authors_in[groups.find(i) as usize] >= min_authors.max(1))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_authors_posting_the_same_text_is_a_campaign_one_author_is_not() {
        let spam = "Everyone should follow @target, the best account on the whole platform today";
        let mut idx = NearDupIndex::default();
        let mut authors = Vec::new();
        for a in 0..6 {
            idx.insert(&format!(
                "{spam} {}",
                ["!", "!!", "wow", "yes", "so true", "🔥"][a]
            ))
            .unwrap();
            authors.push(a as i64);
        }
        // One author repeating a different text six times.
        for _ in 0..6 {
            idx.insert("my own repeated reminder to drink water and stretch every hour")
                .unwrap();
        }
        authors.extend([99; 6]);
        idx.insert("an unrelated original thought about the weather in Leeds")
            .unwrap();
        authors.push(7);
        let flags = copy_campaigns(&idx, &authors, 0.7, 5).unwrap();
        assert!(flags[..6].iter().all(|&f| f));
        assert!(flags[6..].iter().all(|&f| !f));
        // With a higher bar the six-author group is no campaign either.
        assert!(copy_campaigns(&idx, &authors, 0.7, 7)
            .unwrap()
            .iter()
            .all(|&f| !f));
        assert!(copy_campaigns(&idx, &authors, 1.5, 5).is_err());
    }
}
