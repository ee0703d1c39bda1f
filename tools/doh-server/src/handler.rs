//! Connections, routing, answers and faults.

use crate::http::{self, ReadOutcome, Reader, Request, Response};
use crate::{Fault, FaultRule, IDLE_TIMEOUT, LogEntry, OVERSIZED_BYTES, WRONG_ID, codec, parse_qtype};
use iprev_core::dns::{
    DnsAnswer, JSON_MEDIA_TYPE, QType, Question, RecordData, WIRE_MEDIA_TYPE, decode_response, encode_response,
    parse_query,
};
use iprev_core::zone::Zone;
use std::collections::HashMap;
use std::io::Read;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A hook called with each log entry.
type Observer = Arc<dyn Fn(&LogEntry) + Send + Sync>;

/// State shared by the server handle and its threads.
pub(crate) struct Shared {
    pub zone: Mutex<Arc<Zone>>,
    pub start: Instant,
    pub latency: Mutex<Duration>,
    pub faults: Mutex<Vec<FaultRule>>,
    pub log: Mutex<Vec<LogEntry>>,
    pub observer: Mutex<Option<Observer>>,
    pub connections: Mutex<HashMap<u64, TcpStream>>,
    stopping: AtomicBool,
}

/// Locks a mutex, recovering the data if a thread panicked holding it.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub fn new(zone: Zone) -> Self {
        Self {
            zone: Mutex::new(Arc::new(zone)),
            start: Instant::now(),
            latency: Mutex::new(Duration::ZERO),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            observer: Mutex::new(None),
            connections: Mutex::new(HashMap::new()),
            stopping: AtomicBool::new(false),
        }
    }

    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Sleeps, in short steps so that a stopping server is noticed; false
    /// when it is.
    fn sleep(&self, duration: Duration) -> bool {
        let end = Instant::now() + duration;
        loop {
            if self.stopping() {
                return false;
            }
            let now = Instant::now();
            if now >= end {
                return true;
            }
            thread::sleep((end - now).min(Duration::from_millis(20)));
        }
    }

    fn record(&self, question: Option<Question>, method: &str, raw_target: &str, body_len: usize, sent: Sent) {
        let mut log = lock(&self.log);
        let entry = LogEntry {
            question,
            method: method.to_string(),
            path: path_of(raw_target).to_string(),
            at_ms: u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX),
            raw_target: raw_target.to_string(),
            body_len,
            cookie: sent.cookie,
            authorization: sent.authorization,
            origin: sent.origin,
            referer: sent.referer,
        };
        let observer = lock(&self.observer).clone();
        if let Some(observer) = observer {
            observer(&entry);
        }
        log.push(entry);
    }

    fn fault_for(&self, question: &Question) -> Option<Fault> {
        lock(&self.faults).iter().find(|rule| rule.matches(question)).map(|rule| rule.fault.clone())
    }

    fn answer(&self, question: &Question) -> DnsAnswer {
        let zone = Arc::clone(&lock(&self.zone));
        zone.answer(question)
    }
}

/// What a request said about its credentials and where it came from (for
/// the log: whether cookies or credentials were sent, never their values).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Sent {
    cookie: bool,
    authorization: bool,
    origin: Option<String>,
    referer: Option<String>,
}

impl Sent {
    fn of(request: &Request) -> Self {
        let present = |name: &str| request.headers.iter().any(|(n, _)| n == name);
        let value = |name: &str| request.header(name).map(|v| v.chars().take(2048).collect());
        Self {
            cookie: present("cookie"),
            authorization: present("authorization") || present("proxy-authorization"),
            origin: value("origin"),
            referer: value("referer"),
        }
    }
}

/// Accepts connections until the server stops, one thread each.
pub(crate) fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    let mut next_id = 0u64;
    for incoming in listener.incoming() {
        if shared.stopping() {
            break;
        }
        let Ok(stream) = incoming else {
            // Out of descriptors, a connection reset before accept...: try again soon.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        let id = next_id;
        next_id += 1;
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.connections).insert(id, clone);
        }
        let for_thread = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name(format!("doh-conn-{id}"))
            .spawn(move || serve_connection(&for_thread, stream, id));
        if spawned.is_err() {
            lock(&shared.connections).remove(&id);
        }
    }
}

/// A response sent one byte at a time, this long between bytes.
#[derive(Debug, Clone, Copy)]
enum Trickle {
    /// Status line, header fields and body.
    Whole(Duration),
    /// The body only; the head goes at once.
    Body(Duration),
}

/// What to do after a request was read and logged.
enum Action {
    /// Send this, maybe later or slowly.
    Respond { response: Response, delay: Duration, trickle: Option<Trickle> },
    /// Close the connection without a word.
    Close,
}

impl Action {
    fn now(response: Response) -> Self {
        Self::Respond { response, delay: Duration::ZERO, trickle: None }
    }
}

fn serve_connection(shared: &Shared, stream: TcpStream, id: u64) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let mut reader = Reader::new(stream);
    // Whether the server ends the connection with the client's bytes maybe
    // still coming: then it reads them away before closing, or the peer's
    // TCP could reset the connection and lose the response.
    let mut linger = true;
    while !shared.stopping() {
        let (action, keep_alive) = match reader.next_request() {
            ReadOutcome::Closed => {
                linger = false;
                break;
            }
            ReadOutcome::Bad(bad) => {
                shared.record(None, &bad.method, &bad.target, bad.body_len, Sent::default());
                (Action::now(Response::text(bad.status, &bad.reason)), false)
            }
            ReadOutcome::Request(request) => {
                let (method, question, action) = route(shared, &request);
                shared.record(question, &method, &request.target, request.body.len(), Sent::of(&request));
                (action, request.keep_alive())
            }
        };
        let latency = *lock(&shared.latency);
        if !shared.sleep(latency) {
            break;
        }
        let Action::Respond { response, delay, trickle } = action else {
            linger = false;
            break;
        };
        if !shared.sleep(delay) {
            break;
        }
        let bytes = response.to_bytes(!keep_alive);
        // Trickling the body only: the head goes at once.
        let (head, pause) = match trickle {
            None => (bytes.len(), None),
            Some(Trickle::Whole(pause)) => (0, Some(pause)),
            Some(Trickle::Body(pause)) => (bytes.len() - response.body.len().min(bytes.len()), Some(pause)),
        };
        let (fast, slow) = bytes.split_at(head);
        let sleep = |pause| shared.sleep(pause);
        if http::write_out(reader.stream(), fast, None, &sleep).is_err()
            || http::write_out(reader.stream(), slow, pause, &sleep).is_err()
            || !keep_alive
        {
            break;
        }
    }
    if linger && !shared.stopping() {
        drain(reader.stream());
    }
    let _ = reader.stream().shutdown(Shutdown::Both);
    lock(&shared.connections).remove(&id);
}

/// Half-closes the connection and reads what the client still sends (for a
/// short while) so that closing it does not reset it.
fn drain(stream: &mut TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(250)));
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut sink = [0u8; 8192];
    let mut total = 0usize;
    while Instant::now() < deadline && total < 1024 * 1024 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

/// The path of a request target: no query string, no scheme and authority.
fn path_of(target: &str) -> &str {
    let path = target.split_once('?').map_or(target, |(path, _)| path);
    match path.split_once("://") {
        Some((scheme, rest)) if !scheme.contains('/') => rest.find('/').map_or("/", |slash| &rest[slash..]),
        _ => path,
    }
}

/// Decides the answer to a request: the log's method label, the question
/// and what to send.
fn route(shared: &Shared, request: &Request) -> (String, Option<Question>, Action) {
    let method = request.method.as_str();
    let other = |response: Response| (method.to_string(), None, Action::now(response));
    let path = path_of(&request.target);
    if path != "/dns-query" && path != "/resolve" {
        return other(Response::text(
            404,
            &format!("no such path {path:?}; this server serves /dns-query and /resolve"),
        ));
    }
    if method == "OPTIONS" {
        return other(
            Response::empty(204)
                .with("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                .with("Access-Control-Allow-Headers", "content-type, accept")
                .with("Access-Control-Max-Age", "600"),
        );
    }
    let allowed = if path == "/resolve" { "GET, OPTIONS" } else { "GET, POST, OPTIONS" };
    if !allowed.split(", ").any(|m| m == method) {
        return other(Response::text(405, &format!("{path} takes {allowed}")).with("Allow", allowed));
    }
    let query = request.target.split_once('?').map_or("", |(_, query)| query);
    let params = match codec::parse_query_string(query) {
        Ok(params) => params,
        Err(why) => {
            let label = if path == "/resolve" { "JSON" } else { method };
            return (label.to_string(), None, Action::now(Response::text(400, &why)));
        }
    };
    let param = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    if method == "POST" {
        let media_type = request.header("content-type").and_then(|t| t.split(';').next()).map(str::trim);
        if !media_type.is_some_and(|t| t.eq_ignore_ascii_case(WIRE_MEDIA_TYPE)) {
            let why = format!("POST takes Content-Type: {WIRE_MEDIA_TYPE}");
            return ("POST".to_string(), None, Action::now(Response::text(415, &why)));
        }
        let (question, action) = wire(shared, &request.body);
        return ("POST".to_string(), question, action);
    }
    let wants_json = path == "/resolve"
        || request.header("accept").is_some_and(|accept| accept.to_ascii_lowercase().contains(JSON_MEDIA_TYPE))
        || param("ct").is_some_and(|ct| ct.eq_ignore_ascii_case(JSON_MEDIA_TYPE));
    if let Some(dns) = param("dns") {
        let (question, action) = match codec::base64url_decode(dns) {
            Ok(bytes) => wire(shared, &bytes),
            Err(why) => (None, Action::now(Response::text(400, &format!("dns parameter: {why}")))),
        };
        return ("GET".to_string(), question, action);
    }
    if wants_json {
        let (question, action) = json(shared, param("name"), param("type"));
        return ("JSON".to_string(), question, action);
    }
    let why = format!("no dns parameter (for the JSON API, send Accept: {JSON_MEDIA_TYPE} with name and type)");
    ("GET".to_string(), None, Action::now(Response::text(400, &why)))
}

/// `Cache-Control` for an answer: the smallest TTL, or 0.
fn cache_control(answer: &DnsAnswer) -> String {
    format!("max-age={}", answer.records.iter().map(|r| r.ttl).min().unwrap_or(0))
}

/// Another question than `question`, for [`Fault::WrongQuestion`].
fn other_questions(question: &Question) -> [Question; 2] {
    let name = if question.name.is_empty() { "x".to_string() } else { format!("x.{}", question.name) };
    let qtype = if question.qtype == QType::A { QType::Aaaa } else { QType::A };
    [Question { name, qtype: question.qtype }, Question { name: question.name.clone(), qtype }]
}

/// What a fault changes in a DNS answer (wire or JSON); `Err` is a reply
/// that replaces the answer altogether.
struct Plan {
    question: Question,
    answer: DnsAnswer,
    content_type: Option<&'static str>,
    wrong_id: bool,
    wrong_question: bool,
    oversized: bool,
    delay: Duration,
    trickle: Option<Trickle>,
}

fn plan(question: &Question, answer: DnsAnswer, fault: Option<Fault>) -> Result<Plan, Action> {
    let mut plan = Plan {
        question: question.clone(),
        answer,
        content_type: None,
        wrong_id: false,
        wrong_question: false,
        oversized: false,
        delay: Duration::ZERO,
        trickle: None,
    };
    match fault {
        None => {}
        Some(Fault::Rcode(rcode)) => plan.answer = DnsAnswer::new(rcode, Vec::new()),
        Some(Fault::HttpStatus(status)) => {
            return Err(Action::now(Response::text(status, "fault injected by iprev-doh-server")));
        }
        Some(Fault::RetryAfter(status, seconds)) => {
            let response = Response::text(status, "busy: fault injected by iprev-doh-server")
                .with("Retry-After", &seconds.to_string());
            return Err(Action::now(response));
        }
        Some(Fault::Garbage) => {} // Handled by the caller, which knows the format.
        Some(Fault::WrongContentType) => plan.content_type = Some("text/html; charset=utf-8"),
        Some(Fault::Truncated) => {
            plan.answer.truncated = true;
            plan.answer.records.clear();
        }
        Some(Fault::WrongId) => plan.wrong_id = true,
        Some(Fault::WrongQuestion) => plan.wrong_question = true,
        Some(Fault::Delay(delay)) => plan.delay = delay,
        Some(Fault::Trickle(pause)) => plan.trickle = Some(Trickle::Whole(pause)),
        Some(Fault::TrickleBody(pause)) => plan.trickle = Some(Trickle::Body(pause)),
        Some(Fault::Oversized) => plan.oversized = true,
        Some(Fault::Redirect(location)) => {
            return Err(Action::now(Response::empty(302).with("Location", &location)));
        }
        Some(Fault::Close) => return Err(Action::Close),
        Some(Fault::Answer(answer)) => plan.answer = answer,
    }
    Ok(plan)
}

impl Plan {
    fn respond(self, default_type: &str, body: Vec<u8>) -> Action {
        let response = Response::new(200, self.content_type.unwrap_or(default_type), body)
            .with("Cache-Control", &cache_control(&self.answer));
        Action::Respond { response, delay: self.delay, trickle: self.trickle }
    }
}

/// Answers a wire-format query.
fn wire(shared: &Shared, query: &[u8]) -> (Option<Question>, Action) {
    let (id, question) = match parse_query(query) {
        Ok(parsed) => parsed,
        Err(why) => return (None, Action::now(Response::text(400, &format!("not a DNS query: {why}")))),
    };
    let fault = shared.fault_for(&question);
    if fault == Some(Fault::Garbage) {
        return (Some(question.clone()), Action::now(Response::new(200, WIRE_MEDIA_TYPE, garbage_wire(&question))));
    }
    let plan = match plan(&question, shared.answer(&question), fault) {
        Ok(plan) => plan,
        Err(action) => return (Some(question), action),
    };
    let encoded = if plan.wrong_question {
        let [first, second] = other_questions(&question);
        encode_response(&first, &plan.answer).or_else(|_| encode_response(&second, &plan.answer))
    } else {
        encode_response(&plan.question, &plan.answer)
    };
    let mut body = match encoded {
        Ok(body) => body,
        Err(why) => {
            return (Some(question), Action::now(Response::text(500, &format!("cannot encode the answer: {why}"))));
        }
    };
    let id = if plan.wrong_id { WRONG_ID } else { id };
    if body.len() >= 2 {
        body[..2].copy_from_slice(&id.to_be_bytes());
    }
    if plan.oversized {
        body.resize(OVERSIZED_BYTES, 0);
    }
    (Some(question), plan.respond(WIRE_MEDIA_TYPE, body))
}

/// Answers a JSON API request.
fn json(shared: &Shared, name: Option<&str>, qtype: Option<&str>) -> (Option<Question>, Action) {
    let bad = |why: String| (None, Action::now(Response::text(400, &why)));
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return bad("the name parameter is missing".to_string());
    };
    let Some(qtype) = parse_qtype(qtype.unwrap_or("A")) else {
        return bad(format!("unsupported type {:?} (PTR, A, AAAA, 12, 1, 28)", qtype.unwrap_or_default()));
    };
    let question = Question::new(name, qtype);
    let fault = shared.fault_for(&question);
    if fault == Some(Fault::Garbage) {
        return (Some(question), Action::now(Response::new(200, JSON_MEDIA_TYPE, garbage_json())));
    }
    let plan = match plan(&question, shared.answer(&question), fault) {
        Ok(plan) => plan,
        Err(action) => return (Some(question), action),
    };
    let asked = if plan.wrong_question { other_questions(&question)[0].clone() } else { question.clone() };
    let mut body = json_body(&asked, &plan.answer).into_bytes();
    if plan.oversized {
        // Still JSON, just too long to be a DNS answer.
        body.resize(OVERSIZED_BYTES, b' ');
    }
    (Some(question), plan.respond(JSON_MEDIA_TYPE, body))
}

/// A name as Google's JSON API writes it: with the trailing dot.
fn absolute(name: &str) -> String {
    format!("{name}.")
}

fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// The JSON API form of an answer, fields in Google's order. `Answer` is left
/// out when there is no record, as Google and Cloudflare do.
fn json_body(question: &Question, answer: &DnsAnswer) -> String {
    let records: Vec<String> = answer
        .records
        .iter()
        .map(|record| {
            let (rtype, data) = match &record.data {
                RecordData::Ptr(target) => (12, absolute(target)),
                RecordData::Cname(target) => (5, absolute(target)),
                RecordData::A(addr) => (1, addr.to_string()),
                RecordData::Aaaa(addr) => (28, addr.to_string()),
            };
            format!(
                r#"{{"name":{},"type":{rtype},"TTL":{},"data":{}}}"#,
                json_string(&absolute(&record.name)),
                record.ttl,
                json_string(&data)
            )
        })
        .collect();
    let answer_field = if records.is_empty() { String::new() } else { format!(r#","Answer":[{}]"#, records.join(",")) };
    format!(
        r#"{{"Status":{},"TC":{},"RD":true,"RA":true,"AD":{},"CD":false,"Question":[{{"name":{},"type":{}}}]{answer_field}}}"#,
        answer.rcode.code(),
        answer.truncated,
        answer.authenticated_data,
        json_string(&absolute(&question.name)),
        question.qtype.code(),
    )
}

/// Pseudo-random bytes (xorshift64*, seeded from the clock and a counter).
fn random_bytes(len: usize) -> Vec<u8> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mut state = (nanos ^ COUNTER.fetch_add(1, Ordering::Relaxed).wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// A body that no DNS decoder can read as an answer to `question`: random
/// bytes behind ID 0 and the QR bit, checked with iprev's own decoder.
fn garbage_wire(question: &Question) -> Vec<u8> {
    for _ in 0..32 {
        let mut bytes = random_bytes(48);
        bytes[0] = 0;
        bytes[1] = 0;
        bytes[2] |= 0x80;
        if decode_response(&bytes, question).is_err() {
            return bytes;
        }
    }
    // Shorter than a DNS header.
    vec![0, 0, 0x81, 0x80, 0xde, 0xad, 0xbe]
}

/// A body that is not JSON.
fn garbage_json() -> Vec<u8> {
    for _ in 0..32 {
        let bytes = random_bytes(48);
        if serde_json::from_slice::<serde_json::Value>(&bytes).is_err() {
            return bytes;
        }
    }
    b"{\"Status\":0,\"Answer\":[{\"name\"".to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use iprev_core::dns::{Rcode, Record, decode_json};

    #[test]
    fn paths() {
        assert_eq!(path_of("/dns-query?dns=AA"), "/dns-query");
        assert_eq!(path_of("http://127.0.0.1:53/resolve?name=x"), "/resolve");
        assert_eq!(path_of("http://127.0.0.1:53"), "/");
        assert_eq!(path_of("/a?b=http://c/d"), "/a");
        assert_eq!(path_of("*"), "*");
    }

    #[test]
    fn json_bodies_decode_with_the_core() {
        let question = Question::new("mail.example.net", QType::A);
        let answer = DnsAnswer::new(
            Rcode::NoError,
            vec![
                Record { name: "mail.example.net".into(), ttl: 60, data: RecordData::Cname("web.example.net".into()) },
                Record {
                    name: "web.example.net".into(),
                    ttl: 30,
                    data: RecordData::A("81.2.69.142".parse().expect("ip")),
                },
            ],
        );
        let body = json_body(&question, &answer);
        assert!(body.starts_with(r#"{"Status":0,"TC":false,"RD":true,"RA":true,"AD":false,"CD":false,"Question":[{"name":"mail.example.net.","type":1}],"Answer":[{"name":"mail.example.net.","type":5,"TTL":60,"data":"web.example.net."}"#), "{body}");
        assert_eq!(decode_json(body.as_bytes(), &question), Ok(answer.clone()));
        assert_eq!(cache_control(&answer), "max-age=30");
        let empty = DnsAnswer::new(Rcode::NxDomain, vec![]);
        assert!(!json_body(&question, &empty).contains("Answer"));
        assert_eq!(cache_control(&empty), "max-age=0");
    }

    #[test]
    fn credentials_and_origin_are_noted() {
        let request = |headers: &[(&str, &str)]| Request {
            method: "GET".to_string(),
            target: "/dns-query".to_string(),
            http11: true,
            headers: headers.iter().map(|(n, v)| ((*n).to_string(), (*v).to_string())).collect(),
            body: Vec::new(),
        };
        assert_eq!(Sent::of(&request(&[("accept", "application/dns-message")])), Sent::default());
        let sent = Sent::of(&request(&[
            ("cookie", "session=secret"),
            ("authorization", "Bearer x"),
            ("origin", "https://mail.example.org"),
            ("referer", "https://mail.example.org/inbox"),
        ]));
        assert_eq!(
            sent,
            Sent {
                cookie: true,
                authorization: true,
                origin: Some("https://mail.example.org".to_string()),
                referer: Some("https://mail.example.org/inbox".to_string()),
            }
        );
        assert!(Sent::of(&request(&[("proxy-authorization", "Basic eA==")])).authorization);
    }

    #[test]
    fn garbage_is_garbage() {
        let question = Question::new("mail.example.net", QType::A);
        for _ in 0..200 {
            assert!(decode_response(&garbage_wire(&question), &question).is_err());
            assert!(serde_json::from_slice::<serde_json::Value>(&garbage_json()).is_err());
        }
        assert_ne!(random_bytes(16), random_bytes(16));
    }
}
