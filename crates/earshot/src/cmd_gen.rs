//! `earshot gen`: write a synthetic (R-MAT) interaction stream in earshot's JSONL format.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::progress::count_bar;
use anyhow::{Context, Result};
use clap::Args;
use earshot_synth::{generate_with_progress, SynthConfig};
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;

/// Generate a synthetic, Graph500-style R-MAT interaction stream (JSONL), for demos, benchmarks and tests.
///
/// 2^SCALE accounts and EDGE_FACTOR × 2^SCALE interactions with skewed degrees, a diurnal rhythm, a mix
/// of kinds, posts with short texts and a few bot-like accounts. Everything is labelled synthetic: the
/// platform is `synthetic` and every bio starts with `[synthetic]`. The same arguments give the same bytes.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  earshot gen --scale 12 --out synth.jsonl\n  earshot gen --scale 20 --edge-factor 16 --seed 7 --out big.jsonl.gz\n  earshot gen --scale 8 --out - | head"
)]
pub struct GenArgs {
    #[command(flatten)]
    pub synth: SynthArgs,
    /// Output file (`.gz` compresses; `-` is stdout). Written to a temporary name and renamed when complete.
    #[arg(long, short, default_value = "synthetic.jsonl")]
    pub out: PathBuf,
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
