//! Customer messages from a CSV (`earshot triage ingest`): each read by earshot-ingest's message
//! reader, decided and stored in batches the way the server decides one posted message
//! ([`super::decide_and_store`]), every rejected line kept as `earshot import` keeps them.

use super::decide_and_store;
use crate::import::{open_error, ImportWatch, RejectSink};
use crate::time::now;
use anyhow::Result;
use earshot_ingest::{open_messages, CustomerMessage, MessageReader, Options, Progress};
use earshot_store::{score_tier, Store, SCORE_TIERS};
use earshot_triage::Policy;
use std::path::PathBuf;

/// Messages decided and stored per transaction.
const BATCH: usize = 2_000;

/// A CSV of customer messages to decide and store.
#[derive(Debug, Clone)]
pub struct IngestRequest {
    pub file: PathBuf,
    /// How to read the CSV (mapping, dates, encoding, platform, source name), as for a posts import.
    pub options: Options,
    /// The queue the messages go to; default the platform, else `twitter`.
    pub channel: Option<String>,
    pub policy: Policy,
    /// Where every rejected line goes; default `<file name>.rejects.txt` here, only if any.
    pub rejects: Option<PathBuf>,
    /// How many rejected lines the watch is told of.
    pub show_rejects: usize,
}

/// What one ingest did.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct IngestReport {
    pub file: String,
    pub channel: String,
    pub policy_version: &'static str,
    #[schema(value_type = Object)]
    pub policy: Policy,
    /// CSV records read.
    pub records: u64,
    /// Messages read (one per good record).
    pub messages: u64,
    /// Messages stored by this run.
    pub new: u64,
    /// Messages whose (channel, id) was stored by an earlier run: left as they were.
    pub already_stored: u64,
    pub rejected: u64,
    pub rejects_file: Option<String>,
    /// New messages per priority 1..4.
    pub by_priority: [u64; 4],
    /// New messages per score tier (`unscored`, `1-20` … `81-100`), with their mean hours to due-by.
    pub by_tier: Vec<TierCount>,
    /// New messages whose author has an account in the store.
    pub known_authors: u64,
    pub warnings: Vec<String>,
    pub seconds: f64,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TierCount {
    pub tier: &'static str,
    pub messages: u64,
    pub mean_hours_to_due: Option<f64>,
}

/// An ingest whose file is open and whose header matched the mapping: opened before the database, so a
/// missing file or column does not create one.
pub struct MessageIngest {
    req: IngestRequest,
    reader: MessageReader,
    progress: Progress,
}

impl IngestRequest {
    /// Open the file and read its header.
    pub fn open(self) -> Result<MessageIngest> {
        let (reader, progress) = open_messages(&self.file, &self.options).map_err(open_error)?;
        Ok(MessageIngest {
            req: self,
            reader,
            progress,
        })
    }
}

impl MessageIngest {
    /// Read every message, deciding and storing them [`BATCH`] at a time; `watch` follows the bytes
    /// read and the messages stored and is told of the first rejections, `note` where the rejects went.
    pub fn run(
        self,
        store: &mut Store,
        watch: &dyn ImportWatch,
        note: &dyn Fn(&str),
    ) -> Result<IngestReport> {
        let MessageIngest {
            req,
            reader,
            progress,
        } = self;
        let started = std::time::Instant::now();
        let mut rejects = RejectSink::new(req.rejects.clone(), req.show_rejects);
        let sink = rejects.open_for(&req.file)?;
        watch.started(progress.file_size());
        let channel = req
            .channel
            .clone()
            .or_else(|| req.options.platform.clone())
            .unwrap_or_else(|| "twitter".into());
        let mut report = IngestReport {
            file: req.file.display().to_string(),
            channel,
            policy_version: req.policy.version(),
            policy: req.policy.clone(),
            records: 0,
            messages: 0,
            new: 0,
            already_stored: 0,
            rejected: 0,
            rejects_file: None,
            by_priority: [0; 4],
            by_tier: Vec::new(),
            known_authors: 0,
            warnings: Vec::new(),
            seconds: 0.0,
        };
        let mut tiers = [(0u64, 0f64); SCORE_TIERS.len()];
        let mut batch: Vec<CustomerMessage> = Vec::with_capacity(BATCH);
        let result = (|| {
            for item in reader {
                report.records += 1;
                match item {
                    Ok(m) => batch.push(m),
                    Err(r) => {
                        report.rejected += 1;
                        rejects.record(sink, &r, &|r| watch.rejected(r))?;
                    }
                }
                if batch.len() >= BATCH {
                    store_batch(store, &req.policy, &mut batch, &mut report, &mut tiers)?;
                    watch.progress(
                        progress.bytes_read(),
                        report.messages,
                        started.elapsed().as_secs_f64(),
                    );
                }
            }
            store_batch(store, &req.policy, &mut batch, &mut report, &mut tiers)
        })();
        watch.finished();
        result?;
        report.rejects_file = rejects.path_if_used(sink);
        rejects.finish(note)?;
        report.warnings = progress.warnings().iter().map(|w| w.to_string()).collect();
        report.by_tier = SCORE_TIERS
            .iter()
            .zip(tiers)
            .map(|(&tier, (n, hours))| TierCount {
                tier,
                messages: n,
                mean_hours_to_due: (n > 0).then(|| hours / n as f64),
            })
            .collect();
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }
}

/// Decide and store a batch of messages, then empty it.
fn store_batch(
    store: &mut Store,
    policy: &Policy,
    batch: &mut Vec<CustomerMessage>,
    report: &mut IngestReport,
    tiers: &mut [(u64, f64); SCORE_TIERS.len()],
) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let incoming: Vec<super::Incoming> = batch
        .drain(..)
        .map(|m| super::Incoming {
            channel: report.channel.clone(),
            ext_id: Some(m.ext_id),
            platform: m.platform,
            author: m.author,
            text: m.text,
            received_at: m.received_at,
        })
        .collect();
    let triaged = decide_and_store(store, policy, &incoming, now())?;
    report.messages += incoming.len() as u64;
    for t in &triaged {
        let (m, d) = (&t.message, &t.decision);
        if !t.saved.new {
            report.already_stored += 1;
            continue;
        }
        report.new += 1;
        report.known_authors += u64::from(m.account.is_some());
        report.by_priority[usize::from(d.priority.clamp(1, 4)) - 1] += 1;
        let tier = &mut tiers[score_tier(d.author_score)];
        tier.0 += 1;
        tier.1 += d.due_by.saturating_sub(m.received_at) as f64 / 3_600.0;
    }
    Ok(())
}
