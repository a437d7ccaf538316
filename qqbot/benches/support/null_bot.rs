//! The bot the dispatch benchmarks reply through: it discards every reply, so only the framework is measured.

use std::any::Any;
use std::hint::black_box;

use futures_util::future::BoxFuture;
use qqbot::prelude::*;

/// A bot that discards replies, so only the framework is measured.
pub struct NullBot;

impl Bot for NullBot {
    fn platform(&self) -> Platform {
        Platform::Console
    }
    fn self_id(&self) -> &str {
        "10000"
    }
    fn send<'a>(&'a self, _: &'a Target, message: Message) -> BoxFuture<'a, qqbot::Result<String>> {
        black_box(message);
        Box::pin(async { Ok(String::new()) })
    }
    fn api(&self) -> &dyn Any {
        self
    }
}
