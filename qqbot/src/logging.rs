//! Default logging: `RUST_LOG` if set, else `info` for qqbot; to standard error, so the console sandbox's
//! standard output carries only the bot's replies.

use tracing::Level;
use tracing_subscriber::filter::{EnvFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Without `RUST_LOG`: warnings from everyone, and qqbot's own information lines.
const DEFAULT: &str = "warn,qqbot=info";

/// Installs the default subscriber unless the program installed one.
///
/// `RUST_LOG` lists of `level` and `target=level` — what bot authors write — are read as a [`Targets`] filter;
/// only a spec with span or field filters (`[…]`, `{…}`) gets an [`EnvFilter`], which costs far more code and
/// memory to set up. An invalid spec falls back to the default.
pub fn init() {
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let fmt = tracing_subscriber::fmt::layer().with_ansi(ansi).with_writer(std::io::stderr);
    let spec = std::env::var("RUST_LOG").unwrap_or_default();
    let registry = tracing_subscriber::registry().with(fmt);
    let _ = if spec.contains(['[', '{']) {
        registry.with(EnvFilter::try_new(&spec).unwrap_or_else(|_| EnvFilter::new(DEFAULT))).try_init()
    } else {
        registry.with(targets(&spec)).try_init()
    };
}

/// The filter for a `level` / `target=level` list; the default for an empty or invalid one.
fn targets(spec: &str) -> Targets {
    match spec.trim() {
        "" => default_targets(),
        spec => spec.parse().unwrap_or_else(|_| default_targets()),
    }
}

fn default_targets() -> Targets {
    Targets::new().with_default(Level::WARN).with_target("qqbot", Level::INFO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_lists_become_targets_and_junk_falls_back_to_the_default() {
        let t = targets("error,qqbot::onebot=debug");
        assert!(t.would_enable("qqbot::onebot::link", &Level::DEBUG));
        assert!(!t.would_enable("qqbot::session", &Level::WARN));
        assert!(t.would_enable("tokio", &Level::ERROR));
        for spec in ["", "  ", "qqbot=loud"] {
            let t = targets(spec);
            assert!(t.would_enable("qqbot::app", &Level::INFO), "{spec:?}");
            assert!(!t.would_enable("hyper", &Level::INFO), "{spec:?}");
            assert!(t.would_enable("hyper", &Level::WARN), "{spec:?}");
        }
        assert_eq!(DEFAULT.parse::<Targets>().ok().map(|t| t.to_string()), Some(default_targets().to_string()));
    }
}
