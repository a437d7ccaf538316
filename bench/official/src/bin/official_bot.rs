//! The qqbot side of the official benchmark: a bot with one `/echo` command on the official adapter, configured by
//! the environment exactly like `examples/official_group.rs` (`QQBOT_APPID`, `QQBOT_SECRET`, `QQBOT_API_BASE`,
//! `QQBOT_TOKEN_URL`, and `QQBOT_WEBHOOK_LISTEN` for webhook mode or `QQBOT_GATEWAY_URL` for the gateway).
//!
//! It starts no resource server (it sends no media), so several benchmark runs never compete for port 8086.

use qqbot::adapter::official::{OfficialAdapter, OfficialConfig};
use qqbot::prelude::*;

#[tokio::main]
async fn main() -> qqbot::Result<()> {
    let mut config = OfficialConfig::new("", "");
    config.apply_env(|k| std::env::var(k).ok())?;
    config.resource = None;
    App::empty()
        .command(BotCommand::new("echo").word("/echo").handler(|ctx: Ctx| async move { ctx.args().to_owned() }))
        .adapter(OfficialAdapter::new(config)?)
        .run()
        .await
}
