//! `earshot forget`, `retention`, `backup` and `vacuum`: what was erased, pruned, copied or compacted.

use anyhow::Result;
use earshot_app::forget::ForgetReport;
use earshot_app::upkeep::{BackupReport, CompactReport, RetentionReport, VacuumReport};
use std::io::Write;

pub fn forget(out: &mut dyn Write, r: &ForgetReport) -> Result<()> {
    let e = &r.erased;
    writeln!(
        out,
        "forgot {} of {} accounts asked for: {} posts, {} interactions, {} scores, {} topic scores, \
         {} triage messages ({} decisions) erased",
        r.forgotten,
        r.asked,
        e.posts,
        e.interactions,
        e.scores,
        e.topic_scores,
        e.triage_messages,
        e.triage_decisions
    )?;
    writeln!(
        out,
        "  others' posts: {} references to their posts cleared, {} mentions redacted; {} jobs' stored results erased",
        e.references_cleared, e.mentions_redacted, e.jobs_redacted
    )?;
    writeln!(
        out,
        "  {} tombstones added: imports will leave these accounts out (`earshot forget --lift` lets them back)",
        e.tombstones
    )?;
    if !e.file_rebuilt {
        writeln!(
            out,
            "  note: the file was not rebuilt (--no-vacuum): free space may keep stale bytes of theirs until \
             `earshot vacuum`"
        )?;
    }
    if !e.log_truncated {
        writeln!(
            out,
            "  note: another connection holds the write-ahead log open; erased pages stay in it until it \
             closes (then run `earshot vacuum`)"
        )?;
    }
    match (r.rescored_run, &r.rescore_skipped) {
        (Some(run), _) => writeln!(out, "scored again without them: run {run}")?,
        (None, Some(why)) => writeln!(out, "not scored again: {why}")?,
        (None, None) => {}
    }
    Ok(())
}

pub fn lifted(out: &mut dyn Write, lifted: usize, asked: usize) -> Result<()> {
    writeln!(
        out,
        "lifted {lifted} of {asked} tombstones: the next import stores those accounts again"
    )?;
    Ok(())
}

pub fn retention(out: &mut dyn Write, r: &RetentionReport) -> Result<()> {
    if let Some(p) = &r.runs {
        writeln!(
            out,
            "pruned {} score runs ({} scores, {} topic scores)",
            p.runs, p.scores, p.topic_scores
        )?;
    }
    if let (Some(t), Some(before)) = (&r.text, &r.text_before) {
        writeln!(
            out,
            "cleared the text of {} posts and {} answered triage messages from before {before}",
            t.posts, t.triage_messages
        )?;
    }
    if let Some(n) = r.imports {
        writeln!(out, "pruned {n} import-log rows")?;
    }
    writeln!(out, "the file keeps its size until `earshot vacuum`")?;
    Ok(())
}

pub fn backup(out: &mut dyn Write, r: &BackupReport) -> Result<()> {
    writeln!(
        out,
        "backed up to {} ({:.1} MiB, integrity checked)",
        r.file,
        r.bytes as f64 / (1u64 << 20) as f64
    )?;
    Ok(())
}

pub fn vacuum(out: &mut dyn Write, r: &VacuumReport) -> Result<()> {
    let mib = |b: u64| b as f64 / (1u64 << 20) as f64;
    writeln!(
        out,
        "vacuumed: {:.1} MiB -> {:.1} MiB",
        mib(r.bytes_before),
        mib(r.bytes_after)
    )?;
    Ok(())
}

pub fn compact(out: &mut dyn Write, r: &CompactReport) -> Result<()> {
    let mib = |b: u64| b as f64 / (1u64 << 20) as f64;
    if r.segments_before == r.segments_after
        && r.moved_from_sqlite == 0
        && r.post_segments_before == r.post_segments_after
    {
        writeln!(
            out,
            "nothing to compact: {} segment(s), {} interactions, {:.1} MiB",
            r.segments_after,
            r.rows_after,
            mib(r.bytes_after)
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "compacted {} segment(s) ({} rows, {:.1} MiB) and {} interactions from the database file into {} segment ({} rows, {:.1} MiB) in {:.1} s",
        r.segments_before,
        r.segment_rows_before,
        mib(r.bytes_before),
        r.moved_from_sqlite,
        r.segments_after,
        r.rows_after,
        mib(r.bytes_after),
        r.seconds
    )?;
    if r.duplicates_removed > 0 {
        writeln!(
            out,
            "  {} copies of events stored by more than one file are now stored once (readers already met them once)",
            r.duplicates_removed
        )?;
    }
    if r.post_segments_before != r.post_segments_after {
        writeln!(
            out,
            "  posts: {} segment(s) ({} rows) into {} ({} posts, each once)",
            r.post_segments_before, r.post_rows_before, r.post_segments_after, r.post_rows_after
        )?;
    }
    if r.moved_from_sqlite > 0 {
        writeln!(
            out,
            "  the database file keeps its size until `earshot vacuum` gives the freed pages back"
        )?;
    }
    Ok(())
}
