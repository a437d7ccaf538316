//! Messages: sending (plain, ncatbot-style, files, forwards), recalling, fetching, history, read marks, emoji
//! likes and pokes.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::super::protocol::segment::WireMessage;
use super::params::Params;
use super::{Id, OneBotApi, OneBotApiError, PostFile, PostMsg, message_to_json};
use crate::adapter::serde_lenient::lenient;
use crate::api::Target;
use crate::error::Result;
use crate::message::{ForwardNode, Message, Segment};

lenient! {
    /// What a send action answers.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    pub struct SentMessage {
        /// The new message's id (may be negative on go-cqhttp, LLOneBot and Lagrange).
        pub message_id: i64,
        /// NapCat: the forward's resource id, when a merged forward was sent.
        pub res_id: Option<String>,
        /// NapCat: the forward id, when a merged forward was sent.
        pub forward_id: Option<String>,
    }
}

lenient! {
    /// The sender of a fetched message, best-effort as every implementation fills it differently.
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct MessageSender {
        /// The sender's QQ number.
        pub user_id: i64,
        /// The nickname.
        pub nickname: String,
        /// The group card (群名片), when in a group.
        pub card: Option<String>,
        /// `owner`, `admin` or `member`, when in a group.
        pub role: Option<String>,
    } keep {
        /// Everything else the implementation sent (`sex`, `age`, `level`, `title` …).
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

lenient! {
    /// One fetched message (`get_msg`, message history).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct MessageRecord {
        /// When it was sent (Unix seconds).
        pub time: i64,
        /// `group` or `private`.
        pub message_type: String,
        /// The message id.
        pub message_id: i64,
        /// The spec's "real id" (NapCat: the same as `message_id`).
        pub real_id: i64,
        /// NapCat/LLOneBot: the message sequence.
        pub message_seq: Option<i64>,
        /// NapCat: QQ's per-chat sequence (needed for replies by `seq` and history paging).
        pub real_seq: Option<String>,
        /// Who sent it.
        pub sender: MessageSender,
        /// The group, for group messages.
        pub group_id: Option<i64>,
        /// The user, when the implementation sends it.
        pub user_id: Option<i64>,
        /// The content as the implementation sent it: a segment array (NapCat's default) or a CQ string;
        /// [`MessageRecord::to_message`] decodes it.
        pub message: Value,
        /// The content as a CQ string (display text; lossy).
        pub raw_message: String,
        /// NapCat `get_msg`: the emoji reactions.
        pub emoji_likes_list: Vec<Value>,
    } keep {
        /// Everything else the implementation sent.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

impl MessageRecord {
    /// 消息内容 — the content as a typed [`Message`], decoded by the adapter's own segment decoder from
    /// [`message`](Self::message) (a segment array or a CQ string), or from [`raw_message`](Self::raw_message)
    /// when the implementation sent no `message`. [`message`](Self::message) keeps the raw form.
    ///
    /// ```
    /// use qqbot::adapter::onebot::api::MessageRecord;
    /// use qqbot::message::Segment;
    /// let record: MessageRecord = serde_json::from_value(serde_json::json!({
    ///     "message_id": 1, "message": [{"type": "text", "data": {"text": "你好 "}}, {"type": "at", "data": {"qq": "10001"}}]
    /// }))?;
    /// let message = record.to_message();
    /// assert_eq!(message.segments(), [Segment::text("你好 "), Segment::At("10001".into())]);
    ///
    /// let cq: MessageRecord = serde_json::from_value(serde_json::json!({"message": "早[CQ:face,id=178]"}))?;
    /// assert_eq!(cq.to_message().segments(), [Segment::text("早"), Segment::Face("178".into())]);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn to_message(&self) -> Message {
        match &self.message {
            Value::Null => super::super::cq::parse(&self.raw_message),
            carried => decode_message(carried),
        }
    }
}

/// A message carried in an answer (segment array, CQ string or one segment object) as a typed [`Message`],
/// through the adapter's own decoders; anything else is logged once and reads as empty.
pub(super) fn decode_message(value: &Value) -> Message {
    match WireMessage::deserialize(value) {
        Ok(wire) => wire.into_message(),
        Err(_) if value.is_null() => Message::new(),
        Err(e) => {
            tracing::debug!(error = %e, "an answer carried a message in an unknown form; it reads as empty");
            Message::new()
        }
    }
}

lenient! {
    #[derive(Default, Deserialize)]
    struct HistoryMessages {
        messages: Vec<MessageRecord>,
    }
}

lenient! {
    /// What `get_forward_msg` answers: the forwarded messages.
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct ForwardMsg {
        /// The messages (go-cqhttp and NapCat call the list `messages`, the spec `message`).
        #[serde(alias = "message")]
        pub messages: Vec<ForwardedMessage>,
    }
}

lenient! {
    /// One message inside a merged forward. NapCat sends a whole message (`message` array, `sender`, ids);
    /// go-cqhttp sends `content` as a CQ string with a small `sender`.
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    pub struct ForwardedMessage {
        /// Who sent it.
        pub sender: MessageSender,
        /// When it was sent (Unix seconds).
        pub time: i64,
        /// go-cqhttp: the content as a CQ string (nested forwards: an array); [`ForwardedMessage::to_message`]
        /// decodes it.
        pub content: Option<Value>,
        /// NapCat: the content as a segment array; [`ForwardedMessage::to_message`] decodes it.
        pub message: Option<Value>,
        /// NapCat: the message id.
        pub message_id: Option<i64>,
    } keep {
        /// Everything else the implementation sent.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

impl ForwardedMessage {
    /// 消息内容 — the content as a typed [`Message`]: NapCat's [`message`](Self::message) segment array, else
    /// go-cqhttp's [`content`](Self::content) (a CQ string, or an array of nodes for a nested forward). Both raw
    /// fields stay as they arrived.
    ///
    /// ```
    /// use qqbot::adapter::onebot::api::ForwardMsg;
    /// let forward: ForwardMsg = serde_json::from_value(serde_json::json!({"messages": [
    ///     {"content": "合并转发[CQ:image,file=a.jpg]", "sender": {"user_id": 10086, "nickname": "A"}}
    /// ]}))?;
    /// let message = forward.messages[0].to_message();
    /// assert_eq!(message.plain_text(), "合并转发");
    /// assert_eq!(message.segments()[1].kind(), "image");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn to_message(&self) -> Message {
        match (&self.message, &self.content) {
            (Some(message), _) if !message.is_null() => decode_message(message),
            (_, Some(content)) => decode_message(content),
            _ => Message::new(),
        }
    }
}

lenient! {
    /// One conversation of `get_recent_contact` with its latest message (NapCat's camelCase keys).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct RecentContact {
        /// The latest message, raw (NapCat's own spelling: `lastestMsg`); [`RecentContact::latest_message`] decodes
        /// it.
        #[serde(rename = "lastestMsg")]
        pub latest_msg: Value,
        /// The peer: a QQ number or group number.
        pub peer_uin: String,
        /// The peer's name.
        pub peer_name: String,
        /// Your remark for the peer.
        pub remark: String,
        /// When the latest message was sent (Unix seconds).
        pub msg_time: i64,
        /// 1 private chat, 2 group.
        pub chat_type: i64,
        /// The latest message's NT id.
        pub msg_id: String,
        /// The latest sender's nickname.
        pub send_nick_name: String,
        /// The latest sender's group card.
        pub send_member_name: String,
    }
}

impl RecentContact {
    /// The latest message as a typed record (its content through [`MessageRecord::to_message`]); `None` when
    /// the implementation sent none (an empty object).
    pub fn latest_message(&self) -> Option<MessageRecord> {
        match &self.latest_msg {
            Value::Object(fields) if !fields.is_empty() => serde_json::from_value(self.latest_msg.clone())
                .inspect_err(|e| tracing::debug!(error = %e, "get_recent_contact: unreadable latest message"))
                .ok(),
            _ => None,
        }
    }
}

lenient! {
    /// A page of who reacted with one emoji (`fetch_emoji_like`).
    #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct EmojiLikes {
        /// The users on this page.
        pub emoji_likes_list: Vec<EmojiLiker>,
        /// The cursor for the next page.
        pub cookie: String,
        /// Whether this is the last page.
        pub is_last_page: bool,
        /// Whether this is the first page.
        pub is_first_page: bool,
    }
}

lenient! {
    /// A user who reacted with an emoji.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct EmojiLiker {
        /// The user's tiny id (QQ number on most builds).
        pub tiny_id: String,
        /// The nickname.
        pub nick_name: String,
        /// The avatar URL.
        pub head_url: String,
    }
}

/// `group_id` or `user_id` for a target, refusing guild targets.
fn target_params(action: &str, target: &Target) -> Result<Params<'static>> {
    match target {
        Target::Group(id) => Ok(Params::new().set("message_type", "group").set("group_id", Id::from(id))),
        Target::Private(id) => Ok(Params::new().set("message_type", "private").set("user_id", Id::from(id))),
        other => Err(OneBotApiError::UnsupportedTarget { action: action.to_owned(), target: other.to_string() }.into()),
    }
}

fn non_empty(action: &str, message: Message) -> Result<Message> {
    if message.is_empty() {
        return Err(OneBotApiError::EmptyMessage { action: action.to_owned() }.into());
    }
    Ok(message)
}

fn id_nodes<I: Into<Id>>(message_ids: impl IntoIterator<Item = I>) -> Message {
    message_ids
        .into_iter()
        .map(|id| {
            Segment::Node(Box::new(ForwardNode {
                id: Some(id.into().to_string()),
                user_id: None,
                nickname: None,
                content: Message::new(),
            }))
        })
        .collect()
}

/// Messages: sending (plain, ncatbot-style, files, forwards), recalling, fetching, history, read marks, emoji
/// likes and pokes.
///
/// ```
/// # use qqbot::testing::napcat::{Answer, FakeNapCat, Options};
/// # use serde_json::json;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> qqbot::Result<()> {
/// # let napcat = FakeNapCat::http(None, Options::default()).await?; // runs against the fake NapCat
/// # let api = napcat.http_client()?.api();
/// # napcat.answer("get_group_msg_history", Answer::Ok(json!({"messages": [{"message_id": 7, "message": "早"}]})));
/// use qqbot::Message;
/// use qqbot::adapter::onebot::api::{PostFile, PostMsg};
/// let sent = api.post_group_msg(123456789, "你好").await?;
/// api.post_group_msg(123456789, PostMsg::text("你好呀").reply(sent.message_id)).await?;
/// api.post_private_file(10001, PostFile::image("https://example.com/cat.png")).await?;
/// api.send_group_msg(123456789, Message::new().text("早上好 ").at_all()).await?;
/// let history = api.get_group_msg_history(123456789, None, 20, false).await?;
/// assert_eq!(history[0].to_message(), Message::new().text("早")); // 消息内容, typed
/// api.send_group_forward_msg(123456789, history.iter().map(|m| m.message_id)).await?;
/// # Ok(()) }
/// ```
impl OneBotApi {
    /// 发送私聊消息 — sends a message to a user (`send_private_msg`).
    pub async fn send_private_msg(&self, user_id: impl Into<Id>, message: impl Into<Message>) -> Result<SentMessage> {
        let message = non_empty("send_private_msg", message.into())?;
        let params = Params::new().set("user_id", user_id.into()).set("message", message_to_json(&message));
        self.request("send_private_msg", params).await
    }

    /// 发送群消息 — sends a message to a group (`send_group_msg`).
    pub async fn send_group_msg(&self, group_id: impl Into<Id>, message: impl Into<Message>) -> Result<SentMessage> {
        let message = non_empty("send_group_msg", message.into())?;
        let params = Params::new().set("group_id", group_id.into()).set("message", message_to_json(&message));
        self.request("send_group_msg", params).await
    }

    /// 发送消息 — sends a message to a group or user (`send_msg` with `message_type`).
    pub async fn send_msg(&self, target: &Target, message: impl Into<Message>) -> Result<SentMessage> {
        let message = non_empty("send_msg", message.into())?;
        let params = target_params("send_msg", target)?.set("message", message_to_json(&message));
        self.request("send_msg", params).await
    }

    /// 发送群聊消息 — sends ncatbot-style options to a group (`send_group_msg`): text, face, json, markdown, at,
    /// reply, music, dice, rps, image and a whole chain, in ncatbot's order (see [`PostMsg`]).
    pub async fn post_group_msg(&self, group_id: impl Into<Id>, options: impl Into<PostMsg>) -> Result<SentMessage> {
        let message = non_empty("post_group_msg", options.into().to_message(true))?;
        self.send_group_msg(group_id, message).await
    }

    /// 发送私聊消息 — sends ncatbot-style options to a user (`send_private_msg`); like
    /// [`post_group_msg`](Self::post_group_msg) without `at`, which QQ drops in private chats.
    pub async fn post_private_msg(&self, user_id: impl Into<Id>, options: impl Into<PostMsg>) -> Result<SentMessage> {
        let message = non_empty("post_private_msg", options.into().to_message(false))?;
        self.send_private_msg(user_id, message).await
    }

    /// 发送群文件 — sends one picture, voice clip, video, file or markdown to a group (`send_group_msg`).
    pub async fn post_group_file(&self, group_id: impl Into<Id>, file: PostFile) -> Result<SentMessage> {
        self.send_group_msg(group_id, file.to_message()).await
    }

    /// 发送私聊文件 — sends one picture, voice clip, video, file or markdown to a user (`send_private_msg`).
    pub async fn post_private_file(&self, user_id: impl Into<Id>, file: PostFile) -> Result<SentMessage> {
        self.send_private_msg(user_id, file.to_message()).await
    }

    /// 合并转发的群聊消息 — forwards existing messages, by id, to a group as one merged forward
    /// (`send_group_forward_msg`).
    pub async fn send_group_forward_msg<I: Into<Id>>(
        &self,
        group_id: impl Into<Id>,
        message_ids: impl IntoIterator<Item = I>,
    ) -> Result<SentMessage> {
        let nodes = non_empty("send_group_forward_msg", id_nodes(message_ids))?;
        let params = Params::new().set("group_id", group_id.into()).set("messages", message_to_json(&nodes));
        self.request("send_group_forward_msg", params).await
    }

    /// 合并转发私聊消息 — forwards existing messages, by id, to a user as one merged forward
    /// (`send_private_forward_msg`).
    pub async fn send_private_forward_msg<I: Into<Id>>(
        &self,
        user_id: impl Into<Id>,
        message_ids: impl IntoIterator<Item = I>,
    ) -> Result<SentMessage> {
        let nodes = non_empty("send_private_forward_msg", id_nodes(message_ids))?;
        let params = Params::new().set("user_id", user_id.into()).set("messages", message_to_json(&nodes));
        self.request("send_private_forward_msg", params).await
    }

    /// 发送合并转发 — sends a merged forward of custom nodes (existing ids or made-up senders and content) to a
    /// group or user (`send_forward_msg`).
    pub async fn send_forward_msg(
        &self,
        target: &Target,
        nodes: impl IntoIterator<Item = ForwardNode>,
    ) -> Result<SentMessage> {
        let nodes: Message = nodes.into_iter().map(|n| Segment::Node(Box::new(n))).collect();
        let nodes = non_empty("send_forward_msg", nodes)?;
        let params = target_params("send_forward_msg", target)?.set("messages", message_to_json(&nodes));
        self.request("send_forward_msg", params).await
    }

    /// 转发好友消息 — forwards one message to a friend (`forward_friend_single_msg`).
    pub async fn forward_friend_single_msg(&self, message_id: impl Into<Id>, user_id: impl Into<Id>) -> Result<()> {
        let params = Params::new().set("message_id", message_id.into()).set("user_id", user_id.into());
        self.request_unit("forward_friend_single_msg", params).await
    }

    /// 转发群聊消息 — forwards one message to a group (`forward_group_single_msg`).
    pub async fn forward_group_single_msg(&self, message_id: impl Into<Id>, group_id: impl Into<Id>) -> Result<()> {
        let params = Params::new().set("message_id", message_id.into()).set("group_id", group_id.into());
        self.request_unit("forward_group_single_msg", params).await
    }

    /// 删除消息 — recalls a message (`delete_msg`).
    pub async fn delete_msg(&self, message_id: impl Into<Id>) -> Result<()> {
        self.request_unit("delete_msg", Params::new().set("message_id", message_id.into())).await
    }

    /// 获取消息 — fetches a message by id (`get_msg`). NapCat keeps only recent ids (about 5000).
    pub async fn get_msg(&self, message_id: impl Into<Id>) -> Result<MessageRecord> {
        self.request("get_msg", Params::new().set("message_id", message_id.into())).await
    }

    /// 获取合并转发消息 — fetches the messages of a merged forward by its id (`get_forward_msg`).
    pub async fn get_forward_msg(&self, message_id: impl Into<Id>) -> Result<ForwardMsg> {
        self.request("get_forward_msg", Params::new().set("message_id", message_id.into())).await
    }

    /// 获取群消息历史记录 — fetches `count` group messages around `message_seq` (the latest when `None`)
    /// (`get_group_msg_history`).
    pub async fn get_group_msg_history(
        &self,
        group_id: impl Into<Id>,
        message_seq: Option<Id>,
        count: u32,
        reverse_order: bool,
    ) -> Result<Vec<MessageRecord>> {
        let params = Params::new()
            .set("group_id", group_id.into())
            .opt("message_seq", message_seq)
            .set("count", count)
            .set("reverse_order", reverse_order);
        let history: HistoryMessages = self.request("get_group_msg_history", params).await?;
        Ok(history.messages)
    }

    /// 获取好友消息历史记录 — fetches `count` private messages around `message_seq` (the latest when `None`)
    /// (`get_friend_msg_history`).
    pub async fn get_friend_msg_history(
        &self,
        user_id: impl Into<Id>,
        message_seq: Option<Id>,
        count: u32,
        reverse_order: bool,
    ) -> Result<Vec<MessageRecord>> {
        let params = Params::new()
            .set("user_id", user_id.into())
            .opt("message_seq", message_seq)
            .set("count", count)
            .set("reverse_order", reverse_order);
        let history: HistoryMessages = self.request("get_friend_msg_history", params).await?;
        Ok(history.messages)
    }

    /// 设置消息已读 — marks a group's or user's messages as read (`mark_msg_as_read`).
    pub async fn mark_msg_as_read(&self, target: &Target) -> Result<()> {
        let params = match target {
            Target::Group(id) => Params::new().set("group_id", Id::from(id)),
            Target::Private(id) => Params::new().set("user_id", Id::from(id)),
            other => {
                return Err(OneBotApiError::UnsupportedTarget {
                    action: "mark_msg_as_read".into(),
                    target: other.to_string(),
                }
                .into());
            }
        };
        self.request_unit("mark_msg_as_read", params).await
    }

    /// 设置群聊已读 — marks a group's messages as read (`mark_group_msg_as_read`).
    pub async fn mark_group_msg_as_read(&self, group_id: impl Into<Id>) -> Result<()> {
        self.request_unit("mark_group_msg_as_read", Params::new().set("group_id", group_id.into())).await
    }

    /// 设置私聊已读 — marks a user's messages as read (`mark_private_msg_as_read`).
    pub async fn mark_private_msg_as_read(&self, user_id: impl Into<Id>) -> Result<()> {
        self.request_unit("mark_private_msg_as_read", Params::new().set("user_id", user_id.into())).await
    }

    /// 设置所有消息已读 — marks everything as read (`_mark_all_as_read`).
    pub async fn mark_all_as_read(&self) -> Result<()> {
        self.request_unit("_mark_all_as_read", Params::new()).await
    }

    /// 设置消息表情点赞 — adds (`set = true`) or removes an emoji reaction (`set_msg_emoji_like`).
    pub async fn set_msg_emoji_like(
        &self,
        message_id: impl Into<Id>,
        emoji_id: impl Into<Id>,
        set: bool,
    ) -> Result<()> {
        let params =
            Params::new().set("message_id", message_id.into()).set("emoji_id", emoji_id.into()).set("set", set);
        self.request_unit("set_msg_emoji_like", params).await
    }

    /// 获取最近消息列表 — the latest message of each of the `count` most recent conversations
    /// (`get_recent_contact`).
    pub async fn get_recent_contact(&self, count: u32) -> Result<Vec<RecentContact>> {
        self.request("get_recent_contact", Params::new().set("count", count)).await
    }

    /// 获取贴表情详情 — who reacted to a message with an emoji, one page of `count` (default 20) at a time
    /// (`fetch_emoji_like`; NapCat wants the camelCase `emojiId`/`emojiType`).
    pub async fn fetch_emoji_like(
        &self,
        message_id: impl Into<Id>,
        emoji_id: impl Into<Id>,
        emoji_type: impl Into<Id>,
        count: impl Into<Option<u32>>,
    ) -> Result<EmojiLikes> {
        let params = Params::new()
            .set("message_id", message_id.into())
            .set("emojiId", emoji_id.into().to_string())
            .set("emojiType", emoji_type.into().to_string())
            .opt("count", count.into());
        self.request("fetch_emoji_like", params).await
    }

    /// 发送戳一戳 — pokes a user, in a group when `group_id` is given, else in private (`send_poke`; needs
    /// NapCat's packet backend).
    pub async fn send_poke(&self, user_id: impl Into<Id>, group_id: Option<Id>) -> Result<()> {
        let params = Params::new().set("user_id", user_id.into()).opt("group_id", group_id);
        self.request_unit("send_poke", params).await
    }

    /// 群聊戳一戳 — pokes a member of a group (`group_poke`).
    pub async fn group_poke(&self, group_id: impl Into<Id>, user_id: impl Into<Id>) -> Result<()> {
        let params = Params::new().set("group_id", group_id.into()).set("user_id", user_id.into());
        self.request_unit("group_poke", params).await
    }

    /// 私聊戳一戳 — pokes a friend (`friend_poke`).
    pub async fn friend_poke(&self, user_id: impl Into<Id>) -> Result<()> {
        self.request_unit("friend_poke", Params::new().set("user_id", user_id.into())).await
    }

    /// 语音转文字 — the text of a voice message (`fetch_ptt_text`).
    pub async fn fetch_ptt_text(&self, message_id: impl Into<Id>) -> Result<String> {
        #[derive(Deserialize)]
        struct Text {
            #[serde(default)]
            text: String,
        }
        let text: Text = self.request("fetch_ptt_text", Params::new().set("message_id", message_id.into())).await?;
        Ok(text.text)
    }
}
