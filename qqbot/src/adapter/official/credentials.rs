//! The app access token: `appid` + `secret` → `access_token`, refreshed ahead of expiry by one background task,
//! fetched by at most one caller at a time (the others wait and share it), and dropped when the API rejects it.
//! Every REST call reads it, so the read takes no lock and the `Authorization` header is built once per token.

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use reqwest::header::HeaderValue;
use serde::Deserialize;
use tokio::time::Instant;

use super::error::OfficialError;
use crate::adapter::serde_lenient::lenient;
use crate::error::{Error, Result};

struct AccessToken {
    value: String,
    /// `QQBot {value}`: the `Authorization` header of every REST call.
    header: HeaderValue,
    /// When to stop handing it out and fetch a new one (expiry minus the refresh margin).
    refresh_at: Instant,
}

lenient! {
    #[derive(Default, Deserialize)]
    struct TokenAnswer {
        access_token: Option<String>,
        expires_in: Option<i64>,
        code: Option<i64>,
        message: Option<String>,
    }
}

/// The credentials of one bot and its current access token.
pub(crate) struct Credentials {
    appid: String,
    secret: String,
    token_url: String,
    http: reqwest::Client,
    refresh_ahead: Duration,
    current: ArcSwapOption<AccessToken>,
    /// Held while fetching, so concurrent callers share one refresh.
    refresh_gate: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("appid", &self.appid).field("token_url", &self.token_url).finish()
    }
}

const ENDPOINT: &str = "POST getAppAccessToken";

impl Credentials {
    pub(crate) fn new(
        appid: String,
        secret: String,
        token_url: String,
        http: reqwest::Client,
        refresh_ahead: Duration,
    ) -> Self {
        Credentials {
            appid,
            secret,
            token_url,
            http,
            refresh_ahead,
            current: ArcSwapOption::empty(),
            refresh_gate: tokio::sync::Mutex::new(()),
        }
    }

    pub(crate) fn appid(&self) -> &str {
        &self.appid
    }

    fn fresh(&self) -> Option<Arc<AccessToken>> {
        self.current.load_full().filter(|t| Instant::now() < t.refresh_at)
    }

    /// A valid access token, fetching one if there is none or it is about to expire.
    pub(crate) async fn token(&self) -> Result<String> {
        Ok(self.current_token().await?.value.clone())
    }

    /// The `Authorization` header of a valid access token (`QQBot {token}`), fetching one if needed.
    pub(crate) async fn authorization(&self) -> Result<HeaderValue> {
        Ok(self.current_token().await?.header.clone())
    }

    async fn current_token(&self) -> Result<Arc<AccessToken>> {
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let _gate = self.refresh_gate.lock().await;
        // Another caller may have refreshed while this one waited for the gate.
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let token = Arc::new(self.fetch().await?);
        self.current.store(Some(token.clone()));
        Ok(token)
    }

    /// Forgets `stale` (the API rejected it), so the next [`Credentials::token`] fetches a new one. A token that was
    /// already replaced is left alone.
    pub(crate) fn invalidate(&self, stale: &str) {
        self.forget_if(|t| t.value == stale);
    }

    /// [`Credentials::invalidate`] for the token an `Authorization` header carried.
    pub(crate) fn invalidate_header(&self, stale: &HeaderValue) {
        self.forget_if(|t| t.header == stale);
    }

    fn forget_if(&self, stale: impl Fn(&AccessToken) -> bool) {
        let current = self.current.load();
        if current.as_deref().is_some_and(stale) {
            // Only if it is still the current one: a refresh in between is kept.
            self.current.compare_and_swap(&*current, None);
        }
    }

    /// When the background task should refresh next.
    fn next_refresh(&self) -> Option<Instant> {
        self.current.load().as_ref().map(|t| t.refresh_at)
    }

    /// Keeps the token fresh until `stop` resolves: sleeps until the refresh time, refreshes, and on failure
    /// retries with growing pauses (the old token stays in use until it really expires).
    pub(crate) async fn refresh_loop(&self, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        let mut failures: u32 = 0;
        loop {
            let wake = match self.next_refresh() {
                Some(at) => at,
                None => Instant::now(),
            };
            tokio::select! {
                _ = &mut stop => return,
                _ = tokio::time::sleep_until(wake) => {}
            }
            match self.token().await {
                Ok(_) => failures = 0,
                Err(e) => {
                    failures = failures.saturating_add(1);
                    let pause = Duration::from_secs(u64::from(failures.min(6)) * 5);
                    tracing::warn!("could not refresh the official access token (retrying in {pause:?}): {e}");
                    tokio::select! {
                        _ = &mut stop => return,
                        _ = tokio::time::sleep(pause) => {}
                    }
                }
            }
        }
    }

    async fn fetch(&self) -> Result<AccessToken> {
        let body = serde_json::json!({ "appId": self.appid, "clientSecret": self.secret });
        let resp = self
            .http
            .post(&self.token_url)
            .json(&body)
            .send()
            .await
            .map_err(|e| Error::adapter(OfficialError::transport(ENDPOINT, super::transport::rest::describe(e))))?;
        let status = resp.status().as_u16();
        let text = resp
            .text()
            .await
            .map_err(|e| Error::adapter(OfficialError::transport(ENDPOINT, super::transport::rest::describe(e))))?;
        let answer: Option<TokenAnswer> = serde_json::from_str(&text).ok();
        match answer {
            Some(TokenAnswer { access_token: Some(value), expires_in, .. }) if !value.is_empty() => {
                let lifetime = Duration::from_secs(expires_in.unwrap_or(7200).clamp(1, 86_400) as u64);
                // Refresh `refresh_ahead` early, but never later than half-way through a short remaining life.
                let ahead = self.refresh_ahead.min(lifetime / 2);
                let Ok(mut header) = HeaderValue::from_str(&format!("QQBot {value}")) else {
                    let why = "the token endpoint returned an access_token that cannot be sent in an HTTP header";
                    return Err(Error::adapter(OfficialError::from_response(ENDPOINT, status, None, None, why, None)));
                };
                header.set_sensitive(true);
                tracing::debug!(appid = %self.appid, "fetched an official access token valid for {lifetime:?}");
                Ok(AccessToken { value, header, refresh_at: Instant::now() + lifetime - ahead })
            }
            Some(TokenAnswer { code, message, .. }) => {
                let code = code.or(Some(100001).filter(|_| status == 200));
                let message = message.unwrap_or_else(|| "the token endpoint returned no access_token".into());
                Err(Error::adapter(OfficialError::from_response(ENDPOINT, status, code, None, message, None)))
            }
            None => Err(Error::adapter(OfficialError::from_response(
                ENDPOINT,
                status,
                None,
                None,
                format!("the token endpoint answered with something that is not JSON ({} bytes)", text.len()),
                None,
            ))),
        }
    }
}
