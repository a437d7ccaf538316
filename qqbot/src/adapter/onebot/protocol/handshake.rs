//! The reverse-WebSocket handshake, judged without I/O: an implementation's upgrade request is accepted (with the
//! account it serves and the `Sec-WebSocket-Accept` answer) or refused with a status and a reason.

use hyper::StatusCode;
use hyper::header::HeaderMap;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

use super::auth::{Auth, check_token};

/// An accepted upgrade request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// The account (`X-Self-ID`).
    pub self_id: String,
    /// `X-Client-Role` as sent, if any (go-cqhttp's `API` / `Event` / `Universal`).
    pub role: Option<String>,
    /// The `Sec-WebSocket-Accept` value.
    pub accept: String,
}

/// Why an upgrade request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A token is configured and none was given.
    NoToken,
    /// A wrong token was given.
    WrongToken,
    /// No `X-Self-ID` header.
    NoSelfId,
    /// Not a WebSocket upgrade (no `Upgrade: websocket` or no `Sec-WebSocket-Key`).
    NotUpgrade,
}

impl Refusal {
    /// The HTTP status of the answer.
    pub fn status(self) -> StatusCode {
        match self {
            Refusal::NoToken => StatusCode::UNAUTHORIZED,
            Refusal::WrongToken => StatusCode::FORBIDDEN,
            Refusal::NoSelfId | Refusal::NotUpgrade => StatusCode::BAD_REQUEST,
        }
    }

    /// The answer's body.
    pub fn body(self) -> &'static str {
        match self {
            Refusal::NoToken => "access token required",
            Refusal::WrongToken => "wrong access token",
            Refusal::NoSelfId => "X-Self-ID header required",
            Refusal::NotUpgrade => "expected a WebSocket upgrade",
        }
    }

    /// The reason, for the log line.
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::NoToken => "no access token given",
            Refusal::WrongToken => "wrong access token",
            Refusal::NoSelfId => "no X-Self-ID header",
            Refusal::NotUpgrade => "not a WebSocket upgrade",
        }
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Judges an upgrade request to a reverse-WebSocket path: the token (header or `access_token` query parameter)
/// first, so nothing about the server is revealed to a client without one, then `X-Self-ID`, then the upgrade.
pub fn read_handshake(token: Option<&str>, headers: &HeaderMap, query: Option<&str>) -> Result<Handshake, Refusal> {
    match check_token(token, header(headers, "authorization"), query) {
        Auth::Ok => {}
        Auth::Missing => return Err(Refusal::NoToken),
        Auth::Wrong => return Err(Refusal::WrongToken),
    }
    let self_id = header(headers, "x-self-id").map(str::trim).filter(|s| !s.is_empty()).ok_or(Refusal::NoSelfId)?;
    let is_upgrade = header(headers, "upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
    let key = headers.get("sec-websocket-key").filter(|_| is_upgrade).ok_or(Refusal::NotUpgrade)?;
    Ok(Handshake {
        self_id: self_id.to_owned(),
        role: header(headers, "x-client-role").map(str::to_owned),
        accept: derive_accept_key(key.as_bytes()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_token_is_judged_first_then_the_account_then_the_upgrade() {
        let good = [("upgrade", "websocket"), ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="), ("x-self-id", "1")];
        assert_eq!(read_handshake(Some("t"), &headers(&good), None), Err(Refusal::NoToken));
        assert_eq!(read_handshake(Some("t"), &headers(&good), Some("access_token=x")), Err(Refusal::WrongToken));
        let ok = read_handshake(Some("t"), &headers(&good), Some("access_token=t")).unwrap();
        assert_eq!((ok.self_id.as_str(), ok.accept.as_str()), ("1", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        assert_eq!(read_handshake(None, &headers(&good[..2]), None), Err(Refusal::NoSelfId));
        assert_eq!(read_handshake(None, &headers(&good[1..]), None), Err(Refusal::NotUpgrade));
    }
}
