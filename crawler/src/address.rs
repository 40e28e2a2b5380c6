//! Which addresses the crawler may connect to: the SSRF baseline.
//!
//! Unless `allow_private_networks` is set, a URL whose host is an IP literal
//! in a non-public range is refused before any request ([`check_url`]), and
//! host names are resolved by [`GuardedResolver`], which drops non-public
//! addresses, so the connection goes only to the addresses that were
//! checked (no second lookup to race against). Every redirect hop goes
//! through the same two checks. `url` has already turned the non-canonical
//! IPv4 forms (`0x7f.1`, `2130706433`, `127.1`) into the address they mean,
//! so the check on the parsed host sees 127.0.0.1.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use crate::error::CrawlError;

/// Whether `ip` is a public unicast address: not loopback, private,
/// link-local, unique-local, CGNAT, unspecified, multicast, broadcast,
/// documentation or otherwise reserved. IPv4-mapped and NAT64 IPv6
/// addresses are judged by the IPv4 address they carry.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0                                   // "this network", 0.0.0.0
        || a == 10                             // private
        || a == 127                            // loopback
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64.0.0/10
        || (a == 169 && b == 254)              // link-local, cloud metadata
        || (a == 172 && (16..32).contains(&b)) // private
        || (a == 192 && b == 168)              // private
        || (a == 192 && b == 0 && c == 0)      // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)      // documentation
        || (a == 198 && (b == 18 || b == 19))  // benchmarking
        || (a == 198 && b == 51 && c == 100)   // documentation
        || (a == 203 && b == 0 && c == 113)    // documentation
        || a >= 224) // multicast, reserved, broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) reaches the IPv4 address it carries.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        let [a, b] = s[6].to_be_bytes();
        let [c, d] = s[7].to_be_bytes();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || s[0..6] == [0, 0, 0, 0, 0, 0]     // IPv4-compatible (deprecated)
        || (s[0] & 0xfe00) == 0xfc00         // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80         // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0         // site-local (deprecated)
        || (s[0] & 0xff00) == 0xff00         // multicast
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0])) // discard-only
}

/// Refuses a URL the crawler must not fetch: a scheme other than http(s),
/// or (unless `allow_private`) a host that is a non-public IP literal.
pub fn check_url(url: &Url, allow_private: bool) -> Result<(), CrawlError> {
    let refused = |why: String| CrawlError::Refused {
        url: url.to_string(),
        why,
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refused(format!(
            "scheme {:?}: only http and https are crawled",
            url.scheme()
        )));
    }
    let ip = match url.host() {
        None => return Err(refused("no host".to_string())),
        Some(Host::Domain(_)) => return Ok(()),
        Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
    };
    if allow_private || is_public(ip) {
        Ok(())
    } else {
        Err(refused(PrivateAddress { host: None, ip }.why()))
    }
}

/// A host name resolved only to non-public addresses.
#[derive(Debug)]
pub(crate) struct PrivateAddress {
    host: Option<String>,
    ip: IpAddr,
}

impl PrivateAddress {
    pub(crate) fn why(&self) -> String {
        let host = match &self.host {
            Some(h) => format!(" (for {h})"),
            None => String::new(),
        };
        format!(
            "private address {}{host}: set allow_private_networks = true in [crawler] only if this is intended",
            self.ip
        )
    }
}

impl fmt::Display for PrivateAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refused: {}", self.why())
    }
}

impl std::error::Error for PrivateAddress {}

/// The DNS resolver of the crawler's client: the system resolver, minus
/// non-public addresses unless `allow_private`. Names in `overrides` are
/// answered from it without DNS, and trusted (see
/// `CrawlerSettings::resolve_overrides`).
#[derive(Debug, Clone, Default)]
pub(crate) struct GuardedResolver {
    pub(crate) allow_private: bool,
    pub(crate) overrides: Arc<HashMap<String, Vec<IpAddr>>>,
}

impl GuardedResolver {
    pub(crate) fn new(allow_private: bool, overrides: &[(String, IpAddr)]) -> GuardedResolver {
        let mut map: HashMap<String, Vec<IpAddr>> = HashMap::new();
        for (name, ip) in overrides {
            map.entry(name.to_ascii_lowercase()).or_default().push(*ip);
        }
        GuardedResolver {
            allow_private,
            overrides: Arc::new(map),
        }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_ascii_lowercase();
        if let Some(ips) = self.overrides.get(&host) {
            let addrs: Vec<SocketAddr> = ips.iter().map(|ip| SocketAddr::new(*ip, 0)).collect();
            return Box::pin(async move { Ok(Box::new(addrs.into_iter()) as Addrs) });
        }
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if kept.is_empty() {
                if let Some(first) = found.first() {
                    return Err(Box::new(PrivateAddress {
                        host: Some(host),
                        ip: first.ip(),
                    })
                        as Box<dyn std::error::Error + Send + Sync>);
                }
            }
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests;
