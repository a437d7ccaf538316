//! The hello bot: run it and chat with it in the console sandbox.
//!
//! ```text
//! cargo run --example hello
//! printf '你好\n/echo 测试 123\n1+2\n/help\n' | cargo run --example hello
//! ```
//!
//! With a `qqbot.toml` (or `QQBOT_ONEBOT_URI`, `QQBOT_APPID` …) the same bot runs on QQ.

#[path = "common/hello_commands.rs"]
mod hello_commands;

#[tokio::main]
async fn main() -> qqbot::Result<()> {
    qqbot::App::from_env()?.state(hello_commands::CheckIns::default()).run().await
}
