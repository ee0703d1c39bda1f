//! The server driven over loopback by a plain std HTTP/1.1 client.
#![allow(missing_docs)]

mod common;

use common::{Client, get, request, server, target_of};
use iprev_core::dns::{
    DnsAnswer, DnsError, JSON_MEDIA_TYPE, QType, Question, Rcode, Record, RecordData, WIRE_MEDIA_TYPE, build_query,
    decode_json, decode_response, get_url,
};
use iprev_doh_server::{Fault, FaultRule, LogEntry, OVERSIZED_BYTES, Server, WRONG_ID};
use serde_json::json;
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::thread;
use std::time::{Duration, Instant};

fn ptr() -> Question {
    Question::new("142.69.2.81.in-addr.arpa", QType::Ptr)
}

fn mail_a() -> Question {
    Question::new("mail.example.net", QType::A)
}

/// The `?dns=` target for a question.
fn wire_target(server: &Server, question: &Question) -> String {
    target_of(&get_url(&server.url(), &build_query(question).expect("query")))
}

fn json_target(question: &Question) -> String {
    format!("/resolve?name={}&type={}", question.name, question.qtype.as_str())
}

/// GETs a wire query on a fresh connection.
fn ask(server: &Server, question: &Question) -> common::HttpResponse {
    get(server.addr(), &wire_target(server, question))
}

fn ask_json(server: &Server, question: &Question) -> common::HttpResponse {
    get(server.addr(), &json_target(question))
}

fn decoded(server: &Server, question: &Question) -> Result<DnsAnswer, DnsError> {
    let response = ask(server, question);
    assert_eq!(response.status, 200, "{}", response.text());
    decode_response(&response.body, question)
}

fn decoded_json(server: &Server, question: &Question) -> Result<DnsAnswer, DnsError> {
    let response = ask_json(server, question);
    assert_eq!(response.status, 200, "{}", response.text());
    decode_json(&response.body, question)
}

fn a_record(name: &str, ttl: u32, ip: &str) -> Record {
    Record { name: name.to_string(), ttl, data: RecordData::A(ip.parse().expect("ip")) }
}

#[test]
fn get_wire_query_is_answered_from_the_zone() {
    let server = server();
    let response = ask(&server, &ptr());
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some(WIRE_MEDIA_TYPE));
    assert_eq!(response.header("cache-control"), Some("max-age=300"));
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    let answer = decode_response(&response.body, &ptr()).expect("decodes");
    assert_eq!(answer.rcode, Rcode::NoError);
    assert_eq!(
        answer.records,
        [Record { name: ptr().name, ttl: 300, data: RecordData::Ptr("mail.example.net".to_string()) }]
    );

    // A CNAME chain: the smallest TTL is the cache lifetime.
    let www = Question::new("www.example.net", QType::A);
    let response = ask(&server, &www);
    assert_eq!(response.header("cache-control"), Some("max-age=60"));
    let answer = decode_response(&response.body, &www).expect("decodes");
    assert_eq!(answer.records.len(), 2);
    assert_eq!(answer.records[1], a_record("mail.example.net", 60, "81.2.69.142"));

    let aaaa = decoded(&server, &Question::new("mail.example.net", QType::Aaaa)).expect("decodes");
    assert_eq!(aaaa.records[0].data, RecordData::Aaaa("2a02:cf40::1".parse().expect("ip")));

    let missing = Question::new("1.0.0.10.in-addr.arpa", QType::Ptr);
    let response = ask(&server, &missing);
    assert_eq!(response.header("cache-control"), Some("max-age=0"));
    assert_eq!(decode_response(&response.body, &missing).map(|a| a.rcode), Ok(Rcode::NxDomain));
    let nodata = decoded(&server, &Question::new("example.net", QType::A)).expect("decodes");
    assert_eq!((nodata.rcode, nodata.records.len()), (Rcode::NoError, 0));
}

#[test]
fn the_response_carries_the_query_id() {
    let server = server();
    let mut query = build_query(&ptr()).expect("query");
    query[..2].copy_from_slice(&[0xbe, 0xef]);
    let response = get(server.addr(), &target_of(&get_url(&server.url(), &query)));
    assert_eq!(response.status, 200);
    assert_eq!(&response.body[..2], &[0xbe, 0xef]);
    assert_eq!(decode_response(&response.body, &ptr()), Err(DnsError::IdMismatch(0xbeef)));
}

#[test]
fn dns_parameter_forms() {
    let server = server();
    let query = build_query(&ptr()).expect("query");
    let unpadded = iprev_core::dns::base64url(&query);
    let padded = format!("{unpadded}{}", "=".repeat((4 - unpadded.len() % 4) % 4));
    let escaped = padded.replace('=', "%3D");
    for dns in [&unpadded, &padded, &escaped] {
        let response = get(server.addr(), &format!("/dns-query?ct=x&dns={dns}"));
        assert_eq!(response.status, 200, "{dns}");
        assert!(decode_response(&response.body, &ptr()).is_ok());
    }
    // Plain base64's alphabet, a query that is no DNS message, a response instead of a query.
    let response_bytes =
        iprev_core::dns::encode_response(&ptr(), &DnsAnswer::new(Rcode::NoError, vec![])).expect("enc");
    for dns in ["ab+/", "AAAA", "%zz", &iprev_core::dns::base64url(&response_bytes), ""] {
        let response = get(server.addr(), &format!("/dns-query?dns={dns}"));
        assert_eq!(response.status, 400, "{dns:?}");
        assert!(!response.text().is_empty());
    }
}

#[test]
fn post_wire_query() {
    let server = server();
    let query = build_query(&mail_a()).expect("query");
    let response = request(server.addr(), "POST", "/dns-query", &[("Content-Type", WIRE_MEDIA_TYPE)], &query);
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.header("content-type"), Some(WIRE_MEDIA_TYPE));
    assert_eq!(response.header("cache-control"), Some("max-age=60"));
    let answer = decode_response(&response.body, &mail_a()).expect("decodes");
    assert_eq!(answer.records, [a_record("mail.example.net", 60, "81.2.69.142")]);

    let with_params = [("Content-Type", "Application/DNS-Message; charset=binary")];
    assert_eq!(request(server.addr(), "POST", "/dns-query", &with_params, &query).status, 200);
    let wrong_type = request(server.addr(), "POST", "/dns-query", &[("Content-Type", "text/plain")], &query);
    assert_eq!(wrong_type.status, 415);
    assert_eq!(request(server.addr(), "POST", "/dns-query", &[], &query).status, 415);
    let garbage = request(server.addr(), "POST", "/dns-query", &[("Content-Type", WIRE_MEDIA_TYPE)], b"hello");
    assert_eq!(garbage.status, 400);
}

#[test]
fn json_api() {
    let server = server();
    let response = ask_json(&server, &mail_a());
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some(JSON_MEDIA_TYPE));
    assert_eq!(response.header("cache-control"), Some("max-age=60"));
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        response.json(),
        json!({"Status":0,"TC":false,"RD":true,"RA":true,"AD":false,"CD":false,
               "Question":[{"name":"mail.example.net.","type":1}],
               "Answer":[{"name":"mail.example.net.","type":1,"TTL":60,"data":"81.2.69.142"}]})
    );
    let ptr_json = get(server.addr(), "/resolve?name=142.69.2.81.in-addr.arpa.&type=12").json();
    assert_eq!(ptr_json["Question"], json!([{"name":"142.69.2.81.in-addr.arpa.","type":12}]));
    assert_eq!(ptr_json["Answer"][0]["data"], "mail.example.net.");
    let www = get(server.addr(), "/resolve?name=WWW.Example.NET&type=a");
    assert_eq!(decode_json(&www.body, &Question::new("www.example.net", QType::A)).expect("decodes").records.len(), 2);
    let aaaa = get(server.addr(), "/resolve?name=mail.example.net&type=28").json();
    assert_eq!(aaaa["Answer"][0], json!({"name":"mail.example.net.","type":28,"TTL":300,"data":"2a02:cf40::1"}));
    let nx = get(server.addr(), "/resolve?name=nowhere.example.net&type=AAAA").json();
    assert_eq!(nx["Status"], 3);
    // No type: A, as Google does.
    assert_eq!(get(server.addr(), "/resolve?name=mail.example.net").json()["Answer"][0]["type"], 1);

    // The JSON API on /dns-query, as Cloudflare serves it.
    let target = "/dns-query?name=mail.example.net&type=A";
    let cloudflare = request(server.addr(), "GET", target, &[("Accept", JSON_MEDIA_TYPE)], b"");
    assert_eq!(cloudflare.status, 200);
    assert_eq!(cloudflare.json()["Answer"][0]["data"], "81.2.69.142");
    assert_eq!(get(server.addr(), &format!("{target}&ct=application/dns-json")).status, 200);
    assert_eq!(get(server.addr(), target).status, 400, "no Accept: not a JSON request");

    for bad in ["/resolve", "/resolve?type=A", "/resolve?name=&type=A", "/resolve?name=a.example&type=MX"] {
        assert_eq!(get(server.addr(), bad).status, 400, "{bad}");
    }
    let log = server.log();
    assert!(log.iter().filter(|e| e.path == "/resolve").all(|e| e.method == "JSON"));
    assert_eq!(log.iter().find(|e| e.raw_target == target).map(|e| e.method.as_str()), Some("JSON"));
}

#[test]
fn keep_alive_serves_many_requests_on_one_connection() {
    let server = server();
    let mut client = Client::connect(server.addr());
    let first = client.get(&wire_target(&server, &ptr()));
    assert!(decode_response(&first.body, &ptr()).is_ok());
    assert_eq!(first.header("connection"), None);
    let query = build_query(&mail_a()).expect("query");
    let second = client.request("POST", "/dns-query", &[("Content-Type", WIRE_MEDIA_TYPE)], &query);
    assert!(decode_response(&second.body, &mail_a()).is_ok());
    let third = client.get(&json_target(&mail_a()));
    assert_eq!(third.json()["Status"], 0);
    // Errors that do not break the framing keep the connection too.
    assert_eq!(client.get("/nowhere").status, 404);
    let last = client.request("GET", &wire_target(&server, &ptr()), &[("Connection", "close")], b"");
    assert_eq!(last.header("connection"), Some("close"));
    assert!(client.closed_by_server());
    assert_eq!(server.log().len(), 5);

    // Pipelined: two requests in one write, two answers in order.
    let mut client = Client::connect(server.addr());
    let one = wire_target(&server, &ptr());
    let two = json_target(&mail_a());
    client.send(format!("GET {one} HTTP/1.1\r\nHost: x\r\n\r\nGET {two} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
    let first = client.read_response().expect("first");
    assert!(decode_response(&first.body, &ptr()).is_ok());
    assert_eq!(client.read_response().expect("second").json()["Status"], 0);

    // HTTP/1.0 closes unless asked otherwise.
    let mut old = Client::connect(server.addr());
    old.send(format!("GET {one} HTTP/1.0\r\n\r\n").as_bytes());
    let response = old.read_response().expect("response");
    assert_eq!((response.status, response.header("connection")), (200, Some("close")));
    assert!(old.closed_by_server());
    let mut kept = Client::connect(server.addr());
    kept.send(format!("GET {one} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").as_bytes());
    assert_eq!(kept.read_response().expect("response").header("connection"), None);
    assert_eq!(kept.get(&one).status, 200);
}

#[test]
fn concurrent_connections() {
    let server = Arc::new(server());
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let server = Arc::clone(&server);
            thread::spawn(move || {
                let mut client = Client::connect(server.addr());
                for _ in 0..20 {
                    let response = client.get(&wire_target(&server, &ptr()));
                    assert!(decode_response(&response.body, &ptr()).is_ok());
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("worker");
    }
    assert_eq!(server.log().len(), 160);
}

#[test]
fn fault_rcode() {
    let server = server();
    server.add_fault(FaultRule::for_name("MAIL.example.net.", Fault::Rcode(Rcode::ServFail)));
    let answer = decoded(&server, &mail_a()).expect("decodes");
    assert_eq!((answer.rcode, answer.records.len()), (Rcode::ServFail, 0));
    assert_eq!(decoded(&server, &Question::new("mail.example.net", QType::Aaaa)).map(|a| a.rcode), Ok(Rcode::ServFail));
    assert_eq!(decoded_json(&server, &mail_a()).map(|a| a.rcode), Ok(Rcode::ServFail));
    assert_eq!(decoded(&server, &ptr()).map(|a| a.rcode), Ok(Rcode::NoError), "other names are answered");
    server.clear_faults();
    server.add_fault(FaultRule::all(Fault::Rcode(Rcode::Refused)));
    assert_eq!(decoded(&server, &ptr()).map(|a| a.rcode), Ok(Rcode::Refused));
    server.clear_faults();
    server.add_fault(FaultRule::all(Fault::Rcode(Rcode::NxDomain)));
    assert_eq!(decoded(&server, &ptr()).map(|a| a.rcode), Ok(Rcode::NxDomain));
    server.clear_faults();
    assert_eq!(decoded(&server, &mail_a()).map(|a| a.rcode), Ok(Rcode::NoError));
}

#[test]
fn fault_http_status() {
    let server = server();
    server.add_fault(FaultRule::all(Fault::HttpStatus(503)));
    for response in [ask(&server, &ptr()), ask_json(&server, &ptr())] {
        assert_eq!(response.status, 503);
        assert!(response.header("content-type").is_some_and(|t| t.starts_with("text/plain")));
        assert!(response.text().contains("503"));
    }
    server.clear_faults();
    server.add_fault(FaultRule::all(Fault::HttpStatus(429)));
    assert_eq!(ask(&server, &ptr()).status, 429);
}

#[test]
fn fault_garbage() {
    let server = server();
    server.add_fault(FaultRule::all(Fault::Garbage));
    let response = ask(&server, &ptr());
    assert_eq!((response.status, response.header("content-type")), (200, Some(WIRE_MEDIA_TYPE)));
    assert!(matches!(decode_response(&response.body, &ptr()), Err(DnsError::Malformed(_))), "{:?}", response.body);
    let json = ask_json(&server, &ptr());
    assert_eq!((json.status, json.header("content-type")), (200, Some(JSON_MEDIA_TYPE)));
    assert!(matches!(decode_json(&json.body, &ptr()), Err(DnsError::Json(_))));
    assert_ne!(ask(&server, &ptr()).body, response.body, "random-looking");
}

#[test]
fn fault_wrong_content_type() {
    let server = server();
    server.add_fault(FaultRule::all(Fault::WrongContentType));
    let response = ask(&server, &ptr());
    assert!(response.header("content-type").is_some_and(|t| t.starts_with("text/html")));
    assert!(decode_response(&response.body, &ptr()).is_ok(), "the body is the right answer");
    let json = ask_json(&server, &ptr());
    assert!(json.header("content-type").is_some_and(|t| t.starts_with("text/html")));
    assert!(decode_json(&json.body, &ptr()).is_ok());
}

#[test]
fn fault_truncated() {
    let server = server();
    server.add_fault(FaultRule::all(Fault::Truncated));
    let answer = decoded(&server, &ptr()).expect("decodes");
    assert!(answer.truncated);
    assert!(answer.records.is_empty());
    let json = decoded_json(&server, &ptr()).expect("decodes");
    assert!(json.truncated && json.records.is_empty());
}

#[test]
fn fault_wrong_id() {
    let server = server();
    server.add_fault(FaultRule::all(Fault::WrongId));
    let response = ask(&server, &ptr());
    assert_eq!(&response.body[..2], &WRONG_ID.to_be_bytes());
    assert_eq!(decode_response(&response.body, &ptr()), Err(DnsError::IdMismatch(4660)));
    // The JSON form has no ID: answered normally.
    assert_eq!(decoded_json(&server, &ptr()).map(|a| a.records.len()), Ok(1));
}

#[test]
fn fault_wrong_question() {
    let server = server();
    server.add_fault(FaultRule::all(Fault::WrongQuestion));
    let response = ask(&server, &mail_a());
    assert!(matches!(decode_response(&response.body, &mail_a()), Err(DnsError::QuestionMismatch { .. })));
    let other = Question::new("x.mail.example.net", QType::A);
    assert!(decode_response(&response.body, &other).is_ok());
    assert!(matches!(decoded_json(&server, &mail_a()), Err(DnsError::QuestionMismatch { .. })));
    // A name too long to prepend to: another type instead.
    let long = Question::new(&format!("{}.example", vec!["a".repeat(60); 4].join(".")), QType::A);
    let response = ask(&server, &long);
    assert!(matches!(decode_response(&response.body, &long), Err(DnsError::QuestionMismatch { .. })));
}

#[test]
fn fault_delay() {
    let server = server();
    server.add_fault(FaultRule::for_name("mail.example.net", Fault::Delay(Duration::from_millis(150))));
    let started = Instant::now();
    assert_eq!(decoded(&server, &mail_a()).map(|a| a.records.len()), Ok(1));
    assert!(started.elapsed() >= Duration::from_millis(150), "{:?}", started.elapsed());
    let started = Instant::now();
    assert_eq!(decoded_json(&server, &mail_a()).map(|a| a.records.len()), Ok(1));
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[test]
fn fault_trickle() {
    let server = server();
    server.add_fault(FaultRule::all(Fault::Trickle(Duration::from_millis(1))));
    let started = Instant::now();
    let response = ask(&server, &ptr());
    let elapsed = started.elapsed();
    assert_eq!(decode_response(&response.body, &ptr()).map(|a| a.records.len()), Ok(1));
    // At least one pause between every two bytes of the body alone.
    assert!(elapsed >= Duration::from_millis(response.body.len() as u64 - 1), "{elapsed:?}");

    // The bytes really come one at a time: the first read gets a few at most.
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    let target = wire_target(&server, &ptr());
    std::io::Write::write_all(&mut stream, format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .expect("send");
    let mut buffer = [0u8; 4096];
    let n = std::io::Read::read(&mut stream, &mut buffer).expect("read");
    assert!(n < 100 && b"HTTP/1.1 200 OK\r\n".starts_with(&buffer[..n.min(17)]), "{:?}", &buffer[..n]);
}

#[test]
fn fault_oversized() {
    let server = server();
    server.add_fault(FaultRule::all(Fault::Oversized));
    let response = ask(&server, &ptr());
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-length"), Some("70000"));
    assert_eq!(response.body.len(), OVERSIZED_BYTES);
    assert_eq!(decode_response(&response.body, &ptr()), Err(DnsError::TooLarge(70_000)));
    let json = ask_json(&server, &ptr());
    assert_eq!(json.body.len(), OVERSIZED_BYTES);
    assert_eq!(decode_json(&json.body, &ptr()), Err(DnsError::TooLarge(70_000)));
}

#[test]
fn fault_redirect() {
    let server = server();
    server.add_fault(FaultRule::all(Fault::Redirect("https://elsewhere.example/dns-query".to_string())));
    for response in [ask(&server, &ptr()), ask_json(&server, &ptr())] {
        assert_eq!(response.status, 302);
        assert_eq!(response.header("location"), Some("https://elsewhere.example/dns-query"));
    }
}

#[test]
fn fault_close() {
    let server = server();
    server.add_fault(FaultRule::for_name("mail.example.net", Fault::Close));
    let mut client = Client::connect(server.addr());
    assert_eq!(client.get(&wire_target(&server, &ptr())).status, 200);
    client.send_request("GET", &wire_target(&server, &mail_a()), &[], b"");
    assert!(client.read_response().is_err(), "closed without a response");
    let mut json = Client::connect(server.addr());
    json.send_request("GET", &json_target(&mail_a()), &[], b"");
    assert!(json.read_response().is_err());
    assert_eq!(ask(&server, &ptr()).status, 200, "the server goes on");
    assert_eq!(server.log().len(), 4, "closed requests are logged");
}

#[test]
fn fault_answer() {
    let server = server();
    let planted = DnsAnswer::new(
        Rcode::NoError,
        vec![
            Record { name: ptr().name, ttl: 5, data: RecordData::Cname("142.128/25.69.2.81.in-addr.arpa".to_string()) },
            Record {
                name: "142.128/25.69.2.81.in-addr.arpa".to_string(),
                ttl: 7,
                data: RecordData::Ptr("other.example.org".to_string()),
            },
        ],
    );
    server.add_fault(FaultRule {
        name: Some(ptr().name),
        qtype: Some(QType::Ptr),
        fault: Fault::Answer(planted.clone()),
    });
    let response = ask(&server, &ptr());
    assert_eq!(response.header("cache-control"), Some("max-age=5"));
    assert_eq!(decode_response(&response.body, &ptr()), Ok(planted.clone()));
    assert_eq!(decoded_json(&server, &ptr()), Ok(planted));
}

#[test]
fn fault_rules_match_name_and_type_and_the_first_wins() {
    let server = server();
    server.add_fault(FaultRule {
        name: Some("mail.example.net".into()),
        qtype: Some(QType::Aaaa),
        fault: Fault::Rcode(Rcode::Refused),
    });
    server.add_fault(FaultRule::for_name("mail.example.net", Fault::Rcode(Rcode::ServFail)));
    server.add_fault(FaultRule::all(Fault::Rcode(Rcode::NxDomain)));
    server.add_fault(FaultRule::all(Fault::HttpStatus(500)));
    let rcode = |q: Question| decoded(&server, &q).map(|a| a.rcode);
    assert_eq!(rcode(Question::new("mail.example.net", QType::Aaaa)), Ok(Rcode::Refused));
    assert_eq!(rcode(mail_a()), Ok(Rcode::ServFail));
    assert_eq!(rcode(ptr()), Ok(Rcode::NxDomain));
    server.clear_faults();
    assert_eq!(rcode(ptr()), Ok(Rcode::NoError));
}

#[test]
fn cors_preflight() {
    let server = server();
    let headers = [
        ("Origin", "moz-extension://abc"),
        ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Headers", "content-type"),
    ];
    for path in ["/dns-query", "/resolve"] {
        let response = request(server.addr(), "OPTIONS", path, &headers, b"");
        assert_eq!(response.status, 204, "{path}");
        assert_eq!(response.header("access-control-allow-origin"), Some("*"));
        assert_eq!(response.header("access-control-allow-methods"), Some("GET, POST, OPTIONS"));
        assert_eq!(response.header("access-control-allow-headers"), Some("content-type, accept"));
        assert_eq!(response.header("access-control-max-age"), Some("600"));
        assert!(response.body.is_empty());
    }
    for response in [get(server.addr(), "/nowhere"), get(server.addr(), "/dns-query"), ask(&server, &ptr())] {
        assert_eq!(response.header("access-control-allow-origin"), Some("*"), "{}", response.status);
    }
    assert_eq!(server.log()[0].method, "OPTIONS");
}

#[test]
fn error_statuses() {
    let server = server();
    assert_eq!(get(server.addr(), "/dns-query?dns=@@@").status, 400);
    assert_eq!(get(server.addr(), "/").status, 404);
    assert_eq!(get(server.addr(), "/dns-query/extra").status, 404);
    for (method, path) in [("DELETE", "/dns-query"), ("PUT", "/dns-query"), ("HEAD", "/resolve"), ("POST", "/resolve")]
    {
        let response = request(server.addr(), method, path, &[], b"");
        assert_eq!(response.status, 405, "{method} {path}");
        assert!(response.header("allow").is_some());
    }

    // 64 KiB of header fields is the limit.
    let mut client = Client::connect(server.addr());
    client.send(format!("GET /dns-query HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(70_000)).as_bytes());
    let response = client.read_response().expect("response");
    assert_eq!((response.status, response.header("connection")), (413, Some("close")));
    let mut client = Client::connect(server.addr());
    client.send(format!("GET /dns-query HTTP/1.1\r\nX-Big: {}", "a".repeat(70_000)).as_bytes());
    assert_eq!(client.read_response().expect("response").status, 413, "no end of the head in sight");

    // 70,000 bytes of body is the limit.
    let body = vec![0u8; 70_001];
    let response = request(server.addr(), "POST", "/dns-query", &[("Content-Type", WIRE_MEDIA_TYPE)], &body);
    assert_eq!(response.status, 413);
    let mut client = Client::connect(server.addr());
    client.send(
        b"POST /dns-query HTTP/1.1\r\nContent-Type: application/dns-message\r\nContent-Length: 99999999999\r\n\r\n",
    );
    assert_eq!(client.read_response().expect("response").status, 413);
    let response = request(server.addr(), "POST", "/dns-query", &[("Content-Type", WIRE_MEDIA_TYPE)], &body[1..]);
    assert_eq!(response.status, 400, "at the limit: read, then refused as no DNS query");

    let mut client = Client::connect(server.addr());
    client.send(b"POST /dns-query HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    assert_eq!(client.read_response().expect("response").status, 501);
    assert!(server.log().iter().any(|e| e.body_len == 70_001));
}

#[test]
fn expect_continue() {
    let server = server();
    let query = build_query(&ptr()).expect("query");
    let mut client = Client::connect(server.addr());
    let head = format!(
        "POST /dns-query HTTP/1.1\r\nHost: x\r\nContent-Type: {WIRE_MEDIA_TYPE}\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        query.len()
    );
    client.send(head.as_bytes());
    assert_eq!(client.read_interim().expect("interim").status, 100);
    client.send(&query);
    let response = client.read_response().expect("response");
    assert!(decode_response(&response.body, &ptr()).is_ok());
}

#[test]
fn log_records_every_request_in_order() {
    let server = server();
    let www = Question::new("www.example.net", QType::Aaaa);
    let target = wire_target(&server, &ptr());
    assert_eq!(get(server.addr(), &target).status, 200);
    let query = build_query(&mail_a()).expect("query");
    request(server.addr(), "POST", "/dns-query", &[("Content-Type", WIRE_MEDIA_TYPE)], &query);
    ask_json(&server, &www);
    get(server.addr(), "/nowhere?secret=1");
    get(server.addr(), "/dns-query?dns=!!");
    let mut garbage = Client::connect(server.addr());
    garbage.send(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");
    garbage.shutdown_write();
    assert_eq!(garbage.read_response().expect("response").status, 400);

    let log = server.log();
    let summary: Vec<(Option<Question>, &str, &str)> =
        log[..5].iter().map(|e| (e.question.clone(), e.method.as_str(), e.path.as_str())).collect();
    assert_eq!(
        summary,
        [
            (Some(ptr()), "GET", "/dns-query"),
            (Some(mail_a()), "POST", "/dns-query"),
            (Some(www.clone()), "JSON", "/resolve"),
            (None, "GET", "/nowhere"),
            (None, "GET", "/dns-query"),
        ]
    );
    assert!(log[5].method.starts_with('\u{16}'), "the bytes as sent: {:?}", log[5].method);
    assert_eq!((log[5].question.as_ref(), log[5].path.as_str()), (None, ""));
    assert_eq!(log[0].raw_target, target);
    assert_eq!(log[0].body_len, 0);
    assert_eq!(log[1].body_len, query.len());
    assert_eq!(log[2].raw_target, "/resolve?name=www.example.net&type=AAAA");
    assert_eq!(log[3].raw_target, "/nowhere?secret=1");
    assert!(log.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));

    server.clear_log();
    assert!(server.log().is_empty());
    ask(&server, &ptr());
    assert_eq!(server.log().len(), 1);

    // The hook sees the same entries.
    let seen: Arc<Mutex<Vec<LogEntry>>> = Arc::default();
    let sink = Arc::clone(&seen);
    server.on_request(move |entry| sink.lock().expect("lock").push(entry.clone()));
    ask(&server, &mail_a());
    assert_eq!(seen.lock().expect("lock").as_slice(), &server.log()[1..]);
}

#[test]
fn latency_is_added_before_every_response() {
    let server = server();
    server.set_latency(Duration::from_millis(100));
    for target in [wire_target(&server, &ptr()), "/nowhere".to_string(), json_target(&mail_a())] {
        let started = Instant::now();
        get(server.addr(), &target);
        assert!(started.elapsed() >= Duration::from_millis(100), "{target}: {:?}", started.elapsed());
    }
    server.set_latency(Duration::ZERO);
    assert_eq!(ask(&server, &ptr()).status, 200);
}

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Counts panics in the server's threads.
fn count_server_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if thread::current().name().is_some_and(|name| name.starts_with("doh-")) {
                PANICS.fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
    });
}

#[test]
fn garbage_requests_do_not_kill_the_server() {
    count_server_panics();
    let server = server();
    let fixed: Vec<Vec<u8>> = vec![
        b"\r\n\r\n".to_vec(),
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03".to_vec(),
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
        b"GET\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\n: empty name\r\n\r\n".to_vec(),
        b"GET /dns-query?dns=%ff%fe HTTP/1.1\r\n\r\n".to_vec(),
        b"GET /resolve?name=%00%01&type=A HTTP/1.1\r\n\r\n".to_vec(),
        b"GET /resolve?name=a..b&type=A HTTP/1.1\r\n\r\n".to_vec(),
        format!("GET /resolve?name={}&type=A HTTP/1.1\r\n\r\n", "a".repeat(300)).into_bytes(),
        b"GET /dns-query?dns=AAAAAAAAAAAAAAAA HTTP/1.1\r\n\r\n".to_vec(),
        b"POST /dns-query HTTP/1.1\r\nContent-Type: application/dns-message\r\nContent-Length: 10\r\n\r\nshort"
            .to_vec(),
        b"POST /dns-query HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab".to_vec(),
        b"GET /dns-query HTTP/1.1\r\nHost: \xff\xfe\r\n\r\n".to_vec(),
        b"\xff\xfe\xfd\xfc\r\n\r\n".to_vec(),
        vec![0u8; 100_000],
        vec![b'\n'; 1000],
    ];
    // Pseudo-random byte strings, some with a request line in front.
    let mut state = 0x1234_5678_9abc_def1u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut inputs = fixed;
    for i in 0..200 {
        let len = (next() % 600) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if i % 2 == 0 {
            bytes.splice(0..0, b"GET /dns-query?dns=".iter().copied());
        }
        if i % 3 == 0 {
            bytes.extend_from_slice(b"\r\n\r\n");
        }
        inputs.push(bytes);
    }
    for input in &inputs {
        let mut client = Client::connect(server.addr());
        client.send(input);
        client.shutdown_write();
        // Whatever the answer, if any, it is HTTP.
        if let Ok(response) = client.read_response() {
            assert!(response.status >= 400 || response.status == 200, "{}", response.status);
        }
        let mut client = Client::connect(server.addr());
        assert_eq!(client.get(&wire_target(&server, &ptr())).status, 200);
    }
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "a server thread panicked");
    assert!(server.log().iter().filter(|e| e.question.is_none()).count() >= inputs.len() / 2);
}

#[test]
fn dropping_the_server_stops_it() {
    let server = server();
    let addr = server.addr();
    let mut client = Client::connect(addr);
    assert_eq!(client.get(&wire_target(&server, &ptr())).status, 200);
    server.add_fault(FaultRule::all(Fault::Delay(Duration::from_secs(60))));
    let mut slow = Client::connect(addr);
    slow.send_request("GET", &wire_target(&server, &ptr()), &[], b"");
    thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    drop(server);
    assert!(started.elapsed() < Duration::from_secs(10), "drop does not hang");
    assert!(client.closed_by_server(), "idle keep-alive connection closed");
    assert!(slow.read_response().is_err(), "a delayed answer is abandoned");
    assert!(TcpStream::connect(addr).is_err(), "listener closed");
}

#[test]
fn zone_can_be_replaced_and_servers_listen_where_told() {
    let server = Server::start_on(common::zone(), "127.0.0.1:0".parse().expect("addr")).expect("start");
    assert_eq!(server.url(), format!("http://127.0.0.1:{}/dns-query", server.addr().port()));
    assert_eq!(server.json_url(), format!("http://127.0.0.1:{}/resolve", server.addr().port()));
    let mut zone = iprev_core::zone::Zone::default();
    zone.insert("mail.example.net", 5, RecordData::A("192.0.2.1".parse().expect("ip")));
    server.set_zone(zone);
    assert_eq!(decoded(&server, &mail_a()).map(|a| a.records), Ok(vec![a_record("mail.example.net", 5, "192.0.2.1")]));
    assert_eq!(decoded(&server, &ptr()).map(|a| a.rcode), Ok(Rcode::NxDomain));
    if let Ok(v6) = Server::start_on(common::zone(), "[::1]:0".parse().expect("addr")) {
        assert!(v6.url().starts_with("http://[::1]:"));
        assert_eq!(decoded(&v6, &ptr()).map(|a| a.records.len()), Ok(1));
    }
}
