//! The route: hops in chronological order, delays, scopes, and the sender hop.
//!
//! # The sender hop
//!
//! The hop at which the message entered the recipient's infrastructure from
//! the public internet: its client is the server whose reverse DNS the
//! recipient judged. Only what the receiving side wrote about itself may
//! extend the receiving side; nothing the sender wrote (a HELO name, a
//! `Received:` field below the sender hop) ever does. Walking from the
//! newest hop (the recipient's last relay) towards the oldest:
//!
//! 1. a retrieval hop (fetchmail, getmail, `with IMAP`/`POP3`,
//!    `(single-drop)`) is the user fetching their own mailbox: never the
//!    sender hop; the walk goes on to the mailbox server's own fields;
//! 2. every `by` host passed joins the *receiving side*, by organisation
//!    (`mx1.example.org` and `mail.example.org` are both `example.org`; the
//!    domains of one provider count as one: [`crate::providers`]);
//! 3. a hop whose client address is not public, or not stated, is internal;
//! 4. a client named as a provider's outbound relay
//!    (`*.outbound.protection.outlook.com`, `mail-*.google.com`...) is the
//!    sender hop: that is where the message left its sender, even when both
//!    ends use the same provider (a sender can only stop the walk early
//!    with such a name, never extend it);
//! 5. a client is the receiving side's own when the receiving server's
//!    record proves it: its address is one of the provider's internal relay
//!    blocks (Microsoft 365's `2603:10X6::/32`) and that provider is on the
//!    receiving side, or the reverse-DNS name the receiving server recorded
//!    (not one it marked "may be forged") belongs to the receiving side
//!    (or to a `--receiver-domain`), or names a filtering service
//!    (Mimecast, Proofpoint...) that did not take the message in through
//!    its outbound smart hosts (`*-smtp-outbound-*.mimecast.com`...): then
//!    the walk goes on;
//! 6. the first other public client is the sender hop. When the walk finds
//!    none (every public client is a provider's own relay), the oldest public
//!    hop outside the providers' relay blocks is, if there is one.
//!
//! Then the receiver's own statement ([`crate::statement`]): when the final
//! receiver wrote down the client it judged and that address is a hop's
//! client, the statement decides, provided it stands where only the
//! receiving side can have written it (RFC 8601 §5): above the `Received:`
//! field of the later of the two hops, or just below it with an
//! authserv-id (or `Received-SPF` receiver) of the receiving side, which
//! removes forged copies of its own fields. A statement the sending side
//! could have written is not used, and a note says why.

use crate::ascii::{contains_ignore_case, starts_with_ignore_case};
use crate::domain::{normalize, organization, organization_key};
use crate::limits::MAX_RAW_FIELD_BYTES;
use crate::providers::{self, ProviderKind};
use crate::received::{self, Received};
use crate::report::{Hop, HopRole, ProviderRef, ReceiverStatement};
use crate::scope::IpScope;
use crate::statement::Statement;
use std::net::IpAddr;

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
        rdns_forged: parsed.may_be_forged,
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
        role: HopRole::Receiver,
        relay_of: None,
        iprev: None,
        notes,
        raw: raw.to_string(),
    }
}

/// What the caller knows about the receiving side.
#[derive(Debug, Clone, Default)]
pub struct RouteOptions {
    /// Domains that belong to the recipient's infrastructure (its own, or
    /// gateways and forwarders it uses), matched against what the receiving
    /// side recorded (its `by` names, the reverse DNS it recorded); or
    /// address blocks (`203.0.113.0/24`, `2001:db8::/32`, one address),
    /// matched against the client addresses it recorded.
    pub receiver_domains: Vec<String>,
}

/// A `--receiver-domain` given as an address block: the network and prefix.
fn declared_network(text: &str) -> Option<(IpAddr, u8)> {
    let (address, len) = match text.split_once('/') {
        Some((address, len)) => (address, Some(len.parse::<u8>().ok()?)),
        None => (text, None),
    };
    let (ip, mapped) = crate::ip::unmap(address.parse().ok()?);
    let max = if ip.is_ipv4() { 32 } else { 128 };
    // `::ffff:192.0.2.0/120` is the IPv4 block `192.0.2.0/24`.
    let len = match len {
        Some(len) if mapped => len.checked_sub(96)?,
        Some(len) => len,
        None => max,
    };
    (len <= max).then_some((ip, len))
}

/// True when `ip` lies in the network.
fn in_network(ip: IpAddr, (network, len): (IpAddr, u8)) -> bool {
    let bits = |ip: IpAddr| match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32u32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    };
    let ((have, width), (want, want_width)) = (bits(ip), bits(network));
    if width != want_width {
        return false;
    }
    let shift = width - u32::from(len);
    have.checked_shr(shift).unwrap_or(0) == want.checked_shr(shift).unwrap_or(0)
}

/// The sender hop, how it was found, and every hop's role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route {
    /// Index of the sender hop.
    pub sender_hop: Option<usize>,
    /// The receiver's statement, with the hop it names.
    pub statement: Option<ReceiverStatement>,
    /// How the statement weighed, when it changed or contradicted the walk.
    pub notes: Vec<String>,
}

/// Finds the sender hop of hops in chronological order and writes each
/// hop's role. `received_at` gives the place in the header block of each
/// hop's `Received:` field, newest first (as the fields stand); `statement`
/// is the receiver's topmost statement of the client it judged.
pub fn route(hops: &mut [Hop], received_at: &[usize], statement: Option<&Statement>, options: &RouteOptions) -> Route {
    let walked = sender_hop(hops, options);
    let mut route = Route { sender_hop: walked, ..Route::default() };
    if let Some(statement) = statement {
        weigh_statement(hops, received_at, statement, &mut route);
    }
    for hop in hops.iter_mut() {
        hop.relay_of = provider_relay(hop).map(|p| ProviderRef { id: p.id.to_string(), name: p.name.to_string() });
        hop.role = if is_retrieval(hop) {
            HopRole::Retrieval
        } else {
            match route.sender_hop {
                Some(sender) if hop.index < sender => HopRole::SenderSide,
                Some(sender) if hop.index == sender => HopRole::Sender,
                _ => HopRole::Receiver,
            }
        };
    }
    route
}

/// The walk alone (steps 1 to 6 of the module docs), without the
/// receiver's statement.
pub fn sender_hop(hops: &[Hop], options: &RouteOptions) -> Option<usize> {
    let networks: Vec<(IpAddr, u8)> = options.receiver_domains.iter().filter_map(|d| declared_network(d)).collect();
    let declared: Vec<String> = options
        .receiver_domains
        .iter()
        .filter(|d| declared_network(d).is_none())
        .filter_map(|d| organization_key(d))
        .collect();
    let mut receiving: Vec<String> = declared.clone();
    for hop in hops.iter().rev() {
        if is_retrieval(hop) {
            continue;
        }
        if let Some(key) = hop.by.as_deref().and_then(organization_key)
            && !receiving.contains(&key)
        {
            receiving.push(key);
        }
        if hop.ip_scope != Some(IpScope::Public) {
            continue;
        }
        let declared_address = client_ip(hop).is_some_and(|ip| networks.iter().any(|&n| in_network(ip, n)));
        if !declared_address && !is_receiving_side(hops, hop, &receiving, &declared) {
            return Some(hop.index);
        }
    }
    hops.iter()
        .find(|h| {
            let relay =
                client_ip(h).and_then(providers::address_owner).is_some_and(|p| p.kind == ProviderKind::Mailbox);
            h.ip_scope == Some(IpScope::Public) && !is_retrieval(h) && !relay
        })
        .map(|h| h.index)
}

/// Step 1: the user's own client fetching a mailbox.
pub fn is_retrieval(hop: &Hop) -> bool {
    let protocol =
        hop.with.as_deref().is_some_and(|w| starts_with_ignore_case(w, "imap") || starts_with_ignore_case(w, "pop"));
    protocol
        || contains_ignore_case(&hop.raw, "fetchmail")
        || contains_ignore_case(&hop.raw, "getmail")
        || contains_ignore_case(&hop.raw, "(single-drop)")
}

/// The mailbox provider whose internal relay handed this hop to another of
/// its servers, if one did.
pub fn provider_relay(hop: &Hop) -> Option<&'static providers::Provider> {
    let owner = client_ip(hop).and_then(providers::address_owner).filter(|p| p.kind == ProviderKind::Mailbox)?;
    let received_by_owner = hop.by.as_deref().and_then(organization_key).is_some_and(|k| k == owner.id);
    received_by_owner.then_some(owner)
}

fn client_ip(hop: &Hop) -> Option<IpAddr> {
    hop.from_ip.as_deref()?.parse().ok()
}

/// Steps 4 and 5 for a hop with a public client.
fn is_receiving_side(hops: &[Hop], hop: &Hop, receiving: &[String], declared: &[String]) -> bool {
    let rdns = hop.from_rdns.as_deref().filter(|_| !hop.rdns_forged).map(normalize);
    let claimed = rdns.clone().or_else(|| hop.from_helo.as_deref().map(normalize));
    if let Some(name) = &claimed
        && providers::outbound_owner(name).is_some()
        && !organization_key(name).is_some_and(|k| declared.contains(&k))
    {
        return false;
    }
    let owner = client_ip(hop).and_then(providers::address_owner);
    if let Some(owner) = owner
        && owner.kind == ProviderKind::Mailbox
        && receiving.iter().any(|k| k == owner.id)
    {
        return true;
    }
    if rdns.as_deref().and_then(organization_key).is_some_and(|k| receiving.contains(&k)) {
        return true;
    }
    // A filtering service, proven by its address or by the name the
    // receiving server recorded.
    let named = rdns.as_deref().and_then(organization).and_then(|d| providers::by_domain(&d));
    let Some(filter) = owner.or(named).filter(|p| p.kind == ProviderKind::Filter) else { return false };
    // A filter that took the message in through its outbound smart hosts
    // was sending for its customer: the sender's side.
    let entered_outbound =
        hop.index.checked_sub(1).and_then(|i| hops.get(i)).and_then(|below| below.by.as_deref()).is_some_and(|by| {
            let by = normalize(by);
            filter.outbound_entries.iter().any(|pattern| providers::matches(pattern, &by))
        });
    !entered_outbound
}

/// The receiver's statement against the walk (module docs).
fn weigh_statement(hops: &[Hop], received_at: &[usize], statement: &Statement, route: &mut Route) {
    let field = statement.field.as_str();
    let ip = crate::ip::to_text(statement.ip);
    // Where hop `i`'s own Received field stands in the header block.
    let place = |i: usize| hops.len().checked_sub(i + 1).and_then(|k| received_at.get(k)).copied();
    let receiving_writer = |x: usize| {
        let writer = statement.writer.as_deref().and_then(organization_key);
        writer
            .is_some_and(|w| hops[x..].iter().any(|h| h.by.as_deref().and_then(organization_key).as_ref() == Some(&w)))
    };
    // Written by the receiving side: above the later hop's field, or just
    // below it under a receiving-side authserv-id.
    let trusted = |h: usize| {
        let x = route.sender_hop.map_or(h, |w| w.max(h));
        let Some(own) = place(x) else { return false };
        let below_next = x.checked_sub(1).and_then(place).is_some_and(|next| statement.position > next);
        statement.position < own || (!below_next && receiving_writer(x))
    };
    let holders: Vec<usize> =
        hops.iter().rev().filter(|h| !is_retrieval(h) && client_ip(h) == Some(statement.ip)).map(|h| h.index).collect();
    let chosen = holders.iter().copied().find(|&h| trusted(h));
    route.statement = Some(ReceiverStatement {
        ip: ip.clone(),
        field: field.to_string(),
        form: statement.form.to_string(),
        hop: chosen.or(holders.first().copied()),
    });
    let walked = match route.sender_hop {
        Some(w) => format!("hop {w}"),
        None => "no hop".to_string(),
    };
    match (chosen, holders.first()) {
        (Some(h), _) if Some(h) == route.sender_hop => {}
        (Some(h), _) => {
            route.notes.push(format!(
                "the receiver's own statement decided the sender hop: its {field} names {ip} ({}), the client of hop {h}; the route alone would have chosen {walked}",
                statement.form
            ));
            route.sender_hop = Some(h);
        }
        (None, Some(h)) => route.notes.push(format!(
            "the {field} that names {ip} (hop {h}) as the client judged stands where the sending side could have written it (below the Received field of the hop it would make the sender hop, RFC 8601 §5): not used; the sender hop is {walked}, by the route"
        )),
        (None, None) => route.notes.push(format!(
            "the receiver's {field} names {ip} as the client it judged, but no Received field shows that client (a forwarder, or fields removed): the sender hop is {walked}, by the route"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::StatementField;

    fn hop(index: usize, from: &str, ip: &str, scope: IpScope, by: &str) -> Hop {
        Hop {
            index,
            from_helo: Some(from.to_string()),
            from_rdns: None,
            rdns_forged: false,
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
            role: HopRole::Receiver,
            relay_of: None,
            iprev: None,
            notes: Vec::new(),
            raw: String::new(),
        }
    }

    fn with_rdns(mut hop: Hop, rdns: &str) -> Hop {
        hop.from_rdns = Some(rdns.to_string());
        hop
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
        // The gateway is known from the reverse DNS the recipient's server
        // recorded, never from the client's own HELO.
        let gateway = hop(1, "mx0a-001.pphosted.com", "67.231.1.1", IpScope::Public, "exch.recipient.example");
        let hops = vec![
            hop(0, "mail.sender.example", "81.2.69.142", IpScope::Public, "mx0a-001.pphosted.com"),
            with_rdns(gateway.clone(), "mx0a-001.pphosted.com"),
        ];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), Some(0));
        let hops = vec![hops[0].clone(), gateway];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), Some(1));
        let forwarder = hop(1, "out.forwarder.example", "89.160.20.1", IpScope::Public, "mx.recipient.example");
        let hops = vec![
            hop(0, "mail.sender.example", "81.2.69.142", IpScope::Public, "fwd.forwarder.example"),
            with_rdns(forwarder, "out.forwarder.example"),
        ];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), Some(1));
        let options = RouteOptions { receiver_domains: vec!["forwarder.example".into()] };
        assert_eq!(sender_hop(&hops, &options), Some(0));
        // A gateway whose receiver records no reverse DNS (Exchange): only
        // its declared address block proves it.
        let hops = vec![
            hops[0].clone(),
            hop(1, "out.forwarder.example", "89.160.20.1", IpScope::Public, "exch.recipient.example"),
        ];
        assert_eq!(sender_hop(&hops, &options), Some(1), "a HELO name proves nothing");
        for block in ["89.160.20.0/24", "89.160.20.1", "::ffff:89.160.20.1", "::ffff:89.160.20.0/120"] {
            let options = RouteOptions { receiver_domains: vec![block.into()] };
            assert_eq!(sender_hop(&hops, &options), Some(0), "{block}");
        }
        for block in ["89.160.21.0/24", "2001:db8::/32", "89.160.20.0/33", "garbage/8", "::ffff:89.160.20.0/64"] {
            let options = RouteOptions { receiver_domains: vec![block.into()] };
            assert_eq!(sender_hop(&hops, &options), Some(1), "{block}");
        }
    }

    #[test]
    fn networks() {
        let net = |t: &str| declared_network(t).unwrap_or((IpAddr::from([0u8; 4]), 0));
        let ip = |t: &str| t.parse::<IpAddr>().unwrap_or(IpAddr::from([0u8; 4]));
        assert!(in_network(ip("2001:db8:1::5"), net("2001:db8::/32")));
        assert!(!in_network(ip("2001:db9::5"), net("2001:db8::/32")));
        assert!(in_network(ip("10.1.2.3"), net("0.0.0.0/0")));
        assert!(!in_network(ip("::1"), net("0.0.0.0/0")));
        assert!(in_network(ip("::1"), net("::/0")));
    }

    /// A spammer who announces a gateway's name from an address without
    /// reverse DNS must not make iprev trust the fields it wrote below.
    #[test]
    fn a_forged_gateway_helo_does_not_extend_the_receiving_side() {
        let hops = vec![
            with_rdns(
                hop(0, "mail-sor-f41.google.com", "209.85.220.41", IpScope::Public, "gw1.mimecast.com"),
                "mail-sor-f41.google.com",
            ),
            hop(1, "gw1.mimecast.com", "198.51.100.66", IpScope::Public, "mx.recipient.example"),
        ];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), Some(1));
        // The same with the gateway's name recorded by the recipient's server.
        let hops = vec![hops[0].clone(), with_rdns(hops[1].clone(), "gw1.mimecast.com")];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), Some(0));
    }

    #[test]
    fn a_forged_provider_helo_is_an_outside_client() {
        let hops = vec![
            hop(0, "mailout.example.net", "192.0.2.10", IpScope::Documentation, "relay.example.net"),
            hop(1, "hotmail.com", "147.91.36.2", IpScope::Public, "DM6NAM11FT004.mail.protection.outlook.com"),
            hop(
                2,
                "DM6NAM11FT004.eop-nam11.prod.protection.outlook.com",
                "2603:10b6:5:177::1",
                IpScope::Public,
                "DM6PR02CA0039.outlook.office365.com",
            ),
        ];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), Some(1));
    }

    #[test]
    fn a_filter_entered_through_its_outbound_smart_host_is_the_sender_side() {
        let hops = vec![
            hop(0, "exch.sender.example", "81.2.69.142", IpScope::Public, "eu-smtp-outbound-1.mimecast.com"),
            with_rdns(
                hop(1, "eu-smtp-delivery-1.mimecast.com", "195.130.217.1", IpScope::Public, "mx.google.com"),
                "eu-smtp-delivery-1.mimecast.com",
            ),
        ];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), Some(1));
        let mut inbound = hops.clone();
        inbound[0].by = Some("eu-smtp-inbound-1.mimecast.com".into());
        assert_eq!(sender_hop(&inbound, &RouteOptions::default()), Some(0));
    }

    #[test]
    fn retrieval_is_never_the_sender_hop() {
        let mut fetch =
            with_rdns(hop(2, "imap.example.org", "203.0.113.10", IpScope::Public, "localhost"), "imap.example.org");
        fetch.with = Some("IMAP".into());
        fetch.raw = "from imap.example.org [203.0.113.10] by localhost with IMAP (fetchmail-6.4.37) for <me@localhost> (single-drop)".into();
        let mut hops = vec![
            hop(0, "mail.sender.example", "81.2.69.142", IpScope::Public, "mx.example.org"),
            with_rdns(hop(1, "mx.example.org", "203.0.113.5", IpScope::Public, "imap.example.org"), "mx.example.org"),
            fetch,
        ];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), Some(0));
        let route = route(&mut hops, &[2, 1, 0], None, &RouteOptions::default());
        assert_eq!(route.sender_hop, Some(0));
        let roles: Vec<HopRole> = hops.iter().map(|h| h.role).collect();
        assert_eq!(roles, [HopRole::Sender, HopRole::Receiver, HopRole::Retrieval]);
    }

    fn statement(ip: &str, position: usize, writer: Option<&str>) -> Statement {
        Statement {
            ip: ip.parse().unwrap_or(IpAddr::from([0u8; 4])),
            field: StatementField::AuthenticationResults,
            form: "sender IP is",
            position,
            writer: writer.map(str::to_string),
        }
    }

    /// An unknown gateway the walk takes for the sender; the receiver's own
    /// statement, above the gateway's field, names the client before it.
    fn gateway_route() -> Vec<Hop> {
        vec![
            hop(0, "mail.sender.example", "81.2.69.142", IpScope::Public, "filter.unlisted.example"),
            hop(1, "filter.unlisted.example", "89.160.20.1", IpScope::Public, "mx.recipient.example"),
        ]
    }

    #[test]
    fn the_receivers_statement_decides() {
        // Header order: [0] the statement, [1] hop 1's Received, [2] hop 0's.
        let mut hops = gateway_route();
        let route = route(&mut hops, &[1, 2], Some(&statement("81.2.69.142", 0, None)), &RouteOptions::default());
        assert_eq!(route.sender_hop, Some(0));
        assert_eq!(route.statement.as_ref().and_then(|s| s.hop), Some(0));
        assert!(route.notes[0].contains("decided"), "{:?}", route.notes);
        assert_eq!(hops[1].role, HopRole::Receiver);
    }

    #[test]
    fn a_statement_the_sender_could_have_written_is_not_used() {
        // Below hop 1's field: written before the message reached the receiver.
        let mut hops = gateway_route();
        let route = route(&mut hops, &[0, 2], Some(&statement("81.2.69.142", 1, None)), &RouteOptions::default());
        assert_eq!(route.sender_hop, Some(1));
        assert!(route.notes[0].contains("not used"), "{:?}", route.notes);
        // Just below hop 1's own field but under the receiver's authserv-id
        // (Gmail writes its Authentication-Results there).
        let mut hops = gateway_route();
        let trusted = statement("81.2.69.142", 1, Some("mx.recipient.example"));
        assert_eq!(route_of(&mut hops, &[0, 2], &trusted), Some(0));
        // A forged authserv-id of the receiver deeper down is still not used.
        let mut hops = gateway_route();
        let deep = statement("81.2.69.142", 3, Some("mx.recipient.example"));
        assert_eq!(route_of(&mut hops, &[0, 2], &deep), Some(1));
    }

    fn route_of(hops: &mut [Hop], at: &[usize], statement: &Statement) -> Option<usize> {
        route(hops, at, Some(statement), &RouteOptions::default()).sender_hop
    }

    #[test]
    fn a_statement_of_no_client_leaves_the_walk() {
        let mut hops = gateway_route();
        let route = route(&mut hops, &[1, 2], Some(&statement("192.0.2.77", 0, None)), &RouteOptions::default());
        assert_eq!(route.sender_hop, Some(1));
        assert_eq!(route.statement.as_ref().map(|s| s.hop), Some(None));
        assert!(route.notes[0].contains("no Received field"), "{:?}", route.notes);
    }

    #[test]
    fn no_public_hop() {
        let hops = vec![hop(0, "a", "10.0.0.1", IpScope::Private, "b")];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), None);
        assert_eq!(sender_hop(&[], &RouteOptions::default()), None);
    }

    #[test]
    fn a_route_inside_one_provider_has_no_sender_hop() {
        let hops = vec![
            hop(
                0,
                "SJ0PR05MB7390.namprd05.prod.outlook.com",
                "2603:10b6:a03:28a::10",
                IpScope::Public,
                "CH0PR03CA0304.outlook.office365.com",
            ),
            hop(
                1,
                "CH0PR03CA0304.namprd03.prod.outlook.com",
                "2603:10b6:610:118::28",
                IpScope::Public,
                "BY3PR19MB4849.namprd19.prod.outlook.com",
            ),
        ];
        assert_eq!(sender_hop(&hops, &RouteOptions::default()), None);
    }
}
