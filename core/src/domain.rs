//! Host names: their organisation, and names that can never be public.

use crate::ip::is_ip_literal;
use std::borrow::Cow;

/// Second-level labels under which registrations happen one level lower
/// (`example.co.uk`): the common ones, not the whole Public Suffix List.
const TWO_LABEL_SUFFIXES: &[&str] = &[
    "co.uk", "org.uk", "ac.uk", "gov.uk", "net.uk", "ltd.uk", "plc.uk", "me.uk", "com.au", "net.au", "org.au",
    "edu.au", "gov.au", "co.nz", "net.nz", "org.nz", "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "ad.jp", "co.kr",
    "or.kr", "ne.kr", "com.br", "net.br", "org.br", "com.cn", "net.cn", "org.cn", "com.mx", "co.za", "org.za", "co.in",
    "net.in", "org.in", "com.tw", "com.sg", "com.hk", "com.tr", "co.il", "com.ar", "com.my", "co.id", "co.th",
    "com.vn", "com.ph", "com.pl", "com.ua", "com.ru", "co.at", "or.at",
];

/// Top-level labels that are never delegated in public DNS (RFC 6762
/// `.local`, RFC 8375 `.home.arpa`, RFC 6761 `.localhost`/`.invalid`/
/// `.test`/`.example`, ICANN's reserved `.internal`) and the private suffixes
/// admins use that are not TLDs (`.lan`, `.corp`, `.intranet`...).
const INTERNAL_TLDS: &[&str] = &[
    "local",
    "localdomain",
    "localhost",
    "lan",
    "internal",
    "intranet",
    "corp",
    "home",
    "private",
    "priv",
    "invalid",
    "test",
    "example",
    "domain",
    "office",
    "loc",
    "grp",
    "intern",
    "mail",
];

/// Lower-cases a host name and removes a trailing dot.
pub fn normalize(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// The registered domain of a host (`mx1.mail.example.co.uk` →
/// `example.co.uk`); `None` for address literals and single labels.
pub fn organization(host: &str) -> Option<String> {
    // Most names come in lower case: copied only when they are not.
    let trimmed = host.trim_end_matches('.');
    let host: Cow<'_, str> = if trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(normalize(trimmed))
    } else {
        Cow::Borrowed(trimmed)
    };
    let host = host.as_ref();
    if host.is_empty() || host.starts_with('[') || is_ip_literal(host) {
        return None;
    }
    // The last labels, empty ones not counted (`a..example.com` is
    // `example.com`): two, or three under a suffix such as `co.uk`.
    let mut labels = host.rsplit('.').filter(|l| !l.is_empty());
    let (top, second) = (labels.next()?, labels.next()?);
    let is_second_dot_top = |suffix: &&str| {
        suffix.len() == second.len() + 1 + top.len()
            && suffix.starts_with(second)
            && suffix.ends_with(top)
            && suffix.as_bytes()[second.len()] == b'.'
    };
    let third = labels.next().filter(|_| TWO_LABEL_SUFFIXES.iter().any(is_second_dot_top));
    let mut organization = String::with_capacity(host.len());
    for label in [third, Some(second), Some(top)].into_iter().flatten() {
        if !organization.is_empty() {
            organization.push('.');
        }
        organization.push_str(label);
    }
    Some(organization)
}

/// The provider of a host's registered domain ([`crate::providers`]), or
/// the registered domain itself: two hosts belong to the same organisation
/// when these are equal.
pub fn organization_key(host: &str) -> Option<String> {
    let org = organization(host)?;
    Some(crate::providers::by_domain(&org).map_or(org, |p| p.id.to_string()))
}

/// Why a name can never be found in public DNS, if it cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonPublicName {
    /// An address literal (`[192.168.1.5]`).
    AddressLiteral,
    /// A single label (`EXCH01`).
    SingleLabel,
    /// A top-level label that is not delegated (`.local`, `.lan`...).
    InternalSuffix,
    /// Empty or not a host name at all.
    Invalid,
}

/// Classifies a HELO name: `None` when it could be a public DNS name.
pub fn non_public_name(name: &str) -> Option<NonPublicName> {
    let name = normalize(name);
    if name.starts_with('[') || is_ip_literal(&name) {
        return Some(NonPublicName::AddressLiteral);
    }
    if name.is_empty()
        || name.len() > 253
        || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
    {
        return Some(NonPublicName::Invalid);
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.iter().any(|l| l.is_empty() || l.len() > 63) {
        return Some(NonPublicName::Invalid);
    }
    if labels.len() == 1 {
        return Some(NonPublicName::SingleLabel);
    }
    let tld = labels[labels.len() - 1];
    let home_arpa = labels.len() >= 2 && labels[labels.len() - 2..] == ["home", "arpa"];
    if INTERNAL_TLDS.contains(&tld) || home_arpa || tld.bytes().all(|b| b.is_ascii_digit()) {
        return Some(NonPublicName::InternalSuffix);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organizations() {
        assert_eq!(organization("MX1.Mail.Example.com.").as_deref(), Some("example.com"));
        assert_eq!(organization("mx.example.co.uk").as_deref(), Some("example.co.uk"));
        assert_eq!(organization("co.uk").as_deref(), Some("co.uk"));
        assert_eq!(organization("EXCH01"), None);
        assert_eq!(organization("[192.0.2.1]"), None);
        assert_eq!(organization("192.0.2.1"), None);
        assert_eq!(organization_key("BN8PR04MB5234.namprd04.prod.outlook.com").as_deref(), Some("microsoft"));
        assert_eq!(organization_key("MW4PR03CA0123.outlook.office365.com").as_deref(), Some("microsoft"));
        assert_eq!(organization_key("mail-sor-f41.google.com").as_deref(), Some("google"));
    }

    #[test]
    fn non_public_names() {
        assert_eq!(non_public_name("svr01.contoso.local"), Some(NonPublicName::InternalSuffix));
        assert_eq!(non_public_name("router.home.arpa"), Some(NonPublicName::InternalSuffix));
        assert_eq!(non_public_name("EXCH01"), Some(NonPublicName::SingleLabel));
        assert_eq!(non_public_name("[192.168.1.5]"), Some(NonPublicName::AddressLiteral));
        assert_eq!(non_public_name("bad name!"), Some(NonPublicName::Invalid));
        assert_eq!(non_public_name("mail.example.com"), None);
        assert_eq!(non_public_name("mail.contoso.com."), None);
    }

    #[test]
    fn organization_reads_labels_with_or_without_empty_ones() {
        for (name, expected) in [
            ("a.b.c.example.co.uk", Some("example.co.uk")),
            ("x.co.uk", Some("x.co.uk")),
            ("example.com", Some("example.com")),
            ("a.b", Some("a.b")),
            ("com", None),
            (".example.com", Some("example.com")),
            ("a..example.com", Some("example.com")),
            ("a.b..co.uk", Some("b.co.uk")),
            ("..", None),
            ("mail.example.com.", Some("example.com")),
            ("x.y.z.EXAMPLE.Org", Some("example.org")),
        ] {
            assert_eq!(organization(name).as_deref(), expected, "{name}");
        }
    }
}
