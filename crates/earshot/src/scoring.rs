//! Gathering a scoring run's input from the store, and turning results into stored rows.

use anyhow::Result;
use earshot_score::{PostInfo, Reaction, ReplyClass, ScoreInput, ScoreTable, TextSignals};
use earshot_store::{ScoreRow, Store, TimeWindow};
use earshot_trust::TrustModel;

/// The text signals scoring uses: earshot's own rules (see `earshot-text`).
pub struct Text;

impl TextSignals for Text {
    fn is_question(&self, text: &str) -> bool {
        earshot_text::is_question(text)
    }

    fn reply_class(&self, text: &str) -> ReplyClass {
        match earshot_text::reply_substance(text) {
            earshot_text::Substance::Trivial => ReplyClass::Trivial,
            earshot_text::Substance::Short => ReplyClass::Short,
            earshot_text::Substance::Substantive => ReplyClass::Substantive,
        }
    }
}

/// Everything `earshot score` reads for a window: interactions, posts with text, follower counts, and
/// with a `trust` model, the authenticity weight (`1 − p(automated or fake)`) of every account whose
/// profile the model can read. Returns the input and the number of interactions read.
pub fn load_input(
    store: &Store,
    window: TimeWindow,
    platform: Option<&str>,
    trust: Option<&TrustModel>,
) -> Result<(ScoreInput, u64)> {
    let mut input = ScoreInput::default();
    let n = store.scan_interactions(window, platform, |r| {
        input.reactions.push(Reaction {
            actor: r.actor,
            target: r.target,
            kind: r.kind,
            time: r.time,
            weight: r.weight,
            post: r.post,
        })
    })?;
    store.scan_posts(window, platform, |p| {
        input.posts.insert(
            p.id,
            PostInfo {
                author: p.author,
                time: p.time,
                text: p.text,
                reply_to: p.reply_to,
            },
        );
    })?;
    input.followers = store.follower_counts(platform)?.into_iter().collect();
    if let Some(model) = trust {
        let mut profiled = Vec::new();
        store.scan_profiled_accounts(platform, |id, a| {
            if earshot_trust::has_profile_evidence(&a) {
                profiled.push((id, a));
            }
        })?;
        input.authenticity = earshot_trust::authenticity_weights(&profiled, model)
            .into_iter()
            .collect();
    }
    input.reference_time = match window.to {
        Some(t) => t,
        None => store.stats_last_time()?.map_or(0, |t| t + 1),
    };
    Ok((input, n))
}

/// The rows to store for a scored table.
pub fn rows(table: &ScoreTable) -> Vec<ScoreRow> {
    (0..table.len())
        .map(|i| ScoreRow {
            account: table.accounts[i],
            overall: table.overall[i],
            raw: [0, 1, 2, 3, 4].map(|c| table.raw[c][i]),
            pct: [0, 1, 2, 3, 4].map(|c| table.pct[c][i]),
            askers: table.conversation[i].askers,
            askers_answered: table.conversation[i].askers_answered,
        })
        .collect()
}

/// How to name an account to a person: `@handle (platform)` or `ext_id (platform)`.
pub fn display_name(store: &Store, account: i64) -> Result<String> {
    Ok(match store.account_names(account)? {
        Some((_, Some(h))) => format!("@{h}"),
        Some((ext, None)) => ext,
        None => format!("#{account}"),
    })
}
