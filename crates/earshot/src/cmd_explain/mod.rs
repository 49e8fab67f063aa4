//! `earshot explain` and `earshot history`: why an account scored what it did, and how that moved.

mod topic;

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::output::{snippet, window_text};
use anyhow::Result;
use clap::Args;
use earshot_app::accounts::{display_name, resolve};
use earshot_app::explain::explain_account;
use earshot_score::{Component, Feature, PostFlag, ReactorEvidence, ScoreTable};
use earshot_store::Store;

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

pub fn run_explain(cli: &Ctx, args: &ExplainArgs) -> Result<Exit> {
    if let Some(topic) = &args.topic {
        return topic::run(cli, args, topic);
    }
    let store = cli.open_store()?;
    let account = resolve(&store, &args.account, args.platform.as_deref())?;
    let x = explain_account(
        &store,
        account,
        &args.account,
        args.run,
        args.evidence,
        &crate::output::note_unless(cli.quiet),
    )?;
    if cli.json {
        crate::output::print_json(&x.report(&store)?)?;
        return Ok(Exit::Ok);
    }
    let (run, table, i, ev) = (&x.run, &x.table, x.i, &x.evidence);
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
    print_reproduced(
        x.reproduced(),
        "the stored events",
        table.overall[i],
        x.stored_overall,
        "the spam and copy flags",
    );
    // A predictor's points are printed with its features; a percentile model's are the components'.
    if !print_prediction(table, i) {
        print_points(
            table,
            i,
            &Component::ALL,
            "meaning",
            Component::meaning,
            "overall",
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
    print_reactors(
        &store,
        "top reactors (credit to audience, to amplification, share of authority inflow)",
        &ev.reactors,
        |r| {
            let why = match (r.reciprocating, r.authenticity < 0.9) {
                _ if r.in_burst => "  (arrived in a burst of doubtful new reactors)".to_string(),
                (true, _) => "  (reacted back after this account reacted first)".to_string(),
                (false, true) => format!(
                    "  (authenticity {:.2}: its profile looks automated or fake, it trades reactions in a closed group, or it acts like clockwork)",
                    r.authenticity
                ),
                (false, false) => String::new(),
            };
            format!(
                " {:>6.1}%   {}{why}",
                r.authority_share * 100.0,
                kinds_text(&r.reactions)
            )
        },
    )?;
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
    print_discarded("reactions that earned nothing", &ev.discarded);
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
    topic::print_profile(&store, run.id, account)?;
    Ok(Exit::Ok)
}

/// Whether the recomputed score matched the stored one (`None`: the account is not in the stored run).
fn print_reproduced(
    same: Option<bool>,
    from: &str,
    recomputed: f64,
    stored: Option<f64>,
    flags: &str,
) {
    match same {
        Some(true) => println!("recomputed from {from}: same score"),
        Some(false) => println!(
            "WARNING: recomputed {recomputed:.6}, stored {:.6}: the events, {flags} or the authenticity model changed since the run",
            stored.unwrap_or(0.0)
        ),
        None => println!("(not in the stored run; computed now)"),
    }
}

/// The components' table: value, percentile and points, then the total (`1 +` the points).
fn print_points(
    table: &ScoreTable,
    i: usize,
    components: &[Component],
    meaning_title: &str,
    meaning: fn(Component) -> &'static str,
    total: &str,
) {
    println!(
        "\n  {:<14} {:>10} {:>11} {:>7}  {meaning_title}",
        "component", "value", "percentile", "points"
    );
    for &c in components {
        println!(
            "  {:<14} {:>10.3} {:>11.1} {:>7.1}  {}",
            c.name(),
            table.raw[c.index()][i],
            table.pct[c.index()][i] * 100.0,
            table.contribution(i, c),
            meaning(c)
        );
    }
    println!(
        "  {:<14} {:>10} {:>11} {:>7.1}  1 + the points above",
        total, "", "", table.overall[i]
    );
}

/// The reactors who earned an account its points: name, credit to audience and to amplification,
/// then what `more` adds.
fn print_reactors(
    store: &Store,
    title: &str,
    reactors: &[ReactorEvidence],
    more: impl Fn(&ReactorEvidence) -> String,
) -> Result<()> {
    if reactors.is_empty() {
        return Ok(());
    }
    println!("\n{title}:");
    for r in reactors {
        println!(
            "  {:<28} {:>5.2} {:>5.2}{}",
            display_name(store, r.account)?,
            r.audience_credit,
            r.amplification_credit,
            more(r)
        );
    }
    Ok(())
}

/// A reactor's reactions by kind: "3 reply, 1 reshare".
fn kinds_text(reactions: &[(String, u32)]) -> String {
    let kinds: Vec<String> = reactions.iter().map(|(k, n)| format!("{n} {k}")).collect();
    kinds.join(", ")
}

/// Reactions that earned nothing, by the flag of the post that carried them.
fn print_discarded(what: &str, discarded: &[(PostFlag, u32)]) {
    if discarded.is_empty() {
        return;
    }
    println!("\n{what}, because the post carrying them was:");
    for (flag, n) in discarded {
        println!("  {n:>6}  {}", flag.meaning());
    }
}
