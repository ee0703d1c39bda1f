//! The report: the single source for every output (text, JSON, the web UI).
//!
//! Field names here are a contract for scripts: the JSON schema in the
//! README is this model. Add fields; never rename or remove them.

use crate::advice::Advice;
use crate::authres::AuthResults;
use crate::helo::HeloReport;
use crate::iprev::{ForwardStatus, IprevRule};
use crate::mta::Mta;
use crate::name_map::NameMap;
use crate::received::Tls;
use crate::received_spf::ReceivedSpf;
use crate::scope::IpScope;
use serde::{Deserialize, Serialize};

/// Everything iprev found out about one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Where the message came from: a path, `path#N` for the N-th message of
    /// an mbox, `-` for standard input.
    pub source: String,
    /// `Message-ID` without angle brackets.
    pub message_id: Option<String>,
    /// `Subject`, decoded.
    pub subject: Option<String>,
    /// `From`, decoded.
    pub from: Option<String>,
    /// `Date`, RFC 3339.
    pub date: Option<String>,
    /// Relays in chronological order: index 0 is the first relay (the
    /// bottom-most `Received:` field).
    pub hops: Vec<Hop>,
    /// Index of the hop at which the message entered the recipient's
    /// infrastructure from the public internet.
    pub sender_hop: Option<usize>,
    /// The client address the final receiver itself wrote down as the one it
    /// judged (the topmost `Authentication-Results` or `Received-SPF` that
    /// names one); null when none does.
    pub receiver_statement: Option<ReceiverStatement>,
    /// The receivers' own verdicts found in the message.
    pub authentication_results: Vec<AuthResults>,
    /// `Received-SPF` fields found in the message.
    pub received_spf: Vec<ReceivedSpf>,
    /// What was skipped, cut or assumed while reading the message.
    pub notes: Vec<String>,
    /// The `Authentication-Results` header iprev's own check yields for the
    /// sender hop (RFC 8601); null until checked.
    pub authres: Option<String>,
    /// The DNS work of the live check; null until checked.
    pub dns: Option<DnsSummary>,
}

/// What the live check asked of DNS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsSummary {
    /// Where the answers came from (a resolver URL, or `zone:<file>`).
    pub resolver: String,
    /// Distinct questions asked.
    pub questions: usize,
    /// Sequential rounds of questions (2 for a check whose names need no
    /// CNAME follow-up, whatever the number of hops and PTR names).
    pub rounds: usize,
    /// Questions that got no usable answer (timeouts, HTTP errors...).
    pub failed: usize,
    /// What the check left out: questions past the per-message budget, or
    /// a deadline that stopped it. Empty when nothing was cut.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One relay: what a `Received:` field says, and what iprev derived from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hop {
    /// Position in the route, 0 = first relay.
    pub index: usize,
    /// The HELO/EHLO name the client announced, as recorded.
    pub from_helo: Option<String>,
    /// The reverse-DNS name the receiving server recorded.
    pub from_rdns: Option<String>,
    /// The receiving server marked that name "may be forged" (its PTR does
    /// not resolve back): the address's owner chose it, so it proves nothing.
    #[serde(skip)]
    pub rdns_forged: bool,
    /// The client address, canonical text.
    pub from_ip: Option<String>,
    /// The client port, when stated.
    pub from_port: Option<u16>,
    /// The receiving host, which wrote the field.
    pub by: Option<String>,
    /// The receiving host's address, when stated.
    pub by_ip: Option<String>,
    /// The protocol (`ESMTPS`, `Microsoft SMTP Server`...).
    pub with: Option<String>,
    /// The `via` clause.
    pub via: Option<String>,
    /// The receiving server's queue id.
    pub id: Option<String>,
    /// The envelope recipient, when stated.
    #[serde(rename = "for")]
    pub for_: Option<String>,
    /// TLS as stated.
    pub tls: Option<Tls>,
    /// When the receiving server got the message, RFC 3339.
    pub date: Option<String>,
    /// Seconds since the previous hop; negative when the clocks disagree.
    pub delay_s: Option<i64>,
    /// Scope of `from_ip`.
    pub ip_scope: Option<IpScope>,
    /// The software that wrote the field (the `by` side).
    pub mta: Option<Mta>,
    /// Whose server the client is, as the route reads it.
    pub role: HopRole,
    /// The mail provider whose own internal relay the client is, when its
    /// address is one of the provider's relay blocks and the provider
    /// received it too (Microsoft 365 handing a message between its
    /// servers): not checked by default, on either side of the route.
    pub relay_of: Option<ProviderRef>,
    /// The live reverse-DNS verdict; null until checked.
    pub iprev: Option<HopIprev>,
    /// What could not be read, or was read with an assumption.
    pub notes: Vec<String>,
    /// The field value as it appears in the message.
    pub raw: String,
}

/// Whose side of the route a hop's client is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HopRole {
    /// A relay before the sender hop: the sending side's own servers (or a
    /// smart host); shown, not trusted.
    SenderSide,
    /// The sender hop: its client is the server the recipient's side judged.
    Sender,
    /// The recipient's own infrastructure, after the sender hop (and every
    /// hop when the message never came from outside).
    #[default]
    Receiver,
    /// The user fetching their own mailbox (fetchmail, getmail, IMAP, POP3):
    /// never the sender hop.
    Retrieval,
}

impl HopRole {
    /// The role's name in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SenderSide => "sender_side",
            Self::Sender => "sender",
            Self::Receiver => "receiver",
            Self::Retrieval => "retrieval",
        }
    }
}

/// A provider of [`crate::providers`], named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRef {
    /// Its id (`microsoft`).
    pub id: String,
    /// Its name (`Microsoft 365 / Outlook.com`).
    pub name: String,
}

/// The final receiver's own statement of the client it judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiverStatement {
    /// The stated client address.
    pub ip: String,
    /// The field it was read from: `Authentication-Results` or `Received-SPF`.
    pub field: String,
    /// How it was written: `sender IP is`, `smtp.remote-ip`, `policy.iprev`,
    /// `client-ip` or `designates`.
    pub form: String,
    /// The hop whose client it is; null when no `Received` field shows it.
    pub hop: Option<usize>,
}

/// The RFC 8601 §2.7.3 iprev result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IprevResult {
    /// A forward lookup of a PTR name returned the client address.
    Pass,
    /// The PTR names' forward lookups completed, and none returned the address.
    Fail,
    /// A lookup failed in a way that might succeed later.
    Temperror,
    /// The address has no PTR record.
    Permerror,
}

impl IprevResult {
    /// The result keyword, as written in `Authentication-Results`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Temperror => "temperror",
            Self::Permerror => "permerror",
        }
    }
}

/// The iprev verdict of one hop's client address, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HopIprev {
    /// The verdict.
    pub result: IprevResult,
    /// The row of the RFC 8601 table that decided.
    pub rule: IprevRule,
    /// One line saying why.
    pub reason: String,
    /// PTR names found for the address (at most the configured limit).
    pub ptr: Vec<String>,
    /// PTR names beyond the limit, not looked up.
    pub ptr_not_checked: usize,
    /// The PTR name that resolved back to the address (`pass` only).
    pub matched_name: Option<String>,

    /// Addresses each PTR name resolved to.
    pub forward: NameMap<Vec<String>>,
    /// How each PTR name's forward lookup ended.
    pub forward_status: NameMap<ForwardStatus>,
    /// The HELO check (sender hop only).
    pub helo: Option<HeloReport>,
    /// What to change.
    pub advice: Vec<Advice>,
}
