//! Documented bounds on what iprev reads from one message.
//!
//! Every limit here is checked with a test at and past it; past a limit the
//! report carries a note saying what was cut. Nothing is dropped silently.

/// Bytes of a message that are ever looked at: the header block must start and
/// end within this prefix. Callers may pass only this much of a large file.
pub const INPUT_PREFIX_BYTES: usize = 4 * 1024 * 1024;

/// Bytes of header block analysed; a longer block is cut at the last whole
/// field before this size.
pub const MAX_HEADER_BYTES: usize = 1024 * 1024;

/// Lines of leading text (a pasted web page's summary, say) searched for the
/// start of the header block when the input does not start with one.
pub const MAX_PREAMBLE_LINES: usize = 500;

/// Header fields read from one message.
pub const MAX_HEADER_FIELDS: usize = 20_000;

/// `Received:` fields analysed per message (RFC 5321 §6.3 suggests treating
/// 100 hops as a loop). The newest ones are kept: they decide the sender hop.
pub const MAX_RECEIVED_HOPS: usize = 100;

/// Bytes of a single `Received:` value that are parsed; the rest is ignored
/// with a note (real ones are under 1 KiB).
pub const MAX_RECEIVED_BYTES: usize = 8 * 1024;

/// `Authentication-Results`/`ARC-Authentication-Results`/`Received-SPF`
/// fields kept per message.
pub const MAX_AUTH_HEADERS: usize = 50;

/// Bytes of one `Authentication-Results` value that are parsed.
pub const MAX_AUTHRES_BYTES: usize = 16 * 1024;

/// Bytes of a raw header value carried verbatim into the report.
pub const MAX_RAW_FIELD_BYTES: usize = 4 * 1024;

/// Distinct DNS questions asked for one message's live check. A normal
/// message needs 2 per public hop plus one per PTR name; past the budget,
/// further questions get no answer (`temperror` for the checks that need
/// them) and the report's `dns.notes` says how many were not asked.
pub const MAX_QUESTIONS_PER_MESSAGE: usize = 200;

/// Milliseconds a driver waits for one DNS answer unless the user chose
/// otherwise (the CLI's `--timeout`, the extension's timeout setting).
pub const DEFAULT_QUERY_TIMEOUT_MS: u32 = 5_000;

/// Milliseconds a driver spends on one message's live check in total, all
/// rounds together. The core has no clock: drivers enforce this by calling
/// [`crate::live::LiveCheck::stop`]; unanswered questions then end in
/// `temperror` and `dns.notes` says so.
pub const MESSAGE_DEADLINE_MS: u32 = 30_000;

/// `text` cut to at most `max` bytes on a character boundary, with a note
/// naming what was cut; the text itself when it fits.
pub(crate) fn cut<'a>(text: &'a str, max: usize, what: &str, notes: &mut Vec<String>) -> &'a str {
    if text.len() <= max {
        return text;
    }
    notes.push(format!("{what} is {} bytes; only the first {max} were read", text.len()));
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
