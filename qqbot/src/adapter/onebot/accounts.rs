//! The accounts an adapter serves.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use std::sync::Mutex as StdMutex;

use tokio::sync::oneshot;

use super::account::{Caller, OneBotBot, QuickReplyBot};
use super::transport::Accounts;
use super::transport::http_call::HttpApiClient;
use super::transport::link::WsLink;
use crate::api::{ApiHooks, Bot};
use crate::message::Message;

/// One bot per account id. Looked up only when a connection sees an account it has not cached.
#[derive(Debug, Default)]
pub(crate) struct BotRegistry {
    bots: Mutex<HashMap<String, Arc<OneBotBot>>>,
    /// The app's API-call hooks, given to every account's bot.
    hooks: Arc<ApiHooks>,
}

impl BotRegistry {
    /// A registry whose bots run every call between `hooks`.
    pub(crate) fn new(hooks: Arc<ApiHooks>) -> Self {
        BotRegistry { bots: Mutex::default(), hooks }
    }

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
        bots.entry(self_id.to_owned())
            .or_insert_with(|| Arc::new(OneBotBot::new(self_id, caller(), self.hooks.clone())))
            .clone()
    }
}

impl Accounts for BotRegistry {
    fn over_ws(&self, self_id: &str, link: &Arc<WsLink>) -> Arc<dyn Bot> {
        self.ws_bot(self_id, link)
    }

    fn over_http_post(
        &self,
        self_id: &str,
        api: Option<&Arc<HttpApiClient>>,
        quick_reply: Option<oneshot::Sender<Message>>,
    ) -> Arc<dyn Bot> {
        let bot = self.http_bot(self_id, api);
        match quick_reply {
            Some(slot) => Arc::new(QuickReplyBot { inner: bot, slot: StdMutex::new(Some(slot)) }),
            None => bot,
        }
    }
}
