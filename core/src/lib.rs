//! iprev core: everything iprev knows about mail headers, with no I/O.
//!
//! Pure functions and state machines, no network, files, clocks or async:
//! the same code runs natively (the `iprev` command) and as WebAssembly (the
//! browser extension and web page).
//!
//! Data flows one way: [`message`] finds and reads the header block,
//! [`received`] parses each `Received:` field, [`route`] orders the hops and
//! finds the sender hop, [`authres`] and [`received_spf`] read the
//! receivers' verdicts, and [`analyze`] assembles the [`report::Report`].
#![forbid(unsafe_code)]

pub mod advice;
pub mod analyze;
mod ascii;
pub mod authres;
mod cursor;
pub mod date;
pub mod dns;
pub mod domain;
pub mod helo;
pub mod ip;
pub mod iprev;
pub mod limits;
pub mod live;
pub mod mbox;
pub mod message;
pub mod mta;
pub mod name_map;
pub mod providers;
pub mod received;
pub mod received_spf;
pub mod report;
pub mod route;
pub mod scope;
pub mod statement;
#[cfg(feature = "zone")]
pub mod zone;

pub use analyze::{AnalyzeOptions, analyze};
pub use message::InputError;
pub use report::Report;
