//! Default logging: `RUST_LOG` if set, else `info` for qqbot; to standard error, so the console sandbox's
//! standard output carries only the bot's replies.

/// Installs the default subscriber unless the program installed one.
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,qqbot=info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr).try_init();
}
