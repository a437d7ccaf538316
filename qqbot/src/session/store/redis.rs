//! Sessions in Redis: several bot processes (several accounts, or the shards of one official bot) share them.
//!
//! Layout, under a configurable prefix (`qqbot` by default):
//!
//! - `{prefix}:session:{scope}:{identify}:{key}` — a hash: `r` the record as JSON, `v` a version token that
//!   changes on every write. Identify and key are %-escaped so `:` and glob characters cannot collide.
//! - `{prefix}:session-deadlines` — a sorted set of the record keys of ACTIVE sessions with a timeout, scored
//!   by the moment they time out, so the collector finds due sessions without scanning.
//!
//! Every write is a compare-and-set Lua script on the version token: a writer that lost a race reads again and
//! retries, so two processes updating one session at once never lose an update. Ended sessions are removed by
//! Redis itself (a TTL of their `inactive_gc_timeout`); sessions that may time out carry a TTL a little past
//! their removal time as a safety net for when no bot process is running.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, Script};
use tokio::sync::OnceCell;

use super::{Change, Modify, SessionStore, StoreFuture};
use crate::session::error::SessionError;
use crate::session::record::SessionRecord;
use crate::session::scope::{Scope, SessionFilter, SessionId};

const BACKEND: &str = "redis";
/// How long a session that may time out outlives its removal time when no process collects it.
const SAFETY_TTL_MS: u64 = 60_000;
const MAX_ATTEMPTS: u32 = 1_000;

const CAS: &str = r"
local v = redis.call('HGET', KEYS[1], 'v')
if v == false then v = '' end
if v ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'v', ARGV[5], 'r', ARGV[2])
if ARGV[4] == '' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
if ARGV[3] == '' then redis.call('ZREM', KEYS[2], KEYS[1]) else redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1]) end
return 1
";

const DUE: &str = r"
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local out = {}
for _, k in ipairs(ids) do
  if redis.call('EXISTS', k) == 1 then table.insert(out, k) else redis.call('ZREM', KEYS[1], k) end
end
return out
";

/// Sessions in a Redis server, shared by every process that uses the same server and prefix.
pub struct RedisStore {
    client: redis::Client,
    conn: OnceCell<ConnectionManager>,
    prefix: String,
    index: String,
    cas: Script,
    due: Script,
    writer: String,
    writes: AtomicU64,
}

impl std::fmt::Debug for RedisStore {
    // The URL may hold a password: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

fn redis_err(e: impl std::fmt::Display) -> SessionError {
    SessionError::backend(BACKEND, e)
}

/// Whether the server refused the credentials (a wrong password, a password the server does not expect, an
/// unknown user).
fn is_auth_error(e: &redis::RedisError) -> bool {
    let text = e.to_string();
    e.kind() == redis::ErrorKind::AuthenticationFailed
        || ["WRONGPASS", "NOAUTH", "AUTH", "invalid password", "invalid username-password"]
            .iter()
            .any(|w| text.contains(w))
}

impl RedisStore {
    /// A store on the server at `url` (`redis://127.0.0.1:6379/0`, `redis://:password@host/2`, `rediss://…` is
    /// not supported), keys under `prefix`. Connects on first use and reconnects by itself.
    pub fn new(url: &str, prefix: &str) -> Result<Self, SessionError> {
        if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || "_-.:".contains(c)) {
            return Err(SessionError::backend(
                BACKEND,
                format!("the key prefix `{prefix}` must be non-empty ASCII letters, digits, `_`, `-`, `.` or `:`"),
            ));
        }
        let client = redis::Client::open(url).map_err(|e| {
            SessionError::backend(
                BACKEND,
                format!("the URL is not valid ({e}); write it like redis://127.0.0.1:6379/0"),
            )
        })?;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        Ok(RedisStore {
            client,
            conn: OnceCell::new(),
            prefix: prefix.to_owned(),
            index: format!("{prefix}:session-deadlines"),
            cas: Script::new(CAS),
            due: Script::new(DUE),
            writer: format!("{:x}.{:x}", std::process::id(), nanos),
            writes: AtomicU64::new(0),
        })
    }

    async fn conn(&self) -> Result<ConnectionManager, SessionError> {
        self.conn
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(Duration::from_secs(5)))
                    .set_response_timeout(Some(Duration::from_secs(5)));
                ConnectionManager::new_with_config(self.client.clone(), config).await.map_err(|e| {
                    SessionError::backend(
                        BACKEND,
                        format!("cannot connect ({e}); is redis-server running at [session] url?"),
                    )
                })
            })
            .await
            .cloned()
    }

    fn record_key(&self, id: &SessionId) -> String {
        format!("{}:session:{}:{}:{}", self.prefix, id.scope.name(), escape(&id.identify), escape(&id.key))
    }

    fn parse_key(&self, key: &str) -> Option<SessionId> {
        let rest = key.strip_prefix(&self.prefix)?.strip_prefix(":session:")?;
        let mut parts = rest.split(':');
        let (scope, identify, k) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        Some(SessionId::new(Scope::parse(scope)?, unescape(identify)?, unescape(k)?))
    }

    fn pattern(&self, filter: &SessionFilter) -> String {
        let part = |p: Option<String>| p.map_or_else(|| "*".to_owned(), |s| escape(&s));
        format!(
            "{}:session:{}:{}:{}",
            self.prefix,
            filter.scope.map_or("*", Scope::name),
            part(filter.identify.clone()),
            part(filter.key.clone())
        )
    }

    async fn read(
        &self,
        con: &mut ConnectionManager,
        key: &str,
        id: &SessionId,
    ) -> Result<(String, Option<SessionRecord>), SessionError> {
        let (version, json): (Option<String>, Option<String>) =
            redis::cmd("HMGET").arg(key).arg("v").arg("r").query_async(con).await.map_err(redis_err)?;
        let record = json.map(|j| SessionRecord::from_json(&j, id)).transpose()?;
        Ok((version.unwrap_or_default(), record))
    }

    async fn keys(&self, con: &mut ConnectionManager, filter: &SessionFilter) -> Result<Vec<String>, SessionError> {
        let pattern = self.pattern(filter);
        let mut cursor: u64 = 0;
        let mut keys = Vec::new();
        loop {
            let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(1000)
                .query_async(con)
                .await
                .map_err(redis_err)?;
            keys.extend(batch);
            if next == 0 {
                break;
            }
            cursor = next;
        }
        keys.sort();
        keys.dedup();
        Ok(keys)
    }
}

/// `%`-escapes `:` and the glob characters so a key part never spans parts or matches as a pattern.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' | ':' | '*' | '?' | '[' | ']' | '\\' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            let hex: String = chars.by_ref().take(2).collect();
            out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Backs off a little, more after each lost race, with jitter so racing writers spread out.
async fn back_off(attempt: u32, salt: u64) {
    if attempt < 3 {
        tokio::task::yield_now().await;
        return;
    }
    let cap = u64::from(attempt.min(20)) * 250;
    let jitter = (salt.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) % cap.max(1);
    tokio::time::sleep(Duration::from_micros(jitter)).await;
}

impl SessionStore for RedisStore {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    fn check(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let info = self.client.get_connection_info();
            // Named without the password, which must never reach a log line.
            let shown = format!("redis://{}/{}", info.addr(), info.redis_settings().db());
            let attempt = tokio::time::timeout(Duration::from_secs(5), async {
                let mut conn = self.client.get_multiplexed_async_connection().await?;
                redis::cmd("PING").query_async::<String>(&mut conn).await
            })
            .await;
            match attempt {
                Ok(Ok(_)) => Ok(()),
                Err(_) => {
                    tracing::warn!("the Redis server at {shown} does not answer yet; sessions wait for it");
                    Ok(())
                }
                Ok(Err(e)) if e.is_connection_refusal() || e.is_io_error() || e.is_timeout() => {
                    tracing::warn!("the Redis server at {shown} is not reachable yet ({e}); sessions wait for it");
                    Ok(())
                }
                Ok(Err(e)) => {
                    let advice = if is_auth_error(&e) {
                        "it refused the credentials: check the user name and password in [session] url \
                         (redis://:password@host:6379/0 or redis://user:password@host:6379/0)"
                    } else {
                        "check [session] url and the server's configuration"
                    };
                    Err(SessionError::backend(BACKEND, format!("{shown}: {e}; {advice}")))
                }
            }
        })
    }

    fn load<'a>(&'a self, id: &'a SessionId) -> StoreFuture<'a, Option<SessionRecord>> {
        Box::pin(async move {
            let mut con = self.conn().await?;
            let json: Option<String> = con.hget(self.record_key(id), "r").await.map_err(redis_err)?;
            json.map(|j| SessionRecord::from_json(&j, id)).transpose()
        })
    }

    fn modify<'a>(&'a self, id: &'a SessionId, now_ms: u64, f: Modify<'a>) -> StoreFuture<'a, Option<SessionRecord>> {
        Box::pin(async move {
            let mut con = self.conn().await?;
            let key = self.record_key(id);
            for attempt in 0..MAX_ATTEMPTS {
                let (version, current) = self.read(&mut con, &key, id).await?;
                let mut invocation = self.cas.key(&key);
                invocation.key(&self.index).arg(&version);
                let after = match f(current.as_ref()) {
                    Change::Keep => return Ok(current),
                    Change::Delete => {
                        invocation.arg("").arg("").arg("").arg("");
                        None
                    }
                    Change::Put(mut record) => {
                        record.id = id.clone();
                        let score = record.timeout_at_ms();
                        let expire_at = match (record.gc_at_ms(), score, record.inactive_gc_timeout_ms) {
                            (Some(gc_at), _, _) => Some(gc_at),
                            (None, Some(timeout_at), Some(gc)) => {
                                Some(timeout_at.saturating_add(gc).saturating_add(SAFETY_TTL_MS))
                            }
                            _ => None,
                        };
                        let expire_in = expire_at.map(|t| t.saturating_sub(now_ms).max(1));
                        let token = format!("{}.{}", self.writer, self.writes.fetch_add(1, Ordering::Relaxed));
                        invocation
                            .arg(record.to_json()?)
                            .arg(score.map(|s| s.to_string()).unwrap_or_default())
                            .arg(expire_in.map(|s| s.to_string()).unwrap_or_default())
                            .arg(token);
                        Some(record)
                    }
                };
                let won: i64 = invocation.invoke_async(&mut con).await.map_err(redis_err)?;
                if won == 1 {
                    return Ok(after);
                }
                back_off(attempt, self.writes.fetch_add(1, Ordering::Relaxed) ^ u64::from(attempt)).await;
            }
            Err(SessionError::Contention { id: id.to_string(), attempts: MAX_ATTEMPTS })
        })
    }

    fn remove<'a>(&'a self, filter: &'a SessionFilter) -> StoreFuture<'a, u64> {
        Box::pin(async move {
            let mut con = self.conn().await?;
            let keys = self.keys(&mut con, filter).await?;
            let mut removed = 0u64;
            for chunk in keys.chunks(500) {
                let mut pipe = redis::pipe();
                for k in chunk {
                    pipe.del(k);
                }
                pipe.zrem(&self.index, chunk).ignore();
                let counts: Vec<u64> = pipe.query_async(&mut con).await.map_err(redis_err)?;
                removed += counts.iter().sum::<u64>();
            }
            Ok(removed)
        })
    }

    fn list<'a>(&'a self, filter: &'a SessionFilter) -> StoreFuture<'a, Vec<SessionRecord>> {
        Box::pin(async move {
            let mut con = self.conn().await?;
            let keys = self.keys(&mut con, filter).await?;
            let mut out = Vec::with_capacity(keys.len());
            for chunk in keys.chunks(500) {
                let mut pipe = redis::pipe();
                for k in chunk {
                    pipe.hget(k, "r");
                }
                let jsons: Vec<Option<String>> = pipe.query_async(&mut con).await.map_err(redis_err)?;
                for (k, json) in chunk.iter().zip(jsons) {
                    let (Some(id), Some(json)) = (self.parse_key(k), json) else { continue };
                    match SessionRecord::from_json(&json, &id) {
                        Ok(r) if filter.matches(&r.id) => out.push(r),
                        Ok(_) => {}
                        Err(e) => tracing::warn!("skipping an unreadable session: {e}"),
                    }
                }
            }
            Ok(out)
        })
    }

    fn due<'a>(&'a self, now_ms: u64, limit: usize) -> StoreFuture<'a, Vec<SessionId>> {
        Box::pin(async move {
            let mut con = self.conn().await?;
            let keys: Vec<String> =
                self.due.key(&self.index).arg(now_ms).arg(limit).invoke_async(&mut con).await.map_err(redis_err)?;
            Ok(keys.iter().filter_map(|k| self.parse_key(k)).collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips_and_keeps_parts_apart() {
        for s in ["", "plain", "a:b", "50%", "*?[x]\\", "群:一"] {
            let e = escape(s);
            assert!(!e.contains(':') && !e.contains('*'), "{e}");
            assert_eq!(unescape(&e).as_deref(), Some(s));
        }
        let store = RedisStore::new("redis://127.0.0.1:1/", "p").unwrap();
        let id = SessionId::new(Scope::USER, "u:1", "k*");
        assert_eq!(store.parse_key(&store.record_key(&id)), Some(id));
        assert_eq!(store.parse_key("p:session:USER:a:b:c"), None);
        assert_eq!(store.parse_key("p:session:NOPE:a:b"), None);
    }

    #[test]
    fn rejects_bad_urls_and_prefixes() {
        assert!(RedisStore::new("not a url", "qqbot").is_err());
        assert!(RedisStore::new("redis://127.0.0.1/", "a*b").is_err());
    }
}
