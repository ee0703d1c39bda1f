//! `Authentication-Results` (RFC 8601) and `ARC-Authentication-Results`
//! (RFC 8617 §4.1.2): the verdicts receiving servers already wrote.
//!
//! Grammar, RFC 8601 §2.2: `authserv-id [CFWS authres-version] ( no-result /
//! 1*resinfo )`, `resinfo = ";" methodspec [reasonspec] *propspec`. Tolerated
//! variants: Microsoft 365 omits the authserv-id (`spf=pass (...)
//! smtp.mailfrom=...`) and writes bare `key=value` items (`action=none`);
//! both are kept (a bare item as a property with no ptype).

use crate::cursor::Cursor;
use crate::limits::MAX_AUTHRES_BYTES;
use serde::{Deserialize, Serialize};

/// Most method results read from one field.
const MAX_RESULTS: usize = 64;
/// Most properties read per method result.
const MAX_PROPERTIES: usize = 32;

/// One `Authentication-Results` or `ARC-Authentication-Results` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthResults {
    /// The field name: `Authentication-Results` or `ARC-Authentication-Results`.
    pub header: String,
    /// ARC instance (`i=1`), for ARC fields.
    pub instance: Option<u32>,
    /// The server that wrote the verdicts; absent in Microsoft's variant.
    pub authserv_id: Option<String>,
    /// `authres-version`, when written.
    pub version: Option<u32>,
    /// Method results in order; empty for `none`.
    pub results: Vec<MethodResult>,
    /// What was not RFC 8601 syntax.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One `method=result` with its reason and properties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodResult {
    /// The method, lower case (`spf`, `dkim`, `iprev`...).
    pub method: String,
    /// `method/version`, when written.
    pub method_version: Option<u32>,
    /// The result, lower case (`pass`, `fail`...).
    pub result: String,
    /// The `reason=` text.
    pub reason: Option<String>,
    /// Properties in order.
    pub properties: Vec<Property>,
    /// The comments of this result, joined with `; `.
    pub comment: Option<String>,
}

/// A `ptype.property=value` item (or a bare `key=value` with no ptype).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    /// `smtp`, `header`, `body`, `policy`; `None` for a bare item.
    pub ptype: Option<String>,
    /// The property name, lower case.
    pub property: String,
    /// The value as written, quotes removed.
    pub value: String,
}

impl MethodResult {
    /// The value of `ptype.property`, if present.
    pub fn property(&self, ptype: &str, property: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|p| p.ptype.as_deref() == Some(ptype) && p.property == property)
            .map(|p| p.value.as_str())
    }
}

/// Parses one field value. `arc` is true for `ARC-Authentication-Results`.
pub fn parse(value: &str, arc: bool) -> AuthResults {
    let mut notes = Vec::new();
    let value = crate::limits::cut(value, MAX_AUTHRES_BYTES, "field", &mut notes);

    let mut cur = Cursor::new(value);
    let mut scratch = Vec::new();
    let instance = if arc { read_instance(&mut cur) } else { None };
    if arc && instance.is_none() {
        notes.push("no ARC instance (i=N;)".to_string());
    }
    cur.skip_cfws(&mut scratch);
    let (authserv_id, version) = read_authserv(&mut cur);
    if authserv_id.is_none() {
        notes.push("no authserv-id (Microsoft-style field)".to_string());
    }
    let mut results = Vec::new();
    loop {
        let mut comments = Vec::new();
        cur.skip_cfws(&mut comments);
        match cur.peek() {
            None => break,
            Some(b';') => {
                cur.bump();
                continue;
            }
            Some(_) => {}
        }
        if results.len() >= MAX_RESULTS {
            notes.push(format!("more than {MAX_RESULTS} results; the rest were not read"));
            break;
        }
        match read_resinfo(&mut cur, comments) {
            Resinfo::Result(result) => results.push(result),
            Resinfo::NoResult => {}
            Resinfo::Garbage(text) => {
                notes.push(format!("unreadable item: {text}"));
                cur.skip_past_semicolon();
            }
        }
    }
    AuthResults {
        header: if arc { "ARC-Authentication-Results" } else { "Authentication-Results" }.to_string(),
        instance,
        authserv_id,
        version,
        results,
        notes,
    }
}

/// `i=1;` at the start of an ARC field.
fn read_instance(cur: &mut Cursor<'_>) -> Option<u32> {
    let mut scratch = Vec::new();
    cur.skip_cfws(&mut scratch);
    let key = cur.word(b"=");
    if !key.eq_ignore_ascii_case("i") || cur.peek() != Some(b'=') {
        return None;
    }
    cur.bump();
    cur.skip_cfws(&mut scratch);
    let number = cur.word(b"").parse().ok();
    cur.skip_cfws(&mut scratch);
    if cur.peek() == Some(b';') {
        cur.bump();
    }
    number
}

/// The authserv-id and optional version, up to the first `;`. A first item
/// containing `=` means there is no authserv-id (Microsoft's variant): the
/// cursor is left at its start.
fn read_authserv(cur: &mut Cursor<'_>) -> (Option<String>, Option<u32>) {
    let mut scratch = Vec::new();
    let start = cur.clone();
    let first = cur.value(b"=");
    cur.skip_cfws(&mut scratch);
    if first.is_empty() || cur.peek() == Some(b'=') {
        // `spf=pass ...` right away, or nothing at all.
        *cur = start;
        return (None, None);
    }
    let mut version = None;
    if cur.peek().is_some_and(|b| b.is_ascii_digit()) {
        version = cur.word(b"").parse().ok();
        cur.skip_cfws(&mut scratch);
    }
    (Some(first), version)
}

enum Resinfo {
    Result(MethodResult),
    NoResult,
    Garbage(String),
}

fn read_resinfo<'a>(cur: &mut Cursor<'a>, mut comments: Vec<&'a str>) -> Resinfo {
    let method_text = cur.word(b"=/");
    let mut method_version = None;
    cur.skip_cfws(&mut comments);
    if cur.peek() == Some(b'/') {
        cur.bump();
        cur.skip_cfws(&mut comments);
        method_version = cur.word(b"=").parse().ok();
        cur.skip_cfws(&mut comments);
    }
    if cur.peek() != Some(b'=') || method_text.is_empty() {
        if method_text.eq_ignore_ascii_case("none") {
            return Resinfo::NoResult;
        }
        let shown = if method_text.is_empty() { "=" } else { method_text };
        return Resinfo::Garbage(shown.to_string());
    }
    cur.bump();
    cur.skip_cfws(&mut comments);
    let result = cur.value(b"").to_ascii_lowercase();
    let mut out = MethodResult {
        method: method_text.to_ascii_lowercase(),
        method_version,
        result,
        reason: None,
        properties: Vec::new(),
        comment: None,
    };
    loop {
        cur.skip_cfws(&mut comments);
        match cur.peek() {
            None | Some(b';') => break,
            Some(_) => {}
        }
        // `ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue` (RFC 8601 §2.2).
        let first = cur.word(b"=.");
        cur.skip_cfws(&mut comments);
        let mut ptype = None;
        let mut key = first;
        if cur.peek() == Some(b'.') {
            cur.bump();
            cur.skip_cfws(&mut comments);
            ptype = Some(first);
            key = cur.word(b"=");
            cur.skip_cfws(&mut comments);
        }
        if key.is_empty() || cur.peek() != Some(b'=') {
            // A stray word: not part of the grammar; skip it.
            if first.is_empty() && key.is_empty() {
                cur.bump();
            }
            continue;
        }
        cur.bump();
        cur.skip_cfws(&mut comments);
        let value = cur.value(b"");
        if ptype.is_none() && key.eq_ignore_ascii_case("reason") && out.reason.is_none() {
            out.reason = Some(value);
        } else if out.properties.len() < MAX_PROPERTIES {
            out.properties.push(Property {
                ptype: ptype.map(str::to_ascii_lowercase),
                property: key.to_ascii_lowercase(),
                value,
            });
        }
    }
    let comments: Vec<&str> = comments.into_iter().filter(|c| !c.is_empty()).collect();
    out.comment = (!comments.is_empty()).then(|| comments.join("; "));
    Resinfo::Result(out)
}

/// The `Authentication-Results` header of iprev's own check of the sender
/// hop (RFC 8601 §2.7.3: `iprev=<result> policy.iprev=<address>`, the PTR
/// name in a comment; an IPv6 address is quoted because `:` is not allowed
/// in a token). `none` when there is no checked sender hop (§2.2 no-result).
pub fn format_iprev(authserv_id: &str, report: &crate::report::Report) -> String {
    let id = value_text(authserv_id);
    let checked = report.sender_hop.and_then(|i| report.hops.get(i)).and_then(|hop| Some((hop, hop.iprev.as_ref()?)));
    let Some((hop, iprev)) = checked else {
        return format!("Authentication-Results: {id}; none");
    };
    let ip = hop.from_ip.as_deref().and_then(|t| t.parse::<std::net::IpAddr>().ok()).map(|ip| crate::ip::unmap(ip).0);
    let ip_text = ip.map_or_else(String::new, |ip| value_text(&ip.to_string()));
    let name = iprev.matched_name.clone().or_else(|| iprev.ptr.first().cloned());

    let comment = name.map(|n| format!(" ({})", comment_text(&n))).unwrap_or_default();
    format!("Authentication-Results: {id}; iprev={} policy.iprev={ip_text}{comment}", iprev.result.as_str())
}

/// A `value` (RFC 2045 token, or a quoted-string when it has specials).
fn value_text(text: &str) -> String {
    let token = !text.is_empty() && text.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&b));
    if token {
        text.to_string()
    } else {
        let escaped: String = text
            .chars()
            .filter(|c| !c.is_control())
            .flat_map(|c| if c == '"' || c == '\\' { vec!['\\', c] } else { vec![c] })
            .collect();
        format!("\"{escaped}\"")
    }
}

/// Text safe inside a comment: no parentheses, backslashes or controls.
fn comment_text(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() && !matches!(c, '(' | ')' | '\\')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail() {
        let ar = parse(
            "mx.google.com;\r\n       dkim=pass header.i=@example.com header.s=s1 header.b=Ab/+cd;\r\n       spf=pass (google.com: domain of a@example.com designates 209.85.220.41 as permitted sender) smtp.mailfrom=a@example.com;\r\n       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com",
            false,
        );
        assert_eq!(ar.authserv_id.as_deref(), Some("mx.google.com"));
        assert_eq!(ar.results.len(), 3);
        assert_eq!(ar.results[0].property("header", "b"), Some("Ab/+cd"));
        assert_eq!(ar.results[1].property("smtp", "mailfrom"), Some("a@example.com"));
        assert!(ar.results[1].comment.as_deref().is_some_and(|c| c.contains("designates")));
        assert!(ar.notes.is_empty());
    }

    #[test]
    fn microsoft_without_authserv_id() {
        let ar = parse(
            "spf=pass (sender IP is 40.107.1.1) smtp.mailfrom=example.com; dkim=pass (signature was verified) header.d=example.com;dmarc=pass action=none header.from=example.com;compauth=pass reason=100",
            false,
        );
        assert_eq!(ar.authserv_id, None);
        let methods: Vec<&str> = ar.results.iter().map(|r| r.method.as_str()).collect();
        assert_eq!(methods, ["spf", "dkim", "dmarc", "compauth"]);
        assert_eq!(ar.results[2].properties[0].ptype, None);
        assert_eq!(ar.results[3].reason.as_deref(), Some("100"));
    }

    #[test]
    fn rfc8601_forms() {
        let none = parse("example.org 1; none", false);
        assert_eq!((none.authserv_id.as_deref(), none.version, none.results.len()), (Some("example.org"), Some(1), 0));
        let ar = parse(
            "example.com; dkim=pass reason=\"good signature\" header.i=@mail-router.example.net; iprev=pass policy.iprev=\"2001:db8::1\"",
            false,
        );
        assert_eq!(ar.results[0].reason.as_deref(), Some("good signature"));
        assert_eq!(ar.results[1].property("policy", "iprev"), Some("2001:db8::1"));
        let arc = parse("i=2; mx.example.org; spf=fail smtp.mailfrom=x@example.com", true);
        assert_eq!((arc.instance, arc.authserv_id.as_deref()), (Some(2), Some("mx.example.org")));
    }

    #[test]
    fn garbage_is_noted_not_fatal() {
        for value in ["", ";;;", "(", "x; =; spf", "\"unterminated", "a; b/c=d", "a; spf=pass smtp.mailfrom=\""] {
            let _ = parse(value, false);
            let _ = parse(value, true);
        }
        let ar = parse("mx.example.org; garbage; spf=pass", false);
        assert_eq!(ar.results.len(), 1);
        assert_eq!(ar.notes, vec!["unreadable item: garbage".to_string()]);
    }
}
