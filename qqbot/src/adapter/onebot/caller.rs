//! The seam between OneBot transports and the typed API.

use super::protocol::id::LargeIds;
use futures_util::future::BoxFuture;

use crate::error::Result;

/// Something that can perform a OneBot action: a WebSocket connection (calls correlated by `echo`) or an HTTP
/// API client.
///
/// On success it yields the response's `data` (`Value::Null` when the response has none); a response with
/// `status: "failed"` or a non-zero `retcode` becomes [`crate::Error::Api`] with the `retcode` and the
/// `wording`/`message`; no answer in time becomes [`crate::Error::Timeout`]; a call while disconnected waits for
/// the reconnection up to its timeout and then fails with [`crate::Error::Disconnected`].
pub trait ActionCaller: Send + Sync + 'static {
    /// Performs `action` with `params` (a JSON object).
    fn call_action<'a>(
        &'a self,
        action: &'a str,
        params: serde_json::Value,
    ) -> BoxFuture<'a, Result<serde_json::Value>>;

    /// The bot account this caller acts for.
    fn self_id(&self) -> &str;

    /// How this caller's implementation wants ids beyond ±2⁵³ (`[onebot] large_ids`).
    fn large_ids(&self) -> LargeIds {
        LargeIds::String
    }
}
