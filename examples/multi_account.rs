//! 多账号：一个进程里跑两个官方机器人，共用一个资源服务器。
//! Two official bot accounts in one process sharing one resource server (as in AmiyaBot, the resource server is one
//! per port, so every account configured with the same port uses the same server and folder).
//!
//! ```text
//! cargo run --example multi_account
//! ```
//!
//! With accounts configured (`qqbot.toml` below, see docs/src/official.md) it runs them as a real bot: `@bot /cat`
//! in a group answers with a picture, served from the shared resource server.
//!
//! ```toml
//! [official.resource]                        # shared by every account below
//! port = 8086
//! public_url = "https://bot.example.com:8086"
//!
//! [[official.accounts]]
//! appid = "102000001"
//! secret = "…"
//!
//! [[official.accounts]]
//! appid = "102000002"
//! secret = "…"
//! ```
//!
//! Without any (no `[official]` table, `QQBOT_APPID` unset) it demonstrates the same shape against two fake
//! platforms on loopback (`qqbot::testing::official`): it builds both accounts from that configuration, sends one
//! picture reply per account, checks that both uploads point at the same resource server and that the server
//! serves each picture, prints what happened and exits.

use std::path::Path;

use qqbot::adapter::official::OfficialConfig;
use qqbot::config::Config;
use qqbot::prelude::*;
use qqbot::testing::official::{APPID, FakeOfficial, RecordedRequest, SECRET, spawn_configured};

/// `/cat`: answers with the picture at `path`.
fn cat_command(path: String) -> BotCommand {
    BotCommand::new("cat").word("/cat").scenes(Scene::GROUP | Scene::C2C).help("发一张猫图").handler(move |_: Ctx| {
        let path = path.clone();
        async move { Message::new().text("喵").image(path) }
    })
}

fn is_post(suffix: &'static str) -> impl Fn(&RecordedRequest) -> bool {
    move |r| r.method == "POST" && r.path.ends_with(suffix)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    qqbot::logging::init();
    let work = std::env::temp_dir().join(format!("qqbot-multi-account-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let picture = work.join("cat.png");
    std::fs::write(&picture, b"\x89PNG\r\n\x1a\n(a cat)")?;

    let config = Config::load()?;
    if !OfficialConfig::accounts_from_config(&config)?.is_empty() {
        println!("running the configured accounts; press Ctrl-C to stop");
        let app = App::new().with_config(config)?.command(cat_command(picture.display().to_string()));
        return Ok(app.run().await?);
    }

    let result = demonstrate(&work, &picture).await;
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// Two accounts on two fake platforms, built from one `qqbot.toml`-shaped configuration.
async fn demonstrate(work: &Path, picture: &Path) -> Result<(), Box<dyn std::error::Error>> {
    println!("no account configured (QQBOT_APPID unset): demonstrating with two fake platforms on loopback");
    let fakes = [FakeOfficial::start().await?, FakeOfficial::start().await?];
    // A free port for the shared server (port 0 would give each account a server of its own).
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut toml = format!(
        "[official.resource]\nhost = \"127.0.0.1\"\nport = {port}\nresource_path = {:?}\n",
        work.join("resource").display().to_string()
    );
    for fake in &fakes {
        toml.push_str(&format!(
            "\n[[official.accounts]]\nappid = {APPID:?}\nsecret = {SECRET:?}\napi_base = {:?}\ntoken_url = {:?}\n",
            fake.api_base(),
            format!("{}/app/getAppAccessToken", fake.api_base()),
        ));
    }
    let config = Config::from_toml(&toml)?;
    let app = App::empty().command(cat_command(picture.display().to_string())).with_config(config)?;
    let running = spawn_configured(app)?;

    let expected = std::fs::read(picture)?;
    let client = qqbot::tls::http_client().build()?;
    let mut origins = Vec::new();
    for (i, fake) in fakes.iter().enumerate() {
        let account = i + 1;
        if !fake.wait_ready(1).await {
            return Err(format!("account {account} never connected to its fake platform").into());
        }
        let group = format!("GROUP{account}");
        fake.dispatch("GROUP_AT_MESSAGE_CREATE", fake.group_at_message(&group, "MEMBER", "/cat"));
        let sent = fake.wait_requests(is_post("/messages"), 1).await;
        let Some(message) = sent.first() else {
            return Err(format!("account {account} sent no reply").into());
        };
        let uploads: Vec<RecordedRequest> = fake.requests().into_iter().filter(is_post("/files")).collect();
        let Some(url) = uploads.first().and_then(|u| u.body["url"].as_str()).map(str::to_owned) else {
            return Err(format!("account {account} uploaded no picture by URL: {uploads:?}").into());
        };
        let served = client.get(&url).send().await?.error_for_status()?.bytes().await?;
        if served.as_ref() != expected.as_slice() {
            return Err(format!("{url} served other bytes than the picture").into());
        }
        println!("account {account}: uploaded {url} to {}", uploads[0].path);
        println!(
            "account {account}: replied msg_type {} with media {}",
            message.body["msg_type"], message.body["media"]
        );
        origins.push(url.rsplit_once('/').map_or(url.clone(), |(base, _)| base.to_owned()));
    }
    running.stop().await?;
    if origins.windows(2).any(|pair| pair[0] != pair[1]) {
        return Err(format!("the accounts used different resource servers: {origins:?}").into());
    }
    println!("both accounts share one resource server: {}/", origins[0]);
    Ok(())
}
