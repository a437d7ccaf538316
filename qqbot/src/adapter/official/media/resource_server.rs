//! The resource server: an HTTP server Tencent fetches media from. One per port in the whole process, shared by
//! every account that asks for that port (as in AmiyaBot, one resource server per port).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, LazyLock, Weak};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Response, StatusCode, Uri, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::{Mutex, watch};

use super::error::MediaError;
use super::options::{HttpServerOptions, ResourceServerOptions};
use super::resource_store::ResourceStore;
use super::sniff::content_type;
use crate::error::Result;

/// The running servers, by port. Weak, so a server stops when the last account using it lets go of it.
static SERVERS: LazyLock<Mutex<HashMap<u16, Weak<ResourceServer>>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// A running resource server. Obtain it with [`ResourceServer::start`]; it stops (and its port is freed) when the
/// last `Arc` to it is dropped.
#[derive(Debug)]
pub struct ResourceServer {
    store: Arc<ResourceStore>,
    options: ResourceServerOptions,
    local_addr: SocketAddr,
    base_url: String,
    stop: watch::Sender<bool>,
}

impl ResourceServer {
    /// Starts the server for `options.port`, or returns the one already running on that port in this process.
    ///
    /// Every account asking for the same port must pass the same options; otherwise this fails with
    /// [`MediaError::OptionsMismatch`]. Port 0 starts a new server on a free port each time; its
    /// [`local_addr`](Self::local_addr) port can then be asked for by the other accounts.
    pub async fn start(options: ResourceServerOptions) -> Result<Arc<ResourceServer>> {
        let prefix = options.validated_prefix()?;
        let mut servers = SERVERS.lock().await;
        servers.retain(|_, server| server.strong_count() > 0);
        if options.port != 0
            && let Some(running) = servers.get(&options.port).and_then(Weak::upgrade)
        {
            if let Some(difference) = difference(&running.options, &options) {
                return Err(MediaError::OptionsMismatch { port: options.port, difference }.into());
            }
            return Ok(running);
        }
        let server = Arc::new(Self::bind(options, prefix).await?);
        servers.insert(server.local_addr.port(), Arc::downgrade(&server));
        Ok(server)
    }

    async fn bind(mut options: ResourceServerOptions, prefix: String) -> Result<ResourceServer> {
        let addr = format!("{}:{}", options.host, options.port);
        // The (host, port) form also takes IPv6 hosts such as `::` without brackets.
        let listener = tokio::net::TcpListener::bind((options.host.as_str(), options.port))
            .await
            .map_err(|source| MediaError::Bind { addr: addr.clone(), source })?;
        let local_addr = listener.local_addr().map_err(|source| MediaError::Bind { addr, source })?;
        // Remember the real port, so accounts asking for it later compare equal.
        options.port = local_addr.port();
        let store =
            Arc::new(ResourceStore::open(&options.resource_path, options.ttl, options.http.max_file_size).await?);
        let public = match &options.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let ip = match local_addr.ip() {
                    ip if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
                    ip => ip,
                };
                tracing::warn!(
                    "the resource server has no public_url, so Tencent is told http://{}: set `public_url` (or \
                     QQBOT_RESOURCE_PUBLIC_URL) to the address Tencent can reach",
                    SocketAddr::new(ip, local_addr.port())
                );
                format!("http://{}", SocketAddr::new(ip, local_addr.port()))
            }
        };
        let base_url = format!("{public}{prefix}/");
        let (stop, stopped) = watch::channel(false);

        let app = axum::Router::new()
            .fallback(serve_file)
            .with_state(Arc::new(Route { store: Arc::clone(&store), prefix: format!("{prefix}/") }));
        tokio::spawn(accept_until_stopped(listener, app, options.http.clone(), stopped.clone()));
        tokio::spawn(sweep_until_stopped(Arc::clone(&store), options.sweep_interval, stopped));

        tracing::info!(addr = %local_addr, dir = %store.dir().display(), base_url = %base_url, "resource server started");
        Ok(ResourceServer { store, options, local_addr, base_url, stop })
    }

    /// Stores a file and returns the URL it is served at until it expires.
    ///
    /// `extension` (like `png`, `silk`) ends the file name, which some clients use to pick a format.
    pub async fn store(&self, bytes: &[u8], extension: Option<&str>) -> Result<String> {
        let name = self.store.put(bytes, extension).await?;
        Ok(format!("{}{name}", self.base_url))
    }

    /// Deletes expired files now (the server also does it every `sweep_interval`); returns how many.
    pub async fn sweep(&self) -> usize {
        self.store.sweep().await
    }

    /// How many files are being served.
    pub fn file_count(&self) -> usize {
        self.store.len()
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The URL files are served under, ending in `/` (`https://bot.example.com/resource/`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The options the server runs with (`port` is the real port, also when 0 was asked for).
    pub fn options(&self) -> &ResourceServerOptions {
        &self.options
    }
}

impl Drop for ResourceServer {
    fn drop(&mut self) {
        // Stops the HTTP server and the sweeper; a later `start` on this port binds a new one.
        let _ = self.stop.send(true);
    }
}

/// The first option in which two sets differ, as `name: running vs asked`.
fn difference(running: &ResourceServerOptions, asked: &ResourceServerOptions) -> Option<String> {
    let pairs = [
        ("host", running.host.clone(), asked.host.clone()),
        ("resource_path", running.resource_path.display().to_string(), asked.resource_path.display().to_string()),
        ("public_url", format!("{:?}", running.public_url), format!("{:?}", asked.public_url)),
        ("ttl_secs", format!("{:?}", running.ttl), format!("{:?}", asked.ttl)),
        ("sweep_interval_secs", format!("{:?}", running.sweep_interval), format!("{:?}", asked.sweep_interval)),
        ("http", format!("{:?}", running.http), format!("{:?}", asked.http)),
    ];
    pairs.into_iter().find(|(_, a, b)| a != b).map(|(name, a, b)| format!("{name}: {a} vs {b}"))
}

struct Route {
    store: Arc<ResourceStore>,
    /// The prefix with its trailing slash: `/resource/`.
    prefix: String,
}

/// Answers every request: a GET or HEAD of `<prefix>/<one of our names>` gets the file, anything else 404. The raw
/// path is compared, never decoded, so `..`, `%2e%2e`, `%2f` and absolute paths cannot name another file.
async fn serve_file(State(route): State<Arc<Route>>, method: Method, uri: Uri) -> Response<Body> {
    if method != Method::GET && method != Method::HEAD {
        return status(StatusCode::METHOD_NOT_ALLOWED);
    }
    let Some(name) = uri.path().strip_prefix(route.prefix.as_str()) else {
        return status(StatusCode::NOT_FOUND);
    };
    let Some(bytes) = route.store.get(name).await else {
        return status(StatusCode::NOT_FOUND);
    };
    let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(extension)));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
    response
}

fn status(code: StatusCode) -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = code;
    response
}

/// Accepts connections until the server is dropped. Each connection is served by hyper with a header read
/// timeout and a lifetime limit, so slow or idle clients cannot pile up on a server that faces the internet.
async fn accept_until_stopped(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    http: HttpServerOptions,
    mut stopped: watch::Receiver<bool>,
) {
    let stop = async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    tokio::pin!(stop);
    loop {
        let stream = tokio::select! {
            () = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little instead of spinning.
                    tracing::warn!(error = %e, "the resource server cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let service = TowerToHyperService::new(app.clone());
        let (header_timeout, lifetime) = (http.header_read_timeout, http.connection_timeout);
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            match tokio::time::timeout(lifetime, connection).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::debug!(error = %e, "resource server connection ended with an error"),
                Err(_) => tracing::debug!("resource server connection closed after connection_timeout"),
            }
        });
    }
}

async fn sweep_until_stopped(store: Arc<ResourceStore>, every: Duration, mut stopped: watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let stop = async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = ticks.tick() => {
                let deleted = store.sweep().await;
                if deleted > 0 {
                    tracing::debug!(deleted, "expired resource files deleted");
                }
            }
        }
    }
}
