//! The small pieces every renderer shares: clipped text, one-line snippets, history changes and a
//! run's window.

use earshot_app::history::HistoryReport;
use earshot_model::format_utc;
use earshot_store::ScoreRun;

/// `s` cut to at most `n` characters, the cut marked with "…" at the end.
pub fn clip(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!(
            "{}…",
            s.chars().take(n.saturating_sub(1)).collect::<String>()
        )
    } else {
        s.to_string()
    }
}

/// `s` cut to at most `n` characters from its start, keeping the end (for paths), marked with "…".
pub fn clip_start(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count > n {
        let tail: String = s.chars().skip(count - n.saturating_sub(1)).collect();
        format!("…{tail}")
    } else {
        s.to_string()
    }
}

/// A text on one line (runs of whitespace become one space), cut to at most `max` characters.
pub fn one_line(text: &str, max: usize) -> String {
    clip(&text.split_whitespace().collect::<Vec<_>>().join(" "), max)
}

/// One line of a post's text for a terminal, or a dash where the data has none.
pub fn snippet(text: Option<&str>) -> String {
    text.map_or_else(|| "—".into(), |t| one_line(t, 90))
}

/// A change for the history table: signed, or "—" (explained under the table by [`delta_notes`]).
pub fn delta_cell(d: Option<f64>) -> String {
    d.map_or_else(|| "—".into(), |x| format!("{x:+.1}"))
}

/// The line under a history table that says why a change is "—", if one is.
pub fn delta_notes<S>(h: &HistoryReport<S>) -> Option<String> {
    let notes = h.notes();
    (!notes.is_empty()).then(|| {
        format!(
            "  —: {} (runs are compared by their as-of date, the end of their data)",
            notes.join("; ")
        )
    })
}

/// `, window FROM to TO` for a run scored over part of the data; empty for all of it.
pub fn window_text(run: &ScoreRun) -> String {
    match (run.window_from, run.window_to) {
        (None, None) => String::new(),
        (f, t) => format!(
            ", window {} to {}",
            f.map(format_utc).unwrap_or_else(|| "start".into()),
            t.map(format_utc).unwrap_or_else(|| "end".into())
        ),
    }
}

/// `  rejected: N records (all in FILE)`, under a file's report when it rejected any.
pub fn rejected_line(
    out: &mut dyn std::io::Write,
    rejected: u64,
    file: Option<&str>,
) -> std::io::Result<()> {
    if rejected > 0 {
        writeln!(
            out,
            "  rejected: {rejected} records (all in {})",
            file.unwrap_or("-")
        )?;
    }
    Ok(())
}

/// What a renderer wrote, as text (for the renderers' tests).
#[cfg(test)]
pub fn render(f: impl FnOnce(&mut dyn std::io::Write) -> anyhow::Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_counts_characters_and_marks_the_cut() {
        assert_eq!(clip("abcdef", 6), "abcdef");
        assert_eq!(clip("abcdefg", 6), "abcde…");
        assert_eq!(clip("ééééééé", 3), "éé…");
        assert_eq!(clip_start("/a/b/c/file.txt", 8), "…ile.txt");
        assert_eq!(clip_start("short", 8), "short");
        assert_eq!(one_line("a  b\n c", 10), "a b c");
        assert_eq!(snippet(None), "—");
    }
}
