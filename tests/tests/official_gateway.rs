//! The official adapter over the WebSocket gateway, end to end against the fake platform on loopback.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use qqbot::adapter::official::{Intents, OfficialAdapter, OfficialConfig};
use qqbot::prelude::*;
use qqbot::testing::official::{APPID, BOT_USER_ID, FakeOfficial, RunningApp, spawn_app};
use serde_json::{Value, json};

fn echo_app() -> App {
    App::empty()
        .command(
            BotCommand::new("echo")
                .word("/echo")
                .scenes(Scene::GROUP | Scene::C2C)
                .handler(|ctx: Ctx| async move { ctx.args().to_owned() }),
        )
        .command(BotCommand::new("twice").word("/twice").scenes(Scene::GROUP | Scene::C2C).handler(
            |ctx: Ctx| async move {
                ctx.reply("one").await?;
                Ok::<_, qqbot::Error>("two")
            },
        ))
}

async fn start(fake: &FakeOfficial, app: App, config: OfficialConfig) -> RunningApp {
    let running = spawn_app(app, OfficialAdapter::new(config).unwrap()).unwrap();
    assert!(fake.wait_ready(1).await, "the adapter never identified");
    running
}

fn is_message_post(r: &qqbot::testing::official::RecordedRequest) -> bool {
    r.method == "POST" && r.path.ends_with("/messages")
}

#[tokio::test]
async fn identify_then_replies_carry_msg_id_headers_and_increasing_msg_seq() {
    let fake = FakeOfficial::start().await.unwrap();
    let running = start(&fake, echo_app(), fake.config()).await;

    let identify = &fake.identifies()[0];
    assert_eq!(identify["token"], "QQBot fake-token-1");
    assert_eq!(identify["intents"], Intents::GROUP_AND_C2C_EVENT.bits());
    assert_eq!(identify["shard"], json!([0, 1]));

    let d = fake.group_at_message("GROUP1", "MEMBER1", "/echo 你好");
    let msg_id = d["id"].as_str().unwrap().to_owned();
    fake.dispatch("GROUP_AT_MESSAGE_CREATE", d);
    let sent = fake.wait_requests(is_message_post, 1).await;
    assert_eq!(sent.len(), 1);
    let r = &sent[0];
    assert_eq!(r.path, "/v2/groups/GROUP1/messages");
    assert_eq!(r.authorization.as_deref(), Some("QQBot fake-token-1"));
    assert_eq!(r.union_appid.as_deref(), Some(APPID));
    assert_eq!(r.body, json!({"msg_type": 0, "content": "你好", "msg_id": msg_id, "msg_seq": 1}));

    let d = fake.c2c_message("USER1", "/twice");
    let msg_id = d["id"].as_str().unwrap().to_owned();
    fake.dispatch("C2C_MESSAGE_CREATE", d);
    let sent = fake.wait_requests(|r| is_message_post(r) && r.path.starts_with("/v2/users/USER1"), 2).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body, json!({"msg_type": 0, "content": "one", "msg_id": msg_id, "msg_seq": 1}));
    assert_eq!(sent[1].body, json!({"msg_type": 0, "content": "two", "msg_id": msg_id, "msg_seq": 2}));
    running.stop().await.unwrap();
}

#[tokio::test]
async fn guild_at_message_is_treated_and_admin_roles_count() {
    let fake = FakeOfficial::start().await.unwrap();
    let app = App::empty()
        .command(
            BotCommand::new("ping")
                .word("/ping")
                .at(true)
                .handler(|ctx: Ctx| async move { format!("pong {} {}", ctx.treated_text(), ctx.sender().is_admin()) }),
        )
        .command(
            BotCommand::new("ban").word("ban").admin_error_msg("只有管理员可以").handler(|_: Ctx| async { "banned" }),
        );
    let running = start(&fake, app, fake.config()).await;
    let intents = fake.identifies()[0]["intents"].as_u64().unwrap() as u32;
    assert!(Intents::from_bits_retain(intents).contains(Intents::PUBLIC_GUILD_MESSAGES | Intents::DIRECT_MESSAGE));

    let d = fake.channel_at_message("GUILD1", "CHAN1", "U1", &["1", "2"], "/ping");
    let msg_id = d["id"].clone();
    fake.dispatch("AT_MESSAGE_CREATE", d);
    fake.dispatch("AT_MESSAGE_CREATE", fake.channel_at_message("GUILD1", "CHAN1", "U2", &["1"], "ban"));
    fake.dispatch("AT_MESSAGE_CREATE", fake.channel_at_message("GUILD1", "CHAN1", "U3", &["4"], "ban"));
    let sent = fake.wait_requests(is_message_post, 3).await;
    assert_eq!(sent.len(), 3);
    let contents: Vec<&str> = sent.iter().map(|r| r.body["content"].as_str().unwrap()).collect();
    assert!(contents.contains(&"pong ping true"), "{contents:?}");
    assert!(contents.contains(&"只有管理员可以"), "{contents:?}");
    assert!(contents.contains(&"banned"), "{contents:?}");
    let ping = sent.iter().find(|r| r.body["content"] == "pong ping true").unwrap();
    assert_eq!(ping.path, "/channels/CHAN1/messages");
    // Guild replies carry msg_id and no msg_type / msg_seq.
    assert_eq!(ping.body, json!({"content": "pong ping true", "msg_id": msg_id}));
    running.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_after_drop_replays_every_event_exactly_once() {
    let fake = FakeOfficial::start().await.unwrap();
    let seen: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    let seen2 = seen.clone();
    let app = App::empty().command(BotCommand::new("count").regex(regex::Regex::new("^ev-").unwrap()).handler(
        move |ctx: Ctx| {
            let seen = seen2.clone();
            async move {
                *seen.lock().unwrap().entry(ctx.text().to_owned()).or_default() += 1;
            }
        },
    ));
    let running = start(&fake, app, fake.config()).await;
    // READY was s=1, so event 500 has s=501. Replay 20 already-delivered events too: they must be skipped.
    fake.drop_after_seq(501);
    fake.set_replay_overlap(20);
    for i in 1..=1000 {
        fake.dispatch("C2C_MESSAGE_CREATE", fake.c2c_message("U", &format!("ev-{i}")));
    }
    let complete = async {
        for _ in 0..400 {
            if seen.lock().unwrap().len() >= 1000 {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        false
    };
    assert!(complete.await, "only {} of 1000 events handled", seen.lock().unwrap().len());
    running.idle().await;
    {
        let seen = seen.lock().unwrap();
        assert!(seen.values().all(|n| *n == 1), "some events handled twice");
        assert!((1..=1000).all(|i| seen.contains_key(&format!("ev-{i}"))));
    }
    let resumes = fake.resumes();
    assert_eq!(resumes.len(), 1, "{resumes:?}");
    assert_eq!(resumes[0]["session_id"], "session-1");
    assert_eq!(resumes[0]["seq"], 501);
    assert_eq!(resumes[0]["token"], "QQBot fake-token-1");
    assert_eq!(fake.identifies().len(), 1);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn invalid_session_leads_to_a_fresh_identify() {
    let fake = FakeOfficial::start().await.unwrap();
    let running = start(&fake, echo_app(), fake.config()).await;
    fake.send_invalid_session(false);
    assert!(fake.wait_ready(2).await);
    assert_eq!(fake.identifies().len(), 2);
    assert!(fake.resumes().is_empty());
    // The new session works.
    fake.dispatch("C2C_MESSAGE_CREATE", fake.c2c_message("U", "/echo again"));
    let sent = fake.wait_requests(is_message_post, 1).await;
    assert_eq!(sent[0].body["content"], "again");
    running.stop().await.unwrap();
}

#[tokio::test]
async fn reconnect_op7_and_close_4009_resume_while_4006_identifies() {
    let fake = FakeOfficial::start().await.unwrap();
    let running = start(&fake, echo_app(), fake.config()).await;
    fake.send_reconnect();
    assert!(fake.wait_until(|v| v.resumed() >= 1).await);
    fake.close_connection(4009);
    assert!(fake.wait_until(|v| v.resumed() >= 2).await);
    assert_eq!(fake.identifies().len(), 1);
    fake.close_connection(4006);
    assert!(fake.wait_ready(2).await);
    assert_eq!(fake.identifies().len(), 2);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn resume_of_a_dead_session_falls_back_to_identify() {
    let fake = FakeOfficial::start().await.unwrap();
    let running = start(&fake, echo_app(), fake.config()).await;
    fake.invalidate_session();
    fake.drop_connection();
    // The Resume gets op 9 (d=false); the adapter identifies a new session.
    assert!(fake.wait_ready(2).await);
    assert_eq!(fake.resumes().len(), 1);
    assert_eq!(fake.identifies().len(), 2);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn heartbeats_carry_the_last_seq_and_a_missing_ack_reconnects() {
    let fake = FakeOfficial::start().await.unwrap();
    fake.set_heartbeat_interval(Duration::from_millis(40));
    let running = start(&fake, echo_app(), fake.config()).await;
    fake.dispatch("FRIEND_ADD", json!({"openid": "U", "timestamp": 1}));
    assert!(fake.wait_until(|v| v.heartbeats() >= 3).await);
    assert!(fake.heartbeats().iter().any(|d| d == &json!(2)), "{:?}", fake.heartbeats());
    fake.set_ack_heartbeats(false);
    assert!(fake.wait_until(|v| v.resumes() >= 1).await, "a zombie connection was not detected");
    fake.set_ack_heartbeats(true);
    assert!(fake.wait_until(|v| v.resumed() >= 1).await);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn fatal_close_codes_stop_with_advice() {
    let fake = FakeOfficial::start().await.unwrap();
    let running = start(&fake, echo_app(), fake.config()).await;
    fake.close_connection(4914);
    let err = running.join().await.unwrap_err().to_string();
    assert!(err.contains("sandbox"), "{err}");
}

#[tokio::test]
async fn configured_intents_and_shard_override_the_computed_ones() {
    let fake = FakeOfficial::start().await.unwrap();
    let mut config = fake.config();
    config.intents = Some(qqbot::adapter::official::IntentsSetting::Names(vec!["GUILDS".into(), "INTERACTION".into()]));
    config.shard = [1, 2];
    let running = start(&fake, echo_app(), config).await;
    let identify = &fake.identifies()[0];
    assert_eq!(identify["intents"], (Intents::GUILDS | Intents::INTERACTION).bits());
    assert_eq!(identify["shard"], json!([1, 2]));
    running.stop().await.unwrap();
}

#[tokio::test]
async fn expired_token_is_refreshed_and_the_call_retried_once() {
    let fake = FakeOfficial::start().await.unwrap();
    let running = start(&fake, echo_app(), fake.config()).await;
    assert_eq!(fake.token_requests(), 1);
    fake.expire_tokens();
    fake.dispatch("C2C_MESSAGE_CREATE", fake.c2c_message("U", "/echo after expiry"));
    let sent =
        fake.wait_requests(|r| is_message_post(r) && r.authorization.as_deref() == Some("QQBot fake-token-2"), 1).await;
    assert_eq!(sent[0].body["content"], "after expiry");
    assert_eq!(fake.token_requests(), 2);
    // Exactly one rejected attempt before the retry.
    let attempts = fake.requests().into_iter().filter(is_message_post).count();
    assert_eq!(attempts, 2);
    running.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_token_fetch() {
    let fake = FakeOfficial::start().await.unwrap();
    let api = OfficialAdapter::new(fake.config()).unwrap().api().unwrap();
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let api = api.clone();
            tokio::spawn(async move { api.me().await })
        })
        .collect();
    for c in calls {
        assert_eq!(c.await.unwrap().unwrap().id.as_deref(), Some(BOT_USER_ID));
    }
    assert_eq!(fake.token_requests(), 1);
}

#[tokio::test]
async fn token_is_refreshed_ahead_of_expiry_in_the_background() {
    let fake = FakeOfficial::start().await.unwrap();
    fake.set_token_lifetime(2);
    let mut config = fake.config();
    config.token_refresh_ahead_secs = 1;
    let running = start(&fake, echo_app(), config).await;
    // Issued with 2 s to live, refreshed 1 s early by the background task, without any API call needing it.
    assert!(fake.wait_until(|v| v.token_requests() >= 2).await);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn events_are_delivered_with_typed_payload_and_event_id() {
    let fake = FakeOfficial::start().await.unwrap();
    type Rows = Vec<(String, Option<String>, bool)>;
    let got: Arc<Mutex<Rows>> = Arc::default();
    let got2 = got.clone();
    let app = echo_app().on_event(qqbot::command::EventHandler::new("record", move |ctx: Ctx| {
        let got = got2.clone();
        let ev = ctx.event().official()?.clone();
        let joined = matches!(ctx.event().as_notice().map(|n| &n.kind), Some(qqbot::event::Notice::BotJoined(_)));
        Some(Box::pin(async move {
            got.lock().unwrap().push((ev.t, ev.event_id, joined));
            qqbot::command::HandlerOutput::none()
        }))
    }));
    let running = start(&fake, app, fake.config()).await;
    fake.dispatch_with_id(
        "GROUP_ADD_ROBOT",
        "GROUP_ADD_ROBOT:abc",
        json!({"group_openid": "G", "op_member_openid": "M", "timestamp": 1699240248}),
    );
    assert!(fake.wait_until(|_| got.lock().unwrap().iter().any(|(t, _, _)| t == "GROUP_ADD_ROBOT")).await);
    let rows = got.lock().unwrap().clone();
    let row = rows.iter().find(|(t, _, _)| t == "GROUP_ADD_ROBOT").unwrap();
    assert_eq!(row.1.as_deref(), Some("GROUP_ADD_ROBOT:abc"));
    assert!(row.2, "GROUP_ADD_ROBOT is a BotJoined notice");
    assert!(rows.iter().any(|(t, _, _)| t == "READY"));
    running.stop().await.unwrap();
}

#[tokio::test]
async fn interactions_are_acknowledged_and_can_be_replied_to_by_event_id() {
    let fake = FakeOfficial::start().await.unwrap();
    let app = echo_app().on_event(qqbot::command::EventHandler::new("button", |ctx: Ctx| {
        let ev = ctx.event().official()?;
        if ev.t != "INTERACTION_CREATE" {
            return None;
        }
        Some(Box::pin(async move { qqbot::command::HandlerOutput::reply("按下了".into()) }))
    }));
    let running = start(&fake, app, fake.config()).await;
    fake.dispatch_with_id(
        "INTERACTION_CREATE",
        "INTERACTION_CREATE:e1",
        json!({"id": "itx-1", "type": 11, "chat_type": 1, "group_openid": "G", "group_member_openid": "M",
               "data": {"type": 11, "resolved": {"button_data": "d", "button_id": "b"}}}),
    );
    let acks = fake.wait_requests(|r| r.method == "PUT" && r.path == "/interactions/itx-1", 1).await;
    assert_eq!(acks[0].body, json!({"code": 0}));
    let sent = fake.wait_requests(is_message_post, 1).await;
    assert_eq!(sent[0].path, "/v2/groups/G/messages");
    assert_eq!(
        sent[0].body,
        json!({"msg_type": 0, "content": "按下了", "event_id": "INTERACTION_CREATE:e1", "msg_seq": 1})
    );
    let _: Value = sent[0].body.clone();
    running.stop().await.unwrap();
}

/// A command whose handler takes 10 s, on an app that handles two events at a time: a flood of it fills the
/// dispatcher and then the delivery queue.
fn slow_app(started: Arc<Mutex<Vec<String>>>) -> App {
    let config = qqbot::config::Config::from_toml("[bot]\nmax_in_flight = 2\nmax_in_flight_per_connection = 2\n")
        .expect("valid config");
    App::empty().with_config(config).expect("config accepted").command(BotCommand::new("slow").word("/slow").handler(
        move |ctx: Ctx| {
            let started = started.clone();
            async move {
                if let Ok(mut s) = started.lock() {
                    s.push(ctx.args().to_owned());
                }
                tokio::time::sleep(Duration::from_secs(10)).await;
                "done"
            }
        },
    ))
}

#[tokio::test]
async fn slow_handlers_under_a_flood_never_delay_heartbeats() {
    let fake = FakeOfficial::start().await.unwrap();
    fake.set_heartbeat_interval(Duration::from_millis(100));
    let started = Arc::new(Mutex::new(Vec::new()));
    let running = start(&fake, slow_app(started.clone()), fake.config()).await;

    // More events than the dispatcher (2) and the delivery queue (1024) can take: reading has to pause.
    for i in 0..1200 {
        fake.dispatch("C2C_MESSAGE_CREATE", fake.c2c_message("USER1", &format!("/slow {i}")));
    }
    let before = fake.heartbeats().len();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let during = fake.heartbeats().len() - before;

    // 15 intervals passed; allow for scheduling jitter, but a blocked loop would send none.
    assert!(during >= 10, "only {during} heartbeats in 1.5 s at a 100 ms interval while handlers were busy");
    assert_eq!(fake.connections(), 1, "the connection was dropped (zombie detection or a missed heartbeat)");
    assert_eq!(fake.resumes().len(), 0);
    let first: Vec<String> = started.lock().unwrap().clone();
    assert_eq!(first, ["0", "1"], "the first two events run, in order, while the rest wait");
    running.stop().await.unwrap();
}
