//! The repository's Merkle search tree, walked as its nodes arrive, and the key of every record it
//! names (atproto.com/specs/repository, §"MST Structure"): a node is `{l, e}`, `l` the subtree left of
//! every entry and `e` the entries `{p, k, v, t}`, where the key is the first `p` bytes of the previous
//! entry's key followed by `k`, `v` the record's CID and `t` the subtree after the entry.
//!
//! A node can only be walked once the node naming it has been (the commit names the root), because
//! a node's place, not its bytes, says it belongs to this commit's tree. Nodes that arrive before
//! their parent wait, and are walked when it arrives. The reference implementation's export
//! (`getFullRepo`, through `MST.writeToCarStream` in `@atproto/repo`) writes the nodes before the
//! records, so every record's key is known when its block is read and the file is read once; an
//! export in another order (a server streaming its stored blocks by revision) is read twice.

use super::{TreeNode, SHA2_256};
use crate::bsky::BskyRecord;
use cid::Cid;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// A node that arrived before its parent, kept until it is walked or the file ends.
struct Waiting {
    /// The node's block, for the rejection that names it.
    block: u64,
    l: Option<Cid>,
    e: Vec<Entry>,
}

/// A waiting node's entry: `k` is `fragments[start..start + len]`.
struct Entry {
    p: usize,
    start: usize,
    len: usize,
    v: Cid,
    t: Option<Cid>,
}

/// One entry as the walk reads it, from a block's bytes or a waiting node's fragments.
struct EntryRef<'a> {
    p: usize,
    k: &'a [u8],
    v: Cid,
    t: Option<Cid>,
}

/// The tree as far as it has arrived.
#[derive(Default)]
pub(super) struct Tree {
    /// The tree's root (the commit's `data`), once the commit is read.
    root: Option<Cid>,
    /// Nodes walked, each once.
    walked: HashSet<Cid>,
    /// Nodes that a walked node (or the commit) names and that have not arrived.
    expected: HashSet<Cid>,
    /// Nodes that arrived before anything walked named them.
    waiting: HashMap<Cid, Waiting>,
    /// Every waiting node's key fragments, in one buffer rather than an allocation each.
    fragments: Vec<u8>,
    /// The keys of the records named so far and not yet taken.
    pub leaves: Leaves,
}

/// Why a node could not be walked: its block and the reason (the records under it cannot be found).
pub(super) type Unwalkable = (u64, String);

impl Tree {
    /// The commit names `root` as the tree's root. Returns the nodes that could not be walked.
    pub fn set_root(&mut self, root: Cid) -> Vec<Unwalkable> {
        self.root = Some(root);
        self.reach(root)
    }

    /// Node `cid` arrived in block `block`. Returns the nodes that could not be walked.
    pub fn arrive(&mut self, block: u64, cid: Cid, node: TreeNode<'_>) -> Vec<Unwalkable> {
        if self.walked.contains(&cid) || self.waiting.contains_key(&cid) {
            return Vec::new(); // the same block twice
        }
        if !self.expected.remove(&cid) {
            let e = node
                .e
                .into_iter()
                .map(|e| {
                    let start = self.fragments.len();
                    self.fragments.extend_from_slice(e.k);
                    Entry {
                        p: e.p,
                        start,
                        len: e.k.len(),
                        v: e.v,
                        t: e.t,
                    }
                })
                .collect();
            self.waiting.insert(
                cid,
                Waiting {
                    block,
                    l: node.l,
                    e,
                },
            );
            return Vec::new();
        }
        let mut ready = Vec::new();
        let mut bad = Vec::new();
        let entries = node.e.iter().map(|e| EntryRef {
            p: e.p,
            k: e.k,
            v: e.v,
            t: e.t,
        });
        if let Err(why) = self.walk(cid, node.l, entries, &mut ready) {
            bad.push((block, why));
        }
        self.walk_ready(ready, &mut bad);
        bad
    }

    /// `cid` is named by a walked node or the commit: walk it if it has arrived, else expect it.
    fn reach(&mut self, cid: Cid) -> Vec<Unwalkable> {
        let mut bad = Vec::new();
        let mut ready = Vec::new();
        self.name(cid, &mut ready);
        self.walk_ready(ready, &mut bad);
        bad
    }

    fn name(&mut self, cid: Cid, ready: &mut Vec<Cid>) {
        if self.walked.contains(&cid) {
            return;
        }
        if self.waiting.contains_key(&cid) {
            ready.push(cid);
        } else {
            self.expected.insert(cid);
        }
    }

    /// Walk the waiting nodes in `ready`, and those they make ready. The walk keeps its own stack, so
    /// a hostile file cannot overflow the thread's.
    fn walk_ready(&mut self, mut ready: Vec<Cid>, bad: &mut Vec<Unwalkable>) {
        let fragments = std::mem::take(&mut self.fragments);
        while let Some(cid) = ready.pop() {
            let Some(node) = self.waiting.remove(&cid) else {
                continue;
            };
            let entries = node.e.iter().map(|e| EntryRef {
                p: e.p,
                k: &fragments[e.start..e.start + e.len],
                v: e.v,
                t: e.t,
            });
            if let Err(why) = self.walk(cid, node.l, entries, &mut ready) {
                bad.push((node.block, why));
            }
        }
        self.fragments = fragments;
    }

    /// Key every record entry of node `cid` and name its subtrees. A malformed key stops the node
    /// there: the records after it cannot be keyed.
    fn walk<'a>(
        &mut self,
        cid: Cid,
        l: Option<Cid>,
        entries: impl Iterator<Item = EntryRef<'a>>,
        ready: &mut Vec<Cid>,
    ) -> Result<(), String> {
        self.walked.insert(cid);
        if let Some(l) = l {
            self.name(l, ready);
        }
        let mut key: Vec<u8> = Vec::new();
        for e in entries {
            if e.p > key.len() {
                return Err(format!(
                    "tree node {cid}: an entry keeps {} bytes of a {}-byte key, so the records after it cannot be found",
                    e.p,
                    key.len()
                ));
            }
            key.truncate(e.p);
            key.extend_from_slice(e.k);
            if let Some(t) = e.t {
                self.name(t, ready);
            }
            let Ok(text) = std::str::from_utf8(&key) else {
                return Err(format!(
                    "tree node {cid}: a key is not UTF-8, so the records after it cannot be found"
                ));
            };
            let collection = text.split('/').next().unwrap_or_default();
            if BskyRecord::is_read(collection) {
                self.leaves.push(e.v, text);
            }
        }
        Ok(())
    }

    /// The tree's root, once the commit is read.
    pub fn root(&self) -> Option<Cid> {
        self.root
    }

    /// Whether the commit has been read and its tree's root has arrived.
    pub fn rooted(&self) -> bool {
        self.root.is_some_and(|r| self.walked.contains(&r))
    }

    /// The nodes the walked tree names that the file did not hold, in a stable order.
    pub fn missing(&self) -> Vec<Cid> {
        let mut out: Vec<Cid> = self.expected.iter().copied().collect();
        out.sort_by_key(|c| c.to_string());
        out
    }
}

/// A record CID as [`Leaves`] keys it: the first 128 bits of its SHA-256 digest. A repository has one
/// entry per record, and looking each block up by its whole CID (a ~90-byte key) cost two cache misses
/// where this costs one. Two CIDs with the same 128 bits are found only by a 2^64 search, and could then
/// only give one of the file's own records another of the file's own keys.
fn digest_key(cid: &Cid) -> Option<u128> {
    let hash = cid.hash();
    if hash.code() != SHA2_256 || hash.size() != 32 {
        return None;
    }
    let head: [u8; 16] = hash.digest().get(..16)?.try_into().ok()?;
    Some(u128::from_le_bytes(head))
}

/// Record CID → the keys (`collection/rkey`) it is stored under: nearly always one, several when
/// identical records share a block. The keys are spans of one string, chained per CID in the order
/// the tree named them, so a repository's hundreds of thousands of keys are not as many allocations.
///
/// `@atproto/repo`'s export writes the records in the order its walk of the tree meets them, which is
/// the order this walk names them: so the block read next is first compared with the first key not yet taken, in
/// memory read in order, and the map is asked (a cache miss on a large repository) only when it is
/// another. Every key of a chain is taken at once, and a key named for a record already taken starts a
/// chain of its own, so the first key not taken is always the first of its chain.
#[derive(Default)]
pub(super) struct Leaves {
    /// The first key of each SHA-256 record CID, by [`digest_key`], and its chain's last.
    head: HashMap<u128, (usize, usize)>,
    /// The same for record CIDs of another hash (no block with one passes the CID check, but it is
    /// still reported as the tree's).
    other: HashMap<Cid, (usize, usize)>,
    keys: Vec<Key>,
    text: String,
    /// No key before this one is still to be taken.
    cursor: usize,
    /// A key was named for a record whose block had already been read.
    named_after_read: bool,
}

/// A key: its span in [`Leaves::text`], its record's [`digest_key`], and the next key of its record.
struct Key {
    start: usize,
    len: usize,
    digest: Option<u128>,
    later: Option<usize>,
    taken: bool,
}

impl Leaves {
    fn push(&mut self, cid: Cid, key: &str) {
        let at = self.keys.len();
        let start = self.text.len();
        self.text.push_str(key);
        let digest = digest_key(&cid);
        let chain = match digest {
            Some(k) => self.head.entry(k).or_insert((at, at)),
            None => self.other.entry(cid).or_insert((at, at)),
        };
        if chain.0 != at && self.keys[chain.0].taken {
            // The record's block was read before the tree named this key (an identical record under
            // a second key, in a node that came after it): a chain of its own, for a second reading.
            *chain = (at, at);
            self.named_after_read = true;
        } else {
            let last = std::mem::replace(&mut chain.1, at);
            if last != at {
                self.keys[last].later = Some(at);
            }
        }
        self.keys.push(Key {
            start,
            len: key.len(),
            digest,
            later: None,
            taken: false,
        });
    }

    /// The first key of `cid`'s chain, if any of its keys is still to be taken.
    fn first(&mut self, cid: &Cid) -> Option<usize> {
        while self.keys.get(self.cursor).is_some_and(|k| k.taken) {
            self.cursor += 1;
        }
        let digest = digest_key(cid);
        // Whole chains are taken at once, so the first key not taken is the first of its chain.
        if digest.is_some()
            && self
                .keys
                .get(self.cursor)
                .is_some_and(|k| k.digest == digest)
        {
            return Some(self.cursor);
        }
        let first = match digest {
            Some(k) => self.head.get(&k)?.0,
            None => self.other.get(cid)?.0,
        };
        (!self.keys[first].taken).then_some(first)
    }

    /// Take `cid`'s keys (so a block met twice is read once): its first key, for [`Leaves::keys`].
    pub fn take(&mut self, cid: &Cid) -> Option<usize> {
        let first = self.first(cid)?;
        let mut at = Some(first);
        while let Some(i) = at {
            self.keys[i].taken = true;
            at = self.keys[i].later;
        }
        Some(first)
    }

    /// Whether a key was named for a record whose block had already been read: only a second
    /// reading of the file can give its events.
    pub fn named_after_read(&self) -> bool {
        self.named_after_read
    }

    /// Whether a record CID with this [`digest_key`] (`None`: another hash) is still to be found.
    pub fn wants(&self, digest: Option<u128>) -> bool {
        let untaken = |&(first, _): &(usize, usize)| !self.keys[first].taken;
        match digest {
            Some(k) => self.head.get(&k).is_some_and(untaken),
            None => self.other.values().any(untaken),
        }
    }

    /// The keys chained from `first`, in tree order.
    pub fn keys(&self, first: usize) -> Vec<&str> {
        let mut out = Vec::new();
        let mut at = Some(first);
        while let Some(i) = at {
            let k = &self.keys[i];
            out.push(&self.text[k.start..k.start + k.len]);
            at = k.later;
        }
        out
    }

    /// Every key not taken.
    pub fn left(&self) -> Vec<&str> {
        self.keys
            .iter()
            .filter(|k| !k.taken)
            .map(|k| &self.text[k.start..k.start + k.len])
            .collect()
    }
}

/// The records read before the tree named them: the [`digest_key`]s of the blocks passed over, so
/// that the file is read a second time only when one of them turned out to be a record.
#[derive(Default)]
pub(super) struct PassedOver {
    keys: HashSet<u128>,
    /// A block whose CID is not SHA-256 was passed over.
    other: bool,
}

impl PassedOver {
    pub fn add(&mut self, cid: &Cid) {
        match digest_key(cid) {
            Some(k) => {
                self.keys.insert(k);
            }
            None => self.other = true,
        }
    }

    /// Whether any block passed over is a record the tree names.
    pub fn holds_any(&self, leaves: &Leaves) -> bool {
        (self.other && leaves.wants(None)) || self.keys.iter().any(|&k| leaves.wants(Some(k)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{block, s};
    use super::*;

    #[test]
    fn keys_are_taken_whole_in_or_out_of_the_order_they_were_named() {
        let (a, b, c) = (block(&s("a")).0, block(&s("b")).0, block(&s("c")).0);
        let mut leaves = Leaves::default();
        leaves.push(a, "x/1");
        leaves.push(b, "x/2");
        leaves.push(a, "x/3"); // an identical record under a second key
        leaves.push(c, "x/4");
        // Out of order: b before a, found through the map.
        let first = leaves.take(&b).unwrap();
        assert_eq!(leaves.keys(first), ["x/2"]);
        // In order: a's chain, both keys.
        let first = leaves.take(&a).unwrap();
        assert_eq!(leaves.keys(first), ["x/1", "x/3"]);
        assert_eq!(leaves.take(&a), None, "a block met twice is read once");
        assert!(leaves.wants(digest_key(&c)) && !leaves.wants(digest_key(&a)));
        assert_eq!(leaves.left(), ["x/4"]);
        let first = leaves.take(&c).unwrap();
        assert_eq!(leaves.keys(first), ["x/4"]);
        assert!(leaves.left().is_empty());
    }
}
