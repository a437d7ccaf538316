//! System: versions, status, capability checks, credentials, OCR, translation, quick operations, restarts and
//! caches.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::super::protocol::id::LargeIds;
use super::params::Params;
use super::{Id, OneBotApi, OneBotApiError, message_to_json};
use crate::adapter::serde_lenient::{self, lenient};
use crate::error::{Error, Result};
use crate::message::{Media, Message, Segment};

lenient! {
    /// The implementation's name and version (`get_version_info`).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct VersionInfo {
        /// `NapCat.Onebot`, `go-cqhttp`, `LLOneBot`, `Lagrange.OneBot` …
        pub app_name: String,
        /// Its version.
        pub app_version: String,
        /// `v11`.
        pub protocol_version: String,
    } keep {
        /// Everything else the implementation sent.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

lenient! {
    /// Whether the implementation is online and healthy (`get_status`).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct Status {
        /// Logged in and connected to QQ.
        pub online: bool,
        /// Working normally.
        pub good: bool,
        /// Statistics (go-cqhttp: packets and messages counters; NapCat: `{}`).
        pub stat: Value,
    } keep {
        /// Everything else the implementation sent.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

lenient! {
    /// Cookies for a QQ domain (`get_cookies`).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct Cookies {
        /// The `Cookie` header value.
        pub cookies: String,
        /// NapCat: the `bkn` (g_tk) value.
        pub bkn: Option<String>,
    }
}

lenient! {
    /// Cookies and CSRF token for a QQ domain (`get_credentials`).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct Credentials {
        /// The `Cookie` header value.
        pub cookies: String,
        /// The CSRF token (NapCat `token`, the spec `csrf_token`).
        #[serde(alias = "csrf_token")]
        pub token: i64,
    }
}

lenient! {
    /// A range of QQ numbers reserved for bots (`get_robot_uin_range`).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct UinRange {
        /// The first number.
        pub min_uin: String,
        /// The last number.
        pub max_uin: String,
    }
}

lenient! {
    /// A media download key (`nc_get_rkey`, `get_rkey`).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct Rkey {
        /// The key, appended to media URLs.
        pub rkey: String,
        /// Seconds it stays valid.
        pub ttl: i64,
        /// When it was issued (Unix seconds).
        #[serde(alias = "created_at")]
        pub time: i64,
        /// Which media it is for (`private` / `group`, or NT's numeric type).
        #[serde(rename = "type")]
        pub kind: String,
    }
}

/// Text found in a picture (`ocr_image`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OcrResult {
    /// The text blocks.
    pub texts: Vec<OcrText>,
    /// go-cqhttp: the language.
    pub language: Option<String>,
}

impl<'de> Deserialize<'de> for OcrResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        // go-cqhttp answers `{texts, language}`, NapCat a bare array of blocks.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Blocks(Vec<OcrText>),
            Object {
                #[serde(default, deserialize_with = "serde_lenient::or_default")]
                texts: Vec<OcrText>,
                #[serde(default, deserialize_with = "serde_lenient::opt_string")]
                language: Option<String>,
            },
        }
        Ok(match Option::<Wire>::deserialize(d)? {
            Some(Wire::Blocks(texts)) => OcrResult { texts, language: None },
            Some(Wire::Object { texts, language }) => OcrResult { texts, language },
            None => OcrResult::default(),
        })
    }
}

lenient! {
    /// One block of text found by OCR.
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct OcrText {
        /// The text.
        pub text: String,
        /// How sure the engine is (0–100), when reported.
        pub confidence: Option<f64>,
        /// The corners of the block (`{x, y}` points).
        pub coordinates: Vec<Value>,
    }
}

/// The picture to read with [`OneBotApi::ocr_image`]: a path, URL, `base64://` data, or an `Image` / `File`
/// segment (its URL when it has one, else its file).
#[derive(Debug, Clone, PartialEq)]
pub struct OcrImage(std::result::Result<String, String>);

impl From<&str> for OcrImage {
    fn from(image: &str) -> Self {
        OcrImage(Ok(image.to_owned()))
    }
}

impl From<String> for OcrImage {
    fn from(image: String) -> Self {
        OcrImage(Ok(image))
    }
}

impl From<&Path> for OcrImage {
    fn from(path: &Path) -> Self {
        // A path becomes a file URI, which NapCat and go-cqhttp both read; relative paths are made absolute
        // against the bot's working directory, which only helps when the implementation runs on the same host.
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        OcrImage(Ok(format!("file://{}", absolute.display())))
    }
}

impl From<PathBuf> for OcrImage {
    fn from(path: PathBuf) -> Self {
        OcrImage::from(path.as_path())
    }
}

impl From<&Media> for OcrImage {
    fn from(media: &Media) -> Self {
        OcrImage(Ok(media.url.clone().unwrap_or_else(|| media.file.clone())))
    }
}

impl From<&Segment> for OcrImage {
    fn from(segment: &Segment) -> Self {
        match segment {
            Segment::Image(media) | Segment::File(media) => OcrImage::from(media),
            other => OcrImage(Err(other.kind().to_owned())),
        }
    }
}

impl From<Segment> for OcrImage {
    fn from(segment: Segment) -> Self {
        OcrImage::from(&segment)
    }
}

lenient! {
    /// One way the bot's profile card can look (`get_model_show`).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct ModelVariant {
        /// The shown model name.
        pub model_show: String,
        /// Whether it needs a paid membership.
        pub need_pay: bool,
    }
}

lenient! {
    /// A device logged in to the bot's account (`get_online_clients`).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct ClientDevice {
        /// The app id.
        pub app_id: i64,
        /// The device name.
        pub device_name: String,
        /// The kind of device.
        pub device_kind: String,
    } keep {
        /// Everything else the implementation sent.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

/// What [`OneBotApi::handle_quick_operation`] does to an event (the HTTP POST quick-operation fields).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuickOperation {
    /// Messages: reply with this.
    pub reply: Option<Message>,
    /// Messages: send `reply` as plain text.
    pub auto_escape: Option<bool>,
    /// Group messages: mention the sender in the reply (default true).
    pub at_sender: Option<bool>,
    /// Group messages: recall the message.
    pub delete: Option<bool>,
    /// Group messages: remove the sender.
    pub kick: Option<bool>,
    /// Group messages: mute the sender.
    pub ban: Option<bool>,
    /// Group messages: mute duration in seconds (default 30 minutes).
    pub ban_duration: Option<u32>,
    /// Requests: approve.
    pub approve: Option<bool>,
    /// Friend requests: remark for the new friend.
    pub remark: Option<String>,
    /// Group requests: reason when refusing.
    pub reason: Option<String>,
}

impl QuickOperation {
    fn to_params(&self) -> Value {
        Params::new()
            .opt("reply", self.reply.as_ref().map(message_to_json))
            .opt("auto_escape", self.auto_escape)
            .opt("at_sender", self.at_sender)
            .opt("delete", self.delete)
            .opt("kick", self.kick)
            .opt("ban", self.ban)
            .opt("ban_duration", self.ban_duration)
            .opt("approve", self.approve)
            .opt("remark", self.remark.clone())
            .opt("reason", self.reason.clone())
            .into_value(LargeIds::default())
    }
}

lenient! {
    /// Answers of the form `{yes: bool}`.
    #[derive(Default, Deserialize)]
    struct Yes {
        yes: bool,
    }
}

/// System: versions, status, capability checks, credentials, OCR, translation, quick operations, restarts and
/// caches.
///
/// ```
/// # use qqbot::testing::napcat::{Answer, FakeNapCat, Options};
/// # use serde_json::json;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> qqbot::Result<()> {
/// # let napcat = FakeNapCat::http(None, Options::default()).await?; // runs against the fake NapCat
/// # let api = napcat.http_client()?.api();
/// # napcat.answer("ocr_image", Answer::Ok(json!([{"text": "合计 42 元", "confidence": 99}])));
/// # napcat.answer("nc_get_packet_status", Answer::OkNoData);
/// let version = api.get_version_info().await?;
/// println!("{} {}", version.app_name, version.app_version);
/// if api.can_send_image().await? {
///     api.post_group_msg(123456789, qqbot::adapter::onebot::api::PostMsg::new().image("a.png")).await?;
/// }
/// for line in api.ocr_image("https://example.com/receipt.png").await?.texts {
///     println!("{}", line.text);
/// }
/// let packet_backend_ok = api.nc_get_packet_status().await?;
/// # assert!(packet_backend_ok);
/// # Ok(()) }
/// ```
impl OneBotApi {
    /// 获取版本信息 — the implementation's name and version (`get_version_info`).
    pub async fn get_version_info(&self) -> Result<VersionInfo> {
        self.request("get_version_info", Params::new()).await
    }

    /// 获取状态 — whether the implementation is online and healthy (`get_status`).
    pub async fn get_status(&self) -> Result<Status> {
        self.request("get_status", Params::new()).await
    }

    /// 检查是否可以发送图片 — whether pictures can be sent (`can_send_image`).
    pub async fn can_send_image(&self) -> Result<bool> {
        let yes: Yes = self.request("can_send_image", Params::new()).await?;
        Ok(yes.yes)
    }

    /// 检查是否可以发送语音 — whether voice clips can be sent (`can_send_record`; NapCat ignores the group).
    pub async fn can_send_record(&self, group_id: impl Into<Id>) -> Result<bool> {
        let yes: Yes = self.request("can_send_record", Params::new().set("group_id", group_id.into())).await?;
        Ok(yes.yes)
    }

    /// 获取packet状态 — whether NapCat's packet backend (needed for pokes, AI voice, mini-app cards …) is up
    /// (`nc_get_packet_status`: a failed answer means down).
    pub async fn nc_get_packet_status(&self) -> Result<bool> {
        match self.request_unit("nc_get_packet_status", Params::new()).await {
            Ok(()) => Ok(true),
            Err(Error::Api { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// 获取rkey — NapCat's media download keys (`nc_get_rkey`).
    pub async fn nc_get_rkey(&self) -> Result<Vec<Rkey>> {
        self.request("nc_get_rkey", Params::new()).await
    }

    /// 获取rkey — the media download keys, from the packet backend (`get_rkey`).
    pub async fn get_rkey(&self) -> Result<Vec<Rkey>> {
        self.request("get_rkey", Params::new()).await
    }

    /// 获取cookies — cookies for a QQ domain (`get_cookies`).
    pub async fn get_cookies(&self, domain: &str) -> Result<Cookies> {
        self.request("get_cookies", Params::new().set("domain", domain)).await
    }

    /// 获取 CSRF Token — the CSRF token (`get_csrf_token`).
    pub async fn get_csrf_token(&self) -> Result<i64> {
        #[derive(Deserialize)]
        struct Token {
            #[serde(default, deserialize_with = "serde_lenient::i64_or_zero")]
            token: i64,
        }
        let token: Token = self.request("get_csrf_token", Params::new()).await?;
        Ok(token.token)
    }

    /// 获取 QQ 相关接口凭证 — cookies and CSRF token for a QQ domain (`get_credentials`).
    pub async fn get_credentials(&self, domain: &str) -> Result<Credentials> {
        self.request("get_credentials", Params::new().set("domain", domain)).await
    }

    /// 获取client_key — the account's client key (`get_clientkey`).
    pub async fn get_client_key(&self) -> Result<String> {
        #[derive(Deserialize)]
        struct Key {
            #[serde(default, deserialize_with = "serde_lenient::opt_string")]
            clientkey: Option<String>,
        }
        let key: Key = self.request("get_clientkey", Params::new()).await?;
        key.clientkey
            .ok_or_else(|| OneBotApiError::MissingField { action: "get_clientkey".into(), field: "clientkey" }.into())
    }

    /// 获取机器人QQ号范围 — the QQ number ranges reserved for bots (`get_robot_uin_range`).
    pub async fn get_robot_uin_range(&self) -> Result<Vec<UinRange>> {
        self.request("get_robot_uin_range", Params::new()).await
    }

    /// OCR 图片识别 — the text in a picture (`ocr_image`; NapCat: Windows only).
    pub async fn ocr_image(&self, image: impl Into<OcrImage>) -> Result<OcrResult> {
        self.ocr("ocr_image", image.into()).await
    }

    /// OCR 图片识别 — the text in a picture, through the hidden action (`.ocr_image`).
    pub async fn ocr_image_new(&self, image: impl Into<OcrImage>) -> Result<OcrResult> {
        self.ocr(".ocr_image", image.into()).await
    }

    async fn ocr(&self, action: &str, image: OcrImage) -> Result<OcrResult> {
        let image = image.0.map_err(|kind| OneBotApiError::NotAnImage { kind })?;
        self.request(action, Params::new().set("image", image)).await
    }

    /// 英文翻译为中文 — translates English words into Chinese (`translate_en2zh`).
    pub async fn translate_en2zh<S: Into<String>>(&self, words: impl IntoIterator<Item = S>) -> Result<Vec<String>> {
        #[derive(Deserialize)]
        struct Words {
            #[serde(default, deserialize_with = "serde_lenient::or_default")]
            words: Vec<String>,
        }
        let words: Vec<Value> = words.into_iter().map(|w| Value::String(w.into())).collect();
        let translated: Words = self.request("translate_en2zh", Params::new().set("words", words)).await?;
        Ok(translated.words)
    }

    /// 设置输入状态 — shows "typing…" (`event_type` 1) or another input status to a user (`set_input_status`).
    pub async fn set_input_status(&self, user_id: impl Into<Id>, event_type: i32) -> Result<()> {
        let params = Params::new().set("user_id", user_id.into()).set("event_type", event_type);
        self.request_unit("set_input_status", params).await
    }

    /// 对事件执行快速操作 — replies to, recalls, kicks, mutes or approves the event `context` (the event's JSON) as
    /// an HTTP POST quick operation would (`.handle_quick_operation`).
    pub async fn handle_quick_operation(&self, context: Value, operation: &QuickOperation) -> Result<()> {
        let params = Params::new().set("context", context).set("operation", operation.to_params());
        self.request_unit(".handle_quick_operation", params).await
    }

    /// 获取在线机型 — the device models the profile can show (`_get_model_show`).
    pub async fn get_model_show(&self, model: &str) -> Result<Vec<ModelVariant>> {
        let data: Value = self.request("_get_model_show", Params::new().set("model", model)).await?;
        model_variants(data)
    }

    /// 设置在线机型 — sets the device model the profile shows (`_set_model_show`).
    pub async fn set_model_show(&self, model: &str, model_show: &str) -> Result<()> {
        let params = Params::new().set("model", model).set("model_show", model_show);
        self.request_unit("_set_model_show", params).await
    }

    /// 获取当前账号在线客户端列表 — the devices logged in to the account (`get_online_clients`).
    pub async fn get_online_clients(&self, no_cache: bool) -> Result<Vec<ClientDevice>> {
        // go-cqhttp answers `{clients: [...]}`, NapCat the bare array.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            List(Vec<ClientDevice>),
            Object {
                #[serde(default, deserialize_with = "serde_lenient::or_default")]
                clients: Vec<ClientDevice>,
            },
        }
        let data: Option<Wire> = self.request("get_online_clients", Params::new().set("no_cache", no_cache)).await?;
        Ok(match data {
            Some(Wire::List(list)) | Some(Wire::Object { clients: list }) => list,
            None => Vec::new(),
        })
    }

    /// 检查链接安全性 — 1 safe, 2 unknown, 3 dangerous (`check_url_safely`).
    pub async fn check_url_safely(&self, url: &str) -> Result<i64> {
        #[derive(Deserialize)]
        struct Level {
            #[serde(default, deserialize_with = "serde_lenient::i64_or_zero")]
            level: i64,
        }
        let level: Level = self.request("check_url_safely", Params::new().set("url", url)).await?;
        Ok(level.level)
    }

    /// 获取支持的动作列表 — the actions the implementation supports (`get_supported_actions`; go-cqhttp).
    pub async fn get_supported_actions(&self) -> Result<Vec<String>> {
        self.request("get_supported_actions", Params::new()).await
    }

    /// 获取中文分词 — splits Chinese text into words (`.get_word_slices`; go-cqhttp).
    pub async fn get_word_slices(&self, content: &str) -> Result<Vec<String>> {
        #[derive(Deserialize)]
        struct Slices {
            #[serde(default, deserialize_with = "serde_lenient::or_default")]
            slices: Vec<String>,
        }
        let slices: Slices = self.request(".get_word_slices", Params::new().set("content", content)).await?;
        Ok(slices.slices)
    }

    /// 重载事件过滤器 — reloads go-cqhttp's event filter file (`reload_event_filter`).
    pub async fn reload_event_filter(&self, file: &str) -> Result<()> {
        self.request_unit("reload_event_filter", Params::new().set("file", file)).await
    }

    /// 获取企点账号信息 — go-cqhttp's QiDian account information, raw (`qidian_get_account_info`).
    pub async fn qidian_get_account_info(&self) -> Result<Value> {
        self.request("qidian_get_account_info", Params::new()).await
    }

    /// 重启 OneBot 实现 — restarts the implementation after `delay` milliseconds (`set_restart`).
    pub async fn set_restart(&self, delay: u32) -> Result<()> {
        self.request_unit("set_restart", Params::new().set("delay", delay)).await
    }

    /// 清理缓存 — clears the implementation's cache (`clean_cache`).
    pub async fn clean_cache(&self) -> Result<()> {
        self.request_unit("clean_cache", Params::new()).await
    }

    /// 退出登录 — logs the account out of NapCat (`bot_exit`).
    pub async fn bot_exit(&self) -> Result<()> {
        self.request_unit("bot_exit", Params::new()).await
    }
}

/// go-cqhttp answers `{variants: [..]}`, NapCat `[{variants: {..}}]`.
fn model_variants(data: Value) -> Result<Vec<ModelVariant>> {
    let variants: Vec<Value> = match data {
        Value::Object(mut map) => match map.remove("variants") {
            Some(Value::Array(list)) => list,
            Some(one) => vec![one],
            None => Vec::new(),
        },
        Value::Array(items) => items
            .into_iter()
            .flat_map(|item| match item {
                Value::Object(mut map) => match map.remove("variants") {
                    Some(Value::Array(list)) => list,
                    Some(one) => vec![one],
                    None => vec![Value::Object(map)],
                },
                other => vec![other],
            })
            .collect(),
        _ => Vec::new(),
    };
    variants.into_iter().map(|v| super::decode("_get_model_show", v)).collect()
}
