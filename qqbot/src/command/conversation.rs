//! Conversations: a handler waits for the next message of the same user in the same conversation (or of anyone
//! there), while every other user and command keeps being served.
//!
//! The dispatcher offers each message to the [`Waiters`] registry before anything else. When nobody waits —
//! nearly always — that costs one atomic load. Otherwise the message's conversation key is looked up in a hash
//! map; a waiting handler whose filter accepts the message takes it, and the message goes to no command. The
//! taking event's handling then lasts until the resumed handler settles again (waits again or finishes), so the
//! console sandbox and the test kit see its replies as answers to that message.

use std::collections::{HashMap, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::oneshot;

use super::ctx::Ctx;
use crate::api::Target;
use crate::error::{Error, Result};
use crate::event::{Event, MessageEvent, Platform};
use crate::message::Message;

type Filter = Box<dyn Fn(&MessageEvent) -> bool + Send + Sync>;

/// Who a waiter listens to: one account's view of one conversation, and one user in it or anyone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ConvKey {
    platform: Platform,
    self_id: String,
    target: Target,
    user: Option<String>,
}

impl ConvKey {
    fn of(m: &MessageEvent, same_user: bool) -> Self {
        ConvKey {
            platform: m.platform,
            self_id: m.self_id.clone(),
            target: m.target(),
            user: same_user.then(|| m.sender.user_id.clone()),
        }
    }
}

struct Waiter {
    id: u64,
    filter: Option<Filter>,
    tx: oneshot::Sender<Handoff>,
    /// Its registration in the cluster (wait key, entry), so a message it refuses can put it back.
    #[cfg(feature = "redis")]
    remote: Option<(String, String)>,
}

/// A message handed over to a waiting handler, with the signal that ends the handling of that message.
struct Handoff {
    event: MessageEvent,
    resumed: oneshot::Sender<()>,
}

/// What became of a message offered to the waiters.
// Returned once per event and matched at once: boxing the event would cost an allocation on the hot path.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Offer {
    /// A waiting handler took it; resolves when that handler settles again.
    Taken(oneshot::Receiver<()>),
    /// Nobody took it: dispatch it as usual.
    Declined(Event),
}

/// What became of a message handed to one waiter by number (a cluster handed it over, or this instance's own
/// registration in the cluster matched it).
#[allow(clippy::large_enum_variant)]
#[cfg(feature = "redis")]
pub(crate) enum Handed {
    /// The waiter took it; resolves when that handler settles again.
    Taken(oneshot::Receiver<()>),
    /// The waiter is gone or its filter refused the message: dispatch it as usual. `rewait` is the waiter's
    /// cluster registration to put back when it still waits.
    Refused { event: Event, rewait: Option<(String, String)> },
}

/// The handlers waiting for messages, by conversation. One per app.
#[derive(Default)]
pub(crate) struct Waiters {
    /// How many waiters are registered: the lock-free check on the dispatcher's path.
    count: AtomicUsize,
    map: Mutex<HashMap<ConvKey, VecDeque<Waiter>>>,
    next_id: AtomicU64,
}

impl std::fmt::Debug for Waiters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waiters").field("count", &self.count.load(Ordering::Relaxed)).finish()
    }
}

impl Waiters {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ConvKey, VecDeque<Waiter>>> {
        // Queues are changed by single pushes and removals; a filter that panicked did so outside any change.
        self.map.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Offers a message to the waiting handlers: the oldest waiter on the sender's conversation whose filter
    /// accepts it takes it, then the oldest waiter for anyone in that conversation.
    #[inline]
    pub(crate) fn offer(&self, event: Event) -> Offer {
        if self.count.load(Ordering::SeqCst) == 0 {
            return Offer::Declined(event);
        }
        self.offer_to_waiters(event)
    }

    #[inline(never)]
    fn offer_to_waiters(&self, event: Event) -> Offer {
        let mut m = match event {
            Event::Message(m) if !m.is_self => m,
            other => return Offer::Declined(other),
        };
        let mut map = self.lock();
        for same_user in [true, false] {
            let key = ConvKey::of(&m, same_user);
            let Some(queue) = map.get_mut(&key) else { continue };
            let mut i = 0;
            while let Some(w) = queue.get(i) {
                if w.tx.is_closed() {
                    queue.remove(i);
                    self.count.fetch_sub(1, Ordering::SeqCst);
                    continue;
                }
                if !w.filter.as_ref().is_none_or(|f| run_filter(f, &m)) {
                    i += 1;
                    continue;
                }
                let Some(w) = queue.remove(i) else { break };
                self.count.fetch_sub(1, Ordering::SeqCst);
                let (resumed_tx, resumed_rx) = oneshot::channel();
                match w.tx.send(Handoff { event: m, resumed: resumed_tx }) {
                    Ok(()) => {
                        if queue.is_empty() {
                            map.remove(&key);
                        }
                        return Offer::Taken(resumed_rx);
                    }
                    // The waiter gave up between the check and the send: try the next one.
                    Err(back) => m = back.event,
                }
            }
            if queue.is_empty() {
                map.remove(&key);
            }
        }
        Offer::Declined(Event::Message(m))
    }

    /// Gives a message to waiter number `id` of this instance, whichever conversation it waits in.
    #[cfg(feature = "redis")]
    pub(crate) fn deliver_to(&self, id: u64, event: Event) -> Handed {
        let m = match event {
            Event::Message(m) => m,
            other => return Handed::Refused { event: other, rewait: None },
        };
        let mut map = self.lock();
        let found = map.iter_mut().find_map(|(key, q)| q.iter().position(|w| w.id == id).map(|i| (key.clone(), i)));
        let Some((key, i)) = found else {
            return Handed::Refused { event: Event::Message(m), rewait: None };
        };
        let Some(queue) = map.get_mut(&key) else {
            return Handed::Refused { event: Event::Message(m), rewait: None };
        };
        let accepted =
            queue.get(i).is_some_and(|w| !w.tx.is_closed() && w.filter.as_ref().is_none_or(|f| run_filter(f, &m)));
        if !accepted {
            let rewait = queue.get(i).filter(|w| !w.tx.is_closed()).and_then(|w| w.remote.clone());
            return Handed::Refused { event: Event::Message(m), rewait };
        }
        let Some(w) = queue.remove(i) else {
            return Handed::Refused { event: Event::Message(m), rewait: None };
        };
        self.count.fetch_sub(1, Ordering::SeqCst);
        if queue.is_empty() {
            map.remove(&key);
        }
        let (resumed_tx, resumed_rx) = oneshot::channel();
        match w.tx.send(Handoff { event: m, resumed: resumed_tx }) {
            Ok(()) => Handed::Taken(resumed_rx),
            Err(back) => Handed::Refused { event: Event::Message(back.event), rewait: None },
        }
    }

    /// Notes a waiter's registration in the cluster.
    #[cfg(feature = "redis")]
    fn set_remote(&self, key: &ConvKey, id: u64, remote: (String, String)) {
        if let Some(w) = self.lock().get_mut(key).and_then(|q| q.iter_mut().find(|w| w.id == id)) {
            w.remote = Some(remote);
        }
    }

    fn register(&self, key: ConvKey, filter: Option<Filter>) -> (oneshot::Receiver<Handoff>, WaiterGuard<'_>) {
        let (tx, rx) = oneshot::channel();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.lock().entry(key.clone()).or_default().push_back(Waiter {
            id,
            filter,
            tx,
            #[cfg(feature = "redis")]
            remote: None,
        });
        self.count.fetch_add(1, Ordering::SeqCst);
        (rx, WaiterGuard { waiters: self, key, id })
    }
}

fn run_filter(f: &Filter, m: &MessageEvent) -> bool {
    match std::panic::catch_unwind(AssertUnwindSafe(|| f(m))) {
        Ok(accepts) => accepts,
        Err(_) => {
            tracing::error!("a wait_reply filter panicked; treating the message as not accepted");
            false
        }
    }
}

/// Removes its waiter when the wait ends (reply, timeout, shutdown, or the handler dropped).
struct WaiterGuard<'a> {
    waiters: &'a Waiters,
    key: ConvKey,
    id: u64,
}

impl Drop for WaiterGuard<'_> {
    fn drop(&mut self) {
        let mut map = self.waiters.lock();
        if let Some(queue) = map.get_mut(&self.key) {
            if let Some(pos) = queue.iter().position(|w| w.id == self.id) {
                queue.remove(pos);
                self.waiters.count.fetch_sub(1, Ordering::SeqCst);
            }
            if queue.is_empty() {
                map.remove(&self.key);
            }
        }
    }
}

/// The end signal of the message a handler last took from a wait: sent (by dropping it) when the handler waits
/// again or finishes, which ends that message's handling.
#[derive(Debug, Default)]
pub(crate) struct ConversationSlot(Mutex<Option<oneshot::Sender<()>>>);

impl ConversationSlot {
    fn put(&self, resumed: oneshot::Sender<()>) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(resumed);
    }

    fn release(&self) {
        drop(self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take());
    }
}

impl Ctx {
    /// Waits for the same user's next message in the same conversation (group, private chat, channel) and
    /// returns it. That message goes to this handler only, not to the commands.
    ///
    /// Fails with [`Error::PromptTimeout`] when none comes within `timeout`, and with [`Error::ShuttingDown`]
    /// when the bot begins shutting down.
    ///
    /// ```no_run
    /// # use qqbot::prelude::*;
    /// # use std::time::Duration;
    /// async fn sign_up(ctx: Ctx) -> qqbot::Result<String> {
    ///     ctx.reply("你叫什么名字？").await?;
    ///     let name = ctx.wait_reply(Duration::from_secs(60)).await?.plain_text();
    ///     Ok(format!("你好，{name}"))
    /// }
    /// ```
    pub async fn wait_reply(&self, timeout: Duration) -> Result<Message> {
        Ok(self.wait_message(true, None, timeout).await?.message)
    }

    /// Like [`Ctx::wait_reply`], taking only messages `filter` accepts; the others are dispatched as usual.
    /// The filter runs on the dispatcher's path: keep it cheap.
    pub async fn wait_reply_where(
        &self,
        timeout: Duration,
        filter: impl Fn(&MessageEvent) -> bool + Send + Sync + 'static,
    ) -> Result<Message> {
        Ok(self.wait_message(true, Some(Box::new(filter)), timeout).await?.message)
    }

    /// Waits for the next message of anyone in the same conversation (the whole group or channel) and returns
    /// it with its sender. Waits for the same user come first when both wait.
    pub async fn wait_group_reply(&self, timeout: Duration) -> Result<MessageEvent> {
        self.wait_message(false, None, timeout).await
    }

    /// Like [`Ctx::wait_group_reply`], taking only messages `filter` accepts.
    pub async fn wait_group_reply_where(
        &self,
        timeout: Duration,
        filter: impl Fn(&MessageEvent) -> bool + Send + Sync + 'static,
    ) -> Result<MessageEvent> {
        self.wait_message(false, Some(Box::new(filter)), timeout).await
    }

    async fn wait_message(&self, same_user: bool, filter: Option<Filter>, timeout: Duration) -> Result<MessageEvent> {
        if self.is_shutting_down() {
            return Err(Error::ShuttingDown);
        }
        let m = self
            .message_event()
            .ok_or(Error::Missing { what: "message to wait after (wait_reply needs a message event)" })?;
        let waiters = &self.shared.app.waiters;
        let key = ConvKey::of(m, same_user);
        let (mut rx, guard) = waiters.register(key.clone(), filter);
        // In a cluster the wait is registered in Redis too, so the answer finds it on whichever instance it lands.
        #[cfg(feature = "redis")]
        let remote = match &self.shared.app.cluster {
            Some(cluster) => {
                let remote = cluster.register_wait(m, same_user, guard.id, timeout).await;
                if let Some(r) = &remote {
                    waiters.set_remote(&key, guard.id, r.clone());
                }
                remote.map(|r| (cluster.clone(), r))
            }
            None => None,
        };
        #[cfg(not(feature = "redis"))]
        let _ = &key;
        // Registered first, then announced: the next message cannot slip past the waiter.
        self.shared.conversation.release();
        self.mark_waiting();
        let outcome = tokio::select! {
            biased;
            delivered = &mut rx => match delivered {
                Ok(d) => Ok(d),
                Err(_) => Err(Error::ShuttingDown),
            },
            _ = tokio::time::sleep(timeout) => Err(Error::PromptTimeout(timeout)),
            _ = self.shutdown_signal() => Err(Error::ShuttingDown),
        };
        // Unregister under the lock, then look once more: a message delivered in the same instant is kept.
        drop(guard);
        // The cluster registration goes too (a no-op when the cluster itself handed the message over).
        #[cfg(feature = "redis")]
        if let Some((cluster, (key, entry))) = remote {
            cluster.unregister_wait(key, entry).await;
        }
        match outcome {
            Ok(d) => Ok(self.resume(d)),
            Err(failure) => match rx.try_recv() {
                Ok(d) => Ok(self.resume(d)),
                Err(_) => Err(failure),
            },
        }
    }

    fn resume(&self, d: Handoff) -> MessageEvent {
        self.shared.conversation.put(d.resumed);
        d.event
    }
}
