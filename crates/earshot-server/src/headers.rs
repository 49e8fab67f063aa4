//! Security headers on every response. HTML (the `/docs` reference page) gets a Content-Security-Policy
//! that lets Swagger UI run from this server alone and nothing else; every other answer is data, whose
//! policy allows nothing at all. No page may be framed (clickjacking), no content type is sniffed, and
//! no URL leaks to other sites in a Referer.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The policy of HTML pages. Swagger UI loads its scripts and styles from this server, sets inline
/// styles and draws icons from `data:` URLs, and fetches the document from here.
pub const HTML_POLICY: &str =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";
/// The policy of everything else (JSON, CSS, scripts): nothing may run, load or frame it.
pub const DATA_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Middleware: add the headers to the response unless a handler set them already.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let h = resp.headers_mut();
    let policy = if html { HTML_POLICY } else { DATA_POLICY };
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, policy),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
    ] {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    }
    resp
}
