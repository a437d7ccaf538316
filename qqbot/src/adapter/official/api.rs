//! [`OfficialApi`]: the official platform's REST API for one bot, reached from a handler as `ctx.official()?`.
//!
//! Every message send passes through [`OfficialApi::post_message`], which numbers passive replies (`msg_seq`)
//! per reply chain and retries once with a later number when the platform reports a duplicate — the one place
//! outbound middleware lives (see `rest.rs` for tokens, tracing and errors).

use std::sync::Arc;

use base64::Engine;
use reqwest::Method;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::error::{OfficialError, OfficialErrorKind};
use super::media::{MediaKind, MediaSource};
use super::protocol::encode::OutgoingMessage;
use super::protocol::model::{Channel, GatewayBot, Guild, Member, User};
use super::reply_seq::ReplySeq;
use super::transport::rest::{Body, FilePart, Rest, push_segment, segment};
use crate::adapter::serde_lenient::lenient;
use crate::api::Target;
use crate::command::Ctx;
use crate::error::{Error, Result};
use crate::event::Platform;

lenient! {
    /// What a message send returned.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SentMessage {
        /// The new message's id.
        pub id: Option<String>,
        /// When it was sent (a string in practice, an integer per the docs).
        pub timestamp: Option<String>,
        /// Group/C2C: `ext_info.ref_idx`, to quote this message later.
        pub ext_info: Option<Value>,
    }
}

lenient! {
    /// What a media upload returned.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct UploadedMedia {
        /// The file's uuid.
        pub file_uuid: Option<String>,
        /// What to put in `media.file_info` of a msg_type 7 message.
        pub file_info: Option<String>,
        /// Seconds the `file_info` stays valid (0: long-lived).
        pub ttl: Option<i64>,
        /// The message id, when the upload was also sent (`srv_send_msg: true`).
        pub id: Option<String>,
    }
}

lenient! {
    /// A guild DM session, from [`OfficialApi::create_dm`]. Send to it with `Target::Dm(guild_id)`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct DmSession {
        /// The DM's pseudo-guild id.
        pub guild_id: Option<String>,
        /// The DM's channel id.
        pub channel_id: Option<String>,
        /// When it was created.
        pub create_time: Option<String>,
    }
}

pub(crate) struct ApiInner {
    pub(crate) rest: Rest,
    seq: ReplySeq,
}

/// The REST API of one official bot. Cheap to clone.
#[derive(Clone)]
pub struct OfficialApi {
    pub(crate) inner: Arc<ApiInner>,
}

impl std::fmt::Debug for OfficialApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OfficialApi").field("appid", &self.inner.rest.credentials().appid()).finish()
    }
}

impl OfficialApi {
    pub(crate) fn new(rest: Rest) -> Self {
        OfficialApi { inner: Arc::new(ApiInner { rest, seq: ReplySeq::default() }) }
    }

    /// Numbers reply chains together with the other instances of a cluster.
    #[cfg(feature = "redis")]
    pub(crate) fn share_seq(&self, cluster: Arc<crate::cluster::Cluster>) {
        self.inner.seq.share(cluster);
    }

    /// The bot's AppID.
    pub fn appid(&self) -> &str {
        self.inner.rest.credentials().appid()
    }

    /// Calls any endpoint with a JSON body: the escape hatch for endpoints added tomorrow. `method` is `GET`,
    /// `POST` …; `path` starts with `/`.
    pub async fn request(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| Error::Handler(format!("`{method}` is not an HTTP method")))?;
        let label = format!("{method} {path}");
        let body = body.map_or(Body::None, Body::Json);
        self.inner.rest.call(method, path, &label, &body).await
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, label: &str) -> Result<T> {
        self.inner.rest.call_decoded(Method::GET, path, label, &Body::None).await
    }

    /// A call with a JSON body, its answer decoded straight into `T` (`IgnoredAny` when only success matters).
    async fn send_json<T: DeserializeOwned>(&self, method: Method, path: &str, label: &str, body: Value) -> Result<T> {
        self.inner.rest.call_decoded(method, path, label, &Body::Json(body)).await
    }

    /// `GET /users/@me`: the bot's own user (its `id` is the one used in mentions).
    pub async fn me(&self) -> Result<User> {
        self.get("/users/@me", "GET /users/@me").await
    }

    /// `GET /users/@me/guilds`: guilds the bot is in.
    pub async fn my_guilds(&self) -> Result<Vec<Guild>> {
        self.get("/users/@me/guilds", "GET /users/@me/guilds").await
    }

    /// `GET /gateway`: the WebSocket URL.
    pub async fn gateway(&self) -> Result<String> {
        let v: Value = self.get("/gateway", "GET /gateway").await?;
        v.get("url").and_then(Value::as_str).map(str::to_owned).ok_or_else(|| {
            Error::adapter(OfficialError::from_response("GET /gateway", 200, None, None, "no url in the answer", None))
        })
    }

    /// `GET /gateway/bot`: the WebSocket URL, recommended shards and Identify limits.
    pub async fn gateway_bot(&self) -> Result<GatewayBot> {
        self.get("/gateway/bot", "GET /gateway/bot").await
    }

    /// Sends a message body (`content`, `msg_type`, `markdown`, `media` …) to a conversation, as is.
    ///
    /// Sends a typed message body (what [`plan`](super::protocol::encode::plan) builds): the one outbound path of replies and
    /// sends. A passive reply to a group or C2C chat gets the next `msg_seq` of its reply chain unless it has one;
    /// on a duplicate `msg_seq` the chain skips ahead and the send is retried once.
    pub async fn send_message(&self, target: &Target, mut body: OutgoingMessage) -> Result<SentMessage> {
        let chain = match target {
            Target::Group(_) | Target::Private(_) => body.msg_id.clone().or_else(|| body.event_id.clone()),
            _ => None,
        };
        let has_seq = body.msg_seq.is_some();
        // Encoded straight from the typed body: no JSON tree in between.
        self.send_numbered(target, chain, has_seq, |seq| {
            if seq.is_some() {
                body.msg_seq = seq;
            }
            Body::encode(&body)
        })
        .await
    }

    /// Sends a message body given as JSON (for fields qqbot does not type yet). Numbered like
    /// [`OfficialApi::send_message`]: a passive reply (`msg_id` or `event_id` set) to a group or C2C chat gets the
    /// next `msg_seq` of its reply chain unless the body has one; a duplicate `msg_seq` is retried once.
    pub async fn post_message(&self, target: &Target, mut body: Value) -> Result<SentMessage> {
        let chain = self.sequenced_chain(target, &body);
        let has_seq = body.get("msg_seq").is_some();
        self.send_numbered(target, chain, has_seq, |seq| {
            if let (Some(seq), Some(obj)) = (seq, body.as_object_mut()) {
                obj.insert("msg_seq".into(), seq.into());
            }
            Body::encode(&body)
        })
        .await
    }

    /// The one numbered send. `render(Some(seq))` is the body with that `msg_seq`, `render(None)` the body as given.
    /// A body in a reply `chain` without its own `msg_seq` gets the chain's next one; a duplicate `msg_seq`
    /// (40054005) moves the chain ahead and the send is retried once.
    async fn send_numbered(
        &self,
        target: &Target,
        chain: Option<String>,
        has_seq: bool,
        mut render: impl FnMut(Option<u32>) -> Result<Body>,
    ) -> Result<SentMessage> {
        let (path, label) = message_path(target);
        let seq = match chain.as_deref().filter(|_| !has_seq) {
            Some(c) => Some(self.inner.seq.next(c).await),
            None => None,
        };
        let first = self.inner.rest.call_decoded(Method::POST, &path, label, &render(seq)?).await;
        match (first, chain) {
            (Err(e), Some(chain)) if is_kind(&e, &OfficialErrorKind::DuplicateMsgSeq) => {
                // Boxed: a retry is rare, and a second request's future would double this one's size.
                Box::pin(self.resend_numbered(&path, label, &chain, &mut render)).await
            }
            (other, _) => other,
        }
    }

    /// Sends a passive reply again after a "duplicate msg_seq" answer, with the chain moved ahead.
    async fn resend_numbered(
        &self,
        path: &str,
        label: &str,
        chain: &str,
        render: &mut impl FnMut(Option<u32>) -> Result<Body>,
    ) -> Result<SentMessage> {
        let seq = self.inner.seq.advance(chain, 16).await;
        tracing::info!(endpoint = %label, "duplicate msg_seq; retrying once with msg_seq {seq}");
        self.inner.rest.call_decoded(Method::POST, path, label, &render(Some(seq))?).await
    }

    /// The reply chain a body belongs to, when it needs a `msg_seq` (passive group/C2C replies).
    fn sequenced_chain(&self, target: &Target, body: &Value) -> Option<String> {
        if !matches!(target, Target::Group(_) | Target::Private(_)) {
            return None;
        }
        let id = body.get("msg_id").or_else(|| body.get("event_id")).and_then(Value::as_str)?;
        Some(id.to_owned())
    }

    /// Sends a guild channel or DM message with a picture as a multipart upload (`file_image`).
    pub async fn post_message_with_image(
        &self,
        target: &Target,
        body: Value,
        image: Vec<u8>,
        filename: &str,
    ) -> Result<SentMessage> {
        let (path, label) = match target {
            Target::Channel(id) => {
                (format!("/channels/{}/messages", segment(id)), "POST /channels/{channel_id}/messages")
            }
            Target::Dm(id) => (format!("/dms/{}/messages", segment(id)), "POST /dms/{guild_id}/messages"),
            _ => {
                return Err(Error::Unsupported {
                    platform: Platform::Official,
                    what: "multipart image upload outside guild channels and DMs (groups and C2C use upload_media)"
                        .into(),
                });
            }
        };
        let mut fields = Vec::new();
        if let Value::Object(map) = body {
            for (k, v) in map {
                // Multipart fields are strings; objects and arrays travel JSON-encoded.
                let text = match v {
                    Value::String(s) => s,
                    Value::Null => continue,
                    other => other.to_string(),
                };
                fields.push((k, text));
            }
        }
        let file = Some(FilePart { field: "file_image".into(), filename: filename.to_owned(), bytes: image });
        self.inner.rest.call_decoded(Method::POST, &path, label, &Body::Multipart { fields, file }).await
    }

    /// Uploads media for a group or C2C message (`srv_send_msg: false`): send the returned `file_info` with
    /// `msg_type: 7`. A `file_info` from a group works only in groups, one from a user only in C2C.
    pub async fn upload_media(&self, target: &Target, kind: MediaKind, source: &MediaSource) -> Result<UploadedMedia> {
        let (path, label) = match target {
            Target::Group(id) => (format!("/v2/groups/{}/files", segment(id)), "POST /v2/groups/{group_openid}/files"),
            Target::Private(id) => (format!("/v2/users/{}/files", segment(id)), "POST /v2/users/{openid}/files"),
            _ => {
                return Err(Error::Unsupported {
                    platform: Platform::Official,
                    what: "the files endpoint outside groups and C2C (guild channels take an image URL)".into(),
                });
            }
        };
        let mut body = json!({ "file_type": kind.file_type(), "srv_send_msg": false });
        match source {
            MediaSource::Url(url) => body["url"] = Value::String(url.clone()),
            MediaSource::Bytes(bytes) => {
                body["file_data"] = Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
            }
        }
        self.send_json(Method::POST, &path, label, body).await
    }

    /// Recalls a message: within 2 minutes in groups and C2C; the bot must be an admin to recall others' messages.
    pub async fn recall(&self, target: &Target, message_id: &str) -> Result<()> {
        let mid = segment(message_id);
        let (path, label) = match target {
            Target::Group(id) => (
                format!("/v2/groups/{}/messages/{mid}", segment(id)),
                "DELETE /v2/groups/{group_openid}/messages/{message_id}",
            ),
            Target::Private(id) => {
                (format!("/v2/users/{}/messages/{mid}", segment(id)), "DELETE /v2/users/{openid}/messages/{message_id}")
            }
            Target::Channel(id) => (
                format!("/channels/{}/messages/{mid}?hidetip=true", segment(id)),
                "DELETE /channels/{channel_id}/messages/{message_id}",
            ),
            Target::Dm(id) => (
                format!("/dms/{}/messages/{mid}?hidetip=true", segment(id)),
                "DELETE /dms/{guild_id}/messages/{message_id}",
            ),
        };
        self.inner.rest.call(Method::DELETE, &path, label, &Body::None).await.map(|_| ())
    }

    /// Opens a guild DM session with a member of `source_guild_id`.
    pub async fn create_dm(&self, recipient_id: &str, source_guild_id: &str) -> Result<DmSession> {
        let label = "POST /users/@me/dms";
        let body = json!({ "recipient_id": recipient_id, "source_guild_id": source_guild_id });
        self.send_json(Method::POST, "/users/@me/dms", label, body).await
    }

    /// Acknowledges a button interaction: `code` 0 success, 1 failure, 2 too frequent, 3 duplicate, 4 no
    /// permission, 5 admins only.
    pub async fn ack_interaction(&self, interaction_id: &str, code: u8) -> Result<()> {
        let path = format!("/interactions/{}", segment(interaction_id));
        let label = "PUT /interactions/{interaction_id}";
        self.send_json::<IgnoredAny>(Method::PUT, &path, label, json!({ "code": code })).await.map(|_| ())
    }

    /// `GET /guilds/{guild_id}`.
    pub async fn guild(&self, guild_id: &str) -> Result<Guild> {
        self.get(&format!("/guilds/{}", segment(guild_id)), "GET /guilds/{guild_id}").await
    }

    /// `GET /guilds/{guild_id}/channels`.
    pub async fn guild_channels(&self, guild_id: &str) -> Result<Vec<Channel>> {
        self.get(&format!("/guilds/{}/channels", segment(guild_id)), "GET /guilds/{guild_id}/channels").await
    }

    /// `GET /channels/{channel_id}`.
    pub async fn channel(&self, channel_id: &str) -> Result<Channel> {
        self.get(&format!("/channels/{}", segment(channel_id)), "GET /channels/{channel_id}").await
    }

    /// `GET /guilds/{guild_id}/members/{user_id}`.
    pub async fn guild_member(&self, guild_id: &str, user_id: &str) -> Result<Member> {
        let path = format!("/guilds/{}/members/{}", segment(guild_id), segment(user_id));
        self.get(&path, "GET /guilds/{guild_id}/members/{user_id}").await
    }

    /// `GET /guilds/{guild_id}/roles`: `{guild_id, roles:[…], role_num_limit}`.
    pub async fn guild_roles(&self, guild_id: &str) -> Result<Value> {
        self.get(&format!("/guilds/{}/roles", segment(guild_id)), "GET /guilds/{guild_id}/roles").await
    }

    /// Gives a member a role (`channel_id` is needed for the channel-admin role `"5"`).
    pub async fn add_member_role(
        &self,
        guild_id: &str,
        user_id: &str,
        role_id: &str,
        channel_id: Option<&str>,
    ) -> Result<()> {
        self.member_role(
            Method::PUT,
            "PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}",
            guild_id,
            user_id,
            role_id,
            channel_id,
        )
        .await
    }

    /// Takes a role from a member.
    pub async fn remove_member_role(
        &self,
        guild_id: &str,
        user_id: &str,
        role_id: &str,
        channel_id: Option<&str>,
    ) -> Result<()> {
        self.member_role(
            Method::DELETE,
            "DELETE /guilds/{guild_id}/members/{user_id}/roles/{role_id}",
            guild_id,
            user_id,
            role_id,
            channel_id,
        )
        .await
    }

    /// Adds or removes a member's role: the two calls differ only in the method.
    async fn member_role(
        &self,
        method: Method,
        endpoint: &'static str,
        guild_id: &str,
        user_id: &str,
        role_id: &str,
        channel_id: Option<&str>,
    ) -> Result<()> {
        let path = format!("/guilds/{}/members/{}/roles/{}", segment(guild_id), segment(user_id), segment(role_id));
        let body = channel_id.map_or(json!({}), |c| json!({ "channel": { "id": c } }));
        self.send_json::<IgnoredAny>(method, &path, endpoint, body).await.map(|_| ())
    }

    /// Mutes a guild member for `seconds` (0 lifts the mute).
    pub async fn mute_member(&self, guild_id: &str, user_id: &str, seconds: u64) -> Result<()> {
        let path = format!("/guilds/{}/members/{}/mute", segment(guild_id), segment(user_id));
        let body = json!({ "mute_seconds": seconds.to_string() });
        self.send_json::<IgnoredAny>(Method::PATCH, &path, "PATCH /guilds/{guild_id}/members/{user_id}/mute", body)
            .await
            .map(|_| ())
    }

    /// Mutes the whole guild for `seconds` (0 lifts the mute).
    pub async fn mute_guild(&self, guild_id: &str, seconds: u64) -> Result<()> {
        let path = format!("/guilds/{}/mute", segment(guild_id));
        let body = json!({ "mute_seconds": seconds.to_string() });
        self.send_json::<IgnoredAny>(Method::PATCH, &path, "PATCH /guilds/{guild_id}/mute", body).await.map(|_| ())
    }

    /// Removes a member from a guild.
    pub async fn kick_member(&self, guild_id: &str, user_id: &str) -> Result<()> {
        let path = format!("/guilds/{}/members/{}", segment(guild_id), segment(user_id));
        self.inner
            .rest
            .call(Method::DELETE, &path, "DELETE /guilds/{guild_id}/members/{user_id}", &Body::None)
            .await
            .map(|_| ())
    }

    /// Adds the bot's reaction (`emoji_type` 1 system, 2 emoji) to a channel message.
    pub async fn add_reaction(&self, channel_id: &str, message_id: &str, emoji_type: u8, emoji_id: &str) -> Result<()> {
        let path = format!(
            "/channels/{}/messages/{}/reactions/{emoji_type}/{}",
            segment(channel_id),
            segment(message_id),
            segment(emoji_id)
        );
        let label = "PUT /channels/{channel_id}/messages/{message_id}/reactions/{type}/{id}";
        self.inner.rest.call(Method::PUT, &path, label, &Body::None).await.map(|_| ())
    }

    /// Removes the bot's reaction.
    pub async fn remove_reaction(
        &self,
        channel_id: &str,
        message_id: &str,
        emoji_type: u8,
        emoji_id: &str,
    ) -> Result<()> {
        let path = format!(
            "/channels/{}/messages/{}/reactions/{emoji_type}/{}",
            segment(channel_id),
            segment(message_id),
            segment(emoji_id)
        );
        let label = "DELETE /channels/{channel_id}/messages/{message_id}/reactions/{type}/{id}";
        self.inner.rest.call(Method::DELETE, &path, label, &Body::None).await.map(|_| ())
    }

    /// Pins a channel message (精华消息).
    pub async fn pin_message(&self, channel_id: &str, message_id: &str) -> Result<Value> {
        let path = format!("/channels/{}/pins/{}", segment(channel_id), segment(message_id));
        self.inner.rest.call(Method::PUT, &path, "PUT /channels/{channel_id}/pins/{message_id}", &Body::None).await
    }

    /// Unpins a channel message.
    pub async fn unpin_message(&self, channel_id: &str, message_id: &str) -> Result<()> {
        let path = format!("/channels/{}/pins/{}", segment(channel_id), segment(message_id));
        self.inner
            .rest
            .call(Method::DELETE, &path, "DELETE /channels/{channel_id}/pins/{message_id}", &Body::None)
            .await
            .map(|_| ())
    }

    /// A member's permissions in a channel: `{channel_id, user_id, permissions}`.
    pub async fn channel_permissions(&self, channel_id: &str, user_id: &str) -> Result<Value> {
        let path = format!("/channels/{}/members/{}/permissions", segment(channel_id), segment(user_id));
        self.get(&path, "GET /channels/{channel_id}/members/{user_id}/permissions").await
    }

    /// Members of a QQ group, as the platform returns them.
    pub async fn group_members(&self, group_openid: &str) -> Result<Value> {
        self.get(&format!("/v2/groups/{}/members", segment(group_openid)), "GET /v2/groups/{group_openid}/members")
            .await
    }
}

fn is_kind(e: &Error, kind: &OfficialErrorKind) -> bool {
    OfficialError::find(e).is_some_and(|o| &o.kind == kind)
}

impl Ctx {
    /// The official platform's REST API for the bot that received the event, or [`Error::WrongPlatform`].
    pub fn official(&self) -> Result<OfficialApi> {
        self.bot()
            .api()
            .downcast_ref::<OfficialApi>()
            .cloned()
            .ok_or(Error::WrongPlatform { expected: Platform::Official, actual: self.bot().platform() })
    }
}

/// The send endpoint of a target, and its name for errors and logs.
fn message_path(target: &Target) -> (String, &'static str) {
    let (prefix, id, label) = match target {
        Target::Group(id) => ("/v2/groups/", id, "POST /v2/groups/{group_openid}/messages"),
        Target::Private(id) => ("/v2/users/", id, "POST /v2/users/{openid}/messages"),
        Target::Channel(id) => ("/channels/", id, "POST /channels/{channel_id}/messages"),
        Target::Dm(id) => ("/dms/", id, "POST /dms/{guild_id}/messages"),
    };
    let mut path = String::with_capacity(prefix.len() + id.len() + "/messages".len());
    path.push_str(prefix);
    push_segment(&mut path, id);
    path.push_str("/messages");
    (path, label)
}
