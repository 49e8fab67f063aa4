//! The connections the server holds, and how long it holds them: its own accept loop on hyper, so
//! that no client can keep a socket (and a file descriptor) by saying nothing or saying it slowly.
//!
//! - **Idle**: a connection with no request in progress that receives nothing for `idle_timeout` is
//!   closed: a new one that never sends, and a kept-alive one between requests.
//! - **Headers**: once a request's first byte has arrived, its headers must be complete within
//!   `header_timeout`, or the connection is closed (a trickled header).
//! - **Bodies**: a request's body must arrive in full within `body_timeout` of its headers
//!   ([`crate::deadline`]); the handler answers 408.
//! - **Cap**: at most `max_connections` are held. At the cap a new connection closes the one that has
//!   waited longest without a request in progress, so silent or trickling connections cannot crowd
//!   out `/healthz` or anyone else; when every connection is in a request, new ones wait in the
//!   kernel's backlog (no descriptor is spent on them) until one is free.
//! - **Stop**: connections without a request in progress close at once; those in one finish it.
//!
//! A connection is "in a request" from its complete headers until its response body is dropped.

use crate::deadline::DeadlineBody;
use crate::problem::ApiError;
use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::{pin, Pin};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::time::Instant;
use tower::ServiceExt;

/// How long connections and requests may take, and how many connections are held.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

/// Where one connection is.
#[derive(Debug)]
struct Phase {
    /// Requests in progress (0 or 1 on HTTP/1.1).
    busy: u32,
    /// Since when the connection has had no request in progress (accepted, or last response done).
    ready_since: Instant,
    /// The first byte of the next request, while its headers are incomplete.
    header_started: Option<Instant>,
    /// To be closed now (by the cap or the stop); no new request may begin.
    evicted: bool,
    /// The server is stopping: finish the request in progress, then close.
    draining: bool,
    /// `draining` has been passed on to the connection.
    drain_told: bool,
}

/// One connection's shared state: its phase, and a bell rung whenever the phase changes in a way
/// its watcher must see.
struct Conn {
    phase: Mutex<Phase>,
    bell: Notify,
}

/// Why a connection's watcher stopped watching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Close now: idle, a trickled header, or evicted by the cap or the stop.
    Close(&'static str),
    /// Finish the request in progress, then close.
    Drain,
}

impl Conn {
    fn new() -> Self {
        Conn {
            phase: Mutex::new(Phase {
                busy: 0,
                ready_since: Instant::now(),
                header_started: None,
                evicted: false,
                draining: false,
                drain_told: false,
            }),
            bell: Notify::new(),
        }
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Bytes arrived: the first of a new request starts its header clock, which may end before the
    /// idle clock its watcher is sleeping on, so the watcher is woken.
    fn saw_bytes(&self) {
        let mut p = self.phase();
        if p.busy == 0 && p.header_started.is_none() {
            p.header_started = Some(Instant::now());
            drop(p);
            self.bell.notify_one();
        }
    }

    /// A request's headers are complete; `None` when the connection is being closed.
    fn begin_request(self: &Arc<Self>, table: &Arc<Table>) -> Option<InRequest> {
        let mut p = self.phase();
        if p.evicted {
            return None;
        }
        p.busy += 1;
        p.header_started = None;
        Some(InRequest {
            conn: Arc::clone(self),
            table: Arc::clone(table),
        })
    }

    /// Wait until the connection must close or drain.
    async fn watch(&self, limits: &Limits) -> Verdict {
        loop {
            let rung = self.bell.notified();
            let deadline = {
                let mut p = self.phase();
                if p.evicted {
                    return Verdict::Close("closed for another connection or the stop");
                }
                if p.draining && !p.drain_told {
                    p.drain_told = true;
                    return Verdict::Drain;
                }
                if p.busy > 0 {
                    None
                } else {
                    let (deadline, why) = match p.header_started {
                        Some(t) => (t + limits.header_timeout, "headers not complete in time"),
                        None => (p.ready_since + limits.idle_timeout, "idle"),
                    };
                    if Instant::now() >= deadline {
                        return Verdict::Close(why);
                    }
                    Some(deadline)
                }
            };
            match deadline {
                Some(d) => {
                    tokio::select! {
                        _ = rung => {}
                        _ = tokio::time::sleep_until(d) => {}
                    }
                }
                None => rung.await,
            }
        }
    }
}

/// Held while a request is in progress: dropped with its response body.
struct InRequest {
    conn: Arc<Conn>,
    table: Arc<Table>,
}

impl Drop for InRequest {
    fn drop(&mut self) {
        {
            let mut p = self.conn.phase();
            p.busy = p.busy.saturating_sub(1);
            if p.busy == 0 {
                p.ready_since = Instant::now();
            }
        }
        self.conn.bell.notify_one();
        // The connection may now be closed to make room.
        self.table.room.notify_one();
    }
}

/// Every connection held, and a bell for the accept loop when one ends or goes idle.
struct Table {
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
    room: Notify,
}

impl Table {
    fn conns(&self) -> MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        self.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Connections held and not being closed.
    fn live(&self) -> usize {
        self.conns().values().filter(|c| !c.phase().evicted).count()
    }

    /// Close the connection that has waited longest with no request in progress; false if every
    /// connection is in a request.
    fn evict_longest_idle(&self) -> bool {
        let conns = self.conns();
        let mut oldest: Option<(Instant, &Arc<Conn>)> = None;
        for c in conns.values() {
            let p = c.phase();
            if p.busy == 0 && !p.evicted && oldest.is_none_or(|(t, _)| p.ready_since < t) {
                oldest = Some((p.ready_since, c));
            }
        }
        let Some((_, c)) = oldest else {
            return false;
        };
        c.phase().evicted = true;
        c.bell.notify_one();
        true
    }

    /// The stop: close connections with no request in progress, and let the others finish theirs.
    fn drain_all(&self) {
        for c in self.conns().values() {
            let mut p = c.phase();
            if p.busy == 0 {
                p.evicted = true;
            } else {
                p.draining = true;
            }
            drop(p);
            c.bell.notify_one();
        }
    }

    fn remove(&self, id: u64) {
        self.conns().remove(&id);
        self.room.notify_one();
    }
}

/// Serve `router` on `listener` under `limits` until `shutdown` completes; then stop accepting, close
/// idle connections, and return once the requests in progress are answered.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let table = Arc::new(Table {
        conns: Mutex::new(HashMap::new()),
        room: Notify::new(),
    });
    let mut shutdown = pin!(shutdown);
    let mut next_id = 0u64;
    'accepting: loop {
        // Make room before accepting, so the cap holds for descriptors too.
        loop {
            let room = table.room.notified();
            if table.live() < limits.max_connections.max(1) || table.evict_longest_idle() {
                break;
            }
            tokio::select! {
                _ = room => {}
                _ = &mut shutdown => break 'accepting,
            }
        }
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors, say: back off rather than spin; the connections already
                    // held keep being served and their timeouts free descriptors.
                    tracing::warn!(error = %e, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        next_id += 1;
        let conn = Arc::new(Conn::new());
        table.conns().insert(next_id, Arc::clone(&conn));
        tokio::spawn(run_connection(
            next_id,
            stream,
            conn,
            Arc::clone(&table),
            router.clone(),
            limits,
        ));
    }
    table.drain_all();
    loop {
        let room = table.room.notified();
        if table.conns().is_empty() {
            break;
        }
        room.await;
    }
}

/// Serve one connection until it ends, its watcher closes it, or the stop drains it.
async fn run_connection(
    id: u64,
    stream: TcpStream,
    conn: Arc<Conn>,
    table: Arc<Table>,
    router: Router,
    limits: Limits,
) {
    let io = TokioIo::new(Watched {
        inner: stream,
        conn: Arc::clone(&conn),
    });
    let service = {
        let conn = Arc::clone(&conn);
        let table = Arc::clone(&table);
        hyper::service::service_fn(move |req: Request<Incoming>| {
            let in_request = conn.begin_request(&table);
            let router = router.clone();
            async move { Ok::<_, Infallible>(answer(router, req, in_request, limits).await) }
        })
    };
    let connection = hyper::server::conn::http1::Builder::new().serve_connection(io, service);
    let mut connection = pin!(connection);
    loop {
        tokio::select! {
            ended = connection.as_mut() => {
                if let Err(e) = ended {
                    tracing::debug!(connection = id, error = %e, "connection ended");
                }
                break;
            }
            verdict = conn.watch(&limits) => match verdict {
                Verdict::Drain => connection.as_mut().graceful_shutdown(),
                Verdict::Close(why) => {
                    tracing::debug!(connection = id, why, "closing connection");
                    break;
                }
            },
        }
    }
    table.remove(id);
}

/// Answer one request: its body under the deadline, and the connection in a request until the
/// response body is dropped.
async fn answer(
    router: Router,
    req: Request<Incoming>,
    in_request: Option<InRequest>,
    limits: Limits,
) -> Response<Body> {
    let Some(in_request) = in_request else {
        // Closed for another connection or the stop just as this request arrived.
        let mut e = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is closing this connection; send the request again",
        );
        e.retry_after = Some(1);
        let mut resp = e.into_response();
        resp.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return resp;
    };
    let req = req.map(|b| Body::new(DeadlineBody::new(b, limits.body_timeout)));
    let resp = match router.oneshot(req).await {
        Ok(resp) => resp,
        Err(never) => match never {},
    };
    resp.map(move |body| {
        Body::new(body.map_frame(move |frame| {
            // Owned here so that the connection counts as in a request until the body is dropped.
            let _ = &in_request;
            frame
        }))
    })
}

/// The socket, telling its connection when bytes arrive.
struct Watched {
    inner: TcpStream,
    conn: Arc<Conn>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.conn.saw_bytes();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
