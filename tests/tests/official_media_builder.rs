//! The default and inline `ChainBuilder`s: what each kind of `file` becomes, and voice without the silk feature.

use qqbot::Segment;
use qqbot::adapter::official::media::{
    ChainBuilder, InlineChainBuilder, MediaError, MediaKind, MediaSource, ResourceChainBuilder, ResourceServerOptions,
    SILK_ENABLED,
};
use qqbot::message::Media;

mod official_media_support;
use official_media_support::{base64_uri, get, url_of};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR not really a picture";
const SILK: &[u8] = b"\x02#!SILK_V3\x0a\x00ten bytes!\xff\xff";

fn media_error(err: &qqbot::Error) -> &MediaError {
    match err {
        qqbot::Error::Adapter(inner) => inner.downcast_ref::<MediaError>().unwrap_or_else(|| panic!("{err:?}")),
        other => panic!("expected a media error, got {other:?}"),
    }
}

#[test]
fn the_silk_feature_of_the_tests_matches_qqbots() {
    assert_eq!(
        cfg!(feature = "silk"),
        SILK_ENABLED,
        "qqbot/silk is on but the tests' `silk` feature is off (or the reverse): run \
         `cargo test -p qqbot-tests --features silk`, which turns on both"
    );
}

#[tokio::test]
async fn public_urls_pass_through_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let builder = ResourceChainBuilder::start(ResourceServerOptions::local(dir.path())).await.unwrap();
    for (kind, url) in [
        (MediaKind::Image, "https://example.com/cat.png?size=large"),
        (MediaKind::Video, "https://cdn.example.com/v.mp4"),
        (MediaKind::File, "http://files.example.com/report.pdf"),
    ] {
        let source = builder.get(kind, &Media::new(url)).await.unwrap();
        assert_eq!(source, MediaSource::Url(url.to_owned()));
    }
    assert_eq!(builder.server().file_count(), 0, "nothing is downloaded or stored for public URLs");
}

#[tokio::test]
async fn local_paths_uris_and_inline_data_are_served_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let builder = ResourceChainBuilder::start(ResourceServerOptions::local(dir.path().join("res"))).await.unwrap();
    let path = dir.path().join("空格 和中文.png");
    std::fs::write(&path, PNG).unwrap();
    let uri = format!("file://{}", path.display().to_string().replace(' ', "%20"));
    let video: Vec<u8> = b"\0\0\0\x18ftypmp42".iter().copied().chain((0..=255u8).cycle().take(100_000)).collect();

    for (segment, expected, extension) in [
        (Segment::image(path.display().to_string()), PNG.to_vec(), ".png"),
        (Segment::image(uri), PNG.to_vec(), ".png"),
        (Segment::image(base64_uri(PNG)), PNG.to_vec(), ".png"),
        (Segment::video(base64_uri(&video)), video.clone(), ".mp4"),
        (Segment::record(base64_uri(SILK)), SILK.to_vec(), ".silk"),
    ] {
        let (kind, media) = MediaKind::of_segment(&segment).unwrap();
        let url = url_of(builder.get(kind, media).await.unwrap());
        assert!(url.ends_with(extension), "{url}");
        assert_eq!(get(&url).await, (200, expected), "{segment:?}");
    }
}

#[tokio::test]
async fn urls_tencent_cannot_reach_are_downloaded_and_served_again() {
    let dir = tempfile::tempdir().unwrap();
    let builder = ResourceChainBuilder::start(ResourceServerOptions::local(dir.path())).await.unwrap();
    let private_url = builder.server().store(PNG, Some("png")).await.unwrap();
    let rehosted = url_of(builder.get_image(&Media::new(private_url.clone())).await.unwrap());
    assert_ne!(rehosted, private_url);
    assert_eq!(get(&rehosted).await, (200, PNG.to_vec()));
}

#[tokio::test]
async fn the_inline_builder_returns_the_bytes() {
    let source = InlineChainBuilder.get_image(&Media::new(base64_uri(PNG))).await.unwrap();
    assert_eq!(source, MediaSource::Bytes(PNG.to_vec()));
    let source = InlineChainBuilder.get_voice(&Media::new(base64_uri(SILK))).await.unwrap();
    assert_eq!(source, MediaSource::Bytes(SILK.to_vec()));
    let url = "https://example.com/a.png";
    assert_eq!(InlineChainBuilder.get_image(&Media::new(url)).await.unwrap(), MediaSource::Url(url.into()));
}

#[tokio::test]
async fn a_missing_file_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let builder = ResourceChainBuilder::start(ResourceServerOptions::local(dir.path())).await.unwrap();
    let err = builder.get_image(&Media::new("pictures/no-such-cat.png")).await.unwrap_err();
    assert!(matches!(media_error(&err), MediaError::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("pictures/no-such-cat.png"), "{err}");
}

#[cfg(not(feature = "silk"))]
#[tokio::test]
async fn without_the_silk_feature_a_wav_voice_says_to_enable_it() {
    use official_media_support::sine_wav;
    let dir = tempfile::tempdir().unwrap();
    let builder = ResourceChainBuilder::start(ResourceServerOptions::local(dir.path().join("res"))).await.unwrap();
    let path = dir.path().join("hello.wav");
    std::fs::write(&path, sine_wav(440.0, 16_000, 1, 16, 0.2)).unwrap();
    let err = builder.get_voice(&Media::new(path.display().to_string())).await.unwrap_err();
    assert!(matches!(media_error(&err), MediaError::SilkFeatureDisabled { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("wav") && text.contains("`silk` feature"), "{text}");
    assert_eq!(builder.server().file_count(), 0);
}
