//! The receiver's own statement of the client it judged.
//!
//! Receivers write down the address of the client they evaluated:
//! Microsoft 365 as `(sender IP is 192.0.2.1)` in its
//! `Authentication-Results`, others as `smtp.remote-ip=` or
//! `policy.iprev=` (RFC 8601 §2.7.3), as `client-ip=` in `Received-SPF`
//! (RFC 7208 §9.1), or in an SPF comment (`designates 192.0.2.1 as
//! permitted sender`). The topmost such field is the final receiver's
//! statement; [`crate::route`] decides how far it is trusted.

use crate::ascii::{find_ignore_case, strip_prefix_ignore_case};
use crate::authres::AuthResults;
use crate::received_spf::ReceivedSpf;
use std::net::IpAddr;

/// Which field a statement came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementField {
    /// `Authentication-Results` (never its ARC twin: that is a sealer's copy).
    AuthenticationResults,
    /// `Received-SPF`.
    ReceivedSpf,
}

impl StatementField {
    /// The field name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuthenticationResults => "Authentication-Results",
            Self::ReceivedSpf => "Received-SPF",
        }
    }
}

/// A client address a receiver wrote down, with where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The address (IPv4-mapped IPv6 as IPv4).
    pub ip: IpAddr,
    /// The field it was read from.
    pub field: StatementField,
    /// How it was written: `sender IP is`, `smtp.remote-ip`, `policy.iprev`,
    /// `client-ip` or `designates`.
    pub form: &'static str,
    /// The field's place in the header block (0 = topmost).
    pub position: usize,
    /// Who says they wrote it: the authserv-id, the `receiver=` of a
    /// `Received-SPF`, or the host name its comment starts with.
    pub writer: Option<String>,
}

/// The topmost statement among the receivers' fields, given with their
/// places in the header block.
pub fn topmost(
    authentication_results: &[AuthResults],
    authentication_results_at: &[usize],
    received_spf: &[ReceivedSpf],
    received_spf_at: &[usize],
) -> Option<Statement> {
    let from_authres = authentication_results
        .iter()
        .zip(authentication_results_at)
        .filter(|(field, _)| field.instance.is_none() && field.header.eq_ignore_ascii_case("Authentication-Results"))
        .find_map(|(field, &position)| in_authres(field, position));
    let from_spf =
        received_spf.iter().zip(received_spf_at).find_map(|(field, &position)| in_received_spf(field, position));
    match (from_authres, from_spf) {
        (Some(a), Some(b)) => Some(if b.position < a.position { b } else { a }),
        (a, b) => a.or(b),
    }
}

fn in_authres(field: &AuthResults, position: usize) -> Option<Statement> {
    let statement = |ip, form| Statement {
        ip,
        field: StatementField::AuthenticationResults,
        form,
        position,
        writer: field.authserv_id.clone(),
    };
    field.results.iter().find_map(|result| {
        let property = result.properties.iter().find_map(|p| {
            let form = match (p.ptype.as_deref(), p.property.as_str()) {
                (Some("smtp"), "remote-ip") => "smtp.remote-ip",
                (Some("policy"), "iprev") => "policy.iprev",
                _ => return None,
            };
            address(&p.value).map(|ip| statement(ip, form))
        });
        property.or_else(|| {
            let comment = result.comment.as_deref()?;
            after_phrase(comment, "sender IP is ")
                .map(|ip| statement(ip, "sender IP is"))
                .or_else(|| designated(comment).map(|ip| statement(ip, "designates")))
        })
    })
}

fn in_received_spf(field: &ReceivedSpf, position: usize) -> Option<Statement> {
    let comment = field.comment.as_deref();
    let (ip, form) = match field.pairs.get("client-ip").and_then(|v| address(v)) {
        Some(ip) => (ip, "client-ip"),
        None => (comment.and_then(designated)?, "designates"),
    };
    // `receiver=`, else the host a comment starts with
    // (`(mx.example.org: domain of ...)`, as RFC 7208 §9.1's examples).
    let writer = field.pairs.get("receiver").cloned().or_else(|| {
        let head = comment?.trim_start().split(':').next()?;
        (!head.is_empty() && !head.contains(char::is_whitespace)).then(|| head.to_string())
    });
    Some(Statement { ip, field: StatementField::ReceivedSpf, form, position, writer })
}

/// The address right after `phrase` in `text`.
fn after_phrase(text: &str, phrase: &str) -> Option<IpAddr> {
    let at = find_ignore_case(text, phrase)?;
    address(text[at + phrase.len()..].split([' ', ')', ';', ',']).next()?)
}

/// The address of an SPF comment's `designates X as permitted sender` or
/// `does not designate X as permitted sender`.
fn designated(comment: &str) -> Option<IpAddr> {
    let at = find_ignore_case(comment, " designate")?;
    let rest = &comment[at + " designate".len()..];
    let rest = strip_prefix_ignore_case(rest, "s").unwrap_or(rest);
    let mut words = rest.split_whitespace();
    let ip = address(words.next()?)?;
    let (as_word, permitted) = (words.next()?, words.next()?);
    (as_word.eq_ignore_ascii_case("as") && permitted.eq_ignore_ascii_case("permitted")).then_some(ip)
}

fn address(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    let text = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(text);
    let text = strip_prefix_ignore_case(text, "IPv6:").unwrap_or(text);
    text.parse::<IpAddr>().ok().map(|ip| crate::ip::unmap(ip).0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{authres, received_spf};

    fn ar(value: &str) -> AuthResults {
        authres::parse(value, false)
    }

    #[test]
    fn forms() {
        let microsoft = ar(
            "spf=none (sender IP is 192.0.2.7) smtp.mailfrom=example.com; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=example.com;",
        );
        let s = topmost(&[microsoft], &[3], &[], &[]);
        assert_eq!(
            s.as_ref().map(|s| (s.ip.to_string(), s.form, s.position)),
            Some(("192.0.2.7".into(), "sender IP is", 3))
        );
        let iprev = ar("mx.example.org; iprev=pass policy.iprev=\"2001:db8::25\" (mail.example.net)");
        let s = topmost(&[iprev], &[0], &[], &[]);
        assert_eq!(
            s.as_ref().map(|s| (s.ip.to_string(), s.form, s.writer.as_deref())),
            Some(("2001:db8::25".into(), "policy.iprev", Some("mx.example.org")))
        );
        let remote = ar("mx.example.org; spf=pass smtp.mailfrom=a@example.net smtp.remote-ip=198.51.100.4");
        assert_eq!(topmost(&[remote], &[0], &[], &[]).map(|s| s.form), Some("smtp.remote-ip"));
        let google = ar(
            "mx.google.com; spf=pass (google.com: domain of a@example.net designates 198.51.100.9 as permitted sender) smtp.mailfrom=a@example.net",
        );
        assert_eq!(
            topmost(&[google], &[0], &[], &[]).map(|s| (s.ip.to_string(), s.form)),
            Some(("198.51.100.9".into(), "designates"))
        );
        let spf = received_spf::parse(
            "Pass (mx.example.org: domain of example.net designates 203.0.113.8 as permitted sender) client-ip=203.0.113.8; envelope-from=a@example.net;",
        );
        let s = topmost(&[], &[], &[spf], &[1]);
        assert_eq!(
            s.as_ref().map(|s| (s.ip.to_string(), s.form, s.writer.as_deref())),
            Some(("203.0.113.8".into(), "client-ip", Some("mx.example.org")))
        );
    }

    #[test]
    fn the_topmost_field_wins_and_arc_copies_do_not_count() {
        let lower = ar("mx.example.org; iprev=pass policy.iprev=192.0.2.1");
        let arc = authres::parse("i=1; mx.example.org; iprev=pass policy.iprev=192.0.2.99", true);
        let spf = received_spf::parse("pass client-ip=192.0.2.2;");
        let s = topmost(&[arc, lower], &[0, 5], &[spf], &[2]);
        assert_eq!(s.map(|s| (s.ip.to_string(), s.field)), Some(("192.0.2.2".into(), StatementField::ReceivedSpf)));
        assert_eq!(topmost(&[ar("mx.example.org; dkim=pass header.d=example.net")], &[0], &[], &[]), None);
        assert_eq!(topmost(&[ar("x; spf=pass (sender IP is not-an-address)")], &[0], &[], &[]), None);
    }
}
