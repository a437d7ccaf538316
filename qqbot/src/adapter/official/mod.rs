//! The official QQ Open Platform adapter: guild, group and C2C bots over the WebSocket gateway or webhooks.

pub mod media;
