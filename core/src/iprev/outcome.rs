//! The verdict of an iprev check and the evidence behind it.

use crate::name_map::NameMap;
use crate::report::IprevResult;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Which row of the RFC 8601 table decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IprevRule {
    /// A forward lookup of a PTR name returned the client address: `pass`.
    ForwardMatch,
    /// NXDOMAIN or no PTR record (after CNAMEs): `permerror`.
    NoPtr,
    /// The PTR lookup failed (rcode, timeout, HTTP error, bad reply): `temperror`.
    PtrTempError,
    /// No match, and a forward lookup failed temporarily: `temperror`.
    ForwardTempError,
    /// No match, every forward lookup completed: `fail`.
    NoForwardMatch,
}

/// How the forward lookup of one PTR name ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "detail")]
pub enum ForwardStatus {
    /// Addresses came back.
    Answered,
    /// The name exists but has no address of the client's family (NODATA).
    NoAddress,
    /// The name does not exist.
    NxDomain,
    /// The CNAME chain loops or is too long.
    CnameLoop,
    /// The lookup failed in a way that might succeed later.
    TempFailure(String),
    /// The verdict was reached before this answer arrived.
    NotAnswered,
}

/// The forward lookup of one PTR name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardEvidence {
    /// Addresses found (A for IPv4 clients, AAAA for IPv6).
    pub addresses: Vec<IpAddr>,
    /// How the lookup ended.
    pub status: ForwardStatus,
}

/// A decided check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IprevOutcome {
    /// The address checked (IPv4-mapped addresses as IPv4).
    pub ip: IpAddr,
    /// The verdict.
    pub result: IprevResult,
    /// The rule that decided.
    pub rule: IprevRule,
    /// One line saying why.
    pub reason: String,
    /// PTR names found, at most the limit.
    pub ptr_names: Vec<String>,
    /// PTR names beyond the limit, not looked up.
    pub ptr_names_cut: usize,
    /// Forward lookups per PTR name.
    pub forward: NameMap<ForwardEvidence>,
    /// The PTR name that resolved back, for `pass`.
    pub matched_name: Option<String>,
    /// The PTR question got no usable DNS answer at all (timeout, HTTP
    /// error, undecodable or truncated reply): the resolver failed, which
    /// says nothing yet about the address's own DNS.
    pub resolver_failed: bool,
}
