//! `earshot advocates`: a brand's advocates and detractors from the stored posts that mention it, and
//! `earshot advocates eval-reasons`: how well a complaint-reason taxonomy agrees with labelled reasons.

use crate::ctx::Ctx;
use crate::exit::Exit;
use crate::window::WindowArgs;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use earshot_app::accounts::display_name;
use earshot_app::error::UsageError;
use earshot_app::sources::load_input;
use earshot_ingest::airline_labels::{read_labelled_tweets, LabelledTweet};
use earshot_model::InteractionKind;
use earshot_sentiment::{Polarity, SentimentModel};
use earshot_topics::advocacy::{rank, rank_reasons, AdvocacyOptions, Mention, Ranked, Stance};
use earshot_topics::{extract, Matcher, Taxonomy, TopicDef};
use earshot_trust::TrustModel;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A brand's advocates and detractors: who mentions it positively (or negatively), repeatedly, and
/// earns authentic reactions for it, each with evidence posts.
///
/// A post mentions the brand when it @-mentions one of its handles or contains one of its keywords
/// (posts by the brand's own accounts are left out). Each post's sentiment comes from the built-in
/// model (`earshot sentiment`). An account with more positive than negative mentions is an advocate,
/// one with more negative than positive a detractor, ranked by
///
///   score = Wilson lower bound of the share × ln(1 + mentions of that sign) × (1 + ln(1 + R))
///
/// where R is the reaction weight those posts earned: distinct accounts that reshared, quoted,
/// replied to or liked them, each counted once at its authenticity weight (as `earshot score` weighs
/// reactors; spam and copied replies earn nothing). So a consistent account beats a mixed one, a
/// repeat advocate beats a one-off, and bought reactions add nothing. With `--reasons`, each
/// detractor's negative posts are sorted into complaint reasons by a taxonomy file.
#[derive(Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Examples:
  earshot import --format csv --date-order dmy \\
      --map author=name,text=text,time=tweet_created,id=tweet_id airline_tweets.csv
  earshot advocates --brand United --handle united
  earshot advocates --brand United --handle united \\
      --reasons taxonomies/airline-complaints.toml --limit 5
  earshot advocates --brand \"Virgin America\" --handle virginamerica \\
      --keyword \"virgin america\" --json
  earshot advocates eval-reasons --airline airline_tweets.csv \\
      --reasons taxonomies/airline-complaints.toml

Keywords use the taxonomy syntax (crates/earshot-topics/src/taxonomy.rs): `word*` matches any
ending, several words are a phrase; `#tag` and `$TICKER` are matched as hashtags and cashtags.
Without --handle or --keyword, the brand name without spaces is used as its handle."
)]
pub struct AdvocatesArgs {
    #[command(subcommand)]
    pub command: Option<AdvocatesCommand>,
    /// The brand's name (a label for the output).
    #[arg(long, required = true)]
    pub brand: Option<String>,
    /// A handle of the brand (`@` optional); posts mentioning it count. Repeat for several.
    #[arg(long = "handle", value_name = "HANDLE")]
    pub handles: Vec<String>,
    /// A keyword, phrase, `#hashtag` or `$cashtag` naming the brand. Repeat for several.
    #[arg(long = "keyword", value_name = "KEYWORD")]
    pub keywords: Vec<String>,
    /// A complaint-reason taxonomy (TOML, e.g. taxonomies/airline-complaints.toml) for detractors.
    #[arg(long, value_name = "FILE")]
    pub reasons: Option<PathBuf>,
    /// Advocates and detractors to list.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Evidence posts shown per account.
    #[arg(long, default_value_t = 2)]
    pub evidence: usize,
    #[command(flatten)]
    pub window: WindowArgs,
    /// Count every reactor at weight 1, ignoring authenticity.
    #[arg(long)]
    pub no_authenticity: bool,
}

#[derive(Subcommand, Debug)]
pub enum AdvocatesCommand {
    EvalReasons(EvalReasonsArgs),
}

/// Agreement of a complaint-reason taxonomy with labelled reasons (the airline tweets'
/// `negativereason`), per tweet and per detractor, beside chance and the majority class.
///
/// Reads the CSV directly (no database): columns `text`, `airline_sentiment` and `negativereason`;
/// `name` (the author) for the detractor level, `airline` for per-airline rows. Chance agreement is
/// Σ_k p_predicted(k) × p_label(k) from the two marginals; the majority rate is what always
/// answering the most common label would score.
#[derive(Args, Debug)]
#[command(after_help = "Example:
  earshot advocates eval-reasons --reasons taxonomies/airline-complaints.toml \\
      --airline airline_sentiment_tweets_15col_excel_mangled_ids.csv")]
pub struct EvalReasonsArgs {
    /// The labelled CSV (Twitter US Airline Sentiment layout).
    #[arg(long, value_name = "CSV")]
    pub airline: PathBuf,
    /// The complaint-reason taxonomy; topic labels must be the label column's values.
    #[arg(long, value_name = "FILE")]
    pub reasons: PathBuf,
}

pub fn run(cli: &Ctx, args: &AdvocatesArgs) -> Result<Exit> {
    match &args.command {
        Some(AdvocatesCommand::EvalReasons(a)) => eval_reasons(cli, a),
        None => advocates(cli, args),
    }
}

/// Reads and compiles a taxonomy file; errors name the file.
fn load_taxonomy(path: &Path) -> Result<Matcher> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading reasons taxonomy {name}"))?;
    let matcher = Taxonomy::from_toml(&text, &name)?.compile(&name)?;
    Ok(matcher)
}

/// The brand as a one-topic taxonomy.
fn brand_matcher(brand: &str, handles: &[String], keywords: &[String]) -> Result<Matcher> {
    let mut def = TopicDef {
        label: Some(brand.to_owned()),
        accounts: handles.to_vec(),
        ..TopicDef::default()
    };
    for k in keywords {
        let k = k.trim();
        if let Some(tag) = k.strip_prefix('#') {
            def.hashtags.push(tag.to_owned());
        } else if let Some(tag) = k.strip_prefix('$') {
            def.cashtags.push(tag.to_owned());
        } else {
            def.keywords.push(k.to_owned());
        }
    }
    let mut t = Taxonomy::default();
    t.topics.insert("brand".into(), def);
    t.compile("--handle/--keyword")
        .map_err(|e| UsageError(e.to_string()).into())
}

/// Lower-case strings one of which the lower-cased text of any post the brand matches contains: the
/// handles, and each keyword's, hashtag's or cashtag's first word without its `*`.
fn needles(handles: &[String], keywords: &[String]) -> Vec<String> {
    handles
        .iter()
        .map(|h| h.as_str())
        .chain(keywords.iter().filter_map(|k| k.split_whitespace().next()))
        .map(|w| {
            w.trim_start_matches(['@', '#', '$'])
                .trim_end_matches('*')
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn stance(p: Polarity) -> Stance {
    match p {
        Polarity::Negative => Stance::Negative,
        Polarity::Neutral => Stance::Neutral,
        Polarity::Positive => Stance::Positive,
    }
}

fn advocates(cli: &Ctx, args: &AdvocatesArgs) -> Result<Exit> {
    let brand = args.brand.clone().unwrap_or_default();
    let mut handles: Vec<String> = args
        .handles
        .iter()
        .map(|h| h.trim().trim_start_matches('@').to_owned())
        .collect();
    if handles.is_empty() && args.keywords.is_empty() {
        let h: String = brand.chars().filter(|c| !c.is_whitespace()).collect();
        if h.is_empty() {
            return Err(UsageError("--brand is empty; give --handle or --keyword".into()).into());
        }
        if !cli.quiet {
            eprintln!("note: no --handle or --keyword; matching the handle @{h}");
        }
        handles.push(h);
    }
    let window = args.window.window()?;
    let matcher = brand_matcher(&brand, &handles, &args.keywords)?;
    let reasons = args.reasons.as_deref().map(load_taxonomy).transpose()?;
    let store = cli.open_store()?;
    let platform = args.window.platform.as_deref();
    let trust = (!args.no_authenticity).then(TrustModel::builtin);
    let (input, _) = load_input(&store, window, platform, trust.as_ref())?;

    // The brand's own accounts: their posts are not advocacy.
    let mut own: FxHashSet<i64> = FxHashSet::default();
    for h in &handles {
        own.extend(store.find_accounts(h, platform)?.into_iter().map(|a| a.id));
    }
    let model = SentimentModel::builtin();
    let needles = needles(&handles, &args.keywords);
    let mut mentions: Vec<Mention> = input
        .posts
        .par_iter()
        .filter(|(_, p)| !own.contains(&p.author))
        .filter_map(|(&id, p)| {
            let text = p.text.as_deref()?;
            // Cheap first: a post can only match if its text contains a handle or a keyword's first word.
            let lower = text.to_lowercase();
            if !needles.iter().any(|n| lower.contains(n.as_str())) {
                return None;
            }
            let terms = extract(text);
            if matcher.hits(&terms, None).is_empty() {
                return None;
            }
            let s = model.classify(text);
            let reasons = match (&reasons, s.polarity) {
                (Some(r), Polarity::Negative) => rank_reasons(&r.hits(&terms, None)),
                _ => Vec::new(),
            };
            Some(Mention {
                post: id,
                author: p.author,
                stance: stance(s.polarity),
                probabilities: s.probabilities,
                reactors: Vec::new(),
                reasons,
            })
        })
        .collect();
    // One author saying the same thing again is one voice, once: a text its author already posted
    // (ignoring case, links, mentions and spacing) does not count again, so ten copies of "YOU ARE THE
    // BEST!!! FOLLOW ME" are one positive mention. In time order, so the first post is the one kept.
    mentions.sort_by_key(|m| (input.posts.get(&m.post).map(|p| p.time), m.post));
    let before = mentions.len();
    let mut said: FxHashSet<(i64, String)> = FxHashSet::default();
    mentions.retain(|m| {
        let text = input
            .posts
            .get(&m.post)
            .and_then(|p| p.text.as_deref())
            .unwrap_or("");
        said.insert((m.author, repeat_key(text)))
    });
    let repeats = before - mentions.len();
    let index: FxHashMap<i64, usize> = mentions
        .iter()
        .enumerate()
        .map(|(i, m)| (m.post, i))
        .collect();
    let mut reacted = 0usize;
    for r in &input.reactions {
        let reaction = matches!(
            r.kind,
            InteractionKind::Reshare
                | InteractionKind::Quote
                | InteractionKind::Reply
                | InteractionKind::Like
        );
        let Some(&i) = r.post.and_then(|p| index.get(&p)) else {
            continue;
        };
        let m = &mut mentions[i];
        if !reaction || r.target != m.author || r.actor == m.author || input.flag_of(r).is_some() {
            continue;
        }
        m.reactors
            .push((r.actor, input.reactor_weight(r.actor, r.target)));
        reacted += 1;
    }
    let opts = AdvocacyOptions {
        evidence: args.evidence,
        ..AdvocacyOptions::default()
    };
    let found = rank(&mentions, &opts);
    let reason_labels: Vec<String> = reasons
        .as_ref()
        .map(|r| r.labels().to_vec())
        .unwrap_or_default();
    let text_of = |post: i64| -> String {
        input
            .posts
            .get(&post)
            .and_then(|p| p.text.clone())
            .unwrap_or_default()
    };
    let describe = |list: &[Ranked]| -> Result<Vec<serde_json::Value>> {
        list.iter()
            .take(args.limit)
            .map(|r| {
                Ok(serde_json::json!({
                    "account": display_name(&store, r.account)?,
                    "account_id": r.account,
                    "count": r.count,
                    "mentions": r.mentions,
                    "share": r.share,
                    "share_lower": r.share_lower,
                    "reactions": r.reactions,
                    "score": r.score,
                    "reasons": r.reasons.iter().map(|c| serde_json::json!({
                        "reason": reason_labels[c.topic as usize], "posts": c.posts, "primary": c.primary,
                    })).collect::<Vec<_>>(),
                    "evidence": r.evidence.iter().map(|&p| serde_json::json!({
                        "post_id": p, "text": text_of(p),
                    })).collect::<Vec<_>>(),
                }))
            })
            .collect()
    };
    let advocates = describe(&found.advocates)?;
    let detractors = describe(&found.detractors)?;
    let note = (found.mentions == 0).then(|| {
        format!(
            "no stored post mentions {brand} (handles: {}; keywords: {}){}",
            list_or_none(&handles.iter().map(|h| format!("@{h}")).collect::<Vec<_>>()),
            list_or_none(&args.keywords),
            if window.is_unbounded() && platform.is_none() {
                String::new()
            } else {
                " in this window/platform".into()
            }
        )
    });
    if cli.json {
        let mut advocates = advocates;
        let mut detractors = detractors;
        for a in &mut advocates {
            rename(a, "count", "positive");
            a.as_object_mut().map(|o| o.remove("reasons"));
        }
        for d in &mut detractors {
            rename(d, "count", "negative");
        }
        println!(
            "{}",
            serde_json::json!({
                "brand": brand,
                "handles": handles,
                "keywords": args.keywords,
                "mentions": found.mentions,
                "accounts": found.accounts,
                "by_sentiment": {"negative": found.by_stance[0], "neutral": found.by_stance[1], "positive": found.by_stance[2]},
                "reactions_on_mentions": reacted,
                "repeats_dropped": repeats,
                "sentiment_model": model.version,
                "authenticity_model": trust.as_ref().map(|t| t.version.clone()),
                "reasons_file": args.reasons,
                "advocates_total": found.advocates.len(),
                "detractors_total": found.detractors.len(),
                "advocates": advocates,
                "detractors": detractors,
                "note": note,
            })
        );
        return Ok(Exit::Ok);
    }
    if let Some(note) = note {
        println!("{note}");
        return Ok(Exit::Ok);
    }
    let [neg, neu, pos] = found.by_stance;
    println!(
        "{brand}: {} by {} (positive {pos}, neutral {neu}, negative {neg}; sentiment model {})",
        plural(found.mentions, "mention"),
        accounts(found.accounts),
        model.version
    );
    println!(
        "{} to those mentions{}",
        plural(reacted, "reaction"),
        match &trust {
            Some(t) => format!(", each reactor weighted by authenticity ({})", t.version),
            None => ", every reactor weighing 1 (--no-authenticity)".into(),
        }
    );
    if repeats > 0 {
        println!(
            "{} dropped: texts their authors had already posted",
            plural(repeats, "repeated mention")
        );
    }
    println!("score = Wilson lower bound of the share × ln(1 + count) × (1 + ln(1 + reactions))\n");
    print_list(
        &format!(
            "Advocates ({} with more positive than negative mentions)",
            accounts(found.advocates.len())
        ),
        "positive",
        &advocates,
        false,
    );
    println!();
    print_list(
        &format!(
            "Detractors ({} with more negative than positive mentions)",
            accounts(found.detractors.len())
        ),
        "negative",
        &detractors,
        reasons.is_some(),
    );
    Ok(Exit::Ok)
}

fn rename(v: &mut serde_json::Value, from: &str, to: &str) {
    if let Some(o) = v.as_object_mut() {
        if let Some(x) = o.remove(from) {
            o.insert(to.to_owned(), x);
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn accounts(n: usize) -> String {
    plural(n, "account")
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn print_list(title: &str, count_name: &str, rows: &[serde_json::Value], reasons: bool) {
    println!("{title}");
    if rows.is_empty() {
        println!("  (none)");
        return;
    }
    println!(
        "  {:>3}  {:<24} {:>8} {:>8} {:>6} {:>9} {:>6}{}",
        "#",
        "account",
        count_name,
        "mentions",
        "share",
        "reactions",
        "score",
        if reasons { "  top reasons" } else { "" }
    );
    for (i, r) in rows.iter().enumerate() {
        let reasons_text = if reasons {
            let list: Vec<String> = r["reasons"]
                .as_array()
                .into_iter()
                .flatten()
                .take(3)
                .map(|c| format!("{} {}", c["reason"].as_str().unwrap_or(""), c["posts"]))
                .collect();
            format!(
                "  {}",
                if list.is_empty() {
                    "(none found)".into()
                } else {
                    list.join(", ")
                }
            )
        } else {
            String::new()
        };
        println!(
            "  {:>3}  {:<24} {:>8} {:>8} {:>5.0}% {:>9.1} {:>6.2}{}",
            i + 1,
            r["account"].as_str().unwrap_or(""),
            r["count"].as_u64().unwrap_or(0),
            r["mentions"].as_u64().unwrap_or(0),
            r["share"].as_f64().unwrap_or(0.0) * 100.0,
            r["reactions"].as_f64().unwrap_or(0.0),
            r["score"].as_f64().unwrap_or(0.0),
            reasons_text
        );
        for e in r["evidence"].as_array().into_iter().flatten() {
            println!(
                "         “{}”",
                crate::output::one_line(e["text"].as_str().unwrap_or(""), 140)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// eval-reasons

/// Agreement of predicted with labelled classes, beside chance and the majority class.
#[derive(Debug, Default, Clone, serde::Serialize)]
struct Agreement {
    /// Units considered (tweets or detractors).
    units: usize,
    /// Units with a prediction (and a label).
    compared: usize,
    coverage: f64,
    agree: usize,
    agreement: f64,
    /// Σ_k p_pred(k) · p_label(k) over the compared units.
    chance: f64,
    /// The most common label's share among the compared units.
    majority: f64,
    majority_label: String,
    /// Cohen's kappa: (agreement − chance) / (1 − chance).
    kappa: f64,
}

impl Agreement {
    /// `pairs`: (prediction, label) of the compared units; `units`: all units.
    fn of(units: usize, pairs: &[(String, String)]) -> Agreement {
        let n = pairs.len();
        let mut pred: BTreeMap<&str, usize> = BTreeMap::new();
        let mut label: BTreeMap<&str, usize> = BTreeMap::new();
        let mut agree = 0;
        for (p, l) in pairs {
            *pred.entry(p).or_default() += 1;
            *label.entry(l).or_default() += 1;
            agree += usize::from(p.eq_ignore_ascii_case(l));
        }
        let nf = n.max(1) as f64;
        let chance: f64 = pred
            .iter()
            .map(|(k, &c)| {
                let l = label
                    .iter()
                    .filter(|(lk, _)| lk.eq_ignore_ascii_case(k))
                    .map(|(_, &c)| c)
                    .sum::<usize>();
                (c as f64 / nf) * (l as f64 / nf)
            })
            .sum();
        let (majority_label, majority) = label
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(k, &c)| (k.to_string(), c as f64 / nf))
            .unwrap_or_default();
        let agreement = agree as f64 / nf;
        Agreement {
            units,
            compared: n,
            coverage: n as f64 / units.max(1) as f64,
            agree,
            agreement,
            chance,
            majority,
            majority_label,
            kappa: if chance < 1.0 {
                (agreement - chance) / (1.0 - chance)
            } else {
                0.0
            },
        }
    }
}

const CANT_TELL: &str = "Can't Tell";

/// One row as read: its complaint reasons (primary first), the classifier's stance and probabilities.
type RowReading = (Vec<(u32, u32)>, Stance, [f64; 3]);

#[derive(Debug, serde::Serialize)]
struct EvalRow {
    scope: String,
    /// `tweet`, `tweet_all` (no hit = Can't Tell), `detractor_labelled`, `detractor_classified`.
    level: &'static str,
    #[serde(flatten)]
    agreement: Agreement,
}

fn eval_reasons(cli: &Ctx, args: &EvalReasonsArgs) -> Result<Exit> {
    let matcher = load_taxonomy(&args.reasons)?;
    let rows = read_labelled_tweets(&args.airline, true)?;
    if rows.is_empty() {
        bail!("{}: no rows", args.airline.display());
    }
    let labels = matcher.labels().to_vec();
    let model = SentimentModel::builtin();
    // Per row: the predicted primary reason (label), its reasons, and the classifier's stance.
    let per_row: Vec<RowReading> = rows
        .par_iter()
        .map(|r| {
            let terms = extract(&r.text);
            let s = model.classify(&r.text);
            (
                rank_reasons(&matcher.hits(&terms, None)),
                stance(s.polarity),
                s.probabilities,
            )
        })
        .collect();
    let negative = |r: &LabelledTweet| r.sentiment == "negative";
    let known: FxHashSet<String> = rows
        .iter()
        .filter(|r| negative(r))
        .map(|r| r.reason.to_lowercase())
        .collect();
    let unmatched: Vec<&String> = labels
        .iter()
        .filter(|l| !known.contains(&l.to_lowercase()))
        .collect();
    if !unmatched.is_empty() && !cli.quiet {
        eprintln!(
            "note: {} topic label(s) never appear in the negativereason column: {}",
            unmatched.len(),
            unmatched
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // Global label frequencies among negatives, to break ties in a detractor's most common label.
    let mut label_freq: FxHashMap<&str, usize> = FxHashMap::default();
    for r in rows.iter().filter(|r| negative(r)) {
        *label_freq.entry(r.reason.as_str()).or_default() += 1;
    }
    let mut airlines: Vec<String> = rows.iter().map(|r| r.airline.clone()).collect();
    airlines.sort();
    airlines.dedup();
    let has_authors = rows.iter().any(|r| r.author.is_some());
    let mut out: Vec<EvalRow> = Vec::new();
    let mut per_reason: Vec<serde_json::Value> = Vec::new();
    let mut checks: Vec<StanceCheck> = Vec::new();
    let scopes: Vec<Option<&str>> = std::iter::once(None)
        .chain(
            airlines
                .iter()
                .filter(|a| airlines.len() > 1 && !a.is_empty())
                .map(|a| Some(a.as_str())),
        )
        .collect();
    for scope in scopes {
        let in_scope = |r: &LabelledTweet| scope.is_none_or(|s| r.airline == s);
        let name = scope.unwrap_or("all").to_owned();
        let negatives: Vec<usize> = (0..rows.len())
            .filter(|&i| negative(&rows[i]) && in_scope(&rows[i]))
            .collect();
        // (a) tweets with a reason hit.
        let pairs: Vec<(String, String)> = negatives
            .iter()
            .filter_map(|&i| {
                let top = per_row[i].0.first()?;
                Some((labels[top.0 as usize].clone(), rows[i].reason.clone()))
            })
            .collect();
        out.push(EvalRow {
            scope: name.clone(),
            level: "tweet",
            agreement: Agreement::of(negatives.len(), &pairs),
        });
        // (a') every negative tweet; no hit = Can't Tell.
        let all: Vec<(String, String)> = negatives
            .iter()
            .map(|&i| {
                let p = per_row[i]
                    .0
                    .first()
                    .map_or(CANT_TELL.to_owned(), |t| labels[t.0 as usize].clone());
                (p, rows[i].reason.clone())
            })
            .collect();
        if scope.is_none() {
            per_reason = reason_table(&labels, &all);
        }
        out.push(EvalRow {
            scope: name.clone(),
            level: "tweet_all",
            agreement: Agreement::of(negatives.len(), &all),
        });
        if !has_authors {
            continue;
        }
        // (b) detractors: authors' labelled negative tweets, and (b') detractors as `advocates`
        // finds them, from every tweet with the classifier's sentiment.
        for (level, classified) in [
            ("detractor_labelled", false),
            ("detractor_classified", true),
        ] {
            let mut mentions: Vec<Mention> = Vec::new();
            let mut ids: FxHashMap<(&str, &str), i64> = FxHashMap::default();
            let mut labelled: FxHashMap<i64, Vec<&str>> = FxHashMap::default();
            for (i, r) in rows.iter().enumerate() {
                let Some(author) = r.author.as_deref() else {
                    continue;
                };
                if !in_scope(r) {
                    continue;
                }
                let next = ids.len() as i64;
                let id = *ids.entry((r.airline.as_str(), author)).or_insert(next);
                if negative(r) {
                    labelled.entry(id).or_default().push(r.reason.as_str());
                }
                let (reasons, s, probabilities) = &per_row[i];
                let s = if classified {
                    *s
                } else if negative(r) {
                    Stance::Negative
                } else {
                    continue;
                };
                mentions.push(Mention {
                    post: i as i64,
                    author: id,
                    stance: s,
                    probabilities: *probabilities,
                    reactors: Vec::new(),
                    reasons: if s == Stance::Negative {
                        reasons.clone()
                    } else {
                        Vec::new()
                    },
                });
            }
            let found = rank(&mentions, &AdvocacyOptions::default());
            if classified {
                checks.extend(stance_checks(&name, &found, &mentions, &rows));
            }
            // Units: detractors with at least one labelled negative tweet.
            let units: Vec<&Ranked> = found
                .detractors
                .iter()
                .filter(|d| labelled.contains_key(&d.account))
                .collect();
            let pairs: Vec<(String, String)> = units
                .iter()
                .filter_map(|d| {
                    let top = d.top_reason()?;
                    let label = most_common_label(&labelled[&d.account], &label_freq);
                    Some((labels[top as usize].clone(), label.to_owned()))
                })
                .collect();
            out.push(EvalRow {
                scope: name.clone(),
                level,
                agreement: Agreement::of(units.len(), &pairs),
            });
        }
    }
    if cli.json {
        println!(
            "{}",
            serde_json::json!({
                "file": args.airline,
                "reasons_file": args.reasons,
                "sentiment_model": model.version,
                "rows": out,
                "per_reason": per_reason,
                "stance_checks": checks,
            })
        );
        return Ok(Exit::Ok);
    }
    println!(
        "Complaint reasons ({}) against the labels of {}",
        args.reasons.display(),
        args.airline.display()
    );
    println!(
        "tweet: labelled-negative tweets with a reason hit; tweet_all: every labelled-negative tweet, no hit = Can't Tell;\n\
         detractor_labelled: (airline, author) pairs by their labelled-negative tweets; detractor_classified: detractors\n\
         as `earshot advocates` finds them (sentiment model {}). A detractor's label is its most common labelled reason.\n",
        model.version
    );
    println!(
        "{:<16} {:<21} {:>6} {:>8} {:>9} {:>9} {:>7} {:>9} {:>6}",
        "scope",
        "level",
        "units",
        "compared",
        "coverage",
        "agreement",
        "chance",
        "majority",
        "kappa"
    );
    for r in &out {
        let a = &r.agreement;
        println!(
            "{:<16} {:<21} {:>6} {:>8} {:>8.1}% {:>8.1}% {:>6.1}% {:>8.1}% {:>6.3}",
            r.scope,
            r.level,
            a.units,
            a.compared,
            a.coverage * 100.0,
            a.agreement * 100.0,
            a.chance * 100.0,
            a.majority * 100.0,
            a.kappa
        );
    }
    println!("\nPer reason (every labelled-negative tweet, all airlines):");
    println!(
        "  {:<28} {:>9} {:>8} {:>7} {:>10} {:>7}",
        "reason", "predicted", "labelled", "agree", "precision", "recall"
    );
    for r in &per_reason {
        println!(
            "  {:<28} {:>9} {:>8} {:>7} {:>9.1}% {:>6.1}%",
            r["reason"].as_str().unwrap_or(""),
            r["predicted"].as_u64().unwrap_or(0),
            r["labelled"].as_u64().unwrap_or(0),
            r["agree"].as_u64().unwrap_or(0),
            r["precision"].as_f64().unwrap_or(0.0) * 100.0,
            r["recall"].as_f64().unwrap_or(0.0) * 100.0
        );
    }
    if !checks.is_empty() {
        println!(
            "\nAdvocates and detractors as `earshot advocates` finds them, against the dataset's sentiment labels:\n\
             of the tweets counted for them (positive for advocates, negative for detractors), the share the\n\
             dataset labels the same way and the opposite way, beside that label's share of all the scope's tweets."
        );
        println!(
            "{:<16} {:<16} {:>8} {:>6} {:>9} {:>9} {:>9}",
            "scope", "group", "accounts", "posts", "same", "opposite", "base"
        );
        for c in &checks {
            println!(
                "{:<16} {:<16} {:>8} {:>6} {:>8.1}% {:>8.1}% {:>8.1}%",
                c.scope,
                c.group,
                c.accounts,
                c.posts,
                c.same * 100.0,
                c.opposite * 100.0,
                c.base * 100.0
            );
        }
    }
    Ok(Exit::Ok)
}

/// How the posts counted for ranked accounts are labelled in the dataset.
#[derive(Debug, serde::Serialize)]
struct StanceCheck {
    scope: String,
    /// `top10_advocates`, `advocates`, `top10_detractors`, `detractors`.
    group: String,
    accounts: usize,
    /// Posts counted for them: positive ones for advocates, negative ones for detractors.
    posts: usize,
    /// Share of those posts the dataset labels the same way (positive for advocates).
    same: f64,
    /// Share it labels the opposite way.
    opposite: f64,
    /// The same label's share among all the scope's tweets.
    base: f64,
}

fn stance_checks(
    scope: &str,
    found: &earshot_topics::advocacy::Advocacy,
    mentions: &[Mention],
    rows: &[LabelledTweet],
) -> Vec<StanceCheck> {
    let mut by_author: FxHashMap<(i64, bool), Vec<usize>> = FxHashMap::default();
    for m in mentions {
        if m.stance != Stance::Neutral {
            by_author
                .entry((m.author, m.stance == Stance::Positive))
                .or_default()
                .push(m.post as usize);
        }
    }
    let in_scope: Vec<&LabelledTweet> = mentions.iter().map(|m| &rows[m.post as usize]).collect();
    let mut out = Vec::new();
    for (list, positive, name) in [
        (&found.advocates, true, "advocates"),
        (&found.detractors, false, "detractors"),
    ] {
        let (same_label, opposite_label) = if positive {
            ("positive", "negative")
        } else {
            ("negative", "positive")
        };
        let base = in_scope
            .iter()
            .filter(|r| r.sentiment == same_label)
            .count() as f64
            / in_scope.len().max(1) as f64;
        for (group, take) in [(format!("top10_{name}"), 10), (name.to_owned(), usize::MAX)] {
            let accounts: Vec<&Ranked> = list.iter().take(take).collect();
            let posts: Vec<usize> = accounts
                .iter()
                .flat_map(|a| by_author[&(a.account, positive)].iter().copied())
                .collect();
            let share = |label: &str| {
                posts
                    .iter()
                    .filter(|&&i| rows[i].sentiment == label)
                    .count() as f64
                    / posts.len().max(1) as f64
            };
            out.push(StanceCheck {
                scope: scope.to_owned(),
                group,
                accounts: accounts.len(),
                posts: posts.len(),
                same: share(same_label),
                opposite: share(opposite_label),
                base,
            });
        }
    }
    out
}

/// The most common label among a detractor's labelled negative tweets; Can't Tell only when there is
/// nothing else; ties go to the label more common over the whole file, then to the name.
fn most_common_label<'a>(labels: &[&'a str], freq: &FxHashMap<&str, usize>) -> &'a str {
    let mut counts: BTreeMap<&'a str, usize> = BTreeMap::new();
    for &l in labels {
        if !l.is_empty() && !l.eq_ignore_ascii_case(CANT_TELL) {
            *counts.entry(l).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| {
            a.1.cmp(&b.1)
                .then(freq.get(a.0).cmp(&freq.get(b.0)))
                .then(b.0.cmp(a.0))
        })
        .map_or(CANT_TELL, |(l, _)| l)
}

/// Precision and recall per reason over (prediction, label) pairs of every labelled-negative tweet.
fn reason_table(labels: &[String], pairs: &[(String, String)]) -> Vec<serde_json::Value> {
    labels
        .iter()
        .map(|k| {
            let predicted = pairs.iter().filter(|p| p.0 == *k).count();
            let labelled = pairs.iter().filter(|p| p.1.eq_ignore_ascii_case(k)).count();
            let agree = pairs
                .iter()
                .filter(|p| p.0 == *k && p.1.eq_ignore_ascii_case(k))
                .count();
            serde_json::json!({
                "reason": k, "predicted": predicted, "labelled": labelled, "agree": agree,
                "precision": agree as f64 / predicted.max(1) as f64,
                "recall": agree as f64 / labelled.max(1) as f64,
            })
        })
        .collect()
}

/// What makes two posts by one author "the same text": lowercased words without links and mentions.
fn repeat_key(text: &str) -> String {
    earshot_text::strip_entities(text)
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}
