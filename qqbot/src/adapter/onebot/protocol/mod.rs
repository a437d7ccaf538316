//! The OneBot v11 wire format, without I/O: frames → events, segments ↔ JSON, CQ codes, action requests and
//! responses. Every transport uses this module; none of it knows how bytes travel.

pub mod auth;
pub mod convert;
pub mod cq;
pub mod event;
pub mod frame;
pub mod handshake;
pub mod id;
pub mod inbound;
pub mod inspect;
pub mod quick_op;
pub mod segment;
pub mod send;
