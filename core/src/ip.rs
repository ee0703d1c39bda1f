//! IP address literals as MTAs write them in `Received:` fields.
//!
//! Accepted forms: `203.0.113.5`, `[203.0.113.5]`, `[203.0.113.5]:52313`,
//! `203.0.113.5:23198`, `IPv6:2001:db8::1`, `[IPv6:2001:db8::1]`,
//! `2001:db8::1`, `[2001:db8::1]:2525`, `fe80::1%12`, `::ffff:203.0.113.5`,
//! and a qmail/Sendmail `ident@` prefix (`user@203.0.113.5`).

use std::net::IpAddr;

/// An address literal found in a header, with what was stripped from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpLiteral {
    /// The address, IPv4-mapped IPv6 already turned into IPv4.
    pub ip: IpAddr,
    /// The port written after the address, if any.
    pub port: Option<u16>,
    /// True when an IPv6 `%zone` suffix was removed.
    pub had_zone: bool,
    /// True when the text was an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`).
    pub was_mapped: bool,
}

/// Parses one address literal in any of the forms listed in the module docs.
/// Returns `None` for anything that is not an address (host names included).
pub fn parse_ip_literal(text: &str) -> Option<IpLiteral> {
    let text = text.trim().trim_end_matches([',', ';', '.']);
    // An address starts with a hex digit, `[`, `:` or an `IPv6:` tag, unless
    // an `ident@` comes first: anything else is a host name or a word.
    let could_start = |b: &u8| b.is_ascii_hexdigit() || matches!(b, b'[' | b':' | b'I' | b'i');
    if !text.as_bytes().first().is_some_and(could_start) && !text.contains('@') {
        return None;
    }
    // An `ident@` prefix (qmail `user@ip`, Sendmail `user@[ip]`).
    let text = match text.rfind('@') {
        Some(at) => &text[at + 1..],
        None => text,
    };
    if text.is_empty() || text.len() > 80 {
        return None;
    }
    let (inner, port) = if let Some(rest) = text.strip_prefix('[') {
        let close = rest.find(']')?;
        let after = &rest[close + 1..];
        let port = match after {
            "" => None,
            _ => Some(parse_port(after.strip_prefix(':')?)?),
        };
        (&rest[..close], port)
    } else {
        (text, None)
    };
    let inner = strip_ipv6_tag(inner);
    let (inner, had_zone) = match inner.find('%') {
        Some(pct) if inner.contains(':') => (&inner[..pct], true),
        _ => (inner, false),
    };
    // Only hex digits, dots and colons can make an address (a host name
    // stops here, without the cost of a failed parse).
    if !inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':') {
        return None;
    }
    let (ip, port) = match inner.parse::<IpAddr>() {
        Ok(ip) => (ip, port),
        Err(_) if port.is_none() => {
            // `a.b.c.d:port`: only an IPv4 address may carry a port unbracketed.
            let (addr, port_text) = inner.rsplit_once(':')?;
            let ip: IpAddr = addr.parse().ok().filter(IpAddr::is_ipv4)?;
            (ip, Some(parse_port(port_text)?))
        }
        Err(_) => return None,
    };
    let (ip, was_mapped) = unmap(ip);
    Some(IpLiteral { ip, port, had_zone, was_mapped })
}

/// Turns `::ffff:a.b.c.d` into `a.b.c.d`; other addresses are returned as they are.
pub fn unmap(ip: IpAddr) -> (IpAddr, bool) {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => (IpAddr::V4(v4), true),
            None => (ip, false),
        },
        IpAddr::V4(_) => (ip, false),
    }
}

/// An address as canonical text (what `to_string` gives); IPv4 without the
/// formatting machinery, one allocation.
pub fn to_text(ip: IpAddr) -> String {
    let IpAddr::V4(v4) = ip else {
        return ip.to_string();
    };
    let mut out = String::with_capacity(15);
    for (k, octet) in v4.octets().into_iter().enumerate() {
        if k > 0 {
            out.push('.');
        }
        if octet >= 100 {
            out.push(char::from(b'0' + octet / 100));
        }
        if octet >= 10 {
            out.push(char::from(b'0' + octet / 10 % 10));
        }
        out.push(char::from(b'0' + octet % 10));
    }
    out
}

/// True when `text` looks like an address literal rather than a host name.
pub fn is_ip_literal(text: &str) -> bool {
    parse_ip_literal(text).is_some()
}

fn strip_ipv6_tag(text: &str) -> &str {
    match text.get(..5) {
        Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => &text[5..],
        _ => text,
    }
}

fn parse_port(text: &str) -> Option<u16> {
    if text.is_empty() || text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The canonical text of an address: dotted quad, or RFC 5952 IPv6.
pub fn canonical(ip: IpAddr) -> String {
    ip.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(text: &str) -> Option<(String, Option<u16>)> {
        parse_ip_literal(text).map(|l| (canonical(l.ip), l.port))
    }

    #[test]
    fn forms() {
        let v4 = Some(("203.0.113.5".to_string(), None));
        assert_eq!(lit("203.0.113.5"), v4);
        assert_eq!(lit("[203.0.113.5]"), v4);
        assert_eq!(lit("user@203.0.113.5"), v4);
        assert_eq!(lit("[::ffff:203.0.113.5]"), v4);
        assert_eq!(lit("IPv6:::ffff:203.0.113.5"), v4);
        assert_eq!(lit("[203.0.113.5]:52313"), Some(("203.0.113.5".into(), Some(52313))));
        assert_eq!(lit("203.0.113.5:23198"), Some(("203.0.113.5".into(), Some(23198))));
        assert_eq!(lit("[IPv6:2001:DB8:0:0::1]"), Some(("2001:db8::1".into(), None)));
        assert_eq!(lit("[2001:db8::1]:2525"), Some(("2001:db8::1".into(), Some(2525))));
        assert_eq!(lit("fe80::1%12"), Some(("fe80::1".into(), None)));
        assert!(parse_ip_literal("fe80::1%eth0").is_some_and(|l| l.had_zone));
    }

    #[test]
    fn not_addresses() {
        for text in [
            "",
            "mail.example.com",
            "[mail.example.com]",
            "203.0.113",
            "203.0.113.5:99999",
            "[203.0.113.5]x",
            "2001:db8::1:80x",
            "unknown",
            "[",
        ] {
            assert_eq!(lit(text), None, "{text}");
        }
    }

    #[test]
    fn to_text_is_to_string() {
        for n in (0..=u32::MAX).step_by(9_973).chain([0, 1, 9, 10, 99, 100, 255, 256, u32::MAX]) {
            let ip = IpAddr::V4(std::net::Ipv4Addr::from(n));
            assert_eq!(to_text(ip), ip.to_string());
        }
        let v6: IpAddr = "2001:db8::1".parse().expect("address");
        assert_eq!(to_text(v6), "2001:db8::1");
    }
}
