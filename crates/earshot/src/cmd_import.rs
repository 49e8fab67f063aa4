//! `earshot import`: stream files into the store in atomic batches, reporting every rejected line.
//!
//! A reader thread parses while this thread writes to SQLite, so the two cores work at once. Each batch
//! is one transaction: killed at any moment, the database holds whole batches only, and running the same
//! import again adds exactly what is missing (rows are keyed by stable ids).

use crate::exit::Exit;
use crate::progress::{bytes_bar, peak_rss_kib};
use crate::Cli;
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use earshot_ingest::{DateOrder, Encoding, Format, Options, Rejection, SnapColumn};
use earshot_model::{Event, InteractionKind};
use earshot_store::{ImportStatus, Store, WriteCounts};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// In bulk mode the write-ahead log is copied back into the database only when it passes this size.
const WAL_CHECKPOINT_BYTES: u64 = 512 << 20;

/// Load interaction data into the database.
///
/// Every line becomes events with stable ids, so importing the same file twice adds nothing, and an
/// interrupted import is completed by running it again. Bad lines are reported as `file:line: field:
/// reason` (the first few on screen, all in the rejects file) and the good lines are imported.
#[derive(Args, Debug)]
#[command(after_help = IMPORT_EXAMPLES)]
pub struct ImportArgs {
    /// Files to import (plain or gzip).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Input format. Inferred only for `.jsonl`/`.ndjson` files.
    #[arg(long, short, value_enum)]
    pub format: Option<FormatArg>,

    /// Platform label for the events, e.g. `twitter` (lower-case letters, digits, `.`, `_`, `-`). Default:
    /// `twitter` for csv and profiles; the file's name for higgs and snap, whose ids are local to it.
    #[arg(long)]
    pub platform: Option<String>,

    /// Name of the source, used in derived event keys (`source:line`). Default: the file name without `.gz`.
    /// Keep it the same when re-importing a renamed file, or its events will be stored twice.
    #[arg(long)]
    pub source: Option<String>,

    /// Column mapping for csv and profiles: `field=column`, comma-separated or repeated. csv fields: id,
    /// author, author_id, text, time, reply_to, quote_of, reshare_of, mentions.
    #[arg(long, value_delimiter = ',', value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,

    /// Interaction kind of each edge in a snap edge list.
    #[arg(long, default_value = "follow")]
    pub kind: String,

    /// snap: each line is an undirected edge; store both directions.
    #[arg(long)]
    pub undirected: bool,

    /// snap: meaning of the columns, e.g. `src,dst,time` or `src,dst,weight,time` (also `ignore`).
    #[arg(long, value_name = "COLS")]
    pub columns: Option<String>,

    /// snap: is the first data line an `n m` header?
    #[arg(long, value_enum, default_value = "auto")]
    pub header: HeaderArg,

    /// Text encoding of the file.
    #[arg(long, value_enum, default_value = "utf8")]
    pub encoding: EncodingArg,

    /// How to read an ambiguous date like 5/11/2016 (both parts ≤ 12).
    #[arg(long, value_enum, default_value = "mdy")]
    pub date_order: DateOrderArg,

    /// Roll the whole import back at the first bad line (the database is left unchanged).
    #[arg(long)]
    pub strict: bool,

    /// Events per transaction. Larger batches import faster; each batch is atomic.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub batch_size: u64,

    /// SQLite page cache in MiB. Peak memory is about this plus three batches; more cache speeds up
    /// imports into large databases.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    pub cache_mib: u32,

    /// Where to write every rejected line. Default: `<file name>.rejects.txt` in the current directory,
    /// written only when lines were rejected.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,

    /// How many rejected lines to show on screen.
    #[arg(long, default_value_t = 10)]
    pub show_rejects: usize,

    /// Reject lines longer than this many bytes.
    #[arg(long, default_value_t = 1 << 20)]
    pub max_line_bytes: usize,
}

impl ImportArgs {
    /// Default options for one file, as `earshot import FILE` would use.
    pub fn for_file(file: PathBuf) -> Self {
        use clap::Parser;
        #[derive(Parser)]
        struct Wrapper {
            #[command(flatten)]
            args: ImportArgs,
        }
        let mut w = Wrapper::parse_from(["import", "placeholder"]);
        w.args.files = vec![file];
        w.args
    }
}

const IMPORT_EXAMPLES: &str = "\
Examples:
  earshot import events.jsonl.gz
  earshot import --format higgs ../shared/data/higgs-twitter/higgs-activity_time.txt.gz
  earshot import --format snap --kind follow soc-Slashdot0902.txt.gz
  earshot import --format snap --columns src,dst,time --kind reply CollegeMsg.txt
  earshot import --format csv --map author=name,text=text,time=tweet_created,id=tweet_id tweets.csv
  earshot import --format profiles --encoding latin1 bots_data.csv
  earshot import --strict --format higgs part.txt     all or nothing";

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// earshot's own JSON lines (docs/jsonl.md).
    Jsonl,
    /// Posts from a CSV export, with --map.
    Csv,
    /// SNAP edge list: `src dst [weight]`.
    Snap,
    /// Higgs activity: `userA userB unix_ts RT|MT|RE`.
    Higgs,
    /// Account profiles from CSV or JSON.
    Profiles,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum HeaderArg {
    Auto,
    Yes,
    No,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EncodingArg {
    Utf8,
    Latin1,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DateOrderArg {
    Mdy,
    Dmy,
}

impl FormatArg {
    pub fn format(self) -> Format {
        match self {
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
            FormatArg::Snap => Format::Snap,
            FormatArg::Higgs => Format::Higgs,
            FormatArg::Profiles => Format::Profiles,
        }
    }

    fn name(self) -> &'static str {
        match self {
            FormatArg::Jsonl => "jsonl",
            FormatArg::Csv => "csv",
            FormatArg::Snap => "snap",
            FormatArg::Higgs => "higgs",
            FormatArg::Profiles => "profiles",
        }
    }
}

/// The outcome of importing one file, as printed and as JSON.
#[derive(Debug, serde::Serialize)]
pub struct FileReport {
    pub file: String,
    pub format: &'static str,
    pub status: ImportStatus,
    pub lines: u64,
    pub events: u64,
    pub rejected: u64,
    pub written: WriteCounts,
    pub warnings: Vec<String>,
    pub rejects_file: Option<String>,
    pub seconds: f64,
    pub lines_per_second: f64,
    pub events_per_second: f64,
    pub peak_rss_kib: Option<u64>,
}

pub fn run(cli: &Cli, args: &ImportArgs) -> Result<Exit> {
    let mut store =
        Store::open(&cli.db).with_context(|| format!("opening database {}", cli.db.display()))?;
    store.begin_bulk_mode()?;
    store.set_cache_mib(args.cache_mib)?;
    let mut reports = Vec::new();
    let mut exit = Exit::Ok;
    for path in &args.files {
        let report = import_file(cli, args, &mut store, path)?;
        if !cli.json && !cli.quiet {
            print_report(&report);
        } else if !cli.json {
            // quiet: still say where the rejects went, since the exit code alone does not.
            if let Some(r) = &report.rejects_file {
                eprintln!("{} lines rejected, listed in {r}", report.rejected);
            }
        }
        exit = match (report.status, exit) {
            (ImportStatus::RolledBack, _) | (_, Exit::RolledBack) => Exit::RolledBack,
            (ImportStatus::RejectedLines, _) => Exit::Rejected,
            (_, e) => e,
        };
        let stop = report.status == ImportStatus::RolledBack;
        reports.push(report);
        if stop {
            break;
        }
    }
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    }
    Ok(exit)
}

fn options(args: &ImportArgs) -> Result<Options> {
    let kind: InteractionKind = args
        .kind
        .parse()
        .map_err(|e| anyhow::anyhow!("--kind: {e}"))?;
    let mut map = Vec::new();
    for pair in &args.map {
        let Some((field, column)) = pair.split_once('=') else {
            bail!("--map {pair:?}: expected FIELD=COLUMN, e.g. --map author=name,time=created_at");
        };
        map.push((field.trim().to_string(), column.trim().to_string()));
    }
    let snap_columns = match &args.columns {
        Some(c) => Some(SnapColumn::parse_list(c).map_err(|e| anyhow::anyhow!("--columns: {e}"))?),
        None => None,
    };
    Ok(Options {
        platform: args.platform.clone(),
        source: args.source.clone(),
        kind: Some(kind),
        map,
        encoding: match args.encoding {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Latin1 => Encoding::Latin1,
        },
        date_order: match args.date_order {
            DateOrderArg::Mdy => DateOrder::Mdy,
            DateOrderArg::Dmy => DateOrder::Dmy,
        },
        max_line_bytes: args.max_line_bytes,
        undirected: args.undirected,
        header: match args.header {
            HeaderArg::Auto => None,
            HeaderArg::Yes => Some(true),
            HeaderArg::No => Some(false),
        },
        snap_columns,
    })
}

fn infer_format(path: &Path) -> Option<FormatArg> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    (name.ends_with(".jsonl") || name.ends_with(".ndjson")).then_some(FormatArg::Jsonl)
}

/// Events per message from the reader thread. Transactions are `--batch-size` events, but they travel in
/// chunks this small so that memory stays small however large a batch is.
const CHUNK_EVENTS: usize = 8_192;

/// One message from the reader thread: some events, the rejections met while reading them, and whether
/// the transaction (batch) ends with them.
struct Chunk {
    events: Vec<Event>,
    rejections: Vec<Rejection>,
    lines: u64,
    ends_batch: bool,
}

impl Chunk {
    fn new() -> Self {
        Chunk {
            events: Vec::with_capacity(CHUNK_EVENTS),
            rejections: Vec::new(),
            lines: 0,
            ends_batch: false,
        }
    }
}

fn import_file(cli: &Cli, args: &ImportArgs, store: &mut Store, path: &Path) -> Result<FileReport> {
    let format = match args.format.or_else(|| infer_format(path)) {
        Some(f) => f,
        None => bail!(
            "{}: cannot tell the format from the name; pass --format (jsonl, csv, snap, higgs or profiles)",
            path.display()
        ),
    };
    let opts = options(args)?;
    let (reader, progress) = earshot_ingest::open(path, format.format(), &opts)?;
    let source = opts.source.clone().unwrap_or_else(|| default_source(path));
    let started = Instant::now();
    let log = store.start_import(&path.display().to_string(), format.name(), &source, now())?;

    let bar = bytes_bar(progress.file_size(), cli.quiet || cli.json);
    let batch_size = args.batch_size as usize;
    let (tx, rx) = sync_channel::<Chunk>(2);
    let parser = std::thread::spawn(move || {
        let mut chunk = Chunk::new();
        let mut in_batch = 0usize;
        for item in reader {
            chunk.lines += 1;
            match item {
                Ok(record) => {
                    in_batch += record.events.len();
                    chunk.events.extend(record.events);
                }
                Err(rejection) => chunk.rejections.push(rejection),
            }
            if in_batch >= batch_size || chunk.events.len() >= CHUNK_EVENTS {
                chunk.ends_batch = in_batch >= batch_size;
                if chunk.ends_batch {
                    in_batch = 0;
                }
                if tx
                    .send(std::mem::replace(&mut chunk, Chunk::new()))
                    .is_err()
                {
                    return; // the writer stopped (strict rollback or a database error)
                }
            }
        }
        chunk.ends_batch = true;
        let _ = tx.send(chunk);
    });

    let mut rejects = RejectSink::new(args, path, cli.quiet || cli.json);
    let mut written = WriteCounts::default();
    // Counts of the open transaction, added to `written` when it commits.
    let mut pending = WriteCounts::default();
    let (mut lines, mut events, mut rejected) = (0u64, 0u64, 0u64);
    let mut status = ImportStatus::Done;
    if args.strict {
        store.begin()?;
    }
    let mut in_transaction = args.strict;
    let outcome: Result<()> = (|| {
        for chunk in rx.iter() {
            lines += chunk.lines;
            rejected += chunk.rejections.len() as u64;
            for r in &chunk.rejections {
                bar.suspend(|| rejects.record(r))?;
            }
            if args.strict && !chunk.rejections.is_empty() {
                status = ImportStatus::RolledBack;
                return Ok(());
            }
            events += chunk.events.len() as u64;
            if !in_transaction {
                store.begin()?;
                in_transaction = true;
            }
            pending.add(&store.write(&chunk.events)?);
            if chunk.ends_batch && !args.strict {
                store.commit()?;
                in_transaction = false;
                written.add(&std::mem::take(&mut pending));
                store.checkpoint_if_wal_over(WAL_CHECKPOINT_BYTES)?;
            }
            bar.set_position(progress.bytes_read());
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!("{lines} lines, {:.0} lines/s", lines as f64 / secs));
        }
        Ok(())
    })();
    drop(rx);
    let _ = parser.join();
    bar.finish_and_clear();

    if let Err(e) = outcome {
        if in_transaction {
            let _ = store.rollback();
        }
        let _ = store.finish_import(
            log,
            ImportStatus::Interrupted,
            lines,
            rejected,
            &written,
            now(),
        );
        return Err(e.context(format!("importing {}", path.display())));
    }
    if status == ImportStatus::RolledBack {
        store.rollback()?;
        written = WriteCounts::default();
    } else {
        if args.strict {
            store.commit()?;
            written = pending;
        }
        if rejected > 0 {
            status = ImportStatus::RejectedLines;
        }
    }
    store.finish_import(log, status, lines, rejected, &written, now())?;
    let rejects_file = rejects.finish()?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(FileReport {
        file: path.display().to_string(),
        format: format.name(),
        status,
        lines,
        events,
        rejected,
        written,
        warnings: progress.warnings().iter().map(|w| w.to_string()).collect(),
        rejects_file,
        seconds,
        lines_per_second: lines as f64 / seconds.max(1e-9),
        events_per_second: events as f64 / seconds.max(1e-9),
        peak_rss_kib: peak_rss_kib(),
    })
}

fn default_source(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.strip_suffix(".gz").unwrap_or(&name).to_string()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Rejected lines: the first few on stderr, every one in the rejects file (created on the first).
struct RejectSink {
    path: PathBuf,
    file: Option<BufWriter<File>>,
    shown: usize,
    show: usize,
    silent: bool,
    total: u64,
}

impl RejectSink {
    fn new(args: &ImportArgs, input: &Path, silent: bool) -> Self {
        let path = args
            .rejects
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{}.rejects.txt", default_source(input))));
        RejectSink {
            path,
            file: None,
            shown: 0,
            show: args.show_rejects,
            silent,
            total: 0,
        }
    }

    fn record(&mut self, r: &Rejection) -> Result<()> {
        self.total += 1;
        if self.shown < self.show && !self.silent {
            eprintln!("rejected: {r}");
            self.shown += 1;
        }
        if self.file.is_none() {
            let f = File::create(&self.path)
                .with_context(|| format!("creating rejects file {}", self.path.display()))?;
            self.file = Some(BufWriter::new(f));
        }
        if let Some(f) = &mut self.file {
            writeln!(f, "{r}").with_context(|| format!("writing {}", self.path.display()))?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Option<String>> {
        match self.file.take() {
            Some(mut f) => {
                f.flush()
                    .with_context(|| format!("writing {}", self.path.display()))?;
                if self.total as usize > self.shown && !self.silent {
                    eprintln!(
                        "... {} rejected lines in all, listed in {}",
                        self.total,
                        self.path.display()
                    );
                }
                Ok(Some(self.path.display().to_string()))
            }
            None => Ok(None),
        }
    }
}

fn print_report(r: &FileReport) {
    let w = &r.written;
    let verb = match r.status {
        ImportStatus::RolledBack => {
            "rolled back (strict: a line was bad; the database is unchanged)"
        }
        ImportStatus::RejectedLines => "imported, with rejected lines",
        _ => "imported",
    };
    println!("{}: {verb}", r.file);
    println!(
        "  {} lines, {} events in {:.2} s ({:.0} events/s)",
        r.lines, r.events, r.seconds, r.events_per_second
    );
    println!(
        "  new: {} accounts, {} posts, {} interactions; {} profile updates; {} already present",
        w.accounts_new, w.posts_new, w.interactions_new, w.accounts_updated, w.already_present
    );
    if r.rejected > 0 {
        println!(
            "  rejected: {} lines (all in {})",
            r.rejected,
            r.rejects_file.as_deref().unwrap_or("-")
        );
    }
    for warning in &r.warnings {
        println!("  note: {warning}");
    }
}
