//! Mail providers and filtering services: one receiving organisation runs
//! under several registered domains and address blocks, and its servers
//! hand mail to each other on the way to a mailbox.
//!
//! This is data, in one table: each entry names where it comes from. The
//! sender-hop walk ([`crate::route`]) uses it to tell a provider's internal
//! relay from an outside client, a provider's outbound relay (where a message
//! left its sender) from its inbound servers, and a filtering service in
//! front of a recipient's mailbox from the same service sending for a
//! customer.

use std::net::IpAddr;

/// What a provider does with mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// A mailbox provider: its servers relay to each other inside.
    Mailbox,
    /// A filtering service in front of a customer's own mail servers, which
    /// also relays its customers' outbound mail.
    Filter,
    /// A sending service for other senders' mail (bulk, transactional).
    Sending,
}

/// An address block (CIDR).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// An IPv4 block: address and prefix length.
    V4([u8; 4], u8),
    /// An IPv6 block: its first 16-bit groups (the rest are zero) and a
    /// prefix length of at most 64.
    V6([u16; 4], u8),
}

impl Block {
    /// True when `ip` lies in the block.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self, ip) {
            (Self::V4(net, len), IpAddr::V4(v4)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from((*len).clamp(1, 32))).unwrap_or(0);
                u32::from(v4) & mask == u32::from_be_bytes(*net) & mask
            }
            (Self::V6(head, len), IpAddr::V6(v6)) => {
                let join = |groups: &[u16]| groups.iter().fold(0u64, |acc, g| (acc << 16) | u64::from(*g));
                let mask = u64::MAX.checked_shl(64 - u32::from((*len).clamp(1, 64))).unwrap_or(0);
                join(&v6.segments()[..4]) & mask == join(head) & mask
            }
            _ => false,
        }
    }
}

/// One provider or service.
#[derive(Debug)]
pub struct Provider {
    /// Short id, used as the organisation key of all its domains.
    pub id: &'static str,
    /// Its name as users know it.
    pub name: &'static str,
    /// What it does.
    pub kind: ProviderKind,
    /// Registered domains its servers are named under.
    pub domains: &'static [&'static str],
    /// Addresses that prove a client is one of its servers: for a mailbox
    /// provider, its internal relays (never its outbound pool, whose clients
    /// are other customers' senders); for a filter, every server it sends
    /// from (its published SPF ranges).
    pub addresses: &'static [Block],
    /// Name patterns (`*` for any text) of its outbound relays: where mail
    /// leaves its customers for other organisations.
    pub outbound_clients: &'static [&'static str],
    /// Name patterns of the hosts where its customers' *outbound* mail
    /// enters it (the smart hosts customers configure): a filter whose
    /// receiving host below matches one is sending for its customer.
    pub outbound_entries: &'static [&'static str],
}

/// Exchange Online's internal relays: `2603:10X6::/32` for every X. Source:
/// Microsoft's published Exchange Online endpoints (`2603:1006::/40`,
/// `2603:1016::/36` ... `2603:1056::/36`) and the client addresses of its
/// internal hops in real Microsoft 365 headers (`2603:10a6`, `2603:10b6`,
/// `2603:10c6`, `2603:10d6`, `2603:1086`, `2603:1096`), all inside
/// Microsoft's ARIN allocation `2603:1000::/24`.
/// And Exchange Online Protection's own front ends, which relay inside
/// from `2a01:111:f400::/48` and `2a01:111:f403::/48` (Microsoft's RIPE
/// allocation `2a01:111::/32`; the IPv6 part of `spf.protection.outlook.com`).
/// Its outbound pool shares these addresses, but an outbound relay always
/// announces itself as `*.outbound.protection.outlook.com`, which the walk
/// reads first.
const MICROSOFT_RELAYS: [Block; 18] = {
    let mut blocks = [Block::V6([0x2a01, 0x0111, 0xf400, 0], 48); 18];
    blocks[1] = Block::V6([0x2a01, 0x0111, 0xf403, 0], 48);
    let mut x = 0;
    while x < 16 {
        blocks[x + 2] = Block::V6([0x2603, 0x1006 + 0x10 * x as u16, 0, 0], 32);
        x += 1;
    }
    blocks
};

/// The table. Domains: each provider's own documentation of its mail host
/// names and its SPF records; outbound names: the providers' documented
/// host naming, cited per entry.
pub const PROVIDERS: &[Provider] = &[
    Provider {
        id: "microsoft",
        name: "Microsoft 365 / Outlook.com",
        kind: ProviderKind::Mailbox,
        // Exchange Online host names (`*.prod.outlook.com`,
        // `*.mail.protection.outlook.com`, `*.outlook.office365.com`,
        // `*.prod.exchangelabs.com`), Outlook.com's consumer domains.
        domains: &[
            "outlook.com",
            "office365.com",
            "exchangelabs.com",
            "hotmail.com",
            "live.com",
            "msn.com",
            "microsoft.com",
        ],
        addresses: &MICROSOFT_RELAYS,
        // Exchange Online Protection's outbound pool, `*.outbound.protection.outlook.com`
        // (Microsoft's "mail flow" documentation and `spf.protection.outlook.com`).
        outbound_clients: &["*.outbound.protection.outlook.com"],
        outbound_entries: &[],
    },
    Provider {
        id: "google",
        name: "Gmail / Google Workspace",
        kind: ProviderKind::Mailbox,
        // Google's mail hosts (`mx.google.com`, `mail-*.google.com`) and the
        // reverse names of its netblocks (`*.1e100.net`).
        domains: &["google.com", "1e100.net", "googlemail.com", "gmail.com"],
        addresses: &[],
        // Gmail's outbound relays, `mail-<pool>-<n>.google.com`.
        outbound_clients: &["mail-*.google.com", "mail-*.googlemail.com"],
        outbound_entries: &[],
    },
    Provider {
        id: "yahoo",
        name: "Yahoo / AOL Mail",
        kind: ProviderKind::Mailbox,
        domains: &["yahoo.com", "yahoodns.net", "aol.com", "yahoo.net"],
        addresses: &[],
        // Yahoo's outbound "sonic" relays, `sonic*.mail.*.yahoo.com`.
        outbound_clients: &["sonic*.yahoo.com"],
        outbound_entries: &[],
    },
    Provider {
        id: "proton",
        name: "Proton Mail",
        kind: ProviderKind::Mailbox,
        domains: &["protonmail.ch", "protonmail.com", "proton.me", "proton.ch", "pm.me"],
        addresses: &[],
        // Proton's outbound relays, `mail-<n>.protonmail.ch` / `.proton.ch`.
        outbound_clients: &["mail-*.protonmail.ch", "mail-*.proton.ch"],
        outbound_entries: &[],
    },
    Provider {
        id: "fastmail",
        name: "Fastmail",
        kind: ProviderKind::Mailbox,
        domains: &["fastmail.com", "fastmail.fm", "messagingengine.com"],
        addresses: &[],
        // Fastmail's outbound relays, `out<n>-smtp.messagingengine.com`.
        outbound_clients: &["out*-smtp.messagingengine.com", "wout*-smtp.messagingengine.com"],
        outbound_entries: &[],
    },
    Provider {
        id: "apple",
        name: "iCloud Mail",
        kind: ProviderKind::Mailbox,
        domains: &["icloud.com", "me.com", "mac.com", "apple.com"],
        addresses: &[],
        outbound_clients: &[],
        outbound_entries: &[],
    },
    Provider {
        id: "zoho",
        name: "Zoho Mail",
        kind: ProviderKind::Mailbox,
        domains: &["zoho.com", "zohomail.com", "zoho.eu", "zoho.in", "zohomail.eu", "zohomail.in"],
        addresses: &[],
        // Zoho's outbound relays, `sender*.zoho.<tld>`.
        outbound_clients: &["sender*.zoho.com", "sender*.zoho.eu", "sender*.zoho.in"],
        outbound_entries: &[],
    },
    Provider {
        id: "amazon",
        name: "Amazon SES",
        kind: ProviderKind::Sending,
        domains: &["amazonses.com", "amazonaws.com"],
        addresses: &[],
        // Every SES sending host is `*.smtp-out.<region>.amazonses.com`.
        outbound_clients: &["*.amazonses.com"],
        outbound_entries: &[],
    },
    Provider {
        id: "mimecast",
        name: "Mimecast",
        kind: ProviderKind::Filter,
        domains: &["mimecast.com", "mimecast-offshore.com", "mimecast.co.za"],
        // Mimecast's published sending ranges, `_netblocks.mimecast.com`
        // (its SPF include; every region's list).
        addresses: &[
            Block::V4([195, 130, 217, 0], 24),
            Block::V4([91, 220, 42, 0], 24),
            Block::V4([146, 101, 78, 0], 24),
            Block::V4([207, 82, 80, 0], 24),
            Block::V4([213, 167, 81, 0], 25),
            Block::V4([193, 7, 207, 0], 25),
            Block::V4([213, 167, 75, 0], 25),
            Block::V4([185, 58, 84, 0], 22),
            Block::V4([193, 7, 206, 0], 25),
            Block::V4([207, 211, 30, 0], 23),
            Block::V4([205, 139, 110, 0], 24),
            Block::V4([216, 205, 24, 0], 24),
            Block::V4([170, 10, 128, 0], 21),
            Block::V4([63, 128, 21, 0], 24),
            Block::V4([207, 211, 41, 113], 32),
            Block::V4([41, 74, 192, 0], 20),
            Block::V4([51, 163, 158, 0], 23),
            Block::V4([194, 104, 109, 0], 24),
            Block::V4([194, 104, 111, 0], 24),
            Block::V4([62, 140, 7, 0], 24),
            Block::V4([62, 140, 10, 21], 32),
            Block::V4([103, 13, 69, 0], 24),
            Block::V4([124, 47, 150, 0], 24),
            Block::V4([124, 47, 189, 0], 24),
            Block::V4([103, 96, 20, 0], 22),
            Block::V4([180, 189, 28, 0], 24),
        ],
        outbound_clients: &[],
        // Mimecast's outbound smart hosts, `<region>-smtp-outbound-<n>.mimecast.com`
        // (inbound MX hosts are `<region>-smtp-inbound-<n>.mimecast.com`).
        outbound_entries: &["*-smtp-outbound-*.mimecast.com"],
    },
    Provider {
        id: "proofpoint",
        name: "Proofpoint",
        kind: ProviderKind::Filter,
        // Proofpoint on Demand (`mx0a-<id>.pphosted.com`) and Proofpoint
        // Essentials (`mx1-us1.ppe-hosted.com`).
        domains: &["pphosted.com", "ppe-hosted.com"],
        // The hosted ranges of Proofpoint on Demand, where its customers'
        // `mx0a-`/`mx0b-<id>.pphosted.com` hosts live.
        addresses: &[Block::V4([67, 231, 144, 0], 20), Block::V4([148, 163, 128, 0], 19)],
        outbound_clients: &[],
        // Proofpoint Essentials' outbound smart hosts, `outbound-<region>.ppe-hosted.com`.
        outbound_entries: &["outbound-*.ppe-hosted.com"],
    },
    Provider {
        id: "cisco",
        name: "Cisco Secure Email (IronPort cloud)",
        kind: ProviderKind::Filter,
        domains: &["iphmx.com"],
        addresses: &[],
        outbound_clients: &[],
        // Cisco's hosted customers get `mx<n>.<customer>.iphmx.com` for
        // inbound and `ob<n>.<customer>.iphmx.com` for outbound relay.
        outbound_entries: &["ob*.iphmx.com"],
    },
    Provider {
        id: "barracuda",
        name: "Barracuda Email Security Service",
        kind: ProviderKind::Filter,
        domains: &["barracudanetworks.com"],
        addresses: &[],
        outbound_clients: &[],
        // Outbound smart hosts `d<id>.o.ess.barracudanetworks.com` (inbound
        // MX `d<id>a.ess.barracudanetworks.com`).
        outbound_entries: &["*.o.ess.barracudanetworks.com"],
    },
    Provider {
        id: "symantec",
        name: "Symantec Email Security.cloud (MessageLabs)",
        kind: ProviderKind::Filter,
        domains: &["messagelabs.com"],
        // Its published sending ranges, `spf.messagelabs.com`.
        addresses: &[
            Block::V4([85, 158, 136, 0], 21),
            Block::V4([193, 109, 254, 0], 23),
            Block::V4([194, 106, 220, 0], 23),
            Block::V4([195, 245, 230, 0], 23),
            Block::V4([95, 131, 104, 0], 21),
            Block::V4([46, 226, 48, 0], 21),
            Block::V4([216, 82, 240, 0], 20),
            Block::V4([67, 219, 240, 0], 20),
            Block::V4([117, 120, 16, 0], 21),
            Block::V4([103, 9, 96, 0], 22),
        ],
        outbound_clients: &[],
        // Outbound smart hosts `cluster<n>out.<region>.messagelabs.com`
        // (inbound MX `cluster<n>.<region>.messagelabs.com`).
        outbound_entries: &["cluster*out.*.messagelabs.com"],
    },
    Provider {
        id: "forcepoint",
        name: "Forcepoint Email Security Cloud",
        kind: ProviderKind::Filter,
        domains: &["mailcontrol.com"],
        addresses: &[],
        outbound_clients: &[],
        outbound_entries: &[],
    },
    Provider {
        id: "trendmicro",
        name: "Trend Micro Email Security",
        kind: ProviderKind::Filter,
        domains: &["trendmicro.com", "trendmicro.eu"],
        addresses: &[],
        outbound_clients: &[],
        outbound_entries: &[],
    },
    Provider {
        id: "sophos",
        name: "Sophos Email",
        kind: ProviderKind::Filter,
        domains: &["sophos.com"],
        addresses: &[],
        outbound_clients: &[],
        outbound_entries: &[],
    },
    Provider {
        id: "hornetsecurity",
        name: "Hornetsecurity",
        kind: ProviderKind::Filter,
        domains: &["hornetsecurity.com"],
        addresses: &[],
        outbound_clients: &[],
        outbound_entries: &[],
    },
];

/// The provider whose registered domain this is (`outlook.com` → Microsoft).
pub fn by_domain(registered_domain: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.domains.contains(&registered_domain))
}

/// The provider with this id.
pub fn by_id(id: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.id == id)
}

/// The provider one of whose servers uses this address.
pub fn address_owner(ip: IpAddr) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.addresses.iter().any(|b| b.contains(ip)))
}

/// The provider a (lower-case) host name is an outbound relay of.
pub fn outbound_owner(name: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.outbound_clients.iter().any(|pattern| matches(pattern, name)))
}

/// True when `name` (lower case) matches `pattern`, where `*` stands for any
/// text, dots included, and everything else must match exactly.
pub fn matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else { return false };
    let Some(mut rest) = name.strip_prefix(first) else { return false };
    let mut pieces: Vec<&str> = parts.collect();
    let Some(last) = pieces.pop() else { return rest.is_empty() };
    for piece in pieces {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(matches("*.outbound.protection.outlook.com", "nam12-dm6-obe.outbound.protection.outlook.com"));
        assert!(!matches("*.outbound.protection.outlook.com", "outbound.protection.outlook.com"));
        assert!(matches("mail-*.google.com", "mail-sor-f41.google.com"));
        assert!(!matches("mail-*.google.com", "mx.google.com"));
        assert!(matches("cluster*out.*.messagelabs.com", "cluster1out.eu.messagelabs.com"));
        assert!(!matches("cluster*out.*.messagelabs.com", "cluster1.eu.messagelabs.com"));
        assert!(matches("*-smtp-outbound-*.mimecast.com", "eu-smtp-outbound-1.mimecast.com"));
        assert!(!matches("*-smtp-outbound-*.mimecast.com", "eu-smtp-inbound-1.mimecast.com"));
        assert!(matches("ob*.iphmx.com", "ob1.hc1234-56.iphmx.com"));
        assert!(!matches("ob*.iphmx.com", "mx1.hc1234-56.iphmx.com"));
        assert!(matches("exact.example", "exact.example"));
        assert!(!matches("exact.example", "exact.example.org"));
        assert!(!matches("a*a", "a"));
    }

    #[test]
    fn address_blocks() {
        let owner = |ip: &str| ip.parse().ok().and_then(address_owner).map(|p| p.id);
        for ip in [
            "2603:10a6:10:130::24",
            "2603:10b6:a03:477::19",
            "2603:1096:4:28::21",
            "2603:1006::1",
            "2a01:111:f400:7e0d::202",
            "2a01:111:f403:c922::",
        ] {
            assert_eq!(owner(ip), Some("microsoft"), "{ip}");
        }
        // Azure, other Microsoft space, neighbours.
        for ip in ["2603:1030::1", "2a01:111:f401::1", "40.107.1.1", "2603:10a7::1", "2603:10a5:ffff::1"] {
            assert_eq!(owner(ip), None, "{ip}");
        }
        assert_eq!(owner("170.10.133.124"), Some("mimecast"));
        assert_eq!(owner("170.10.136.1"), None);
        assert_eq!(owner("148.163.158.5"), Some("proofpoint"));
        assert_eq!(owner("216.82.255.1"), Some("symantec"));
        assert_eq!(owner("::ffff:170.10.133.124"), None, "mapped addresses are unmapped by the caller");
    }

    #[test]
    fn every_domain_belongs_to_one_provider() {
        let mut seen = std::collections::HashSet::new();
        for provider in PROVIDERS {
            assert_eq!(by_id(provider.id).map(|p| p.name), Some(provider.name));
            for domain in provider.domains {
                assert!(seen.insert(*domain), "{domain} twice");
                assert_eq!(
                    crate::domain::organization(domain).as_deref(),
                    Some(*domain),
                    "{domain} is a registered domain"
                );
            }
        }
    }
}
