//! Errors of the official platform, classified so a bot (and the adapter) knows what to do about each.

use std::fmt;

/// What kind of failure an [`OfficialError`] is; each kind's message says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OfficialErrorKind {
    /// The access token expired or was rejected (401, 11241–11244); the adapter refreshes it and retries once.
    TokenExpired,
    /// The appid or secret is wrong (token endpoint 100001/100007/100016/10004, API 11251/11261/11275).
    BadCredentials,
    /// The legacy `Bot appid.token` authorization was used (11245).
    LegacyTokenDisabled,
    /// The caller's IP is not on the bot's whitelist (11298).
    IpNotWhitelisted,
    /// The `(msg_id, msg_seq)` pair was used already (40054005).
    DuplicateMsgSeq,
    /// The passive reply window of the message or event has passed (40034005, 304027, 304103, 40034128, 40034026).
    ReplyExpired,
    /// The event cannot be replied to by `event_id` (40034027, 40034025).
    EventNotReplyable,
    /// Sent too fast, or a daily/monthly quota is used up (429, 22009, 20028, 40034100, 304045–304050).
    RateLimited,
    /// The bot lacks a permission: proactive messages, markdown, keyboards, ark, URLs, API access.
    NoPermission,
    /// The message was accepted and awaits audit (304023/304024); the result arrives as MESSAGE_AUDIT_*.
    AuditPending {
        /// The audit id from the response.
        audit_id: Option<String>,
    },
    /// The platform could not fetch or convert the media (850026, 850019, 40002, 304082, 304083, 40034001/2/4).
    MediaFailed,
    /// A transient platform failure (5xx, 11252/11263/11281); retrying later may work.
    Transient,
    /// The request itself could not be made (DNS, TLS, connection, timeout).
    Transport,
    /// Anything else the platform rejected.
    Rejected,
}

/// A failed call to the official platform: the HTTP status, the platform's `code`/`err_code`/`message`/`trace_id`,
/// and its [`OfficialErrorKind`].
///
/// It reaches handlers inside [`crate::Error::Adapter`]; [`OfficialError::find`] gets it back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OfficialError {
    /// The classification.
    pub kind: OfficialErrorKind,
    /// The endpoint, e.g. `POST /v2/groups/{group_openid}/messages`.
    pub endpoint: String,
    /// The HTTP status (0 if no response came).
    pub status: u16,
    /// The platform's `code`.
    pub code: Option<i64>,
    /// The platform's `err_code`.
    pub err_code: Option<i64>,
    /// The platform's message (or the transport error).
    pub message: String,
    /// The platform's trace id, for support tickets.
    pub trace_id: Option<String>,
}

impl OfficialError {
    /// An error from a platform answer.
    pub fn from_response(
        endpoint: impl Into<String>,
        status: u16,
        code: Option<i64>,
        err_code: Option<i64>,
        message: impl Into<String>,
        trace_id: Option<String>,
    ) -> Self {
        let kind = classify(status, code, err_code);
        OfficialError { kind, endpoint: endpoint.into(), status, code, err_code, message: message.into(), trace_id }
    }

    /// An error of the request itself (no answer).
    pub fn transport(endpoint: impl Into<String>, message: impl Into<String>) -> Self {
        OfficialError {
            kind: OfficialErrorKind::Transport,
            endpoint: endpoint.into(),
            status: 0,
            code: None,
            err_code: None,
            message: message.into(),
            trace_id: None,
        }
    }

    /// The official error inside a framework error, if it is one.
    pub fn find(error: &crate::Error) -> Option<&OfficialError> {
        match error {
            crate::Error::Adapter(inner) => inner.downcast_ref::<OfficialError>(),
            _ => None,
        }
    }

    /// Whether the same call may succeed if retried later.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            OfficialErrorKind::Transient
                | OfficialErrorKind::Transport
                | OfficialErrorKind::RateLimited
                | OfficialErrorKind::TokenExpired
        ) || matches!(self.code, Some(304082 | 304083))
    }

    fn advice(&self) -> &'static str {
        match self.kind {
            OfficialErrorKind::TokenExpired => {
                "the access token was rejected even after a refresh; check the appid and secret, and that the clock is right"
            }
            OfficialErrorKind::BadCredentials => {
                "check `appid` and `secret` in [official] (or QQBOT_APPID / QQBOT_SECRET) against the QQ Open Platform console"
            }
            OfficialErrorKind::LegacyTokenDisabled => {
                "the fixed `Bot appid.token` authorization is disabled; set `secret` (the AppSecret) so the access-token flow is used"
            }
            OfficialErrorKind::IpNotWhitelisted => {
                "add this machine's public IP to the bot's IP whitelist in the console, or set `sandbox = true` while testing"
            }
            OfficialErrorKind::DuplicateMsgSeq => {
                "this msg_seq was already used for this msg_id; send further replies through ctx.reply (it numbers them) or give each a new msg_seq"
            }
            OfficialErrorKind::ReplyExpired => {
                "the passive reply window has passed (groups 5 min, C2C 60 min, guilds 5 min) or its reply count is used up; reply sooner, or send proactively with ctx.send if the bot may"
            }
            OfficialErrorKind::EventNotReplyable => {
                "this event cannot be answered by event_id (only INTERACTION_CREATE, GROUP_ADD_ROBOT, GROUP_MSG_RECEIVE, C2C_MSG_RECEIVE, FRIEND_ADD and guild member/reaction/forum events can); send proactively instead"
            }
            OfficialErrorKind::RateLimited => {
                "slow down: a rate limit or message quota was hit; wait before sending again"
            }
            OfficialErrorKind::NoPermission => {
                "the bot lacks this permission (proactive messages, markdown, keyboards, ark or URLs are gated); request it in the console or send plain text"
            }
            OfficialErrorKind::AuditPending { .. } => {
                "the message awaits audit; its outcome arrives as a MESSAGE_AUDIT_PASS / MESSAGE_AUDIT_REJECT event"
            }
            OfficialErrorKind::MediaFailed => {
                "the platform could not fetch or convert the media: make the URL publicly reachable on port 80/443, or check the format (png/jpg, mp4, silk)"
            }
            OfficialErrorKind::Transient => "a temporary platform failure; retry later",
            OfficialErrorKind::Transport => {
                "the platform could not be reached; check the network and the configured hosts"
            }
            OfficialErrorKind::Rejected => "the platform rejected the request; see its message",
        }
    }
}

impl fmt::Display for OfficialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "official API `{}` failed", self.endpoint)?;
        if self.status != 0 {
            write!(f, " (HTTP {}", self.status)?;
            if let Some(code) = self.code {
                write!(f, ", code {code}")?;
            }
            if let Some(err) = self.err_code {
                write!(f, ", err_code {err}")?;
            }
            f.write_str(")")?;
        }
        write!(f, ": {}; {}", self.message, self.advice())?;
        if let Some(trace) = &self.trace_id {
            write!(f, " [trace {trace}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for OfficialError {}

/// Maps a status and the platform codes to a kind.
fn classify(status: u16, code: Option<i64>, err_code: Option<i64>) -> OfficialErrorKind {
    use OfficialErrorKind as K;
    let by_code = |c: i64| -> Option<K> {
        Some(match c {
            11241..=11244 => K::TokenExpired,
            11245 => K::LegacyTokenDisabled,
            11251 | 11261 | 11275 | 100001 | 100007 | 100016 | 10004 => K::BadCredentials,
            11298 | 40023002 => K::IpNotWhitelisted,
            11252 | 11263 | 11281 | 100002 | 40034004 => K::Transient,
            40054005 => K::DuplicateMsgSeq,
            40034005 | 304027 | 304103 | 40034128 | 40034026 => K::ReplyExpired,
            40034027 | 40034025 => K::EventNotReplyable,
            22009 | 20028 | 40034100 | 304045..=304050 => K::RateLimited,
            304023 | 304024 => K::AuditPending { audit_id: None },
            850026 | 850019 | 40002 | 304082 | 304083 | 40034001 | 40034002 => K::MediaFailed,
            11253 | 11264 | 11282 | 40034102 | 40034105 | 304003 | 304004 | 304036 | 304037 | 304041 | 304057
            | 40034012 | 40054010 | 50037 => K::NoPermission,
            _ => return None,
        })
    };
    if let Some(kind) = code.and_then(by_code).or_else(|| err_code.and_then(by_code)) {
        return kind;
    }
    match status {
        401 => K::TokenExpired,
        429 => K::RateLimited,
        500..=599 => K::Transient,
        _ => K::Rejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds_with_advice() {
        let e = OfficialError::from_response("POST /x", 400, Some(40054005), None, "消息被去重", None);
        assert_eq!(e.kind, OfficialErrorKind::DuplicateMsgSeq);
        assert!(e.to_string().contains("msg_seq"), "{e}");
        let e = OfficialError::from_response("GET /users/@me", 401, Some(11298), Some(40023002), "ip", None);
        assert_eq!(e.kind, OfficialErrorKind::IpNotWhitelisted);
        let e = OfficialError::from_response("POST /x", 401, None, None, "", None);
        assert_eq!(e.kind, OfficialErrorKind::TokenExpired);
        let e = OfficialError::from_response("POST /x", 503, None, None, "", Some("t1".into()));
        assert!(e.is_retryable());
        assert!(e.to_string().contains("[trace t1]"));
    }
}
