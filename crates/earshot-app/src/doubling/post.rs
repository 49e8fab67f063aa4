//! `earshot forecast --post ID --at T`: one stored post as it stood at `T` (reshares so far, time since
//! posting, the early adopters) and, once it has `k` reshares, how likely it is to double, from a model
//! fitted on the other posts as they stood at `T`.

use super::classifier::{Classifier, Examples, Setting};
use super::source::read;
use crate::accounts::display_name;
use crate::error::{Missing, UsageError};
use crate::time::GivenInstant;
use anyhow::Result;
use earshot_diffusion::doubling::History;
use earshot_model::PostId;
use earshot_store::{Store, TimeWindow};

/// How a one-post model's training posts are labelled.
const LABELS_AT_T: &str = "labelled by the reshares they had before then (what was known then)";

/// Which post, as of when.
#[derive(Debug, Clone, PartialEq)]
pub struct PostDoublingRequest {
    /// The post's id on its platform.
    pub post: String,
    pub platform: Option<String>,
    /// What was seen before this instant (default: everything stored).
    pub at: Option<GivenInstant>,
    /// Early reshares seen (Cheng et al.: 5).
    pub k: usize,
    pub setting: Setting,
}

/// A reshare among the first `k`.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EarlyAdopter {
    pub account: String,
    /// Seconds (or the data's units) after the post.
    pub after: i64,
}

/// One feature of the post at its `k`-th reshare and its push on the log-odds of doubling.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FeatureContribution {
    pub feature: &'static str,
    pub value: f64,
    pub push: f64,
}

/// The model a one-post forecast came from.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PostModel {
    pub setting: Setting,
    /// Posts fitted on: made before `at`, with `k` reshares before it, other than this one.
    pub fitted_on: usize,
    pub doubled: usize,
    /// How they were labelled.
    pub labels: &'static str,
}

/// `earshot --json forecast --post ID`'s output.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PostDoublingReport {
    pub post: String,
    pub platform: String,
    pub author: String,
    pub posted: i64,
    /// Seen before this instant.
    pub at: i64,
    pub since_posted: i64,
    pub k: usize,
    pub reshares_seen: usize,
    /// The first `k` reshares seen (fewer when fewer were).
    pub early_adopters: Vec<EarlyAdopter>,
    /// Whether it had `2k` reshares by `at`: no forecast needed.
    pub already_doubled: bool,
    /// P(reaches 2k reshares), when it had `k` but not yet `2k` by `at`.
    pub probability_doubles: Option<f64>,
    /// The features at the `k`-th reshare, with their pushes (empty without a forecast).
    pub features: Vec<FeatureContribution>,
    pub model: Option<PostModel>,
    /// Reshares the post has in all the stored data (after `at` too): the outcome, where it is known.
    pub reshares_stored: usize,
}

/// Forecast whether the request's post doubles, as it stood at `at`.
pub fn forecast_post_doubling(
    store: &Store,
    req: &PostDoublingRequest,
) -> Result<PostDoublingReport> {
    if req.k == 0 {
        return Err(UsageError("k must be at least 1".into()).into());
    }
    let (platform, stored_id) = find_post(store, &req.post, req.platform.as_deref())?;
    let stored = read(store, Some(&platform))?;
    let Some(row) = stored.post_ids.iter().position(|&id| id == stored_id) else {
        return Err(Missing(format!(
            "post {:?} on {platform} has no author among the stored accounts",
            req.post
        ))
        .into());
    };
    let cascades = &stored.cascades;
    let cascade = &cascades[row];
    let at = match &req.at {
        Some(a) => a.at,
        None => store.window_end(TimeWindow::all(), Some(&platform))?,
    };
    if at <= cascade.time {
        return Err(UsageError(format!(
            "{} is not after the post ({})",
            req.at.as_ref().map_or(at.to_string(), |a| a.given.clone()),
            earshot_model::format_utc(cascade.time)
        ))
        .into());
    }
    let k = req.k;
    let seen = cascade.reshares_before(at);
    let name = |dense: u32| display_name(store, stored.ids.external(dense));
    let early_adopters = cascade.reshares[..seen.min(k)]
        .iter()
        .map(|r| {
            Ok(EarlyAdopter {
                account: name(r.actor)?,
                after: r.time - cascade.time,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut report = PostDoublingReport {
        post: req.post.clone(),
        platform,
        author: name(cascade.author)?,
        posted: cascade.time,
        at,
        since_posted: at - cascade.time,
        k,
        reshares_seen: seen,
        early_adopters,
        already_doubled: seen >= 2 * k,
        probability_doubles: None,
        features: Vec::new(),
        model: None,
        reshares_stored: cascade.reshares.len(),
    };
    if seen < k || report.already_doubled {
        return Ok(report);
    }
    let history = History::new(cascades, stored.ids.len() as u32, k)
        .ok_or_else(|| anyhow::anyhow!("stored cascades do not index (k = {k})"))?;
    let train = Examples::of(
        &history,
        cascades.len(),
        |c| c != row && cascades[c].time < at,
        at,
        at,
    );
    let model = Classifier::fit(&train, req.setting)?;
    let features = history
        .features(row)
        .ok_or_else(|| anyhow::anyhow!("a post with {k} reshares has features"))?;
    report.probability_doubles = Some(model.probability(&features));
    report.features = model
        .setting
        .features
        .names()
        .iter()
        .zip(model.pushes(&features))
        .enumerate()
        .map(|(j, (&feature, push))| FeatureContribution {
            feature,
            value: features[j],
            push,
        })
        .collect();
    report.model = Some(PostModel {
        setting: model.setting,
        fitted_on: train.len(),
        doubled: train.positives(),
        labels: LABELS_AT_T,
    });
    Ok(report)
}

/// The platform and stored id of the post with platform id `post`: on `platform`, or on the one
/// platform that has it.
fn find_post(store: &Store, post: &str, platform: Option<&str>) -> Result<(String, i64)> {
    let platforms = match platform {
        Some(p) => vec![p.to_string()],
        None => store.platforms()?,
    };
    let mut found = Vec::new();
    for p in platforms {
        let id = PostId::of(&p, post).0;
        if let Some(n) = store.post_name(id)? {
            if n.platform == p && n.platform_id == post {
                found.push((p, id));
            }
        }
    }
    match found.len() {
        0 => Err(Missing(format!(
            "no stored post {post:?}{}",
            platform.map(|p| format!(" on {p}")).unwrap_or_default()
        ))
        .into()),
        1 => Ok(found.remove(0)),
        _ => Err(UsageError(format!(
            "post {post:?} is on several platforms ({}): say which with --platform",
            found
                .iter()
                .map(|(p, _)| p.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .into()),
    }
}
