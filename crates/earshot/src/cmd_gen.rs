//! `earshot gen`: write a synthetic (R-MAT) interaction stream in earshot's JSONL format, or with
//! `--platforms`, synthetic people across Mastodon, Bluesky and X with the truth of who is who.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::progress::count_bar;
use anyhow::{Context, Result};
use clap::Args;
use earshot_synth::{
    generate_persons, generate_with_progress, write_truth_csv, Network, PersonsConfig, SynthConfig,
};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Generate a synthetic, Graph500-style R-MAT interaction stream (JSONL), for demos, benchmarks and tests.
///
/// 2^SCALE accounts and EDGE_FACTOR × 2^SCALE interactions with skewed degrees, a diurnal rhythm, a mix
/// of kinds, posts with short texts and a few bot-like accounts. Everything is labelled synthetic: the
/// platform is `synthetic` and every bio starts with `[synthetic]`. The same arguments give the same bytes.
///
/// With `--platforms`, a different dataset, for testing identity linking (`earshot identity`): PERSONS
/// synthetic people, each with accounts on some of the named platforms, whose handles, names and bios vary
/// across their accounts as real people's do; about 30% say so in a profile link; and 35% as many decoys,
/// one-account look-alikes with a true person's handle stem, name or interests. Each account posts and
/// interacts on its own platform over --days days. `--truth` writes who is who.
#[derive(Args, Debug)]
#[command(after_help = GEN_EXAMPLES)]
pub struct GenArgs {
    #[command(flatten)]
    pub synth: SynthArgs,
    #[command(flatten)]
    pub people: PeopleArgs,
    /// Output file (`.gz` compresses; `-` is stdout). Written to a temporary name and renamed when complete.
    #[arg(long, short, default_value = "synthetic.jsonl")]
    pub out: PathBuf,
}

const GEN_EXAMPLES: &str = "\
Examples:
  earshot gen --scale 12 --out synth.jsonl
  earshot gen --scale 20 --edge-factor 16 --seed 7 --out big.jsonl.gz
  earshot gen --scale 8 --out - | head

People across platforms, for identity linking:
  earshot gen --platforms mastodon,bluesky,x --persons 1000 --seed 1 \\
      --out people.jsonl.gz --truth people-truth.csv
  earshot import people.jsonl.gz

The truth file is CSV with the header person,platform,ext_id and one row per account: person is
p000123 for a true person and d000045 for a decoy (a look-alike with one account), platform is
mastodon, bluesky or twitter, ext_id the account's id in the stream. Two rows with the same person
on different platforms are a true link; nothing else is.";

/// The multi-platform mode of `gen`: people across networks, for identity linking.
#[derive(Args, Debug, Clone, Default)]
pub struct PeopleArgs {
    /// Generate people across these platforms instead of an R-MAT stream: a comma-separated list of
    /// mastodon, bluesky and x (or twitter; X accounts get platform `twitter`, as earshot's X importers
    /// write it). Takes --persons, --seed, --days, --start, --out and --truth; not --scale, --edge-factor
    /// or --level-noise.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        value_parser = parse_network,
        conflicts_with_all = ["scale", "edge_factor", "level_noise"],
    )]
    pub platforms: Vec<Network>,
    /// True persons to generate (with --platforms); decoys come on top, 35% as many.
    #[arg(long, value_name = "N", requires = "platforms")]
    pub persons: Option<u32>,
    /// Also write the ground truth here (with --platforms): CSV `person,platform,ext_id`, a row for
    /// every account of every person, decoys included.
    #[arg(long, value_name = "FILE", requires = "platforms")]
    pub truth: Option<PathBuf>,
}

fn parse_network(s: &str) -> Result<Network, String> {
    Network::parse(s).map_err(|e| e.to_string())
}

/// The shape of a synthetic stream, shared by `gen` and `demo`.
#[derive(Args, Debug, Clone)]
pub struct SynthArgs {
    /// log2 of the number of accounts.
    #[arg(long, default_value_t = 12)]
    pub scale: u32,
    /// Interactions per account.
    #[arg(long, default_value_t = 16)]
    pub edge_factor: u32,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Length of the simulated period in days.
    #[arg(long, default_value_t = SynthConfig::DEFAULT_DAYS)]
    pub days: u32,
    /// Start of the period, UTC seconds (default 2024-01-01).
    #[arg(long, default_value_t = SynthConfig::DEFAULT_START)]
    pub start: i64,
    /// Noise on the R-MAT initiator at each level, in thousandths (0–190). The default, 100, spreads
    /// the degrees smoothly (noisy R-MAT, Seshadhri, Pinar and Kolda 2013); 0 is Graph500's generator,
    /// whose degrees come in a staircase of classes about 3 times apart.
    #[arg(long, value_name = "PER_MILLE", default_value_t = SynthConfig::DEFAULT_LEVEL_NOISE_PER_MILLE)]
    pub level_noise: u32,
}

impl SynthArgs {
    fn config(&self) -> Result<SynthConfig> {
        let mut cfg = SynthConfig::new(self.scale, self.edge_factor, self.seed);
        cfg.days = self.days;
        cfg.start = self.start;
        cfg.level_noise_per_mille = self.level_noise;
        cfg.validate()?;
        Ok(cfg)
    }
}

pub fn run(cli: &Ctx, args: &GenArgs) -> Result<Exit> {
    if !args.people.platforms.is_empty() {
        return run_people(cli, args);
    }
    let cfg = args.synth.config()?;
    if args.out.as_os_str() == "-" {
        let stdout = std::io::stdout();
        let summary = generate_with_progress(&cfg, stdout.lock(), |_, _| {})?;
        if !cli.quiet {
            eprintln!("wrote {} synthetic events", summary.events());
        }
        return Ok(Exit::Ok);
    }
    let tmp = args.out.with_extension("partial");
    let file = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let bar = count_bar(cfg.interactions(), "interactions", cli.quiet || cli.json);
    let gz = args.out.extension().is_some_and(|e| e == "gz");
    let progress = |done: u64, _total: u64| bar.set_position(done);
    let summary = if gz {
        let mut enc = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        let s = generate_with_progress(&cfg, &mut enc, progress)?;
        enc.finish()?.sync_all()?;
        s
    } else {
        let mut file = file;
        let s = generate_with_progress(&cfg, &mut file, progress)?;
        file.flush()?;
        file.sync_all()?;
        s
    };
    bar.finish_and_clear();
    std::fs::rename(&tmp, &args.out)
        .with_context(|| format!("renaming {} to {}", tmp.display(), args.out.display()))?;
    if cli.json {
        println!(
            "{}",
            serde_json::json!({
                "file": args.out.display().to_string(),
                "accounts": summary.accounts, "bots": summary.bots, "posts": summary.posts,
                "interactions": summary.interactions, "bytes": summary.bytes,
                "first_time": summary.first_time, "last_time": summary.last_time,
            })
        );
    } else if !cli.quiet {
        println!(
            "{}: {} synthetic accounts ({} bot-like), {} posts, {} interactions",
            args.out.display(),
            summary.accounts,
            summary.bots,
            summary.posts,
            summary.interactions
        );
    }
    Ok(Exit::Ok)
}

/// `gen --platforms`: the people, then their truth, each written to a temporary name and renamed.
fn run_people(cli: &Ctx, args: &GenArgs) -> Result<Exit> {
    let mut cfg = PersonsConfig::new(
        args.people
            .persons
            .unwrap_or(PersonsConfig::DEFAULT_PERSONS),
        args.synth.seed,
        &args.people.platforms,
    );
    cfg.days = args.synth.days;
    cfg.start = args.synth.start;
    cfg.validate()?;
    if args.people.truth.as_ref() == Some(&args.out) {
        anyhow::bail!("--truth and --out name the same file");
    }
    let output = if args.out.as_os_str() == "-" {
        let stdout = std::io::stdout();
        generate_persons(&cfg, stdout.lock())?
    } else {
        write_atomically(&args.out, |file| {
            if args.out.extension().is_some_and(|e| e == "gz") {
                let mut enc = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
                let o = generate_persons(&cfg, &mut enc)?;
                enc.finish()?.sync_all()?;
                Ok(o)
            } else {
                let o = generate_persons(&cfg, &mut *file)?;
                file.sync_all()?;
                Ok(o)
            }
        })?
    };
    if let Some(truth) = &args.people.truth {
        write_atomically(truth, |file| {
            write_truth_csv(&output.truth, &mut *file)?;
            file.sync_all()?;
            Ok(())
        })?;
    }
    let s = &output.summary;
    let per_platform: serde_json::Map<String, serde_json::Value> = Network::ALL
        .iter()
        .filter(|n| cfg.networks.contains(n))
        .map(|n| (n.label().to_string(), s.accounts[*n as usize].into()))
        .collect();
    if cli.json {
        println!(
            "{}",
            serde_json::json!({
                "file": args.out.display().to_string(),
                "truth": args.people.truth.as_ref().map(|t| t.display().to_string()),
                "persons": s.persons, "decoys": s.decoys, "accounts": per_platform,
                "posts": s.posts, "interactions": s.interactions, "events": s.events(),
                "persons_with_links": s.persons_with_links, "name_collisions": s.name_collisions,
                "handle_clashes": s.handle_clashes, "bytes": s.bytes,
                "first_time": s.first_time, "last_time": s.last_time,
            })
        );
    } else if !cli.quiet {
        let accounts: Vec<String> = per_platform
            .iter()
            .map(|(p, n)| format!("{n} {p}"))
            .collect();
        let line = format!(
            "{}: {} persons and {} decoys with {} accounts ({}), {} posts, {} interactions; {} persons \
             link their own accounts",
            args.out.display(),
            s.persons,
            s.decoys,
            s.total_accounts(),
            accounts.join(", "),
            s.posts,
            s.interactions,
            s.persons_with_links
        );
        // On stdout the stream itself is there; the summary goes to stderr.
        if args.out.as_os_str() == "-" {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
        if let Some(t) = &args.people.truth {
            eprintln!("truth: {} ({} accounts)", t.display(), output.truth.len());
        }
    }
    Ok(Exit::Ok)
}

/// Write `path` through `write` to a temporary name beside it, renamed over `path` once complete, so a
/// killed run never leaves a half-written file under the real name.
fn write_atomically<T>(path: &Path, write: impl FnOnce(&mut File) -> Result<T>) -> Result<T> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".partial");
    let tmp = PathBuf::from(tmp);
    let mut file = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let out = write(&mut file)?;
    drop(file);
    std::fs::rename(&tmp, path)
        .with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
    Ok(out)
}
