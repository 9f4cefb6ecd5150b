//! IP addresses as Received lines write them, and which of them can be a sender's.
//!
//! The special-purpose ranges are those of the IANA IPv4 and IPv6 Special-Purpose Address
//! Registries (RFC 6890 and its updates). Documentation ranges (RFC 5737, RFC 3849) are kept
//! apart: they are not routable, but examples and test messages use them as public addresses.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use serde::{Deserialize, Serialize};

/// What kind of address an IP is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum IpClass {
    /// A globally routable address.
    Public,
    /// RFC 1918 private IPv4, or an IPv6 unique local address (RFC 4193).
    Private,
    /// Loopback (127.0.0.0/8, ::1).
    Loopback,
    /// Link-local (169.254.0.0/16, fe80::/10).
    LinkLocal,
    /// Carrier-grade NAT shared space (100.64.0.0/10, RFC 6598).
    SharedNat,
    /// Documentation and example ranges (RFC 5737, RFC 3849).
    Documentation,
    /// Any other special-purpose range (unspecified, multicast, benchmarking, reserved).
    Reserved,
}

impl IpClass {
    /// Whether a message could have come from this address over the Internet (documentation
    /// ranges count, as examples use them).
    pub fn can_be_sender(self) -> bool {
        matches!(self, IpClass::Public | IpClass::Documentation)
    }
}

/// Classifies an address.
pub fn classify(ip: IpAddr) -> IpClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => classify_v4(v4),
            None => classify_v6(v6),
        },
    }
}

fn classify_v4(ip: Ipv4Addr) -> IpClass {
    let o = ip.octets();
    match o {
        [10, ..] | [172, 16..=31, ..] | [192, 168, ..] => IpClass::Private,
        [127, ..] => IpClass::Loopback,
        [169, 254, ..] => IpClass::LinkLocal,
        [100, 64..=127, ..] => IpClass::SharedNat,
        [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _] => IpClass::Documentation,
        [0, ..] | [192, 0, 0, _] | [198, 18..=19, ..] | [224..=255, ..] => IpClass::Reserved,
        _ => IpClass::Public,
    }
}

fn classify_v6(ip: Ipv6Addr) -> IpClass {
    let s = ip.segments();
    if ip.is_loopback() {
        IpClass::Loopback
    } else if ip.is_unspecified() || s[0] & 0xff00 == 0xff00 {
        IpClass::Reserved
    } else if s[0] & 0xffc0 == 0xfe80 {
        IpClass::LinkLocal
    } else if s[0] & 0xfe00 == 0xfc00 {
        IpClass::Private
    } else if s[0] == 0x2001 && s[1] == 0x0db8 {
        IpClass::Documentation
    } else if s[0] & 0xe000 == 0x2000 {
        IpClass::Public
    } else {
        IpClass::Reserved
    }
}

/// Reads an address as Received lines write it: bare, in brackets, with an `IPv6:` prefix, a
/// zone (`%eth0`) or a port (`[192.0.2.1]:25`). IPv4-mapped IPv6 addresses become IPv4.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let mut t = text.trim().trim_end_matches([',', ';', '.']);
    if let Some(rest) = t.strip_prefix('[') {
        let end = rest.find(']')?;
        t = &rest[..end];
    }
    if t.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("ipv6:")) {
        t = &t[5..];
    }
    if let Some(pos) = t.find('%') {
        t = &t[..pos];
    }
    if t.len() > 45 || t.is_empty() {
        return None;
    }
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Some(match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        });
    }
    // "192.0.2.1:25"
    let (host, port) = t.rsplit_once(':')?;
    if port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty() {
        return host.parse::<Ipv4Addr>().ok().map(IpAddr::V4);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn received_spellings() {
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        for text in [
            "192.0.2.1",
            "[192.0.2.1]",
            "[192.0.2.1]:2525",
            "192.0.2.1:25",
            "[IPv6:::ffff:192.0.2.1]",
        ] {
            assert_eq!(parse_ip(text), Some(v4), "{text}");
        }
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        for text in [
            "2001:db8::1",
            "[IPv6:2001:db8::1]",
            "ipv6:2001:db8::1",
            "fe80::1%eth0",
        ] {
            assert!(parse_ip(text).is_some(), "{text}");
        }
        assert_eq!(parse_ip("[IPv6:2001:db8::1]"), Some(v6));
        for text in [
            "",
            "example.com",
            "[192.0.2.1",
            "15.20.696.11",
            "1.2.3",
            "grüße.example",
            "ipv6é",
            "[€€€€]",
        ] {
            assert_eq!(parse_ip(text), None, "{text}");
        }
    }

    #[test]
    fn classes() {
        let c = |s: &str| classify(s.parse().unwrap());
        assert_eq!(c("10.1.2.3"), IpClass::Private);
        assert_eq!(c("172.31.0.1"), IpClass::Private);
        assert_eq!(c("172.32.0.1"), IpClass::Public);
        assert_eq!(c("100.100.0.1"), IpClass::SharedNat);
        assert_eq!(c("203.0.113.5"), IpClass::Documentation);
        assert_eq!(c("8.8.8.8"), IpClass::Public);
        assert_eq!(c("::1"), IpClass::Loopback);
        assert_eq!(c("fd00::1"), IpClass::Private);
        assert_eq!(c("2a01:111:e400:c418::34"), IpClass::Public);
        assert_eq!(c("::ffff:10.0.0.1"), IpClass::Private);
        assert!(!c("127.0.0.1").can_be_sender());
    }
}
