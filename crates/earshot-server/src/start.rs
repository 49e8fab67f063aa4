//! Starting the server the way `earshot serve` does: its own runtime, the listening socket, the
//! database opened before the address is announced, and a graceful stop. Here rather than in the
//! binary so that the server's integration tests start exactly what the command starts, in process.

use crate::ServerConfig;
use anyhow::{Context, Result};
use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

/// Everything a server is started with, already checked: the command line turns its flags into this.
#[derive(Debug, Clone)]
pub struct Start {
    /// The address to listen on; port 0 takes any free port (announced once listening).
    pub listen: SocketAddr,
    /// Worker threads for requests; `None` is one per core.
    pub workers: Option<usize>,
    /// No warning on stderr when listening beyond this machine.
    pub quiet: bool,
    /// The database and the limits the application runs with.
    pub server: ServerConfig,
}

impl Start {
    /// `server` on `listen`, one worker per core, warnings on.
    pub fn new(listen: SocketAddr, server: ServerConfig) -> Self {
        Start {
            listen,
            workers: None,
            quiet: false,
            server,
        }
    }
}

/// Serve until `shutdown` completes, announcing the address on stdout as `earshot: listening on
/// http://ADDR` (flushed, so scripts and tests can find a port chosen with `:0`). Blocks the calling
/// thread; requests in flight finish before it returns.
pub fn run(start: Start, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
    run_announcing(start, shutdown, |addr| {
        println!("earshot: listening on http://{addr}");
        std::io::stdout().flush()
    })
}

/// [`run`], telling `announce` the address instead of printing it: for a caller in the same process
/// (tests, an embedding program) that needs the port it got. `announce` is called once the database
/// is open, so every request from then on can succeed; a database that cannot be opened is an error
/// before it.
pub fn run_announcing(
    start: Start,
    shutdown: impl Future<Output = ()> + Send + 'static,
    announce: impl FnOnce(SocketAddr) -> std::io::Result<()>,
) -> Result<()> {
    crate::memory::bound_process();
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    if let Some(w) = start.workers {
        rt.worker_threads(w.max(1));
    }
    let rt = rt
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let db = start.server.db.clone();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(start.listen)
            .await
            .with_context(|| format!("listening on {}", start.listen))?;
        let addr = listener.local_addr()?;
        let ready = crate::open(start.server)
            .await
            .with_context(|| format!("opening {}", db.display()))?;
        if !addr.ip().is_loopback() && !start.quiet {
            eprintln!("warning: listening on {addr}, beyond this machine; use TLS in front of it");
        }
        announce(addr)?;
        tracing::info!(%addr, db = %db.display(), "serving");
        ready
            .serve(listener, shutdown)
            .await
            .with_context(|| format!("serving {}", db.display()))?;
        tracing::info!("stopped");
        Ok::<_, anyhow::Error>(())
    })?;
    // A forecast or plan still computing has been marked failed; do not wait for its thread.
    rt.shutdown_timeout(Duration::from_secs(1));
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM: the stop `earshot serve` waits for.
pub async fn ctrl_c_or_term() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
