//! The outbound layer every framework send goes through (teloxide's `Throttle` adaptor): outbound pacing per
//! account and per conversation (`[bot.send_rate]`, overridable as `[onebot.send_rate]` / `[official.send_rate]`)
//! and the official platform's passive-reply quota.
//!
//! It is a wrapper around the account's [`Bot`] that the dispatcher hands to handlers and that scheduled jobs send
//! through, rather than code in each adapter's send path, so that both platforms queue in the same way and the
//! rules are tested once, with the test kit's recording bot, on the virtual clock. What a handler does with the
//! platform's own typed API (`ctx.onebot()?.send_group_msg(..)`) bypasses pacing; the API-call hooks
//! ([`ApiHooks`]) see those calls too, because they sit in each adapter's one call function.
//!
//! Pacing never drops: a send waits for its turn, in the order the sends were made. A send over a platform quota
//! fails with [`Error::Refused`] instead of vanishing.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Deserialize;

use tokio::time::Instant;

use super::{Bot, IdKeys, SweptMap, Target};
use crate::config::{ParseLimitError, parse_rate};
use crate::error::{Error, Result};
use crate::event::{Event, Platform};
use crate::message::Message;

/// `[bot.send_rate]` (and `[onebot.send_rate]`, `[official.send_rate]`): how fast the bot may send.
///
/// ```toml
/// [bot.send_rate]
/// per_conversation = "1/s"   # to one group or user
/// per_account = "20/s"       # through one account, all conversations together
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SendRateConfig {
    /// Sends per period to one conversation, such as `"1/s"`; none: unpaced.
    pub per_conversation: Option<String>,
    /// Sends per period through one account, such as `"20/s"`; none: unpaced.
    pub per_account: Option<String>,
}

impl SendRateConfig {
    /// The spacing between two sends (period / count) for each limit.
    fn intervals(&self, table: &str) -> Result<(Option<Duration>, Option<Duration>)> {
        let interval = |key: &str, v: &Option<String>| -> Result<Option<Duration>> {
            v.as_deref()
                .map(|text| {
                    parse_rate(text).map(|(count, per)| per / count).map_err(|e: ParseLimitError| {
                        Error::config(format!("[{table}.send_rate] {key}"), e.to_string())
                    })
                })
                .transpose()
        };
        Ok((interval("per_conversation", &self.per_conversation)?, interval("per_account", &self.per_account)?))
    }
}

/// The official platform answers a message with at most this many passive replies …
pub const PASSIVE_REPLIES_PER_MESSAGE: usize = 5;
/// … within this long after it.
pub const PASSIVE_REPLY_WINDOW: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Copy, Default)]
struct Spacing {
    conversation: Option<Duration>,
    account: Option<Duration>,
}

/// Pacing and quota state of one app, timed by tokio's clock (the one the app's
/// [`TokioClock`](crate::session::TokioClock) follows), so a paused test clock drives it too.
pub(crate) struct Outbound {
    default: Spacing,
    per_platform: HashMap<Platform, Spacing>,
    /// Per (platform, account, conversation): a FIFO lock held from waiting for the turn until the send is done,
    /// so sends to one conversation leave in order.
    conversations: Mutex<SweptMap<(Platform, String, Target), Turn>>,
    /// Per (platform, account): when the next send may start.
    accounts: Mutex<HashMap<(Platform, String), Instant>>,
    /// Per official message id (by its key): when its passive replies were sent.
    passive: Mutex<SweptMap<u64, Stamps>>,
    passive_keys: IdKeys,
}

/// When the passive replies to one message were sent, oldest first: at most the quota, kept inline (one map entry
/// per message, no second allocation).
#[derive(Debug, Default)]
struct Stamps {
    at: [Option<Instant>; PASSIVE_REPLIES_PER_MESSAGE],
    len: usize,
}

impl Stamps {
    fn latest(&self) -> Option<Instant> {
        self.len.checked_sub(1).and_then(|i| self.at[i])
    }

    /// Forgets the sends at or before `cutoff`.
    fn forget_until(&mut self, cutoff: impl Fn(Instant) -> bool) {
        let expired = self.at[..self.len].iter().take_while(|t| t.is_some_and(&cutoff)).count();
        self.at.rotate_left(expired);
        self.len -= expired;
        self.at[self.len..].fill(None);
    }

    /// Records a send; `false` when the quota is used up.
    fn push(&mut self, at: Instant) -> bool {
        match self.at.get_mut(self.len) {
            Some(slot) => {
                *slot = Some(at);
                self.len += 1;
                true
            }
            None => false,
        }
    }
}

/// One conversation's turn: held by the send in progress; the time of its last send.
type Turn = Arc<tokio::sync::Mutex<Option<Instant>>>;

impl Outbound {
    /// Reads `[bot.send_rate]` and the platform overrides.
    pub(crate) fn from_config(config: &crate::config::Config) -> Result<Outbound> {
        #[derive(Deserialize, Default)]
        struct Section {
            #[serde(default)]
            send_rate: Option<SendRateConfig>,
        }
        let read = |rate: &SendRateConfig, table: &str| -> Result<Spacing> {
            let (conversation, account) = rate.intervals(table)?;
            Ok(Spacing { conversation, account })
        };
        let default = match &config.bot.send_rate {
            Some(rate) => read(rate, "bot")?,
            None => Spacing::default(),
        };
        let mut per_platform = HashMap::new();
        for (table, platform) in [("onebot", Platform::OneBot), ("official", Platform::Official)] {
            // The adapter validates its own table; here only its `send_rate` matters.
            let section: Option<Section> = config.section(table).unwrap_or_default();
            if let Some(rate) = section.and_then(|s| s.send_rate) {
                per_platform.insert(platform, read(&rate, table)?);
            }
        }
        Ok(Outbound {
            default,
            per_platform,
            conversations: Mutex::default(),
            accounts: Mutex::default(),
            passive: Mutex::default(),
            passive_keys: IdKeys::default(),
        })
    }

    fn spacing(&self, platform: Platform) -> Spacing {
        self.per_platform.get(&platform).copied().unwrap_or(self.default)
    }

    fn paces(&self, platform: Platform) -> bool {
        let s = self.spacing(platform);
        s.conversation.is_some() || s.account.is_some()
    }

    /// The bot handlers and jobs use for `bot`: itself when nothing applies to it (no wrapper, no cost), else a
    /// paced wrapper.
    pub(crate) fn wrap(self: &Arc<Self>, bot: Arc<dyn Bot>, event: Option<&Event>) -> Arc<dyn Bot> {
        let official_reply = matches!(event, Some(Event::Message(m)) if m.platform == Platform::Official);
        // The event's platform is the account's; the test kit's recording bot plays any platform through it.
        let platform = event.map_or_else(|| bot.platform(), Event::platform);
        if !self.paces(platform) && !official_reply {
            return bot;
        }
        Arc::new(Paced { inner: bot, platform, outbound: self.clone() })
    }

    /// Counts a passive reply to official message `message_id`; refuses the one over the quota.
    fn passive_reply(&self, message_id: &str) -> Result<()> {
        let now = Instant::now();
        let window = PASSIVE_REPLY_WINDOW;
        let mut passive = lock(&self.passive);
        passive.sweep(|_, stamps| stamps.latest().is_some_and(|t| t + window > now));
        let stamps = passive.entry(self.passive_keys.key(message_id)).or_default();
        stamps.forget_until(|t| t + window <= now);
        if !stamps.push(now) {
            return Err(Error::Refused {
                action: "reply".into(),
                reason: format!(
                    "the official platform allows {PASSIVE_REPLIES_PER_MESSAGE} passive replies to one message within \
                     {} minutes; send proactively instead",
                    PASSIVE_REPLY_WINDOW.as_secs() / 60
                ),
            });
        }
        Ok(())
    }

    /// Waits for the turn of a send to `target` through `bot`, runs `send`, and keeps the conversation's turn
    /// until it is done.
    async fn paced<T>(
        &self,
        platform: Platform,
        bot: &dyn Bot,
        target: &Target,
        send: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let spacing = self.spacing(platform);
        let slot = spacing.conversation.map(|_| {
            let mut map = lock(&self.conversations);
            map.sweep(|_, m| Arc::strong_count(m) > 1);
            map.entry((platform, bot.self_id().to_owned(), target.clone())).or_default().clone()
        });
        let mut turn = match &slot {
            Some(m) => Some(m.lock().await),
            None => None,
        };
        if let (Some(Some(last)), Some(interval)) = (turn.as_deref(), spacing.conversation) {
            tokio::time::sleep_until(*last + interval).await;
        }
        if let Some(interval) = spacing.account {
            let start = {
                let mut accounts = lock(&self.accounts);
                let now = Instant::now();
                let next = accounts.entry((platform, bot.self_id().to_owned())).or_insert(now);
                let start = (*next).max(now);
                *next = start + interval;
                start
            };
            tokio::time::sleep_until(start).await;
        }
        let result = send.await;
        if let Some(last) = turn.as_deref_mut() {
            *last = Some(Instant::now());
        }
        result
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// An account's bot behind the outbound layer.
struct Paced {
    inner: Arc<dyn Bot>,
    platform: Platform,
    outbound: Arc<Outbound>,
}

impl Bot for Paced {
    fn platform(&self) -> Platform {
        self.inner.platform()
    }

    fn self_id(&self) -> &str {
        self.inner.self_id()
    }

    fn send<'a>(&'a self, target: &'a Target, message: Message) -> BoxFuture<'a, Result<String>> {
        if !self.outbound.paces(self.platform) {
            return self.inner.send(target, message);
        }
        Box::pin(self.outbound.paced(self.platform, self.inner.as_ref(), target, self.inner.send(target, message)))
    }

    /// A passive reply to an official message is counted against its quota when the reply is made; an unpaced
    /// reply is the account's own future, with no second one around it.
    fn reply<'a>(&'a self, event: &'a Event, message: Message) -> BoxFuture<'a, Result<String>> {
        let Event::Message(m) = event else {
            return self.inner.reply(event, message);
        };
        if m.platform == Platform::Official
            && let Err(refused) = self.outbound.passive_reply(&m.message_id)
        {
            return Box::pin(std::future::ready(Err(refused)));
        }
        if !self.outbound.paces(self.platform) {
            return self.inner.reply(event, message);
        }
        Box::pin(async move {
            let target = m.target();
            self.outbound.paced(self.platform, self.inner.as_ref(), &target, self.inner.reply(event, message)).await
        })
    }

    fn recall<'a>(&'a self, target: &'a Target, message_id: &'a str) -> BoxFuture<'a, Result<()>> {
        self.inner.recall(target, message_id)
    }

    fn api(&self) -> &dyn Any {
        self.inner.api()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quota_slides_with_the_window() {
        let t0 = Instant::now();
        let at = |secs: u64| t0 + Duration::from_secs(secs);
        let mut stamps = Stamps::default();
        for i in 0..PASSIVE_REPLIES_PER_MESSAGE as u64 {
            assert!(stamps.push(at(i * 10)), "reply {i} is within the quota");
        }
        assert!(!stamps.push(at(60)), "the sixth is refused");
        assert_eq!(stamps.latest(), Some(at(40)));
        // The first two leave the window; the rest stay, oldest first.
        stamps.forget_until(|t| t + PASSIVE_REPLY_WINDOW <= at(315));
        assert_eq!(stamps.len, 3);
        assert_eq!(&stamps.at[..3], &[Some(at(20)), Some(at(30)), Some(at(40))]);
        assert!(stamps.at[3..].iter().all(Option::is_none));
        assert!(stamps.push(at(315)) && stamps.push(at(316)));
        assert!(!stamps.push(at(317)));
        assert_eq!(stamps.latest(), Some(at(316)));
        stamps.forget_until(|_| true);
        assert_eq!((stamps.len, stamps.latest()), (0, None));
    }
}
