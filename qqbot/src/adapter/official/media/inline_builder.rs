//! A [`ChainBuilder`] that needs no server: media goes to the platform as `file_data` (base64 in the upload).

use futures_util::future::BoxFuture;

use super::chain_builder::{ChainBuilder, MediaKind, MediaSource};
use super::prepare::{PreparedMedia, prepare_media};
use crate::error::Result;
use crate::message::Media;

/// Sends media bytes inline (`file_data`) instead of hosting them; public http(s) URLs are still passed through.
///
/// Use it when the bot has no address Tencent can reach. The platform accepts `file_data` for group and C2C
/// uploads, but rejects large bodies (HTTP 413): for big videos, host them ([`ResourceChainBuilder`] or object
/// storage) instead.
///
/// [`ResourceChainBuilder`]: super::ResourceChainBuilder
#[derive(Debug, Clone, Copy, Default)]
pub struct InlineChainBuilder;

impl InlineChainBuilder {
    async fn inline(&self, kind: MediaKind, media: &Media) -> Result<MediaSource> {
        Ok(match prepare_media(kind, media).await? {
            PreparedMedia::Url(url) => MediaSource::Url(url),
            PreparedMedia::Bytes { bytes, .. } => MediaSource::Bytes(bytes),
        })
    }
}

impl ChainBuilder for InlineChainBuilder {
    fn get_image<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, Result<MediaSource>> {
        Box::pin(self.inline(MediaKind::Image, media))
    }

    fn get_voice<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, Result<MediaSource>> {
        Box::pin(self.inline(MediaKind::Voice, media))
    }

    fn get_video<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, Result<MediaSource>> {
        Box::pin(self.inline(MediaKind::Video, media))
    }

    fn get_file<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, Result<MediaSource>> {
        Box::pin(self.inline(MediaKind::File, media))
    }
}
