//! `Received-SPF` (RFC 7208 §9.1): `result [comment] key=value; ...`.

use crate::cursor::Cursor;
use crate::name_map::NameMap;
use serde::{Deserialize, Serialize};

/// Most key-value pairs read from one field.
const MAX_PAIRS: usize = 32;

/// One `Received-SPF` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedSpf {
    /// The result, lower case (`pass`, `softfail`...).
    pub result: String,
    /// The comment after the result.
    pub comment: Option<String>,
    /// Key-value pairs (`client-ip`, `envelope-from`, `helo`, `receiver`...), keys lower case.
    pub pairs: NameMap<String>,
}

/// Parses one field value.
pub fn parse(value: &str) -> ReceivedSpf {
    let mut cur = Cursor::new(value);
    let mut comments = Vec::new();
    cur.skip_cfws(&mut comments);
    let result = cur.word(b"=").to_ascii_lowercase();
    comments.clear();
    cur.skip_cfws(&mut comments);
    let comment = comments.first().map(|c| (*c).to_string());
    let mut pairs = NameMap::new();
    while !cur.at_end() && pairs.len() < MAX_PAIRS {
        if cur.peek() == Some(b';') {
            cur.bump();
            continue;
        }
        let key = cur.word(b"=").to_ascii_lowercase();
        let mut scratch = Vec::new();
        cur.skip_cfws(&mut scratch);
        if key.is_empty() || cur.peek() != Some(b'=') {
            cur.skip_past_semicolon();
            continue;
        }
        cur.bump();
        cur.skip_cfws(&mut scratch);
        let value = cur.value(b"");
        pairs.insert_if_absent(key, value);
    }
    ReceivedSpf { result, comment, pairs }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7208_example() {
        let spf = parse(
            "pass (mybox.example.org: domain of myname@example.com designates 192.0.2.1 as permitted sender)\r\n   receiver=mybox.example.org; client-ip=192.0.2.1;\r\n   envelope-from=\"myname@example.com\"; helo=foo.example.com;",
        );
        assert_eq!(spf.result, "pass");
        assert!(spf.comment.as_deref().is_some_and(|c| c.starts_with("mybox.example.org:")));
        assert_eq!(spf.pairs.get("client-ip").map(String::as_str), Some("192.0.2.1"));
        assert_eq!(spf.pairs.get("envelope-from").map(String::as_str), Some("myname@example.com"));
        assert_eq!(spf.pairs.len(), 4);
    }

    #[test]
    fn odd_input() {
        assert_eq!(parse("").result, "");
        assert_eq!(parse("Fail").result, "fail");
        assert!(parse("none ; ; x ; =y; a=").pairs.contains_key("a"));
    }
}
