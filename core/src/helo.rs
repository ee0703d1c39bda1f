//! The HELO/EHLO name of the sender hop: can it have public DNS, does it
//! resolve to the client address, is it the PTR name?
//!
//! RFC 5321 §4.1.1.1 wants the primary host name of the client in EHLO;
//! receivers commonly reject names that do not resolve (Postfix
//! `reject_unknown_helo_hostname`), names that are not fully qualified
//! (`reject_non_fqdn_helo_hostname`) and flag names that differ from the PTR
//! name. An Exchange send connector left at its default announces the
//! server's internal name (`svr01.contoso.local`), which can never pass.

use crate::domain::{NonPublicName, non_public_name, normalize};
use crate::iprev::{ForwardStatus, IprevOutcome, IprevRule};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The verdict on a HELO name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeloStatus {
    /// It is a PTR name of the client and resolves to the client address.
    Pass,
    /// It resolves to the client address but is not its PTR name.
    ResolvesNotPtr,
    /// A public-looking name that does not resolve to the client address.
    Mismatch,
    /// A name that can never be in public DNS (`.local`, a single label, an
    /// address literal...).
    NotPublic,
    /// The lookup failed temporarily.
    Temperror,
}

/// Why a name can never be public, for JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotPublicKind {
    /// `[192.168.1.5]`.
    AddressLiteral,
    /// `EXCH01`.
    SingleLabel,
    /// `.local`, `.lan`, `.internal`, `.corp`, `.home.arpa`...
    InternalSuffix,
    /// Not a host name at all.
    Invalid,
}

impl From<NonPublicName> for NotPublicKind {
    fn from(kind: NonPublicName) -> Self {
        match kind {
            NonPublicName::AddressLiteral => Self::AddressLiteral,
            NonPublicName::SingleLabel => Self::SingleLabel,
            NonPublicName::InternalSuffix => Self::InternalSuffix,
            NonPublicName::Invalid => Self::Invalid,
        }
    }
}

/// The HELO check of the sender hop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeloReport {
    /// The name as announced.
    pub name: String,
    /// The verdict.
    pub status: HeloStatus,
    /// Why the name can never be public, when it cannot.
    pub not_public: Option<NotPublicKind>,
    /// True when it equals a PTR name of the client (case-insensitive, no trailing dot).
    pub matches_ptr: bool,
    /// What the name resolves to (A for IPv4 clients, AAAA for IPv6).
    pub addresses: Vec<String>,
    /// One line saying why.
    pub reason: String,
}

/// True when a HELO name needs its own forward lookup (a public-looking name).
pub fn needs_lookup(helo: &str) -> bool {
    non_public_name(helo).is_none()
}

/// Judges `helo` for client `ip`, given the iprev outcome and the forward
/// lookup of the HELO name (absent for names that need none).
pub fn evaluate(
    helo: &str,
    ip: IpAddr,
    outcome: Option<&IprevOutcome>,
    lookup: Option<&(Vec<IpAddr>, ForwardStatus)>,
) -> HeloReport {
    let name = normalize(helo);
    let matches_ptr = outcome.is_some_and(|o| o.ptr_names.contains(&name));
    let report = |status, not_public, addresses: &[IpAddr], reason: String| HeloReport {
        name: helo.to_string(),
        status,
        not_public,
        matches_ptr,
        addresses: addresses.iter().map(ToString::to_string).collect(),
        reason,
    };
    if let Some(kind) = non_public_name(helo) {
        let why = match kind {
            NonPublicName::AddressLiteral => "an address literal, not a host name",
            NonPublicName::SingleLabel => "a single label, not a fully qualified name",
            NonPublicName::InternalSuffix => "under a suffix that is never in public DNS",
            NonPublicName::Invalid => "not a valid host name",
        };
        return report(HeloStatus::NotPublic, Some(kind.into()), &[], format!("{helo} is {why}"));
    }
    let Some((addresses, status)) = lookup else {
        return report(HeloStatus::Temperror, None, &[], format!("{helo} was not looked up"));
    };
    if addresses.contains(&ip) {
        let ptr_unknown = outcome.is_none_or(|o| o.rule == IprevRule::PtrTempError);
        return if matches_ptr {
            report(HeloStatus::Pass, None, addresses, format!("{helo} is the PTR name of {ip} and resolves to it"))
        } else if ptr_unknown {
            report(
                HeloStatus::Temperror,
                None,
                addresses,
                format!("{helo} resolves to {ip}; whether it is the PTR name is unknown (the PTR lookup failed)"),
            )
        } else {
            let ptr = outcome.and_then(|o| o.ptr_names.first()).map_or_else(|| "none".to_string(), Clone::clone);
            report(
                HeloStatus::ResolvesNotPtr,
                None,
                addresses,
                format!("{helo} resolves to {ip} but is not its PTR name ({ptr})"),
            )
        };
    }
    match status {
        ForwardStatus::TempFailure(why) => {
            report(HeloStatus::Temperror, None, addresses, format!("lookup of {helo} failed: {why}"))
        }
        ForwardStatus::NxDomain => {
            report(HeloStatus::Mismatch, None, addresses, format!("{helo} does not exist in DNS"))
        }
        ForwardStatus::NoAddress | ForwardStatus::CnameLoop | ForwardStatus::NotAnswered => {
            report(HeloStatus::Mismatch, None, addresses, format!("{helo} has no address record"))
        }
        ForwardStatus::Answered => {
            let list: Vec<String> = addresses.iter().map(ToString::to_string).collect();
            report(HeloStatus::Mismatch, None, addresses, format!("{helo} resolves to {}, not {ip}", list.join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::IprevResult;

    fn outcome(ptr: &[&str]) -> IprevOutcome {
        IprevOutcome {
            ip: "81.2.69.142".parse().expect("ip"),
            result: IprevResult::Pass,
            rule: IprevRule::ForwardMatch,
            reason: String::new(),
            ptr_names: ptr.iter().map(|s| (*s).to_string()).collect(),
            ptr_names_cut: 0,
            forward: crate::name_map::NameMap::new(),
            matched_name: None,
            resolver_failed: false,
        }
    }

    #[test]
    fn verdicts() {
        let ip: IpAddr = "81.2.69.142".parse().expect("ip");
        let found = (vec![ip], ForwardStatus::Answered);
        let out = outcome(&["mail.example.net"]);
        assert_eq!(evaluate("Mail.Example.NET.", ip, Some(&out), Some(&found)).status, HeloStatus::Pass);
        assert_eq!(evaluate("smtp.example.net", ip, Some(&out), Some(&found)).status, HeloStatus::ResolvesNotPtr);
        let elsewhere = (vec!["81.2.69.1".parse().expect("ip")], ForwardStatus::Answered);
        let r = evaluate("smtp.example.net", ip, Some(&out), Some(&elsewhere));
        assert_eq!(
            (r.status, r.reason.as_str()),
            (HeloStatus::Mismatch, "smtp.example.net resolves to 81.2.69.1, not 81.2.69.142")
        );
        let r = evaluate("svr01.contoso.local", ip, Some(&out), None);
        assert_eq!((r.status, r.not_public), (HeloStatus::NotPublic, Some(NotPublicKind::InternalSuffix)));
        assert_eq!(evaluate("EXCH01", ip, None, None).not_public, Some(NotPublicKind::SingleLabel));
        assert_eq!(evaluate("[192.168.1.5]", ip, None, None).not_public, Some(NotPublicKind::AddressLiteral));
        let failed = (vec![], ForwardStatus::TempFailure("timeout".into()));
        assert_eq!(evaluate("smtp.example.net", ip, None, Some(&failed)).status, HeloStatus::Temperror);
    }
}
