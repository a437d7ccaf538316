//! Recognising media formats by their first bytes, and naming files for them.

/// The SILK header, after an optional 0x02 byte that Tencent's encoder writes first.
pub(crate) const SILK_HEADER: &[u8] = b"#!SILK_V3";

/// Whether `bytes` is a SILK v3 stream (`#!SILK_V3`, with or without the leading 0x02 byte).
pub fn is_silk(bytes: &[u8]) -> bool {
    bytes.starts_with(SILK_HEADER)
        || (bytes.first() == Some(&0x02) && bytes.get(1..).is_some_and(|rest| rest.starts_with(SILK_HEADER)))
}

/// The usual extension of a recognised format, from its magic bytes.
pub(crate) fn sniff_extension(bytes: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..).is_some_and(|rest| rest.starts_with(magic));
    if is_silk(bytes) {
        Some("silk")
    } else if at(0, b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if at(0, b"\xff\xd8\xff") {
        Some("jpg")
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        Some("gif")
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Some("webp")
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        Some("wav")
    } else if at(0, b"BM") && bytes.len() > 14 {
        Some("bmp")
    } else if at(4, b"ftyp") {
        Some("mp4")
    } else if at(0, b"OggS") {
        Some("ogg")
    } else if at(0, b"fLaC") {
        Some("flac")
    } else if at(0, b"#!AMR") {
        Some("amr")
    } else if at(0, b"ID3") || is_mpeg_audio_frame(bytes) {
        Some("mp3")
    } else {
        None
    }
}

/// An MPEG audio frame header: 11 sync bits, then a layer that is not "reserved".
fn is_mpeg_audio_frame(bytes: &[u8]) -> bool {
    match (bytes.first(), bytes.get(1)) {
        (Some(&0xff), Some(&b)) => b & 0xe0 == 0xe0 && b & 0x06 != 0,
        _ => false,
    }
}

/// A file extension safe to put in a served file name: 1 to 8 ASCII letters or digits, lower-cased.
pub(crate) fn clean_extension(raw: &str) -> Option<String> {
    let ext = raw.trim_start_matches('.');
    (!ext.is_empty() && ext.len() <= 8 && ext.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| ext.to_ascii_lowercase())
}

/// The `Content-Type` to serve a file with the given extension.
pub(crate) fn content_type(extension: &str) -> &'static str {
    match extension {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "mp4" => "video/mp4",
        "silk" | "slk" => "audio/silk",
        "amr" => "audio/amr",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "ogg" => "audio/ogg",
        "flac" => "audio/flac",
        "txt" => "text/plain; charset=utf-8",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silk_with_and_without_the_tencent_byte() {
        assert!(is_silk(b"#!SILK_V3\x01\x02"));
        assert!(is_silk(b"\x02#!SILK_V3\x01\x02"));
        assert!(!is_silk(b"\x03#!SILK_V3"));
        assert!(!is_silk(b"#!SILK"));
        assert!(!is_silk(b""));
        assert!(!is_silk(b"\x02"));
    }

    #[test]
    fn recognises_common_formats() {
        assert_eq!(sniff_extension(b"\x89PNG\r\n\x1a\n...."), Some("png"));
        assert_eq!(sniff_extension(b"\xff\xd8\xff\xe0"), Some("jpg"));
        assert_eq!(sniff_extension(b"RIFF\0\0\0\0WAVEfmt "), Some("wav"));
        assert_eq!(sniff_extension(b"RIFF\0\0\0\0WEBPVP8 "), Some("webp"));
        assert_eq!(sniff_extension(b"\0\0\0\x20ftypisom"), Some("mp4"));
        assert_eq!(sniff_extension(b"ID3\x04"), Some("mp3"));
        assert_eq!(sniff_extension(b"\xff\xfb\x90\x00"), Some("mp3"));
        assert_eq!(sniff_extension(b"\x02#!SILK_V3"), Some("silk"));
        assert_eq!(sniff_extension(b"hello"), None);
        assert_eq!(sniff_extension(b""), None);
    }

    #[test]
    fn extensions_are_cleaned() {
        assert_eq!(clean_extension("PNG").as_deref(), Some("png"));
        assert_eq!(clean_extension(".mp3").as_deref(), Some("mp3"));
        assert_eq!(clean_extension("a/b"), None);
        assert_eq!(clean_extension(""), None);
        assert_eq!(clean_extension("toolongext"), None);
        assert_eq!(clean_extension("..").as_deref(), None);
    }
}
