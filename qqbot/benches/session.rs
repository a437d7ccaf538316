//! Session get/update throughput per store, each beside its floor — the raw client doing the same work in the same
//! run, so the framework's cost shows as a ratio:
//!
//! - SQLite: raw rusqlite on the same file (the same statements in the same transactions, the record parsed and
//!   written as JSON);
//! - Redis: raw `redis` commands with the same round trips as the store (`HGET` for a read; `HMGET` of version and
//!   record, then one `EVALSHA` of the same compare-and-set script for a write);
//! - memory: a mutex-guarded `HashMap` of JSON values.
//!
//! Every floor works on the record JSON the store itself wrote (id, status, timestamps and data), so both sides
//! parse and serialize the same bytes.
//!
//! Each is measured one call at a time and with 16 concurrent callers (each on its own session, on the
//! multi-threaded runtime). `cargo bench -p qqbot --bench session`; set `QQBOT_TEST_REDIS_URL=redis://127.0.0.1:6379/`
//! to include Redis (the Redis groups are skipped with a printed line otherwise).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qqbot::session::{Scope, SessionId, SessionManager, SessionOptions, SessionRef};
use tokio::runtime::Runtime;

fn stores() -> Vec<(&'static str, SessionManager)> {
    let dir = std::env::temp_dir().join(format!("qqbot-bench-session-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut out = vec![("memory", SessionManager::memory()), ("sqlite", SessionManager::sqlite(dir.join("s.db")))];
    if let Ok(url) = std::env::var("QQBOT_TEST_REDIS_URL") {
        let prefix = format!("qqbot-bench.{}", std::process::id());
        out.push(("redis", SessionManager::redis(&url, &prefix).expect("a valid QQBOT_TEST_REDIS_URL")));
    }
    out
}

const SELECT: &str = "SELECT record FROM qqbot_sessions WHERE scope = ?1 AND identify = ?2 AND key = ?3";
const UPSERT: &str =
    "INSERT OR REPLACE INTO qqbot_sessions (scope, identify, key, record, deadline) VALUES (?1, ?2, ?3, ?4, NULL)";

/// The record JSON the store itself wrote for the `schema` session (a plain session with the bench's data), so the
/// floors parse and write the same bytes as the stores.
fn store_record(conn: &rusqlite::Connection) -> String {
    conn.query_row("SELECT record FROM qqbot_sessions WHERE identify = 'schema'", [], |r| r.get(0))
        .expect("the store's own row")
}

/// Raw rusqlite on the store's file: a get is one SELECT and a JSON parse; an update is one IMMEDIATE transaction
/// with a SELECT, a parse, a change, a serialization and an upsert — what `SqliteStore` does per operation. Each
/// runs inside `block_on` like the store's calls, so the runtime's cost is on both sides.
fn sqlite_floor(c: &mut Criterion, rt: &Runtime, path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).expect("the bench database");
    conn.pragma_update(None, "journal_mode", "WAL").expect("WAL");
    conn.pragma_update(None, "synchronous", "NORMAL").expect("synchronous");
    let key = ("user", "10001", "profile");
    let record = store_record(&conn);
    conn.execute(UPSERT, rusqlite::params![key.0, key.1, key.2, record]).expect("seed row");
    let mut group = c.benchmark_group("session/sqlite-floor");
    group.throughput(Throughput::Elements(1));
    group.bench_function("get (raw SELECT + parse)", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut stmt = conn.prepare_cached(SELECT).expect("prepare");
                let json: String = stmt.query_row(rusqlite::params![key.0, key.1, key.2], |r| r.get(0)).expect("row");
                black_box(serde_json::from_str::<serde_json::Value>(&json).expect("json"))
            })
        })
    });
    group.bench_function("update (raw transaction)", |b| {
        b.iter(|| {
            rt.block_on(async {
                let tx = rusqlite::Transaction::new_unchecked(&conn, rusqlite::TransactionBehavior::Immediate)
                    .expect("begin");
                let json: String = tx
                    .prepare_cached(SELECT)
                    .and_then(|mut s| s.query_row(rusqlite::params![key.0, key.1, key.2], |r| r.get(0)))
                    .expect("row");
                let mut value: serde_json::Value = serde_json::from_str(&json).expect("json");
                value["data"]["n"] = serde_json::json!(value["data"]["n"].as_i64().unwrap_or(0) + 1);
                tx.prepare_cached(UPSERT)
                    .and_then(|mut s| s.execute(rusqlite::params![key.0, key.1, key.2, value.to_string()]))
                    .expect("upsert");
                tx.commit().expect("commit");
            })
        })
    });
    group.finish();
}

/// How many callers the concurrent benchmarks run at once.
const CALLERS: u64 = 16;

/// Runs `iters` calls of `op` spread over [`CALLERS`] tasks on the multi-threaded runtime; caller `k` passes `k`
/// (its own session). Returns the wall time of all of them.
fn concurrently<F, Fut>(rt: &Runtime, iters: u64, op: F) -> std::time::Duration
where
    F: Fn(u64) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    rt.block_on(async {
        let started = std::time::Instant::now();
        let tasks: Vec<_> = (0..CALLERS)
            .map(|k| {
                let op = op.clone();
                let n = iters / CALLERS + u64::from(k < iters % CALLERS);
                tokio::spawn(async move {
                    for _ in 0..n {
                        op(k).await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("a caller task");
        }
        started.elapsed()
    })
}

/// The memory floor: a mutex-guarded map of JSON values; a get clones the value, an update changes it under the
/// lock and clones the result — what `MemoryStore` does with its records.
fn memory_floor(c: &mut Criterion, rt: &Runtime, record: &str) {
    type Map = std::collections::HashMap<(String, String, String), serde_json::Value>;
    let map: std::sync::Arc<std::sync::Mutex<Map>> = std::sync::Arc::default();
    let key = |k: u64| ("USER".to_owned(), format!("{}", 10001 + k), "profile".to_owned());
    for k in 0..=CALLERS {
        map.lock().expect("lock").insert(key(k), serde_json::from_str(record).expect("the store's record"));
    }
    let get = {
        let map = map.clone();
        move |k: u64| {
            let map = map.clone();
            async move {
                let v = map.lock().expect("lock").get(&key(k)).cloned();
                black_box(v);
            }
        }
    };
    let set = {
        let map = map.clone();
        move |k: u64| {
            let map = map.clone();
            async move {
                let mut guard = map.lock().expect("lock");
                let v = guard.get_mut(&key(k)).expect("row");
                v["data"]["name"] = serde_json::json!("小红");
                black_box(v.clone());
            }
        }
    };
    let mut group = c.benchmark_group("session/memory-floor");
    group.throughput(Throughput::Elements(1));
    group.bench_function("get (map lookup + clone)", |b| b.iter(|| rt.block_on(get(CALLERS))));
    group.bench_function("set field (change under the lock)", |b| b.iter(|| rt.block_on(set(CALLERS))));
    group.bench_function("16 callers: get", |b| b.iter_custom(|n| concurrently(rt, n, get.clone())));
    group.bench_function("16 callers: set field", |b| b.iter_custom(|n| concurrently(rt, n, set.clone())));
    group.finish();
}

/// The store's compare-and-set script, as `RedisStore` sends it (kept identical so both sides run the same Lua).
const REDIS_CAS: &str = r"
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

/// The raw Redis side of one session: its key and the deadline index, on a connection manager like the store's.
#[derive(Clone)]
struct RawRedis {
    con: redis::aio::ConnectionManager,
    cas: std::sync::Arc<redis::Script>,
    index: std::sync::Arc<str>,
    writes: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl RawRedis {
    /// `HGET r` and a parse: a read of a session without a timeout.
    async fn get(&self, key: &str) -> serde_json::Value {
        let mut con = self.con.clone();
        let json: String = redis::cmd("HGET").arg(key).arg("r").query_async(&mut con).await.expect("HGET");
        serde_json::from_str(&json).expect("json")
    }

    /// `HMGET v r`, a parse, `change`, a serialization and one `EVALSHA` of the compare-and-set script: a write.
    async fn update(&self, key: &str, change: impl FnOnce(&mut serde_json::Value)) {
        let mut con = self.con.clone();
        let (version, json): (Option<String>, Option<String>) =
            redis::cmd("HMGET").arg(key).arg("v").arg("r").query_async(&mut con).await.expect("HMGET");
        let mut value: serde_json::Value = serde_json::from_str(&json.expect("a record")).expect("json");
        change(&mut value);
        let token = self.writes.fetch_add(1, std::sync::atomic::Ordering::Relaxed).to_string();
        let won: i64 = self
            .cas
            .key(key)
            .key(&*self.index)
            .arg(version.unwrap_or_default())
            .arg(value.to_string())
            .arg("")
            .arg("")
            .arg(token)
            .invoke_async(&mut con)
            .await
            .expect("EVALSHA");
        assert_eq!(won, 1, "no other writer in the bench");
    }
}

/// The Redis floor, on keys seeded with the store's own record JSON so both sides parse and write the same bytes.
fn redis_floor(c: &mut Criterion, rt: &Runtime, url: &str, seed_json: &str) {
    let prefix = format!("qqbot-bench-floor.{}", std::process::id());
    let key = move |k: u64| format!("{prefix}:session:USER:{}:profile", 10001 + k);
    let raw = rt.block_on(async {
        let client = redis::Client::open(url).expect("a valid QQBOT_TEST_REDIS_URL");
        let mut con = client.get_connection_manager().await.expect("connect to Redis");
        for k in 0..=CALLERS {
            let _: () = redis::cmd("HSET")
                .arg(key(k))
                .arg("v")
                .arg("0")
                .arg("r")
                .arg(seed_json)
                .query_async(&mut con)
                .await
                .expect("seed");
        }
        RawRedis {
            con,
            cas: std::sync::Arc::new(redis::Script::new(REDIS_CAS)),
            index: format!("qqbot-bench-floor.{}:session-deadlines", std::process::id()).into(),
            writes: std::sync::Arc::default(),
        }
    });
    let get = {
        let (raw, key) = (raw.clone(), key.clone());
        move |k: u64| {
            let (raw, key) = (raw.clone(), key(k));
            async move {
                black_box(raw.get(&key).await);
            }
        }
    };
    let set = {
        let (raw, key) = (raw.clone(), key.clone());
        move |k: u64| {
            let (raw, key) = (raw.clone(), key(k));
            async move {
                raw.update(&key, |v| v["data"]["name"] = serde_json::json!("小红")).await;
            }
        }
    };
    let mut group = c.benchmark_group("session/redis-floor");
    group.throughput(Throughput::Elements(1));
    group.bench_function("get (raw HGET + parse)", |b| b.iter(|| rt.block_on(get(CALLERS))));
    group.bench_function("get with timeout (raw HGET, HMGET, EVALSHA)", |b| {
        let key = key(CALLERS);
        b.iter(|| {
            rt.block_on(async {
                black_box(raw.get(&key).await);
                raw.update(&key, |v| v["last_active_ms"] = serde_json::json!(1)).await;
            })
        })
    });
    group.bench_function("set field (raw HMGET + EVALSHA)", |b| b.iter(|| rt.block_on(set(CALLERS))));
    group.bench_function("increment (raw HMGET + EVALSHA)", |b| {
        let key = key(CALLERS);
        b.iter(|| {
            rt.block_on(raw.update(&key, |v| {
                v["data"]["n"] = serde_json::json!(v["data"]["n"].as_i64().unwrap_or(0) + 1);
            }))
        })
    });
    group.bench_function("16 callers: get", |b| b.iter_custom(|n| concurrently(rt, n, get.clone())));
    group.bench_function("16 callers: set field", |b| b.iter_custom(|n| concurrently(rt, n, set.clone())));
    group.finish();
    rt.block_on(async {
        let mut con = raw.con.clone();
        for k in 0..=CALLERS {
            let _: () = redis::cmd("DEL").arg(key(k)).query_async(&mut con).await.expect("clean up");
        }
    });
}

/// The raw-rusqlite floor with 16 callers sharing one connection behind a mutex, as `SqliteStore` shares its own.
fn sqlite_floor_concurrent(c: &mut Criterion, rt: &Runtime, path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).expect("the bench database");
    conn.pragma_update(None, "journal_mode", "WAL").expect("WAL");
    conn.pragma_update(None, "synchronous", "NORMAL").expect("synchronous");
    let record = store_record(&conn);
    for k in 0..CALLERS {
        conn.execute(UPSERT, rusqlite::params!["user", format!("{}", 20001 + k), "profile", record]).expect("seed row");
    }
    let conn = std::sync::Arc::new(std::sync::Mutex::new(conn));
    let get = {
        let conn = conn.clone();
        move |k: u64| {
            let conn = conn.clone();
            async move {
                let conn = conn.lock().expect("lock");
                let mut stmt = conn.prepare_cached(SELECT).expect("prepare");
                let json: String = stmt
                    .query_row(rusqlite::params!["user", format!("{}", 20001 + k), "profile"], |r| r.get(0))
                    .expect("row");
                black_box(serde_json::from_str::<serde_json::Value>(&json).expect("json"));
            }
        }
    };
    let set = {
        let conn = conn.clone();
        move |k: u64| {
            let conn = conn.clone();
            async move {
                let identify = format!("{}", 20001 + k);
                let conn = conn.lock().expect("lock");
                let tx = rusqlite::Transaction::new_unchecked(&conn, rusqlite::TransactionBehavior::Immediate)
                    .expect("begin");
                let json: String = tx
                    .prepare_cached(SELECT)
                    .and_then(|mut s| s.query_row(rusqlite::params!["user", identify, "profile"], |r| r.get(0)))
                    .expect("row");
                let mut value: serde_json::Value = serde_json::from_str(&json).expect("json");
                value["data"]["name"] = serde_json::json!("小红");
                tx.prepare_cached(UPSERT)
                    .and_then(|mut s| s.execute(rusqlite::params!["user", identify, "profile", value.to_string()]))
                    .expect("upsert");
                tx.commit().expect("commit");
            }
        }
    };
    let mut group = c.benchmark_group("session/sqlite-floor");
    group.throughput(Throughput::Elements(1));
    group.bench_function("16 callers: get", |b| b.iter_custom(|n| concurrently(rt, n, get.clone())));
    group.bench_function("16 callers: set field", |b| b.iter_custom(|n| concurrently(rt, n, set.clone())));
    group.finish();
}

fn bench(c: &mut Criterion) {
    let rt = Runtime::new().expect("a Tokio runtime");
    let floor_dir = std::env::temp_dir().join(format!("qqbot-bench-session-floor-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&floor_dir);
    std::fs::create_dir_all(&floor_dir).expect("a temporary folder");
    // The table as the store creates it, then the floor on it.
    let floor_db = floor_dir.join("s.db");
    let schema = SessionManager::sqlite(&floor_db);
    rt.block_on(async {
        let id = SessionId::new(Scope::USER, "schema", "x");
        let data = SessionOptions::new().data(serde_json::json!({"name": "小明", "n": 0})).expect("data");
        schema.start(&id, data, None).await.expect("create the table");
    });
    let record = store_record(&rusqlite::Connection::open(&floor_db).expect("the bench database"));
    sqlite_floor(c, &rt, &floor_db);
    sqlite_floor_concurrent(c, &rt, &floor_db);
    let _ = std::fs::remove_dir_all(&floor_dir);
    memory_floor(c, &rt, &record);
    let redis_url = std::env::var("QQBOT_TEST_REDIS_URL").ok();
    if redis_url.is_none() {
        println!("QQBOT_TEST_REDIS_URL is not set: skipping the Redis store and its floor");
    }
    for (name, m) in stores() {
        let plain = SessionId::new(Scope::USER, "10001", "profile");
        let timed = SessionId::new(Scope::USER, "10001", "game");
        let callers: Vec<SessionId> =
            (0..CALLERS).map(|k| SessionId::new(Scope::USER, format!("{}", 20001 + k), "profile")).collect();
        rt.block_on(async {
            m.start(&plain, SessionOptions::new().data(serde_json::json!({"name": "小明", "n": 0})).unwrap(), None)
                .await
                .expect("start");
            m.start(&timed, SessionOptions::new().timeout(std::time::Duration::from_secs(600)), None)
                .await
                .expect("start");
            for id in &callers {
                m.start(id, SessionOptions::new().data(serde_json::json!({"name": "小明", "n": 0})).unwrap(), None)
                    .await
                    .expect("start");
            }
        });
        if name == "redis"
            && let Some(url) = &redis_url
        {
            // The floor writes the same record the store keeps, so both parse and serialize the same bytes.
            let seed = rt.block_on(async {
                let client = redis::Client::open(url.as_str()).expect("a valid QQBOT_TEST_REDIS_URL");
                let mut con = client.get_multiplexed_async_connection().await.expect("connect to Redis");
                let key = format!("qqbot-bench.{}:session:USER:10001:profile", std::process::id());
                let json: String = redis::cmd("HGET").arg(key).arg("r").query_async(&mut con).await.expect("HGET");
                json
            });
            redis_floor(c, &rt, url, &seed);
        }
        let mut group = c.benchmark_group(format!("session/{name}"));
        group.throughput(Throughput::Elements(1));
        let r = SessionRef::new(&m, plain.clone());
        group.bench_function("get (no timeout: read only)", |b| {
            b.iter(|| rt.block_on(async { black_box(m.get(&plain).await.expect("get")) }))
        });
        group.bench_function("get (with timeout: refreshes it)", |b| {
            b.iter(|| rt.block_on(async { black_box(m.get(&timed).await.expect("get")) }))
        });
        group.bench_function("typed field get", |b| {
            b.iter(|| rt.block_on(async { black_box(r.get::<String>("name").await.expect("get")) }))
        });
        group.bench_function("set field (update)", |b| {
            b.iter(|| rt.block_on(async { r.set("name", "小红").await.expect("set") }))
        });
        group.bench_function("increment (atomic update)", |b| {
            b.iter(|| rt.block_on(async { black_box(r.increment("n", 1).await.expect("increment")) }))
        });
        let callers = std::sync::Arc::new(callers);
        let get = {
            let (m, callers) = (m.clone(), callers.clone());
            move |k: u64| {
                let (m, callers) = (m.clone(), callers.clone());
                async move {
                    black_box(m.get(&callers[k as usize]).await.expect("get"));
                }
            }
        };
        let set = {
            let (m, callers) = (m.clone(), callers.clone());
            move |k: u64| {
                let (m, callers) = (m.clone(), callers.clone());
                async move {
                    SessionRef::new(&m, callers[k as usize].clone()).set("name", "小红").await.expect("set");
                }
            }
        };
        group.bench_function("16 callers: get", |b| b.iter_custom(|n| concurrently(&rt, n, get.clone())));
        group.bench_function("16 callers: set field", |b| b.iter_custom(|n| concurrently(&rt, n, set.clone())));
        group.finish();
        rt.block_on(async {
            m.remove(&qqbot::session::SessionFilter::all()).await.expect("clean up");
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(2)).warm_up_time(std::time::Duration::from_millis(500));
    targets = bench
}
criterion_main!(benches);
