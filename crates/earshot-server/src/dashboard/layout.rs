//! The page shell every dashboard page shares (head, skip link, navigation, sign-out), the HTML error
//! page, and the small formatters the pages print numbers and instants with.

use crate::auth::{Caller, Scope};
use crate::problem::ApiError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

/// The sections in the navigation, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Overview,
    Leaderboard,
    Planner,
    Triage,
    Communities,
    Backtest,
    /// An account or a job: no item of the navigation is current.
    Other,
}

const NAV: [(Section, &str, &str); 6] = [
    (Section::Overview, "/", "Overview"),
    (Section::Leaderboard, "/leaderboard", "Leaderboard"),
    (Section::Planner, "/plan", "Campaign planner"),
    (Section::Triage, "/triage", "Triage inbox"),
    (Section::Communities, "/communities", "Communities"),
    (Section::Backtest, "/backtest", "Backtest"),
];

/// A whole page: `title` is the `<h1>` and the tab's title.
pub(crate) fn page(title: &str, section: Section, caller: &Caller, body: Markup) -> Response {
    shell(title, Some((section, caller)), body, &[]).into_response()
}

/// A page that reloads itself every `seconds` (a running job's progress): the one thing that needs
/// no script at all.
pub(crate) fn refreshing_page(
    title: &str,
    caller: &Caller,
    seconds: u32,
    body: Markup,
) -> Response {
    let refresh = html! { meta http-equiv="refresh" content=(seconds); };
    shell(title, Some((Section::Other, caller)), body, &[refresh]).into_response()
}

/// The sign-in page and error pages before sign-in have no navigation.
pub(crate) fn bare_page(title: &str, body: Markup) -> Markup {
    shell(title, None, body, &[])
}

fn shell(
    title: &str,
    nav: Option<(Section, &Caller)>,
    body: Markup,
    head_extra: &[Markup],
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · earshot" }
                link rel="icon" href="/assets/favicon.svg" type="image/svg+xml";
                link rel="stylesheet" href="/assets/earshot.css";
                @for extra in head_extra { (extra) }
            }
            body {
                a class="skip" href="#main" { "Skip to content" }
                header class="top" {
                    a class="brand" href="/" { "earshot" }
                    @if let Some((current, caller)) = nav {
                        nav aria-label="Main" {
                            ul {
                                @for (section, href, label) in NAV {
                                    li {
                                        @if section == current {
                                            a href=(href) aria-current="page" { (label) }
                                        } @else {
                                            a href=(href) { (label) }
                                        }
                                    }
                                }
                            }
                        }
                        form class="find" method="get" action="/account" role="search" {
                            label for="find-account" { "Account" }
                            input id="find-account" name="account" type="search" required
                                placeholder="@handle or id" autocomplete="off";
                            label for="find-platform" class="visually-hidden" { "Platform" }
                            input id="find-platform" name="platform" type="text" placeholder="platform"
                                size="8" autocomplete="off";
                            button type="submit" { "Find" }
                        }
                        form class="signout" method="post" action="/logout" {
                            span class="who" { "key " (caller.key_id) " · " (scope_name(caller.scope)) }
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                main id="main" tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
                footer {
                    "earshot " (env!("CARGO_PKG_VERSION")) " · "
                    a href="/docs" { "API reference" }
                }
            }
        }
    }
}

fn scope_name(scope: Scope) -> &'static str {
    scope.as_str()
}

/// An error as a page: its status and the detail the API would give.
pub(crate) fn error_page(e: &ApiError) -> Response {
    let title = e.status.canonical_reason().unwrap_or("Error");
    let body = html! {
        p class="error" role="alert" { (e.detail) }
        p { a href="/" { "Back to the overview" } }
    };
    let mut resp = (e.status, bare_page(title, body)).into_response();
    if let Some(secs) = e.retry_after {
        if let Ok(v) = secs.to_string().parse() {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, v);
        }
    }
    resp
}

/// A dashboard handler's failure, shown as an HTML page.
pub(crate) struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(&self.0)
    }
}

pub(crate) type PageResult = Result<Response, PageError>;

/// 403 for a signed-in key without the scope an action needs.
pub(crate) fn need_scope(caller: &Caller, needed: Scope) -> Result<(), PageError> {
    if caller.scope >= needed {
        Ok(())
    } else {
        Err(PageError(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "this key has scope {}; this action needs {}",
                caller.scope.as_str(),
                needed.as_str()
            ),
        )))
    }
}

/// A count with thousands separators: 304691 → "304,691".
pub(crate) fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number with `places` decimals, or an em dash when absent or not finite.
pub(crate) fn num(v: Option<f64>, places: usize) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.places$}"),
        _ => "—".into(),
    }
}

/// A share as a percentage with one decimal.
pub(crate) fn pct(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{:.1}%", x * 100.0),
        _ => "—".into(),
    }
}

/// Unix seconds as `YYYY-MM-DD HH:MM` UTC.
pub(crate) fn utc(secs: i64) -> String {
    let full = earshot_model::format_utc(secs);
    full.get(..16).unwrap_or(&full).to_string() + " UTC"
}

/// A duration in seconds the way a person says it: "3 h 20 min", "2 d 4 h", "overdue 5 min".
pub(crate) fn span(secs: i64) -> String {
    let (sign, s) = if secs < 0 {
        ("overdue ", -secs)
    } else {
        ("", secs)
    };
    let text = if s >= 86_400 {
        format!("{} d {} h", s / 86_400, (s % 86_400) / 3600)
    } else if s >= 3600 {
        format!("{} h {} min", s / 3600, (s % 3600) / 60)
    } else {
        format!("{} min", s / 60)
    };
    format!("{sign}{text}")
}

/// A URL path segment or query value, percent-encoded (RFC 3986 unreserved characters kept).
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The account page's address.
pub(crate) fn account_href(platform: &str, platform_id: &str) -> String {
    format!("/accounts/{}/{}", encode(platform), encode(platform_id))
}

/// How an account is shown: `@handle` when known, else the platform's id.
pub(crate) fn account_label(handle: Option<&str>, platform_id: &str) -> String {
    match handle {
        Some(h) if !h.is_empty() => format!("@{}", h.trim_start_matches('@')),
        _ => platform_id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_separators_and_spans_read_naturally() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(304_691), "304,691");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(span(59), "0 min");
        assert_eq!(span(3 * 3600 + 20 * 60), "3 h 20 min");
        assert_eq!(span(2 * 86_400 + 4 * 3600), "2 d 4 h");
        assert_eq!(span(-300), "overdue 5 min");
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(encode("@a b/c"), "%40a%20b%2Fc");
        assert_eq!(
            account_href("higgs", "12"),
            "/accounts/higgs/12",
            "plain ids pass through"
        );
    }
}
