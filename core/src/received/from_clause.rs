//! The `from` clause: who connected, what it announced, what DNS said.
//!
//! MTAs disagree on what the word after `from` is:
//! - Postfix, Sendmail, Exchange, Gmail, OpenSMTPD, Courier: the HELO name;
//!   the TCP-info comment holds `rdns [ip]` (Sendmail adds `ident@` and
//!   `(may be forged)`; Postfix writes `unknown` when rDNS failed).
//! - Exim: the verified host name (or `[ip]`); the HELO is in `helo=`, omitted
//!   when it equals the host name.
//! - qmail and CommuniGate: the remote host name (`unknown` without rDNS);
//!   the HELO is in `(HELO x)`, omitted when it equals the host name.
//! - Exim 3 without a verified host name: `(helo) [ip]`; Obtuse smtpd:
//!   `rdns(ip), claiming to be "helo"`.
//!
//! An address written after `from` is a HELO only when it could be the
//! client's EHLO argument (RFC 5321 §4.1.1.1: a domain or an address
//! literal, which is bracketed, §4.1.3): an address with a port, or a bare
//! one that is the only address the field gives, is the address the server
//! recorded for the client (InterScan, SquirrelMail, Yahoo). A bare address
//! beside TCP info is what the client announced, as Postfix and Sendmail
//! record it. Protocols without a greeting get no HELO (see
//! [`super::protocol`]).

use super::lexer::{Token, comment_words};
use super::protocol::Origin;
use crate::ascii::{contains_ignore_case, starts_with_ignore_case, strip_prefix_ignore_case};
use crate::ip::{IpLiteral, parse_ip_literal};
use crate::mta::MtaId;

/// What the `from` clause says about the client.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FromInfo {
    /// Announced HELO/EHLO name, as written.
    pub helo: Option<String>,
    /// Reverse-DNS name the receiving MTA recorded.
    pub rdns: Option<String>,
    /// The connecting address.
    pub ip: Option<IpLiteral>,
    /// The client port, when stated.
    pub port: Option<u16>,
    /// The receiving MTA wrote `unknown` for the rDNS name.
    pub rdns_unknown: bool,
    /// Sendmail's `(may be forged)`: the PTR name did not resolve back.
    pub may_be_forged: bool,
    /// A qmail/CommuniGate `(HELO x)` comment was present.
    pub helo_comment: bool,
}

/// The parts of a TCP-info comment.
#[derive(Default)]
struct CommentInfo {
    ip: Option<IpLiteral>,
    rdns: Option<String>,
    rdns_unknown: bool,
    helo_eq: Option<String>,
    helo_word: Option<String>,
    port: Option<u16>,
    forged: bool,
}

fn is_unknown(word: &str) -> bool {
    // `UnknownHost` is SmarterMail's way of writing it, `<unknown.domain>`
    // an old Comcast MTA's.
    let word = word.trim_end_matches('.');
    ["unknown", "<unknown>", "[unknown]", "unknownhost", "<unknown.domain>"]
        .iter()
        .any(|u| word.eq_ignore_ascii_case(u))
}

/// A name glued to an address, `rdns[ip]` (Comcast's and pobox's MTAs,
/// Sendmail's `name[ip] (may be forged)`): the name and the address. Not
/// for `key=[ip]` or an address literal alone.
fn glued_address(word: &str) -> Option<(&str, IpLiteral)> {
    let at = word.find('[').filter(|&at| at > 0)?;
    let name = &word[..at];
    let name_like =
        name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'@' | b'<' | b'>'));
    name_like.then(|| parse_ip_literal(&word[at..])).flatten().map(|literal| (name, literal))
}

/// Takes `literal` as the client address; `before` is the word before it
/// (`rdns [ip]`), the rDNS name when it is the comment's first word.
fn take_address(info: &mut CommentInfo, literal: IpLiteral, before: Option<&str>, first: bool) {
    info.ip = Some(literal);
    info.port = info.port.or(literal.port);
    if let Some(prev) = before {
        let is_keyword = is_helo_keyword(prev) || prev.contains('=');
        if is_unknown(prev) {
            info.rdns_unknown = true;
        } else if !is_keyword && parse_ip_literal(prev).is_none() && first {
            info.rdns = Some(host_name(prev));
        }
    }
}

/// Whether a comment of the `from` clause states the client's address.
pub fn comment_has_address(inner: &str) -> bool {
    let mut info = CommentInfo::default();
    read_comment(inner, &mut info);
    info.ip.is_some()
}

/// Reads one comment of the `from` clause.
fn read_comment(inner: &str, info: &mut CommentInfo) {
    // SquirrelMail's `(proxying for x)` is the address behind the proxy
    // that connected (its `X-Forwarded-For`), not the client's.
    if starts_with_ignore_case(inner.trim_start(), "proxying for") {
        return;
    }
    if contains_ignore_case(inner, "may be forged") {
        info.forged = true;
    }
    let words = comment_words(inner);
    let mut skip_next = false;
    for (k, word) in words.iter().enumerate() {
        if std::mem::take(&mut skip_next) {
            // The HELO argument, even an address literal, is not the client address.
            continue;
        }
        if let Some(helo) = strip_prefix_ignore_case(word, "helo=") {
            if info.helo_eq.is_none() && !helo.is_empty() {
                info.helo_eq = Some(helo.trim_end_matches([',', ')']).to_string());
            }
        } else if let Some(port) = strip_prefix_ignore_case(word, "port=") {
            info.port = info.port.or_else(|| port.trim_end_matches(',').parse().ok());
        } else if is_helo_keyword(word) && info.helo_word.is_none() {
            if let Some(next) = words.get(k + 1) {
                info.helo_word = Some((*next).to_string());
                skip_next = true;
            }
        } else if let Some(quoted) = quoted_helo(word) {
            // ZMailer: `"EHLO gw.example.com"` as one quoted word.
            info.helo_word.get_or_insert(quoted);
        } else if word.eq_ignore_ascii_case("[local]") && k == 1 && info.rdns.is_none() {
            // OpenSMTPD's local socket: `(localhost [local])`.
            info.rdns = Some(host_name(words[0]));
        } else if info.ip.is_none()
            && let Some(literal) = parse_ip_literal(word)
        {
            // `rdns [ip]`: the word just before the address is the rDNS name.
            let before = k.checked_sub(1).and_then(|p| words.get(p)).copied();
            take_address(info, literal, before, k == 1);
        } else if info.ip.is_none()
            && let Some((name, literal)) = glued_address(word)
        {
            take_address(info, literal, Some(name), k == 0);
        }
    }
}

/// Obtuse smtpd's `, claiming to be "helo"`: the quoted name.
fn claimed_helo<'a>(items: &[Token<'a>]) -> Option<&'a str> {
    let mut words = items.iter().filter_map(|t| match t {
        Token::Word(w) => Some(*w),
        _ => None,
    });
    words.find(|w| w.eq_ignore_ascii_case("claiming"))?;
    let said = |want: &str, word: Option<&str>| word.is_some_and(|w| w.eq_ignore_ascii_case(want));
    (said("to", words.next()) && said("be", words.next())).then_some(())?;
    let name = words.next()?.trim_matches('"');
    (!name.is_empty()).then_some(name)
}

/// A host name as written: letters, digits, `-`, `_` and at least one dot
/// between labels, not an address.
fn is_host_name(text: &str) -> bool {
    text.contains('.')
        && !text.starts_with('.')
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        && parse_ip_literal(text).is_none()
}

/// `HELO` or `EHLO`, any case.
fn is_helo_keyword(word: &str) -> bool {
    word.eq_ignore_ascii_case("helo") || word.eq_ignore_ascii_case("ehlo")
}

/// `"EHLO name"` (quoted, possibly folded) → `name`.
fn quoted_helo(word: &str) -> Option<String> {
    let inner = word.strip_prefix('"')?.strip_suffix('"')?;
    let mut parts = inner.split_whitespace();
    let keyword = parts.next()?;
    let name = parts.next()?;
    (keyword.eq_ignore_ascii_case("EHLO") || keyword.eq_ignore_ascii_case("HELO")).then(|| name.to_string())
}

/// `ident@host.` → `host`.
fn host_name(word: &str) -> String {
    let word = word.rsplit('@').next().unwrap_or(word);
    word.trim_end_matches('.').to_string()
}

/// Interprets the items of a `from` clause for the given writer.
pub fn interpret(items: &[Token<'_>], mta: Option<MtaId>, origin: Origin) -> FromInfo {
    let host = match items.first() {
        Some(Token::Word(w)) if origin != Origin::Local => Some(*w),
        _ => None,
    };
    let mut info = CommentInfo::default();
    let mut extra_ip = None;
    let mut paren_helo = None;
    for (k, item) in items.iter().enumerate().skip(usize::from(matches!(items.first(), Some(Token::Word(_))))) {
        match item {
            Token::Comment(inner) => {
                read_comment(inner, &mut info);
                // Exim 3: `(helo) [ip]`, the HELO alone in parentheses
                // before the address.
                if paren_helo.is_none()
                    && is_host_name(inner)
                    && matches!(items.get(k + 1), Some(Token::Word(w)) if parse_ip_literal(w).is_some())
                {
                    paren_helo = Some(*inner);
                }
            }
            Token::Word(word) => {
                if extra_ip.is_none() {
                    extra_ip = parse_ip_literal(word);
                }
            }
            Token::Semicolon => {}
        }
    }
    let host_ip = host.and_then(parse_ip_literal);
    let host_is_name = host.is_some() && host_ip.is_none();
    let host_unknown = host.is_some_and(is_unknown);
    let host_name_ok = host_is_name && !host_unknown;
    let ip = info.ip.or(extra_ip).or(host_ip);
    let port = info.port.or(ip.and_then(|l| l.port));
    // The word after `from` as the client's EHLO argument (module docs).
    let host_helo = match host_ip {
        _ if host_unknown => None,
        None => host,
        Some(literal) => {
            let bracketed = host.is_some_and(|h| h.starts_with('['));
            let elsewhere = info.ip.is_some() || extra_ip.is_some();
            (origin == Origin::Network && literal.port.is_none() && (bracketed || elsewhere)).then_some(host).flatten()
        }
    };

    let exim_style = info.helo_eq.is_some() || mta == Some(MtaId::Exim);
    // qmail, CommuniGate, Cisco ESA, Yahoo, ZMailer: the word after `from` is
    // the rDNS name, the HELO is in a `(HELO x)` comment.
    let qmail_style = info.helo_word.is_some() || matches!(mta, Some(MtaId::Qmail | MtaId::Ironport));

    let (helo, rdns) = if origin == Origin::Web {
        // No HELO over HTTP; a dotted name is the web server's for its
        // client (SendGrid's and Gmail's client ids have no dot).
        let named = host.filter(|h| host_name_ok && h.contains('.')).map(|h| h.trim_end_matches('.').to_string());
        (None, info.rdns.clone().or(named))
    } else if exim_style {
        let helo = info.helo_eq.clone().or(paren_helo.map(str::to_string));
        let helo = helo.or_else(|| host_helo.filter(|_| host_is_name).map(str::to_string));
        let rdns = host.filter(|_| host_name_ok).map(host_name);
        (helo, rdns)
    } else if qmail_style {
        let helo = info.helo_word.clone().or_else(|| host_helo.map(str::to_string));
        let rdns = host.filter(|_| host_name_ok).map(host_name);
        (helo, rdns)
    } else if let Some(claimed) = claimed_helo(items) {
        // Obtuse smtpd: the word after `from` is its reverse lookup.
        (Some(claimed.to_string()), host.filter(|_| host_name_ok).map(host_name))
    } else {
        // `from unknown (192.0.2.1)`: a qmail-like writer with no rDNS and no
        // HELO recorded; a HELO of `unknown` is not a name either way.
        let helo = paren_helo.or(host_helo).map(str::to_string);
        (helo, info.rdns.clone())
    };
    FromInfo {
        helo,
        rdns,
        ip,
        port,
        rdns_unknown: info.rdns_unknown || ((exim_style || qmail_style) && host_unknown),
        may_be_forged: info.forged,
        helo_comment: info.helo_word.is_some(),
    }
}

/// Sendmail's `(from rdns [ip])` when the client sent no HELO: the whole
/// `from` part is a comment before `by`.
pub fn interpret_comment_only(inner: &str) -> Option<FromInfo> {
    let rest = inner.trim_start();
    let rest = rest.get(..5).filter(|p| p.eq_ignore_ascii_case("from ")).map(|_| &rest[5..])?;
    let mut info = CommentInfo::default();
    read_comment(rest, &mut info);
    info.ip?;
    Some(FromInfo {
        helo: None,
        rdns: info.rdns,
        ip: info.ip,
        port: info.port.or(info.ip.and_then(|l| l.port)),
        rdns_unknown: info.rdns_unknown,
        may_be_forged: info.forged,
        helo_comment: false,
    })
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex;
    use super::*;

    fn from(value: &str, mta: Option<MtaId>) -> FromInfo {
        let tokens: Vec<Token<'_>> = lex(value).into_iter().map(|l| l.token).collect();
        interpret(&tokens, mta, Origin::Network)
    }

    fn names(info: &FromInfo) -> (Option<&str>, Option<&str>, Option<String>) {
        (info.helo.as_deref(), info.rdns.as_deref(), info.ip.map(|l| l.ip.to_string()))
    }

    #[test]
    fn postfix_and_sendmail() {
        let info = from("helo.example (mail.example.com [192.0.2.1])", None);
        assert_eq!(names(&info), (Some("helo.example"), Some("mail.example.com"), Some("192.0.2.1".into())));
        let info = from("helo.example (unknown [192.0.2.1])", None);
        assert_eq!(names(&info), (Some("helo.example"), None, Some("192.0.2.1".into())));
        assert!(info.rdns_unknown);
        let info = from("helo.example (root@mail.example.com. [192.0.2.1] (may be forged))", None);
        assert_eq!(info.rdns.as_deref(), Some("mail.example.com"));
        assert!(info.may_be_forged);
    }

    #[test]
    fn exim() {
        let info = from("mail.example.com ([192.0.2.1]:52313 helo=helo.example)", Some(MtaId::Exim));
        assert_eq!(names(&info), (Some("helo.example"), Some("mail.example.com"), Some("192.0.2.1".into())));
        assert_eq!(info.port, Some(52313));
        let info = from("mail.example.com ([192.0.2.1])", Some(MtaId::Exim));
        assert_eq!(names(&info), (Some("mail.example.com"), Some("mail.example.com"), Some("192.0.2.1".into())));
        let info = from("[192.0.2.1] (helo=helo.example)", None);
        assert_eq!(names(&info), (Some("helo.example"), None, Some("192.0.2.1".into())));
    }

    #[test]
    fn qmail() {
        let info = from("unknown (HELO mail.example.com) (192.0.2.1)", None);
        assert_eq!(names(&info), (Some("mail.example.com"), None, Some("192.0.2.1".into())));
        let info = from("mail.example.com (user@192.0.2.1)", Some(MtaId::Qmail));
        assert_eq!(names(&info), (Some("mail.example.com"), Some("mail.example.com"), Some("192.0.2.1".into())));
        let info = from("unknown (192.0.2.1)", None);
        assert_eq!(names(&info), (None, None, Some("192.0.2.1".into())));
    }

    #[test]
    fn literal_helo_and_exchange() {
        let info = from("[192.168.1.5] ([198.51.100.9])", None);
        assert_eq!(names(&info), (Some("[192.168.1.5]"), None, Some("198.51.100.9".into())));
        let info = from("EXCH01.contoso.local ([fe80::1%12])", None);
        assert_eq!(names(&info), (Some("EXCH01.contoso.local"), None, Some("fe80::1".into())));
        let info = from("BN6PR.namprd04.prod.outlook.com (2603:10b6:405:1::12)", None);
        assert_eq!(info.ip.map(|l| l.ip.to_string()).as_deref(), Some("2603:10b6:405:1::12"));
    }
}
