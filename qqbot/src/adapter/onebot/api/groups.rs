//! Groups: administration, information, members, honours, notices, essence messages, requests and sign-in.

use std::ops::Deref;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::params::Params;
use super::{Id, OneBotApi};
use crate::adapter::serde_lenient::{self, lenient};
use crate::error::Result;
use crate::event::Role;
use crate::message::Message;

lenient! {
    /// A group (`get_group_info`, `get_group_list`).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct GroupInfo {
        /// 群号.
        pub group_id: i64,
        /// 群名.
        pub group_name: String,
        /// 成员数.
        pub member_count: i64,
        /// 最大成员数 — the member limit.
        pub max_member_count: i64,
        /// NapCat: whether everyone is muted (0 no, -1 yes).
        pub group_all_shut: Option<i64>,
        /// NapCat: your remark for the group.
        pub group_remark: Option<String>,
    } keep {
        /// Everything else the implementation sent (go-cqhttp `group_memo`, `group_create_time`, `group_level` …).
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

lenient! {
    /// A group member (`get_group_member_info`, `get_group_member_list`), with NapCat's extras.
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct GroupMemberInfo {
        /// 群号.
        pub group_id: i64,
        /// QQ 号.
        pub user_id: i64,
        /// 昵称.
        pub nickname: String,
        /// 群名片 (empty when unset).
        pub card: String,
        /// `male`, `female` or `unknown`.
        pub sex: String,
        /// 年龄.
        pub age: i64,
        /// 地区.
        pub area: String,
        /// When the member joined (Unix seconds).
        pub join_time: i64,
        /// When the member last spoke (Unix seconds).
        pub last_sent_time: i64,
        /// 活跃度等级 — the group activity level as sent (the wire's `level`, e.g. `"12"`); see
        /// [`GroupMemberInfo::level`] for it as a number.
        #[serde(rename = "level")]
        pub activity_level: String,
        /// NapCat: the member's QQ level.
        pub qq_level: Option<i64>,
        /// 角色 — owner, admin or member.
        pub role: Role,
        /// Whether the member has a bad record.
        pub unfriendly: bool,
        /// 专属头衔.
        pub title: String,
        /// 群头衔过期时间 — when the title expires (`None`: no title, or it never expires).
        pub title_expire_time: Option<DateTime<Utc>>,
        /// 是否允许修改其群名片 — whether the bot may change this member's card.
        pub card_changeable: bool,
        /// When the member's mute ends (Unix seconds; 0 when not muted).
        pub shut_up_timestamp: Option<i64>,
        /// NapCat: whether the member is a bot account.
        pub is_robot: bool,
    } keep {
        /// Everything else the implementation sent.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

impl GroupMemberInfo {
    /// The activity level as a number (`"12"` and `"LV12"` both give 12), if it has one.
    pub fn level(&self) -> Option<i32> {
        let digits: String = self.activity_level.chars().filter(char::is_ascii_digit).collect();
        digits.parse().ok()
    }

    /// The group card if set, else the nickname.
    pub fn display_name(&self) -> &str {
        if self.card.is_empty() { &self.nickname } else { &self.card }
    }
}

impl serde_lenient::Lenient for Role {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Role, D::Error> {
        role(d)
    }
}

fn role<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Role, D::Error> {
    Ok(match Option::<String>::deserialize(d).ok().flatten().as_deref() {
        Some("owner") => Role::Owner,
        Some("admin") => Role::Admin,
        _ => Role::Member,
    })
}

/// A group's member list (`get_group_members`), with level filters.
///
/// ```
/// use qqbot::adapter::onebot::api::{GroupMemberInfo, GroupMembers};
/// let member = |level: &str| GroupMemberInfo { activity_level: level.into(), ..Default::default() };
/// let members = GroupMembers::from(vec![member("3"), member("LV20"), member("")]);
/// assert_eq!(members.filter_by_level_ge(10).len(), 1);
/// assert_eq!(members.filter_by_level_le(10).len(), 1); // members without a level match neither filter
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupMembers(Vec<GroupMemberInfo>);

impl GroupMembers {
    /// 返回等级大于等于指定值的成员列表 — the members whose level is at least `level`.
    pub fn filter_by_level_ge(&self, level: i32) -> GroupMembers {
        self.filtered(|l| l >= level)
    }

    /// 返回等级小于等于指定值的成员列表 — the members whose level is at most `level`.
    pub fn filter_by_level_le(&self, level: i32) -> GroupMembers {
        self.filtered(|l| l <= level)
    }

    fn filtered(&self, keep: impl Fn(i32) -> bool) -> GroupMembers {
        GroupMembers(self.0.iter().filter(|m| m.level().is_some_and(&keep)).cloned().collect())
    }

    /// The members, owned.
    pub fn into_vec(self) -> Vec<GroupMemberInfo> {
        self.0
    }
}

impl Deref for GroupMembers {
    type Target = [GroupMemberInfo];
    fn deref(&self) -> &[GroupMemberInfo] {
        &self.0
    }
}

impl From<Vec<GroupMemberInfo>> for GroupMembers {
    fn from(members: Vec<GroupMemberInfo>) -> Self {
        GroupMembers(members)
    }
}

impl IntoIterator for GroupMembers {
    type Item = GroupMemberInfo;
    type IntoIter = std::vec::IntoIter<GroupMemberInfo>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Which honour `get_group_honor_info` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HonorType {
    /// 龙王 — the most talkative member (`talkative`).
    Talkative,
    /// 群聊之火 — performers (`performer`).
    Performer,
    /// 群聊炽焰 — legends (`legend`).
    Legend,
    /// 冒尖小春笋 — strong newbies (`strong_newbie`; NapCat leaves it empty).
    StrongNewbie,
    /// 快乐之源 — emotion (`emotion`).
    Emotion,
}

impl HonorType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            HonorType::Talkative => "talkative",
            HonorType::Performer => "performer",
            HonorType::Legend => "legend",
            HonorType::StrongNewbie => "strong_newbie",
            HonorType::Emotion => "emotion",
        }
    }
}

lenient! {
    /// A group's honours (`get_group_honor_info`).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct GroupHonor {
        /// 群号.
        pub group_id: String,
        /// 历史龙王.
        pub talkative_list: Vec<GroupHonorUser>,
        /// 群聊之火.
        pub performer_list: Vec<GroupHonorUser>,
        /// 群聊炽焰.
        pub legend_list: Vec<GroupHonorUser>,
        /// 快乐之源.
        pub emotion_list: Vec<GroupHonorUser>,
        /// 冒尖小春笋.
        pub strong_newbie_list: Vec<GroupHonorUser>,
    } keep {
        /// 当前龙王 — today's most talkative member (`None` when the answer has none).
        #[serde(default, deserialize_with = "honor_user")]
        pub current_talkative: Option<GroupHonorUser>,
    }
}

lenient! {
    /// One member holding an honour.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct GroupHonorUser {
        /// QQ 号 (NapCat sends it as a string).
        pub user_id: String,
        /// 昵称.
        pub nickname: String,
        /// 头像 URL.
        pub avatar: String,
        /// 荣誉描述.
        pub description: Option<String>,
        /// go-cqhttp `current_talkative`: consecutive days.
        pub day_count: Option<i64>,
    }
}

/// NapCat answers `current_talkative: {}` when there is none.
fn honor_user<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<GroupHonorUser>, D::Error> {
    let user = Option::<GroupHonorUser>::deserialize(d)?;
    Ok(user.filter(|u| !u.user_id.is_empty() || !u.nickname.is_empty()))
}

lenient! {
    /// How many @全体成员 are left today (`get_group_at_all_remain`).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct AtAllRemain {
        /// Whether the bot may @全体成员 now.
        pub can_at_all: bool,
        /// What is left for the whole group today.
        pub remain_at_all_count_for_group: i64,
        /// What is left for the bot today.
        #[serde(alias = "remain_at_all_count_for_self")]
        pub remain_at_all_count_for_uin: i64,
    }
}

lenient! {
    /// An essence message (`get_essence_msg_list`).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct EssenceMsg {
        /// The message id.
        pub message_id: i64,
        /// The author.
        pub sender_id: i64,
        /// The author's nickname.
        pub sender_nick: String,
        /// go-cqhttp: when it was sent.
        pub sender_time: Option<i64>,
        /// Who made it essence.
        pub operator_id: i64,
        /// Their nickname.
        pub operator_nick: String,
        /// When it was made essence (Unix seconds).
        pub operator_time: i64,
        /// NapCat: QQ's sequence of the message.
        pub msg_seq: Option<i64>,
        /// NapCat: QQ's random of the message.
        pub msg_random: Option<i64>,
        /// NapCat: the content (a segment array; some builds send text); [`EssenceMsg::to_message`] decodes it.
        pub content: Value,
    }
}

impl EssenceMsg {
    /// 精华消息内容 — the content as a typed [`Message`] (NapCat sends a segment array, some builds text);
    /// [`content`](Self::content) keeps the raw form.
    pub fn to_message(&self) -> Message {
        super::messages::decode_message(&self.content)
    }
}

lenient! {
    /// A group announcement (`get_group_notice`).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct GroupNotice {
        /// NapCat: its id, for `del_group_notice`.
        pub notice_id: Option<String>,
        /// Who published it.
        pub sender_id: i64,
        /// When (Unix seconds).
        pub publish_time: i64,
        /// The text and pictures.
        pub message: GroupNoticeMessage,
        /// NapCat: how many have read it.
        pub read_num: Option<i64>,
    }
}

lenient! {
    /// The content of a [`GroupNotice`].
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct GroupNoticeMessage {
        /// The text.
        pub text: String,
        /// The pictures (`{id, height, width}`; NapCat also spells the list `image`).
        #[serde(alias = "image")]
        pub images: Vec<Value>,
    }
}

lenient! {
    /// Pending group requests and invitations (`get_group_system_msg`, `get_group_ignored_notifies`).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct GroupSystemMsg {
        /// Invitations of the bot into groups.
        pub invited_requests: Vec<GroupNotify>,
        /// Requests to join the bot's groups.
        pub join_requests: Vec<GroupNotify>,
    }
}

lenient! {
    /// One group request or invitation.
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct GroupNotify {
        /// The request id (the `flag` for `set_group_add_request`).
        pub request_id: i64,
        /// The group.
        pub group_id: i64,
        /// The group's name.
        pub group_name: Option<String>,
        /// Who invited (invitations).
        pub invitor_uin: Option<i64>,
        /// Their nickname.
        pub invitor_nick: Option<String>,
        /// go-cqhttp: who asks to join.
        pub requester_uin: Option<i64>,
        /// Their nickname.
        pub requester_nick: Option<String>,
        /// The request's message.
        pub message: Option<String>,
        /// Whether it was handled.
        pub checked: bool,
        /// Who handled it.
        pub actor: i64,
    }
}

lenient! {
    /// A muted member (`get_group_shut_list`; NapCat sends its raw NT objects in camelCase).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ShutMember {
        /// QQ 号.
        pub uin: String,
        /// NT user id.
        pub uid: String,
        /// Nickname.
        pub nick: String,
        /// Group card.
        pub card_name: String,
        /// When the mute ends (Unix seconds).
        pub shut_up_time: i64,
    } keep {
        /// Everything else NapCat sent.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

lenient! {
    /// A member who signed in today (`get_group_signed_list`).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct SignedMember {
        /// QQ 号.
        pub user_id: i64,
        /// Nickname.
        pub nick: String,
        /// When (Unix seconds).
        pub time: i64,
        /// Sign-in rank.
        pub rank: i64,
    }
}

/// Groups: administration, information, members, honours, notices, essence messages, requests and sign-in.
///
/// ```
/// # use qqbot::testing::napcat::{Answer, FakeNapCat, Options};
/// # use serde_json::json;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> qqbot::Result<()> {
/// # let napcat = FakeNapCat::http(None, Options::default()).await?; // runs against the fake NapCat
/// # let api = napcat.http_client()?.api();
/// # napcat.answer("get_group_member_list", Answer::Ok(json!([{"user_id": 10001, "level": "60"}])));
/// # napcat.answer("get_group_honor_info", Answer::Ok(json!({"current_talkative": {"user_id": 10001, "nickname": "龙王"}})));
/// use qqbot::adapter::onebot::api::HonorType;
/// let info = api.get_group_info(123456789).await?;
/// println!("{} ({}/{})", info.group_name, info.member_count, info.max_member_count);
/// let active = api.get_group_members(123456789).await?.filter_by_level_ge(50);
/// api.set_group_ban(123456789, 10001, 600).await?; // 禁言 10 分钟
/// let honor = api.get_group_honor_info(123456789, Some(HonorType::Talkative)).await?;
/// if let Some(king) = honor.current_talkative {
///     api.post_group_msg(123456789, format!("今日龙王：{}", king.nickname)).await?;
/// }
/// # assert_eq!(active.len(), 1);
/// # Ok(()) }
/// ```
impl OneBotApi {
    /// 踢出群成员 — removes a member, and refuses their future requests when `reject_add_request` (`set_group_kick`).
    pub async fn set_group_kick(
        &self,
        group_id: impl Into<Id>,
        user_id: impl Into<Id>,
        reject_add_request: bool,
    ) -> Result<()> {
        let params = Params::new()
            .set("group_id", group_id.into())
            .set("user_id", user_id.into())
            .set("reject_add_request", reject_add_request);
        self.request_unit("set_group_kick", params).await
    }

    /// 批量踢出群成员 — removes several members at once (`set_group_kick_members`, NapCat).
    pub async fn set_group_kick_members<I: Into<Id>>(
        &self,
        group_id: impl Into<Id>,
        user_ids: impl IntoIterator<Item = I>,
        reject_add_request: bool,
    ) -> Result<()> {
        let ids: Vec<Value> = user_ids.into_iter().map(|id| Value::from(id.into().to_string())).collect();
        let params = Params::new()
            .set("group_id", group_id.into())
            .set("user_id", ids)
            .set("reject_add_request", reject_add_request);
        self.request_unit("set_group_kick_members", params).await
    }

    /// 群组禁言 — mutes a member for `duration` seconds; 0 lifts the mute (`set_group_ban`).
    pub async fn set_group_ban(&self, group_id: impl Into<Id>, user_id: impl Into<Id>, duration: u32) -> Result<()> {
        let params =
            Params::new().set("group_id", group_id.into()).set("user_id", user_id.into()).set("duration", duration);
        self.request_unit("set_group_ban", params).await
    }

    /// 群组全员禁言 — mutes (`true`) or unmutes everyone (`set_group_whole_ban`).
    pub async fn set_group_whole_ban(&self, group_id: impl Into<Id>, enable: bool) -> Result<()> {
        let params = Params::new().set("group_id", group_id.into()).set("enable", enable);
        self.request_unit("set_group_whole_ban", params).await
    }

    /// 设置群管理员 — makes (`true`) or unmakes a member an admin; the bot must own the group (`set_group_admin`).
    pub async fn set_group_admin(&self, group_id: impl Into<Id>, user_id: impl Into<Id>, enable: bool) -> Result<()> {
        let params =
            Params::new().set("group_id", group_id.into()).set("user_id", user_id.into()).set("enable", enable);
        self.request_unit("set_group_admin", params).await
    }

    /// 设置群名片 — sets a member's card; an empty card removes it (`set_group_card`).
    pub async fn set_group_card(&self, group_id: impl Into<Id>, user_id: impl Into<Id>, card: &str) -> Result<()> {
        let params = Params::new().set("group_id", group_id.into()).set("user_id", user_id.into()).set("card", card);
        self.request_unit("set_group_card", params).await
    }

    /// 设置群名 — renames the group (`set_group_name`).
    pub async fn set_group_name(&self, group_id: impl Into<Id>, group_name: &str) -> Result<()> {
        let params = Params::new().set("group_id", group_id.into()).set("group_name", group_name);
        self.request_unit("set_group_name", params).await
    }

    /// 退出群组 — leaves the group (`set_group_leave`).
    pub async fn set_group_leave(&self, group_id: impl Into<Id>) -> Result<()> {
        self.request_unit("set_group_leave", Params::new().set("group_id", group_id.into())).await
    }

    /// 解散群组 — dismisses a group the bot owns (`set_group_leave` with `is_dismiss`).
    pub async fn dismiss_group(&self, group_id: impl Into<Id>) -> Result<()> {
        let params = Params::new().set("group_id", group_id.into()).set("is_dismiss", true);
        self.request_unit("set_group_leave", params).await
    }

    /// 设置群头衔 — sets a member's special title; the bot must own the group (`set_group_special_title`).
    pub async fn set_group_special_title(
        &self,
        group_id: impl Into<Id>,
        user_id: impl Into<Id>,
        special_title: &str,
    ) -> Result<()> {
        let params = Params::new()
            .set("group_id", group_id.into())
            .set("user_id", user_id.into())
            .set("special_title", special_title);
        self.request_unit("set_group_special_title", params).await
    }

    /// 设置群头像 — sets the group's picture from a path or URL (`set_group_portrait`).
    pub async fn set_group_portrait(&self, group_id: impl Into<Id>, file: &str) -> Result<()> {
        let params = Params::new().set("group_id", group_id.into()).set("file", file);
        self.request_unit("set_group_portrait", params).await
    }

    /// 设置群备注 — sets your remark for the group (`set_group_remark`, NapCat).
    pub async fn set_group_remark(&self, group_id: impl Into<Id>, remark: &str) -> Result<()> {
        let params = Params::new().set("group_id", group_id.into()).set("remark", remark);
        self.request_unit("set_group_remark", params).await
    }

    /// 群组匿名用户禁言 — mutes an anonymous sender by its flag (`set_group_anonymous_ban`; go-cqhttp only, QQ
    /// has since removed anonymous chat).
    pub async fn set_group_anonymous_ban(
        &self,
        group_id: impl Into<Id>,
        anonymous_flag: &str,
        duration: u32,
    ) -> Result<()> {
        let params = Params::new()
            .set("group_id", group_id.into())
            .set("anonymous_flag", anonymous_flag)
            .set("duration", duration);
        self.request_unit("set_group_anonymous_ban", params).await
    }

    /// 群组匿名 — allows or forbids anonymous chat (`set_group_anonymous`; go-cqhttp only).
    pub async fn set_group_anonymous(&self, group_id: impl Into<Id>, enable: bool) -> Result<()> {
        let params = Params::new().set("group_id", group_id.into()).set("enable", enable);
        self.request_unit("set_group_anonymous", params).await
    }

    /// 处理加群请求 — approves or refuses a join request or invitation, with a reason when refusing
    /// (`set_group_add_request`).
    pub async fn set_group_add_request(&self, flag: &str, approve: bool, reason: Option<&str>) -> Result<()> {
        let params = Params::new().set("flag", flag).set("approve", approve).opt("reason", reason);
        self.request_unit("set_group_add_request", params).await
    }

    /// 获取群系统消息 — pending join requests and invitations, the latest `count` (NapCat default 50)
    /// (`get_group_system_msg`).
    pub async fn get_group_system_msg(&self, count: impl Into<Option<u32>>) -> Result<GroupSystemMsg> {
        self.request("get_group_system_msg", Params::new().opt("count", count.into())).await
    }

    /// 获取群过滤系统消息 — the requests QQ filtered out (`get_group_ignored_notifies`).
    pub async fn get_group_ignored_notifies(&self) -> Result<GroupSystemMsg> {
        self.request("get_group_ignored_notifies", Params::new()).await
    }

    /// 获取精华消息列表 — the group's essence messages (`get_essence_msg_list`).
    pub async fn get_essence_msg_list(&self, group_id: impl Into<Id>) -> Result<Vec<EssenceMsg>> {
        self.request("get_essence_msg_list", Params::new().set("group_id", group_id.into())).await
    }

    /// 设置精华消息 — makes a message essence (`set_essence_msg`).
    pub async fn set_essence_msg(&self, message_id: impl Into<Id>) -> Result<()> {
        self.request_unit("set_essence_msg", Params::new().set("message_id", message_id.into())).await
    }

    /// 删除精华消息 — removes a message from essence (`delete_essence_msg`).
    pub async fn delete_essence_msg(&self, message_id: impl Into<Id>) -> Result<()> {
        self.request_unit("delete_essence_msg", Params::new().set("message_id", message_id.into())).await
    }

    /// 发送群公告 — publishes an announcement, with an optional picture (path, URL or `base64://`)
    /// (`_send_group_notice`).
    pub async fn send_group_notice(&self, group_id: impl Into<Id>, content: &str, image: Option<&str>) -> Result<()> {
        let params = Params::new().set("group_id", group_id.into()).set("content", content).opt("image", image);
        self.request_unit("_send_group_notice", params).await
    }

    /// 获取群公告 — the group's announcements (`_get_group_notice`).
    pub async fn get_group_notice(&self, group_id: impl Into<Id>) -> Result<Vec<GroupNotice>> {
        self.request("_get_group_notice", Params::new().set("group_id", group_id.into())).await
    }

    /// 删除群公告 — deletes an announcement (`_del_group_notice`).
    pub async fn del_group_notice(&self, group_id: impl Into<Id>, notice_id: &str) -> Result<()> {
        let params = Params::new().set("group_id", group_id.into()).set("notice_id", notice_id);
        self.request_unit("_del_group_notice", params).await
    }

    /// 获取群信息 — a group's name, member count and member limit (`get_group_info`).
    pub async fn get_group_info(&self, group_id: impl Into<Id>) -> Result<GroupInfo> {
        self.request("get_group_info", Params::new().set("group_id", group_id.into())).await
    }

    /// 获取群信息(拓展) — NapCat's raw, detailed group object (`get_group_info_ex`).
    pub async fn get_group_info_ex(&self, group_id: impl Into<Id>) -> Result<Value> {
        self.request("get_group_info_ex", Params::new().set("group_id", group_id.into())).await
    }

    /// 获取群详细信息 — a group's information, fetched fresh (`get_group_detail_info`, NapCat).
    pub async fn get_group_detail_info(&self, group_id: impl Into<Id>) -> Result<GroupInfo> {
        self.request("get_group_detail_info", Params::new().set("group_id", group_id.into())).await
    }

    /// 获取群列表 — the bot's groups; `no_cache` asks the implementation to refresh (`get_group_list`).
    pub async fn get_group_list(&self, no_cache: bool) -> Result<Vec<GroupInfo>> {
        self.request("get_group_list", Params::new().set("no_cache", no_cache)).await
    }

    /// 获取群成员信息 — one member, with NapCat's extras (`get_group_member_info`).
    pub async fn get_group_member_info(
        &self,
        group_id: impl Into<Id>,
        user_id: impl Into<Id>,
        no_cache: bool,
    ) -> Result<GroupMemberInfo> {
        let params =
            Params::new().set("group_id", group_id.into()).set("user_id", user_id.into()).set("no_cache", no_cache);
        self.request("get_group_member_info", params).await
    }

    /// 获取群成员列表 — every member (`get_group_member_list`; slow in large groups, cache it).
    pub async fn get_group_member_list(&self, group_id: impl Into<Id>, no_cache: bool) -> Result<Vec<GroupMemberInfo>> {
        let params = Params::new().set("group_id", group_id.into()).set("no_cache", no_cache);
        self.request("get_group_member_list", params).await
    }

    /// 获取群成员 — every member as [`GroupMembers`], which filters by level (`get_group_member_list`).
    pub async fn get_group_members(&self, group_id: impl Into<Id>) -> Result<GroupMembers> {
        Ok(GroupMembers(self.get_group_member_list(group_id, false).await?))
    }

    /// 获取群荣誉信息 — the group's honours, one kind or all when `None` (`get_group_honor_info`).
    pub async fn get_group_honor_info(
        &self,
        group_id: impl Into<Id>,
        honor_type: Option<HonorType>,
    ) -> Result<GroupHonor> {
        // go-cqhttp requires `type`; NapCat defaults it to `all`. Sending `all` works on both.
        let kind = honor_type.map_or("all", HonorType::as_str);
        let params = Params::new().set("group_id", group_id.into()).set("type", kind);
        self.request("get_group_honor_info", params).await
    }

    /// 获取群 @全体成员 剩余次数 — how many @全体成员 are left today (`get_group_at_all_remain`).
    pub async fn get_group_at_all_remain(&self, group_id: impl Into<Id>) -> Result<AtAllRemain> {
        self.request("get_group_at_all_remain", Params::new().set("group_id", group_id.into())).await
    }

    /// 群打卡 — signs in to the group (`set_group_sign`).
    pub async fn set_group_sign(&self, group_id: impl Into<Id>) -> Result<()> {
        self.request_unit("set_group_sign", Params::new().set("group_id", group_id.into())).await
    }

    /// 群打卡 — signs in to the group (`send_group_sign`, the go-cqhttp name).
    pub async fn send_group_sign(&self, group_id: impl Into<Id>) -> Result<()> {
        self.request_unit("send_group_sign", Params::new().set("group_id", group_id.into())).await
    }

    /// 获取群打卡列表 — who signed in today (`get_group_signed_list`, NapCat).
    pub async fn get_group_signed_list(&self, group_id: impl Into<Id>) -> Result<Vec<SignedMember>> {
        self.request("get_group_signed_list", Params::new().set("group_id", group_id.into())).await
    }

    /// 获取群禁言列表 — the muted members (`get_group_shut_list`).
    pub async fn get_group_shut_list(&self, group_id: impl Into<Id>) -> Result<Vec<ShutMember>> {
        self.request("get_group_shut_list", Params::new().set("group_id", group_id.into())).await
    }
}
