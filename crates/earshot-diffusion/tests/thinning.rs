//! Binomial thinning of a sampled count, and the quoted 80% range of a count that piles on a few values.

use earshot_diffusion::{Model, SpreadEstimate};

fn estimate(samples: Vec<u32>) -> SpreadEstimate {
    SpreadEstimate::from_samples(Model::IndependentCascade, samples).unwrap()
}

#[test]
fn thinning_keeps_each_counted_node_with_the_given_share() {
    let e = estimate((0..4000).map(|i| 20 + i % 41).collect()); // mean 40
    assert_eq!(
        e.thinned(1.0, 7).unwrap().samples_sorted(),
        e.samples_sorted()
    );
    assert!(e
        .thinned(0.0, 7)
        .unwrap()
        .samples_sorted()
        .iter()
        .all(|&x| x == 0));
    let t = e.thinned(0.25, 7).unwrap();
    // Mean 10; each sample is Binomial(x, 1/4), so the mean's standard error is under 0.05.
    assert!((t.mean - 10.0).abs() < 0.25, "{}", t.mean);
    // Never more than the sample thinned: sorted thinned samples sit below the sorted originals.
    assert!(t
        .samples_sorted()
        .iter()
        .zip(e.samples_sorted())
        .all(|(a, b)| a <= b));
    // A pure function of its inputs; another seed, other draws.
    assert_eq!(t, e.thinned(0.25, 7).unwrap());
    assert_ne!(t, e.thinned(0.25, 8).unwrap());
    assert!(e.thinned(f64::NAN, 1).unwrap().mean == 0.0);
}

#[test]
fn the_quoted_range_is_the_one_nearest_eighty_percent() {
    // 60% at 1, 15% at 2, 10% at 3, 10% at 4, 5% at 10: [p10, p90] = [1, 4] holds 95%;
    // [1, 3] holds 85%, the nearest to 80% among the ranges the quantiles allow.
    let mut s = vec![1; 60];
    s.extend([2; 15]);
    s.extend([3; 10]);
    s.extend([4; 10]);
    s.extend([10; 5]);
    let e = estimate(s);
    assert_eq!((e.p10, e.p90), (1, 4));
    let (low, high, mass) = e.central_interval(0.8);
    assert_eq!((low, high), (1, 3));
    assert!((mass - 0.85).abs() < 1e-12, "{mass}");
    // A continuous-looking sample moves at most one end one value: [p10, p90] = [100, 900] holds
    // 80.1%, [100, 899] exactly 80%.
    let e = estimate((1..=1000).collect());
    assert_eq!((e.p10, e.p90), (100, 900));
    let (low, high, mass) = e.central_interval(0.8);
    assert_eq!((low, high), (100, 899));
    assert!((mass - 0.8).abs() < 1e-12, "{mass}");
    // One value: the range is that value, with probability 1.
    assert_eq!(estimate(vec![3; 10]).central_interval(0.8), (3, 3, 1.0));
}
