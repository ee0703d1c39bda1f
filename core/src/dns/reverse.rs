//! Reverse-lookup names (RFC 1035 §3.5 `in-addr.arpa`, RFC 3596 §2.5 `ip6.arpa`).

use std::fmt::Write as _;
use std::net::IpAddr;

/// The PTR owner name of an address: `142.69.2.81.in-addr.arpa`, or the
/// 32 reversed nibbles under `ip6.arpa`. IPv4-mapped IPv6 addresses use the
/// IPv4 form (the design notes: `::ffff:a.b.c.d` is checked as IPv4).
pub fn reverse_name(ip: IpAddr) -> String {
    match crate::ip::unmap(ip).0 {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.in-addr.arpa")
        }
        IpAddr::V6(v6) => {
            let mut name = String::with_capacity(72);
            for byte in v6.octets().iter().rev() {
                let _ = write!(name, "{:x}.{:x}.", byte & 0x0f, byte >> 4);
            }
            name.push_str("ip6.arpa");
            name
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(reverse_name("81.2.69.142".parse().expect("ip")), "142.69.2.81.in-addr.arpa");
        assert_eq!(reverse_name("::ffff:81.2.69.142".parse().expect("ip")), "142.69.2.81.in-addr.arpa");
        assert_eq!(
            reverse_name("2001:db8::567:89ab".parse().expect("ip")),
            "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
        );
    }
}
