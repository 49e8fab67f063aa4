// Writes a Bluesky repository export with the AT Protocol's reference implementation, so that
// earshot's CAR reader is tested against files the protocol's own code produced, not against bytes
// written from memory of the format.
//
//   node make_repo.mjs OUT.car OUT.json RECORDS [SEED]
//
// The repository (one DID, signed by a fresh secp256k1 key) holds RECORDS records of the four
// collections earshot reads, as the app.bsky lexicons define them (lexicons/app/bsky/feed/post.json,
// feed/repost.json, feed/like.json, graph/follow.json in github.com/bluesky-social/atproto): posts
// (some replying, some quoting through app.bsky.embed.record or app.bsky.embed.recordWithMedia with
// an image blob, some mentioning accounts through richtext facets), reposts, likes and follows, plus
// an app.bsky.actor.profile record that earshot skips. @atproto/repo builds the Merkle search tree and
// `getFullRepo` writes the CAR v1 file (commit, tree nodes and records as DAG-CBOR blocks), as a PDS
// answers com.atproto.sync.getRepo.
//
// OUT.json lists what was written, one object per record: {uri, collection, createdAt, text, reply,
// quote, mentions, subject}; with more than 20000 records only the counts per collection are written.
import { writeFileSync } from 'node:fs'
import { Repo, MemoryBlockstore, WriteOpAction, getFullRepo } from '@atproto/repo'
import { Secp256k1Keypair } from '@atproto/crypto'
import { TID } from '@atproto/common-web'
import { parseCid } from '@atproto/lex-data'

const [out, listing, countArg, seedArg] = process.argv.slice(2)
if (!out || !listing || !countArg) {
  console.error('usage: node make_repo.mjs OUT.car OUT.json RECORDS [SEED]')
  process.exit(2)
}
const count = Number(countArg)

// A small seeded generator (mulberry32) so that one seed gives one repository's records.
let state = Number(seedArg ?? 7) >>> 0
function random() {
  state = (state + 0x6d2b79f5) >>> 0
  let t = state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = (xs) => xs[Math.floor(random() * xs.length)]
const b32 = 'abcdefghijklmnopqrstuvwxyz234567'
const did = () => 'did:plc:' + Array.from({ length: 24 }, () => pick(b32)).join('')

const owner = 'did:plc:' + 'earshotowner' + 'a'.repeat(12)
const others = Array.from({ length: Math.max(10, Math.ceil(count / 20)), }, did)
const othersPosts = others.map((d) => `at://${d}/app.bsky.feed.post/${TID.nextStr()}`)
// A strongRef's cid (com.atproto.repo.strongRef: a string of format cid) and an image blob's link.
const someCid = 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm'
const blobCid = parseCid('bafkreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm')

const start = Date.parse('2024-09-09T00:00:00.000Z')
const writes = []
const listed = []
const ownPosts = []
for (let n = 0; n < count; n++) {
  const createdAt = new Date(start + n * 61_000).toISOString()
  const rkey = TID.nextStr()
  const roll = random()
  let collection
  let record
  const entry = { createdAt }
  if (roll < 0.25 || ownPosts.length === 0) {
    collection = 'app.bsky.feed.post'
    const text = `post ${n} about ${pick(['rust', 'graphs', 'birds', 'jazz'])}`
    record = { $type: collection, text, createdAt, langs: ['en'] }
    entry.text = text
    const kind = random()
    if (kind < 0.3) {
      const parent = pick(random() < 0.5 ? othersPosts : ownPosts.length ? ownPosts : othersPosts)
      record.reply = {
        root: { uri: parent, cid: someCid },
        parent: { uri: parent, cid: someCid },
      }
      entry.reply = parent
    } else if (kind < 0.4) {
      const quoted = pick(othersPosts)
      record.embed = { $type: 'app.bsky.embed.record', record: { uri: quoted, cid: someCid } }
      entry.quote = quoted
    } else if (kind < 0.5) {
      const quoted = pick(othersPosts)
      record.embed = {
        $type: 'app.bsky.embed.recordWithMedia',
        record: { $type: 'app.bsky.embed.record', record: { uri: quoted, cid: someCid } },
        media: {
          $type: 'app.bsky.embed.images',
          images: [
            {
              alt: 'a picture',
              image: { $type: 'blob', ref: blobCid, mimeType: 'image/jpeg', size: 1234 },
            },
          ],
        },
      }
      entry.quote = quoted
    }
    if (random() < 0.2) {
      const a = pick(others)
      const b = pick(others)
      const prefix = new TextEncoder().encode(text + ' ').length
      record.text = `${text} @a @b`
      entry.text = record.text
      record.facets = [
        {
          index: { byteStart: prefix, byteEnd: prefix + 2 },
          features: [{ $type: 'app.bsky.richtext.facet#mention', did: a }],
        },
        {
          index: { byteStart: prefix + 3, byteEnd: prefix + 5 },
          features: [{ $type: 'app.bsky.richtext.facet#mention', did: b }],
        },
      ]
      entry.mentions = a === b ? [a] : [a, b]
    }
    ownPosts.push(`at://${owner}/${collection}/${rkey}`)
  } else if (roll < 0.4) {
    collection = 'app.bsky.feed.repost'
    const subject = pick(othersPosts)
    record = { $type: collection, subject: { uri: subject, cid: someCid }, createdAt }
    entry.subject = subject
  } else if (roll < 0.8) {
    collection = 'app.bsky.feed.like'
    const subject = pick(othersPosts)
    record = { $type: collection, subject: { uri: subject, cid: someCid }, createdAt }
    entry.subject = subject
  } else {
    collection = 'app.bsky.graph.follow'
    const subject = pick(others)
    record = { $type: collection, subject, createdAt }
    entry.subject = subject
  }
  writes.push({ action: WriteOpAction.Create, collection, rkey, record })
  entry.uri = `at://${owner}/${collection}/${rkey}`
  entry.collection = collection
  listed.push(entry)
}
writes.push({
  action: WriteOpAction.Create,
  collection: 'app.bsky.actor.profile',
  rkey: 'self',
  record: { $type: 'app.bsky.actor.profile', displayName: 'Owner', description: 'a test repository' },
})

const keypair = await Secp256k1Keypair.create()
const storage = new MemoryBlockstore()
const repo = await Repo.create(storage, owner, keypair, writes)
const chunks = []
for await (const chunk of getFullRepo(storage, repo.cid)) chunks.push(chunk)
writeFileSync(out, Buffer.concat(chunks))

const counts = {}
for (const e of listed) counts[e.collection] = (counts[e.collection] ?? 0) + 1
const summary = { did: owner, records: listed.length, counts }
if (listed.length <= 20000) summary.listed = listed
writeFileSync(listing, JSON.stringify(summary, null, 1))
console.error(`wrote ${out}: ${listed.length} records (${JSON.stringify(counts)}) and a profile`)
