//! The resource server over loopback: one server per port, no path traversal, expiry, bytes served as stored.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use qqbot::adapter::official::media::{
    ChainBuilder, MediaError, ResourceChainBuilder, ResourceServer, ResourceServerOptions,
};
use qqbot::message::Media;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod official_media_support;
use official_media_support::{base64_uri, get, url_of};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR not really a picture";

/// Sends a request line exactly as written (no client normalises `..` away) and returns the status and body.
async fn raw_get(port: u16, target: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response)).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

#[tokio::test]
async fn two_accounts_on_one_port_share_one_server() {
    let dir = tempfile::tempdir().unwrap();
    let first = ResourceChainBuilder::start(ResourceServerOptions::local(dir.path())).await.unwrap();
    let port = first.server().local_addr().port();
    let mut same_port = ResourceServerOptions::local(dir.path());
    same_port.port = port;
    let second = ResourceChainBuilder::start(same_port).await.unwrap();
    assert!(Arc::ptr_eq(first.server(), second.server()), "the second account must get the running server");

    let local = dir.path().join("notes.txt");
    std::fs::write(&local, "第二个账号的文件").unwrap();
    let image = url_of(first.get_image(&Media::new(base64_uri(PNG))).await.unwrap());
    let file = url_of(second.get_file(&Media::new(local.display().to_string())).await.unwrap());
    let prefix = format!("http://127.0.0.1:{port}/resource/");
    assert!(image.starts_with(&prefix) && image.ends_with(".png"), "{image}");
    assert!(file.starts_with(&prefix) && file.ends_with(".txt"), "{file}");
    assert_eq!(get(&image).await, (200, PNG.to_vec()));
    assert_eq!(get(&file).await, (200, "第二个账号的文件".as_bytes().to_vec()));
    assert_eq!(first.server().file_count(), 2);
}

#[tokio::test]
async fn other_options_on_a_shared_port_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let running = ResourceServer::start(ResourceServerOptions::local(dir.path().join("a"))).await.unwrap();
    let mut other = ResourceServerOptions::local(dir.path().join("b"));
    other.port = running.local_addr().port();
    let err = ResourceServer::start(other).await.unwrap_err();
    let qqbot::Error::Adapter(inner) = &err else { panic!("{err:?}") };
    assert!(matches!(inner.downcast_ref::<MediaError>(), Some(MediaError::OptionsMismatch { .. })), "{err}");
    assert!(err.to_string().contains("resource_path"), "{err}");
}

#[tokio::test]
async fn the_server_stops_when_the_last_account_lets_go() {
    let dir = tempfile::tempdir().unwrap();
    let server = ResourceServer::start(ResourceServerOptions::local(dir.path())).await.unwrap();
    let port = server.local_addr().port();
    assert!(tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok());
    drop(server);
    let deadline = Instant::now() + Duration::from_secs(5);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
        assert!(Instant::now() < deadline, "the port is still open 5 s after the server was dropped");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn traversal_absolute_paths_and_foreign_names_get_404() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("resource");
    let secret = root.path().join("secret.txt");
    std::fs::write(&secret, "SECRET").unwrap();
    let server = ResourceServer::start(ResourceServerOptions::local(&dir)).await.unwrap();
    let port = server.local_addr().port();
    let url = server.store(b"public", Some("txt")).await.unwrap();
    let name = url.rsplit('/').next().unwrap().to_owned();

    // The control: the stored file itself is served over the same raw requests.
    let (status, body) = raw_get(port, &format!("/resource/{name}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.ends_with("public"));

    let absolute = secret.display().to_string();
    let targets = [
        "/resource/../secret.txt".to_owned(),
        "/resource/..%2fsecret.txt".to_owned(),
        "/resource/..%2Fsecret.txt".to_owned(),
        "/resource/%2e%2e/secret.txt".to_owned(),
        "/resource/%2e%2e%2fsecret.txt".to_owned(),
        "/resource/%252e%252e%252fsecret.txt".to_owned(),
        "/resource/../../../../../../etc/passwd".to_owned(),
        "/resource//etc/passwd".to_owned(),
        "/resource/%2fetc%2fpasswd".to_owned(),
        format!("/resource/{absolute}"),
        format!("/resource/{}", absolute.replace('/', "%2f")),
        absolute.clone(),
        "/etc/passwd".to_owned(),
        format!("/resource/{name}/../{name}"),
        format!("/resource/./{name}"),
        format!("/resource/{}", name.to_uppercase()),
        format!("/resource/{name}%00.png"),
        format!("/resource/x/../{name}"),
        format!("/{name}"),
        "/resource/".to_owned(),
        "/resource".to_owned(),
    ];
    for target in &targets {
        let (status, body) = raw_get(port, target).await;
        assert_eq!(status, 404, "{target} → {body}");
        assert!(!body.contains("SECRET"), "{target} leaked the secret");
    }

    // A link planted under a valid-looking name is never followed, nor is a served file replaced by a link.
    let planted = "0123456789abcdef0123456789abcdef.txt";
    std::os::unix::fs::symlink(&secret, dir.join(planted)).unwrap();
    assert_eq!(raw_get(port, &format!("/resource/{planted}")).await.0, 404);
    std::fs::remove_file(dir.join(&name)).unwrap();
    std::os::unix::fs::symlink(&secret, dir.join(&name)).unwrap();
    let (status, body) = raw_get(port, &format!("/resource/{name}")).await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = ResourceServerOptions::local(dir.path());
    options.http.header_read_timeout = Duration::from_millis(200);
    let server = ResourceServer::start(options).await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(server.local_addr()).await.unwrap();
    let started = Instant::now();
    stream.write_all(b"GET /resource/x HTTP/1.1\r\nHost: 127.0.0.1\r\n").await.unwrap();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the server kept a half-sent request open for 5 s");
    assert!(started.elapsed() >= Duration::from_millis(150), "closed too early: {:?}", started.elapsed());
    // A well-behaved client on the same server is still answered.
    assert_eq!(raw_get(server.local_addr().port(), "/resource/").await.0, 404);
}

#[tokio::test]
async fn files_expire_and_are_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = ResourceServerOptions::local(dir.path());
    options.ttl = Duration::from_millis(300);
    options.sweep_interval = Duration::from_millis(50);
    let server = ResourceServer::start(options).await.unwrap();
    let stored_at = Instant::now();
    let url = server.store(b"short-lived", Some("txt")).await.unwrap();
    let path = dir.path().join(url.rsplit('/').next().unwrap());
    assert_eq!(get(&url).await, (200, b"short-lived".to_vec()));
    assert!(path.exists());

    let deadline = Instant::now() + Duration::from_secs(5);
    while path.exists() || get(&url).await.0 != 404 {
        assert!(Instant::now() < deadline, "the file was still there 5 s after its 300 ms time to live");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(stored_at.elapsed() >= Duration::from_millis(300), "expired early: {:?}", stored_at.elapsed());
    assert_eq!(server.file_count(), 0);
}

#[tokio::test]
async fn files_of_an_earlier_run_are_served_while_young_and_deleted_when_old() {
    let dir = tempfile::tempdir().unwrap();
    let young = "00000000000000000000000000000001.txt";
    let old = "00000000000000000000000000000002.txt";
    let foreign = "keep-me.txt";
    for name in [young, old, foreign] {
        std::fs::write(dir.path().join(name), name).unwrap();
    }
    set_age(&dir.path().join(old), Duration::from_secs(7200));
    set_age(&dir.path().join(foreign), Duration::from_secs(7200));

    let server = ResourceServer::start(ResourceServerOptions::local(dir.path())).await.unwrap();
    assert!(!dir.path().join(old).exists(), "an expired leftover must be deleted");
    assert!(dir.path().join(foreign).exists(), "files not named by the server are left alone");
    let base = server.base_url();
    assert_eq!(get(&format!("{base}{young}")).await, (200, young.as_bytes().to_vec()));
    assert_eq!(get(&format!("{base}{foreign}")).await.0, 404);
}

fn set_age(path: &Path, age: Duration) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - age).unwrap();
}
