//! A cursor over structured header text: white space, comments (RFC 5322
//! §3.2.2), quoted strings and tokens. Shared by the `Authentication-Results`
//! and `Received-SPF` readers. Never fails: unbalanced input runs to the end.

use crate::received::lexer::comment_end;

/// Position in a header value.
#[derive(Clone)]
pub struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }

    /// True when only white space and comments remain.
    pub fn at_end(&mut self) -> bool {
        let mut scratch = Vec::new();
        self.skip_cfws(&mut scratch);
        self.pos >= self.text.len()
    }

    /// The next byte, without consuming it.
    pub fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Consumes one byte.
    pub fn bump(&mut self) {
        self.pos = (self.pos + 1).min(self.text.len());
    }

    /// Skips white space and comments; each comment's text is pushed.
    pub fn skip_cfws(&mut self, comments: &mut Vec<&'a str>) {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() {
            match bytes[self.pos] {
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                b'(' => {
                    let (inner_end, next) = comment_end(bytes, self.pos);
                    comments.push(self.text[self.pos + 1..inner_end].trim());
                    self.pos = next;
                }
                _ => break,
            }
        }
    }

    /// Reads a run of bytes up to white space, `(`, `;`, `"` or one of `stops`.
    pub fn word(&mut self, stops: &[u8]) -> &'a str {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        while self.pos < bytes.len() {
            let b = bytes[self.pos];
            if b.is_ascii_whitespace() || matches!(b, b'(' | b';' | b'"') || stops.contains(&b) {
                break;
            }
            self.pos += 1;
        }
        // Stops are ASCII, so the slice ends on a character boundary.
        &self.text[start..self.pos]
    }

    /// Reads a quoted string (RFC 5322 §3.2.4) or a word; quotes removed.
    pub fn value(&mut self, stops: &[u8]) -> String {
        if self.peek() != Some(b'"') {
            return self.word(stops).to_string();
        }
        self.bump();
        let mut out = String::new();
        let mut chars = self.text[self.pos..].char_indices();
        while let Some((offset, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += offset + 1;
                    return out;
                }
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        out.push(escaped);
                    }
                }
                '\r' | '\n' => {}
                _ => out.push(c),
            }
        }
        self.pos = self.text.len();
        out
    }

    /// Skips to just past the next `;` (or to the end).
    pub fn skip_past_semicolon(&mut self) {
        let mut scratch = Vec::new();
        while let Some(b) = self.peek() {
            match b {
                b';' => {
                    self.bump();
                    return;
                }
                b'(' | b' ' | b'\t' | b'\r' | b'\n' => self.skip_cfws(&mut scratch),
                b'"' => {
                    self.value(&[]);
                }
                _ => self.bump_char(),
            }
        }
    }

    fn bump_char(&mut self) {
        let step = self.text[self.pos..].chars().next().map_or(1, char::len_utf8);
        self.pos = (self.pos + step).min(self.text.len());
    }
}
