//! `earshot serve` (the HTTP API).

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::Result;
use clap::{Args, ValueEnum};
use earshot_app::error::UsageError;
use earshot_server::start::Start;
use earshot_server::ServerConfig;
use std::net::SocketAddr;
use std::time::Duration;

/// Serve the HTTP API over the database: account lookup, explanations, history, top lists, bulk
/// enrichment, event ingestion and background forecast and plan jobs. Every endpoint but /healthz needs
/// an API key (`earshot keys create`). The OpenAPI document is at /openapi.json and a reference page at
/// /docs (both need a key unless --public-docs).
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  earshot keys create --name crm --scope read      make a key (its token is printed once)
  earshot serve                                     listen on 127.0.0.1:8080
  earshot serve --listen 127.0.0.1:0                any free port (printed on start)
  curl -H \"Authorization: Bearer $KEY\" localhost:8080/v1/accounts/twitter/@united
  earshot serve --openapi > openapi.json            the API document, without serving

Logs are JSON lines on stderr, one per request; RUST_LOG=warn keeps only problems.
Stop with Ctrl-C or SIGTERM: requests in flight finish first.

Limits: silent, trickling and surplus connections are closed (--idle-timeout-secs,
--header-timeout-secs, --max-connections); a body must arrive within --body-timeout-secs and,
decompressed, within --max-body-mib; a key may have --writes-per-key writes in progress and
--jobs-per-key jobs waiting. Jobs are visible only to the key that started them (and admin keys).")]
pub struct ServeArgs {
    /// Address to listen on. The default is loopback only; binding elsewhere exposes the API to the
    /// network (keys still apply, but traffic is plain HTTP: put TLS in front).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    pub listen: SocketAddr,
    /// Largest request body accepted, in MiB. For `POST /v1/events` it counts the body after
    /// decompression: a gzip body may not inflate past it (413, nothing stored).
    #[arg(long, default_value_t = 8, value_name = "MIB")]
    pub max_body_mib: usize,
    /// Seconds a request's headers may take to arrive once their first byte has: a header trickled
    /// slower is dropped with its connection.
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    pub header_timeout_secs: u64,
    /// Seconds a request's body may take to arrive in full after its headers (408 beyond it). A
    /// client sending --max-body-mib needs that many MiB in this time.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub body_timeout_secs: u64,
    /// Seconds a connection with no request in progress may stay silent before it is closed (a new
    /// connection that sends nothing, or a kept-alive one between requests).
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    pub idle_timeout_secs: u64,
    /// Connections held open at once. At the cap, a new connection closes the one idle the longest
    /// (so /healthz and real clients still get in); when all are in a request, new ones wait. Keep it
    /// well under the open-file limit (`ulimit -n`): the database uses descriptors too.
    #[arg(long, default_value_t = 512, value_name = "N")]
    pub max_connections: usize,
    /// Writes (event and triage POSTs) one key may have in progress at once; one more is 429 with
    /// Retry-After. Writes take turns at the database anyway.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub writes_per_key: usize,
    /// Background jobs one key may have queued or running at once, of the 16 the server queues; one
    /// more is 429. The default, half, keeps one client from filling the queue.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub jobs_per_key: usize,
    /// Background jobs (forecast, plan) that may run at once.
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// Worker threads for requests (default: one per core).
    #[arg(long)]
    pub workers: Option<usize>,
    /// Serve /openapi.json and /docs without a key.
    #[arg(long)]
    pub public_docs: bool,
    /// Triage: every customer message is due within this of arrival, whoever wrote it (`24h`, `90m`,
    /// `2d`). Urgency and influence only bring a message earlier.
    #[arg(long, default_value = "24h", value_name = "DURATION")]
    pub triage_floor: String,
    /// Triage: no message is ever due sooner than this after arrival.
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub triage_min_window: String,
    /// Print the OpenAPI document and exit.
    #[arg(long)]
    pub openapi: bool,
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Json)]
    pub log_format: LogFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Text,
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => {
            use std::io::IsTerminal;
            builder
                .with_ansi(std::io::stderr().is_terminal())
                .try_init()
        }
    };
}

pub fn run_serve(cli: &Ctx, args: &ServeArgs) -> Result<Exit> {
    if args.openapi {
        println!("{}", earshot_server::openapi_json());
        return Ok(Exit::Ok);
    }
    if args.max_body_mib == 0 || args.max_body_mib > 1024 {
        return Err(UsageError("--max-body-mib must be 1–1024".into()).into());
    }
    let secs = |flag: &str, v: u64| {
        if (1..=3600).contains(&v) {
            Ok(Duration::from_secs(v))
        } else {
            Err(UsageError(format!(
                "{flag} must be 1–3600 seconds, not {v}"
            )))
        }
    };
    let count = |flag: &str, v: usize, max: usize| {
        if (1..=max).contains(&v) {
            Ok(v)
        } else {
            Err(UsageError(format!("{flag} must be 1–{max}, not {v}")))
        }
    };
    init_logs(args.log_format);
    let mut config = ServerConfig::new(cli.db.clone());
    config.max_body_bytes = args.max_body_mib << 20;
    config.header_timeout = secs("--header-timeout-secs", args.header_timeout_secs)?;
    config.body_timeout = secs("--body-timeout-secs", args.body_timeout_secs)?;
    config.idle_timeout = secs("--idle-timeout-secs", args.idle_timeout_secs)?;
    config.max_connections = count("--max-connections", args.max_connections, 1 << 20)?;
    config.writes_per_key = count("--writes-per-key", args.writes_per_key, 1024)?;
    config.jobs_per_key = count(
        "--jobs-per-key",
        args.jobs_per_key,
        earshot_server::routes::jobs::MAX_WAITING_JOBS,
    )?;
    config.max_running_jobs = args.jobs.max(1);
    config.public_docs = args.public_docs;
    let duration = |flag: &str, v: &str| {
        earshot_triage::parse_duration(v).map_err(|e| UsageError(format!("{flag}: {e}")))
    };
    config.triage_policy = earshot_triage::Policy {
        floor_secs: duration("--triage-floor", &args.triage_floor)?,
        min_window_secs: duration("--triage-min-window", &args.triage_min_window)?,
        ..earshot_triage::Policy::default()
    };
    config
        .triage_policy
        .validate()
        .map_err(|e| UsageError(format!("the triage policy: {e}")))?;
    let start = Start {
        listen: args.listen,
        workers: args.workers,
        quiet: cli.quiet,
        server: config,
    };
    earshot_server::start::run(start, earshot_server::start::ctrl_c_or_term())?;
    Ok(Exit::Ok)
}
