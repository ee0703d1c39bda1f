//! RFC 8601 iprev: the reverse-DNS check receiving mail servers make.

mod check;
mod forward;
mod outcome;

pub use check::{IprevCheck, Limits, NotPublic, Query, Response};
pub use forward::ForwardLookup;
pub use outcome::{ForwardEvidence, ForwardStatus, IprevOutcome, IprevRule};
