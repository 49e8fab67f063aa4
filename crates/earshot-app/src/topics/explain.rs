//! Why an account scored what it did on one topic of a run: the topic score recomputed from the
//! stored events with the run's model and taxonomy, checked against the stored number, with the
//! reactors, the posts on the topic and the taxonomy terms that put them there.

use super::assign::{self, Assignment, Topics};
use super::scoring::{reactions_received, topic_table, COMPONENTS};
use super::{resolve_topic, TopicProfile};
use crate::accounts::resolve;
use crate::error::Missing;
use crate::report::ComponentReport;
use crate::sources::run_input;
use anyhow::{bail, Context, Result};
use earshot_score::{evidence, AuthorityGraph, ConversationStats, Evidence, ScoreTable};
use earshot_store::{ScoreRun, Store, TopicInfo, TopicScoreRow};

/// One of the account's posts on the topic, with the terms that put it there.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TopicPost {
    pub post: i64,
    pub reactions: u32,
    pub amplifications: u32,
    pub reactors: u32,
    pub text: Option<String>,
    pub terms: Vec<String>,
}

/// What to explain: an account (as a person names it) on a topic (key or label) of a run.
pub struct TopicQuery<'a> {
    pub account: &'a str,
    pub platform: Option<&'a str>,
    /// Default: the latest run.
    pub run: Option<i64>,
    pub topic: &'a str,
    /// How the front names the topic option, for errors (`--topic`).
    pub topic_field: &'a str,
    /// Reactors and posts to list.
    pub evidence: usize,
}

/// An account's topic score recomputed, with its evidence.
pub struct TopicExplanation {
    /// The account as the request named it.
    pub shown: String,
    pub account: i64,
    pub run: ScoreRun,
    pub topic: TopicInfo,
    pub table: ScoreTable,
    /// The account's row in `table`.
    pub i: usize,
    /// The stored topic score, when the run stored one for the account.
    pub stored: Option<TopicScoreRow>,
    /// Its posts about the topic.
    pub posts_about: u32,
    /// Reactions from others through the topic's posts.
    pub received: u32,
    pub evidence: Evidence,
    /// Its posts on the topic: those that drew reactions first, then the others, oldest first.
    pub posts: Vec<TopicPost>,
    pub profile: Option<TopicProfile>,
}

impl TopicExplanation {
    /// Whether the recomputed score is the stored one (`None`: the run stored none for the account).
    pub fn reproduced(&self) -> Option<bool> {
        self.stored
            .as_ref()
            .map(|s| (s.score - self.table.overall[self.i]).abs() <= 1e-9)
    }
}

/// The score run `id` (default: the latest), or [`Missing`] naming the database.
pub fn run_with_topics(store: &Store, id: Option<i64>) -> Result<ScoreRun> {
    store.score_run(id)?.ok_or_else(|| {
        Missing(format!(
            "no score run{} in {}: run `earshot score --topics FILE|auto` first",
            id.map(|r| format!(" #{r}")).unwrap_or_default(),
            store.path().display()
        ))
        .into()
    })
}

/// Recompute the query's account's score on its topic; `note` hears when this build's authenticity
/// model is not the run's.
pub fn explain_topic(
    store: &Store,
    q: &TopicQuery<'_>,
    note: &dyn Fn(&str),
) -> Result<TopicExplanation> {
    let account = resolve(store, q.account, q.platform)?;
    let run = run_with_topics(store, q.run)?;
    let info = resolve_topic(store, &run, q.topic_field, q.topic)?;
    let tr = store
        .topic_run(run.id)?
        .with_context(|| format!("run #{} has topics but no stored taxonomy", run.id))?;
    let (model, input) = run_input(store, &run, note)?;
    let topics: Topics = assign::compile(&tr.source, tr.taxonomy.clone(), tr.min_terms)
        .with_context(|| format!("the taxonomy stored with run #{}", run.id))?;
    let Assignment {
        mut posts,
        mut posts_about,
        ..
    } = assign::reassign(store, &input, &topics)?;
    let t = info.topic as usize;
    if t >= posts.len() || topics.matcher.keys()[t] != info.key {
        bail!(
            "run #{}'s stored taxonomy does not match its topic list",
            run.id
        );
    }
    let (posts, posts_about) = (
        std::mem::take(&mut posts[t]),
        std::mem::take(&mut posts_about[t]),
    );
    let graph = AuthorityGraph::new(&input, &model)?;
    let table = topic_table(&input, &model, &graph, &posts, &posts_about)?;
    drop(graph);
    let Some(i) = table.position(account) else {
        return Err(Missing(format!(
            "{} did not post on topic {} and took part in no reaction through one of its posts in run #{}, so it has no score there",
            q.account, info.key, run.id
        ))
        .into());
    };
    let stored = store
        .account_topic_scores(run.id, account)?
        .into_iter()
        .find(|r| r.topic == info.topic);
    let received = reactions_received(&input, &posts)
        .get(&account)
        .copied()
        .unwrap_or(0);
    let about = posts_about.get(&account).copied().unwrap_or(0);
    // Evidence from the topic's slice of the input: its reactions and its posts only.
    let mut tin = input;
    tin.reactions
        .retain(|r| r.post.is_some_and(|p| posts.contains(&p)));
    tin.posts.retain(|id, _| posts.contains(id));
    let ev = evidence(&tin, &model, &table, account, q.evidence)
        .context("account vanished from its own table")?;
    let handle = assign::handle_of(store, account)?;
    let terms_of = |text: Option<&str>| -> Vec<String> {
        text.map(|x| {
            assign::topic_terms(&topics.matcher, x, handle.as_deref(), info.topic)
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
    };
    let mut shown: Vec<TopicPost> = ev
        .posts
        .iter()
        .map(|p| TopicPost {
            post: p.post,
            reactions: p.reactions,
            amplifications: p.amplifications,
            reactors: p.reactors,
            text: p.text.clone(),
            terms: terms_of(p.text.as_deref()),
        })
        .collect();
    let mut quiet: Vec<(i64, i64)> = tin
        .posts
        .iter()
        .filter(|(id, p)| p.author == account && !shown.iter().any(|s| s.post == **id))
        .map(|(&id, p)| (p.time, id))
        .collect();
    quiet.sort_unstable();
    for (_, id) in quiet
        .into_iter()
        .take(q.evidence.saturating_sub(shown.len()))
    {
        let text = tin.posts[&id].text.clone();
        shown.push(TopicPost {
            post: id,
            reactions: 0,
            amplifications: 0,
            reactors: 0,
            terms: terms_of(text.as_deref()),
            text,
        });
    }
    let profile = TopicProfile::load(store, run.id, account)?;
    Ok(TopicExplanation {
        shown: q.account.to_string(),
        account,
        run,
        topic: info,
        table,
        i,
        stored,
        posts_about: about,
        received,
        evidence: ev,
        posts: shown,
        profile,
    })
}

/// `earshot --json explain ACCOUNT --topic T`'s output.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TopicExplainReport {
    pub account: String,
    pub run: i64,
    pub model_version: String,
    #[schema(value_type = Object)]
    pub topic: TopicInfo,
    pub score: f64,
    pub stored_score: Option<f64>,
    pub reproduced: Option<bool>,
    pub posts_about: u32,
    pub reactions: u32,
    pub listened: f64,
    pub components: Vec<ComponentReport>,
    #[schema(value_type = Object)]
    pub conversation: ConversationStats,
    #[schema(value_type = Vec<Object>)]
    pub reactors: Vec<earshot_score::ReactorEvidence>,
    pub distinct_reactors: usize,
    pub posts: Vec<TopicPost>,
    #[schema(value_type = Vec<Object>)]
    pub unanswered: Vec<(i64, Option<String>)>,
    #[schema(value_type = Vec<Object>)]
    pub discarded: Vec<(earshot_score::PostFlag, u32)>,
    pub profile: Option<TopicProfile>,
    pub platform: String,
    pub platform_id: String,
    pub handle: Option<String>,
}

impl TopicExplanation {
    pub fn report(&self, store: &Store) -> Result<TopicExplainReport> {
        let (table, i) = (&self.table, self.i);
        let name = store.account_name(self.account)?.unwrap_or_default();
        Ok(TopicExplainReport {
            account: self.shown.clone(),
            run: self.run.id,
            model_version: self.run.model_version.clone(),
            topic: self.topic.clone(),
            score: table.overall[i],
            stored_score: self.stored.as_ref().map(|s| s.score),
            reproduced: self.reproduced(),
            posts_about: self.posts_about,
            reactions: self.received,
            listened: table.raw[0][i],
            components: COMPONENTS
                .iter()
                .map(|&c| ComponentReport::of(table, i, c))
                .collect(),
            conversation: table.conversation[i],
            reactors: self.evidence.reactors.clone(),
            distinct_reactors: self.evidence.distinct_reactors,
            posts: self.posts.clone(),
            unanswered: self.evidence.unanswered.clone(),
            discarded: self.evidence.discarded.clone(),
            profile: self.profile.clone(),
            platform: name.platform,
            platform_id: name.platform_id,
            handle: name.handle,
        })
    }
}
