//! Outbound pacing on tokio's paused clock: `[bot.send_rate]` spaces a burst of replies to one conversation and
//! loses none, keeps their order, spaces an account's sends across conversations, is overridden per platform;
//! the official platform's passive-reply quota fails the sixth reply with a typed error.

use std::time::Duration;

use qqbot::config::Config;
use qqbot::prelude::*;
use qqbot::testing::TestClient;
use tokio::time::Instant;

fn client(toml: &str, commands: Vec<BotCommand>) -> TestClient {
    let config = Config::from_toml(toml).expect("valid config");
    let app = commands.into_iter().fold(App::empty().with_config(config).expect("no adapters"), App::command);
    TestClient::new(app).expect("app builds")
}

/// Replies ten times to one message.
fn burst() -> BotCommand {
    BotCommand::new("burst").word("burst").handler(|ctx: Ctx| async move {
        for i in 1..=10 {
            ctx.reply(format!("#{i}")).await?;
        }
        Ok::<_, qqbot::Error>(())
    })
}

#[tokio::test(start_paused = true)]
async fn ten_replies_to_one_conversation_are_spaced_and_none_is_lost() {
    let c = client("[bot.send_rate]\nper_conversation = \"1/s\"", vec![burst()]);
    let started = Instant::now();
    let handle = c.dispatch(Event::Message(c.group_member("1", "alice").event("burst"))).await;
    tokio::time::sleep(Duration::from_millis(4_500)).await;
    assert_eq!(c.bot().sent().len(), 5, "at 0, 1, 2, 3 and 4 s");
    handle.settled().await;
    assert_eq!(started.elapsed(), Duration::from_secs(9), "nine gaps of one second");
    let texts: Vec<String> = c.bot().sent().iter().map(|s| s.message.plain_text()).collect();
    let expected: Vec<String> = (1..=10).map(|i| format!("#{i}")).collect();
    assert_eq!(texts, expected, "all ten, in order");
}

#[tokio::test(start_paused = true)]
async fn replies_to_many_messages_queue_in_order() {
    let echo = BotCommand::new("echo").word("echo").handler(|ctx: Ctx| async move { ctx.args().to_owned() });
    let c = client("[bot.send_rate]\nper_conversation = \"2/s\"", vec![echo]);
    let started = Instant::now();
    let mut handles = Vec::new();
    for i in 0..10 {
        handles.push(c.dispatch(Event::Message(c.group_member("1", "alice").event(format!("echo {i}")))).await);
    }
    for h in handles {
        h.settled().await;
    }
    assert_eq!(started.elapsed(), Duration::from_millis(4_500), "nine gaps of half a second");
    let texts: Vec<String> = c.bot().sent().iter().map(|s| s.message.plain_text()).collect();
    assert_eq!(texts, (0..10).map(|i| i.to_string()).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn other_conversations_are_not_held_up_but_the_account_is_spaced() {
    let c = client("[bot.send_rate]\nper_conversation = \"1/s\"", vec![burst()]);
    let started = Instant::now();
    let a = c.dispatch(Event::Message(c.group_member("1", "alice").event("burst"))).await;
    let b = c.dispatch(Event::Message(c.group_member("2", "bob").event("burst"))).await;
    a.settled().await;
    b.settled().await;
    assert_eq!(started.elapsed(), Duration::from_secs(9), "the two groups were paced side by side");
    assert_eq!(c.bot().sent().len(), 20);

    let c = client("[bot.send_rate]\nper_account = \"4/s\"", vec![burst()]);
    let started = Instant::now();
    let a = c.dispatch(Event::Message(c.group_member("1", "alice").event("burst"))).await;
    let b = c.dispatch(Event::Message(c.group_member("2", "bob").event("burst"))).await;
    a.settled().await;
    b.settled().await;
    assert_eq!(started.elapsed(), Duration::from_millis(19 * 250), "twenty sends through one account, 250 ms apart");
    assert_eq!(c.bot().sent().len(), 20);
}

#[tokio::test(start_paused = true)]
async fn a_platform_table_overrides_the_bot_table() {
    let toml = "[bot.send_rate]\nper_conversation = \"1/s\"\n\
                [onebot]\nuri = \"ws://127.0.0.1:1\"\n[onebot.send_rate]\nper_conversation = \"10/s\"";
    // The test kit's events come from the console unless told otherwise: `[bot.send_rate]` applies.
    let c = client(toml, vec![burst()]);
    let started = Instant::now();
    c.send("burst").await;
    assert_eq!(started.elapsed(), Duration::from_secs(9));
    // From OneBot: `[onebot.send_rate]` applies.
    let c = client(toml, vec![burst()]).platform(Platform::OneBot);
    let started = Instant::now();
    assert_eq!(c.send("burst").await.len(), 10);
    assert_eq!(started.elapsed(), Duration::from_millis(900));
}

#[tokio::test]
async fn a_bad_rate_in_the_config_stops_the_app() {
    let config = Config::from_toml("[bot.send_rate]\nper_conversation = \"fast\"").expect("valid toml");
    let err = TestClient::new(App::empty().with_config(config).expect("no adapters")).expect_err("refused");
    assert!(err.to_string().contains("per_conversation"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn the_sixth_passive_reply_to_an_official_message_is_a_typed_error() {
    let six = BotCommand::new("six").word("six").handler(|ctx: Ctx| async move {
        let mut outcomes = Vec::new();
        for i in 1..=6 {
            outcomes.push(ctx.reply(format!("#{i}")).await);
        }
        let refused = outcomes.iter().filter(|r| matches!(r, Err(qqbot::Error::Refused { .. }))).count();
        assert!(outcomes[..5].iter().all(Result::is_ok), "{outcomes:?}");
        assert!(matches!(outcomes[5], Err(qqbot::Error::Refused { .. })), "{outcomes:?}");
        assert_eq!(refused, 1);
    });
    let c = client("", vec![six]).platform(Platform::Official);
    let alice = c.group_member("1", "alice");
    let replies = alice.send("six").await;
    assert_eq!(replies.len(), 5, "five went out, the sixth failed loudly instead of vanishing");
    // A new message has its own quota.
    assert_eq!(alice.send("six").await.len(), 5);
}

#[test]
fn send_rate_inside_one_official_account_is_refused_not_ignored() {
    let toml = "[[official.accounts]]\nappid = \"1\"\nsecret = \"a\"\n[official.accounts.send_rate]\nper_conversation = \"1/s\"";
    let config = Config::from_toml(toml).expect("valid toml");
    let err = qqbot::adapter::official::OfficialConfig::accounts_from_config(&config).expect_err("refused");
    assert!(err.to_string().contains("[official.send_rate]"), "{err}");
}
