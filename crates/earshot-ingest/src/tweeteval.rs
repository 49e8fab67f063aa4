//! Reading TweetEval (Barbieri et al. 2020) files straight from its archive or an extracted folder,
//! for `sentiment train|eval` and `topics discover`.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The TweetEval task folders, for error messages and `--help`.
pub const TASKS: &str = "emoji, emotion, hate, irony, offensive, sentiment, stance";

/// Why TweetEval could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TweetEvalError {
    #[error("reading {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: no {} found (TweetEval tasks: {TASKS})", path.display(), missing.join(" and "))]
    Missing { path: PathBuf, missing: Vec<String> },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> TweetEvalError + '_ {
    move |source| TweetEvalError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Reads `task/name` (for example `sentiment/test_text.txt`) for each of `names`, from
/// `tweeteval_datasets.tar.gz` or a folder holding `task/` (directly or under `datasets/`). Errors
/// name the path and every member that is missing.
pub fn read_members(
    path: &Path,
    task: &str,
    names: &[&str],
) -> Result<Vec<String>, TweetEvalError> {
    let mut found: Vec<Option<String>> = vec![None; names.len()];
    if path.is_dir() {
        for dir in [path.join(task), path.join("datasets").join(task)] {
            if dir.is_dir() {
                for (name, slot) in names.iter().zip(found.iter_mut()) {
                    let file = dir.join(name);
                    if file.is_file() {
                        *slot = Some(std::fs::read_to_string(&file).map_err(io(&file))?);
                    }
                }
                break;
            }
        }
    } else {
        let file = std::fs::File::open(path).map_err(io(path))?;
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
        for entry in archive.entries().map_err(io(path))? {
            let mut entry = entry.map_err(io(path))?;
            let p = entry.path().map_err(io(path))?.into_owned();
            let in_task = p
                .parent()
                .and_then(|d| d.file_name())
                .is_some_and(|d| d == task);
            if !in_task {
                continue;
            }
            for (name, slot) in names.iter().zip(found.iter_mut()) {
                if p.file_name().is_some_and(|f| f == *name) {
                    let mut s = String::new();
                    entry.read_to_string(&mut s).map_err(io(path))?;
                    *slot = Some(s);
                }
            }
        }
    }
    let missing: Vec<String> = names
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(n, _)| format!("{task}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(TweetEvalError::Missing {
            path: path.to_owned(),
            missing,
        });
    }
    Ok(found.into_iter().flatten().collect())
}
