//! What can go wrong while preparing media, each message saying what to do.

use std::io;

/// A media failure: the file, its format, the SILK encoder or the resource server.
///
/// It reaches callers as [`crate::Error::Adapter`]; `err.downcast_ref::<MediaError>()` on the boxed source tells
/// the cases apart.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// The segment names neither a file nor a URL.
    #[error(
        "the media segment has no `file` and no `url`: give a path, a file:// URI, an http(s) URL or base64:// data"
    )]
    Empty,
    /// A local file does not exist (or `file` is not a form this adapter reads).
    #[error(
        "media `{file}` was not found: give an existing local path, a file:// URI, an http(s) URL or base64:// data"
    )]
    NotFound {
        /// The `file` value, shortened.
        file: String,
    },
    /// A local file exists but cannot be read.
    #[error("cannot read media `{file}`: {source}")]
    Read {
        /// The path.
        file: String,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// `base64://` data is not valid base64.
    #[error("media `{file}` is not valid base64 after `base64://`: {message}")]
    BadBase64 {
        /// The `file` value, shortened.
        file: String,
        /// What the decoder said.
        message: String,
    },
    /// The media is bigger than allowed.
    #[error("media `{file}` is larger than the limit of {limit} bytes; send a smaller file or raise the limit")]
    TooLarge {
        /// The `file` value, shortened.
        file: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// A remote file could not be downloaded.
    #[error("downloading `{url}` failed: {message}")]
    Download {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// A voice clip is not SILK and this build cannot convert it.
    #[error(
        "the voice clip is {format}, not SILK, and the official platform plays only SILK voice: enable the `silk` \
         feature of qqbot (`qqbot = {{ version = \"…\", features = [\"silk\"] }}`; building it needs libclang, e.g. \
         `apt-get install libclang-dev`) to convert wav/mp3/ogg/flac automatically, or send a .silk file"
    )]
    SilkFeatureDisabled {
        /// What the clip looks like (`mp3`, `wav`, `unknown format` …).
        format: String,
    },
    /// A voice clip could not be decoded.
    #[error("cannot decode the voice clip ({message}); use wav, mp3, ogg (Vorbis), flac, or a SILK file")]
    AudioDecode {
        /// What the decoder said.
        message: String,
    },
    /// A voice clip decoded to no samples.
    #[error("the voice clip contains no audio")]
    EmptyAudio,
    /// A voice clip is longer than the encoder accepts.
    #[error("the voice clip is longer than {max_seconds} s; cut it shorter")]
    AudioTooLong {
        /// The limit in seconds.
        max_seconds: u64,
    },
    /// The SILK encoder failed.
    #[error("SILK encoding failed: {message}")]
    SilkEncode {
        /// What the encoder said.
        message: String,
    },
    /// The resource server cannot listen where it was asked to.
    #[error(
        "the resource server cannot listen on {addr}: {source}; choose another `port` for the resource server or \
         stop the program using it"
    )]
    Bind {
        /// The address.
        addr: String,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// A second account asked for a port already served with other options.
    #[error(
        "the resource server on port {port} already runs with other options ({difference}); give every account \
         that shares this port the same resource options, or give this one another port"
    )]
    OptionsMismatch {
        /// The port.
        port: u16,
        /// The first differing option, as `name: running vs asked`.
        difference: String,
    },
    /// A resource server option is invalid.
    #[error("invalid resource server option `{option}`: {message}")]
    InvalidOption {
        /// The option's name.
        option: &'static str,
        /// What is wrong and what to write instead.
        message: String,
    },
    /// The resource folder cannot be written.
    #[error("cannot write to the resource folder {path}: {source}; check that it exists and is writable")]
    Store {
        /// The folder.
        path: String,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

impl From<MediaError> for crate::Error {
    fn from(err: MediaError) -> Self {
        crate::Error::adapter(err)
    }
}

/// `file` as it may appear in an error message: `base64://` data is reduced to its length, long values cut.
pub(crate) fn describe_file(file: &str) -> String {
    if let Some(data) = file.strip_prefix("base64://") {
        return format!("base64://… ({} characters)", data.len());
    }
    const MAX_CHARS: usize = 200;
    if file.chars().count() > MAX_CHARS {
        let cut: String = file.chars().take(MAX_CHARS).collect();
        format!("{cut}…")
    } else {
        file.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_inline_data_by_its_length() {
        assert_eq!(describe_file("base64://AAAA"), "base64://… (4 characters)");
        assert_eq!(describe_file("a.png"), "a.png");
        assert!(describe_file(&"x".repeat(500)).ends_with('…'));
    }

    #[test]
    fn silk_error_says_how_to_enable_the_feature() {
        let text = MediaError::SilkFeatureDisabled { format: "mp3".into() }.to_string();
        assert!(text.contains("`silk` feature"), "{text}");
        assert!(text.contains("libclang"), "{text}");
    }
}
