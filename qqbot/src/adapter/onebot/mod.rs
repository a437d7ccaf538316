//! The OneBot v11 adapter: NapCat, Lagrange, go-cqhttp, LLOneBot over forward WebSocket, reverse WebSocket,
//! HTTP API and HTTP POST.
//!
//! - [`protocol`]: the wire format without I/O (events, segments, CQ codes, requests, responses);
//! - [`transport`]: the I/O (connections, listeners, the HTTP client), which never interprets a frame itself;
//! - [`OneBotAdapter`]: what `qqbot.toml`'s `[onebot]` table ([`OneBotConfig`]) turns into;
//! - [`OneBotBot`] / [`OneBotApi`]: one account, reached in handlers as `ctx.onebot()?`.
//!
//! Every event's OneBot form stays available as `event.platform_data::<OneBotEvent>()`.

mod account;
mod accounts;
mod adapter;
pub mod api;
mod caller;
pub mod config;
pub mod cqhttp;
mod ctx;
mod error;
pub(crate) mod protocol;
mod transport;

pub use account::OneBotBot;
pub use adapter::OneBotAdapter;
pub use api::OneBotApi;
pub use caller::ActionCaller;
pub use config::OneBotConfig;
pub use error::OneBotError;
pub use protocol::auth::sign;
pub use protocol::convert::to_event;
pub use protocol::cq;
pub use protocol::event::{OneBotEvent, OneBotSender};
pub use protocol::frame::{ActionResponse, ApiFailure, Frame, FrameError, decode_frame};
pub use protocol::id::{LargeIds, WireId};
pub use protocol::inspect::{PayloadKind, inspect};
pub use protocol::quick_op;
pub use protocol::segment::{WireMessage, WireSegment, message_to_value, segment_from_wire, segment_to_wire};
pub use transport::link::WsLink;
pub use transport::server_process::ServerControl;

/// Internals the repository's benchmarks, fuzz targets and tests measure and compare (the frame policy every
/// transport applies, the reverse-WebSocket handshake, the request encoder, the HTTP action client). Not part of
/// the API: they change without notice.
#[doc(hidden)]
pub mod __bench {
    pub use super::protocol::frame::encode_request;
    pub use super::protocol::handshake::{Handshake, Refusal, read_handshake};
    pub use super::protocol::inbound::{Inbound, LinkState, read_frame};
    pub use super::protocol::send::SendRequest;
    pub use super::transport::gauges::QueueGauges;
    /// Events one connection's delivery queue holds before the connection stops reading.
    pub const DELIVERY_QUEUE: usize = super::adapter::DELIVERY_QUEUE;
    /// Abandoned (timed out) calls a connection's answer map may gather between two sweeps.
    pub const PURGE_EVERY: usize = super::transport::connection::PURGE_EVERY as usize;
    pub use super::transport::http_call::HttpApiClient;
}
