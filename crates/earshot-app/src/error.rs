//! The errors a use case reports beside plain failures, so each front can answer in its own terms: the
//! command line with exit code 2 or 1, the API with a 4xx rather than a 500.

/// A request asks for something that cannot be done as asked: a value that does not parse, a
/// parameter out of range. The message names the field as the caller named it. Exit code 2 on the
/// command line (like clap's own), a 422 over the API.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The database does not hold what was asked for: an account, a score run, or an account's score in
/// a run. Exit code 1 on the command line (like any other failure); a 4xx over the API.
#[derive(Debug)]
pub struct Missing(pub String);

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Missing {}

/// How a front names a request's fields in messages: the command line's flags (`--audience-topic`)
/// or the API's JSON fields (`` `audience_topic` ``).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldStyle {
    Flags,
    Fields,
}

impl FieldStyle {
    /// `field` (snake_case, as the API names it) in this style.
    pub fn name(self, field: &str) -> String {
        match self {
            FieldStyle::Flags => format!("--{}", field.replace('_', "-")),
            FieldStyle::Fields => format!("`{field}`"),
        }
    }
}
