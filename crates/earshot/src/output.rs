//! How reports leave the binary: JSON on stdout, notes on stderr.

use anyhow::Result;

/// Print a report as one line of JSON. It goes through `serde_json::Value`, whose objects keep their
/// keys sorted, so a typed report prints exactly as the hand-built JSON it replaced.
pub fn print_json(report: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_value(report)?);
    Ok(())
}

/// Print a report as JSON (`--json`, by [`print_json`]) or as text (by `text`, an `earshot_print`
/// renderer, on standard output): what most commands do with the report their use case returns.
pub fn print_report<R: serde::Serialize>(
    json: bool,
    report: &R,
    text: impl FnOnce(&mut dyn std::io::Write, &R) -> Result<()>,
) -> Result<()> {
    if json {
        print_json(report)
    } else {
        text(&mut std::io::stdout().lock(), report)
    }
}

/// The note callback a use case takes: `note: …` on stderr, unless `quiet`.
pub fn note_unless(quiet: bool) -> impl Fn(&str) {
    move |note| {
        if !quiet {
            eprintln!("note: {note}");
        }
    }
}
