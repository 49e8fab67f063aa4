//! `earshot score`, `score --topics` and `top`.
