//! The resource server's options (AmiyaBot's `QQGroupChainBuilderOptions`), read from the adapter's
//! `[official.resource]` table and the environment.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use super::error::MediaError;

/// Where and how the resource server serves media to Tencent.
///
/// ```toml
/// [official.resource]
/// host = "0.0.0.0"                          # listen address
/// port = 8086                               # one server per port, shared by every account in the process
/// resource_path = "./resource"              # folder for the temporary files
/// public_url = "https://bot.example.com:8086" # how Tencent reaches this server (required in production)
/// ttl_secs = 3600                           # files are deleted this long after they were written
/// sweep_interval_secs = 60                  # how often expired files are looked for
///
/// [official.resource.http]
/// route_prefix = "/resource"
/// max_file_size = 67108864
/// header_read_timeout_secs = 10
/// connection_timeout_secs = 120
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ResourceServerOptions {
    /// The address to listen on (`QQBOT_RESOURCE_HOST`); default `0.0.0.0`.
    pub host: String,
    /// The port (`QQBOT_RESOURCE_PORT`); default 8086. `0` picks a free port (and is then never shared).
    pub port: u16,
    /// The folder files are written to (`QQBOT_RESOURCE_PATH`); default `./resource`.
    pub resource_path: PathBuf,
    /// The URL Tencent uses to reach this server, scheme, host and port, optionally a path
    /// (`QQBOT_RESOURCE_PUBLIC_URL`), e.g. `https://bot.example.com` behind a reverse proxy. When unset, it is
    /// `http://<host>:<port>` (with `127.0.0.1` for `0.0.0.0`), which only works for local testing.
    pub public_url: Option<String>,
    /// How long a file is served after it was written; the platform fetches it within seconds. Default 1 hour.
    #[serde(rename = "ttl_secs", deserialize_with = "seconds")]
    pub ttl: Duration,
    /// How often expired files are deleted. Default 1 minute.
    #[serde(rename = "sweep_interval_secs", deserialize_with = "seconds")]
    pub sweep_interval: Duration,
    /// Options of the HTTP server itself.
    pub http: HttpServerOptions,
}

impl Default for ResourceServerOptions {
    fn default() -> Self {
        ResourceServerOptions {
            host: "0.0.0.0".into(),
            port: 8086,
            resource_path: PathBuf::from("./resource"),
            public_url: None,
            ttl: Duration::from_secs(3600),
            sweep_interval: Duration::from_secs(60),
            http: HttpServerOptions::default(),
        }
    }
}

/// Options of the HTTP server that serves the files (AmiyaBot's `http_server_options`).
///
/// The server faces the internet, so slow clients are cut off: one that has not sent its request headers within
/// `header_read_timeout_secs`, and any connection older than `connection_timeout_secs`, is closed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpServerOptions {
    /// The URL path files are served under; default `/resource` (so `…/resource/<name>`).
    pub route_prefix: String,
    /// The largest file accepted for serving, in bytes; default 64 MiB.
    pub max_file_size: u64,
    /// How long a client may take to send a request's headers; default 10 s.
    #[serde(rename = "header_read_timeout_secs", deserialize_with = "seconds")]
    pub header_read_timeout: Duration,
    /// How long one connection may stay open, keep-alive included; default 2 minutes.
    #[serde(rename = "connection_timeout_secs", deserialize_with = "seconds")]
    pub connection_timeout: Duration,
}

impl Default for HttpServerOptions {
    fn default() -> Self {
        HttpServerOptions {
            route_prefix: "/resource".into(),
            max_file_size: super::load::MAX_MEDIA_BYTES,
            header_read_timeout: Duration::from_secs(10),
            connection_timeout: Duration::from_secs(120),
        }
    }
}

impl ResourceServerOptions {
    /// Options for a server on `127.0.0.1` and a free port, writing to `resource_path`: what tests and local
    /// demos use.
    pub fn local(resource_path: impl Into<PathBuf>) -> Self {
        ResourceServerOptions {
            host: "127.0.0.1".into(),
            port: 0,
            resource_path: resource_path.into(),
            ..ResourceServerOptions::default()
        }
    }

    /// Applies `QQBOT_RESOURCE_HOST`, `QQBOT_RESOURCE_PORT`, `QQBOT_RESOURCE_PATH` and `QQBOT_RESOURCE_PUBLIC_URL`.
    pub fn apply_env(&mut self) -> crate::Result<()> {
        if let Ok(host) = std::env::var("QQBOT_RESOURCE_HOST") {
            self.host = host;
        }
        if let Ok(port) = std::env::var("QQBOT_RESOURCE_PORT") {
            self.port = port.trim().parse().map_err(|_| {
                crate::Error::config("QQBOT_RESOURCE_PORT", format!("`{port}` is not a port number (0 to 65535)"))
            })?;
        }
        if let Some(path) = std::env::var_os("QQBOT_RESOURCE_PATH") {
            self.resource_path = PathBuf::from(path);
        }
        if let Ok(url) = std::env::var("QQBOT_RESOURCE_PUBLIC_URL") {
            self.public_url = Some(url).filter(|u| !u.trim().is_empty());
        }
        Ok(())
    }

    /// Checks the options, returning the route prefix in its normal form (`/resource`, or empty for the root).
    pub(crate) fn validated_prefix(&self) -> Result<String, MediaError> {
        let prefix = self.http.route_prefix.trim().trim_end_matches('/');
        let valid_segment = |s: &str| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
        };
        if !(prefix.is_empty() || prefix.strip_prefix('/').is_some_and(|rest| rest.split('/').all(valid_segment))) {
            return Err(MediaError::InvalidOption {
                option: "http.route_prefix",
                message: format!("`{}` must look like `/resource` (letters, digits, `-_.~`)", self.http.route_prefix),
            });
        }
        if let Some(url) = &self.public_url {
            let parsed = url::Url::parse(url).map_err(|e| MediaError::InvalidOption {
                option: "public_url",
                message: format!("`{url}` is not a URL ({e}); write it like `https://bot.example.com:8086`"),
            })?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() || parsed.fragment().is_some() {
                return Err(MediaError::InvalidOption {
                    option: "public_url",
                    message: format!("`{url}` must be an http(s) URL without `?query` or `#fragment`"),
                });
            }
        }
        for (option, value) in [
            ("ttl_secs", self.ttl),
            ("sweep_interval_secs", self.sweep_interval),
            ("http.header_read_timeout_secs", self.http.header_read_timeout),
            ("http.connection_timeout_secs", self.http.connection_timeout),
        ] {
            if value.is_zero() {
                return Err(MediaError::InvalidOption { option, message: "must be more than 0 seconds".into() });
            }
        }
        Ok(prefix.to_owned())
    }
}

/// Reads a number of seconds (integer or fractional) as a `Duration`.
fn seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    let secs = f64::deserialize(deserializer)?;
    Duration::try_from_secs_f64(secs)
        .map_err(|_| serde::de::Error::custom(format!("{secs} is not a number of seconds (write e.g. 3600 or 0.5)")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_seed_000s() {
        let o = ResourceServerOptions::default();
        assert_eq!((o.host.as_str(), o.port), ("0.0.0.0", 8086));
        assert_eq!(o.resource_path, PathBuf::from("./resource"));
        assert_eq!(o.validated_prefix().unwrap(), "/resource");
    }

    #[test]
    fn reads_toml_with_seconds() {
        let o: ResourceServerOptions = toml::from_str(
            "port = 9000\nttl_secs = 0.5\npublic_url = \"https://x.example\"\n[http]\nroute_prefix = \"/m/\"",
        )
        .unwrap();
        assert_eq!(o.port, 9000);
        assert_eq!(o.ttl, Duration::from_millis(500));
        assert_eq!(o.validated_prefix().unwrap(), "/m");
        assert!(toml::from_str::<ResourceServerOptions>("prot = 1").is_err());
        assert!(toml::from_str::<ResourceServerOptions>("ttl_secs = -1").is_err());
    }

    #[test]
    fn rejects_bad_prefixes_and_urls() {
        for prefix in ["resource", "/../x", "/a b", "/%2e%2e"] {
            let o = ResourceServerOptions {
                http: HttpServerOptions { route_prefix: prefix.into(), ..Default::default() },
                ..Default::default()
            };
            assert!(o.validated_prefix().is_err(), "{prefix}");
        }
        let mut o = ResourceServerOptions { public_url: Some("ftp://x".into()), ..Default::default() };
        assert!(o.validated_prefix().is_err());
        o.public_url = Some("example.com".into());
        assert!(o.validated_prefix().unwrap_err().to_string().contains("https://bot.example.com"));
    }
}
