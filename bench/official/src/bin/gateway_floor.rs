//! The floor of the gateway benchmark: the least a gateway bot must do, written by hand.
//!
//! Fetches the access token, asks `GET /gateway/bot` for the URL (or takes `QQBOT_GATEWAY_URL`), connects with
//! tokio-tungstenite, waits for Hello, sends Identify, heartbeats on the given interval with the last sequence
//! number, and answers each `GROUP_AT_MESSAGE_CREATE` saying `/echo <text>` by posting `<text>` with reqwest
//! (kept-alive connections) to `POST /v2/groups/{group_openid}/messages`. Same environment variables as a qqbot bot.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use qqbot_bench_official::{GroupMessage, Replier, install_crypto};
use serde::Deserialize;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message as WsMessage;

#[derive(Deserialize)]
struct Frame<'a> {
    op: u8,
    s: Option<u64>,
    #[serde(borrow)]
    t: Option<&'a str>,
    d: Option<&'a serde_json::value::RawValue>,
}

#[derive(Deserialize)]
struct Hello {
    heartbeat_interval: u64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    install_crypto();
    let (replier, _) = Replier::from_env().await?;
    let authorization = replier.authorization.clone();
    let url = match std::env::var("QQBOT_GATEWAY_URL") {
        Ok(u) => u,
        Err(_) => {
            let found: serde_json::Value = replier
                .http
                .get(format!("{}/gateway/bot", replier.api_base))
                .header("Authorization", &authorization)
                .send()
                .await?
                .json()
                .await?;
            found["url"].as_str().ok_or("no gateway url")?.to_owned()
        }
    };
    let replier = Arc::new(replier);
    let (ws, _) = tokio_tungstenite::connect_async(url.as_str()).await?;
    let (mut write, mut read) = ws.split();
    let hello: Hello = loop {
        match read.next().await {
            Some(Ok(WsMessage::Text(t))) => {
                let frame: Frame<'_> = serde_json::from_str(&t)?;
                if frame.op == 10 {
                    break serde_json::from_str(frame.d.ok_or("Hello without d")?.get())?;
                }
            }
            Some(Ok(_)) => {}
            _ => return Err("the gateway closed before Hello".into()),
        }
    };
    let identify = json!({"op": 2, "d": {"token": authorization, "intents": 1 << 25, "shard": [0, 1],
                                         "properties": {"$os": "linux", "$browser": "floor", "$device": "floor"}}});
    write.send(WsMessage::text(identify.to_string())).await?;
    let seq = Arc::new(AtomicU64::new(0));
    // One writer: heartbeats go through a channel so the reading loop never waits on the socket's write half.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<String>(16);
    let heartbeat = {
        let (tx, seq) = (tx.clone(), seq.clone());
        tokio::spawn(async move {
            let period = Duration::from_millis(hello.heartbeat_interval.max(10));
            let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            loop {
                ticker.tick().await;
                if tx.send(json!({"op": 1, "d": seq.load(Ordering::Relaxed)}).to_string()).await.is_err() {
                    return;
                }
            }
        })
    };
    tokio::spawn(async move {
        while let Some(f) = rx.recv().await {
            if write.send(WsMessage::text(f)).await.is_err() {
                return;
            }
        }
    });
    while let Some(Ok(msg)) = read.next().await {
        let WsMessage::Text(text) = msg else { continue };
        let Ok(frame) = serde_json::from_str::<Frame<'_>>(&text) else { continue };
        if let Some(s) = frame.s {
            seq.store(s, Ordering::Relaxed);
        }
        if frame.op != 0 || frame.t != Some("GROUP_AT_MESSAGE_CREATE") {
            continue;
        }
        let Some(Ok(d)) = frame.d.map(|d| serde_json::from_str::<GroupMessage>(d.get())) else { continue };
        let Some(text) = d.content.trim().strip_prefix("/echo ").map(str::to_owned) else { continue };
        let r = replier.clone();
        tokio::spawn(async move { r.reply(&d, text, "gateway-floor").await });
    }
    heartbeat.abort();
    Ok(())
}
