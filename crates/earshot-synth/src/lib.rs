//! Reproducible synthetic interaction streams in earshot's JSONL format (`docs/jsonl.md`).
//!
//! earshot must be tested and benchmarked at the scale of a whole network, and real networks can't be shipped
//! or regenerated on demand. This crate writes a stream that *looks* like one: `2^scale` accounts and
//! `edge_factor * 2^scale` interactions whose endpoints come from the Graph500 R-MAT (Kronecker) generator, so
//! degrees are heavily skewed the way social graphs are, with timestamps that follow a daily cycle, a realistic
//! mix of interaction kinds, and the posts those interactions need.
//!
//! ```
//! use earshot_synth::{generate, SynthConfig};
//!
//! let cfg = SynthConfig::new(8, 4, 42); // 256 accounts, 1024 interactions
//! let mut out = Vec::new();
//! let summary = generate(&cfg, &mut out).unwrap();
//! assert_eq!(summary.accounts, 256);
//! assert_eq!(summary.interactions, 1024);
//! for line in String::from_utf8(out).unwrap().lines() {
//!     let _event: earshot_model::Event = serde_json::from_str(line).unwrap();
//! }
//! ```
//!
//! # What the stream contains, in order
//! 1. One `account` event per account (ext ids `"0"` .. `"N-1"`, handles `synth_000123`), none with a time.
//! 2. `post` and `interaction` events interleaved in nondecreasing `time` order, every time in
//!    `[start, start + days * 86400)`.
//!
//! # Everything is labelled synthetic
//! Generated data must never be mistaken for observations. Every event carries the configured platform
//! (`"synthetic"` by default), every bio starts with `[synthetic]`, every display name with `Synthetic`, and
//! post and interaction ids start with `s{seed}:`. About 2% of accounts are bot-like (default avatar, digits
//! in the handle, following far more accounts than follow them) with profile `label` `"bot"`, the rest
//! `"human"`: ground truth for authenticity tests, never an input to scoring.
//!
//! Account ext ids are plain numbers (`"0"` .. `"N-1"`) whatever the seed, so two streams imported under the
//! same platform share their accounts (the later import's profile fields win); give each stream its own
//! platform (`synthetic-2`) to keep them apart. Post ids and interaction keys include the seed and never clash.
//!
//! # Model
//! * **Endpoints**: R-MAT with the Graph500 parameters a=0.57, b=0.19, c=0.19, d=0.05 picks (actor, target)
//!   as a (row, column) cell of the adjacency matrix, one quadrant per bit, each level's initiator perturbed
//!   by its own seeded noise (noisy R-MAT, [`SynthConfig::level_noise_per_mille`]) so that degrees spread
//!   smoothly instead of in a staircase; both ids then go through the Graph500 `scramble` bijection so the
//!   hubs are spread over the id space rather than sitting at 0, 1, 2.
//!   Self-interactions are redrawn. An `unfollow` undoes the actor's most recent `follow` when there is one.
//! * **Kinds**: drawn independently per interaction from [`KIND_MIX`].
//! * **Time**: interactions are the order statistics of `M` draws from a density with a daily cycle (peak at
//!   20:00 UTC, four times the 08:00 trough), generated in increasing order one at a time, so the span is
//!   exactly `days` and nothing is buffered.
//! * **Posts**: replies, quotes and mentions are made *through* a new post by the actor (reply and quote posts
//!   point at the target's post; mention posts contain `@handle`). Replies, quotes, reshares and likes are *about*
//!   one of the target's recent posts; when the target has none yet (or 10% of the time, so busy accounts keep
//!   posting) a new original post by the target is written first, dated up to two hours before the reaction.
//!   The interaction's `post` field names the target's post it reacts to, or for a mention the actor's post
//!   that contains the mention. About 10% of replies are trivial ("thanks :)"), 30% are questions ending in `?`.
//! * **Profiles**: followers and post counts scale with the account's expected R-MAT degree (known in closed
//!   form, so no second pass is needed), with log-normal noise.
//!
//! # Memory and speed
//! Nothing grows with the number of events: state is about 30 bytes per account (three recent post ids, the
//! last follow, a bot flag) plus a look-ahead of at most [`LOOKAHEAD_EVENTS`] interactions of 48 bytes, so
//! scale 20 runs in ~36 MB. Lines are formatted by hand into a 64 KiB buffer. Measured (Nov 2026, the 2-core
//! dev machine, `cargo run --release -p earshot-synth --example synth -- 20 16 1`): scale 20, edge factor 16
//! (1M accounts, 16.8M interactions, 6.6M posts, 4.4 GB) in 6.3 s of CPU, ~2.6M interactions/s or 3.9M
//! lines/s; writing to a file it is disk-bound (~190 MB/s here).
//!
//! # People across networks
//! [`generate_persons`] writes a different kind of stream: synthetic people holding accounts on Mastodon,
//! Bluesky and X, with look-alike decoys and the ground truth of who is who, for evaluating identity
//! linking (see the `persons` module and [`PersonsConfig`]).
//!
//! # Reproducibility
//! The same [`SynthConfig`] always produces byte-identical output, on every machine: the random streams are
//! seeded `xoshiro256++` and every conversion from random bits to values is written out here, not delegated
//! to a library whose algorithms might change between versions.

mod accounts;
mod clock;
mod engine;
mod jsonl;
mod persons;
mod random;
mod rmat;
mod text;

pub use persons::{
    generate_persons, write_truth_csv, Network, PersonsConfig, PersonsOutput, PersonsSummary,
    TruthRow, UnknownNetwork,
};

use earshot_model::{check_platform, BadPlatform, InteractionKind, Timestamp};

/// Share of each interaction kind, in per-mille (sums to 1000). Roughly what large networks show: likes
/// dominate, reshares next, conversation (replies, mentions, quotes) a quarter, follow churn a tenth.
pub const KIND_MIX: [(InteractionKind, u32); 7] = [
    (InteractionKind::Like, 400),
    (InteractionKind::Reshare, 220),
    (InteractionKind::Reply, 120),
    (InteractionKind::Mention, 120),
    (InteractionKind::Quote, 50),
    (InteractionKind::Follow, 80),
    (InteractionKind::Unfollow, 10),
];

/// Share of accounts that are bot-like, in per-mille.
pub const BOT_PER_MILLE: u32 = 20;

/// Most interactions held back at once so that on-demand original posts can be dated before the reaction.
pub const LOOKAHEAD_EVENTS: usize = 1 << 16;

/// Largest supported scale: account numbers are `u32` and `u32::MAX` is a sentinel.
pub const MAX_SCALE: u32 = 31;

/// What to generate. Construct with [`SynthConfig::new`] and adjust the public fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthConfig {
    /// `2^scale` accounts (1..=[`MAX_SCALE`]). Graph500 calls this SCALE.
    pub scale: u32,
    /// Interactions per account: `edge_factor * 2^scale` interactions in all. Graph500 uses 16.
    pub edge_factor: u32,
    /// Seeds every random choice; also part of every post and interaction id (`s{seed}:...`).
    pub seed: u64,
    /// First second of the period (UTC unix seconds).
    pub start: Timestamp,
    /// Length of the period in days (at least 1).
    pub days: u32,
    /// Platform label of every event; must pass [`earshot_model::check_platform`].
    pub platform: String,
    /// Noise on the R-MAT initiator at each level, in thousandths (0..=190): 0 is Graph500's generator, whose
    /// degrees come in a staircase of classes; the default 100 is the noisy R-MAT of Seshadhri, Pinar and Kolda
    /// (2013), whose degrees spread smoothly (see the `rmat` module).
    pub level_noise_per_mille: u32,
}

impl SynthConfig {
    /// 2024-01-01T00:00:00Z: the default start of the period.
    pub const DEFAULT_START: Timestamp = 1_704_067_200;
    /// Default period length: 30 days.
    pub const DEFAULT_DAYS: u32 = 30;
    /// Default platform label.
    pub const DEFAULT_PLATFORM: &'static str = "synthetic";
    /// Default noise per level: 0.1, as Seshadhri, Pinar and Kolda recommend.
    pub const DEFAULT_LEVEL_NOISE_PER_MILLE: u32 = 100;

    /// `scale`, `edge_factor` and `seed` as given; 30 days from 2024-01-01 on platform `synthetic`.
    pub fn new(scale: u32, edge_factor: u32, seed: u64) -> Self {
        SynthConfig {
            scale,
            edge_factor,
            seed,
            start: Self::DEFAULT_START,
            days: Self::DEFAULT_DAYS,
            platform: Self::DEFAULT_PLATFORM.to_string(),
            level_noise_per_mille: Self::DEFAULT_LEVEL_NOISE_PER_MILLE,
        }
    }

    /// The R-MAT generator this configuration draws from.
    pub(crate) fn rmat(&self) -> rmat::Rmat {
        rmat::Rmat::new(
            self.scale,
            f64::from(self.level_noise_per_mille) / 1000.0,
            &mut random::Stream::new(self.seed, random::Purpose::Scramble),
            &mut random::Stream::new(self.seed, random::Purpose::LevelNoise),
        )
    }

    /// Number of accounts, `2^scale`.
    pub fn accounts(&self) -> u64 {
        1u64 << self.scale.min(63)
    }

    /// Number of interactions, `edge_factor * 2^scale`.
    pub fn interactions(&self) -> u64 {
        self.accounts().saturating_mul(u64::from(self.edge_factor))
    }

    /// Check the configuration without generating anything.
    pub fn validate(&self) -> Result<(), SynthError> {
        if self.scale == 0 || self.scale > MAX_SCALE {
            return Err(SynthError::Scale(self.scale));
        }
        if self.edge_factor == 0 {
            return Err(SynthError::EdgeFactor);
        }
        if self.days == 0 {
            return Err(SynthError::Days);
        }
        let end = i64::from(self.days)
            .checked_mul(86_400)
            .and_then(|d| self.start.checked_add(d));
        if end.is_none() {
            return Err(SynthError::Start(self.start));
        }
        if f64::from(self.level_noise_per_mille) / 1000.0 > rmat::MAX_NOISE {
            return Err(SynthError::LevelNoise(self.level_noise_per_mille));
        }
        check_platform(&self.platform)?;
        Ok(())
    }
}

impl Default for SynthConfig {
    /// Scale 10, edge factor 16, seed 1: 1,024 accounts and 16,384 interactions.
    fn default() -> Self {
        SynthConfig::new(10, 16, 1)
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SynthSummary {
    pub accounts: u64,
    /// Accounts labelled `"bot"`.
    pub bots: u64,
    pub posts: u64,
    pub interactions: u64,
    /// Interactions per kind, indexed by position in [`InteractionKind::ALL`].
    pub by_kind: [u64; 7],
    /// Bytes written.
    pub bytes: u64,
    /// Earliest and latest post or interaction time (`None` when nothing timed was written).
    pub first_time: Option<Timestamp>,
    pub last_time: Option<Timestamp>,
}

impl SynthSummary {
    /// Every line written: accounts, posts and interactions.
    pub fn events(&self) -> u64 {
        self.accounts + self.posts + self.interactions
    }

    /// Interactions of one kind.
    pub fn count(&self, kind: InteractionKind) -> u64 {
        self.by_kind[kind_index(kind)]
    }
}

pub(crate) fn kind_index(kind: InteractionKind) -> usize {
    InteractionKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(0)
}

/// Why generation could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("scale {0} is out of range: it must be 1 to {MAX_SCALE}")]
    Scale(u32),
    #[error("edge factor must be at least 1")]
    EdgeFactor,
    #[error("level noise {0}/1000 is out of range: it must be 0 to 190")]
    LevelNoise(u32),
    #[error("the period must be at least one day long")]
    Days,
    #[error("a period starting at {0} ends past the largest representable time")]
    Start(Timestamp),
    #[error(transparent)]
    Platform(#[from] BadPlatform),
    #[error("{0} persons is out of range: there must be 1 to {max}", max = PersonsConfig::MAX_PERSONS)]
    Persons(u32),
    #[error("name at least one platform: mastodon, bluesky or x")]
    NoNetworks,
    #[error("writing the synthetic stream failed: {0}")]
    Io(#[from] std::io::Error),
}

/// The `(actor, target)` account numbers of the interactions [`generate`] writes for `cfg`, in the same
/// order (the R-MAT draw alone, without kinds, times or text), for kernels and benchmarks that need the
/// graph but not the stream. Unfollows in the stream may point elsewhere (at the account last followed).
pub fn rmat_pairs(cfg: &SynthConfig) -> Result<impl Iterator<Item = (u32, u32)>, SynthError> {
    cfg.validate()?;
    let rmat = cfg.rmat();
    let mut edge_rng = random::Stream::new(cfg.seed, random::Purpose::Edges);
    Ok((0..cfg.interactions()).map(move |_| loop {
        let (row, col) = rmat.raw_edge(&mut edge_rng);
        if row != col {
            break (rmat.scramble(row) as u32, rmat.scramble(col) as u32);
        }
    }))
}

/// Write the stream for `cfg` to `out` as JSON lines. Output is buffered here: pass the file or pipe itself.
pub fn generate<W: std::io::Write>(cfg: &SynthConfig, out: W) -> Result<SynthSummary, SynthError> {
    generate_with_progress(cfg, out, |_, _| {})
}

/// [`generate`], calling `progress(interactions_written, interactions_total)` every 65,536 interactions and
/// once at the end, so a CLI can drive a progress bar without this crate knowing about terminals.
pub fn generate_with_progress<W, P>(
    cfg: &SynthConfig,
    out: W,
    progress: P,
) -> Result<SynthSummary, SynthError>
where
    W: std::io::Write,
    P: FnMut(u64, u64),
{
    cfg.validate()?;
    engine::run(cfg, out, progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_mix_sums_to_one() {
        assert_eq!(KIND_MIX.iter().map(|(_, p)| p).sum::<u32>(), 1000);
        for k in InteractionKind::ALL {
            assert!(
                KIND_MIX.iter().any(|(m, _)| *m == k),
                "{k} missing from the mix"
            );
        }
    }

    #[test]
    fn bad_configs_are_refused() {
        let ok = SynthConfig::default();
        assert!(ok.validate().is_ok());
        assert!(matches!(
            SynthConfig {
                scale: 0,
                ..ok.clone()
            }
            .validate(),
            Err(SynthError::Scale(0))
        ));
        assert!(matches!(
            SynthConfig {
                scale: 32,
                ..ok.clone()
            }
            .validate(),
            Err(SynthError::Scale(32))
        ));
        assert!(matches!(
            SynthConfig {
                edge_factor: 0,
                ..ok.clone()
            }
            .validate(),
            Err(SynthError::EdgeFactor)
        ));
        assert!(matches!(
            SynthConfig {
                level_noise_per_mille: 191,
                ..ok.clone()
            }
            .validate(),
            Err(SynthError::LevelNoise(191))
        ));
        assert!(matches!(
            SynthConfig {
                days: 0,
                ..ok.clone()
            }
            .validate(),
            Err(SynthError::Days)
        ));
        assert!(matches!(
            SynthConfig {
                start: i64::MAX - 10,
                ..ok.clone()
            }
            .validate(),
            Err(SynthError::Start(_))
        ));
        assert!(matches!(
            SynthConfig {
                platform: "Synthetic".into(),
                ..ok
            }
            .validate(),
            Err(SynthError::Platform(_))
        ));
    }
}
