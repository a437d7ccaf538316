//! A command's trigger regex, compiled when a message first needs it.
//!
//! A `#[command(regex = …)]` pattern is validated while the macro expands, so nothing is left to check at start-up;
//! compiling it then would only cost memory and start-up time in bots whose traffic never reaches it (a Unicode
//! `\d` alone builds an automaton of several hundred KiB). The dispatcher evaluates regex commands only when no
//! earlier command in dispatch order has already taken the message.

use std::fmt;
use std::sync::OnceLock;

use regex::Regex;

/// A trigger regex: its pattern, and the compiled [`Regex`] once something asked for it.
#[derive(Clone)]
pub struct TriggerRegex {
    pattern: Box<str>,
    compiled: OnceLock<Option<Regex>>,
}

impl TriggerRegex {
    /// A pattern already known to compile (the `#[command]` macro checked it), compiled on first use.
    ///
    /// Should it fail after all (a different `regex` version than the macro's), the command is logged once and
    /// never triggers instead of panicking in the middle of a message.
    pub fn validated(pattern: &str) -> Self {
        TriggerRegex { pattern: pattern.into(), compiled: OnceLock::new() }
    }

    /// The pattern's source text.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// The compiled regex; `None` only for a pattern that does not compile.
    pub fn get(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| match Regex::new(&self.pattern) {
                Ok(r) => Some(r),
                Err(e) => {
                    tracing::error!(pattern = %self.pattern, "a trigger regex does not compile, so it never matches: {e}");
                    None
                }
            })
            .as_ref()
    }

    /// Whether it has been compiled already.
    pub fn is_compiled(&self) -> bool {
        self.compiled.get().is_some()
    }
}

impl From<Regex> for TriggerRegex {
    fn from(regex: Regex) -> Self {
        TriggerRegex { pattern: regex.as_str().into(), compiled: OnceLock::from(Some(regex)) }
    }
}

impl fmt::Debug for TriggerRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TriggerRegex").field(&self.pattern).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_on_first_use_only() {
        let r = TriggerRegex::validated(r"^\d+$");
        assert!(!r.is_compiled());
        assert!(r.get().is_some_and(|r| r.is_match("42")));
        assert!(r.is_compiled());
    }

    #[test]
    fn a_bad_pattern_never_matches_instead_of_panicking() {
        let r = TriggerRegex::validated("(");
        assert!(r.get().is_none());
        assert_eq!(r.as_str(), "(");
    }

    #[test]
    fn a_compiled_regex_stays_compiled() {
        let r = TriggerRegex::from(Regex::new("a+").unwrap());
        assert!(r.is_compiled());
        assert_eq!(r.as_str(), "a+");
    }
}
