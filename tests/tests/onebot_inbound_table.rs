//! One frame policy for every OneBot transport: each corpus event sent over forward WebSocket, reverse WebSocket
//! and HTTP POST reaches the handlers as the same `Event`, and so does a frame with a field of an unexpected type.

mod onebot_support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use onebot_support::{WAIT, config, start};
use qqbot::adapter::onebot::OneBotAdapter;
use qqbot::command::EventHandler;
use qqbot::prelude::*;
use qqbot::testing::napcat::{FakeNapCat, Options};

const SELF_ID: i64 = 10000;

fn corpus_events() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = [root.join("../shared/corpus/onebot"), root.join("../../shared/corpus/onebot")]
        .into_iter()
        .find(|d| d.is_dir())
        .expect("the OneBot corpus beside the repository");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus readable")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("event.") && n.ends_with(".json"))
        })
        .collect();
    files.sort();
    let mut events: Vec<(String, String)> = files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("corpus file");
            // One frame per line on a WebSocket: the same JSON, compacted.
            let value: serde_json::Value = serde_json::from_str(&text).expect("corpus JSON");
            (p.file_name().unwrap().to_string_lossy().into_owned(), value.to_string())
        })
        .collect();
    assert!(events.len() >= 20, "only {} corpus events?", events.len());
    events.push((
        "a field of an unexpected type".into(),
        format!(r#"{{"time":1,"self_id":{SELF_ID},"post_type":"message","message_type":"group","group_id":5,"user_id":6,"message":{{"oops":1}}}}"#),
    ));
    events
}

/// An app whose only handler records every event it sees.
fn recording_app() -> (App, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let app = App::empty().on_event(EventHandler::new("record", move |ctx: Ctx| {
        if let Ok(mut s) = sink.lock() {
            s.push(format!("{:?}", ctx.event()));
        }
        None
    }));
    (app, seen)
}

async fn wait_for(seen: &Mutex<Vec<String>>, n: usize, what: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while seen.lock().unwrap().len() < n {
        assert!(tokio::time::Instant::now() < deadline, "{what} never reached the handlers");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn options() -> Options {
    Options { self_id: SELF_ID, lifecycle: false, heartbeat: None, ..Default::default() }
}

/// The first frame tells a WebSocket link its account, as an HTTP POST's `X-Self-ID` header does.
fn anchor() -> String {
    format!(r#"{{"time":1,"self_id":{SELF_ID},"post_type":"notice","notice_type":"friend_add","user_id":1}}"#)
}

async fn over_forward_ws(events: &[(String, String)]) -> Vec<String> {
    let napcat = FakeNapCat::forward(options()).await.unwrap();
    let (app, seen) = recording_app();
    let bot = start(app, OneBotAdapter::new(config(&format!("[onebot]\nuri = \"{}\"", napcat.ws_url()))).unwrap());
    assert!(napcat.wait_connections(1, WAIT).await);
    let seen = push_all(&napcat, &seen, events).await;
    bot.abort();
    seen
}

async fn over_reverse_ws(events: &[(String, String)]) -> Vec<String> {
    let adapter = OneBotAdapter::new(config("[onebot]\nlisten = \"127.0.0.1:0\"")).unwrap();
    let url = format!("ws://{}/onebot/v11/ws", adapter.listen_addrs()[0]);
    let (app, seen) = recording_app();
    let bot = start(app, adapter);
    let napcat = FakeNapCat::reverse(&url, options()).await.unwrap();
    let seen = push_all(&napcat, &seen, events).await;
    bot.abort();
    seen
}

/// Sends the anchor, then each event, waiting for each to reach the handlers; returns what they saw after the
/// anchor.
async fn push_all(napcat: &FakeNapCat, seen: &Mutex<Vec<String>>, events: &[(String, String)]) -> Vec<String> {
    napcat.push_text(anchor()).await;
    wait_for(seen, 1, "the anchor").await;
    for (i, (name, text)) in events.iter().enumerate() {
        napcat.push_text(text.clone()).await;
        wait_for(seen, i + 2, name).await;
    }
    seen.lock().unwrap()[1..].to_vec()
}

async fn over_http_post(events: &[(String, String)]) -> Vec<String> {
    let mut napcat = FakeNapCat::http(None, options()).await.unwrap();
    let adapter = OneBotAdapter::new(config(&format!(
        "[onebot]\nquick_reply_window = 0.01\n[[onebot.connections]]\nkind = \"http\"\napi = \"{}\"\nlisten = \"127.0.0.1:0\"",
        napcat.api_url()
    )))
    .unwrap();
    napcat.post_to(format!("http://{}/onebot/v11/http", adapter.listen_addrs()[0]));
    let (app, seen) = recording_app();
    let bot = start(app, adapter);
    for (i, (name, text)) in events.iter().enumerate() {
        let mut accepted = None;
        for _ in 0..100 {
            // The listener may still be starting for the first event.
            match napcat.post_raw(text.clone().into_bytes(), None).await {
                Ok(answer) => {
                    accepted = Some(answer);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        let (status, body) = accepted.expect("the HTTP POST listener answers");
        assert!(status == 200 || status == 204, "{name}: HTTP {status} {body}");
        wait_for(&seen, i + 1, name).await;
    }
    bot.abort();
    seen.lock().unwrap().clone()
}

#[tokio::test]
async fn every_corpus_event_is_the_same_event_over_every_transport() {
    let events = corpus_events();
    let forward = over_forward_ws(&events).await;
    let reverse = over_reverse_ws(&events).await;
    let http = over_http_post(&events).await;
    assert_eq!(forward.len(), events.len());
    for (i, (name, _)) in events.iter().enumerate() {
        assert_eq!(forward[i], reverse[i], "{name}: forward and reverse WebSocket disagree");
        assert_eq!(forward[i], http[i], "{name}: WebSocket and HTTP POST disagree");
    }
    let odd = forward.last().expect("the odd frame");
    assert!(odd.contains("Raw") && odd.contains("message/group"), "kept as a raw event: {odd}");
}
