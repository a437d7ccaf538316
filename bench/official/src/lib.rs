//! Shared pieces of the official-platform benchmark: the wire constants both sides agree on, the webhook key
//! derivation the floors use (independent of qqbot, so the floor does not borrow the framework's code), command-line
//! flags, and CPU/RSS readings from `/proc`.
//!
//! The binaries: `official-load` plays the platform (signed webhook callbacks or a gateway, and the REST API the
//! bot replies to), `webhook-floor` and `gateway-floor` are the minimal bots doing the same work by hand, and
//! `official-bot` is the qqbot bot measured against them. `bench/official_e2e.py` runs them interleaved.

use std::collections::HashMap;

/// The appid the load generator's token endpoint accepts.
pub const APPID: &str = "102000777";
/// The secret the load generator signs callbacks with (and its token endpoint expects).
pub const SECRET: &str = "bench-secret-0123456789abcdef";
/// The access token the load generator hands out, and checks on every reply.
pub const TOKEN: &str = "bench-token-1";
/// The group every event comes from.
pub const GROUP: &str = "BENCHGROUP0001";
/// The webhook path the bots listen on.
pub const WEBHOOK_PATH: &str = "/qqbot/webhook";

/// The message id of event `i` (the bot sends it back as `msg_id`, which is how a reply is matched to its event).
pub fn message_id(i: u64) -> String {
    format!("ROBOT1.0_bench_{i}")
}

/// The event index in a message id made by [`message_id`].
pub fn parse_message_id(id: &str) -> Option<u64> {
    id.strip_prefix("ROBOT1.0_bench_")?.parse().ok()
}

/// The `d` of event `i`: a group @-message saying `/echo i`, shaped like the platform's.
pub fn group_at_message(i: u64) -> serde_json::Value {
    serde_json::json!({
        "id": message_id(i),
        "content": format!(" /echo {i}"),
        "timestamp": "2025-09-08T23:13:34+08:00",
        "author": {"id": "MEMBER1", "member_openid": "MEMBER1", "union_openid": "MEMBER1"},
        "group_id": GROUP,
        "group_openid": GROUP,
        "message_scene": {"source": "default"},
        "message_type": 0
    })
}

/// The ed25519 seed the platform derives from a bot secret: the secret repeated to 32 bytes.
pub fn seed_from_secret(secret: &str) -> [u8; 32] {
    let mut seed = [0u8; 32];
    let bytes = secret.as_bytes();
    if !bytes.is_empty() {
        for (i, b) in seed.iter_mut().enumerate() {
            *b = bytes[i % bytes.len()];
        }
    }
    seed
}

/// Installs rustls' ring provider, which reqwest (built without a default provider in this workspace) needs.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// `--name value` flags and everything after `--`.
#[derive(Debug, Default)]
pub struct Args {
    flags: HashMap<String, String>,
    /// The words after `--` (a command to run).
    pub rest: Vec<String>,
}

impl Args {
    /// Parses `std::env::args()`.
    pub fn parse() -> Args {
        let mut out = Args::default();
        let mut it = std::env::args().skip(1);
        while let Some(a) = it.next() {
            if a == "--" {
                out.rest = it.collect();
                break;
            }
            if let Some(name) = a.strip_prefix("--") {
                let value = it.next().unwrap_or_default();
                out.flags.insert(name.to_owned(), value);
            }
        }
        out
    }

    /// A flag's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.flags.get(name).map(String::as_str)
    }

    /// A flag parsed as a number, or `default`.
    pub fn num<T: std::str::FromStr>(&self, name: &str, default: T) -> T {
        self.get(name).and_then(|v| v.parse().ok()).unwrap_or(default)
    }
}

/// An environment variable, or `default`.
pub fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// CPU time (user + system) of a process, in microseconds, from `/proc/{pid}/stat`.
pub fn cpu_micros(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are plain.
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) * 1_000_000 / clock_ticks())
}

fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    // 100 on every Linux this runs on; asked once from getconf, so a kernel with another HZ is still right.
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100)
    })
}

/// `VmRSS` and `VmHWM` (peak) of a process, in KiB.
pub fn rss_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Fetches the access token from `token_url`, retrying for up to ten seconds while the endpoint is not up yet (a
/// floor started before the load generator, under a profiler).
pub async fn fetch_token(http: &reqwest::Client, token_url: &str, appid: &str, secret: &str) -> Result<String, String> {
    let body = serde_json::json!({"appId": appid, "clientSecret": secret});
    let mut last = String::new();
    for _ in 0..100 {
        match http.post(token_url).json(&body).send().await {
            Ok(resp) => {
                let answer: serde_json::Value = resp.json().await.map_err(|e| e.to_string())?;
                return answer["access_token"]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("no access_token: {answer}"));
            }
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err(format!("the token endpoint did not answer: {last}"))
}

/// The `d` of a group @-message, as much of it as a floor reads.
#[derive(serde::Deserialize)]
pub struct GroupMessage {
    /// The message id, the reply's `msg_id`.
    pub id: String,
    /// The text.
    pub content: String,
    /// The group, where the reply goes.
    pub group_openid: String,
}

/// What both hand-written floors reply with: one kept-alive REST client and the headers every reply carries.
pub struct Replier {
    /// The REST client (kept-alive connections).
    pub http: reqwest::Client,
    /// The API base URL.
    pub api_base: String,
    /// The `X-Union-Appid` header.
    pub appid: String,
    /// The `Authorization` header, `QQBot <token>`.
    pub authorization: String,
}

impl Replier {
    /// From the environment a qqbot bot reads (`QQBOT_APPID`, `QQBOT_SECRET`, `QQBOT_API_BASE`,
    /// `QQBOT_TOKEN_URL`), with the access token fetched. Returns the secret too (the webhook floor derives its
    /// key from it).
    pub async fn from_env() -> Result<(Replier, String), String> {
        let appid = env_or("QQBOT_APPID", "");
        let secret = env_or("QQBOT_SECRET", "");
        let api_base = env_or("QQBOT_API_BASE", "http://127.0.0.1:8080");
        let token_url = env_or("QQBOT_TOKEN_URL", &format!("{api_base}/app/getAppAccessToken"));
        let http = reqwest::Client::new();
        let token = fetch_token(&http, &token_url, &appid, &secret).await?;
        Ok((Replier { http, api_base, appid, authorization: format!("QQBot {token}") }, secret))
    }

    /// Posts `text` as the passive reply to `d` (`msg_seq` 1: one reply per message), reading the answer's body.
    pub async fn reply(&self, d: &GroupMessage, text: String, who: &str) {
        let url = format!("{}/v2/groups/{}/messages", self.api_base, d.group_openid);
        let reply = serde_json::json!({"content": text, "msg_type": 0, "msg_id": d.id, "msg_seq": 1});
        let sent = self
            .http
            .post(url)
            .header("Authorization", &self.authorization)
            .header("X-Union-Appid", &self.appid)
            .json(&reply)
            .send()
            .await;
        match sent {
            Ok(resp) => {
                let _ = resp.bytes().await;
            }
            Err(e) => eprintln!("{who}: reply failed: {e}"),
        }
    }
}
