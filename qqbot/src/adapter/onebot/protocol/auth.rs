//! Access tokens and `X-Signature`: checked in constant time, never logged.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// What a request's credentials amount to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// No token is configured, or the right one was given.
    Ok,
    /// A token is configured and none was given (HTTP 401).
    Missing,
    /// A wrong token was given (HTTP 403).
    Wrong,
}

/// Checks `Authorization: Bearer <t>` (also `Token <t>` and a bare token, which some clients send) or the
/// `access_token` query parameter against `expected`.
pub(crate) fn check_token(expected: Option<&str>, authorization: Option<&str>, query: Option<&str>) -> Auth {
    let Some(expected) = expected.filter(|t| !t.is_empty()) else { return Auth::Ok };
    let from_header = authorization.map(|h| {
        let h = h.trim();
        ["Bearer", "bearer", "Token", "token"].iter().find_map(|p| h.strip_prefix(p)).unwrap_or(h).trim()
    });
    let from_query =
        query.and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("access_token=")).map(percent_decode));
    // NapCat always sends `Authorization: Bearer ` (empty) when it has no token; the query may still carry one.
    let given: Vec<String> =
        from_header.filter(|t| !t.is_empty()).map(str::to_owned).into_iter().chain(from_query).collect();
    if given.is_empty() {
        return Auth::Missing;
    }
    if given.iter().any(|g| constant_time_eq(g.as_bytes(), expected.as_bytes())) { Auth::Ok } else { Auth::Wrong }
}

/// Compares without stopping at the first difference, so timing does not reveal how much of a token matched.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

fn percent_decode(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'%' => {
                let mut ahead = bytes.clone();
                let hex = |b: Option<u8>| b.and_then(|b| (b as char).to_digit(16));
                match (hex(ahead.next()), hex(ahead.next())) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        bytes = ahead;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The result of checking `X-Signature: sha1=<hex>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signature {
    /// No secret configured, or the signature matches.
    Ok,
    /// A secret is configured and the header is absent.
    Missing,
    /// The header does not match the body.
    Bad,
}

/// Verifies the HMAC-SHA1 of the raw body with `secret`, in constant time.
pub(crate) fn check_signature(secret: Option<&str>, header: Option<&str>, body: &[u8]) -> Signature {
    let Some(secret) = secret.filter(|s| !s.is_empty()) else { return Signature::Ok };
    let Some(header) = header else { return Signature::Missing };
    let hex = header.trim().strip_prefix("sha1=").unwrap_or(header.trim());
    let Some(expected) = decode_hex(hex) else { return Signature::Bad };
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret.as_bytes()) else { return Signature::Bad };
    mac.update(body);
    if mac.verify_slice(&expected).is_ok() { Signature::Ok } else { Signature::Bad }
}

/// `sha1=<hex>` for `body` (what implementations send; the fake NapCat uses it).
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha1>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        // HMAC takes keys of any length; this arm is unreachable in practice.
        Err(_) => return String::new(),
    };
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut out = String::from("sha1=");
    for b in digest.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let digits: Option<Vec<u8>> = s.chars().map(|c| c.to_digit(16).map(|d| d as u8)).collect();
    let digits = digits?;
    Some(digits.chunks(2).map(|p| p.first().copied().unwrap_or(0) * 16 + p.get(1).copied().unwrap_or(0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_from_header_or_query() {
        assert_eq!(check_token(None, None, None), Auth::Ok);
        assert_eq!(check_token(Some("t"), Some("Bearer t"), None), Auth::Ok);
        assert_eq!(check_token(Some("t"), Some("Bearer "), Some("access_token=t")), Auth::Ok);
        assert_eq!(check_token(Some("a b"), None, Some("x=1&access_token=a%20b")), Auth::Ok);
        assert_eq!(check_token(Some("t"), Some("Bearer "), None), Auth::Missing);
        assert_eq!(check_token(Some("t"), Some("Bearer u"), None), Auth::Wrong);
        assert_eq!(check_token(Some("t"), None, Some("access_token=tt")), Auth::Wrong);
    }

    #[test]
    fn signature_matches_the_corpus_vector() {
        let body = "{\"time\":1515204254,\"self_id\":10001000,\"post_type\":\"message\",\"message_type\":\"private\",\"sub_type\":\"friend\",\"message_id\":12,\"user_id\":12345678,\"message\":\"你好～\",\"raw_message\":\"你好～\",\"font\":456,\"sender\":{\"nickname\":\"小不点\",\"sex\":\"male\",\"age\":18}}";
        let header = "sha1=797da3a58d6feffb694ccf56f7138f272aa62cf9";
        assert_eq!(sign("test-secret", body.as_bytes()), header);
        assert_eq!(check_signature(Some("test-secret"), Some(header), body.as_bytes()), Signature::Ok);
        assert_eq!(check_signature(Some("test-secret"), Some("sha1=00"), body.as_bytes()), Signature::Bad);
        assert_eq!(check_signature(Some("test-secret"), Some("sha1=zz"), body.as_bytes()), Signature::Bad);
        assert_eq!(check_signature(Some("test-secret"), None, body.as_bytes()), Signature::Missing);
        assert_eq!(check_signature(None, None, body.as_bytes()), Signature::Ok);
    }
}
