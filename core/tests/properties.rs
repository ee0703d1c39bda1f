//! Property tests (proptest) of the core's pure functions:
//!
//! - `reverse`: reverse-lookup names read back to their address, IPv4-mapped
//!   IPv6 takes the IPv4 form, and every address literal form MTAs write
//!   parses back to its address and port;
//! - `dns`: queries and responses (PTR, A, AAAA, CNAME, SOA-carrying negative
//!   answers) survive the wire codec and the JSON form, names with any octets
//!   stay askable, and no input makes a decoder panic;
//! - `received`: folding a `Received:` value at any whitespace outside its
//!   comments and quoted strings, alone or inside a header block, changes
//!   nothing that is read from it, and unfolding is idempotent;
//! - `scope`: every address gets the scope of an independent table of the IANA
//!   IPv4 and IPv6 special-purpose address registries.
//!
//! Failing cases are not written to `proptest-regressions/`: the minimal
//! input is printed instead; a bug found this way gets a plain regression
//! test beside the property. `PROPTEST_CASES` changes the number of cases (256).

mod common;

#[path = "properties/dns.rs"]
mod dns;
#[path = "properties/received.rs"]
mod received;
#[path = "properties/reverse.rs"]
mod reverse;
#[path = "properties/scope.rs"]
mod scope;

use proptest::test_runner::Config;

/// The configuration of every property: proptest's defaults, no failure files.
fn config() -> Config {
    Config { failure_persistence: None, ..Config::default() }
}
