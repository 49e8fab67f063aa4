//! Synthetic people across networks, with known truth and look-alikes, for evaluating identity linking.
//!
//! Linking one person's accounts across Mastodon, Bluesky and X can't be evaluated on real data: nobody
//! knows the true links, and the data can't be shipped. This module makes people whose accounts are known,
//! then makes linking as hard as it is in life:
//!
//! * **True persons** (`p000123`) each hold accounts on a random non-empty subset of the chosen networks
//!   (most on two or three). Across their accounts the handle, display name and bio vary the way real ones
//!   do: the same handle stem with `_`, digits or an initial added or dropped, now and then a different
//!   handle altogether; "Alice Wong", "Alice W.", "alice 🌿", "Dr. Alice Wong"; bios drawing on the same
//!   interests in another order and phrasing, with each network's own filler; sometimes no name or bio.
//! * **Evidence** for about 30% of persons: Mastodon profile `links` naming their X or Bluesky profile or
//!   their Bluesky custom domain, an X website (`url`) naming their Mastodon profile or domain. Evidence
//!   only ever points at the same person's accounts; some people also link a blog that is nobody's account.
//! * **Decoys** (`d000045`, about 35% as many as persons): one-account people built to look like a true
//!   person: the same handle stem on another network (the common-name problem), the same display name, or
//!   the same interests. Decoys never link to anyone else's accounts. True persons also share full names
//!   among themselves, as ~60 first and ~60 last names make inevitable.
//! * **Activity** on each network separately (the networks don't talk to each other): posts about each
//!   person's interests, and likes, reshares, replies, quotes, mentions and follows, mostly between people
//!   who are friends on every network they share, so every account has something to score.
//!
//! The truth (every account of every person, decoys included) comes back as [`TruthRow`]s, and
//! [`write_truth_csv`] writes it as `person,platform,ext_id`: two rows with the same person and different
//! platforms are a true link.
//!
//! Ids look like the real networks' so that importers and linkers see familiar shapes: Mastodon accounts are
//! actor URIs (`https://hachyderm.io/users/alicewong`, handle `alicewong@hachyderm.io`), Bluesky accounts
//! DIDs (`did:plc:` and 24 base32 characters, handle `alicewong.bsky.social` or a custom domain such as
//! `alicewong.dev`), X accounts numeric ids under platform `twitter`, as earshot's X importers name it.
//! Post ids and interaction keys start with `s{seed}:` like the R-MAT stream's. Unlike that stream, names
//! and bios carry no `[synthetic]` marker: a token every profile shares would distort the very text
//! similarity that linking is judged on.
//!
//! The same [`PersonsConfig`] always gives byte-identical output (seeded streams, no hash-order iteration).

mod activity;
mod vocab;

use crate::random::{Purpose, Stream};
use crate::SynthError;
use earshot_model::{Account, Event, Profile, Timestamp};
use std::collections::HashSet;
use std::io::Write;
use vocab::*;

/// A network a synthetic person can hold an account on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Network {
    Mastodon,
    Bluesky,
    /// X, formerly Twitter: platform label `twitter`, as earshot's X importers write it.
    X,
}

impl Network {
    pub const ALL: [Network; 3] = [Network::Mastodon, Network::Bluesky, Network::X];

    /// The platform label events carry: `mastodon`, `bluesky`, `twitter`.
    pub fn label(self) -> &'static str {
        match self {
            Network::Mastodon => "mastodon",
            Network::Bluesky => "bluesky",
            Network::X => "twitter",
        }
    }

    /// `mastodon`, `bluesky`, and `x` or `twitter` for X (any case).
    pub fn parse(s: &str) -> Result<Network, UnknownNetwork> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mastodon" => Ok(Network::Mastodon),
            "bluesky" => Ok(Network::Bluesky),
            "x" | "twitter" => Ok(Network::X),
            _ => Err(UnknownNetwork(s.to_string())),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl std::str::FromStr for Network {
    type Err = UnknownNetwork;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Network::parse(s)
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A platform name [`Network::parse`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown platform {0:?}: the platforms are mastodon, bluesky and x (also spelled twitter)")]
pub struct UnknownNetwork(pub String);

/// What [`generate_persons`] makes. Construct with [`PersonsConfig::new`] and adjust the public fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonsConfig {
    /// True persons (1..=[`PersonsConfig::MAX_PERSONS`]); decoys come on top ([`PersonsConfig::decoys`]).
    pub persons: u32,
    /// Seeds every random choice; also part of every post id and interaction key (`s{seed}:`).
    pub seed: u64,
    /// The networks people hold accounts on, in [`Network::ALL`] order, each once.
    pub networks: Vec<Network>,
    /// First second of the period of activity (UTC unix seconds).
    pub start: Timestamp,
    /// Length of the period in days (at least 1).
    pub days: u32,
}

impl PersonsConfig {
    pub const DEFAULT_PERSONS: u32 = 1000;
    /// Everything is built in memory (a few hundred bytes per account), so the size is capped.
    pub const MAX_PERSONS: u32 = 1_000_000;
    /// Decoys per thousand true persons: "at least ~30% as many", rounded up.
    pub const DECOY_PER_MILLE: u64 = 350;
    /// Default period: 30 days, "a few weeks" of activity, as for the R-MAT stream.
    pub const DEFAULT_DAYS: u32 = crate::SynthConfig::DEFAULT_DAYS;

    /// `persons` people on `networks` (duplicates dropped), 30 days from 2024-01-01.
    pub fn new(persons: u32, seed: u64, networks: &[Network]) -> Self {
        let mut networks = networks.to_vec();
        networks.sort_unstable();
        networks.dedup();
        PersonsConfig {
            persons,
            seed,
            networks,
            start: crate::SynthConfig::DEFAULT_START,
            days: Self::DEFAULT_DAYS,
        }
    }

    /// Number of decoys: [`Self::DECOY_PER_MILLE`] per thousand persons, rounded up.
    pub fn decoys(&self) -> u32 {
        (u64::from(self.persons) * Self::DECOY_PER_MILLE).div_ceil(1000) as u32
    }

    /// Check the configuration without generating anything.
    pub fn validate(&self) -> Result<(), SynthError> {
        if self.persons == 0 || self.persons > Self::MAX_PERSONS {
            return Err(SynthError::Persons(self.persons));
        }
        if self.networks.is_empty() {
            return Err(SynthError::NoNetworks);
        }
        if self.days == 0 {
            return Err(SynthError::Days);
        }
        // Accounts are created up to 15 years before the start; every time must stay in 1900..2100.
        const EARLIEST: Timestamp = -2_208_988_800 + 16 * 365 * 86_400;
        let end = self.start + i64::from(self.days) * 86_400;
        if self.start < EARLIEST || end > 4_102_444_800 {
            return Err(SynthError::Start(self.start));
        }
        Ok(())
    }

    fn end(&self) -> Timestamp {
        self.start + i64::from(self.days) * 86_400
    }
}

/// One account of one person: the ground truth the evaluation pairs up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruthRow {
    /// `p000123` for a true person, `d000045` for a decoy.
    pub person: String,
    /// `mastodon`, `bluesky` or `twitter`.
    pub platform: &'static str,
    pub ext_id: String,
}

/// What [`generate_persons`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonsSummary {
    pub persons: u64,
    pub decoys: u64,
    /// Accounts per network, indexed like [`Network::ALL`] (true persons' and decoys').
    pub accounts: [u64; 3],
    pub posts: u64,
    pub interactions: u64,
    /// True persons with at least one link from one of their accounts to another.
    pub persons_with_links: u64,
    /// True persons whose full name another true person also has.
    pub name_collisions: u64,
    /// Decoys whose handle has the same stem as one of their look-alike's accounts.
    pub handle_clashes: u64,
    pub bytes: u64,
    pub first_time: Option<Timestamp>,
    pub last_time: Option<Timestamp>,
}

impl PersonsSummary {
    /// Every account, on every network.
    pub fn total_accounts(&self) -> u64 {
        self.accounts.iter().sum()
    }

    /// Every line written.
    pub fn events(&self) -> u64 {
        self.total_accounts() + self.posts + self.interactions
    }
}

/// The stream's summary and its ground truth.
#[derive(Debug, Clone)]
pub struct PersonsOutput {
    pub summary: PersonsSummary,
    /// Every account of every person (true persons first, then decoys), in person order.
    pub truth: Vec<TruthRow>,
}

/// Write the multi-network stream for `cfg` to `out` as JSON lines (accounts first, then posts and
/// interactions in time order) and return what was written with its truth.
pub fn generate_persons<W: Write>(
    cfg: &PersonsConfig,
    out: W,
) -> Result<PersonsOutput, SynthError> {
    cfg.validate()?;
    let world = World::build(cfg);
    let timed = activity::simulate(&world, cfg);
    let mut summary = world.summary();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    let mut line = Vec::with_capacity(512);
    let mut emit = |e: &Event, out: &mut std::io::BufWriter<W>| -> std::io::Result<u64> {
        line.clear();
        serde_json::to_writer(&mut line, e).map_err(std::io::Error::other)?;
        line.push(b'\n');
        out.write_all(&line)?;
        Ok(line.len() as u64)
    };
    for &a in &world.order {
        let a = &world.accounts[a as usize];
        summary.bytes += emit(&world.account_event(a), &mut out)?;
    }
    for t in &timed {
        summary.bytes += emit(&t.event, &mut out)?;
        match t.event {
            Event::Post(_) => summary.posts += 1,
            Event::Interaction(_) => summary.interactions += 1,
            Event::Account(_) => {}
        }
        summary.first_time.get_or_insert(t.time);
        summary.last_time = Some(t.time);
    }
    out.flush()?;
    Ok(PersonsOutput {
        summary,
        truth: world.truth(),
    })
}

/// Write `rows` as CSV with the header `person,platform,ext_id`. No field needs quoting: person ids,
/// platform labels, URIs, DIDs and numbers hold no comma or quote.
pub fn write_truth_csv<W: Write>(rows: &[TruthRow], out: W) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(out);
    writeln!(out, "person,platform,ext_id")?;
    for r in rows {
        writeln!(out, "{},{},{}", r.person, r.platform, r.ext_id)?;
    }
    out.flush()
}

/// Probability (per mille) that a true person with two or more accounts says so in a profile link, tuned
/// so that about 30% of all persons carry evidence.
const LINKED_PER_MILLE: u32 = 360;
/// Of one person's accounts, the share whose handle is the person's usual stem, a variant of it, or
/// something unrelated; per mille, the rest unrelated.
const SAME_STEM_PER_MILLE: u64 = 620;
const VARIANT_STEM_PER_MILLE: u64 = 300;

/// A person: what stays the same across their accounts.
struct Person {
    id: String,
    first: &'static str,
    last: &'static str,
    /// Two digits people add to taken handles (a birth year, a lucky number).
    digits: u32,
    /// Uses "Dr." in display names.
    title: bool,
    emoji: &'static str,
    role: &'static str,
    city: &'static str,
    pronouns: Option<&'static str>,
    /// 4 or 5 interests; each bio draws some of them.
    interests: Vec<&'static str>,
    /// The bio phrasing the person prefers.
    style: u64,
    /// The handle stem used on most of the person's accounts.
    stem: String,
    /// A Bluesky custom-domain handle, once the person has a Bluesky account with one.
    domain: Option<String>,
    /// A personal site that is no account on any network.
    blog: Option<String>,
    decoy: bool,
    /// For a decoy, the true person it looks like.
    look_alike: Option<u32>,
    /// Other true persons this one interacts with on every network both are on.
    friends: Vec<u32>,
    /// How much attention the person draws: followers and how often others pick them.
    reach: f64,
}

/// One account on one network.
struct Acct {
    person: u32,
    net: Network,
    ext_id: String,
    handle: String,
    /// Mastodon: the instance; the handle is `name@instance`.
    instance: Option<&'static str>,
    /// Mastodon: the local name.
    name: String,
    /// The stem the handle was made from, lower case without `_`, `-` or digits, for counting clashes.
    stem_key: String,
    display_name: Option<String>,
    bio: Option<String>,
    url: Option<String>,
    links: Vec<String>,
    followers: u64,
    following: u64,
    post_count: u64,
    default_avatar: bool,
    verified: bool,
    created_at: Timestamp,
}

/// Everyone and every account, before any activity.
struct World {
    people: Vec<Person>,
    accounts: Vec<Acct>,
    /// Account indices per person.
    by_person: Vec<Vec<u32>>,
    true_persons: usize,
    /// The order accounts are written in: shuffled, so that neither a person's accounts nor the decoys
    /// sit together in the file (a linker must not learn anything from row order).
    order: Vec<u32>,
}

/// Names already taken: handles per network (and instance), domains, and ids, so that no two accounts
/// collide and no blog domain is anyone's account.
#[derive(Default)]
struct Taken(HashSet<String>);

impl Taken {
    /// Claim `key`; false when it was taken.
    fn claim(&mut self, key: String) -> bool {
        self.0.insert(key)
    }
}

impl World {
    fn build(cfg: &PersonsConfig) -> World {
        let mut rng = Stream::new(cfg.seed, Purpose::Persons);
        let mut taken = Taken::default();
        let n = cfg.persons as usize;
        let mut w = World {
            people: Vec::with_capacity(n + cfg.decoys() as usize),
            accounts: Vec::new(),
            by_person: Vec::new(),
            true_persons: n,
            order: Vec::new(),
        };
        for i in 0..n {
            let p = new_person(format!("p{i:06}"), &mut rng, &mut taken);
            w.people.push(p);
        }
        for p in 0..n as u32 {
            for net in pick_networks(&cfg.networks, &mut rng) {
                let stem = account_stem(&w.people[p as usize], &mut rng);
                w.add_account(p, net, &stem, cfg, &mut rng, &mut taken);
            }
        }
        for d in 0..cfg.decoys() {
            w.add_decoy(d, cfg, &mut rng, &mut taken);
        }
        for p in 0..w.people.len() as u32 {
            w.add_links(p, &mut rng);
        }
        w.add_friends(&mut rng);
        w.order = (0..w.accounts.len() as u32).collect();
        shuffle(&mut w.order, &mut rng);
        w
    }

    /// Create `person`'s account on `net` with a handle made from `stem`, unique on the network.
    fn add_account(
        &mut self,
        person: u32,
        net: Network,
        stem: &str,
        cfg: &PersonsConfig,
        rng: &mut Stream,
        taken: &mut Taken,
    ) {
        let (ext_id, handle, instance, name) = match net {
            Network::Mastodon => {
                let inst = *rng.pick(MASTODON_INSTANCES);
                let name = claim_handle(
                    &stem.to_ascii_lowercase(),
                    30,
                    |h| format!("m:{h}@{inst}"),
                    rng,
                    taken,
                );
                (
                    format!("https://{inst}/users/{name}"),
                    format!("{name}@{inst}"),
                    Some(inst),
                    name,
                )
            }
            Network::Bluesky => {
                let p = &self.people[person as usize];
                let custom = p.domain.is_none() && rng.per_mille(if p.decoy { 100 } else { 250 });
                let handle = if custom {
                    let d = personal_domain(p, rng, taken);
                    self.people[person as usize].domain = Some(d.clone());
                    d
                } else {
                    // Bluesky handles are DNS names: no `_`, lower case.
                    let s: String = if rng.per_mille(500) {
                        stem.replace('_', "-")
                    } else {
                        stem.replace('_', "")
                    };
                    let name = claim_handle(
                        &s.to_ascii_lowercase(),
                        18,
                        |h| format!("b:{h}"),
                        rng,
                        taken,
                    );
                    format!("{name}.bsky.social")
                };
                (did_plc(rng, taken), handle.clone(), None, handle)
            }
            Network::X => {
                let mut s = stem.to_string();
                if rng.per_mille(250) {
                    s = camel_case(&s);
                }
                let name = claim_handle(
                    &s,
                    15,
                    |h| format!("x:{}", h.to_ascii_lowercase()),
                    rng,
                    taken,
                );
                (x_id(rng, taken), name.clone(), None, name)
            }
        };
        let p = &self.people[person as usize];
        let age_days = match net {
            Network::Mastodon => rng.between(60, 7 * 365),
            Network::Bluesky => rng.between(20, 300),
            Network::X => rng.between(200, 15 * 365),
        };
        let acct = Acct {
            person,
            net,
            ext_id,
            handle,
            instance,
            name,
            stem_key: stem_key(stem),
            display_name: display_name(p, rng),
            bio: bio(p, net, rng),
            url: None,
            links: Vec::new(),
            followers: (p.reach * 120.0 * (0.5 * rng.gauss()).exp()) as u64 + rng.below(30),
            following: (150.0 * (0.8 * rng.gauss()).exp()) as u64 + rng.below(20),
            // A lifetime of posting at a person's pace (about one a day, skewed), as the platform counts it.
            post_count: (age_days as f64 * 0.8 * (0.9 * rng.gauss()).exp()) as u64 + rng.below(20),
            default_avatar: rng.per_mille(30),
            verified: net == Network::X && rng.per_mille(20),
            created_at: cfg.start - age_days as i64 * 86_400 - rng.below(86_400) as i64,
        };
        let idx = self.accounts.len() as u32;
        self.accounts.push(acct);
        if self.by_person.len() <= person as usize {
            self.by_person.resize_with(person as usize + 1, Vec::new);
        }
        self.by_person[person as usize].push(idx);
    }

    /// A one-account person who looks like a random true person: by handle stem (40%), by display
    /// name (30%), or by interests (30%). Placed on a network the look-alike is *not* on when there is one,
    /// which is exactly where a linker would go looking for the look-alike's missing account.
    fn add_decoy(&mut self, d: u32, cfg: &PersonsConfig, rng: &mut Stream, taken: &mut Taken) {
        let target = rng.below(self.true_persons as u64) as u32;
        let mut p = new_person(format!("d{d:06}"), rng, taken);
        p.decoy = true;
        p.look_alike = Some(target);
        let t = &self.people[target as usize];
        let t_accounts = &self.by_person[target as usize];
        let roll = rng.below(100);
        let mut stem = None;
        if roll < 40 {
            // Same handle stem; same first name, and often the same last name too.
            let a = &self.accounts[*rng.pick(t_accounts) as usize];
            p.first = t.first;
            if rng.per_mille(500) {
                p.last = t.last;
            }
            stem = Some(handle_stem_of(a));
        } else if roll < 70 {
            p.first = t.first;
            p.last = t.last;
            p.stem = name_stems(&p)[0].clone();
        } else {
            // Most of the same interests, sometimes the same job.
            p.interests = t.interests.iter().take(3).copied().collect();
            let extra = *rng.pick(INTERESTS);
            if !p.interests.contains(&extra) {
                p.interests.push(extra);
            }
            if rng.per_mille(500) {
                p.role = t.role;
            }
        }
        let t_nets: Vec<Network> = t_accounts
            .iter()
            .map(|&a| self.accounts[a as usize].net)
            .collect();
        let free: Vec<Network> = cfg
            .networks
            .iter()
            .copied()
            .filter(|n| !t_nets.contains(n))
            .collect();
        let net = if free.is_empty() {
            *rng.pick(&cfg.networks)
        } else {
            *rng.pick(&free)
        };
        let stem = stem.unwrap_or_else(|| account_stem(&p, rng));
        let idx = self.people.len() as u32;
        self.people.push(p);
        self.add_account(idx, net, &stem, cfg, rng, taken);
    }

    /// Profile links: for linked persons, evidence pointing at their other accounts; for anyone with a
    /// blog, the blog (which is no account, so a linker must not treat every link as an account).
    fn add_links(&mut self, person: u32, rng: &mut Stream) {
        let p = &self.people[person as usize];
        let mine = &self.by_person[person as usize];
        let find = |net| {
            mine.iter()
                .copied()
                .find(|&a| self.accounts[a as usize].net == net)
        };
        let (m, b, x) = (
            find(Network::Mastodon),
            find(Network::Bluesky),
            find(Network::X),
        );
        let linked = !p.decoy
            && mine.len() >= 2
            && (m.is_some() || x.is_some())
            && rng.per_mille(LINKED_PER_MILLE);
        let blog = p.blog.as_ref().map(|d| format!("https://{d}/"));
        if let Some(m) = m {
            let mut links = Vec::new();
            if linked {
                for &o in mine.iter().filter(|&&o| o != m) {
                    if rng.per_mille(850) {
                        links.push(self.profile_link(o, rng));
                    }
                }
                if links.is_empty() {
                    let o = *mine.iter().find(|&&o| o != m).expect("two accounts");
                    links.push(self.profile_link(o, rng));
                }
            }
            if let Some(blog) = &blog {
                links.push(blog.clone());
            }
            self.accounts[m as usize].links = links;
        }
        if let Some(x) = x {
            let mut url = None;
            // The one website X allows; it must carry the evidence when Mastodon can't.
            if linked && (m.is_none() || rng.per_mille(600)) {
                let to = m.or(b).expect("two accounts");
                url = Some(self.profile_link(to, rng));
            } else if blog.is_some() && rng.per_mille(700) {
                url = blog;
            }
            self.accounts[x as usize].url = url;
        }
    }

    /// How people write a link to their account `a`: the profile page as the network shows it.
    fn profile_link(&self, a: u32, rng: &mut Stream) -> String {
        let a = &self.accounts[a as usize];
        match a.net {
            Network::Mastodon => {
                format!("https://{}/@{}", a.instance.unwrap_or_default(), a.name)
            }
            Network::Bluesky if !a.handle.ends_with(".bsky.social") && rng.per_mille(600) => {
                format!("https://{}", a.handle)
            }
            Network::Bluesky => format!("https://bsky.app/profile/{}", a.handle),
            Network::X if rng.per_mille(500) => format!("https://x.com/{}", a.handle),
            Network::X => format!("https://twitter.com/{}", a.handle),
        }
    }

    /// 3 to 10 friends per true person, drawn by reach, so that one person's neighbourhoods on two
    /// networks overlap (the structure network-alignment linkers use). Decoys have none.
    fn add_friends(&mut self, rng: &mut Stream) {
        let n = self.true_persons;
        if n < 2 {
            return;
        }
        let cum = cumulative(self.people[..n].iter().map(|p| p.reach));
        for i in 0..n {
            let k = rng.between(3, 10).min(n as u64 - 1);
            let mut friends = Vec::with_capacity(k as usize);
            for _ in 0..k * 4 {
                if friends.len() as u64 == k {
                    break;
                }
                let f = pick_weighted(&cum, rng) as u32;
                if f as usize != i && !friends.contains(&f) {
                    friends.push(f);
                }
            }
            self.people[i].friends = friends;
        }
    }

    fn account_event(&self, a: &Acct) -> Event {
        Event::Account(Account {
            platform: a.net.label().to_string(),
            ext_id: a.ext_id.clone(),
            handle: Some(a.handle.clone()),
            display_name: a.display_name.clone(),
            profile: Profile {
                followers: Some(a.followers),
                following: Some(a.following),
                post_count: Some(a.post_count),
                default_avatar: Some(a.default_avatar),
                verified: Some(a.verified),
                created_at: Some(a.created_at),
                bio: a.bio.clone(),
                url: a.url.clone(),
                links: (!a.links.is_empty()).then(|| a.links.clone()),
                ..Profile::default()
            },
        })
    }

    fn truth(&self) -> Vec<TruthRow> {
        let mut rows = Vec::with_capacity(self.accounts.len());
        for (p, accts) in self.by_person.iter().enumerate() {
            for &a in accts {
                let a = &self.accounts[a as usize];
                rows.push(TruthRow {
                    person: self.people[p].id.clone(),
                    platform: a.net.label(),
                    ext_id: a.ext_id.clone(),
                });
            }
        }
        rows
    }

    /// Counts known before any activity.
    fn summary(&self) -> PersonsSummary {
        let mut s = PersonsSummary {
            persons: self.true_persons as u64,
            decoys: (self.people.len() - self.true_persons) as u64,
            ..PersonsSummary::default()
        };
        for a in &self.accounts {
            s.accounts[a.net.index()] += 1;
        }
        let links_to_own = |p: usize| {
            let own: Vec<&Acct> = self.by_person[p]
                .iter()
                .map(|&a| &self.accounts[a as usize])
                .collect();
            own.iter().any(|a| {
                a.links.iter().chain(a.url.as_ref()).any(|l| {
                    own.iter()
                        .any(|o| o.ext_id != a.ext_id && names_account(l, o))
                })
            })
        };
        s.persons_with_links = (0..self.true_persons).filter(|&p| links_to_own(p)).count() as u64;
        let mut names = std::collections::HashMap::new();
        for p in &self.people[..self.true_persons] {
            *names.entry((p.first, p.last)).or_insert(0u64) += 1;
        }
        s.name_collisions = names.values().filter(|&&c| c > 1).sum();
        for (i, p) in self.people.iter().enumerate().skip(self.true_persons) {
            let Some(t) = p.look_alike else { continue };
            let clash = self.by_person[i].iter().any(|&d| {
                self.by_person[t as usize].iter().any(|&a| {
                    self.accounts[a as usize].stem_key == self.accounts[d as usize].stem_key
                })
            });
            s.handle_clashes += u64::from(clash);
        }
        s
    }
}

/// Whether `link` names account `a` (its profile page on its network, or its custom domain).
fn names_account(link: &str, a: &Acct) -> bool {
    profile_urls(&a.net, &a.handle, a.instance, &a.name)
        .iter()
        .any(|u| u.eq_ignore_ascii_case(link.trim_end_matches('/')))
}

/// Every URL that names an account: what a link must match to be evidence for it.
pub(crate) fn profile_urls(
    net: &Network,
    handle: &str,
    instance: Option<&str>,
    name: &str,
) -> Vec<String> {
    match net {
        Network::Mastodon => {
            let inst = instance.unwrap_or_default();
            vec![
                format!("https://{inst}/@{name}"),
                format!("https://{inst}/users/{name}"),
            ]
        }
        Network::Bluesky => {
            let mut v = vec![format!("https://bsky.app/profile/{handle}")];
            if !handle.ends_with(".bsky.social") {
                v.push(format!("https://{handle}"));
            }
            v
        }
        Network::X => vec![
            format!("https://x.com/{handle}"),
            format!("https://twitter.com/{handle}"),
        ],
    }
}

/// A new person with names, interests, a bio style, a usual handle stem and maybe a blog.
fn new_person(id: String, rng: &mut Stream, taken: &mut Taken) -> Person {
    let mut interests: Vec<&'static str> = Vec::with_capacity(5);
    let k = rng.between(4, 5) as usize;
    while interests.len() < k {
        let w = *rng.pick(INTERESTS);
        if !interests.contains(&w) {
            interests.push(w);
        }
    }
    let mut p = Person {
        id,
        first: rng.pick::<&str>(FIRST_NAMES),
        last: rng.pick::<&str>(LAST_NAMES),
        digits: rng.between(10, 99) as u32,
        title: rng.per_mille(80),
        emoji: rng.pick::<&str>(EMOJI),
        role: rng.pick::<&str>(ROLES),
        city: rng.pick::<&str>(CITIES),
        pronouns: rng.per_mille(350).then(|| *rng.pick(PRONOUNS)),
        interests,
        style: rng.below(4),
        stem: String::new(),
        domain: None,
        blog: None,
        decoy: false,
        look_alike: None,
        friends: Vec::new(),
        reach: (1.0 * rng.gauss()).exp(),
    };
    const STEM_WEIGHTS: [u64; 8] = [35, 15, 15, 10, 10, 5, 5, 5];
    let stems = name_stems(&p);
    let mut roll = rng.below(100);
    let mut choice = 0;
    for (i, w) in STEM_WEIGHTS.iter().enumerate() {
        if roll < *w {
            choice = i;
            break;
        }
        roll -= w;
    }
    p.stem = stems[choice].clone();
    if rng.per_mille(150) {
        p.blog = Some(personal_domain(&p, rng, taken));
    }
    p
}

/// The handle stems a person could plausibly use, most usual first: `alicewong`, `alice_wong`,
/// `awong`, `alicew`, `alice88`, `wongalice`, `alice`, `alice_wong88`.
fn name_stems(p: &Person) -> [String; 8] {
    let (f, l, d) = (p.first, p.last, p.digits);
    let fi = &f[..1];
    let li = &l[..1];
    [
        format!("{f}{l}"),
        format!("{f}_{l}"),
        format!("{fi}{l}"),
        format!("{f}{li}"),
        format!("{f}{d}"),
        format!("{l}{f}"),
        f.to_string(),
        format!("{f}_{l}{d}"),
    ]
}

/// The stem of one account's handle: usually the person's own, often a variant of their name (an
/// underscore, digits or an initial added or dropped), now and then something unrelated.
fn account_stem(p: &Person, rng: &mut Stream) -> String {
    let roll = rng.below(1000);
    if roll < SAME_STEM_PER_MILLE {
        return p.stem.clone();
    }
    if roll < SAME_STEM_PER_MILLE + VARIANT_STEM_PER_MILLE {
        let stems = name_stems(p);
        for _ in 0..8 {
            let s = rng.pick(&stems);
            if *s != p.stem {
                return s.clone();
            }
        }
        return format!("{}{}", p.stem, p.digits);
    }
    format!("{}{}", rng.pick(HANDLE_WORDS), rng.pick(HANDLE_WORDS))
}

/// The stem a decoy copies from account `a`: its handle's local part, without the digits a taken
/// handle got, so the decoy's handle looks like the same name rather than the same account.
fn handle_stem_of(a: &Acct) -> String {
    let local = match a.net {
        Network::Mastodon => a.name.as_str(),
        Network::Bluesky => a.handle.split('.').next().unwrap_or(&a.handle),
        Network::X => a.handle.as_str(),
    };
    let s = local.to_ascii_lowercase().replace('-', "_");
    let t = s.trim_end_matches(|c: char| c.is_ascii_digit());
    if t.is_empty() {
        s
    } else {
        t.to_string()
    }
}

/// Lower case without `_`, `-` and digits: two handles with the same key share a stem.
fn stem_key(stem: &str) -> String {
    stem.chars()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `alice_wong` → `Alice_Wong`, `alicewong` → `Alicewong`: X users capitalise, the network ignores it.
fn camel_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut up = true;
    for c in s.chars() {
        out.push(if up { c.to_ascii_uppercase() } else { c });
        up = c == '_';
    }
    out
}

/// `base` cut to `max` characters, or with digits appended when taken, as people do when their name
/// is gone; `key` names the handle in `taken`.
fn claim_handle(
    base: &str,
    max: usize,
    key: impl Fn(&str) -> String,
    rng: &mut Stream,
    taken: &mut Taken,
) -> String {
    let base: String = base.chars().take(max).collect();
    if taken.claim(key(&base)) {
        return base;
    }
    for attempt in 0.. {
        let n = if attempt < 20 {
            rng.between(1, 99)
        } else {
            rng.between(100, 99_999)
        };
        let digits = n.to_string();
        let head: String = base.chars().take(max - digits.len()).collect();
        let h = format!("{head}{digits}");
        if taken.claim(key(&h)) {
            return h;
        }
    }
    unreachable!("the loop returns")
}

/// A domain the person owns (`alicewong.dev`, `alice.example`, `wongalice.net`), unique among all domains
/// so a blog domain is never someone's Bluesky handle.
fn personal_domain(p: &Person, rng: &mut Stream, taken: &mut Taken) -> String {
    let (f, l) = (p.first, p.last);
    let label = match rng.below(4) {
        0 | 1 => format!("{f}{l}"),
        2 => f.to_string(),
        _ => format!("{f}-{l}"),
    };
    for attempt in 0.. {
        let tld = rng.pick(TLDS);
        let d = if attempt < 4 {
            format!("{label}.{tld}")
        } else {
            format!("{label}{}.{tld}", rng.between(1, 9999))
        };
        if taken.claim(format!("d:{d}")) {
            return d;
        }
    }
    unreachable!("the loop returns")
}

/// `did:plc:` and 24 characters of base32 (`a-z`, `2-7`), as Bluesky's PLC directory issues them.
fn did_plc(rng: &mut Stream, taken: &mut Taken) -> String {
    const B32: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    loop {
        let mut s = String::from("did:plc:");
        for _ in 0..24 {
            s.push(B32[rng.below(32) as usize] as char);
        }
        if taken.claim(s.clone()) {
            return s;
        }
    }
}

/// A numeric X id: 8 to 10 digits for old accounts, 19-digit snowflakes for newer ones.
fn x_id(rng: &mut Stream, taken: &mut Taken) -> String {
    loop {
        let id = if rng.per_mille(400) {
            rng.between(10_000_000, 4_000_000_000)
        } else {
            rng.between(1_000_000_000_000_000_000, 1_800_000_000_000_000_000)
        };
        let s = id.to_string();
        if taken.claim(format!("xid:{s}")) {
            return s;
        }
    }
}

/// Put `items` in a uniformly random order (Fisher-Yates).
pub(crate) fn shuffle<T>(items: &mut [T], rng: &mut Stream) {
    for i in (1..items.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

/// The networks one person is on: one (15%), two (45%) or three (40%) of the chosen ones.
fn pick_networks(networks: &[Network], rng: &mut Stream) -> Vec<Network> {
    let k = networks.len();
    let size = match (k, rng.below(100)) {
        (1, _) => 1,
        (_, 0..=14) => 1,
        (2, _) => 2,
        (_, 15..=59) => 2,
        _ => 3,
    }
    .min(k);
    let mut pool = networks.to_vec();
    // Partial Fisher-Yates: the first `size` are a uniform subset.
    for i in 0..size {
        let j = i + rng.below((k - i) as u64) as usize;
        pool.swap(i, j);
    }
    pool.truncate(size);
    pool.sort_unstable();
    pool
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One account's display name: "Alice Wong", "Alice W.", "alice 🌿", "Dr. Alice Wong", … or none (8%).
fn display_name(p: &Person, rng: &mut Stream) -> Option<String> {
    if rng.per_mille(80) {
        return None;
    }
    let (f, l) = (capitalise(p.first), capitalise(p.last));
    if p.title && rng.per_mille(700) {
        return Some(format!("Dr. {f} {l}"));
    }
    Some(match rng.below(100) {
        0..=44 => format!("{f} {l}"),
        45..=56 => format!("{f} {}.", &l[..1]),
        57..=68 => format!("{} {}", p.first, p.emoji),
        69..=80 => format!("{f} {l} {}", p.emoji),
        81..=87 => format!("{} {}", p.first, p.last),
        88..=93 => f,
        _ => format!("{} {l}", &f[..1]),
    })
}

/// `a`, `a and b`, `a, b and c`.
fn join_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// One account's bio: two to four of the person's interests in a shuffled order, in the person's usual
/// phrasing (60%) or another, with pronouns and the network's own filler now and then; none (10%).
fn bio(p: &Person, net: Network, rng: &mut Stream) -> Option<String> {
    if rng.per_mille(100) {
        return None;
    }
    let mut pool = p.interests.clone();
    let k = (rng.between(2, 4) as usize).min(pool.len());
    for i in 0..k {
        let j = i + rng.below((pool.len() - i) as u64) as usize;
        pool.swap(i, j);
    }
    let picked = &pool[..k];
    let style = if rng.per_mille(600) {
        p.style
    } else {
        rng.below(4)
    };
    let mut s = match style {
        0 => format!(
            "{} in {}. Into {}.",
            capitalise(p.role),
            p.city,
            join_list(picked)
        ),
        1 => format!("{} | {} | {}", picked.join(" \u{B7} "), p.role, p.city),
        2 => format!(
            "{} who loves {}. {} based.",
            capitalise(p.role),
            join_list(picked),
            p.city
        ),
        _ => format!(
            "I post about {}. {}.",
            join_list(picked),
            capitalise(p.role)
        ),
    };
    if let Some(pr) = p.pronouns {
        if rng.per_mille(800) {
            s = format!("{pr} \u{B7} {s}");
        }
    }
    if rng.per_mille(500) {
        let filler = match net {
            Network::Mastodon => MASTODON_FILLER,
            Network::Bluesky => BLUESKY_FILLER,
            Network::X => X_FILLER,
        };
        // After a sentence a space; after a bare city, a separator.
        s.push_str(if s.ends_with('.') { " " } else { " | " });
        s.push_str(rng.pick::<&str>(filler));
    }
    Some(s)
}

/// Running totals of `weights`, for [`pick_weighted`].
fn cumulative(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    weights
        .map(|w| {
            acc += w;
            acc
        })
        .collect()
}

/// An index drawn with probability proportional to its weight.
fn pick_weighted(cum: &[f64], rng: &mut Stream) -> usize {
    let total = *cum.last().expect("non-empty");
    let x = rng.f64() * total;
    cum.partition_point(|&c| c <= x).min(cum.len() - 1)
}

#[cfg(test)]
mod tests;
