//! The one delivery path: how every adapter hands its events to the dispatcher.
//!
//! A read, heartbeat or acknowledgement loop never waits on a handler: while nothing is queued and the
//! dispatcher has room, an event goes straight to it from the connection's task; otherwise it waits in a bounded
//! queue that a task of its own drains, in arrival order.
//!
//! Each connection has its own `Delivery`, and with it its own lane: at most `[bot] max_in_flight_per_connection`
//! of its events are handled at once. An implementation that floods and then stops answering (a frozen NapCat)
//! fills only its own lane and its own queue, then its own connection stops reading; every other account keeps
//! its share of the dispatcher.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use crate::adapter::EventSink;
use crate::api::Bot;
use crate::event::Event;

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
    /// This connection's share of the in-flight events.
    lane: Arc<Semaphore>,
}

impl Delivery {
    /// Starts the delivery task of one connection; it ends when every `Delivery` clone is dropped.
    pub(crate) fn spawn(sink: EventSink, capacity: usize) -> Delivery {
        let (tx, mut rx) = mpsc::channel::<(Arc<dyn Bot>, Event)>(capacity.max(1));
        let in_transit = Arc::new(AtomicUsize::new(0));
        let lane = Arc::new(Semaphore::new(sink.config().bot.connection_share()));
        let (task_sink, task_transit, task_lane) = (sink.clone(), in_transit.clone(), lane.clone());
        tokio::spawn(async move {
            while let Some((bot, event)) = rx.recv().await {
                let permit = task_lane.clone().acquire_owned().await.ok();
                task_sink.dispatch_in_lane(permit, bot, event).await;
                task_transit.fetch_sub(1, Ordering::AcqRel);
            }
        });
        Delivery { sink, tx, in_transit, lane }
    }

    /// A permit of this connection's lane, if one is free now.
    fn lane_permit(&self) -> Option<OwnedSemaphorePermit> {
        self.lane.clone().try_acquire_owned().ok()
    }

    /// Hands an event over if that needs no waiting; gives it back when the queue is full, so a connection can
    /// keep its heartbeats (or answer "retry later") instead of waiting.
    pub(crate) fn try_deliver(&self, bot: Arc<dyn Bot>, event: Event) -> Result<(), Box<Undelivered>> {
        let item = match self.lane_permit().filter(|_| self.in_transit.load(Ordering::Acquire) == 0) {
            // The common case: no backlog and room in the lane, so skip the queue and the extra task hop.
            Some(lane) => match self.sink.try_dispatch_in_lane(Some(lane), bot, event) {
                Ok(_) => return Ok(()),
                Err(busy) => (busy.bot, busy.event),
            },
            None => (bot, event),
        };
        self.in_transit.fetch_add(1, Ordering::AcqRel);
        match self.tx.try_send(item) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full((bot, event)) | mpsc::error::TrySendError::Closed((bot, event))) => {
                self.in_transit.fetch_sub(1, Ordering::AcqRel);
                Err(Box::new(Undelivered { bot, event }))
            }
        }
    }

    /// Hands an event over, waiting only when the queue is full.
    pub(crate) async fn deliver(&self, bot: Arc<dyn Bot>, event: Event) {
        if let Err(item) = self.try_deliver(bot, event) {
            self.deliver_later(*item).await;
        }
    }

    /// Waits for room in the queue for an event [`Delivery::try_deliver`] gave back.
    pub(crate) async fn deliver_later(&self, item: Undelivered) {
        self.in_transit.fetch_add(1, Ordering::AcqRel);
        if self.tx.send((item.bot, item.event)).await.is_err() {
            // The delivery task is gone: the app is shutting down.
            self.in_transit.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// An event the queue had no room for, handed back by [`Delivery::try_deliver`].
#[derive(Debug)]
pub(crate) struct Undelivered {
    pub(crate) bot: Arc<dyn Bot>,
    pub(crate) event: Event,
}
