//! The typed OneBot v11 / go-cqhttp / NapCat API.
//!
//! [`OneBotApi`] has one async method per action, named as ncatbot names them (`post_group_msg`,
//! `get_group_member_info` …), sending the real wire action names (NapCat's `_send_group_notice`,
//! `.ocr_image` …) with typed parameters, and decoding the answer into a typed struct wherever the answer has a
//! known shape. Ids are [`Id`]s: pass a number or a string.
//!
//! The methods are grouped by area, one file each: [messages](OneBotApi::post_group_msg) (senders, forwards,
//! history, read marks, emoji likes), groups (administration, members, honours, notices, essence), files (group
//! files, uploads, cached media), users (account, friends, strangers, likes, requests), system (status, versions,
//! credentials, OCR, quick operations) and NapCat extras (platform music, AI voice, online status, level search).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> qqbot::Result<()> {
//! # let napcat = qqbot::testing::napcat::FakeNapCat::http(None, Default::default()).await?; // the fake NapCat
//! # let api = napcat.http_client()?.api();
//! use qqbot::adapter::onebot::api::PostMsg;
//! // 发送 "你好呀" 并 @ QQ 号为 123456 的用户
//! api.post_group_msg(123456789, PostMsg::text("你好呀").at(123456)).await?;
//! // Anything not covered yet: the raw escape hatch.
//! let data = api.call("get_status", serde_json::json!({})).await?;
//! # let _ = data; Ok(()) }
//! ```

mod error;
mod files;
mod groups;
mod id;
mod messages;
mod napcat;
mod params;
mod post;
mod system;
mod users;

use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::ActionCaller;
use crate::api::Target;
use crate::error::Result;

pub use error::OneBotApiError;
pub use files::{DownloadFile, FileInfo, GroupFile, GroupFileSystemInfo, GroupFiles, GroupFolder, UploadedFile};
pub use groups::{
    AtAllRemain, EssenceMsg, GroupHonor, GroupHonorUser, GroupInfo, GroupMemberInfo, GroupMembers, GroupNotice,
    GroupNoticeMessage, GroupNotify, GroupSystemMsg, HonorType, ShutMember, SignedMember,
};
pub use id::Id;
pub use messages::{
    EmojiLiker, EmojiLikes, ForwardMsg, ForwardedMessage, MessageRecord, MessageSender, RecentContact, SentMessage,
};
pub use napcat::{AICharacter, MusicPlatform, OnlineStatus};
pub use post::{PostFile, PostMsg};
pub use system::{
    ClientDevice, Cookies, Credentials, ModelVariant, OcrImage, OcrResult, OcrText, QuickOperation, Rkey, Status,
    UinRange, VersionInfo,
};
pub use users::{
    FriendCategory, FriendInfo, LoginInfo, ProfileLike, Sex, StrangerInfo, UnidirectionalFriend, UserStatus,
};

use super::protocol::segment::message_to_value as message_to_json;
use params::Params;

/// The full OneBot API of one account. Cheap to clone; reached from a handler as `ctx.onebot()?`.
///
/// It optionally carries the conversation of the event being handled ([`OneBotApi::with_target`]), which methods
/// such as [`OneBotApi::send_platform_music`] use when no target is given.
#[derive(Clone)]
pub struct OneBotApi {
    caller: Arc<dyn ActionCaller>,
    target: Option<Target>,
}

impl std::fmt::Debug for OneBotApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OneBotApi").field("self_id", &self.caller.self_id()).field("target", &self.target).finish()
    }
}

impl OneBotApi {
    /// The API over a transport.
    pub fn new(caller: Arc<dyn ActionCaller>) -> Self {
        OneBotApi { caller, target: None }
    }

    /// The same API, remembering the conversation of the event being handled (`ctx.onebot()` sets it), so that
    /// context-aware methods like [`OneBotApi::send_platform_music`] can omit the target.
    pub fn with_target(mut self, target: Target) -> Self {
        self.target = Some(target);
        self
    }

    /// The conversation remembered by [`OneBotApi::with_target`], if any.
    pub fn target(&self) -> Option<&Target> {
        self.target.as_ref()
    }

    /// The bot account this API acts for.
    pub fn self_id(&self) -> &str {
        self.caller.self_id()
    }

    /// 调用任意 API —— performs any action by name with raw JSON parameters and returns the response's raw
    /// `data`: the escape hatch for actions NapCat adds tomorrow.
    ///
    /// ```
    /// # use qqbot::testing::napcat::{Answer, FakeNapCat};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> qqbot::Result<()> {
    /// # let napcat = FakeNapCat::http(None, Default::default()).await?; // runs against the fake NapCat
    /// # napcat.answer("get_group_signed_list", Answer::Ok(serde_json::json!({"users": []})));
    /// # let api = napcat.http_client()?.api();
    /// let data = api.call("get_group_signed_list", serde_json::json!({ "group_id": 123 })).await?;
    /// println!("{data}");
    /// # Ok(()) }
    /// ```
    pub async fn call(&self, action: &str, params: serde_json::Value) -> Result<serde_json::Value> {
        self.caller.call_action(action, params).await
    }

    /// Performs an action and decodes its `data` into `T`.
    async fn request<T: DeserializeOwned>(&self, action: &str, params: Params<'_>) -> Result<T> {
        let data = self.caller.call_action(action, params.into_value(self.caller.large_ids())).await?;
        decode(action, data)
    }

    /// Performs an action whose `data` carries nothing a caller needs.
    async fn request_unit(&self, action: &str, params: Params<'_>) -> Result<()> {
        self.caller.call_action(action, params.into_value(self.caller.large_ids())).await.map(drop)
    }
}

/// Decodes an action's `data`; a shape mismatch names the action so the log says which call broke.
///
/// `null` (go-cqhttp's answer for "nothing", and many implementations' for an empty list) decodes as an empty
/// object or list when `T` cannot be `null` itself, so a struct of optional fields or a `Vec` comes back empty.
fn decode<T: DeserializeOwned>(action: &str, data: serde_json::Value) -> Result<T> {
    let decoded = match data {
        serde_json::Value::Null => serde_json::from_value(serde_json::Value::Null)
            .or_else(|e| serde_json::from_value(serde_json::json!({})).map_err(|_| e))
            .or_else(|e| serde_json::from_value(serde_json::json!([])).map_err(|_| e)),
        data => serde_json::from_value(data),
    };
    decoded.map_err(|source| OneBotApiError::Decode { action: action.to_owned(), source }.into())
}
