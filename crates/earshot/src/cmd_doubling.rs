//! `earshot forecast --doubling` and `earshot forecast --post ID --at T`: will a cascade double (Cheng
//! et al. 2014), evaluated on the stored posts or forecast for one.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::print_json;
use crate::window::parse_instant;
use anyhow::Result;
use clap::Args;
use earshot_app::doubling::{
    evaluate_doubling, forecast_post_doubling, DoublingEvalRequest, PostDoublingRequest, Setting,
};
use earshot_app::error::UsageError;
use earshot_app::time::parse_given;
use std::io::stdout;

/// The flags of the doubling question, flattened into `forecast`'s.
#[derive(Args, Debug)]
pub struct DoublingArgs {
    /// Evaluate doubling prediction: fit on posts before --until, choose the setting on posts up to
    /// --score-until, test once on the posts after.
    #[arg(long, conflicts_with_all = ["calibrate", "post", "account"])]
    pub doubling: bool,
    /// Forecast whether this stored post (its id on its platform) doubles, as it stood at --at.
    #[arg(long, value_name = "ID", conflicts_with_all = ["calibrate", "account"])]
    pub post: Option<String>,
    /// With --post: what was seen before this instant (default: everything stored).
    #[arg(long, value_name = "T", requires = "post")]
    pub at: Option<String>,
    /// Early reshares seen before predicting whether a post reaches twice as many.
    #[arg(long, default_value_t = DoublingEvalRequest::DEFAULT_K)]
    pub k: usize,
}

impl DoublingArgs {
    pub fn wanted(&self) -> bool {
        self.doubling || self.post.is_some()
    }
}

/// Run `--doubling` (with its cuts) or `--post`.
pub fn run(
    cli: &Ctx,
    a: &DoublingArgs,
    until: &Option<String>,
    score_until: &Option<String>,
    platform: &Option<String>,
    seed: u64,
) -> Result<Exit> {
    let store = cli.open_store()?;
    if let Some(post) = &a.post {
        let req = PostDoublingRequest {
            post: post.clone(),
            platform: platform.clone(),
            at: parse_given("--at", &a.at)?,
            k: a.k,
            setting: Setting::DEFAULT,
        };
        let report = forecast_post_doubling(&store, &req)?;
        if cli.json {
            print_json(&report)?;
        } else {
            earshot_print::doubling::post(&mut stdout().lock(), &report)?;
        }
        return Ok(Exit::Ok);
    }
    let (Some(cut), Some(score_until)) = (
        parse_instant("--until", until)?,
        parse_instant("--score-until", score_until)?,
    ) else {
        return Err(UsageError(
            "--doubling needs --until (fit before it) and --score-until (validate before it, test after)"
                .into(),
        )
        .into());
    };
    let req = DoublingEvalRequest {
        platform: platform.clone(),
        k: a.k,
        cut,
        score_until,
        seed,
    };
    let report = evaluate_doubling(&store, &req)?;
    if cli.json {
        print_json(&report)?;
    } else {
        earshot_print::doubling::evaluation(&mut stdout().lock(), &report)?;
    }
    Ok(Exit::Ok)
}
