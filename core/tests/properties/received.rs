//! Folding `Received:` values (RFC 5322 §2.2.3).
//!
//! The core has no unfolding step for the whole value: its lexer reads CR
//! and LF between tokens as spaces, unfolds the words it keeps (a quoted
//! string may hold a fold) and reads every white space run in a comment as
//! one space (see `received/lexer.rs`). So the properties are that folding a
//! value, alone or inside a header block, anywhere, changes nothing the
//! parser reads, and that the test's own unfolding (the inverse of its
//! folding) is idempotent and keeps the reading of the corpus values in
//! `tests/data/received/`.

use super::common;
use iprev_core::message::read_fields;
use iprev_core::received::parse;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

/// RFC 5322 unfolding: a line break (CRLF, or LF as in LF files) right
/// before a space or tab is removed.
fn unfold(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let eol = match bytes[i..] {
            [b'\r', b'\n', b' ' | b'\t', ..] => 2,
            [b'\n', b' ' | b'\t', ..] => 1,
            _ => 0,
        };
        if eol == 0 {
            out.push(bytes[i]);
            i += 1;
        } else {
            i += eol;
        }
    }
    String::from_utf8(out).expect("only ASCII line breaks were removed")
}

/// Where `fold` may break a line: before the first space or tab of each
/// whitespace run, so every folded line keeps some text and unfolding gives
/// the value back; inside `(...)` comments and `"..."` quoted strings only if
/// `anywhere`.
fn fold_points(text: &str, anywhere: bool) -> Vec<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    let mut points = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        let run_start = i > 0 && matches!(b, b' ' | b'\t') && !matches!(bytes[i - 1], b' ' | b'\t' | b'\r' | b'\n');
        if run_start && (anywhere || (depth == 0 && !quoted)) {
            points.push(i);
        }
        match b {
            _ if escaped => escaped = false,
            b'\\' if depth > 0 || quoted => escaped = true,
            b'"' if depth == 0 => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    points
}

/// How to fold: where (indexes into the `fold_points`), with CRLF or LF,
/// and the whitespace a break brings along (none: RFC 5322's own fold,
/// which breaks the line before whitespace already there).
#[derive(Debug, Clone)]
struct Folding {
    picks: Vec<Index>,
    eol: &'static str,
    extra: &'static str,
}

fn folding() -> impl Strategy<Value = Folding> {
    (vec(any::<Index>(), 0..12), select(vec!["\r\n", "\n"]), select(vec!["", "", " ", "\t"]))
        .prop_map(|(picks, eol, extra)| Folding { picks, eol, extra })
}

impl Folding {
    /// The folded text, and what unfolding it gives.
    fn apply(&self, text: &str, anywhere: bool) -> (String, String) {
        let points = fold_points(text, anywhere);
        let mut at: Vec<usize> = if points.is_empty() {
            Vec::new()
        } else {
            self.picks.iter().map(|p| points[p.index(points.len())]).collect()
        };
        at.sort_unstable();
        at.dedup();
        let insert = |what: &str| {
            let mut out = String::with_capacity(text.len() + what.len() * at.len());
            let mut from = 0;
            for &i in &at {
                out.push_str(&text[from..i]);
                out.push_str(what);
                from = i;
            }
            out.push_str(&text[from..]);
            out
        };
        (insert(&format!("{}{}", self.eol, self.extra)), insert(self.extra))
    }
}

/// Asserts that `folded` reads as `value` does. The writer guess is left out
/// only where a fold puts the `;` before the date at the start of a line:
/// that layout is how the parser recognises hMailServer.
fn same_reading(folded: &str, value: &str) -> Result<(), TestCaseError> {
    let (mut got, mut want) = (parse(folded), parse(value));
    if folded.lines().any(|line| line.trim_start().starts_with(';')) {
        (got.mta, want.mta) = (None, None);
    }
    prop_assert_eq!(got, want, "{:?}", folded);
    Ok(())
}

fn corpus() -> &'static [String] {
    static VALUES: OnceLock<Vec<String>> = OnceLock::new();
    VALUES.get_or_init(|| {
        let mut values = Vec::new();
        for file in common::data_files("received", "json") {
            let text = std::fs::read_to_string(&file).expect("readable corpus file");
            let cases: Vec<serde_json::Value> = serde_json::from_str(&text).expect("corpus JSON");
            values.extend(cases.iter().filter_map(|c| c["raw"].as_str()).map(str::to_string));
        }
        assert!(!values.is_empty(), "the received corpus is empty");
        values
    })
}

/// A host name of two to four labels.
fn host() -> impl Strategy<Value = String> {
    vec("[a-z]([a-z0-9-]{0,8}[a-z0-9])?", 2..5).prop_map(|labels| labels.join("."))
}

fn client_ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![any::<Ipv4Addr>().prop_map(IpAddr::V4), any::<Ipv6Addr>().prop_map(IpAddr::V6)]
}

/// A date as RFC 5322 writes it, with its RFC 3339 reading.
fn date() -> impl Strategy<Value = (String, String)> {
    let offset = (any::<bool>(), 0u32..=14, select(vec![0u32, 30, 45]))
        .prop_map(|(east, h, m)| if h == 0 && m == 0 { (true, 0, 0) } else { (east, h, m) });
    (1990i64..2100, 1u32..=12, 1u32..=28, 0u32..24, 0u32..60, 0u32..60, offset).prop_map(
        |(year, month, day, hour, minute, second, (east, oh, om))| {
            const MONTHS: [&str; 12] =
                ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
            const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
            // Sakamoto's day of the week.
            const SHIFT: [i64; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
            let y = if month < 3 { year - 1 } else { year };
            let weekday = (y + y / 4 - y / 100 + y / 400 + SHIFT[month as usize - 1] + i64::from(day)) % 7;
            let sign = if east { '+' } else { '-' };
            let text = format!(
                "{}, {day} {} {year} {hour:02}:{minute:02}:{second:02} {sign}{oh:02}{om:02}",
                DAYS[weekday as usize],
                MONTHS[month as usize - 1]
            );
            let rfc3339 =
                format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{sign}{oh:02}:{om:02}");
            (text, rfc3339)
        },
    )
}

/// A one-line value as Postfix, Sendmail or Exim write it, with the parts
/// the parser must read from it.
#[derive(Debug, Clone)]
struct Generated {
    value: String,
    helo: String,
    rdns: String,
    ip: IpAddr,
    by: String,
    with: String,
    id: String,
    rcpt: String,
    date: String,
}

fn generated() -> impl Strategy<Value = Generated> {
    let with = select(vec!["SMTP", "ESMTP", "ESMTPS", "ESMTPSA", "LMTP"]);
    (0u8..3, host(), host(), client_ip(), host(), with, "[A-Za-z0-9]{6,16}", "[a-z][a-z0-9.]{0,8}", host(), date())
        .prop_map(|(style, helo, rdns, ip, by, with, id, user, domain, (date_text, date))| {
            let by = format!("mx.{by}");
            let rcpt = format!("{user}@{domain}");
            let tagged = if ip.is_ipv6() { format!("IPv6:{ip}") } else { ip.to_string() };
            let value = match style {
                0 => format!("from {helo} ({rdns} [{tagged}]) by {by} (Postfix) with {with} id {id} for <{rcpt}>; {date_text}"),
                1 => format!(
                    "from {helo} ({rdns} [{tagged}]) by {by} (8.17.1/8.17.1) with {with} id {id} for <{rcpt}>; {date_text}"
                ),
                _ => format!(
                    "from {rdns} ([{ip}] helo={helo}) by {by} with {with} (Exim 4.96) (envelope-from <{rcpt}>) id {id} for {rcpt}; {date_text}"
                ),
            };
            let ip = match ip {
                IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
                IpAddr::V4(_) => ip,
            };
            Generated { value, helo, rdns, ip, by, with: with.to_string(), id, rcpt, date }
        })
}

#[test]
fn unfolding_corpus_values_is_idempotent_and_keeps_their_reading() {
    for raw in corpus() {
        let unfolded = unfold(raw);
        assert_eq!(unfold(&unfolded), unfolded, "{raw:?}");
        assert!(!unfolded.contains('\n'), "a line break not followed by whitespace: {raw:?}");
        let (mut folded, mut flat) = (parse(raw), parse(&unfolded));
        // hMailServer is recognised by its fold before the `;`.
        if raw.lines().any(|line| line.trim_start().starts_with(';')) {
            (folded.mta, flat.mta) = (None, None);
        }
        assert_eq!(folded, flat, "{raw:?}");
    }
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn generated_values_read_their_parts(g in generated()) {
        let r = parse(&g.value);
        prop_assert_eq!(
            (r.from_helo.as_deref(), r.from_rdns.as_deref(), r.from_ip, r.by.as_deref(), r.with.as_deref()),
            (Some(g.helo.as_str()), Some(g.rdns.as_str()), Some(g.ip), Some(g.by.as_str()), Some(g.with.as_str())),
            "{}", g.value
        );
        prop_assert_eq!(
            (r.id.as_deref(), r.for_.as_deref(), r.date.map(|d| d.to_rfc3339())),
            (Some(g.id.as_str()), Some(g.rcpt.as_str()), Some(g.date.clone())),
            "{}", g.value
        );
    }

    #[test]
    fn folding_generated_values_changes_nothing(g in generated(), folding in folding()) {
        let (folded, unfolded) = folding.apply(&g.value, false);
        prop_assert_eq!(unfold(&folded), unfolded);
        same_reading(&folded, &g.value)?;
    }

    #[test]
    fn folding_corpus_values_changes_nothing(raw in (0..corpus().len()).prop_map(|i| &corpus()[i]), folding in folding()) {
        let value = unfold(raw);
        let (folded, unfolded) = folding.apply(&value, false);
        prop_assert_eq!(unfold(&folded), unfolded);
        same_reading(&folded, &value)?;
    }

    #[test]
    fn folded_fields_in_a_header_block_read_the_same(
        value in prop_oneof![generated().prop_map(|g| g.value), (0..corpus().len()).prop_map(|i| unfold(&corpus()[i]))],
        folding in folding(),
    ) {
        let (folded, _) = folding.apply(&value, false);
        let eol = folding.eol;
        let block = format!("Received: {folded}{eol}Received: {value}{eol}Subject: properties{eol}");
        let fields = read_fields(block.as_bytes());
        prop_assert_eq!(fields.received.len(), 2);
        prop_assert_eq!(&fields.received[0], folded.trim(), "the folds are kept");
        prop_assert_eq!(&fields.received[1], value.trim());
        same_reading(&fields.received[0], &fields.received[1])?;
    }
}

/// The smallest case of `folding_inside_comments_and_quotes_changes_nothing`
/// that changed a hop field: Exim writes `from <rDNS> ([ip])` when the HELO
/// name matched, and only its `(Exim 4.96)` comment says so.
#[test]
fn folded_exim_comment_keeps_the_rdns_name() {
    let value = "from mail.example.com ([192.0.2.1]) by mx.example.org with esmtp (Exim 4.96) id 1abc-000123-AB; \
                 Wed, 04 Jan 2023 10:11:12 +0100";
    let flat = parse(value);
    assert_eq!(flat.from_rdns.as_deref(), Some("mail.example.com"));
    for written in ["(Exim\r\n 4.96)", "(Exim\n\t4.96)", "(Exim\t4.96)", "(Exim \r\n  4.96)"] {
        let folded = value.replace("(Exim 4.96)", written);
        assert_eq!(parse(&folded), flat, "{folded:?}");
    }
}

/// The other case that changed: a fold inside a quoted local part stayed in
/// the `for` address.
#[test]
fn folded_quoted_string_is_unfolded() {
    let value = "from mail.example.com (mail.example.com [192.0.2.51]) by mx.example.org (Postfix) with ESMTP \
                 id 4NmK0L1M2Pz9rxa for <\"john doe\"@example.org>; Wed,  4 Jan 2023 10:11:12 +0100 (CET)";
    assert_eq!(parse(value).for_.as_deref(), Some("\"john doe\"@example.org"));
    for (written, read) in [("\"john\r\n doe\"", "\"john doe\""), ("\"john\n\tdoe\"", "\"john\tdoe\"")] {
        let folded = value.replace("\"john doe\"", written);
        assert_eq!(parse(&folded).for_, Some(format!("{read}@example.org")), "{folded:?}");
    }
}

proptest! {
    #![proptest_config(super::config())]

    /// The same, with folds inside comments and quoted strings too. The
    /// reading to keep is that of the unfolded text: unfolding removes the
    /// line break only (RFC 5322 §3.2.2), so the white space a fold brings
    /// along stays in a quoted string. Comments read every white space run
    /// as one space, so where there is no quoted string, that is the reading
    /// of the value before folding.
    #[test]
    fn folding_inside_comments_and_quotes_changes_nothing(
        value in prop_oneof![generated().prop_map(|g| g.value), (0..corpus().len()).prop_map(|i| unfold(&corpus()[i]))],
        folding in folding(),
    ) {
        let (folded, unfolded) = folding.apply(&value, true);
        prop_assert_eq!(unfold(&folded), unfolded.clone());
        same_reading(&folded, &unfolded)?;
        if !value.contains('"') {
            same_reading(&folded, &value)?;
        }
    }
}
