//! Finding and reading the header block of whatever the user gave us.
//!
//! Accepted: a whole message (.eml, CRLF or LF), a bare header block pasted
//! from a webmail's "show original" / "message source" view (with leading
//! blank lines, a page's summary text before it, or the body after it), and
//! one message of an mbox (its `From ` line is skipped). The block is then
//! read with mail-parser, which decodes RFC 2047 encoded words and charsets
//! in `Subject:` and `From:`.

use crate::limits::{INPUT_PREFIX_BYTES, MAX_HEADER_BYTES, MAX_HEADER_FIELDS, MAX_PREAMBLE_LINES};
use mail_parser::{HeaderName, MessageParser};
use std::borrow::Cow;
use std::fmt;

/// Why an input cannot be read as a message at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// Nothing but white space.
    Empty,
    /// Binary data; the string says what it looks like.
    Binary(String),
    /// Text, but no header block anywhere in it.
    NoHeaders,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("empty input: no message headers"),
            Self::Binary(what) => write!(f, "not a text message: {what}"),
            Self::NoHeaders => f.write_str(
                "no header block found: expected lines such as \"Received: ...\" (paste the full message source or the Internet headers)",
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// The header block found in an input, and what was skipped or cut.
#[derive(Debug)]
pub struct HeaderBlock<'a> {
    /// The block, ending at the end of its last field.
    pub bytes: &'a [u8],
    /// What was skipped before it or cut from it.
    pub notes: Vec<String>,
}

/// Known binary formats people try instead of a message, by magic bytes.
const MAGIC: &[(&[u8], &str)] = &[
    (
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        "an Outlook .msg file (OLE compound document); save the message as .eml or copy its Internet headers",
    ),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1F\x8B", "gzip-compressed data; decompress it first"),
    (b"\x89PNG", "a PNG image"),
    (b"\xFF\xD8\xFF", "a JPEG image"),
    (b"\xFF\xFE", "UTF-16 text; save it as UTF-8"),
    (b"\xFE\xFF", "UTF-16 text; save it as UTF-8"),
];

/// Rejects binary input with a specific reason.
fn check_text(input: &[u8]) -> Result<(), InputError> {
    if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| input.starts_with(magic)) {
        return Err(InputError::Binary((*what).to_string()));
    }
    let sample = &input[..input.len().min(8192)];
    if sample.contains(&0) {
        return Err(InputError::Binary("it contains NUL bytes".to_string()));
    }
    let control =
        sample.iter().filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n' | 0x0C)) || b == 0x7F).count();
    if control * 10 > sample.len() {
        return Err(InputError::Binary(format!("{control} control bytes in its first {} bytes", sample.len())));
    }
    Ok(())
}

/// One line of the input: its bytes without the line end, and where the
/// next line starts.
struct Line<'a> {
    text: &'a [u8],
    start: usize,
    next: usize,
}

fn lines(input: &[u8], from: usize) -> impl Iterator<Item = Line<'_>> {
    let mut at = from;
    std::iter::from_fn(move || {
        if at >= input.len() {
            return None;
        }
        let start = at;
        let end = input[start..].iter().position(|&b| b == b'\n').map_or(input.len(), |p| start + p);
        // The last line may have no line end: never point past the input.
        at = (end + 1).min(input.len());

        let text = input[start..end].strip_suffix(b"\r").unwrap_or(&input[start..end]);
        Some(Line { text, start, next: at })
    })
}

/// `Name:` with a field name of printable ASCII (RFC 5322 §3.6.8).
fn is_field_line(line: &[u8]) -> bool {
    match line.iter().position(|&b| b == b':') {
        Some(colon) if colon > 0 && colon <= 100 => line[..colon].iter().all(|&b| (33..=126).contains(&b)),
        _ => false,
    }
}

fn is_continuation(line: &[u8]) -> bool {
    matches!(line.first(), Some(b' ' | b'\t')) && line.iter().any(|b| !b.is_ascii_whitespace())
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

fn is_received(line: &[u8]) -> bool {
    line.len() >= 9 && line[..9].eq_ignore_ascii_case(b"received:")
}

/// The extent of the block starting at `start`: (end offset, field count,
/// has a `Received:` field, the line that ended it is not blank, cut at the
/// size limit).
struct Extent {
    end: usize,
    fields: usize,
    received: bool,
    ended_by_text: bool,
    cut: bool,
}

fn extent(input: &[u8], start: usize) -> Extent {
    let mut ext = Extent { end: start, fields: 0, received: false, ended_by_text: false, cut: false };
    let mut last_field_start = start;
    for line in lines(input, start) {
        let field = is_field_line(line.text);
        if !(field || (ext.fields > 0 && is_continuation(line.text))) {
            ext.ended_by_text = !is_blank(line.text);
            return ext;
        }
        if field {
            last_field_start = line.start;
            ext.fields += 1;
            ext.received |= is_received(line.text);
        }
        if line.next - start > MAX_HEADER_BYTES {
            ext.cut = true;
            if last_field_start > start {
                // Cut before the field that crosses the limit.
                ext.end = last_field_start;
                ext.fields -= 1;
            } else {
                // One field larger than the whole limit: keep its beginning.
                ext.end = start + MAX_HEADER_BYTES;
            }
            return ext;
        }

        ext.end = line.next;
    }
    ext
}

/// Finds the header block in an input (see the module docs for the forms).
pub fn locate_header_block(input: &[u8]) -> Result<HeaderBlock<'_>, InputError> {
    let input = &input[..input.len().min(INPUT_PREFIX_BYTES)];
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    check_text(input)?;
    let mut notes = Vec::new();
    let mut first = lines(input, 0).find(|l| !is_blank(l.text)).ok_or(InputError::Empty)?;
    if first.text.starts_with(b"From ") && !is_field_line(first.text) {
        // An mbox `From ` separator line.
        first = lines(input, first.next).next().ok_or(InputError::NoHeaders)?;
    }
    let start = if is_field_line(first.text) {
        first.start
    } else {
        let (start, skipped) = find_block_after_preamble(input, first.start).ok_or(InputError::NoHeaders)?;
        notes.push(format!("skipped {skipped} lines of text before the header block"));
        start
    };
    let ext = extent(input, start);
    if ext.fields == 0 {
        return Err(InputError::NoHeaders);
    }
    if ext.cut {
        notes.push(format!(
            "header block is larger than {} KiB; only its first {} fields were read",
            MAX_HEADER_BYTES / 1024,
            ext.fields
        ));
    } else if ext.ended_by_text {
        notes.push("header block ends at a line that is neither a header field nor blank".to_string());
    }
    Ok(HeaderBlock { bytes: &input[start..ext.end], notes })
}

/// Looks past leading text for the block holding the `Received:` fields;
/// failing that, the first block of three or more fields. Returns its start
/// and the number of lines skipped.
fn find_block_after_preamble(input: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut fallback = None;
    let mut previous_was_field = false;
    for (n, line) in lines(input, from).enumerate().take(MAX_PREAMBLE_LINES) {
        let field = is_field_line(line.text);
        if field && !previous_was_field {
            let ext = extent(input, line.start);
            if ext.received {
                return Some((line.start, n));
            }
            if fallback.is_none() && ext.fields >= 3 {
                fallback = Some((line.start, n));
            }
        }
        previous_was_field = field || (previous_was_field && is_continuation(line.text));
    }
    fallback
}

/// The fields of a header block that iprev uses.
#[derive(Debug, Default)]
pub struct Fields<'a> {
    /// `Message-ID`, without angle brackets.
    pub message_id: Option<String>,
    /// `Subject`, decoded.
    pub subject: Option<String>,
    /// `From`, as `Name <address>` or the address.
    pub from: Option<String>,
    /// `Date`, RFC 3339.
    pub date: Option<String>,
    /// `Received` values, newest (topmost) first, folds kept.
    pub received: Vec<Cow<'a, str>>,
    /// `Authentication-Results` and `ARC-Authentication-Results` values, in order.
    pub authentication_results: Vec<(bool, Cow<'a, str>)>,
    /// `Received-SPF` values, in order.
    pub received_spf: Vec<Cow<'a, str>>,
    /// Number of header fields in the block.
    pub field_count: usize,
    /// What could not be read as it was.
    pub notes: Vec<String>,
}

/// Reads the fields iprev uses from a header block.
pub fn read_fields(block: &[u8]) -> Fields<'_> {
    let parser = MessageParser::new()
        .header_raw(HeaderName::Received)
        .header_id(HeaderName::MessageId)
        .header_text(HeaderName::Subject)
        .header_address(HeaderName::From)
        .header_date(HeaderName::Date)
        .default_header_raw();
    let mut fields = Fields::default();
    let Some(message) = parser.parse_headers(block) else {
        return fields;
    };
    fields.message_id = message.message_id().map(str::to_string);
    fields.subject = message.subject().map(str::to_string);
    fields.date = message.date().filter(|d| d.is_valid()).map(mail_parser::DateTime::to_rfc3339);
    fields.from = message.from().and_then(|a| a.first()).map(|addr| match (addr.name(), addr.address()) {
        (Some(name), Some(address)) => format!("{name} <{address}>"),
        (None, Some(address)) => address.to_string(),
        (Some(name), None) => name.to_string(),
        (None, None) => String::new(),
    });
    let headers = message.headers();
    fields.field_count = headers.len();
    if headers.len() > MAX_HEADER_FIELDS {
        fields.notes.push(format!("{} header fields; only the first {MAX_HEADER_FIELDS} were read", headers.len()));
    }
    let mut invalid_utf8 = false;
    for header in headers.iter().take(MAX_HEADER_FIELDS) {
        let raw = block.get(header.offset_start as usize..header.offset_end as usize).unwrap_or_default();
        let value = String::from_utf8_lossy(raw);
        invalid_utf8 |= matches!(value, Cow::Owned(_));
        let value = match value {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
            Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
        };
        match &header.name {
            HeaderName::Received => fields.received.push(value),
            HeaderName::AuthenticationResults => fields.authentication_results.push((false, value)),
            HeaderName::ArcAuthenticationResults => {
                fields.authentication_results.push((true, value));
            }
            HeaderName::ReceivedSpf => fields.received_spf.push(value),
            _ => {}
        }
    }
    if invalid_utf8 {
        fields.notes.push("some header bytes are not valid UTF-8; they were replaced with U+FFFD".to_string());
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(input: &str) -> Result<String, InputError> {
        locate_header_block(input.as_bytes()).map(|b| String::from_utf8_lossy(b.bytes).into_owned())
    }

    #[test]
    fn whole_message_stops_at_body() {
        let got = block("Received: from a by b; Wed, 4 Jan 2023 10:11:12 +0000\r\nSubject: hi\r\n\r\nbody: text\r\n")
            .expect("block");
        assert_eq!(got, "Received: from a by b; Wed, 4 Jan 2023 10:11:12 +0000\r\nSubject: hi\r\n");
    }

    #[test]
    fn leading_blank_lines_and_mbox_line() {
        let got = block("\n  \nFrom a@b Wed Jan  4 10:11:12 2023\nReceived: x\n\tfolded\nTo: y\n").expect("block");
        assert_eq!(got, "Received: x\n\tfolded\nTo: y\n");
    }

    #[test]
    fn page_text_before_headers_is_skipped() {
        let input = "Original Message\nMessage ID\t<a@b>\nFrom:\tA <a@b>\nTo:\tc@d\nSubject:\thi\n\nDownload Original\nDelivered-To: c@d\nReceived: by 2002:a05::1 with SMTP id x;\n        Wed, 4 Jan 2023 10:11:12 -0800\n";
        let found = locate_header_block(input.as_bytes()).expect("block");
        assert!(found.bytes.starts_with(b"Delivered-To:"));
        assert_eq!(found.notes, vec!["skipped 7 lines of text before the header block".to_string()]);
    }

    #[test]
    fn errors_are_specific() {
        assert_eq!(block("  \r\n\n").unwrap_err(), InputError::Empty);
        assert_eq!(block("just some text\nwith no headers\n").unwrap_err(), InputError::NoHeaders);
        assert!(matches!(block("a\u{0}b").unwrap_err(), InputError::Binary(_)));
        let msg = locate_header_block(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest").unwrap_err();
        assert!(msg.to_string().contains("Outlook .msg"));
    }

    #[test]
    fn oversized_block_is_cut_at_a_field() {
        let field = "Received: from a by b; Wed, 4 Jan 2023 10:11:12 +0000\n";
        let input = field.repeat(MAX_HEADER_BYTES / field.len() + 10);
        let found = locate_header_block(input.as_bytes()).expect("block");
        assert!(found.bytes.len() <= MAX_HEADER_BYTES);
        assert!(found.bytes.ends_with(b"+0000\n"));
        assert!(found.notes[0].contains("only its first"));
    }

    #[test]
    fn fields_are_read_and_decoded() {
        let block = b"Received: from a (a [192.0.2.1]) by b; Wed, 4 Jan 2023 10:11:12 +0000\r\nReceived: by c;\r\n Wed, 4 Jan 2023 10:11:13 +0000\r\nSubject: =?UTF-8?B?w4lwaWPDqQ==?=\r\nMessage-ID: <id@example.com>\r\nAuthentication-Results: mx.example.org; spf=pass\r\n";
        let fields = read_fields(block);
        assert_eq!(fields.received.len(), 2);
        assert_eq!(fields.received[1], "by c;\r\n Wed, 4 Jan 2023 10:11:13 +0000");
        assert_eq!(fields.subject.as_deref(), Some("Épicé"));
        assert_eq!(fields.message_id.as_deref(), Some("id@example.com"));
        assert_eq!(fields.authentication_results.len(), 1);
    }
}
