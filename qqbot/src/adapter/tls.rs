//! One TLS crypto provider for every HTTP and WebSocket client of the crate.
//!
//! reqwest and tokio-tungstenite are built on rustls without a bundled provider, so the process must choose one;
//! qqbot chooses `ring` (fast to build, no C toolchain beyond what `cc` needs). Every client is built through
//! [`http_client`], which installs it first. A program that installed another provider keeps its own.

use std::time::Duration;

/// Installs `ring` as the process's rustls provider unless one is already installed.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A reqwest client builder with the provider installed and qqbot's defaults: a user agent naming the framework,
/// a connect timeout.
pub fn http_client() -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder()
        .user_agent(concat!("qqbot/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
}
