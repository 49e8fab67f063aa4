//! A brand's advocates and detractors from the stored posts that mention it (`earshot advocates`), and
//! how well a complaint-reason taxonomy agrees with labelled reasons ([`eval_reasons`]).
//!
//! A post mentions the brand when it @-mentions one of its handles or contains one of its keywords
//! (posts by the brand's own accounts are left out); its sentiment comes from the built-in model, and
//! the reactions it earned are weighed as scoring weighs reactors. `earshot_topics::advocacy` ranks the
//! accounts from there.

mod brand;
pub mod eval_reasons;
mod mentions;

pub use brand::load_taxonomy;

use crate::accounts::display_name;
use crate::sources::load_input;
use anyhow::Result;
use brand::Brand;
use earshot_sentiment::SentimentModel;
use earshot_store::{Store, TimeWindow};
use earshot_topics::advocacy::{rank, AdvocacyOptions, Ranked};
use earshot_topics::Matcher;
use earshot_trust::TrustModel;
use mentions::Mentions;
use std::path::PathBuf;

/// Whose advocacy of which brand to rank. [`AdvocatesRequest::new`] gives the defaults every front
/// shares.
#[derive(Debug, Clone, PartialEq)]
pub struct AdvocatesRequest {
    /// The brand's name (a label for the report).
    pub brand: String,
    /// The brand's handles (`@` optional); posts mentioning one count. With no handle and no keyword,
    /// the brand name without spaces is the handle.
    pub handles: Vec<String>,
    /// Keywords, phrases, `#hashtags` or `$cashtags` naming the brand (the taxonomy syntax).
    pub keywords: Vec<String>,
    /// A complaint-reason taxonomy (TOML) that sorts detractors' negative posts into reasons.
    pub reasons: Option<PathBuf>,
    /// Advocates and detractors to report.
    pub limit: usize,
    /// Evidence posts per account.
    pub evidence: usize,
    /// The stored events read, and their platform.
    pub window: TimeWindow,
    pub platform: Option<String>,
    /// Weigh each reactor by its authenticity (otherwise every reactor weighs 1).
    pub authenticity: bool,
}

impl AdvocatesRequest {
    pub const DEFAULT_LIMIT: usize = 10;
    pub const DEFAULT_EVIDENCE: usize = 2;

    /// The advocates of `brand`, matched by its name as a handle, with every setting at its default.
    pub fn new(brand: impl Into<String>) -> Self {
        AdvocatesRequest {
            brand: brand.into(),
            handles: Vec::new(),
            keywords: Vec::new(),
            reasons: None,
            limit: Self::DEFAULT_LIMIT,
            evidence: Self::DEFAULT_EVIDENCE,
            window: TimeWindow::all(),
            platform: None,
            authenticity: true,
        }
    }
}

/// A request checked and compiled without the database: the brand's matcher and the reasons taxonomy.
/// Built before the database is opened, so a bad request is answered as such even when the database is
/// missing too.
pub struct BrandQuery {
    req: AdvocatesRequest,
    brand: Brand,
    reasons: Option<Matcher>,
}

impl BrandQuery {
    /// Compiles the brand (a bad keyword, or an empty brand with nothing else to match, is a
    /// [`crate::error::UsageError`]) and reads the reasons taxonomy. `note` hears when the brand's name
    /// stands in for its handle.
    pub fn new(req: AdvocatesRequest, note: &dyn Fn(&str)) -> Result<BrandQuery> {
        let brand = Brand::new(&req.brand, &req.handles, &req.keywords, note)?;
        let reasons = req.reasons.as_deref().map(load_taxonomy).transpose()?;
        Ok(BrandQuery {
            req,
            brand,
            reasons,
        })
    }
}

/// Sentiment counts of the mentions.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BySentiment {
    pub negative: usize,
    pub neutral: usize,
    pub positive: usize,
}

/// A post shown as evidence of an account's stance.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EvidencePost {
    pub post_id: i64,
    pub text: String,
}

/// What advocates and detractors are both ranked by.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Standing {
    /// The account as a person would name it.
    pub account: String,
    pub account_id: i64,
    /// All of its brand mentions.
    pub mentions: u32,
    /// The share of its mentions leaning the ranked way.
    pub share: f64,
    /// The Wilson lower bound on that share.
    pub share_lower: f64,
    /// Authentic reaction weight earned by the counted posts.
    pub reactions: f64,
    pub score: f64,
    pub evidence: Vec<EvidencePost>,
}

/// An account with more positive than negative mentions.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Advocate {
    /// Its positive mentions.
    pub positive: u32,
    #[serde(flatten)]
    pub standing: Standing,
}

/// A complaint reason of a detractor's negative posts.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReasonPosts {
    /// The reason's label in the taxonomy.
    pub reason: String,
    /// Negative posts that touch it.
    pub posts: u32,
    /// Negative posts whose primary reason it is.
    pub primary: u32,
}

/// An account with more negative than positive mentions.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Detractor {
    /// Its negative mentions.
    pub negative: u32,
    #[serde(flatten)]
    pub standing: Standing,
    /// Its complaint reasons, most posts first (empty without a reasons taxonomy).
    pub reasons: Vec<ReasonPosts>,
}

/// `earshot --json advocates`'s output.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AdvocatesReport {
    pub brand: String,
    /// The handles matched, without `@`.
    pub handles: Vec<String>,
    pub keywords: Vec<String>,
    /// Mentions counted (repeats dropped), and their distinct authors.
    pub mentions: usize,
    pub accounts: usize,
    pub by_sentiment: BySentiment,
    /// Reactions from others counted on the mentions.
    pub reactions_on_mentions: usize,
    /// Mentions dropped because their authors had already posted the same text.
    pub repeats_dropped: usize,
    pub sentiment_model: String,
    /// The authenticity model reactors were weighed by (null: every reactor weighs 1).
    pub authenticity_model: Option<String>,
    #[schema(value_type = Option<String>)]
    pub reasons_file: Option<PathBuf>,
    pub advocates_total: usize,
    pub detractors_total: usize,
    /// The best advocates, up to the request's limit.
    pub advocates: Vec<Advocate>,
    /// The best detractors, up to the request's limit.
    pub detractors: Vec<Detractor>,
    /// Why nothing was found, when no stored post mentions the brand.
    pub note: Option<String>,
}

/// Rank the brand's advocates and detractors from the stored posts that mention it.
pub fn find_advocates(store: &Store, query: &BrandQuery) -> Result<AdvocatesReport> {
    let req = &query.req;
    let brand = &query.brand;
    let platform = req.platform.as_deref();
    let trust = req.authenticity.then(TrustModel::builtin);
    let (input, _) = load_input(store, req.window, platform, trust.as_ref())?;
    let own = brand.own_accounts(store, platform)?;
    let model = SentimentModel::builtin();
    let mentions = Mentions::gather(&input, &own, brand, query.reasons.as_ref(), &model);
    let opts = AdvocacyOptions {
        evidence: req.evidence,
        ..AdvocacyOptions::default()
    };
    let found = rank(&mentions.list, &opts);
    let reason_labels: &[String] = query.reasons.as_ref().map_or(&[], |r| r.labels());
    let text_of = |post: i64| -> String {
        input
            .posts
            .get(&post)
            .and_then(|p| p.text.clone())
            .unwrap_or_default()
    };
    let standing = |r: &Ranked| -> Result<Standing> {
        Ok(Standing {
            account: display_name(store, r.account)?,
            account_id: r.account,
            mentions: r.mentions,
            share: r.share,
            share_lower: r.share_lower,
            reactions: r.reactions,
            score: r.score,
            evidence: r
                .evidence
                .iter()
                .map(|&p| EvidencePost {
                    post_id: p,
                    text: text_of(p),
                })
                .collect(),
        })
    };
    let advocates = found
        .advocates
        .iter()
        .take(req.limit)
        .map(|r| {
            Ok(Advocate {
                positive: r.count,
                standing: standing(r)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let detractors = found
        .detractors
        .iter()
        .take(req.limit)
        .map(|r| {
            Ok(Detractor {
                negative: r.count,
                standing: standing(r)?,
                reasons: r
                    .reasons
                    .iter()
                    .map(|c| ReasonPosts {
                        reason: reason_labels[c.topic as usize].clone(),
                        posts: c.posts,
                        primary: c.primary,
                    })
                    .collect(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let [negative, neutral, positive] = found.by_stance;
    Ok(AdvocatesReport {
        brand: req.brand.clone(),
        handles: brand.handles.clone(),
        keywords: req.keywords.clone(),
        mentions: found.mentions,
        accounts: found.accounts,
        by_sentiment: BySentiment {
            negative,
            neutral,
            positive,
        },
        reactions_on_mentions: mentions.reacted,
        repeats_dropped: mentions.repeats,
        sentiment_model: model.version,
        authenticity_model: trust.map(|t| t.version),
        reasons_file: req.reasons.clone(),
        advocates_total: found.advocates.len(),
        detractors_total: found.detractors.len(),
        advocates,
        detractors,
        note: (found.mentions == 0).then(|| nothing_found(req, brand)),
    })
}

/// Why the report is empty: no stored post (in the window and platform, if given) mentions the brand.
fn nothing_found(req: &AdvocatesRequest, brand: &Brand) -> String {
    let handles: Vec<String> = brand.handles.iter().map(|h| format!("@{h}")).collect();
    format!(
        "no stored post mentions {} (handles: {}; keywords: {}){}",
        req.brand,
        list_or_none(&handles),
        list_or_none(&req.keywords),
        if req.window.is_unbounded() && req.platform.is_none() {
            ""
        } else {
            " in this window/platform"
        }
    )
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}
