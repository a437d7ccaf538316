//! The official QQ Open Platform adapter: guild, group and C2C bots over the WebSocket gateway or webhooks.
//!
//! ```no_run
//! use qqbot::adapter::official::{OfficialAdapter, OfficialConfig};
//! use qqbot::prelude::*;
//!
//! # async fn run() -> qqbot::Result<()> {
//! let adapter = OfficialAdapter::new(OfficialConfig::new("102000000", "app-secret"))?;
//! App::new().adapter(adapter).run().await
//! # }
//! ```
//!
//! Usually `qqbot.toml` (`[official]`, see [`OfficialConfig`]) or the `QQBOT_APPID` / `QQBOT_SECRET` environment
//! variables configure it and `App::from_env()` builds it.
//!
//! Layout, the same as the OneBot adapter's: `protocol/` (`model`, `event`, `content`, `decode`, `encode`: wire ↔
//! framework) and `transport/` (`gateway`, `webhook`, `rest`: bytes in and out); beside them `credentials` (access
//! token) and `api` ([`OfficialApi`], `msg_seq`), `account` (the [`Bot`] every handler replies through) and `media`
//! (pictures, voice and video).
//!
//! [`Bot`]: crate::Bot

mod account;
mod api;
mod config;
mod credentials;
mod dedup;
mod error;
mod intents;
pub mod media;
mod protocol;
mod reply_seq;
mod transport;

pub use account::{OfficialBot, ReplyTo};
pub use api::{DmSession, OfficialApi, SentMessage, UploadedMedia};
pub use config::{
    DEFAULT_API_BASE, DEFAULT_TOKEN_URL, DEFAULT_WEBHOOK_PATH, IntentsSetting, OfficialConfig, SANDBOX_API_BASE,
};
pub use error::{OfficialError, OfficialErrorKind};
pub use intents::Intents;
pub use protocol::content::{parse_content, unescape};
pub use protocol::decode::to_event;
pub use protocol::encode::{
    MediaRef, MessageReference, OutgoingMessage, Part, ark, keyboard_template, markdown_template, msg_type, plan,
};
pub use protocol::event::{OfficialEvent, OfficialPayload};
pub use protocol::model;
pub use transport::gateway::GatewayError;
pub use transport::webhook::{SignatureError, WebhookKey};

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;

use self::credentials::Credentials;
use self::media::{ChainBuilder, InlineChainBuilder, ResourceChainBuilder};
use self::transport::rest::Rest;
use super::{Adapter, EventSink};
use crate::error::{Error, Result};

/// The official platform adapter for one bot account (one shard in gateway mode).
pub struct OfficialAdapter {
    config: OfficialConfig,
    chain_builder: Option<Arc<dyn ChainBuilder>>,
    webhook_listener: Option<std::net::TcpListener>,
    name: String,
}

impl std::fmt::Debug for OfficialAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OfficialAdapter").field("config", &self.config).finish_non_exhaustive()
    }
}

impl OfficialAdapter {
    /// An adapter for the configured account; fails when the configuration is incomplete.
    pub fn new(config: OfficialConfig) -> Result<Self> {
        config.validate()?;
        let name = if config.is_webhook() { "official-webhook" } else { "official-gateway" }.to_owned();
        Ok(OfficialAdapter { config, chain_builder: None, webhook_listener: None, name })
    }

    /// Reads `[official]` and the environment; `None` when no account is configured, an error when several are
    /// (use [`OfficialAdapter::all_from_config`]).
    pub fn from_config(config: &crate::config::Config) -> Result<Option<Self>> {
        OfficialConfig::from_config(config)?.map(OfficialAdapter::new).transpose()
    }

    /// One adapter per configured account (`[official]`, or each `[[official.accounts]]`); empty when none is.
    /// Accounts with the same `[official.resource]` port share one resource server when they run.
    pub fn all_from_config(config: &crate::config::Config) -> Result<Vec<Self>> {
        OfficialConfig::accounts_from_config(config)?.into_iter().map(OfficialAdapter::new).collect()
    }

    /// Replaces how media is made available (the default resource server, or your object-storage uploader).
    pub fn chain_builder(mut self, chain_builder: Arc<dyn ChainBuilder>) -> Self {
        self.chain_builder = Some(chain_builder);
        self
    }

    /// Webhook mode on an already bound socket (tests bind port 0 and read the address first).
    pub fn webhook_listener(mut self, listener: std::net::TcpListener) -> Self {
        if self.config.webhook_listen.is_none() {
            self.config.webhook_listen = listener.local_addr().ok().map(|a| a.to_string());
            self.name = "official-webhook".into();
        }
        self.webhook_listener = Some(listener);
        self
    }

    /// The configuration.
    pub fn config(&self) -> &OfficialConfig {
        &self.config
    }

    /// Builds the REST API for this account (the adapter builds its own when it runs).
    pub fn api(&self) -> Result<OfficialApi> {
        self.api_with_hooks(Arc::default())
    }

    fn api_with_hooks(&self, hooks: Arc<crate::api::ApiHooks>) -> Result<OfficialApi> {
        let http = crate::adapter::tls::http_client()
            .timeout(self.config.request_timeout())
            .build()
            .map_err(|e| Error::config("[official]", format!("cannot build the HTTP client: {e}")))?;
        let creds = Arc::new(Credentials::new(
            self.config.appid.clone(),
            self.config.secret.clone(),
            self.config.token_url(),
            http.clone(),
            Duration::from_secs(self.config.token_refresh_ahead_secs),
        ));
        Ok(OfficialApi::new(Rest::new(http, self.config.api_base(), creds).with_hooks(hooks)))
    }
}

impl Adapter for OfficialAdapter {
    fn name(&self) -> &str {
        &self.name
    }

    fn run(self: Box<Self>, sink: EventSink) -> BoxFuture<'static, Result<()>> {
        Box::pin(async move {
            // Started before anything connects, so a busy port fails the boot instead of the first picture.
            let chain_builder: Arc<dyn ChainBuilder> = match (&self.chain_builder, &self.config.resource) {
                (Some(builder), _) => builder.clone(),
                (None, Some(options)) => Arc::new(ResourceChainBuilder::start(options.clone()).await?),
                (None, None) => Arc::new(InlineChainBuilder),
            };
            let api = self.api_with_hooks(sink.api_hooks())?;
            #[cfg(feature = "redis")]
            if let Some(cluster) = sink.cluster() {
                api.share_seq(cluster);
            }
            let creds = api.inner.rest.credentials().clone();
            let refresher_sink = sink.clone();
            let refresher = tokio::spawn(async move { creds.refresh_loop(refresher_sink.shutdown_signal()).await });
            let OfficialAdapter { config, webhook_listener, .. } = *self;
            let (bot_api, chain_builder) = (api.clone(), Some(chain_builder));
            let make_bot: transport::MakeBot = Arc::new(move |self_id: &str| -> Arc<dyn crate::api::Bot> {
                Arc::new(OfficialBot::new(self_id.to_owned(), bot_api.clone(), chain_builder.clone()))
            });
            let result = if config.is_webhook() {
                transport::webhook::Webhook { config, api, sink, make_bot, listener: webhook_listener }.run().await
            } else {
                let intents = match &config.intents {
                    Some(setting) => setting.resolve()?,
                    None => Intents::for_handlers(sink.dispatcher(), config.private_domain),
                };
                transport::gateway::Gateway { config, api, sink, intents, make_bot }.run().await
            };
            refresher.abort();
            result
        })
    }
}
