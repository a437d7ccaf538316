//! The OneBot [`Bot`]: one account, its typed API, and the neutral send/reply/recall.

use std::any::Any;
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use serde::Serialize;
use tokio::sync::oneshot;

use super::OneBotApi;
use super::caller::ActionCaller;
use super::protocol::id::IdParam;
use super::protocol::send::SendRequest;
use super::transport::http_call::HttpApiClient;
use super::transport::link::WsLink;
use crate::api::{ApiCall, ApiHooks, Bot, Target};
use crate::error::{Error, Result};
use crate::event::{Event, Platform};
use crate::message::Message;

/// How a bot performs actions.
#[derive(Debug, Clone)]
pub(crate) enum Caller {
    /// Over a WebSocket link (forward or reverse).
    Ws(Arc<WsLink>),
    /// Over the HTTP API.
    Http(Arc<HttpApiClient>),
    /// An HTTP POST account without an `api` URL: events only.
    None,
}

/// An `ActionCaller` for HTTP POST accounts that have no API URL: every call says how to fix it.
#[derive(Debug)]
struct NoApi {
    self_id: String,
}

impl ActionCaller for NoApi {
    fn call_action<'a>(&'a self, action: &'a str, _: serde_json::Value) -> BoxFuture<'a, Result<serde_json::Value>> {
        Box::pin(async move {
            Err(Error::Unsupported {
                platform: Platform::OneBot,
                what: format!(
                    "calling `{action}`: this HTTP POST connection has no `api` URL; add `api = \"http://…\"` to it"
                ),
            })
        })
    }

    fn self_id(&self) -> &str {
        &self.self_id
    }
}

/// The typed API's caller, between the app's API-call hooks.
struct HookedCaller {
    inner: Arc<dyn ActionCaller>,
    hooks: Arc<ApiHooks>,
    self_id: String,
}

impl ActionCaller for HookedCaller {
    fn call_action<'a>(
        &'a self,
        action: &'a str,
        params: serde_json::Value,
    ) -> BoxFuture<'a, Result<serde_json::Value>> {
        Box::pin(async move {
            let self_id = match self.inner.self_id() {
                "" => self.self_id.clone(),
                id => id.to_owned(),
            };
            let call = ApiCall { platform: Platform::OneBot, self_id, action: action.to_owned(), params };
            let perform = self.inner.call_action(action, call.params.clone());
            self.hooks.around(&call, perform).await
        })
    }

    fn self_id(&self) -> &str {
        self.inner.self_id()
    }
}

/// One OneBot account. `ctx.onebot()?` gives its [`OneBotApi`].
#[derive(Debug)]
pub struct OneBotBot {
    self_id: String,
    api: OneBotApi,
    caller: Caller,
    hooks: Arc<ApiHooks>,
}

impl OneBotBot {
    pub(crate) fn new(self_id: &str, caller: Caller, hooks: Arc<ApiHooks>) -> Self {
        let mut api_caller: Arc<dyn ActionCaller> = match &caller {
            Caller::Ws(link) => link.clone(),
            Caller::Http(client) => client.clone(),
            Caller::None => Arc::new(NoApi { self_id: self_id.to_owned() }),
        };
        if !hooks.is_empty() {
            api_caller =
                Arc::new(HookedCaller { inner: api_caller, hooks: hooks.clone(), self_id: self_id.to_owned() });
        }
        OneBotBot { self_id: self_id.to_owned(), api: OneBotApi::new(api_caller), caller, hooks }
    }

    /// The account's typed API.
    pub fn api(&self) -> &OneBotApi {
        &self.api
    }

    /// Performs an action with typed params, without building a JSON tree (the send path) unless API-call hooks
    /// need to see them. With the typed API's [`HookedCaller`], the one call function of the OneBot adapter.
    async fn call<P: Serialize + Sync>(&self, action: &str, params: &P) -> Result<serde_json::Value> {
        if self.hooks.is_empty() {
            return self.perform(action, params).await;
        }
        let call = ApiCall {
            platform: Platform::OneBot,
            self_id: self.self_id.clone(),
            action: action.to_owned(),
            params: serde_json::to_value(params)?,
        };
        self.hooks.around(&call, self.perform(action, params)).await
    }

    async fn perform<P: Serialize + Sync>(&self, action: &str, params: &P) -> Result<serde_json::Value> {
        match &self.caller {
            Caller::Ws(link) => link.call(action, params).await,
            Caller::Http(client) => client.call(action, params).await,
            Caller::None => {
                // Straight to the refusal: through `self.api` the hooks would see this call twice.
                let value = serde_json::to_value(params)?;
                NoApi { self_id: self.self_id.clone() }.call_action(action, value).await
            }
        }
    }

    /// Sends `message` to a group or a user; returns the message id.
    pub async fn send_message(&self, target: &Target, message: &Message) -> Result<String> {
        let request = SendRequest::new(target, message)?;
        Ok(message_id(&self.call(request.action(), &request).await?))
    }
}

/// The `message_id` of a send's answer (empty when the implementation gave none).
fn message_id(data: &serde_json::Value) -> String {
    match data.get("message_id") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

#[derive(Serialize)]
struct RecallParams<'a> {
    message_id: IdParam<'a>,
}

impl Bot for OneBotBot {
    fn platform(&self) -> Platform {
        Platform::OneBot
    }

    fn self_id(&self) -> &str {
        &self.self_id
    }

    fn send<'a>(&'a self, target: &'a Target, message: Message) -> BoxFuture<'a, Result<String>> {
        Box::pin(async move {
            // The other callers' and the hooks' futures are boxed: sized into this one, they would make every
            // reply in flight (one per event being answered) carry them.
            let Caller::Ws(link) = &self.caller else { return Box::pin(self.send_message(target, &message)).await };
            // Encoded, then the message dropped before the frame is written: a long reply is not held twice.
            let request = SendRequest::new(target, &message)?;
            let action = request.action();
            // The API hooks see the parameters as JSON, built only when there are hooks.
            let call = match self.hooks.is_empty() {
                true => None,
                false => Some(ApiCall {
                    platform: Platform::OneBot,
                    self_id: self.self_id.clone(),
                    action: action.to_owned(),
                    params: serde_json::to_value(request)?,
                }),
            };
            let encoded = link.encode_sized(action, &request, request.size_hint())?;
            drop(message);
            let data = match &call {
                Some(call) => Box::pin(self.hooks.around(call, link.call_encoded(action, encoded))).await?,
                None => link.call_encoded(action, encoded).await?,
            };
            Ok(message_id(&data))
        })
    }

    fn recall<'a>(&'a self, _target: &'a Target, message_id: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            self.call("delete_msg", &RecallParams { message_id: IdParam(message_id) }).await?;
            Ok(())
        })
    }

    fn api(&self) -> &dyn Any {
        &self.api
    }
}

/// The bot handed to handlers of one HTTP POST event: its first reply to that event goes back as the quick
/// operation in the HTTP response (no API call, so no message id: it returns an empty id); anything after the
/// response was sent goes through the HTTP API.
pub(crate) struct QuickReplyBot {
    pub(crate) inner: Arc<OneBotBot>,
    pub(crate) slot: Mutex<Option<oneshot::Sender<Message>>>,
}

impl Bot for QuickReplyBot {
    fn platform(&self) -> Platform {
        Platform::OneBot
    }

    fn self_id(&self) -> &str {
        &self.inner.self_id
    }

    fn send<'a>(&'a self, target: &'a Target, message: Message) -> BoxFuture<'a, Result<String>> {
        self.inner.send(target, message)
    }

    fn reply<'a>(&'a self, event: &'a Event, message: Message) -> BoxFuture<'a, Result<String>> {
        Box::pin(async move {
            let slot = match self.slot.lock() {
                Ok(mut s) => s.take(),
                Err(poisoned) => poisoned.into_inner().take(),
            };
            let message = match slot {
                Some(tx) => match tx.send(message) {
                    Ok(()) => return Ok(String::new()),
                    Err(message) => message,
                },
                None => message,
            };
            match event {
                Event::Message(m) => self.inner.send_message(&m.target(), &message).await,
                Event::Notice(_) => self.inner.reply(event, message).await,
            }
        })
    }

    fn recall<'a>(&'a self, target: &'a Target, message_id: &'a str) -> BoxFuture<'a, Result<()>> {
        self.inner.recall(target, message_id)
    }

    fn api(&self) -> &dyn Any {
        self.inner.api()
    }
}
