//! `earshot keys`: API keys created, listed and revoked. (What goes to standard error, such as the
//! reminder to store a new token, stays in the binary.)

use anyhow::Result;
use earshot_app::keys::NewKeyReport;
use earshot_model::format_utc;
use earshot_store::ApiKeyRecord;
use std::io::Write;

/// `keys create`: the new token alone on its line, so a script can capture it.
pub fn created(out: &mut dyn Write, made: &NewKeyReport) -> Result<()> {
    writeln!(out, "{}", made.token)?;
    Ok(())
}

/// `keys list`: one row per key (never its token) with its limits and whether it is revoked, or how
/// to make one when there are none.
pub fn list(out: &mut dyn Write, keys: &[ApiKeyRecord]) -> Result<()> {
    if keys.is_empty() {
        writeln!(
            out,
            "no keys: make one with `earshot keys create --name NAME --scope read`"
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>4}  {:<12} {:<20} {:<6} {:>7} {:>7}  status",
        "id", "prefix", "name", "scope", "rate/s", "burst"
    )?;
    for k in keys {
        writeln!(
            out,
            "{:>4}  {:<12} {:<20} {:<6} {:>7} {:>7}  {}",
            k.id,
            k.prefix,
            k.name,
            k.scopes.join(","),
            k.rate_per_sec,
            k.burst,
            match k.revoked_at {
                Some(t) => format!("revoked {}", format_utc(t)),
                None => "active".into(),
            }
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_shows_scopes_and_revocation() {
        let key = |id, revoked_at| ApiKeyRecord {
            id,
            name: "crm".into(),
            prefix: "es_abcd".into(),
            scopes: vec!["read".into(), "write".into()],
            rate_per_sec: 50,
            burst: 100,
            created_at: 0,
            revoked_at,
            hash: [0; 32],
        };
        let mut buf = Vec::new();
        list(&mut buf, &[key(1, None), key(2, Some(0))]).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("  id  prefix"));
        assert!(lines[1].contains(" read,write ") && lines[1].ends_with("  active"));
        assert!(lines[2].ends_with("  revoked 1970-01-01 00:00:00"));
        let mut empty = Vec::new();
        list(&mut empty, &[]).unwrap();
        assert!(String::from_utf8(empty).unwrap().starts_with("no keys: "));
    }
}
