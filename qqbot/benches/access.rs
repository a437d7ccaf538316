//! The cost of the access checks on the dispatch path: a plain command against the same command in a plugin
//! (switch looked up in the cache), with `permission = SUPERUSER | GROUP_ADMIN | custom async check`, with the
//! global deny list holding entries, and — the whole operational layer — with a per-user cooldown and rate limit
//! too (each iteration another of 4 096 users, with periods short enough that every check passes; the limit state
//! holds 4 096 entries), in
//! the same run.
//!
//! `cargo bench -p qqbot --bench access`.

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qqbot::permission::{GROUP_ADMIN, SUPERUSER};
use qqbot::prelude::*;
use qqbot::testing::TestClient;

#[path = "support/null_bot.rs"]
mod null_bot;
use null_bot::NullBot;

async fn is_member(ctx: &Ctx) -> bool {
    !ctx.user_id().is_empty()
}

fn event(text: &str) -> Event {
    event_from("12345", text)
}

fn event_from(user: &str, text: &str) -> Event {
    let sender = Sender::new(user);
    let mut e = MessageEvent::new(Platform::Console, Scene::GROUP, "10000", sender, Message::from(text));
    e.group_id = Some("20000".into());
    Event::Message(e)
}

fn access(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let bot: Arc<dyn Bot> = Arc::new(NullBot);
    let echo = || BotCommand::new("echo").word("/echo").handler(|ctx: Ctx| async move { ctx.args().to_owned() });
    let plain = TestClient::new(App::empty().command(echo())).expect("app builds");
    let checked = TestClient::new(
        App::empty()
            .command(echo().plugin("工具").permission(SUPERUSER | GROUP_ADMIN | is_member))
            .deny_user("666")
            .deny_group("777"),
    )
    .expect("app builds");
    let limited = TestClient::new(
        App::empty()
            .command(
                echo()
                    .plugin("工具")
                    .permission(SUPERUSER | GROUP_ADMIN | is_member)
                    // Short periods, so that each user is past them when the rotation comes back (4 096 users at
                    // ~1 µs each): every iteration takes the passing path, and does the same work as with "30s".
                    .cooldown(qqbot::command::Cooldown::new(std::time::Duration::from_millis(1)))
                    .rate_limit(qqbot::command::RateLimit::new(5, std::time::Duration::from_millis(1))),
            )
            .deny_user("666")
            .deny_group("777"),
    )
    .expect("app builds");
    // Some switches stored for other groups, so the cache is not empty.
    rt.block_on(async {
        let switches = checked.dispatcher().switches();
        for g in 0..100 {
            switches.set("工具", qqbot::plugin::SwitchScope::Group(format!("g{g}")), g % 2 == 0).await.expect("set");
        }
    });
    let mut group = c.benchmark_group("access");
    group.throughput(Throughput::Elements(1));
    for (name, client) in [("plain", &plain), ("plugin_permission_deny", &checked)] {
        let dispatcher = client.dispatcher().clone();
        group.bench_function(name, |b| {
            b.iter(|| rt.block_on(dispatcher.handle_event(bot.clone(), event("/echo 12345"))));
        });
    }
    let dispatcher = limited.dispatcher().clone();
    let users: Vec<String> = (0..4096).map(|u| format!("u{u}")).collect();
    let mut next = 0usize;
    group.bench_function("plugin_permission_deny_cooldown_rate", |b| {
        b.iter(|| {
            next = (next + 1) % users.len();
            rt.block_on(dispatcher.handle_event(bot.clone(), event_from(&users[next], "/echo 12345")))
        });
    });
    group.finish();
}

criterion_group!(benches, access);
criterion_main!(benches);
