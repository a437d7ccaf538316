//! A [`Bot`] that records what it is asked to send.

use std::any::Any;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::future::BoxFuture;
use tokio::sync::Notify;

use crate::api::{Bot, Target};
use crate::error::Result;
use crate::event::{Event, Platform};
use crate::message::Message;

/// One message the app sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    /// Where it went.
    pub target: Target,
    /// What it said.
    pub message: Message,
    /// The id of the event it replied to (`None` for proactive sends).
    pub in_reply_to: Option<String>,
}

/// A bot that records every message instead of sending it.
#[derive(Debug)]
pub struct RecordingBot {
    self_id: String,
    sent: Mutex<Vec<Sent>>,
    notify: Notify,
    next_id: AtomicU64,
}

impl RecordingBot {
    /// A recording bot for account `self_id`.
    pub fn new(self_id: impl Into<String>) -> Self {
        RecordingBot {
            self_id: self_id.into(),
            sent: Mutex::new(Vec::new()),
            notify: Notify::new(),
            next_id: AtomicU64::new(1),
        }
    }

    /// Everything sent so far.
    pub fn sent(&self) -> Vec<Sent> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Forgets what was sent.
    pub fn clear(&self) {
        if let Ok(mut s) = self.sent.lock() {
            s.clear();
        }
    }

    /// Waits until at least `n` messages were sent in all, or `timeout` passes. Returns whether they were.
    pub async fn wait_for(&self, n: usize, timeout: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.notify.notified();
            if self.sent.lock().map(|s| s.len()).unwrap_or(0) >= n {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return false;
            }
        }
    }

    fn record(&self, sent: Sent) -> String {
        if let Ok(mut s) = self.sent.lock() {
            s.push(sent);
        }
        self.notify.notify_waiters();
        format!("sent-{}", self.next_id.fetch_add(1, Ordering::Relaxed))
    }
}

impl Bot for RecordingBot {
    fn platform(&self) -> Platform {
        Platform::Console
    }

    fn self_id(&self) -> &str {
        &self.self_id
    }

    fn send<'a>(&'a self, target: &'a Target, message: Message) -> BoxFuture<'a, Result<String>> {
        Box::pin(async move { Ok(self.record(Sent { target: target.clone(), message, in_reply_to: None })) })
    }

    fn reply<'a>(&'a self, event: &'a Event, message: Message) -> BoxFuture<'a, Result<String>> {
        Box::pin(async move {
            let (target, id) = match event {
                Event::Message(m) => (m.target(), m.message_id.clone()),
                Event::Notice(n) => {
                    let target = match (n.group_id(), n.user_id()) {
                        (Some(g), _) => Target::Group(g.to_owned()),
                        (None, Some(u)) => Target::Private(u.to_owned()),
                        (None, None) => {
                            return Err(crate::Error::Unsupported {
                                platform: Platform::Console,
                                what: "replying to an event that names no group or user".into(),
                            });
                        }
                    };
                    (target, n.event_id.clone().unwrap_or_default())
                }
            };
            Ok(self.record(Sent { target, message, in_reply_to: Some(id) }))
        })
    }

    fn api(&self) -> &dyn Any {
        self
    }
}
