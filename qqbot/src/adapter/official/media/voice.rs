//! Voice clips for the official platform, which plays only SILK: wav, mp3, ogg (Vorbis) and flac are decoded,
//! mixed down to mono, resampled to 24 kHz and SILK-encoded when the `silk` feature is on.

use super::error::MediaError;
use super::sniff::is_silk;
use crate::error::Result;

/// Whether this build converts voice to SILK (the crate's `silk` feature). Without it, only clips that are already
/// SILK can be sent.
pub const SILK_ENABLED: bool = cfg!(feature = "silk");

/// The sample rate voice is encoded at (what QQ clients record).
pub const SILK_SAMPLE_RATE: u32 = 24_000;

/// The longest voice clip converted, in seconds; longer ones are refused rather than encoded for minutes.
pub const MAX_VOICE_SECONDS: u64 = 600;

/// Turns a voice clip into SILK: SILK input (`#!SILK_V3`, with or without Tencent's leading 0x02) is returned
/// unchanged; wav, mp3, ogg (Vorbis) and flac are converted when the `silk` feature is on, and refused with
/// [`MediaError::SilkFeatureDisabled`] (saying how to turn it on) when it is off.
///
/// Encoding takes CPU time in proportion to the clip's length: call it from `tokio::task::spawn_blocking`.
pub fn voice_to_silk(bytes: Vec<u8>) -> Result<Vec<u8>> {
    if bytes.is_empty() {
        return Err(MediaError::EmptyAudio.into());
    }
    if is_silk(&bytes) {
        return Ok(bytes);
    }
    Ok(encode(bytes)?)
}

#[cfg(feature = "silk")]
fn encode(bytes: Vec<u8>) -> Result<Vec<u8>, MediaError> {
    use super::audio_decode::decode_mono;
    use super::resample::resample;

    let audio = decode_mono(bytes, MAX_VOICE_SECONDS)?;
    let samples = resample(&audio.samples, audio.sample_rate, SILK_SAMPLE_RATE);
    // The encoder takes whole 20 ms frames and drops a partial last one: pad it with silence instead.
    let frame = SILK_SAMPLE_RATE as usize / 50;
    let padded_len = samples.len().div_ceil(frame) * frame;
    let mut pcm = Vec::with_capacity(padded_len * 2);
    for sample in samples.iter().copied().chain(std::iter::repeat(0.0)).take(padded_len) {
        let value = (sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16;
        pcm.extend_from_slice(&value.to_le_bytes());
    }
    let rate = SILK_SAMPLE_RATE as i32;
    // `tencent = true` writes the 0x02 byte before the header, as QQ's own clients do.
    silk_rs::encode_silk(pcm, rate, rate, true).map_err(|e| MediaError::SilkEncode { message: e.to_string() })
}

#[cfg(not(feature = "silk"))]
fn encode(bytes: Vec<u8>) -> Result<Vec<u8>, MediaError> {
    let format = match super::sniff::sniff_extension(&bytes) {
        Some(ext) => ext.to_owned(),
        None => "in an unrecognised format".to_owned(),
    };
    Err(MediaError::SilkFeatureDisabled { format })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silk_input_passes_through_unchanged() {
        let silk = b"\x02#!SILK_V3\x05\x00abcde".to_vec();
        assert_eq!(voice_to_silk(silk.clone()).unwrap(), silk);
        let plain = b"#!SILK_V3\x05\x00abcde".to_vec();
        assert_eq!(voice_to_silk(plain.clone()).unwrap(), plain);
    }

    #[test]
    fn empty_input_is_refused() {
        assert!(voice_to_silk(Vec::new()).unwrap_err().to_string().contains("no audio"));
    }

    #[cfg(not(feature = "silk"))]
    #[test]
    fn without_the_feature_other_formats_say_how_to_enable_it() {
        let err = voice_to_silk(b"ID3\x04\x00rest".to_vec()).unwrap_err().to_string();
        assert!(err.contains("mp3") && err.contains("`silk` feature"), "{err}");
    }
}
