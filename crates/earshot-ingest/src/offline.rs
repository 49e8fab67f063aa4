//! Offline influence: evidence of a person's or an account's standing off the networks (publications,
//! citations, talks, press mentions, Wikipedia page views), one row each, from a CSV file a user puts
//! together (`earshot import --format offline`).
//!
//! Columns (a header row names them, in any order, any case):
//! - `person` or `account` (one of them per row): the person's name as `earshot identity` knows it,
//!   or an account as the other commands take it (`@handle`, a platform id), with `platform` when
//!   the handle is on several platforms;
//! - `source`: what kind of evidence, a short lower-case label (`publications`, `citations`,
//!   `talks`, `press`, `wikipedia_views`, or any other of letters, digits, `_` and `-`);
//! - `amount`: how much, a number ≥ 0 (a count, or page views);
//! - `date` (optional): when, in any of the date formats `import` reads; undated evidence never ages;
//! - `link` (optional): where to check it.
//!
//! Offline evidence is labelled as such everywhere and kept apart from the online score; this module
//! only reads it, each bad row a rejection naming its line and field while the rest is read.

use crate::reader::quote;
use crate::{DateOrder, OpenError, Rejection};
use std::path::Path;

/// Who a row is about.
#[derive(Debug, Clone, PartialEq)]
pub enum OfflineSubject {
    Person(String),
    Account {
        query: String,
        platform: Option<String>,
    },
}

/// One row of offline evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct OfflineRow {
    /// 1-based line of the row in its file.
    pub line: u64,
    pub subject: OfflineSubject,
    pub source: String,
    pub time: Option<i64>,
    pub amount: f64,
    pub link: Option<String>,
}

/// The rows of `path`, and a rejection for each bad one. Fails whole only when the file cannot be
/// read or its header lacks a needed column.
pub fn read_offline(
    path: &Path,
    order: DateOrder,
) -> Result<(Vec<OfflineRow>, Vec<Rejection>), OpenError> {
    let file = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_path(path)
        .map_err(|e| OpenError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        })?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad_header(path, format!("no header row: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (person, account) = (col("person"), col("account"));
    if person.is_none() && account.is_none() {
        return Err(bad_header(
            path,
            "needs a `person` or an `account` column".into(),
        ));
    }
    let source = col("source").ok_or_else(|| bad_header(path, "needs a `source` column".into()))?;
    let amount =
        col("amount").ok_or_else(|| bad_header(path, "needs an `amount` column".into()))?;
    let columns = Columns {
        person,
        account,
        platform: col("platform"),
        source,
        amount,
        date: col("date"),
        link: col("link"),
    };
    let (mut rows, mut bad) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let (line, result) = match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line());
                (line, row(&r, &columns, line, order))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                (line, Err(("<csv>", format!("unreadable: {e}"))))
            }
        };
        match result {
            Ok(r) => rows.push(r),
            Err((field, reason)) => bad.push(Rejection {
                file: file.clone(),
                line,
                field: field.to_string(),
                reason,
            }),
        }
    }
    Ok((rows, bad))
}

fn bad_header(path: &Path, reason: String) -> OpenError {
    OpenError::BadHeader {
        path: path.to_path_buf(),
        reason,
    }
}

struct Columns {
    person: Option<usize>,
    account: Option<usize>,
    platform: Option<usize>,
    source: usize,
    amount: usize,
    date: Option<usize>,
    link: Option<usize>,
}

type Bad = (&'static str, String);

fn row(r: &csv::StringRecord, c: &Columns, line: u64, order: DateOrder) -> Result<OfflineRow, Bad> {
    let get = |i: Option<usize>| {
        i.and_then(|i| r.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let subject = match (get(c.person), get(c.account)) {
        (Some(_), Some(_)) => {
            return Err((
                "person",
                "a row names a person or an account, not both".into(),
            ))
        }
        (Some(p), None) => OfflineSubject::Person(p),
        (None, Some(a)) => OfflineSubject::Account {
            query: a,
            platform: get(c.platform),
        },
        (None, None) => return Err(("person", "names neither a person nor an account".into())),
    };
    let source = get(Some(c.source)).ok_or(("source", "empty".to_string()))?;
    let label_ok = source.len() <= 64
        && source
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_' || ch == '-');
    if !label_ok {
        return Err((
            "source",
            format!(
                "{} is not a short lower-case label (letters, digits, _ and -)",
                quote(&source)
            ),
        ));
    }
    let raw = get(Some(c.amount)).ok_or(("amount", "empty".to_string()))?;
    let amount: f64 = raw
        .replace(',', "")
        .parse()
        .map_err(|_| ("amount", format!("not a number: {}", quote(&raw))))?;
    if !(amount.is_finite() && amount >= 0.0) {
        return Err(("amount", format!("{} is not a number ≥ 0", quote(&raw))));
    }
    let time = match get(c.date) {
        None => None,
        Some(d) => Some(
            crate::time::parse_time(&d, order)
                .and_then(crate::time::check_range)
                .map_err(|e| ("date", e.0))?,
        ),
    };
    Ok(OfflineRow {
        line,
        subject,
        source,
        time,
        amount,
        link: get(c.link),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::write_file;

    #[test]
    fn rows_name_a_person_or_an_account_and_bad_rows_are_rejected_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(
            dir.path(),
            "offline.csv",
            "Person,Account,Platform,Source,Amount,Date,Link\n\
             ann,,,talks,3,2024-05-01,https://conf.example/ann\n\
             ,@annw,twitter,press,\"1,200\",,\n\
             ann,@annw,,press,1,,\n\
             bob,,,Talks!,1,,\n\
             bob,,,citations,-4,,\n\
             bob,,,citations,lots,,\n\
             bob,,,citations,12,someday,\n\
             ,,,citations,12,,\n\
             carol,,,wikipedia_views,48000,2024-06-01,\n"
                .as_bytes(),
        );
        let (rows, bad) = read_offline(&p, DateOrder::Mdy).unwrap();
        assert_eq!(rows.len(), 3, "{rows:#?}");
        assert_eq!(rows[0].subject, OfflineSubject::Person("ann".into()));
        assert_eq!(rows[0].time, Some(1_714_521_600));
        assert_eq!(rows[0].link.as_deref(), Some("https://conf.example/ann"));
        assert_eq!(
            rows[1].subject,
            OfflineSubject::Account {
                query: "@annw".into(),
                platform: Some("twitter".into())
            }
        );
        assert_eq!(rows[1].amount, 1200.0);
        assert_eq!(rows[2].line, 10);
        let fields: Vec<(u64, &str)> = bad.iter().map(|b| (b.line, b.field.as_str())).collect();
        assert_eq!(
            fields,
            [
                (4, "person"),
                (5, "source"),
                (6, "amount"),
                (7, "amount"),
                (8, "date"),
                (9, "person")
            ]
        );
    }

    #[test]
    fn a_header_without_the_needed_columns_fails_whole() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text, why) in [
            (
                "a.csv",
                "name,source,amount\nann,talks,1\n",
                "`person` or an `account`",
            ),
            ("b.csv", "person,amount\nann,1\n", "`source`"),
            ("c.csv", "person,source\nann,talks\n", "`amount`"),
        ] {
            let p = write_file(dir.path(), name, text.as_bytes());
            let err = read_offline(&p, DateOrder::Mdy).unwrap_err().to_string();
            assert!(err.contains(why), "{name}: {err}");
        }
    }
}
