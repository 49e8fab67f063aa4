//! What the planners (`imm.rs`, `celf.rs`) check before choosing seeds: one request, the same
//! errors for both.

use crate::{DiffusionError, DiffusionGraph};

/// A checked request: which nodes may not be seeds, and whose reach counts.
pub(crate) struct Request {
    pub excluded: Vec<bool>,
    /// `None` = everyone's.
    pub audience: Option<Vec<bool>>,
}

/// Check a request for `k` seeds on `g`, none of them in `exclude`, counting reach inside `audience`.
/// Errors on an empty graph, `k = 0`, an empty audience, and ids outside the graph.
pub(crate) fn check_request(
    g: &DiffusionGraph,
    k: usize,
    audience: Option<&[u32]>,
    exclude: &[u32],
) -> Result<Request, DiffusionError> {
    let bad = |what: String| Err(DiffusionError::BadParameter(what));
    if g.nodes() == 0 {
        return bad("the graph has no nodes".into());
    }
    if k == 0 {
        return bad("k must be at least 1".into());
    }
    let excluded = node_mask(g.nodes(), exclude, "excluded node")?;
    let audience = match audience {
        Some([]) => return bad("the audience is empty".into()),
        Some(a) => Some(node_mask(g.nodes(), a, "audience node")?),
        None => None,
    };
    Ok(Request { excluded, audience })
}

/// `ids` as a mask over `n` nodes; the error names the first id outside the graph.
fn node_mask(n: usize, ids: &[u32], what: &str) -> Result<Vec<bool>, DiffusionError> {
    let mut mask = vec![false; n];
    for &v in ids {
        match mask.get_mut(v as usize) {
            Some(x) => *x = true,
            None => {
                return Err(DiffusionError::BadParameter(format!(
                    "{what} {v} is not in the graph"
                )))
            }
        }
    }
    Ok(mask)
}

/// Test graph: two stars joined by a weak edge, plus stragglers: hub 0 reaches 1..=6 and hub 7 reaches
/// 8..=11 with p = 0.9 each, 6 → 7 with 0.1, 12 → 13 with 0.5.
#[cfg(test)]
pub(crate) fn two_stars() -> DiffusionGraph {
    let mut e: Vec<(u32, u32, f32)> = (1..=6).map(|v| (0, v, 0.9)).collect();
    e.extend((8..=11).map(|v| (7, v, 0.9)));
    e.push((6, 7, 0.1));
    e.push((12, 13, 0.5));
    DiffusionGraph::from_weighted(14, &e).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_in_one_place() {
        let g = two_stars();
        let r = check_request(&g, 2, Some(&[8, 9]), &[0, 0, 3]).unwrap();
        assert_eq!(r.excluded.iter().filter(|&&x| x).count(), 2);
        assert!(r.excluded[0] && r.excluded[3]);
        assert_eq!(r.audience.map(|a| a[8] && a[9] && !a[0]), Some(true));
        assert!(check_request(&g, 2, None, &[]).unwrap().audience.is_none());
        for (k, audience, exclude, says) in [
            (0, None, &[][..], "k must be"),
            (1, Some(&[][..]), &[], "audience is empty"),
            (1, Some(&[3, 14][..]), &[], "audience node 14"),
            (1, None, &[99], "excluded node 99"),
        ] {
            let e = check_request(&g, k, audience, exclude).err().unwrap();
            assert!(e.to_string().contains(says), "{e}");
        }
        let empty = DiffusionGraph::from_pairs(0, &[], crate::EdgeModel::Uniform(0.5)).unwrap();
        assert!(check_request(&empty, 1, None, &[]).is_err());
    }
}
