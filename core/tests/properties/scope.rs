//! IP scope against an independent table of the IANA registries.
//!
//! The rows are the IANA "IPv4 Special-Purpose Address Registry" and "IPv6
//! Special-Purpose Address Registry" (RFC 6890 and the RFCs that added rows
//! since), with each row's "Globally Reachable" column, plus the few blocks
//! that other registries define (multicast, deprecated site-local). Each row
//! names the `IpScope` its purpose maps to: public where the registry says
//! globally reachable, else its own category where the crate has one, else
//! the category of the block that holds it (`192.0.0/24` and `2001::/23`
//! rows are IETF protocol assignments; rows outside `2000::/3` are reserved).
//!
//! The crate's rule, as `scope.rs` documents it: IPv4-mapped IPv6 addresses
//! take the scope of their IPv4 address; an address is public if the most
//! specific row holding it is globally reachable (in either family; the one
//! exception is the NAT64 prefix `64:ff9b::/96`, see [`TRANSLATED`]), or if
//! no row holds it and it is IPv4 or in `2000::/3`.

use iprev_core::scope::IpScope;
use proptest::prelude::*;
use proptest::sample::select;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

/// The registry's "Globally Reachable" column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Yes,
    No,
    /// N/A in the registry (Teredo, 6to4), or a row of another registry.
    NotApplicable,
}

use IpScope as S;
use Reach::{No, NotApplicable as Na, Yes};

type Row = (&'static str, &'static str, Reach, IpScope);

/// The globally reachable row the crate does not call public: the NAT64
/// well-known prefix, whose addresses stand for IPv4 hosts behind a
/// translator (RFC 6052) and whose `ip6.arpa` names are not those hosts'.
const TRANSLATED: &str = "64:ff9b::/96";

const V4_ROWS: &[Row] = &[
    ("0.0.0.0/8", "\"This network\"", No, S::ThisNetwork),
    ("0.0.0.0/32", "\"This host on this network\"", No, S::Unspecified),
    ("10.0.0.0/8", "Private-Use", No, S::Private),
    ("100.64.0.0/10", "Shared Address Space", No, S::Shared),
    ("127.0.0.0/8", "Loopback", No, S::Loopback),
    ("169.254.0.0/16", "Link Local", No, S::LinkLocal),
    ("172.16.0.0/12", "Private-Use", No, S::Private),
    ("192.0.0.0/24", "IETF Protocol Assignments", No, S::IetfProtocol),
    ("192.0.0.0/29", "IPv4 Service Continuity Prefix", No, S::IetfProtocol),
    ("192.0.0.8/32", "IPv4 dummy address", No, S::IetfProtocol),
    ("192.0.0.9/32", "Port Control Protocol Anycast", Yes, S::Public),
    ("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", Yes, S::Public),
    ("192.0.0.170/32", "NAT64/DNS64 Discovery", No, S::IetfProtocol),
    ("192.0.0.171/32", "NAT64/DNS64 Discovery", No, S::IetfProtocol),
    ("192.0.2.0/24", "Documentation (TEST-NET-1)", No, S::Documentation),
    ("192.31.196.0/24", "AS112-v4", Yes, S::Public),
    ("192.52.193.0/24", "AMT", Yes, S::Public),
    ("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", Na, S::SixToFour),
    ("192.168.0.0/16", "Private-Use", No, S::Private),
    ("192.175.48.0/24", "Direct Delegation AS112 Service", Yes, S::Public),
    ("198.18.0.0/15", "Benchmarking", No, S::Benchmarking),
    ("198.51.100.0/24", "Documentation (TEST-NET-2)", No, S::Documentation),
    ("203.0.113.0/24", "Documentation (TEST-NET-3)", No, S::Documentation),
    ("240.0.0.0/4", "Reserved", No, S::Reserved),
    ("255.255.255.255/32", "Limited Broadcast", No, S::Broadcast),
    // IPv4 Multicast Address Space Registry (RFC 5771).
    ("224.0.0.0/4", "Multicast", Na, S::Multicast),
];

const V6_ROWS: &[Row] = &[
    ("::1/128", "Loopback Address", No, S::Loopback),
    ("::/128", "Unspecified Address", No, S::Unspecified),
    // `::ffff:0:0/96` (IPv4-mapped, not globally reachable) is left out: the
    // crate reads those addresses as IPv4 (see `reference`).
    ("64:ff9b::/96", "IPv4-IPv6 Translat.", Yes, S::Nat64),
    ("64:ff9b:1::/48", "IPv4-IPv6 Translat.", No, S::Nat64),
    ("100::/64", "Discard-Only Address Block", No, S::DiscardOnly),
    ("100:0:0:1::/64", "Dummy IPv6 Prefix", No, S::Reserved),
    ("2001::/23", "IETF Protocol Assignments", No, S::IetfProtocol),
    ("2001::/32", "TEREDO", Na, S::Teredo),
    ("2001:1::1/128", "Port Control Protocol Anycast", Yes, S::Public),
    ("2001:1::2/128", "Traversal Using Relays around NAT Anycast", Yes, S::Public),
    ("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", Yes, S::Public),
    ("2001:2::/48", "Benchmarking", No, S::Benchmarking),
    ("2001:3::/32", "AMT", Yes, S::Public),
    ("2001:4:112::/48", "AS112-v6", Yes, S::Public),
    ("2001:10::/28", "Deprecated (previously ORCHID)", No, S::IetfProtocol),
    ("2001:20::/28", "ORCHIDv2", Yes, S::Public),
    ("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", Yes, S::Public),
    ("2001:db8::/32", "Documentation", No, S::Documentation),
    ("2002::/16", "6to4", Na, S::SixToFour),
    ("2620:4f:8000::/48", "Direct Delegation AS112 Service", Yes, S::Public),
    ("3fff::/20", "Documentation", No, S::Documentation),
    ("5f00::/16", "Segment Routing (SRv6) SIDs", No, S::Reserved),
    ("fc00::/7", "Unique-Local", No, S::UniqueLocal),
    ("fe80::/10", "Link-Local Unicast", No, S::LinkLocal),
    // IPv6 Address Space registry: deprecated site-local (RFC 3879) and multicast (RFC 4291).
    ("fec0::/10", "Site-local (deprecated)", Na, S::SiteLocal),
    ("ff00::/8", "Multicast", Na, S::Multicast),
];

/// A parsed row: first and last address as integers (IPv4 in the low 32 bits).
#[derive(Debug, Clone, Copy)]
struct Block {
    prefix: &'static str,
    v6: bool,
    first: u128,
    last: u128,
    len: u32,
    name: &'static str,
    reach: Reach,
    scope: IpScope,
}

impl Block {
    fn contains(&self, v6: bool, value: u128) -> bool {
        self.v6 == v6 && (self.first..=self.last).contains(&value)
    }
}

fn blocks() -> &'static [Block] {
    static BLOCKS: OnceLock<Vec<Block>> = OnceLock::new();
    BLOCKS.get_or_init(|| {
        let parse = |v6: bool, &(prefix, name, reach, scope): &Row| {
            let (addr, len) = prefix.split_once('/').expect("prefix/len");
            let len: u32 = len.parse().expect("prefix length");
            let (bits, first) = if v6 {
                (128, u128::from(addr.parse::<Ipv6Addr>().expect("IPv6 prefix")))
            } else {
                (32, u128::from(u32::from(addr.parse::<Ipv4Addr>().expect("IPv4 prefix"))))
            };
            let host = if bits - len == 128 { u128::MAX } else { (1u128 << (bits - len)) - 1 };
            assert_eq!(first & host, 0, "{prefix}: host bits set");
            Block { prefix, v6, first, last: first | host, len, name, reach, scope }
        };
        V4_ROWS.iter().map(|row| parse(false, row)).chain(V6_ROWS.iter().map(|row| parse(true, row))).collect()
    })
}

fn as_int(ip: IpAddr) -> (bool, u128) {
    match ip {
        IpAddr::V4(v4) => (false, u128::from(u32::from(v4))),
        IpAddr::V6(v6) => (true, u128::from(v6)),
    }
}

/// The most specific row holding the address, after the crate's unmapping.
fn row_of(ip: IpAddr) -> Option<&'static Block> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    };
    let (v6, value) = as_int(ip);
    blocks().iter().filter(|b| b.contains(v6, value)).max_by_key(|b| b.len)
}

/// IPv4 (mapped or not), or IPv6 global unicast (`2000::/3`, RFC 4291).
fn global_unicast(ip: IpAddr) -> bool {
    let (v6, value) = as_int(ip);
    !v6 || ip.to_canonical().is_ipv4() || value >> 125 == 1
}

/// What the table says the scope of `ip` is.
fn reference(ip: IpAddr) -> IpScope {
    match row_of(ip) {
        Some(block) => block.scope,
        None if global_unicast(ip) => S::Public,
        None => S::Reserved,
    }
}

/// Whether a receiving MTA on the internet could see `ip` as its client, from
/// the registries' "Globally Reachable" column alone: the most specific row
/// holding it says so, or no row holds it and it is global unicast.
fn globally_reachable(ip: IpAddr) -> bool {
    match row_of(ip) {
        Some(block) => block.reach == Yes && block.prefix != TRANSLATED,
        None => global_unicast(ip),
    }
}

/// Addresses inside each row and around its edges, and some anywhere.
fn address() -> impl Strategy<Value = IpAddr> {
    let rows: Vec<Block> = blocks().to_vec();
    let near = (select(rows), any::<u128>(), 0u8..5).prop_map(|(block, random, place)| {
        let size_mask = if block.v6 { u128::MAX } else { u128::from(u32::MAX) };
        let step = random % 16 + 1;
        let value = match place {
            0 => block.first,
            1 => block.last,
            2 => block.first.wrapping_sub(step) & size_mask,
            3 => block.last.wrapping_add(step) & size_mask,
            _ => block.first | (random & (block.last - block.first)),
        };
        if block.v6 { IpAddr::V6(Ipv6Addr::from(value)) } else { IpAddr::V4(Ipv4Addr::from(value as u32)) }
    });
    prop_oneof![
        6 => near,
        1 => any::<Ipv4Addr>().prop_map(IpAddr::V4),
        1 => any::<Ipv6Addr>().prop_map(IpAddr::V6),
    ]
}

/// Addresses, and the same addresses written IPv4-mapped.
fn address_or_mapped() -> impl Strategy<Value = IpAddr> {
    (address(), any::<bool>()).prop_map(|(ip, map)| match ip {
        IpAddr::V4(v4) if map => IpAddr::V6(v4.to_ipv6_mapped()),
        _ => ip,
    })
}

/// One address of every edge of every row: first, last, and one past each.
fn edges() -> Vec<IpAddr> {
    let mut out = Vec::new();
    for block in blocks() {
        let top = if block.v6 { u128::MAX } else { u128::from(u32::MAX) };
        let values = [block.first.checked_sub(1), Some(block.first), Some(block.last), block.last.checked_add(1)];
        for value in values.into_iter().flatten().filter(|v| *v <= top) {
            out.push(if block.v6 {
                IpAddr::V6(Ipv6Addr::from(value))
            } else {
                IpAddr::V4(Ipv4Addr::from(value as u32))
            });
        }
    }
    out
}

#[test]
fn every_row_edge_gets_the_table_scope() {
    let mut wrong = Vec::new();
    for ip in edges() {
        let (got, want) = (IpScope::of(ip), reference(ip));
        if got != want {
            wrong.push(format!("{ip}: {got}, the table says {want} ({:?})", row_of(ip).map(|b| b.name)));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Public exactly where the registries say globally reachable, in both
/// families: the AS112 and AMT blocks as much as the PCP, TURN, DNS-SD SRP,
/// AMT, AS112, ORCHIDv2 and DET rows inside `192.0.0/24` and `2001::/23`,
/// while the rest of those two blocks is not.
#[test]
fn public_means_globally_reachable() {
    let wrong: Vec<String> = edges()
        .into_iter()
        .filter(|ip| IpScope::of(*ip).is_public() != globally_reachable(*ip))
        .map(|ip| format!("{ip}: {} ({:?})", IpScope::of(ip), row_of(ip).map(|b| (b.name, b.reach))))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn scope_agrees_with_the_iana_table(ip in address_or_mapped()) {
        let got = IpScope::of(ip);
        prop_assert_eq!(got, reference(ip), "{} in {:?}", ip, row_of(ip).map(|b| b.name));
        // The same address written IPv4-mapped has the same scope.
        if let IpAddr::V4(v4) = ip {
            prop_assert_eq!(IpScope::of(IpAddr::V6(v4.to_ipv6_mapped())), got);
        }
    }

    /// RFC 6890's "Globally Reachable", anywhere: public if and only if the
    /// most specific row holding the address says globally reachable, or no
    /// row holds it and it is global unicast.
    #[test]
    fn public_means_globally_reachable_anywhere(ip in address_or_mapped()) {
        prop_assert_eq!(
            IpScope::of(ip).is_public(),
            globally_reachable(ip),
            "{} in {:?}", ip, row_of(ip).map(|b| (b.name, b.reach))
        );
    }
}
