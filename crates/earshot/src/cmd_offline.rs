//! `earshot offline`: the offline sub-score, labelled and apart from the online score (the use cases
//! are `earshot_app::offline`); arguments and text here.

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::Result;
use clap::{Args, Subcommand};
use earshot_app::offline::{self, OfflineScore, HALF_LIFE_DAYS};
use std::io::Write;

/// Offline influence: standing off the networks (publications, citations, talks, press, page views),
/// from evidence you import (`earshot import --format offline FILE.csv`).
///
/// The offline sub-score (1-100) is its own measure, shown beside the online score and mixed into it
/// only by a score run that asks (`earshot score --with-offline W`). Each source's evidence is summed
/// (halved for every year of age), placed among everyone else's evidence of that source as a
/// percentile, and every source in the database is worth the same share of the points: standing is
/// earned against the others, with no made-up exchange rate between talks and citations. An account that belongs to a person (`earshot identity`) counts for its person.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot import --format offline evidence.csv      person|account,platform,source,amount,date,link
  earshot offline top                               everyone with offline evidence, best first
  earshot offline show ann                          one person's or account's sources and points")]
pub struct OfflineArgs {
    #[command(subcommand)]
    pub action: OfflineAction,
}

#[derive(Subcommand, Debug)]
pub enum OfflineAction {
    /// Everyone with offline evidence, best first.
    Top {
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// One person's (by name) or account's offline score, source by source, with the links.
    Show { who: String },
}

pub fn run(cli: &Ctx, args: &OfflineArgs) -> Result<Exit> {
    let store = cli.open_store()?;
    let now = earshot_app::time::now();
    let out = &mut std::io::stdout().lock();
    match &args.action {
        OfflineAction::Top { limit } => {
            let mut all = offline::offline_scores(&store, now)?;
            all.truncate(*limit);
            if cli.json {
                writeln!(out, "{}", serde_json::to_string(&all)?)?;
            } else if all.is_empty() {
                writeln!(
                    out,
                    "no offline evidence: import some with `earshot import --format offline FILE.csv`"
                )?;
            } else {
                writeln!(out, "{:>5}  {:<40} sources", "score", "who")?;
                for s in &all {
                    let have: Vec<&str> = s
                        .sources
                        .iter()
                        .filter(|p| p.rows > 0)
                        .map(|p| p.source.as_str())
                        .collect();
                    writeln!(out, "{:>5.1}  {:<40} {}", s.score, s.name, have.join(", "))?;
                }
            }
        }
        OfflineAction::Show { who } => {
            let s = offline::offline_of(&store, who, now)?;
            if cli.json {
                writeln!(out, "{}", serde_json::to_string(&s)?)?;
            } else {
                show(out, &s)?;
            }
        }
    }
    Ok(Exit::Ok)
}

fn show(out: &mut dyn Write, s: &OfflineScore) -> Result<()> {
    writeln!(
        out,
        "{}: offline score {:.1} (1 + each source's points; evidence halves every {HALF_LIFE_DAYS} days)",
        s.name, s.score
    )?;
    for p in &s.sources {
        if p.rows == 0 {
            writeln!(out, "  {:<18} no evidence          0.0 points", p.source)?;
            continue;
        }
        writeln!(
            out,
            "  {:<18} {} row(s), {} as given, {:.1} aged: percentile {:.0} among those with it: {:.1} points",
            p.source,
            p.rows,
            p.amount,
            p.value,
            100.0 * p.percentile,
            p.points
        )?;
        for l in &p.links {
            writeln!(out, "      {l}")?;
        }
    }
    Ok(())
}
