//! `earshot serve` (the HTTP API).

use crate::ctx::Ctx;
use crate::exit::Exit;
use anyhow::Result;
use clap::{Args, ValueEnum};
use earshot_app::error::UsageError;
use earshot_server::start::Start;
use earshot_server::ServerConfig;
use std::net::SocketAddr;

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
Stop with Ctrl-C or SIGTERM: requests in flight finish first.")]
pub struct ServeArgs {
    /// Address to listen on. The default is loopback only; binding elsewhere exposes the API to the
    /// network (keys still apply, but traffic is plain HTTP: put TLS in front).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    pub listen: SocketAddr,
    /// Largest request body accepted, in MiB.
    #[arg(long, default_value_t = 8, value_name = "MIB")]
    pub max_body_mib: usize,
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
    init_logs(args.log_format);
    let mut config = ServerConfig::new(cli.db.clone());
    config.max_body_bytes = args.max_body_mib << 20;
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
