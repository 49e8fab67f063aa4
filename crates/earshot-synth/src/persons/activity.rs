//! Posts and interactions of synthetic people, one network at a time.
//!
//! Identity linking is judged on profiles, but the accounts must also look alive to the rest of earshot:
//! every account posts about its person's interests, and people like, reshare, reply to, quote, mention and
//! follow others *on the same network only* (the networks are separate graphs). Most interactions go to
//! the person's friends, who are the same people on every network, so one person's neighbourhoods overlap
//! across networks as they do in life; the rest go to accounts drawn by reach, so attention is skewed.
//! Every account receives at least one reaction, so `earshot score` has something to score it on.

use super::vocab::{POST_TAILS, POST_TEMPLATES, REPLIES};
use super::{cumulative, pick_weighted, shuffle, Network, PersonsConfig, World};
use crate::random::{Purpose, Stream};
use earshot_model::{AccountRef, Event, Interaction, InteractionKind, Post, Timestamp};

/// An event with its time and creation order, sorted by both before writing.
pub(super) struct Timed {
    pub(super) time: Timestamp,
    seq: u64,
    pub(super) event: Event,
}

/// Share of each kind, per mille: likes dominate, reshares next, conversation a third, follows the rest.
const KINDS: [(InteractionKind, u64); 6] = [
    (InteractionKind::Like, 380),
    (InteractionKind::Reshare, 200),
    (InteractionKind::Reply, 140),
    (InteractionKind::Mention, 100),
    (InteractionKind::Quote, 40),
    (InteractionKind::Follow, 140),
];
/// Chance (per mille) that an interaction goes to a friend on the network rather than anyone.
const FRIEND_PER_MILLE: u32 = 600;
/// Mean delay between a post and a reaction to it.
const MEAN_DELAY_SECS: f64 = 6.0 * 3600.0;
const NONE: u32 = u32::MAX;

/// Every post and interaction, in time order (ties in creation order).
pub(super) fn simulate(world: &World, cfg: &PersonsConfig) -> Vec<Timed> {
    let mut sim = Sim {
        cfg,
        world,
        rng: Stream::new(cfg.seed, Purpose::Activity),
        out: Vec::new(),
        posts: vec![Vec::new(); world.accounts.len()],
        next_post: 1,
        next_key: 1,
    };
    for &net in &cfg.networks {
        sim.network(net);
    }
    let mut out = sim.out;
    out.sort_by_key(|t| (t.time, t.seq));
    out
}

struct Sim<'a> {
    cfg: &'a PersonsConfig,
    world: &'a World,
    rng: Stream,
    out: Vec<Timed>,
    /// Each account's posts so far: (post number, time).
    posts: Vec<Vec<(u64, Timestamp)>>,
    next_post: u64,
    next_key: u64,
}

impl Sim<'_> {
    /// All activity on one network.
    fn network(&mut self, net: Network) {
        let world = self.world;
        // In random order: accounts were made person by person, and post numbers and interaction keys
        // must not line up one person's accounts across networks.
        let mut members: Vec<u32> = (0..world.accounts.len() as u32)
            .filter(|&a| world.accounts[a as usize].net == net)
            .collect();
        shuffle(&mut members, &mut self.rng);
        if members.is_empty() {
            return;
        }
        let mut on_net = vec![NONE; world.people.len()];
        for &a in &members {
            on_net[world.accounts[a as usize].person as usize] = a;
        }
        for &a in &members {
            let n = 1 + ((3.0 * (0.7 * self.rng.gauss()).exp()) as u64).min(24);
            for _ in 0..n {
                let t = self.any_time();
                let text = self.post_text(a);
                self.post(a, t, text, None);
            }
        }
        if members.len() < 2 {
            return;
        }
        let cum = cumulative(
            members
                .iter()
                .map(|&a| world.people[world.accounts[a as usize].person as usize].reach),
        );
        let mut received = vec![false; world.accounts.len()];
        for &a in &members {
            let person = &world.people[world.accounts[a as usize].person as usize];
            let friends: Vec<u32> = person
                .friends
                .iter()
                .map(|&f| on_net[f as usize])
                .filter(|&f| f != NONE)
                .collect();
            let n = 2 + ((6.0 * (0.6 * self.rng.gauss()).exp()) as u64).min(60);
            for _ in 0..n {
                let target = if !friends.is_empty() && self.rng.per_mille(FRIEND_PER_MILLE) {
                    *self.rng.pick(&friends)
                } else {
                    members[pick_weighted(&cum, &mut self.rng)]
                };
                if target == a {
                    continue;
                }
                let kind = self.kind();
                self.interact(a, target, kind);
                received[target as usize] |= kind != InteractionKind::Follow;
            }
        }
        // Nobody goes unnoticed: one like for each account no one reacted to.
        for &a in &members {
            if !received[a as usize] {
                let actor = loop {
                    let c = *self.rng.pick(&members);
                    if c != a {
                        break c;
                    }
                };
                self.interact(actor, a, InteractionKind::Like);
            }
        }
    }

    fn kind(&mut self) -> InteractionKind {
        let mut roll = self.rng.below(1000);
        for (k, w) in KINDS {
            if roll < w {
                return k;
            }
            roll -= w;
        }
        InteractionKind::Like
    }

    /// A random second of the period, on a random day at a waking hour (07:00 to midnight UTC) nine times
    /// in ten: people keep hours, and activity spread evenly round the clock looks automated.
    fn any_time(&mut self) -> Timestamp {
        let day = self.rng.below(u64::from(self.cfg.days));
        let hour = if self.rng.per_mille(900) {
            self.rng.between(7, 23)
        } else {
            self.rng.below(24)
        };
        self.cfg.start + (day * 86_400 + hour * 3600 + self.rng.below(3600)) as i64
    }

    /// `actor` does `kind` to `target`, through a post of its own for replies, quotes and mentions, about
    /// one of `target`'s posts for reactions (a while after it was posted).
    fn interact(&mut self, actor: u32, target: u32, kind: InteractionKind) {
        let (time, post) = match kind {
            InteractionKind::Follow => (self.any_time(), None),
            InteractionKind::Mention => {
                let t = self.any_time();
                let handle = &self.world.accounts[target as usize].handle;
                let text = format!("@{handle} {}", self.post_text(actor));
                (t, Some(self.post(actor, t, text, None)))
            }
            _ => {
                let (of, posted) = *self.rng.pick(&self.posts[target as usize]);
                let delay = 60.0 - self.rng.f64_open0().ln() * MEAN_DELAY_SECS;
                let t = (posted + delay as i64).min(self.cfg.end() - 1).max(posted);
                match kind {
                    InteractionKind::Reply => {
                        let text = self.rng.pick(REPLIES).to_string();
                        self.post(actor, t, text, Some(("reply_to", of)));
                    }
                    InteractionKind::Quote => {
                        let text = self.post_text(actor);
                        self.post(actor, t, text, Some(("quote_of", of)));
                    }
                    _ => {}
                }
                (t, Some(of))
            }
        };
        let key = self.next_key;
        self.next_key += 1;
        let a = &self.world.accounts[actor as usize];
        let event = Event::Interaction(Interaction {
            platform: a.net.label().to_string(),
            key: format!("s{}:i{key}", self.cfg.seed),
            kind,
            actor: AccountRef::by_id(a.ext_id.clone()),
            target: AccountRef::by_id(self.world.accounts[target as usize].ext_id.clone()),
            post: post.map(|p| self.post_id(p)),
            time: Some(time),
            weight: 1.0,
        });
        self.push(time, event);
    }

    /// Write a post by `author` and remember it; returns its number.
    fn post(
        &mut self,
        author: u32,
        time: Timestamp,
        text: String,
        link: Option<(&str, u64)>,
    ) -> u64 {
        let n = self.next_post;
        self.next_post += 1;
        self.posts[author as usize].push((n, time));
        let a = &self.world.accounts[author as usize];
        let link_id = link.map(|(_, of)| self.post_id(of));
        let field = link.map(|(f, _)| f);
        let event = Event::Post(Post {
            platform: a.net.label().to_string(),
            ext_id: self.post_id(n),
            author: AccountRef::by_id(a.ext_id.clone()),
            time,
            text: Some(text),
            reply_to: link_id.clone().filter(|_| field == Some("reply_to")),
            quote_of: link_id.filter(|_| field == Some("quote_of")),
            reshare_of: None,
        });
        self.push(time, event);
        n
    }

    /// A post about one of the author's person's interests.
    fn post_text(&mut self, author: u32) -> String {
        let person = &self.world.people[self.world.accounts[author as usize].person as usize];
        let topic = self.rng.pick(&person.interests);
        let (before, after) = self.rng.pick(POST_TEMPLATES);
        let tail = self.rng.pick(POST_TAILS);
        format!("{before}{topic}{after}{tail}")
    }

    fn post_id(&self, n: u64) -> String {
        format!("s{}:p{n}", self.cfg.seed)
    }

    fn push(&mut self, time: Timestamp, event: Event) {
        let seq = self.out.len() as u64;
        self.out.push(Timed { time, seq, event });
    }
}
