//! `Received:` fields (RFC 5321 §4.4, RFC 5322 §3.6.7) as MTAs really write them.
//!
//! mail-parser's own Received parser keeps only a fixed set of protocols
//! (`with Microsoft SMTP Server` is lost), reads the word after `from` the
//! same way for every MTA (wrong for Exim and qmail, where it is the rDNS
//! name, not the HELO) and needs a `;` before the date (SendGrid writes
//! none). This parser keeps every clause as written, interprets the `from`
//! clause per writer, and never fails: what it cannot read becomes a note.

mod clauses;
mod from_clause;
pub mod lexer;
mod protocol;
mod tls;

pub use tls::Tls;

use crate::date::MailDate;
use crate::ip::IpLiteral;
use crate::limits::MAX_RECEIVED_BYTES;
use crate::mta::{self, Mta};
use clauses::{Clause, Keyword, split};
use lexer::Token;
use std::net::IpAddr;

/// One parsed `Received:` field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Received {
    /// The HELO/EHLO name the client announced, as recorded.
    pub from_helo: Option<String>,
    /// The reverse-DNS name the receiving MTA recorded.
    pub from_rdns: Option<String>,
    /// The connecting client's address (IPv4-mapped addresses as IPv4).
    pub from_ip: Option<IpAddr>,
    /// The client's port, when stated.
    pub from_port: Option<u16>,
    /// The receiving host (the writer of the field).
    pub by: Option<String>,
    /// The receiving host's own address, when stated.
    pub by_ip: Option<IpAddr>,
    /// The protocol words of the `with` clause.
    pub with: Option<String>,
    /// The `via` clause (`Frontend Transport`).
    pub via: Option<String>,
    /// The queue id.
    pub id: Option<String>,
    /// The envelope recipient named in the `for` clause.
    pub for_: Option<String>,
    /// TLS as stated.
    pub tls: Option<Tls>,
    /// The date at the end of the field.
    pub date: Option<MailDate>,
    /// The software that wrote the field.
    pub mta: Option<Mta>,
    /// The receiving MTA wrote `unknown` where the rDNS name goes.
    pub rdns_unknown: bool,
    /// Sendmail's `(may be forged)` mark.
    pub may_be_forged: bool,
    /// What could not be read, or was read with an assumption.
    pub notes: Vec<String>,
}

/// Parses one `Received:` value (the text after `Received:`, folds allowed).
pub fn parse(value: &str) -> Received {
    let mut notes = Vec::new();
    let value = crate::limits::cut(value, MAX_RECEIVED_BYTES, "field", &mut notes);

    // Holds the value with its comments' white space runs and its quoted
    // strings' folds read away, when there are any (see `lexer::lex_read`).
    let mut unfolded = String::new();
    let split = split(value, &mut unfolded);
    let first_word = |k| split.first(k).and_then(Clause::first_word);
    // Obtuse smtpd writes `by host, id ...`.
    let by = first_word(Keyword::By).map(|b| b.trim_end_matches(['.', ',']).to_string());
    let by_ip = split.first(Keyword::By).and_then(|c| c.comments().find_map(crate::ip::parse_ip_literal)).map(|l| l.ip);
    let with = split.first(Keyword::With).and_then(with_words);
    let id = first_word(Keyword::Id).map(|w| w.trim_matches(|c| c == '<' || c == '>' || c == ',').to_string());
    let for_ = first_word(Keyword::For).map(address);
    let via = split.first(Keyword::Via).map(|c| c.words().collect::<Vec<_>>().join(" ")).filter(|v| !v.is_empty());
    let all_comments: Vec<&str> = split.clauses.iter().flat_map(Clause::comments).collect();
    let writer_comments: Vec<&str> =
        split.clauses.iter().filter(|c| c.keyword != Some(Keyword::From)).flat_map(Clause::comments).collect();
    let from_items = from_items(&split);
    let from_items: &[Token<'_>] = &from_items;
    let from_comments: Vec<&str> = split.first(Keyword::From).map(|c| c.comments().collect()).unwrap_or_default();
    let mta = mta::detect(&mta::Clues {
        by: by.as_deref(),
        with: with.as_deref(),
        id: id.as_deref(),
        comments: writer_comments,
        helo_keyword: from_comments.iter().find_map(|c| helo_keyword(c)),
        unknown_host: from_comments.iter().any(|c| c.starts_with("UnknownHost ")),
        layout: mta::Layout {
            qmail: has_qmail_shape(from_items, split.date_text),
            semicolon_after_fold: semicolon_after_fold(value),
            envelope_from_after_date: split.first(Keyword::From).is_none()
                && split.first(Keyword::With).is_none()
                && split.after_date.is_some_and(|rest| rest.trim_start().starts_with("(envelope-from")),
        },
    });
    let origin = protocol::origin(with.as_deref(), split.first(Keyword::Via), split.first(Keyword::From));
    let from = match split.first(Keyword::From) {
        Some(_) => from_clause::interpret(from_items, mta.as_ref().map(|m| m.id), origin),
        None => split
            .clauses
            .iter()
            .filter(|c| c.keyword.is_none())
            .flat_map(Clause::comments)
            .find_map(from_clause::interpret_comment_only)
            .unwrap_or_default(),
    };
    let with_all: Vec<&str> =
        split.clauses.iter().filter(|c| c.keyword == Some(Keyword::With)).flat_map(Clause::words).collect();
    let tls = tls::detect(&tls::TlsClues {
        protocol: with_all.first().copied(),
        with_words: with_all,
        comments: all_comments,
        words: split.clauses.iter().flat_map(Clause::words).collect(),
    });

    note_from(&from, &mut notes);
    match (&split.date, split.unreadable_date) {
        (Some(date), _) if !date.zone_stated => {
            notes.push("date names no known time zone; UTC assumed".to_string());
        }
        (None, Some(text)) => notes.push(format!("date could not be read: {}", shorten(text))),
        (None, None) => notes.push("no date".to_string()),
        _ => {}
    }
    // qmail-queue's own `(qmail 123 invoked from network)` has neither, by
    // design (qmail-queue(8)).
    let qmail_queue = mta.as_ref().is_some_and(|m| m.id == mta::MtaId::Qmail);
    if split.first(Keyword::From).is_none() && split.first(Keyword::By).is_none() && !qmail_queue {
        notes.push("no from or by clause: not a standard Received field".to_string());
    }
    Received {
        from_helo: from.helo,
        from_rdns: from.rdns,
        from_ip: from.ip.map(|l| l.ip),
        from_port: from.port,
        by,
        by_ip,
        with,
        via,
        id,
        for_,
        tls,
        date: split.date,
        mta,
        rdns_unknown: from.rdns_unknown,
        may_be_forged: from.may_be_forged,
        notes,
    }
}

/// The items of the `from` clause. Smail 3 writes `from helo from [ip]`:
/// a second `from` right after the first, opening with the client's
/// address, belongs to the first.
fn from_items<'s, 'a>(split: &'s clauses::Split<'a>) -> std::borrow::Cow<'s, [Token<'a>]> {
    let Some(at) = split.clauses.iter().position(|c| c.keyword == Some(Keyword::From)) else {
        return std::borrow::Cow::Borrowed(&[]);
    };
    let first = &split.clauses[at];
    match split.clauses.get(at + 1) {
        Some(next)
            if next.keyword == Some(Keyword::From)
                && matches!(next.items.first(), Some(Token::Word(w)) if crate::ip::parse_ip_literal(w).is_some()) =>
        {
            std::borrow::Cow::Owned(first.items.iter().chain(&next.items).copied().collect())
        }
        _ => std::borrow::Cow::Borrowed(&first.items),
    }
}

fn has_qmail_shape(from_items: &[Token<'_>], date_text: Option<&str>) -> bool {
    let bare_address = from_items.iter().any(|t| match t {
        Token::Comment(c) => !c.contains('[') && !c.contains(' ') && crate::ip::parse_ip_literal(c).is_some(),
        _ => false,
    });
    let qmail_date = date_text.is_some_and(|d| d.ends_with("-0000") && d.starts_with(|c: char| c.is_ascii_digit()));
    bare_address && qmail_date
}

/// `HELO` or `EHLO` when a `from` comment carries the announced name that way.
fn helo_keyword(comment: &str) -> Option<&'static str> {
    // Only a comment holding one of the four spellings (all end in `LO` or
    // `lo`) needs reading.
    if !(comment.contains("LO") || comment.contains("lo")) {
        return None;
    }
    lexer::comment_words(comment).iter().find_map(|w| {
        let keyword = w.get(..4)?;
        let whole = w.len() == 4 || w[4..].starts_with(char::is_whitespace);
        match keyword {
            "HELO" | "helo" if whole => Some("HELO"),
            "EHLO" | "ehlo" if whole => Some("EHLO"),
            _ => None,
        }
    })
}

/// hMailServer writes the `;` before the date at the start of a folded line.
fn semicolon_after_fold(value: &str) -> bool {
    value.rfind(';').is_some_and(|at| {
        let before = value[..at].trim_end_matches([' ', '\t']);
        before.ends_with('\n') && before.len() < value[..at].len()
    })
}

fn note_from(from: &from_clause::FromInfo, notes: &mut Vec<String>) {
    if let Some(IpLiteral { had_zone: true, .. }) = from.ip {
        notes.push("IPv6 zone index removed from the client address".to_string());
    }
    if let Some(IpLiteral { was_mapped: true, ip, .. }) = from.ip {
        notes.push(format!("IPv4-mapped IPv6 address read as {ip}"));
    }
    if from.rdns_unknown {
        notes.push("the receiving server found no reverse DNS name for the client (recorded \"unknown\")".to_string());
    }
    if from.may_be_forged {
        notes.push("the receiving server marked the client's reverse DNS \"may be forged\": the PTR name does not resolve back to the address".to_string());
    }
}

/// The words of a `with` clause before its first comment.
fn with_words(clause: &Clause<'_>) -> Option<String> {
    let words: Vec<&str> = clause
        .items
        .iter()
        .map_while(|t| match t {
            Token::Word(w) => Some(*w),
            _ => None,
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// `<user@example.org>` → `user@example.org`; a quoted local part keeps its
/// quotes (`<"john doe"@example.org>`), a wholly quoted address loses them.
fn address(word: &str) -> String {
    let word = word.trim_end_matches([',', ';']);
    let word = word.strip_prefix('<').map_or(word, |w| w.strip_suffix('>').unwrap_or(w));
    match word.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
        Some(inner) if !inner.contains('"') => inner.to_string(),
        _ => word.to_string(),
    }
}

fn shorten(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &one_line[..at]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postfix_full() {
        let r = parse(
            "from mail.example.com (mail.example.com [192.0.2.5])\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n\tby mx.example.org (Postfix) with ESMTPS id 4Nm3Zx1BcDz9rxK\r\n\tfor <user@example.org>; Wed,  4 Jan 2023 10:11:12 +0100 (CET)",
        );
        assert_eq!(r.from_helo.as_deref(), Some("mail.example.com"));
        assert_eq!(r.from_rdns.as_deref(), Some("mail.example.com"));
        assert_eq!(r.from_ip.map(|i| i.to_string()).as_deref(), Some("192.0.2.5"));
        assert_eq!(r.by.as_deref(), Some("mx.example.org"));
        assert_eq!(r.with.as_deref(), Some("ESMTPS"));
        assert_eq!(r.id.as_deref(), Some("4Nm3Zx1BcDz9rxK"));
        assert_eq!(r.for_.as_deref(), Some("user@example.org"));
        assert_eq!(r.tls.as_ref().and_then(|t| t.version.as_deref()), Some("TLSv1.3"));
        assert_eq!(r.date.map(|d| d.to_rfc3339()).as_deref(), Some("2023-01-04T10:11:12+01:00"));
        assert_eq!(r.mta.map(|m| m.id), Some(mta::MtaId::Postfix));
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    /// Regression: a fold or a tab inside a comment changed the writer guess
    /// (and with it the `from` clause's reading), and a fold inside a quoted
    /// string stayed in the `for` address.
    #[test]
    fn folds_inside_comments_and_quoted_strings_are_read_away() {
        let value = "from mail.example.com ([192.0.2.1]) by mx.example.org with esmtp (Exim 4.96) \
                     id 1abc-000123-AB for <\"john doe\"@example.org>; Wed, 04 Jan 2023 10:11:12 +0100";
        let flat = parse(value);
        assert_eq!(flat.from_rdns.as_deref(), Some("mail.example.com"));
        assert_eq!(flat.mta.as_ref().map(|m| (m.id, m.version.as_deref())), Some((mta::MtaId::Exim, Some("4.96"))));
        for (comment, quoted) in [("(Exim\r\n 4.96)", "\"john\r\n doe\""), ("(Exim\t4.96)", "\"john\n doe\"")] {
            let folded = value.replace("(Exim 4.96)", comment).replace("\"john doe\"", quoted);
            assert_eq!(parse(&folded), flat, "{folded:?}");
        }
        let forged = parse(
            "from helo.example (root@mail.example.com [192.0.2.1] (may\r\n\tbe forged)) by mx; Wed, 4 Jan 2023 10:11:12 +0000",
        );
        assert!(forged.may_be_forged);
    }

    #[test]
    fn garbage_never_fails() {
        for value in ["", ";", "(((", "from", "by ;", "\u{0}\u{1}", "from [", "for <", "; ; ;", "id", "with (x) tls"] {
            let r = parse(value);
            assert!(!r.notes.is_empty() || r.by.is_some(), "{value:?}");
        }
    }

    #[test]
    fn oversized_value_is_cut_with_a_note() {
        let value =
            format!("from a by b with SMTP id {}; Wed, 4 Jan 2023 10:11:12 +0000", "x".repeat(MAX_RECEIVED_BYTES));
        let r = parse(&value);
        assert!(r.notes.iter().any(|n| n.contains("only the first")));
        assert_eq!(r.by.as_deref(), Some("b"));
    }
}
