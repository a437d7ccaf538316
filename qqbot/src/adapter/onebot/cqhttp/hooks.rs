//! Hooks: the HTTP client's events, which a bot overrides to react (seed cqHttpApi's overridable methods).

use std::io::{IsTerminal, Write};

use serde_json::Value;

use super::{DownloadError, HttpApiError};

/// What the HTTP client reports: finished and failed downloads, download progress, and failed API calls. Every
/// method has a default that logs through `tracing`; implement the ones you want to change.
///
/// Hooks are called from the client's tasks: keep them quick (spawn work that takes time).
///
/// ```
/// use qqbot::adapter::onebot::cqhttp::{HttpApi, HttpApiHooks, HttpApiOptions};
///
/// struct Quiet;
/// impl HttpApiHooks for Quiet {
///     fn download_end(&self, file_name: &str, _file_url: &str, _code: u16) {
///         println!("文件下载好了: {file_name}");
///     }
/// }
///
/// let client = HttpApi::with_hooks(HttpApiOptions::default(), Quiet).unwrap();
/// # let _ = client;
/// ```
pub trait HttpApiHooks: Send + Sync + 'static {
    /// 文件下载完成 — a download finished; `code` is the HTTP status.
    fn download_end(&self, file_name: &str, file_url: &str, code: u16) {
        tracing::info!(file_name, url = %without_query(file_url), code, "download finished");
    }

    /// 文件下载失败 — the server answered a download with an error status.
    fn download_file_error(&self, file_name: &str, file_url: &str, code: u16) {
        tracing::warn!(file_name, url = %without_query(file_url), code, "download refused by the server");
    }

    /// 下载时发生错误 — a download could not run or broke off (network, disk, unsafe name …).
    fn download_file_run_error(&self, file_name: &str, file_url: &str, err: &DownloadError) {
        tracing::warn!(file_name, url = %without_query(file_url), error = %err, "download failed");
    }

    /// Download progress: `received` bytes so far of `total` (when the server announced it). Called a few times
    /// per download, not per chunk. The default logs at debug level and, when stderr is a terminal, draws a
    /// one-line progress bar.
    fn download_progress(&self, file_name: &str, received: u64, total: Option<u64>) {
        tracing::debug!(file_name, received, total, "downloading");
        let mut stderr = std::io::stderr();
        if stderr.is_terminal() {
            let _ = match total {
                Some(total) if total > 0 => {
                    let percent = received.saturating_mul(100) / total;
                    let filled = usize::try_from(percent / 5).unwrap_or(20).min(20);
                    write!(
                        stderr,
                        "\r{file_name} [{}{}] {percent:>3}% {}/{} KiB",
                        "#".repeat(filled),
                        " ".repeat(20 - filled),
                        received / 1024,
                        total / 1024
                    )
                }
                _ => write!(stderr, "\r{file_name} {} KiB", received / 1024),
            };
            if total == Some(received) {
                let _ = writeln!(stderr);
            }
        }
    }

    /// cqapi 发生错误 — the implementation answered a call with a failure; `err_json` is its whole answer.
    fn api_link_error(&self, action: &str, err_json: &Value) {
        let retcode = err_json.get("retcode").and_then(Value::as_i64);
        let wording = ["wording", "message", "msg"]
            .iter()
            .find_map(|k| err_json.get(*k).and_then(Value::as_str).filter(|s| !s.is_empty()))
            .unwrap_or("");
        tracing::warn!(action, retcode, wording, "OneBot API call failed");
    }

    /// cqapi 请求时发生错误 — a call could not be made or got no usable answer.
    fn api_link_run_error(&self, action: &str, err: &HttpApiError) {
        tracing::warn!(action, error = %err, "OneBot HTTP API request failed");
    }
}

/// The default hooks: log everything, change nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogHooks;

impl HttpApiHooks for LogHooks {}

/// A URL without its query: QQ media URLs carry download keys (`rkey`) that do not belong in logs.
pub(crate) fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}
