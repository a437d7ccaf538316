//! The official platform's transports: the WebSocket gateway, the webhook server and the REST client (bytes in and
//! out).

pub(super) mod gateway;
pub(super) mod rest;
pub(super) mod webhook;

use std::sync::Arc;

use crate::api::Bot;

/// How a transport gets the [`Bot`] of the account it serves (by its id) without importing the account layer:
/// the adapter passes this in.
pub(crate) type MakeBot = Arc<dyn Fn(&str) -> Arc<dyn Bot> + Send + Sync>;
