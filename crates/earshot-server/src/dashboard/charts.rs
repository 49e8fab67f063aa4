//! The dashboard's charts, drawn as inline SVG by the server. Each chart is an `<svg role="img">` with
//! a `<title>` and a `<desc>` that says in words what it shows, and the figures it draws are also in a
//! table on the same page, so a screen reader loses nothing.
//!
//! Why not plotters, which draws the command line's chart files (`earshot-print`'s `chart.rs`)? Its SVG
//! backend writes a document with fixed sizes, inline styles and unlabelled text, where a page needs
//! shapes that scale with the layout, take the page's colours from its stylesheet (classes, so the
//! Content-Security-Policy can forbid inline styles) and carry labels for assistive technology. What is
//! drawn here are bars, polylines and circles: maud's escaping keeps every label safe.

use maud::{html, Markup};

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 40.0;

/// `v` rounded for an axis label: 1234 → "1.2k".
fn tick(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 10.0 || v == v.round() {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn frame(title: &str, desc: &str, inner: Markup) -> Markup {
    html! {
        figure class="chart" {
            svg viewBox=(format!("0 0 {W} {H}")) role="img" aria-label=(title)
                preserveAspectRatio="xMidYMid meet" {
                title { (title) }
                desc { (desc) }
                (inner)
            }
            figcaption { (title) }
        }
    }
}

/// Vertical bars, one per `(label, count)`, labels under every `label_every`-th bar.
pub(crate) fn bars(title: &str, desc: &str, data: &[(String, f64)], label_every: usize) -> Markup {
    let max = data.iter().map(|d| d.1).fold(0.0f64, f64::max).max(1e-9);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let step = plot_w / data.len().max(1) as f64;
    let every = label_every.max(1);
    let inner = html! {
        line class="axis" x1=(LEFT) y1=(TOP + plot_h) x2=(W - RIGHT) y2=(TOP + plot_h) {}
        @for q in [0.0, 0.5, 1.0] {
            text class="tick" x=(LEFT - 6.0) y=(TOP + plot_h * (1.0 - q) + 4.0) text-anchor="end" { (tick(max * q)) }
            line class="grid" x1=(LEFT) x2=(W - RIGHT) y1=(TOP + plot_h * (1.0 - q)) y2=(TOP + plot_h * (1.0 - q)) {}
        }
        @for (i, (label, v)) in data.iter().enumerate() {
            @let h = plot_h * (v / max);
            rect class="bar" x=(format!("{:.1}", LEFT + i as f64 * step + step * 0.1))
                y=(format!("{:.1}", TOP + plot_h - h)) width=(format!("{:.1}", step * 0.8))
                height=(format!("{:.1}", h)) {
                title { (label) ": " (tick(*v)) }
            }
            @if i % every == 0 {
                text class="tick" x=(format!("{:.1}", LEFT + i as f64 * step + step / 2.0)) y=(H - BOTTOM + 16.0)
                    text-anchor="middle" { (label) }
            }
        }
    };
    frame(title, desc, inner)
}

/// One line per series over a shared x range (x in unix seconds, labelled as dates).
pub(crate) struct Line<'a> {
    pub name: &'a str,
    pub points: Vec<(f64, f64)>,
}

/// Lines over time with a legend below; y from 0 to the largest value (at least `y_floor`).
pub(crate) fn lines(title: &str, desc: &str, series: &[Line<'_>], y_floor: f64) -> Markup {
    let xs = series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    // One instant (a single run) is drawn in the middle of a day either side.
    let (x0, x1) = if x0.is_finite() && x1 > x0 {
        (x0, x1)
    } else if x0.is_finite() {
        (x0 - 86_400.0, x0 + 86_400.0)
    } else {
        (0.0, 1.0)
    };
    let ymax = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(y_floor, f64::max)
        .max(1e-9);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let px = |x: f64| LEFT + plot_w * (x - x0) / (x1 - x0);
    let py = |y: f64| TOP + plot_h * (1.0 - y / ymax);
    let date = |x: f64| {
        earshot_model::format_utc(x as i64)
            .get(..10)
            .unwrap_or("")
            .to_string()
    };
    let inner = html! {
        line class="axis" x1=(LEFT) y1=(TOP + plot_h) x2=(W - RIGHT) y2=(TOP + plot_h) {}
        @for q in [0.0, 0.5, 1.0] {
            text class="tick" x=(LEFT - 6.0) y=(py(ymax * q) + 4.0) text-anchor="end" { (tick(ymax * q)) }
            line class="grid" x1=(LEFT) x2=(W - RIGHT) y1=(py(ymax * q)) y2=(py(ymax * q)) {}
        }
        text class="tick" x=(LEFT) y=(H - BOTTOM + 16.0) text-anchor="start" { (date(x0)) }
        text class="tick" x=(W - RIGHT) y=(H - BOTTOM + 16.0) text-anchor="end" { (date(x1)) }
        @for (i, s) in series.iter().enumerate() {
            @let pts: Vec<String> = s.points.iter().map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y))).collect();
            @if pts.len() == 1 {
                circle class=(format!("series s{}", i % 6)) cx=(format!("{:.1}", px(s.points[0].0))) cy=(format!("{:.1}", py(s.points[0].1))) r="3" {}
            } @else {
                polyline class=(format!("series s{}", i % 6)) points=(pts.join(" ")) {}
            }
            rect class=(format!("key s{}", i % 6)) x=(LEFT + (i as f64) * 100.0) y=(H - 14.0) width="10" height="10" {}
            text class="tick" x=(LEFT + (i as f64) * 100.0 + 14.0) y=(H - 5.0) { (s.name) }
        }
    };
    frame(title, desc, inner)
}

/// P(reach ≥ N) against N on a log₂ axis: the forecast's heavy tail, with the p10, p50 and p90
/// marked.
pub(crate) fn survival(
    title: &str,
    desc: &str,
    points: &[(u32, f64)],
    marks: &[(&str, u32)],
) -> Markup {
    let nmax = points.iter().map(|p| p.0).max().unwrap_or(1).max(2) as f64;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let lx = |n: f64| LEFT + plot_w * (n.max(1.0).log2() / nmax.log2());
    let py = |p: f64| TOP + plot_h * (1.0 - p.clamp(0.0, 1.0));
    let pts: Vec<String> = points
        .iter()
        .map(|&(n, p)| format!("{:.1},{:.1}", lx(f64::from(n)), py(p)))
        .collect();
    // Marks at the same N share one line and one label ("p10 = p50 = p90 1"); labels step down so
    // that close ones do not overprint.
    let mut merged: Vec<(String, u32)> = Vec::new();
    for &(name, n) in marks {
        match merged.iter_mut().find(|m| m.1 == n) {
            Some(m) => m.0 = format!("{} = {name}", m.0),
            None => merged.push((name.to_string(), n)),
        }
    }
    let inner = html! {
        line class="axis" x1=(LEFT) y1=(TOP + plot_h) x2=(W - RIGHT) y2=(TOP + plot_h) {}
        @for q in [0.0, 0.5, 1.0] {
            text class="tick" x=(LEFT - 6.0) y=(py(q) + 4.0) text-anchor="end" { (format!("{:.0}%", q * 100.0)) }
            line class="grid" x1=(LEFT) x2=(W - RIGHT) y1=(py(q)) y2=(py(q)) {}
        }
        @for &(n, _) in points.iter().step_by(2) {
            text class="tick" x=(format!("{:.1}", lx(f64::from(n)))) y=(H - BOTTOM + 16.0) text-anchor="middle" { (tick(f64::from(n))) }
        }
        text class="tick" x=(LEFT + plot_w / 2.0) y=(H - 4.0) text-anchor="middle" { "accounts reached, N (log scale)" }
        polyline class="series s0" points=(pts.join(" ")) {}
        @for (i, (name, n)) in merged.iter().enumerate() {
            line class="mark" x1=(format!("{:.1}", lx(f64::from(*n)))) x2=(format!("{:.1}", lx(f64::from(*n)))) y1=(TOP) y2=(TOP + plot_h) {}
            text class="tick" x=(format!("{:.1}", lx(f64::from(*n)) + 3.0)) y=(TOP + 10.0 + 12.0 * i as f64) { (name) " " (n) }
        }
    };
    frame(title, desc, inner)
}

/// Expected against realised engagement per score decile, both on log scales, with each decile's
/// interval and the diagonal a calibrated model lies on.
pub(crate) struct Decile {
    pub predicted: f64,
    pub realised: f64,
    pub low: f64,
    pub high: f64,
}

pub(crate) fn reliability(title: &str, desc: &str, rows: &[Decile]) -> Markup {
    let vals = rows
        .iter()
        .flat_map(|r| [r.predicted, r.realised, r.low, r.high])
        .filter(|v| *v > 0.0 && v.is_finite());
    let (lo, hi) = vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let (lo, hi) = if lo.is_finite() && hi > lo {
        (lo.log10().floor(), hi.log10().ceil())
    } else {
        (-1.0, 1.0)
    };
    let side = H - TOP - BOTTOM;
    let sx = |v: f64| LEFT + side * ((v.max(1e-12).log10() - lo) / (hi - lo)).clamp(0.0, 1.0);
    let sy =
        |v: f64| TOP + side * (1.0 - ((v.max(1e-12).log10() - lo) / (hi - lo)).clamp(0.0, 1.0));
    let ticks: Vec<f64> = (lo as i32..=hi as i32).map(|e| 10f64.powi(e)).collect();
    let inner = html! {
        line class="axis" x1=(LEFT) y1=(TOP + side) x2=(LEFT + side) y2=(TOP + side) {}
        line class="axis" x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(TOP + side) {}
        line class="diagonal" x1=(sx(10f64.powf(lo))) y1=(sy(10f64.powf(lo))) x2=(sx(10f64.powf(hi))) y2=(sy(10f64.powf(hi))) {}
        @for t in &ticks {
            text class="tick" x=(LEFT - 6.0) y=(sy(*t) + 4.0) text-anchor="end" { (tick(*t)) }
            text class="tick" x=(sx(*t)) y=(TOP + side + 16.0) text-anchor="middle" { (tick(*t)) }
        }
        text class="tick" x=(LEFT + side / 2.0) y=(H - 4.0) text-anchor="middle" { "expected per account" }
        text class="tick" x=(LEFT + side + 16.0) y=(TOP + 12.0) { "y: realised per account (95% interval)" }
        @for r in rows {
            line class="interval" x1=(sx(r.predicted)) x2=(sx(r.predicted)) y1=(sy(r.low)) y2=(sy(r.high)) {}
            circle class="point" cx=(sx(r.predicted)) cy=(sy(r.realised)) r="4" {}
        }
    };
    frame(title, desc, inner)
}

/// A bubble per community, area by size, packed from the largest outwards: each in turn takes the
/// first place along a spiral round the centre where it touches no bubble placed before it (a layout
/// fixed by rank, so the same partition always draws the same map), labelled with its rank; its
/// leading account is in its tooltip and the table beside.
pub(crate) struct Bubble<'a> {
    pub rank: usize,
    pub size: usize,
    pub leader: &'a str,
}

/// Centres and radii of `radii` packed without overlap (a gap of `gap`), largest first.
fn pack(radii: &[f64], gap: f64) -> Vec<(f64, f64)> {
    let mut placed: Vec<(f64, f64, f64)> = Vec::with_capacity(radii.len());
    for &r in radii {
        let mut t = 0.0f64;
        let spot = loop {
            // Archimedean spiral: the radius grows by about one unit per step.
            let (x, y) = (t * 0.5 * t.cos(), t * 0.5 * t.sin());
            let free = placed
                .iter()
                .all(|&(px, py, pr)| (px - x).hypot(py - y) >= pr + r + gap);
            if free || t > 10_000.0 {
                break (x, y);
            }
            t += 0.05;
        };
        placed.push((spot.0, spot.1, r));
    }
    placed.into_iter().map(|(x, y, _)| (x, y)).collect()
}

pub(crate) fn bubbles(title: &str, desc: &str, data: &[Bubble<'_>]) -> Markup {
    let biggest = data.iter().map(|b| b.size).max().unwrap_or(1).max(1) as f64;
    let radii: Vec<f64> = data
        .iter()
        .map(|b| (60.0 * (b.size as f64 / biggest).sqrt()).max(4.0))
        .collect();
    let centres = pack(&radii, 3.0);
    let (mut x0, mut y0, mut x1, mut y1) = (0.0f64, 0.0f64, 1.0f64, 1.0f64);
    for (&(x, y), &r) in centres.iter().zip(&radii) {
        x0 = x0.min(x - r);
        y0 = y0.min(y - r);
        x1 = x1.max(x + r);
        y1 = y1.max(y + r);
    }
    let pad = 8.0;
    let view = format!(
        "{:.0} {:.0} {:.0} {:.0}",
        x0 - pad,
        y0 - pad,
        x1 - x0 + 2.0 * pad,
        y1 - y0 + 2.0 * pad
    );
    html! {
        figure class="chart" {
            svg viewBox=(view) role="img" aria-label=(title) preserveAspectRatio="xMidYMid meet" {
                title { (title) }
                desc { (desc) }
                @for (i, ((b, &(cx, cy)), &r)) in data.iter().zip(&centres).zip(&radii).enumerate() {
                    g class="bubble" {
                        circle class=(format!("community c{}", i % 6)) cx=(format!("{cx:.1}")) cy=(format!("{cy:.1}")) r=(format!("{r:.1}")) {
                            title { "community " (b.rank) ": " (b.size) " accounts, led by " (b.leader) }
                        }
                        @if r >= 12.0 {
                            text class="bubble-label" x=(format!("{cx:.1}")) y=(format!("{:.1}", cy + 4.0)) text-anchor="middle" { (b.rank) }
                        }
                    }
                }
            }
            figcaption { (title) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_charts_are_labelled() {
        let svg = bars(
            "Scores <b>",
            "a & b",
            &[("<script>".into(), 3.0), ("x".into(), 1.0)],
            1,
        )
        .into_string();
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title>Scores &lt;b&gt;</title>"));
        assert!(!svg.contains("<script>"), "{svg}");
        assert_eq!(svg.matches("class=\"bar\"").count(), 2);
    }

    #[test]
    fn the_taller_bar_is_the_larger_count() {
        let svg = bars("t", "d", &[("a".into(), 4.0), ("b".into(), 1.0)], 1).into_string();
        let heights: Vec<f64> = svg
            .split("height=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(heights.len(), 2);
        assert!((heights[0] / heights[1] - 4.0).abs() < 0.05, "{heights:?}");
    }

    #[test]
    fn forecast_marks_at_one_reach_share_a_label() {
        let svg = survival(
            "t",
            "d",
            &[(1, 1.0), (2, 0.0)],
            &[("p10", 1), ("p50", 1), ("p90", 2)],
        )
        .into_string();
        assert!(svg.contains(">p10 = p50 1<"), "{svg}");
        assert!(svg.contains(">p90 2<"), "{svg}");
        assert_eq!(svg.matches("class=\"mark\"").count(), 2);
    }

    #[test]
    fn packed_bubbles_never_overlap() {
        let radii = [60.0, 55.0, 40.0, 30.0, 30.0, 12.0, 5.0, 4.0, 4.0, 4.0];
        let c = pack(&radii, 3.0);
        for i in 0..radii.len() {
            for j in 0..i {
                let d = (c[i].0 - c[j].0).hypot(c[i].1 - c[j].1);
                assert!(d >= radii[i] + radii[j] + 3.0 - 1e-9, "{i} and {j}: {d}");
            }
        }
    }

    #[test]
    fn ticks_read_as_people_write_numbers() {
        assert_eq!(tick(0.0), "0");
        assert_eq!(tick(1500.0), "1.5k");
        assert_eq!(tick(25_000.0), "25k");
        assert_eq!(tick(2_500_000.0), "2.5M");
        assert_eq!(tick(0.25), "0.25");
    }
}
