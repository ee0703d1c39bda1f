//! The data a DNS exchange is about: a question and what came back.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The record types iprev asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum QType {
    /// Reverse lookup (RFC 1035 §3.3.12).
    Ptr,
    /// IPv4 address.
    A,
    /// IPv6 address (RFC 3596).
    Aaaa,
}

impl QType {
    /// The IANA type code.
    pub fn code(self) -> u16 {
        match self {
            Self::A => 1,
            Self::Ptr => 12,
            Self::Aaaa => 28,
        }
    }

    /// The mnemonic (`PTR`, `A`, `AAAA`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ptr => "PTR",
            Self::A => "A",
            Self::Aaaa => "AAAA",
        }
    }
}

/// A question: a name in presentation format (lower case, no trailing dot,
/// non-printable octets escaped as `\DDD`) and a type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Question {
    /// The owner name.
    pub name: String,
    /// The type asked for.
    pub qtype: QType,
}

impl Question {
    /// A question, with the name normalised (case folded, trailing dot removed).
    pub fn new(name: &str, qtype: QType) -> Self {
        Self { name: without_final_dot(name).to_ascii_lowercase(), qtype }
    }
}

/// A presentation-format name without the dot that marks it absolute
/// (`mail.example.` → `mail.example`). Only one dot goes, and only an
/// unescaped one (preceded by an even number of backslashes): `mail\.` ends
/// in a label holding the octet `.`, and `mail\\.` in a `\` octet then the
/// final dot. The root `.` stays as it is: it has no other spelling.
pub(crate) fn without_final_dot(name: &str) -> &str {
    match name.strip_suffix('.') {
        Some(rest) if !rest.is_empty() && rest.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 0 => rest,
        _ => name,
    }
}

impl fmt::Display for Question {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.qtype.as_str())
    }
}

/// Response codes (RFC 1035 §4.1.1, RFC 6895).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Rcode {
    /// No error.
    NoError,
    /// Format error.
    FormErr,
    /// Server failure.
    ServFail,
    /// The name does not exist.
    NxDomain,
    /// Not implemented.
    NotImp,
    /// Refused.
    Refused,
    /// Any other code.
    Other(u16),
}

impl Rcode {
    /// From the numeric code.
    pub fn from_code(code: u16) -> Self {
        match code {
            0 => Self::NoError,
            1 => Self::FormErr,
            2 => Self::ServFail,
            3 => Self::NxDomain,
            4 => Self::NotImp,
            5 => Self::Refused,
            other => Self::Other(other),
        }
    }

    /// The numeric code.
    pub fn code(self) -> u16 {
        match self {
            Self::NoError => 0,
            Self::FormErr => 1,
            Self::ServFail => 2,
            Self::NxDomain => 3,
            Self::NotImp => 4,
            Self::Refused => 5,
            Self::Other(code) => code,
        }
    }
}

impl fmt::Display for Rcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoError => f.write_str("NOERROR"),
            Self::FormErr => f.write_str("FORMERR"),
            Self::ServFail => f.write_str("SERVFAIL"),
            Self::NxDomain => f.write_str("NXDOMAIN"),
            Self::NotImp => f.write_str("NOTIMP"),
            Self::Refused => f.write_str("REFUSED"),
            Self::Other(code) => write!(f, "RCODE{code}"),
        }
    }
}

/// The data of an answer record iprev uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "UPPERCASE")]
pub enum RecordData {
    /// A PTR target name.
    Ptr(String),
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An IPv6 address.
    Aaaa(Ipv6Addr),
    /// A CNAME target name.
    Cname(String),
}

/// One answer record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The owner name, presentation format, lower case, no trailing dot.
    pub name: String,
    /// Time to live, seconds.
    pub ttl: u32,
    /// The data.
    #[serde(flatten)]
    pub data: RecordData,
}

/// A decoded response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsAnswer {
    /// The response code.
    pub rcode: Rcode,
    /// The TC bit: the answer was cut.
    pub truncated: bool,
    /// The AD bit: the resolver validated the answer with DNSSEC.
    pub authenticated_data: bool,
    /// PTR, A, AAAA and CNAME records of the answer section (others are skipped).
    pub records: Vec<Record>,
    /// For a negative answer, how long it may be cached (RFC 2308 §5: the
    /// smaller of the authority SOA's TTL and its MINIMUM field).
    #[serde(default)]
    pub negative_ttl: Option<u32>,
}

impl DnsAnswer {
    /// An answer with this code and records, flags clear.
    pub fn new(rcode: Rcode, records: Vec<Record>) -> Self {
        Self { rcode, truncated: false, authenticated_data: false, records, negative_ttl: None }
    }

    /// How long the answer may be cached, in seconds: the smallest record
    /// TTL, or for an answer without records its negative TTL (none: do not
    /// cache, RFC 2308 §5).
    pub fn cache_ttl(&self) -> Option<u32> {
        match self.rcode {
            Rcode::NoError | Rcode::NxDomain => {}
            _ => return None,
        }
        if self.records.is_empty() { self.negative_ttl } else { self.records.iter().map(|r| r.ttl).min() }
    }
}

/// Why a response could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsError {
    /// The name cannot be put in a query (too long, empty label...).
    BadName(String),
    /// The bytes are not a DNS message, or are cut short.
    Malformed(String),
    /// A query, not a response (QR bit clear).
    NotAResponse,
    /// The response carries another message ID than the query's.
    IdMismatch(u16),
    /// The response answers another question.
    QuestionMismatch {
        /// What was asked.
        asked: String,
        /// What the response says it answers.
        answered: String,
    },
    /// The body is larger than [`super::MAX_RESPONSE_BYTES`].
    TooLarge(usize),
    /// The JSON form could not be read.
    Json(String),
}

impl fmt::Display for DnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadName(name) => write!(f, "not a valid DNS name: {name}"),
            Self::Malformed(why) => write!(f, "undecodable DNS response: {why}"),
            Self::NotAResponse => f.write_str("undecodable DNS response: a query, not a response"),
            Self::IdMismatch(id) => write!(f, "DNS response for another query (ID {id}, expected 0)"),
            Self::QuestionMismatch { asked, answered } => {
                write!(f, "DNS response for another question ({answered}, asked {asked})")
            }
            Self::TooLarge(size) => write!(f, "DNS response of {size} bytes is larger than any DNS message"),
            Self::Json(why) => write!(f, "undecodable DNS JSON response: {why}"),
        }
    }
}

impl std::error::Error for DnsError {}

#[cfg(test)]
mod tests {
    use super::super::wire::{build_query, parse_query};
    use super::*;

    #[test]
    fn only_the_final_unescaped_dot_goes() {
        for (given, kept) in [
            ("Mail.Example.", "mail.example"),
            ("mail.example", "mail.example"),
            // A last label holding the octet `.`: the dot is data.
            ("mail\\.", "mail\\."),
            ("mail\\..", "mail\\."),
            ("\\.", "\\."),
            // An escaped backslash, then the final dot.
            ("mail\\\\.", "mail\\\\"),
            ("mail\\\\\\.", "mail\\\\\\."),
            // The root has no other spelling; at most one dot goes.
            (".", "."),
            ("a..", "a."),
        ] {
            assert_eq!(Question::new(given, QType::A).name, kept, "{given:?}");
        }
    }

    /// Regression: a PTR target whose last label is the octet `.` was asked
    /// for as `\` (`BadName`), and one ending `mail\.` as `mail\`.
    #[test]
    fn a_name_ending_in_a_dot_octet_is_asked_as_it_is() {
        for name in ["\\.", "mail\\.", "mail\\.example\\.", "."] {
            let question = Question::new(name, QType::A);
            let query = build_query(&question).expect("askable");
            assert_eq!(parse_query(&query).map(|(_, q)| q.name), Ok(name.to_string()));
        }
    }
}
