//! What every handler shares: the database (a pool of read connections and one writer), the keys, the
//! configuration and the slots for background jobs.

use crate::keyring::KeyCache;
use crate::problem::{ApiError, ApiResult};
use crate::sessions::Sessions;
use crate::ServerConfig;
use earshot_store::{ScoreRun, Store, TopicInfo};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a read waits for a lock before answering 503 (see [`AppState::read_now`]).
const READ_BUSY_TIMEOUT: Duration = Duration::from_millis(250);
/// How long a write waits for the write lock, which an import beside the server takes batch by batch.
const WRITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Each of the server's connections keeps a small page cache of its own, and none maps the file
/// ([`crate::memory::bound_process`]; a job's connection gets [`crate::memory::JOB_CACHE_MIB`]), so that the server's
/// resident memory is bounded by its configuration whatever it is asked: about `read_connections` ×
/// [`READER_CACHE_MIB`] + [`WRITER_CACHE_MIB`] + the running jobs' working sets. The pages read most
/// stay in the kernel's page cache, shared with every other process on the file (an import, a score
/// run); a lookup touches a handful of them.
const READER_CACHE_MIB: u32 = 2;
/// The writer's cache holds the index pages an ingest batch touches.
const WRITER_CACHE_MIB: u32 = 32;

/// `store` with a page cache of `cache_mib`.
fn bounded(mut store: Store, cache_mib: u32) -> earshot_store::Result<Store> {
    store.set_cache_mib(cache_mib)?;
    Ok(store)
}

/// Cheap to clone: everything is behind one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    config: ServerConfig,
    /// Idle read connections. SQLite in WAL mode lets them read while the writer writes.
    readers: Mutex<Vec<Store>>,
    /// The one connection that writes, so writes queue here rather than on SQLite's busy lock.
    writer: Mutex<Store>,
    keys: KeyCache,
    /// The dashboard's sign-ins.
    sessions: Sessions,
    /// Jobs allowed to run at once.
    running_jobs: Arc<Semaphore>,
    /// The latest score run and its topics, read once per run rather than once per lookup.
    latest_run: RwLock<Option<Arc<RunInfo>>>,
}

/// A score run as lookups need it (without its model text).
#[derive(Debug)]
pub struct RunInfo {
    pub run: ScoreRun,
    pub topics: Vec<TopicInfo>,
}

impl AppState {
    /// Open the database (creating or migrating it) and load the keys.
    pub fn open(config: ServerConfig) -> Result<Self, crate::ServeError> {
        let writer = Store::open_waiting(&config.db, WRITE_BUSY_TIMEOUT)
            .and_then(|w| bounded(w, WRITER_CACHE_MIB))
            .map_err(|e| {
                if e.is_busy() {
                    crate::ServeError::Busy(config.db.clone())
                } else {
                    e.into()
                }
            })?;
        let keys = KeyCache::new(writer.api_keys().map_err(crate::ServeError::Store)?);
        let running = config.max_running_jobs.max(1);
        Ok(AppState(Arc::new(Inner {
            readers: Mutex::new(Vec::new()),
            writer: Mutex::new(writer),
            keys,
            sessions: Sessions::default(),
            running_jobs: Arc::new(Semaphore::new(running)),
            latest_run: RwLock::new(None),
            config,
        })))
    }

    pub fn config(&self) -> &ServerConfig {
        &self.0.config
    }

    pub fn keys(&self) -> &KeyCache {
        &self.0.keys
    }

    pub fn sessions(&self) -> &Sessions {
        &self.0.sessions
    }

    pub fn running_jobs(&self) -> Arc<Semaphore> {
        Arc::clone(&self.0.running_jobs)
    }

    /// The latest score run (cached until a newer one appears), or `None` before any run.
    pub fn latest_run(&self, store: &Store) -> ApiResult<Option<Arc<RunInfo>>> {
        let Some(id) = store.latest_run_id()? else {
            return Ok(None);
        };
        if let Some(r) = self
            .0
            .latest_run
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            if r.run.id == id {
                return Ok(Some(Arc::clone(r)));
            }
        }
        let Some(mut run) = store.score_run(Some(id))? else {
            return Ok(None);
        };
        run.model_json = String::new();
        let info = Arc::new(RunInfo {
            topics: store.run_topics(id)?,
            run,
        });
        *self.0.latest_run.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&info));
        Ok(Some(info))
    }

    fn take_reader(&self) -> ApiResult<Store> {
        let taken = self
            .0
            .readers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop();
        match taken {
            Some(s) => Ok(s),
            None => {
                // Readers never wait on writers in WAL mode; they wait only when another process
                // holds the database exclusively, and then a quick 503 beats a stalled worker.
                Ok(bounded(
                    Store::open_existing_waiting(&self.0.config.db, READ_BUSY_TIMEOUT)?,
                    READER_CACHE_MIB,
                )?)
            }
        }
    }

    fn give_back(&self, store: Store) {
        let mut idle = self.0.readers.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < self.0.config.read_connections {
            idle.push(store);
        }
    }

    /// Run a short read (a few indexed lookups, microseconds) right here on the async worker: for
    /// the hottest endpoints a hop to the blocking pool costs more than the query.
    pub fn read_now<T>(&self, f: impl FnOnce(&Store) -> ApiResult<T>) -> ApiResult<T> {
        let store = self.take_reader()?;
        let out = f(&store);
        self.give_back(store);
        out
    }

    /// Run `f` with a read connection on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> ApiResult<T> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.read_now(f))
            .await
            .map_err(ApiError::internal)?
    }

    /// Run `f` with the writer on the blocking pool; writers take turns.
    pub async fn write<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> ApiResult<T> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut w = state.0.writer.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut w)
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// [`AppState::write`] for code already on a blocking thread (a running job).
    pub fn write_blocking<T>(&self, f: impl FnOnce(&mut Store) -> ApiResult<T>) -> ApiResult<T> {
        let mut w = self.0.writer.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut w)
    }

    /// [`AppState::write_blocking`] only if the writer is free at once; `None` when it is busy.
    /// For progress reports, which come from inside a job's parallel work: a rayon worker must never
    /// wait for the writer, since the writer's holder may be waiting for that very worker (triage
    /// decides its batch in parallel while it holds the writer).
    pub fn try_write_blocking<T>(
        &self,
        f: impl FnOnce(&mut Store) -> ApiResult<T>,
    ) -> Option<ApiResult<T>> {
        let mut w = match self.0.writer.try_lock() {
            Ok(w) => w,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        Some(f(&mut w))
    }

    /// Reload the key list from the database.
    pub async fn reload_keys(&self) -> ApiResult<()> {
        let keys = self.read(|s| Ok(s.api_keys()?)).await?;
        self.0.keys.replace(keys);
        Ok(())
    }
}
