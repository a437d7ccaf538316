//! AmiyaBot's `ChainBuilder`: turns a message's media into a URL (or bytes) the platform can take.

use futures_util::future::BoxFuture;

use crate::error::Result;
use crate::message::{Media, Segment};

/// What kind of media is being prepared; the official files endpoint's `file_type` is 1, 2, 3, 4 in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// A picture (`file_type` 1).
    Image,
    /// A video (`file_type` 2).
    Video,
    /// A voice clip, which must be SILK-encoded (`file_type` 3).
    Voice,
    /// Any other file (`file_type` 4).
    File,
}

impl MediaKind {
    /// The files endpoint's `file_type`.
    pub fn file_type(self) -> u8 {
        match self {
            MediaKind::Image => 1,
            MediaKind::Video => 2,
            MediaKind::Voice => 3,
            MediaKind::File => 4,
        }
    }

    /// The kind and media of a media segment (`Image`, `Record`, `Video`, `File`); `None` for other segments.
    pub fn of_segment(segment: &Segment) -> Option<(MediaKind, &Media)> {
        match segment {
            Segment::Image(media) => Some((MediaKind::Image, media)),
            Segment::Record(media) => Some((MediaKind::Voice, media)),
            Segment::Video(media) => Some((MediaKind::Video, media)),
            Segment::File(media) => Some((MediaKind::File, media)),
            _ => None,
        }
    }
}

/// Where the platform can get prepared media.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaSource {
    /// A public URL the platform fetches.
    Url(String),
    /// The bytes themselves (sent as `file_data`).
    Bytes(Vec<u8>),
}

/// Prepares media for sending: the default serves files from the resource server; a bot replaces it to upload
/// to object storage (COS, OSS, S3 …) instead.
pub trait ChainBuilder: Send + Sync + 'static {
    /// Makes a picture available.
    fn get_image<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, Result<MediaSource>>;
    /// Makes a voice clip available, SILK-encoded.
    fn get_voice<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, Result<MediaSource>>;
    /// Makes a video available.
    fn get_video<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, Result<MediaSource>>;
    /// Makes any other file available.
    fn get_file<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, Result<MediaSource>>;

    /// Makes media of the given kind available: calls the matching `get_*` method.
    fn get<'a>(&'a self, kind: MediaKind, media: &'a Media) -> BoxFuture<'a, Result<MediaSource>> {
        match kind {
            MediaKind::Image => self.get_image(media),
            MediaKind::Voice => self.get_voice(media),
            MediaKind::Video => self.get_video(media),
            MediaKind::File => self.get_file(media),
        }
    }
}
