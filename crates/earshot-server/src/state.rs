//! What every handler shares: the database (a pool of read connections and one writer), the keys, the
//! configuration and the engine for long work.

use crate::auth::KeyCache;
use crate::problem::{ApiError, ApiResult};
use crate::{Engine, ServerConfig};
use earshot_store::Store;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

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
    engine: Arc<dyn Engine>,
    /// Jobs allowed to run at once.
    running_jobs: Arc<Semaphore>,
}

impl AppState {
    /// Open the database (creating or migrating it) and load the keys.
    pub fn open(
        config: ServerConfig,
        engine: Arc<dyn Engine>,
    ) -> Result<Self, earshot_store::StoreError> {
        let writer = Store::open(&config.db)?;
        let keys = KeyCache::new(writer.api_keys()?);
        let running = config.max_running_jobs.max(1);
        Ok(AppState(Arc::new(Inner {
            readers: Mutex::new(Vec::new()),
            writer: Mutex::new(writer),
            keys,
            engine,
            running_jobs: Arc::new(Semaphore::new(running)),
            config,
        })))
    }

    pub fn config(&self) -> &ServerConfig {
        &self.0.config
    }

    pub fn keys(&self) -> &KeyCache {
        &self.0.keys
    }

    pub fn engine(&self) -> Arc<dyn Engine> {
        Arc::clone(&self.0.engine)
    }

    pub fn running_jobs(&self) -> Arc<Semaphore> {
        Arc::clone(&self.0.running_jobs)
    }

    /// Run `f` with a read connection on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> ApiResult<T> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let taken = state
                .0
                .readers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .pop();
            let store = match taken {
                Some(s) => s,
                None => Store::open_existing(&state.0.config.db)?,
            };
            let out = f(&store);
            let mut idle = state.0.readers.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < state.0.config.read_connections {
                idle.push(store);
            }
            out
        })
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

    /// Reload the key list from the database.
    pub async fn reload_keys(&self) -> ApiResult<()> {
        let keys = self.read(|s| Ok(s.api_keys()?)).await?;
        self.0.keys.replace(keys);
        Ok(())
    }
}
