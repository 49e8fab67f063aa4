//! Delivering alerts to webhooks: each alert POSTed as JSON to every webhook, signed with the
//! webhook's secret, retried with exponential backoff while the receiver is down or answers other
//! than 2xx, and set aside on the dead-letter list after the last attempt.
//!
//! Delivery is at least once: a receiver that took an alert but whose answer was lost gets it again.
//! Every delivery of an alert carries the same `Idempotency-Key`, so a receiver drops the repeat.
//!
//! The signature is `Earshot-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`:
//! the receiver recomputes it over the raw body and refuses a mismatch, and refuses an old `t` to stop
//! replays.

use anyhow::Result;
use earshot_store::{DueDelivery, Store};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

/// How deliveries are attempted.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryPolicy {
    /// Attempts before a delivery is dead (the first included).
    pub max_attempts: u32,
    /// The wait after the first failure; each later failure doubles it.
    pub base_backoff_ms: u64,
    /// The longest wait between attempts.
    pub max_backoff_ms: u64,
    /// How long one attempt may take, connection included.
    pub timeout: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            max_attempts: 10,
            base_backoff_ms: 1_000,
            max_backoff_ms: 3_600_000,
            timeout: Duration::from_secs(10),
        }
    }
}

impl DeliveryPolicy {
    /// The wait before attempt `attempts + 1`, after `attempts` failures (at least 1).
    pub fn backoff_ms(&self, attempts: u32) -> u64 {
        let doublings = attempts.saturating_sub(1).min(40);
        self.base_backoff_ms
            .saturating_mul(1u64 << doublings)
            .min(self.max_backoff_ms)
    }
}

/// The signature header's value for `body` sent at `timestamp` (unix seconds) with `secret`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length, so `new_from_slice` cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

/// A webhook added: its id and the secret that signs its deliveries (shown once; `Debug` leaves
/// it out).
#[derive(Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AddedWebhook {
    pub id: i64,
    pub url: String,
    pub secret: String,
}

/// Add a webhook at `url` (http:// or https://), signing with `secret` or, without one, a new
/// random one. Alerts raised from now on are delivered to it. The URL is reached from the machine
/// earshot runs on, so only an operator (an admin key over the API) adds one.
pub fn add(store: &mut Store, url: &str, secret: Option<&str>) -> Result<AddedWebhook> {
    let url = url.trim();
    let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
    if !scheme_ok || url.contains(char::is_whitespace) {
        return Err(crate::error::UsageError(format!(
            "webhook {url:?}: expected an http:// or https:// URL"
        ))
        .into());
    }
    let secret = match secret {
        Some(s) if s.len() >= 16 => s.to_string(),
        Some(_) => {
            return Err(crate::error::UsageError(
                "a webhook secret must be at least 16 characters".into(),
            )
            .into())
        }
        None => {
            let bytes: [u8; 32] = rand::random();
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        }
    };
    let id = store.add_webhook(url, &secret, crate::time::now())?;
    Ok(AddedWebhook {
        id,
        url: url.to_string(),
        secret,
    })
}

impl std::fmt::Debug for AddedWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddedWebhook")
            .field("id", &self.id)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// What one pass over the due deliveries did.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct DeliveryPass {
    pub attempted: u64,
    pub delivered: u64,
    /// Failed and to be tried again.
    pub retrying: u64,
    /// Failed for the last time: on the dead-letter list.
    pub dead: u64,
}

impl DeliveryPass {
    fn add(&mut self, other: &DeliveryPass) {
        self.attempted += other.attempted;
        self.delivered += other.delivered;
        self.retrying += other.retrying;
        self.dead += other.dead;
    }
}

/// The key every delivery of an alert carries: the payload's own `key`, else the alert's id.
fn idempotency_key(d: &DueDelivery) -> String {
    serde_json::from_str::<serde_json::Value>(&d.payload)
        .ok()
        .and_then(|v| v.get("key")?.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("earshot-alert-{}", d.alert_id))
}

/// Attempt one delivery: `Ok` on a 2xx answer, else the reason. Redirects are not followed: a
/// client following one re-sends a POST as a GET without its body, so a 2xx at the end would
/// count an alert delivered that never arrived.
fn attempt(agent: &ureq::Agent, d: &DueDelivery, now: i64) -> std::result::Result<(), String> {
    let body = d.payload.as_bytes();
    let answer = agent
        .post(&d.url)
        .header("Content-Type", "application/json")
        .header("Earshot-Signature", &signature(&d.secret, now, body))
        .header("Idempotency-Key", &idempotency_key(d))
        .header("Earshot-Delivery-Attempt", &(d.attempts + 1).to_string())
        .send(body);
    match answer {
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) if r.status().is_redirection() => Err(format!(
            "answered {} (redirects are not followed: give the webhook its final URL)",
            r.status()
        )),
        Ok(r) => Err(format!("answered {}", r.status())),
        Err(e) => Err(e.to_string()),
    }
}

fn agent(policy: &DeliveryPolicy) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(policy.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// Deliveries claimed at a time: each claim leases its rows for as long as sending all of them
/// could take, so a small batch keeps the lease short.
const CLAIM: usize = 16;

/// One pass: claim the deliveries due now, a few at a time, and record each one's outcome. Within a
/// claimed batch each webhook's deliveries go in alert order on a thread of their own, so a receiver
/// that hangs delays only its own deliveries, not every other webhook's. A row whose webhook was
/// removed or whose account was erased after it was claimed is not sent.
pub fn deliver_due(store: &mut Store, policy: &DeliveryPolicy) -> Result<DeliveryPass> {
    let agent = agent(policy);
    let mut pass = DeliveryPass::default();
    let lease_ms = (policy.timeout.as_millis() as i64)
        .saturating_add(1_000)
        .saturating_mul(CLAIM as i64)
        .saturating_add(30_000);
    loop {
        let now_ms = crate::time::now_ms();
        let due = store.claim_due_deliveries(now_ms, now_ms.saturating_add(lease_ms), CLAIM)?;
        if due.is_empty() {
            return Ok(pass);
        }
        let mut by_webhook: Vec<Vec<&DueDelivery>> = Vec::new();
        for d in &due {
            if !store.delivery_is_pending(d.alert_id, d.webhook_id)? {
                continue;
            }
            match by_webhook
                .iter_mut()
                .find(|g| g[0].webhook_id == d.webhook_id)
            {
                Some(group) => group.push(d),
                None => by_webhook.push(vec![d]),
            }
        }
        // Each attempt with the instant it was made, in the batch's order per webhook.
        type Tried<'a> = (&'a DueDelivery, i64, std::result::Result<(), String>);
        let tried: Vec<Tried<'_>> = std::thread::scope(|scope| {
            let handles: Vec<_> = by_webhook
                .iter()
                .map(|group| {
                    let agent = &agent;
                    scope.spawn(move || {
                        group
                            .iter()
                            .map(|&d| {
                                let now = crate::time::now();
                                (d, now, attempt(agent, d, now))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        for (d, now, outcome) in tried {
            pass.attempted += 1;
            let (counter, record) = match &outcome {
                Ok(()) => (&mut pass.delivered, Ok(())),
                Err(why) if d.attempts + 1 >= policy.max_attempts => {
                    (&mut pass.dead, Err((why.as_str(), None)))
                }
                Err(why) => {
                    let next = crate::time::now_ms()
                        .saturating_add(policy.backoff_ms(d.attempts + 1) as i64);
                    (&mut pass.retrying, Err((why.as_str(), Some(next))))
                }
            };
            // A row gone between the check and the record (webhook removed, account erased) has
            // nothing left to record.
            if store.record_delivery(d.alert_id, d.webhook_id, now, record)? {
                *counter += 1;
            }
        }
    }
}

/// Deliver until nothing is pending or `wait` has passed, sleeping until the next retry is due;
/// `progress` hears each pass. Returns every pass added up.
pub fn deliver_until_idle(
    store: &mut Store,
    policy: &DeliveryPolicy,
    wait: Duration,
    progress: &dyn Fn(&DeliveryPass),
) -> Result<DeliveryPass> {
    let deadline = std::time::Instant::now() + wait;
    let mut total = DeliveryPass::default();
    loop {
        let pass = deliver_due(store, policy)?;
        total.add(&pass);
        if pass.attempted > 0 {
            progress(&total);
        }
        let Some(next_ms) = store.next_delivery_ms()? else {
            return Ok(total);
        };
        let now = std::time::Instant::now();
        if now >= deadline {
            return Ok(total);
        }
        let until_next = Duration::from_millis((next_ms - crate::time::now_ms()).max(0) as u64);
        std::thread::sleep(until_next.min(deadline - now).max(Duration::from_millis(5)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231's test case 2 key, over the signed string `"0." + body`; the expected digest is
    /// Python's `hmac.new(b"Jefe", b"0.what do ya want for nothing?", hashlib.sha256).hexdigest()`.
    #[test]
    fn the_signature_is_hmac_sha256_over_time_and_body() {
        let body = b"what do ya want for nothing?";
        assert_eq!(
            signature("Jefe", 0, body),
            "t=0,v1=37f471929915ccd2cbbe79feb84ffcff4f2bb25e15fc41c2506687331ae179cc"
        );
        assert_ne!(
            signature("Jefe", 1, body),
            signature("Jefe", 0, body),
            "the time is signed"
        );
        assert_ne!(
            signature("jefe", 0, body),
            signature("Jefe", 0, body),
            "the secret is"
        );
    }

    #[test]
    fn backoff_doubles_up_to_its_ceiling() {
        let p = DeliveryPolicy {
            base_backoff_ms: 100,
            max_backoff_ms: 1_000,
            ..Default::default()
        };
        let waits: Vec<u64> = (1..=6).map(|a| p.backoff_ms(a)).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1_000, 1_000]);
        assert_eq!(p.backoff_ms(u32::MAX), 1_000);
    }
}
