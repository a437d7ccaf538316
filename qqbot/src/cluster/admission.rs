//! Admitting an event: one script per event that de-duplicates it across instances and, for a message, finds the
//! handler waiting for it anywhere in the cluster.
//!
//! Keys (under the prefix):
//! - `seen:{platform}:{self_id}:{id}` — set with `NX` and a TTL by the first instance that admits the event; its
//!   value names that instance. A second delivery of the same event, to any instance, finds it and is dropped.
//! - `wait:{platform}:{self_id}:{scene}:{target}:{user or *}` — a list of waiting handlers, oldest first, each
//!   `deadline_ms|instance|waiter`. The script pops the oldest live one, so exactly one instance receives the
//!   message; entries past their deadline (their handler timed out, or its instance died) are dropped on the way.
//!
//! When nobody waits, admitting a message is this one round trip.

use redis::Script;

use crate::event::{Event, MessageEvent, Platform, Target};

/// What the cluster says about an incoming event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Another delivery of an event some instance already took: drop it.
    Duplicate,
    /// New here and nobody in the cluster waits for it: handle it as usual.
    Fresh,
    /// A handler waits for this message in `instance` (possibly this one), as waiter number `waiter` there.
    Waiter { instance: String, waiter: u64 },
}

pub(crate) const ADMIT: &str = r"
if ARGV[1] ~= '' then
  if not redis.call('SET', ARGV[1], ARGV[3], 'NX', 'PX', ARGV[2]) then return {0} end
end
local now = tonumber(ARGV[4])
for i = 5, 6 do
  local k = ARGV[i]
  if k ~= '' then
    while true do
      local e = redis.call('LPOP', k)
      if not e then break end
      local deadline, inst, w = string.match(e, '^(%d+)|([^|]+)|(%d+)$')
      if deadline and tonumber(deadline) > now then return {1, inst, w} end
    end
  end
end
return {2}
";

/// Registers a waiting handler: appends it and keeps the list alive at least until its deadline.
pub(crate) const REGISTER: &str = r"
redis.call('RPUSH', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
";

pub(crate) fn admit_script() -> Script {
    Script::new(ADMIT)
}

pub(crate) fn register_script() -> Script {
    Script::new(REGISTER)
}

/// The de-duplication id of an event: the platform's event id, else the message id; `None` for events that carry
/// neither (OneBot notices), which are never treated as duplicates.
pub(crate) fn event_id(event: &Event) -> Option<(&str, Platform, &str)> {
    match event {
        Event::Message(m) => {
            let id = m.event_id.as_deref().filter(|s| !s.is_empty()).unwrap_or(&m.message_id);
            (!id.is_empty()).then_some((m.self_id.as_str(), m.platform, id))
        }
        Event::Notice(n) => {
            n.event_id.as_deref().filter(|s| !s.is_empty()).map(|id| (n.self_id.as_str(), n.platform, id))
        }
    }
}

/// The key of the handlers waiting in one conversation: for one user, or for anyone there (`user = None`).
pub(crate) fn wait_key(prefix: &str, platform: Platform, self_id: &str, target: &Target, user: Option<&str>) -> String {
    format!("{prefix}:wait:{platform}:{self_id}:{target}:{}", user.unwrap_or("*"))
}

/// Both wait keys a message can satisfy: its sender's, then anyone's.
pub(crate) fn wait_keys(prefix: &str, m: &MessageEvent) -> (String, String) {
    let target = m.target();
    (
        wait_key(prefix, m.platform, &m.self_id, &target, Some(&m.sender.user_id)),
        wait_key(prefix, m.platform, &m.self_id, &target, None),
    )
}

/// One waiting handler, as stored in a wait list.
pub(crate) fn wait_entry(deadline_ms: u64, instance: &str, waiter: u64) -> String {
    format!("{deadline_ms}|{instance}|{waiter}")
}
