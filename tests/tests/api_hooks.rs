//! API-call hooks (NoneBot's `on_calling_api` / `on_called_api`) against the fake NapCat and the fake official
//! REST API: they see every outbound call — replies, typed API calls, recalls, REST requests — and a `calling`
//! hook can stop one, which then never reaches the platform and fails with `Error::Refused`.

mod onebot_support;

use std::sync::{Arc, Mutex};

use onebot_support::{WAIT, app, config, sent_text, start};
use qqbot::adapter::official::OfficialAdapter;
use qqbot::adapter::onebot::OneBotAdapter;
use qqbot::api::ApiCall;
use qqbot::prelude::*;
use qqbot::testing::napcat::{FakeNapCat, Options};
use qqbot::testing::official::{FakeOfficial, RecordedRequest, spawn_app};

type Seen = Arc<Mutex<Vec<String>>>;

/// Records `calling:<action>` and `called:<action>:<ok|err>`; stops `set_group_whole_ban`.
fn hooked(app: App, seen: &Seen) -> App {
    let (before, after) = (seen.clone(), seen.clone());
    app.on_calling_api(move |call: &ApiCall| {
        before.lock().expect("not poisoned").push(format!("calling:{}", call.action));
        if call.action == "set_group_whole_ban"
            || call.action.ends_with("/messages") && call.params["content"] == "禁止"
        {
            return Err("blocked by policy".to_owned());
        }
        Ok(())
    })
    .on_called_api(move |call: &ApiCall, result: &qqbot::Result<serde_json::Value>| {
        let outcome = match result {
            Ok(_) => "ok",
            Err(qqbot::Error::Refused { .. }) => "refused",
            Err(_) => "err",
        };
        after.lock().expect("not poisoned").push(format!("called:{}:{outcome}", call.action));
    })
}

fn seen_list(seen: &Seen) -> Vec<String> {
    seen.lock().expect("not poisoned").clone()
}

#[tokio::test]
async fn onebot_hooks_see_replies_api_calls_and_recalls_and_can_stop_a_call() {
    let napcat = FakeNapCat::forward(Options::default()).await.expect("fake NapCat starts");
    let adapter = OneBotAdapter::new(config(&format!("[onebot]\nuri = \"{}\"", napcat.ws_url()))).expect("valid");
    let seen: Seen = Arc::default();
    let app = hooked(app(), &seen)
        .command(BotCommand::new("mute_all").word("/mute_all").handler(|ctx: Ctx| async move {
            let result =
                ctx.onebot()?.call("set_group_whole_ban", serde_json::json!({"group_id": 1, "enable": true})).await;
            Ok::<_, qqbot::Error>(match result {
                Err(qqbot::Error::Refused { reason, .. }) => format!("refused: {reason}"),
                other => format!("unexpected: {other:?}"),
            })
        }))
        .command(BotCommand::new("undo").word("/undo").handler(|ctx: Ctx| async move {
            let target = ctx.target().expect("a group message");
            ctx.bot().recall(&target, "99").await.map(|()| "recalled")
        }));
    let bot = start(app, adapter);
    assert!(napcat.wait_connections(1, WAIT).await, "the bot never connected");

    napcat.push(napcat.group_message(1, "/echo hi")).await;
    assert_eq!(napcat.wait_calls("send_group_msg", 1, WAIT).await.len(), 1);
    napcat.push(napcat.group_message(2, "/api")).await;
    napcat.wait_calls("send_group_msg", 2, WAIT).await;
    napcat.push(napcat.group_message(3, "/mute_all")).await;
    let sends = napcat.wait_calls("send_group_msg", 3, WAIT).await;
    assert_eq!(sent_text(&sends[2].params), "refused: blocked by policy");
    assert!(napcat.calls_of("set_group_whole_ban").is_empty(), "a stopped call never reaches NapCat");
    napcat.push(napcat.group_message(4, "/undo")).await;
    napcat.wait_calls("send_group_msg", 4, WAIT).await;
    assert_eq!(napcat.calls_of("delete_msg").len(), 1);

    // The last reply's `called` hook runs once NapCat's answer is back: wait for it (bounded).
    for _ in 0..200 {
        if seen_list(&seen).iter().filter(|s| *s == "called:send_group_msg:ok").count() == 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let seen = seen_list(&seen);
    let expected = [
        "calling:send_group_msg",
        "called:send_group_msg:ok",
        "calling:get_login_info",
        "called:get_login_info:ok",
        "calling:set_group_whole_ban",
        "called:set_group_whole_ban:refused",
        "calling:delete_msg",
        "called:delete_msg:ok",
    ];
    for entry in expected {
        assert!(seen.iter().any(|s| s == entry), "missing {entry} in {seen:?}");
    }
    assert_eq!(seen.iter().filter(|s| *s == "called:send_group_msg:ok").count(), 4, "{seen:?}");
    bot.abort();
}

fn is_post(suffix: &'static str) -> impl Fn(&RecordedRequest) -> bool {
    move |r| r.method == "POST" && r.path.ends_with(suffix)
}

#[tokio::test]
async fn official_hooks_see_rest_requests_and_can_stop_one() {
    let fake = FakeOfficial::start().await.expect("fake official starts");
    let seen: Seen = Arc::default();
    let app = hooked(App::empty(), &seen)
        .command(BotCommand::new("say").word("/say").handler(|ctx: Ctx| async move { ctx.args().to_owned() }));
    let running = spawn_app(app, OfficialAdapter::new(fake.config()).expect("valid")).expect("starts");
    assert!(fake.wait_ready(1).await, "never identified");

    fake.dispatch("GROUP_AT_MESSAGE_CREATE", fake.group_at_message("G", "M", "/say 你好"));
    let sent = fake.wait_requests(is_post("/messages"), 1).await;
    assert_eq!(sent[0].body["content"], "你好");
    fake.dispatch("GROUP_AT_MESSAGE_CREATE", fake.group_at_message("G", "M", "/say 禁止"));
    running.idle().await;
    fake.dispatch("GROUP_AT_MESSAGE_CREATE", fake.group_at_message("G", "M", "/say 再见"));
    let sent = fake.wait_requests(is_post("/messages"), 2).await;
    assert_eq!(sent[1].body["content"], "再见", "the stopped reply never reached the platform");
    running.idle().await;

    let seen = seen_list(&seen);
    let label = "POST /v2/groups/{group_openid}/messages";
    assert_eq!(seen.iter().filter(|s| **s == format!("called:{label}:ok")).count(), 2, "{seen:?}");
    assert_eq!(seen.iter().filter(|s| **s == format!("called:{label}:refused")).count(), 1, "{seen:?}");
    running.stop().await.expect("stops");
}
