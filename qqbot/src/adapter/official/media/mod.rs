//! Media for the official platform: how images, voice and video become something Tencent can fetch.
//!
//! The platform does not take uploads of raw bytes for every case; it fetches media from a URL (or takes
//! `file_data`). A [`ChainBuilder`] decides how each piece of media is made available.

mod chain_builder;

pub use chain_builder::{ChainBuilder, MediaKind, MediaSource};
