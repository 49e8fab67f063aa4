//! `earshot trust`: the authenticity model — train it on labelled accounts, evaluate it beside the press
//! rule set, print it, and explain one account's probability.

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use earshot_app::accounts::resolve;
use earshot_app::error::UsageError;
use earshot_model::Account;
use earshot_store::Store;
use earshot_trust::eval::{metrics, rule_metrics};
use earshot_trust::features::{extract, latest_creation};
use earshot_trust::{
    cross_validate, dedupe, Classifier, FeatureContext, Labelled, Learner, Metrics, TreeParams,
    TrustModel, FEATURES,
};
use std::path::{Path, PathBuf};

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
    fn learner(&self, kind: Kind) -> Learner {
        match kind {
            Kind::Logistic => Learner::Logistic { l2: self.l2 },
            Kind::Trees => Learner::Trees(TreeParams {
                rounds: self.rounds,
                max_depth: self.depth,
                l2: self.l2,
                ..TreeParams::default()
            }),
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

pub fn run(cli: &Ctx, args: &TrustArgs) -> Result<Exit> {
    match &args.command {
        TrustCommand::Train(a) => train(cli, a),
        TrustCommand::Eval(a) => eval(cli, a),
        TrustCommand::Show(a) => show(cli, a),
        TrustCommand::Explain(a) => explain(cli, a),
        TrustCommand::Scan(a) => scan(cli, a),
    }
}

fn load_model(path: Option<&Path>) -> Result<TrustModel> {
    match path {
        None => Ok(TrustModel::builtin()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("reading trust model {}", p.display()))?;
            TrustModel::from_json(&text).with_context(|| format!("trust model {}", p.display()))
        }
    }
}

/// What a label says: `Some(true)` automated or fake, `Some(false)` authentic, `None` unknown.
fn label_class(label: &str) -> Option<bool> {
    match label.trim().to_ascii_lowercase().as_str() {
        "bot" | "fake" | "spam" | "spammer" | "automated" => Some(true),
        "human" | "real" | "genuine" | "authentic" => Some(false),
        _ => None,
    }
}

/// Labelled accounts per platform, each platform's features measured against its own latest creation
/// time.
struct LabelledSet {
    by_platform: Vec<(String, Vec<Labelled>)>,
    skipped_labels: u64,
}

fn labelled(store: &Store, args: &LabelArgs) -> Result<LabelledSet> {
    let mut accounts: Vec<Account> = Vec::new();
    let mut skipped_labels = 0;
    store.scan_accounts(None, |_, a| {
        if !args.platforms.is_empty() && !args.platforms.contains(&a.platform) {
            return;
        }
        match a.profile.label.as_deref().map(label_class) {
            Some(Some(_)) => accounts.push(a),
            Some(None) => skipped_labels += 1,
            None => {}
        }
    })?;
    let mut platforms: Vec<String> = accounts.iter().map(|a| a.platform.clone()).collect();
    platforms.sort();
    platforms.dedup();
    let by_platform = platforms
        .into_iter()
        .map(|p| {
            let mine: Vec<&Account> = accounts.iter().filter(|a| a.platform == p).collect();
            let ctx = FeatureContext {
                reference_time: latest_creation(mine.iter().copied()),
            };
            let rows = mine
                .iter()
                .map(|a| Labelled {
                    features: extract(a, &ctx),
                    rules: earshot_trust::rules::failed_share(a),
                    label: a
                        .profile
                        .label
                        .as_deref()
                        .and_then(label_class)
                        .unwrap_or(false),
                })
                .collect();
            (p, rows)
        })
        .collect();
    Ok(LabelledSet {
        by_platform,
        skipped_labels,
    })
}

fn train(cli: &Ctx, args: &TrainArgs) -> Result<Exit> {
    if !(args.labels.l2.is_finite() && args.labels.l2 > 0.0) {
        return Err(UsageError("--l2 must be a number > 0".into()).into());
    }
    let store = cli.open_store()?;
    let set = labelled(&store, &args.labels)?;
    let rows: Vec<Labelled> = set.by_platform.into_iter().flat_map(|(_, r)| r).collect();
    if rows.is_empty() {
        bail!(
            "no labelled accounts in {}: import profiles with a label column (e.g. Kaggle's `bot`, InstaFake's `isFake`)",
            cli.db.display()
        );
    }
    let (rows, dropped) = dedupe(rows);
    let x: Vec<_> = rows.iter().map(|r| r.features).collect();
    let y: Vec<bool> = rows.iter().map(|r| r.label).collect();
    let learner = args.labels.learner(args.labels.classifier);
    let mut model = TrustModel::train(&args.model_version, &x, &y, learner)?;
    model.about = format!(
        "{} trained by `earshot trust train` on {} labelled accounts ({} automated or fake, {} authentic; {} exact duplicates dropped){}.",
        learner.name(),
        rows.len(),
        model.trained_on.0,
        model.trained_on.1,
        dropped,
        if args.labels.platforms.is_empty() {
            String::new()
        } else {
            format!(" of {}", args.labels.platforms.join(", "))
        }
    );
    // A logistic model is a page worth reading; hundreds of trees are not, and pretty-printing them
    // would triple the file (`trust show` prints what matters).
    let text = match model.classifier {
        Classifier::Logistic { .. } => serde_json::to_string_pretty(&model)?,
        Classifier::BoostedTrees { .. } => serde_json::to_string(&model)?,
    } + "\n";
    std::fs::write(&args.out, text).with_context(|| format!("writing {}", args.out.display()))?;
    if set.skipped_labels > 0 && !cli.quiet {
        eprintln!(
            "note: {} accounts carry labels that are neither automated/fake nor authentic; skipped",
            set.skipped_labels
        );
    }
    if cli.json {
        println!("{}", serde_json::to_string(&model)?);
    } else {
        println!("wrote {} ({})", args.out.display(), model.about);
        print_model(&model);
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
    let mut order: Vec<usize> = (0..m.features.len()).collect();
    order.sort_by(|&a, &b| {
        m.features[b]
            .weight
            .abs()
            .total_cmp(&m.features[a].weight.abs())
    });
    for i in order {
        let f = &m.features[i];
        println!(
            "  {:<18} {:>+10.3} {:>8.0}% {:>9.3}  {}",
            f.name,
            f.weight,
            100.0 * f.coverage,
            f.mean,
            FEATURES[i].1
        );
    }
}

fn metric_row(name: &str, m: &Metrics) {
    println!(
        "  {:<44} {:>6} {:>9.4} {:>7.4} {:>7.4} {:>8.4} {:>7.4}",
        name, m.n, m.precision, m.recall, m.f1, m.accuracy, m.auc
    );
}

fn eval(cli: &Ctx, args: &EvalArgs) -> Result<Exit> {
    if args.folds < 2 {
        return Err(UsageError("--folds must be at least 2".into()).into());
    }
    if !(args.labels.l2.is_finite() && args.labels.l2 > 0.0) {
        return Err(UsageError("--l2 must be a number > 0".into()).into());
    }
    let store = cli.open_store()?;
    let set = labelled(&store, &args.labels)?;
    if set.by_platform.is_empty() {
        bail!("no labelled accounts in {}", cli.db.display());
    }
    let learners = [
        args.labels.learner(Kind::Trees),
        args.labels.learner(Kind::Logistic),
    ];
    let mut report = Vec::new();
    let mut deduped = Vec::new();
    for (platform, rows) in set.by_platform {
        let (rows, dropped) = dedupe(rows);
        let positives = rows.iter().filter(|r| r.label).count();
        if positives == 0 || positives == rows.len() {
            if !cli.quiet {
                eprintln!(
                    "note: {platform}: all {} labelled accounts are in one class; nothing to evaluate there",
                    rows.len()
                );
            }
            continue;
        }
        let mut cvs = Vec::new();
        for l in learners {
            cvs.push((l.name(), cross_validate(&rows, args.folds, l, args.seed)?));
        }
        report.push(serde_json::json!({
            "platform": platform, "accounts": rows.len(), "duplicates_dropped": dropped,
            "rules": rule_metrics(&rows),
            "cross_validation": cvs.iter().map(|(n, cv)| serde_json::json!({"classifier": n, "folds": cv.folds, "model": cv.model})).collect::<Vec<_>>(),
        }));
        deduped.push((platform, rows, dropped, cvs));
    }
    // Train on each platform, test on each other one (the default classifier).
    let learner = args.labels.learner(args.labels.classifier);
    let mut transfer = Vec::new();
    for (a, train_rows, _, _) in &deduped {
        for (b, test_rows, _, _) in &deduped {
            if a == b {
                continue;
            }
            let x: Vec<_> = train_rows.iter().map(|r| r.features).collect();
            let y: Vec<bool> = train_rows.iter().map(|r| r.label).collect();
            let m = TrustModel::train("transfer", &x, &y, learner)?;
            let s: Vec<f64> = test_rows
                .iter()
                .map(|r| m.probability(&r.features))
                .collect();
            let t: Vec<bool> = test_rows.iter().map(|r| r.label).collect();
            transfer.push((a.clone(), b.clone(), metrics(&s, &t, 0.5)));
        }
    }
    if cli.json {
        let t: Vec<_> = transfer
            .iter()
            .map(|(a, b, m)| serde_json::json!({"train": a, "test": b, "metrics": m}))
            .collect();
        println!(
            "{}",
            serde_json::json!({"folds": args.folds, "seed": args.seed,
                "platforms": report, "transfer": t})
        );
        return Ok(Exit::Ok);
    }
    println!(
        "  {:<44} {:>6} {:>9} {:>7} {:>7} {:>8} {:>7}",
        "predictor", "n", "precision", "recall", "F1", "accuracy", "AUC"
    );
    for (platform, rows, dropped, cvs) in &deduped {
        println!(
            "{platform}: {} labelled accounts ({} automated or fake; {dropped} exact duplicates dropped)",
            rows.len(),
            rows.iter().filter(|r| r.label).count()
        );
        for (name, cv) in cvs {
            metric_row(
                &format!("{name}, {}-fold cross-validated", cv.folds),
                &cv.model,
            );
        }
        if let Some(r) = rule_metrics(rows) {
            metric_row("press rules (fails over half the checks)", &r);
        }
    }
    for (a, b, m) in &transfer {
        metric_row(
            &format!("{} trained on {a}, tested on {b}", learner.name()),
            m,
        );
    }
    Ok(Exit::Ok)
}

fn show(cli: &Ctx, args: &ShowArgs) -> Result<Exit> {
    let m = load_model(args.model.as_deref())?;
    if cli.json {
        println!("{}", serde_json::to_string(&m)?);
    } else {
        println!("{}", m.about);
        print_model(&m);
    }
    Ok(Exit::Ok)
}

fn explain(cli: &Ctx, args: &TrustExplainArgs) -> Result<Exit> {
    let model = load_model(args.model.as_deref())?;
    let store = cli.open_store()?;
    let id = resolve(&store, &args.account, args.platform.as_deref())?;
    let Some(account) = store.account(id)? else {
        bail!("account {} vanished while reading", args.account);
    };
    // Age is measured against the latest creation time among the platform's accounts.
    let mut latest = None;
    store.scan_accounts(Some(&account.platform), |_, a| {
        latest = latest.max(a.profile.created_at);
    })?;
    let s = model.assess(
        &account,
        &FeatureContext {
            reference_time: latest,
        },
    );
    if cli.json {
        println!("{}", serde_json::to_string(&s)?);
        return Ok(Exit::Ok);
    }
    let name = account
        .handle
        .as_ref()
        .map(|h| format!("@{h}"))
        .unwrap_or(account.ext_id.clone());
    println!(
        "{}:{name} — probability automated or fake {:.3} (model {})",
        account.platform, s.probability, s.model_version
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
    if let Some(label) = &account.profile.label {
        println!("\n(the data labels this account {label:?}; labels never feed the probability)");
    }
    Ok(Exit::Ok)
}

fn scan(cli: &Ctx, args: &ScanArgs) -> Result<Exit> {
    let started = std::time::Instant::now();
    let store = cli.open_store()?;
    let trust = TrustModel::builtin();
    let (mut input, interactions) = earshot_app::sources::load_input_before_behaviour(
        &store,
        earshot_store::TimeWindow::default(),
        args.platform.as_deref(),
        Some(&trust),
    )?;
    // Before the behaviour step, the weights are exactly the profiled accounts'.
    let profiled = input.authenticity.len();
    let bursts = earshot_app::sources::apply_behaviour(&mut input);
    let mut accounts: std::collections::BTreeSet<i64> =
        input.authenticity.keys().copied().collect();
    for r in &input.reactions {
        accounts.insert(r.actor);
        accounts.insert(r.target);
    }
    let seconds = started.elapsed().as_secs_f64();
    let weights: Vec<(i64, f64)> = accounts
        .iter()
        .map(|&a| (a, input.authenticity_of(a)))
        .collect();
    let zero = weights.iter().filter(|(_, w)| *w == 0.0).count();
    let reduced = weights.iter().filter(|(_, w)| *w > 0.0 && *w < 1.0).count();
    let mut least: Vec<(i64, f64)> = weights.iter().copied().filter(|(_, w)| *w < 1.0).collect();
    least.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    least.truncate(args.top);
    if cli.json {
        let rows: Vec<_> = least
            .iter()
            .map(|&(a, w)| serde_json::json!({"account": a, "weight": w}))
            .collect();
        println!(
            "{}",
            serde_json::json!({"accounts": weights.len(), "with_profile": profiled, "interactions": interactions,
                "weight_zero": zero, "weight_reduced": reduced, "seconds": seconds,
                "bursts": bursts.len(), "burst_pairs": input.pair_weights.len(),
                "trust_model": trust.version, "least_authentic": rows})
        );
        return Ok(Exit::Ok);
    }
    println!(
        "{} accounts ({profiled} with a profile the model reads, {interactions} interactions) assessed in {seconds:.2} s with {}:",
        weights.len(),
        trust.version
    );
    println!("  {zero} weigh 0 (more likely fake than not, trading reactions in a closed group or ring, or acting like clockwork); {reduced} weigh less than 1");
    println!(
        "  {} bursts of doubtful new reactors: {} reactor→target pairs earn nothing",
        bursts.len(),
        input.pair_weights.len()
    );
    if !least.is_empty() {
        println!("\nleast authentic (weight scoring gives their reactions):");
        for (a, w) in &least {
            println!(
                "  {:<28} {w:.3}",
                earshot_app::accounts::display_name(&store, *a)?
            );
        }
    }
    Ok(Exit::Ok)
}
