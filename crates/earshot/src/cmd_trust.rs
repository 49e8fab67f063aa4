//! `earshot trust`: the authenticity model — train it on labelled accounts, evaluate it beside the press
//! rule set, print it, explain one account's probability, and weigh every account. Only the arguments
//! and the text: the use cases are `earshot_app::trust`'s.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::{note_unless, print_report};
use anyhow::Result;
use clap::{Args, Subcommand};
use earshot_app::error::FieldStyle;
use earshot_app::trust::{
    evaluate, explain_account, features_by_weight, load_model, save_model, scan, train, EvalReport,
    EvalRequest, ExplainRequest, Labels, ModelKind, ScanReport, ScanRequest, TrainRequest,
    TrustExplanation,
};
use earshot_store::TimeWindow;
use earshot_trust::{Classifier, Metrics, TrustModel};
use std::path::PathBuf;

/// How likely accounts are automated or fake: a transparent model (logistic regression over named
/// profile features) whose every weight can be printed. Outputs are probabilities with the model
/// version, never verdicts.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot import --format profiles bots_data.csv nonbots_data.csv
  earshot trust eval --platform twitter            5-fold cross-validation beside the press rules
  earshot trust train --platform twitter --out my-trust.json
  earshot trust explain @jk_rowling --model my-trust.json
  earshot trust scan                               every account's authenticity weight")]
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

/// Fit the model on every labelled account in the database (labels `bot`, `fake`, `spam` are
/// positive; `human`, `real`, `genuine` negative; others are skipped) and write it as JSON.
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

/// Cross-validate on the labelled accounts (exact duplicates dropped first), beside the press rule
/// set; with --test-platform, also train on --platform and test on the other.
#[derive(Args, Debug)]
pub struct EvalArgs {
    #[command(flatten)]
    pub labels: LabelArgs,
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Seed of the fold assignment.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
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

pub fn run(cli: &Ctx, args: &TrustArgs) -> Result<Exit> {
    match &args.command {
        TrustCommand::Train(a) => run_train(cli, a),
        TrustCommand::Eval(a) => run_eval(cli, a),
        TrustCommand::Show(a) => run_show(cli, a),
        TrustCommand::Explain(a) => run_explain(cli, a),
        TrustCommand::Scan(a) => run_scan(cli, a),
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
    if report.skipped_labels > 0 {
        note_unless(cli.quiet)(&format!(
            "{} accounts carry labels that are neither automated/fake nor authentic; skipped",
            report.skipped_labels
        ));
    }
    if cli.json {
        print_model_json(&report.model)?;
    } else {
        println!("wrote {} ({})", args.out.display(), report.model.about);
        print_model(&report.model);
    }
    Ok(Exit::Ok)
}

fn print_model(m: &TrustModel) {
    let (what, column) = match &m.classifier {
        Classifier::Logistic { intercept, l2 } => (
            format!(
                "logistic regression (L2 {l2}), intercept {intercept:+.3} log-odds; weights are log-odds per standard deviation"
            ),
            "weight",
        ),
        Classifier::BoostedTrees { params, ensemble } => (
            format!(
                "{} boosted trees of depth {} (learning rate {}); importance is each feature's share of the split gain",
                ensemble.trees.len(),
                params.max_depth,
                params.learning_rate
            ),
            "importance",
        ),
    };
    println!("\nmodel {}: {what}", m.version);
    println!(
        "  {:<18} {:>10} {:>9} {:>9}  meaning",
        "feature", column, "coverage", "mean"
    );
    for (f, meaning) in features_by_weight(m) {
        println!(
            "  {:<18} {:>+10.3} {:>8.0}% {:>9.3}  {}",
            f.name,
            f.weight,
            100.0 * f.coverage,
            f.mean,
            meaning
        );
    }
}

/// The header of the table [`metric_row`] prints, in its column widths.
fn metric_header() {
    println!(
        "  {:<44} {:>6} {:>9} {:>7} {:>7} {:>8} {:>7}",
        "predictor", "n", "precision", "recall", "F1", "accuracy", "AUC"
    );
}

fn metric_row(name: &str, m: &Metrics) {
    println!(
        "  {:<44} {:>6} {:>9.4} {:>7.4} {:>7.4} {:>8.4} {:>7.4}",
        name, m.n, m.precision, m.recall, m.f1, m.accuracy, m.auc
    );
}

fn run_eval(cli: &Ctx, args: &EvalArgs) -> Result<Exit> {
    let req = args.request();
    req.check()?;
    let report = evaluate(&cli.open_store()?, &req, &note_unless(cli.quiet))?;
    print_report(cli.json, &report, print_eval)?;
    Ok(Exit::Ok)
}

fn print_eval(report: &EvalReport) {
    metric_header();
    for p in &report.platforms {
        println!(
            "{}: {} labelled accounts ({} automated or fake; {} exact duplicates dropped)",
            p.platform, p.accounts, p.automated_or_fake, p.duplicates_dropped
        );
        for cv in &p.cross_validation {
            metric_row(
                &format!("{}, {}-fold cross-validated", cv.classifier, cv.folds),
                &cv.model,
            );
        }
        if let Some(r) = &p.rules {
            metric_row("press rules (fails over half the checks)", r);
        }
    }
    for t in &report.transfer {
        metric_row(
            &format!(
                "{} trained on {}, tested on {}",
                report.transfer_classifier, t.train, t.test
            ),
            &t.metrics,
        );
    }
}

fn run_show(cli: &Ctx, args: &ShowArgs) -> Result<Exit> {
    let m = load_model(args.model.as_deref())?;
    if cli.json {
        print_model_json(&m)?;
    } else {
        println!("{}", m.about);
        print_model(&m);
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
        print_explanation(&ex);
    }
    Ok(Exit::Ok)
}

fn print_explanation(ex: &TrustExplanation) {
    let s = &ex.assessment;
    println!(
        "{}:{} — probability automated or fake {:.3} (model {})",
        ex.platform, ex.name, s.probability, s.model_version
    );
    println!(
        "\n  {:<18} {:>10} {:>9}  meaning",
        "feature", "value", "log-odds"
    );
    println!(
        "  {:<18} {:>10} {:>+9.3}  the model's baseline",
        "(intercept)", "", s.base_log_odds
    );
    for c in &s.contributions {
        let value = c.value.map_or("unknown".to_string(), |v| format!("{v:.3}"));
        println!(
            "  {:<18} {:>10} {:>+9.3}  {}",
            c.feature, value, c.log_odds, c.meaning
        );
    }
    if let Some(label) = &ex.label {
        println!("\n(the data labels this account {label:?}; labels never feed the probability)");
    }
}

fn run_scan(cli: &Ctx, args: &ScanArgs) -> Result<Exit> {
    let report = scan(&cli.open_store()?, &args.request())?;
    print_report(cli.json, &report, print_scan)?;
    Ok(Exit::Ok)
}

fn print_scan(report: &ScanReport) {
    println!(
        "{} accounts ({} with a profile the model reads, {} interactions) assessed in {:.2} s with {}:",
        report.accounts, report.with_profile, report.interactions, report.seconds, report.trust_model
    );
    println!(
        "  {} weigh 0 (more likely fake than not, trading reactions in a closed group or ring, or acting like clockwork); {} weigh less than 1",
        report.weight_zero, report.weight_reduced
    );
    println!(
        "  {} bursts of doubtful new reactors: {} reactor→target pairs earn nothing",
        report.bursts, report.burst_pairs
    );
    if report.least_authentic.is_empty() {
        return;
    }
    println!("\nleast authentic (weight scoring gives their reactions):");
    for w in &report.least_authentic {
        println!("  {:<28} {:.3}", w.name, w.weight);
    }
}
