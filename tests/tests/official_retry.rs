//! The official gateway reconnects under `[official.retry_config]` and stops with a clear error when it gives up.

use std::time::Duration;

use qqbot::adapter::official::{OfficialAdapter, OfficialConfig};
use qqbot::prelude::*;

/// A loopback port nobody listens on: bound, then closed.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    port
}

#[test]
fn retry_config_is_read_from_the_official_table() {
    let config = qqbot::config::Config::from_toml(
        "[official]\nappid = \"1\"\nsecret = \"s\"\n[official.retry_config]\nstop_after_attempt = 2\nwait_fixed = 0.5\n",
    )
    .expect("valid toml");
    let official: OfficialConfig = config.section("official").expect("valid [official]").expect("present");
    let policy = official.retry_config.expect("retry_config read");
    assert!(!policy.should_stop(1, Duration::ZERO));
    assert!(policy.should_stop(2, Duration::ZERO));
}

#[tokio::test]
async fn the_gateway_gives_up_when_the_policy_says_so() {
    let port = closed_port();
    let config = qqbot::config::Config::from_toml(&format!(
        "[official]\nappid = \"1\"\nsecret = \"s\"\napi_base = \"http://127.0.0.1:{port}\"\n\
         token_url = \"http://127.0.0.1:{port}/app/getAppAccessToken\"\n\
         [official.retry_config]\nstop_after_attempt = 2\nwait_fixed = 0\n"
    ))
    .expect("valid toml");
    let mut official: OfficialConfig = config.section("official").expect("valid").expect("present");
    official.resource = None;
    let adapter = OfficialAdapter::new(official).expect("complete config");
    let app = App::empty().adapter(adapter);
    let result = tokio::time::timeout(Duration::from_secs(20), app.run()).await.expect("gives up in time");
    let err = result.expect_err("the adapter stops with an error").to_string();
    assert!(err.contains("gave up reconnecting") && err.contains("retry_config"), "{err}");
}
