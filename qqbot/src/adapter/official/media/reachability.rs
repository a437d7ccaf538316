//! Whether Tencent's servers can fetch a URL themselves, or the media must be re-hosted.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `url` is an http(s) URL on a host the public internet can reach: not `localhost`, not a loopback,
/// private, link-local or unspecified address. Such URLs are passed to the platform unchanged; others are
/// downloaded and served again from a reachable place.
pub fn is_publicly_fetchable(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else { return false };
    if !matches!(parsed.scheme(), "http" | "https") {
        return false;
    }
    match parsed.host() {
        Some(url::Host::Domain(domain)) => {
            let domain = domain.trim_end_matches('.').to_ascii_lowercase();
            !(domain == "localhost"
                || domain.ends_with(".localhost")
                || domain.ends_with(".local")
                || !domain.contains('.'))
        }
        Some(url::Host::Ipv4(ip)) => is_public_ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_public_ip(IpAddr::V6(ip)),
        None => false,
    }
}

fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    // 100.64.0.0/10 is carrier-grade NAT: not reachable from outside either.
    let shared = a == 100 && (64..128).contains(&b);
    !(ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified() || ip.is_broadcast() || shared)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    let unique_local = first & 0xfe00 == 0xfc00;
    let link_local = first & 0xffc0 == 0xfe80;
    !(ip.is_loopback() || ip.is_unspecified() || unique_local || link_local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_hosts_pass_through() {
        assert!(is_publicly_fetchable("https://example.com/a.png"));
        assert!(is_publicly_fetchable("http://8.8.8.8:8080/a.png"));
        assert!(is_publicly_fetchable("http://[2001:db8::1]/a.png"));
    }

    #[test]
    fn local_hosts_are_rehosted() {
        for url in [
            "http://127.0.0.1:8086/a.png",
            "http://localhost/a.png",
            "http://foo.localhost/a.png",
            "http://nas.local/a.png",
            "http://myhost/a.png",
            "http://10.1.2.3/a.png",
            "http://192.168.1.2/a.png",
            "http://172.16.0.1/a.png",
            "http://100.64.0.1/a.png",
            "http://169.254.1.1/a.png",
            "http://0.0.0.0/a.png",
            "http://[::1]/a.png",
            "http://[fd00::1]/a.png",
            "http://[fe80::1]/a.png",
            "http://[::ffff:127.0.0.1]/a.png",
            "ftp://example.com/a.png",
            "not a url",
        ] {
            assert!(!is_publicly_fetchable(url), "{url}");
        }
    }
}
