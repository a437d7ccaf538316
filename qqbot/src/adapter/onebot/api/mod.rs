//! The typed OneBot v11 / go-cqhttp / NapCat API.

use std::sync::Arc;

use super::ActionCaller;
use crate::error::Result;

/// The full OneBot API of one account. Cheap to clone; reached from a handler as `ctx.onebot()?`.
#[derive(Clone)]
pub struct OneBotApi {
    caller: Arc<dyn ActionCaller>,
}

impl std::fmt::Debug for OneBotApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OneBotApi").field("self_id", &self.caller.self_id()).finish()
    }
}

impl OneBotApi {
    /// The API over a transport.
    pub fn new(caller: Arc<dyn ActionCaller>) -> Self {
        OneBotApi { caller }
    }

    /// Performs any action by name with raw JSON parameters: the escape hatch for actions added tomorrow.
    pub async fn call(&self, action: &str, params: serde_json::Value) -> Result<serde_json::Value> {
        self.caller.call_action(action, params).await
    }
}
