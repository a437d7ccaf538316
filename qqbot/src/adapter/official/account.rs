//! [`OfficialBot`]: the [`Bot`] of one official account. Replies follow the platform's passive-reply rules;
//! media goes through the configured [`ChainBuilder`] and the files endpoint.

use std::any::Any;
use std::sync::Arc;

use futures_util::future::BoxFuture;

use super::api::OfficialApi;
use super::media::{ChainBuilder, InlineChainBuilder, MediaKind, MediaSource};
use super::protocol::encode::{MediaRef, OutgoingMessage, Part, plan};
use super::protocol::event::OfficialPayload;
use crate::api::{Bot, Target};
use crate::error::{Error, Result};
use crate::event::{Event, Platform};
use crate::message::{Media, Message};

/// How a passive reply refers to what it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyTo {
    /// A message: `msg_id`.
    Message(String),
    /// An event: `event_id` (only some events can be answered this way).
    Event(String),
}

/// One official bot account.
pub struct OfficialBot {
    self_id: String,
    api: OfficialApi,
    chain_builder: Option<Arc<dyn ChainBuilder>>,
}

impl std::fmt::Debug for OfficialBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OfficialBot").field("self_id", &self.self_id).field("api", &self.api).finish_non_exhaustive()
    }
}

impl OfficialBot {
    /// A bot whose mentions use `self_id`, sending through `api`.
    pub fn new(self_id: impl Into<String>, api: OfficialApi, chain_builder: Option<Arc<dyn ChainBuilder>>) -> Self {
        OfficialBot { self_id: self_id.into(), api, chain_builder }
    }

    /// The REST API.
    pub fn api(&self) -> &OfficialApi {
        &self.api
    }

    /// Sends `message` to `target`, as a passive reply when `reply_to` is set. Returns the last message id.
    pub async fn deliver(&self, target: &Target, reply_to: Option<&ReplyTo>, message: Message) -> Result<String> {
        let parts = plan(&message, target.scene())?;
        let mut last_id = String::new();
        for part in parts {
            let sent = self.send_part(target, reply_to, part).await?;
            if let Some(id) = sent {
                last_id = id;
            }
        }
        Ok(last_id)
    }

    async fn send_part(&self, target: &Target, reply_to: Option<&ReplyTo>, part: Part) -> Result<Option<String>> {
        let Part { mut body, media } = part;
        // Media parts are the rarer ones: boxed, their data does not size every text reply's future.
        let media = media.map(Box::new);
        match reply_to {
            Some(ReplyTo::Message(id)) => body.msg_id = Some(id.clone()),
            Some(ReplyTo::Event(id)) => body.event_id = Some(id.clone()),
            None => {}
        }
        match media {
            None => Ok(self.api.send_message(target, body).await?.id),
            // Boxed too: an upload or a multipart request besides the send would otherwise make every text
            // reply's future several kilobytes larger.
            Some(media) => {
                let (kind, media) = *media;
                Box::pin(self.send_media(target, body, kind, media)).await
            }
        }
    }

    async fn send_media(
        &self,
        target: &Target,
        mut body: OutgoingMessage,
        kind: MediaKind,
        media: Media,
    ) -> Result<Option<String>> {
        let source = self.prepare(kind, &media).await?;
        match target {
            Target::Group(_) | Target::Private(_) => {
                let uploaded = self.api.upload_media(target, kind, &source).await?;
                let Some(file_info) = uploaded.file_info else {
                    return Err(Error::Handler("the files endpoint returned no file_info".into()));
                };
                body.media = Some(MediaRef { file_info });
                Ok(self.api.send_message(target, body).await?.id)
            }
            Target::Channel(_) | Target::Dm(_) => match source {
                MediaSource::Url(url) => {
                    body.image = Some(url);
                    Ok(self.api.send_message(target, body).await?.id)
                }
                MediaSource::Bytes(bytes) => {
                    let name = media.name.clone().unwrap_or_else(|| "image.png".into());
                    Ok(self.api.post_message_with_image(target, body.to_value(), bytes, &name).await?.id)
                }
            },
        }
    }

    /// Makes media available through the chain builder; without one, bytes go inline ([`InlineChainBuilder`]).
    ///
    /// [`InlineChainBuilder`]: super::media::InlineChainBuilder
    async fn prepare(&self, kind: MediaKind, media: &Media) -> Result<MediaSource> {
        match &self.chain_builder {
            Some(builder) => builder.get(kind, media).await,
            None => InlineChainBuilder.get(kind, media).await,
        }
    }

    /// Where a reply to `event` goes and how it refers to the event.
    pub fn reply_route(event: &Event) -> Option<(Target, Option<ReplyTo>)> {
        match event {
            Event::Message(m) => {
                let reply = if !m.message_id.is_empty() {
                    Some(ReplyTo::Message(m.message_id.clone()))
                } else {
                    m.event_id.clone().map(ReplyTo::Event)
                };
                Some((m.target(), reply))
            }
            Event::Notice(n) => {
                let ev = n.official()?;
                let by_event = ev.event_id.clone().map(ReplyTo::Event);
                let target = match &ev.payload {
                    OfficialPayload::GroupRobot(g) => Target::Group(g.group_openid.clone()?),
                    OfficialPayload::GroupMember(g) => Target::Group(g.group_openid.clone()?),
                    OfficialPayload::Friend(f) => Target::Private(f.openid.clone()?),
                    OfficialPayload::EnterAio(e) => Target::Private(e.user_openid.clone()?),
                    OfficialPayload::Interaction(i) => match i.chat_type {
                        Some(1) => Target::Group(i.group_openid.clone()?),
                        Some(2) => Target::Private(i.user_openid.clone()?),
                        _ => Target::Channel(i.channel_id.clone()?),
                    },
                    OfficialPayload::Reaction(r) => Target::Channel(r.channel_id.clone()?),
                    OfficialPayload::ForumThread(f) => Target::Channel(f.channel_id.clone()?),
                    OfficialPayload::ForumPost(f) => Target::Channel(f.channel_id.clone()?),
                    OfficialPayload::ForumReply(f) => Target::Channel(f.channel_id.clone()?),
                    OfficialPayload::OpenForum(f) => Target::Channel(f.channel_id.clone()?),
                    OfficialPayload::Audio(a) => Target::Channel(a.channel_id.clone()?),
                    _ => return None,
                };
                Some((target, by_event))
            }
        }
    }
}

impl Bot for OfficialBot {
    fn platform(&self) -> Platform {
        Platform::Official
    }

    fn self_id(&self) -> &str {
        &self.self_id
    }

    fn send<'a>(&'a self, target: &'a Target, message: Message) -> BoxFuture<'a, Result<String>> {
        Box::pin(self.deliver(target, None, message))
    }

    fn reply<'a>(&'a self, event: &'a Event, message: Message) -> BoxFuture<'a, Result<String>> {
        Box::pin(async move {
            match OfficialBot::reply_route(event) {
                Some((target, reply_to)) => self.deliver(&target, reply_to.as_ref(), message).await,
                None => Err(Error::Unsupported {
                    platform: Platform::Official,
                    what: match event.official() {
                        Some(ev) => format!("replying to {} events (send to a channel, group or user instead)", ev.t),
                        None => "replying to an event that did not come from the official platform".into(),
                    },
                }),
            }
        })
    }

    fn recall<'a>(&'a self, target: &'a Target, message_id: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(self.api.recall(target, message_id))
    }

    fn api(&self) -> &dyn Any {
        &self.api
    }
}
