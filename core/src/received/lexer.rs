//! Splits a `Received:` value into words, comments and semicolons.
//!
//! Folding white space (CR, LF, tabs) separates tokens like a space, so the
//! value needs no unfolding first. A word keeps `[...]`, `<...>` and
//! `"..."` runs whole (`[IPv6:2001:db8::1]:25`, `<a b@example.com>`); a
//! comment is everything between balanced parentheses, with `\` escapes
//! (RFC 5322 §3.2.2). Unbalanced input never fails: a comment with no end
//! runs to the end of the value.

/// One lexical element, borrowing from the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    /// A run of non-space text.
    Word(&'a str),
    /// The text inside a comment, nested comments included as written.
    Comment(&'a str),
    /// A top-level `;`.
    Semicolon,
}

/// A token and the byte offset just past it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lexeme<'a> {
    /// The token.
    pub token: Token<'a>,
    /// Byte offset of the token's first byte in the value.
    pub start: usize,
    /// Byte offset just past the token.
    pub end: usize,
}

/// Tokenizes the whole value.
pub fn lex(value: &str) -> Vec<Lexeme<'_>> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(24);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let token = match b {
            b';' => {
                i += 1;
                Token::Semicolon
            }
            b'(' => {
                let (inner_end, next) = comment_end(bytes, i);
                i = next;
                Token::Comment(&value[start + 1..inner_end])
            }
            _ => {
                i = word_end(bytes, i);
                Token::Word(&value[start..i])
            }
        };
        out.push(Lexeme { token, start, end: i });
    }
    out
}

/// Returns (end of the comment's inner text, index after the closing paren).
pub fn comment_end(bytes: &[u8], open: usize) -> (usize, usize) {
    let mut depth = 0u32;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return (i, i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    (bytes.len(), bytes.len())
}

fn word_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b'(' => break,
            b'[' => i = span_end(bytes, i, b']', false),
            b'<' => i = span_end(bytes, i, b'>', false),
            b'"' => i = span_end(bytes, i, b'"', true),
            _ => i += 1,
        }
    }
    i.min(bytes.len())
}

/// The index after `close`, scanning from the opener at `i`. Brackets and
/// angles stop at white space when unclosed (an angle address may hold a
/// quoted local part with spaces: `<"john doe"@example.org>`); quotes may
/// contain spaces and folds but not `;` (a missing close quote must not
/// swallow the date).
fn span_end(bytes: &[u8], i: usize, close: u8, spaces_allowed: bool) -> usize {
    let mut j = i + 1;
    while j < bytes.len() {
        let b = bytes[j];
        if b == close {
            return j + 1;
        }
        if spaces_allowed && b == b'\\' {
            j += 2;
            continue;
        }
        if !spaces_allowed && close == b'>' && b == b'"' {
            let end = span_end(bytes, j, b'"', true);
            if bytes.get(end - 1) != Some(&b'"') {
                return end;
            }
            j = end;
            continue;
        }
        let blank = b.is_ascii_whitespace();
        if b == b';' || (blank && !spaces_allowed) {
            return j;
        }
        j += 1;
    }
    j.min(bytes.len())
}

/// The words of a comment's inner text at its own top level, nested
/// comments skipped (`mail.example.com [192.0.2.1] (may be forged)` →
/// `["mail.example.com", "[192.0.2.1]"]`).
pub fn comment_words(inner: &str) -> Vec<&str> {
    lex(inner)
        .into_iter()
        .filter_map(|l| match l.token {
            Token::Word(w) => Some(w),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(value: &str) -> Vec<Token<'_>> {
        lex(value).into_iter().map(|l| l.token).collect()
    }

    #[test]
    fn words_comments_semicolons() {
        assert_eq!(
            tokens("from a.example (b.example [192.0.2.1]:25 (may be forged))\r\n\tby c; Wed"),
            vec![
                Token::Word("from"),
                Token::Word("a.example"),
                Token::Comment("b.example [192.0.2.1]:25 (may be forged)"),
                Token::Word("by"),
                Token::Word("c"),
                Token::Semicolon,
                Token::Word("Wed"),
            ]
        );
    }

    #[test]
    fn literals_stay_whole() {
        assert_eq!(
            tokens("for <\"john doe\"@example.org>;"),
            vec![Token::Word("for"), Token::Word("<\"john doe\"@example.org>"), Token::Semicolon]
        );
        assert_eq!(
            tokens("\"EHLO\r\n\tgw.example\" x"),
            vec![Token::Word("\"EHLO\r\n\tgw.example\""), Token::Word("x")]
        );
        assert_eq!(
            tokens("for <a b@example.com> [IPv6:2001:db8::1] \"x y\";"),
            vec![
                Token::Word("for"),
                Token::Word("<a"),
                Token::Word("b@example.com>"),
                Token::Word("[IPv6:2001:db8::1]"),
                Token::Word("\"x y\""),
                Token::Semicolon,
            ]
        );
    }

    #[test]
    fn unbalanced_input_terminates() {
        assert_eq!(tokens("(never closed ( x"), vec![Token::Comment("never closed ( x")]);
        assert_eq!(tokens("a)b"), vec![Token::Word("a)b")]);
        assert_eq!(tokens("\"open; Wed"), vec![Token::Word("\"open"), Token::Semicolon, Token::Word("Wed")]);
        assert_eq!(tokens("\\"), vec![Token::Word("\\")]);
        assert_eq!(tokens("(\\"), vec![Token::Comment("\\")]);
    }

    #[test]
    fn comment_words_skip_nested() {
        assert_eq!(comment_words("host.example [192.0.2.1] (may be forged)"), vec!["host.example", "[192.0.2.1]"]);
    }
}
