//! Users: the bot's own account and profile, friends, strangers, likes, friend requests and contact cards.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::params::Params;
use super::{Id, OneBotApi};
use crate::adapter::serde_lenient::lenient;
use crate::error::Result;

lenient! {
    /// The logged-in account (`get_login_info`).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct LoginInfo {
        /// The bot's QQ number.
        pub user_id: i64,
        /// The bot's nickname.
        pub nickname: String,
    }
}

lenient! {
    /// Anyone's public profile (`get_stranger_info`).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct StrangerInfo {
        /// QQ 号.
        pub user_id: i64,
        /// 昵称.
        pub nickname: String,
        /// `male`, `female` or `unknown`.
        pub sex: String,
        /// 年龄.
        pub age: i64,
        /// QID.
        pub qid: Option<String>,
        /// NapCat: QQ 等级 (`qqLevel`); go-cqhttp sends `level`, see [`StrangerInfo::level`].
        #[serde(rename = "qqLevel")]
        pub qq_level: Option<i64>,
        /// 连续登录天数.
        pub login_days: Option<i64>,
        /// NapCat: 个性签名.
        pub long_nick: Option<String>,
        /// NapCat: your remark for the user.
        pub remark: Option<String>,
    } keep {
        /// Everything else the implementation sent (`uid`, `reg_time`, `is_vip`, `vip_level`, `status` …).
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

impl StrangerInfo {
    /// The QQ level, from NapCat's `qqLevel` or go-cqhttp's `level`; `None` when absent or 0 (hidden).
    pub fn level(&self) -> Option<i64> {
        let gocq = || match self.extra.get("level") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.parse().ok(),
            _ => None,
        };
        self.qq_level.filter(|l| *l > 0).or_else(gocq).filter(|l| *l > 0)
    }
}

lenient! {
    /// A friend (`get_friend_list`).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct FriendInfo {
        /// QQ 号.
        pub user_id: i64,
        /// 昵称.
        pub nickname: String,
        /// 备注.
        pub remark: String,
        /// NapCat: QQ level.
        pub level: Option<i64>,
        /// NapCat: the friend category.
        pub category_id: Option<i64>,
    } keep {
        /// Everything else the implementation sent (`sex`, `age`, `birthday_*`, `phone_num`, `email` …).
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

lenient! {
    /// A friend category with its friends (`get_friends_with_category`; NapCat's camelCase keys).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct FriendCategory {
        /// The category id.
        pub category_id: i64,
        /// Its name.
        pub category_name: String,
        /// How many friends it holds.
        pub category_mb_count: i64,
        /// The friends.
        pub buddy_list: Vec<FriendInfo>,
    }
}

lenient! {
    /// Someone who added the bot without being added back (`get_unidirectional_friend_list`).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct UnidirectionalFriend {
        /// QQ 号 (NapCat: `uin`).
        #[serde(alias = "uin")]
        pub user_id: i64,
        /// 昵称 (NapCat: `nick_name`).
        #[serde(alias = "nick_name")]
        pub nickname: String,
        /// Where the friendship came from.
        pub source: String,
    }
}

lenient! {
    /// Who liked the bot's profile (`get_profile_like`; NapCat's raw structure).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ProfileLike {
        /// The bot's NT uid.
        pub uid: String,
        /// When it was read.
        pub time: String,
        /// The bot's likes of others: `{userInfos, total_count, last_time, today_count}`.
        pub favorite_info: Value,
        /// Others' likes of the bot: `{userInfos, total_count, new_count, …}`.
        pub vote_info: Value,
    }
}

lenient! {
    /// A user's online status (`nc_get_user_status`).
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
    pub struct UserStatus {
        /// The status (10 online, 30 away, 40 invisible, 50 busy, 60 Q我吧, 70 do not disturb …).
        pub status: i64,
        /// The extended status.
        pub ext_status: i64,
    }
}

/// The sex on a profile, as `set_qq_profile` sends it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Sex {
    /// 未知 (0).
    #[default]
    Unknown,
    /// 男 (1).
    Male,
    /// 女 (2).
    Female,
}

impl Sex {
    fn code(self) -> u8 {
        match self {
            Sex::Unknown => 0,
            Sex::Male => 1,
            Sex::Female => 2,
        }
    }
}

/// Users: the bot's own account and profile, friends, strangers, likes, friend requests and contact cards.
///
/// ```
/// # use qqbot::testing::napcat::{Answer, FakeNapCat, Options};
/// # use serde_json::json;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> qqbot::Result<()> {
/// # let napcat = FakeNapCat::http(None, Options::default()).await?; // runs against the fake NapCat
/// # let api = napcat.http_client()?.api();
/// # napcat.answer("set_qq_profile", Answer::Ok(json!({"result": 0, "errMsg": ""})));
/// use qqbot::adapter::onebot::api::Sex;
/// let me = api.get_login_info().await?;
/// println!("logged in as {} ({})", me.nickname, me.user_id);
/// for friend in api.get_friend_list(false).await? {
///     api.send_like(friend.user_id, None).await?; // 点赞 1 次
/// }
/// api.set_qq_profile("彭彭", "咱好想和木子姐姐贴贴啊喵qwq", Sex::Unknown).await?;
/// api.set_friend_add_request("1700000000", true, Some("彭彭")).await?;
/// # assert_eq!(napcat.calls_of("send_like").len(), 1);
/// # Ok(()) }
/// ```
impl OneBotApi {
    /// 获取登录号信息 — the bot's own QQ number and nickname (`get_login_info`).
    pub async fn get_login_info(&self) -> Result<LoginInfo> {
        self.request("get_login_info", Params::new()).await
    }

    /// 设置账号信息 — sets the bot's nickname, signature and sex (`set_qq_profile`).
    pub async fn set_qq_profile(&self, nickname: &str, personal_note: &str, sex: Sex) -> Result<()> {
        let params = Params::new().set("nickname", nickname).set("personal_note", personal_note).set("sex", sex.code());
        self.request_unit("set_qq_profile", params).await
    }

    /// 设置个性签名 — sets the bot's signature (`set_self_longnick`, whose parameter NapCat spells `longNick`).
    pub async fn set_self_long_nick(&self, long_nick: &str) -> Result<()> {
        self.request_unit("set_self_longnick", Params::new().set("longNick", long_nick)).await
    }

    /// 设置头像 — sets the bot's avatar from a path, URL or `base64://` (`set_qq_avatar`).
    pub async fn set_qq_avatar(&self, avatar: &str) -> Result<()> {
        self.request_unit("set_qq_avatar", Params::new().set("file", avatar)).await
    }

    /// 获取用户名片 — a contact card recommending a user, as ark JSON to send in a `json` segment
    /// (`ArkSharePeer`).
    pub async fn get_user_card(&self, user_id: impl Into<Id>, phone_number: &str) -> Result<Value> {
        let params = Params::new().set("user_id", user_id.into()).set("phone_number", phone_number);
        self.request("ArkSharePeer", params).await
    }

    /// 获取群名片 — a contact card recommending a group, as ark JSON (`ArkSharePeer` with `group_id`).
    pub async fn get_group_card(&self, group_id: impl Into<Id>, phone_number: &str) -> Result<Value> {
        let params = Params::new().set("group_id", group_id.into()).set("phone_number", phone_number);
        self.request("ArkSharePeer", params).await
    }

    /// 获取群共享名片 — a group's share card as ark JSON text (`ArkShareGroup`).
    pub async fn get_share_group_card(&self, group_id: impl Into<Id>) -> Result<String> {
        let data: Value = self.request("ArkShareGroup", Params::new().set("group_id", group_id.into())).await?;
        Ok(match data {
            Value::String(ark) => ark,
            other => other.to_string(),
        })
    }

    /// 获取好友分组列表 — friends grouped by category (`get_friends_with_category`).
    pub async fn get_friends_with_category(&self) -> Result<Vec<FriendCategory>> {
        self.request("get_friends_with_category", Params::new()).await
    }

    /// 获取好友列表 — the bot's friends; `no_cache` asks for a refresh (`get_friend_list`).
    pub async fn get_friend_list(&self, no_cache: bool) -> Result<Vec<FriendInfo>> {
        self.request("get_friend_list", Params::new().set("no_cache", no_cache)).await
    }

    /// 获取单向好友列表 — users who added the bot without being added back (`get_unidirectional_friend_list`).
    pub async fn get_unidirectional_friend_list(&self) -> Result<Vec<UnidirectionalFriend>> {
        self.request("get_unidirectional_friend_list", Params::new()).await
    }

    /// 获取陌生人信息 — anyone's public profile (`get_stranger_info`).
    pub async fn get_stranger_info(&self, user_id: impl Into<Id>) -> Result<StrangerInfo> {
        self.request("get_stranger_info", Params::new().set("user_id", user_id.into())).await
    }

    /// 发送赞 — likes a user's profile `times` times (default 1; QQ allows 10 a day per friend) (`send_like`).
    pub async fn send_like(&self, user_id: impl Into<Id>, times: impl Into<Option<u32>>) -> Result<()> {
        let params = Params::new().set("user_id", user_id.into()).set("times", times.into().unwrap_or(1));
        self.request_unit("send_like", params).await
    }

    /// 获取个人资料卡点赞数 — who liked the bot's profile (`get_profile_like`).
    pub async fn get_profile_like(&self) -> Result<ProfileLike> {
        self.request("get_profile_like", Params::new()).await
    }

    /// 处理好友请求 — approves or refuses a friend request, with a remark for the new friend
    /// (`set_friend_add_request`).
    pub async fn set_friend_add_request(&self, flag: &str, approve: bool, remark: Option<&str>) -> Result<()> {
        let params = Params::new().set("flag", flag).set("approve", approve).opt("remark", remark);
        self.request_unit("set_friend_add_request", params).await
    }

    /// 设置好友备注 — sets your remark for a friend (`set_friend_remark`, NapCat).
    pub async fn set_friend_remark(&self, user_id: impl Into<Id>, remark: &str) -> Result<()> {
        let params = Params::new().set("user_id", user_id.into()).set("remark", remark);
        self.request_unit("set_friend_remark", params).await
    }

    /// 删除好友 — removes a friend, optionally blocking them and removing the bot from their list too
    /// (`delete_friend`).
    pub async fn delete_friend(&self, user_id: impl Into<Id>, temp_block: bool, temp_both_del: bool) -> Result<()> {
        let params = Params::new()
            .set("user_id", user_id.into())
            .set("temp_block", temp_block)
            .set("temp_both_del", temp_both_del);
        self.request_unit("delete_friend", params).await
    }

    /// 删除单向好友 — removes a one-way friend (`delete_unidirectional_friend`; go-cqhttp only).
    pub async fn delete_unidirectional_friend(&self, user_id: impl Into<Id>) -> Result<()> {
        self.request_unit("delete_unidirectional_friend", Params::new().set("user_id", user_id.into())).await
    }

    /// 获取收藏表情 — the URLs of the bot's saved stickers, `count` of them (default 48) (`fetch_custom_face`).
    pub async fn fetch_custom_face(&self, count: impl Into<Option<u32>>) -> Result<Vec<String>> {
        self.request("fetch_custom_face", Params::new().opt("count", count.into())).await
    }

    /// 获取用户状态 — a user's online status (`nc_get_user_status`).
    pub async fn nc_get_user_status(&self, user_id: impl Into<Id>) -> Result<UserStatus> {
        self.request("nc_get_user_status", Params::new().set("user_id", user_id.into())).await
    }

    /// 获取小程序卡片 — signs a mini-app card (`{"type": "bili", "title", "desc", "picUrl", "jumpUrl"}` or the
    /// full custom form) and returns NapCat's answer, whose `data` is sent back in a `json` segment
    /// (`get_mini_app_ark`; needs the packet backend).
    pub async fn get_mini_app_ark(&self, app_json: Map<String, Value>) -> Result<Value> {
        self.request("get_mini_app_ark", Params::from(app_json)).await
    }
}
