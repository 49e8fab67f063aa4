//! The endpoints, one module per resource. Each handler's `#[utoipa::path]` is its OpenAPI entry.

pub mod accounts;
pub mod audit;
pub mod events;
pub mod health;
pub mod jobs;
pub mod keys;
pub mod persons;
pub mod posts;
pub mod triage;
pub mod watches;
