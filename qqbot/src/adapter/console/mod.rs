//! The console sandbox: chat with the bot in a terminal, no account needed.
//!
//! In a terminal it is interactive: you type as a group member and see the bot's replies, and a few console
//! commands (`:help` lists them) switch scene, role and mentions. When standard input is not a terminal it reads one
//! message per line, prints every reply, waits for the handlers of each line, and exits at end of input:
//!
//! ```text
//! printf '你好\n/echo 测试\n' | cargo run --example hello
//! ```

mod bot;
mod state;

pub use bot::ConsoleBot;
pub use state::{ConsoleConfig, ConsoleState};

use std::io::IsTerminal;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use tokio::io::{AsyncBufReadExt, BufReader};

use super::{Adapter, EventSink};
use crate::error::Result;
use crate::i18n::Lang;

/// The console sandbox adapter.
#[derive(Debug, Clone, Default)]
pub struct ConsoleAdapter {
    config: ConsoleConfig,
    interactive: Option<bool>,
}

impl ConsoleAdapter {
    /// A console adapter with the given settings.
    pub fn new(config: ConsoleConfig) -> Self {
        ConsoleAdapter { config, interactive: None }
    }

    /// Forces interactive (banner, prompt) or scripted (replies only) mode instead of detecting a terminal.
    pub fn interactive(mut self, interactive: bool) -> Self {
        self.interactive = Some(interactive);
        self
    }
}

impl Adapter for ConsoleAdapter {
    fn name(&self) -> &str {
        "console"
    }

    fn run(self: Box<Self>, sink: EventSink) -> BoxFuture<'static, Result<()>> {
        Box::pin(async move {
            let interactive = self.interactive.unwrap_or_else(|| std::io::stdin().is_terminal());
            let bot = Arc::new(ConsoleBot::stdout(self.config.self_id.clone(), interactive));
            let mut state = ConsoleState::new(self.config.clone());
            let lang = sink.lang();
            if interactive {
                println!("{}", banner(lang, &state));
                state.print_prompt();
            }
            let mut lines = BufReader::new(tokio::io::stdin()).lines();
            loop {
                let line = tokio::select! {
                    line = lines.next_line() => line?,
                    _ = sink.shutdown_signal() => None,
                };
                let Some(line) = line else { break };
                match state.interpret(&line, lang) {
                    state::Input::Quit => break,
                    state::Input::Said(text) => {
                        if interactive {
                            println!("{text}");
                        }
                    }
                    state::Input::Nothing => {}
                    state::Input::Message(event) => {
                        let handle = sink.dispatch(bot.clone(), event).await;
                        handle.settled().await;
                    }
                }
                if interactive {
                    state.print_prompt();
                }
            }
            Ok(())
        })
    }
}

fn banner(lang: Lang, state: &ConsoleState) -> String {
    let _ = lang;
    format!(
        "qqbot 控制台沙盒 / console sandbox\n\
         你现在是 {} 中的{}，直接输入消息即可与机器人对话。\n\
         You are {} — type a message to talk to the bot.\n\
         {}",
        state.where_zh(),
        state.role_zh(),
        state.where_en(),
        state::HELP
    )
}
