//! Dates as MTAs write them at the end of `Received:` fields.
//!
//! Accepted: RFC 5322 §3.3 `date-time` with its obsolete forms (§4.3: two-
//! and three-digit years, named US zones, military zones read as `-0000`),
//! a missing weekday or zone, folds and comments anywhere, fractional
//! seconds, `asctime`-style dates (`Wed Jan  4 10:11:12 2023`, with the zone
//! before or after the year: `Wed Aug 28 10:45:49 2002 +0100`), a month
//! before the day (`Jul, 24 2002 7:45:40 AM -0600`), 12-hour clocks with
//! `AM`/`PM`, and the ISO form SendGrid writes
//! (`2023-01-04 16:05:37.291738331 +0000 UTC`). A numeric offset after an
//! unknown zone name is the date's offset (RFC 5322 §3.3: the zone is the
//! offset; names are obsolete, §4.3).
//! Pure arithmetic: no clock, no time-zone database.

use crate::ascii::starts_with_ignore_case;

/// A point in time with the UTC offset it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailDate {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub timestamp: i64,
    /// The offset from UTC the date was written in, in minutes.
    pub offset_minutes: i32,
    /// False when the date named no zone (or an unknown one) and UTC was assumed.
    pub zone_stated: bool,
}

impl MailDate {
    /// RFC 3339 text in the offset the date was written in, e.g.
    /// `2023-01-04T10:11:12+01:00`.
    pub fn to_rfc3339(&self) -> String {
        let parts = self.rfc3339_parts();
        parts.digits().unwrap_or_else(|| parts.formatted())
    }

    /// The calendar parts of the date in its own offset.
    fn rfc3339_parts(self) -> Rfc3339Parts {
        let local = self.timestamp + i64::from(self.offset_minutes) * 60;
        let (year, month, day) = civil_from_days(local.div_euclid(86_400));
        Rfc3339Parts {
            year,
            month,
            day,
            secs: local.rem_euclid(86_400),
            sign: if self.offset_minutes < 0 { '-' } else { '+' },
            offset: self.offset_minutes.unsigned_abs(),
        }
    }
}

/// What RFC 3339 text is written from: the local date, the seconds into
/// the local day, and the offset's sign and minutes.
struct Rfc3339Parts {
    year: i64,
    month: i64,
    day: i64,
    secs: i64,
    sign: char,
    offset: u32,
}

impl Rfc3339Parts {
    /// The text without the formatting machinery (a report holds one date
    /// per hop), when every part fits its width: a year of 0 to 9999 and an
    /// offset under 100 hours.
    fn digits(&self) -> Option<String> {
        if !(0..=9999).contains(&self.year) || self.offset / 60 >= 100 {
            return None;
        }
        let mut out = String::with_capacity(25);
        let mut push = |separator: Option<char>, value: i64, width: u32| {
            out.extend(separator);
            for place in (0..width).rev() {
                let digit = value / 10i64.pow(place) % 10;
                out.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
            }
        };
        push(None, self.year, 4);
        push(Some('-'), self.month, 2);
        push(Some('-'), self.day, 2);
        push(Some('T'), self.secs / 3600, 2);
        push(Some(':'), self.secs % 3600 / 60, 2);
        push(Some(':'), self.secs % 60, 2);
        push(Some(self.sign), i64::from(self.offset / 60), 2);
        push(Some(':'), i64::from(self.offset % 60), 2);
        Some(out)
    }

    /// The text through `format!`, for any year and offset.
    fn formatted(&self) -> String {
        let Self { year, month, day, secs, sign, offset } = self;
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            secs / 3600,
            secs % 3600 / 60,
            secs % 60,
            offset / 60,
            offset % 60
        )
    }
}

/// Parses a date at the start of `text` (after optional spaces and
/// comments). Returns the date and the number of bytes of `text` it used.
pub fn parse_date(text: &str) -> Option<(MailDate, usize)> {
    let tokens = tokenize(text);
    type Form = fn(&[Tok<'_>]) -> Option<(Fields, usize)>;
    let forms: [Form; 3] = [rfc5322, asctime, iso];
    forms.iter().find_map(|form| {
        let (fields, used) = form(&tokens)?;
        let date = fields.resolve()?;
        let end = tokens.get(used.checked_sub(1)?)?.end;
        Some((date, end))
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Number,
    Alpha,
    /// `+hhmm`, `-hh:mm`, `+hh`.
    Offset,
    /// `hh:mm[:ss[.frac]]`.
    Time,
    /// `yyyy-mm-dd`, possibly with `Thh:mm:ss` glued on.
    IsoDate,
    /// `dd-Mon-yyyy`.
    DashDate,
}

#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    kind: Kind,
    text: &'a str,
    end: usize,
}

/// At most this many tokens are read: a date never needs more.
const MAX_DATE_TOKENS: usize = 12;

fn tokenize(text: &str) -> Vec<Tok<'_>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() && tokens.len() < MAX_DATE_TOKENS {
        let b = bytes[i];
        if b.is_ascii_whitespace() || b == b',' {
            i += 1;
        } else if b == b'(' {
            i = crate::received::lexer::comment_end(bytes, i).1;
        } else {
            let start = i;
            while i < bytes.len() && !matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n' | b',' | b'(' | b';') {
                i += 1;
            }
            if start == i {
                // A `;` (or another stop byte) cannot start a date token.
                break;
            }
            let word = &text[start..i];
            let Some(kind) = classify(word) else { break };
            tokens.push(Tok { kind, text: word, end: i });
        }
    }
    tokens
}

fn classify(word: &str) -> Option<Kind> {
    let b = word.as_bytes();
    if b.iter().all(u8::is_ascii_digit) {
        return Some(Kind::Number);
    }
    if b.iter().all(u8::is_ascii_alphabetic)
        || (b.last() == Some(&b'.') && b[..b.len() - 1].iter().all(u8::is_ascii_alphabetic))
    {
        return Some(Kind::Alpha);
    }
    if matches!(b[0], b'+' | b'-') && b.len() >= 3 && b[1..].iter().all(|c| c.is_ascii_digit() || *c == b':') {
        return Some(Kind::Offset);
    }
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit) {
        return Some(Kind::IsoDate);
    }
    if b[0].is_ascii_digit() && b.contains(&b':') && b.iter().all(|c| c.is_ascii_digit() || *c == b':' || *c == b'.') {
        return Some(Kind::Time);
    }
    if b[0].is_ascii_digit() && b.contains(&b'-') && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-') {
        return Some(Kind::DashDate);
    }
    // Something else (an id, a keyword): the date, if any, ended before it.
    None
}

#[derive(Debug, Default)]
struct Fields {
    year: i64,
    year_digits: usize,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// `AM` or `PM` after the time: `Some(true)` for PM.
    pm: Option<bool>,
    offset: Option<i32>,
}

impl Fields {
    fn resolve(&self) -> Option<MailDate> {
        // RFC 5322 §4.3: two-digit years 00-49 are 20xx, 50-99 are 19xx;
        // three-digit years are added to 1900.
        let year = match self.year_digits {
            2 if self.year < 50 => 2000 + self.year,
            2 | 3 => 1900 + self.year,
            4 => self.year,
            _ => return None,
        };
        // A 12-hour clock: 12 AM is midnight, 1 PM to 11 PM are 13 to 23. An
        // hour past 12 with a marker is read as written.
        let hour = match self.pm {
            Some(true) if self.hour < 12 => self.hour + 12,
            Some(false) if self.hour == 12 => 0,
            _ => self.hour,
        };
        let valid = (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(year, self.month)
            && hour < 24
            && self.minute < 60
            && self.second <= 60
            && (1900..=9999).contains(&year);
        if !valid {
            return None;
        }
        let offset = self.offset.unwrap_or(0);
        let seconds = i64::from(hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second.min(59));
        let local = days_from_civil(year, self.month, self.day) * 86_400 + seconds;
        Some(MailDate {
            timestamp: local - i64::from(offset) * 60,
            offset_minutes: offset,
            zone_stated: self.offset.is_some(),
        })
    }

    fn set_year(&mut self, text: &str) -> Option<()> {
        self.year_digits = text.len();
        self.year = text.parse().ok()?;
        Some(())
    }

    fn set_time(&mut self, text: &str) -> Option<()> {
        let text = text.split('.').next()?;
        let mut parts = text.split(':');
        self.hour = parse_num(parts.next()?, 2)?;
        self.minute = parse_num(parts.next()?, 2)?;
        self.second = match parts.next() {
            Some(s) => parse_num(s, 2)?,
            None => 0,
        };
        parts.next().is_none().then_some(())
    }
}

fn parse_num(text: &str, max_digits: usize) -> Option<u32> {
    if text.is_empty() || text.len() > max_digits || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn month(text: &str) -> Option<u32> {
    let text = text.trim_end_matches('.');
    const NAMES: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    if text.len() < 3 {
        return None;
    }
    let found = NAMES.iter().position(|m| starts_with_ignore_case(text, m))?;
    // Accept "Jan", "January", "Sept"; reject "Mayday".
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    starts_with_ignore_case(FULL[found], text).then_some(found as u32 + 1)
}

fn is_weekday(text: &str) -> bool {
    let text = text.trim_end_matches('.');
    const DAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    text.len() >= 3 && DAYS.iter().any(|d| starts_with_ignore_case(d, text))
}

/// A zone as read: its offset, or a zone whose offset is not known.
#[derive(Debug, Clone, Copy)]
enum Zone {
    Offset(i32),
    /// Military zones (RFC 5322 §4.3 reads them as `-0000`) and unknown names.
    Unknown,
}

/// A zone token: numeric offset or name. `None` when the token is not a zone.
fn zone(tok: &Tok<'_>) -> Option<Zone> {
    match tok.kind {
        Kind::Offset => numeric_offset(tok.text).map(Zone::Offset),
        Kind::Alpha => named_zone(tok.text),
        _ => None,
    }
}

fn numeric_offset(text: &str) -> Option<i32> {
    let sign = if text.starts_with('-') { -1 } else { 1 };
    let digits: String = text[1..].chars().filter(char::is_ascii_digit).collect();
    let (hours, minutes) = match digits.len() {
        4 => (parse_num(&digits[..2], 2)?, parse_num(&digits[2..], 2)?),
        2 => (parse_num(&digits, 2)?, 0),
        _ => return None,
    };
    (hours <= 23 && minutes <= 59).then(|| sign * (hours as i32 * 60 + minutes as i32))
}

/// Named zones; `None` when the word is not a zone at all.
fn named_zone(text: &str) -> Option<Zone> {
    let upper = text.to_ascii_uppercase();
    let hours = match upper.as_str() {
        "UT" | "UTC" | "GMT" | "Z" | "WET" => 0,
        "EST" => -5,
        "EDT" | "AST" => -4,
        "CST" => -6,
        "CDT" => -5,
        "MST" => -7,
        "MDT" => -6,
        "PST" => -8,
        "PDT" => -7,
        "HST" => -10,
        "AKST" => -9,
        "AKDT" => -8,
        "CET" | "BST" | "WEST" | "MET" => 1,
        "CEST" | "EET" | "MEST" | "SAST" => 2,
        "EEST" | "MSK" => 3,
        "IST" => return Some(Zone::Offset(330)),
        "SGT" | "HKT" | "AWST" => 8,
        "JST" | "KST" => 9,
        "AEST" => 10,
        "AEDT" => 11,
        "NZST" => 12,
        "NZDT" => 13,
        // RFC 5322 §4.3: military zones are to be read as -0000.
        _ if upper.len() == 1 && upper != "J" => return Some(Zone::Unknown),
        "ID" | "BY" | "FOR" | "VIA" | "WITH" | "FROM" => return None,
        _ if (2..=5).contains(&upper.len())
            && upper.bytes().all(|b| b.is_ascii_uppercase())
            && text.bytes().all(|b| b.is_ascii_uppercase()) =>
        {
            return Some(Zone::Unknown);
        }
        _ => return None,
    };
    Some(Zone::Offset(hours * 60))
}

/// Reads an optional zone at `tokens[i]`; returns the next index. A name
/// whose offset is not known may be followed by the offset itself
/// (`XYZ +0100`): that offset is taken.
fn read_zone(tokens: &[Tok<'_>], i: usize, fields: &mut Fields) -> usize {
    match tokens.get(i).and_then(zone) {
        Some(Zone::Offset(minutes)) => {
            fields.offset = Some(minutes);
            i + 1
        }
        Some(Zone::Unknown) => {
            let after =
                tokens.get(i + 1).filter(|t| matches!(t.kind, Kind::Offset)).and_then(|t| numeric_offset(t.text));
            fields.offset = after;
            if after.is_some() { i + 2 } else { i + 1 }
        }
        None => i,
    }
}

/// Reads an optional `AM` / `PM` (any case) after the time at `tokens[i]`;
/// returns the next index.
fn read_meridiem(tokens: &[Tok<'_>], i: usize, fields: &mut Fields) -> usize {
    let Some(tok) = tokens.get(i).filter(|t| matches!(t.kind, Kind::Alpha)) else {
        return i;
    };
    if tok.text.eq_ignore_ascii_case("am") {
        fields.pm = Some(false);
    } else if tok.text.eq_ignore_ascii_case("pm") {
        fields.pm = Some(true);
    } else {
        return i;
    }
    i + 1
}

/// Reads the time at `tokens[i]`, then an optional `AM`/`PM`; returns the
/// next index.
fn read_time(tokens: &[Tok<'_>], i: usize, fields: &mut Fields) -> Option<usize> {
    let time = tokens.get(i)?;
    matches!(time.kind, Kind::Time).then_some(())?;
    fields.set_time(time.text)?;
    Some(read_meridiem(tokens, i + 1, fields))
}

fn skip_weekday(tokens: &[Tok<'_>]) -> usize {
    usize::from(matches!(tokens.first(), Some(t) if matches!(t.kind, Kind::Alpha) && is_weekday(t.text)))
}

/// `[Wed,] 4 Jan 2023 10:11:12 +0100` and `[Wed,] 04-Jan-2023 10:11:12 +0100`.
fn rfc5322(tokens: &[Tok<'_>]) -> Option<(Fields, usize)> {
    let mut i = skip_weekday(tokens);
    let mut f = Fields::default();
    let first = tokens.get(i)?;
    match first.kind {
        Kind::Number => {
            f.day = parse_num(first.text, 2)?;
            f.month = month(tokens.get(i + 1)?.text)?;
            let year = tokens.get(i + 2)?;
            matches!(year.kind, Kind::Number).then_some(())?;
            f.set_year(year.text)?;
            i += 3;
        }
        Kind::DashDate => {
            let mut parts = first.text.split('-');
            f.day = parse_num(parts.next()?, 2)?;
            f.month = month(parts.next()?)?;
            f.set_year(parts.next()?)?;
            i += 1;
        }
        _ => return None,
    }
    let after_time = read_time(tokens, i, &mut f)?;
    let end = read_zone(tokens, after_time, &mut f);
    Some((f, end))
}

/// `Wed Jan  4 10:11:12 [UTC] 2023`, `Wed Aug 28 10:45:49 2002 +0100`,
/// `Wed, Jan 04 2023 10:11:12 +0000`, `Jul, 24 2002 7:45:40 AM -0600`.
fn asctime(tokens: &[Tok<'_>]) -> Option<(Fields, usize)> {
    let mut i = skip_weekday(tokens);
    let day = tokens.get(i + 1)?;
    matches!(day.kind, Kind::Number).then_some(())?;
    let mut f = Fields { month: month(tokens.get(i)?.text)?, day: parse_num(day.text, 2)?, ..Fields::default() };
    i += 2;
    let next = tokens.get(i)?;
    if matches!(next.kind, Kind::Number) {
        // Month Day Year Time [AM|PM] [Zone]
        f.set_year(next.text)?;
        let after_time = read_time(tokens, i + 1, &mut f)?;
        let end = read_zone(tokens, after_time, &mut f);
        return Some((f, end));
    }
    // Month Day Time [AM|PM] [Zone] Year [Zone]
    let after_time = read_time(tokens, i, &mut f)?;
    i = read_zone(tokens, after_time, &mut f);
    let year = tokens.get(i)?;
    matches!(year.kind, Kind::Number).then_some(())?;
    f.set_year(year.text)?;
    let end = if i == after_time { read_zone(tokens, i + 1, &mut f) } else { i + 1 };
    Some((f, end))
}

/// `2023-01-04 16:05:37.29 +0000 [UTC]`, `2023-01-04T16:05:37Z`.
fn iso(tokens: &[Tok<'_>]) -> Option<(Fields, usize)> {
    let first = tokens.first()?;
    matches!(first.kind, Kind::IsoDate).then_some(())?;
    let mut f = Fields::default();
    let (date, glued_time) = match first.text.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (first.text, None),
    };
    let mut parts = date.split('-');
    f.set_year(parts.next()?)?;
    f.month = parse_num(parts.next()?, 2)?;
    f.day = parse_num(parts.next()?, 2)?;
    let mut i = 1;
    let time = if let Some(t) = glued_time {
        t
    } else {
        let t = tokens.get(1)?;
        matches!(t.kind, Kind::Time).then_some(())?;
        i = read_meridiem(tokens, 2, &mut f);
        t.text
    };
    // A glued time may carry its zone: `16:05:37Z`, `16:05:37+01:00`.
    let zone_at = time.find(['Z', 'z', '+', '-']);
    let (clock, glued_zone) = match zone_at {
        Some(at) => (&time[..at], Some(&time[at..])),
        None => (time, None),
    };
    f.set_time(clock)?;
    match glued_zone {
        Some(z) if z.eq_ignore_ascii_case("z") => f.offset = Some(0),
        Some(z) => f.offset = Some(numeric_offset(z)?),
        None => i = read_zone(tokens, i, &mut f),
    }
    // `+0000 UTC` (Go's time format): the name repeats the offset.
    if let Some(t) = tokens.get(i)
        && matches!(t.kind, Kind::Alpha)
        && named_zone(t.text).is_some()
        && f.offset.is_some()
    {
        i += 1;
    }
    Some((f, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc3339(text: &str) -> Option<String> {
        parse_date(text).map(|(d, _)| d.to_rfc3339())
    }

    #[test]
    fn rfc5322_forms() {
        assert_eq!(rfc3339("Wed,  4 Jan 2023 10:11:12 +0100 (CET)").as_deref(), Some("2023-01-04T10:11:12+01:00"));
        assert_eq!(rfc3339("4 Jan 2023 10:11:12 -0000").as_deref(), Some("2023-01-04T10:11:12+00:00"));
        assert_eq!(rfc3339("Tue, 3 Jan 23 23:59:60 GMT").as_deref(), Some("2023-01-03T23:59:59+00:00"));
        assert_eq!(rfc3339("Mon, 21 Oct 2024 03:04:05 -0700 (PDT)").as_deref(), Some("2024-10-21T03:04:05-07:00"));
        assert_eq!(rfc3339("Sun, 1 Jan 99 00:00:00 EST").as_deref(), Some("1999-01-01T00:00:00-05:00"));
        assert_eq!(rfc3339("Wed, 4 Jan\r\n 2023 10:11 UTC").as_deref(), Some("2023-01-04T10:11:00+00:00"));
        assert_eq!(rfc3339("Wed, 04-Jan-2023 10:11:12 +0530").as_deref(), Some("2023-01-04T10:11:12+05:30"));
        assert_eq!(rfc3339("29 Feb 2024 10:00:00 +0000").as_deref(), Some("2024-02-29T10:00:00+00:00"));
    }

    #[test]
    fn missing_or_unknown_zone_is_flagged() {
        let (date, _) = parse_date("Wed, 4 Jan 2023 10:11:12").expect("date");
        assert!(!date.zone_stated);
        assert_eq!(date.to_rfc3339(), "2023-01-04T10:11:12+00:00");
        let (date, _) = parse_date("Wed, 4 Jan 2023 10:11:12 XYZT").expect("date");
        assert!(!date.zone_stated);
        let (date, _) = parse_date("Wed, 4 Jan 2023 10:11:12 M").expect("military");
        assert!(!date.zone_stated);
    }

    #[test]
    fn asctime_and_iso() {
        assert_eq!(rfc3339("Wed Jan  4 10:11:12 2023").as_deref(), Some("2023-01-04T10:11:12+00:00"));
        assert_eq!(rfc3339("Wed Jan 4 10:11:12 PST 2023").as_deref(), Some("2023-01-04T10:11:12-08:00"));
        assert_eq!(
            rfc3339("2023-01-04 16:05:37.291738331 +0000 UTC m=+3010374.418476402").as_deref(),
            Some("2023-01-04T16:05:37+00:00")
        );
        assert_eq!(rfc3339("2023-01-04T16:05:37Z").as_deref(), Some("2023-01-04T16:05:37+00:00"));
        assert_eq!(rfc3339("2023-01-04T16:05:37-03:00").as_deref(), Some("2023-01-04T16:05:37-03:00"));
    }

    /// Regression: `AM`/`PM` was read as an unknown zone, so `2:00:11 PM`
    /// became 02:00:11 and the offset after it was left out of the date.
    #[test]
    fn twelve_hour_clocks() {
        assert_eq!(rfc3339("Jul, 24 2002 7:45:40 AM -0600").as_deref(), Some("2002-07-24T07:45:40-06:00"));
        assert_eq!(rfc3339("Wed, 24 Jul 2002 2:00:11 PM -0600").as_deref(), Some("2002-07-24T14:00:11-06:00"));
        assert_eq!(rfc3339("24 Jul 2002 12:05:00 am +0000").as_deref(), Some("2002-07-24T00:05:00+00:00"));
        assert_eq!(rfc3339("24 Jul 2002 12:05:00 PM +0000").as_deref(), Some("2002-07-24T12:05:00+00:00"));
        assert_eq!(rfc3339("Wed Jul 24 2:00:11 PM 2002").as_deref(), Some("2002-07-24T14:00:11+00:00"));
        assert_eq!(rfc3339("2002-07-24 2:00:11 PM +0200").as_deref(), Some("2002-07-24T14:00:11+02:00"));
        // An hour past 12 with a marker is read as written.
        assert_eq!(rfc3339("24 Jul 2002 14:00:11 PM +0000").as_deref(), Some("2002-07-24T14:00:11+00:00"));
        let text = "Jul, 24 2002 7:45:40 AM -0600 id 7";
        let (date, used) = parse_date(text).expect("date");
        assert!(date.zone_stated);
        assert_eq!(&text[used..], " id 7");
    }

    /// Regression: an offset after the year of an asctime date, or after a
    /// zone name not in the table, was not read (and was left to the clause
    /// before the date).
    #[test]
    fn offsets_where_servers_put_them() {
        let text = "Wed Aug 28 10:45:49 2002 +0100 (BST)";
        let (date, used) = parse_date(text).expect("date");
        assert_eq!((date.to_rfc3339().as_str(), date.zone_stated), ("2002-08-28T10:45:49+01:00", true));
        assert_eq!(&text[used..], " (BST)");
        assert_eq!(rfc3339("Wed Aug 28 10:45:49 PDT 2002").as_deref(), Some("2002-08-28T10:45:49-07:00"));
        let (date, _) = parse_date("Wed, 28 Aug 2002 10:45:49 MEZ +0200").expect("date");
        assert_eq!((date.to_rfc3339().as_str(), date.zone_stated), ("2002-08-28T10:45:49+02:00", true));
        let (date, used) = parse_date("Wed Aug 28 10:45:49 2002 id 7").expect("date");
        assert!(!date.zone_stated);
        assert_eq!(used, "Wed Aug 28 10:45:49 2002".len());
    }

    #[test]
    fn consumed_length_stops_after_zone() {
        let text = "Wed, 04 Jan 2023 10:11:12 -0500\r\n  id 0000000000123ABC";
        let (_, used) = parse_date(text).expect("date");
        assert_eq!(&text[used..], "\r\n  id 0000000000123ABC");
    }

    #[test]
    fn rejects_impossible_dates() {
        for text in
            ["31 Feb 2023 10:00:00 +0000", "4 Foo 2023 10:00:00", "4 Jan 2023 25:00:00", "", "id 12345", "4 Jan 2023"]
        {
            assert_eq!(rfc3339(text), None, "{text}");
        }
    }

    #[test]
    fn timestamps() {
        let (d, _) = parse_date("Thu, 1 Jan 1970 01:00:00 +0100").expect("epoch");
        assert_eq!(d.timestamp, 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn rfc3339_fast_path_matches_format() {
        let offsets = [0, 60, -60, -570, 345, 840, -720, 5999, -5999, 6000, -6001];
        let mut timestamp = -62_200_000_000_i64; // before year 0
        while timestamp < 253_500_000_000 {
            // past year 9999
            for offset_minutes in offsets {
                let date = MailDate { timestamp, offset_minutes, zone_stated: true };
                assert_eq!(date.to_rfc3339(), date.rfc3339_parts().formatted(), "{timestamp} {offset_minutes}");
            }
            timestamp += 86_399 * 367 + 3_601;
        }
    }
}
