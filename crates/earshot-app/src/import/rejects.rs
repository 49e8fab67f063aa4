//! Rejected records: the first few shown to the person importing, every one in a rejects file.
//!
//! One sink serves a whole `earshot import` run. With `--rejects FILE` every input's rejects go to that
//! one file; otherwise each input gets `<file name>.rejects.txt` in the current directory (inputs with
//! the same name share it). Files are created on their first reject and appended to within the run.

use anyhow::{Context, Result};
use earshot_ingest::Rejection;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Which of the sink's files an input writes to.
#[derive(Debug, Clone, Copy)]
pub struct SinkId(usize);

struct Target {
    path: PathBuf,
    file: Option<BufWriter<File>>,
    written: u64,
}

/// Where a run's rejected records go.
pub struct RejectSink {
    fixed: Option<PathBuf>,
    targets: Vec<Target>,
    shown: usize,
    show: usize,
    total: u64,
}

impl RejectSink {
    /// Rejects go to `fixed`, or beside each input's name; the first `show` are also shown (see
    /// [`RejectSink::record`]).
    pub fn new(fixed: Option<PathBuf>, show: usize) -> Self {
        RejectSink {
            fixed,
            targets: Vec::new(),
            shown: 0,
            show,
            total: 0,
        }
    }

    /// The rejects file for `input` (nothing is created until a record is rejected).
    pub fn open_for(&mut self, input: &Path) -> Result<SinkId> {
        let path = self
            .fixed
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{}.rejects.txt", default_source(input))));
        if let Some(i) = self.targets.iter().position(|t| t.path == path) {
            return Ok(SinkId(i));
        }
        self.targets.push(Target {
            path,
            file: None,
            written: 0,
        });
        Ok(SinkId(self.targets.len() - 1))
    }

    /// Keep `r` in `id`'s file; the first few of the run also go to `show`.
    pub fn record(&mut self, id: SinkId, r: &Rejection, show: &dyn Fn(&Rejection)) -> Result<()> {
        self.total += 1;
        if self.shown < self.show {
            show(r);
            self.shown += 1;
        }
        let t = &mut self.targets[id.0];
        if t.file.is_none() {
            let f = File::create(&t.path)
                .with_context(|| format!("creating rejects file {}", t.path.display()))?;
            t.file = Some(BufWriter::new(f));
        }
        if let Some(f) = &mut t.file {
            writeln!(f, "{r}").with_context(|| format!("writing {}", t.path.display()))?;
        }
        t.written += 1;
        Ok(())
    }

    /// The rejects file of `id`, if anything was written to it in this run.
    pub fn path_if_used(&self, id: SinkId) -> Option<String> {
        let t = &self.targets[id.0];
        (t.written > 0).then(|| t.path.display().to_string())
    }

    /// Flush every file; `note` hears how many were rejected in all if more than were shown.
    pub fn finish(mut self, note: &dyn Fn(&str)) -> Result<()> {
        for t in &mut self.targets {
            if let Some(f) = &mut t.file {
                f.flush()
                    .with_context(|| format!("writing {}", t.path.display()))?;
            }
        }
        if self.total as usize > self.shown {
            let files: Vec<String> = self
                .targets
                .iter()
                .filter(|t| t.written > 0)
                .map(|t| t.path.display().to_string())
                .collect();
            note(&format!(
                "... {} rejected records in all, listed in {}",
                self.total,
                files.join(", ")
            ));
        }
        Ok(())
    }
}

/// The source name a file's derived keys use by default: its file name without `.gz`.
pub fn default_source(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.strip_suffix(".gz").unwrap_or(&name).to_string()
}
