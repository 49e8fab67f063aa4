//! Accounts: lookup with the current score, explanation, history, top lists and bulk enrichment.

use crate::page::{Page, PageParams};
use crate::problem::{ApiError, ApiResult, Body, Json, Path, Query};
use crate::state::{AppState, RunInfo};
use axum::extract::State;
use axum::http::HeaderMap;
use earshot_app::explain::ExplainReport;
use earshot_store::{
    AccountMatch, AccountName, NamedScore, RankFilter, ScoreRow, ScoreRun, Store, TopicInfo,
    COMPONENTS, TOPIC_COMPONENTS,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The most accounts one enrichment request may name.
pub const MAX_ENRICH: usize = 1000;

/// An account as the API names it, the way the command line's JSON does: `platform`, `platform_id` and
/// `handle`. `id` is earshot's stable id, as a string because it does not fit in a JavaScript number.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountRef {
    pub id: String,
    pub platform: String,
    /// The platform's id for the account (`@handle` for accounts known only by handle).
    pub platform_id: String,
    /// The same as `platform_id`, under its name in earshot's import format (kept for clients written
    /// before `platform_id`).
    pub ext_id: String,
    /// The account's handle on the platform; null when unknown.
    pub handle: Option<String>,
}

impl AccountRef {
    fn new(id: i64, name: AccountName) -> Self {
        AccountRef {
            id: id.to_string(),
            platform: name.platform,
            ext_id: name.platform_id.clone(),
            platform_id: name.platform_id,
            handle: name.handle,
        }
    }
}

/// One score component.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComponentView {
    /// audience, amplification, conversation, authority or reach.
    pub name: String,
    /// The raw measure (its unit depends on the component; see `explanation`).
    pub value: f64,
    /// Its percentile among the run's accounts, 0–1.
    pub percentile: f64,
    /// Its weight in the overall score.
    pub weight: f64,
}

/// An account's score in one run.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScoreView {
    pub run: i64,
    pub model_version: String,
    /// The instant the run describes (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub as_of: String,
    /// 1–100; null when the account is not scored: nobody reacted to it authentically in the run's
    /// window (models from earshot-score-4 on; the score is its expected authentic reactions next week on
    /// a log scale, 25 = 5 a week, every 10 points doubling it).
    pub overall: Option<f64>,
    /// The authentic reactions the model expects the account to receive next week: what the score
    /// says on its log scale. Absent for runs of models before earshot-score-4 and for accounts not
    /// scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_next_week: Option<f64>,
    /// The account's authenticity weight (0–1) as the run used it; absent when the run had no
    /// authenticity model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authenticity: Option<f64>,
    /// Accounts that asked it a question, and how many of them it answered.
    pub askers: u32,
    pub askers_answered: u32,
    pub components: Vec<ComponentView>,
}

/// An account's score within one topic of the run.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TopicView {
    pub key: String,
    pub label: String,
    /// 1–100 among the topic's accounts.
    pub score: f64,
    pub posts_about: u32,
    pub reactions: u32,
}

/// An account with its current score, topics and authenticity.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountView {
    #[serde(flatten)]
    pub account: AccountRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub followers: Option<u64>,
    /// The latest run's score; absent when no run scored the account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<ScoreView>,
    /// Its topic scores in that run, best first.
    pub topics: Vec<TopicView>,
}

fn account_ref(m: &AccountMatch) -> AccountRef {
    AccountRef::new(
        m.id,
        AccountName {
            platform: m.platform.clone(),
            platform_id: m.ext_id.clone(),
            handle: m.handle.clone(),
        },
    )
}

pub(crate) fn score_view(run: &ScoreRun, row: &ScoreRow) -> ScoreView {
    ScoreView {
        run: run.id,
        model_version: run.model_version.clone(),
        as_of: earshot_model::format_utc(run.as_of()),
        // Stored as 0 when not scored; every score is at least 1.
        overall: (row.overall >= 1.0).then_some(row.overall),
        expected_next_week: row.expected,
        authenticity: row.authenticity,
        askers: row.askers,
        askers_answered: row.askers_answered,
        components: COMPONENTS
            .iter()
            .enumerate()
            .map(|(i, name)| ComponentView {
                name: (*name).to_string(),
                value: row.raw[i],
                percentile: row.pct[i],
                weight: run.weights[i],
            })
            .collect(),
    }
}

/// The whole view of one found account in `run` (the latest).
pub(crate) fn account_view(
    store: &Store,
    run: Option<&RunInfo>,
    m: &AccountMatch,
) -> ApiResult<AccountView> {
    let profile = store.account(m.id)?;
    let mut score = None;
    let mut topics = Vec::new();
    if let Some(RunInfo { run, topics: infos }) = run {
        if let Some(row) = store.account_score(run.id, m.id)? {
            score = Some(score_view(run, &row));
            if !infos.is_empty() {
                topics = store
                    .account_topic_scores(run.id, m.id)?
                    .iter()
                    .filter_map(|r| {
                        let info: &TopicInfo = infos.iter().find(|t| t.topic == r.topic)?;
                        Some(TopicView {
                            key: info.key.clone(),
                            label: info.label.clone(),
                            score: r.score,
                            posts_about: r.posts_about,
                            reactions: r.reactions,
                        })
                    })
                    .collect();
                topics.sort_by(|a, b| b.score.total_cmp(&a.score));
            }
        }
    }
    let mut account = account_ref(m);
    account.handle = profile.as_ref().and_then(|a| a.handle.clone());
    Ok(AccountView {
        account,
        display_name: profile.as_ref().and_then(|a| a.display_name.clone()),
        followers: profile.as_ref().and_then(|a| a.profile.followers),
        score,
        topics,
    })
}

/// Score run `run`, or the latest; 404 when there is no such run or none yet.
fn score_run(store: &Store, run: Option<i64>) -> ApiResult<ScoreRun> {
    match run {
        Some(r) => store.score_run(Some(r))?,
        None => match store.latest_run_id()? {
            Some(id) => store.score_run(Some(id))?,
            None => None,
        },
    }
    .ok_or_else(|| match run {
        Some(r) => ApiError::not_found(format!("no score run {r}")),
        None => ApiError::not_found("no score run yet: run `earshot score` first"),
    })
}

fn find(store: &Store, platform: &str, account: &str) -> ApiResult<AccountMatch> {
    store
        .lookup_account(platform, account)?
        .ok_or_else(|| ApiError::not_found(format!("no account {account:?} on {platform:?}")))
}

/// Look up one account: its current score, components, topics and authenticity.
#[utoipa::path(get, path = "/v1/accounts/{platform}/{account}", tag = "accounts",
    params(("platform" = String, Path, description = "The platform, as imported (`twitter`, `higgs`, ...)"),
           ("account" = String, Path, description = "`@handle`, `handle` or the platform's id")),
    responses((status = 200, description = "The account", body = AccountView)))]
pub async fn get_account(
    State(state): State<AppState>,
    Path((platform, account)): Path<(String, String)>,
) -> ApiResult<Json<AccountView>> {
    // A few indexed lookups: run inline rather than on the blocking pool (see `read_now`).
    state.read_now(|s| {
        let m = find(s, &platform, &account)?;
        let run = state.latest_run(s)?;
        account_view(s, run.as_deref(), &m).map(Json)
    })
}

/// Query of `explanation`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExplainParams {
    /// Score run (default: the latest).
    #[param(minimum = 1)]
    pub run: Option<i64>,
    /// Reactors to list as evidence, 0–100 (default 10).
    #[param(minimum = 0, maximum = 100)]
    pub evidence: Option<u32>,
}

/// Why the account scored what it did: each component's points and the evidence behind them,
/// recomputed from the stored events with the run's own model (as `earshot --json explain`).
#[utoipa::path(get, path = "/v1/accounts/{platform}/{account}/explanation", tag = "accounts",
    params(("platform" = String, Path, description = "The platform"),
           ("account" = String, Path, description = "`@handle`, `handle` or the platform's id"),
           ExplainParams),
    responses((status = 200, description = "The explanation (as `earshot --json explain`)", body = ExplainReport),
              (status = 422, description = "The account has no score in the run: it had no interactions in the run's window", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn get_explanation(
    State(state): State<AppState>,
    Path((platform, account)): Path<(String, String)>,
    Query(q): Query<ExplainParams>,
) -> ApiResult<Json<ExplainReport>> {
    let evidence = q.evidence.unwrap_or(10);
    if evidence > 100 {
        return Err(ApiError::bad_request("evidence must be 0–100"));
    }
    if q.run.is_some_and(|r| r < 1) {
        return Err(ApiError::bad_request("run must be a positive run id"));
    }
    // Unknown accounts and runs are 404s here; the engine explains the run it is given.
    let (id, run) = state
        .read(move |s| Ok((find(s, &platform, &account)?.id, score_run(s, q.run)?.id)))
        .await?;
    let db = state.config().db.clone();
    // The recomputation takes seconds on a large run: it gets its own connection on the blocking pool
    // rather than holding one of the server's readers.
    let report = tokio::task::spawn_blocking(move || -> anyhow::Result<ExplainReport> {
        let store = earshot_store::Store::open_existing(&db)?;
        let shown = earshot_app::accounts::display_name(&store, id)?;
        let x = earshot_app::explain::explain_account(
            &store,
            id,
            &shown,
            Some(run),
            evidence as usize,
            &|note| tracing::info!(note, "explanation"),
        )?;
        x.report(&store)
    })
    .await
    .map_err(ApiError::internal)?;
    report.map(Json).map_err(ApiError::from_app)
}

/// One run's score of the account.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    #[serde(flatten)]
    pub score: ScoreView,
}

/// The account's score in every run that scored it, newest first.
#[utoipa::path(get, path = "/v1/accounts/{platform}/{account}/history", tag = "accounts",
    params(("platform" = String, Path, description = "The platform"),
           ("account" = String, Path, description = "`@handle`, `handle` or the platform's id"),
           PageParams),
    responses((status = 200, description = "A page of the account's scores, newest run first", body = Page<HistoryEntry>)))]
pub async fn get_history(
    State(state): State<AppState>,
    Path((platform, account)): Path<(String, String)>,
    Query(page): Query<PageParams>,
) -> ApiResult<Json<Page<HistoryEntry>>> {
    let (limit, offset) = page.get()?;
    state
        .read(move |s| {
            let m = find(s, &platform, &account)?;
            let items: Vec<HistoryEntry> = s
                .score_history(m.id)?
                .iter()
                .rev()
                .skip(offset)
                .take(limit + 1)
                .map(|(run, row)| HistoryEntry {
                    score: score_view(run, row),
                })
                .collect();
            Ok(Json(Page::from_probe(items, limit, offset)))
        })
        .await
}

/// What a top list is ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RankBy {
    Overall,
    Audience,
    Amplification,
    Conversation,
    Authority,
    Reach,
    PostsAbout,
    Reactions,
}

impl RankBy {
    /// What the overall ranking may be ordered by (the topic-only measures left out).
    pub const OVERALL_LIST: [RankBy; 6] = [
        RankBy::Overall,
        RankBy::Audience,
        RankBy::Amplification,
        RankBy::Conversation,
        RankBy::Authority,
        RankBy::Reach,
    ];

    /// The measure's name, as the query gives it.
    pub fn column(self) -> &'static str {
        match self {
            RankBy::Overall => "overall",
            RankBy::Audience => "audience",
            RankBy::Amplification => "amplification",
            RankBy::Conversation => "conversation",
            RankBy::Authority => "authority",
            RankBy::Reach => "reach",
            RankBy::PostsAbout => "posts_about",
            RankBy::Reactions => "reactions",
        }
    }
}

/// Query of `top`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopParams {
    /// Rank by the overall score (default) or a component; within a topic also `posts_about` or
    /// `reactions` (and not `reach`, which has no topic form).
    #[param(inline)]
    pub by: Option<RankBy>,
    /// Only accounts of this platform.
    pub platform: Option<String>,
    /// Rank within this topic of the run (its key).
    pub topic: Option<String>,
    /// Only accounts the run found at least this authentic (0–1; accounts it had no authenticity
    /// weight for are left out). Not with `topic`.
    #[param(minimum = 0.0, maximum = 1.0)]
    pub min_authenticity: Option<f64>,
    /// Score run (default: the latest).
    #[param(minimum = 1)]
    pub run: Option<i64>,
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    #[param(minimum = 0, maximum = 1000000000)]
    pub offset: Option<u64>,
}

/// One account of a top list.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopEntry {
    /// 1 for the first account of the whole list.
    pub rank: u64,
    #[serde(flatten)]
    pub account: AccountRef,
    /// The overall score (1–100), or the topic score within a topic.
    pub score: f64,
    /// The value ranked by.
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authenticity: Option<f64>,
}

/// The best accounts of a run, overall or within a topic, by score or a component.
#[utoipa::path(get, path = "/v1/top", tag = "accounts", params(TopParams),
    responses((status = 200, description = "A page of the ranking", body = Page<TopEntry>)))]
pub async fn get_top(
    State(state): State<AppState>,
    Query(q): Query<TopParams>,
) -> ApiResult<Json<Page<TopEntry>>> {
    let (limit, offset) = PageParams {
        limit: q.limit,
        offset: q.offset,
    }
    .get()?;
    let by = q.by.unwrap_or(RankBy::Overall);
    if let Some(a) = q.min_authenticity {
        if !(0.0..=1.0).contains(&a) {
            return Err(ApiError::bad_request("min_authenticity must be 0–1"));
        }
    }
    state
        .read(move |s| {
            let run = score_run(s, q.run)?;
            let platform = q.platform.as_deref();
            let named = |id: i64| -> ApiResult<AccountRef> {
                Ok(AccountRef::new(id, s.account_name(id)?.unwrap_or_default()))
            };
            let mut items = Vec::new();
            match &q.topic {
                None => {
                    let col = by.column();
                    if matches!(by, RankBy::PostsAbout | RankBy::Reactions) {
                        return Err(ApiError::bad_request(format!("by={col} needs a topic")));
                    }
                    let filter = RankFilter {
                        platform,
                        min_authenticity: q.min_authenticity,
                    };
                    let rows = s.top_scores_page(run.id, col, limit + 1, offset, &filter)?;
                    for (i, NamedScore { score: r, name }) in rows.into_iter().enumerate() {
                        let value = match COMPONENTS.iter().position(|c| *c == col) {
                            Some(c) => r.raw[c],
                            None => r.overall,
                        };
                        items.push(TopEntry {
                            rank: (offset + i + 1) as u64,
                            account: AccountRef::new(r.account, name),
                            score: r.overall,
                            value,
                            authenticity: r.authenticity,
                        });
                    }
                }
                Some(_) if q.min_authenticity.is_some() => {
                    return Err(ApiError::bad_request(
                        "min_authenticity ranks the overall list; topic rankings carry no authenticity",
                    ));
                }
                Some(key) => {
                    let topics = s.run_topics(run.id)?;
                    let info = topics
                        .iter()
                        .find(|t| t.key.eq_ignore_ascii_case(key))
                        .ok_or_else(|| {
                            ApiError::not_found(format!("run {} has no topic {key:?}", run.id))
                        })?;
                    let col = by.column();
                    if matches!(by, RankBy::Reach) {
                        return Err(ApiError::bad_request("reach has no topic form"));
                    }
                    let rows = s.top_topic_scores_page(
                        run.id,
                        info.topic,
                        col,
                        limit + 1,
                        offset,
                        platform,
                    )?;
                    for (i, r) in rows.iter().enumerate() {
                        let value = match col {
                            "overall" => r.score,
                            "posts_about" => f64::from(r.posts_about),
                            "reactions" => f64::from(r.reactions),
                            c => TOPIC_COMPONENTS
                                .iter()
                                .position(|t| *t == c)
                                .map_or(r.score, |t| r.raw[t]),
                        };
                        items.push(TopEntry {
                            rank: (offset + i + 1) as u64,
                            account: named(r.account)?,
                            score: r.score,
                            value,
                            authenticity: None,
                        });
                    }
                }
            }
            Ok(Json(Page::from_probe(items, limit, offset)))
        })
        .await
}

/// A list of accounts to enrich.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EnrichRequest {
    /// The platform of every account in the list.
    pub platform: String,
    /// Up to 1000 accounts: `@handle`, `handle` or the platform's id.
    #[schema(max_items = 1000)]
    pub accounts: Vec<String>,
}

/// One enriched account, in the order asked.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrichEntry {
    /// The account as it was asked for.
    pub input: String,
    pub platform: String,
    pub found: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountView>,
}

/// The enriched list.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrichResponse {
    pub items: Vec<EnrichEntry>,
    pub found: u64,
    pub not_found: u64,
}

/// Parse a CSV of accounts: a header with an `account` or `handle` column and optionally `platform`.
fn parse_csv(body: &[u8], default_platform: Option<&str>) -> ApiResult<Vec<(String, String)>> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(body);
    let headers = r
        .headers()
        .map_err(|e| ApiError::bad_request(format!("CSV header: {e}")))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let acc = col("account")
        .or_else(|| col("handle"))
        .ok_or_else(|| ApiError::unprocessable("the CSV needs an `account` or `handle` column"))?;
    let plat = col("platform");
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| ApiError::bad_request(format!("CSV line {line}: {e}")))?;
        let account = rec.get(acc).unwrap_or("").trim().to_string();
        let platform = plat
            .and_then(|p| rec.get(p))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .or(default_platform)
            .ok_or_else(|| {
                ApiError::unprocessable(format!(
                    "CSV line {line}: platform: empty, and no ?platform= given"
                ))
            })?
            .to_string();
        if account.is_empty() {
            return Err(ApiError::unprocessable(format!(
                "CSV line {line}: account: empty"
            )));
        }
        out.push((platform, account));
        if out.len() > MAX_ENRICH {
            return Err(ApiError::too_large(format!(
                "at most {MAX_ENRICH} accounts per request"
            )));
        }
    }
    Ok(out)
}

/// Query of `enrich` (for CSV bodies).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnrichParams {
    /// The platform for CSV rows without a `platform` column.
    pub platform: Option<String>,
}

/// Bulk enrichment for CRM: send a list of accounts (JSON, or a CSV with an `account` or `handle` column
/// and optionally `platform`) and get each one's current score back, in the order sent. Accounts earshot
/// does not know are listed as not found, never dropped.
#[utoipa::path(post, path = "/v1/enrich", tag = "accounts", params(EnrichParams),
    request_body(content(
        (EnrichRequest = "application/json"),
        (String = "text/csv", example = "platform,account\ntwitter,@united\n")
    )),
    responses((status = 200, description = "Each account asked for, in order", body = EnrichResponse)))]
pub async fn post_enrich(
    State(state): State<AppState>,
    Query(q): Query<EnrichParams>,
    headers: HeaderMap,
    Body(body): Body,
) -> ApiResult<Json<EnrichResponse>> {
    let ctype = crate::problem::media_type(&headers);
    let wanted: Vec<(String, String)> = match ctype.as_str() {
        "application/json" => {
            let req: EnrichRequest = serde_json::from_slice(&body).map_err(|e| {
                if e.is_data() {
                    ApiError::unprocessable(format!(
                        "the JSON does not have the expected shape: {e}"
                    ))
                } else {
                    ApiError::bad_request(format!("the body is not valid JSON: {e}"))
                }
            })?;
            if req.accounts.len() > MAX_ENRICH {
                return Err(ApiError::too_large(format!(
                    "at most {MAX_ENRICH} accounts per request, not {}",
                    req.accounts.len()
                )));
            }
            req.accounts
                .into_iter()
                .map(|a| (req.platform.clone(), a))
                .collect()
        }
        "text/csv" => parse_csv(&body, q.platform.as_deref())?,
        _ => {
            return Err(ApiError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send application/json ({\"platform\": ..., \"accounts\": [...]}) or text/csv",
            ))
        }
    };
    let st = state.clone();
    state
        .read(move |s| {
            let run = st.latest_run(s)?;
            let mut items = Vec::with_capacity(wanted.len());
            for (platform, input) in wanted {
                let account = match s.lookup_account(&platform, &input)? {
                    Some(m) => Some(account_view(s, run.as_deref(), &m)?),
                    None => None,
                };
                items.push(EnrichEntry {
                    found: account.is_some(),
                    input,
                    platform,
                    account,
                });
            }
            let found = items.iter().filter(|i| i.found).count() as u64;
            Ok(Json(EnrichResponse {
                not_found: items.len() as u64 - found,
                found,
                items,
            }))
        })
        .await
}

/// Query of an account's erasure.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForgetParams {
    /// Rebuild the database file afterwards so no stale bytes of the account survive in free space
    /// (default true; the rebuild holds the writer for seconds per 100 MB).
    pub vacuum: Option<bool>,
}

/// Forget an account (admin): its profile, posts, interactions made and received, scores, topic
/// scores and triage messages are erased, its handle is redacted from others' stored text, and a
/// tombstone keeps later imports and event writes from bringing it back (as `earshot forget`). Scores
/// are not recomputed here: run `earshot score` (or `earshot forget` at the command line, which does).
#[utoipa::path(delete, path = "/v1/accounts/{platform}/{account}", tag = "accounts",
    params(("platform" = String, Path, description = "The platform, as imported"),
           ("account" = String, Path, description = "`@handle`, `handle` or the platform's id"),
           ForgetParams),
    responses((status = 200, description = "What was erased", body = earshot_app::forget::ForgetReport)))]
pub async fn delete_account(
    State(state): State<AppState>,
    Path((platform, account)): Path<(String, String)>,
    Query(q): Query<ForgetParams>,
) -> ApiResult<Json<earshot_app::forget::ForgetReport>> {
    let report = state
        .write(move |s| {
            // 404 for an account that is not (or no longer) there, before anything is erased.
            find(s, &platform, &account)?;
            let req = earshot_app::forget::ForgetRequest {
                accounts: vec![account],
                platform: Some(platform),
                rescore: false,
                rebuild: q.vacuum.unwrap_or(true),
            };
            earshot_app::forget::forget(s, &req, &|_| {}).map_err(ApiError::from_app)
        })
        .await?;
    Ok(Json(report))
}
