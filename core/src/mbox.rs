//! Splitting an mbox into messages, one line at a time (sans-IO).
//!
//! The caller reads lines (any size of file, from anywhere) and feeds them
//! in; whole messages come out. A line is a separator when it starts with
//! `From `, follows a blank line (or starts the file), and looks like an
//! envelope line (`From sender Wed Jan  4 10:11:12 2023`): a body line such
//! as "From here on..." is not a separator. Only the first
//! [`INPUT_PREFIX_BYTES`] of each message are kept, since only its header
//! block is analysed; memory stays flat however large the mailbox.

use crate::limits::INPUT_PREFIX_BYTES;

/// One message of an mbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MboxMessage {
    /// Position in the mailbox, from 1.
    pub number: usize,
    /// The envelope line without `From ` and the line end.
    pub envelope: String,
    /// The message's first bytes (the whole message when it is small).
    pub head: Vec<u8>,
    /// The message's full size in bytes.
    pub size: u64,
}

/// Line-by-line mbox splitter.
#[derive(Debug, Default)]
pub struct MboxSplitter {
    current: Option<MboxMessage>,
    previous_blank: bool,
    seen_any_line: bool,
    count: usize,
    /// Bytes before the first separator (not part of any message).
    leading_bytes: u64,
}

impl MboxSplitter {
    /// A splitter at the start of a mailbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one line, line end included. Returns the previous message when
    /// this line starts a new one.
    pub fn push_line(&mut self, line: &[u8]) -> Option<MboxMessage> {
        let separator = (!self.seen_any_line || self.previous_blank) && is_envelope_line(line);
        self.seen_any_line = true;
        self.previous_blank = line.iter().all(u8::is_ascii_whitespace);
        if separator {
            self.count += 1;
            let envelope = String::from_utf8_lossy(trim_line_end(&line[5..])).into_owned();
            let next = MboxMessage { number: self.count, envelope, head: Vec::new(), size: 0 };
            return self.current.replace(next).map(finish);
        }
        match &mut self.current {
            Some(message) => {
                message.size += line.len() as u64;
                let room = INPUT_PREFIX_BYTES.saturating_sub(message.head.len());
                message.head.extend_from_slice(&line[..line.len().min(room)]);
            }
            None => self.leading_bytes += line.len() as u64,
        }
        None
    }

    /// Ends the mailbox, returning its last message.
    pub fn finish(self) -> Option<MboxMessage> {
        self.current.map(finish)
    }

    /// Bytes seen before the first `From ` line (a file that is not an mbox
    /// has all its bytes here).
    pub fn leading_bytes(&self) -> u64 {
        self.leading_bytes
    }
}

/// The blank line that separates messages belongs to the mbox format, not to
/// the message; mboxrd's `>From ` quoting only matters in bodies, which are
/// not analysed.
fn finish(mut message: MboxMessage) -> MboxMessage {
    if message.head.len() as u64 == message.size {
        while message.head.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            message.head.pop();
        }
        message.head.push(b'\n');
    }
    message
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `From <sender> <date>`: the sender is one word, and the rest holds a
/// time `hh:mm` and a year.
pub fn is_envelope_line(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    let rest = String::from_utf8_lossy(trim_line_end(rest));
    let mut words = rest.split_whitespace();
    let Some(sender) = words.next() else {
        return false;
    };
    if sender.contains(':') && !sender.contains('@') {
        return false;
    }
    let tail: Vec<&str> = words.collect();
    let has_time = tail.iter().any(|w| {
        let b = w.as_bytes();
        b.len() >= 4 && b[0].is_ascii_digit() && w.contains(':') && w.bytes().all(|c| c.is_ascii_digit() || c == b':')
    });
    let has_year = tail.iter().any(|w| {
        w.len() == 4
            && w.bytes().all(|c| c.is_ascii_digit())
            && (b"19" == &w.as_bytes()[..2] || b"20" == &w.as_bytes()[..2])
    });
    has_time && has_year
}

/// Splits a whole mbox held in memory.
pub fn split_mbox(input: &[u8]) -> Vec<MboxMessage> {
    let mut splitter = MboxSplitter::new();
    let mut out = Vec::new();
    for line in input.split_inclusive(|&b| b == b'\n') {
        out.extend(splitter.push_line(line));
    }
    out.extend(splitter.finish());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_envelope_lines_only() {
        let mbox = b"From a@example.com Wed Jan  4 10:11:12 2023\nSubject: one\n\nFrom here on, body.\n>From quoted\n\nFrom b@example.com Thu Jan  5 10:11:12 2023\nSubject: two\n\nbody\n";
        let messages = split_mbox(mbox);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].number, 1);
        assert_eq!(messages[0].envelope, "a@example.com Wed Jan  4 10:11:12 2023");
        assert_eq!(messages[0].head, b"Subject: one\n\nFrom here on, body.\n>From quoted\n");
        assert_eq!(messages[1].head, b"Subject: two\n\nbody\n");
    }

    #[test]
    fn body_line_after_blank_that_is_not_an_envelope_stays() {
        let mbox = b"From a@example.com Wed Jan  4 10:11:12 2023\nSubject: one\n\nFrom the desk of nobody\n";
        assert_eq!(split_mbox(mbox).len(), 1);
    }

    #[test]
    fn not_an_mbox() {
        let mut splitter = MboxSplitter::new();
        assert_eq!(splitter.push_line(b"Subject: x\n"), None);
        assert_eq!(splitter.leading_bytes(), 11);
        assert_eq!(splitter.finish(), None);
    }

    #[test]
    fn large_messages_keep_only_their_head() {
        let mut splitter = MboxSplitter::new();
        splitter.push_line(b"From a@example.com Wed Jan  4 10:11:12 2023\n");
        let line = vec![b'x'; 1024 * 1024];
        for _ in 0..6 {
            splitter.push_line(&line);
        }
        let message = splitter.finish().expect("message");
        assert_eq!(message.head.len(), INPUT_PREFIX_BYTES);
        assert_eq!(message.size, 6 * 1024 * 1024);
    }
}
