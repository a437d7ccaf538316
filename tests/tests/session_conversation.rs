//! Conversations: `ctx.wait_reply` and friends, with other users and commands served meanwhile.

use std::sync::Arc;
use std::time::Duration;

use qqbot::prelude::*;
use qqbot::testing::{GROUP_ID, TestClient};

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn number(m: &Message) -> Result<i64, Error> {
    m.plain_text().trim().parse().map_err(|_| Error::Handler(format!("`{}` is not a number", m.plain_text())))
}

fn app() -> App {
    App::empty()
        .state(SessionManager::memory())
        .command(BotCommand::new("ping").word("/ping").handler(|_: Ctx| async { "pong" }))
        .command(BotCommand::new("ask").word("/ask").handler(|ctx: Ctx| async move {
            ctx.reply("你叫什么名字？").await?;
            let name = ctx.wait_reply(secs(30)).await?;
            Ok::<_, Error>(format!("你好，{name}"))
        }))
        .command(BotCommand::new("age").word("/age").handler(|ctx: Ctx| async move {
            ctx.reply("几岁？").await?;
            let age = ctx.wait_reply_where(secs(30), |m| number(&m.message).is_ok()).await?;
            Ok::<_, Error>(format!("{} 岁", number(&age)?))
        }))
        .command(BotCommand::new("quiz").word("/quiz").handler(|ctx: Ctx| async move {
            ctx.reply("1+1=? 谁先答对谁赢").await?;
            let winner = ctx.wait_group_reply_where(secs(30), |m| m.message.plain_text().trim() == "2").await?;
            Ok::<_, Error>(format!("{} 答对了", winner.sender.user_id))
        }))
        .command(BotCommand::new("add").word("/add").handler(|ctx: Ctx| async move {
            let who = ctx.user_id().to_owned();
            ctx.reply(format!("{who} 第一个数？")).await?;
            let a = number(&ctx.wait_reply(secs(60)).await?)?;
            ctx.reply(format!("{who} 第二个数？")).await?;
            let b = number(&ctx.wait_reply(secs(60)).await?)?;
            Ok::<_, Error>(format!("{who}: {a}+{b}={}", a + b))
        }))
}

#[tokio::test]
async fn the_awaited_reply_goes_to_the_waiting_handler_not_to_commands() {
    let client = TestClient::new(app()).unwrap();
    let alice = client.group_member(GROUP_ID, "alice");
    assert_eq!(alice.send("/ask").await.texts(), vec!["你叫什么名字？"]);
    // "/ping" would trigger the ping command if it were dispatched; the waiting handler takes it instead, and
    // the message's replies are what the resumed handler said.
    assert_eq!(alice.send("/ping").await.texts(), vec!["你好，/ping"]);
    // Back to normal afterwards.
    assert_eq!(alice.send("/ping").await.texts(), vec!["pong"]);
}

#[tokio::test]
async fn other_users_places_and_commands_keep_being_served() {
    let client = TestClient::new(app()).unwrap();
    let alice = client.group_member(GROUP_ID, "alice");
    alice.send("/ask").await;
    // Bob in the same group, and Alice elsewhere, are not taken by Alice's wait.
    assert_eq!(client.group_member(GROUP_ID, "bob").send("/ping").await.texts(), vec!["pong"]);
    assert_eq!(client.group_member("other-group", "alice").send("/ping").await.texts(), vec!["pong"]);
    assert_eq!(client.private("alice").send("/ping").await.texts(), vec!["pong"]);
    assert_eq!(alice.send("爱丽丝").await.texts(), vec!["你好，爱丽丝"]);
}

#[tokio::test]
async fn a_filter_lets_other_messages_through() {
    let client = TestClient::new(app()).unwrap();
    let alice = client.group_member(GROUP_ID, "alice");
    alice.send("/age").await;
    assert_eq!(alice.send("/ping").await.texts(), vec!["pong"], "not a number: dispatched as usual");
    assert_eq!(alice.send("十八").await.texts(), Vec::<String>::new(), "not a number, no command");
    assert_eq!(alice.send("18").await.texts(), vec!["18 岁"]);
}

#[tokio::test]
async fn anyone_in_the_group_can_answer_a_group_wait() {
    let client = TestClient::new(app()).unwrap();
    client.group_member(GROUP_ID, "host").send("/quiz").await;
    assert!(client.group_member(GROUP_ID, "bob").send("3").await.is_empty());
    assert_eq!(client.group_member("elsewhere", "eve").send("2").await.texts(), Vec::<String>::new());
    assert_eq!(client.group_member(GROUP_ID, "carol").send("2").await.texts(), vec!["carol 答对了"]);
}

#[tokio::test(start_paused = true)]
async fn a_wait_times_out_with_a_clear_error() {
    let client = TestClient::new(app()).unwrap();
    let alice = client.group_member(GROUP_ID, "alice");
    alice.send("/ask").await;
    // Paused time: the runtime jumps to the timeout as soon as everything is idle.
    client.idle().await;
    let sent = client.bot().sent();
    let last = sent.last().unwrap().message.to_string();
    assert_eq!(last, qqbot::i18n::Text::ReplyTimeout.render(qqbot::i18n::Lang::ZhCn));
    // The wait is gone: the next message is a normal one.
    assert_eq!(alice.send("/ping").await.texts(), vec!["pong"]);
}

#[tokio::test]
async fn shutdown_cancels_waits_with_a_clear_error() {
    let client = TestClient::new(app()).unwrap();
    client.group_member(GROUP_ID, "alice").send("/ask").await;
    client.shutdown();
    assert!(client.bot().wait_for(2, secs(5)).await);
    let last = client.bot().sent().last().unwrap().message.to_string();
    assert_eq!(last, qqbot::i18n::Text::ShuttingDown.render(qqbot::i18n::Lang::ZhCn));
    client.idle().await;
}

#[tokio::test]
async fn waits_and_filters_are_removed_when_they_end() {
    // A timed-out or answered wait leaves nothing behind that could take a later message.
    let client = TestClient::new(app()).unwrap();
    let alice = client.group_member(GROUP_ID, "alice");
    for round in 0..3 {
        alice.send("/ask").await;
        assert_eq!(alice.send(format!("n{round}")).await.texts(), vec![format!("你好，n{round}")]);
    }
    assert_eq!(alice.send("/ping").await.texts(), vec!["pong"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_users_in_conversations_at_once_are_answered_in_order() {
    const USERS: usize = 200;
    let client = Arc::new(TestClient::new(app()).unwrap());
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..USERS {
        let client = client.clone();
        tasks.spawn(async move {
            let user = format!("u{i}");
            let speaker = client.group_member(GROUP_ID, &user);
            let start = speaker.event("/add");
            let start_id = start.message_id.clone();
            client.send_event(Event::Message(start)).await;
            tokio::task::yield_now().await;
            speaker.send(i.to_string()).await;
            tokio::task::yield_now().await;
            speaker.send((1000 + i).to_string()).await;
            (i, start_id)
        });
    }
    let mut starts = Vec::new();
    while let Some(done) = tokio::time::timeout(secs(60), tasks.join_next()).await.unwrap() {
        starts.push(done.unwrap());
    }
    client.idle().await;
    let sent = client.bot().sent();
    assert_eq!(sent.len(), USERS * 3);
    for (i, start_id) in starts {
        let mine: Vec<String> = sent
            .iter()
            .filter(|s| s.in_reply_to.as_deref() == Some(start_id.as_str()))
            .map(|s| s.message.to_string())
            .collect();
        let expected = vec![
            format!("u{i} 第一个数？"),
            format!("u{i} 第二个数？"),
            format!("u{i}: {i}+{}={}", 1000 + i, 1000 + 2 * i),
        ];
        assert_eq!(mine, expected, "user u{i}");
    }
}
