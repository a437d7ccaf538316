//! Several official accounts in one process: `[[official.accounts]]` inherit `[official]`, `from_config` builds
//! one adapter per account, and they share one resource server per port.

use qqbot::adapter::official::{OfficialAdapter, OfficialConfig};
use qqbot::config::Config;
use qqbot::prelude::*;
use qqbot::testing::official::{APPID, FakeOfficial, RecordedRequest, SECRET, spawn_configured};

fn is_post(suffix: &'static str) -> impl Fn(&RecordedRequest) -> bool {
    move |r| r.method == "POST" && r.path.ends_with(suffix)
}

#[test]
fn the_single_account_form_still_works() {
    let c = Config::from_toml("[official]\nappid = \"1\"\nsecret = \"s\"\n[official.resource]\nport = 9001").unwrap();
    let accounts = OfficialConfig::accounts_from_config(&c).unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].resource.as_ref().unwrap().port, 9001);
    assert_eq!(OfficialConfig::from_config(&c).unwrap().unwrap().appid, "1");
    assert_eq!(qqbot::adapter::from_config(&c).unwrap().len(), 1);
    // No [official] table and no QQBOT_APPID: no account.
    assert!(OfficialConfig::accounts_from_config(&Config::from_toml("").unwrap()).unwrap().is_empty());
}

#[test]
fn listed_accounts_inherit_the_official_table() {
    let c = Config::from_toml(
        "[official]\nsandbox = true\n[official.resource]\nport = 9002\nttl_secs = 60\n\
         [[official.accounts]]\nappid = \"1\"\nsecret = \"a\"\n\
         [[official.accounts]]\nappid = \"2\"\nsecret = \"b\"\nsandbox = false\n[official.accounts.resource]\nttl_secs = 30",
    )
    .unwrap();
    let accounts = OfficialConfig::accounts_from_config(&c).unwrap();
    let summary: Vec<(&str, bool, u16, u64)> = accounts
        .iter()
        .map(|a| {
            let r = a.resource.as_ref().unwrap();
            (a.appid.as_str(), a.sandbox, r.port, r.ttl.as_secs())
        })
        .collect();
    assert_eq!(summary, vec![("1", true, 9002, 60), ("2", false, 9002, 30)]);
    assert_eq!(OfficialAdapter::all_from_config(&c).unwrap().len(), 2);
    assert_eq!(qqbot::adapter::from_config(&c).unwrap().len(), 2);
    let err = OfficialConfig::from_config(&c).unwrap_err().to_string();
    assert!(err.contains("accounts_from_config"), "{err}");
}

#[test]
fn bad_account_lists_say_what_to_fix() {
    let err =
        |toml: &str| OfficialConfig::accounts_from_config(&Config::from_toml(toml).unwrap()).unwrap_err().to_string();
    let e = err("[official]\naccounts = 3");
    assert!(e.contains("[[official.accounts]]"), "{e}");
    let e = err("[official]\naccounts = [1]");
    assert!(e.contains("entry 1 is not a table"), "{e}");
    let e = err("[[official.accounts]]\nappid = \"1\"\nsecret = \"a\"\n[[official.accounts]]\nappid = \"2\"");
    assert!(e.contains("QQBOT_SECRET") || e.contains("secret"), "{e}");
    let e = err("[[official.accounts]]\nappid = \"1\"\nsecret = \"a\"\nappdi = 1");
    assert!(e.contains("entry 1") && e.contains("appdi"), "{e}");
    let e =
        err("[official]\nwebhook_listen = \"127.0.0.1:8443\"\n[[official.accounts]]\nappid = \"1\"\nsecret = \"a\"\n\
         [[official.accounts]]\nappid = \"2\"\nsecret = \"b\"");
    assert!(e.contains("already used by account 1"), "{e}");
}

#[tokio::test]
async fn two_accounts_share_one_resource_server() {
    let dir = tempfile::tempdir().unwrap();
    let picture = dir.path().join("cat.png");
    let bytes = b"\x89PNG\r\n\x1a\nshared".to_vec();
    std::fs::write(&picture, &bytes).unwrap();
    let fakes = [FakeOfficial::start().await.unwrap(), FakeOfficial::start().await.unwrap()];
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut toml = format!(
        "[official.resource]\nhost = \"127.0.0.1\"\nport = {port}\nresource_path = {:?}\n",
        dir.path().join("resource").display().to_string()
    );
    for fake in &fakes {
        toml.push_str(&format!(
            "[[official.accounts]]\nappid = {APPID:?}\nsecret = {SECRET:?}\napi_base = {:?}\ntoken_url = \"{}/app/getAppAccessToken\"\n",
            fake.api_base(),
            fake.api_base()
        ));
    }
    let path = picture.display().to_string();
    let app = App::empty()
        .command(BotCommand::new("cat").word("/cat").handler(move |_: Ctx| {
            let path = path.clone();
            async move { Message::new().image(path) }
        }))
        .with_config(Config::from_toml(&toml).unwrap())
        .unwrap();
    let running = spawn_configured(app).unwrap();
    let mut urls = Vec::new();
    for (i, fake) in fakes.iter().enumerate() {
        assert!(fake.wait_ready(1).await, "account {i} never identified");
        fake.dispatch("GROUP_AT_MESSAGE_CREATE", fake.group_at_message("G", "M", "/cat"));
        let sent = fake.wait_requests(is_post("/messages"), 1).await;
        assert_eq!(sent[0].body["msg_type"], 7);
        let uploads: Vec<_> = fake.requests().into_iter().filter(is_post("/files")).collect();
        let url = uploads[0].body["url"].as_str().unwrap().to_owned();
        let client = qqbot::tls::http_client().build().unwrap();
        assert!(url.starts_with(&format!("http://127.0.0.1:{port}/resource/")), "{url}");
        let served = client.get(&url).send().await.unwrap().bytes().await.unwrap();
        assert_eq!(served.as_ref(), bytes.as_slice());
        urls.push(url);
    }
    assert_ne!(urls[0], urls[1], "each upload got its own file");
    running.stop().await.unwrap();
}
