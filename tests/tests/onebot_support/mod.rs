//! Shared pieces of the OneBot adapter tests: an app with the hello commands plus API probes, and a runner.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use qqbot::adapter::onebot::{OneBotAdapter, OneBotConfig};
use qqbot::command::{EventHandler, HandlerOutput};
use qqbot::config::Config;
use qqbot::prelude::*;
use tokio::sync::mpsc;

/// Long enough for loopback on a loaded machine, short enough to fail fast.
pub const WAIT: Duration = Duration::from_secs(10);

/// `/echo <text>` replies the text; `/api` replies the bot's nickname from `get_login_info`; `/fail` replies the
/// error of an action NapCat does not have; `/slow` replies `late` after 300 ms.
pub fn app() -> App {
    App::empty()
        .command(BotCommand::new("echo").word("/echo").handler(|ctx: Ctx| async move { ctx.args().to_owned() }))
        .command(BotCommand::new("api").word("/api").handler(|ctx: Ctx| async move {
            // The error's own text, for the tests to read (the default reply would be a translated generic one).
            match ctx.onebot()?.call("get_login_info", serde_json::json!({})).await {
                Ok(info) => Ok::<_, qqbot::Error>(format!("nickname={}", info["nickname"].as_str().unwrap_or("?"))),
                Err(e) => Ok(format!("failed: {e}")),
            }
        }))
        .command(BotCommand::new("slow").word("/slow").handler(|_ctx: Ctx| async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            "late"
        }))
        .command(BotCommand::new("fail").word("/fail").handler(|ctx: Ctx| async move {
            match ctx.onebot()?.call("no_such_action", serde_json::json!({})).await {
                Ok(v) => Ok::<_, qqbot::Error>(format!("unexpected success {v}")),
                Err(e) => Ok(format!("failed: {e}")),
            }
        }))
}

/// Adds a handler that reports, for every `Disconnected` notice, the result of a `get_status` call made then.
pub fn report_calls_on_disconnect(app: App) -> (App, mpsc::UnboundedReceiver<Result<serde_json::Value, String>>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let tx = Arc::new(tx);
    let handler = EventHandler::new("on_disconnect", move |ctx: Ctx| {
        let tx = tx.clone();
        let is_disconnect =
            matches!(ctx.event(), Event::Notice(n) if matches!(n.kind, qqbot::event::Notice::Disconnected(_)));
        if !is_disconnect {
            return None;
        }
        Some(Box::pin(async move {
            let result = match ctx.onebot() {
                Ok(api) => api.call("get_status", serde_json::json!({})).await.map_err(|e| format!("{e:?}")),
                Err(e) => Err(format!("{e:?}")),
            };
            let _ = tx.send(result);
            HandlerOutput::none()
        }))
    });
    (app.on_event(handler), rx)
}

/// The `[onebot]` table from TOML text.
pub fn config(toml: &str) -> OneBotConfig {
    let c = Config::from_toml(toml).expect("test config parses");
    c.section::<OneBotConfig>("onebot").expect("valid [onebot]").expect("[onebot] present")
}

/// Starts the app with the adapter; abort the handle to stop it.
pub fn start(app: App, adapter: OneBotAdapter) -> tokio::task::JoinHandle<qqbot::Result<()>> {
    tokio::spawn(app.adapter(adapter).run())
}

/// The text of a send call's `message` param (array form).
pub fn sent_text(params: &serde_json::Value) -> String {
    match &params["message"] {
        serde_json::Value::Array(segs) => segs.iter().filter_map(|s| s["data"]["text"].as_str()).collect(),
        serde_json::Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// The log lines a test wrote, captured by a `tracing` subscriber (one per test binary: install it once).
#[derive(Clone, Default)]
pub struct LogCapture(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut log) = self.0.lock() {
            log.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogCapture {
    /// A capture installed as the global subscriber.
    pub fn install() -> LogCapture {
        let log = LogCapture::default();
        let writer = log.clone();
        tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).try_init().unwrap();
        log
    }

    /// Everything captured so far.
    pub fn text(&self) -> String {
        self.0.lock().map(|l| String::from_utf8_lossy(&l).into_owned()).unwrap_or_default()
    }

    /// How many lines contain every one of `needles`.
    pub fn count(&self, needles: &[&str]) -> usize {
        self.text().lines().filter(|l| needles.iter().all(|n| l.contains(n))).count()
    }
}
