//! Transports: bytes in and out, no protocol. Forward WebSocket (the bot connects), reverse WebSocket and HTTP
//! POST (the implementation connects to the bot's listener), and the HTTP API client.

pub mod auth;
pub(crate) mod connection;
pub(crate) mod forward;
pub mod http_call;
pub(crate) mod server;
