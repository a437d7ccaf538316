//! The connection to Redis, its health, and getting it back.
//!
//! Every shared operation goes through [`Link::call`]. While Redis answers, calls go out on one multiplexed
//! connection. When a call finds Redis gone, the link says so once, stops sending (later calls fail at once with
//! [`ClusterError::Unavailable`], so no event waits on a dead server), and one task reconnects under the retry
//! policy; when it succeeds the link says so once and calls flow again.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, RedisError};
use tokio::sync::watch;

use super::ClusterError;
use crate::retry::RetryPolicy;

/// One Redis server, shared by every cluster operation of this process.
pub(crate) struct Link {
    client: redis::Client,
    conn: RwLock<Option<MultiplexedConnection>>,
    up: AtomicBool,
    reconnecting: AtomicBool,
    timeout: Duration,
    retry: RetryPolicy,
    /// Bumped each time the link comes back, so subscribers know to read again what they may have missed.
    comebacks: watch::Sender<u64>,
    round_trips: AtomicU64,
    url_for_logs: String,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link").field("redis", &self.url_for_logs).field("up", &self.is_up()).finish_non_exhaustive()
    }
}

/// Whether an error means the server or the connection is gone (rather than a refused command).
fn is_connection_error(e: &RedisError) -> bool {
    e.is_io_error()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || e.is_timeout()
        || e.is_unrecoverable_error()
}

impl Link {
    pub(crate) fn new(
        url: &str,
        url_for_logs: String,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Result<Link, ClusterError> {
        let client = redis::Client::open(url).map_err(|e| {
            ClusterError::Config(format!(
                "[cluster] redis is not a valid URL ({e}); write it like redis://127.0.0.1:6379/0"
            ))
        })?;
        Ok(Link {
            client,
            conn: RwLock::new(None),
            up: AtomicBool::new(false),
            reconnecting: AtomicBool::new(false),
            timeout,
            retry,
            comebacks: watch::channel(0).0,
            round_trips: AtomicU64::new(0),
            url_for_logs,
        })
    }

    pub(crate) fn client(&self) -> &redis::Client {
        &self.client
    }

    pub(crate) fn is_up(&self) -> bool {
        self.up.load(Ordering::Acquire)
    }

    pub(crate) fn round_trips(&self) -> u64 {
        self.round_trips.load(Ordering::Relaxed)
    }

    pub(crate) fn comebacks(&self) -> watch::Receiver<u64> {
        self.comebacks.subscribe()
    }

    fn config(&self) -> AsyncConnectionConfig {
        AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeout.max(Duration::from_millis(200))))
            .set_response_timeout(Some(self.timeout))
    }

    async fn open(&self) -> Result<MultiplexedConnection, RedisError> {
        let mut conn = self.client.get_multiplexed_async_connection_with_config(&self.config()).await?;
        redis::cmd("PING").query_async::<()>(&mut conn).await?;
        Ok(conn)
    }

    /// The first connection, at start-up: `Err` when Redis cannot be reached or refuses us.
    pub(crate) async fn connect(&self) -> Result<(), RedisError> {
        let conn = self.open().await?;
        *self.conn.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(conn);
        self.up.store(true, Ordering::Release);
        Ok(())
    }

    /// Runs one command (or script, or pipeline) on the shared connection: one round trip.
    pub(crate) async fn call<T, F, Fut>(self: &Arc<Self>, f: F) -> Result<T, ClusterError>
    where
        F: FnOnce(MultiplexedConnection) -> Fut,
        Fut: Future<Output = Result<T, RedisError>>,
    {
        if !self.is_up() {
            return Err(ClusterError::Unavailable);
        }
        let Some(conn) = self.conn.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone() else {
            return Err(ClusterError::Unavailable);
        };
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        match tokio::time::timeout(self.timeout, f(conn)).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) if !is_connection_error(&e) => Err(ClusterError::Redis(e.to_string())),
            Ok(Err(e)) => {
                self.lost(&e.to_string());
                Err(ClusterError::Unavailable)
            }
            Err(_) => {
                self.lost(&format!("no answer within {:?}", self.timeout));
                Err(ClusterError::Unavailable)
            }
        }
    }

    /// Marks the link down (saying so once) and starts getting it back.
    pub(crate) fn lost(self: &Arc<Self>, why: &str) {
        if self.up.swap(false, Ordering::AcqRel) {
            tracing::warn!(
                target: "qqbot::cluster",
                "Redis lost ({why}): each instance now handles the events it receives on its own (duplicates \
                 are possible until Redis is back); reconnecting to {}",
                self.url_for_logs
            );
        }
        self.reconnect_in_background();
    }

    /// Starts the one task that reconnects (nothing if it is already running).
    pub(crate) fn reconnect_in_background(self: &Arc<Self>) {
        if self.reconnecting.swap(true, Ordering::AcqRel) {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            let mut attempt = 0u32;
            loop {
                attempt = attempt.saturating_add(1);
                let Some(wait) = this.retry.next_wait(attempt, started.elapsed()) else {
                    tracing::error!(
                        target: "qqbot::cluster",
                        "gave up reconnecting to Redis {} after {attempt} attempts ([cluster.retry_config]); this \
                         instance goes on alone until it restarts",
                        this.url_for_logs
                    );
                    return;
                };
                tokio::time::sleep(wait).await;
                match this.open().await {
                    Ok(conn) => {
                        *this.conn.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(conn);
                        this.up.store(true, Ordering::Release);
                        this.reconnecting.store(false, Ordering::Release);
                        tracing::info!(
                            target: "qqbot::cluster",
                            "Redis is back ({}): shared de-duplication, conversations and limits resume",
                            this.url_for_logs
                        );
                        this.comebacks.send_modify(|n| *n += 1);
                        return;
                    }
                    Err(e) => tracing::debug!(target: "qqbot::cluster", attempt, "Redis still unreachable: {e}"),
                }
            }
        });
    }
}
