//! `earshot import`: stream files into the store in atomic batches, reporting every rejected line.
//!
//! A reader thread parses while this thread writes to SQLite, so the two cores work at once. Each batch
//! is one transaction: killed at any moment, the database holds whole batches only, and running the same
//! import again adds exactly what is missing (rows are keyed by stable ids).

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use earshot_app::error::UsageError;
use earshot_app::import::{
    check_files, finish_bulk_import, import_file, prepare_bulk_import, EventLog, FileImport,
    FileReport, ImportWatch, RejectSink,
};
use earshot_ingest::{DateOrder, Encoding, Format, Options, RootTime, SnapColumn, TimeUnit};
use earshot_store::ImportStatus;
use std::path::PathBuf;

/// Load interaction data into the database.
///
/// Every line becomes events with stable ids, so importing the same file twice adds nothing, and an
/// interrupted import is completed by running it again. Bad lines are reported as `file:line: field:
/// reason` (the first few on screen, all in the rejects file) and the good lines are imported.
/// `--event-log`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EventLogArg {
    Segments,
    Posts,
    Sqlite,
}

#[derive(Args, Debug)]
#[command(after_help = IMPORT_EXAMPLES)]
pub struct ImportArgs {
    /// Files to import (plain or gzip); for retweet-tree also directories of tree files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Input format. Inferred only for `.jsonl`/`.ndjson` files.
    #[arg(long, short, value_enum)]
    pub format: Option<FormatArg>,

    /// Platform label for the events, e.g. `twitter` (lower-case letters, digits, `.`, `_`, `-`). Default:
    /// `twitter` for csv, profiles, x-archive and x-api; `reddit` for reddit; `bluesky` for jetstream and bluesky-car;
    /// `mastodon` for the mastodon formats; the file's name for higgs, snap and cascades, whose ids are local to
    /// it, except that a cascades file named `cascades.txt` takes its directory's name
    /// (`data/douban/cascades.txt` → `douban`). Giving two cascades.txt files one platform? Give each its own
    /// --source too, or the second file's cascades (keyed `cascades.txt:LINE`) are taken for the first's and
    /// skipped as already present.
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
    /// profiles: the column names of a file without a header row, e.g. for the honeypot dumps
    /// `id,created_at,-,following,followers,post_count,username_length,bio_length` (`-` ignores one).
    #[arg(long, value_name = "COLS")]
    pub columns: Option<String>,

    /// profiles: the label of every account in the file, for files whose class is in their name,
    /// e.g. `--label bot` for content_polluters.txt.gz, `--label human` for legitimate_users.txt.gz.
    #[arg(long, value_name = "CLASS")]
    pub label: Option<String>,

    /// profiles: what a label column's values mean, `VALUE=CLASS`, comma-separated or repeated, e.g.
    /// `--map label=dataset --label-value E13=human,TFP=human,INT=fake,FSF=fake,TWT=fake`.
    #[arg(long, value_delimiter = ',', value_name = "VALUE=CLASS")]
    pub label_value: Vec<String>,

    /// snap: is the first data line an `n m` header?
    #[arg(long, value_enum, default_value = "auto")]
    pub header: HeaderArg,

    /// Text encoding of the file.
    #[arg(long, value_enum, default_value = "utf8")]
    pub encoding: EncodingArg,

    /// How to read an ambiguous date like 5/11/2016 (both parts ≤ 12).
    #[arg(long, value_enum, default_value = "mdy")]
    pub date_order: DateOrderArg,

    /// All or nothing per file: roll a file's import back at its first bad record, leaving the database as
    /// it was before that file, and stop (files after it are not read; files before it stay imported).
    #[arg(long)]
    pub strict: bool,

    /// Where interactions go. `segments`: append-only Parquet files beside the database
    /// (DATABASE.events/), several times faster to import and read, and readable by DuckDB, polars or
    /// pandas (docs/segments.md). `sqlite`: rows of the database file itself, as earlier versions stored
    /// them: one file to copy, slower past a million interactions. With `segments`, posts, accounts and
    /// the replies, quotes and reshares a post's reference implies stay in the database file. `posts`:
    /// segments for posts too, and for every interaction; the reactions posts' references imply are
    /// derived when read (the fastest import of post-heavy streams such as `earshot gen`'s).
    #[arg(long, value_enum, default_value = "segments")]
    pub event_log: EventLogArg,

    /// Interactions per segment file. The run being filled is held in memory (about 64 bytes an
    /// interaction: 256 MiB at the default); smaller runs use less memory and make more files (`earshot
    /// compact` merges them). A killed import resumes from its last complete segment.
    #[arg(long, default_value_t = earshot_store::RUN_ROWS as u64, value_parser = clap::value_parser!(u64).range(1..=1 << 30))]
    pub segment_rows: u64,

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

    /// cascades: the unit of the file's times: seconds (unix seconds), milliseconds, microseconds, or
    /// microhours (millionths of an hour since 1970, 3.6 ms: Memetracker's 12-digit times).
    #[arg(long, value_enum, default_value = "seconds")]
    pub time_unit: TimeUnitArg,

    /// retweet-tree: when the roots were posted, as the files give only delays: `zero` (1970-01-01, so
    /// times are durations since the root; the default), `snowflake` (the time in each root tweet's
    /// Twitter id, for Twitter15/16), or an instant for every root (`2015-01-01`, unix seconds).
    #[arg(long, value_name = "WHEN")]
    pub root_time: Option<String>,

    /// cascades: do not also import the social graph `edges.txt` found beside a `cascades.txt`.
    #[arg(long)]
    pub no_edges: bool,
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
  earshot import --format cascades data/twitter/cascades.txt data/douban/cascades.txt
  earshot import --format cascades data/android/cascades.txt    with data/android/edges.txt
  earshot import --format cascades --time-unit microhours data/memetracker/cascades.txt
  earshot import --format cascade-edges data/android/edges.txt  the graph alone
  earshot import --format bluesky-car repo.car          a Bluesky account's export
  earshot import --format mastodon-archive archive/     an unpacked Mastodon archive
  earshot import --format x-archive twitter-2024-01-01/ an unzipped X archive
  earshot import --format retweet-tree --root-time snowflake rumor_detection_acl2017/twitter15/tree
  earshot import --strict --format higgs part.txt     all or nothing";

/// `import --format offline`: evidence rows, not events; every file read and checked first, then all
/// stored in one transaction, bad rows rejected (exit 3) while the rest is kept.
fn run_offline(cli: &Ctx, args: &ImportArgs) -> Result<Exit> {
    if args.strict {
        return Err(UsageError(
            "--strict is not for offline evidence: its files are stored whole, their bad rows rejected \
             by line (see the exit code)"
                .into(),
        )
        .into());
    }
    // A missing file or a header without the needed columns stops here, before a database is made.
    for path in &args.files {
        if !path.is_file() {
            return Err(UsageError(format!("{}: no such file", path.display())).into());
        }
        earshot_ingest::offline::read_offline(path, DateOrder::from(args.date_order))
            .map_err(|e| UsageError(e.to_string()))?;
    }
    let mut store = cli.create_store()?;
    let reports =
        earshot_app::offline::import(&mut store, &args.files, DateOrder::from(args.date_order))?;
    let mut exit = Exit::Ok;
    for report in &reports {
        if !report.rejected.is_empty() {
            exit = Exit::Rejected;
        }
        if !cli.json {
            for r in &report.rejected {
                eprintln!("rejected: {r}");
            }
            if !cli.quiet {
                println!(
                    "{}: {} offline evidence rows, {} new, {} already stored; {} rejected",
                    report.file.display(),
                    report.rows,
                    report.added,
                    report.already,
                    report.rejected.len()
                );
            }
        }
    }
    if cli.json {
        println!("{}", serde_json::to_string(&reports)?);
    }
    Ok(exit)
}

/// `--format`: an input format of earshot-ingest, named and described as the command line lists it.
#[derive(Debug, Clone, Copy)]
pub struct FormatArg(pub Format);

impl ValueEnum for FormatArg {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: std::sync::LazyLock<[FormatArg; Format::ALL.len()]> =
            std::sync::LazyLock::new(|| Format::ALL.map(FormatArg));
        &*ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let help = match self.0 {
            Format::Jsonl => "earshot's own JSON lines (docs/jsonl.md)",
            Format::Csv => "Posts from a CSV export, with --map",
            Format::Snap => "SNAP edge list: `src dst [weight]`",
            Format::Higgs => "Higgs activity: `userA userB unix_ts RT|MT|RE`",
            Format::Profiles => "Account profiles from CSV or JSON",
            Format::Cascades => {
                "Diffusion cascades (cascades.txt): `[id ]user ts,user ts,...` in adoption order; a post by \
                 the first adopter, reshared by each later one. An adoption whose time goes back (a \
                 truncated timestamp) is rejected; a cascade whose first adopter's time is bad or truncated \
                 is rejected whole. The social graph edges.txt beside a cascades.txt is imported too \
                 (--no-edges: not)"
            }
            Format::RetweetTree => {
                "Retweet trees (Twitter15/16 tree/<id>.txt), a file or a directory: `[parent user, tweet, \
                 delay]->[child user, tweet, delay]`, delays in minutes; the root a post, each child a \
                 reshare of it through its parent, at --root-time plus the delay"
            }
            Format::CascadeEdges => {
                "The social graph beside diffusion cascades (edges.txt): `a,b` a line, a follow of a by b \
                 (a influences b), undated; platform from the directory, as for cascades.txt"
            }
            Format::Reddit => {
                "Reddit submissions and comments as Pushshift dumped them (RS_/RC_ JSON lines): each \
                 a post named t3_ID or t1_ID answering its parent_id, by its author's @name, with a \
                 mention per u/name; platform `reddit`"
            }
            Format::Jetstream => {
                "Bluesky's Jetstream JSON lines: posts (replies, quotes, mentions), reposts, likes and \
                 follows by DID, handles from identity events, times from time_us; platform `bluesky`"
            }
            Format::MastodonOutbox => {
                "A Mastodon archive's outbox.json (ActivityStreams), streamed: each Create of a Note a post \
                 by its actor's URI (handle user@instance) replying to inReplyTo, with a mention per \
                 Mention tag; each Announce a reshare of its object; platform `mastodon`"
            }
            Format::BlueskyCar => {
                "A Bluesky repository export (CAR v1 of DAG-CBOR, as com.atproto.sync.getRepo and the \
                 app's data export give it), read once when the tree comes before the records (as \
                 @atproto/repo writes it), else twice: the owner's posts (replies, quotes, \
                 mentions), reposts, likes, follows and profile, each block checked against its CID; \
                 times from each record's createdAt; platform `bluesky`, keys the records' AT URIs as \
                 Jetstream's"
            }
            Format::MastodonArchive => {
                "A Mastodon account archive, unpacked (a folder): actor.json the owner (handle \
                 user@instance, bio, profile links), outbox.json as mastodon-outbox, likes.json a like of \
                 each status by its author, and following_accounts.csv beside them a follow of each \
                 address. Mastodon exports no followers; likes of non-Mastodon URIs name no author and \
                 are skipped with a warning"
            }
            Format::MastodonApi => {
                "Statuses from Mastodon's REST API (a JSON array or JSON lines of Status entities): each \
                 a post by its account (with its counts), boosts as reshares, quotes, mentions; ids are \
                 the ActivityPub URIs, as in an archive"
            }
            Format::XArchive => {
                "An X (Twitter) personal archive, unzipped (the folder or its data/): account.js the \
                 owner, tweets.js and its parts the owner's posts, replies and mentions, retweets as \
                 reshares, follower.js and following.js follows; like.js names no author, so likes are \
                 counted and skipped; platform `twitter`"
            }
            Format::XApi => {
                "X API v2 pages (one JSON page, or JSON lines of pages): data tweets with their \
                 replies, quotes, retweets and mentions, includes.users as accounts with their public \
                 metrics, includes.tweets as posts; platform `twitter`"
            }
            Format::Offline => {
                "Offline influence evidence, a CSV: person or account (with platform), source \
                 (publications, citations, talks, press, wikipedia_views, ...), amount, date, link; \
                 kept apart from the interactions, for the offline sub-score (`earshot offline`)"
            }
        };
        Some(clap::builder::PossibleValue::new(self.0.name()).help(help))
    }
}

/// `--time-unit`: a unit of earshot-ingest, named as the command line lists it.
#[derive(Debug, Clone, Copy)]
pub struct TimeUnitArg(pub TimeUnit);

impl ValueEnum for TimeUnitArg {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: std::sync::LazyLock<[TimeUnitArg; TimeUnit::ALL.len()]> =
            std::sync::LazyLock::new(|| TimeUnit::ALL.map(TimeUnitArg));
        &*ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.0.name()))
    }
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
        self.0
    }
}

impl From<EncodingArg> for Encoding {
    fn from(e: EncodingArg) -> Self {
        match e {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Latin1 => Encoding::Latin1,
        }
    }
}

impl From<DateOrderArg> for DateOrder {
    fn from(d: DateOrderArg) -> Self {
        match d {
            DateOrderArg::Mdy => DateOrder::Mdy,
            DateOrderArg::Dmy => DateOrder::Dmy,
        }
    }
}

/// An import's progress bar and its first rejections on stderr (neither with --quiet or --json).
pub(crate) struct Bar {
    /// A new bar per file.
    bar: std::cell::RefCell<Option<indicatif::ProgressBar>>,
    silent: bool,
    /// What the count is of: `records` (with their rate) for `import`, `messages` for `triage ingest`.
    counting: &'static str,
}

impl Bar {
    pub(crate) fn new(silent: bool, counting: &'static str) -> Self {
        Bar {
            bar: std::cell::RefCell::new(None),
            silent,
            counting,
        }
    }
}

impl ImportWatch for Bar {
    fn started(&self, bytes: u64) {
        *self.bar.borrow_mut() = Some(crate::progress::bytes_bar(bytes, self.silent));
    }

    fn progress(&self, bytes: u64, records: u64, seconds: f64) {
        if let Some(bar) = &*self.bar.borrow() {
            bar.set_position(bytes);
            bar.set_message(match self.counting {
                "records" => format!(
                    "{records} records, {:.0} records/s",
                    records as f64 / seconds.max(1e-9)
                ),
                what => format!("{records} {what}"),
            });
        }
    }

    fn rejected(&self, r: &earshot_ingest::Rejection) {
        if self.silent {
            return;
        }
        match &*self.bar.borrow() {
            Some(bar) => bar.suspend(|| eprintln!("rejected: {r}")),
            None => eprintln!("rejected: {r}"),
        }
    }

    fn finished(&self) {
        if let Some(bar) = self.bar.borrow_mut().take() {
            bar.finish_and_clear();
        }
    }
}

pub fn run(cli: &Ctx, args: &ImportArgs) -> Result<Exit> {
    if matches!(args.format, Some(FormatArg(Format::Offline))) {
        return run_offline(cli, args);
    }
    // Check everything the command line says before touching the database: a typo must not create one.
    let opts = options(args)?;
    let mut plan = Vec::new();
    for path in &args.files {
        let format = match args
            .format
            .map(FormatArg::format)
            .or_else(|| Format::from_file_name(path))
        {
            Some(f) => f,
            None => {
                return Err(UsageError(format!(
                    "{}: cannot tell the format from the name; pass --format ({})",
                    path.display(),
                    Format::ALL.map(Format::name).join(", ")
                ))
                .into())
            }
        };
        plan.push((path.to_path_buf(), format));
    }
    let plan = with_edges_beside(plan, args.no_edges, cli.quiet || cli.json);
    let plan: Vec<(&std::path::Path, Format)> =
        plan.iter().map(|(p, f)| (p.as_path(), *f)).collect();
    check_files(&plan, &opts)?;

    // A killed import's database is not indexed at open only to have its indexes set aside again.
    let mut store = earshot_store::Store::open_leaving_read_indexes(&cli.db)
        .with_context(|| format!("opening database {}", cli.db.display()))?;
    if !store.begin_bulk_mode()? && !cli.quiet {
        eprintln!(
            "note: another process has {} open (a running `earshot serve`?): importing beside it, slower than alone",
            cli.db.display()
        );
    }
    store.set_cache_mib(args.cache_mib)?;
    let deferred = prepare_bulk_import(&mut store, &plan)?;
    let outcome = import_all(cli, args, &opts, &plan, &mut store);
    if deferred {
        let spinner = crate::progress::spinner(cli.quiet || cli.json);
        spinner.set_message("building the indexes of posts and interactions");
        let built = finish_bulk_import(&mut store);
        spinner.finish_and_clear();
        // A failure here loses nothing: the next command that opens the database builds them. The
        // import's own error, if any, is the one to report.
        let built = built.context(
            "building the database's indexes after the import (the next command will retry)",
        );
        return match (outcome, built) {
            (Err(e), Err(b)) => {
                eprintln!("error: {b:#}");
                Err(e)
            }
            (Err(e), Ok(_)) => Err(e),
            (Ok(_), Err(b)) => Err(b),
            (Ok(exit), Ok(_)) => Ok(exit),
        };
    }
    outcome
}

/// Import every file of `plan` in turn, printing each one's report.
fn import_all(
    cli: &Ctx,
    args: &ImportArgs,
    opts: &earshot_ingest::Options,
    plan: &[(&std::path::Path, Format)],
    store: &mut earshot_store::Store,
) -> Result<Exit> {
    let mut rejects = RejectSink::new(args.rejects.clone(), args.show_rejects);
    let watch = Bar::new(cli.quiet || cli.json, "records");
    let mut reports: Vec<FileReport> = Vec::new();
    let mut exit = Exit::Ok;
    for (i, &(path, format)) in plan.iter().enumerate() {
        let job = FileImport {
            path,
            format,
            format_name: format.name(),
            batch_size: args.batch_size as usize,
            strict: args.strict,
            event_log: match args.event_log {
                EventLogArg::Segments => EventLog::Segments,
                EventLogArg::Posts => EventLog::Posts,
                EventLogArg::Sqlite => EventLog::Sqlite,
            },
            segment_rows: args.segment_rows as usize,
        };
        let report = match import_file(store, &job, opts, &mut rejects, &watch) {
            Ok(r) => r,
            Err(e) => {
                if cli.json {
                    // What was imported before the failure is committed: say so on stdout too.
                    println!("{}", serde_json::to_string_pretty(&reports)?);
                }
                return Err(e);
            }
        };
        if !cli.json && !cli.quiet {
            earshot_print::import::file(&mut std::io::stdout().lock(), &report)?;
        } else if !cli.json {
            // quiet: still say where the rejects went, since the exit code alone does not.
            if let Some(r) = &report.rejects_file {
                eprintln!(
                    "{}: {} records rejected, listed in {r}",
                    report.file, report.rejected
                );
            }
        }
        exit = exit.max(match report.status {
            ImportStatus::RolledBack => Exit::RolledBack,
            ImportStatus::Truncated => Exit::Error,
            ImportStatus::RejectedLines => Exit::Rejected,
            _ => Exit::Ok,
        });
        let stop = report.status == ImportStatus::RolledBack;
        reports.push(report);
        if stop {
            let skipped: Vec<String> = plan[i + 1..]
                .iter()
                .map(|(p, _)| p.display().to_string())
                .collect();
            if !skipped.is_empty() && !cli.json {
                eprintln!("--strict: stopped; not imported: {}", skipped.join(", "));
            }
            break;
        }
    }
    let silent = cli.quiet || cli.json;
    rejects.finish(&|n| {
        if !silent {
            eprintln!("{n}");
        }
    })?;
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    }
    Ok(exit)
}

/// The files to import, each benchmark `cascades.txt` followed by the social graph `edges.txt` beside it
/// (unless `no_edges`), with a note saying so unless `silent`: a new user importing a dataset gets its
/// cascades and its graph in one platform (the graph's platform, like the cascades', is the directory's
/// name). That graph listed as well, under `--format cascades`, is read as the graph it is, not as
/// cascades, and only once.
fn with_edges_beside(
    plan: Vec<(PathBuf, Format)>,
    no_edges: bool,
    silent: bool,
) -> Vec<(PathBuf, Format)> {
    if no_edges {
        return plan;
    }
    let graphs: Vec<(PathBuf, PathBuf)> = plan
        .iter()
        .filter(|(_, f)| *f == Format::Cascades)
        .filter_map(|(p, _)| Some((p.clone(), earshot_ingest::edges_beside(p)?)))
        .collect();
    let note = |edges: &std::path::Path, cascades: &std::path::Path| {
        if !silent {
            eprintln!(
                "note: {} is the social graph beside {}: imported as --format cascade-edges (--no-edges: not)",
                edges.display(),
                cascades.display()
            );
        }
    };
    let mut out: Vec<(PathBuf, Format)> = Vec::with_capacity(plan.len() + graphs.len());
    for (path, format) in plan {
        if format != Format::Cascades {
            out.push((path, format));
            continue;
        }
        if let Some((cascades, _)) = graphs.iter().find(|(_, e)| *e == path) {
            if !out.iter().any(|(p, _)| *p == path) {
                note(&path, cascades);
                out.push((path, Format::CascadeEdges));
            }
            continue;
        }
        let beside = graphs
            .iter()
            .find(|(c, _)| *c == path)
            .map(|(_, e)| e.clone());
        out.push((path, format));
        if let Some(edges) = beside.filter(|e| !out.iter().any(|(p, _)| p == e)) {
            note(&edges, &out[out.len() - 1].0);
            out.push((edges, Format::CascadeEdges));
        }
    }
    out
}

/// The ingest options the arguments ask for.
pub(crate) fn options(args: &ImportArgs) -> Result<Options> {
    let profiles = args.format.map(FormatArg::format) == Some(Format::Profiles);
    let cascades = args.format.map(FormatArg::format) == Some(Format::Cascades);
    if !cascades && args.time_unit.0 != TimeUnit::Seconds {
        return Err(UsageError("--time-unit is for --format cascades".into()).into());
    }
    let trees = args.format.map(FormatArg::format) == Some(Format::RetweetTree);
    let root_time = match args.root_time.as_deref() {
        None => RootTime::Zero,
        Some(_) if !trees => {
            return Err(UsageError("--root-time is for --format retweet-tree".into()).into())
        }
        Some("zero") => RootTime::Zero,
        Some("snowflake") => RootTime::Snowflake,
        Some(t) => RootTime::At(
            earshot_ingest::time::parse_time(t, args.date_order.into()).map_err(|e| {
                UsageError(format!(
                    "--root-time: {e} (expected zero, snowflake, or an instant such as 2015-01-01)"
                ))
            })?,
        ),
    };
    if !profiles && (args.label.is_some() || !args.label_value.is_empty()) {
        return Err(
            UsageError("--label and --label-value are for --format profiles".into()).into(),
        );
    }
    Ok(Options {
        platform: args.platform.clone(),
        source: args.source.clone(),
        kind: Some(
            args.kind
                .parse()
                .map_err(|e| UsageError(format!("--kind: {e}")))?,
        ),
        map: map_pairs(&args.map)?,
        encoding: args.encoding.into(),
        date_order: args.date_order.into(),
        max_line_bytes: args.max_line_bytes,
        undirected: args.undirected,
        header: match args.header {
            HeaderArg::Auto => None,
            HeaderArg::Yes => Some(true),
            HeaderArg::No => Some(false),
        },
        snap_columns: match &args.columns {
            Some(c) if !profiles => {
                Some(SnapColumn::parse_list(c).map_err(|e| UsageError(format!("--columns: {e}")))?)
            }
            _ => None,
        },
        profile_columns: match &args.columns {
            Some(c) if profiles => Some(c.split(',').map(|n| n.trim().to_string()).collect()),
            _ => None,
        },
        label: args.label.clone(),
        time_unit: args.time_unit.0,
        root_time,
        label_values: args
            .label_value
            .iter()
            .map(|pair| match pair.split_once('=') {
                Some((v, c)) if !v.trim().is_empty() => {
                    Ok((v.trim().to_string(), c.trim().to_string()))
                }
                _ => Err(UsageError(format!(
                    "--label-value {pair:?}: expected VALUE=CLASS, e.g. --label-value E13=human"
                ))),
            })
            .collect::<Result<_, _>>()?,
    })
}

/// `--map` as `(field, column)` pairs.
pub(crate) fn map_pairs(map: &[String]) -> Result<Vec<(String, String)>> {
    map.iter()
        .map(|pair| match pair.split_once('=') {
            Some((field, column)) => Ok((field.trim().to_string(), column.trim().to_string())),
            None => Err(UsageError(format!(
                "--map {pair:?}: expected FIELD=COLUMN, e.g. --map author=name,time=created_at"
            ))
            .into()),
        })
        .collect()
}
