//! Which way the bot reaches QQ, and the platform payload every event carries beside its neutral form.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// The platform an event came from or a bot is connected to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Platform {
    /// The console sandbox: no account, no network.
    Console,
    /// A OneBot v11 implementation (NapCat, Lagrange, go-cqhttp, LLOneBot).
    OneBot,
    /// The official QQ Open Platform (guild, group and C2C bots).
    Official,
}

impl Platform {
    /// A short lowercase name: `console`, `onebot`, `official`.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Console => "console",
            Platform::OneBot => "onebot",
            Platform::Official => "official",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The adapter's typed payload of an event, kept beside the platform-neutral fields.
///
/// Adapters put their own decoded structure here (`qqbot::adapter::onebot::OneBotEvent`,
/// `qqbot::adapter::official::OfficialEvent`); `event.platform_data::<T>()` reads it back.
#[derive(Clone, Default)]
pub struct PlatformData(Option<Arc<dyn Any + Send + Sync>>);

impl PlatformData {
    /// No platform payload (console events, events built in tests).
    pub const fn none() -> Self {
        PlatformData(None)
    }

    /// Wraps an adapter's payload.
    pub fn new<T: Any + Send + Sync>(value: T) -> Self {
        PlatformData(Some(Arc::new(value)))
    }

    /// Wraps an adapter's payload that is already shared.
    pub fn from_arc<T: Any + Send + Sync>(value: Arc<T>) -> Self {
        PlatformData(Some(value))
    }

    /// The payload, if it is a `T`.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.0.as_deref().and_then(|v| (v as &dyn Any).downcast_ref::<T>())
    }

    /// Whether there is a payload.
    pub fn is_some(&self) -> bool {
        self.0.is_some()
    }
}

impl fmt::Debug for PlatformData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(_) => f.write_str("PlatformData(..)"),
            None => f.write_str("PlatformData(None)"),
        }
    }
}
