//! A plain std HTTP/1.1 client for driving the server, and a test zone.
#![allow(dead_code, missing_docs)]

use iprev_core::zone::Zone;
use iprev_doh_server::Server;
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

pub const ZONE: &str = "\
$TTL 300
142.69.2.81.in-addr.arpa.  IN PTR   mail.example.net.
mail.example.net.       60 IN A     81.2.69.142
mail.example.net.          IN AAAA  2a02:cf40::1
www.example.net.       120 IN CNAME mail.example.net.
example.net.               IN MX    10 mail.example.net.
";

pub fn zone() -> Zone {
    Zone::parse(ZONE.as_bytes()).expect("test zone")
}

pub fn server() -> Server {
    Server::start(zone()).expect("server starts")
}

/// The request target of a URL (`http://host:port/path?query` -> `/path?query`).
pub fn target_of(url: &str) -> String {
    let rest = url.strip_prefix("http://").expect("http URL");
    rest[rest.find('/').expect("a path")..].to_string()
}

#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("JSON body ({e}): {}", self.text()))
    }
}

/// One connection to the server.
pub struct Client {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
        Self { stream, buffer: Vec::new() }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("send");
    }

    /// Closes the sending half (the server sees end of file).
    pub fn shutdown_write(&mut self) {
        self.stream.shutdown(std::net::Shutdown::Write).expect("shutdown");
    }

    /// Sends a request (Host and, when there is a body, Content-Length are
    /// added) and reads the response.
    pub fn request(&mut self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpResponse {
        self.send_request(method, target, headers, body);
        self.read_response().expect("a response")
    }

    pub fn send_request(&mut self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) {
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (name, value) in headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        if !body.is_empty() || method == "POST" {
            let _ = write!(head, "Content-Length: {}\r\n", body.len());
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        self.send(&bytes);
    }

    pub fn get(&mut self, target: &str) -> HttpResponse {
        self.request("GET", target, &[], b"")
    }

    fn fill(&mut self) -> io::Result<usize> {
        let mut chunk = [0u8; 16384];
        let n = self.stream.read(&mut chunk)?;
        self.buffer.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    /// Reads one response (skipping `100 Continue`); an error when the
    /// server closes first.
    pub fn read_response(&mut self) -> io::Result<HttpResponse> {
        self.read_next(true)
    }

    /// Reads the next response, `100 Continue` included.
    pub fn read_interim(&mut self) -> io::Result<HttpResponse> {
        self.read_next(false)
    }

    fn read_next(&mut self, skip_interim: bool) -> io::Result<HttpResponse> {
        loop {
            let end = loop {
                if let Some(at) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                    break at + 4;
                }
                if self.fill()? == 0 {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "closed before a response"));
                }
            };
            let head = String::from_utf8(self.buffer.drain(..end).collect()).expect("UTF-8 head");
            let mut lines = head.trim_end().split("\r\n");
            let status_line = lines.next().expect("status line");
            let mut parts = status_line.splitn(3, ' ');
            assert_eq!(parts.next(), Some("HTTP/1.1"), "{status_line}");
            let status: u16 = parts.next().expect("status").parse().expect("numeric status");
            let headers: Vec<(String, String)> = lines
                .map(|line| {
                    let (name, value) = line.split_once(':').expect("header colon");
                    (name.to_string(), value.trim().to_string())
                })
                .collect();
            if status == 100 {
                if skip_interim {
                    continue;
                }
                return Ok(HttpResponse { status, headers, body: Vec::new() });
            }
            let length = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-length")).map(|(_, v)| v);
            let body = match length {
                Some(length) => {
                    let length: usize = length.parse().expect("numeric Content-Length");
                    while self.buffer.len() < length {
                        if self.fill()? == 0 {
                            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "body cut short"));
                        }
                    }
                    self.buffer.drain(..length).collect()
                }
                None if status == 204 || status == 304 => Vec::new(),
                None => {
                    while self.fill()? > 0 {}
                    std::mem::take(&mut self.buffer)
                }
            };
            return Ok(HttpResponse { status, headers, body });
        }
    }

    /// Whether the server has closed the connection (reads end of file).
    pub fn closed_by_server(&mut self) -> bool {
        matches!(self.fill(), Ok(0) | Err(_)) && self.buffer.is_empty()
    }
}

/// One request on a fresh connection.
pub fn request(addr: SocketAddr, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpResponse {
    Client::connect(addr).request(method, target, headers, body)
}

pub fn get(addr: SocketAddr, target: &str) -> HttpResponse {
    request(addr, "GET", target, &[], b"")
}
