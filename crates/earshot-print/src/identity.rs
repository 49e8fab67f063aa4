//! `earshot identity`: suggestions with their evidence, links made and undone, a person with their
//! combined score, and the evaluation against a truth file.

use anyhow::Result;
use earshot_app::identity::{
    EvalReport, LinkReport, MappingReport, PersonReport, SuggestReport, UnlinkReport,
    VerifiedReport,
};
use earshot_store::AccountName;
use std::io::Write;

fn name(a: &AccountName) -> String {
    match &a.handle {
        Some(h) => format!("{}:@{}", a.platform, h.trim_start_matches('@')),
        None => format!("{}:{}", a.platform, a.platform_id),
    }
}

pub fn suggestions(out: &mut dyn Write, r: &SuggestReport) -> Result<()> {
    writeln!(
        out,
        "{} suggestions scoring at least {:.2} among {} accounts with a handle, name or link{}",
        r.total,
        r.min_score,
        r.accounts,
        if r.total > r.suggestions.len() {
            format!(" (the best {} shown)", r.suggestions.len())
        } else {
            String::new()
        }
    )?;
    for s in &r.suggestions {
        writeln!(
            out,
            "\n{:.2}{}  {}  ~  {}",
            s.score,
            if s.verified { " verified" } else { "" },
            name(&s.a),
            name(&s.b)
        )?;
        for e in &s.evidence {
            writeln!(out, "      {e}")?;
        }
        if !s.persons.is_empty() {
            writeln!(out, "      already linked: {}", s.persons.join(", "))?;
        }
    }
    if !r.suggestions.is_empty() {
        writeln!(
            out,
            "\nNothing is linked until you say so: `earshot identity link --person NAME ACCOUNT ACCOUNT`, \
             or `earshot identity verify` for the verified ones."
        )?;
    }
    Ok(())
}

pub fn linked(out: &mut dyn Write, r: &LinkReport) -> Result<()> {
    writeln!(
        out,
        "{} {}: {} account(s) linked, {} already theirs (evidence: {})",
        if r.outcome.created {
            "new person"
        } else {
            "person"
        },
        r.person,
        r.outcome.linked,
        r.outcome.already,
        r.evidence
    )?;
    Ok(())
}

pub fn unlinked(out: &mut dyn Write, r: &UnlinkReport) -> Result<()> {
    match &r.person {
        Some(p) => writeln!(out, "{} no longer belongs to {p}", name(&r.account))?,
        None => writeln!(out, "{} belonged to no person", name(&r.account))?,
    }
    Ok(())
}

pub fn mapped(out: &mut dyn Write, r: &MappingReport) -> Result<()> {
    writeln!(
        out,
        "{}: {} rows, {} persons; {} account(s) linked, {} already linked",
        r.file.display(),
        r.rows,
        r.persons,
        r.linked,
        r.already
    )?;
    Ok(())
}

pub fn verified(out: &mut dyn Write, r: &VerifiedReport) -> Result<()> {
    writeln!(
        out,
        "{} verified pairs: {} account(s) linked, {} new person(s)",
        r.verified, r.linked, r.persons_created
    )?;
    for c in &r.conflicts {
        writeln!(out, "  left alone, two persons already: {c}")?;
    }
    Ok(())
}

pub fn person(out: &mut dyn Write, r: &PersonReport) -> Result<()> {
    writeln!(out, "{}", r.person)?;
    match &r.score {
        Some(s) => writeln!(
            out,
            "  score {:.1} in run {} ({:.1} authentic reactions expected next week, all accounts)",
            s.overall, s.run, s.expected
        )?,
        None => writeln!(out, "  not scored yet (run `earshot score`)")?,
    }
    if let Some(o) = &r.offline {
        let have: Vec<&str> = o
            .sources
            .iter()
            .filter(|p| p.rows > 0)
            .map(|p| p.source.as_str())
            .collect();
        writeln!(
            out,
            "  offline score {:.1}, apart from the online score ({}; `earshot offline show {}`)",
            o.score,
            have.join(", "),
            r.person
        )?;
    }
    for a in &r.accounts {
        let part = r.score.as_ref().and_then(|s| {
            s.accounts
                .iter()
                .find(|p| p.account.platform == a.platform && p.account.platform_id == a.ext_id)
        });
        let shown = AccountName {
            platform: a.platform.clone(),
            platform_id: a.ext_id.clone(),
            handle: a.handle.clone(),
        };
        match part {
            Some(p) => writeln!(
                out,
                "  {:<40} score {:>5.1}  expects {:>8.1}  {:>5.1}% of the person",
                name(&shown),
                p.overall,
                p.expected,
                100.0 * p.share
            )?,
            None => writeln!(out, "  {}", name(&shown))?,
        }
        writeln!(out, "      linked by: {}", a.evidence)?;
    }
    Ok(())
}

pub fn list(out: &mut dyn Write, persons: &[(String, u64)]) -> Result<()> {
    if persons.is_empty() {
        writeln!(
            out,
            "no persons: see `earshot identity suggest`, then `earshot identity link`"
        )?;
    }
    for (p, n) in persons {
        writeln!(out, "{p}\t{n} account(s)")?;
    }
    Ok(())
}

pub fn eval(out: &mut dyn Write, r: &EvalReport) -> Result<()> {
    writeln!(
        out,
        "{}: {} true cross-platform pairs among the database's accounts",
        r.truth.display(),
        r.true_pairs
    )?;
    writeln!(
        out,
        "{:>9} {:>9} {:>8} {:>9} {:>7} {:>15}",
        "min score", "suggested", "correct", "precision", "recall", "verified wrong"
    )?;
    for row in &r.rows {
        writeln!(
            out,
            "{:>9.2} {:>9} {:>8} {:>9.3} {:>7.3} {:>15}",
            row.min_score,
            row.suggested,
            row.correct,
            row.precision,
            row.recall,
            row.verified_wrong
        )?;
    }
    Ok(())
}
