//! Two bot accounts in one process sharing one resource server (seed 000: the resource server is one per port,
//! "端口单例", so every account configured with the same port uses the same server and folder).
//!
//! ```text
//! cargo run --example multi_account
//! ```
//!
//! Each account builds its media `ChainBuilder` from the same `[official.resource]` options, as the official
//! adapter does when it starts an account: the first one starts the server, the second joins it. The example
//! then prepares a picture for each account, reads both back from the shared server, and exits.
//!
//! Environment: `QQBOT_RESOURCE_PORT` (default 8086; when 8086 is busy the example picks a free port instead),
//! `QQBOT_RESOURCE_HOST`, `QQBOT_RESOURCE_PATH`, `QQBOT_RESOURCE_PUBLIC_URL`.

use std::sync::Arc;

use qqbot::adapter::official::media::{
    ChainBuilder, MediaError, MediaSource, ResourceChainBuilder, ResourceServerOptions,
};
use qqbot::message::Media;

/// One bot account of the process (with the official adapter, its appid and secret come from `qqbot.toml`).
struct Account {
    name: &'static str,
    media: ResourceChainBuilder,
}

async fn start_account(name: &'static str, options: ResourceServerOptions) -> qqbot::Result<Account> {
    Ok(Account { name, media: ResourceChainBuilder::start(options).await? })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    qqbot::logging::init();
    let dir = std::env::temp_dir().join(format!("qqbot-multi-account-{}", std::process::id()));
    let mut options = ResourceServerOptions {
        host: "127.0.0.1".into(),
        resource_path: dir.join("resource"),
        ..ResourceServerOptions::default()
    };
    options.apply_env()?;

    let alice = match start_account("alice", options.clone()).await {
        Ok(account) => account,
        Err(qqbot::Error::Adapter(e)) if matches!(e.downcast_ref::<MediaError>(), Some(MediaError::Bind { .. })) => {
            println!("port {} is busy ({e}); using a free port for this demonstration", options.port);
            options.port = 0;
            start_account("alice", options.clone()).await?
        }
        Err(e) => return Err(e.into()),
    };
    // The second account asks for the same port and gets the running server.
    options.port = alice.media.server().local_addr().port();
    let bob = start_account("bob", options).await?;
    let shared = Arc::ptr_eq(alice.media.server(), bob.media.server());
    println!(
        "alice and bob share one resource server: {shared} (listening on {}, serving {})",
        alice.media.server().local_addr(),
        alice.media.server().base_url()
    );
    if !shared {
        return Err("the two accounts did not share the resource server".into());
    }

    std::fs::create_dir_all(&dir)?;
    let client = qqbot::tls::http_client().build()?;
    for account in [&alice, &bob] {
        let picture = dir.join(format!("{}.png", account.name));
        let bytes = [b"\x89PNG\r\n\x1a\n".as_slice(), account.name.as_bytes()].concat();
        std::fs::write(&picture, &bytes)?;
        let MediaSource::Url(url) = account.media.get_image(&Media::new(picture.display().to_string())).await? else {
            return Err("the resource server gave bytes instead of a URL".into());
        };
        let served = client.get(&url).send().await?.error_for_status()?.bytes().await?;
        if served.as_ref() != bytes.as_slice() {
            return Err(format!("{url} served other bytes than {}'s picture", account.name).into());
        }
        println!("{}'s picture is served at {url}", account.name);
    }
    println!("files on the shared server: {}", alice.media.server().file_count());

    // Dropping the last account stops the server and frees the port.
    drop((alice, bob));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
