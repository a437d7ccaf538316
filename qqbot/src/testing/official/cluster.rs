//! Several instances of one webhook bot behind one platform: a [`ClusterDeliverer`] spreads signed webhook events
//! over their URLs the way the platform (or a load balancer in front of the instances) does, re-pushes an event to
//! another instance when an ACK is slow or missing, and records which instance got what; [`ReplyTally`] counts the
//! replies [`FakeOfficial`] received per event, for exactly-once checks.
//!
//! ```no_run
//! # async fn t() -> qqbot::Result<()> {
//! use std::time::Duration;
//! use qqbot::testing::official::{ClusterDeliverer, FakeOfficial, Spread};
//!
//! let fake = FakeOfficial::start().await?;
//! // … start three instances of the bot listening on these URLs, pointed at `fake` …
//! let urls = ["http://127.0.0.1:8001/qqbot/webhook", "http://127.0.0.1:8002/qqbot/webhook"];
//! let deliverer = fake
//!     .cluster_deliverer(urls)
//!     .spread(Spread::RoundRobin)
//!     .repush_every(5)                         // every 5th event also goes to another instance
//!     .repush_after(Duration::from_secs(2));   // and so does any event whose ACK takes longer
//! let frames: Vec<_> = (0..100).map(|i| fake.webhook_event("C2C_MESSAGE_CREATE",
//!     fake.c2c_message("USER", &format!("/echo {i}")))).collect();
//! deliverer.deliver_all(&frames, 16).await;
//! let tally = fake.reply_tally();
//! assert!(tally.exactly_once(&frames).is_ok());
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};

use super::{FakeOfficial, RecordedRequest, SECRET, Signing, WebhookSender};

/// How a [`ClusterDeliverer`] picks the instance that gets an event first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Spread {
    /// One after the other, in the order of the URLs (a load balancer's default).
    RoundRobin,
    /// At random, reproducibly from this seed.
    Random {
        /// The seed of the choice.
        seed: u64,
    },
}

/// Why an event went to an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The first delivery of the event.
    First,
    /// A deliberate second delivery to another instance ([`ClusterDeliverer::repush_every`]).
    Repush,
    /// A delivery after the previous one failed or did not ACK in time ([`ClusterDeliverer::repush_after`]).
    Retry,
}

/// One webhook request the deliverer made.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The envelope `id` of the event.
    pub event_id: String,
    /// The index of the instance (in the order of the URLs).
    pub instance: usize,
    /// Why it was sent there.
    pub reason: Reason,
    /// Whether the instance answered with the ACK (`{"op": 12, "d": 0}`) in time.
    pub acked: bool,
    /// How long the request took (up to the ACK deadline).
    pub elapsed: Duration,
}

/// What happened to one event: every request made for it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventDelivery {
    /// The envelope `id` of the event.
    pub event_id: String,
    /// The requests, in order.
    pub deliveries: Vec<Delivery>,
}

impl EventDelivery {
    /// Whether some instance acknowledged the event.
    pub fn acked(&self) -> bool {
        self.deliveries.iter().any(|d| d.acked)
    }
}

struct DeliverState {
    next: u64,
    rng: u64,
    log: Vec<Delivery>,
}

/// Delivers webhook events to several instances of one bot, like the platform pushing to a load balancer.
///
/// Every request is signed with the fake's secret (through [`WebhookSender`]). An event goes first to the instance
/// [`Spread`] picks; when that instance does not ACK within [`repush_after`](Self::repush_after) (a refused
/// connection, an error status, a slow answer, a request to push again), the event is pushed to the next instance, and so on until one ACKs
/// or every instance was tried. With [`repush_every`](Self::repush_every), every k-th event is also pushed a second
/// time to a different instance after its first ACK — the duplicate a cluster must absorb.
pub struct ClusterDeliverer {
    senders: Vec<WebhookSender>,
    spread: Spread,
    repush_every: Option<u64>,
    ack_deadline: Duration,
    state: Mutex<DeliverState>,
}

impl std::fmt::Debug for ClusterDeliverer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterDeliverer")
            .field("instances", &self.senders.len())
            .field("spread", &self.spread)
            .field("repush_every", &self.repush_every)
            .field("ack_deadline", &self.ack_deadline)
            .finish()
    }
}

/// splitmix64: a tiny, good-enough generator, so a seed gives the same choices everywhere.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl ClusterDeliverer {
    /// A deliverer over `urls` (each instance's webhook URL), signing with `secret`; round-robin, no deliberate
    /// re-push, and a 5 s ACK deadline (the platform's own is a few seconds).
    ///
    /// # Panics
    /// When `urls` is empty: there is nothing to deliver to.
    pub fn new<I, S>(urls: I, secret: &str) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let senders: Vec<WebhookSender> = urls.into_iter().map(|u| WebhookSender::new(u, secret)).collect();
        assert!(!senders.is_empty(), "a ClusterDeliverer needs at least one instance URL");
        ClusterDeliverer {
            senders,
            spread: Spread::RoundRobin,
            repush_every: None,
            ack_deadline: Duration::from_secs(5),
            state: Mutex::new(DeliverState { next: 0, rng: 0, log: Vec::new() }),
        }
    }

    /// Picks the first instance of each event this way.
    pub fn spread(mut self, spread: Spread) -> Self {
        self.spread = spread;
        if let Spread::Random { seed } = spread {
            self.state().rng = seed;
        }
        self
    }

    /// Also pushes every `k`-th event (the k-th, 2k-th … delivered) a second time, to the instance after the one
    /// that acknowledged it (the same one when there is only one), after its first ACK. `0` turns it off.
    pub fn repush_every(mut self, k: u64) -> Self {
        self.repush_every = (k > 0).then_some(k);
        self
    }

    /// Pushes an event to the next instance when the current one has not ACKed within `deadline` (the request is
    /// abandoned, as the platform abandons it: the instance may still handle the event).
    pub fn repush_after(mut self, deadline: Duration) -> Self {
        self.ack_deadline = deadline;
        self
    }

    /// How many instances it delivers to.
    pub fn instances(&self) -> usize {
        self.senders.len()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, DeliverState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Delivers one event (a full webhook frame with `op`, `id`, `t`, `d`, e.g. from
    /// [`FakeOfficial::webhook_event`]) and returns every request made for it.
    pub async fn deliver(&self, frame: &Value) -> EventDelivery {
        let event_id = frame["id"].as_str().unwrap_or_default().to_owned();
        let n = self.senders.len();
        let (ordinal, first) = {
            let mut s = self.state();
            s.next += 1;
            let first = match self.spread {
                Spread::RoundRobin => ((s.next - 1) % n as u64) as usize,
                Spread::Random { .. } => (splitmix(&mut s.rng) % n as u64) as usize,
            };
            (s.next, first)
        };
        let mut out = EventDelivery { event_id: event_id.clone(), deliveries: Vec::new() };
        let mut acked_at = None;
        for step in 0..n {
            let instance = (first + step) % n;
            let reason = if step == 0 { Reason::First } else { Reason::Retry };
            let d = self.push(frame, &event_id, instance, reason).await;
            let acked = d.acked;
            out.deliveries.push(d);
            if acked {
                acked_at = Some(instance);
                break;
            }
        }
        if let (Some(k), Some(at)) = (self.repush_every, acked_at)
            && ordinal % k == 0
        {
            out.deliveries.push(self.push(frame, &event_id, (at + 1) % n, Reason::Repush).await);
        }
        out
    }

    /// Delivers `frames`, up to `concurrency` at a time, and returns what happened to each, in order.
    pub async fn deliver_all(&self, frames: &[Value], concurrency: usize) -> Vec<EventDelivery> {
        futures_util::stream::iter(frames.iter().map(|f| self.deliver(f))).buffered(concurrency.max(1)).collect().await
    }

    async fn push(&self, frame: &Value, event_id: &str, instance: usize, reason: Reason) -> Delivery {
        let started = Instant::now();
        let answer = tokio::time::timeout(self.ack_deadline, self.senders[instance].send(frame, Signing::Valid)).await;
        // `{"op": 12, "d": 1}` is the adapter asking for the event again (its queue is full): not an ACK.
        let acked = matches!(&answer, Ok(Ok(a)) if a.status == 200 && a.body["op"] == 12 && a.body["d"] == 0);
        let d = Delivery { event_id: event_id.to_owned(), instance, reason, acked, elapsed: started.elapsed() };
        self.state().log.push(d.clone());
        d
    }

    /// Every request made so far, in the order they ended.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state().log.clone()
    }

    /// How many events each instance acknowledged (re-pushes included), by instance index.
    pub fn acked_per_instance(&self) -> Vec<usize> {
        let mut counts = vec![0; self.senders.len()];
        for d in self.state().log.iter().filter(|d| d.acked) {
            counts[d.instance] += 1;
        }
        counts
    }
}

/// Replies the fake received, grouped by the event they answer.
///
/// A passive reply carries the event's message id (`msg_id`) or, for events that are not messages, its
/// `event_id`; proactive messages carry neither and are kept apart.
#[derive(Debug, Clone, Default)]
pub struct ReplyTally {
    by_event: HashMap<String, Vec<RecordedRequest>>,
    proactive: Vec<RecordedRequest>,
}

/// How an exactly-once check failed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExactlyOnceError {
    /// Message ids with no reply at all.
    pub missing: Vec<String>,
    /// Message ids with more than one reply, and how many.
    pub duplicated: Vec<(String, usize)>,
}

impl std::fmt::Display for ExactlyOnceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} events unanswered", self.missing.len())?;
        if let Some(first) = self.missing.first() {
            write!(f, " (first: {first})")?;
        }
        write!(f, ", {} answered more than once", self.duplicated.len())?;
        if let Some((id, n)) = self.duplicated.first() {
            write!(f, " (first: {id}, {n} times)")?;
        }
        Ok(())
    }
}

impl std::error::Error for ExactlyOnceError {}

impl ReplyTally {
    /// Groups `requests` (e.g. [`FakeOfficial::requests`]): every `POST …/messages`.
    pub fn from_requests(requests: &[RecordedRequest]) -> Self {
        let mut tally = ReplyTally::default();
        for r in requests.iter().filter(|r| r.method == "POST" && r.path.ends_with("/messages")) {
            let key = r.body["msg_id"].as_str().or_else(|| r.body["event_id"].as_str());
            match key {
                Some(k) => tally.by_event.entry(k.to_owned()).or_default().push(r.clone()),
                None => tally.proactive.push(r.clone()),
            }
        }
        tally
    }

    /// The replies to the message (or event) with this id.
    pub fn replies_to(&self, msg_id: &str) -> &[RecordedRequest] {
        self.by_event.get(msg_id).map_or(&[], Vec::as_slice)
    }

    /// How many replies the message (or event) with this id got.
    pub fn count(&self, msg_id: &str) -> usize {
        self.replies_to(msg_id).len()
    }

    /// Proactive messages: no `msg_id`, no `event_id` (what jobs send).
    pub fn proactive(&self) -> &[RecordedRequest] {
        &self.proactive
    }

    /// Checks that each of `frames` (webhook frames, whose `d.id` is the message id) got exactly one reply.
    pub fn exactly_once(&self, frames: &[Value]) -> Result<(), ExactlyOnceError> {
        let mut err = ExactlyOnceError::default();
        for frame in frames {
            let id = message_id(frame);
            match self.count(&id) {
                0 => err.missing.push(id),
                1 => {}
                n => err.duplicated.push((id, n)),
            }
        }
        if err.missing.is_empty() && err.duplicated.is_empty() { Ok(()) } else { Err(err) }
    }
}

/// The id a reply to this webhook frame carries: the message's `d.id`, else the envelope `id`.
pub fn message_id(frame: &Value) -> String {
    frame["d"]["id"].as_str().or_else(|| frame["id"].as_str()).unwrap_or_default().to_owned()
}

impl FakeOfficial {
    /// A [`ClusterDeliverer`] over `urls`, signing with this fake's secret.
    pub fn cluster_deliverer<I, S>(&self, urls: I) -> ClusterDeliverer
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ClusterDeliverer::new(urls, SECRET)
    }

    /// A webhook frame (`op` 0) carrying the event `t` with data `d`, with a fresh envelope id.
    pub fn webhook_event(&self, t: &str, d: Value) -> Value {
        let n = self.with_state(|s| {
            let n = s.next_id;
            s.next_id += 1;
            n
        });
        json!({"op": 0, "id": format!("{t}:hook-{n}"), "t": t, "d": d})
    }

    /// The replies received so far, grouped by the event they answer.
    pub fn reply_tally(&self) -> ReplyTally {
        ReplyTally::from_requests(&self.inner.state().requests)
    }
}
