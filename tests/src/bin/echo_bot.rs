//! A bot with one command, `/echo <text>`, configured by the environment (`QQBOT_ONEBOT_URI` …): the process
//! the memory tests measure from outside.

use qqbot::prelude::*;

#[tokio::main]
async fn main() -> qqbot::Result<()> {
    App::from_env()?
        .command(BotCommand::new("echo").word("/echo").handler(|ctx: Ctx| async move { ctx.args().to_owned() }))
        .run()
        .await
}
