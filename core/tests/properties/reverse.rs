//! Reverse-lookup names and address literals.

use iprev_core::dns::{QType, Question, build_query, parse_query, reverse_name};
use iprev_core::ip::parse_ip_literal;
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The test's own reading of a reverse name (RFC 1035 §3.5, RFC 3596 §2.5):
/// four canonical decimal labels under `in-addr.arpa`, or 32 lower-case
/// nibbles under `ip6.arpa`, least significant first.
fn read_reverse(name: &str) -> Option<IpAddr> {
    if let Some(rest) = name.strip_suffix(".in-addr.arpa") {
        let labels: Vec<&str> = rest.split('.').collect();
        let [d, c, b, a] = labels.as_slice() else { return None };
        let octet = |label: &str| {
            let canonical = !label.is_empty()
                && label.len() <= 3
                && label.bytes().all(|b| b.is_ascii_digit())
                && (label == "0" || !label.starts_with('0'));
            canonical.then(|| label.parse::<u8>().ok()).flatten()
        };
        return Some(IpAddr::V4(Ipv4Addr::new(octet(a)?, octet(b)?, octet(c)?, octet(d)?)));
    }
    let rest = name.strip_suffix(".ip6.arpa")?;
    let labels: Vec<&str> = rest.split('.').collect();
    if labels.len() != 32 {
        return None;
    }
    let mut value = 0u128;
    for label in labels.iter().rev() {
        let &[nibble] = label.as_bytes() else { return None };
        if !matches!(nibble, b'0'..=b'9' | b'a'..=b'f') {
            return None;
        }
        value = (value << 4) | u128::from(char::from(nibble).to_digit(16)?);
    }
    Some(IpAddr::V6(Ipv6Addr::from(value)))
}

/// IPv6 addresses with the embedded-IPv4 forms (mapped, compatible, NAT64)
/// as likely as arbitrary ones.
fn v6_addr() -> impl Strategy<Value = Ipv6Addr> {
    prop_oneof![
        2 => any::<Ipv6Addr>(),
        1 => any::<Ipv4Addr>().prop_map(|v4| v4.to_ipv6_mapped()),
        1 => any::<Ipv4Addr>().prop_map(|v4| v4.to_ipv6_compatible()),
        1 => any::<u32>().prop_map(|low| Ipv6Addr::from((0x64_ff9b_u128 << 96) | u128::from(low))),
    ]
}

fn any_ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![any::<Ipv4Addr>().prop_map(IpAddr::V4), v6_addr().prop_map(IpAddr::V6)]
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn ipv4_reverse_names_read_back(ip in any::<Ipv4Addr>()) {
        let name = reverse_name(IpAddr::V4(ip));
        prop_assert_eq!(name.split('.').count(), 6, "{}", name);
        prop_assert_eq!(read_reverse(&name), Some(IpAddr::V4(ip)), "{}", name);
    }

    #[test]
    fn ipv6_reverse_names_read_back(ip in v6_addr()) {
        let name = reverse_name(IpAddr::V6(ip));
        // The design: `::ffff:a.b.c.d` is checked as IPv4.
        if let Some(v4) = ip.to_ipv4_mapped() {
            prop_assert_eq!(&name, &reverse_name(IpAddr::V4(v4)));
            prop_assert_eq!(read_reverse(&name), Some(IpAddr::V4(v4)), "{}", name);
        } else {
            prop_assert_eq!(name.len(), 72, "{}", name);
            prop_assert_eq!(name.split('.').count(), 34, "{}", name);
            prop_assert_eq!(read_reverse(&name), Some(IpAddr::V6(ip)), "{}", name);
        }
    }

    #[test]
    fn reverse_names_are_askable(ip in any_ip()) {
        let name = reverse_name(ip);
        let question = Question::new(&name, QType::Ptr);
        prop_assert_eq!(&question.name, &name, "already normalised");
        let query = build_query(&question).expect("a reverse name fits in a query");
        prop_assert_eq!(parse_query(&query), Ok((0, question)));
    }

    #[test]
    fn address_literals_read_back(ip in any_ip(), port in any::<u16>(), upper in any::<bool>()) {
        let (want, mapped) = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or((ip, false), |v4| (IpAddr::V4(v4), true)),
            IpAddr::V4(_) => (ip, false),
        };
        let text = if upper { ip.to_string().to_ascii_uppercase() } else { ip.to_string() };
        let mut forms: Vec<(String, Option<u16>, bool)> = vec![
            (text.clone(), None, false),
            (format!("[{text}]"), None, false),
            (format!("[{text}]:{port}"), Some(port), false),
            (format!("user@[{text}]"), None, false),
            (format!("{text},"), None, false),
        ];
        match ip {
            IpAddr::V4(_) => {
                forms.push((format!("{text}:{port}"), Some(port), false));
                forms.push((format!("qmail@{text}"), None, false));
            }
            IpAddr::V6(_) => {
                forms.push((format!("IPv6:{text}"), None, false));
                forms.push((format!("[IPV6:{text}]"), None, false));
                forms.push((format!("[IPv6:{text}]:{port}"), Some(port), false));
                forms.push((format!("{text}%eth0"), None, true));
                forms.push((format!("[{text}%12]"), None, true));
            }
        }
        for (form, want_port, zone) in forms {
            let literal = parse_ip_literal(&form);
            prop_assert!(literal.is_some(), "{} was not read", form);
            let literal = literal.expect("checked just above");
            prop_assert_eq!(
                (literal.ip, literal.port, literal.had_zone, literal.was_mapped),
                (want, want_port, zone, mapped),
                "{}",
                form
            );
        }
    }
}
