//! Splits a `Received:` value into words, comments and semicolons.
//!
//! Folding white space (CR, LF, tabs) separates tokens like a space, so the
//! value needs no unfolding first. A word keeps `[...]`, `<...>` and
//! `"..."` runs whole (`[IPv6:2001:db8::1]:25`, `<a b@example.com>`); a
//! comment is everything between balanced parentheses, with `\` escapes
//! (RFC 5322 §3.2.2). Unbalanced input never fails: a comment with no end
//! runs to the end of the value.
//!
//! Inside a token, white space is text: [`lex_read`] reads folds away
//! there, once for the whole value, so that a comment's text has every run
//! of white space as one space (`(Exim\r\n 4.96)` and `(Exim\t4.96)` say
//! what `(Exim 4.96)` says) and a quoted string is unfolded (RFC 5322
//! §2.2.3: `"john\r\n doe"` is `"john doe"`). Values with nothing to change
//! there (most) are lexed once and not copied; tokens stay `&str` slices.

/// One lexical element, borrowing from the value (or from the text
/// [`lex_read`] returns).
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

/// Tokenizes the whole value, as written (see [`lex_read`]).
pub fn lex(value: &str) -> Vec<Lexeme<'_>> {
    lex_with::<false>(value).0
}

/// Tokenizes the whole value as it reads: when a comment holds white space
/// other than single spaces (an HTAB, a CR, an LF, two spaces in a row) or
/// a quoted string holds a fold, `unfolded` receives the value with every
/// such run in a comment as one space and every fold in a word removed
/// (RFC 5322 §2.2.3), and the tokens are that text's. Returns the text the
/// tokens and their offsets are in: `value` itself when nothing changes,
/// without a copy.
pub fn lex_read<'a>(value: &'a str, unfolded: &'a mut String) -> (&'a str, Vec<Lexeme<'a>>) {
    let (mut lexemes, maybe_folded) = lex_with::<true>(value);
    if !maybe_folded {
        return (value, lexemes);
    }
    // Only bytes inside tokens change, so the tokens keep their order and
    // the text between them: copy the value up to each token to change,
    // write it as read, and move the offsets of the tokens after it by what
    // was removed so far.
    unfolded.clear();
    // A comment with no `)` runs to the end of the value: only the last one.
    let unclosed =
        lexemes.last().is_some_and(|l| matches!(l.token, Token::Comment(inner) if l.end == l.start + 1 + inner.len()));
    let mut changed = false;
    let mut removed = 0;
    let mut from = 0;
    for lexeme in &mut lexemes {
        let (start, end) = (lexeme.start, lexeme.end);
        let before = unfolded.len();
        match lexeme.token {
            Token::Comment(inner) if needs_collapse(inner) => {
                unfolded.push_str(&value[from..=start]);
                collapse_into(inner, unfolded);
                unfolded.push_str(&value[start + 1 + inner.len()..end]);
            }
            Token::Word(word) if word.contains('\n') => {
                unfolded.push_str(&value[from..start]);
                unfold_into(word, unfolded);
            }
            _ => {
                (lexeme.start, lexeme.end) = (start - removed, end - removed);
                continue;
            }
        }
        changed = true;
        let written = unfolded.len() - before - (start - from);
        (lexeme.start, lexeme.end) = (start - removed, start - removed + written);
        removed += (end - start) - written;
        from = end;
    }
    if !changed {
        // Only a hint (an escaped blank, a control character), or a line
        // break that is not a fold: the offsets are the value's.
        return (value, lexemes);
    }
    unfolded.push_str(&value[from..]);
    let text: &'a String = unfolded;
    let last = lexemes.len() - 1;
    for (k, lexeme) in lexemes.iter_mut().enumerate() {
        let span = &text[lexeme.start..lexeme.end];
        lexeme.token = match lexeme.token {
            Token::Word(_) => Token::Word(span),
            Token::Comment(_) if k == last && unclosed => Token::Comment(&span[1..]),
            Token::Comment(_) => Token::Comment(&span[1..span.len() - 1]),
            Token::Semicolon => Token::Semicolon,
        };
    }
    (text, lexemes)
}

/// The lexer. With `CHECK`, also whether a token may hold white space to
/// read away (see [`lex_read`]): a hint that rides on the scan, true for
/// every comment that [`needs_collapse`] and every word with a fold, and
/// for a few others (a control character or an escaped blank in a comment).
fn lex_with<const CHECK: bool>(value: &str) -> (Vec<Lexeme<'_>>, bool) {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(24);
    let mut maybe_folded = false;
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
                let (inner_end, next, spaced) = comment_scan::<CHECK>(bytes, i);
                i = next;
                maybe_folded |= spaced;
                Token::Comment(&value[start + 1..inner_end])
            }
            _ => {
                i = word_end::<CHECK>(bytes, i, &mut maybe_folded);
                Token::Word(&value[start..i])
            }
        };
        out.push(Lexeme { token, start, end: i });
    }
    (out, maybe_folded)
}

/// Whether `text` holds an HTAB, a CR, an LF or two spaces in a row: what
/// [`lex_read`] changes in a comment, and what no comment it gives holds.
pub fn needs_collapse(text: &str) -> bool {
    let mut space = false;
    for &b in text.as_bytes() {
        match b {
            b' ' if space => return true,
            b' ' => space = true,
            b'\t' | b'\r' | b'\n' => return true,
            _ => space = false,
        }
    }
    false
}

/// White space as RFC 5322 folds it: SP, HTAB, CR, LF.
fn is_fws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Appends `text` with every run of SP, HTAB, CR and LF as one space.
fn collapse_into(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(at) = rest.bytes().position(is_fws) {
        out.push_str(&rest[..at]);
        out.push(' ');
        let run = rest.as_bytes()[at..].iter().take_while(|&&b| is_fws(b)).count();
        rest = &rest[at + run..];
    }
    out.push_str(rest);
}

/// Appends `text` unfolded (RFC 5322 §2.2.3): a line break (CRLF, or a bare
/// LF) followed by SP or HTAB is removed, the white space kept.
fn unfold_into(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let mut from = 0;
    for (at, _) in text.match_indices('\n') {
        if matches!(bytes.get(at + 1), Some(b' ' | b'\t')) {
            let cut = if at > from && bytes[at - 1] == b'\r' { at - 1 } else { at };
            out.push_str(&text[from..cut]);
            from = at + 1;
        }
    }
    out.push_str(&text[from..]);
}

/// Returns (end of the comment's inner text, index after the closing paren).
pub fn comment_end(bytes: &[u8], open: usize) -> (usize, usize) {
    let (inner_end, next, _) = comment_scan::<false>(bytes, open);
    (inner_end, next)
}

/// [`comment_end`], and with `CHECK` whether the comment may hold white
/// space to read away: a byte up to SP that is not a single space (one
/// comparison for the bytes above it, most of them), or an escaped one.
#[inline]
fn comment_scan<const CHECK: bool>(bytes: &[u8], open: usize) -> (usize, usize, bool) {
    let mut depth = 0u32;
    let mut spaced = false;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                if CHECK {
                    spaced |= bytes.get(i + 1).is_some_and(|&b| b <= b' ');
                }
                i += 1;
            }
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return (i, i + 1, spaced);
                }
            }
            b if CHECK && b <= b' ' => spaced |= b != b' ' || bytes.get(i + 1) == Some(&b' '),
            _ => {}
        }
        i += 1;
    }
    (bytes.len(), bytes.len(), spaced)
}

/// The end of the word starting at `i`; with `CHECK`, sets `folded` when a
/// quoted run in it holds an LF.
#[inline]
fn word_end<const CHECK: bool>(bytes: &[u8], mut i: usize, folded: &mut bool) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b'(' => break,
            b'[' => i = span_end::<CHECK>(bytes, i, b']', false, folded),
            b'<' => i = span_end::<CHECK>(bytes, i, b'>', false, folded),
            b'"' => i = span_end::<CHECK>(bytes, i, b'"', true, folded),
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
fn span_end<const CHECK: bool>(bytes: &[u8], i: usize, close: u8, spaces_allowed: bool, folded: &mut bool) -> usize {
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
            let end = span_end::<CHECK>(bytes, j, b'"', true, folded);
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
        if CHECK && b == b'\n' {
            *folded = true;
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

    /// The tokens of `value` as read (`w:` words, `c:` comments, `;`), and
    /// whether `value` had to be copied.
    fn read(value: &str) -> (Vec<String>, bool) {
        let mut unfolded = String::new();
        let (text, lexemes) = lex_read(value, &mut unfolded);
        let copied = !std::ptr::eq(text, value);
        for l in &lexemes {
            let span = &text[l.start..l.end];
            match l.token {
                Token::Word(w) => assert_eq!(w, span),
                Token::Comment(c) => assert!(span.strip_prefix('(').is_some_and(|s| s.starts_with(c)), "{span:?}"),
                Token::Semicolon => assert_eq!(span, ";"),
            }
        }
        let tokens = lexemes
            .into_iter()
            .map(|l| match l.token {
                Token::Word(w) => format!("w:{w}"),
                Token::Comment(c) => format!("c:{c}"),
                Token::Semicolon => ";".to_string(),
            })
            .collect();
        (tokens, copied)
    }

    /// Regression: a fold or a tab inside a comment stayed in its text, so
    /// `(Exim\r\n 4.96)` no longer read as Exim's mark.
    #[test]
    fn comments_read_each_white_space_run_as_one_space() {
        for value in ["(Exim\r\n 4.96)", "(Exim\t4.96)", "(Exim\n\t 4.96)", "(Exim  4.96)"] {
            assert_eq!(read(value), (vec!["c:Exim 4.96".to_string()], true), "{value:?}");
            assert_eq!(tokens(value), vec![Token::Comment(&value[1..value.len() - 1])], "lex gives it as written");
        }
        assert_eq!(read("a ( a\r\n\t(b\tc) ) b\r\n\t(c)").0, ["w:a", "c: a (b c) ", "w:b", "c:c"]);
        // Escaped white space is white space too; unclosed comments are read the same.
        assert_eq!(read("(a\\\tb)").0, ["c:a\\ b"]);
        assert_eq!(read("(a  b").0, ["c:a b"]);
    }

    /// Regression: a fold inside a quoted string stayed in the word, so
    /// `for <"john\r\n doe"@example.org>` kept the line break.
    #[test]
    fn quoted_strings_are_unfolded() {
        assert_eq!(read("for <\"john\r\n doe\"@example.org>;").0, ["w:for", "w:<\"john doe\"@example.org>", ";"]);
        assert_eq!(read("\"a\n\tb\r\n  c\" d").0, ["w:\"a\tb  c\"", "w:d"]);
        // A line break without white space after it is not a fold.
        assert_eq!(read("\"a\r\nb\" x\r\n y").0, ["w:\"a\r\nb\"", "w:x", "w:y"]);
    }

    #[test]
    fn values_with_nothing_to_read_away_are_not_copied() {
        let plain = "from a (b [192.0.2.1]) by c\r\n\twith ESMTP (Exim 4.96)\r\n\tfor <\"x y\"@z>; Wed";
        assert!(!read(plain).1);
        assert!(read("(a\tb)").1);
        assert!(read("\"a\r\n b\"").1);
        assert!(!needs_collapse(" a b "));
        assert!(needs_collapse("a  b") && needs_collapse("a\tb") && needs_collapse("a\nb"));
    }
}
