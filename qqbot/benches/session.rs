//! Session get/update throughput per store.
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

fn bench(c: &mut Criterion) {
    let rt = Runtime::new().expect("a Tokio runtime");
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
