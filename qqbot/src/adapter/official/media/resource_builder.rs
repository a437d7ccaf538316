//! The default [`ChainBuilder`]: media is written to the shared resource server and Tencent fetches it from there.

use std::sync::Arc;

use futures_util::future::BoxFuture;

use super::chain_builder::{ChainBuilder, MediaKind, MediaSource};
use super::options::ResourceServerOptions;
use super::prepare::{PreparedMedia, prepare_media};
use super::resource_server::ResourceServer;
use crate::error::Result;
use crate::message::Media;

/// Serves media from the process's [`ResourceServer`] for its port (AmiyaBot's `QQGroupChainBuilder`).
///
/// Public http(s) URLs are passed through; everything else (local files, `base64://` data, URLs Tencent cannot
/// reach) is written to the resource folder under a random name, and its URL is given to the platform. Voice is
/// SILK-encoded first.
#[derive(Debug, Clone)]
pub struct ResourceChainBuilder {
    server: Arc<ResourceServer>,
}

impl ResourceChainBuilder {
    /// Starts the resource server for `options.port`, or joins the one already running there.
    pub async fn start(options: ResourceServerOptions) -> Result<Self> {
        Ok(ResourceChainBuilder { server: ResourceServer::start(options).await? })
    }

    /// A builder on a server that is already running.
    pub fn with_server(server: Arc<ResourceServer>) -> Self {
        ResourceChainBuilder { server }
    }

    /// The server files are written to.
    pub fn server(&self) -> &Arc<ResourceServer> {
        &self.server
    }

    async fn serve(&self, kind: MediaKind, media: &Media) -> Result<MediaSource> {
        match prepare_media(kind, media).await? {
            PreparedMedia::Url(url) => Ok(MediaSource::Url(url)),
            PreparedMedia::Bytes { bytes, extension } => {
                Ok(MediaSource::Url(self.server.store(&bytes, Some(&extension)).await?))
            }
        }
    }
}

impl ChainBuilder for ResourceChainBuilder {
    fn get_image<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, Result<MediaSource>> {
        Box::pin(self.serve(MediaKind::Image, media))
    }

    fn get_voice<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, Result<MediaSource>> {
        Box::pin(self.serve(MediaKind::Voice, media))
    }

    fn get_video<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, Result<MediaSource>> {
        Box::pin(self.serve(MediaKind::Video, media))
    }

    fn get_file<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, Result<MediaSource>> {
        Box::pin(self.serve(MediaKind::File, media))
    }
}
