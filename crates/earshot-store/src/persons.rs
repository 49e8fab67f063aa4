//! Persons: one person's accounts on several platforms (issue 21).
//!
//! A link is stored only with its evidence (a verified link, a mapping file's line, a person's
//! decision), which the store keeps as words a user can check; suggestions from similarity are never
//! stored. An account belongs to at most one person. Linking never touches the accounts' own rows or
//! scores, so unlinking restores exactly what was there.

use crate::{sql_err, Result, Store, StoreError};
use rusqlite::{params, OptionalExtension};

/// One account of a person, with why it was linked.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PersonAccount {
    pub account: i64,
    pub platform: String,
    pub ext_id: String,
    pub handle: Option<String>,
    pub evidence: String,
    pub linked_at: i64,
}

/// A person and their accounts, by platform then id.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub accounts: Vec<PersonAccount>,
}

/// What [`Store::link_accounts`] did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct LinkOutcome {
    /// Whether a person was made by this call.
    pub created: bool,
    /// Accounts linked by this call.
    pub linked: usize,
    /// Accounts that already belonged to the person (their evidence is kept as it was).
    pub already: usize,
}

/// Why a link was refused: the account belongs to another person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedElsewhere {
    pub account: i64,
    pub person: String,
}

/// The id and name of the person `account` belongs to, read inside a transaction.
fn owner_of(conn: &rusqlite::Connection, account: i64) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row(
        "SELECT p.id, p.name FROM person_accounts pa JOIN persons p ON p.id = pa.person
         WHERE pa.account = ?1",
        [account],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

impl Store {
    /// Link `accounts` to the person `name` (made if new) with `evidence`, all or none: when one of them
    /// belongs to another person, nothing is written and that account and person are returned (unlink
    /// it first: a person's accounts are never moved silently).
    pub fn link_accounts(
        &mut self,
        name: &str,
        accounts: &[i64],
        evidence: &str,
        now: i64,
    ) -> Result<std::result::Result<LinkOutcome, LinkedElsewhere>> {
        let links: Vec<(&str, i64, &str)> = accounts.iter().map(|&a| (name, a, evidence)).collect();
        self.link_many(&links, now)
    }

    /// Link each `(person, account, evidence)`, making persons as needed, in one transaction: all or
    /// none, as [`Store::link_accounts`].
    pub fn link_many(
        &mut self,
        links: &[(&str, i64, &str)],
        now: i64,
    ) -> Result<std::result::Result<LinkOutcome, LinkedElsewhere>> {
        let path = self.path.clone();
        let e = |e| sql_err(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        let mut out = LinkOutcome::default();
        for &(name, account, evidence) in links {
            let name = name.trim();
            if name.is_empty() || evidence.trim().is_empty() {
                return Err(StoreError::Invalid {
                    path: self.path.clone(),
                    what: "person link",
                    why: "a person needs a name and a link needs its evidence".into(),
                });
            }
            let person: i64 = match tx
                .query_row("SELECT id FROM persons WHERE name = ?1", [name], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(e)?
            {
                Some(id) => id,
                None => {
                    out.created = true;
                    tx.execute(
                        "INSERT INTO persons (name, created_at) VALUES (?1, ?2)",
                        params![name, now],
                    )
                    .map_err(e)?;
                    tx.last_insert_rowid()
                }
            };
            match owner_of(&tx, account).map_err(e)? {
                Some((id, _)) if id == person => out.already += 1,
                Some((_, other)) => {
                    return Ok(Err(LinkedElsewhere {
                        account,
                        person: other,
                    }))
                }
                None => {
                    tx.execute(
                        "INSERT INTO person_accounts (account, person, evidence, linked_at)
                         VALUES (?1, ?2, ?3, ?4)",
                        params![account, person, evidence.trim(), now],
                    )
                    .map_err(e)?;
                    out.linked += 1;
                }
            }
        }
        tx.commit().map_err(e)?;
        Ok(Ok(out))
    }

    /// Take `account` from its person; the person goes once it has no account left. Returns the
    /// person's name, or `None` when the account belonged to nobody.
    pub fn unlink_account(&mut self, account: i64) -> Result<Option<String>> {
        let path = self.path.clone();
        let e = |e| sql_err(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        let Some((person, name)) = owner_of(&tx, account).map_err(e)? else {
            return Ok(None);
        };
        tx.execute("DELETE FROM person_accounts WHERE account = ?1", [account])
            .map_err(e)?;
        tx.execute(
            "DELETE FROM persons WHERE id = ?1
             AND NOT EXISTS (SELECT 1 FROM person_accounts WHERE person = ?1)",
            [person],
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(Some(name))
    }

    /// The person named `name`, with their accounts.
    pub fn person(&self, name: &str) -> Result<Option<Person>> {
        let head: Option<(i64, String, i64)> = self
            .conn
            .query_row(
                "SELECT id, name, created_at FROM persons WHERE name = ?1",
                [name.trim()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((id, name, created_at)) = head else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT a.id, a.platform, a.ext_id, a.handle, pa.evidence, pa.linked_at
                 FROM person_accounts pa JOIN accounts a ON a.id = pa.account
                 WHERE pa.person = ?1 ORDER BY a.platform, a.ext_id",
            )
            .map_err(|e| self.err(e))?;
        let accounts = stmt
            .query_map([id], |r| {
                Ok(PersonAccount {
                    account: r.get(0)?,
                    platform: r.get(1)?,
                    ext_id: r.get(2)?,
                    handle: r.get(3)?,
                    evidence: r.get(4)?,
                    linked_at: r.get(5)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        Ok(Some(Person {
            id,
            name,
            created_at,
            accounts,
        }))
    }

    /// The name of the person `account` belongs to.
    pub fn person_of(&self, account: i64) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT p.name FROM person_accounts pa JOIN persons p ON p.id = pa.person
                 WHERE pa.account = ?1",
                [account],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Every person's name and number of accounts, by name.
    pub fn persons(&self) -> Result<Vec<(String, u64)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT p.name, COUNT(pa.account) FROM persons p
                 LEFT JOIN person_accounts pa ON pa.person = p.id
                 GROUP BY p.id ORDER BY p.name",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Every linked account and its person's name (for evaluating links against a truth).
    pub fn person_links(&self) -> Result<Vec<(i64, String)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT pa.account, p.name FROM person_accounts pa JOIN persons p ON p.id = pa.person
                 ORDER BY p.name, pa.account",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use earshot_model::{Account, Event};

    fn store_with(accounts: &[(&str, &str)]) -> (tempfile::TempDir, Store, Vec<i64>) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        let events: Vec<Event> = accounts
            .iter()
            .map(|(platform, ext_id)| {
                Event::Account(Account {
                    platform: platform.to_string(),
                    ext_id: ext_id.to_string(),
                    ..Account::default()
                })
            })
            .collect();
        store.write(&events).unwrap();
        let ids = accounts
            .iter()
            .map(|(p, x)| earshot_model::AccountRef::by_id(*x).id(p).0)
            .collect();
        (dir, store, ids)
    }

    #[test]
    fn linking_is_all_or_nothing_and_unlinking_removes_an_empty_person() {
        let (_d, mut store, ids) = store_with(&[
            ("mastodon", "https://s.example/users/ann"),
            ("bluesky", "did:plc:ann"),
            ("twitter", "100"),
        ]);
        let out = store
            .link_accounts("ann", &ids[..2], "by hand", 10)
            .unwrap()
            .unwrap();
        assert_eq!((out.created, out.linked, out.already), (true, 2, 0));
        let again = store
            .link_accounts("ann", &ids[..2], "other evidence", 11)
            .unwrap()
            .unwrap();
        assert_eq!((again.created, again.linked, again.already), (false, 0, 2));
        // The twitter account and an account already Ann's: refused whole, nothing written.
        let refused = store
            .link_accounts("bob", &[ids[2], ids[1]], "by hand", 12)
            .unwrap()
            .unwrap_err();
        assert_eq!(refused.person, "ann");
        assert_eq!(store.person_of(ids[2]).unwrap(), None);
        assert_eq!(store.person("bob").unwrap(), None, "bob was rolled back");
        let ann = store.person("ann").unwrap().unwrap();
        assert_eq!(ann.accounts.len(), 2);
        assert_eq!(ann.accounts[0].platform, "bluesky");
        assert_eq!(
            ann.accounts[1].evidence, "by hand",
            "the first evidence is kept"
        );
        assert_eq!(
            store.unlink_account(ids[0]).unwrap().as_deref(),
            Some("ann")
        );
        assert_eq!(store.persons().unwrap(), [("ann".to_string(), 1)]);
        assert_eq!(
            store.unlink_account(ids[1]).unwrap().as_deref(),
            Some("ann")
        );
        assert!(store.persons().unwrap().is_empty(), "no account, no person");
        assert_eq!(store.unlink_account(ids[1]).unwrap(), None);
    }

    #[test]
    fn a_link_needs_a_name_and_evidence() {
        let (_d, mut store, ids) = store_with(&[("twitter", "1")]);
        assert!(store.link_accounts(" ", &ids, "by hand", 1).is_err());
        assert!(store.link_accounts("x", &ids, " ", 1).is_err());
        assert!(store.persons().unwrap().is_empty());
    }
}
