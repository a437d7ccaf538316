//! Session get/update throughput per store, and — for SQLite — the floor: raw rusqlite on the same file doing the
//! same work (the same statements in the same transactions, the record parsed and written as JSON), so the
//! framework's cost shows as a ratio measured in the same run.
//!
//! `cargo bench -p qqbot --bench session`; set `QQBOT_TEST_REDIS_URL=redis://127.0.0.1:6379/` to include Redis.

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

/// Raw rusqlite on the store's file: a get is one SELECT and a JSON parse; an update is one IMMEDIATE transaction
/// with a SELECT, a parse, a change, a serialization and an upsert — what `SqliteStore` does per operation. Each
/// runs inside `block_on` like the store's calls, so the runtime's cost is on both sides.
fn sqlite_floor(c: &mut Criterion, rt: &Runtime, path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).expect("the bench database");
    conn.pragma_update(None, "journal_mode", "WAL").expect("WAL");
    conn.pragma_update(None, "synchronous", "NORMAL").expect("synchronous");
    let key = ("user", "10001", "profile");
    let record = serde_json::json!({"data": {"name": "小明", "n": 0}});
    conn.execute(UPSERT, rusqlite::params![key.0, key.1, key.2, record.to_string()]).expect("seed row");
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
        schema.start(&id, SessionOptions::new(), None).await.expect("create the table");
    });
    sqlite_floor(c, &rt, &floor_db);
    let _ = std::fs::remove_dir_all(&floor_dir);
    for (name, m) in stores() {
        let mut group = c.benchmark_group(format!("session/{name}"));
        group.throughput(Throughput::Elements(1));
        let plain = SessionId::new(Scope::USER, "10001", "profile");
        let timed = SessionId::new(Scope::USER, "10001", "game");
        rt.block_on(async {
            m.start(&plain, SessionOptions::new().data(serde_json::json!({"name": "小明", "n": 0})).unwrap(), None)
                .await
                .expect("start");
            m.start(&timed, SessionOptions::new().timeout(std::time::Duration::from_secs(600)), None)
                .await
                .expect("start");
        });
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
