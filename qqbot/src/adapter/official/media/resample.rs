//! Sample-rate conversion by windowed-sinc interpolation (band-limited, so downsampling does not alias).

use std::f64::consts::PI;

/// How many zero crossings of the sinc kernel are kept on each side; 16 gives a stop band well below what the
/// SILK encoder (a speech codec) can resolve.
const ZERO_CROSSINGS: f64 = 16.0;

/// The low-pass cutoff as a fraction of the lower Nyquist frequency, leaving room for the window's transition band.
const CUTOFF: f64 = 0.95;

/// Converts mono samples from `from` Hz to `to` Hz. The output has `round(len * to / from)` samples.
pub(crate) fn resample(input: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || input.is_empty() || from == 0 || to == 0 {
        return input.to_vec();
    }
    let ratio = f64::from(to) / f64::from(from);
    let out_len = (input.len() as f64 * ratio).round() as usize;
    // Cutoff in cycles per input sample, relative to the input Nyquist frequency.
    let cutoff = ratio.min(1.0) * CUTOFF;
    let half_width = ZERO_CROSSINGS / cutoff;
    let last = input.len() as i64 - 1;
    (0..out_len)
        .map(|n| {
            let centre = n as f64 / ratio;
            let first_tap = ((centre - half_width).ceil() as i64).max(0);
            let last_tap = ((centre + half_width).floor() as i64).min(last);
            let mut acc = 0.0f64;
            for k in first_tap..=last_tap {
                let distance = centre - k as f64;
                let weight = cutoff * sinc(cutoff * distance) * hann(distance / half_width);
                // `k` is within 0..=last by the clamps above.
                acc += f64::from(input.get(k as usize).copied().unwrap_or(0.0)) * weight;
            }
            acc as f32
        })
        .collect()
}

fn sinc(x: f64) -> f64 {
    if x.abs() < 1e-12 { 1.0 } else { (PI * x).sin() / (PI * x) }
}

/// A Hann window over -1..=1.
fn hann(u: f64) -> f64 {
    if u.abs() >= 1.0 { 0.0 } else { 0.5 * (1.0 + (PI * u).cos()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f64, rate: u32, seconds: f64) -> Vec<f32> {
        let n = (f64::from(rate) * seconds) as usize;
        (0..n).map(|i| (2.0 * PI * freq * i as f64 / f64::from(rate)).sin() as f32).collect()
    }

    /// Frequency estimated from rising zero crossings in the middle half (edges are tapered by zero padding).
    fn frequency(samples: &[f32], rate: u32) -> f64 {
        let middle = &samples[samples.len() / 4..samples.len() * 3 / 4];
        let rising = middle.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
        rising as f64 * f64::from(rate) / middle.len() as f64
    }

    fn rms(samples: &[f32]) -> f64 {
        let middle = &samples[samples.len() / 4..samples.len() * 3 / 4];
        (middle.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / middle.len() as f64).sqrt()
    }

    #[test]
    fn downsampling_keeps_pitch_length_and_loudness() {
        let out = resample(&sine(1000.0, 44_100, 1.0), 44_100, 24_000);
        assert_eq!(out.len(), 24_000);
        assert!((frequency(&out, 24_000) - 1000.0).abs() < 10.0, "{}", frequency(&out, 24_000));
        assert!((rms(&out) - std::f64::consts::FRAC_1_SQRT_2).abs() < 0.02, "{}", rms(&out));
    }

    #[test]
    fn upsampling_keeps_pitch_length_and_loudness() {
        let out = resample(&sine(440.0, 8_000, 0.5), 8_000, 24_000);
        assert_eq!(out.len(), 12_000);
        assert!((frequency(&out, 24_000) - 440.0).abs() < 10.0, "{}", frequency(&out, 24_000));
        assert!((rms(&out) - std::f64::consts::FRAC_1_SQRT_2).abs() < 0.02, "{}", rms(&out));
    }

    #[test]
    fn tones_above_the_new_nyquist_are_removed_not_aliased() {
        let out = resample(&sine(15_000.0, 48_000, 0.5), 48_000, 24_000);
        assert!(rms(&out) < 0.01, "{}", rms(&out));
    }

    #[test]
    fn same_rate_and_empty_input_are_unchanged() {
        assert_eq!(resample(&[0.5, -0.5], 24_000, 24_000), vec![0.5, -0.5]);
        assert!(resample(&[], 44_100, 24_000).is_empty());
    }
}
