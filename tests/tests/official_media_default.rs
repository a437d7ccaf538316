//! The official adapter's default media path, end to end: with `[official.resource]` set and no chain builder,
//! a picture reply is written to the resource server, uploaded to the group files endpoint by URL, and sent as
//! msg_type 7 with the `file_info` the platform returned.

mod official_media_support;

use qqbot::adapter::official::OfficialAdapter;
use qqbot::adapter::official::media::ResourceServerOptions;
use qqbot::prelude::*;
use qqbot::testing::official::{FakeOfficial, RecordedRequest, spawn_app};
use serde_json::json;

fn is_post(suffix: &'static str) -> impl Fn(&RecordedRequest) -> bool {
    move |r| r.method == "POST" && r.path.ends_with(suffix)
}

#[tokio::test]
async fn image_reply_is_served_by_the_resource_server_and_sent_with_its_file_info() {
    let dir = tempfile::tempdir().unwrap();
    let picture = dir.path().join("cat.png");
    let bytes = [b"\x89PNG\r\n\x1a\n".as_slice(), b"a cat"].concat();
    std::fs::write(&picture, &bytes).unwrap();

    let fake = FakeOfficial::start().await.unwrap();
    let mut config = fake.config();
    config.resource = Some(ResourceServerOptions::local(dir.path().join("resource")));
    let path = picture.display().to_string();
    let app = App::empty().command(BotCommand::new("cat").word("/cat").scenes(Scene::GROUP).handler(move |_: Ctx| {
        let path = path.clone();
        async move { Message::new().image(path) }
    }));
    let running = spawn_app(app, OfficialAdapter::new(config).unwrap()).unwrap();
    assert!(fake.wait_ready(1).await, "the adapter never identified");
    fake.script("/v2/groups/G1/files", 200, json!({"file_uuid": "U1", "file_info": "FILE-INFO-1", "ttl": 60}));

    let d = fake.group_at_message("G1", "M1", "/cat");
    let msg_id = d["id"].as_str().unwrap().to_owned();
    fake.dispatch("GROUP_AT_MESSAGE_CREATE", d);
    let sent = fake.wait_requests(is_post("/messages"), 1).await;
    let uploads = fake.requests().into_iter().filter(is_post("/files")).collect::<Vec<_>>();
    assert_eq!(uploads.len(), 1, "{uploads:?}");
    assert_eq!(uploads[0].path, "/v2/groups/G1/files");
    let url = uploads[0].body["url"].as_str().expect("uploaded by url").to_owned();
    assert_eq!(uploads[0].body["file_type"], 1);
    assert_eq!(uploads[0].body["srv_send_msg"], false);
    assert!(uploads[0].body.get("file_data").is_none());
    assert!(url.starts_with("http://127.0.0.1:") && url.contains("/resource/"), "{url}");
    let (status, served) = official_media_support::get(&url).await;
    assert_eq!((status, served), (200, bytes));

    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].body,
        json!({"msg_type": 7, "content": " ", "media": {"file_info": "FILE-INFO-1"}, "msg_id": msg_id, "msg_seq": 1})
    );
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_busy_resource_port_fails_the_boot() {
    let dir = tempfile::tempdir().unwrap();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let fake = FakeOfficial::start().await.unwrap();
    let mut config = fake.config();
    let mut options = ResourceServerOptions::local(dir.path());
    options.port = busy.local_addr().unwrap().port();
    config.resource = Some(options);
    let running = spawn_app(App::empty(), OfficialAdapter::new(config).unwrap()).unwrap();
    let err = running.join().await.unwrap_err().to_string();
    assert!(err.contains("resource server cannot listen"), "{err}");
    assert_eq!(fake.connections(), 0, "nothing connected before the resource server was up");
}
