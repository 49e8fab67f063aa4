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
    Ok(
        copy_campaign_groups(index, authors, min_jaccard, min_authors)?
            .of_post
            .iter()
            .map(Option::is_some)
            .collect(),
    )
}

/// One copy campaign: its posts and how many distinct authors posted them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Campaign {
    /// Indices in the [`NearDupIndex`], ascending.
    pub posts: Vec<u32>,
    pub authors: usize,
}

/// The copy campaigns of an index, and for each post the campaign it belongs to (a position in
/// `campaigns`), for evidence: how many authors, and which other posts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Campaigns {
    pub of_post: Vec<Option<u32>>,
    /// Ordered by their first post.
    pub campaigns: Vec<Campaign>,
}

/// [`copy_campaigns`] with the groups themselves (see [`Campaigns`]).
pub fn copy_campaign_groups(
    index: &NearDupIndex,
    authors: &[i64],
    min_jaccard: f32,
    min_authors: usize,
) -> Result<Campaigns, DupError> {
    let n = index.len().min(authors.len());
    let mut groups = Groups::new(n);
    for p in index.near_duplicates(min_jaccard)? {
        if (p.a as usize) < n && (p.b as usize) < n {
            groups.union(p.a, p.b);
        }
    }
    // Distinct authors per group: sort (root, author) pairs and count runs.
    let roots: Vec<u32> = (0..n as u32).map(|i| groups.find(i)).collect();
    let mut pairs: Vec<(u32, i64)> = (0..n).map(|i| (roots[i], authors[i])).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut authors_in = vec![0usize; n];
    for (root, _) in &pairs {
        authors_in[*root as usize] += 1;
    }
    let mut out = Campaigns {
        of_post: vec![None; n],
        campaigns: Vec::new(),
    };
    let mut campaign_of_root: Vec<Option<u32>> = vec![None; n];
    for (i, &root) in roots.iter().enumerate() {
        let r = root as usize;
        if authors_in[r] < min_authors.max(1) {
            continue;
        }
        let c = *campaign_of_root[r].get_or_insert_with(|| {
            out.campaigns.push(Campaign {
                posts: Vec::new(),
                authors: authors_in[r],
            });
            (out.campaigns.len() - 1) as u32
        });
        out.campaigns[c as usize].posts.push(i as u32);
        out.of_post[i] = Some(c);
    }
    Ok(out)
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
        let groups = copy_campaign_groups(&idx, &authors, 0.7, 5).unwrap();
        assert_eq!(groups.campaigns.len(), 1);
        assert_eq!(groups.campaigns[0].posts, (0..6).collect::<Vec<u32>>());
        assert_eq!(groups.campaigns[0].authors, 6);
        assert_eq!(groups.of_post[12], None);
    }
}
