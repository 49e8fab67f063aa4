//! What every command gets from the command line: the global options, and the helpers built on them.

use anyhow::{Context, Result};
use earshot_store::Store;
use std::path::PathBuf;

/// The global options every command reads (its own arguments come separately).
#[derive(clap::Args, Debug, Clone)]
pub struct Ctx {
    /// The database file (created if missing).
    #[arg(
        long,
        global = true,
        env = "EARSHOT_DB",
        default_value = "earshot.db",
        value_name = "FILE"
    )]
    pub db: PathBuf,

    /// Print machine-readable JSON on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// No progress bars or notes on stderr (errors are still printed).
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

impl Ctx {
    /// The database, which must already exist: a command that reads never creates an empty one.
    pub fn open_store(&self) -> Result<Store> {
        Store::open_existing(&self.db)
            .with_context(|| format!("opening database {}", self.db.display()))
    }

    /// The database, created if missing: for commands that write (import, serve, keys, triage).
    pub fn create_store(&self) -> Result<Store> {
        Store::open(&self.db).with_context(|| format!("opening database {}", self.db.display()))
    }
}

/// The texts given as arguments, or else one per line on standard input (`reading` says, in an error,
/// what was being read): how the commands that classify or match texts take them.
pub fn texts_or_stdin(texts: &[String], reading: &'static str) -> Result<Vec<String>> {
    if !texts.is_empty() {
        return Ok(texts.to_vec());
    }
    use std::io::BufRead;
    std::io::stdin()
        .lock()
        .lines()
        .collect::<std::io::Result<_>>()
        .context(reading)
}
