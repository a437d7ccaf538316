//! Voice to SILK (needs the `silk` feature: `cargo test -p qqbot-tests --features silk`, which needs libclang).
#![cfg(feature = "silk")]

use qqbot::Segment;
use qqbot::adapter::official::media::{
    ChainBuilder, MediaError, MediaKind, ResourceChainBuilder, ResourceServerOptions, SILK_SAMPLE_RATE, is_silk,
    voice_to_silk,
};

mod official_media_support;
use official_media_support::{get, sine_wav, url_of};

/// One SILK frame (20 ms) at 24 kHz.
const FRAME: usize = SILK_SAMPLE_RATE as usize / 50;

fn decode(silk: &[u8]) -> Vec<i16> {
    let pcm = silk_rs::decode_silk(silk, SILK_SAMPLE_RATE as i32).unwrap();
    pcm.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect()
}

/// Rising zero crossings per second, over the middle half.
fn frequency(samples: &[i16]) -> f64 {
    let middle = &samples[samples.len() / 4..samples.len() * 3 / 4];
    let rising = middle.windows(2).filter(|w| w[0] < 0 && w[1] >= 0).count();
    rising as f64 * f64::from(SILK_SAMPLE_RATE) / middle.len() as f64
}

fn rms(samples: &[i16]) -> f64 {
    let middle = &samples[samples.len() / 4..samples.len() * 3 / 4];
    (middle.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / middle.len() as f64).sqrt()
}

fn assert_round_trip(wav: Vec<u8>, seconds: f64, freq: f64) {
    let silk = voice_to_silk(wav).unwrap();
    assert!(silk.starts_with(b"\x02#!SILK_V3"), "{:?}", &silk[..silk.len().min(12)]);
    let samples = decode(&silk);
    let expected = (f64::from(SILK_SAMPLE_RATE) * seconds) as usize;
    assert!(
        samples.len().abs_diff(expected) <= FRAME,
        "decoded {} samples, expected {expected} ± {FRAME}",
        samples.len()
    );
    assert!((frequency(&samples) - freq).abs() < freq * 0.05, "pitch {} Hz, expected {freq}", frequency(&samples));
    // The tone was written at half of full scale (RMS ≈ 11585); a speech codec keeps it roughly.
    assert!(rms(&samples) > 5000.0, "the decoded audio is nearly silent: rms {}", rms(&samples));
}

#[test]
fn a_stereo_cd_quality_wav_encodes_and_decodes_to_the_same_length_and_pitch() {
    assert_round_trip(sine_wav(440.0, 44_100, 2, 16, 1.0), 1.0, 440.0);
}

#[test]
fn a_low_rate_8_bit_wav_is_resampled_up() {
    assert_round_trip(sine_wav(300.0, 8_000, 1, 8, 0.75), 0.75, 300.0);
}

#[test]
fn a_length_that_is_not_whole_frames_keeps_its_last_partial_frame() {
    // 0.51 s = 25.5 frames: the encoder would drop the half frame if it were not padded.
    let silk = voice_to_silk(sine_wav(440.0, 24_000, 1, 16, 0.51)).unwrap();
    assert_eq!(decode(&silk).len(), 26 * FRAME);
}

#[test]
fn silk_input_is_not_encoded_twice() {
    let silk = voice_to_silk(sine_wav(440.0, 16_000, 1, 16, 0.2)).unwrap();
    assert_eq!(voice_to_silk(silk.clone()).unwrap(), silk);
}

#[test]
fn something_that_is_not_audio_is_refused_clearly() {
    let err = voice_to_silk(b"this is not audio at all".to_vec()).unwrap_err();
    let qqbot::Error::Adapter(inner) = &err else { panic!("{err:?}") };
    assert!(matches!(inner.downcast_ref::<MediaError>(), Some(MediaError::AudioDecode { .. })), "{err}");
    assert!(err.to_string().contains("wav, mp3"), "{err}");
}

#[tokio::test]
async fn a_record_segment_of_a_wav_file_is_served_as_silk() {
    let dir = tempfile::tempdir().unwrap();
    let builder = ResourceChainBuilder::start(ResourceServerOptions::local(dir.path().join("res"))).await.unwrap();
    let path = dir.path().join("hello.wav");
    std::fs::write(&path, sine_wav(440.0, 48_000, 1, 16, 0.5)).unwrap();
    let segment = Segment::record(path.display().to_string());
    let (kind, media) = MediaKind::of_segment(&segment).unwrap();
    assert_eq!(kind, MediaKind::Voice);
    let url = url_of(builder.get(kind, media).await.unwrap());
    assert!(url.ends_with(".silk"), "{url}");
    let (status, body) = get(&url).await;
    assert_eq!(status, 200);
    assert!(is_silk(&body));
    assert!(decode(&body).len().abs_diff(12_000) <= FRAME);
}
