//! A bot with `/echo <text>`, configured by the environment (`QQBOT_ONEBOT_URI` …): the process the memory tests
//! measure from outside. It counts its heap: `/mem` answers `<live bytes> <peak bytes>` and `/mem reset` starts a
//! new peak, so a test reads what the bot's code allocates, apart from what the allocator keeps cached.

use qqbot::prelude::*;
use qqbot::testing::CountingAllocator;

#[global_allocator]
static HEAP: CountingAllocator = CountingAllocator::new();

#[tokio::main]
async fn main() -> qqbot::Result<()> {
    App::from_env()?
        .command(BotCommand::new("echo").word("/echo").handler(|ctx: Ctx| async move { ctx.args().to_owned() }))
        .command(BotCommand::new("mem").word("/mem").handler(|ctx: Ctx| async move {
            if ctx.args() == "reset" {
                HEAP.reset_peak();
            }
            format!("{} {}", HEAP.live(), HEAP.peak())
        }))
        .run()
        .await
}
