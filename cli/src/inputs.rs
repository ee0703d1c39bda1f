//! Turning PATH arguments into a stream of messages.
//!
//! Files are read lazily, one message at a time: an mbox of any size is split
//! line by line by the core's [`MboxSplitter`], and of each message only the
//! first [`INPUT_PREFIX_BYTES`] are kept (its header block is all that is
//! analysed), so memory stays flat whatever the input.

use iprev_core::limits::INPUT_PREFIX_BYTES;
use iprev_core::mbox::{MboxSplitter, is_envelope_line};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Longest line kept whole while splitting an mbox; the rest of a longer
/// line is counted but not stored.
const MAX_LINE_BYTES: usize = 64 * 1024;

/// One input to read: standard input or a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

/// A message ready for analysis, or why an input could not be read.
#[derive(Debug)]
pub enum Item {
    /// A message's bytes (at most its first `INPUT_PREFIX_BYTES`).
    Message {
        /// `path`, `path#N` for the N-th message of an mbox, `-` for stdin.
        source: String,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// An input that could not be read.
    Error {
        /// The path (or `-`).
        source: String,
        /// What went wrong, naming the cause.
        message: String,
    },
}

/// Expands PATH arguments, handing each input to `visit` as soon as it is
/// found: a directory becomes the messages below it (every `*.eml` and
/// `*.mbox` file, and every file in the `cur/` and `new/` folders of a
/// Maildir), recursively, in sorted path order; no argument means stdin.
/// Unreadable paths become errors in place. Each folder is read when the
/// walk reaches it, so the first messages are read while later folders are
/// still unlisted. `visit` returns false to stop the walk.
pub fn walk(paths: &[PathBuf], visit: &mut dyn FnMut(Result<Source, Item>) -> bool) {
    if paths.is_empty() {
        visit(Ok(Source::Stdin));
        return;
    }
    for path in paths {
        let go_on = if path.as_os_str() == "-" {
            visit(Ok(Source::Stdin))
        } else {
            match std::fs::metadata(path) {
                Ok(meta) if meta.is_dir() => walk_folder(path, visit),
                Ok(_) => visit(Ok(Source::File(path.clone()))),
                Err(e) => visit(Err(Item::Error { source: display(path), message: describe(&e) })),
            }
        };
        if !go_on {
            return;
        }
    }
}

/// True for a Maildir: a folder holding `cur`, `new` and `tmp`.
fn is_maildir(dir: &Path) -> bool {
    ["cur", "new", "tmp"].iter().all(|sub| dir.join(sub).is_dir())
}

fn has_extension(path: &Path, wanted: &str) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case(wanted))
}

/// The entries of a folder, sorted by name, or the error that stops it.
fn sorted_entries(dir: &Path) -> Result<Vec<(std::ffi::OsString, std::fs::DirEntry)>, Item> {
    let entries = std::fs::read_dir(dir).map_err(|e| Item::Error { source: display(dir), message: describe(&e) })?;
    let mut entries: Vec<_> = entries.flatten().map(|e| (e.file_name(), e)).collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

/// Walks a folder depth first, each folder's entries in name order: the
/// files come in sorted path order (component by component) without
/// sorting whole paths. Returns false when `visit` stopped the walk.
fn walk_folder(dir: &Path, visit: &mut dyn FnMut(Result<Source, Item>) -> bool) -> bool {
    let entries = match sorted_entries(dir) {
        Ok(entries) => entries,
        Err(error) => return visit(Err(error)),
    };
    let maildir = is_maildir(dir);
    for (name, entry) in entries {
        let path = entry.path();
        // Symbolic links to directories are not followed (no loops).
        let Ok(kind) = entry.file_type() else { continue };
        let go_on = if kind.is_dir() {
            if maildir && (name == "cur" || name == "new") {
                walk_maildir_folder(&path, visit)
            } else if maildir && name == "tmp" {
                true
            } else {
                walk_folder(&path, visit)
            }
        } else if has_extension(&path, "eml") || has_extension(&path, "mbox") {
            visit(Ok(Source::File(path)))
        } else {
            true
        };
        if !go_on {
            return false;
        }
    }
    true
}

/// Every regular file of a Maildir's `cur/` or `new/` is one message (dot
/// files excepted).
fn walk_maildir_folder(dir: &Path, visit: &mut dyn FnMut(Result<Source, Item>) -> bool) -> bool {
    let entries = match sorted_entries(dir) {
        Ok(entries) => entries,
        Err(error) => return visit(Err(error)),
    };
    for (name, entry) in entries {
        if entry.file_type().is_ok_and(|t| t.is_file())
            && !name.to_string_lossy().starts_with('.')
            && !visit(Ok(Source::File(entry.path())))
        {
            return false;
        }
    }
    true
}

/// The text used for a path in output.
pub fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// An I/O error in words a user can act on.
pub fn describe(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => error.to_string(),
    }
}

/// Reads one source, handing each message (or error) to `sink`.
pub fn read_source(source: &Source, sink: &mut dyn FnMut(Item)) {
    match source {
        Source::Stdin => read_stream("-", io::stdin().lock(), sink),
        Source::File(path) => {
            let name = display(path);
            match File::open(path) {
                Ok(file) => read_file(&name, file, sink),
                Err(e) => sink(Item::Error { source: name, message: describe(&e) }),
            }
        }
    }
}

/// Reads a file: a single message in one read sized from its metadata
/// (no intermediate buffer, at most [`INPUT_PREFIX_BYTES`]), anything that
/// starts like an mbox streamed.
fn read_file(name: &str, mut file: File, sink: &mut dyn FnMut(Item)) {
    let size = file.metadata().ok().filter(std::fs::Metadata::is_file).map_or(0, |m| m.len());
    if size == 0 {
        // Empty, or not a regular file (a FIFO, a device): its size says nothing.
        read_stream(name, BufReader::with_capacity(64 * 1024, file), sink);
        return;
    }
    let want = usize::try_from(size).unwrap_or(usize::MAX).min(INPUT_PREFIX_BYTES);
    let mut head = Vec::with_capacity(want);
    if let Err(e) = (&mut file).take(want as u64).read_to_end(&mut head) {
        sink(Item::Error { source: name.to_string(), message: describe(&e) });
        return;
    }
    if head.starts_with(b"From ") {
        read_stream(name, BufReader::with_capacity(64 * 1024, io::Cursor::new(head).chain(file)), sink);
    } else {
        // A message file is read as it was when opened: bytes appended
        // since then are not waited for.
        sink(Item::Message { source: name.to_string(), bytes: head });
    }
}

/// Reads a single message or an mbox from a stream.
fn read_stream<R: BufRead>(name: &str, mut reader: R, sink: &mut dyn FnMut(Item)) {
    let mut first = Vec::new();
    if let Err(e) = read_line_capped(&mut reader, &mut first, INPUT_PREFIX_BYTES) {
        sink(Item::Error { source: name.to_string(), message: describe(&e) });
        return;
    }
    if is_envelope_line(&first) {
        read_mbox(name, first, reader, sink);
        return;
    }
    let mut bytes = first;
    let room = INPUT_PREFIX_BYTES.saturating_sub(bytes.len()) as u64;
    match reader.take(room).read_to_end(&mut bytes) {
        Ok(_) => sink(Item::Message { source: name.to_string(), bytes }),
        Err(e) => sink(Item::Error { source: name.to_string(), message: describe(&e) }),
    }
}

fn read_mbox<R: BufRead>(name: &str, first: Vec<u8>, mut reader: R, sink: &mut dyn FnMut(Item)) {
    let mut splitter = MboxSplitter::new();
    let emit = |sink: &mut dyn FnMut(Item), message: iprev_core::mbox::MboxMessage| {
        sink(Item::Message { source: format!("{name}#{}", message.number), bytes: message.head });
    };
    let mut line = first;
    loop {
        if let Some(done) = splitter.push_line(&line) {
            emit(sink, done);
        }
        line.clear();
        match read_line_capped(&mut reader, &mut line, MAX_LINE_BYTES) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                sink(Item::Error { source: name.to_string(), message: format!("read failed: {}", describe(&e)) });
                return;
            }
        }
    }
    if let Some(done) = splitter.finish() {
        emit(sink, done);
    }
}

/// Reads one line (with its `\n`), keeping at most `cap` bytes of it.
/// Returns the number of bytes consumed from the reader.
fn read_line_capped<R: BufRead>(reader: &mut R, line: &mut Vec<u8>, cap: usize) -> io::Result<usize> {
    let mut consumed = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(consumed);
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (&available[..=at], true),
            None => (available, false),
        };
        let room = cap.saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = chunk.len();
        reader.consume(used);
        consumed += used;
        if done {
            return Ok(consumed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8]) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        read_stream("x", input, &mut |item| match item {
            Item::Message { source, bytes } => out.push((source, bytes.len())),
            Item::Error { source, message } => out.push((format!("{source}: {message}"), 0)),
        });
        out
    }

    #[test]
    fn single_message_and_mbox() {
        assert_eq!(collect(b"Subject: a\n\nbody\n"), vec![("x".to_string(), 17)]);
        let mbox = b"From a@b Wed Jan  4 10:11:12 2023\nSubject: a\n\nFrom b@c Wed Jan  4 10:11:12 2023\nSubject: b\n";
        let got = collect(mbox);
        assert_eq!(got.iter().map(|g| g.0.as_str()).collect::<Vec<_>>(), ["x#1", "x#2"]);
    }

    #[test]
    fn long_lines_are_capped() {
        let mut line = Vec::new();
        let input = vec![b'a'; MAX_LINE_BYTES * 3];
        let consumed = read_line_capped(&mut &input[..], &mut line, MAX_LINE_BYTES).expect("read");
        assert_eq!(consumed, MAX_LINE_BYTES * 3);
        assert_eq!(line.len(), MAX_LINE_BYTES);
    }

    #[test]
    fn directories_come_in_sorted_path_order() {
        let root = std::env::temp_dir().join(format!("iprev-plan-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        // Names where byte order and path order differ (`-` and `.` sort
        // before `/`), created out of order.
        let names = ["b.eml", "a.b/x.eml", "a/z.eml", "a-b.eml", "a/y/1.eml", "a0.eml", "a/x.mbox", "A.eml"];
        for name in names {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
            std::fs::write(&path, "Subject: x\n").expect("write");
        }
        let mut planned: Vec<PathBuf> = Vec::new();
        walk(std::slice::from_ref(&root), &mut |source| {
            if let Ok(Source::File(path)) = source {
                planned.push(path);
            }
            true
        });
        let mut sorted: Vec<PathBuf> = names.iter().map(|n| root.join(n)).collect();
        sorted.sort();
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(planned, sorted);
    }
}
