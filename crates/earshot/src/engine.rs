//! The server's [`Engine`]: plans for `earshot serve`, computed by the same code as `earshot --json
//! plan` (`cmd_plan::plan`). The API's parameters become the commands'
//! arguments, starting from the command line's own defaults, so a job and the command with the same
//! parameters give the same result.

use crate::cmd_plan::PlanArgs;
use crate::exit::{Missing, UsageError};
use crate::plan_source::Probabilities;
use earshot_diffusion::DiffusionError;
use earshot_server::routes::jobs::{PlanParams, PlanProbabilities};
use earshot_server::{Engine, EngineError, Progress};
use earshot_store::Store;
use std::path::Path;

#[derive(Default)]
pub struct CliEngine {}

/// A command's failure as the API reports it: what the request got wrong (a usage error, something
/// the database does not hold, a planner parameter) is `Invalid`, anything else `Failed`.
fn engine_error(e: anyhow::Error) -> EngineError {
    let invalid = e.downcast_ref::<UsageError>().is_some()
        || e.downcast_ref::<Missing>().is_some()
        || matches!(
            e.downcast_ref::<DiffusionError>(),
            Some(DiffusionError::BadParameter(_) | DiffusionError::TooManyRrSets { .. })
        );
    if invalid {
        EngineError::Invalid(in_api_terms(&format!("{e:#}")))
    } else {
        EngineError::Failed(format!("{e:#}"))
    }
}

/// The command line's flag names, as the API's fields are called: the engine runs the commands' code,
/// whose messages name the flag a person typed; a client sent a JSON field.
/// (A command the message suggests running, such as `earshot score --topics auto`, keeps its flags.)
const FLAG_TO_FIELD: [(&str, &str); 10] = [
    ("--audience-topic", "audience_topic"),
    ("--topic", "audience_topic"),
    ("--audience-community", "audience_community"),
    ("--probabilities", "probabilities"),
    ("--simulations", "simulations"),
    ("--epsilon", "epsilon"),
    ("--exclude", "exclude"),
    ("--until", "until"),
    ("--reach", "reach"),
    ("--seed", "seed"),
];

fn in_api_terms(message: &str) -> String {
    FLAG_TO_FIELD
        .iter()
        .fold(message.to_string(), |m, (flag, field)| {
            replace_flag(&m, flag, field)
        })
}

/// Replace `flag` where it stands as a whole flag at the start of a message or a clause (`--topic "x"`,
/// not `--topics` nor `earshot score --topic x`, a command to run).
fn replace_flag(message: &str, flag: &str, field: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(flag) {
        let after = &rest[i + flag.len()..];
        let whole = !after.starts_with(|c: char| c.is_alphanumeric() || c == '-');
        let clause_start = rest[..i].trim_end().is_empty() && out.is_empty()
            || rest[..i].trim_end().ends_with([':', ';', '.', '(']);
        out.push_str(&rest[..i]);
        if whole && clause_start {
            out.push('`');
            out.push_str(field);
            out.push('`');
        } else {
            out.push_str(flag);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

fn open(db: &Path) -> Result<Store, EngineError> {
    Store::open_existing(db)
        .map_err(|e| EngineError::Failed(format!("opening database {}: {e}", db.display())))
}

/// A command's arguments as the command line would parse `argv` (after the command's name): its
/// defaults, with the values given.
fn command_args<A: clap::Args + clap::FromArgMatches>(argv: &[&str]) -> Result<A, EngineError> {
    let cmd = A::augment_args(clap::Command::new("earshot").no_binary_name(true));
    let failed =
        |e: clap::Error| EngineError::Failed(format!("building the command's arguments: {e}"));
    let matches = cmd.try_get_matches_from(argv).map_err(failed)?;
    A::from_arg_matches(&matches).map_err(failed)
}

/// `earshot plan --k K` on the stored interactions with the job's parameters (its exclusions are
/// passed beside the arguments).
fn plan_args(p: &PlanParams) -> Result<PlanArgs, EngineError> {
    let mut a: PlanArgs = command_args(&[])?;
    a.k = p.k as usize;
    a.window.platform = p.platform.clone();
    a.probabilities = match p.probabilities.unwrap_or(PlanProbabilities::Learned) {
        PlanProbabilities::Learned => Probabilities::Learned,
        PlanProbabilities::WeightedCascade => Probabilities::WeightedCascade,
    };
    if let Some(e) = p.epsilon {
        a.epsilon = e;
    }
    a.audience_topic = p.audience_topic.clone();
    a.audience_community = p.audience_community.map(|c| c as usize);
    if let Some(seed) = p.seed {
        a.seed = seed;
    }
    Ok(a)
}

impl Engine for CliEngine {
    fn check_plan(&self, db: &Path, params: &PlanParams) -> Result<(), EngineError> {
        let a = plan_args(params)?;
        let store = open(db)?;
        let platform = a.window.platform.as_deref();
        if let Some(topic) = &a.audience_topic {
            crate::plan_source::topic_accounts(&store, topic, platform).map_err(engine_error)?;
        }
        for (i, name) in params.exclude.iter().enumerate() {
            crate::plan_source::stored_account(&store, platform, name, &format!("exclude[{i}]"))
                .map_err(engine_error)?;
        }
        Ok(())
    }

    fn plan(
        &self,
        db: &Path,
        params: &PlanParams,
        progress: Progress<'_>,
    ) -> Result<serde_json::Value, EngineError> {
        let a = plan_args(params)?;
        let note = |n: &str| tracing::debug!(note = n, "plan");
        crate::cmd_plan::plan(db, &a, &params.exclude, &note, progress)
            .map(|p| for_clients(p.json(), db))
            .map_err(engine_error)
    }
}

/// The plan as an API client should see it: the server's file path becomes "the stored interactions"
/// and the server process's peak memory (the CLI reports its own) is left out, as neither says anything
/// about the plan and both say something about the server.
fn for_clients(mut v: serde_json::Value, db: &Path) -> serde_json::Value {
    fn scrub(v: &mut serde_json::Value, path: &str) {
        match v {
            serde_json::Value::Object(map) => {
                map.retain(|k, _| !k.ends_with("peak_rss_kib"));
                map.values_mut().for_each(|x| scrub(x, path));
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|x| scrub(x, path)),
            serde_json::Value::String(s) if s.contains(path) => {
                *s = s.replace(path, "the stored interactions");
            }
            _ => {}
        }
    }
    scrub(&mut v, &db.display().to_string());
    v
}

#[cfg(test)]
mod tests {
    use super::in_api_terms;

    #[test]
    fn flags_become_fields_but_suggested_commands_keep_theirs() {
        assert_eq!(
            in_api_terms(
                r#"--topic "x": run #1 has no topics (score with `earshot score --topics auto`)"#
            ),
            r#"`audience_topic` "x": run #1 has no topics (score with `earshot score --topics auto`)"#
        );
        assert_eq!(
            in_api_terms(
                "planning: --audience-topic: no score run yet (run `earshot score --topic x`)"
            ),
            "planning: `audience_topic`: no score run yet (run `earshot score --topic x`)"
        );
        assert_eq!(in_api_terms("--until 2012: bad"), "`until` 2012: bad");
    }
}
