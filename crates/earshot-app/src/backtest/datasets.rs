//! `earshot backtest --data DIR`: the validity protocol on every real dataset at once.
//!
//! Each dataset is imported into its own database under `--work` (reused when it already holds the
//! data) and cut into three successive splits: *fit* (the model's coefficients are fitted on it),
//! *validation* (its settings are chosen on it) and *test* (scored once with the chosen model). Every
//! split trains on everything before its cut, so no split ever sees its own future. A transfer figure
//! refits the chosen settings without the dataset being tested.

use super::report::SplitReport;
use super::split::{Cut, SplitData, Truth};
use crate::error::UsageError;
use anyhow::{bail, Context, Result};
use earshot_model::{format_utc, AccountRef};
use earshot_score::backtest::evaluate;
use earshot_score::fit::{fit_predictor, Sample};
use earshot_score::{Feature, Predictor, Scale, ScoreModel};
use earshot_store::{Store, TimeWindow};
use std::path::{Path, PathBuf};

/// Where a dataset's splits fall.
enum Cuts {
    /// Fixed instants: fit until, validation until, test from, test until.
    Dates([&'static str; 4]),
    /// At these shares of the dataset's events (fit, validation, test), the test running to the end.
    EventShares([f64; 3]),
}

/// One dataset of the protocol.
pub struct Dataset {
    pub name: &'static str,
    pub platform: &'static str,
    /// Paths under the data folder.
    pub files: &'static [&'static str],
    /// `earshot import` arguments before the files.
    pub import: &'static [&'static str],
    cuts: Cuts,
    truth: Truth,
    /// For signed trust ratings: the raw file, to score agreement with later *positive* ratings.
    ratings: bool,
}

/// The benchmark archive both cascade datasets come from (its `data/<name>/cascades.txt`).
pub const CASCADES: &str =
    "diffusion-cascades/cascades_twitter_douban_android_christianity_memetracker.tar.gz";

/// How both bitcoin trust networks import: each signed rating as a like (the sign is read again for
/// the later positive ratings).
const SIGNED_RATINGS: &[&str] = &[
    "--format",
    "snap",
    "--columns",
    "src,dst,ignore,time",
    "--kind",
    "like",
];

const SHARES: Cuts = Cuts::EventShares([0.55, 0.70, 0.85]);

/// Every dataset of the protocol, in the order it runs them.
pub const DATASETS: &[Dataset] = &[
    Dataset {
        name: "higgs",
        platform: "higgs",
        files: &["higgs-twitter/higgs-activity_time.txt.gz"],
        import: &["--format", "higgs"],
        cuts: Cuts::Dates(["2012-07-02", "2012-07-03", "2012-07-04", "2012-07-08"]),
        truth: Truth::Reactions,
        ratings: false,
    },
    Dataset {
        name: "collegemsg",
        platform: "collegemsg",
        files: &["temporal-interactions/CollegeMsg.txt"],
        import: &[
            "--format",
            "snap",
            "--columns",
            "src,dst,time",
            "--kind",
            "mention",
        ],
        cuts: SHARES,
        truth: Truth::Reactions,
        ratings: false,
    },
    Dataset {
        name: "bitcoin-otc",
        platform: "bitcoinotc",
        files: &["temporal-interactions/soc-sign-bitcoinotc.csv"],
        import: SIGNED_RATINGS,
        cuts: SHARES,
        truth: Truth::Reactions,
        ratings: true,
    },
    Dataset {
        name: "bitcoin-alpha",
        platform: "bitcoinalpha",
        files: &["temporal-interactions/soc-sign-bitcoinalpha_with_header.csv"],
        import: SIGNED_RATINGS,
        cuts: SHARES,
        truth: Truth::Reactions,
        ratings: true,
    },
    Dataset {
        name: "twitter-cascades",
        platform: "twitter-cascades",
        files: &[CASCADES],
        import: &["--format", "cascades"],
        cuts: SHARES,
        truth: Truth::LaterPosts,
        ratings: false,
    },
    Dataset {
        name: "douban-cascades",
        platform: "douban-cascades",
        files: &[CASCADES],
        import: &["--format", "cascades"],
        cuts: SHARES,
        truth: Truth::LaterPosts,
        ratings: false,
    },
];

/// Settings chosen on validation: the ridge penalty and which features the model may use.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Setting {
    pub l2: f64,
    pub features: Vec<Feature>,
    pub label: &'static str,
}

fn settings() -> Vec<Setting> {
    let all = Feature::ALL.to_vec();
    let components: Vec<Feature> = Feature::ALL
        .iter()
        .copied()
        .filter(|f| f.component().is_some() || *f == Feature::Authenticity)
        .collect();
    let without = |left_out: Feature| -> Vec<Feature> {
        all.iter().copied().filter(|f| *f != left_out).collect()
    };
    let (no_recent, no_activity) = (without(Feature::Recent), without(Feature::Activity));
    let mut out = Vec::new();
    for l2 in [0.0, 0.001, 0.01, 0.1] {
        for (label, features) in [
            ("all features", &all),
            ("without recency", &no_recent),
            ("without posting activity", &no_activity),
            ("components only", &components),
        ] {
            out.push(Setting {
                l2,
                features: features.clone(),
                label,
            });
        }
    }
    out
}

/// One dataset's three splits.
struct Loaded {
    set: &'static Dataset,
    splits: [SplitData; 3],
    /// Later positive ratings received in the test window, for rating datasets.
    positive: Option<Vec<f64>>,
}

/// What to run: which datasets, which to fit on, with what.
pub struct ProtocolRequest<'a> {
    /// earshot's shared data folder.
    pub data: &'a Path,
    /// Only these datasets (default: all).
    pub only: &'a [String],
    /// Fit on these datasets only (default: every dataset run); the others are transfer figures.
    pub fit_on: &'a [String],
    /// The model whose components score every split (only its predictor is fitted here).
    pub base: &'a ScoreModel,
    /// Cut-off of NDCG and precision.
    pub k: usize,
    /// Paired bootstrap resamples for the leads' intervals (0: none).
    pub bootstrap: usize,
}

/// The datasets `only` names (all when empty), each checked to be under `data`: an unknown name is a
/// usage error listing the datasets, a missing file an error naming it.
pub fn chosen(data: &Path, only: &[String]) -> Result<Vec<&'static Dataset>> {
    if let Some(unknown) = only
        .iter()
        .find(|o| !DATASETS.iter().any(|d| d.name == o.as_str()))
    {
        let names: Vec<&str> = DATASETS.iter().map(|d| d.name).collect();
        return Err(UsageError(format!(
            "--only {unknown:?}: datasets are {}",
            names.join(", ")
        ))
        .into());
    }
    let chosen: Vec<&'static Dataset> = DATASETS
        .iter()
        .filter(|d| only.is_empty() || only.iter().any(|o| o == d.name))
        .collect();
    for d in &chosen {
        for f in d.files {
            let p = data.join(f);
            if !p.exists() {
                bail!(
                    "dataset {}: {} is missing (--data should be earshot's shared data folder; see ../shared/data/MANIFEST.md)",
                    d.name,
                    p.display()
                );
            }
        }
    }
    Ok(chosen)
}

/// One setting tried on validation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Tried {
    pub l2: f64,
    pub features: &'static str,
    pub validation_lead: f64,
}

/// One dataset's results on its test split.
#[derive(Debug, serde::Serialize)]
pub struct DatasetResult {
    pub dataset: &'static str,
    pub fitted_on_it: bool,
    pub truth: Truth,
    pub cuts: Vec<Cut>,
    pub test: SplitReport,
    /// The same setting fitted without this dataset.
    pub transfer: Option<SplitReport>,
    /// Trust networks: agreement with the later positive ratings received.
    pub later_positive_ratings: Option<SplitReport>,
}

/// `earshot backtest --data`'s outcome.
#[derive(Debug, serde::Serialize)]
pub struct ProtocolReport {
    pub setting: Setting,
    pub validation_lead: f64,
    pub tried: Vec<Tried>,
    pub model: ScoreModel,
    pub datasets: Vec<DatasetResult>,
    /// The datasets the model was fitted on.
    #[serde(skip)]
    pub fitted_on: Vec<&'static str>,
}

/// Run the protocol on the request's datasets. `prepare` gives a dataset's database, importing it
/// first when needed; `note` hears each dataset's cuts and the level its validation split sets.
pub fn run_protocol(
    req: &ProtocolRequest<'_>,
    prepare: &dyn Fn(&Dataset) -> Result<PathBuf>,
    note: &dyn Fn(&str),
) -> Result<ProtocolReport> {
    let chosen = chosen(req.data, req.only)?;
    let base = req.base;
    let (dir, k, bootstrap) = (req.data, req.k, req.bootstrap);
    let mut loaded = Vec::new();
    for d in chosen {
        let db = prepare(d)?;
        let store =
            Store::open_existing(&db).with_context(|| format!("opening {}", db.display()))?;
        let cuts = cuts_of(&store, d)?;
        note(&format!(
            "{}: fit {} → {}, validation → {}, test → {}",
            d.name,
            format_utc(cuts[0].train_until),
            format_utc(cuts[0].test_until),
            format_utc(cuts[1].test_until),
            format_utc(cuts[2].test_until)
        ));
        let splits = [
            SplitData::load(&store, Some(d.platform), cuts[0], base, d.truth)?,
            SplitData::load(&store, Some(d.platform), cuts[1], base, d.truth)?,
            SplitData::load(&store, Some(d.platform), cuts[2], base, d.truth)?,
        ];
        let positive = if d.ratings {
            Some(positive_ratings(
                &dir.join(d.files[0]),
                d.platform,
                &splits[2],
            )?)
        } else {
            None
        };
        loaded.push(Loaded {
            set: d,
            splits,
            positive,
        });
    }
    if loaded.is_empty() {
        return Err(UsageError("no dataset chosen".into()).into());
    }

    // Fit on the first split of every dataset fitted on (all, or --fit-on), each weighing the same.
    let fitting = |l: &Loaded| req.fit_on.is_empty() || req.fit_on.iter().any(|f| f == l.set.name);
    if let Some(unknown) = req
        .fit_on
        .iter()
        .find(|f| !loaded.iter().any(|l| l.set.name == f.as_str()))
    {
        return Err(UsageError(format!(
            "--fit-on {unknown:?} is not among the datasets run"
        ))
        .into());
    }
    let samples = |split: usize, except: Option<&str>| -> Vec<Sample> {
        loaded
            .iter()
            .filter(|l| fitting(l) && Some(l.set.name) != except)
            .enumerate()
            .flat_map(|(g, l)| {
                let s = &l.splits[split];
                s.samples(1.0 / s.table.len().max(1) as f64, g)
            })
            .collect()
    };
    let fit_rows = samples(0, None);
    // Choose on validation: the setting whose *worst* lead over a dataset's best baseline is largest
    // (a lead being the sum of the Spearman and NDCG leads): a model must not buy a win on one kind of
    // network with a loss on another.
    let mut best: Option<(f64, Setting, Predictor)> = None;
    let mut tried = Vec::new();
    for setting in settings() {
        let predictor = fit_predictor(&fit_rows, setting.l2, &setting.features, String::new())
            .with_context(|| format!("fitting {setting:?}"))?;
        let mut lead = f64::MAX;
        for l in loaded.iter().filter(|l| fitting(l)) {
            let v = &l.splits[1];
            let m = evaluate(&v.log_expected(&predictor), &v.truth, k);
            let (bs, bn) = best_baselines(v, k);
            lead = lead.min((m.spearman - bs) + (m.ndcg - bn));
        }
        tried.push(Tried {
            l2: setting.l2,
            features: setting.label,
            validation_lead: lead,
        });
        if best.as_ref().is_none_or(|(b, _, _)| lead > *b) {
            best = Some((lead, setting, predictor));
        }
    }
    let Some((validation_lead, setting, mut predictor)) = best else {
        bail!("no setting could be fitted");
    };
    let names: Vec<&str> = loaded
        .iter()
        .filter(|l| fitting(l))
        .map(|l| l.set.name)
        .collect();
    predictor.fitted_on = format!(
        "Poisson GLM (log link, coefficients ≥ 0), ridge {} on standardised features, {}; fitted on the first split of {} (each dataset weighing the same), chosen on their second splits by the worst dataset's lead over its best baseline in Spearman + NDCG@{}",
        setting.l2,
        setting.label,
        names.join(", "),
        k
    );
    // The scale is earshot's definition, not fitted: a fixed gap in points means the same ratio on
    // every dataset.
    let scale = base.scale.unwrap_or(Scale::DEFINED);

    let model = ScoreModel {
        version: "earshot-score-4".into(),
        about: "Fourth model: the score is a logarithmic scale of expected authentic reactions next week, predicted from the components by a Poisson GLM fitted on the first split of every dataset of `earshot backtest --data` (EVALUATION.md); topic scores still rank the weighted components within the topic.".into(),
        predictor: Some(predictor.clone()),
        scale: Some(scale),
        ..base.clone()
    };

    // Test once, and the transfer figure: the same setting fitted without the dataset tested.
    let mut results = Vec::new();
    for l in &loaded {
        let test = &l.splits[2];
        let report = SplitReport::new(
            test,
            &model.version,
            Some((&predictor, &scale)),
            None,
            k,
            bootstrap,
        );
        let fitted_here = fitting(l);
        let transfer = if fitted_here && names.len() > 1 {
            let rows = samples(0, Some(l.set.name));
            let p = fit_predictor(&rows, setting.l2, &setting.features, String::new())?;
            let r = SplitReport::new(test, "transfer", Some((&p, &scale)), None, k, bootstrap);
            Some(r)
        } else {
            None
        };
        // The level set on the split before: what the validation window received against what the
        // model expected of it (data before the test cut only).
        let factor = l.splits[1].level(&predictor);
        let mut leveled = predictor.clone();
        leveled.intercept += factor.ln();
        let level = SplitReport::new(test, "level", Some((&leveled, &scale)), None, k, 0);
        note(&format!(
            "{}: level from validation ×{:.3}: {} of 10 deciles inside",
            l.set.name,
            factor,
            level.deciles_inside()
        ));
        let ratings = l.positive.as_ref().map(|pos| {
            SplitReport::new(
                test,
                &model.version,
                Some((&predictor, &scale)),
                Some(pos),
                k,
                bootstrap,
            )
        });
        results.push(DatasetResult {
            dataset: l.set.name,
            fitted_on_it: fitted_here,
            truth: l.set.truth,
            cuts: l.splits.iter().map(|s| s.cut).collect(),
            test: report,
            transfer,
            later_positive_ratings: ratings,
        });
    }

    Ok(ProtocolReport {
        setting,
        validation_lead,
        tried,
        model,
        datasets: results,
        fitted_on: names,
    })
}

/// The best baseline's Spearman and NDCG@k on a split.
fn best_baselines(split: &SplitData, k: usize) -> (f64, f64) {
    split
        .baselines
        .iter()
        .map(|(_, v)| evaluate(v, &split.truth, k))
        .fold((f64::MIN, f64::MIN), |(s, n), m| {
            (s.max(m.spearman), n.max(m.ndcg))
        })
}

/// The three splits' cuts.
fn cuts_of(store: &Store, d: &Dataset) -> Result<[Cut; 3]> {
    let instant = |s: &str| {
        crate::time::parse_instant("cut", &Some(s.to_string()))?.context("a cut needs an instant")
    };
    let edges: [i64; 4] = match &d.cuts {
        Cuts::Dates(dates) => [
            instant(dates[0])?,
            instant(dates[1])?,
            instant(dates[2])?,
            instant(dates[3])?,
        ],
        Cuts::EventShares(shares) => {
            let mut times = Vec::new();
            store.scan_interactions(TimeWindow::default(), Some(d.platform), |r| {
                if let Some(t) = r.time {
                    times.push(t);
                }
            })?;
            if times.len() < 100 {
                bail!(
                    "dataset {}: only {} dated interactions, too few to split",
                    d.name,
                    times.len()
                );
            }
            times.sort_unstable();
            let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
            [
                at(shares[0]),
                at(shares[1]),
                at(shares[2]),
                times[times.len() - 1] + 1,
            ]
        }
    };
    Ok([
        Cut {
            train_from: None,
            train_until: edges[0],
            test_until: edges[1],
        },
        Cut {
            train_from: None,
            train_until: edges[1],
            test_until: edges[2],
        },
        Cut {
            train_from: None,
            train_until: edges[2],
            test_until: edges[3],
        },
    ])
}

/// Positive ratings (rating > 0) each account of `split` received in its test window, read from the
/// raw `src,dst,rating,time` file.
fn positive_ratings(file: &Path, platform: &str, split: &SplitData) -> Result<Vec<f64>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let index: rustc_hash::FxHashMap<i64, usize> = split
        .table
        .accounts
        .iter()
        .enumerate()
        .map(|(i, &a)| (a, i))
        .collect();
    let mut out = vec![0.0; split.table.len()];
    for line in text.lines() {
        let f: Vec<&str> = line.trim().split(',').collect();
        let (Some(dst), Some(rating), Some(time)) = (f.get(1), f.get(2), f.get(3)) else {
            continue;
        };
        let (Ok(rating), Ok(time)) = (rating.parse::<f64>(), time.parse::<f64>()) else {
            continue; // the header line
        };
        let t = time as i64;
        if rating <= 0.0 || t < split.cut.train_until || t >= split.cut.test_until {
            continue;
        }
        let id = AccountRef::by_id(dst.to_string()).id(platform).0;
        if let Some(&i) = index.get(&id) {
            out[i] += 1.0;
        }
    }
    Ok(out)
}
