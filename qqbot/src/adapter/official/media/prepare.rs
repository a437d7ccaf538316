//! The part every `ChainBuilder` shares: turning a segment's media into either a URL Tencent can fetch as it is,
//! or bytes ready to be hosted (voice already SILK-encoded).

use super::chain_builder::MediaKind;
use super::error::MediaError;
use super::load::{MediaLocation, load_location};
use super::reachability::is_publicly_fetchable;
use super::sniff::is_silk;
use super::voice::voice_to_silk;
use crate::error::Result;
use crate::message::Media;

/// Media made ready for the platform, before it is hosted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreparedMedia {
    /// A public http(s) URL the platform can fetch as it is.
    Url(String),
    /// Bytes to host somewhere (or send as `file_data`), with the extension to name them by.
    Bytes {
        /// The file's bytes; SILK for voice.
        bytes: Vec<u8>,
        /// Its extension without the dot (`png`, `silk`, `mp4`, `bin` when unknown).
        extension: String,
    },
}

/// Prepares one piece of media:
///
/// - images, videos and files at a public http(s) URL are passed through unchanged;
/// - URLs on hosts Tencent cannot reach (localhost, private networks) are downloaded;
/// - voice is SILK-encoded ([`voice_to_silk`]); a public URL of a clip that is already SILK is passed through;
/// - local paths, `file://` URIs and `base64://` data are read.
pub async fn prepare_media(kind: MediaKind, media: &Media) -> Result<PreparedMedia> {
    let location = MediaLocation::of(media)?;
    let public_url = match &location {
        MediaLocation::Remote(url) if is_publicly_fetchable(url) => Some(url.clone()),
        _ => None,
    };
    if kind != MediaKind::Voice
        && let Some(url) = public_url
    {
        return Ok(PreparedMedia::Url(url));
    }
    let loaded = load_location(&location).await?;
    if kind != MediaKind::Voice {
        let extension = loaded.extension.unwrap_or_else(|| "bin".to_owned());
        return Ok(PreparedMedia::Bytes { bytes: loaded.bytes, extension });
    }
    if is_silk(&loaded.bytes)
        && let Some(url) = public_url
    {
        return Ok(PreparedMedia::Url(url));
    }
    let silk = tokio::task::spawn_blocking(move || voice_to_silk(loaded.bytes))
        .await
        .map_err(|e| MediaError::SilkEncode { message: format!("the encoder task failed: {e}") })??;
    Ok(PreparedMedia::Bytes { bytes: silk, extension: "silk".to_owned() })
}
