//! API keys for `earshot serve`: only a hash of each token is stored; the token itself is shown once.
//!
//! The store keeps whatever 32-byte hash it is given and never sees a token: hashing and token
//! generation belong to the server, which checks a bearer token by hashing it and looking the hash up.

use crate::{Result, Store, StoreError};
use rusqlite::{params, Row};

/// One stored API key (never the token).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiKeyRecord {
    pub id: i64,
    pub name: String,
    /// The token's first characters, for telling keys apart.
    pub prefix: String,
    pub scopes: Vec<String>,
    /// Steady request rate allowed, per second.
    pub rate_per_sec: u32,
    /// Requests allowed at once above the steady rate.
    pub burst: u32,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    #[serde(skip)]
    pub hash: [u8; 32],
}

/// What [`Store::create_api_key`] stores.
#[derive(Debug, Clone)]
pub struct NewApiKey<'a> {
    pub name: &'a str,
    pub hash: [u8; 32],
    pub prefix: &'a str,
    pub scopes: &'a [String],
    pub rate_per_sec: u32,
    pub burst: u32,
    pub created_at: i64,
}

const KEY_COLUMNS: &str =
    "id, name, prefix, scopes, rate_per_sec, burst, created_at, revoked_at, hash";

fn key_from(r: &Row<'_>) -> rusqlite::Result<ApiKeyRecord> {
    let scopes: String = r.get(3)?;
    let hash: Vec<u8> = r.get(8)?;
    let mut h = [0u8; 32];
    if hash.len() == 32 {
        h.copy_from_slice(&hash);
    }
    Ok(ApiKeyRecord {
        id: r.get(0)?,
        name: r.get(1)?,
        prefix: r.get(2)?,
        scopes: scopes
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        rate_per_sec: r.get::<_, i64>(4)?.clamp(0, u32::MAX as i64) as u32,
        burst: r.get::<_, i64>(5)?.clamp(0, u32::MAX as i64) as u32,
        created_at: r.get(6)?,
        revoked_at: r.get(7)?,
        hash: h,
    })
}

impl Store {
    /// Store a new key; returns its id. A scope may not contain a comma (they are stored as a list).
    pub fn create_api_key(&mut self, key: &NewApiKey<'_>) -> Result<i64> {
        if let Some(bad) = key.scopes.iter().find(|s| s.is_empty() || s.contains(',')) {
            return Err(StoreError::Invalid {
                path: self.path.clone(),
                what: "API key scope",
                why: format!("{bad:?} is empty or contains a comma"),
            });
        }
        self.conn
            .execute(
                "INSERT INTO api_keys (name, hash, prefix, scopes, rate_per_sec, burst, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    key.name,
                    &key.hash[..],
                    key.prefix,
                    key.scopes.join(","),
                    key.rate_per_sec,
                    key.burst,
                    key.created_at
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Every key, revoked ones included, oldest first.
    pub fn api_keys(&self) -> Result<Vec<ApiKeyRecord>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY id"))
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], key_from).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Revoke a key by id; `Ok(false)` when there is no such key or it was already revoked.
    pub fn revoke_api_key(&mut self, id: i64, at: i64) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id, at],
            )
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_revoke_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("k.db")).unwrap();
        let scopes = vec!["read".to_string(), "write".to_string()];
        let new = NewApiKey {
            name: "crm",
            hash: [7; 32],
            prefix: "es_abc",
            scopes: &scopes,
            rate_per_sec: 50,
            burst: 100,
            created_at: 1_000,
        };
        let id = s.create_api_key(&new).unwrap();
        // The hash is unique: the same token cannot be stored twice.
        assert!(s.create_api_key(&new).is_err());
        let keys = s.api_keys().unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].id, id);
        assert_eq!(keys[0].scopes, scopes);
        assert_eq!(keys[0].hash, [7; 32]);
        assert_eq!((keys[0].rate_per_sec, keys[0].burst), (50, 100));
        assert!(s.revoke_api_key(id, 2_000).unwrap());
        assert!(!s.revoke_api_key(id, 3_000).unwrap());
        assert_eq!(s.api_keys().unwrap()[0].revoked_at, Some(2_000));
        let bad = vec!["read,admin".to_string()];
        assert!(s
            .create_api_key(&NewApiKey {
                hash: [8; 32],
                scopes: &bad,
                ..new
            })
            .is_err());
    }
}
