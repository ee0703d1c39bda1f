//! The route: hops in chronological order, delays, scopes, and the sender hop.
//!
//! # The sender hop
//!
//! The hop at which the message entered the recipient's infrastructure from
//! the public internet: its client is the server whose reverse DNS the
//! recipient judged. Walking from the newest hop (the recipient's last
//! relay) towards the oldest:
//!
//! 1. every `by` host passed joins the *receiving side* (by organisation:
//!    `mx1.example.org` and `mail.example.org` are both `example.org`;
//!    Microsoft's `outlook.com`/`office365.com`, Google's `google.com`/
//!    `gmail.com` count as one organisation each);
//! 2. hops whose client address is not public (private, loopback, link-local,
//!    documentation...) or not stated are internal: skipped;
//! 3. the first hop with a public client address is the sender hop, unless
//!    its client is itself on the receiving side (same organisation as a
//!    `by` host already passed, a domain given in [`RouteOptions`], or a
//!    known inbound filtering gateway such as Mimecast or Proofpoint) *and*
//!    an older hop with a public client exists: then it is an internal relay
//!    of the recipient and the walk goes on;
//! 4. a client whose name is a provider's known outbound relay
//!    (`*.outbound.protection.outlook.com`, `mail-*.google.com`,
//!    `*.amazonses.com`...) ends the walk: that is where the message left
//!    the sender, even when sender and recipient use the same provider.
//!
//! Limits: a filtering gateway (Mimecast, Proofpoint, Cisco...) is taken
//! for the recipient's, since that is how most headers that show one came
//! to be; mail a sender routed *out* through such a gateway gets the
//! gateway's client as sender hop.
//! The client's organisation comes from the rDNS name the receiver
//! recorded, or the HELO name when it recorded none (Exchange never does);
//! a HELO can be forged. A recipient relay the rules cannot recognise (an
//! unlisted gateway, a forwarding service) is taken for the sender: name its
//! domain in [`RouteOptions::receiver_domains`] (`--receiver-domain`).
//! Headers below the sender hop are written by the sending side and are
//! reported as they are, not trusted.

use crate::domain::{normalize, organization_key};
use crate::limits::MAX_RAW_FIELD_BYTES;
use crate::received::{self, Received};
use crate::report::Hop;
use crate::scope::IpScope;

/// Parses `Received:` values given newest first (header order) into hops in
/// chronological order, with scopes and delays.
pub fn hops_from_fields<S: AsRef<str>>(newest_first: &[S]) -> Vec<Hop> {
    let mut previous_time: Option<i64> = None;
    newest_first
        .iter()
        .rev()
        .enumerate()
        .map(|(index, raw)| {
            let raw = raw.as_ref();
            let parsed = received::parse(raw);
            let time = parsed.date.map(|d| d.timestamp);
            let delay_s = match (previous_time, time) {
                (Some(before), Some(now)) if index > 0 => Some(now - before),
                _ => None,
            };
            if time.is_some() {
                previous_time = time;
            } else {
                // A hop without a date breaks the chain: the next delay would
                // span two hops and be mistaken for one.
                previous_time = None;
            }
            hop(index, parsed, delay_s, raw)
        })
        .collect()
}

/// Clocks of servers that keep time (NTP) still disagree by a second or
/// two, and many do not keep time that well: a negative delay of this many
/// seconds or fewer is shown but gets no note.
const CLOCK_SKEW_S: i64 = 60;

fn hop(index: usize, parsed: Received, delay_s: Option<i64>, raw: &str) -> Hop {
    let mut notes = parsed.notes;
    if delay_s.is_some_and(|d| d < -CLOCK_SKEW_S) {
        notes.push("negative delay: this server's clock is behind the previous one's (or a date is wrong)".to_string());
    }
    let raw = crate::limits::cut(raw, MAX_RAW_FIELD_BYTES, "the raw field shown in this report", &mut notes);

    Hop {
        index,
        from_helo: parsed.from_helo,
        from_rdns: parsed.from_rdns,
        from_ip: parsed.from_ip.map(crate::ip::to_text),
        from_port: parsed.from_port,
        by: parsed.by,
        by_ip: parsed.by_ip.map(crate::ip::to_text),
        with: parsed.with,
        via: parsed.via,
        id: parsed.id,
        for_: parsed.for_,
        tls: parsed.tls,
        date: parsed.date.map(|d| d.to_rfc3339()),
        delay_s,
        ip_scope: parsed.from_ip.map(IpScope::of),
        mta: parsed.mta,
        iprev: None,
        notes,
        raw: raw.to_string(),
    }
}

/// What the caller knows about the receiving side.
#[derive(Debug, Clone, Default)]
pub struct RouteOptions {
    /// Domains that belong to the recipient's infrastructure (its own, or
    /// gateways and forwarders it uses).
    pub receiver_domains: Vec<String>,
}

/// Client names of inbound filtering services that relay to the recipient's
/// own servers.
const INBOUND_GATEWAYS: &[&str] = &[
    "pphosted.com",
    "ppe-hosted.com",
    "iphmx.com",
    "ess.barracudanetworks.com",
    "messagelabs.com",
    "mailcontrol.com",
    "trendmicro.com",
    "trendmicro.eu",
    "hydra.sophos.com",
    "hornetsecurity.com",
    "mimecast.com",
    "mimecast-offshore.com",
];

fn ends_with_domain(name: &str, domain: &str) -> bool {
    name == domain || name.strip_suffix(domain).is_some_and(|head| head.ends_with('.'))
}

fn is_inbound_gateway(name: &str) -> bool {
    INBOUND_GATEWAYS.iter().any(|d| ends_with_domain(name, d))
}

fn is_provider_outbound(name: &str) -> bool {
    ends_with_domain(name, "outbound.protection.outlook.com")
        || (name.starts_with("mail-")
            && (ends_with_domain(name, "google.com") || ends_with_domain(name, "protonmail.ch")))
        || ends_with_domain(name, "amazonses.com")
        || (name.starts_with("sonic") && ends_with_domain(name, "yahoo.com"))
}

/// Finds the sender hop of hops in chronological order (see the module docs).
pub fn sender_hop(hops: &[Hop], options: &RouteOptions) -> Option<usize> {
    let declared: Vec<String> = options.receiver_domains.iter().filter_map(|d| organization_key(d)).collect();
    let mut receiving: Vec<String> = declared.clone();
    for hop in hops.iter().rev() {
        if let Some(key) = hop.by.as_deref().and_then(organization_key)
            && !receiving.contains(&key)
        {
            receiving.push(key);
        }
        if hop.ip_scope != Some(IpScope::Public) {
            continue;
        }
        let older_public = hops[..hop.index].iter().any(|h| h.ip_scope == Some(IpScope::Public));
        if !older_public {
            return Some(hop.index);
        }
        let Some(name) = hop.from_rdns.as_deref().or(hop.from_helo.as_deref()).map(normalize) else {
            return Some(hop.index);
        };
        let key = organization_key(&name);
        let declared_receiver = key.as_ref().is_some_and(|k| declared.contains(k));
        if is_provider_outbound(&name) && !declared_receiver {
            return Some(hop.index);
        }
        let receiver_side = key.is_some_and(|k| receiving.contains(&k)) || is_inbound_gateway(&name);
        if !receiver_side {
            return Some(hop.index);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(index: usize, from: &str, ip: &str, scope: IpScope, by: &str) -> Hop {
        Hop {
            index,
            from_helo: Some(from.to_string()),
            from_rdns: None,
            from_ip: Some(ip.to_string()),
            from_port: None,
            by: Some(by.to_string()),
            by_ip: None,
            with: None,
            via: None,
            id: None,
            for_: None,
            tls: None,
            date: None,
            delay_s: None,
            ip_scope: Some(scope),
            mta: None,
            iprev: None,
            notes: Vec::new(),
            raw: String::new(),
        }
    }

    #[test]
    fn microsoft_internal_hops_are_skipped() {
        let hops = vec![
            hop(0, "svr01.contoso.local", "10.0.0.5", IpScope::Private, "mail.contoso.com"),
            hop(1, "mail.contoso.com", "81.2.69.142", IpScope::Public, "DM6NAM12FT011.mail.protection.outlook.com"),
            hop(
                2,
                "DM6NAM12FT011.eop-nam12.prod.protection.outlook.com",
                "2603:10b6:5:1::1",
                IpScope::Public,
                "DM6PR03CA0001.outlook.office365.com",
            ),
            hop(
                3,
                "DM6PR03CA0001.namprd03.prod.outlook.com",
                "2603:10b6:5:2::1",
                IpScope::Public,
                "BN8PR04MB5234.namprd04.prod.outlook.com",
            ),
        ];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), Some(1));
    }

    #[test]
    fn same_provider_sender_is_its_outbound_relay() {
        let hops = vec![
            hop(
                0,
                "DM6PR12MB3456.namprd12.prod.outlook.com",
                "2603:10b6:5:3::1",
                IpScope::Public,
                "DM6PR12MB3457.namprd12.prod.outlook.com",
            ),
            hop(
                1,
                "NAM12-DM6-obe.outbound.protection.outlook.com",
                "40.107.1.1",
                IpScope::Public,
                "BN8NAM12FT045.mail.protection.outlook.com",
            ),
            hop(
                2,
                "BN8NAM12FT045.eop-nam12.prod.protection.outlook.com",
                "2603:10b6:5:4::1",
                IpScope::Public,
                "BN8PR04MB5234.namprd04.prod.outlook.com",
            ),
        ];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), Some(1));
    }

    #[test]
    fn gateways_and_declared_domains() {
        let hops = vec![
            hop(0, "mail.sender.example", "81.2.69.142", IpScope::Public, "mx0a-001.pphosted.com"),
            hop(1, "mx0a-001.pphosted.com", "67.231.1.1", IpScope::Public, "exch.recipient.example"),
        ];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), Some(0));
        let hops = vec![
            hop(0, "mail.sender.example", "81.2.69.142", IpScope::Public, "fwd.forwarder.example"),
            hop(1, "out.forwarder.example", "89.160.20.1", IpScope::Public, "mx.recipient.example"),
        ];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), Some(1));
        let options = RouteOptions { receiver_domains: vec!["forwarder.example".into()] };
        assert_eq!(sender_hop(&hops, &options), Some(0));
    }

    #[test]
    fn no_public_hop() {
        let hops = vec![hop(0, "a", "10.0.0.1", IpScope::Private, "b")];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), None);
        assert_eq!(sender_hop(&[], &RouteOptions::default()), None);
    }
}
