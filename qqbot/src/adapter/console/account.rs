//! The console's [`Bot`]: prints replies to standard output (or collects them, for tests).

use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::future::BoxFuture;

use super::ConsoleOutput;
use crate::api::{Bot, Target};
use crate::error::Result;
use crate::event::Platform;
use crate::message::Message;

/// The console sandbox's bot account.
pub struct ConsoleBot {
    self_id: String,
    interactive: bool,
    output: ConsoleOutput,
    next_id: AtomicU64,
}

impl std::fmt::Debug for ConsoleBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleBot").field("self_id", &self.self_id).finish_non_exhaustive()
    }
}

impl ConsoleBot {
    /// A bot that writes replies to `output`; interactive mode prefixes them with the scene.
    pub fn new(self_id: impl Into<String>, interactive: bool, output: ConsoleOutput) -> Self {
        ConsoleBot { self_id: self_id.into(), interactive, output, next_id: AtomicU64::new(1) }
    }

    fn print(&self, text: &str) {
        if let Ok(mut out) = self.output.lock() {
            let _ = writeln!(out, "{text}");
            let _ = out.flush();
        }
    }

    fn print_message(&self, target: &Target, message: &Message) {
        if self.interactive {
            self.print(&format!("\r🤖 [{target}] {message}"));
        } else {
            self.print(&message.to_string());
        }
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
            self.print_message(target, &message);
            Ok(format!("console-{}", self.next_id.fetch_add(1, Ordering::Relaxed)))
        })
    }

    fn recall<'a>(&'a self, target: &'a Target, message_id: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            if self.interactive {
                self.print(&format!("\r🤖 [{target}] (撤回了消息 / recalled {message_id})"));
            }
            Ok(())
        })
    }

    fn api(&self) -> &dyn Any {
        self
    }
}
