//! What the protocol of a `Received:` field says about its `from` clause.
//!
//! A client announces a HELO or EHLO name only in SMTP and LMTP (RFC 5321
//! §4.1.1.1, RFC 2033 §4.1). Other protocols named in `with` (RFC 5321
//! §4.4, the IANA "Mail Transmission Types" registry) have no greeting, so
//! nothing after `from` can be one: HTTP (web mail and mail APIs), QMQP
//! (qmail's queueing protocol: the message and its envelope, then a reply;
//! nothing else), NNFMP, and `local` (Exim's local submission).
//! Old Yahoo and Hotmail web mail wrote the protocol as `via HTTP`.

use super::clauses::Clause;
use super::from_clause;
use super::lexer::Token;
use crate::ascii::starts_with_ignore_case;

/// How the message reached the writer, as far as the `from` clause goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// SMTP, LMTP, or a protocol not named: the word after `from` is a host
    /// or HELO name, or the client's address.
    Network,
    /// A protocol without a greeting (QMQP, NNFMP, `local` after an address):
    /// an address after `from` is the client's, never a HELO.
    NoGreeting,
    /// HTTP: no HELO at all; a host name after `from` is the web server's
    /// name for its client (SquirrelMail writes `REMOTE_HOST ([REMOTE_ADDR])`,
    /// the web server's reverse lookup).
    Web,
    /// Local submission (Exim `with local`, IIS `mail pickup service`): the
    /// word after `from` is a user or a service, not a host.
    Local,
}

/// The origin for a field with these `with` words, `via` clause and `from`
/// clause.
pub fn origin(with: Option<&str>, via: Option<&Clause<'_>>, from: Option<&Clause<'_>>) -> Origin {
    if from.is_some_and(is_pickup_service) {
        return Origin::Local;
    }
    let protocol = with
        .and_then(|w| w.split(' ').next())
        .or_else(|| via.and_then(Clause::first_word))
        .map(|p| p.split('/').next().unwrap_or(p));
    let Some(protocol) = protocol else {
        return Origin::Network;
    };
    if protocol.eq_ignore_ascii_case("local") {
        return local(from);
    }
    if starts_with_ignore_case(protocol, "local-") {
        // Exim's `local-esmtp`, `local-smtp`, `local-bsmtp`: SMTP over a
        // pipe; the word after `from` is the user, the HELO is in `helo=`.
        Origin::Local
    } else if starts_with_ignore_case(protocol, "http") {
        Origin::Web
    } else if protocol.eq_ignore_ascii_case("qmqp") || protocol.eq_ignore_ascii_case("nnfmp") {
        Origin::NoGreeting
    } else {
        Origin::Network
    }
}

/// `with local`: Exim's `from user by host with local` is local submission;
/// `from [ip]` names the client's address (no greeting); `from name
/// ([ip])` is a relay's TCP info as any SMTP server writes it.
fn local(from: Option<&Clause<'_>>) -> Origin {
    let Some(from) = from else {
        return Origin::Local;
    };
    if matches!(from.items.first(), Some(Token::Word(w)) if crate::ip::parse_ip_literal(w).is_some()) {
        Origin::NoGreeting
    } else if from.comments().any(from_clause::comment_has_address) {
        Origin::Network
    } else {
        Origin::Local
    }
}

/// IIS's `from mail pickup service`.
fn is_pickup_service(from: &Clause<'_>) -> bool {
    let mut words = from.words();
    ["mail", "pickup", "service"].iter().all(|want| words.next().is_some_and(|w| w.eq_ignore_ascii_case(want)))
        && words.next().is_none()
}
