//! A Bluesky repository export: the CAR file `com.atproto.sync.getRepo` returns (and the Bluesky
//! app's "Export my data" saves), read as a stream, once when the tree comes before the records.
//!
//! The file is CAR v1 (ipld.io/specs/transport/car/carv1, §"Format Description"): an unsigned-varint
//! length and a DAG-CBOR header `{version: 1, roots: [CID]}`, then sections, each an unsigned-varint
//! length, a binary CID and the block's bytes. In a repository (atproto.com/specs/repository,
//! §"Commit Objects" and §"Repo Data Structure"), the root is the signed commit `{did, version, data,
//! rev, prev, sig}`; `data` is the root of a Merkle search tree whose nodes are `{l, e}`: `l` the
//! subtree left of every entry, `e` the entries, each `{p, k, v, t}`: the key is the first `p` bytes
//! of the previous entry's key followed by `k`, `v` the record's CID and `t` the subtree after the
//! entry. A key is `collection/rkey`, so a record's AT URI is `at://DID/KEY`.
//!
//! The blocks may come in any order, and a record's key is only known from the tree. The tree is
//! walked as its nodes arrive (`tree.rs`), and a record block is decoded, with its collection's
//! lexicon (`bsky.rs`), as soon as it is read if the tree has named it. `@atproto/repo`'s export writes
//! the tree before the records, so such a file is read once; records met before the nodes naming them
//! are passed over (a digest each is kept) and read by a second reading of the file, only if any was. Memory is
//! the tree's keys, never the records. Every block's bytes are checked against its CID's SHA-256
//! digest; a block that does not match is rejected, as are a record earshot cannot decode, a tree
//! node whose keys are malformed (the records after the bad key) and a record the tree names that
//! is not in the file (a partial export), each once, and the rest is read.
//!
//! Crates: `cid` reads CIDs, `serde_ipld_dagcbor` decodes DAG-CBOR (both from the IPLD project),
//! `unsigned-varint` the lengths and `sha2` the digests; the CAR framing itself (a length, a CID and
//! bytes, repeated) is read here because the maintained CAR crates are async only.
//!
//! Times are each record's `createdAt`, the only time a repository holds (set by the client; a
//! Jetstream event's `time_us` is when the relay saw it). Rejections name the block by its index in
//! the file (`file:BLOCK:`); a record the tree names but the file lacks is reported at block 0.

mod tree;

use crate::bsky::{BskyRecord, Origin};
use crate::reader::{open_binary, stream_error, ByteSource};
use crate::{Ctx, DateOrder, Options, Record, Rejection};
use cid::Cid;
use earshot_model::Event;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::atomic::Ordering;
use tree::{Leaves, PassedOver, Tree};

pub use crate::bsky::PLATFORM;

type Bad = (&'static str, String);

/// The multihash code of SHA-256, the digest every atproto CID uses.
const SHA2_256: u64 = 0x12;
/// The largest block a repository holds is far smaller (records are capped at 1 MiB by the PDS); a
/// section length beyond this is corruption, and is not allocated.
const MAX_SECTION: u64 = 16 << 20;

#[derive(Deserialize)]
struct CarHeader {
    version: u64,
    roots: Vec<Cid>,
}

#[derive(Deserialize)]
struct Commit {
    did: String,
    data: Cid,
}

/// A node of the Merkle search tree as the file holds it, its keys borrowed from the block's bytes.
#[derive(Deserialize)]
struct TreeNode<'a> {
    l: Option<Cid>,
    #[serde(borrow)]
    e: Vec<TreeEntry<'a>>,
}

#[derive(Deserialize)]
struct TreeEntry<'a> {
    p: usize,
    #[serde(borrow)]
    k: &'a serde_bytes::Bytes,
    v: Cid,
    t: Option<Cid>,
}

/// One section of the file: its index (1-based) and the block, whose bytes stay in the reader's buffer.
struct Block<'a> {
    index: u64,
    cid: Cid,
    data: &'a [u8],
}

/// A section read into [`Blocks`]'s buffer: its index, its CID and where its data starts.
type Section = (u64, Cid, usize);

/// The sections of a CAR file after its header.
struct Blocks {
    src: ByteSource,
    index: u64,
    done: bool,
    /// The current section's bytes: one buffer for the whole file rather than an allocation per block
    /// (the first pass reads every record only to skip it).
    buf: Vec<u8>,
}

impl Blocks {
    /// Read the header: the roots, or why the file is not a CAR v1.
    fn open(mut src: ByteSource) -> Result<(Self, Vec<Cid>), String> {
        let len = match unsigned_varint::io::read_u64(&mut src.reader) {
            Ok(n) if n > 0 && n <= MAX_SECTION => n,
            Ok(n) => {
                return Err(format!(
                    "header length {n} is not plausible: not a CAR file"
                ))
            }
            Err(e) => return Err(format!("not a CAR file: no header length ({e})")),
        };
        let mut bytes = vec![0; len as usize];
        src.reader
            .read_exact(&mut bytes)
            .map_err(|_| format!("not a CAR file: the file ends inside its {len}-byte header"))?;
        let header: CarHeader = serde_ipld_dagcbor::from_slice(&bytes)
            .map_err(|e| format!("header is not DAG-CBOR {{version, roots}}: {e}"))?;
        if header.version != 1 {
            return Err(format!(
                "CAR version {} (only version 1 is read)",
                header.version
            ));
        }
        let blocks = Blocks {
            src,
            index: 0,
            done: false,
            buf: Vec::new(),
        };
        Ok((blocks, header.roots))
    }

    /// The next section; an error ends the file (its framing can no longer be trusted).
    fn next_block(&mut self) -> Option<Result<Block<'_>, (u64, String)>> {
        if self.done {
            return None;
        }
        match self.read_section() {
            Some(Ok((index, cid, start))) => Some(Ok(Block {
                index,
                cid,
                data: &self.buf[start..],
            })),
            Some(Err(e)) => {
                self.done = true;
                Some(Err(e))
            }
            None => {
                self.done = true;
                None
            }
        }
    }

    /// Read the next section into `buf`: its index, CID and where its data starts in `buf`.
    fn read_section(&mut self) -> Option<Result<Section, (u64, String)>> {
        let index = self.index + 1;
        let len = match unsigned_varint::io::read_u64(&mut self.src.reader) {
            Ok(n) => n,
            Err(unsigned_varint::io::ReadError::Io(e))
                if e.kind() == io::ErrorKind::UnexpectedEof =>
            {
                return None
            }
            Err(e) => return Some(Err((index, format!("section length unreadable: {e}")))),
        };
        self.index = index;
        if len == 0 || len > MAX_SECTION {
            return Some(Err((
                index,
                format!("section length {len} is not plausible"),
            )));
        }
        self.buf.clear();
        self.buf.resize(len as usize, 0);
        if let Err(e) = self.src.reader.read_exact(&mut self.buf) {
            let why = match e.kind() {
                io::ErrorKind::UnexpectedEof => "file ends inside the section".to_string(),
                _ => stream_error(&e, self.src.gzip),
            };
            return Some(Err((index, why)));
        }
        let mut cursor = io::Cursor::new(&self.buf[..]);
        let cid = match Cid::read_bytes(&mut cursor) {
            Ok(c) => c,
            Err(e) => return Some(Err((index, format!("section's CID unreadable: {e}")))),
        };
        Some(Ok((index, cid, cursor.position() as usize)))
    }
}

/// Whether a block's bytes are those its CID names (for SHA-256 CIDs, the only kind atproto makes).
fn verified(block: &Block) -> Result<(), String> {
    let hash = block.cid.hash();
    if hash.code() != SHA2_256 {
        return Err(format!(
            "CID {} uses hash 0x{:x}, not SHA-256: atproto repositories use SHA-256",
            block.cid,
            hash.code()
        ));
    }
    if Sha256::digest(block.data).as_slice() != hash.digest() {
        return Err(format!(
            "bytes do not match CID {} (corrupt block)",
            block.cid
        ));
    }
    Ok(())
}

pub(crate) struct CarReader {
    file: CarFile,
    state: State,
}

/// The file and how to read its records (apart from the reading state, so both can be borrowed).
struct CarFile {
    ctx: Ctx,
    platform: String,
    order: DateOrder,
}

/// The first reading of the file, and what it has found.
struct Pass {
    blocks: Blocks,
    /// The header's root: the commit's CID.
    root: Cid,
    /// The commit's DID, once the commit is read.
    did: Option<String>,
    tree: Tree,
    passed_over: PassedOver,
    /// Rejections to give before reading on.
    queue: VecDeque<Rejection>,
}

enum State {
    /// Not opened yet.
    Start,
    /// The first reading, usually the only one.
    First(Box<Pass>),
    /// The second reading, for the records the first passed over before the tree named them.
    Second(Blocks, Box<Pass>),
    /// Rejections left to give, then the end.
    Draining(VecDeque<Rejection>),
}

/// What one block of the first reading gave.
enum Step {
    Item(Result<Record, Rejection>),
    Next,
    End,
    /// The file cannot be read as a repository: this rejection, and nothing more.
    Fatal(Rejection),
}

impl CarReader {
    pub fn new(ctx: Ctx, opts: &Options) -> Self {
        let file = CarFile {
            ctx,
            platform: opts
                .platform
                .clone()
                .unwrap_or_else(|| PLATFORM.to_string()),
            order: opts.date_order,
        };
        CarReader {
            file,
            state: State::Start,
        }
    }
}

impl CarFile {
    fn open(&self) -> Result<(Blocks, Vec<Cid>), Rejection> {
        let src = open_binary(&self.ctx.path, &self.ctx.shared)
            .map_err(|e| self.ctx.reject(0, "<car>", format!("cannot read: {e}")))?;
        Blocks::open(src).map_err(|why| self.ctx.reject(0, "<car>", why))
    }

    fn start(&self) -> State {
        match self.open() {
            Err(r) => State::Draining(VecDeque::from([r])),
            Ok((blocks, roots)) => match roots.first() {
                None => State::Draining(VecDeque::from([self.ctx.reject(
                    0,
                    "roots",
                    "the header names no root".into(),
                )])),
                Some(&root) => State::First(Box::new(Pass {
                    blocks,
                    root,
                    did: None,
                    tree: Tree::default(),
                    passed_over: PassedOver::default(),
                    queue: VecDeque::new(),
                })),
            },
        }
    }

    /// Read one block of the first reading: the commit, a tree node (walked as soon as its parent
    /// has been), or a record, read at once if the tree has named it and passed over otherwise.
    fn first_step(&self, pass: &mut Pass) -> Step {
        let Pass {
            blocks,
            root,
            did,
            tree,
            passed_over,
            queue,
        } = pass;
        let reject = |at: u64, field: &'static str, why: String| self.ctx.reject(at, field, why);
        let block = match blocks.next_block() {
            None => return Step::End,
            Some(Err((at, why))) => return Step::Item(Err(reject(at, "<car>", why))),
            Some(Ok(b)) => b,
        };
        if block.cid == *root {
            if did.is_some() {
                return Step::Next; // the commit again
            }
            if let Err(why) = verified(&block) {
                return Step::Item(Err(reject(block.index, "cid", why)));
            }
            let commit = match serde_ipld_dagcbor::from_slice::<Commit>(block.data) {
                Ok(c) => c,
                Err(e) => {
                    let why = format!("the root is not a repository commit: {e}");
                    return Step::Fatal(reject(block.index, "commit", why));
                }
            };
            let id = commit.did.trim();
            if !id.starts_with("did:") {
                let why = format!("the commit's did {:?} is not a DID", commit.did);
                return Step::Fatal(reject(block.index, "commit.did", why));
            }
            *did = Some(id.to_string());
            let bad = tree.set_root(commit.data);
            queue.extend(bad.into_iter().map(|(at, why)| reject(at, "tree", why)));
            return Step::Next;
        }
        if looks_like_node(block.data) {
            if let Err(why) = verified(&block) {
                return Step::Item(Err(reject(block.index, "cid", why)));
            }
            return match serde_ipld_dagcbor::from_slice::<TreeNode<'_>>(block.data) {
                Ok(node) => {
                    let bad = tree.arrive(block.index, block.cid, node);
                    queue.extend(bad.into_iter().map(|(at, why)| reject(at, "tree", why)));
                    Step::Next
                }
                Err(e) => {
                    let why = format!("a tree node that does not decode ({e}): the records under it cannot be found");
                    Step::Item(Err(reject(block.index, "tree", why)))
                }
            };
        }
        match (tree.leaves.take(&block.cid), did.as_deref()) {
            (Some(first), Some(did)) => self
                .read_record(did, &tree.leaves, first, &block)
                .map_or(Step::Next, Step::Item),
            _ => {
                passed_over.add(&block.cid);
                Step::Next
            }
        }
    }

    /// The first reading is over: what is missing, and whether to read the file again.
    fn after_first(&self, mut pass: Box<Pass>) -> State {
        let mut left = std::mem::take(&mut pass.queue);
        if pass.did.is_none() {
            // Without its commit the file is not a repository: that is all there is to say.
            let why = format!(
                "the root block {} (the commit) is not in the file",
                pass.root
            );
            return State::Draining(VecDeque::from([self.ctx.reject(0, "commit", why)]));
        }
        if !pass.tree.rooted() {
            let root = pass.tree.root().map(|r| r.to_string()).unwrap_or_default();
            let why = format!("the record tree's root {root} is not in the file");
            left.push_back(self.ctx.reject(0, "data", why));
            return State::Draining(left);
        }
        for cid in pass.tree.missing() {
            let why =
                format!("tree node {cid} is not in the file: the records under it cannot be found");
            left.push_back(self.ctx.reject(0, "tree", why));
        }
        let leaves = &pass.tree.leaves;
        if pass.passed_over.holds_any(leaves) || leaves.named_after_read() {
            match self.open() {
                Ok((blocks, _)) => {
                    // A second reading: progress counts the file twice.
                    let size = self.ctx.shared.file_size.load(Ordering::Relaxed);
                    self.ctx.shared.file_size.store(size * 2, Ordering::Relaxed);
                    pass.queue = left;
                    return State::Second(blocks, pass);
                }
                Err(r) => left.push_back(r),
            }
        }
        left.extend(self.never_found(&pass.tree.leaves));
        State::Draining(left)
    }

    /// A record block the tree names under the keys chained from `first`: its events, `None` when it
    /// has none (a collection or record earshot keeps nothing of).
    fn read_record(
        &self,
        did: &str,
        leaves: &Leaves,
        first: usize,
        block: &Block<'_>,
    ) -> Option<Result<Record, Rejection>> {
        if let Err(why) = verified(block) {
            return Some(Err(self.ctx.reject(block.index, "cid", why)));
        }
        let keys = leaves.keys(first);
        match self.record_events(did, &keys, block.data) {
            Ok(events) if events.is_empty() => None,
            Ok(events) => Some(Ok(Record {
                line: block.index,
                events,
            })),
            Err((field, why)) => Some(Err(self.ctx.reject(block.index, field, why))),
        }
    }

    /// The events of a record block, stored under one key or (identical records) several.
    fn record_events(&self, did: &str, keys: &[&str], data: &[u8]) -> Result<Vec<Event>, Bad> {
        fn with_key(key: &str) -> impl Fn(Bad) -> Bad + '_ {
            move |(field, why)| (field, format!("{key}: {why}"))
        }
        if let [key] = keys {
            // Nearly every record has one key: its events as they are, not copied into another list.
            return self.record(did, key, data).map_err(with_key(key));
        }
        let mut events = Vec::new();
        for key in keys {
            let mut e = self.record(did, key, data).map_err(with_key(key))?;
            events.append(&mut e);
        }
        Ok(events)
    }

    /// The events of one record.
    fn record(&self, did: &str, key: &str, data: &[u8]) -> Result<Vec<Event>, Bad> {
        let collection = key.split('/').next().unwrap_or_default();
        let mut de = serde_ipld_dagcbor::de::Deserializer::from_slice(data);
        let record = match BskyRecord::decode(collection, &mut de) {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(Vec::new()),
            Err(e) => return Err(("record", format!("not a {collection} record: {e}"))),
        };
        let time = match (&record, record.created_at()) {
            (BskyRecord::Profile(_), _) => 0,
            (_, Some(at)) => {
                crate::time::parse_time(at, self.order).map_err(|e| ("record.createdAt", e.0))?
            }
            (_, None) => return Err(("record.createdAt", "missing".into())),
        };
        let uri = format!("at://{did}/{key}");
        let at = Origin {
            platform: &self.platform,
            did,
            uri,
            time,
        };
        crate::bsky::events(record, at)
    }

    /// One rejection per record the tree names that the file does not hold.
    fn never_found(&self, leaves: &Leaves) -> VecDeque<Rejection> {
        let mut keys = leaves.left();
        keys.sort();
        keys.into_iter()
            .map(|k| {
                let why =
                    format!("{k}: the tree names this record but its block is not in the file");
                self.ctx.reject(0, "record", why)
            })
            .collect()
    }
}

/// Whether a block starts as a tree node does: a map of two entries whose first key is `e` (DAG-CBOR
/// sorts map keys by length, then bytes, so `e` comes before `l`). Records are maps with `$type`.
fn looks_like_node(data: &[u8]) -> bool {
    data.starts_with(&[0xa2, 0x61, b'e'])
}

impl Iterator for CarReader {
    type Item = Result<Record, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        let file = &self.file;
        loop {
            match &mut self.state {
                State::Start => self.state = file.start(),
                State::First(pass) => {
                    if let Some(r) = pass.queue.pop_front() {
                        return Some(Err(r));
                    }
                    match file.first_step(pass) {
                        Step::Item(item) => return Some(item),
                        Step::Next => {}
                        Step::Fatal(r) => self.state = State::Draining(VecDeque::from([r])),
                        Step::End => {
                            let done = VecDeque::new();
                            let old = std::mem::replace(&mut self.state, State::Draining(done));
                            if let State::First(pass) = old {
                                self.state = file.after_first(pass);
                            }
                        }
                    }
                }
                State::Second(blocks, pass) => {
                    // The first reading has reported the file's framing errors; this one stops at them.
                    let Some(Ok(block)) = blocks.next_block() else {
                        let mut left = std::mem::take(&mut pass.queue);
                        left.extend(file.never_found(&pass.tree.leaves));
                        self.state = State::Draining(left);
                        continue;
                    };
                    let Some(first) = pass.tree.leaves.take(&block.cid) else {
                        continue;
                    };
                    let did = pass.did.as_deref().unwrap_or_default();
                    if let Some(item) = file.read_record(did, &pass.tree.leaves, first, &block) {
                        return Some(item);
                    }
                }
                State::Draining(bad) => return bad.pop_front().map(Err),
            }
        }
    }
}

/// Repository exports written from the specifications, for tests and fuzz seeds: CAR v1 framing
/// (ipld.io/specs/transport/car/carv1 §"Format Description"), CIDv1 of DAG-CBOR (codec 0x71) with
/// SHA-256 (multihash 0x12), the commit and tree nodes of atproto.com/specs/repository (§"Commit
/// Objects", §"MST Structure"), records as the app.bsky lexicons define them. The tree is one node
/// holding every key in order, which a reader must walk as it walks any layering. A CAR written by
/// the reference implementation is read in `crates/earshot-ingest/tests/bluesky_car_reference.rs`.
#[doc(hidden)]
pub mod fixture {
    use super::SHA2_256;
    use cid::Cid;
    use ipld_core::ipld::Ipld;
    use sha2::{Digest, Sha256};
    use std::collections::BTreeMap;

    /// The DID of [`repo`]'s owner.
    pub const DID: &str = "did:plc:owner";

    pub fn map(entries: &[(&str, Ipld)]) -> Ipld {
        Ipld::Map(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    pub fn s(v: &str) -> Ipld {
        Ipld::String(v.to_string())
    }

    /// A value as a DAG-CBOR block and its CID.
    pub fn block(value: &Ipld) -> (Cid, Vec<u8>) {
        let data = serde_ipld_dagcbor::to_vec(value).unwrap_or_default();
        let digest = Sha256::digest(&data);
        let hash = cid::multihash::Multihash::<64>::wrap(SHA2_256, &digest).unwrap_or_default();
        (Cid::new_v1(0x71, hash), data)
    }

    fn varint(n: usize, out: &mut Vec<u8>) {
        let mut buf = unsigned_varint::encode::usize_buffer();
        out.extend_from_slice(unsigned_varint::encode::usize(n, &mut buf));
    }

    /// A CAR v1 file of `blocks` under `root`.
    pub fn car(root: Cid, blocks: &[(Cid, Vec<u8>)]) -> Vec<u8> {
        let header = map(&[
            ("roots", Ipld::List(vec![Ipld::Link(root)])),
            ("version", Ipld::Integer(1)),
        ]);
        let header = serde_ipld_dagcbor::to_vec(&header).unwrap_or_default();
        let mut out = Vec::new();
        varint(header.len(), &mut out);
        out.extend_from_slice(&header);
        for (cid, data) in blocks {
            let cid = cid.to_bytes();
            varint(cid.len() + data.len(), &mut out);
            out.extend_from_slice(&cid);
            out.extend_from_slice(data);
        }
        out
    }

    /// A repository of `records` (key, record) by [`DID`]: its root, and its blocks in the order
    /// commit, records (by key), tree node.
    pub fn repo(records: &[(&str, Ipld)]) -> (Cid, Vec<(Cid, Vec<u8>)>) {
        let mut sorted: Vec<(&str, (Cid, Vec<u8>))> =
            records.iter().map(|(k, r)| (*k, block(r))).collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let mut prev = "";
        let mut entries = Vec::new();
        for (key, (cid, _)) in &sorted {
            let p = prev
                .bytes()
                .zip(key.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            entries.push(map(&[
                ("k", Ipld::Bytes(key.as_bytes()[p..].to_vec())),
                ("p", Ipld::Integer(p as i128)),
                ("t", Ipld::Null),
                ("v", Ipld::Link(*cid)),
            ]));
            prev = key;
        }
        let node = block(&map(&[("e", Ipld::List(entries)), ("l", Ipld::Null)]));
        let commit = block(&map(&[
            ("data", Ipld::Link(node.0)),
            ("did", s(DID)),
            ("prev", Ipld::Null),
            ("rev", s("3l3qo2vutsw2b")),
            ("sig", Ipld::Bytes(vec![1; 64])),
            ("version", Ipld::Integer(3)),
        ]));
        let root = commit.0;
        let mut blocks = vec![commit];
        blocks.extend(sorted.into_iter().map(|(_, b)| b));
        blocks.push(node);
        (root, blocks)
    }

    /// A small export with one record of each collection read, as a fuzz seed.
    pub fn sample() -> Vec<u8> {
        let at = "2024-09-09T19:46:02.102Z";
        let post = "at://did:plc:alice/app.bsky.feed.post/3l3qo2vutsw2b";
        let strong = map(&[("cid", s("bafyreia")), ("uri", s(post))]);
        let (root, blocks) = repo(&[
            (
                "app.bsky.feed.post/a",
                map(&[
                    ("$type", s("app.bsky.feed.post")),
                    ("createdAt", s(at)),
                    ("text", s("hi")),
                    (
                        "reply",
                        map(&[("parent", strong.clone()), ("root", strong.clone())]),
                    ),
                ]),
            ),
            (
                "app.bsky.feed.like/b",
                map(&[("createdAt", s(at)), ("subject", strong.clone())]),
            ),
            (
                "app.bsky.feed.repost/c",
                map(&[("createdAt", s(at)), ("subject", strong)]),
            ),
            (
                "app.bsky.graph.follow/d",
                map(&[("createdAt", s(at)), ("subject", s("did:plc:alice"))]),
            ),
            (
                "app.bsky.actor.profile/self",
                map(&[("displayName", s("Owner"))]),
            ),
        ]);
        car(root, &blocks)
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::{block, car, map, repo, s, DID};
    use super::*;
    use crate::test_util::{read_all, write_file, write_gz};
    use crate::Format;
    use earshot_model::{Interaction, InteractionKind};
    use ipld_core::ipld::Ipld;

    const AT: &str = "2024-09-09T19:46:02.102Z";
    const ROOT: &str = "at://did:plc:alice/app.bsky.feed.post/3l3qo2vutsw2b";

    fn strong_ref(uri: &str) -> Ipld {
        map(&[("cid", s("bafyreia")), ("uri", s(uri))])
    }

    fn post() -> Ipld {
        let mention = map(&[
            ("$type", s("app.bsky.richtext.facet#mention")),
            ("did", s("did:plc:bob")),
        ]);
        let image = map(&[
            ("$type", s("blob")),
            ("ref", Ipld::Link(block(&s("image")).0)),
            ("mimeType", s("image/jpeg")),
            ("size", Ipld::Integer(1234)),
        ]);
        map(&[
            ("$type", s("app.bsky.feed.post")),
            ("createdAt", s(AT)),
            ("text", s("hello @bob")),
            ("langs", Ipld::List(vec![s("en")])),
            (
                "reply",
                map(&[("parent", strong_ref(ROOT)), ("root", strong_ref(ROOT))]),
            ),
            (
                "embed",
                map(&[
                    ("$type", s("app.bsky.embed.recordWithMedia")),
                    (
                        "record",
                        map(&[
                            ("$type", s("app.bsky.embed.record")),
                            ("record", strong_ref(ROOT)),
                        ]),
                    ),
                    (
                        "media",
                        map(&[
                            ("$type", s("app.bsky.embed.images")),
                            ("images", Ipld::List(vec![map(&[("image", image)])])),
                        ]),
                    ),
                ]),
            ),
            (
                "facets",
                Ipld::List(vec![map(&[("features", Ipld::List(vec![mention]))])]),
            ),
        ])
    }

    fn subject(kind: &str, uri: &str) -> Ipld {
        map(&[
            ("$type", s(kind)),
            ("createdAt", s(AT)),
            ("subject", strong_ref(uri)),
        ])
    }

    fn follow(did: &str) -> Ipld {
        map(&[
            ("$type", s("app.bsky.graph.follow")),
            ("createdAt", s(AT)),
            ("subject", s(did)),
        ])
    }

    fn interaction(r: &Record) -> &Interaction {
        match &r.events[0] {
            Event::Interaction(i) => i,
            other => panic!("not an interaction: {other:?}"),
        }
    }

    #[test]
    fn every_record_type_maps_to_its_event_whatever_the_block_order() {
        let (root, mut blocks) = repo(&[
            ("app.bsky.feed.post/3l3q0000000aa", post()),
            (
                "app.bsky.feed.repost/3l3q0000000ab",
                subject("app.bsky.feed.repost", ROOT),
            ),
            (
                "app.bsky.feed.like/3l3q0000000ac",
                subject("app.bsky.feed.like", ROOT),
            ),
            (
                "app.bsky.graph.follow/3l3q0000000ad",
                follow("did:plc:alice"),
            ),
            (
                "app.bsky.actor.profile/self",
                map(&[
                    ("$type", s("app.bsky.actor.profile")),
                    ("displayName", s("Owner Name")),
                    ("description", s("I write about birds")),
                ]),
            ),
            (
                "app.bsky.graph.list/3l3q0000000ae",
                map(&[("$type", s("app.bsky.graph.list")), ("name", s("friends"))]),
            ),
        ]);
        // The tree node first, the commit last: readers may not assume the order of a PDS.
        blocks.reverse();
        let dir = tempfile::tempdir().unwrap();
        let p = write_gz(dir.path(), "repo.car.gz", &car(root, &blocks));
        let (good, bad) = read_all(&p, Format::BlueskyCar, &Options::default());
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good.len(), 5, "the list record is skipped: {good:#?}");
        let by_kind = |kind: InteractionKind| {
            good.iter()
                .map(interaction_or_none)
                .find(|i| i.is_some_and(|i| i.kind == kind))
                .flatten()
                .unwrap_or_else(|| panic!("no {kind:?}"))
        };
        let base = format!("at://{DID}/");
        let post = good
            .iter()
            .find_map(|r| match &r.events[0] {
                Event::Post(p) => Some((p, &r.events)),
                _ => None,
            })
            .unwrap();
        assert_eq!(
            post.0.ext_id,
            format!("{base}app.bsky.feed.post/3l3q0000000aa")
        );
        assert_eq!(post.0.platform, "bluesky");
        assert_eq!(post.0.author.ext_id, DID);
        assert_eq!(post.0.time, 1_725_911_162, "createdAt in seconds");
        assert_eq!(post.0.text.as_deref(), Some("hello @bob"));
        assert_eq!(post.0.reply_to.as_deref(), Some(ROOT));
        assert_eq!(
            post.0.quote_of.as_deref(),
            Some(ROOT),
            "recordWithMedia quotes"
        );
        match &post.1[1] {
            Event::Interaction(m) => assert_eq!(
                (m.kind, m.target.ext_id.as_str()),
                (InteractionKind::Mention, "did:plc:bob")
            ),
            other => panic!("{other:?}"),
        }
        let repost = by_kind(InteractionKind::Reshare);
        assert_eq!(
            (repost.actor.ext_id.as_str(), repost.target.ext_id.as_str()),
            (DID, "did:plc:alice")
        );
        assert_eq!(
            repost.key,
            format!("{base}app.bsky.feed.repost/3l3q0000000ab")
        );
        assert_eq!(by_kind(InteractionKind::Like).post.as_deref(), Some(ROOT));
        let f = by_kind(InteractionKind::Follow);
        assert_eq!(
            (f.target.ext_id.as_str(), f.post.as_deref()),
            ("did:plc:alice", None)
        );
        let profile = good
            .iter()
            .find_map(|r| match &r.events[0] {
                Event::Account(a) => Some(a),
                _ => None,
            })
            .unwrap();
        assert_eq!(profile.ext_id, DID);
        assert_eq!(profile.display_name.as_deref(), Some("Owner Name"));
        assert_eq!(profile.profile.bio.as_deref(), Some("I write about birds"));
    }

    fn interaction_or_none(r: &Record) -> Option<&Interaction> {
        match &r.events[0] {
            Event::Interaction(i) => Some(i),
            _ => None,
        }
    }

    #[test]
    fn each_bad_record_is_one_rejection_and_the_rest_is_read() {
        let (root, mut blocks) = repo(&[
            ("app.bsky.feed.like/a", subject("app.bsky.feed.like", ROOT)),
            (
                "app.bsky.feed.like/b",
                map(&[("$type", s("app.bsky.feed.like")), ("createdAt", s(AT))]),
            ),
            (
                "app.bsky.feed.like/c",
                subject("app.bsky.feed.like", "https://not.at/uri"),
            ),
            (
                "app.bsky.graph.follow/d",
                map(&[("createdAt", s("someday")), ("subject", s("did:plc:x"))]),
            ),
            (
                "app.bsky.graph.follow/e",
                map(&[("createdAt", s(AT)), ("subject", Ipld::Integer(7))]),
            ),
            ("app.bsky.graph.follow/f", follow("did:plc:corrupt")),
            ("app.bsky.graph.follow/g", follow("did:plc:missing")),
            ("app.bsky.graph.follow/h", follow("did:plc:last")),
        ]);
        // Blocks: commit, a..h, node. Corrupt f's bytes (its CID no longer matches); drop g.
        let f = 6;
        let last = blocks[f].1.len() - 1;
        blocks[f].1[last] ^= 0x01;
        blocks.remove(7);
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "repo.car", &car(root, &blocks));
        let (good, bad) = read_all(&p, Format::BlueskyCar, &Options::default());
        let keys: Vec<&str> = good.iter().map(|r| interaction(r).key.as_str()).collect();
        assert_eq!(
            keys,
            [
                format!("at://{DID}/app.bsky.feed.like/a"),
                format!("at://{DID}/app.bsky.graph.follow/h"),
            ]
        );
        let fields: Vec<&str> = bad.iter().map(|b| b.split(": ").nth(1).unwrap()).collect();
        assert_eq!(
            fields,
            [
                "record.subject.uri",
                "record.subject.uri",
                "record.createdAt",
                "record",
                "cid",
                "record"
            ],
            "{bad:#?}"
        );
        assert!(bad[4].contains("corrupt block"), "{}", bad[4]);
        assert!(
            bad[5].starts_with(&format!(
                "{}:0: record: app.bsky.graph.follow/g",
                p.display()
            )),
            "{}",
            bad[5]
        );
    }

    #[test]
    fn a_truncated_file_is_read_to_its_cut_and_says_what_is_missing() {
        let (root, blocks) = repo(&[
            ("app.bsky.graph.follow/a", follow("did:plc:a")),
            ("app.bsky.graph.follow/b", follow("did:plc:b")),
        ]);
        // The tree node moved before the records, then the file cut inside the last record.
        let mut ordered = vec![
            blocks[0].clone(),
            blocks[3].clone(),
            blocks[1].clone(),
            blocks[2].clone(),
        ];
        let bytes = car(root, &ordered);
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "cut.car", &bytes[..bytes.len() - 3]);
        let (good, bad) = read_all(&p, Format::BlueskyCar, &Options::default());
        assert_eq!(good.len(), 1);
        assert_eq!(bad.len(), 2, "{bad:#?}");
        assert!(
            bad[0].contains(":4: <car>: file ends inside the section"),
            "{}",
            bad[0]
        );
        assert!(
            bad[1].contains("app.bsky.graph.follow/b: the tree names this record"),
            "{}",
            bad[1]
        );
        ordered.truncate(1);
        let p = write_file(dir.path(), "commit-only.car", &car(root, &ordered));
        let (good, bad) = read_all(&p, Format::BlueskyCar, &Options::default());
        assert!(good.is_empty());
        assert_eq!(bad.len(), 1, "{bad:#?}");
        assert!(
            bad[0].contains("data: the record tree's root"),
            "{}",
            bad[0]
        );
    }

    #[test]
    fn a_file_that_is_not_a_repository_export_is_one_clear_rejection() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [(&str, Vec<u8>, &str); 4] = [
            (
                "text.car",
                b"{\"not\": \"a car\"}\n".to_vec(),
                "not a CAR file",
            ),
            ("empty.car", Vec::new(), "not a CAR file"),
            (
                "v2.car",
                {
                    let h = serde_ipld_dagcbor::to_vec(&map(&[
                        ("roots", Ipld::List(vec![])),
                        ("version", Ipld::Integer(2)),
                    ]))
                    .unwrap();
                    let mut out = vec![h.len() as u8];
                    out.extend(h);
                    out
                },
                "CAR version 2",
            ),
            (
                "noroot.car",
                {
                    let (_, blocks) = repo(&[("app.bsky.graph.follow/a", follow("did:plc:a"))]);
                    car(block(&s("elsewhere")).0, &blocks)
                },
                "is not in the file",
            ),
        ];
        for (name, bytes, why) in cases {
            let p = write_file(dir.path(), name, &bytes);
            let (good, bad) = read_all(&p, Format::BlueskyCar, &Options::default());
            assert!(good.is_empty(), "{name}");
            assert_eq!(bad.len(), 1, "{name}: {bad:#?}");
            assert!(bad[0].contains(why), "{name}: {}", bad[0]);
        }
    }

    /// The keys of the records read, sorted, and the rejections; and how many bytes were read.
    fn keys_read(p: &std::path::Path) -> (Vec<String>, Vec<String>, u64) {
        let (it, progress) = crate::open(p, Format::BlueskyCar, &Options::default()).unwrap();
        let (good, bad) = crate::test_util::collect(it);
        let mut keys: Vec<String> = good.iter().map(|r| interaction(r).key.clone()).collect();
        keys.sort();
        (keys, bad, progress.bytes_read())
    }

    #[test]
    fn a_tree_before_its_records_is_read_once_and_after_them_twice() {
        let (root, blocks) = repo(&[
            ("app.bsky.graph.follow/a", follow("did:plc:a")),
            ("app.bsky.graph.follow/b", follow("did:plc:b")),
            ("app.bsky.feed.like/c", subject("app.bsky.feed.like", ROOT)),
        ]);
        // As `repo` writes them (commit, records, node), and as `@atproto/repo`'s export does
        // (commit, node, records).
        let node = blocks.len() - 1;
        let mut pds_order = vec![blocks[0].clone(), blocks[node].clone()];
        pds_order.extend_from_slice(&blocks[1..node]);
        let dir = tempfile::tempdir().unwrap();
        let late = car(root, &blocks);
        let early = car(root, &pds_order);
        let (keys_late, bad_late, read_late) =
            keys_read(&write_file(dir.path(), "late.car", &late));
        let (keys_early, bad_early, read_early) =
            keys_read(&write_file(dir.path(), "early.car", &early));
        assert!(
            bad_late.is_empty() && bad_early.is_empty(),
            "{bad_late:?} {bad_early:?}"
        );
        assert_eq!(keys_late.len(), 3);
        assert_eq!(keys_late, keys_early);
        assert_eq!(read_early, early.len() as u64, "one reading");
        assert_eq!(
            read_late,
            2 * late.len() as u64,
            "a second reading for the records passed over"
        );
    }

    /// A tree node block: entries (key suffix after `p` shared bytes, record, right subtree) and a
    /// left subtree.
    fn tree_node(l: Option<Cid>, entries: &[(usize, &str, Cid, Option<Cid>)]) -> (Cid, Vec<u8>) {
        let link = |c: Option<Cid>| c.map_or(Ipld::Null, Ipld::Link);
        let e = entries
            .iter()
            .map(|(p, k, v, t)| {
                map(&[
                    ("k", Ipld::Bytes(k.as_bytes().to_vec())),
                    ("p", Ipld::Integer(*p as i128)),
                    ("t", link(*t)),
                    ("v", Ipld::Link(*v)),
                ])
            })
            .collect();
        block(&map(&[("e", Ipld::List(e)), ("l", link(l))]))
    }

    fn commit_of(data: Cid) -> (Cid, Vec<u8>) {
        block(&map(&[
            ("data", Ipld::Link(data)),
            ("did", s(DID)),
            ("prev", Ipld::Null),
            ("rev", s("3l3qo2vutsw2b")),
            ("sig", Ipld::Bytes(vec![1; 64])),
            ("version", Ipld::Integer(3)),
        ]))
    }

    #[test]
    fn a_deeper_tree_is_walked_whatever_order_its_nodes_arrive_in() {
        let rec: Vec<(Cid, Vec<u8>)> = ["did:plc:a", "did:plc:b", "did:plc:c", "did:plc:d"]
            .iter()
            .map(|d| block(&follow(d)))
            .collect();
        // Keys a and b in the left subtree, c in the root, d in the subtree after c.
        let left = tree_node(
            None,
            &[
                (0, "app.bsky.graph.follow/a", rec[0].0, None),
                (22, "b", rec[1].0, None),
            ],
        );
        let right = tree_node(None, &[(0, "app.bsky.graph.follow/d", rec[3].0, None)]);
        let top = tree_node(
            Some(left.0),
            &[(0, "app.bsky.graph.follow/c", rec[2].0, Some(right.0))],
        );
        let commit = commit_of(top.0);
        let orders: [Vec<&(Cid, Vec<u8>)>; 3] = [
            vec![
                &commit, &top, &left, &right, &rec[0], &rec[1], &rec[2], &rec[3],
            ],
            vec![
                &rec[3], &rec[2], &rec[1], &rec[0], &right, &left, &top, &commit,
            ],
            vec![
                &left, &rec[0], &commit, &rec[3], &right, &rec[1], &top, &rec[2],
            ],
        ];
        let dir = tempfile::tempdir().unwrap();
        for (n, order) in orders.iter().enumerate() {
            let blocks: Vec<(Cid, Vec<u8>)> = order.iter().map(|b| (*b).clone()).collect();
            let p = write_file(dir.path(), &format!("{n}.car"), &car(commit.0, &blocks));
            let (keys, bad, _) = keys_read(&p);
            assert!(bad.is_empty(), "order {n}: {bad:?}");
            let want: Vec<String> = ["a", "b", "c", "d"]
                .iter()
                .map(|k| format!("at://{DID}/app.bsky.graph.follow/{k}"))
                .collect();
            assert_eq!(keys, want, "order {n}");
        }
    }

    #[test]
    fn an_identical_record_named_again_after_its_block_was_read_is_read_under_both_keys() {
        // One follow record stored under two keys, the second in a node that comes after the record.
        let rec = block(&follow("did:plc:a"));
        let right = tree_node(None, &[(0, "app.bsky.graph.follow/b", rec.0, None)]);
        let top = tree_node(
            None,
            &[(0, "app.bsky.graph.follow/a", rec.0, Some(right.0))],
        );
        let commit = commit_of(top.0);
        let blocks = vec![commit.clone(), top, rec, right];
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "late-key.car", &car(commit.0, &blocks));
        let (keys, bad, _) = keys_read(&p);
        assert!(bad.is_empty(), "{bad:#?}");
        assert_eq!(
            keys,
            [
                format!("at://{DID}/app.bsky.graph.follow/a"),
                format!("at://{DID}/app.bsky.graph.follow/b"),
            ]
        );
    }

    #[test]
    fn a_node_with_a_malformed_key_loses_only_the_records_after_that_key() {
        let rec: Vec<(Cid, Vec<u8>)> = ["did:plc:a", "did:plc:b", "did:plc:c"]
            .iter()
            .map(|d| block(&follow(d)))
            .collect();
        let right = tree_node(None, &[(0, "app.bsky.graph.follow/c", rec[2].0, None)]);
        // The second entry keeps 90 bytes of a 23-byte key.
        let top = tree_node(
            None,
            &[
                (0, "app.bsky.graph.follow/a", rec[0].0, Some(right.0)),
                (90, "b", rec[1].0, None),
            ],
        );
        let commit = commit_of(top.0);
        let blocks = vec![
            commit.clone(),
            top,
            right,
            rec[0].clone(),
            rec[1].clone(),
            rec[2].clone(),
        ];
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "bad-key.car", &car(commit.0, &blocks));
        let (keys, bad, _) = keys_read(&p);
        assert_eq!(
            keys,
            [
                format!("at://{DID}/app.bsky.graph.follow/a"),
                format!("at://{DID}/app.bsky.graph.follow/c"),
            ]
        );
        assert_eq!(bad.len(), 1, "{bad:#?}");
        assert!(
            bad[0].contains(":2: tree: tree node")
                && bad[0].contains("keeps 90 bytes of a 23-byte key"),
            "{}",
            bad[0]
        );
    }

    #[test]
    fn reading_twice_gives_the_same_keys_and_platform_is_honoured() {
        let (root, blocks) = repo(&[
            ("app.bsky.feed.post/a", post()),
            ("app.bsky.graph.follow/b", follow("did:plc:b")),
        ]);
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "repo.car", &car(root, &blocks));
        let opts = Options {
            platform: Some("bsky-test".into()),
            ..Options::default()
        };
        let (first, _) = read_all(&p, Format::BlueskyCar, &opts);
        let (second, _) = read_all(&p, Format::BlueskyCar, &opts);
        assert_eq!(first, second);
        assert!(first.iter().flat_map(|r| &r.events).all(|e| match e {
            Event::Post(p) => p.platform == "bsky-test",
            Event::Interaction(i) => i.platform == "bsky-test",
            Event::Account(a) => a.platform == "bsky-test",
        }));
    }
}
