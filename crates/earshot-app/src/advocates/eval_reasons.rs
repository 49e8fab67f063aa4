//! How well a complaint-reason taxonomy agrees with labelled reasons (the airline tweets'
//! `negativereason`), per tweet and per detractor, beside chance and the majority class
//! (`earshot advocates eval-reasons`).
//!
//! Reads the CSV directly (no database): columns `text`, `airline_sentiment` and `negativereason`;
//! `name` (the author) for the detractor level, `airline` for per-airline rows. Chance agreement is
//! Σ_k p_predicted(k) × p_label(k) from the two marginals; the majority rate is what always answering
//! the most common label would score.

use super::brand::load_taxonomy;
use super::mentions::stance;
use anyhow::{bail, Result};
use earshot_ingest::airline_labels::{read_labelled_tweets, LabelledTweet};
use earshot_sentiment::SentimentModel;
use earshot_topics::advocacy::{
    rank, rank_reasons, Advocacy, AdvocacyOptions, Mention, Ranked, Stance,
};
use earshot_topics::{extract, Matcher};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Which taxonomy to measure against which labelled file.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalReasonsRequest {
    /// The labelled CSV (Twitter US Airline Sentiment layout).
    pub airline: PathBuf,
    /// The complaint-reason taxonomy; its topic labels must be the label column's values.
    pub reasons: PathBuf,
}

/// Agreement of predicted with labelled classes, beside chance and the majority class.
#[derive(Debug, Default, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Agreement {
    /// Units considered (tweets or detractors).
    pub units: usize,
    /// Units with a prediction (and a label).
    pub compared: usize,
    pub coverage: f64,
    pub agree: usize,
    pub agreement: f64,
    /// Σ_k p_pred(k) · p_label(k) over the compared units.
    pub chance: f64,
    /// The most common label's share among the compared units.
    pub majority: f64,
    pub majority_label: String,
    /// Cohen's kappa: (agreement − chance) / (1 − chance).
    pub kappa: f64,
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

/// One scope's agreement at one level.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EvalRow {
    /// `all`, or an airline.
    pub scope: String,
    /// `tweet`, `tweet_all` (no hit = Can't Tell), `detractor_labelled`, `detractor_classified`.
    pub level: &'static str,
    #[serde(flatten)]
    pub agreement: Agreement,
}

/// Precision and recall of one reason over every labelled-negative tweet.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReasonScore {
    pub reason: String,
    /// Tweets whose predicted reason it is.
    pub predicted: usize,
    /// Tweets labelled with it.
    pub labelled: usize,
    /// Tweets both predicted and labelled with it.
    pub agree: usize,
    pub precision: f64,
    pub recall: f64,
}

/// How the posts counted for ranked accounts are labelled in the dataset.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StanceCheck {
    pub scope: String,
    /// `top10_advocates`, `advocates`, `top10_detractors`, `detractors`.
    pub group: String,
    pub accounts: usize,
    /// Posts counted for them: positive ones for advocates, negative ones for detractors.
    pub posts: usize,
    /// Share of those posts the dataset labels the same way (positive for advocates).
    pub same: f64,
    /// Share it labels the opposite way.
    pub opposite: f64,
    /// The same label's share among all the scope's tweets.
    pub base: f64,
}

/// `earshot --json advocates eval-reasons`'s output.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EvalReasonsReport {
    /// The labelled CSV.
    #[schema(value_type = String)]
    pub file: PathBuf,
    #[schema(value_type = String)]
    pub reasons_file: PathBuf,
    pub sentiment_model: String,
    /// Per scope (all, then each airline when there are several): tweet, tweet_all, and with authors
    /// detractor_labelled and detractor_classified.
    pub rows: Vec<EvalRow>,
    /// Per reason, over every labelled-negative tweet of all airlines.
    pub per_reason: Vec<ReasonScore>,
    /// Per scope, when the file has authors: advocates and detractors against the sentiment labels.
    pub stance_checks: Vec<StanceCheck>,
}

const CANT_TELL: &str = "Can't Tell";

/// Measure the request's taxonomy against its file's labels. `note` hears of topic labels the label
/// column never uses (they can never agree).
pub fn eval_reasons(req: &EvalReasonsRequest, note: &dyn Fn(&str)) -> Result<EvalReasonsReport> {
    let matcher = load_taxonomy(&req.reasons)?;
    let rows = read_labelled_tweets(&req.airline, true)?;
    if rows.is_empty() {
        bail!("{}: no rows", req.airline.display());
    }
    let labels = matcher.labels();
    let model = SentimentModel::builtin();
    let eval = Evaluation::new(&rows, labels, read_rows(&rows, &matcher, &model));
    let unused = labels_never_labelled(labels, &rows);
    if !unused.is_empty() {
        note(&format!(
            "{} topic label(s) never appear in the negativereason column: {}",
            unused.len(),
            unused.join(", ")
        ));
    }
    let mut report = EvalReasonsReport {
        file: req.airline.clone(),
        reasons_file: req.reasons.clone(),
        sentiment_model: model.version,
        rows: Vec::new(),
        per_reason: reason_table(labels, &eval.predicted_or_cant_tell(&eval.negatives(None))),
        stance_checks: Vec::new(),
    };
    let has_authors = rows.iter().any(|r| r.author.is_some());
    for scope in scopes(&rows) {
        report.rows.extend(eval.tweet_rows(scope));
        if has_authors {
            let (detractor_rows, checks) = eval.detractor_rows(scope);
            report.rows.extend(detractor_rows);
            report.stance_checks.extend(checks);
        }
    }
    Ok(report)
}

/// One row as read: its complaint reasons (primary first), the classifier's stance and probabilities.
type RowReading = (Vec<(u32, u32)>, Stance, [f64; 3]);

/// Every row's complaint reasons by the taxonomy and its sentiment by the classifier.
fn read_rows(rows: &[LabelledTweet], matcher: &Matcher, model: &SentimentModel) -> Vec<RowReading> {
    rows.par_iter()
        .map(|r| {
            let terms = extract(&r.text);
            let s = model.classify(&r.text);
            (
                rank_reasons(&matcher.hits(&terms, None)),
                stance(s.polarity),
                s.probabilities,
            )
        })
        .collect()
}

fn is_negative(r: &LabelledTweet) -> bool {
    r.sentiment == "negative"
}

/// The taxonomy's labels that no labelled-negative row carries (compared ignoring case).
fn labels_never_labelled<'a>(labels: &'a [String], rows: &[LabelledTweet]) -> Vec<&'a str> {
    let known: FxHashSet<String> = rows
        .iter()
        .filter(|r| is_negative(r))
        .map(|r| r.reason.to_lowercase())
        .collect();
    labels
        .iter()
        .filter(|l| !known.contains(&l.to_lowercase()))
        .map(String::as_str)
        .collect()
}

/// All rows (`None`), then each airline's, when the file has more than one.
fn scopes(rows: &[LabelledTweet]) -> Vec<Option<&str>> {
    let mut airlines: Vec<&str> = rows.iter().map(|r| r.airline.as_str()).collect();
    airlines.sort_unstable();
    airlines.dedup();
    let several = airlines.len() > 1;
    std::iter::once(None)
        .chain(
            airlines
                .into_iter()
                .filter(|a| several && !a.is_empty())
                .map(Some),
        )
        .collect()
}

fn scope_name(scope: Option<&str>) -> String {
    scope.unwrap_or("all").to_owned()
}

fn in_scope(r: &LabelledTweet, scope: Option<&str>) -> bool {
    scope.is_none_or(|s| r.airline == s)
}

/// The labelled rows with the taxonomy's and the classifier's reading of each.
struct Evaluation<'a> {
    rows: &'a [LabelledTweet],
    /// The taxonomy's labels, by topic id.
    labels: &'a [String],
    /// By row.
    readings: Vec<RowReading>,
    /// How often each label occurs among labelled-negative rows: breaks ties in a detractor's most
    /// common label.
    label_freq: FxHashMap<&'a str, usize>,
}

impl<'a> Evaluation<'a> {
    fn new(
        rows: &'a [LabelledTweet],
        labels: &'a [String],
        readings: Vec<RowReading>,
    ) -> Evaluation<'a> {
        let mut label_freq: FxHashMap<&str, usize> = FxHashMap::default();
        for r in rows.iter().filter(|r| is_negative(r)) {
            *label_freq.entry(r.reason.as_str()).or_default() += 1;
        }
        Evaluation {
            rows,
            labels,
            readings,
            label_freq,
        }
    }

    /// The scope's labelled-negative rows.
    fn negatives(&self, scope: Option<&str>) -> Vec<usize> {
        (0..self.rows.len())
            .filter(|&i| is_negative(&self.rows[i]) && in_scope(&self.rows[i], scope))
            .collect()
    }

    /// The taxonomy's primary reason for row `i`, if it found one.
    fn predicted(&self, i: usize) -> Option<&'a str> {
        let top = self.readings[i].0.first()?;
        Some(self.labels[top.0 as usize].as_str())
    }

    /// (prediction, label) of the rows with a reason hit.
    fn predicted_pairs(&self, rows: &[usize]) -> Vec<(String, String)> {
        rows.iter()
            .filter_map(|&i| Some((self.predicted(i)?.to_owned(), self.rows[i].reason.clone())))
            .collect()
    }

    /// (prediction, label) of every row; no hit predicts Can't Tell.
    fn predicted_or_cant_tell(&self, rows: &[usize]) -> Vec<(String, String)> {
        rows.iter()
            .map(|&i| {
                let p = self.predicted(i).unwrap_or(CANT_TELL).to_owned();
                (p, self.rows[i].reason.clone())
            })
            .collect()
    }

    /// The tweet-level rows of a scope: its labelled-negative tweets with a reason hit (`tweet`), and
    /// all of them, no hit counting as Can't Tell (`tweet_all`).
    fn tweet_rows(&self, scope: Option<&str>) -> [EvalRow; 2] {
        let negatives = self.negatives(scope);
        [
            EvalRow {
                scope: scope_name(scope),
                level: "tweet",
                agreement: Agreement::of(negatives.len(), &self.predicted_pairs(&negatives)),
            },
            EvalRow {
                scope: scope_name(scope),
                level: "tweet_all",
                agreement: Agreement::of(negatives.len(), &self.predicted_or_cant_tell(&negatives)),
            },
        ]
    }

    /// The detractor-level rows of a scope: detractors by their authors' labelled-negative tweets
    /// (`detractor_labelled`), and as `earshot advocates` finds them, from every tweet with the
    /// classifier's sentiment (`detractor_classified`); with the latter's stance checks.
    fn detractor_rows(&self, scope: Option<&str>) -> (Vec<EvalRow>, Vec<StanceCheck>) {
        let mut rows = Vec::new();
        let mut checks = Vec::new();
        for (level, classified) in [
            ("detractor_labelled", false),
            ("detractor_classified", true),
        ] {
            let (mentions, labelled) = self.author_mentions(scope, classified);
            let found = rank(&mentions, &AdvocacyOptions::default());
            if classified {
                checks = stance_checks(&scope_name(scope), &found, &mentions, self.rows);
            }
            rows.push(EvalRow {
                scope: scope_name(scope),
                level,
                agreement: self.detractor_agreement(&found, &labelled),
            });
        }
        (rows, checks)
    }

    /// The scope's tweets as mentions by their (airline, author) pairs, and each pair's labelled
    /// negative reasons. `classified`: every tweet with the classifier's stance; otherwise only the
    /// labelled-negative tweets, as negative.
    fn author_mentions(
        &self,
        scope: Option<&str>,
        classified: bool,
    ) -> (Vec<Mention>, FxHashMap<i64, Vec<&'a str>>) {
        let mut mentions: Vec<Mention> = Vec::new();
        let mut ids: FxHashMap<(&str, &str), i64> = FxHashMap::default();
        let mut labelled: FxHashMap<i64, Vec<&'a str>> = FxHashMap::default();
        for (i, r) in self.rows.iter().enumerate() {
            let Some(author) = r.author.as_deref() else {
                continue;
            };
            if !in_scope(r, scope) {
                continue;
            }
            let next = ids.len() as i64;
            let id = *ids.entry((r.airline.as_str(), author)).or_insert(next);
            if is_negative(r) {
                labelled.entry(id).or_default().push(r.reason.as_str());
            }
            let (reasons, s, probabilities) = &self.readings[i];
            let s = if classified {
                *s
            } else if is_negative(r) {
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
        (mentions, labelled)
    }

    /// Agreement of detractors' top reasons with their most common labelled reasons, over the
    /// detractors with at least one labelled-negative tweet.
    fn detractor_agreement(
        &self,
        found: &Advocacy,
        labelled: &FxHashMap<i64, Vec<&str>>,
    ) -> Agreement {
        let units: Vec<&Ranked> = found
            .detractors
            .iter()
            .filter(|d| labelled.contains_key(&d.account))
            .collect();
        let pairs: Vec<(String, String)> = units
            .iter()
            .filter_map(|d| {
                let top = d.top_reason()?;
                let label = most_common_label(&labelled[&d.account], &self.label_freq);
                Some((self.labels[top as usize].clone(), label.to_owned()))
            })
            .collect();
        Agreement::of(units.len(), &pairs)
    }
}

/// The dataset's sentiment labels of the posts counted for the advocates and detractors `found` (all
/// of them, and the top ten).
fn stance_checks(
    scope: &str,
    found: &Advocacy,
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
fn reason_table(labels: &[String], pairs: &[(String, String)]) -> Vec<ReasonScore> {
    labels
        .iter()
        .map(|k| {
            let predicted = pairs.iter().filter(|p| p.0 == *k).count();
            let labelled = pairs.iter().filter(|p| p.1.eq_ignore_ascii_case(k)).count();
            let agree = pairs
                .iter()
                .filter(|p| p.0 == *k && p.1.eq_ignore_ascii_case(k))
                .count();
            ReasonScore {
                reason: k.clone(),
                predicted,
                labelled,
                agree,
                precision: agree as f64 / predicted.max(1) as f64,
                recall: agree as f64 / labelled.max(1) as f64,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(p, l)| (p.to_string(), l.to_string()))
            .collect()
    }

    #[test]
    fn agreement_is_set_beside_chance_and_the_majority_ignoring_case() {
        let a = Agreement::of(
            5,
            &pairs(&[
                ("Late Flight", "late flight"),
                ("Late Flight", "Bad Flight"),
                ("Bad Flight", "Bad Flight"),
                ("Lost Luggage", "Bad Flight"),
            ]),
        );
        assert_eq!((a.units, a.compared, a.agree), (5, 4, 2));
        assert_eq!(a.coverage, 0.8);
        assert_eq!(a.agreement, 0.5);
        // p_pred: Late 1/2, Bad 1/4, Lost 1/4; p_label: late 1/4, Bad 3/4.
        assert!((a.chance - (0.5 * 0.25 + 0.25 * 0.75)).abs() < 1e-12);
        assert_eq!(
            (a.majority_label.as_str(), a.majority),
            ("Bad Flight", 0.75)
        );
        assert!((a.kappa - (0.5 - a.chance) / (1.0 - a.chance)).abs() < 1e-12);
        let none = Agreement::of(0, &[]);
        assert_eq!((none.coverage, none.agreement, none.kappa), (0.0, 0.0, 0.0));
    }

    #[test]
    fn a_detractors_label_is_its_most_common_then_the_files_then_by_name() {
        let freq: FxHashMap<&str, usize> = [("Late Flight", 9), ("Bad Flight", 3)]
            .into_iter()
            .collect();
        let label = |l: &[&'static str]| most_common_label(l, &freq);
        assert_eq!(
            label(&["Bad Flight", "Bad Flight", "Late Flight"]),
            "Bad Flight"
        );
        assert_eq!(label(&["Bad Flight", "Late Flight"]), "Late Flight");
        assert_eq!(label(&["Zebra", "Aardvark"]), "Aardvark");
        assert_eq!(label(&[CANT_TELL, "", "can't tell"]), CANT_TELL);
    }
}
