//! The dashboard's sign-ins: a random session id, kept by the browser in an HttpOnly cookie, stands for
//! the API key typed into the login form. The server keeps only the id's hash and the key's hash, in
//! memory: a key revoked or over its rate is so for its sessions too (every page is admitted through
//! the same key cache as a bearer request), and a restart signs everyone out rather than leaving
//! sessions on disk.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a sign-in lasts, from the login: a working day.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(8 * 3600);
/// The most sessions held at once; at the cap, expired ones go first, then the oldest.
const MAX_SESSIONS: usize = 10_000;

struct Session {
    key_hash: [u8; 32],
    started: Instant,
}

/// Sessions by the hash of their id.
#[derive(Default)]
pub struct Sessions {
    by_hash: Mutex<HashMap<[u8; 32], Session>>,
}

impl Sessions {
    /// Remember that the session with id hash `id_hash` signed in with the key of hash `key_hash`.
    pub fn insert(&self, id_hash: [u8; 32], key_hash: [u8; 32]) {
        let mut map = self.by_hash.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_SESSIONS {
            map.retain(|_, s| s.started.elapsed() < SESSION_LIFETIME);
        }
        if map.len() >= MAX_SESSIONS {
            if let Some(oldest) = map.iter().min_by_key(|(_, s)| s.started).map(|(k, _)| *k) {
                map.remove(&oldest);
            }
        }
        map.insert(
            id_hash,
            Session {
                key_hash,
                started: Instant::now(),
            },
        );
    }

    /// The key hash of a live session; an expired one is forgotten.
    pub fn key_of(&self, id_hash: &[u8; 32]) -> Option<[u8; 32]> {
        let mut map = self.by_hash.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(id_hash) {
            Some(s) if s.started.elapsed() < SESSION_LIFETIME => Some(s.key_hash),
            Some(_) => {
                map.remove(id_hash);
                None
            }
            None => None,
        }
    }

    /// Sign out.
    pub fn remove(&self, id_hash: &[u8; 32]) {
        self.by_hash
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id_hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_names_its_key_until_it_is_removed() {
        let s = Sessions::default();
        s.insert([1; 32], [9; 32]);
        assert_eq!(s.key_of(&[1; 32]), Some([9; 32]));
        assert_eq!(s.key_of(&[2; 32]), None);
        s.remove(&[1; 32]);
        assert_eq!(s.key_of(&[1; 32]), None);
    }

    #[test]
    fn the_cap_drops_the_oldest_session() {
        let s = Sessions::default();
        for i in 0..MAX_SESSIONS as u32 {
            let mut id = [0u8; 32];
            id[..4].copy_from_slice(&i.to_le_bytes());
            s.insert(id, [7; 32]);
        }
        s.insert([255; 32], [8; 32]);
        assert_eq!(s.key_of(&[0; 32]), None, "the first session made room");
        assert_eq!(s.key_of(&[255; 32]), Some([8; 32]));
    }
}
