//! NapCat extras: online status, platform music cards, collections, level search and AI voice.

use serde::Deserialize;

use super::params::Params;
use super::{Id, OneBotApi, OneBotApiError, SentMessage};
use crate::adapter::serde_lenient::lenient;
use crate::api::Target;
use crate::error::Result;
use crate::message::{Message, Music, MusicKind, Segment};

/// An online status for [`OneBotApi::set_online_status`]: `status`, `ext_status` and `battery_status`, with
/// NapCat's presets as constants.
///
/// For `status` 10 with `ext_status` 1000 ("my battery"), `battery_status` is the battery level shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OnlineStatus {
    /// 在线状态.
    pub status: u32,
    /// 扩展状态.
    pub ext_status: u32,
    /// 电量状态.
    pub battery_status: u32,
}

impl OnlineStatus {
    /// 在线.
    pub const ONLINE: OnlineStatus = OnlineStatus::new(10, 0, 0);
    /// Q我吧.
    pub const Q_ME: OnlineStatus = OnlineStatus::new(60, 0, 0);
    /// 离开.
    pub const AWAY: OnlineStatus = OnlineStatus::new(30, 0, 0);
    /// 忙碌.
    pub const BUSY: OnlineStatus = OnlineStatus::new(50, 0, 0);
    /// 请勿打扰.
    pub const DO_NOT_DISTURB: OnlineStatus = OnlineStatus::new(70, 0, 0);
    /// 隐身.
    pub const INVISIBLE: OnlineStatus = OnlineStatus::new(40, 0, 0);
    /// 听歌中.
    pub const LISTENING: OnlineStatus = OnlineStatus::new(10, 1028, 0);

    /// Any status by its three numbers.
    pub const fn new(status: u32, ext_status: u32, battery_status: u32) -> Self {
        OnlineStatus { status, ext_status, battery_status }
    }

    /// 我的电量 — shows a battery level (0–100).
    pub const fn battery(level: u32) -> Self {
        OnlineStatus::new(10, 1000, level)
    }
}

/// The platforms NapCat signs music cards for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MusicPlatform {
    /// QQ 音乐 (`qq`).
    Qq,
    /// 网易云音乐 (`163`).
    NetEase,
}

impl MusicPlatform {
    fn kind(self) -> MusicKind {
        match self {
            MusicPlatform::Qq => MusicKind::Qq,
            MusicPlatform::NetEase => MusicKind::NetEase,
        }
    }
}

lenient! {
    /// An AI voice character (`get_ai_characters`).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct AICharacter {
        /// The id to pass as `character`.
        pub character_id: String,
        /// The name shown.
        pub character_name: String,
        /// A preview clip's URL.
        pub preview_url: String,
    } keep {
        /// The category it is listed under (NapCat groups characters by `type`).
        #[serde(skip)]
        pub category: String,
    }
}

lenient! {
    #[derive(Default, Deserialize)]
    struct CharacterGroup {
        #[serde(rename = "type")]
        kind: String,
        characters: Vec<AICharacter>,
    }
}

fn music_message(platform: MusicPlatform, id: Id) -> Message {
    Message::from(Segment::Music(Music {
        kind: platform.kind(),
        id: Some(id.to_string()),
        url: None,
        audio: None,
        title: None,
        content: None,
        image: None,
    }))
}

/// NapCat extras: online status, platform music cards, collections, level search and AI voice.
///
/// ```
/// # use qqbot::testing::napcat::{Answer, FakeNapCat, Options};
/// # use serde_json::json;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> qqbot::Result<()> {
/// # let napcat = FakeNapCat::http(None, Options::default()).await?; // runs against the fake NapCat
/// # let api = napcat.http_client()?.api();
/// # napcat.answer("set_online_status", Answer::OkNoData);
/// # napcat.answer("get_ai_characters", Answer::Ok(json!([{"type": "推荐", "characters": [{"character_id": "lucy-voice-xueling", "character_name": "小雪"}]}])));
/// # napcat.answer("get_ai_record", Answer::Ok(json!("https://example.com/voice.silk")));
/// use qqbot::adapter::onebot::api::{MusicPlatform, OnlineStatus};
/// api.set_online_status(OnlineStatus::BUSY).await?;
/// let message_id = api.send_group_platform_music(123456789, MusicPlatform::NetEase, 28949129).await?;
/// let voices = api.get_ai_characters(123456789, 1).await?;
/// if let Some(voice) = voices.first() {
///     let url = api.get_ai_record(123456789, &voice.character_id, "你好").await?;
///     println!("{url}");
/// }
/// let level = api.get_level_by_search(10001).await?;
/// # let _ = (message_id, level);
/// # Ok(()) }
/// ```
impl OneBotApi {
    /// 设置在线状态 — sets the bot's online status (`set_online_status`).
    pub async fn set_online_status(&self, status: OnlineStatus) -> Result<()> {
        let params = Params::new()
            .set("status", status.status)
            .set("ext_status", status.ext_status)
            .set("battery_status", status.battery_status);
        self.request_unit("set_online_status", params).await
    }

    /// 设置自定义在线状态 — shows a face and a text as the status (`set_diy_online_status`).
    pub async fn set_diy_online_status(&self, face_id: impl Into<Id>, wording: &str) -> Result<()> {
        let params = Params::new().set("face_id", face_id.into()).set("wording", wording);
        self.request_unit("set_diy_online_status", params).await
    }

    /// 发送平台音乐分享 — sends a QQ Music or NetEase card to `target`, or, when `None`, to the conversation of the
    /// event being handled (set by `ctx.onebot()`); returns the message id (`send_group_msg` /
    /// `send_private_msg` with a `music` segment).
    pub async fn send_platform_music(
        &self,
        target: Option<&Target>,
        platform: MusicPlatform,
        id: impl Into<Id>,
    ) -> Result<String> {
        let target = target
            .or(self.target.as_ref())
            .ok_or_else(|| OneBotApiError::NoTarget { action: "send_platform_music".into() })?;
        let sent = match target {
            Target::Group(group_id) => self.send_group_msg(group_id, music_message(platform, id.into())).await?,
            Target::Private(user_id) => self.send_private_msg(user_id, music_message(platform, id.into())).await?,
            other => {
                return Err(OneBotApiError::UnsupportedTarget {
                    action: "send_platform_music".into(),
                    target: other.to_string(),
                }
                .into());
            }
        };
        Ok(sent.message_id.to_string())
    }

    /// 发送群聊平台音乐分享 — sends a QQ Music or NetEase card to a group; returns the message id.
    pub async fn send_group_platform_music(
        &self,
        group_id: impl Into<Id>,
        platform: MusicPlatform,
        id: impl Into<Id>,
    ) -> Result<String> {
        let sent = self.send_group_msg(group_id, music_message(platform, id.into())).await?;
        Ok(sent.message_id.to_string())
    }

    /// 发送私聊平台音乐分享 — sends a QQ Music or NetEase card to a user; returns the message id.
    pub async fn send_platform_private_music(
        &self,
        user_id: impl Into<Id>,
        platform: MusicPlatform,
        id: impl Into<Id>,
    ) -> Result<String> {
        let sent = self.send_private_msg(user_id, music_message(platform, id.into())).await?;
        Ok(sent.message_id.to_string())
    }

    /// 创建收藏 — saves text to the account's collection under a title (`create_collection`, whose parameter
    /// NapCat spells `rawData`).
    pub async fn create_collection(&self, raw_data: &str, brief: &str) -> Result<()> {
        let params = Params::new().set("rawData", raw_data).set("brief", brief);
        self.request_unit("create_collection", params).await
    }

    /// 从陌生人、好友渠道获取用户等级 — a user's QQ level from their public profile, else from the friend list;
    /// `None` when neither tells (`get_stranger_info`, then `get_friend_list`).
    pub async fn get_level_by_search(&self, user_id: impl Into<Id>) -> Result<Option<i32>> {
        let user_id = user_id.into();
        let stranger = self.get_stranger_info(user_id.clone()).await?;
        if let Some(level) = stranger.level() {
            return Ok(i32::try_from(level).ok());
        }
        let wanted = user_id.as_i64();
        let friends = self.get_friend_list(false).await?;
        Ok(friends
            .iter()
            .find(|f| Some(f.user_id) == wanted)
            .and_then(|f| f.level)
            .filter(|l| *l > 0)
            .and_then(|l| i32::try_from(l).ok()))
    }

    /// 获取AI语音人物 — the AI voice characters for a group; `chat_type` is 1 or 2 (NapCat's default 1)
    /// (`get_ai_characters`; needs the packet backend).
    pub async fn get_ai_characters(&self, group_id: impl Into<Id>, chat_type: u8) -> Result<Vec<AICharacter>> {
        let params = Params::new().set("group_id", group_id.into()).set("chat_type", chat_type);
        let groups: Vec<CharacterGroup> = self.request("get_ai_characters", params).await?;
        Ok(groups
            .into_iter()
            .flat_map(|g| {
                let category = g.kind;
                g.characters.into_iter().map(move |c| AICharacter { category: category.clone(), ..c })
            })
            .collect())
    }

    /// 发送群AI语音 — says `text` in a group with an AI voice character (`send_group_ai_record`).
    pub async fn send_group_ai_record(
        &self,
        group_id: impl Into<Id>,
        character: &str,
        text: &str,
    ) -> Result<SentMessage> {
        let params = Params::new().set("group_id", group_id.into()).set("character", character).set("text", text);
        self.request("send_group_ai_record", params).await
    }

    /// 获取AI语音 — the URL of `text` spoken by an AI voice character (`get_ai_record`).
    pub async fn get_ai_record(&self, group_id: impl Into<Id>, character: &str, text: &str) -> Result<String> {
        let params = Params::new().set("group_id", group_id.into()).set("character", character).set("text", text);
        self.request("get_ai_record", params).await
    }
}
