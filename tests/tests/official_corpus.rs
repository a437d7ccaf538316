//! Every payload of the corpus decodes, and every event family reaches a handler with its typed payload.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use qqbot::adapter::official::model::Payload;
use qqbot::adapter::official::{OfficialAdapter, OfficialEvent, OfficialPayload, to_event};
use qqbot::prelude::*;
use qqbot::testing::official::{BOT_USER_ID, FakeOfficial, spawn_app};
use serde_json::Value;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/qq-official")
}

/// Every dispatch in the corpus as `(file, t, id, d)`: whole frames, and bare `d` bodies (`*.d.json`) whose type is
/// in the file name (`dispatch-AT_MESSAGE_CREATE-1.d.json`).
fn dispatches() -> Vec<(String, String, Option<String>, Value)> {
    let mut out = Vec::new();
    for dir in [corpus_dir(), corpus_dir().join("synthesized")] {
        let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.starts_with("dispatch-") || !name.ends_with(".json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            if name.ends_with(".d.json") {
                let t = name.trim_start_matches("dispatch-").rsplit_once('-').unwrap().0.to_owned();
                out.push((name, t, None, json));
            } else {
                let frame: Payload = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
                let d: Value = serde_json::from_str(frame.d.get()).unwrap_or_else(|e| panic!("{name}: {e}"));
                out.push((name, frame.t.clone().unwrap(), frame.id.clone(), d));
            }
        }
    }
    out
}

#[test]
fn every_corpus_file_decodes() {
    let mut count = 0;
    for dir in [corpus_dir(), corpus_dir().join("synthesized")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if value.get("op").is_some() {
                let _: Payload =
                    serde_json::from_str(&value.to_string()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            }
            count += 1;
        }
    }
    assert!(count >= 50, "only {count} corpus files");
    for (name, t, id, d) in dispatches() {
        let ev = OfficialEvent::decode(&t, id, None, d);
        assert_ne!(ev.payload, OfficialPayload::Unknown, "{name} did not decode into its typed form");
        let event = to_event(ev, BOT_USER_ID);
        assert!(event.official().is_some(), "{name}");
    }
}

#[test]
fn corpus_details_survive_decoding() {
    let by_name: BTreeMap<String, (String, Option<String>, Value)> =
        dispatches().into_iter().map(|(n, t, id, d)| (n, (t, id, d))).collect();
    let get = |name: &str| {
        let (t, id, d) = by_name.get(name).unwrap().clone();
        to_event(OfficialEvent::decode(&t, id, None, d), "6158788878435714165")
    };
    // Review-time AT message: author has only an id and mentions lack ids.
    let e = get("dispatch-AT_MESSAGE_CREATE-2.json");
    let m = e.as_message().unwrap();
    assert!(m.to_me);
    assert_eq!(m.sender.user_id, "144115219948621845");
    // Quote-reply in a group: the quoted index becomes the reply, the admin role is read.
    let e = get("dispatch-GROUP_MESSAGE_CREATE-2.json");
    let m = e.as_message().unwrap();
    assert_eq!(m.reply_to.as_deref(), Some("REFIDX_REPLY="));
    assert_eq!(m.sender.role, Role::Admin);
    assert_eq!(m.message.mentions().collect::<Vec<_>>(), vec!["REPLIED_USER"]);
    // A group message that mentions this bot (is_you) is to_me.
    let e = get("dispatch-GROUP_MESSAGE_CREATE-1.json");
    assert!(e.as_message().unwrap().to_me);
    // C2C image attachment.
    let e = get("dispatch-C2C_MESSAGE_CREATE-2.json");
    let m = e.as_message().unwrap();
    assert!(
        matches!(&m.message.segments()[0], Segment::Image(media) if media.url.as_deref().unwrap().starts_with("https://multimedia"))
    );
    // Forum ids arrive as JSON numbers.
    let e = get("dispatch-FORUM_REPLY_CREATE-1.d.json");
    match &e.official().unwrap().payload {
        OfficialPayload::ForumReply(r) => {
            assert_eq!(r.guild_id.as_deref(), Some("47129941624960822"));
            assert_eq!(r.reply_info.as_ref().unwrap().content.as_ref().unwrap().plain_text(), "Apple");
        }
        other => panic!("{other:?}"),
    }
    // A DM keeps the DM pseudo-guild (where replies go) and the source guild.
    let e = get("dispatch-DIRECT_MESSAGE_CREATE-2.json");
    let m = e.as_message().unwrap();
    assert_eq!(m.scene, Scene::DM);
    assert_eq!(m.target(), Target::Dm("13595572922435876753".into()));
    match &e.official().unwrap().payload {
        OfficialPayload::DirectMessage(d) => assert_eq!(d.src_guild_id.as_deref(), Some("7088881514225344423")),
        other => panic!("{other:?}"),
    }
    // RESUMED has d == "".
    assert_eq!(get("dispatch-RESUMED-1.json").official().unwrap().payload, OfficialPayload::Resumed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_family_reaches_a_handler_over_the_gateway() {
    let fake = FakeOfficial::start().await.unwrap();
    let got: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let g = got.clone();
    let app = App::empty().on_event(qqbot::command::EventHandler::new("all", move |ctx: Ctx| {
        let g = g.clone();
        let ev = ctx.event().official()?;
        let row = (ev.t.clone(), format!("{:?}", ev.payload).split('(').next().unwrap_or("").to_owned());
        Some(Box::pin(async move {
            g.lock().unwrap().push(row);
            qqbot::command::HandlerOutput::none()
        }))
    }));
    let running = spawn_app(app, OfficialAdapter::new(fake.config()).unwrap()).unwrap();
    assert!(fake.wait_ready(1).await);
    let corpus: Vec<_> = dispatches().into_iter().filter(|(_, t, _, _)| t != "READY" && t != "RESUMED").collect();
    for (i, (_, t, _, d)) in corpus.iter().enumerate() {
        fake.dispatch_with_id(t, &format!("{t}:corpus-{i}"), d.clone());
    }
    // Families the corpus has no capture of, in the documented shapes (qg_botsdk's tables).
    let extra = [
        (
            "INTERACTION_CREATE",
            serde_json::json!({"id": "i1", "application_id": "1", "type": 11, "chat_type": 0,
            "guild_id": "g", "channel_id": "c", "version": 1,
            "data": {"type": 11, "resolved": {"button_data": "d", "button_id": "b", "user_id": "u", "message_id": "m"}}}),
        ),
        (
            "AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER",
            serde_json::json!({"guild_id": "g", "channel_id": "c", "channel_type": 5, "user_id": "u"}),
        ),
        (
            "FORUM_THREAD_CREATE",
            serde_json::json!({"guild_id": "g", "channel_id": "c", "author_id": "a", "thread_info": {
            "thread_id": "t", "date_time": "2022-01-01T00:00:00+08:00",
            "title": "{\"paragraphs\":[{\"elems\":[{\"text\":{\"text\":\"标题\"},\"type\":1}],\"props\":{}}]}",
            "content": "{\"paragraphs\":[{\"elems\":[{\"url\":{\"url\":\"https://q.qq.com\",\"desc\":\"链接\"},\"type\":4}],\"props\":{}}]}"}}),
        ),
    ];
    for (i, (t, d)) in extra.iter().enumerate() {
        fake.dispatch_with_id(t, &format!("{t}:extra-{i}"), d.clone());
    }
    let expected = corpus.len() + extra.len() + 1; // + READY
    assert!(fake.wait_until(|_| got.lock().unwrap().len() >= expected).await, "{:?}", got.lock().unwrap());
    let got = got.lock().unwrap().clone();
    for (name, t, _, _) in &corpus {
        let row = got.iter().find(|(gt, _)| gt == t).unwrap_or_else(|| panic!("{name} never reached a handler"));
        assert_ne!(row.1, "Unknown", "{name}");
    }
    // qg_botsdk's families, each seen at least once.
    for family in [
        "Guild",
        "Channel",
        "GuildMember",
        "ChannelMessage",
        "DirectMessage",
        "MessageDelete",
        "MessageAudit",
        "ForumPost",
        "ForumReply",
        "ForumAudit",
        "OpenForum",
        "Audio",
        "Reaction",
        "GroupMessage",
        "C2cMessage",
        "GroupRobot",
        "Friend",
        "GroupMember",
        "Ready",
        "Interaction",
        "LiveChannelMember",
        "ForumThread",
        "SubscribeMessageStatus",
        "EnterAio",
    ] {
        assert!(got.iter().any(|(_, f)| f == family), "no {family} event reached a handler");
    }
    running.stop().await.unwrap();
}
