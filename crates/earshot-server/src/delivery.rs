//! The server delivers alerts to webhooks in the background: every second, a pass over the
//! deliveries due (`earshot_app::webhooks`), on the blocking pool with a connection of its own, so
//! that a slow receiver holds neither the server's writer nor a request.

use crate::state::AppState;
use earshot_app::webhooks::{deliver_due, DeliveryPass, DeliveryPolicy};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the server looks for deliveries due.
const EVERY: Duration = Duration::from_secs(1);
/// How long it waits after a pass fails (the file held by an import, say) before trying again.
const AFTER_FAILURE: Duration = Duration::from_secs(30);

/// One pass with the task's connection, opened on first use and kept.
fn pass(
    db: &std::path::Path,
    conn: &Mutex<Option<earshot_store::Store>>,
) -> anyhow::Result<Option<DeliveryPass>> {
    let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
    if guard.is_none() {
        *guard = Some(earshot_store::Store::open_existing(db)?);
    }
    let Some(store) = guard.as_mut() else {
        return Ok(None);
    };
    let due = store
        .next_delivery_ms()?
        .is_some_and(|t| t <= earshot_app::time::now_ms());
    if !due {
        return Ok(None);
    }
    deliver_due(store, &DeliveryPolicy::default()).map(Some)
}

/// Deliver until the runtime stops. A pass that fails is logged and retried later: a delivery is
/// only marked done once a receiver took it.
pub fn spawn(state: &AppState) {
    let db = state.config().db.clone();
    let conn = Arc::new(Mutex::new(None));
    tokio::spawn(async move {
        loop {
            let (db, c) = (db.clone(), conn.clone());
            let outcome = tokio::task::spawn_blocking(move || pass(&db, &c)).await;
            let wait = match outcome {
                Ok(Ok(Some(p))) => {
                    tracing::info!(
                        attempted = p.attempted,
                        delivered = p.delivered,
                        retrying = p.retrying,
                        dead = p.dead,
                        "webhook deliveries"
                    );
                    EVERY
                }
                Ok(Ok(None)) => EVERY,
                Ok(Err(e)) => {
                    tracing::warn!(error = %format!("{e:#}"), "webhook delivery pass failed; trying again in 30 s");
                    *conn.lock().unwrap_or_else(|p| p.into_inner()) = None;
                    AFTER_FAILURE
                }
                Err(e) => {
                    tracing::warn!(error = %e, "webhook delivery pass stopped");
                    AFTER_FAILURE
                }
            };
            tokio::time::sleep(wait).await;
        }
    });
}
