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
pub mod protocol;
pub mod transport;

pub use account::OneBotBot;
pub use adapter::OneBotAdapter;
pub use api::OneBotApi;
pub use caller::ActionCaller;
pub use config::OneBotConfig;
pub use error::OneBotError;
pub use protocol::cq;
pub use protocol::event::{OneBotEvent, OneBotSender};
pub use protocol::frame::{ActionResponse, ApiFailure};
pub use protocol::id::WireId;
pub use transport::link::WsLink;
pub use transport::server_process::ServerControl;
