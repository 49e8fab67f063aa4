//! `earshot import`: what each file gave and what it rejected.

use crate::fmt::rejected_line;
use anyhow::Result;
use earshot_app::import::FileReport;
use earshot_store::ImportStatus;
use std::io::Write;

/// One file's import: how it ended, the records and events read and how fast, what was new, what was
/// rejected (and where the rejected lines are), and the reader's warnings.
pub fn file(out: &mut dyn Write, r: &FileReport) -> Result<()> {
    let w = &r.written;
    let verb = match r.status {
        ImportStatus::RolledBack => {
            "rolled back (--strict: a record was bad; nothing from this file was kept)"
        }
        ImportStatus::Truncated => {
            "CUT SHORT: the file could not be read to its end (records before the break were imported)"
        }
        ImportStatus::RejectedLines => "imported, with rejected lines",
        _ => "imported",
    };
    writeln!(out, "{}: {verb}", r.file)?;
    writeln!(
        out,
        "  {} records, {} events in {:.2} s ({:.0} events/s)",
        r.records, r.events, r.seconds, r.events_per_second
    )?;
    writeln!(
        out,
        "  new: {} accounts, {} posts, {} interactions; {} profile updates; {} already present",
        w.accounts_new, w.posts_new, w.interactions_new, w.accounts_updated, w.already_present
    )?;
    if w.interactions_implied > 0 || w.implied_replaced > 0 {
        write!(
            out,
            "  threads: {} of the new interactions implied by posts' reply_to, quote_of or reshare_of",
            w.interactions_implied
        )?;
        if w.implied_replaced > 0 {
            write!(
                out,
                "; {} implied ones replaced by the same reactions stated in the input",
                w.implied_replaced
            )?;
        }
        writeln!(out)?;
    }
    if w.forgotten_skipped > 0 {
        writeln!(
            out,
            "  left out: {} events of forgotten accounts (`earshot forget --lift` lets an account back)",
            w.forgotten_skipped
        )?;
    }
    if let Some(waiting) = r.references_waiting.filter(|&n| n > 0) {
        writeln!(
            out,
            "  note: {waiting} references name posts not in the database yet; their replies, quotes and \
             reshares are made when those posts are imported"
        )?;
    }
    rejected_line(out, r.rejected, r.rejects_file.as_deref())?;
    for warning in &r.warnings {
        writeln!(out, "  note: {warning}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_store::WriteCounts;

    #[test]
    fn a_file_with_rejects_names_them_and_where_they_are() {
        let r = FileReport {
            file: "x.csv".into(),
            format: "csv",
            status: ImportStatus::RejectedLines,
            records: 10,
            events: 8,
            rejected: 2,
            written: WriteCounts {
                accounts_new: 3,
                posts_new: 4,
                interactions_new: 5,
                ..WriteCounts::default()
            },
            references_waiting: Some(0),
            warnings: vec!["odd header".into()],
            rejects_file: Some("x.csv.rejects.txt".into()),
            seconds: 0.5,
            records_per_second: 20.0,
            events_per_second: 16.0,
            peak_rss_kib: None,
        };
        let mut buf = Vec::new();
        file(&mut buf, &r).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "x.csv: imported, with rejected lines");
        assert_eq!(lines[1], "  10 records, 8 events in 0.50 s (16 events/s)");
        assert!(lines[2].starts_with("  new: 3 accounts, 4 posts, 5 interactions;"));
        assert_eq!(lines[3], "  rejected: 2 records (all in x.csv.rejects.txt)");
        assert_eq!(lines[4], "  note: odd header");
        assert_eq!(
            lines.len(),
            5,
            "no thread lines without implied interactions: {text}"
        );
    }

    #[test]
    fn implied_interactions_and_waiting_references_are_told() {
        let r = FileReport {
            file: "t.jsonl".into(),
            format: "jsonl",
            status: ImportStatus::Done,
            records: 4,
            events: 4,
            rejected: 0,
            written: WriteCounts {
                posts_new: 4,
                interactions_new: 3,
                interactions_implied: 2,
                implied_replaced: 1,
                ..WriteCounts::default()
            },
            references_waiting: Some(7),
            warnings: vec![],
            rejects_file: None,
            seconds: 0.5,
            records_per_second: 8.0,
            events_per_second: 8.0,
            peak_rss_kib: None,
        };
        let mut buf = Vec::new();
        file(&mut buf, &r).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[3].starts_with("  threads: 2 of the new interactions implied")
                && lines[3].ends_with(
                    "; 1 implied ones replaced by the same reactions stated in the input"
                ),
            "{text}"
        );
        assert!(
            lines[4].starts_with("  note: 7 references name posts not in the database yet"),
            "{text}"
        );
    }
}
