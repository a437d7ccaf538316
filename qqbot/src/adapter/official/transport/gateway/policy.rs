//! What to do after a gateway connection ends, by close code (the platform's table, with the community's
//! corrections: 4009 resumes), and how long to wait before the next attempt.

use std::time::Duration;

/// The next step after a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// Reconnect and Resume the session (falls back to Identify after too many failed resumes).
    Resume,
    /// Reconnect and Identify a new session.
    Identify,
    /// Refresh the access token, then Identify.
    RefreshAndIdentify,
    /// Stop: retrying cannot help. The text says what to change.
    Fatal(String),
}

/// The step after the server closed the connection with `code`.
pub(crate) fn after_close(code: u16) -> Next {
    match code {
        4004 => Next::RefreshAndIdentify,
        4008 | 4009 => Next::Resume,
        4001 | 4002 | 4006 | 4007 | 4900..=4913 => Next::Identify,
        4010 => Next::Fatal("close 4010 (invalid shard): check `shard = [shard_id, shard_count]` in [official]".into()),
        4011 => Next::Fatal("close 4011 (too many guilds for one connection): raise the shard count in `shard`".into()),
        4012 => Next::Fatal("close 4012 (invalid gateway version): update qqbot".into()),
        4013 => Next::Fatal(
            "close 4013 (invalid intents): set valid `intents` in [official] (e.g. [\"GROUP_AND_C2C_EVENT\", \"INTERACTION\"])"
                .into(),
        ),
        4014 => Next::Fatal(
            "close 4014 (intent not permitted for this bot): set `intents` in [official] to what the console allows (public guild bots: PUBLIC_GUILD_MESSAGES, not GUILD_MESSAGES / FORUMS_EVENT)"
                .into(),
        ),
        4914 => Next::Fatal("close 4914 (bot delisted, sandbox only): set `sandbox = true` in [official]".into()),
        4915 => Next::Fatal("close 4915 (bot banned): see the QQ Open Platform console".into()),
        _ => Next::Resume,
    }
}

/// Reconnect delays: at once after a healthy session, then 1, 2, 5, 10, 30 and 60 seconds (and 60 from then on).
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    failures: usize,
}

const STEPS: [u64; 7] = [0, 1, 2, 5, 10, 30, 60];

impl Backoff {
    /// The delay before the next attempt; each call counts one more failure.
    pub(crate) fn next_delay(&mut self) -> Duration {
        let secs = STEPS[self.failures.min(STEPS.len() - 1)];
        self.failures = self.failures.saturating_add(1);
        Duration::from_secs(secs)
    }

    /// A session came up: the next drop reconnects at once.
    pub(crate) fn reset(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_and_backoff() {
        assert_eq!(after_close(4009), Next::Resume);
        assert_eq!(after_close(4007), Next::Identify);
        assert_eq!(after_close(4903), Next::Identify);
        assert_eq!(after_close(4004), Next::RefreshAndIdentify);
        assert!(matches!(after_close(4914), Next::Fatal(m) if m.contains("sandbox")));
        assert_eq!(after_close(1006), Next::Resume);
        let mut b = Backoff::default();
        let d: Vec<u64> = (0..9).map(|_| b.next_delay().as_secs()).collect();
        assert_eq!(d, vec![0, 1, 2, 5, 10, 30, 60, 60, 60]);
        b.reset();
        assert_eq!(b.next_delay().as_secs(), 0);
    }
}
