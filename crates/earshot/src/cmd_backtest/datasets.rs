//! `earshot backtest --data DIR`: the validity protocol on every real dataset at once (the protocol is
//! `earshot_app::backtest::datasets`); here, each dataset's import and the report as text.

use super::BacktestArgs;
use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::{bail, Context, Result};
use earshot_app::backtest::datasets::{chosen, run_protocol, Dataset, ProtocolRequest, CASCADES};
use earshot_store::Store;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn run(cli: &Ctx, args: &BacktestArgs, dir: &Path) -> Result<Exit> {
    chosen(dir, &args.only)?;
    std::fs::create_dir_all(&args.work)
        .with_context(|| format!("creating {}", args.work.display()))?;
    // Every dataset's splits are scored with the components of the model given (or the built-in one);
    // only the predictor on top of them is fitted.
    let base = earshot_app::score::load_model(args.model.as_deref())?;
    let req = ProtocolRequest {
        data: dir,
        only: &args.only,
        fit_on: &args.fit_on,
        base: &base,
        k: args.k,
        bootstrap: args.bootstrap,
    };
    let report = run_protocol(
        &req,
        &|d| prepare(cli, args, dir, d),
        &crate::output::note_unless(cli.quiet),
    )?;
    if let Some(out) = &args.fit_out {
        let text = serde_json::to_string_pretty(&report.model)? + "\n";
        std::fs::write(out, text).with_context(|| format!("writing {}", out.display()))?;
    }
    if cli.json {
        crate::output::print_json(&report)?;
        return Ok(Exit::Ok);
    }
    let text = &mut std::io::stdout().lock();
    earshot_print::backtest::protocol(text, &report, args.fit_out.as_deref())?;
    Ok(Exit::Ok)
}

/// The dataset's database under `--work`, importing it when it holds no interactions yet.
fn prepare(cli: &Ctx, args: &BacktestArgs, dir: &Path, d: &Dataset) -> Result<PathBuf> {
    let db = args.work.join(format!("{}.db", d.name));
    if db.exists() {
        let store = Store::open_existing(&db)?;
        if store.stats(0)?.interactions > 0 {
            return Ok(db);
        }
    }
    let files: Vec<PathBuf> = if d.files == [CASCADES] {
        vec![extract_cascades(args, dir, d)?]
    } else {
        d.files.iter().map(|f| dir.join(f)).collect()
    };
    if !cli.quiet {
        eprintln!("{}: importing into {}", d.name, db.display());
    }
    let exe = std::env::current_exe().context("finding the earshot binary")?;
    let status = Command::new(exe)
        .arg("--quiet")
        .arg("--db")
        .arg(&db)
        .arg("import")
        .args(d.import)
        .args(["--platform", d.platform])
        .args(&files)
        .status()
        .context("running earshot import")?;
    // Exit 3: finished with some records rejected (listed beside the file), as the real files expect
    // (Twitter's truncated cascade times, bitcoin-alpha's header line).
    if !(status.success() || status.code() == Some(Exit::Rejected as i32)) {
        bail!("dataset {}: import into {} failed", d.name, db.display());
    }
    Ok(db)
}

/// The dataset's `cascades.txt`, extracted from the benchmark archive under `--work`.
fn extract_cascades(args: &BacktestArgs, dir: &Path, d: &Dataset) -> Result<PathBuf> {
    let ds = d.name.trim_end_matches("-cascades");
    let out = args.work.join("cascades");
    let file = out.join("data").join(ds).join("cascades.txt");
    let alt = out.join(ds).join("cascades.txt");
    for f in [&file, &alt] {
        if f.exists() {
            return Ok(f.clone());
        }
    }
    std::fs::create_dir_all(&out)?;
    let status = Command::new("tar")
        .arg("xzf")
        .arg(dir.join(CASCADES))
        .arg("-C")
        .arg(&out)
        .status()
        .context("running tar to extract the cascades archive")?;
    if !status.success() {
        bail!("extracting {} failed", dir.join(CASCADES).display());
    }
    [file, alt]
        .into_iter()
        .find(|f| f.exists())
        .with_context(|| format!("{ds}/cascades.txt is not in the cascades archive"))
}
