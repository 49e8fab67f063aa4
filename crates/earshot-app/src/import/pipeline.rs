//! One file through the reader thread and the writer (this thread), in atomic batches.

use super::rejects::{default_source, RejectSink};
use super::report::FileReport;
use super::{open_error, EventLog, FileImport, ImportWatch, WAL_CHECKPOINT_BYTES};
use crate::peak_rss_kib;
use crate::time::now;
use anyhow::{anyhow, Context, Result};
use earshot_ingest::{Options, Rejection};
use earshot_model::Event;
use earshot_store::{ImportProgress, ImportStatus, Store};
use std::sync::mpsc::sync_channel;
use std::time::Instant;

/// Events per message from the reader thread. Transactions are `--batch-size` events, but they travel in
/// chunks this small so that memory stays small however large a batch is.
const CHUNK_EVENTS: usize = 8_192;

/// The field a reader gives the rejection that ends a stream it cannot read further (a truncated gzip).
const STREAM_FIELD: &str = "<stream>";

/// One message from the reader thread: some events, the rejections met while reading them, and whether
/// the transaction (batch) ends with them.
struct Chunk {
    events: Vec<Event>,
    rejections: Vec<Rejection>,
    records: u64,
    ends_batch: bool,
}

impl Chunk {
    fn new() -> Self {
        Chunk {
            events: Vec::with_capacity(CHUNK_EVENTS),
            rejections: Vec::new(),
            records: 0,
            ends_batch: false,
        }
    }
}

/// Import one file. The store's bulk mode is already on. Whole batches are committed as they complete
/// (the import log row is updated in the same transaction, so it always matches what is stored); with
/// `strict` the file is one transaction, rolled back at its first bad record.
pub fn import_file(
    store: &mut Store,
    job: &FileImport<'_>,
    opts: &Options,
    rejects: &mut RejectSink,
    watch: &dyn ImportWatch,
) -> Result<FileReport> {
    let (path, strict) = (job.path, job.strict);
    let mut sink = match job.event_log {
        EventLog::Segments | EventLog::Posts => {
            // The source name is part of what a line's derived key is made of (`source:line`).
            let named = Options {
                source: Some(opts.source.clone().unwrap_or_else(|| default_source(path))),
                ..opts.clone()
            };
            let fingerprint = super::source::fingerprint(path, job.format_name, &named)
                .with_context(|| format!("reading {}", path.display()))?
                .unwrap_or_else(|| format!("stream {} {}", std::process::id(), now_nanos()));
            let sink = if job.event_log == EventLog::Posts {
                store.segment_sink_with_posts(&fingerprint)?
            } else {
                store.segment_sink(&fingerprint)?
            };
            Some(sink.with_run_rows(job.segment_rows))
        }
        EventLog::Sqlite => None,
    };
    let (reader, progress) = earshot_ingest::open(path, job.format, opts).map_err(open_error)?;
    let source = opts.source.clone().unwrap_or_else(|| default_source(path));
    let started = Instant::now();
    let log = store.start_import(&path.display().to_string(), job.format_name, &source, now())?;

    watch.started(progress.file_size());
    let batch_size = job.batch_size;
    let (tx, rx) = sync_channel::<Chunk>(2);
    // Written events are freed on a thread of their own: freeing a chunk's strings is work neither the
    // writer (the slower thread on a post-heavy import: ~4% of it) nor the reader (the slower one on a
    // Bluesky CAR) need do, and a core is idle often enough to take it.
    // Bounded: should freeing fall behind, the writer waits rather than holding every written chunk.
    let (spent_tx, spent_rx) = sync_channel::<Vec<Event>>(4);
    let freer = std::thread::spawn(move || spent_rx.into_iter().for_each(drop));
    let parser = std::thread::spawn(move || {
        let mut chunk = Chunk::new();
        let mut in_batch = 0usize;
        for item in reader {
            chunk.records += 1;
            match item {
                Ok(record) => {
                    in_batch += record.events.len();
                    chunk.events.extend(record.events);
                }
                Err(rejection) => chunk.rejections.push(rejection),
            }
            if in_batch >= batch_size || chunk.events.len() >= CHUNK_EVENTS {
                chunk.ends_batch = in_batch >= batch_size;
                if chunk.ends_batch {
                    in_batch = 0;
                }
                if tx
                    .send(std::mem::replace(&mut chunk, Chunk::new()))
                    .is_err()
                {
                    return; // the writer stopped (strict rollback or a database error)
                }
            }
        }
        chunk.ends_batch = true;
        let _ = tx.send(chunk);
    });

    let file_rejects = rejects.open_for(path)?;
    // `done`: committed so far; `pending`: the open transaction's share, added to `done` at commit.
    let mut done = ImportProgress::default();
    let mut pending = ImportProgress::default();
    let mut truncated = false;
    let mut status = ImportStatus::Done;
    if strict {
        store.begin()?;
    }
    let mut in_transaction = strict;
    let outcome: Result<()> = (|| {
        for chunk in rx.iter() {
            pending.records += chunk.records;
            pending.rejected += chunk.rejections.len() as u64;
            for r in &chunk.rejections {
                truncated |= r.field == STREAM_FIELD;
                rejects.record(file_rejects, r, &|r| watch.rejected(r))?;
            }
            if strict && !chunk.rejections.is_empty() {
                status = ImportStatus::RolledBack;
                return Ok(());
            }
            pending.events += chunk.events.len() as u64;
            if !in_transaction {
                store.begin()?;
                in_transaction = true;
            }
            pending.written.add(&match sink.as_mut() {
                Some(sink) => store.write_to_log(&chunk.events, sink)?,
                None => store.write(&chunk.events)?,
            });
            let _ = spent_tx.send(chunk.events);
            // A full run becomes a segment in the open transaction, catalogued when it commits.
            if let Some(sink) = sink.as_mut().filter(|s| s.is_full()) {
                store.flush_segment(sink)?;
            }
            if chunk.ends_batch && !strict {
                let mut after = done;
                after.add(&pending);
                store.record_import_progress(log, &after)?;
                store.commit()?;
                in_transaction = false;
                done = after;
                pending = ImportProgress::default();
                store.checkpoint_if_wal_over(WAL_CHECKPOINT_BYTES)?;
            }
            let seen = done.records + pending.records;
            watch.progress(progress.bytes_read(), seen, started.elapsed().as_secs_f64());
        }
        // The last run: its own transaction (or the strict one, still open).
        let last_run = sink.as_mut().filter(|s| s.buffered() > 0);
        if let Some(sink) = last_run.filter(|_| status != ImportStatus::RolledBack) {
            if !in_transaction {
                store.begin()?;
                in_transaction = true;
            }
            store.flush_segment(sink)?;
            if !strict {
                store.record_import_progress(log, &done)?;
                store.commit()?;
                in_transaction = false;
            }
        }
        Ok(())
    })();
    drop(rx);
    drop(spent_tx);
    let _ = freer.join();
    let parser_panicked = parser.join().is_err();
    watch.finished();

    let outcome = outcome.and_then(|()| {
        if parser_panicked {
            // The channel closing looked like the end of the file; it was not.
            Err(anyhow!(
                "the reader of {} failed part-way (a bug: please report it)",
                path.display()
            ))
        } else {
            Ok(())
        }
    });
    if let Err(e) = outcome {
        if in_transaction {
            let _ = store.rollback();
        }
        let _ = store.finish_import(log, ImportStatus::Failed, &done, now());
        return Err(e.context(format!(
            "importing {} (whole batches before the failure stay imported)",
            path.display()
        )));
    }
    let mut total = done;
    if status == ImportStatus::RolledBack {
        store.rollback()?;
        // Nothing stays; the log keeps what was read, for the user's record.
        total = ImportProgress {
            records: done.records + pending.records,
            rejected: done.rejected + pending.rejected,
            ..Default::default()
        };
    } else {
        if strict {
            total.add(&pending);
            store.record_import_progress(log, &total)?;
            store.commit()?;
        }
        status = if truncated {
            ImportStatus::Truncated
        } else if total.rejected > 0 {
            ImportStatus::RejectedLines
        } else {
            ImportStatus::Done
        };
    }
    store.finish_import(log, status, &total, now())?;
    // With posts in the log the count is a derivation over every post, which `stats` makes when asked.
    let references_waiting = match job.event_log {
        EventLog::Posts => None,
        _ => Some(store.references_waiting()?),
    };
    let seconds = started.elapsed().as_secs_f64();
    Ok(FileReport {
        file: path.display().to_string(),
        format: job.format_name,
        status,
        records: total.records,
        events: total.events,
        rejected: total.rejected,
        written: total.written,
        references_waiting,
        warnings: progress.warnings().iter().map(|w| w.to_string()).collect(),
        rejects_file: rejects.path_if_used(file_rejects),
        seconds,
        records_per_second: total.records as f64 / seconds.max(1e-9),
        events_per_second: total.events as f64 / seconds.max(1e-9),
        peak_rss_kib: peak_rss_kib(),
    })
}

/// Nanoseconds since 1970, to name a stream's source uniquely.
fn now_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}
