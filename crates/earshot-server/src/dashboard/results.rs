//! A finished job's result drawn as a page section, by its kind: a forecast's distribution, a plan's
//! seeds beside its baselines, communities as a map, a backtest's tables and reliability diagram.
//! Results are stored as the JSON the use case reported (what `GET /v1/jobs/{id}` returns), so these
//! read that JSON.

use super::charts::{self, Bubble, Decile};
use super::layout::{account_label, count, num};
use maud::{html, Markup};
use serde_json::Value;

fn f(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

/// Any job's result, by `kind`.
pub(crate) fn render(kind: &str, result: &Value) -> Markup {
    match kind {
        "forecast" => forecast(result),
        "plan" => plan(result),
        "communities" => communities(result),
        "backtest" => backtest(result),
        "explain" => explanation(result),
        _ => html! { pre { (serde_json::to_string_pretty(result).unwrap_or_default()) } },
    }
}

fn forecast(r: &Value) -> Markup {
    let all: Vec<(u32, f64)> = r["probability_at_least"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| Some((p["n"].as_u64()? as u32, f(&p["probability"])?)))
                .collect()
        })
        .unwrap_or_default();
    // The curve up to the first threshold no simulation reached (and at least to 16), so that a
    // forecast of small reach is not drawn squeezed against the axis.
    let reached = all.iter().rposition(|p| p.1 > 0.0).map_or(0, |i| i + 1);
    let shown = all.iter().position(|p| p.0 >= 16).unwrap_or(0).max(reached) + 1;
    let points: Vec<(u32, f64)> = all.into_iter().take(shown).collect();
    let q = |k: &str| r[k].as_u64().unwrap_or(0) as u32;
    html! {
        p { "Forecast for " strong { (text(&r["account"])) } " from " (count(r["simulations"].as_u64().unwrap_or(0))) " simulated cascades ("
            (text(&r["model"])) @if r["conditional_on_one_reshare"].as_bool() == Some(true) { ", given at least one reshare" } ")." }
        ul class="cards" aria-label="Forecast" {
            li { span class="big" id="forecast-p50" { (q("p50")) } span class="label" { "median reach (p50)" } }
            li { span class="big" { (q("p10")) " – " (q("p90")) } span class="label" { "p10 – p90" } }
            li { span class="big" { (num(f(&r["mean"]), 1)) } span class="label" { "mean (± " (num(f(&r["std_error"]), 1)) " s.e.)" } }
            li { span class="big" { (q("max")) } span class="label" { "largest simulated" } }
        }
        @if !points.is_empty() {
            (charts::survival("Chance the post reaches at least N accounts",
                &format!("Survival curve of simulated reach: p10 {}, p50 {}, p90 {}; a heavy tail means most posts stay small while a few travel far", q("p10"), q("p50"), q("p90")),
                &points, &[("p10", q("p10").max(1)), ("p50", q("p50").max(1)), ("p90", q("p90").max(1))]))
            table {
                caption { "P(reach ≥ N)" }
                thead { tr { th scope="col" class="n" { "N" } th scope="col" class="n" { "probability" } } }
                tbody { @for (n, p) in points.iter().filter(|p| p.1 > 0.0) { tr { td class="n" { (n) } td class="n" { (format!("{:.2}%", p * 100.0)) } } } }
            }
        }
    }
}

fn mc(v: &Value) -> String {
    match (f(&v["mean"]), f(&v["ci95"])) {
        (Some(m), Some(c)) => format!("{m:.1} ± {c:.1}"),
        _ => "—".into(),
    }
}

fn plan(r: &Value) -> Markup {
    let seeds = r["seeds"].as_array().cloned().unwrap_or_default();
    html! {
        p { "Graph: " (text(&r["graph"])) ", " (count(r["nodes"].as_u64().unwrap_or(0))) " accounts, " (count(r["edges"].as_u64().unwrap_or(0))) " ties"
            @if let Some(a) = r["audience"].as_u64() { "; reach counts inside an audience of " (count(a)) " accounts" } "." }
        @if let Some(g) = f(&r["guarantee"]) {
            p { "IMM's guarantee: the seeds reach at least " strong { (format!("{:.1}%", g * 100.0)) } " of the best possible spread, with high probability (ε = " (num(f(&r["epsilon"]), 2)) ")." }
        }
        ul class="cards" aria-label="Spread" {
            li { span class="big" id="plan-spread" { (mc(&r["monte_carlo"])) } span class="label" { "Monte Carlo spread of the chosen seeds (95% interval)" } }
            li { span class="big" { (num(f(&r["estimated_spread"]), 1)) } span class="label" { "planner's own estimate" } }
            @for b in r["baselines"].as_array().cloned().unwrap_or_default() {
                li { span class="big" { (mc(&b["monte_carlo"])) } span class="label" { (text(&b["seeds"])) " seeds, same simulations" } }
            }
        }
        table id="plan-seeds" {
            caption { "Seeds in the order chosen, with the spread each adds" }
            thead { tr { th scope="col" class="n" { "#" } th scope="col" { "account" } th scope="col" class="n" { "marginal gain" } } }
            tbody {
                @for (i, s) in seeds.iter().enumerate() {
                    tr { td class="n" { (i + 1) } td { (text(&s["id"])) } td class="n" { (num(f(&s["marginal_gain"]), 1)) } }
                }
            }
        }
    }
}

fn communities(r: &Value) -> Markup {
    let top = r["top"].as_array().cloned().unwrap_or_default();
    let leaders: Vec<String> = top
        .iter()
        .map(|c| {
            c["accounts"]
                .get(0)
                .map(|a| account_label(a["handle"].as_str(), a["ext_id"].as_str().unwrap_or("?")))
                .unwrap_or_else(|| "—".into())
        })
        .collect();
    let bubbles: Vec<Bubble<'_>> = top
        .iter()
        .zip(&leaders)
        .map(|(c, l)| Bubble {
            rank: c["rank"].as_u64().unwrap_or(0) as usize,
            size: c["size"].as_u64().unwrap_or(0) as usize,
            leader: l,
        })
        .collect();
    html! {
        p { (count(r["communities"].as_u64().unwrap_or(0))) " communities among " (count(r["nodes"].as_u64().unwrap_or(0))) " accounts and "
            (count(r["edges"].as_u64().unwrap_or(0))) " ties (Louvain, modularity " (num(f(&r["modularity"]), 3)) ", resolution " (num(f(&r["resolution"]), 2)) ")." }
        (charts::bubbles("Communities by size", &format!("The {} largest communities as circles whose area is their size, the largest in the middle; the table below lists each with its leaders", bubbles.len()), &bubbles))
        table id="communities" {
            thead { tr { th scope="col" class="n" { "community" } th scope="col" class="n" { "accounts" } th scope="col" { "leaders (by score, else by strength)" } } }
            tbody {
                @for c in &top {
                    tr {
                        td class="n" { (c["rank"].as_u64().unwrap_or(0)) }
                        td class="n" { (count(c["size"].as_u64().unwrap_or(0))) }
                        td { @for (i, a) in c["accounts"].as_array().cloned().unwrap_or_default().iter().take(5).enumerate() {
                            @if i > 0 { ", " }
                            (account_label(a["handle"].as_str(), a["ext_id"].as_str().unwrap_or("?")))
                            @if let Some(s) = f(&a["score"]) { " (" (format!("{s:.0}")) ")" }
                        } }
                    }
                }
            }
        }
    }
}

fn backtest(r: &Value) -> Markup {
    let rows = r["results"].as_array().cloned().unwrap_or_default();
    let deciles = r["reliability"].as_array().cloned().unwrap_or_default();
    let points: Vec<Decile> = deciles
        .iter()
        .filter_map(|d| {
            Some(Decile {
                predicted: f(&d["predicted"])?,
                realised: f(&d["realised"])?,
                low: f(&d["realised_low"])?,
                high: f(&d["realised_high"])?,
            })
        })
        .collect();
    let when = |w: &Value| {
        w.as_i64()
            .map(super::layout::utc)
            .unwrap_or_else(|| "start".into())
    };
    html! {
        p { "Trained on events " (when(&r["train"]["from"])) " – " (when(&r["train"]["until"])) " ("
            (count(r["train"]["interactions"].as_u64().unwrap_or(0))) " interactions), tested on those to " (when(&r["test"]["until"])) " ("
            (count(r["test"]["interactions"].as_u64().unwrap_or(0))) "); " (count(r["accounts"].as_u64().unwrap_or(0))) " accounts, "
            (count(r["accounts_engaged_in_test"].as_u64().unwrap_or(0))) " engaged in the test window." }
        table id="validity" {
            caption { "How well each predictor ranked later engagement (k = " (r["k"].as_u64().unwrap_or(0)) ")" }
            thead { tr { th scope="col" { "predictor" } th scope="col" class="n" { "Spearman ρ" } th scope="col" class="n" { "NDCG@k" } th scope="col" class="n" { "precision@k" } th scope="col" { "earshot's lead in ρ (95%)" } } }
            tbody {
                @for row in &rows {
                    tr {
                        th scope="row" { (text(&row["predictor"])) }
                        td class="n" { (num(f(&row["spearman"]), 3)) }
                        td class="n" { (num(f(&row["ndcg"]), 3)) }
                        td class="n" { (num(f(&row["precision"]), 3)) }
                        td { @if let Some(l) = row["earshot_lead"]["spearman"].as_object() { (num(l.get("low").and_then(Value::as_f64), 3)) " to " (num(l.get("high").and_then(Value::as_f64), 3)) } @else { "—" } }
                    }
                }
            }
        }
        h2 { "Calibration" }
        @if points.is_empty() {
            p { "This model ranks by percentiles and predicts no engagement, so it has no reliability diagram." }
        } @else {
            (charts::reliability("Expected against realised engagement per score decile",
                &format!("{} deciles; {} have the expected value inside the realised 95% interval; points on the dashed diagonal are perfectly calibrated",
                    points.len(), deciles.iter().filter(|d| d["inside"].as_bool() == Some(true)).count()),
                &points))
            table id="reliability" {
                thead { tr { th scope="col" class="n" { "decile" } th scope="col" { "scores" } th scope="col" class="n" { "accounts" } th scope="col" class="n" { "expected" } th scope="col" class="n" { "realised (95%)" } th scope="col" { "inside" } } }
                tbody {
                    @for d in &deciles {
                        tr {
                            td class="n" { (text(&d["decile"])) }
                            td { (num(f(&d["score_low"]), 1)) "–" (num(f(&d["score_high"]), 1)) }
                            td class="n" { (text(&d["accounts"])) }
                            td class="n" { (num(f(&d["predicted"]), 2)) }
                            td class="n" { (num(f(&d["realised"]), 2)) " (" (num(f(&d["realised_low"]), 2)) "–" (num(f(&d["realised_high"]), 2)) ")" }
                            td { @if d["inside"].as_bool() == Some(true) { "yes" } @else { "no" } }
                        }
                    }
                }
            }
        }
    }
}

/// A JSON value as a cell.
fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(x) if n.is_f64() => format!("{x:.3}"),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// A nested value on one line, cut at 160 characters.
fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 160 {
        s.chars().take(160).collect::<String>() + "…"
    } else {
        s
    }
}

/// An object's fields as a definition list, nested lists summarised by their length.
fn fields(v: &Value) -> Markup {
    let Some(obj) = v.as_object() else {
        return html! { p { "None." } };
    };
    html! {
        dl class="facts" {
            @for (k, x) in obj {
                dt { (k.replace('_', " ")) }
                dd { @match x {
                    Value::Array(a) => { (a.len()) " items" @if let Some(first) = a.first() { ": " (short(first)) } },
                    Value::Object(_) => { (short(x)) },
                    _ => { (scalar(x)) },
                } }
            }
        }
    }
}

/// An array of objects as a table: a column per field of the first, nested values shortened.
fn object_table(v: &Value, what: &str) -> Markup {
    let rows = v.as_array().cloned().unwrap_or_default();
    let Some(first) = rows.first().and_then(Value::as_object) else {
        return html! { p { "No " (what) "." } };
    };
    let cols: Vec<String> = first.keys().cloned().collect();
    html! {
        table {
            thead { tr { @for c in &cols { th scope="col" { (c.replace('_', " ")) } } } }
            tbody {
                @for r in &rows {
                    tr { @for c in &cols { td { @match &r[c] {
                        Value::Array(_) | Value::Object(_) => { (short(&r[c])) },
                        x => { (scalar(x)) },
                    } } } }
                }
            }
        }
    }
}

/// `earshot explain` and `earshot trust explain` of one account.
fn explanation(r: &Value) -> Markup {
    let x = &r["explanation"];
    let t = &r["authenticity"];
    let platform = x["platform"].as_str().unwrap_or("");
    let platform_id = x["platform_id"].as_str().unwrap_or("");
    let name = account_label(x["handle"].as_str(), platform_id);
    html! {
        p { a href=(super::layout::account_href(platform, platform_id)) { "Back to " (name) } }
        p id="explanation" { "Run " (text(&x["run"])) ", model " (text(&x["model_version"])) ": score " strong { (num(f(&x["overall"]), 1)) } ". Recomputed from the stored events, it "
            @match x["reproduced"].as_bool() {
                Some(true) => "matches the stored score.",
                Some(false) => "differs from the stored score (events changed since the run).",
                None => "has no stored score to match.",
            } }
        h2 { "Points per component" }
        (object_table(&x["components"], "components"))
        h2 { "Conversation" }
        (fields(&x["conversation"]))
        h2 { "Evidence: who reacted" }
        (object_table(&x["evidence"]["reactors"], "reactors"))
        h2 { "Evidence: posts" }
        (object_table(&x["evidence"]["posts"], "posts"))
        h2 { "Flagged posts" }
        (fields(&x["flagged_posts"]))
        h2 { "Authenticity" }
        p { "Probability that the account is automated or fake: " strong { (num(f(&t["assessment"]["probability"]).map(|p| p * 100.0), 1)) "%" }
            " (model " (text(&t["assessment"]["model_version"])) ")"
            @if let Some(l) = t["label"].as_str() { "; the data labels it " (l) } "." }
        (object_table(&t["assessment"]["contributions"], "profile features"))
    }
}
