//! The authenticity model over synthetic profiles (`earshot bench trust`): every profile's features and
//! the built-in model's probability, as scoring weighs accounts, per thread count, timed apart from making
//! the profiles.
//!
//! The profiles: Twitter-like, every field the model reads present (the slowest case: a missing feature
//! takes both branches of a split and is cheaper only in the fast path), handles of letters with a digit
//! tail on one in five, log-normal counts, creation times over ten years, flags at realistic rates.

use super::median_run_on;
use crate::error::{FieldStyle, UsageError};
use anyhow::Result;
use earshot_model::{Account, Profile};
use earshot_trust::weights::weight_of;
use earshot_trust::{FeatureContext, TrustModel};
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::Serialize;

/// How many profiles, from which seed, timed how.
#[derive(Debug, Clone)]
pub struct TrustBenchRequest {
    pub profiles: usize,
    pub seed: u64,
    /// Timed runs per thread count; the median is reported.
    pub runs: usize,
    pub threads: Vec<usize>,
    /// How messages name the request's fields.
    pub fields: FieldStyle,
}

/// One thread count's speed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrustBenchResult {
    pub threads: usize,
    pub median_seconds: f64,
    pub profiles_per_second: f64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrustBenchReport {
    pub profiles: usize,
    pub seed: u64,
    /// The model timed.
    pub model: String,
    /// Trees in it (0 for a logistic model).
    pub trees: usize,
    /// Profiles the model gave a probability above one half (a check that the run did the work).
    pub above_half: usize,
    /// Seconds to make the profiles (not part of the timings).
    pub generate_seconds: f64,
    pub peak_rss_kib: Option<u64>,
    pub results: Vec<TrustBenchResult>,
}

const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz_";

/// A log-normal count with median `median` and a spread of `sigma` (natural log units).
fn count(rng: &mut Xoshiro256PlusPlus, median: f64, sigma: f64) -> u64 {
    // Box–Muller from two uniform draws in (0, 1].
    let u =
        |rng: &mut Xoshiro256PlusPlus| ((rng.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
    let z = (-2.0 * u(rng).ln()).sqrt() * (std::f64::consts::TAU * u(rng)).cos();
    (median * (sigma * z).exp()).round() as u64
}

/// `n` synthetic Twitter-like profiles.
pub fn synthetic_profiles(n: usize, seed: u64) -> Vec<Account> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let now = 1_700_000_000i64;
    (0..n)
        .map(|i| {
            let len = 5 + (rng.next_u64() % 10) as usize;
            let mut handle: String = (0..len)
                .map(|_| LETTERS[(rng.next_u64() % LETTERS.len() as u64) as usize] as char)
                .collect();
            if rng.next_u64().is_multiple_of(5) {
                handle.push_str(&(rng.next_u64() % 100_000).to_string());
            }
            let flag = |rng: &mut Xoshiro256PlusPlus, one_in: u64| {
                Some(rng.next_u64().is_multiple_of(one_in))
            };
            let profile = Profile {
                followers: Some(count(&mut rng, 300.0, 2.0)),
                following: Some(count(&mut rng, 400.0, 1.5)),
                post_count: Some(count(&mut rng, 2_000.0, 2.0)),
                created_at: Some(now - (rng.next_u64() % (10 * 365 * 86_400)) as i64),
                bio: Some("x".repeat((rng.next_u64() % 160) as usize)),
                url: if rng.next_u64().is_multiple_of(3) {
                    Some("https://example.invalid".into())
                } else {
                    None
                },
                verified: flag(&mut rng, 50),
                default_avatar: flag(&mut rng, 10),
                default_profile: flag(&mut rng, 3),
                private: flag(&mut rng, 20),
                likes_given: Some(count(&mut rng, 1_000.0, 2.5)),
                listed: Some(count(&mut rng, 5.0, 2.0)),
                ..Default::default()
            };
            Account {
                platform: "twitter".into(),
                ext_id: i.to_string(),
                handle: Some(handle),
                display_name: Some(format!("Name {}", i % 977)),
                profile,
            }
        })
        .collect()
}

/// Time features and probability for every synthetic profile with the built-in model.
pub fn bench_trust(req: &TrustBenchRequest, note: &dyn Fn(&str)) -> Result<TrustBenchReport> {
    super::check_threads(&req.threads, req.fields)?;
    if req.profiles == 0 {
        let profiles = req.fields.name("profiles");
        return Err(UsageError(format!("{profiles} must be at least 1")).into());
    }
    let started = std::time::Instant::now();
    let accounts = synthetic_profiles(req.profiles, req.seed);
    let generate_seconds = started.elapsed().as_secs_f64();
    note(&format!(
        "{} profiles made in {generate_seconds:.2} s",
        accounts.len()
    ));
    let model = TrustModel::builtin();
    let ctx = FeatureContext {
        reference_time: earshot_trust::features::latest_creation(&accounts),
    };
    let mut results = Vec::new();
    let mut above_half = 0;
    for &k in &req.threads {
        let (median, weights) = median_run_on(k, req.runs, || {
            Ok(accounts
                .par_iter()
                .map(|a| model.probability(&model.features(a, &ctx)))
                .collect::<Vec<f64>>())
        })?;
        above_half = weights.iter().filter(|&&p| p > 0.5).count();
        std::hint::black_box(weights.iter().map(|&p| weight_of(p)).sum::<f64>());
        results.push(TrustBenchResult {
            threads: k,
            median_seconds: median,
            profiles_per_second: accounts.len() as f64 / median,
        });
    }
    Ok(TrustBenchReport {
        profiles: accounts.len(),
        seed: req.seed,
        trees: match &model.classifier {
            earshot_trust::Classifier::BoostedTrees { ensemble, .. } => ensemble.trees.len(),
            earshot_trust::Classifier::Logistic { .. } => 0,
        },
        model: model.version,
        above_half,
        generate_seconds,
        peak_rss_kib: crate::peak_rss_kib(),
        results,
    })
}
