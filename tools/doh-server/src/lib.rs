//! A DNS-over-HTTPS (RFC 8484) server for iprev's tests: plain HTTP/1.1 on
//! loopback, answers from a [`Zone`], and faults injected on demand, so that
//! no test ever needs the internet.
//!
//! ```no_run
//! use iprev_core::zone::Zone;
//! use iprev_core::dns::Rcode;
//! use iprev_doh_server::{Fault, FaultRule, Server};
//!
//! let zone = Zone::parse(b"142.69.2.81.in-addr.arpa. 300 IN PTR mail.example.net.\n")?;
//! let server = Server::start(zone)?;
//! server.add_fault(FaultRule::for_name("mail.example.net", Fault::Rcode(Rcode::ServFail)));
//! let url = server.url(); // http://127.0.0.1:PORT/dns-query
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Served: `GET /dns-query?dns=<base64url>` and `POST /dns-query`
//! (`application/dns-message`), and the JSON API (`GET /resolve?name=&type=`,
//! or `GET /dns-query?name=&type=` with `Accept: application/dns-json`).
//! Every response allows any origin (CORS); `OPTIONS` is a preflight.

mod codec;
mod handler;
mod http;

pub use codec::{base64url_decode, parse_query_string, percent_decode};
pub use http::{MAX_BODY_BYTES, MAX_HEAD_BYTES};

use handler::Shared;
use iprev_core::dns::{DnsAnswer, QType, Question, Rcode};
use iprev_core::zone::Zone;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::str::FromStr;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How long an idle keep-alive connection (or a stalled request) is kept.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The size of the body [`Fault::Oversized`] sends.
pub const OVERSIZED_BYTES: usize = 70_000;

/// The DNS ID [`Fault::WrongId`] puts in responses.
pub const WRONG_ID: u16 = 4660;

/// A running DoH server. Dropping it stops it: the listener is closed and
/// every connection is shut down.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server answering from `zone` on `127.0.0.1` and an ephemeral port.
    pub fn start(zone: Zone) -> io::Result<Server> {
        Self::start_on(zone, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
    }

    /// Starts a server answering from `zone` on `addr`.
    pub fn start_on(zone: Zone, addr: SocketAddr) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(zone));
        let accept = thread::Builder::new().name("doh-accept".to_string()).spawn({
            let shared = Arc::clone(&shared);
            move || handler::accept_loop(&listener, &shared)
        })?;
        Ok(Server { addr, shared, accept: Some(accept) })
    }

    /// The RFC 8484 endpoint: `http://127.0.0.1:PORT/dns-query`.
    pub fn url(&self) -> String {
        format!("http://{}/dns-query", self.addr)
    }

    /// The JSON API endpoint: `http://127.0.0.1:PORT/resolve`.
    pub fn json_url(&self) -> String {
        format!("http://{}/resolve", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits this long before every response (on top of any [`Fault::Delay`]).
    pub fn set_latency(&self, latency: Duration) {
        *handler::lock(&self.shared.latency) = latency;
    }

    /// Adds a fault rule after those already set; the first rule that matches
    /// a question applies.
    pub fn add_fault(&self, rule: FaultRule) {
        handler::lock(&self.shared.faults).push(rule);
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        handler::lock(&self.shared.faults).clear();
    }

    /// Answers from this zone from now on.
    pub fn set_zone(&self, zone: Zone) {
        *handler::lock(&self.shared.zone) = Arc::new(zone);
    }

    /// Every request received so far (bad ones too), in arrival order.
    pub fn log(&self) -> Vec<LogEntry> {
        handler::lock(&self.shared.log).clone()
    }

    /// Empties the request log.
    pub fn clear_log(&self) {
        handler::lock(&self.shared.log).clear();
    }

    /// Calls `hook` with every log entry as it is recorded, in log order
    /// (the log lock is held: the hook must not call back into the server).
    pub fn on_request(&self, hook: impl Fn(&LogEntry) + Send + Sync + 'static) {
        *handler::lock(&self.shared.observer) = Some(Arc::new(hook));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop();
        // Wake the accept loop with a connection of our own.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            });
        }
        if TcpStream::connect_timeout(&wake, Duration::from_secs(1)).is_ok()
            && let Some(accept) = self.accept.take()
        {
            let _ = accept.join();
        }
        for (_, connection) in handler::lock(&self.shared.connections).drain() {
            let _ = connection.shutdown(Shutdown::Both);
        }
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server").field("addr", &self.addr).finish_non_exhaustive()
    }
}

/// When a fault applies: to one name and/or type, or to every question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// The exact question name (case-insensitive, trailing dot ignored), or
    /// `None` for every name.
    pub name: Option<String>,
    /// The question type, or `None` for every type.
    pub qtype: Option<QType>,
    /// What happens.
    pub fault: Fault,
}

impl FaultRule {
    /// A rule for every question.
    pub fn all(fault: Fault) -> Self {
        Self { name: None, qtype: None, fault }
    }

    /// A rule for every question about `name`, whatever its type.
    pub fn for_name(name: &str, fault: Fault) -> Self {
        Self { name: Some(name.to_string()), qtype: None, fault }
    }

    /// Whether the rule applies to `question`.
    pub fn matches(&self, question: &Question) -> bool {
        let name_matches =
            self.name.as_deref().is_none_or(|name| name.trim_end_matches('.').eq_ignore_ascii_case(&question.name));
        name_matches && self.qtype.is_none_or(|qtype| qtype == question.qtype)
    }
}

/// Reads `NAME=KIND` as the binary's `--fault` takes it. `NAME` is a name,
/// `*` for every name, and either may end in `/TYPE` (`PTR`, `A`, `AAAA`).
/// `KIND` is one of `servfail`, `refused`, `nxdomain`, `formerr`, `notimp`,
/// `rcodeN`, `httpNNN`, `garbage`, `wrong-content-type`, `truncated`,
/// `wrong-id`, `wrong-question`, `delay-MS`, `trickle-MS`, `trickle-body-MS`,
/// `oversized`, `close`, `redirect-URL`.
impl FromStr for FaultRule {
    type Err = String;

    fn from_str(spec: &str) -> Result<Self, String> {
        let Some((target, kind)) = spec.split_once('=') else {
            return Err(format!("{spec:?} is not NAME=KIND"));
        };
        let (name, qtype) = match target.rsplit_once('/') {
            Some((name, qtype)) => (name, Some(parse_qtype(qtype).ok_or_else(|| format!("unknown type {qtype:?}"))?)),
            None => (target, None),
        };
        let name = match name {
            "" => return Err(format!("{spec:?} names no question (use * for every name)")),
            "*" => None,
            name => Some(name.trim_end_matches('.').to_ascii_lowercase()),
        };
        Ok(Self { name, qtype, fault: kind.parse()? })
    }
}

/// What a [`FaultRule`] does to a matching request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this rcode and no records (SERVFAIL, REFUSED, NXDOMAIN...).
    Rcode(Rcode),
    /// Reply with this HTTP status and a short text body.
    HttpStatus(u16),
    /// Reply with this HTTP status and `Retry-After: SECONDS` (a busy server).
    RetryAfter(u16, u32),
    /// 200, `application/dns-message`, a body of random-looking bytes that
    /// are no DNS message (ID 0 and the QR bit set, so a client gets past its
    /// ID check and fails to decode it); for JSON requests, invalid JSON.
    Garbage,
    /// The correct answer with `Content-Type: text/html`.
    WrongContentType,
    /// The answer with the TC bit set and no records.
    Truncated,
    /// The answer with DNS ID [`WRONG_ID`] (wire format only).
    WrongId,
    /// An answer for another question: the name with `x.` prepended (or,
    /// when that name would be too long, another type).
    WrongQuestion,
    /// Wait this long before answering normally.
    Delay(Duration),
    /// Send the correct response (status line and headers too) one byte at
    /// a time, sleeping this long between bytes.
    Trickle(Duration),
    /// Send the status line and headers at once, then the body one byte at
    /// a time, sleeping this long between bytes (a client that stops its
    /// clock once the headers are in waits for the whole body).
    TrickleBody(Duration),
    /// A 200 body of [`OVERSIZED_BYTES`] bytes with `Content-Length` to match.
    Oversized,
    /// 302 with this `Location`.
    Redirect(String),
    /// Close the connection without any response.
    Close,
    /// Answer with these records instead of the zone's.
    Answer(DnsAnswer),
}

/// Reads a `--fault` KIND (see [`FaultRule`]'s `FromStr`).
impl FromStr for Fault {
    type Err = String;

    fn from_str(kind: &str) -> Result<Self, String> {
        let millis = |text: &str| {
            text.parse::<u64>()
                .map(Duration::from_millis)
                .map_err(|_| format!("{kind:?}: {text:?} is not milliseconds"))
        };
        let lower = kind.to_ascii_lowercase();
        Ok(match lower.as_str() {
            "servfail" => Self::Rcode(Rcode::ServFail),
            "refused" => Self::Rcode(Rcode::Refused),
            "nxdomain" => Self::Rcode(Rcode::NxDomain),
            "formerr" => Self::Rcode(Rcode::FormErr),
            "notimp" => Self::Rcode(Rcode::NotImp),
            "garbage" => Self::Garbage,
            "wrong-content-type" => Self::WrongContentType,
            "truncated" => Self::Truncated,
            "wrong-id" => Self::WrongId,
            "wrong-question" => Self::WrongQuestion,
            "oversized" => Self::Oversized,
            "close" => Self::Close,
            _ => {
                if let Some(ms) = lower.strip_prefix("delay-") {
                    Self::Delay(millis(ms)?)
                } else if let Some(ms) = lower.strip_prefix("trickle-body-") {
                    Self::TrickleBody(millis(ms)?)
                } else if let Some(ms) = lower.strip_prefix("trickle-") {
                    Self::Trickle(millis(ms)?)
                } else if kind.len() > 9 && lower.starts_with("redirect-") {
                    Self::Redirect(kind[9..].to_string())
                } else if let Some(code) = lower.strip_prefix("rcode") {
                    let code = code.parse::<u16>().ok().filter(|c| *c < 4096);
                    Self::Rcode(Rcode::from_code(code.ok_or_else(|| format!("{kind:?}: rcodeN takes 0 to 4095"))?))
                } else if let Some((code, seconds)) = lower.strip_prefix("http").and_then(|r| r.split_once("-retry-")) {
                    let status = code.parse::<u16>().ok().filter(|c| code.len() == 3 && (100..=599).contains(c));
                    let status =
                        status.ok_or_else(|| format!("{kind:?}: httpNNN-retry-S takes a status from 100 to 599"))?;
                    let seconds =
                        seconds.parse::<u32>().map_err(|_| format!("{kind:?}: {seconds:?} is not seconds"))?;
                    Self::RetryAfter(status, seconds)
                } else if let Some(code) = lower.strip_prefix("http") {
                    let status = code.parse::<u16>().ok().filter(|c| code.len() == 3 && (100..=599).contains(c));
                    Self::HttpStatus(status.ok_or_else(|| format!("{kind:?}: httpNNN takes a status from 100 to 599"))?)
                } else {
                    return Err(format!(
                        "unknown fault {kind:?} (servfail, refused, nxdomain, formerr, notimp, rcodeN, httpNNN, garbage, \
                         wrong-content-type, truncated, wrong-id, wrong-question, delay-MS, trickle-MS, trickle-body-MS, oversized, \
                         close, redirect-URL, httpNNN-retry-S)"
                    ));
                }
            }
        })
    }
}

/// One request as the server received it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogEntry {
    /// The question, when the request carried a readable one.
    pub question: Option<Question>,
    /// `GET` or `POST` (wire format), `JSON` (the JSON API), or the method
    /// as sent for anything else (`OPTIONS`, `DELETE`, bad requests...).
    pub method: String,
    /// The path of the request target, without the query string.
    pub path: String,
    /// Milliseconds since the server started.
    pub at_ms: u64,
    /// The request target exactly as received (for privacy checks).
    pub raw_target: String,
    /// Bytes of request body.
    pub body_len: usize,
    /// Whether the request carried a `Cookie` field (its value is not kept).
    pub cookie: bool,
    /// Whether the request carried an `Authorization` field (its value is
    /// not kept).
    pub authorization: bool,
    /// The `Origin` field, when sent.
    pub origin: Option<String>,
    /// The `Referer` field, when sent.
    pub referer: Option<String>,
}

impl LogEntry {
    /// The binary's `--log` line: `at_ms method target question`, `-` for
    /// what is missing, control characters replaced by `?`.
    pub fn log_line(&self) -> String {
        let clean = |text: &str| {
            if text.is_empty() {
                "-".to_string()
            } else {
                text.chars().map(|c| if c.is_control() || c == ' ' { '?' } else { c }).collect()
            }
        };
        let question = self
            .question
            .as_ref()
            .map_or_else(|| "-".to_string(), |q| format!("{} {}", clean(&q.name), q.qtype.as_str()));
        format!("{} {} {} {question}", self.at_ms, clean(&self.method), clean(&self.raw_target))
    }

    /// The binary's `--log` line with `--log-headers`: [`Self::log_line`],
    /// then four fields about the request's credentials and where it came
    /// from, always the last four: `cookie=yes|no authorization=yes|no
    /// origin=VALUE referer=VALUE` (`-` for a field not sent, spaces and
    /// control characters replaced by `?`).
    pub fn log_line_with_headers(&self) -> String {
        let yes_no = |present: bool| if present { "yes" } else { "no" };
        let value = |text: &Option<String>| match text.as_deref() {
            None | Some("") => "-".to_string(),
            Some(text) => text.chars().map(|c| if c.is_control() || c == ' ' { '?' } else { c }).collect(),
        };
        format!(
            "{} cookie={} authorization={} origin={} referer={}",
            self.log_line(),
            yes_no(self.cookie),
            yes_no(self.authorization),
            value(&self.origin),
            value(&self.referer)
        )
    }
}

/// Reads a type as the JSON API takes it: `PTR`, `A`, `AAAA` (any case) or
/// the codes 12, 1, 28.
pub fn parse_qtype(text: &str) -> Option<QType> {
    match text.to_ascii_uppercase().as_str() {
        "PTR" | "12" => Some(QType::Ptr),
        "A" | "1" => Some(QType::A),
        "AAAA" | "28" => Some(QType::Aaaa),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_specs() {
        let rule: FaultRule = "Mail.Example.Net.=servfail".parse().expect("rule");
        assert_eq!(rule, FaultRule::for_name("mail.example.net", Fault::Rcode(Rcode::ServFail)));
        assert!(rule.matches(&Question::new("MAIL.example.net", QType::A)));
        assert!(!rule.matches(&Question::new("example.net", QType::A)));
        let typed: FaultRule = "*/ptr=http503".parse().expect("rule");
        assert_eq!(typed, FaultRule { name: None, qtype: Some(QType::Ptr), fault: Fault::HttpStatus(503) });
        assert!(typed.matches(&Question::new("1.0.0.127.in-addr.arpa", QType::Ptr)));
        assert!(!typed.matches(&Question::new("a.example", QType::A)));
        for (kind, fault) in [
            ("refused", Fault::Rcode(Rcode::Refused)),
            ("nxdomain", Fault::Rcode(Rcode::NxDomain)),
            ("rcode9", Fault::Rcode(Rcode::Other(9))),
            ("http500", Fault::HttpStatus(500)),
            ("http429-retry-2", Fault::RetryAfter(429, 2)),
            ("garbage", Fault::Garbage),
            ("wrong-content-type", Fault::WrongContentType),
            ("truncated", Fault::Truncated),
            ("wrong-id", Fault::WrongId),
            ("wrong-question", Fault::WrongQuestion),
            ("delay-250", Fault::Delay(Duration::from_millis(250))),
            ("trickle-5", Fault::Trickle(Duration::from_millis(5))),
            ("trickle-body-7", Fault::TrickleBody(Duration::from_millis(7))),
            ("oversized", Fault::Oversized),
            ("close", Fault::Close),
            ("redirect-https://x.example/q?a=1", Fault::Redirect("https://x.example/q?a=1".to_string())),
        ] {
            assert_eq!(kind.parse::<Fault>(), Ok(fault), "{kind}");
        }
        for bad in ["", "slow", "http5000", "http99", "delay-", "delay-x", "redirect-", "rcode99999", "trickle-body-"] {
            assert!(bad.parse::<Fault>().is_err(), "{bad:?}");
        }
        for bad in ["servfail", "=servfail", "a.example/MX=servfail"] {
            assert!(bad.parse::<FaultRule>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn log_lines() {
        let entry = LogEntry {
            question: Some(Question::new("mail.example.net", QType::A)),
            method: "GET".to_string(),
            path: "/dns-query".to_string(),
            at_ms: 12,
            raw_target: "/dns-query?dns=AAAB".to_string(),
            body_len: 0,
            ..LogEntry::default()
        };
        assert_eq!(entry.log_line(), "12 GET /dns-query?dns=AAAB mail.example.net A");
        let bad =
            LogEntry { question: None, method: String::new(), raw_target: "a\u{1b}b".to_string(), ..entry.clone() };
        assert_eq!(bad.log_line(), "12 - a?b -");
        assert_eq!(
            entry.log_line_with_headers(),
            "12 GET /dns-query?dns=AAAB mail.example.net A cookie=no authorization=no origin=- referer=-"
        );
        let sent = LogEntry {
            cookie: true,
            authorization: true,
            origin: Some("https://mail.example.org".to_string()),
            referer: Some("https://mail.example.org/a b".to_string()),
            ..bad
        };
        assert_eq!(
            sent.log_line_with_headers(),
            "12 - a?b - cookie=yes authorization=yes origin=https://mail.example.org referer=https://mail.example.org/a?b"
        );
    }
}
