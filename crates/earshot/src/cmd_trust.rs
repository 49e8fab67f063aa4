//! `earshot trust`: the authenticity model — train it on labelled accounts, evaluate it beside the press
//! rule set, print it, explain one account's probability, and weigh every account — and the posts whose
//! reactions earn nothing. Only the arguments: the use cases are `earshot_app::trust`'s, the text
//! `earshot_print::trust`'s and `earshot_print::flags`'s.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::{note_unless, print_report};
use anyhow::Result;
use clap::{Args, Subcommand};
use earshot_app::error::FieldStyle;
use earshot_app::trust::{
    evaluate, evaluate_fixed, explain_account, flagged_posts, load_model, save_model, scan, train,
    EvalRequest, ExplainRequest, FlaggedPostsRequest, Labels, ModelKind, ScanRequest, TrainRequest,
};
use earshot_store::TimeWindow;
use std::path::PathBuf;

/// How likely accounts are automated or fake: a transparent model (boosted trees or a logistic
/// regression over named profile features, after Yang et al. 2020) whose every feature's push can be
/// printed. Outputs are probabilities with the model version, never verdicts. A feature the data does
/// not have contributes nothing.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot import --format profiles --platform kaggle --encoding latin1 bots_data.csv nonbots_data.csv
  earshot import --format profiles --platform honeypot --label bot \\
      --columns id,created_at,-,following,followers,post_count,username_length,bio_length content_polluters.txt.gz
  earshot trust eval                               per platform cross-validated, and each platform left out
  earshot trust eval --model builtin               the shipped model on your labelled accounts, as it is
  earshot trust train --out my-trust.json
  earshot trust explain @jk_rowling --model my-trust.json
  earshot trust scan                               every account's authenticity weight
  earshot trust posts --reason copies_thread_post  posts that copy another post of their thread")]
pub struct TrustArgs {
    #[command(subcommand)]
    pub command: TrustCommand,
}

#[derive(Subcommand, Debug)]
pub enum TrustCommand {
    Train(TrainArgs),
    Eval(EvalArgs),
    Show(ShowArgs),
    Explain(TrustExplainArgs),
    Scan(ScanArgs),
    Posts(PostsArgs),
}

/// Posts whose reactions earn nothing, newest first, each with its platform id, author, reasons and the
/// evidence: the copied post and how much of the post is new, the spam cues that fired, or the
/// campaign's size and other posts. Flags are computed over the posts of the window and platform, as
/// `earshot score` computes them.
#[derive(Args, Debug)]
#[command(
    after_help = "Reasons: commercial_spam, copies_parent, copy_campaign, copies_thread_post, repeats_own_post

Examples:
  earshot trust posts
  earshot trust posts --account @someone --platform twitter
  earshot --json trust posts --reason repeats_own_post --limit 0"
)]
pub struct PostsArgs {
    #[command(flatten)]
    pub window: crate::window::WindowArgs,
    /// Only posts by this account: @handle, handle or the platform's id.
    #[arg(long)]
    pub account: Option<String>,
    /// Only posts flagged for this reason.
    #[arg(long)]
    pub reason: Option<String>,
    /// At most this many posts (0: all of them).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Skip this many posts first.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
}

/// Authenticity of every account in the database: the profile model's probability where a profile
/// exists, the behaviour weights from the interactions (closed groups, rings, clockwork timing), and
/// the weight scoring will use, plus bursts of doubtful new reactors; prints a summary and the least
/// authentic accounts.
#[derive(Args, Debug)]
pub struct ScanArgs {
    #[arg(long)]
    pub platform: Option<String>,
    /// How many of the least authentic accounts to list.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
}

/// Which labelled accounts to learn from.
#[derive(Args, Debug, Clone)]
pub struct LabelArgs {
    /// Only accounts of these platforms (repeatable; default: every platform with labels).
    #[arg(long = "platform", value_name = "PLATFORM")]
    pub platforms: Vec<String>,
    /// The kind of model: shallow boosted trees (non-linear; the default) or a logistic regression
    /// (one weight per feature).
    #[arg(long, value_enum, default_value_t = Kind::Trees)]
    pub classifier: Kind,
    /// L2 penalty: on the standardised weights (logistic) or on leaf values (trees).
    #[arg(long, default_value_t = 1.0)]
    pub l2: f64,
    /// Boosting rounds (trees only).
    #[arg(long, default_value_t = 200)]
    pub rounds: u32,
    /// Tree depth (trees only).
    #[arg(long, default_value_t = 3)]
    pub depth: u32,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Trees,
    Logistic,
}

impl LabelArgs {
    fn labels(&self) -> Labels {
        Labels {
            platforms: self.platforms.clone(),
            classifier: match self.classifier {
                Kind::Trees => ModelKind::Trees,
                Kind::Logistic => ModelKind::Logistic,
            },
            l2: self.l2,
            rounds: self.rounds,
            depth: self.depth,
        }
    }
}

/// Fit the model on every labelled account in the database and write it as JSON. Labels `bot`, `fake`,
/// `spam`, `spammer`, `polluter`, `automated` are positive; `human`, `real`, `genuine`, `authentic`,
/// `legitimate` negative; others (and accounts two files labelled differently) are left out and counted.
/// Each platform and class weighs the same in training: import each dataset under its own platform.
#[derive(Args, Debug)]
pub struct TrainArgs {
    #[command(flatten)]
    pub labels: LabelArgs,
    /// Where to write the model.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Version string stored in the model and with every probability it gives.
    #[arg(long, default_value = "earshot-trust-custom", value_name = "VERSION")]
    pub model_version: String,
}

/// How well the model does on the labelled accounts, every figure with a 95% bootstrap interval.
/// Without --model: each platform cross-validated (both kinds of model) beside the press rule set, then
/// each platform left out of training and tested on, then each platform to each other one. With
/// --model: that fixed model scored as it is, no retraining.
#[derive(Args, Debug)]
pub struct EvalArgs {
    #[command(flatten)]
    pub labels: LabelArgs,
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Seed of the fold assignment and of the bootstrap.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Score a fixed model instead of training: `builtin` (the shipped model) or a model file.
    #[arg(long, value_name = "builtin|FILE")]
    pub model: Option<String>,
}

/// Print a model's features, coverage and weights.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// A model file (default: the built-in model).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

/// Why one account gets its probability: each feature's value and push in log-odds.
#[derive(Args, Debug)]
pub struct TrustExplainArgs {
    pub account: String,
    #[arg(long)]
    pub platform: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

impl TrainArgs {
    fn request(&self) -> TrainRequest {
        TrainRequest {
            labels: self.labels.labels(),
            model_version: self.model_version.clone(),
            fields: FieldStyle::Flags,
        }
    }
}

impl EvalArgs {
    fn request(&self) -> EvalRequest {
        EvalRequest {
            labels: self.labels.labels(),
            folds: self.folds,
            seed: self.seed,
            fields: FieldStyle::Flags,
        }
    }
}

impl TrustExplainArgs {
    fn request(&self) -> ExplainRequest {
        ExplainRequest {
            account: self.account.clone(),
            platform: self.platform.clone(),
        }
    }
}

impl ScanArgs {
    fn request(&self) -> ScanRequest {
        ScanRequest {
            window: TimeWindow::default(),
            platform: self.platform.clone(),
            top: self.top,
        }
    }
}

impl PostsArgs {
    fn request(&self) -> Result<FlaggedPostsRequest> {
        Ok(FlaggedPostsRequest {
            window: self.window.window()?,
            platform: self.window.platform.clone(),
            account: self.account.clone(),
            reason: self.reason.clone(),
            limit: self.limit,
            offset: self.offset,
            fields: FieldStyle::Flags,
        })
    }
}

pub fn run(cli: &Ctx, args: &TrustArgs) -> Result<Exit> {
    match &args.command {
        TrustCommand::Train(a) => run_train(cli, a),
        TrustCommand::Eval(a) => run_eval(cli, a),
        TrustCommand::Show(a) => run_show(cli, a),
        TrustCommand::Explain(a) => run_explain(cli, a),
        TrustCommand::Scan(a) => run_scan(cli, a),
        TrustCommand::Posts(a) => run_posts(cli, a),
    }
}

/// A model (or an assessment) as one line of JSON in its own field order, as in the model file: not
/// through `print_json`, whose sorted keys would change `--json` output that was always printed so.
fn print_model_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

fn run_train(cli: &Ctx, args: &TrainArgs) -> Result<Exit> {
    let req = args.request();
    req.check()?;
    let store = cli.open_store()?;
    let report = train(&store, &req)?;
    save_model(&report.model, &args.out)?;
    if let Some(n) = &report.left_out_note {
        note_unless(cli.quiet)(n);
    }
    if cli.json {
        print_model_json(&report.model)?;
    } else {
        earshot_print::trust::trained(&mut std::io::stdout().lock(), &args.out, &report.model)?;
    }
    Ok(Exit::Ok)
}

fn run_eval(cli: &Ctx, args: &EvalArgs) -> Result<Exit> {
    let req = args.request();
    req.check()?;
    if let Some(choice) = &args.model {
        let model = match choice.as_str() {
            "builtin" => load_model(None)?,
            file => load_model(Some(std::path::Path::new(file)))?,
        };
        let store = cli.open_store()?;
        let report = evaluate_fixed(
            &store,
            &model,
            &req.labels.platforms,
            req.seed,
            &note_unless(cli.quiet),
        )?;
        print_report(cli.json, &report, earshot_print::trust::fixed_eval)?;
        return Ok(Exit::Ok);
    }
    let report = evaluate(&cli.open_store()?, &req, &note_unless(cli.quiet))?;
    print_report(cli.json, &report, earshot_print::trust::eval)?;
    Ok(Exit::Ok)
}

fn run_show(cli: &Ctx, args: &ShowArgs) -> Result<Exit> {
    let m = load_model(args.model.as_deref())?;
    if cli.json {
        print_model_json(&m)?;
    } else {
        earshot_print::trust::shown(&mut std::io::stdout().lock(), &m)?;
    }
    Ok(Exit::Ok)
}

fn run_explain(cli: &Ctx, args: &TrustExplainArgs) -> Result<Exit> {
    let model = load_model(args.model.as_deref())?;
    let store = cli.open_store()?;
    let ex = explain_account(&store, &model, &args.request())?;
    if cli.json {
        print_model_json(&ex.assessment)?;
    } else {
        earshot_print::trust::explanation(&mut std::io::stdout().lock(), &ex)?;
    }
    Ok(Exit::Ok)
}

fn run_scan(cli: &Ctx, args: &ScanArgs) -> Result<Exit> {
    let report = scan(&cli.open_store()?, &args.request())?;
    print_report(cli.json, &report, earshot_print::trust::scan)?;
    Ok(Exit::Ok)
}

fn run_posts(cli: &Ctx, args: &PostsArgs) -> Result<Exit> {
    let req = args.request()?;
    req.check()?;
    let report = flagged_posts(&cli.open_store()?, &req)?;
    print_report(cli.json, &report, earshot_print::flags::flagged_posts)?;
    Ok(Exit::Ok)
}
