//! Just enough HTTP/1.1 (RFC 9112) for a DoH test server: requests framed by
//! `Content-Length`, keep-alive, and responses written at once or trickled.

use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Largest request head (request line and header fields) accepted.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 70_000;

/// A request as read from the connection.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method, as sent.
    pub method: String,
    /// The request target, as sent.
    pub target: String,
    /// HTTP/1.0 (`false`) or 1.1 (`true`).
    pub http11: bool,
    /// Header fields, names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    /// The body (empty without `Content-Length`).
    pub body: Vec<u8>,
}

impl Request {
    /// The value of the first field with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Whether the connection stays open after this request.
    pub fn keep_alive(&self) -> bool {
        let tokens = |value: &str| value.split(',').map(|t| t.trim().to_ascii_lowercase()).collect::<Vec<_>>();
        let connection: Vec<String> =
            self.headers.iter().filter(|(n, _)| n == "connection").flat_map(|(_, v)| tokens(v)).collect();
        if connection.iter().any(|t| t == "close") {
            return false;
        }
        self.http11 || connection.iter().any(|t| t == "keep-alive")
    }
}

/// A request that could not be read; the connection is answered and closed.
#[derive(Debug, Clone)]
pub struct BadRequest {
    /// The HTTP status to answer with.
    pub status: u16,
    /// Why, for the response body.
    pub reason: String,
    /// The method, if the request line could be read that far.
    pub method: String,
    /// The target, if the request line could be read that far.
    pub target: String,
    /// Body bytes announced or received.
    pub body_len: usize,
}

/// What reading the next request gave.
#[derive(Debug)]
pub enum ReadOutcome {
    /// A whole request.
    Request(Request),
    /// A request that cannot be served.
    Bad(BadRequest),
    /// The peer closed (or went idle past the read timeout, or the server is
    /// stopping) between requests.
    Closed,
}

/// One connection's read side: the stream and bytes read past the last request.
pub struct Reader {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Reader {
    /// Wraps a connection.
    pub fn new(stream: TcpStream) -> Self {
        Self { stream, buffer: Vec::new() }
    }

    /// The connection, for writing.
    pub fn stream(&mut self) -> &mut TcpStream {
        &mut self.stream
    }

    /// Reads more bytes into the buffer; `Ok(0)` at end of stream.
    fn fill(&mut self) -> io::Result<usize> {
        let mut chunk = [0u8; 8192];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(n) => {
                    self.buffer.extend_from_slice(&chunk[..n]);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads the next request, sending `100 Continue` first when the client
    /// waits for it before sending its body.
    pub fn next_request(&mut self) -> ReadOutcome {
        let head_end = loop {
            if let Some(end) = head_end(&self.buffer) {
                break end;
            }
            if self.buffer.len() > MAX_HEAD_BYTES {
                return ReadOutcome::Bad(bad_from_head(&self.buffer, 413, "request header fields too large"));
            }
            match self.fill() {
                Ok(0) | Err(_) if self.buffer.iter().all(u8::is_ascii_whitespace) => return ReadOutcome::Closed,
                Ok(0) => return ReadOutcome::Bad(bad_from_head(&self.buffer, 400, "incomplete request")),
                Err(_) => return ReadOutcome::Bad(bad_from_head(&self.buffer, 408, "request timed out")),
                Ok(_) => {}
            }
        };
        if head_end > MAX_HEAD_BYTES {
            return ReadOutcome::Bad(bad_from_head(&self.buffer, 413, "request header fields too large"));
        }
        let head: Vec<u8> = self.buffer.drain(..head_end).collect();
        let mut request = match parse_head(&head) {
            Ok(request) => request,
            Err(bad) => return ReadOutcome::Bad(bad),
        };
        let body_len = match content_length(&request) {
            Ok(len) => len,
            Err(reason) => {
                return ReadOutcome::Bad(BadRequest {
                    status: 400,
                    reason,
                    method: request.method,
                    target: request.target,
                    body_len: 0,
                });
            }
        };
        if request.header("transfer-encoding").is_some() {
            return ReadOutcome::Bad(BadRequest {
                status: 501,
                reason: "Transfer-Encoding is not supported; send Content-Length".to_string(),
                method: request.method,
                target: request.target,
                body_len: 0,
            });
        }
        if body_len > MAX_BODY_BYTES {
            return ReadOutcome::Bad(BadRequest {
                status: 413,
                reason: format!("body of {body_len} bytes; the limit is {MAX_BODY_BYTES}"),
                method: request.method,
                target: request.target,
                body_len,
            });
        }
        if body_len > 0
            && self.buffer.len() < body_len
            && request.header("expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
        {
            let _ = self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
        while self.buffer.len() < body_len {
            match self.fill() {
                Ok(0) | Err(_) => {
                    return ReadOutcome::Bad(BadRequest {
                        status: 400,
                        reason: format!("body cut at {} of {body_len} bytes", self.buffer.len()),
                        method: request.method,
                        target: request.target,
                        body_len: self.buffer.len(),
                    });
                }
                Ok(_) => {}
            }
        }
        request.body = self.buffer.drain(..body_len).collect();
        ReadOutcome::Request(request)
    }
}

/// The length of the request head including its blank line, once it is all
/// there (`CRLF CRLF`, or bare `LF LF`).
fn head_end(buffer: &[u8]) -> Option<usize> {
    // Blank lines before the request line are ignored (RFC 9112 §2.2).
    let start = buffer.iter().position(|b| !matches!(b, b'\r' | b'\n'))?;
    let rest = &buffer[start..];
    rest.iter().enumerate().find_map(|(i, &b)| {
        if b != b'\n' {
            return None;
        }
        match rest.get(i + 1) {
            Some(b'\n') => Some(start + i + 2),
            Some(b'\r') if rest.get(i + 2) == Some(&b'\n') => Some(start + i + 3),
            _ => None,
        }
    })
}

fn lines(head: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(head)
        .trim_start_matches(['\r', '\n'])
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line).to_string())
        .collect()
}

/// What can be said about a request that could not be parsed.
fn bad_from_head(head: &[u8], status: u16, reason: &str) -> BadRequest {
    let first = lines(&head[..head.len().min(8192)]).into_iter().next().unwrap_or_default();
    let mut parts = first.split(' ');
    let method = parts.next().unwrap_or_default().chars().take(64).collect();
    let target = parts.next().unwrap_or_default().chars().take(4096).collect();
    BadRequest { status, reason: reason.to_string(), method, target, body_len: 0 }
}

fn parse_head(head: &[u8]) -> Result<Request, BadRequest> {
    let bad = |reason: &str| bad_from_head(head, 400, reason);
    let lines = lines(head);
    let mut lines = lines.iter().filter(|l| !l.is_empty());
    let request_line = lines.next().ok_or_else(|| bad("empty request"))?;
    let parts: Vec<&str> = request_line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(bad("the request line is not `METHOD TARGET HTTP/1.x`"));
    };
    if method.is_empty() || !method.bytes().all(is_token_byte) {
        return Err(bad("bad method"));
    }
    if target.is_empty() || target.bytes().any(|b| b.is_ascii_control()) {
        return Err(bad("bad request target"));
    }
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Err(BadRequest { status: 505, ..bad("only HTTP/1.0 and HTTP/1.1 are served") }),
    };
    let mut headers = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            return Err(bad("obsolete line folding"));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad("a header line without a colon"));
        };
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(bad("bad header field name"));
        }
        headers.push((name.to_ascii_lowercase(), value.trim_matches([' ', '\t']).to_string()));
    }
    Ok(Request { method: method.to_string(), target: target.to_string(), http11, headers, body: Vec::new() })
}

fn content_length(request: &Request) -> Result<usize, String> {
    let mut length = None;
    for (name, value) in &request.headers {
        if name != "content-length" {
            continue;
        }
        let parsed = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            // Saturate: anything past usize is over the limit anyway.
            value.parse::<usize>().unwrap_or(usize::MAX)
        } else {
            return Err(format!("bad Content-Length {value:?}"));
        };
        if length.is_some_and(|l| l != parsed) {
            return Err("conflicting Content-Length fields".to_string());
        }
        length = Some(parsed);
    }
    Ok(length.unwrap_or(0))
}

/// RFC 9110 §5.6.2 `tchar`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A response to write.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Header fields other than `Content-Length`, `Connection` and CORS.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// A response with a body of this media type.
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Self { status, headers: vec![("Content-Type".to_string(), content_type.to_string())], body }
    }

    /// A short `text/plain` response.
    pub fn text(status: u16, text: &str) -> Self {
        Self::new(status, "text/plain; charset=utf-8", format!("{status} {}: {text}\n", reason(status)).into_bytes())
    }

    /// A response with no body.
    pub fn empty(status: u16) -> Self {
        Self { status, headers: Vec::new(), body: Vec::new() }
    }

    /// Adds a header field.
    #[must_use]
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The bytes on the wire.
    pub fn to_bytes(&self, close: bool) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            let _ = write!(out, "{name}: {value}\r\n");
        }
        out.push_str("Access-Control-Allow-Origin: *\r\n");
        // No body and no length on 1xx, 204 and 304 (RFC 9110 §8.6).
        let bodiless = self.status < 200 || self.status == 204 || self.status == 304;
        if !bodiless {
            let _ = write!(out, "Content-Length: {}\r\n", self.body.len());
        }
        if close {
            out.push_str("Connection: close\r\n");
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        if !bodiless {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }
}

/// Writes `bytes`, at once or one byte at a time with `pause` between bytes
/// (`sleep` returns false when the server is stopping).
pub fn write_out(
    stream: &mut TcpStream,
    bytes: &[u8],
    pause: Option<Duration>,
    sleep: &dyn Fn(Duration) -> bool,
) -> io::Result<()> {
    let Some(pause) = pause else {
        stream.write_all(bytes)?;
        return stream.flush();
    };
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 && !sleep(pause) {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "server stopping"));
        }
        stream.write_all(std::slice::from_ref(byte))?;
        stream.flush()?;
    }
    Ok(())
}

/// The reason phrase of a status code.
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_ends() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n\r\nrest"), Some(24));
        assert_eq!(head_end(b"GET / HTTP/1.1\nA: b\n\nrest"), Some(21));
        assert_eq!(head_end(b"\r\nGET / HTTP/1.1\r\n\r\n"), Some(20));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n"), None);
        assert_eq!(head_end(b"\r\n\r\n"), None);
    }

    #[test]
    fn heads_parse() {
        let request =
            parse_head(b"GET /dns-query?dns=AA HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n").expect("ok");
        assert_eq!((request.method.as_str(), request.target.as_str()), ("GET", "/dns-query?dns=AA"));
        assert_eq!(request.header("host"), Some("x"));
        assert!(!request.keep_alive());
        let old = parse_head(b"GET / HTTP/1.0\r\n\r\n").expect("ok");
        assert!(!old.keep_alive());
        for bad in [
            &b"GET /\r\n\r\n"[..],
            b"GET  / HTTP/1.1\r\n\r\n",
            b"G(T / HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nno colon\r\n\r\n",
            b"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
            b"\xff\xfe / HTTP/1.1\r\n\r\n",
        ] {
            assert_eq!(
                parse_head(bad).map(|_| ()).map_err(|e| e.status),
                Err(400),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(parse_head(b"GET / HTTP/2.0\r\n\r\n").map(|_| ()).map_err(|e| e.status), Err(505));
    }

    #[test]
    fn content_lengths() {
        let with = |fields: &[&str]| {
            let head = format!("POST / HTTP/1.1\r\n{}\r\n\r\n", fields.join("\r\n"));
            content_length(&parse_head(head.as_bytes()).expect("head"))
        };
        assert_eq!(with(&["Content-Length: 12"]), Ok(12));
        assert_eq!(with(&["Content-Length: 12", "content-length: 12"]), Ok(12));
        assert!(with(&["Content-Length: 12", "Content-Length: 13"]).is_err());
        assert!(with(&["Content-Length: -1"]).is_err());
        assert!(with(&["Content-Length: 1e3"]).is_err());
        assert_eq!(with(&["Content-Length: 99999999999999999999999999"]), Ok(usize::MAX));
    }
}
