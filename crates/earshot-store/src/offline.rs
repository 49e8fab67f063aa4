//! Offline evidence (issue 21): rows about a person or an account, kept apart from the interactions.
//! A row's id is a hash of its content, so importing the same evidence again, from any file, adds
//! nothing.

use crate::{sql_err, Result, Store};
use rusqlite::params;

/// Who a stored row is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceSubject {
    Person(String),
    Account(i64),
}

/// One row of offline evidence.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OfflineEvidence {
    pub subject: EvidenceSubject,
    pub source: String,
    pub time: Option<i64>,
    pub amount: f64,
    pub link: Option<String>,
    /// Where it came from (`file:line`).
    pub origin: String,
    /// How many identical rows came before this one in its file (0 for the first): three equal rows
    /// are three talks, and a second import of the file still adds nothing.
    #[serde(skip)]
    pub occurrence: u32,
}

impl OfflineEvidence {
    /// The row's id: a hash of who, what, when, how much and where (not of its origin).
    fn id(&self) -> i64 {
        let mut h = blake3::Hasher::new();
        match &self.subject {
            EvidenceSubject::Person(p) => h.update(b"p\0").update(p.as_bytes()),
            EvidenceSubject::Account(a) => h.update(b"a\0").update(&a.to_le_bytes()),
        };
        h.update(b"\0").update(self.source.as_bytes());
        h.update(b"\0")
            .update(&self.time.unwrap_or(i64::MIN).to_le_bytes());
        h.update(&self.amount.to_bits().to_le_bytes());
        h.update(self.link.as_deref().unwrap_or("").as_bytes());
        h.update(&self.occurrence.to_le_bytes());
        let bytes = h.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&bytes.as_bytes()[..8]);
        i64::from_le_bytes(first)
    }
}

impl Store {
    /// Store `rows` in one transaction; returns how many were new (the rest were already stored).
    pub fn add_offline_evidence(&mut self, rows: &[OfflineEvidence]) -> Result<usize> {
        let counts = self.add_offline_evidence_files(&[rows.to_vec()])?;
        Ok(counts.into_iter().sum())
    }

    /// Store several files' rows in one transaction; returns how many of each file's were new.
    pub fn add_offline_evidence_files(
        &mut self,
        files: &[Vec<OfflineEvidence>],
    ) -> Result<Vec<usize>> {
        let path = self.path.clone();
        let e = |e| sql_err(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        let mut counts = Vec::new();
        {
            let mut stmt = tx
                .prepare(
                    "INSERT OR IGNORE INTO offline_evidence
                     (id, person, account, source, time, amount, link, origin)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(e)?;
            for rows in files {
                let mut added = 0;
                for r in rows {
                    let (person, account) = match &r.subject {
                        EvidenceSubject::Person(p) => (Some(p.as_str()), None),
                        EvidenceSubject::Account(a) => (None, Some(*a)),
                    };
                    added += stmt
                        .execute(params![
                            r.id(),
                            person,
                            account,
                            r.source,
                            r.time,
                            r.amount,
                            r.link,
                            r.origin
                        ])
                        .map_err(e)?;
                }
                counts.push(added);
            }
        }
        tx.commit().map_err(e)?;
        Ok(counts)
    }

    /// Every stored row, by subject, source and time.
    pub fn offline_evidence(&self) -> Result<Vec<OfflineEvidence>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT person, account, source, time, amount, link, origin FROM offline_evidence
                 ORDER BY person, account, source, time",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let person: Option<String> = r.get(0)?;
                let account: Option<i64> = r.get(1)?;
                let subject = match (person, account) {
                    (Some(p), _) => EvidenceSubject::Person(p),
                    (None, a) => EvidenceSubject::Account(a.unwrap_or_default()),
                };
                Ok(OfflineEvidence {
                    subject,
                    source: r.get(2)?,
                    time: r.get(3)?,
                    amount: r.get(4)?,
                    link: r.get(5)?,
                    origin: r.get(6)?,
                    occurrence: 0,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_evidence_is_stored_once_whatever_its_origin() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("o.db")).unwrap();
        let row = |origin: &str, amount: f64| OfflineEvidence {
            subject: EvidenceSubject::Person("ann".into()),
            source: "talks".into(),
            time: Some(1_700_000_000),
            amount,
            link: None,
            origin: origin.into(),
            occurrence: 0,
        };
        assert_eq!(
            store.add_offline_evidence(&[row("a.csv:2", 3.0)]).unwrap(),
            1
        );
        assert_eq!(
            store
                .add_offline_evidence(&[row("b.csv:7", 3.0), row("b.csv:8", 4.0)])
                .unwrap(),
            1,
            "the same talks from another file are not new; another amount is"
        );
        let all = store.offline_evidence().unwrap();
        assert_eq!(all.len(), 2);
        let three = all.iter().find(|r| r.amount == 3.0).unwrap();
        assert_eq!(three.origin, "a.csv:2", "the first origin is kept");
    }
}
