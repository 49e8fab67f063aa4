//! API keys for `earshot serve`: making one (a random token shown once, only its BLAKE3 hash stored),
//! listing them and revoking one. `earshot keys` runs these; the server checks tokens with
//! [`hash_token`] and makes keys over `POST /v1/keys` with [`create_key`], so a key is the same
//! whichever front made it.
//!
//! A token is `es_` and 64 hex digits (256 random bits). Only its hash is stored, so a copy of the
//! database does not give anyone access.

use crate::error::{FieldStyle, UsageError};
use crate::time::now;
use anyhow::Result;
use earshot_store::{ApiKeyRecord, NewApiKey, Store, StoreError};

/// The rate a key gets unless told otherwise (requests a second) and its burst.
pub const DEFAULT_RATE: u32 = 100;
pub const DEFAULT_BURST: u32 = 200;

/// What a key may do. Each scope includes the ones before it: `write` can read, `admin` can do anything.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Look up accounts, scores and explanations; enrich lists; read the triage queue; run forecasts.
    Read,
    /// Also ingest events and triage messages, mark messages answered.
    Write,
    /// Also manage keys.
    Admin,
}

impl Scope {
    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }
}

/// A freshly made token: give `token` to the client once; store `hash` and `prefix`.
pub struct NewToken {
    pub token: String,
    pub hash: [u8; 32],
    pub prefix: String,
}

/// Make a new random token.
pub fn new_token() -> NewToken {
    let bytes: [u8; 32] = rand::random();
    let mut token = String::with_capacity(67);
    token.push_str("es_");
    for b in bytes {
        token.push_str(&format!("{b:02x}"));
    }
    NewToken {
        hash: hash_token(&token),
        prefix: token[..11].to_string(),
        token,
    }
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> [u8; 32] {
    *blake3::hash(token.as_bytes()).as_bytes()
}

/// Make the stored record of a new key; returns the token and the key's id.
pub fn create_key(
    store: &mut Store,
    name: &str,
    scope: Scope,
    rate_per_sec: u32,
    burst: u32,
) -> Result<(String, i64), StoreError> {
    let t = new_token();
    let scopes = vec![scope.as_str().to_string()];
    let id = store.create_api_key(&NewApiKey {
        name,
        hash: t.hash,
        prefix: &t.prefix,
        scopes: &scopes,
        rate_per_sec,
        burst,
        created_at: now(),
    })?;
    Ok((t.token, id))
}

/// A key to make.
#[derive(Debug, Clone)]
pub struct KeyRequest {
    /// What the key is for (trimmed; not empty).
    pub name: String,
    pub scope: Scope,
    /// Requests a second, 1–100000.
    pub rate_per_sec: u32,
    /// Requests at once above the rate, 1–100000.
    pub burst: u32,
}

/// A key just made: the token is shown here once and never again.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct NewKeyReport {
    pub id: i64,
    pub token: String,
    pub scope: Scope,
}

/// Check the request (fields named in `style`) and make the key.
pub fn create(store: &mut Store, req: &KeyRequest, style: FieldStyle) -> Result<NewKeyReport> {
    let name = req.name.trim();
    if name.is_empty() {
        return Err(UsageError(format!("{} must not be empty", style.name("name"))).into());
    }
    if !(1..=100_000).contains(&req.rate_per_sec) || !(1..=100_000).contains(&req.burst) {
        let rate = match style {
            FieldStyle::Flags => "rate",
            FieldStyle::Fields => "rate_per_sec",
        };
        return Err(UsageError(format!(
            "{} and {} must be 1–100000",
            style.name(rate),
            style.name("burst")
        ))
        .into());
    }
    let (token, id) = create_key(store, name, req.scope, req.rate_per_sec, req.burst)?;
    Ok(NewKeyReport {
        id,
        token,
        scope: req.scope,
    })
}

/// Every key, oldest first (never a token).
pub fn list(store: &Store) -> Result<Vec<ApiKeyRecord>> {
    Ok(store.api_keys()?)
}

/// A key revoked.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RevokedKey {
    pub id: i64,
    /// Unix seconds.
    pub revoked_at: i64,
}

/// Revoke key `id` now: it stops working on a running server within its key refresh. `None` when no
/// active key has that id.
pub fn revoke(store: &mut Store, id: i64) -> Result<Option<RevokedKey>> {
    let at = now();
    Ok(store
        .revoke_api_key(id, at)?
        .then_some(RevokedKey { id, revoked_at: at }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_hash_to_what_is_stored() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a.token, b.token);
        assert_eq!(a.token.len(), 67);
        assert!(a.token[3..].bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(hash_token(&a.token), a.hash);
        assert_ne!(a.hash, b.hash);
        assert!(a.token.starts_with(&a.prefix));
    }

    #[test]
    fn scopes_include_the_lesser_ones() {
        assert!(Scope::Admin > Scope::Write && Scope::Write > Scope::Read);
        assert_eq!(Scope::parse("write"), Some(Scope::Write));
        assert_eq!(Scope::parse("root"), None);
    }

    #[test]
    fn keys_are_made_listed_and_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("k.db")).unwrap();
        let req = KeyRequest {
            name: " crm ".into(),
            scope: Scope::Write,
            rate_per_sec: DEFAULT_RATE,
            burst: DEFAULT_BURST,
        };
        let made = create(&mut store, &req, FieldStyle::Flags).unwrap();
        let keys = list(&store).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!((keys[0].id, keys[0].name.as_str()), (made.id, "crm"));
        assert_eq!(keys[0].hash, hash_token(&made.token));
        assert!(revoke(&mut store, made.id).unwrap().is_some());
        assert!(revoke(&mut store, made.id).unwrap().is_none());
        let bad = KeyRequest {
            name: " ".into(),
            ..req.clone()
        };
        let e = create(&mut store, &bad, FieldStyle::Flags).unwrap_err();
        assert_eq!(e.to_string(), "--name must not be empty");
        let bad = KeyRequest { burst: 0, ..req };
        let e = create(&mut store, &bad, FieldStyle::Fields).unwrap_err();
        assert_eq!(e.to_string(), "`rate_per_sec` and `burst` must be 1–100000");
    }
}
