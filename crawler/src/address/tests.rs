//! Tests of the SSRF baseline: which addresses are public. Nothing here
//! connects anywhere.

use std::net::IpAddr;

use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn non_public_addresses_are_refused() {
    for a in [
        "127.0.0.1",
        "127.1.2.3",
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.1.2.3",
        "64:ff9b::a9fe:a9fe",
        "2001:db8::1",
    ] {
        assert!(!is_public(ip(a)), "{a} must be refused");
    }
}

#[test]
fn public_addresses_are_allowed() {
    for a in [
        "8.8.8.8",
        "1.1.1.1",
        "172.32.0.1",
        "100.128.0.1",
        "2001:4860::8888",
        "2a00:1450:4007::1",
        "::ffff:8.8.8.8",
    ] {
        assert!(is_public(ip(a)), "{a} must be allowed");
    }
}

#[test]
fn url_check_refuses_private_literals_and_other_schemes() {
    let check = |u: &str, allow| check_url(&Url::parse(u).unwrap(), allow);
    let err = check("http://127.0.0.1:8080/feed", false).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("http://127.0.0.1:8080/feed: refused: private address 127.0.0.1"),
        "{err}"
    );
    assert!(check("http://[::1]/", false).is_err());
    assert!(check("http://[::ffff:7f00:1]/", false).is_err());
    assert!(check("http://169.254.169.254/latest/meta-data/", false).is_err());
    assert!(
        check("http://127.0.0.1:8080/feed", true).is_ok(),
        "allowed when asked"
    );
    assert!(check("https://8.8.8.8/", false).is_ok());
    assert!(
        check("https://example.org/", false).is_ok(),
        "names go to the resolver"
    );
    let err = check("ftp://example.org/", true).unwrap_err();
    assert!(err.to_string().contains("only http and https"), "{err}");
}

#[tokio::test]
async fn resolver_drops_loopback_unless_allowed() {
    let name: Name = "localhost".parse().unwrap();
    let err = match GuardedResolver::new(false, &[]).resolve(name).await {
        Ok(addrs) => panic!("localhost resolved to {:?}", addrs.collect::<Vec<_>>()),
        Err(e) => e,
    };
    assert!(
        err.to_string().contains("refused: private address"),
        "{err}"
    );

    let name: Name = "localhost".parse().unwrap();
    let addrs: Vec<SocketAddr> = GuardedResolver::new(true, &[])
        .resolve(name)
        .await
        .expect("localhost resolves")
        .collect();
    assert!(
        addrs.iter().all(|a| a.ip().is_loopback()) && !addrs.is_empty(),
        "{addrs:?}"
    );
}

#[test]
fn non_canonical_ipv4_forms_are_parsed_to_loopback_and_refused() {
    for url in [
        "http://0x7f.1/feed",
        "http://2130706433/feed",
        "http://127.1/feed",
        "http://0177.0.0.1/feed",
        "http://[::ffff:127.0.0.1]/feed",
        "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
    ] {
        let parsed = Url::parse(url).unwrap();
        assert!(
            matches!(parsed.host(), Some(Host::Ipv4(_) | Host::Ipv6(_))),
            "{url} parses to an IP literal: {:?}",
            parsed.host()
        );
        let err = check_url(&parsed, false).unwrap_err().to_string();
        assert!(err.contains("refused: private address"), "{url}: {err}");
    }
    assert_eq!(
        Url::parse("http://0x7f.1/").unwrap().host_str(),
        Some("127.0.0.1")
    );
}

#[tokio::test]
async fn overrides_answer_without_dns_and_other_names_stay_guarded() {
    let resolver = GuardedResolver::new(
        false,
        &[("Feeds.Example-Network.org".to_string(), ip("127.0.0.1"))],
    );
    let addrs: Vec<SocketAddr> = resolver
        .resolve("feeds.example-network.org".parse().unwrap())
        .await
        .expect("overridden")
        .collect();
    assert_eq!(addrs, [SocketAddr::new(ip("127.0.0.1"), 0)]);
    let refused = resolver.resolve("localhost".parse().unwrap()).await;
    assert!(
        refused.is_err(),
        "localhost is not overridden: still refused"
    );
}
