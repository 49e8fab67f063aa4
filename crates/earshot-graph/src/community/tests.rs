use super::*;
use proptest::prelude::*;

fn two_cliques_bridged() -> UndirectedGraph {
    let mut e = Vec::new();
    for a in 0..5u32 {
        for b in a + 1..5 {
            e.push((a, b, 1.0));
            e.push((a + 5, b + 5, 1.0));
        }
    }
    e.push((4, 5, 0.1));
    UndirectedGraph::from_edges(10, e).unwrap()
}

#[test]
fn splits_two_cliques_joined_by_one_edge() {
    let p = louvain(&two_cliques_bridged(), &LouvainOptions::default()).unwrap();
    assert_eq!(p.community, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    assert_eq!(p.communities, 2);
    assert_eq!(p.sizes(), [5, 5]);
    assert_eq!(p.members()[1], [5, 6, 7, 8, 9]);
    // m = 20.1; each clique: L = 10, degree sum 20.1 / 2 (the bridge's ends are one in each).
    let want = 2.0 * (10.0 / 20.1 - 0.25);
    assert!((p.modularity - want).abs() < 1e-12, "{}", p.modularity);
    for seed in 0..5 {
        let s = louvain(
            &two_cliques_bridged(),
            &LouvainOptions {
                seed: Some(seed),
                ..LouvainOptions::default()
            },
        )
        .unwrap();
        assert_eq!(s.community, p.community, "seed {seed}");
    }
}

#[test]
fn nodes_without_edges_stay_alone() {
    let g = UndirectedGraph::from_edges(5, [(1, 2, 1.0), (2, 3, 1.0), (0, 0, 9.0)]).unwrap();
    let p = louvain(&g, &LouvainOptions::default()).unwrap();
    assert_eq!(p.community, [0, 1, 1, 1, 2]);
    assert_eq!(p.communities, 3);
    let empty = UndirectedGraph::from_edges(3, []).unwrap();
    let p = louvain(&empty, &LouvainOptions::default()).unwrap();
    assert_eq!(
        (p.community, p.modularity, p.levels),
        (vec![0, 1, 2], 0.0, 0)
    );
}

#[test]
fn resolution_must_be_positive() {
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let r = louvain(
            &two_cliques_bridged(),
            &LouvainOptions {
                resolution: bad,
                ..LouvainOptions::default()
            },
        );
        assert!(
            matches!(
                r,
                Err(GraphError::BadParameter {
                    name: "resolution",
                    ..
                })
            ),
            "{r:?}"
        );
    }
}

/// A planted partition: `blocks` groups of `size` nodes, each pair linked with probability `p_in` inside a
/// group and `p_out` across, from a fixed generator.
fn planted(
    blocks: u32,
    size: u32,
    p_in: f64,
    p_out: f64,
    seed: u64,
) -> (UndirectedGraph, Vec<u32>) {
    let mut rng = SplitMix64(seed);
    let n = blocks * size;
    let mut e = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            let p = if a / size == b / size { p_in } else { p_out };
            if (rng.next() >> 11) as f64 / (1u64 << 53) as f64 <= p {
                e.push((a, b, 1.0));
            }
        }
    }
    let truth = (0..n).map(|v| v / size).collect();
    (UndirectedGraph::from_edges(n, e).unwrap(), truth)
}

#[test]
fn recovers_a_planted_partition() {
    let (g, truth) = planted(4, 40, 0.3, 0.01, 7);
    for seed in [None, Some(1), Some(2)] {
        let p = louvain(
            &g,
            &LouvainOptions {
                seed,
                ..LouvainOptions::default()
            },
        )
        .unwrap();
        let score = nmi(truth.iter().copied().zip(p.community.iter().copied()));
        assert!(score > 0.95, "seed {seed:?}: NMI {score}");
        assert_eq!(p.communities, 4, "seed {seed:?}");
        assert!(p.modularity > 0.6, "{}", p.modularity);
    }
}

#[test]
fn higher_resolution_gives_more_communities() {
    let (g, _) = planted(4, 40, 0.3, 0.01, 7);
    let at = |resolution| {
        louvain(
            &g,
            &LouvainOptions {
                resolution,
                ..LouvainOptions::default()
            },
        )
        .unwrap()
        .communities
    };
    assert!(at(0.05) < 4 && at(8.0) > 4, "{} {}", at(0.05), at(8.0));
}

/// The Louvain implementation as it stood in earshot-topics before it moved here, verbatim but for its
/// input: the moved one, in id order (as topic discovery runs it), must give the same partitions, so that
/// discovered topics did not change.
fn reference_louvain(n: usize, edges: &[(u32, u32, f64)], resolution: f64) -> Vec<u32> {
    let mut node_comm: Vec<u32> = (0..n as u32).collect();
    let mut adj: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
    for &(a, b, w) in edges {
        adj[a as usize].push((b, w));
        adj[b as usize].push((a, w));
    }
    loop {
        let m = adj.len();
        let k: Vec<f64> = adj
            .iter()
            .map(|l| l.iter().map(|&(_, w)| w).sum())
            .collect();
        let two_m: f64 = k.iter().sum();
        if two_m <= 0.0 {
            break;
        }
        let mut comm: Vec<u32> = (0..m as u32).collect();
        let mut tot = k.clone();
        let mut moved_any = false;
        let mut weight_to = vec![0.0f64; m];
        let mut touched: Vec<u32> = Vec::new();
        for _pass in 0..50 {
            let mut moved = false;
            for i in 0..m {
                let ci = comm[i];
                tot[ci as usize] -= k[i];
                for &(j, w) in &adj[i] {
                    if j as usize == i {
                        continue;
                    }
                    let cj = comm[j as usize];
                    if weight_to[cj as usize] == 0.0 {
                        touched.push(cj);
                    }
                    weight_to[cj as usize] += w;
                }
                let gain = |c: u32, w_in: f64| w_in - resolution * tot[c as usize] * k[i] / two_m;
                let mut best = (ci, gain(ci, weight_to[ci as usize]));
                for &c in &touched {
                    let g = gain(c, weight_to[c as usize]);
                    if g > best.1 + 1e-12 {
                        best = (c, g);
                    }
                }
                for &c in &touched {
                    weight_to[c as usize] = 0.0;
                }
                touched.clear();
                tot[best.0 as usize] += k[i];
                if best.0 != ci {
                    comm[i] = best.0;
                    moved = true;
                    moved_any = true;
                }
            }
            if !moved {
                break;
            }
        }
        if !moved_any {
            break;
        }
        let mut renum = vec![u32::MAX; m];
        let mut next = 0u32;
        for c in comm.iter_mut() {
            if renum[*c as usize] == u32::MAX {
                renum[*c as usize] = next;
                next += 1;
            }
            *c = renum[*c as usize];
        }
        for nc in node_comm.iter_mut() {
            *nc = comm[*nc as usize];
        }
        let mut agg: Vec<FxHashMap<u32, f64>> = vec![FxHashMap::default(); next as usize];
        for (i, list) in adj.iter().enumerate() {
            for &(j, w) in list {
                *agg[comm[i] as usize].entry(comm[j as usize]).or_default() += w;
            }
        }
        adj = agg
            .into_iter()
            .map(|h| {
                let mut v: Vec<(u32, f64)> = h.into_iter().collect();
                v.sort_by_key(|&(j, _)| j);
                v
            })
            .collect();
        if next as usize == m {
            break;
        }
    }
    node_comm
}

/// Random graphs shaped like discover's term graphs: distinct pairs `a < b`, sorted, positive weights.
fn term_graphs() -> impl Strategy<Value = (usize, Vec<(u32, u32, f64)>)> {
    (2usize..40).prop_flat_map(|n| {
        (
            Just(n),
            proptest::collection::btree_map(
                (0..n as u32, 0..n as u32).prop_filter("no self-loop", |(a, b)| a != b),
                0.01f64..1.0,
                0..(n * 3),
            ),
        )
            .prop_map(|(n, m)| {
                let mut e: Vec<(u32, u32, f64)> = m
                    .into_iter()
                    .map(|((a, b), w)| (a.min(b), a.max(b), w))
                    .collect();
                e.sort_by_key(|x| (x.0, x.1));
                e.dedup_by_key(|x| (x.0, x.1));
                (n, e)
            })
    })
}

proptest! {
    #[test]
    fn matches_the_implementation_it_replaced((n, edges) in term_graphs(), resolution in 0.5f64..2.0) {
        let g = UndirectedGraph::from_edges(n as u32, edges.iter().copied()).unwrap();
        let opts = LouvainOptions { resolution, seed: None, ..LouvainOptions::default() };
        let p = louvain(&g, &opts).unwrap();
        prop_assert_eq!(&p.community, &reference_louvain(n, &edges, resolution));
    }

    #[test]
    fn partitions_are_canonical_and_no_worse_than_singletons(
        (n, edges) in term_graphs(),
        seed in proptest::option::of(any::<u64>()),
    ) {
        let g = UndirectedGraph::from_edges(n as u32, edges.iter().copied()).unwrap();
        let p = louvain(&g, &LouvainOptions { seed, ..LouvainOptions::default() }).unwrap();
        // Numbered by smallest member: the first node of community c comes after the first of c − 1.
        let mut seen = 0u32;
        for &c in &p.community {
            prop_assert!(c <= seen);
            if c == seen { seen += 1; }
        }
        prop_assert_eq!(seen as usize, p.communities);
        let q = modularity(&g, &p.community, 1.0).unwrap();
        prop_assert_eq!(q, p.modularity);
        let singletons: Vec<u32> = (0..n as u32).collect();
        prop_assert!(q >= modularity(&g, &singletons, 1.0).unwrap() - 1e-12);
        // Reproducible.
        let again = louvain(&g, &LouvainOptions { seed, ..LouvainOptions::default() }).unwrap();
        prop_assert_eq!(again, p);
    }
}
