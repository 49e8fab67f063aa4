//! The generation loop: accounts first, then interactions and the posts they need, in time order.

use crate::accounts::{handle_width, write_accounts, write_handle};
use crate::clock::Clock;
use crate::jsonl::{self, LineWriter};
use crate::random::{Purpose, Stream};
use crate::text::{write_text, Tone};
use crate::{kind_index, SynthConfig, SynthError, SynthSummary, KIND_MIX, LOOKAHEAD_EVENTS};
use earshot_model::{InteractionKind, Timestamp};
use std::collections::VecDeque;
use std::io::Write;

/// Recent posts remembered per account: reactions pick one of them.
const RING: usize = 3;
/// Chance (per mille) that a reaction goes to a brand-new post rather than a recent one, so that busy
/// accounts keep posting instead of collecting millions of reactions on one post.
const NEW_POST_PER_MILLE: u32 = 100;
/// How long before its first reaction an on-demand original post is dated (at most).
const POST_LEAD_SECS: i64 = 2 * 3600;
/// Progress is reported every this many interactions.
const PROGRESS_EVERY: u64 = 1 << 16;
const NONE: u32 = u32::MAX;

/// An interaction drawn but not yet written. Held back (at most [`LOOKAHEAD_EVENTS`] of them, at most
/// [`POST_LEAD_SECS`] old) so that a post the reaction needs can still be written before it in time order.
struct Pending {
    n: u64,
    time: Timestamp,
    kind: InteractionKind,
    actor: u32,
    target: u32,
    /// The target's post this reacts to (0: none).
    target_post: u64,
    /// The actor's own post carrying this interaction: replies, quotes, mentions (0: none).
    own_post: u64,
}

struct State<'a, W: Write> {
    cfg: &'a SynthConfig,
    w: LineWriter<W>,
    summary: SynthSummary,
    /// `RING` most recent post numbers per account (0: empty slot), and where the next one goes.
    posts: Vec<[u64; RING]>,
    cursor: Vec<u8>,
    bots: Vec<bool>,
    handle_width: usize,
    next_post: u64,
    text_rng: Stream,
}

pub(crate) fn run<W, P>(
    cfg: &SynthConfig,
    out: W,
    mut progress: P,
) -> Result<SynthSummary, SynthError>
where
    W: Write,
    P: FnMut(u64, u64),
{
    let n = cfg.accounts();
    let total = cfg.interactions();
    let rmat = cfg.rmat();
    let mut w = LineWriter::new(out);
    let mut summary = SynthSummary::default();
    let bots = write_accounts(cfg, &rmat, &mut w, &mut summary)?;
    let mut st = State {
        cfg,
        w,
        summary,
        posts: vec![[0; RING]; n as usize],
        cursor: vec![0; n as usize],
        bots,
        handle_width: handle_width(n),
        next_post: 1,
        text_rng: Stream::new(cfg.seed, Purpose::Text),
    };
    let mut last_follow = vec![NONE; n as usize];
    let mut edge_rng = Stream::new(cfg.seed, Purpose::Edges);
    let mut kind_rng = Stream::new(cfg.seed, Purpose::Kinds);
    let mut time_rng = Stream::new(cfg.seed, Purpose::Times);
    let mut clock = Clock::new(cfg.start, cfg.days, total);
    let mut pending: VecDeque<Pending> =
        VecDeque::with_capacity(LOOKAHEAD_EVENTS.min(total as usize) + 1);
    let thresholds = kind_thresholds();

    for i in 0..total {
        let t = clock.next(&mut time_rng);
        while let Some(front) = pending.front() {
            if pending.len() < LOOKAHEAD_EVENTS && front.time + POST_LEAD_SECS > t {
                break;
            }
            let p = pending.pop_front().expect("front exists");
            st.write_interaction(&p)?;
        }

        let (actor, mut target) = loop {
            let (row, col) = rmat.raw_edge(&mut edge_rng);
            if row != col {
                break (rmat.scramble(row) as u32, rmat.scramble(col) as u32);
            }
        };
        let roll = kind_rng.below(1000) as u32;
        let kind = KIND_MIX[thresholds
            .iter()
            .position(|&th| roll < th)
            .unwrap_or(KIND_MIX.len() - 1)]
        .0;
        match kind {
            InteractionKind::Follow => last_follow[actor as usize] = target,
            InteractionKind::Unfollow => {
                let f = std::mem::replace(&mut last_follow[actor as usize], NONE);
                if f != NONE {
                    target = f;
                }
            }
            _ => {}
        }
        let reacts_to_post = matches!(
            kind,
            InteractionKind::Reply
                | InteractionKind::Quote
                | InteractionKind::Reshare
                | InteractionKind::Like
        );
        let target_post = if reacts_to_post {
            // An on-demand post is written now, so it must be no earlier than what was written already and
            // no later than the oldest held-back interaction. Within that, aim for up to POST_LEAD_SECS
            // before the reaction.
            let earliest = st.summary.last_time.unwrap_or(cfg.start);
            let latest = pending.front().map_or(t, |p| p.time);
            let wanted = t - (kind_rng.f64() * POST_LEAD_SECS as f64) as i64;
            let post_time = wanted.clamp(earliest, latest);
            st.recent_or_new_post(target, post_time, &mut kind_rng)?
        } else {
            0
        };
        let own_post = if matches!(
            kind,
            InteractionKind::Reply | InteractionKind::Quote | InteractionKind::Mention
        ) {
            st.allocate_post(actor)
        } else {
            0
        };
        pending.push_back(Pending {
            n: i,
            time: t,
            kind,
            actor,
            target,
            target_post,
            own_post,
        });
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(i + 1, total);
        }
    }
    while let Some(p) = pending.pop_front() {
        st.write_interaction(&p)?;
    }
    progress(total, total);
    let mut summary = st.summary;
    summary.bytes = st.w.finish()?;
    Ok(summary)
}

/// Cumulative per-mille thresholds of [`KIND_MIX`].
fn kind_thresholds() -> [u32; 7] {
    let mut acc = 0;
    KIND_MIX.map(|(_, p)| {
        acc += p;
        acc
    })
}

impl<W: Write> State<'_, W> {
    /// Number a new post by `author` and remember it as one of the author's recent posts.
    fn allocate_post(&mut self, author: u32) -> u64 {
        let id = self.next_post;
        self.next_post += 1;
        let a = author as usize;
        self.posts[a][usize::from(self.cursor[a])] = id;
        self.cursor[a] = ((usize::from(self.cursor[a]) + 1) % RING) as u8;
        id
    }

    /// One of `author`'s recent posts, or a new original post (written now, at `time`).
    fn recent_or_new_post(
        &mut self,
        author: u32,
        time: Timestamp,
        rng: &mut Stream,
    ) -> std::io::Result<u64> {
        let ring = self.posts[author as usize];
        let filled = ring.iter().filter(|&&p| p != 0).count();
        if filled > 0 && !rng.per_mille(NEW_POST_PER_MILLE) {
            return Ok(ring[rng.below(filled as u64) as usize]);
        }
        let id = self.allocate_post(author);
        let tone = Tone::for_post(&mut self.text_rng);
        self.write_post(id, author, time, tone, None, |_| {})?;
        Ok(id)
    }

    /// A post line. `link` is the `reply_to` / `quote_of` field; `prefix` writes text before the body.
    fn write_post(
        &mut self,
        id: u64,
        author: u32,
        time: Timestamp,
        tone: Tone,
        link: Option<(&str, u64)>,
        prefix: impl FnOnce(&mut Vec<u8>),
    ) -> std::io::Result<()> {
        let seed = self.cfg.seed;
        let buf = &mut self.w.buf;
        jsonl::open(buf, "post", &self.cfg.platform);
        jsonl::id_field(buf, "ext_id", seed, "p", id);
        jsonl::account_ref_field(buf, "author", author);
        jsonl::i64_field(buf, "time", time);
        jsonl::key(buf, "text");
        buf.push(b'"');
        prefix(buf);
        write_text(buf, tone, &mut self.text_rng);
        buf.push(b'"');
        if let Some((field, of)) = link {
            jsonl::id_field(buf, field, seed, "p", of);
        }
        self.w.end_line()?;
        self.summary.posts += 1;
        self.note_time(time);
        Ok(())
    }

    /// The interaction's own post (if any), then the interaction.
    fn write_interaction(&mut self, p: &Pending) -> std::io::Result<()> {
        match p.kind {
            InteractionKind::Reply => {
                let tone = Tone::for_reply(&mut self.text_rng);
                self.write_post(
                    p.own_post,
                    p.actor,
                    p.time,
                    tone,
                    Some(("reply_to", p.target_post)),
                    |_| {},
                )?;
            }
            InteractionKind::Quote => {
                let tone = Tone::for_post(&mut self.text_rng);
                self.write_post(
                    p.own_post,
                    p.actor,
                    p.time,
                    tone,
                    Some(("quote_of", p.target_post)),
                    |_| {},
                )?;
            }
            InteractionKind::Mention => {
                let tone = Tone::for_post(&mut self.text_rng);
                let (width, bot, seed) = (
                    self.handle_width,
                    self.bots[p.target as usize],
                    self.cfg.seed,
                );
                self.write_post(p.own_post, p.actor, p.time, tone, None, |buf| {
                    buf.push(b'@');
                    write_handle(buf, p.target, width, bot, seed);
                    buf.push(b' ');
                })?;
            }
            _ => {}
        }
        let seed = self.cfg.seed;
        let buf = &mut self.w.buf;
        jsonl::open(buf, "interaction", &self.cfg.platform);
        jsonl::id_field(buf, "key", seed, "", p.n);
        jsonl::str_field(buf, "kind", p.kind.name().as_bytes());
        jsonl::account_ref_field(buf, "actor", p.actor);
        jsonl::account_ref_field(buf, "target", p.target);
        // A mention is carried by the actor's post; every other reaction is about the target's post.
        let post = if p.kind == InteractionKind::Mention {
            p.own_post
        } else {
            p.target_post
        };
        if post != 0 {
            jsonl::id_field(buf, "post", seed, "p", post);
        }
        jsonl::i64_field(buf, "time", p.time);
        self.w.end_line()?;
        self.summary.interactions += 1;
        self.summary.by_kind[kind_index(p.kind)] += 1;
        self.note_time(p.time);
        Ok(())
    }

    fn note_time(&mut self, t: Timestamp) {
        self.summary.first_time.get_or_insert(t);
        self.summary.last_time = Some(t);
    }
}
