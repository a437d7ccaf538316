//! Where a session lives (its [`Scope`] and identify), and where it is in its life cycle ([`SessionStatus`]).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The scope of a session (qg_botsdk's `Scope`): whose state it is.
///
/// The identify inside the scope is taken from the current event when not given: the sender for `USER`, the
/// group for `GROUP`, the guild for `GUILD`, the channel for `CHANNEL`; `GLOBAL` has none.
#[allow(clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Scope {
    /// One user (只在当前用户有效).
    USER,
    /// One guild (频道).
    GUILD,
    /// One guild channel (子频道).
    CHANNEL,
    /// One QQ group (QQ 群).
    GROUP,
    /// The whole bot (全局).
    GLOBAL,
}

impl Scope {
    /// Every scope, in declaration order.
    pub const ALL: [Scope; 5] = [Scope::USER, Scope::GUILD, Scope::CHANNEL, Scope::GROUP, Scope::GLOBAL];

    /// The scope's name as written in stores: `USER`, `GUILD`, `CHANNEL`, `GROUP`, `GLOBAL`.
    pub fn name(self) -> &'static str {
        match self {
            Scope::USER => "USER",
            Scope::GUILD => "GUILD",
            Scope::CHANNEL => "CHANNEL",
            Scope::GROUP => "GROUP",
            Scope::GLOBAL => "GLOBAL",
        }
    }

    /// Parses a name written by [`Scope::name`].
    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a session is in its life cycle (qg_botsdk's `SessionStatus`).
///
/// `ACTIVE` —(its timeout passes with no operation, or `end()`)→ `INACTIVE` —(its `inactive_gc_timeout`)→ removed.
/// `HANGING` ignores the timeout and becomes `ACTIVE` again on its next operation.
#[allow(clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SessionStatus {
    /// Running: times out when its timeout passes without an operation.
    ACTIVE,
    /// Ended (timed out or `end()`ed): removed once its `inactive_gc_timeout` has passed.
    INACTIVE,
    /// Paused: never times out; the next operation makes it `ACTIVE` again.
    HANGING,
}

impl fmt::Display for SessionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SessionStatus::ACTIVE => "ACTIVE",
            SessionStatus::INACTIVE => "INACTIVE",
            SessionStatus::HANGING => "HANGING",
        })
    }
}

/// The full name of one session: scope, identify inside the scope (empty for `GLOBAL`) and key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SessionId {
    /// The scope.
    pub scope: Scope,
    /// The user, group, guild or channel id inside the scope; empty for [`Scope::GLOBAL`].
    pub identify: String,
    /// The session's key, chosen by the bot author (`"guess_number"`).
    pub key: String,
}

impl SessionId {
    /// A session id. `identify` is ignored (left empty) for [`Scope::GLOBAL`].
    pub fn new(scope: Scope, identify: impl Into<String>, key: impl Into<String>) -> Self {
        let identify = if scope == Scope::GLOBAL { String::new() } else { identify.into() };
        SessionId { scope, identify, key: key.into() }
    }

    /// A [`Scope::GLOBAL`] session id.
    pub fn global(key: impl Into<String>) -> Self {
        SessionId::new(Scope::GLOBAL, "", key)
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scope == Scope::GLOBAL {
            write!(f, "{}::{}", self.scope, self.key)
        } else {
            write!(f, "{}::{}::{}", self.scope, self.identify, self.key)
        }
    }
}

/// Which sessions an operation such as `remove` applies to; every part left out matches everything
/// (qg_botsdk's `remove(scope, identify, key)`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionFilter {
    /// Only this scope.
    pub scope: Option<Scope>,
    /// Only this identify.
    pub identify: Option<String>,
    /// Only this key.
    pub key: Option<String>,
}

impl SessionFilter {
    /// Every session.
    pub fn all() -> Self {
        SessionFilter::default()
    }

    /// Only sessions of `scope`.
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = Some(scope);
        self
    }

    /// Only sessions with this identify.
    pub fn identify(mut self, identify: impl Into<String>) -> Self {
        self.identify = Some(identify.into());
        self
    }

    /// Only sessions with this key.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Exactly one session.
    pub fn id(id: &SessionId) -> Self {
        SessionFilter { scope: Some(id.scope), identify: Some(id.identify.clone()), key: Some(id.key.clone()) }
    }

    /// Whether `id` is selected.
    pub fn matches(&self, id: &SessionId) -> bool {
        self.scope.is_none_or(|s| s == id.scope)
            && self.identify.as_ref().is_none_or(|i| *i == id.identify)
            && self.key.as_ref().is_none_or(|k| *k == id.key)
    }
}
