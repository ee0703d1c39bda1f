//! TLS details as each MTA states them in a `Received:` field.

use crate::ascii::{contains_ignore_case, find_ignore_case, starts_with_ignore_case};
use serde::{Deserialize, Serialize};

/// TLS used on a hop, as stated in the header.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tls {
    /// Protocol version as written (`TLSv1.3`, `TLS1_2`), when stated.
    pub version: Option<String>,
    /// Cipher suite as written, when stated.
    pub cipher: Option<String>,
}

/// Transmission types that mean TLS (RFC 3848 and the IANA "Mail
/// Transmission Types" registry), plus `SMTPS` and `HTTPS`.
const TLS_PROTOCOLS: &[&str] =
    &["ESMTPS", "ESMTPSA", "LMTPS", "LMTPSA", "UTF8SMTPS", "UTF8SMTPSA", "UTF8LMTPS", "UTF8LMTPSA", "SMTPS", "HTTPS"];

/// What the TLS detector looks at.
pub struct TlsClues<'a> {
    /// The first word of the `with` clause.
    pub protocol: Option<&'a str>,
    /// Every word of every `with` clause, comments excluded.
    pub with_words: Vec<&'a str>,
    /// Every comment of the field.
    pub comments: Vec<&'a str>,
    /// Every word of the field outside comments.
    pub words: Vec<&'a str>,
}

/// Finds TLS details; `None` when the header gives no sign of TLS.
pub fn detect(clues: &TlsClues<'_>) -> Option<Tls> {
    let from_comments = clues
        .comments
        .iter()
        .find_map(|c| {
            postfix_using(c)
                .or_else(|| c.contains('=').then(|| key_values(c.split(WHITE_SPACE))).flatten())
                .or_else(|| colon_form(c))
                .or_else(|| courier(c))
                .or_else(|| qmail_encrypted(c))
        })
        // OpenSMTPD 5.x wrote `TLS version=TLSv1/SSLv3 cipher=... bits=256;` outside comments.
        .or_else(|| key_values(clues.words.iter().flat_map(|w| w.split(WHITE_SPACE))));
    let stated = match (from_comments, exim(clues)) {
        // Exim 4.92+ states the version in a comment and the cipher as a word.
        (Some(mut tls), Some(exim)) if tls.cipher.is_none() => {
            tls.cipher = exim.cipher;
            Some(tls)
        }
        (Some(tls), _) => Some(tls),
        (None, exim) => exim.or_else(|| ironport(clues)),
    };
    if stated.is_some() {
        return stated;
    }
    let by_protocol = clues.protocol.is_some_and(|p| {
        let p = p.split('/').next().unwrap_or(p);
        TLS_PROTOCOLS.iter().any(|t| t.eq_ignore_ascii_case(p))
    });
    let starttls = clues.with_words.iter().any(|w| w.eq_ignore_ascii_case("STARTTLS") || w.eq_ignore_ascii_case("TLS"));
    if says_not_encrypted(&clues.comments) {
        return None;
    }
    // Exchange: `with Microsoft SMTP Server (TLS) id ...`; Mimecast: `(Using TLS)`.
    let tls_comment = clues
        .comments
        .iter()
        .any(|c| c.trim().eq_ignore_ascii_case("TLS") || c.trim().eq_ignore_ascii_case("using TLS"));
    (by_protocol || starttls || tls_comment).then(Tls::default)
}

/// The separators of words in a comment.
const WHITE_SPACE: [char; 4] = [' ', '\t', '\r', '\n'];

/// `TLS...` or `SSL...`, any case.
fn starts_tls_or_ssl(text: &str) -> bool {
    starts_with_ignore_case(text, "tls") || starts_with_ignore_case(text, "ssl")
}

/// `TLSv1.2`, `TLS1_3`, `SSLv3`: `TLS` or `SSL` (any case) and a digit.
fn is_version(word: &str) -> bool {
    word.len() > 3 && starts_tls_or_ssl(word) && word.as_bytes()[3..].iter().any(u8::is_ascii_digit)
}

fn trim_punctuation(word: &str) -> &str {
    word.trim_matches(|c| c == ',' || c == '"' || c == ';')
}

fn clean(word: &str) -> String {
    trim_punctuation(word).to_string()
}

/// Where `needle` first occurs in `haystack`, bytes compared exactly.
fn find_bytes(haystack: &str, needle: &[u8]) -> Option<usize> {
    let h = haystack.as_bytes();
    if h.len() < needle.len() {
        return None;
    }
    (0..=h.len() - needle.len()).find(|&i| h[i] == needle[0] && &h[i..i + needle.len()] == needle)
}

/// Postfix: `using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)`.
fn postfix_using(comment: &str) -> Option<Tls> {
    if !contains_ignore_case(comment, "using") {
        return None;
    }
    let words: Vec<&str> = comment.split_whitespace().collect();
    let at = words.iter().position(|w| w.eq_ignore_ascii_case("using"))?;
    let version = words.get(at + 1).filter(|w| is_version(w)).map(|w| clean(w));
    let cipher =
        words.iter().position(|w| w.eq_ignore_ascii_case("cipher")).and_then(|c| words.get(c + 1)).map(|w| clean(w));
    (version.is_some() || cipher.is_some()).then_some(Tls { version, cipher })
}

/// Sendmail, Gmail, Exchange, Mimecast, SmarterMail:
/// `version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 bits=256`.
fn key_values<'a>(words: impl Iterator<Item = &'a str>) -> Option<Tls> {
    let mut version = None;
    let mut cipher = None;
    for word in words {
        let Some((key, value)) = word.split_once('=') else {
            continue;
        };
        let value = trim_punctuation(value);
        if value.is_empty() {
            continue;
        }
        // SmarterMail writes .NET names: `Tls12`, `TLS\Tls12`, even `TLS\Tls`.
        let tls_like = starts_tls_or_ssl(value);
        if key.eq_ignore_ascii_case("version") && tls_like {
            version = Some(value.to_string());
        } else if key.eq_ignore_ascii_case("cipher") {
            cipher = Some(value.to_string());
        }
    }
    (version.is_some() || cipher.is_some()).then_some(Tls { version, cipher })
}

/// OpenSMTPD and Exim before 4.92: `TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO`;
/// Exim 4.92+: a comment that is only the version, `(TLS1.3)`.
fn colon_form(comment: &str) -> Option<Tls> {
    let comment = comment.trim();
    if !starts_tls_or_ssl(comment) || comment.contains(' ') {
        return None;
    }
    let mut parts = comment.split(':');
    let version = parts.next().filter(|v| is_version(v))?;
    let cipher = parts.next().filter(|c| !c.is_empty()).map(str::to_string);
    Some(Tls { version: Some(version.to_string()), cipher })
}

/// Courier: `AUTH: LOGIN user, TLS: TLSv1.2,256bits,ECDHE-RSA-AES256-GCM-SHA384`.
fn courier(comment: &str) -> Option<Tls> {
    let at = find_bytes(comment, b"TLS: ")?;
    let items: Vec<&str> = comment[at + 5..].split(',').map(str::trim).collect();
    let version = items.first().filter(|v| is_version(v)).map(|v| (*v).to_string());
    let cipher = items.iter().skip(1).find(|i| !i.ends_with("bits") && !i.is_empty()).map(|c| clean(c));
    (version.is_some() || cipher.is_some()).then_some(Tls { version, cipher })
}

/// qmail's STARTTLS patch: `with ESMTPS (ECDHE-RSA-AES256-GCM-SHA384 encrypted)`;
/// GroupWise: `(TLS encrypted)`. GroupWise's `(NOT encrypted)` is handled by
/// [`says_not_encrypted`].
fn qmail_encrypted(comment: &str) -> Option<Tls> {
    if !comment.trim_end().ends_with("encrypted") {
        return None;
    }
    let mut words = comment.split_whitespace();
    let cipher = words.next()?;
    if words.next()? != "encrypted" || words.next().is_some() || cipher.eq_ignore_ascii_case("not") {
        return None;
    }
    let cipher = (!cipher.eq_ignore_ascii_case("tls")).then(|| cipher.to_string());
    Some(Tls { version: None, cipher })
}

/// GroupWise's `(NOT encrypted)`: the hop said outright it had no TLS.
fn says_not_encrypted(comments: &[&str]) -> bool {
    comments.iter().any(|c| c.trim().eq_ignore_ascii_case("not encrypted"))
}

/// Exim 4.92+: `with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384`; Haraka
/// writes the same `tls <cipher>` words after its id.
fn exim(clues: &TlsClues<'_>) -> Option<Tls> {
    let at = clues.words.iter().position(|w| w.eq_ignore_ascii_case("tls"))?;
    let cipher = clues.words.get(at + 1).filter(|c| c.contains(['_', '-']))?;
    Some(Tls { version: None, cipher: Some(clean(cipher)) })
}

/// Cisco `IronPort`: `with ESMTP/TLS/ECDHE-RSA-AES256-GCM-SHA384`.
fn ironport(clues: &TlsClues<'_>) -> Option<Tls> {
    let protocol = clues.protocol?;
    let at = find_ignore_case(protocol, "/TLS/")?;
    let cipher = &protocol[at + 5..];
    Some(Tls { version: None, cipher: (!cipher.is_empty()).then(|| cipher.to_string()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tls(protocol: &str, with_words: &[&str], comments: &[&str]) -> Option<Tls> {
        detect(&TlsClues {
            protocol: Some(protocol),
            with_words: with_words.to_vec(),
            comments: comments.to_vec(),
            words: with_words.to_vec(),
        })
    }

    fn both(version: Option<&str>, cipher: Option<&str>) -> Tls {
        Tls { version: version.map(str::to_string), cipher: cipher.map(str::to_string) }
    }

    #[test]
    fn each_style() {
        assert_eq!(
            tls("ESMTPS", &[], &["using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)"]),
            Some(both(Some("TLSv1.3"), Some("TLS_AES_256_GCM_SHA384")))
        );
        assert_eq!(
            tls("Microsoft SMTP Server", &[], &["version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]),
            Some(both(Some("TLS1_2"), Some("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")))
        );
        assert_eq!(
            tls("ESMTPS", &[], &["TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO"]),
            Some(both(Some("TLSv1.3"), Some("TLS_AES_256_GCM_SHA384")))
        );
        assert_eq!(
            tls("esmtps", &["esmtps", "tls", "TLS_AES_256_GCM_SHA384"], &["TLS1.3"]),
            Some(both(Some("TLS1.3"), Some("TLS_AES_256_GCM_SHA384")))
        );
        assert_eq!(
            tls("esmtps", &["esmtps", "tls", "TLS_AES_256_GCM_SHA384"], &[]),
            Some(both(None, Some("TLS_AES_256_GCM_SHA384")))
        );
        assert_eq!(
            tls("ESMTPSA", &[], &["AUTH: LOGIN u@example.com, TLS: TLSv1.2,256bits,ECDHE-RSA-AES256-GCM-SHA384"]),
            Some(both(Some("TLSv1.2"), Some("ECDHE-RSA-AES256-GCM-SHA384")))
        );
        assert_eq!(
            tls("ESMTP/TLS/ECDHE-RSA-AES256-GCM-SHA384", &[], &[]),
            Some(both(None, Some("ECDHE-RSA-AES256-GCM-SHA384")))
        );
        assert_eq!(tls("ESMTPS", &[], &[]), Some(both(None, None)));
        assert_eq!(tls("ESMTP", &["ESMTP", "STARTTLS"], &[]), Some(both(None, None)));
        assert_eq!(tls("ESMTP", &["ESMTP"], &["Postfix"]), None);
    }
}
