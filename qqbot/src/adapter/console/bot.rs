//! The console's [`Bot`]: prints replies to standard output (or collects them, for tests).

use std::any::Any;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::future::BoxFuture;

use crate::api::{Bot, Target};
use crate::error::Result;
use crate::event::Platform;
use crate::message::Message;

/// The console sandbox's bot account.
#[derive(Debug)]
pub struct ConsoleBot {
    self_id: String,
    interactive: bool,
    next_id: AtomicU64,
}

impl ConsoleBot {
    /// A bot that prints to standard output; interactive mode prefixes replies with the bot's name and scene.
    pub fn stdout(self_id: impl Into<String>, interactive: bool) -> Self {
        ConsoleBot { self_id: self_id.into(), interactive, next_id: AtomicU64::new(1) }
    }

    fn print(&self, target: &Target, message: &Message) {
        let text = message.to_string();
        let mut out = std::io::stdout().lock();
        let _ = if self.interactive { writeln!(out, "\r🤖 [{target}] {text}") } else { writeln!(out, "{text}") };
        let _ = out.flush();
    }
}

impl Bot for ConsoleBot {
    fn platform(&self) -> Platform {
        Platform::Console
    }

    fn self_id(&self) -> &str {
        &self.self_id
    }

    fn send<'a>(&'a self, target: &'a Target, message: Message) -> BoxFuture<'a, Result<String>> {
        Box::pin(async move {
            self.print(target, &message);
            Ok(format!("console-{}", self.next_id.fetch_add(1, Ordering::Relaxed)))
        })
    }

    fn recall<'a>(&'a self, target: &'a Target, message_id: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            if self.interactive {
                println!("\r🤖 [{target}] (撤回了消息 / recalled {message_id})");
            }
            Ok(())
        })
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
