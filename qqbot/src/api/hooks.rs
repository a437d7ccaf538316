//! API-call hooks (NoneBot's `on_calling_api` / `on_called_api`): seen for every outbound call — OneBot actions
//! (sends, replies, recalls and every typed API call) and official REST requests — in each adapter's one call
//! function. A `calling` hook may stop the call; the caller then gets [`Error::Refused`].

use std::future::Future;
use std::sync::Arc;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::event::Platform;

/// One outbound API call, as the hooks see it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiCall {
    /// The platform called.
    pub platform: Platform,
    /// The account calling (the AppID on the official platform).
    pub self_id: String,
    /// The OneBot action (`send_group_msg`, `delete_msg` …) or the official endpoint
    /// (`POST /v2/groups/{group_openid}/messages`).
    pub action: String,
    /// The parameters: the OneBot action's params, the official request's JSON body (`null` for none or a
    /// file upload).
    pub params: Value,
}

/// A hook run before every call: `Err(reason)` stops it.
pub type CallingApiHook = Arc<dyn Fn(&ApiCall) -> std::result::Result<(), String> + Send + Sync>;
/// A hook run after every call (stopped ones included), with its outcome.
pub type CalledApiHook = Arc<dyn Fn(&ApiCall, &Result<Value>) + Send + Sync>;

/// The API-call hooks of one app (empty: calls pay nothing for them).
#[derive(Default, Clone)]
pub struct ApiHooks {
    pub(crate) calling: Vec<CallingApiHook>,
    pub(crate) called: Vec<CalledApiHook>,
}

impl std::fmt::Debug for ApiHooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiHooks").field("calling", &self.calling.len()).field("called", &self.called.len()).finish()
    }
}

impl ApiHooks {
    /// Whether there is no hook at all.
    pub fn is_empty(&self) -> bool {
        self.calling.is_empty() && self.called.is_empty()
    }

    /// Runs `call` between the hooks: each `calling` hook may stop it; every `called` hook sees the outcome.
    pub(crate) async fn around(&self, call: &ApiCall, perform: impl Future<Output = Result<Value>>) -> Result<Value> {
        let stopped = self.calling.iter().find_map(|hook| hook(call).err());
        let result = match stopped {
            Some(reason) => {
                tracing::debug!(action = %call.action, "an on_calling_api hook stopped the call: {reason}");
                Err(Error::Refused { action: call.action.clone(), reason })
            }
            None => perform.await,
        };
        for hook in &self.called {
            hook(call, &result);
        }
        result
    }
}
