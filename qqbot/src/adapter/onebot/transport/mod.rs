//! Transports: bytes in and out, no protocol. Forward WebSocket (the bot connects), reverse WebSocket and HTTP
//! POST (the implementation connects to the bot's listener), and the HTTP API client.

use std::sync::Arc;

use tokio::sync::oneshot;

use self::http_call::HttpApiClient;
use self::link::WsLink;
use crate::api::Bot;
use crate::message::Message;

pub(crate) mod connection;
pub(crate) mod forward;
pub(crate) mod gauges;
pub mod http_call;
pub(crate) mod link;
pub(crate) mod server;
pub(crate) mod server_process;

/// What the transports need from the account layer above them, so that they import nothing from it: the [`Bot`]
/// that serves an account, over a WebSocket link or for one HTTP POST event.
pub(crate) trait Accounts: Send + Sync + 'static {
    /// The bot of `self_id` whose calls go over `link`.
    fn over_ws(&self, self_id: &str, link: &Arc<WsLink>) -> Arc<dyn Bot>;

    /// The bot handed to the handlers of one HTTP POST event of `self_id`: calls go over `api`; with
    /// `quick_reply`, its first reply is handed there instead (to answer in the HTTP response).
    fn over_http_post(
        &self,
        self_id: &str,
        api: Option<&Arc<HttpApiClient>>,
        quick_reply: Option<oneshot::Sender<Message>>,
    ) -> Arc<dyn Bot>;
}
