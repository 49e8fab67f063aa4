//! What one file's import did, as text.

use earshot_app::import::FileReport;
use earshot_store::ImportStatus;

/// Print a report for a person.
pub fn print(r: &FileReport) {
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
    println!("{}: {verb}", r.file);
    println!(
        "  {} records, {} events in {:.2} s ({:.0} events/s)",
        r.records, r.events, r.seconds, r.events_per_second
    );
    println!(
        "  new: {} accounts, {} posts, {} interactions; {} profile updates; {} already present",
        w.accounts_new, w.posts_new, w.interactions_new, w.accounts_updated, w.already_present
    );
    if r.rejected > 0 {
        println!(
            "  rejected: {} records (all in {})",
            r.rejected,
            r.rejects_file.as_deref().unwrap_or("-")
        );
    }
    for warning in &r.warnings {
        println!("  note: {warning}");
    }
}
