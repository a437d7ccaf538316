//! The OneBot v11 adapter: NapCat, Lagrange, go-cqhttp, LLOneBot over forward WebSocket, reverse WebSocket,
//! HTTP API and HTTP POST.

pub mod api;
mod caller;
pub mod http_api;

pub use api::OneBotApi;
pub use caller::ActionCaller;
