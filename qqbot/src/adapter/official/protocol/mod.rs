//! The official platform's protocol: the wire model, the events it becomes, and the message bodies qqbot sends.

pub(super) mod content;
pub(super) mod decode;
pub(super) mod encode;
pub(super) mod event;
pub mod model;
