//! `earshot export`: what was written where.

use anyhow::Result;
use earshot_app::export::ExportReport;
use std::io::Write;

pub fn export(out: &mut dyn Write, r: &ExportReport) -> Result<()> {
    let run = r.run.map(|n| format!(" of run {n}")).unwrap_or_default();
    match (r.edges, r.interactions) {
        (Some(edges), Some(n)) => writeln!(
            out,
            "wrote {}{run} as {} to {}: {} accounts, {edges} edges standing for {n} interactions ({} bytes)",
            r.table.name(),
            r.format.name(),
            r.file.display(),
            r.rows,
            r.bytes
        )?,
        _ => writeln!(
            out,
            "wrote {}{run} as {} to {}: {} rows ({} bytes)",
            r.table.name(),
            r.format.name(),
            r.file.display(),
            r.rows,
            r.bytes
        )?,
    }
    Ok(())
}
