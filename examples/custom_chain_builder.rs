//! A custom `ChainBuilder` that uploads media to object storage (Tencent COS, Aliyun OSS, S3, MinIO …) and gives
//! the platform the object's public URL, instead of serving files from the bot's own resource server.
//!
//! ```text
//! cargo run --example custom_chain_builder
//! ```
//!
//! With no configuration it starts a tiny object store on 127.0.0.1, uploads to it, reads every object back and
//! exits. Against a real bucket, set:
//!
//! - `QQBOT_UPLOAD_URL`: where objects are PUT, e.g. `https://<bucket>.cos.<region>.myqcloud.com/qqbot`;
//! - `QQBOT_UPLOAD_PUBLIC_URL`: where the same objects are read (a CDN domain …); default: the upload URL;
//! - `QQBOT_UPLOAD_AUTH`: the `Authorization` header to send, if the bucket needs one.
//!
//! Real COS/OSS/S3 buckets sign each request (HMAC of the method, path and date); compute that header per
//! request in `put_object` with your provider's signing code, or PUT to presigned URLs. The shape stays the same.
//!
//! After the official adapter is set up, a bot uses this builder by handing it to the adapter in place of the
//! default `ResourceChainBuilder`; every image, voice and video it sends then goes through `get_*` below.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use qqbot::adapter::official::media::{
    ChainBuilder, MediaKind, MediaSource, PreparedMedia, SILK_ENABLED, prepare_media,
};
use qqbot::message::{Media, Message};

/// Uploads media with `PUT <upload_base>/<key>` and returns `<public_base>/<key>`.
struct ObjectStoreBuilder {
    client: reqwest::Client,
    upload_base: String,
    public_base: String,
    authorization: Option<String>,
}

impl ObjectStoreBuilder {
    async fn upload(&self, kind: MediaKind, media: &Media) -> qqbot::Result<MediaSource> {
        // `prepare_media` reads paths, `base64://` data and private URLs, encodes voice to SILK, and passes public
        // URLs through, so this builder only uploads bytes.
        match prepare_media(kind, media).await? {
            PreparedMedia::Url(url) => Ok(MediaSource::Url(url)),
            PreparedMedia::Bytes { bytes, extension } => {
                // Content-addressed keys: the same picture sent twice is uploaded under the same name.
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                bytes.hash(&mut hasher);
                let key = format!("{:016x}-{}.{extension}", hasher.finish(), bytes.len());
                self.put_object(&key, bytes, &extension).await?;
                Ok(MediaSource::Url(format!("{}/{key}", self.public_base)))
            }
        }
    }

    async fn put_object(&self, key: &str, bytes: Vec<u8>, extension: &str) -> qqbot::Result<()> {
        let url = format!("{}/{key}", self.upload_base);
        let mut request = self.client.put(&url).header("content-type", content_type(extension)).body(bytes);
        if let Some(authorization) = &self.authorization {
            request = request.header("authorization", authorization);
        }
        let failed = |code: i64, message: String| qqbot::Error::Api { action: format!("PUT {url}"), code, message };
        let response = request.send().await.map_err(|e| failed(0, e.to_string()))?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(failed(i64::from(status.as_u16()), format!("the object store refused the upload: {body}")));
        }
        Ok(())
    }
}

impl ChainBuilder for ObjectStoreBuilder {
    fn get_image<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, qqbot::Result<MediaSource>> {
        Box::pin(self.upload(MediaKind::Image, media))
    }

    fn get_voice<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, qqbot::Result<MediaSource>> {
        Box::pin(self.upload(MediaKind::Voice, media))
    }

    fn get_video<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, qqbot::Result<MediaSource>> {
        Box::pin(self.upload(MediaKind::Video, media))
    }

    fn get_file<'a>(&'a self, media: &'a Media) -> BoxFuture<'a, qqbot::Result<MediaSource>> {
        Box::pin(self.upload(MediaKind::File, media))
    }
}

fn content_type(extension: &str) -> &'static str {
    match extension {
        "png" => "image/png",
        "jpg" => "image/jpeg",
        "gif" => "image/gif",
        "mp4" => "video/mp4",
        "silk" => "audio/silk",
        _ => "application/octet-stream",
    }
}

/// A 1×1 PNG.
const PIXEL: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d,
    0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A WAV file of a short 440 Hz tone.
fn tone_wav() -> Vec<u8> {
    let rate = 16_000u32;
    let samples: Vec<u8> = (0..rate / 2)
        .flat_map(|i| {
            let v = (f64::from(i) * 440.0 * std::f64::consts::TAU / f64::from(rate)).sin() * 12_000.0;
            (v as i16).to_le_bytes()
        })
        .collect();
    let mut wav = Vec::new();
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + samples.len() as u32).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt \x10\0\0\0\x01\0\x01\0");
    wav.extend_from_slice(&rate.to_le_bytes());
    wav.extend_from_slice(&(rate * 2).to_le_bytes());
    wav.extend_from_slice(b"\x02\0\x10\0data");
    wav.extend_from_slice(&(samples.len() as u32).to_le_bytes());
    wav.extend_from_slice(&samples);
    wav
}

/// A minimal object store on loopback: `PUT /bucket/<key>` stores, `GET /bucket/<key>` reads.
async fn start_local_object_store() -> std::io::Result<String> {
    type Objects = Arc<Mutex<HashMap<String, Vec<u8>>>>;
    async fn put(
        axum::extract::State(objects): axum::extract::State<Objects>,
        axum::extract::Path(key): axum::extract::Path<String>,
        body: axum::body::Bytes,
    ) -> axum::http::StatusCode {
        objects.lock().unwrap_or_else(|p| p.into_inner()).insert(key, body.to_vec());
        axum::http::StatusCode::CREATED
    }
    async fn get(
        axum::extract::State(objects): axum::extract::State<Objects>,
        axum::extract::Path(key): axum::extract::Path<String>,
    ) -> Result<Vec<u8>, axum::http::StatusCode> {
        let objects = objects.lock().unwrap_or_else(|p| p.into_inner());
        objects.get(&key).cloned().ok_or(axum::http::StatusCode::NOT_FOUND)
    }
    let app =
        axum::Router::new().route("/bucket/{key}", axum::routing::put(put).get(get)).with_state(Objects::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/bucket", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(base)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    qqbot::logging::init();
    let upload_base = match std::env::var("QQBOT_UPLOAD_URL") {
        Ok(url) => url.trim_end_matches('/').to_owned(),
        Err(_) => {
            let base = start_local_object_store().await?;
            println!("QQBOT_UPLOAD_URL is not set: uploading to a local object store at {base}");
            base
        }
    };
    let public_base = std::env::var("QQBOT_UPLOAD_PUBLIC_URL")
        .map(|url| url.trim_end_matches('/').to_owned())
        .unwrap_or_else(|_| upload_base.clone());
    let builder = ObjectStoreBuilder {
        client: qqbot::tls::http_client().build()?,
        upload_base,
        public_base,
        authorization: std::env::var("QQBOT_UPLOAD_AUTH").ok(),
    };

    let dir = std::env::temp_dir().join(format!("qqbot-custom-chain-builder-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let picture = dir.join("pixel.png");
    std::fs::write(&picture, PIXEL)?;
    let voice = dir.join("hello.wav");
    std::fs::write(&voice, tone_wav())?;

    // The media of a reply, as a handler would return it; the official adapter calls the builder once per segment.
    let reply = Message::new()
        .text("看图听音")
        .image(picture.display().to_string())
        .image("https://example.com/already-public.png")
        .record(voice.display().to_string());
    let mut failures = 0;
    for segment in reply.iter() {
        let Some((kind, media)) = MediaKind::of_segment(segment) else { continue };
        match builder.get(kind, media).await {
            Ok(MediaSource::Url(url)) if url.starts_with(&builder.public_base) => {
                let stored = builder.client.get(&url).send().await?.error_for_status()?.bytes().await?;
                println!("{kind:?} {} → {url} ({} bytes uploaded)", media.file, stored.len());
            }
            Ok(MediaSource::Url(url)) => println!("{kind:?} {} → passed through as {url}", media.file),
            Ok(MediaSource::Bytes(bytes)) => println!("{kind:?} {} → {} bytes inline", media.file, bytes.len()),
            Err(e) if kind == MediaKind::Voice && !SILK_ENABLED => {
                println!("{kind:?} {} → not sent: {e}", media.file);
                println!("  (run with `--features qqbot/silk` to convert the WAV to SILK)");
            }
            Err(e) => {
                eprintln!("{kind:?} {} failed: {e}", media.file);
                failures += 1;
            }
        }
    }
    std::fs::remove_dir_all(&dir)?;
    if failures > 0 {
        return Err(format!("{failures} upload(s) failed").into());
    }
    Ok(())
}
