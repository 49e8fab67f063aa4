//! Charts: SVG files drawn with plotters (its SVG backend alone: no fonts or image libraries to
//! install, text is left to the viewer), and one-line text charts for the terminal.

use anyhow::{anyhow, Result};
use earshot_model::format_utc;
use plotters::prelude::*;
use std::path::Path;

/// One line of a chart: its name and its (x, y) points.
pub struct Series<'a> {
    pub name: &'a str,
    pub points: Vec<(f64, f64)>,
}

/// Colours that stay apart for readers with the commonest colour-vision deficiencies (Okabe and Ito).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 0, 0),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(0, 114, 178),
    RGBColor(204, 121, 167),
];

/// A line chart over time (x in unix seconds, labelled as UTC dates) written as SVG to `path`.
pub fn time_lines(path: &Path, title: &str, y_label: &str, series: &[Series<'_>]) -> Result<()> {
    let xs = series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let ys = series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let (x0, x1) = bounds(xs).ok_or_else(|| anyhow!("nothing to chart"))?;
    let (y0, y1) = bounds(ys).ok_or_else(|| anyhow!("nothing to chart"))?;
    let (x0, x1) = widen(x0, x1, 86_400.0);
    let (y0, y1) = widen(y0.min(0.0), y1, 1.0);
    let err = |e: &dyn std::fmt::Display| anyhow!("drawing {}: {e}", path.display());
    let root = SVGBackend::new(path, (900, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_labels(6)
        .x_label_formatter(&|x| format_utc(*x as i64)[..10].to_string())
        .y_desc(y_label)
        .draw()
        .map_err(|e| err(&e))?;
    for (i, s) in series.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let style = ShapeStyle::from(&colour).stroke_width(if i == 0 { 3 } else { 2 });
        chart
            .draw_series(LineSeries::new(s.points.iter().copied(), style))
            .map_err(|e| err(&e))?
            .label(s.name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour));
        chart
            .draw_series(
                s.points
                    .iter()
                    .map(|&p| Circle::new(p, 3, ShapeStyle::from(&colour).filled())),
            )
            .map_err(|e| err(&e))?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

/// A distribution of counts (a forecast's reach over its simulations, `sorted` ascending) as its
/// survival curve, P(X ≥ n) against n on a log axis, where a heavy tail shows as a long slope rather
/// than a spike at the left, with vertical lines at `marks` (name, value): the percentiles quoted
/// beside it. Written as SVG to `path`.
pub fn survival(
    path: &Path,
    title: &str,
    x_label: &str,
    sorted: &[u32],
    marks: &[(&str, f64)],
) -> Result<()> {
    let (Some(&lo), Some(&hi)) = (sorted.first(), sorted.last()) else {
        return Err(anyhow!("nothing to chart"));
    };
    let points = survival_points(sorted);
    let x0 = f64::from(lo.max(1)) * 0.8;
    let x1 = (f64::from(hi.max(1)) * 1.25).max(x0 * 10.0);
    let err = |e: &dyn std::fmt::Display| anyhow!("drawing {}: {e}", path.display());
    let root = SVGBackend::new(path, (900, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d((x0..x1).log_scale(), 0.0..1.02)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc("probability of reaching at least n")
        .draw()
        .map_err(|e| err(&e))?;
    // A step curve: flat until the next value.
    let mut steps = Vec::with_capacity(points.len() * 2);
    for (k, &(x, p)) in points.iter().enumerate() {
        steps.push((x, p));
        let next = points.get(k + 1).map_or(x1, |q| q.0);
        steps.push((next, p));
    }
    let line = ShapeStyle::from(&PALETTE[0]).stroke_width(3);
    chart
        .draw_series(LineSeries::new(steps, line))
        .map_err(|e| err(&e))?
        .label("P(reach ≥ n)")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], PALETTE[0]));
    for (k, &(name, at)) in marks.iter().enumerate() {
        let colour = PALETTE[(k + 1) % PALETTE.len()];
        let at = at.max(x0);
        chart
            .draw_series(LineSeries::new(
                [(at, 0.0), (at, 1.02)],
                ShapeStyle::from(&colour).stroke_width(2),
            ))
            .map_err(|e| err(&e))?
            .label(name.to_string())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

/// One group of a reliability diagram: what the model expected on average, what happened on average,
/// and a 95% interval of the latter.
pub struct Calibrated {
    pub predicted: f64,
    pub realised: f64,
    pub low: f64,
    pub high: f64,
}

/// A reliability diagram written as SVG to `path`: each group's realised mean against its predicted
/// mean with its interval, beside the diagonal where they agree, on log axes (engagement spans orders
/// of magnitude between the lowest and highest deciles; values below 0.01 are drawn at 0.01).
pub fn reliability(path: &Path, title: &str, unit: &str, groups: &[Calibrated]) -> Result<()> {
    const FLOOR: f64 = 0.01;
    let vals = groups
        .iter()
        .flat_map(|g| [g.predicted, g.realised, g.low, g.high])
        .map(|v| v.max(FLOOR));
    let (lo, hi) = bounds(vals).ok_or_else(|| anyhow!("nothing to chart"))?;
    let (lo, hi) = (lo / 1.5, (hi * 1.5).max(lo * 10.0));
    let err = |e: &dyn std::fmt::Display| anyhow!("drawing {}: {e}", path.display());
    let root = SVGBackend::new(path, (640, 600)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d((lo..hi).log_scale(), (lo..hi).log_scale())
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc(format!("expected {unit} (mean per group)"))
        .y_desc(format!("realised {unit} (mean, 95% interval)"))
        .draw()
        .map_err(|e| err(&e))?;
    let grey = RGBColor(150, 150, 150);
    chart
        .draw_series(LineSeries::new(
            [(lo, lo), (hi, hi)],
            ShapeStyle::from(&grey).stroke_width(1),
        ))
        .map_err(|e| err(&e))?
        .label("realised = expected")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], grey));
    let colour = PALETTE[5];
    chart
        .draw_series(groups.iter().map(|g| {
            let x = g.predicted.max(FLOOR);
            PathElement::new(
                vec![(x, g.low.max(FLOOR)), (x, g.high.max(FLOOR))],
                ShapeStyle::from(&colour).stroke_width(2),
            )
        }))
        .map_err(|e| err(&e))?;
    chart
        .draw_series(groups.iter().map(|g| {
            Circle::new(
                (g.predicted.max(FLOOR), g.realised.max(FLOOR)),
                4,
                ShapeStyle::from(&colour).filled(),
            )
        }))
        .map_err(|e| err(&e))?
        .label("a score decile")
        .legend(move |(x, y)| Circle::new((x + 9, y), 4, ShapeStyle::from(&colour).filled()));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

/// One point per distinct value from 1 up, (v, P(X >= v)) with P the share of the samples at or above
/// v; a log axis has no 0, and P(X >= 0) is 1 anyway. `sorted` ascending.
fn survival_points(sorted: &[u32]) -> Vec<(f64, f64)> {
    let n = sorted.len() as f64;
    let mut points = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let v = sorted[i];
        if v >= 1 {
            points.push((f64::from(v), (sorted.len() - i) as f64 / n));
        }
        while i < sorted.len() && sorted[i] == v {
            i += 1;
        }
    }
    points
}

fn bounds(v: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    v.filter(|x| x.is_finite()).fold(None, |acc, x| match acc {
        None => Some((x, x)),
        Some((lo, hi)) => Some((lo.min(x), hi.max(x))),
    })
}

/// An axis range that has some width even for one point or a flat line.
fn widen(lo: f64, hi: f64, min_width: f64) -> (f64, f64) {
    if hi - lo >= min_width {
        let pad = (hi - lo) * 0.05;
        (lo - pad, hi + pad)
    } else {
        let mid = (lo + hi) / 2.0;
        (mid - min_width / 2.0, mid + min_width / 2.0)
    }
}

/// The values as a one-line chart of eighth-blocks (`▁▂▃▄▅▆▇█`), scaled from `lo` to `hi`; a value
/// that is not finite is a space.
pub fn sparkline(values: &[f64], lo: f64, hi: f64) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    values
        .iter()
        .map(|&v| {
            if !v.is_finite() {
                return ' ';
            }
            let f = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
            BARS[((f.clamp(0.0, 1.0) * 7.0).round()) as usize]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_between_its_bounds() {
        assert_eq!(sparkline(&[0.0, 50.0, 100.0], 0.0, 100.0), "▁▅█");
        assert_eq!(sparkline(&[-5.0, 200.0, f64::NAN], 0.0, 100.0), "▁█ ");
        assert_eq!(sparkline(&[3.0, 3.0], 3.0, 3.0), "▅▅");
    }

    #[test]
    fn a_time_chart_is_an_svg_with_its_title_legend_and_points() {
        let dir = std::env::temp_dir().join(format!("earshot-chart-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("c.svg");
        let day = 86_400.0;
        time_lines(
            &path,
            "score of @ann",
            "points",
            &[
                Series {
                    name: "overall",
                    points: vec![(1.0e9, 40.0), (1.0e9 + 7.0 * day, 55.5)],
                },
                Series {
                    name: "audience",
                    points: vec![(1.0e9, 10.0), (1.0e9 + 7.0 * day, 20.0)],
                },
            ],
        )
        .unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
        assert!(svg.contains("score of @ann"));
        assert!(svg.contains("overall") && svg.contains("audience"));
        assert!(svg.contains("2001-09-09"), "dates on the x axis");
        assert_eq!(svg.matches("<circle").count(), 4, "one marker per point");
        assert!(time_lines(&path, "empty", "y", &[]).is_err());
    }

    #[test]
    fn a_survival_chart_steps_down_from_one_and_marks_its_percentiles() {
        let dir = std::env::temp_dir().join(format!("earshot-survival-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.svg");
        let sorted = [0, 1, 1, 2, 3, 3, 10, 250];
        survival(
            &path,
            "reach",
            "n",
            &sorted,
            &[("p10 1", 1.0), ("p50 2", 2.0), ("p90 250", 250.0)],
        )
        .unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(svg.contains("P(reach ≥ n)"));
        for m in ["p10 1", "p50 2", "p90 250"] {
            assert!(svg.contains(m), "legend names {m}");
        }
        assert!(survival(&path, "reach", "n", &[], &[]).is_err());
        // The curve starts at n = 1 with P(X >= 1) = 7/8: the 0 is left off the log axis.
        assert_eq!(
            survival_points(&sorted),
            vec![
                (1.0, 0.875),
                (2.0, 0.625),
                (3.0, 0.5),
                (10.0, 0.25),
                (250.0, 0.125)
            ]
        );
    }
}
