//! `earshot keys`: API keys created, listed and revoked.
