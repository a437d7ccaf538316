//! The console sandbox: chat with the bot in a terminal, no account needed.
//!
//! In a terminal it is interactive: you type as a group member and see the bot's replies, and a few console
//! commands (`:help` lists them) switch scene, role and mentions, and simulate notices (`:join`, `:poke` …) for
//! `#[on_event]` handlers. When standard input is not a terminal it reads one message per line, prints every reply,
//! waits for the handlers of each line, and at end of input waits for every handler (a conversation still waiting
//! for a reply ends with its timeout) before it exits:
//!
//! ```text
//! printf '你好\n/echo 测试\n' | cargo run --example hello
//! ```

mod account;
mod state;

pub use account::ConsoleBot;
pub use state::{ConsoleConfig, ConsoleState};

use std::io::IsTerminal;
use std::sync::Arc;

use futures_util::future::BoxFuture;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, BufReader};

use super::{Adapter, EventSink};
use crate::error::Result;
use crate::i18n::Lang;

/// Where the console writes replies.
pub type ConsoleOutput = Arc<std::sync::Mutex<dyn std::io::Write + Send>>;

/// The console sandbox adapter.
pub struct ConsoleAdapter {
    config: ConsoleConfig,
    interactive: Option<bool>,
    input: Option<Box<dyn AsyncBufRead + Send + Unpin>>,
    output: Option<ConsoleOutput>,
}

impl std::fmt::Debug for ConsoleAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleAdapter").field("config", &self.config).field("interactive", &self.interactive).finish()
    }
}

impl Default for ConsoleAdapter {
    fn default() -> Self {
        ConsoleAdapter::new(ConsoleConfig::default())
    }
}

impl ConsoleAdapter {
    /// A console adapter on standard input and output.
    pub fn new(config: ConsoleConfig) -> Self {
        ConsoleAdapter { config, interactive: None, input: None, output: None }
    }

    /// Forces interactive (banner, prompt) or scripted (replies only) mode instead of detecting a terminal.
    pub fn interactive(mut self, interactive: bool) -> Self {
        self.interactive = Some(interactive);
        self
    }

    /// Reads lines from `input` and writes replies to `output` instead of the standard streams (scripted mode
    /// unless [`ConsoleAdapter::interactive`] says otherwise). Tests drive the sandbox this way.
    pub fn with_io(mut self, input: impl AsyncBufRead + Send + Unpin + 'static, output: ConsoleOutput) -> Self {
        self.input = Some(Box::new(input));
        self.output = Some(output);
        self
    }
}

impl Adapter for ConsoleAdapter {
    fn name(&self) -> &str {
        "console"
    }

    fn run(self: Box<Self>, sink: EventSink) -> BoxFuture<'static, Result<()>> {
        Box::pin(async move {
            let ConsoleAdapter { config, interactive, input, output } = *self;
            let interactive = interactive.unwrap_or_else(|| input.is_none() && std::io::stdin().is_terminal());
            let output: ConsoleOutput = output.unwrap_or_else(|| Arc::new(std::sync::Mutex::new(std::io::stdout())));
            let bot = Arc::new(ConsoleBot::new(config.self_id.clone(), interactive, output.clone()));
            // The console account is connected from the start: scheduled jobs send through it.
            sink.add_account(bot.clone());
            let mut state = ConsoleState::new(config);
            let lang = sink.lang();
            let say = |text: &str| {
                if let Ok(mut out) = output.lock() {
                    let _ = writeln!(out, "{text}");
                    let _ = out.flush();
                }
            };
            let prompt = |state: &ConsoleState| {
                if let Ok(mut out) = output.lock() {
                    let _ = write!(out, "{}", state.prompt());
                    let _ = out.flush();
                }
            };
            if interactive {
                say(&banner(lang, &state));
                prompt(&state);
            }
            let input: Box<dyn AsyncBufRead + Send + Unpin> = match input {
                Some(input) => input,
                None => Box::new(BufReader::new(tokio::io::stdin())),
            };
            let mut lines = input.lines();
            let mut input_ended = false;
            loop {
                let line = tokio::select! {
                    line = lines.next_line() => line?,
                    _ = sink.shutdown_signal() => None,
                };
                let Some(line) = line else {
                    input_ended = !sink.is_shutting_down();
                    break;
                };
                match state.interpret(&line, lang) {
                    state::Input::Quit => break,
                    state::Input::Said(text) => {
                        if interactive {
                            say(&text);
                        }
                    }
                    state::Input::Nothing => {}
                    state::Input::Wait(by) => {
                        let moved = sink.clock().skip(by);
                        // Jobs that fell due wake up, run and print in their own tasks: give them a moment so their
                        // messages come before the next line's.
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        sink.idle().await;
                        if interactive || !moved {
                            say(&waited(lang, by, moved));
                        }
                    }
                    state::Input::Message(event) | state::Input::Notice(event) => {
                        let handle = sink.dispatch(bot.clone(), *event).await;
                        handle.settled().await;
                    }
                }
                if interactive {
                    prompt(&state);
                }
            }
            if input_ended {
                // The input is all said, but a handler may still be waiting for a reply: let it finish or time out
                // rather than cancel it (returning starts the app's shutdown). Ctrl-C still cuts this short.
                tokio::select! {
                    _ = sink.idle() => {}
                    _ = sink.shutdown_signal() => {}
                }
            }
            Ok(())
        })
    }
}

fn waited(lang: Lang, by: std::time::Duration, moved: bool) -> String {
    let secs = by.as_secs();
    match (lang == Lang::ZhCn, moved) {
        (true, true) => format!("（时间快进了 {secs} 秒）"),
        (false, true) => format!("(time moved forward by {secs} s)"),
        (true, false) => "（这个应用的时钟不能快进）".to_owned(),
        (false, false) => "(this app's clock cannot be moved forward)".to_owned(),
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
