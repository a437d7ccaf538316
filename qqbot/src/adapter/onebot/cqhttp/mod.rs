//! The go-cqhttp-style HTTP API client (PyCqBot's `cqHttpApi`): actions as `POST http://ip:port/<action>`,
//! downloads to a local folder in the background, and overridable hooks.
//!
//! ```
//! use qqbot::adapter::onebot::cqhttp::{HttpApi, HttpApiOptions};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> qqbot::Result<()> {
//! # let napcat = qqbot::testing::napcat::FakeNapCat::http(None, Default::default()).await?;
//! # let dir = std::env::temp_dir().join(format!("qqbot-doc-download-{}", std::process::id()));
//! let options = HttpApiOptions {
//!     port: 3000,
//!     download_path: "./test_download".into(),
//!     ..HttpApiOptions::default()
//! };
//! # // Runs against the fake NapCat, downloading into a temporary folder.
//! # let options = HttpApiOptions { base_url: Some(napcat.api_url()), download_path: dir.clone(), ..options };
//! let client = HttpApi::new(options)?;
//! let api = client.api(); // the whole typed OneBotApi over HTTP
//! api.send_group_msg(123456789, "你好").await?;
//!
//! // 保存图片: resolved through get_image, downloaded in the background; the hooks hear how it ended.
//! let download = client.download_img("A0D24D7417CDAE5EBD0BBCDF0296F2A2.jpg");
//! # let _ = download.finished().await; // the fake has no such picture: the hooks log the failure
//! // Fire and forget; a failure still reaches the hooks.
//! client.add("send_like", serde_json::json!({ "user_id": 10001, "times": 1 }));
//! # let _ = std::fs::remove_dir_all(&dir);
//! # Ok(()) }
//! ```

mod download;
mod error;
mod hooks;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Deserialize;
use serde_json::{Map, Value};
use tokio::task::JoinHandle;

use super::protocol::frame::ActionResponse;
use super::transport::http_call::{HttpApiClient, HttpFailure, MAX_ANSWER_BYTES};
use super::{ActionCaller, OneBotApi};
use crate::error::{Error, Result};
use crate::event::Platform;

pub use error::{DownloadError, HttpApiError};
pub use hooks::{HttpApiHooks, LogHooks};

use download::{Download, safe_file_name};

/// The client's settings, with seed cqHttpApi's defaults. Reads from a TOML/JSON table too (every field optional).
#[derive(Clone, Deserialize)]
#[serde(default)]
pub struct HttpApiOptions {
    /// go-cqhttp HTTP 服务地址 — the implementation's host (default `127.0.0.1`).
    pub ip: String,
    /// go-cqhttp HTTP 服务端口 — its port (default `8000`).
    pub port: u16,
    /// A whole base URL (`https://bot.example.com/onebot`), used instead of `ip` and `port` when set.
    pub base_url: Option<String>,
    /// The implementation's access token, sent as `Authorization: Bearer …` (never logged).
    pub access_token: Option<String>,
    /// 文件下载目录 — where downloads are saved (default `./download`).
    pub download_path: PathBuf,
    /// 文件下载缓存 — bytes written per piece while downloading (default 1024 KiB).
    pub chunk_size: usize,
    /// How long an action may take, in seconds (default 30; uploads of big files need more).
    pub timeout_secs: u64,
    /// The bot's QQ number, if known; else [`HttpApi::login`] learns it.
    pub self_id: Option<String>,
}

impl Default for HttpApiOptions {
    fn default() -> Self {
        HttpApiOptions {
            ip: "127.0.0.1".into(),
            port: 8000,
            base_url: None,
            access_token: None,
            download_path: PathBuf::from("./download"),
            chunk_size: 1024 * 1024,
            timeout_secs: 30,
            self_id: None,
        }
    }
}

impl std::fmt::Debug for HttpApiOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpApiOptions")
            .field("ip", &self.ip)
            .field("port", &self.port)
            .field("base_url", &self.base_url)
            .field("access_token", &self.access_token.as_ref().map(|_| "<redacted>"))
            .field("download_path", &self.download_path)
            .field("chunk_size", &self.chunk_size)
            .field("timeout_secs", &self.timeout_secs)
            .field("self_id", &self.self_id)
            .finish()
    }
}

impl HttpApiOptions {
    /// The URL actions are posted under, without a trailing `/`.
    pub fn resolved_base_url(&self) -> String {
        match &self.base_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            // An IPv6 literal needs brackets in a URL.
            None if self.ip.contains(':') => format!("http://[{}]:{}", self.ip, self.port),
            None => format!("http://{}:{}", self.ip, self.port),
        }
    }
}

/// An HTTP client for a OneBot implementation's HTTP API (NapCat `httpServers`, go-cqhttp `http`), with
/// background downloads and hooks. Cheap to clone; every clone shares the connection pool and hooks.
///
/// It is an [`ActionCaller`], so [`HttpApi::api`] gives the whole typed [`OneBotApi`] over HTTP. Actions go
/// through the same request path and envelope decoder as the adapter's HTTP API connections
/// ([`HttpApiClient`]); this client adds the hooks and the downloads.
#[derive(Clone)]
pub struct HttpApi {
    inner: Arc<Inner>,
}

struct Inner {
    /// The action path, shared with the adapter's HTTP API connections.
    actions: HttpApiClient,
    /// The connection pool, shared by actions and downloads.
    client: reqwest::Client,
    download_path: PathBuf,
    chunk_size: usize,
    hooks: Box<dyn HttpApiHooks>,
}

impl std::fmt::Debug for HttpApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpApi")
            .field("base_url", &self.inner.actions.base())
            .field("download_path", &self.inner.download_path)
            .finish_non_exhaustive()
    }
}

/// A download running in the background. Dropping the handle lets it finish on its own; [`finished`] waits for
/// it.
///
/// [`finished`]: DownloadHandle::finished
#[derive(Debug)]
pub struct DownloadHandle(HandleState);

#[derive(Debug)]
enum HandleState {
    Running(JoinHandle<Result<PathBuf, DownloadError>>),
    Failed(DownloadError),
}

impl DownloadHandle {
    /// 等待下载完成 — waits for the download; yields the saved file's path. The hooks have been told either way.
    pub async fn finished(self) -> Result<PathBuf, DownloadError> {
        match self.0 {
            HandleState::Running(task) => task.await.unwrap_or(Err(DownloadError::Aborted)),
            HandleState::Failed(err) => Err(err),
        }
    }
}

impl HttpApi {
    /// A client with the default hooks (log only).
    pub fn new(options: HttpApiOptions) -> Result<Self> {
        HttpApi::with_hooks(options, LogHooks)
    }

    /// A client whose events go to `hooks`.
    pub fn with_hooks(options: HttpApiOptions, hooks: impl HttpApiHooks) -> Result<Self> {
        let timeout = Duration::from_secs(options.timeout_secs.max(1));
        let client = crate::adapter::tls::http_client()
            // Downloads may take long overall, but a stalled connection must not hang forever.
            .read_timeout(timeout)
            .build()
            .map_err(Error::adapter)?;
        let base_url = options.resolved_base_url();
        let actions =
            HttpApiClient::with_client(client.clone(), &base_url, options.access_token, timeout, options.self_id);
        Ok(HttpApi {
            inner: Arc::new(Inner {
                actions,
                client,
                download_path: options.download_path,
                chunk_size: options.chunk_size.max(1),
                hooks: Box::new(hooks),
            }),
        })
    }

    /// The typed API over this client.
    pub fn api(&self) -> OneBotApi {
        OneBotApi::new(Arc::new(self.clone()))
    }

    /// The URL actions are posted under.
    pub fn base_url(&self) -> &str {
        self.inner.actions.base()
    }

    /// The folder downloads are saved in.
    pub fn download_path(&self) -> &std::path::Path {
        &self.inner.download_path
    }

    /// 登录 — asks the implementation who is logged in (`get_login_info`) and remembers the QQ number as
    /// [`ActionCaller::self_id`].
    pub async fn login(&self) -> Result<super::api::LoginInfo> {
        let info = self.api().get_login_info().await?;
        self.inner.actions.learn_self_id(&info.user_id.to_string());
        Ok(info)
    }

    /// 向内部事件循环添加任务 — runs a future in the background (seed `add_task`), so a handler does not wait
    /// for it.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime, like `tokio::spawn`; handlers always run inside one.
    pub fn spawn<F>(&self, task: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        tokio::spawn(task)
    }

    /// 向内部事件循环添加 API 任务 — performs an action in the background without waiting for its answer. A
    /// failure reaches [`HttpApiHooks::api_link_error`] or [`HttpApiHooks::api_link_run_error`].
    pub fn add(&self, action: impl Into<String>, params: Value) {
        let action = action.into();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!(action, "HttpApi::add called outside a Tokio runtime; the action was not sent");
            return;
        };
        let client = self.clone();
        runtime.spawn(async move {
            // The hooks have already seen any failure; the result has no one to go to.
            let _ = client.post(&action, params).await;
        });
    }

    /// 异步文件下载 — downloads `file_url` to `download_path/file_name` in the background, in `chunk_size`
    /// pieces, reporting to the hooks (`download_end`, `download_file_error`, `download_file_run_error`,
    /// `download_progress`). A file name that is not one plain name (`../../x`, `a/b`) is refused.
    pub fn download_file(&self, file_name: impl Into<String>, file_url: impl Into<String>) -> DownloadHandle {
        let (file_name, file_url) = (file_name.into(), file_url.into());
        if let Err(err) = safe_file_name(&file_name) {
            self.inner.hooks.download_file_run_error(&file_name, &file_url, &err);
            return DownloadHandle(HandleState::Failed(err));
        }
        let client = self.clone();
        let (name, url) = (file_name.clone(), file_url.clone());
        self.spawn_download(&file_name, &file_url, async move { client.downloader().run(&name, &url).await })
    }

    /// 异步图片下载 — downloads a received picture by the `file` of its segment (its cache name): resolves the
    /// URL and name through `get_image`, then downloads like [`download_file`](Self::download_file).
    pub fn download_img(&self, file: impl Into<String>) -> DownloadHandle {
        let file = file.into();
        let client = self.clone();
        let task_file = file.clone();
        self.spawn_download(&file, "", async move { client.resolve_and_download(task_file).await })
    }

    async fn resolve_and_download(&self, file: String) -> Result<PathBuf, DownloadError> {
        let info = match self.api().get_image(&file).await {
            Ok(info) => info,
            Err(source) => {
                let err = DownloadError::Resolve { file: file.clone(), source: Box::new(source) };
                self.inner.hooks.download_file_run_error(&file, "", &err);
                return Err(err);
            }
        };
        let Some(url) = info.url.filter(|u| !u.is_empty()) else {
            let err = DownloadError::NoUrl { file: file.clone() };
            self.inner.hooks.download_file_run_error(&file, "", &err);
            return Err(err);
        };
        // go-cqhttp names the file `filename`, NapCat `file_name`; else the last part of NapCat's local path.
        let name = info
            .file_name
            .filter(|n| !n.is_empty())
            .or_else(|| info.file.as_deref().and_then(|p| p.rsplit(['/', '\\']).next()).map(str::to_owned))
            .filter(|n| !n.is_empty())
            .unwrap_or(file);
        self.downloader().run(&name, &url).await
    }

    fn spawn_download<F>(&self, file_name: &str, file_url: &str, task: F) -> DownloadHandle
    where
        F: Future<Output = Result<PathBuf, DownloadError>> + Send + 'static,
    {
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => DownloadHandle(HandleState::Running(runtime.spawn(task))),
            Err(_) => {
                let err = DownloadError::NoRuntime;
                self.inner.hooks.download_file_run_error(file_name, file_url, &err);
                DownloadHandle(HandleState::Failed(err))
            }
        }
    }

    fn downloader(&self) -> Download<'_> {
        Download {
            client: &self.inner.client,
            hooks: self.inner.hooks.as_ref(),
            folder: &self.inner.download_path,
            chunk_size: self.inner.chunk_size,
        }
    }

    /// Posts one action and unwraps the OneBot envelope, telling the hooks about failures.
    async fn post(&self, action: &str, params: Value) -> Result<Value> {
        // PyCqBot code passes actions as paths (`"/send_msg"`).
        let action = action.trim_start_matches('/');
        let hooks = self.inner.hooks.as_ref();
        let actions = &self.inner.actions;
        let body = serde_json::to_vec(&params).map_err(Error::Json)?;
        match actions.exchange(action, body, actions.timeout()).await {
            Ok(response) if response.is_ok() => Ok(response.data),
            Ok(response) => {
                hooks.api_link_error(action, &response_json(&response));
                response.into_result(action)
            }
            Err(failure) => {
                let err = link_error(action, actions.url(action), actions.timeout(), failure);
                hooks.api_link_run_error(action, &err);
                Err(match err {
                    HttpApiError::Timeout { after, .. } => Error::Timeout { action: action.to_owned(), after },
                    HttpApiError::Connect { .. } => {
                        Error::Disconnected { platform: Platform::OneBot, self_id: self.self_id().to_owned() }
                    }
                    other => Error::adapter(other),
                })
            }
        }
    }
}

/// A request failure in this client's terms.
fn link_error(action: &str, url: String, timeout: Duration, failure: HttpFailure) -> HttpApiError {
    let action = action.to_owned();
    match failure {
        HttpFailure::Connect(source) => HttpApiError::Connect { url, source },
        HttpFailure::Timeout => HttpApiError::Timeout { action, after: timeout },
        HttpFailure::Transport(source) => HttpApiError::Transport { action, source },
        HttpFailure::TooLarge { status } => HttpApiError::Status {
            action,
            status,
            body: format!("the answer exceeds {} MiB and was dropped", MAX_ANSWER_BYTES >> 20),
        },
        HttpFailure::Unauthorized { status } => HttpApiError::Unauthorized { action, status },
        HttpFailure::NotOneBot { parse: Some(source), .. } => HttpApiError::BadResponse { action, source },
        HttpFailure::Status { status, body } | HttpFailure::NotOneBot { status, body, parse: None } => {
            HttpApiError::Status { action, status, body }
        }
    }
}

/// A failed answer as JSON for [`HttpApiHooks::api_link_error`] (seed cqHttpApi hands the hook the error
/// JSON): the envelope's fields, with the best error text as both `message` and `wording`.
fn response_json(response: &ActionResponse) -> Value {
    let mut json = Map::new();
    json.insert("status".into(), Value::from(response.status.as_str()));
    json.insert("retcode".into(), Value::from(response.retcode));
    json.insert("data".into(), response.data.clone());
    json.insert("message".into(), Value::from(response.message.as_str()));
    json.insert("wording".into(), Value::from(response.message.as_str()));
    if let Some(msg) = &response.msg {
        json.insert("msg".into(), Value::from(msg.as_str()));
    }
    if let Some(echo) = &response.echo {
        json.insert("echo".into(), echo.clone());
    }
    for (k, v) in &response.extra {
        json.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Value::Object(json)
}

impl ActionCaller for HttpApi {
    fn call_action<'a>(&'a self, action: &'a str, params: Value) -> BoxFuture<'a, Result<Value>> {
        Box::pin(self.post(action, params))
    }

    fn self_id(&self) -> &str {
        self.inner.actions.self_id()
    }
}
