//! DNS for iprev: questions, answers, and the RFC 8484 (DNS over HTTPS)
//! codec. No I/O: the caller sends the bytes and hands back what came.
//!
//! The wire format is read and written with NLnet Labs' `domain` crate
//! (name compression, label escaping and bounds checks are its job); the
//! JSON form (`application/dns-json`, as Google and Cloudflare serve it) is
//! read with serde.

mod answer;
mod json;
mod reverse;
mod wire;

pub use answer::{DnsAnswer, DnsError, QType, Question, Rcode, Record, RecordData};
#[cfg(feature = "json")]
pub use json::decode_json;
pub use json::{JsonQuestion, JsonRecord, JsonResponse, answer_from_json, json_query_url};
pub use reverse::reverse_name;
pub use wire::{base64url, build_query, decode_response, encode_response, get_url, parse_query};

/// Largest DoH response body accepted (the DNS message size limit).
pub const MAX_RESPONSE_BYTES: usize = 65_535;

/// Most answer records read from one response.
pub const MAX_ANSWER_RECORDS: usize = 256;

/// The media type of RFC 8484 wire-format messages.
pub const WIRE_MEDIA_TYPE: &str = "application/dns-message";

/// The media type of the JSON API.
pub const JSON_MEDIA_TYPE: &str = "application/dns-json";
