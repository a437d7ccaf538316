//! Media for the official platform: how images, voice and video become something Tencent can fetch.
//!
//! Group and C2C messages carry media by uploading it to the platform's files endpoint, either as a URL the
//! platform downloads or as `file_data` bytes. A [`ChainBuilder`] decides which, for every image, voice clip, video
//! and file a bot sends (AmiyaBot's design):
//!
//! - [`ResourceChainBuilder`] (the default) writes media to a [`ResourceServer`], an HTTP server started with the
//!   bot and shared by every account on the same port, and hands Tencent its URL ([`ResourceServerOptions`]:
//!   `host`, `port`, `resource_path`, `public_url`, expiry, HTTP options).
//! - [`InlineChainBuilder`] sends bytes as `file_data`, needing no public address.
//! - A bot's own builder can upload to object storage (COS, OSS, S3 …); [`prepare_media`] does the common work
//!   (reading paths, `base64://` data and private URLs, SILK-encoding voice) so it only has to upload bytes.
//!
//! Voice must be SILK. With the `silk` feature, wav, mp3, ogg (Vorbis) and flac are converted
//! ([`voice_to_silk`]); without it, only SILK clips can be sent and others fail with
//! [`MediaError::SilkFeatureDisabled`], which says how to turn the feature on.

#[cfg(feature = "silk")]
mod audio_decode;
mod chain_builder;
mod error;
mod inline_builder;
mod load;
mod options;
mod prepare;
mod reachability;
#[cfg(feature = "silk")]
mod resample;
mod resource_builder;
mod resource_server;
mod resource_store;
mod sniff;
mod voice;

pub use chain_builder::{ChainBuilder, MediaKind, MediaSource};
pub use error::MediaError;
pub use inline_builder::InlineChainBuilder;
pub use load::{LoadedMedia, MAX_MEDIA_BYTES, MediaLocation, load_location, load_media};
pub use options::{HttpServerOptions, ResourceServerOptions};
pub use prepare::{PreparedMedia, prepare_media};
pub use reachability::is_publicly_fetchable;
pub use resource_builder::ResourceChainBuilder;
pub use resource_server::ResourceServer;
pub use sniff::is_silk;
pub use voice::{MAX_VOICE_SECONDS, SILK_ENABLED, SILK_SAMPLE_RATE, voice_to_silk};
