//! Reading a [`Media`]'s bytes from wherever its `file` points: a path, a `file://` URI, an http(s) URL or inline
//! `base64://` data.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use base64::Engine;

use super::error::{MediaError, describe_file};
use super::sniff::{clean_extension, sniff_extension};
use crate::error::Result;
use crate::message::Media;

/// The largest media file read or downloaded (64 MiB); the platform's own limits are lower.
pub const MAX_MEDIA_BYTES: u64 = 64 * 1024 * 1024;

/// How long one download may take.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// Where a [`Media`]'s data is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaLocation {
    /// An `http://` or `https://` URL.
    Remote(String),
    /// A local file (from a path or a `file://` URI).
    Local(PathBuf),
    /// `base64://` data, still encoded.
    Inline(String),
}

impl MediaLocation {
    /// Reads `media.file`, or `media.url` when `file` is empty or names no local file (as on received media,
    /// whose `file` is a platform id): so a received picture can be sent on as it is.
    pub fn of(media: &Media) -> Result<MediaLocation> {
        let url = media.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
        let file = media.file.trim();
        let file = match (file.is_empty(), url) {
            (true, Some(url)) => url,
            (true, None) => return Err(MediaError::Empty.into()),
            (false, _) => file,
        };
        if let Some(data) = file.strip_prefix("base64://") {
            return Ok(MediaLocation::Inline(data.to_owned()));
        }
        if has_prefix_ignoring_case(file, "http://") || has_prefix_ignoring_case(file, "https://") {
            return Ok(MediaLocation::Remote(file.to_owned()));
        }
        if has_prefix_ignoring_case(file, "file://") {
            let path = url::Url::parse(file)
                .ok()
                .and_then(|u| u.to_file_path().ok())
                .ok_or_else(|| MediaError::NotFound { file: describe_file(file) })?;
            return Ok(MediaLocation::Local(path));
        }
        match url {
            Some(url) if !Path::new(file).exists() => MediaLocation::of(&Media::new(url)),
            _ => Ok(MediaLocation::Local(PathBuf::from(file))),
        }
    }

    /// The extension the location's name suggests (`png` for `a/b.PNG`), if any.
    pub fn extension(&self) -> Option<String> {
        match self {
            MediaLocation::Local(path) => path.extension().and_then(|e| e.to_str()).and_then(clean_extension),
            MediaLocation::Remote(url) => url::Url::parse(url)
                .ok()
                .and_then(|u| u.path_segments().and_then(|mut s| s.next_back().map(str::to_owned)))
                .and_then(|name| Path::new(&name).extension().and_then(|e| e.to_str()).and_then(clean_extension)),
            MediaLocation::Inline(_) => None,
        }
    }
}

/// A media file's bytes, with the extension that names its format best.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedMedia {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The format's extension, sniffed from the bytes when recognisable, else taken from the name.
    pub extension: Option<String>,
}

/// Reads the media's bytes (downloading http(s) URLs), up to [`MAX_MEDIA_BYTES`].
pub async fn load_media(media: &Media) -> Result<LoadedMedia> {
    load_location(&MediaLocation::of(media)?).await
}

/// Reads the bytes at a location (downloading http(s) URLs), up to [`MAX_MEDIA_BYTES`].
pub async fn load_location(location: &MediaLocation) -> Result<LoadedMedia> {
    let bytes = match location {
        MediaLocation::Inline(data) => decode_inline(data)?,
        MediaLocation::Local(path) => read_local(path).await?,
        MediaLocation::Remote(url) => download(url).await?,
    };
    let extension = sniff_extension(&bytes).map(str::to_owned).or_else(|| location.extension());
    Ok(LoadedMedia { bytes, extension })
}

fn has_prefix_ignoring_case(text: &str, prefix: &str) -> bool {
    text.as_bytes().get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
}

fn decode_inline(data: &str) -> Result<Vec<u8>, MediaError> {
    let shown = || describe_file(&format!("base64://{data}"));
    // Four characters carry three bytes; refuse before decoding anything huge.
    if (data.len() as u64 / 4).saturating_mul(3) > MAX_MEDIA_BYTES {
        return Err(MediaError::TooLarge { file: shown(), limit: MAX_MEDIA_BYTES });
    }
    let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| MediaError::BadBase64 { file: shown(), message: e.to_string() })
}

async fn read_local(path: &Path) -> Result<Vec<u8>, MediaError> {
    let shown = || describe_file(&path.display().to_string());
    let meta = match tokio::fs::metadata(path).await {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(MediaError::NotFound { file: shown() }),
        Err(source) => return Err(MediaError::Read { file: shown(), source }),
    };
    if !meta.is_file() {
        return Err(MediaError::NotFound { file: shown() });
    }
    if meta.len() > MAX_MEDIA_BYTES {
        return Err(MediaError::TooLarge { file: shown(), limit: MAX_MEDIA_BYTES });
    }
    tokio::fs::read(path).await.map_err(|source| MediaError::Read { file: shown(), source })
}

/// One HTTP client for every download in the process (it keeps connections alive).
fn http_client() -> Result<&'static reqwest::Client, MediaError> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client);
    }
    let client = crate::adapter::tls::http_client().timeout(DOWNLOAD_TIMEOUT).build().map_err(|e| {
        MediaError::Download { url: String::new(), message: format!("cannot build an HTTP client: {e}") }
    })?;
    Ok(CLIENT.get_or_init(|| client))
}

async fn download(url: &str) -> Result<Vec<u8>, MediaError> {
    let failed = |message: String| MediaError::Download { url: describe_file(url), message };
    let too_large = || MediaError::TooLarge { file: describe_file(url), limit: MAX_MEDIA_BYTES };
    let mut response = http_client()?.get(url).send().await.map_err(|e| failed(e.to_string()))?;
    if !response.status().is_success() {
        return Err(failed(format!("the server answered HTTP {}", response.status())));
    }
    if response.content_length().is_some_and(|len| len > MAX_MEDIA_BYTES) {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| failed(e.to_string()))? {
        if bytes.len() as u64 + chunk.len() as u64 > MAX_MEDIA_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(file: &str) -> MediaLocation {
        MediaLocation::of(&Media::new(file)).unwrap()
    }

    #[test]
    fn parses_every_form_of_file() {
        assert_eq!(location("https://e.com/a.png"), MediaLocation::Remote("https://e.com/a.png".into()));
        assert_eq!(location("HTTP://e.com/a"), MediaLocation::Remote("HTTP://e.com/a".into()));
        assert_eq!(location("base64://AAA="), MediaLocation::Inline("AAA=".into()));
        assert_eq!(location("file:///tmp/a%20b.mp3"), MediaLocation::Local(PathBuf::from("/tmp/a b.mp3")));
        assert_eq!(location("voice/hello.mp3"), MediaLocation::Local(PathBuf::from("voice/hello.mp3")));
        let from_url = Media { url: Some("https://e.com/x.jpg".into()), ..Media::default() };
        assert_eq!(MediaLocation::of(&from_url).unwrap(), MediaLocation::Remote("https://e.com/x.jpg".into()));
        assert!(MediaLocation::of(&Media::default()).is_err());
        assert_eq!(location("http://中文.example/a.png"), MediaLocation::Remote("http://中文.example/a.png".into()));
        let received = Media { url: Some("https://e.com/r.jpg".into()), ..Media::new("ABCDEF.image") };
        assert_eq!(MediaLocation::of(&received).unwrap(), MediaLocation::Remote("https://e.com/r.jpg".into()));
    }

    #[test]
    fn extensions_from_names() {
        assert_eq!(location("a/B.PNG").extension().as_deref(), Some("png"));
        assert_eq!(location("https://e.com/v/clip.mp4?sign=1").extension().as_deref(), Some("mp4"));
        assert_eq!(location("https://e.com/").extension(), None);
        assert_eq!(location("base64://AAA=").extension(), None);
    }

    #[tokio::test]
    async fn inline_data_decodes_and_bad_data_says_why() {
        let loaded = load_media(&Media::new("base64://iVBORw0KGgo=")).await.unwrap();
        assert_eq!(loaded.bytes, b"\x89PNG\r\n\x1a\n");
        assert_eq!(loaded.extension.as_deref(), Some("png"));
        let err = load_media(&Media::new("base64://%%%")).await.unwrap_err().to_string();
        assert!(err.contains("not valid base64"), "{err}");
    }

    #[tokio::test]
    async fn missing_files_are_named_in_the_error() {
        let err = load_media(&Media::new("/no/such/dir/x.png")).await.unwrap_err().to_string();
        assert!(err.contains("/no/such/dir/x.png") && err.contains("not found"), "{err}");
    }

    #[tokio::test]
    async fn local_files_and_file_uris_read_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("note.txt");
        std::fs::write(&path, b"hello").unwrap();
        let by_path = load_media(&Media::new(path.display().to_string())).await.unwrap();
        let uri = url::Url::from_file_path(&path).unwrap().to_string();
        let by_uri = load_media(&Media::new(uri)).await.unwrap();
        assert_eq!(by_path.bytes, b"hello");
        assert_eq!(by_path, by_uri);
        assert_eq!(by_path.extension.as_deref(), Some("txt"));
    }
}
