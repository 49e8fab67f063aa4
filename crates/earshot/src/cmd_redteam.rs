//! `earshot redteam`: attack the scores the way influence was gamed, and measure how far each attack
//! moves its target, beside a control of real reactions that should move it. The attacks and the
//! measuring are `earshot_app::redteam`'s, the text `earshot_print::redteam`'s; this is the command line.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::print_report;
use anyhow::Result;
use clap::Args;
use earshot_app::error::FieldStyle;
use earshot_app::redteam::{measure_attacks, RedteamRequest};

/// Inject the classic ways of gaming influence scores into the stored data (in memory: the database is
/// never written) and report how much each moves a target's overall score.
///
/// Targets are the scored accounts at the given percentiles of the overall score. Attacks: (a) fake accounts
/// with bought-follower profiles that each reshare or mention the target; (b) a pod of accounts that
/// react to each other and to the target many times, and (b2) the same pod also reacting to as many real
/// accounts as it has members, to hide among outsiders; (c) near-duplicate spam posts mentioning the
/// target, one per fresh account; (d) the control: the same number of reactions from real reactors in
/// the data, which should move the score.
#[derive(Args, Debug)]
#[command(after_help = "Example (Higgs, as in EVALUATION.md):
  earshot import --format higgs --platform higgs higgs-activity_time.txt.gz
  earshot redteam")]
pub struct RedteamArgs {
    #[arg(long)]
    pub platform: Option<String>,
    /// Fake accounts (a), spam posts (c) and control reactions (d) per attack.
    #[arg(long, default_value_t = 1000)]
    pub size: usize,
    /// Accounts in the pod (b).
    #[arg(long, default_value_t = 50)]
    pub pod: usize,
    /// Reactions from each pod member to each other member and to the target.
    #[arg(long, default_value_t = 20)]
    pub pod_repeats: usize,
    /// Target percentiles of the overall score, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "50,90,99")]
    pub targets: Vec<f64>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

impl RedteamArgs {
    /// The request these arguments make.
    pub fn request(&self) -> RedteamRequest {
        RedteamRequest {
            platform: self.platform.clone(),
            size: self.size,
            pod: self.pod,
            pod_repeats: self.pod_repeats,
            targets: self.targets.clone(),
            seed: self.seed,
            fields: FieldStyle::Flags,
        }
    }
}

pub fn run(cli: &Ctx, args: &RedteamArgs) -> Result<Exit> {
    let req = args.request();
    // A request that cannot be done is told so before the database is looked for.
    req.check()?;
    let store = cli.open_store()?;
    let report = measure_attacks(&store, &req, &|note| {
        if !cli.quiet && !cli.json {
            eprintln!("{note}");
        }
    })?;
    print_report(cli.json, &report, earshot_print::redteam::report)?;
    Ok(Exit::Ok)
}
