//! Finding and reading the header block of whatever the user gave us.
//!
//! Accepted: a whole message (.eml, CRLF or LF), a bare header block pasted
//! from a webmail's "show original" / "message source" view (with leading
//! blank lines, a page's summary text before it, or the body after it), and
//! one message of an mbox (its `From ` line is skipped). The block is then
//! read with mail-parser, which decodes RFC 2047 encoded words and charsets
//! in `Subject:` and `From:`.

use crate::limits::{INPUT_PREFIX_BYTES, MAX_HEADER_BYTES, MAX_HEADER_FIELDS, MAX_PREAMBLE_LINES};
use mail_parser::parsers::MessageStream;
use mail_parser::{GetHeader, HeaderName, HeaderValue, MessageParser};
use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

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

/// How much of an input is looked at to tell text from binary data: any NUL
/// byte, or more than one control byte in ten, there means binary.
const BINARY_SAMPLE_BYTES: usize = 4096;

/// A control character other than tab, line ends and form feed.
fn is_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n' | 0x0C)) || b == 0x7F
}

/// Rejects binary input with a specific reason.
fn check_text(input: &[u8]) -> Result<(), InputError> {
    if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| input.starts_with(magic)) {
        return Err(InputError::Binary((*what).to_string()));
    }
    let sample = &input[..input.len().min(BINARY_SAMPLE_BYTES)];
    // NUL bytes and other control bytes, counted in one pass 255 bytes at a
    // time in `u8`s, which the compiler vectorises.
    let (mut nul, mut control) = (false, 0usize);
    for chunk in sample.chunks(255) {
        let (chunk_nul, chunk_control) =
            chunk.iter().fold((0u8, 0u8), |(z, n), &b| (z | u8::from(b == 0), n + u8::from(is_control(b))));
        nul |= chunk_nul != 0;
        control += usize::from(chunk_control);
    }
    if nul {
        return Err(InputError::Binary("it contains NUL bytes".to_string()));
    }
    if control * 10 > sample.len() {
        return Err(InputError::Binary(format!("{control} control bytes in its first {} bytes", sample.len())));
    }
    Ok(())
}

/// The position of the first `byte` in `haystack`, 16 bytes at a time (a
/// test of a whole block has no early exit, so it compiles to vector code).
fn find_byte(haystack: &[u8], byte: u8) -> Option<usize> {
    let mut blocks = haystack.chunks_exact(16);
    let mut offset = 0;
    for block in blocks.by_ref() {
        if block.iter().fold(0u8, |found, &b| found | u8::from(b == byte)) != 0 {
            return block.iter().position(|&b| b == byte).map(|p| offset + p);
        }
        offset += 16;
    }
    blocks.remainder().iter().position(|&b| b == byte).map(|p| offset + p)
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
        let end = find_byte(&input[start..], b'\n').map_or(input.len(), |p| start + p);
        // The last line may have no line end: never point past the input.
        at = (end + 1).min(input.len());

        let text = input[start..end].strip_suffix(b"\r").unwrap_or(&input[start..end]);
        Some(Line { text, start, next: at })
    })
}

/// `Name:` with a field name of printable ASCII (RFC 5322 §3.6.8).
fn is_field_line(line: &[u8]) -> bool {
    // A name starts with a printable byte (a fold with SP or HTAB never does).
    if !line.first().is_some_and(|b| (33..=126).contains(b)) {
        return false;
    }
    // The name is at most 100 bytes: no need to look further for its colon.
    let head = &line[..line.len().min(101)];
    match head.iter().position(|&b| b == b':') {
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
    /// Where each kept field stands in the block (0 = the topmost field):
    /// what lies above what tells who wrote a field.
    pub positions: FieldPositions,
    /// Number of header fields in the block.
    pub field_count: usize,
    /// What could not be read as it was.
    pub notes: Vec<String>,
}

/// The places in the header block (field ordinals, 0 = topmost) of the
/// fields in [`Fields`], list for list.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldPositions {
    /// Of each `Received` field, newest first.
    pub received: Vec<usize>,
    /// Of each `Authentication-Results` and `ARC-Authentication-Results` field.
    pub authentication_results: Vec<usize>,
    /// Of each `Received-SPF` field.
    pub received_spf: Vec<usize>,
}

/// The header parser for the fields mail-parser decodes (RFC 2047 encoded
/// words, charsets, addresses, dates), built once.
fn header_parser() -> &'static MessageParser {
    static PARSER: OnceLock<MessageParser> = OnceLock::new();
    PARSER.get_or_init(|| {
        MessageParser::new()
            .header_id(HeaderName::MessageId)
            .header_text(HeaderName::Subject)
            .header_address(HeaderName::From)
            .header_date(HeaderName::Date)
            .default_header_ignore()
    })
}

/// One field of a header block: its name, and its value from after the
/// colon to the end of its last line (line end included).
struct RawField<'a> {
    name: &'a [u8],
    value: &'a [u8],
    /// The whole field, name to line end.
    whole: &'a [u8],
}

/// The fields of a header block, split the way mail-parser splits them: a
/// field runs until a line end that is not followed by SP or HTAB (RFC
/// 5322 §2.2.3); a line with no colon that does not continue a field is
/// skipped, with its continuation lines; a blank line ends the block.
fn raw_fields(block: &[u8]) -> impl Iterator<Item = RawField<'_>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < block.len() {
            let start = at;
            // The field's last line ends at the first LF not followed by a fold.
            let mut end = block.len();
            let mut from = start;
            while let Some(lf) = find_byte(&block[from..], b'\n') {
                let next = from + lf + 1;
                if matches!(block.get(next), Some(b' ' | b'\t')) {
                    from = next;
                } else {
                    end = next;
                    break;
                }
            }
            at = end;
            let whole = &block[start..end];
            if whole.trim_ascii().is_empty() {
                // A blank line ends the header block.
                break;
            }
            if let Some(colon) = whole.iter().position(|&b| b == b':')
                && !whole[..colon].contains(&b'\n')
            {
                return Some(RawField { name: whole[..colon].trim_ascii(), value: &whole[colon + 1..], whole });
            }
        }
        at = block.len();
        None
    })
}

/// The fields iprev keeps as written, by name.
#[derive(Clone, Copy)]
enum Kept {
    Received,
    AuthenticationResults,
    ArcAuthenticationResults,
    ReceivedSpf,
    /// Decoded by mail-parser (`Subject`, `From`, `Date`, `Message-ID`).
    Decoded,
}

fn kept(name: &[u8]) -> Option<Kept> {
    const NAMES: [(&[u8], Kept); 8] = [
        (b"received", Kept::Received),
        (b"authentication-results", Kept::AuthenticationResults),
        (b"arc-authentication-results", Kept::ArcAuthenticationResults),
        (b"received-spf", Kept::ReceivedSpf),
        (b"subject", Kept::Decoded),
        (b"from", Kept::Decoded),
        (b"date", Kept::Decoded),
        (b"message-id", Kept::Decoded),
    ];
    NAMES.iter().find(|(known, _)| name.eq_ignore_ascii_case(known)).map(|(_, kept)| *kept)
}

/// A field's value as UTF-8 and trimmed (invalid bytes replaced, which
/// `invalid_utf8` records).
fn field_value<'a>(raw: &'a [u8], invalid_utf8: &mut bool) -> Cow<'a, str> {
    // `from_utf8` first: its check of ASCII text runs word by word, the
    // lossy reader's byte by byte.
    if let Ok(text) = std::str::from_utf8(raw) {
        return Cow::Borrowed(text.trim());
    }
    match String::from_utf8_lossy(raw) {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
        Cow::Owned(s) => {
            *invalid_utf8 = true;
            Cow::Owned(s.trim().to_string())
        }
    }
}

/// Reads the fields iprev uses from a header block: the `Received:`,
/// `Authentication-Results:` and `Received-SPF:` values as written, and
/// `Subject`, `From`, `Date` and `Message-ID` decoded by mail-parser.
pub fn read_fields(block: &[u8]) -> Fields<'_> {
    let mut fields = Fields::default();
    let mut invalid_utf8 = false;
    // Only the fields mail-parser decodes go to it, in their order, the
    // `Date` fields last: mail-parser's date reader can run past the end of
    // a malformed date into the next field.
    let mut decoded = Vec::new();
    let mut dates = Vec::new();
    for field in raw_fields(block) {
        fields.field_count += 1;
        let kind = kept(field.name);
        if let Some(Kept::Decoded) = kind {
            // mail-parser replaces invalid bytes in these too.
            invalid_utf8 |= std::str::from_utf8(field.value).is_err();
            let into = if field.name.eq_ignore_ascii_case(b"date") { &mut dates } else { &mut decoded };
            into.extend_from_slice(field.whole);
            if !field.whole.ends_with(b"\n") {
                into.push(b'\n');
            }
            continue;
        }
        if fields.field_count > MAX_HEADER_FIELDS {
            continue;
        }
        let ordinal = fields.field_count - 1;
        match kind {
            Some(Kept::Received) => {
                fields.received.push(field_value(field.value, &mut invalid_utf8));
                fields.positions.received.push(ordinal);
            }
            Some(Kept::AuthenticationResults) => {
                fields.authentication_results.push((false, field_value(field.value, &mut invalid_utf8)));
                fields.positions.authentication_results.push(ordinal);
            }
            Some(Kept::ArcAuthenticationResults) => {
                fields.authentication_results.push((true, field_value(field.value, &mut invalid_utf8)));
                fields.positions.authentication_results.push(ordinal);
            }
            Some(Kept::ReceivedSpf) => {
                fields.received_spf.push(field_value(field.value, &mut invalid_utf8));
                fields.positions.received_spf.push(ordinal);
            }
            Some(Kept::Decoded) | None => {}
        }
    }
    if fields.field_count > MAX_HEADER_FIELDS {
        fields
            .notes
            .push(format!("{} header fields; only the first {MAX_HEADER_FIELDS} were read", fields.field_count));
    }
    if invalid_utf8 {
        fields.notes.push("some header bytes are not valid UTF-8; they were replaced with U+FFFD".to_string());
    }
    decoded.extend_from_slice(&dates);
    // mail-parser's header reader alone (`MessageStream::parse_headers`, what
    // `MessageParser::parse_headers` runs before its MIME body parser, which
    // the WebAssembly module then leaves out: 9.5 KB gzip). `header_value`
    // takes the last field of a name, as `Message::subject()` and the others do.
    let mut headers = Vec::new();
    MessageStream::new(&decoded).parse_headers(header_parser(), &mut headers);
    let value = |name: HeaderName<'static>| headers.header_value(&name);
    fields.message_id = value(HeaderName::MessageId).and_then(HeaderValue::as_text).map(str::to_string);
    fields.subject = value(HeaderName::Subject).and_then(HeaderValue::as_text).map(str::to_string);
    fields.date = value(HeaderName::Date)
        .and_then(HeaderValue::as_datetime)
        .filter(|d| d.is_valid())
        .map(mail_parser::DateTime::to_rfc3339);
    fields.from =
        value(HeaderName::From).and_then(HeaderValue::as_address).and_then(|a| a.first()).map(|addr| {
            match (addr.name(), addr.address()) {
                (Some(name), Some(address)) => format!("{name} <{address}>"),
                (None, Some(address)) => address.to_string(),
                (Some(name), None) => name.to_string(),
                (None, None) => String::new(),
            }
        });
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

    /// The fields iprev keeps as written, owned, to compare two readings.
    #[derive(Debug, Default, PartialEq)]
    struct Kept {
        received: Vec<String>,
        authentication_results: Vec<(bool, String)>,
        received_spf: Vec<String>,
        field_count: usize,
    }

    fn owned(values: &[Cow<'_, str>]) -> Vec<String> {
        values.iter().map(ToString::to_string).collect()
    }

    /// The fields as mail-parser splits a whole block (what `read_fields`
    /// used before it split the block itself).
    fn reference(block: &[u8]) -> Kept {
        // Every field raw: `header_raw` makes the map non-empty, so the default applies to the rest.
        let parser = MessageParser::new().header_raw(HeaderName::Received).default_header_raw();
        let mut out = Kept::default();
        let Some(message) = parser.parse_headers(block) else { return out };
        let value = |h: &mail_parser::Header<'_>| {
            String::from_utf8_lossy(&block[h.offset_start as usize..h.offset_end as usize]).trim().to_string()
        };
        for h in message.headers() {
            match &h.name {
                HeaderName::Received => out.received.push(value(h)),
                HeaderName::AuthenticationResults => out.authentication_results.push((false, value(h))),
                HeaderName::ArcAuthenticationResults => out.authentication_results.push((true, value(h))),
                HeaderName::ReceivedSpf => out.received_spf.push(value(h)),
                _ => {}
            }
        }
        out.field_count = message.headers().len();
        out
    }

    #[test]
    fn fields_are_split_as_mail_parser_splits_them() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data");
        let mut inputs: Vec<Vec<u8>> = ["messages", "inputs", "fuzz/message"]
            .iter()
            .flat_map(|sub| std::fs::read_dir(dir.join(sub)).expect("fixtures"))
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.extension().is_none_or(|e| e != "json"))
            .map(|path| std::fs::read(path).expect("fixture"))
            .collect();
        assert!(inputs.len() > 20);
        for extra in [
            "Received: a\r\n\tb\r\nreceived:c\nRECEIVED:  \r\n d \r\nX: y: z\r\nReceived-SPF: pass\nSubject: =?UTF-8?B?w4lwaWPDqQ==?=",
            "Authentication-Results: mx; spf=pass\r\n  (folded\r\n\t twice)\r\nARC-Authentication-Results: i=1; mx; dkim=none\r\nReceived: last",
            "Received:\nReceived: x\n",
        ] {
            inputs.push(extra.as_bytes().to_vec());
        }
        for input in &inputs {
            let Ok(block) = locate_header_block(input) else { continue };
            let fields = read_fields(block.bytes);
            let ours = Kept {
                received: owned(&fields.received),
                authentication_results: fields
                    .authentication_results
                    .iter()
                    .map(|(a, c)| (*a, c.to_string()))
                    .collect(),
                received_spf: owned(&fields.received_spf),
                field_count: fields.field_count,
            };
            assert_eq!(ours, reference(block.bytes), "{:?}", String::from_utf8_lossy(block.bytes));
        }
    }

    #[test]
    fn find_byte_finds_the_first() {
        let text: Vec<u8> = (0..100u8).map(|i| if i % 37 == 36 { b'\n' } else { b'a' + i % 26 }).collect();
        for start in 0..text.len() {
            for end in start..=text.len() {
                let hay = &text[start..end];
                assert_eq!(find_byte(hay, b'\n'), hay.iter().position(|&b| b == b'\n'));
            }
        }
    }
}
