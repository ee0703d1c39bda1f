//! IP scope per the IANA special-purpose address registries.
//!
//! Sources: IANA "IPv4 Special-Purpose Address Registry" (RFC 6890 and
//! successors) and "IPv6 Special-Purpose Address Registry", plus RFC 4291
//! (global unicast is `2000::/3`), RFC 3879 (site-local) and RFC 9637
//! (`3fff::/20` documentation). Only [`IpScope::Public`] addresses are
//! reverse-DNS checked: the others are never sent to a resolver.
//!
//! "Public" means an address a receiving MTA on the internet could see as
//! the SMTP client, so that a PTR check means something: every address in
//! `2000::/3` or IPv4 outside the special-purpose blocks, and every block the
//! registries mark "Globally Reachable: True", in both families (the AS112,
//! AMT, PCP, TURN and DNS-SD SRP anycast, ORCHIDv2 and DET blocks, also
//! those inside `192.0.0/24` and `2001::/23`). The exception is the NAT64
//! well-known prefix `64:ff9b::/96`: globally reachable in the registry, but
//! its addresses stand for IPv4 hosts behind a translator (RFC 6052), whose
//! `ip6.arpa` names are not theirs, so it keeps [`IpScope::Nat64`].

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Where an address lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IpScope {
    /// Globally routable unicast: the only scope whose reverse DNS is checked.
    Public,
    /// RFC 1918 private-use (`10/8`, `172.16/12`, `192.168/16`).
    Private,
    /// Loopback (`127/8`, `::1`).
    Loopback,
    /// Link-local (`169.254/16`, `fe80::/10`).
    LinkLocal,
    /// Shared address space for carrier-grade NAT (`100.64/10`, RFC 6598).
    Shared,
    /// Documentation (`192.0.2/24`, `198.51.100/24`, `203.0.113/24`, `2001:db8::/32`, `3fff::/20`).
    Documentation,
    /// Benchmarking (`198.18/15`, `2001:2::/48`).
    Benchmarking,
    /// IPv6 unique local addresses (`fc00::/7`).
    UniqueLocal,
    /// Multicast (`224/4`, `ff00::/8`).
    Multicast,
    /// Reserved for future use or deprecated (`240/4`, non-`2000::/3` IPv6...).
    Reserved,
    /// The unspecified address (`0.0.0.0`, `::`).
    Unspecified,
    /// Limited broadcast (`255.255.255.255`).
    Broadcast,
    /// "This network" (`0/8`).
    ThisNetwork,
    /// IETF protocol assignments not globally reachable (`192.0.0/24`,
    /// `2001::/23` outside its sub-blocks that are).
    IetfProtocol,
    /// 6to4 (`2002::/16`, and the deprecated relay anycast `192.88.99/24`).
    #[serde(rename = "6to4")]
    SixToFour,
    /// Teredo (`2001::/32`).
    Teredo,
    /// IPv4/IPv6 translation (`64:ff9b::/96`, `64:ff9b:1::/48`).
    Nat64,
    /// Discard-only (`100::/64`).
    DiscardOnly,
    /// Deprecated site-local (`fec0::/10`).
    SiteLocal,
}

/// Written as its name (the table in [`IpScope::as_str`]).
impl Serialize for IpScope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl IpScope {
    /// The scope of an address. IPv4-mapped IPv6 addresses take the scope of
    /// the IPv4 address inside them.
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => scope_v4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => scope_v4(v4),
                None => scope_v6(v6),
            },
        }
    }

    /// True when a receiving mail server on the internet could see a
    /// connection from such an address, so its reverse DNS matters.
    pub fn is_public(self) -> bool {
        self == Self::Public
    }

    /// The snake-case name used in JSON and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
            Self::Loopback => "loopback",
            Self::LinkLocal => "link_local",
            Self::Shared => "shared",
            Self::Documentation => "documentation",
            Self::Benchmarking => "benchmarking",
            Self::UniqueLocal => "unique_local",
            Self::Multicast => "multicast",
            Self::Reserved => "reserved",
            Self::Unspecified => "unspecified",
            Self::Broadcast => "broadcast",
            Self::ThisNetwork => "this_network",
            Self::IetfProtocol => "ietf_protocol",
            Self::SixToFour => "6to4",
            Self::Teredo => "teredo",
            Self::Nat64 => "nat64",
            Self::DiscardOnly => "discard_only",
            Self::SiteLocal => "site_local",
        }
    }
}

impl std::fmt::Display for IpScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], len: u32) -> bool {
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    (u32::from(ip) & mask) == (u32::from(Ipv4Addr::from(net)) & mask)
}

fn in_v6(ip: Ipv6Addr, net: [u16; 8], len: u32) -> bool {
    let mask = if len == 0 { 0 } else { u128::MAX << (128 - len) };
    (u128::from(ip) & mask) == (u128::from(Ipv6Addr::from(net)) & mask)
}

/// IPv4 blocks, most specific first where they nest. The registry's
/// globally reachable rows outside `192.0.0/24` are in no row, so public:
/// AS112-v4 `192.31.196/24` (RFC 7535), AMT `192.52.193/24` (RFC 7450) and
/// Direct Delegation AS112 `192.175.48/24` (RFC 7534).
const V4_TABLE: &[([u8; 4], u32, IpScope)] = &[
    ([255, 255, 255, 255], 32, IpScope::Broadcast),
    ([0, 0, 0, 0], 32, IpScope::Unspecified),
    ([0, 0, 0, 0], 8, IpScope::ThisNetwork),
    ([10, 0, 0, 0], 8, IpScope::Private),
    ([100, 64, 0, 0], 10, IpScope::Shared),
    ([127, 0, 0, 0], 8, IpScope::Loopback),
    ([169, 254, 0, 0], 16, IpScope::LinkLocal),
    ([172, 16, 0, 0], 12, IpScope::Private),
    ([192, 0, 0, 0], 24, IpScope::IetfProtocol),
    ([192, 0, 2, 0], 24, IpScope::Documentation),
    ([192, 88, 99, 0], 24, IpScope::SixToFour),
    ([192, 168, 0, 0], 16, IpScope::Private),
    ([198, 18, 0, 0], 15, IpScope::Benchmarking),
    ([198, 51, 100, 0], 24, IpScope::Documentation),
    ([203, 0, 113, 0], 24, IpScope::Documentation),
    ([224, 0, 0, 0], 4, IpScope::Multicast),
    ([240, 0, 0, 0], 4, IpScope::Reserved),
];

/// The rows inside `192.0.0/24` that the registry marks globally
/// reachable: public, not IETF protocol.
const V4_IETF_REACHABLE: &[([u8; 4], u32)] = &[
    // Port Control Protocol anycast (RFC 7723).
    ([192, 0, 0, 9], 32),
    // TURN anycast (RFC 8155).
    ([192, 0, 0, 10], 32),
];

fn scope_v4(ip: Ipv4Addr) -> IpScope {
    match V4_TABLE.iter().find(|(net, len, _)| in_v4(ip, *net, *len)).map_or(IpScope::Public, |(_, _, scope)| *scope) {
        IpScope::IetfProtocol if V4_IETF_REACHABLE.iter().any(|(net, len)| in_v4(ip, *net, *len)) => IpScope::Public,
        scope => scope,
    }
}

/// IPv6 blocks, most specific first where they nest. The registry's
/// globally reachable row outside `2001::/23`, Direct Delegation AS112
/// `2620:4f:8000::/48` (RFC 7534), is in `2000::/3` and no other row, so
/// public; `64:ff9b::/96` is the one globally reachable row that is not
/// (see the module documentation).
const V6_TABLE: &[([u16; 8], u32, IpScope)] = &[
    ([0, 0, 0, 0, 0, 0, 0, 0], 128, IpScope::Unspecified),
    ([0, 0, 0, 0, 0, 0, 0, 1], 128, IpScope::Loopback),
    ([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96, IpScope::Nat64),
    ([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48, IpScope::Nat64),
    ([0x100, 0, 0, 0, 0, 0, 0, 0], 64, IpScope::DiscardOnly),
    ([0x2001, 0, 0, 0, 0, 0, 0, 0], 32, IpScope::Teredo),
    ([0x2001, 2, 0, 0, 0, 0, 0, 0], 48, IpScope::Benchmarking),
    ([0x2001, 0x0db8, 0, 0, 0, 0, 0, 0], 32, IpScope::Documentation),
    ([0x2001, 0, 0, 0, 0, 0, 0, 0], 23, IpScope::IetfProtocol),
    ([0x2002, 0, 0, 0, 0, 0, 0, 0], 16, IpScope::SixToFour),
    ([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20, IpScope::Documentation),
    ([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16, IpScope::Reserved),
    ([0x2000, 0, 0, 0, 0, 0, 0, 0], 3, IpScope::Public),
    ([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, IpScope::UniqueLocal),
    ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, IpScope::LinkLocal),
    ([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, IpScope::SiteLocal),
    ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, IpScope::Multicast),
];

/// The rows inside `2001::/23` that the registry marks globally reachable:
/// public, not IETF protocol (the rest of the block, the deprecated ORCHID
/// `2001:10::/28` included, is not globally reachable).
const V6_IETF_REACHABLE: &[([u16; 8], u32)] = &[
    // PCP anycast (RFC 7723), TURN anycast (RFC 8155), DNS-SD Service
    // Registration Protocol anycast (RFC 9665).
    ([0x2001, 1, 0, 0, 0, 0, 0, 1], 128),
    ([0x2001, 1, 0, 0, 0, 0, 0, 2], 128),
    ([0x2001, 1, 0, 0, 0, 0, 0, 3], 128),
    // AMT (RFC 7450).
    ([0x2001, 3, 0, 0, 0, 0, 0, 0], 32),
    // AS112-v6 (RFC 7535).
    ([0x2001, 4, 0x112, 0, 0, 0, 0, 0], 48),
    // ORCHIDv2 (RFC 7343).
    ([0x2001, 0x20, 0, 0, 0, 0, 0, 0], 28),
    // Drone Remote ID Protocol Entity Tags (RFC 9374).
    ([0x2001, 0x30, 0, 0, 0, 0, 0, 0], 28),
];

fn scope_v6(ip: Ipv6Addr) -> IpScope {
    let scope = V6_TABLE
        .iter()
        .find(|(net, len, _)| in_v6(ip, *net, *len))
        // Outside 2000::/3 and the blocks above: not allocated for unicast.
        .map_or(IpScope::Reserved, |(_, _, scope)| *scope);
    match scope {
        IpScope::IetfProtocol if V6_IETF_REACHABLE.iter().any(|(net, len)| in_v6(ip, *net, *len)) => IpScope::Public,
        scope => scope,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(text: &str) -> IpScope {
        IpScope::of(text.parse().expect("test address"))
    }

    #[test]
    fn registry_rows() {
        let rows = [
            ("8.8.8.8", IpScope::Public),
            ("81.2.69.142", IpScope::Public),
            ("10.1.2.3", IpScope::Private),
            ("172.31.255.255", IpScope::Private),
            ("172.32.0.1", IpScope::Public),
            ("192.168.1.1", IpScope::Private),
            ("100.64.0.1", IpScope::Shared),
            ("100.127.255.255", IpScope::Shared),
            ("100.128.0.1", IpScope::Public),
            ("127.0.0.1", IpScope::Loopback),
            ("169.254.10.1", IpScope::LinkLocal),
            ("192.0.0.8", IpScope::IetfProtocol),
            ("192.0.2.1", IpScope::Documentation),
            ("198.51.100.7", IpScope::Documentation),
            ("203.0.113.200", IpScope::Documentation),
            ("198.19.0.1", IpScope::Benchmarking),
            ("192.88.99.1", IpScope::SixToFour),
            ("224.0.0.251", IpScope::Multicast),
            ("240.0.0.1", IpScope::Reserved),
            ("255.255.255.255", IpScope::Broadcast),
            ("0.0.0.0", IpScope::Unspecified),
            ("0.1.2.3", IpScope::ThisNetwork),
            ("2a00:1450:4864:20::22b", IpScope::Public),
            ("2603:10b6:408:80::1", IpScope::Public),
            ("::1", IpScope::Loopback),
            ("::", IpScope::Unspecified),
            ("fe80::1", IpScope::LinkLocal),
            ("fd12:3456::1", IpScope::UniqueLocal),
            ("fc00::1", IpScope::UniqueLocal),
            ("fec0::1", IpScope::SiteLocal),
            ("ff02::1", IpScope::Multicast),
            ("2001:db8::1", IpScope::Documentation),
            ("3fff:1::1", IpScope::Documentation),
            ("2001::1", IpScope::Teredo),
            ("2001:2::1", IpScope::Benchmarking),
            ("2001:10::1", IpScope::IetfProtocol),
            ("2002:c000:204::1", IpScope::SixToFour),
            ("64:ff9b::192.0.2.1", IpScope::Nat64),
            ("100::1", IpScope::DiscardOnly),
            ("4000::1", IpScope::Reserved),
            ("::ffff:10.0.0.1", IpScope::Private),
            ("::ffff:81.2.69.142", IpScope::Public),
        ];
        for (ip, expected) in rows {
            assert_eq!(scope(ip), expected, "{ip}");
        }
    }

    /// Regression: the globally reachable rows inside `2001::/23` and
    /// `192.0.0/24` were `ietf_protocol` while their counterparts outside
    /// those blocks (AS112, AMT) were public.
    #[test]
    fn globally_reachable_rows_are_public_in_both_families() {
        for ip in [
            "192.0.0.9",
            "192.0.0.10",
            "192.31.196.1",
            "192.52.193.255",
            "192.175.48.6",
            "2001:1::1",
            "2001:1::2",
            "2001:1::3",
            "2001:3::1",
            "2001:3:ffff:ffff:ffff:ffff:ffff:ffff",
            "2001:4:112::1",
            "2001:20::1",
            "2001:2f:ffff::1",
            "2001:30::1",
            "2001:3f:ffff::1",
            "2620:4f:8000::1",
        ] {
            assert_eq!(scope(ip), IpScope::Public, "{ip}");
        }
        for ip in ["192.0.0.8", "192.0.0.11", "192.0.0.170", "2001:1::", "2001:1::4", "2001:4:113::1", "2001:10::1"] {
            assert_eq!(scope(ip), IpScope::IetfProtocol, "{ip}");
        }
        // Globally reachable too, but a translated IPv4 host: see the module documentation.
        assert_eq!(scope("64:ff9b::198.51.100.1"), IpScope::Nat64);
    }

    #[test]
    fn only_public_is_checked() {
        assert!(scope("81.2.69.142").is_public());
        assert!(!scope("192.0.2.1").is_public());
        assert!(!scope("2002::1").is_public());
    }
}
