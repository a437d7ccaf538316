//! The accounts an adapter serves, and the queue that hands their events to the dispatcher.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use super::bot::{Caller, OneBotBot};
use super::link::WsLink;
use super::transport::http_api::HttpApiClient;
use crate::adapter::EventSink;
use crate::api::Bot;
use crate::event::Event;

/// One bot per account id. Looked up only when a connection sees an account it has not cached.
#[derive(Debug, Default)]
pub(crate) struct BotRegistry {
    bots: Mutex<HashMap<String, Arc<OneBotBot>>>,
}

impl BotRegistry {
    /// The bot of `self_id` over a WebSocket link.
    pub(crate) fn ws_bot(&self, self_id: &str, link: &Arc<WsLink>) -> Arc<dyn Bot> {
        self.get_or_insert(self_id, || Caller::Ws(link.clone()))
    }

    /// The bot of `self_id` over the HTTP API (or with no API at all).
    pub(crate) fn http_bot(&self, self_id: &str, client: Option<&Arc<HttpApiClient>>) -> Arc<OneBotBot> {
        self.get_or_insert_concrete(self_id, || match client {
            Some(c) => Caller::Http(c.clone()),
            None => Caller::None,
        })
    }

    fn get_or_insert(&self, self_id: &str, caller: impl FnOnce() -> Caller) -> Arc<dyn Bot> {
        self.get_or_insert_concrete(self_id, caller)
    }

    fn get_or_insert_concrete(&self, self_id: &str, caller: impl FnOnce() -> Caller) -> Arc<OneBotBot> {
        let mut bots = match self.bots.lock() {
            Ok(b) => b,
            Err(poisoned) => poisoned.into_inner(),
        };
        bots.entry(self_id.to_owned()).or_insert_with(|| Arc::new(OneBotBot::new(self_id, caller()))).clone()
    }
}

/// Hands events to the dispatcher in arrival order. While nothing is queued and the dispatcher has room, an event
/// goes straight to it from the connection's task; otherwise it waits in a bounded queue that a task of its own
/// drains, so a connection keeps reading (and matching responses) while the dispatcher applies back-pressure.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    sink: EventSink,
    tx: mpsc::Sender<(Arc<dyn Bot>, Event)>,
    /// Events queued or being handed over by the delivery task; the direct path is taken only at zero, so it
    /// never overtakes an earlier event.
    in_transit: Arc<AtomicUsize>,
}

impl Delivery {
    /// Starts the delivery task; it ends when every `Delivery` clone is dropped.
    pub(crate) fn spawn(sink: EventSink, capacity: usize) -> Delivery {
        let (tx, mut rx) = mpsc::channel::<(Arc<dyn Bot>, Event)>(capacity.max(1));
        let in_transit = Arc::new(AtomicUsize::new(0));
        let (task_sink, task_transit) = (sink.clone(), in_transit.clone());
        tokio::spawn(async move {
            while let Some((bot, event)) = rx.recv().await {
                task_sink.dispatch(bot, event).await;
                task_transit.fetch_sub(1, Ordering::AcqRel);
            }
        });
        Delivery { sink, tx, in_transit }
    }

    /// Hands an event over, waiting only when the queue is full.
    pub(crate) async fn deliver(&self, bot: Arc<dyn Bot>, event: Event) {
        let item = if self.in_transit.load(Ordering::Acquire) == 0 {
            // The common case: no backlog, so skip the queue and the extra task hop (lower latency).
            match self.sink.try_dispatch(bot, event) {
                Ok(_) => return,
                Err(busy) => (busy.bot, busy.event),
            }
        } else {
            (bot, event)
        };
        self.in_transit.fetch_add(1, Ordering::AcqRel);
        if let Err(mpsc::error::TrySendError::Full(item)) = self.tx.try_send(item) {
            let _ = self.tx.send(item).await;
        }
    }
}
