//! `earshot explain` and `earshot history`: why an account scored what it did, and how that moved.

use crate::exit::{Exit, Missing, UsageError};
use earshot_app::accounts::display_name;
use earshot_app::sources::{load_input, Text};
use crate::Cli;
use anyhow::{Context, Result};
use clap::Args;
use earshot_model::{format_utc, InteractionKind};
use earshot_score::{score, Component, Evidence, Feature, ScoreInput, ScoreModel, ScoreTable};
use earshot_store::{ScoreRun, Store, TimeWindow};

/// Explain one account's score: each component's value, percentile and points, the reactors that earned
/// them, and what would raise it. The score is recomputed from the stored events with the run's own
/// model and window, and checked against the stored number.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  earshot explain @united\n  earshot explain 88 --platform higgs --run 2\n  earshot explain @united --topic late"
)]
pub struct ExplainArgs {
    /// The account: @handle, handle or platform id.
    pub account: String,
    /// Run id (default: the latest).
    #[arg(long)]
    pub run: Option<i64>,
    /// Platform, when the same name exists on several.
    #[arg(long)]
    pub platform: Option<String>,
    /// Reactors to list as evidence.
    #[arg(long, default_value_t = 10)]
    pub evidence: usize,
    /// Explain the account's score within one topic of the run (key or label, any case): its topic
    /// components, the posts on the topic that earned reactions and the terms that put them there.
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
}

/// One account's score across runs, with week and month changes.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  earshot history @united\n  earshot history @united --topic late"
)]
pub struct HistoryArgs {
    pub account: String,
    #[arg(long)]
    pub platform: Option<String>,
    /// The account's score within one topic (key or label, any case) in every run that has it.
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
}

pub(crate) fn resolve(store: &Store, query: &str, platform: Option<&str>) -> Result<i64> {
    let found = store.find_accounts(query, platform)?;
    match found.as_slice() {
        [] => Err(Missing(format!(
            "no account {query:?}{} in the database",
            platform.map(|p| format!(" on {p}")).unwrap_or_default()
        ))
        .into()),
        [one] => Ok(one.id),
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|m| {
                    format!(
                        "{}:{}",
                        m.platform,
                        m.handle
                            .as_ref()
                            .map(|h| format!("@{h}"))
                            .unwrap_or(m.ext_id.clone())
                    )
                })
                .collect();
            Err(UsageError(format!(
                "{query:?} names {} accounts ({}): pass --platform",
                many.len(),
                list.join(", ")
            ))
            .into())
        }
    }
}

/// The model a stored run used and its scoring input, read again from the store: what recomputing
/// any of its scores needs. Unless `quiet`, notes on stderr when this build's authenticity model is
/// not the run's.
pub(crate) fn run_input(
    quiet: bool,
    store: &Store,
    run: &ScoreRun,
) -> Result<(ScoreModel, ScoreInput)> {
    let model = ScoreModel::from_json(&run.model_json)
        .with_context(|| format!("the model stored with run #{}", run.id))?;
    let window = TimeWindow {
        from: run.window_from,
        to: run.window_to,
    };
    // The run's authenticity model, if it had one: recomputation needs the same probabilities.
    let builtin_trust = earshot_trust::TrustModel::builtin();
    let trust = match &model.authenticity_model {
        None => None,
        Some(v) => {
            if *v != builtin_trust.version && !quiet {
                eprintln!(
                    "note: run #{} weighed reactors with authenticity model {v}; this build has {}, so the recomputed score may differ",
                    run.id, builtin_trust.version
                );
            }
            Some(&builtin_trust)
        }
    };
    let (input, _) = load_input(store, window, run.platform.as_deref(), trust)?;
    Ok((model, input))
}

/// One account's score in a run, recomputed from the stored events with the run's own model and
/// window, with the evidence behind it: what `earshot explain` prints and the API's explanation.
pub(crate) struct Explanation {
    /// The account as the request named it.
    pub shown: String,
    pub account: i64,
    pub run: ScoreRun,
    pub table: ScoreTable,
    /// The account's row in `table`.
    pub i: usize,
    /// The stored overall score, when the run stored one for the account.
    pub stored_overall: Option<f64>,
    pub evidence: Evidence,
    /// How the audience's reactions that carry text sound, where posts have text.
    pub tone: Option<Tone>,
}

/// The tone of the reactions to an account that carry text (replies, quotes and mentions written by
/// others), by earshot's sentiment model: approval (positive), neutral or complaint (negative). An account
/// drowning in complaints draws reactions, but not approval; the score counts both, so this says which.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub(crate) struct Tone {
    pub approval: u32,
    pub neutral: u32,
    pub complaint: u32,
}

impl Tone {
    pub fn total(&self) -> u32 {
        self.approval + self.neutral + self.complaint
    }
}

/// The tone of the texts others wrote to `account` in `input`: replies and quotes of its posts, and the
/// posts carrying mentions of it; each post once, flagged posts (spam, copies) left out. `None` when no
/// such post has text.
pub(crate) fn tone_of(input: &ScoreInput, account: i64) -> Option<Tone> {
    use earshot_sentiment::Polarity;
    let by_account = |id: Option<i64>| {
        id.and_then(|id| input.posts.get(&id))
            .is_some_and(|p| p.author == account)
    };
    let mut texts: std::collections::BTreeSet<i64> = input
        .posts
        .iter()
        .filter(|(_, p)| p.author != account && (by_account(p.reply_to) || by_account(p.quote_of)))
        .map(|(&id, _)| id)
        .collect();
    for r in &input.reactions {
        if r.target == account && r.actor != account && r.kind == InteractionKind::Mention {
            if let Some(id) = r
                .post
                .filter(|id| input.posts.get(id).is_some_and(|p| p.author == r.actor))
            {
                texts.insert(id);
            }
        }
    }
    let model = earshot_sentiment::SentimentModel::builtin();
    let mut tone = Tone::default();
    for id in texts {
        if input.flagged_posts.contains_key(&id) {
            continue;
        }
        let Some(text) = input.posts.get(&id).and_then(|p| p.text.as_deref()) else {
            continue;
        };
        match model.classify(text).polarity {
            Polarity::Positive => tone.approval += 1,
            Polarity::Neutral => tone.neutral += 1,
            Polarity::Negative => tone.complaint += 1,
        }
    }
    (tone.total() > 0).then_some(tone)
}

/// Recompute `account`'s score in `run` (default: the latest) and gather `evidence` reactors.
/// `shown` is how the request named the account. A missing run, or an account the run's window has
/// no interactions of, is [`Missing`].
pub(crate) fn explain_account(
    quiet: bool,
    store: &Store,
    account: i64,
    shown: &str,
    run: Option<i64>,
    evidence: usize,
) -> Result<Explanation> {
    let Some(run) = store.score_run(run)? else {
        return Err(Missing(match run {
            Some(id) => format!("there is no score run #{id} in {}", store.path().display()),
            None => format!(
                "no score run in {}: run `earshot score` first",
                store.path().display()
            ),
        })
        .into());
    };
    let (model, input) = run_input(quiet, store, &run)?;
    let table = score(&input, &model, &Text)?;
    let Some(i) = table.position(account) else {
        return Err(Missing(format!(
            "{shown} had no interactions in run #{}'s window, so it has no score there",
            run.id
        ))
        .into());
    };
    let stored_overall = store.account_score(run.id, account)?.map(|s| s.overall);
    let evidence = earshot_score::evidence(&input, &model, &table, account, evidence)
        .context("account vanished from its own table")?;
    let tone = tone_of(&input, account);
    Ok(Explanation {
        shown: shown.to_string(),
        account,
        run,
        table,
        i,
        stored_overall,
        evidence,
        tone,
    })
}

impl Explanation {
    /// Whether the recomputed score is the stored one (`None`: the run stored none for the account).
    pub fn reproduced(&self) -> Option<bool> {
        self.stored_overall
            .map(|s| (s - self.table.overall[self.i]).abs() <= 1e-9)
    }

    /// `earshot --json explain`'s output.
    pub fn json(&self, store: &Store) -> Result<serde_json::Value> {
        let (table, i) = (&self.table, self.i);
        let components: Vec<serde_json::Value> = Component::ALL
            .iter()
            .map(|&c| serde_json::json!({
                "component": c.name(), "raw": table.raw[c.index()][i], "percentile": table.pct[c.index()][i],
                "weight": table.weights[c.index()], "points": table.contribution(i, c), "meaning": c.meaning(),
            }))
            .collect();
        let prediction = prediction_json(table, i);
        let out = serde_json::json!({
            "account": self.shown, "run": self.run.id, "model_version": self.run.model_version,
            "overall": table.is_scored(i).then_some(table.overall[i]), "scored": table.is_scored(i),
            "prediction": prediction,
            "stored_overall": self.stored_overall, "reproduced": self.reproduced(), "components": components,
            "conversation": table.conversation[i], "evidence": self.evidence, "tone": self.tone,
            "topics": crate::cmd_topic_scores::profile_json(store, self.run.id, self.account)?,
        });
        with_name(store, self.account, out)
    }
}

/// The expected engagement behind account `i`'s score and the points each feature adds, when the run's
/// model predicts (`None` for percentile models).
fn prediction_json(table: &ScoreTable, i: usize) -> Option<serde_json::Value> {
    let p = table.prediction.as_ref()?;
    let (base, points) = table.points(i)?;
    let features: Vec<serde_json::Value> = Feature::ALL
        .iter()
        .map(|&f| {
            serde_json::json!({
                "feature": f.name(), "value": table.features[i][f.index()],
                "coefficient": p.predictor.coefficient(f), "points": points[f.index()],
                "meaning": f.meaning(),
            })
        })
        .collect();
    Some(serde_json::json!({
        "expected_next_week": p.expected(i),
        "base_points": base,
        "unclamped_score": base + points.iter().sum::<f64>(),
        "features": features,
        "scale": p.scale,
        "fitted_on": p.predictor.fitted_on,
    }))
}

/// Print the expected engagement behind the score and the points each feature adds; false (printing
/// nothing) for percentile models.
fn print_prediction(table: &ScoreTable, i: usize) -> bool {
    let (Some(p), Some((base, points))) = (&table.prediction, table.points(i)) else {
        return false;
    };
    let s = p.scale;
    println!(
        "\nexpected next week: {:.1} authentic reactions (the scale: {:.0} points = {} a week, every {} points doubles it)",
        p.expected(i),
        s.anchor_score,
        s.anchor_expected,
        s.points_per_doubling
    );
    if !table.is_scored(i) {
        println!(
            "not scored: nobody reacted to it authentically in the window, so there is no evidence to score"
        );
    }
    println!(
        "\n  {:<14} {:>9} {:>11} {:>7}  meaning",
        "feature", "value", "coefficient", "points"
    );
    println!(
        "  {:<14} {:>9} {:>11} {:>7.1}  an account with every feature at 0",
        "base", "", "", base
    );
    for f in Feature::ALL {
        let b = p.predictor.coefficient(f);
        if b == 0.0 && table.features[i][f.index()] == 0.0 {
            continue;
        }
        println!(
            "  {:<14} {:>9.3} {:>11.3} {:>7.1}  {}",
            f.name(),
            table.features[i][f.index()],
            b,
            points[f.index()],
            f.meaning()
        );
    }
    let total = base + points.iter().sum::<f64>();
    println!(
        "  {:<14} {:>9} {:>11} {:>7.1}  the sum{}",
        "score",
        "",
        "",
        table.overall[i],
        if (total - table.overall[i]).abs() > 0.05 && table.is_scored(i) {
            format!(" ({total:.1}, held within 1–100)")
        } else {
            String::new()
        }
    );
    println!(
        "\n  {:<14} {:>10} {:>11}  meaning",
        "component", "value", "percentile"
    );
    for c in Component::ALL {
        println!(
            "  {:<14} {:>10.3} {:>11.1}  {}",
            c.name(),
            table.raw[c.index()][i],
            table.pct[c.index()][i] * 100.0,
            c.meaning()
        );
    }
    true
}

/// A JSON account record with `platform`, `platform_id` (the platform's own id for the account) and
/// `handle` (null when unknown) added, so a reader never needs earshot's internal id to find it.
pub(crate) fn with_name(
    store: &Store,
    account: i64,
    mut record: serde_json::Value,
) -> Result<serde_json::Value> {
    let name = store.account_name(account)?.unwrap_or_default();
    if let Some(map) = record.as_object_mut() {
        map.insert("platform".into(), name.platform.into());
        map.insert("platform_id".into(), name.platform_id.into());
        map.insert("handle".into(), name.handle.into());
    }
    Ok(record)
}

/// Why a history shows no change: no earlier run of the account is old enough to compare with.
fn no_delta(days: i64) -> &'static str {
    if days >= 30 {
        "no run a month earlier"
    } else {
        "no run a week earlier"
    }
}

/// The change of the `k`-th run of a history (each run's as-of instant and score, oldest first)
/// against the latest earlier run at least `days` older by the instant each describes; without one,
/// why there is none.
pub(crate) fn delta(points: &[(i64, f64)], k: usize, days: i64) -> Result<f64, &'static str> {
    let (as_of, score) = points[k];
    points[..k]
        .iter()
        .rev()
        .find(|(t, _)| *t <= as_of - days * 86_400)
        .map(|(_, old)| score - old)
        .ok_or(no_delta(days))
}

/// The `k`-th run's week and month changes as JSON fields: `week_delta` and `month_delta`, each null
/// with a `…_note` saying why when there is no run to compare with (the note is null otherwise).
pub(crate) fn delta_fields(points: &[(i64, f64)], k: usize, record: &mut serde_json::Value) {
    let Some(map) = record.as_object_mut() else {
        return;
    };
    for (name, days) in [("week_delta", 7), ("month_delta", 30)] {
        let d = delta(points, k, days);
        map.insert(name.into(), d.ok().into());
        map.insert(format!("{name}_note"), d.err().into());
    }
}

/// A change for the history table: signed, or "—" (explained under the table by [`delta_notes`]).
pub(crate) fn delta_cell(d: Result<f64, &'static str>) -> String {
    d.map(|x| format!("{x:+.1}")).unwrap_or_else(|_| "—".into())
}

/// The line under a history table that says why a change is "—", if one is.
pub(crate) fn delta_notes(points: &[(i64, f64)]) -> Option<String> {
    let mut notes: Vec<&str> = Vec::new();
    for k in 0..points.len() {
        for days in [7, 30] {
            if let Err(note) = delta(points, k, days) {
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
        }
    }
    (!notes.is_empty()).then(|| {
        format!(
            "  —: {} (runs are compared by their as-of date, the end of their data)",
            notes.join("; ")
        )
    })
}

pub fn run_explain(cli: &Cli, args: &ExplainArgs) -> Result<Exit> {
    if let Some(topic) = &args.topic {
        return crate::cmd_topic_scores::run_explain(cli, args, topic);
    }
    let store = Store::open_existing(&cli.db)
        .with_context(|| format!("opening database {}", cli.db.display()))?;
    let account = resolve(&store, &args.account, args.platform.as_deref())?;
    let x = explain_account(
        cli.quiet,
        &store,
        account,
        &args.account,
        args.run,
        args.evidence,
    )?;
    if cli.json {
        println!("{}", x.json(&store)?);
        return Ok(Exit::Ok);
    }
    let Explanation {
        run,
        table,
        i,
        evidence: ev,
        ..
    } = &x;
    let (i, reproduced, stored) = (*i, x.reproduced(), x.stored_overall);
    let score_text = if table.is_scored(i) {
        format!("score {:.1} / 100", table.overall[i])
    } else {
        "not scored (no authentic engagement in the window)".to_string()
    };
    println!(
        "{} — {score_text} in run #{} (model {}, {} accounts{})",
        display_name(&store, account)?,
        run.id,
        run.model_version,
        table.len(),
        window_text(run)
    );
    match reproduced {
        Some(true) => println!("recomputed from the stored events: same score"),
        Some(false) => println!(
            "WARNING: recomputed {:.6}, stored {:.6}: the events, the spam and copy flags or the authenticity model changed since the run",
            table.overall[i],
            stored.unwrap_or(0.0)
        ),
        None => println!("(not in the stored run; computed now)"),
    }
    if print_prediction(table, i) {
        // The points are the predictor's, printed above; the components still show what they are.
    } else {
        println!(
            "\n  {:<14} {:>10} {:>11} {:>7}  meaning",
            "component", "value", "percentile", "points"
        );
    }
    for c in Component::ALL
        .into_iter()
        .filter(|_| table.prediction.is_none())
    {
        println!(
            "  {:<14} {:>10.3} {:>11.1} {:>7.1}  {}",
            c.name(),
            table.raw[c.index()][i],
            table.pct[c.index()][i] * 100.0,
            table.contribution(i, c),
            c.meaning()
        );
    }
    if table.prediction.is_none() {
        println!(
            "  {:<14} {:>10} {:>11} {:>7.1}  1 + the points above",
            "overall", "", "", table.overall[i]
        );
    }
    let conv = table.conversation[i];
    println!(
        "\n{} reactions from {} distinct accounts; asked by {} accounts, answered {}{}; sent {} replies ({} trivial)",
        ev.reactions_received,
        ev.distinct_reactors,
        conv.askers,
        conv.askers_answered,
        conv.answered_share().map(|s| format!(" ({:.0}%)", s * 100.0)).unwrap_or_default(),
        conv.replies_sent,
        conv.trivial_replies
    );
    if !ev.reactors.is_empty() {
        println!(
            "\ntop reactors (credit to audience, to amplification, share of authority inflow):"
        );
        for r in &ev.reactors {
            let kinds: Vec<String> = r
                .reactions
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            println!(
                "  {:<28} {:>5.2} {:>5.2} {:>6.1}%   {}{}",
                display_name(&store, r.account)?,
                r.audience_credit,
                r.amplification_credit,
                r.authority_share * 100.0,
                kinds.join(", "),
                match (r.reciprocating, r.authenticity < 0.9) {
                    _ if r.in_burst => "  (arrived in a burst of doubtful new reactors)".to_string(),
                    (true, _) => "  (reacted back after this account reacted first)".to_string(),
                    (false, true) => format!(
                        "  (authenticity {:.2}: its profile looks automated or fake, it trades reactions in a closed group, or it acts like clockwork)",
                        r.authenticity
                    ),
                    (false, false) => String::new(),
                }
            );
        }
    }
    if ev.burst_reactors > 0 {
        let rule = earshot_trust::BurstRule::default();
        println!(
            "\n{} reactors earned nothing: they arrived in a burst of doubtful new accounts ({} or more within {} h, at least {:.0}% of the new reactors then, each weighing under {})",
            ev.burst_reactors,
            rule.min_suspects,
            rule.window_secs / 3600,
            rule.min_share * 100.0,
            rule.suspect_below
        );
    }
    if !ev.discarded.is_empty() {
        println!("\nreactions that earned nothing, because the post carrying them was:");
        for (flag, n) in &ev.discarded {
            println!("  {n:>6}  {}", flag.meaning());
        }
    }
    if let Some(t) = &x.tone {
        let share = |n: u32| 100.0 * n as f64 / t.total() as f64;
        println!(
            "\ntone of the {} reactions with text (replies, quotes, mentions): {:.0}% approval ({}), {:.0}% neutral ({}), {:.0}% complaint ({})",
            t.total(),
            share(t.approval),
            t.approval,
            share(t.neutral),
            t.neutral,
            share(t.complaint),
            t.complaint
        );
    }
    if let Some(pp) = &ev.per_post {
        println!(
            "\nper post, over its {} posts in the window: {:.2} reactions, {:.2} reshares and quotes",
            pp.posts, pp.reactions, pp.amplifications
        );
    }
    if !ev.posts.is_empty() {
        println!("\nposts that drew the most reactions:");
        for p in &ev.posts {
            println!(
                "  {:>5} reactions ({:>4} reshares/quotes) from {:>4} accounts  {}",
                p.reactions,
                p.amplifications,
                p.reactors,
                snippet(p.text.as_deref())
            );
        }
    }
    if !ev.unanswered.is_empty() {
        println!(
            "\naddressed it and got no reply (first {}):",
            ev.unanswered.len()
        );
        for (asker, text) in &ev.unanswered {
            println!(
                "  {:<28} {}",
                display_name(&store, *asker)?,
                snippet(text.as_deref())
            );
        }
    }
    if !ev.to_raise.is_empty() {
        println!("\nto raise the score (points still available):");
        for (c, room, advice) in &ev.to_raise {
            println!("  {:<14} up to {:>4.1}: {advice}", c.name(), room);
        }
    }
    crate::cmd_topic_scores::print_profile(&store, run.id, account)?;
    Ok(Exit::Ok)
}

/// One line of a post's text for a terminal, or a dash where the data has none.
pub(crate) fn snippet(text: Option<&str>) -> String {
    match text {
        None => "—".into(),
        Some(t) => {
            let flat: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
            if flat.chars().count() > 90 {
                format!("{}…", flat.chars().take(89).collect::<String>())
            } else {
                flat
            }
        }
    }
}

pub(crate) fn window_text(run: &ScoreRun) -> String {
    match (run.window_from, run.window_to) {
        (None, None) => String::new(),
        (f, t) => format!(
            ", window {} to {}",
            f.map(format_utc).unwrap_or_else(|| "start".into()),
            t.map(format_utc).unwrap_or_else(|| "end".into())
        ),
    }
}

pub fn run_history(cli: &Cli, args: &HistoryArgs) -> Result<Exit> {
    if let Some(topic) = &args.topic {
        return crate::cmd_topic_scores::run_history(cli, args, topic);
    }
    let store = Store::open_existing(&cli.db)
        .with_context(|| format!("opening database {}", cli.db.display()))?;
    let account = resolve(&store, &args.account, args.platform.as_deref())?;
    let history = store.score_history(account)?;
    // Changes against the latest earlier run at least a week (a month) older, by the instant each describes.
    let points: Vec<(i64, f64)> = history
        .iter()
        .map(|(run, row)| (run.as_of(), row.overall))
        .collect();
    if cli.json {
        let items: Vec<serde_json::Value> = history
            .iter()
            .enumerate()
            .map(|(k, (run, row))| {
                let mut item = serde_json::json!({"run": run, "as_of": run.as_of(), "score": row});
                delta_fields(&points, k, &mut item);
                item
            })
            .collect();
        let out = serde_json::json!({"account": args.account, "history": items});
        println!("{}", with_name(&store, account, out)?);
        return Ok(Exit::Ok);
    }
    if history.is_empty() {
        println!(
            "{} has no stored scores yet: run `earshot score`",
            args.account
        );
        return Ok(Exit::Ok);
    }
    println!(
        "{} across {} runs:",
        display_name(&store, account)?,
        history.len()
    );
    println!(
        "  {:>5}  {:<20} {:<16} {:>6} {:>8} {:>8}",
        "run", "as of (UTC)", "model", "score", "Δ week", "Δ month"
    );
    for (k, (run, row)) in history.iter().enumerate() {
        println!(
            "  {:>5}  {:<20} {:<16} {:>6.1} {:>8} {:>8}",
            run.id,
            format_utc(run.as_of()),
            run.model_version,
            row.overall,
            delta_cell(delta(&points, k, 7)),
            delta_cell(delta(&points, k, 30))
        );
    }
    if let Some(notes) = delta_notes(&points) {
        println!("{notes}");
    }
    Ok(Exit::Ok)
}
