//! Helpers shared by the `official_media_*` tests.
#![allow(dead_code)]

use std::f64::consts::PI;

use base64::Engine;
use qqbot::adapter::official::media::MediaSource;

/// The URL of a prepared media source.
pub fn url_of(source: MediaSource) -> String {
    match source {
        MediaSource::Url(url) => url,
        MediaSource::Bytes(_) => panic!("expected a URL"),
    }
}

/// GETs a URL on a loopback server with reqwest.
pub async fn get(url: &str) -> (u16, Vec<u8>) {
    assert!(url.starts_with("http://127.0.0.1:"), "tests only talk to loopback: {url}");
    let client = qqbot::tls::http_client().build().unwrap();
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

/// `base64://…` data.
pub fn base64_uri(bytes: &[u8]) -> String {
    format!("base64://{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// A PCM WAV file of a sine tone: `channels` identical channels of 8- or 16-bit samples.
pub fn sine_wav(freq: f64, sample_rate: u32, channels: u16, bits: u16, seconds: f64) -> Vec<u8> {
    let frames = (f64::from(sample_rate) * seconds) as usize;
    let mut data = Vec::new();
    for i in 0..frames {
        let value = 0.5 * (2.0 * PI * freq * i as f64 / f64::from(sample_rate)).sin();
        for _ in 0..channels {
            match bits {
                8 => data.push((128.0 + value * 127.0).round() as u8),
                _ => data.extend_from_slice(&((value * 32767.0).round() as i16).to_le_bytes()),
            }
        }
    }
    let block_align = channels * bits / 8;
    let mut wav = Vec::with_capacity(44 + data.len());
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&channels.to_le_bytes());
    wav.extend_from_slice(&sample_rate.to_le_bytes());
    wav.extend_from_slice(&(sample_rate * u32::from(block_align)).to_le_bytes());
    wav.extend_from_slice(&block_align.to_le_bytes());
    wav.extend_from_slice(&bits.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(data.len() as u32).to_le_bytes());
    wav.extend_from_slice(&data);
    wav
}
