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

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use crate::adapter::EventSink;
use crate::api::Bot;
use crate::event::Event;

/// A queued event, boxed: the queue's channel allocates its slots in blocks of 32, and an unboxed event would
/// make each block about 10 KiB, which every connection with a queue would keep.
type Queued = Box<(Arc<dyn Bot>, Event)>;

/// Hands events to the dispatcher in arrival order. While nothing is queued and the dispatcher has room, an event
/// goes straight to it from the connection's task; otherwise it waits in a bounded queue that a task of its own
/// drains, so a connection keeps reading (and matching responses) while the dispatcher applies back-pressure.
///
/// The queue and its task are made by the first event that has to wait, not up front: a host with a thousand
/// accounts, most of them quiet, then pays for neither on the accounts that never build a backlog.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    sink: EventSink,
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The queue's sending side, once an event had to wait. Only this holds it, so the task ends with the last
    /// `Delivery` clone.
    queue: OnceLock<mpsc::Sender<Queued>>,
    capacity: usize,
    /// Events queued or being handed over by the delivery task; the direct path is taken only at zero, so it
    /// never overtakes an earlier event.
    in_transit: Arc<AtomicUsize>,
    /// This connection's share of the in-flight events.
    lane: Arc<Semaphore>,
}

impl Delivery {
    /// The delivery of one connection, with a queue of `capacity` events (made when first needed; its task ends
    /// when every `Delivery` clone is dropped).
    pub(crate) fn spawn(sink: EventSink, capacity: usize) -> Delivery {
        let lane = Arc::new(Semaphore::new(sink.config().bot.connection_share()));
        let inner = Inner { queue: OnceLock::new(), capacity: capacity.max(1), in_transit: Arc::default(), lane };
        Delivery { sink, inner: Arc::new(inner) }
    }

    /// The queue, started on first use.
    fn queue(&self) -> &mpsc::Sender<Queued> {
        self.inner.queue.get_or_init(|| {
            let (tx, mut rx) = mpsc::channel::<Queued>(self.inner.capacity);
            let (sink, in_transit, lane) = (self.sink.clone(), self.inner.in_transit.clone(), self.inner.lane.clone());
            tokio::spawn(async move {
                while let Some(item) = rx.recv().await {
                    let (bot, event) = *item;
                    let permit = lane.clone().acquire_owned().await.ok();
                    sink.dispatch_in_lane(permit, bot, event).await;
                    in_transit.fetch_sub(1, Ordering::AcqRel);
                }
            });
            tx
        })
    }

    /// Events queued or being handed over now (the flood tests read it through the OneBot queue gauges).
    pub(crate) fn queued(&self) -> usize {
        self.inner.in_transit.load(Ordering::Acquire)
    }

    /// A permit of this connection's lane, if one is free now.
    fn lane_permit(&self) -> Option<OwnedSemaphorePermit> {
        self.inner.lane.clone().try_acquire_owned().ok()
    }

    /// Hands an event over if that needs no waiting; gives it back when the queue is full, so a connection can
    /// keep its heartbeats (or answer "retry later") instead of waiting.
    pub(crate) fn try_deliver(&self, bot: Arc<dyn Bot>, event: Event) -> Result<(), Box<Undelivered>> {
        let item = match self.lane_permit().filter(|_| self.queued() == 0) {
            // The common case: no backlog and room in the lane, so skip the queue and the extra task hop.
            Some(lane) => match self.sink.try_dispatch_in_lane(Some(lane), bot, event) {
                Ok(_) => return Ok(()),
                Err(busy) => (busy.bot, busy.event),
            },
            None => (bot, event),
        };
        self.inner.in_transit.fetch_add(1, Ordering::AcqRel);
        match self.queue().try_send(Box::new(item)) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(item) | mpsc::error::TrySendError::Closed(item)) => {
                self.inner.in_transit.fetch_sub(1, Ordering::AcqRel);
                let (bot, event) = *item;
                Err(Box::new(Undelivered { bot, event }))
            }
        }
    }

    /// Hands an event over, waiting only when the queue is full.
    #[cfg_attr(not(feature = "official"), allow(dead_code))] // OneBot connections wait through `deliver_later`
    pub(crate) async fn deliver(&self, bot: Arc<dyn Bot>, event: Event) {
        if let Err(item) = self.try_deliver(bot, event) {
            // Boxed: the wait is rare, and its future would otherwise make every connection task larger.
            Box::pin(self.deliver_later(*item)).await;
        }
    }

    /// Waits for room in the queue for an event [`Delivery::try_deliver`] gave back.
    pub(crate) async fn deliver_later(&self, item: Undelivered) {
        self.inner.in_transit.fetch_add(1, Ordering::AcqRel);
        if self.queue().send(Box::new((item.bot, item.event))).await.is_err() {
            // The delivery task is gone: the app is shutting down.
            self.inner.in_transit.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// An event the queue had no room for, handed back by [`Delivery::try_deliver`].
#[derive(Debug)]
pub(crate) struct Undelivered {
    pub(crate) bot: Arc<dyn Bot>,
    pub(crate) event: Event,
}
