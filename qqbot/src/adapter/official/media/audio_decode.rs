//! Decoding wav, mp3, ogg (Vorbis) and flac into mono samples with symphonia (pure Rust).

use std::io::Cursor;

use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as DecodeError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

use super::error::MediaError;

/// Mono audio: samples in -1.0..=1.0 at `sample_rate` Hz.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DecodedAudio {
    /// The samples, channels averaged.
    pub samples: Vec<f32>,
    /// Samples per second.
    pub sample_rate: u32,
}

/// Decodes the first audio track of a file, averaging its channels, up to `max_seconds` of audio.
pub(crate) fn decode_mono(bytes: Vec<u8>, max_seconds: u64) -> Result<DecodedAudio, MediaError> {
    let failed = |e: DecodeError| MediaError::AudioDecode { message: e.to_string() };
    let stream = MediaSourceStream::new(Box::new(Cursor::new(bytes)), Default::default());
    let mut format = symphonia::default::get_probe()
        .probe(&Hint::new(), stream, FormatOptions::default(), MetadataOptions::default())
        .map_err(|e| MediaError::AudioDecode { message: format!("unrecognised audio format: {e}") })?;
    let track = format
        .default_track(TrackType::Audio)
        .ok_or_else(|| MediaError::AudioDecode { message: "the file has no audio track".into() })?;
    let track_id = track.id;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or_else(|| MediaError::AudioDecode { message: "the audio track has no codec parameters".into() })?;
    let mut decoder =
        symphonia::default::get_codecs().make_audio_decoder(params, &AudioDecoderOptions::default()).map_err(failed)?;

    let mut samples = Vec::new();
    let mut sample_rate = 0u32;
    let mut interleaved: Vec<f32> = Vec::new();
    let mut skipped_packets = 0usize;
    loop {
        let packet = match format.next_packet() {
            Ok(Some(packet)) => packet,
            // End of stream; a chained stream (ResetRequired) or a truncated file also ends the clip here.
            Ok(None) | Err(DecodeError::ResetRequired) => break,
            Err(DecodeError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(failed(e)),
        };
        if packet.track_id != track_id {
            continue;
        }
        let buffer = match decoder.decode(&packet) {
            Ok(buffer) => buffer,
            // One corrupt packet costs a few milliseconds of sound, not the whole clip.
            Err(DecodeError::DecodeError(_)) => {
                skipped_packets += 1;
                continue;
            }
            Err(e) => return Err(failed(e)),
        };
        let spec = buffer.spec();
        let channels = spec.channels().count().max(1);
        if sample_rate == 0 {
            sample_rate = spec.rate();
            if sample_rate == 0 {
                return Err(MediaError::AudioDecode { message: "the audio track has a sample rate of 0".into() });
            }
        }
        buffer.copy_to_vec_interleaved(&mut interleaved);
        samples.extend(interleaved.chunks(channels).map(|frame| frame.iter().sum::<f32>() / frame.len() as f32));
        if samples.len() as u64 > max_seconds.saturating_mul(u64::from(sample_rate)) {
            return Err(MediaError::AudioTooLong { max_seconds });
        }
    }
    if skipped_packets > 0 {
        tracing::warn!(skipped_packets, "voice clip had corrupt packets; they were skipped");
    }
    if samples.is_empty() {
        return Err(MediaError::EmptyAudio);
    }
    Ok(DecodedAudio { samples, sample_rate })
}
