//! `earshot forget`: erase accounts (the right to be forgotten) and score again without them.
//!
//! The store erases every row that names the accounts and keeps a tombstone so a re-import leaves them
//! out ([`earshot_store::ForgetCounts`] lists what goes). The accounts they reacted to and that reacted to
//! them were scored with their events; with `rescore` the latest run's window, platform and model are
//! scored again at once, so the newest scores no longer count them. Older runs keep their other
//! accounts' numbers (derived figures, not the forgotten accounts' data) but lose every row of theirs.

use crate::accounts::resolve;
use crate::error::UsageError;
use crate::score::{score_and_store, ScoreRequest};
use anyhow::{Context, Result};
use earshot_model::AccountRef;
use earshot_score::ScoreModel;
use earshot_store::{ForgetCounts, ForgetTarget, Store, TimeWindow};

/// Which accounts to forget and what to do after.
#[derive(Debug, Clone)]
pub struct ForgetRequest {
    /// Accounts as people name them (`@handle`, handle or platform id), each resolved like every other
    /// command's ACCOUNT.
    pub accounts: Vec<String>,
    pub platform: Option<String>,
    /// Score the latest run's window again once they are gone.
    pub rescore: bool,
    /// Rebuild the file afterwards so no stale bytes of theirs survive (a `VACUUM`: seconds per
    /// hundred MB).
    pub rebuild: bool,
}

/// What was forgotten and the run scored without them.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ForgetReport {
    /// How many accounts were asked for, and how many of them were found and erased.
    pub asked: usize,
    pub forgotten: usize,
    #[schema(value_type = Object)]
    pub erased: ForgetCounts,
    /// The new run scored without them (`None` without `rescore`, or with no run to repeat).
    pub rescored_run: Option<i64>,
    /// Why no run was scored again, when none was.
    pub rescore_skipped: Option<String>,
}

/// Forget the accounts `req` names. Every name must resolve to exactly one stored account, or nothing
/// is erased.
pub fn forget(
    store: &mut Store,
    req: &ForgetRequest,
    stage: &dyn Fn(&str),
) -> Result<ForgetReport> {
    if req.accounts.is_empty() {
        return Err(UsageError("name at least one account to forget".into()).into());
    }
    stage("finding the accounts");
    let mut targets: Vec<ForgetTarget> = Vec::with_capacity(req.accounts.len());
    for name in &req.accounts {
        let id = resolve(store, name, req.platform.as_deref())?;
        let Some(t) = store.forget_target(id)? else {
            continue;
        };
        // The same handle stored as a handle-only account too (a mention before the profile) is the
        // same person.
        let twin = t
            .handle
            .as_deref()
            .map(|h| AccountRef::by_handle(h).id(&t.platform).0)
            .filter(|&twin| twin != t.id)
            .map(|twin| store.forget_target(twin))
            .transpose()?
            .flatten();
        for t in std::iter::once(t).chain(twin) {
            if !targets.iter().any(|o| o.id == t.id) {
                targets.push(t);
            }
        }
    }
    stage(&format!("erasing {} accounts", targets.len()));
    let now = crate::time::now();
    let erased = store.forget_accounts(&targets, now, req.rebuild)?;
    let (rescored_run, rescore_skipped) = if !req.rescore {
        (None, Some("not asked".to_string()))
    } else {
        match store.score_run(None)? {
            None => (None, Some("no score run to repeat".to_string())),
            Some(run) => {
                stage(&format!(
                    "scoring run {}'s window again without them",
                    run.id
                ));
                let model: ScoreModel = serde_json::from_str(&run.model_json)
                    .with_context(|| format!("reading run {}'s stored model", run.id))?;
                let request = ScoreRequest {
                    window: TimeWindow {
                        from: run.window_from,
                        to: run.window_to,
                    },
                    platform: run.platform.clone(),
                    authenticity: model.authenticity_model.is_some(),
                    model,
                    topics: None,
                    top: 0,
                };
                match score_and_store(store, &request, stage) {
                    Ok(r) => (Some(r.run), None),
                    Err(e) if e.is::<crate::error::Missing>() => {
                        (None, Some(format!("nothing left to score: {e:#}")))
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    };
    Ok(ForgetReport {
        asked: req.accounts.len(),
        forgotten: erased.accounts as usize,
        erased,
        rescored_run,
        rescore_skipped,
    })
}

/// Lift the tombstones of accounts named by their platform id (`ext_id`), so that the next import of
/// them stores them again. Returns how many had one.
pub fn lift(store: &mut Store, platform: &str, ext_ids: &[String]) -> Result<usize> {
    let mut lifted = 0;
    for ext in ext_ids {
        let id = AccountRef::by_id(ext.clone()).id(platform).0;
        lifted += usize::from(store.lift_tombstone(id)?);
    }
    Ok(lifted)
}
