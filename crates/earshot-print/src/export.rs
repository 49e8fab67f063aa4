//! `earshot export`: what was written where.

use anyhow::Result;
use earshot_app::export::ExportReport;
use std::io::Write;

pub fn export(out: &mut dyn Write, r: &ExportReport) -> Result<()> {
    let run = r.run.map(|n| format!(" of run {n}")).unwrap_or_default();
    let what = match (r.edges, r.interactions) {
        (Some(edges), Some(n)) => {
            format!(
                "{} accounts, {edges} edges standing for {n} interactions",
                r.rows
            )
        }
        _ => format!("{} rows", r.rows),
    };
    writeln!(
        out,
        "wrote {}{run} as {} to {}: {what} ({} bytes)",
        r.table.name(),
        r.format.name(),
        r.file.display(),
        r.bytes
    )?;
    Ok(())
}
