//! Hooks: `before_command` may stop a command, `after_command` sees how it ended, and the event pre-processor
//! drops or rewrites events before dispatch.

use std::sync::{Arc, Mutex};

use qqbot::command::{CommandOutcome, HookFlow};
use qqbot::prelude::*;
use qqbot::testing::TestClient;

#[command("/echo")]
async fn echo(text: String) -> String {
    text
}

#[command("/fail")]
async fn fail() -> Result<String> {
    Err(Error::Missing { what: "on purpose" })
}

#[command("/boom")]
async fn boom() -> &'static str {
    panic!("boom")
}

#[command("/n")]
async fn number(n: u32) -> String {
    n.to_string()
}

type Log = Arc<Mutex<Vec<String>>>;

fn app(log: &Log) -> App {
    let before = log.clone();
    let after = log.clone();
    App::empty()
        .command(echo::command())
        .command(fail::command())
        .command(boom::command())
        .command(number::command())
        .before_command(move |ctx: Ctx| {
            let log = before.clone();
            async move {
                let name = ctx.command().map(|c| c.name.clone()).unwrap_or_default();
                log.lock().expect("not poisoned").push(format!("before {name} by {}", ctx.user_id()));
                if ctx.user_id() == "muted" {
                    let _ = ctx.reply("你被禁止使用命令").await;
                    return HookFlow::Stop;
                }
                if ctx.user_id() == "silent" {
                    return HookFlow::Stop;
                }
                HookFlow::Continue
            }
        })
        .after_command(move |ctx: Ctx, outcome: CommandOutcome| {
            let log = after.clone();
            async move {
                let name = ctx.command().map(|c| c.name.clone()).unwrap_or_default();
                log.lock().expect("not poisoned").push(format!("after {name} {outcome:?}"));
            }
        })
}

fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().expect("not poisoned"))
}

#[tokio::test]
async fn hooks_see_every_command_and_its_outcome() {
    let log = Log::default();
    let c = TestClient::new(app(&log)).expect("app builds");
    assert_eq!(c.private("u1").send("/echo hi").await.texts(), ["hi"]);
    assert_eq!(take(&log), ["before echo by u1", "after echo Ok"]);
    c.private("u1").send("/fail").await;
    assert_eq!(take(&log), ["before fail by u1", "after fail HandlerFailed"]);
    c.private("u1").send("/boom").await;
    assert_eq!(take(&log), ["before boom by u1", "after boom Panicked"]);
    c.private("u1").send("/n x").await;
    assert_eq!(take(&log), ["before number by u1", "after number BadArgument"]);
    c.private("u1").send("hello").await;
    assert!(take(&log).is_empty(), "no command, no hook");
}

#[tokio::test]
async fn before_command_can_stop_a_command() {
    let log = Log::default();
    let c = TestClient::new(app(&log)).expect("app builds");
    assert_eq!(c.private("muted").send("/echo hi").await.texts(), ["你被禁止使用命令"], "only the hook's reply");
    assert_eq!(take(&log), ["before echo by muted", "after echo Stopped"]);
    assert!(c.private("silent").send("/echo hi").await.is_empty(), "stopped: nothing sent");
    assert_eq!(take(&log), ["before echo by silent", "after echo Stopped"]);
}

#[tokio::test]
async fn the_pre_processor_drops_other_bots_and_annotates_events() {
    let app = App::empty()
        .command(echo::command())
        .pre_process(|event: Event| match &event {
            Event::Message(m) if m.sender.user_id.starts_with("bot") => None,
            _ => Some(event),
        })
        .pre_process(|mut event: Event| {
            if let Event::Message(m) = &mut event
                && m.message.to_string().starts_with("/echo")
            {
                m.message = Message::from(format!("{} [已检查]", m.message));
            }
            Some(event)
        });
    let c = TestClient::new(app).expect("app builds");
    assert!(c.group_member("1", "bot2").send("/echo hi").await.is_empty(), "another bot is ignored");
    assert_eq!(c.group_member("1", "u1").send("/echo hi").await.texts(), ["hi [已检查]"]);
}
