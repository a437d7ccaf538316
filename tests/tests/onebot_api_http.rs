//! The HTTP API client (seed cqHttpApi): hooks, fire-and-forget calls, error mapping, and downloads against
//! local HTTP servers on 127.0.0.1.

mod onebot_api_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use onebot_api_support::ok;
use qqbot::adapter::onebot::cqhttp::{DownloadError, HttpApi, HttpApiError, HttpApiHooks, HttpApiOptions};
use qqbot::testing::napcat::{Answer, FakeNapCat, Options};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

/// What a hook saw.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    End { name: String, code: u16 },
    FileError { name: String, code: u16 },
    RunError { name: String, error: String },
    LinkError { action: String, json: Value },
    LinkRunError { action: String, error: String },
}

struct Recorder(mpsc::UnboundedSender<Seen>);

impl HttpApiHooks for Recorder {
    fn download_end(&self, file_name: &str, _file_url: &str, code: u16) {
        let _ = self.0.send(Seen::End { name: file_name.into(), code });
    }
    fn download_file_error(&self, file_name: &str, _file_url: &str, code: u16) {
        let _ = self.0.send(Seen::FileError { name: file_name.into(), code });
    }
    fn download_file_run_error(&self, file_name: &str, _file_url: &str, err: &DownloadError) {
        let _ = self.0.send(Seen::RunError { name: file_name.into(), error: err.to_string() });
    }
    fn download_progress(&self, _file_name: &str, _received: u64, _total: Option<u64>) {}
    fn api_link_error(&self, action: &str, err_json: &Value) {
        let _ = self.0.send(Seen::LinkError { action: action.into(), json: err_json.clone() });
    }
    fn api_link_run_error(&self, action: &str, err: &HttpApiError) {
        let _ = self.0.send(Seen::LinkRunError { action: action.into(), error: err.to_string() });
    }
}

/// The access token the fake NapCat demands.
const TOKEN: &str = "test-token";

/// The fake NapCat's HTTP API, demanding [`TOKEN`].
async fn fake_napcat() -> FakeNapCat {
    FakeNapCat::http(None, Options { token: Some(TOKEN.into()), ..Options::default() }).await.unwrap()
}

/// The calls the fake received, as `(action, params)`.
fn calls(napcat: &FakeNapCat) -> Vec<(String, Value)> {
    napcat.calls().into_iter().map(|c| (c.action, c.params)).collect()
}

/// A fresh, empty download folder under the target directory's temp area.
fn download_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qqbot-onebot-api-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn client(base_url: String, dir: &Path, chunk_size: usize) -> (HttpApi, mpsc::UnboundedReceiver<Seen>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let options = HttpApiOptions {
        base_url: Some(base_url),
        access_token: Some(TOKEN.into()),
        download_path: dir.to_path_buf(),
        chunk_size,
        timeout_secs: 5,
        ..HttpApiOptions::default()
    };
    (HttpApi::with_hooks(options, Recorder(tx)).unwrap(), rx)
}

/// Everything the hooks saw, once the client's work is done.
fn seen(rx: &mut mpsc::UnboundedReceiver<Seen>) -> Vec<Seen> {
    let mut all = Vec::new();
    while let Ok(s) = rx.try_recv() {
        all.push(s);
    }
    all
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn a_download_streams_to_the_folder_and_calls_download_end_once() {
    let body = pattern(3 * 1024 * 1024 + 17);
    let served = body.clone();
    let base = serve(Router::new().route("/files/a.bin", get(move || async move { served }))).await;
    let dir = download_dir("success");
    let (client, mut rx) = client(base.clone(), &dir, 64 * 1024);

    let path = client.download_file("a.bin", format!("{base}/files/a.bin")).finished().await.unwrap();

    assert_eq!(path, dir.join("a.bin"));
    assert_eq!(std::fs::read(&path).unwrap(), body);
    assert!(!dir.join("a.bin.part").exists());
    assert_eq!(seen(&mut rx), [Seen::End { name: "a.bin".into(), code: 200 }]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_404_reaches_download_file_error_and_leaves_no_file() {
    let base = serve(Router::new()).await;
    let dir = download_dir("404");
    let (client, mut rx) = client(base.clone(), &dir, 1024);

    let err = client.download_file("gone.png", format!("{base}/gone.png")).finished().await.unwrap_err();

    assert!(matches!(err, DownloadError::Status { code: 404, .. }), "{err:?}");
    assert_eq!(seen(&mut rx), [Seen::FileError { name: "gone.png".into(), code: 404 }]);
    assert!(!dir.join("gone.png").exists());
}

#[tokio::test]
async fn a_reset_connection_reaches_download_file_run_error() {
    // A raw server: announce a megabyte, send a little, then reset the connection.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 1024];
        let _ = socket.read(&mut request).await;
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\nContent-Type: application/octet-stream\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(&pattern(4096)).await.unwrap();
        socket.flush().await.unwrap();
        socket.set_zero_linger().unwrap();
        drop(socket);
    });
    let dir = download_dir("reset");
    let (client, mut rx) = client(format!("http://{addr}"), &dir, 1024);

    let err = client.download_file("big.bin", format!("http://{addr}/big.bin")).finished().await.unwrap_err();

    assert!(matches!(err, DownloadError::Transport { .. } | DownloadError::Incomplete { .. }), "{err:?}");
    let seen = seen(&mut rx);
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(matches!(&seen[0], Seen::RunError { name, .. } if name == "big.bin"), "{seen:?}");
    assert!(!dir.join("big.bin").exists() && !dir.join("big.bin.part").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_path_traversal_file_name_is_refused_before_any_request() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let base = serve(Router::new().route(
        "/x",
        get(move || async move {
            counter.fetch_add(1, Ordering::SeqCst);
            "data"
        }),
    ))
    .await;
    let dir = download_dir("traversal");
    let (client, mut rx) = client(base.clone(), &dir, 1024);

    for name in ["../../x", "/tmp/x", "a/../../x", "..\\x", ""] {
        let err = client.download_file(name, format!("{base}/x")).finished().await.unwrap_err();
        assert!(matches!(err, DownloadError::UnsafeFileName { .. }), "{name:?}: {err:?}");
    }

    assert_eq!(hits.load(Ordering::SeqCst), 0);
    let seen = seen(&mut rx);
    assert_eq!(seen.len(), 5);
    assert!(seen.iter().all(|s| matches!(s, Seen::RunError { error, .. } if error.contains("refusing"))));
    assert!(!dir.exists(), "nothing may be created for a refused name");
}

#[tokio::test]
async fn download_img_resolves_through_get_image_and_refuses_unsafe_names_from_the_network() {
    let napcat = fake_napcat().await;
    let api_base = napcat.api_url();
    let files = serve(Router::new().route("/img/abc.jpg", get(|| async { vec![7u8; 5000] }))).await;
    let dir = download_dir("img");
    let (client, mut rx) = client(api_base, &dir, 1024);

    // go-cqhttp's shape: `filename` + `url`.
    napcat.answer_once(
        "get_image",
        Answer::Envelope(ok(json!({"filename": "abc.jpg", "url": format!("{files}/img/abc.jpg"), "size": 5000}))),
    );
    let path = client.download_img("ABC.image").finished().await.unwrap();
    assert_eq!(path, dir.join("abc.jpg"));
    assert_eq!(std::fs::read(&path).unwrap().len(), 5000);
    assert_eq!(calls(&napcat), [("get_image".to_owned(), json!({"file": "ABC.image"}))]);

    // A hostile answer cannot make the client write outside the folder.
    napcat.answer_once(
        "get_image",
        Answer::Envelope(ok(json!({"file_name": "../evil.jpg", "url": format!("{files}/img/abc.jpg")}))),
    );
    let err = client.download_img("ABC.image").finished().await.unwrap_err();
    assert!(matches!(err, DownloadError::UnsafeFileName { .. }), "{err:?}");

    // No URL (NapCat gave only a path on its own host).
    napcat.answer_once("get_image", Answer::Envelope(ok(json!({"file": "/napcat/cache/abc.jpg"}))));
    let err = client.download_img("ABC.image").finished().await.unwrap_err();
    assert!(matches!(err, DownloadError::NoUrl { .. }), "{err:?}");

    let seen = seen(&mut rx);
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[0], Seen::End { name: "abc.jpg".into(), code: 200 });
    assert!(matches!(&seen[1], Seen::RunError { name, .. } if name == "../evil.jpg"));
    assert!(matches!(&seen[2], Seen::RunError { error, .. } if error.contains("no URL")));
    assert!(!dir.parent().unwrap().join("evil.jpg").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn add_is_fire_and_forget_and_its_failures_reach_the_hooks() {
    let napcat = fake_napcat().await;
    let base = napcat.api_url();
    let (client, mut rx) = client(base, Path::new("unused"), 1024);
    let failed = json!({"status": "failed", "retcode": 100, "msg": "GROUP_NOT_FOUND", "wording": "群聊不存在",
        "message": "群聊不存在", "data": null});
    napcat.answer_once("send_group_msg", Answer::Envelope(failed.clone()));

    // PyCqBot passes the action as a path; the leading `/` is accepted.
    client.add("/send_group_msg", json!({"group_id": 1, "message": "hi"}));
    let seen = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap();

    assert_eq!(seen, Seen::LinkError { action: "send_group_msg".into(), json: failed });
    assert_eq!(calls(&napcat), [("send_group_msg".to_owned(), json!({"group_id": 1, "message": "hi"}))]);

    // A transport failure of a fire-and-forget call reaches api_link_run_error.
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let (unreachable, mut rx) = client_for(format!("http://{dead}"));
    unreachable.add("send_like", json!({"user_id": 1}));
    let seen = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap();
    assert!(
        matches!(&seen, Seen::LinkRunError { action, error } if action == "send_like" && error.contains("could not reach")),
        "{seen:?}"
    );

    // spawn (seed add_task) runs a future in the background.
    let api = client.api();
    napcat.answer_once("get_login_info", Answer::Envelope(ok(json!({"user_id": 10001, "nickname": "bot"}))));
    let info = client.spawn(async move { api.get_login_info().await }).await.unwrap().unwrap();
    assert_eq!(info.user_id, 10001);
}

fn client_for(base_url: String) -> (HttpApi, mpsc::UnboundedReceiver<Seen>) {
    client(base_url, Path::new("unused"), 1024)
}

#[tokio::test]
async fn failures_become_typed_errors_and_reach_the_hooks() {
    let napcat = fake_napcat().await;
    let base = napcat.api_url();
    let (client, mut rx) = client(base.clone(), Path::new("unused"), 1024);

    // A failed envelope: Error::Api with retcode and wording, and api_link_error.
    napcat.answer_once(
        "send_group_msg",
        Answer::Envelope(json!({"status": "failed", "retcode": 1200, "data": null, "message": "发送超时",
        "wording": "发送超时", "echo": {"seq": 7}})),
    );
    let err = client.api().send_group_msg(1, "hi").await.unwrap_err();
    assert!(matches!(&err, qqbot::Error::Api { code: 1200, message, .. } if message == "发送超时"), "{err:?}");
    assert!(matches!(rx.try_recv(), Ok(Seen::LinkError { .. })));

    // A wrong token: the fake answers 403 with NapCat's non-OneBot body.
    let (tx, mut rx2) = mpsc::unbounded_channel();
    let wrong = HttpApi::with_hooks(
        HttpApiOptions { base_url: Some(base.clone()), access_token: Some("wrong".into()), ..Default::default() },
        Recorder(tx),
    )
    .unwrap();
    let err = wrong.api().get_status().await.unwrap_err();
    assert!(err.to_string().contains("access token"), "{err}");
    assert!(matches!(rx2.try_recv(), Ok(Seen::LinkRunError { .. })));

    // Nothing listening: Disconnected, which is retryable.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let (down, _rx) = client_for(format!("http://{dead}"));
    let err = down.api().get_status().await.unwrap_err();
    assert!(matches!(err, qqbot::Error::Disconnected { .. }) && err.is_retryable(), "{err:?}");

    // A void success without a `data` key (NapCat delete_msg).
    napcat.answer_once(
        "delete_msg",
        Answer::Envelope(json!({"status": "ok", "retcode": 0, "message": "", "wording": "", "echo": "delete_msg"})),
    );
    client.api().delete_msg(1).await.unwrap();
}

#[tokio::test]
async fn login_learns_the_self_id() {
    let napcat = fake_napcat().await;
    let base = napcat.api_url();
    let (client, _rx) = client_for(base);
    assert_eq!(client.api().self_id(), "");
    napcat.answer_once("get_login_info", Answer::Envelope(ok(json!({"user_id": 2960567880u64, "nickname": "舞小枫"}))));
    client.login().await.unwrap();
    assert_eq!(client.api().self_id(), "2960567880");
}

#[test]
fn options_default_to_seed_values_and_never_print_the_token() {
    let options = HttpApiOptions { access_token: Some("s3cret".into()), ..HttpApiOptions::default() };
    assert_eq!(options.resolved_base_url(), "http://127.0.0.1:8000");
    assert_eq!(options.download_path, PathBuf::from("./download"));
    assert_eq!(options.chunk_size, 1024 * 1024);
    assert!(!format!("{options:?}").contains("s3cret"));
    let v6 = HttpApiOptions { ip: "::1".into(), port: 3000, ..HttpApiOptions::default() };
    assert_eq!(v6.resolved_base_url(), "http://[::1]:3000");
    let parsed: HttpApiOptions = serde_json::from_value(json!({"port": 5700, "chunk_size": 4096})).unwrap();
    assert_eq!((parsed.port, parsed.chunk_size, parsed.ip.as_str()), (5700, 4096, "127.0.0.1"));
}

#[tokio::test]
async fn both_http_clients_read_every_envelope_dialect_the_same_way() {
    use qqbot::adapter::onebot::__bench::HttpApiClient;
    use qqbot::adapter::onebot::ActionCaller;

    let napcat = fake_napcat().await;
    let (client, _rx) = client_for(napcat.api_url());
    let seed_client = client.api();
    let adapter_client =
        HttpApiClient::new(&napcat.api_url(), Some(TOKEN.into()), Duration::from_secs(5), None).unwrap();
    // The dialects of the corpus: NapCat, a void NapCat answer, the spec's `async`, an answer with only `retcode`
    // and `data`, go-cqhttp's `msg`, Lagrange's bare failure without any text.
    let dialects = [
        (ok(json!({"user_id": 1})), Ok(json!({"user_id": 1}))),
        (json!({"status": "ok", "retcode": 0, "message": "", "wording": ""}), Ok(Value::Null)),
        (json!({"status": "async", "retcode": 1, "data": null}), Ok(Value::Null)),
        (json!({"retcode": 0, "data": [1, 2]}), Ok(json!([1, 2]))),
        (
            json!({"status": "failed", "retcode": 100, "msg": "GROUP_NOT_FOUND", "wording": "群聊不存在", "data": null}),
            Err(100),
        ),
        (json!({"status": "failed", "retcode": 404, "data": null}), Err(404)),
    ];
    for (envelope, expected) in dialects {
        napcat.answer_once("probe", Answer::Envelope(envelope.clone()));
        let seed = seed_client.call("probe", json!({})).await;
        napcat.answer_once("probe", Answer::Envelope(envelope.clone()));
        let adapter = adapter_client.call_action("probe", json!({})).await;
        for (name, got) in [("HttpApi", seed), ("HttpApiClient", adapter)] {
            match (&got, &expected) {
                (Ok(data), Ok(want)) => assert_eq!(data, want, "{name} read {envelope}"),
                (Err(qqbot::Error::Api { code, .. }), Err(want)) => assert_eq!(code, want, "{name} read {envelope}"),
                _ => panic!("{name} read {envelope} as {got:?}, expected {expected:?}"),
            }
        }
    }
    assert_eq!(napcat.take_queued_answers(), 0);
}
