//! The OpenAPI 3.1 document: generated from the handlers' annotations, then completed here with what
//! every operation shares (the bearer scheme and the error responses), so each handler only documents
//! its own success.

use crate::problem::{Problem, PROBLEM_JSON};
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
use utoipa::OpenApi as _;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "earshot API",
        description = "Whose voice carries: explainable influence scores, enrichment for CRM, event \
ingestion and spread forecasts. Every endpoint but /healthz needs `Authorization: Bearer <key>` \
(keys: `earshot keys create`). Scopes: read < write < admin. Errors are application/problem+json. \
Lists take `limit` (1–1000) and `offset` and say where the next page starts. Bodies are limited \
(413), after decompression for gzip event bodies, and must arrive within the server's body timeout \
(408); a key may have only a few writes in progress and jobs waiting (429). Jobs are visible only to \
the key that started them (and admin keys).",
        license(name = "Apache-2.0")
    ),
    components(schemas(Problem)),
    tags(
        (name = "health", description = "Liveness"),
        (name = "accounts", description = "Scores, explanations, history, rankings and enrichment"),
        (name = "persons", description = "One person across platforms: accounts linked by evidence, a combined score, the offline sub-score beside it"),
        (name = "posts", description = "Flagged posts: spam and copies, with the evidence"),
        (name = "ingest", description = "Events in"),
        (name = "jobs", description = "Forecasts and plans in the background, each visible to the key that started it"),
        (name = "triage", description = "Customer messages: a due-by for everyone, never later than the floor"),
        (name = "watches", description = "Watchlists: rules on accounts evaluated after every score run, their alerts, and the signed webhooks alerts are delivered to"),
        (name = "keys", description = "API keys (admin)")
    )
)]
struct ApiDoc;

/// The document's frame: info, tags and shared schemas.
pub(crate) fn base() -> OpenApi {
    ApiDoc::openapi()
}

fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build(),
    )
}

fn operations(api: &mut OpenApi) -> Vec<(String, bool, &mut Operation)> {
    let mut out = Vec::new();
    for (path, item) in api.paths.paths.iter_mut() {
        for (op, has_body) in [
            (&mut item.get, false),
            (&mut item.delete, false),
            (&mut item.post, true),
            (&mut item.put, true),
            (&mut item.patch, true),
        ] {
            if let Some(op) = op.as_mut() {
                let body = has_body && op.request_body.is_some();
                out.push((path.clone(), body, op));
            }
        }
    }
    out
}

/// Add the bearer scheme and the shared error responses to every operation.
pub(crate) fn finish(api: &mut OpenApi) {
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("An earshot API key: `earshot keys create`"))
                .build(),
        ),
    );
    for (path, has_body, op) in operations(api) {
        let r = &mut op.responses.responses;
        r.entry("503".into()).or_insert_with(|| {
            retry_later(
                "Another process holds the database (an import started before the server), or too \
                 many jobs wait; retry after the given seconds",
            )
        });
        let mut add = |code: &str, text: &str| {
            r.entry(code.to_string()).or_insert_with(|| problem(text));
        };
        add(
            "500",
            "The server failed; the cause is in its log, not here",
        );
        if path == "/healthz" {
            continue;
        }
        add("400", "A path or query parameter is not valid");
        add("401", "No API key, or an unknown or revoked one");
        add("403", "The key's scope does not allow this");
        add("404", "No such account, run, job or key");
        if has_body {
            add(
                "413",
                "The body or the batch is larger than the server accepts",
            );
            add(
                "408",
                "The body did not arrive in full within the server's body timeout",
            );
            add(
                "415",
                "The body's Content-Type or Content-Encoding is not one this endpoint reads",
            );
            add(
                "422",
                "The body is well-formed but its content is not valid",
            );
        }
        r.insert(
            "429".into(),
            retry_later(
                "The key is over its rate, or already has its share of writes in progress or of \
                 jobs waiting; retry after the given seconds",
            ),
        );
        op.security = Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

/// A problem response that tells the client when to try again (429, 503).
fn retry_later(description: &str) -> RefOr<utoipa::openapi::Response> {
    let mut response = problem(description);
    if let RefOr::T(r) = &mut response {
        r.headers.insert(
            "Retry-After".into(),
            RefOr::T(
                HeaderBuilder::new()
                    .schema(Some(
                        utoipa::openapi::ObjectBuilder::new()
                            .schema_type(utoipa::openapi::schema::Type::Integer),
                    ))
                    .description(Some("Seconds to wait"))
                    .build(),
            ),
        );
    }
    response
}

/// The OpenAPI document as JSON (what `/openapi.json` serves), for `earshot serve --openapi`.
pub fn openapi_json() -> String {
    let (_, api) = crate::api_router(|r| r);
    api.to_pretty_json().unwrap_or_default()
}
