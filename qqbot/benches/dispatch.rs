//! Dispatch cost per message as the number of registered commands grows (1, 100, 1 000, 10 000).
//!
//! `cargo bench -p qqbot --bench dispatch`. The message hits `/echo`; the other commands are `/cmd0` … `/cmdN`,
//! added through the public `App::command` API, plus one regex command, as a real bot would have.

use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use qqbot::prelude::*;
use qqbot::testing::TestClient;

#[path = "support/null_bot.rs"]
mod null_bot;
use null_bot::NullBot;

fn app_with(n: usize) -> App {
    let mut app = App::empty()
        .command(BotCommand::new("echo").word("/echo").handler(|ctx: Ctx| async move { ctx.args().to_owned() }))
        .command(
            BotCommand::new("calc")
                .regex(regex::Regex::new(r"^(\d+)\+(\d+)$").expect("valid"))
                .handler(|_: Ctx| async { "3" }),
        );
    for i in 1..n {
        app = app.command(BotCommand::new(format!("cmd{i}")).word(format!("/cmd{i}")).handler(|_: Ctx| async { "x" }));
    }
    app
}

fn event(text: &str) -> Event {
    let sender = Sender::new("12345");
    let mut e = MessageEvent::new(Platform::Console, Scene::GROUP, "10000", sender, Message::from(text));
    e.group_id = Some("20000".into());
    Event::Message(e)
}

fn dispatch(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let bot: Arc<dyn Bot> = Arc::new(NullBot);
    let mut group = c.benchmark_group("dispatch");
    group.throughput(Throughput::Elements(1));
    for n in [1usize, 100, 1_000, 10_000] {
        let client = TestClient::new(app_with(n)).expect("app builds");
        let dispatcher = client.dispatcher().clone();
        group.bench_with_input(BenchmarkId::new("echo_hit", n), &n, |b, _| {
            b.iter(|| rt.block_on(dispatcher.handle_event(bot.clone(), event("/echo 12345"))));
        });
        group.bench_with_input(BenchmarkId::new("no_match", n), &n, |b, _| {
            b.iter(|| rt.block_on(dispatcher.handle_event(bot.clone(), event("今天天气不错"))));
        });
    }
    group.finish();
}

/// The cost of a cooldown and a rate limit (memory store, the local fast path) next to a plain command, in the
/// same run. The cooldown is 1 ns and the limit generous, so every message passes the checks and runs the handler:
/// what is measured is the check itself.
fn limits(c: &mut Criterion) {
    use qqbot::command::{Cooldown, RateLimit};
    use std::time::Duration;
    let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime");
    let bot: Arc<dyn Bot> = Arc::new(NullBot);
    let plain = BotCommand::new("plain").word("/plain").handler(|_: Ctx| async { "ok" });
    let limited = BotCommand::new("limited")
        .word("/limited")
        .handler(|_: Ctx| async { "ok" })
        .cooldown(Cooldown::new(Duration::from_nanos(1)))
        .rate_limit(RateLimit::new(1_000_000, Duration::from_millis(1)));
    let client = rt.block_on(async { TestClient::new(App::empty().command(plain).command(limited)) }).expect("builds");
    let dispatcher = client.dispatcher().clone();
    let mut group = c.benchmark_group("limits");
    group.throughput(Throughput::Elements(1));
    group.bench_function("plain", |b| b.iter(|| rt.block_on(dispatcher.handle_event(bot.clone(), event("/plain")))));
    group.bench_function("cooldown_and_rate_limit", |b| {
        b.iter(|| rt.block_on(dispatcher.handle_event(bot.clone(), event("/limited"))))
    });
    group.finish();
}

criterion_group!(benches, dispatch, limits);
criterion_main!(benches);
