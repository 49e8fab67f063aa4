//! Errors as `application/problem+json` (RFC 9457), and extractors whose rejections are problems too.
//!
//! Every error a client can see goes through [`ApiError`]: a status, a short title and a detail written
//! for a person. Internal causes (SQL, I/O) are logged with the request and replaced by a generic detail,
//! so no stack trace, query or file path ever reaches a response.

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error response: RFC 9457 problem details.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    /// The status's short meaning ("Not Found").
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request, for a person.
    pub detail: String,
}

/// An error a handler returns; rendered as a [`Problem`].
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: String,
    /// Seconds to wait, for 429 and 503.
    pub retry_after: Option<u64>,
}

/// What a use case's failure tells the client when the request is at fault (a usage error, something
/// the database does not hold); `None` when something broke, which only the log hears of.
pub fn request_fault(e: &anyhow::Error) -> Option<String> {
    use earshot_app::error::{Missing, UsageError};
    (e.downcast_ref::<UsageError>().is_some() || e.downcast_ref::<Missing>().is_some())
        .then(|| format!("{e:#}"))
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            detail: detail.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    pub fn unprocessable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
    }

    pub fn too_large(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, detail)
    }

    /// A use case's failure: what the request got wrong (a value out of range, something the database
    /// does not hold) is a 422 with the use case's message, anything else an internal failure.
    pub fn from_app(e: anyhow::Error) -> Self {
        match request_fault(&e) {
            Some(detail) => Self::unprocessable(detail),
            None => Self::internal(format!("{e:#}")),
        }
    }

    /// An internal failure: the cause is logged, the client gets a generic detail.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(cause = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the server could not complete the request; the cause is in its log",
        )
    }

    /// 408: the body did not arrive in full by its deadline ([`crate::deadline`]).
    pub fn body_timed_out() -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "the request body did not arrive in full within the server's body timeout; send it \
             faster, or in smaller requests",
        )
    }

    pub fn too_many(detail: impl Into<String>, retry_after: u64) -> Self {
        ApiError {
            retry_after: Some(retry_after.max(1)),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, detail)
        }
    }
}

impl From<earshot_store::StoreError> for ApiError {
    fn from(e: earshot_store::StoreError) -> Self {
        if e.is_busy() {
            // Not a fault of ours or the client's: another process holds the database (an
            // `earshot import` started before the server takes it exclusively). Worth a retry.
            tracing::warn!(cause = %e, "database busy");
            return ApiError {
                retry_after: Some(BUSY_RETRY_SECS),
                ..Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the database is busy: another process holds it (an `earshot import` started \
                     before the server, say); retry later",
                )
            };
        }
        ApiError::internal(e)
    }
}

/// Retry-After for a busy database.
pub const BUSY_RETRY_SECS: u64 = 5;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Problem {
            kind: "about:blank".into(),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            status: self.status.as_u16(),
            detail: self.detail,
        };
        let json = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
        let mut resp = (self.status, json).into_response();
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(s) = self.retry_after {
            h.insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        if self.status == StatusCode::REQUEST_TIMEOUT {
            // The rest of the body may still be on its way: this connection cannot carry another
            // request.
            h.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        resp
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let status = r.status();
        let detail = match &r {
            JsonRejection::MissingJsonContentType(_) => {
                "the body must be JSON, sent with Content-Type: application/json".to_string()
            }
            JsonRejection::JsonSyntaxError(_) => {
                format!("the body is not valid JSON: {}", r.body_text())
            }
            JsonRejection::JsonDataError(_) => format!(
                "the JSON does not have the expected shape: {}",
                r.body_text()
            ),
            JsonRejection::BytesRejection(_) if status == StatusCode::PAYLOAD_TOO_LARGE => {
                "the body is larger than this server accepts".to_string()
            }
            JsonRejection::BytesRejection(_) if crate::deadline::is_timed_out(&r) => {
                return ApiError::body_timed_out();
            }
            _ => r.body_text(),
        };
        ApiError::new(status, detail)
    }
}

impl From<BytesRejection> for ApiError {
    fn from(r: BytesRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large("the body is larger than this server accepts")
        } else if crate::deadline::is_timed_out(&r) {
            ApiError::body_timed_out()
        } else {
            ApiError::new(r.status(), r.body_text())
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::bad_request(format!("bad query parameters: {}", r.body_text()))
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::bad_request(format!("bad path: {}", r.body_text()))
    }
}

/// `axum::Json` whose rejections are problems.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Query` whose rejections are problems.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// `axum::extract::Path` whose rejections are problems.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// A request's media type, lower case and without parameters (`text/csv; charset=utf-8` is
/// `text/csv`); empty when it has none.
pub fn media_type(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The raw body, whose rejections (too large, unreadable) are problems.
#[derive(Debug)]
pub struct Body(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        axum::body::Bytes::from_request(req, state)
            .await
            .map(Body)
            .map_err(ApiError::from)
    }
}

/// Turn any error response that is not yet a problem (from a layer or extractor we do not control)
/// into one, keeping its status and, when it is short plain text, its message.
pub async fn ensure_problem(resp: Response) -> Response {
    let status = resp.status();
    // Plain text or no body: what axum and tower layers answer with. JSON bodies, and the
    // dashboard's HTML error pages, are our own.
    let is_plain = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !is_plain {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .filter(|t| !t.trim().is_empty() && status.is_client_error())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string());
    let mut e = ApiError::new(status, text.trim().to_string()).into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            e.headers_mut().insert(name.clone(), value.clone());
        }
    }
    e
}

/// For routes that match nothing.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint; see /openapi.json")
}

/// For a known path asked with a method it does not have.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this endpoint does not take that method; see /openapi.json",
    )
}

pub type ApiResult<T> = Result<T, ApiError>;
