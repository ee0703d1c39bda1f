//! `iprev check` with live DNS, run as a process against the project's
//! DNS-over-HTTPS test server on 127.0.0.1: verdicts, exit codes, output
//! formats, failover, resolver faults and what the resolver gets to see.

use iprev_core::dns::{Question, Rcode};
use iprev_core::zone::Zone;
use iprev_doh_server::{Fault, FaultRule, Server};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn sample(name: &str) -> String {
    repo(&format!("samples/{name}")).to_string_lossy().into_owned()
}

fn samples_zone() -> Zone {
    Zone::parse(&std::fs::read(repo("samples/zone.txt")).expect("zone file")).expect("zone")
}

fn server() -> Server {
    Server::start(samples_zone()).expect("test DoH server")
}

fn iprev(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iprev")).args(args).output().expect("iprev runs")
}

fn json(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect()
}

fn sender_iprev(report: &Value) -> &Value {
    let index = report["sender_hop"].as_u64().expect("sender hop") as usize;
    &report["hops"][index]["iprev"]
}

#[test]
fn verdicts_and_exit_codes_follow_the_sender_hop() {
    let server = server();
    let url = server.url();
    for (file, result, code) in [
        ("exchange2016-local-to-gmail.eml", "pass", 0),
        ("postfix-to-postfix.eml", "pass", 0),
        ("sendmail-may-be-forged.eml", "fail", 1),
        ("onprem-exchange2019-to-m365.eml", "permerror", 1),
    ] {
        let out = iprev(&["check", "--resolver", &url, "--format", "json", &sample(file)]);
        assert_eq!(out.status.code(), Some(code), "{file}: {}", String::from_utf8_lossy(&out.stderr));
        let reports = json(&out);
        assert_eq!(sender_iprev(&reports[0])["result"], result, "{file}");
    }
    // All messages at once: the worst code wins.
    let out = iprev(&["check", "--resolver", &url, "--format", "json", &sample("")]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out).len(), 5);
}

#[test]
fn json_carries_evidence_helo_advice_authres_and_two_rounds() {
    let server = server();
    let out =
        iprev(&["check", "--resolver", &server.url(), "--format", "json", &sample("exchange2016-local-to-gmail.eml")]);
    let report = &json(&out)[0];
    let iprev = sender_iprev(report);
    assert_eq!(iprev["ptr"], serde_json::json!(["mail.example.com"]));
    assert_eq!(iprev["forward"]["mail.example.com"], serde_json::json!(["81.2.69.150"]));
    assert_eq!(iprev["reason"], "mail.example.com resolves to 81.2.69.150");
    assert_eq!(iprev["helo"]["status"], "not_public");
    assert_eq!(iprev["advice"][0]["id"], "helo-internal");
    assert_eq!(
        report["authres"],
        "Authentication-Results: iprev; iprev=pass policy.iprev=81.2.69.150 (mail.example.com)"
    );
    assert_eq!(report["dns"]["rounds"], 2);
    // Hops that are not public are never checked.
    assert!(report["hops"][0]["iprev"].is_null());
    assert!(report["hops"][1]["iprev"].is_null());
}

#[test]
fn rfc2317_delegation_passes_through_the_wire() {
    let server = server();
    let out = iprev(&["check", "--resolver", &server.url(), "--format", "json", &sample("postfix-to-postfix.eml")]);
    let report = &json(&out)[0];
    assert_eq!(sender_iprev(report)["result"], "pass");
    assert_eq!(report["dns"]["rounds"], 2, "the zone answer carries the CNAME and the PTR together");
}

#[test]
fn authres_format_prints_one_header_per_message() {
    let server = server();
    let out = iprev(&[
        "check",
        "--resolver",
        &server.url(),
        "--format",
        "authres",
        "--authserv-id",
        "mx.example.org",
        &sample(""),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines.contains(&"Authentication-Results: mx.example.org; iprev=permerror policy.iprev=81.2.69.170"));
    assert!(lines.contains(
        &"Authentication-Results: mx.example.org; iprev=fail policy.iprev=81.2.69.145 (host-81-2-69-145.isp.example)"
    ));
}

#[test]
fn text_output_shows_verdict_and_advice() {
    let server = server();
    let out =
        iprev(&["check", "--resolver", &server.url(), "--format", "text", &sample("exchange2016-local-to-gmail.eml")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Sender hop  #2 mail.example.com [81.2.69.150] -> mx.google.com  iprev=pass"), "{text}");
    assert!(text.contains("Set-SendConnector -Identity \"<connector name>\" -Fqdn mail.example.com"));
    assert!(text.contains("Receivers' own verdicts"));
}

#[test]
fn zone_file_answers_without_any_network() {
    let out = iprev(&[
        "check",
        "--zone",
        &repo("samples/zone.txt").to_string_lossy(),
        "--format",
        "json",
        &sample("sendmail-may-be-forged.eml"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = &json(&out)[0];
    assert_eq!(sender_iprev(report)["result"], "fail");
    assert!(report["dns"]["resolver"].as_str().is_some_and(|r| r.starts_with("zone:")));
    let dir = std::env::temp_dir().join(format!("iprev-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bad = dir.join("bad.zone");
    std::fs::write(&bad, "ok.example. IN A 192.0.2.1\nbad.example. IN A 300.1.1.1\n").expect("write");
    let out = iprev(&["check", "--zone", &bad.to_string_lossy(), &sample("postfix-to-postfix.eml")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{}: line 2: expected IPv4 address", bad.display())), "{stderr}");
}

#[test]
fn json_resolver_format_works_too() {
    let server = server();
    let out = iprev(&[
        "check",
        "--resolver",
        &server.json_url(),
        "--resolver-format",
        "json",
        "--format",
        "json",
        &sample("postfix-to-postfix.eml"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(server.log().iter().all(|e| e.method == "JSON"));
}

#[test]
fn failover_to_the_second_resolver() {
    let broken = server();
    broken.add_fault(FaultRule::all(Fault::HttpStatus(503)));
    let good = server();
    let out = iprev(&[
        "check",
        "--resolver",
        &broken.url(),
        "--resolver",
        &good.url(),
        "--format",
        "json",
        &sample("postfix-to-postfix.eml"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!broken.log().is_empty() && !good.log().is_empty());
}

/// One fault, and the temperror reason it must produce.
fn fault_gives_temperror(fault: Fault, reason: &str, extra: &[&str]) {
    let server = server();
    server.add_fault(FaultRule::all(fault));
    let url = server.url();
    let mut args = vec!["check", "--resolver", &url, "--format", "json", "--timeout", "1"];
    args.extend_from_slice(extra);
    let path = sample("postfix-to-postfix.eml");
    args.push(&path);
    let started = Instant::now();
    let out = iprev(&args);
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(3), "{reason}: {}", String::from_utf8_lossy(&out.stderr));
    let report = &json(&out)[0];
    let iprev = sender_iprev(report);
    assert_eq!(iprev["result"], "temperror");
    let got = iprev["reason"].as_str().unwrap_or_default();
    assert!(got.contains(reason), "expected {reason:?} in {got:?}");
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
}

#[test]
fn resolver_faults_end_in_temperror_with_a_specific_reason() {
    fault_gives_temperror(Fault::Rcode(Rcode::ServFail), "answered SERVFAIL", &[]);
    fault_gives_temperror(Fault::Rcode(Rcode::Refused), "answered REFUSED", &[]);
    fault_gives_temperror(Fault::HttpStatus(500), "answered HTTP 500", &[]);
    fault_gives_temperror(Fault::Garbage, "undecodable DNS response", &[]);
    fault_gives_temperror(Fault::WrongContentType, "content type \"text/html\"", &[]);
    fault_gives_temperror(Fault::Truncated, "truncated answer", &[]);
    fault_gives_temperror(Fault::WrongId, "another query", &[]);
    fault_gives_temperror(Fault::WrongQuestion, "another question", &[]);
    fault_gives_temperror(Fault::Redirect("http://127.0.0.2/dns-query".into()), "redirects are not followed", &[]);
    fault_gives_temperror(Fault::Oversized, "larger than any DNS message", &[]);
    fault_gives_temperror(Fault::Delay(Duration::from_secs(3)), "within 1 s", &[]);
}

#[test]
fn unreachable_resolver_is_temperror() {
    // A port nothing listens on: bind, note the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let url = format!("http://127.0.0.1:{port}/dns-query");
    let out = iprev(&["check", "--resolver", &url, "--format", "json", &sample("postfix-to-postfix.eml")]);
    assert_eq!(out.status.code(), Some(3));
    let reason = sender_iprev(&json(&out)[0])["reason"].as_str().unwrap_or_default().to_string();
    assert!(reason.contains("cannot connect"), "{reason}");
}

#[test]
fn plain_http_resolvers_must_be_loopback() {
    let out = iprev(&["check", "--resolver", "http://dns.example.net/dns-query", &sample("postfix-to-postfix.eml")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("use https://"));
}

#[test]
fn the_resolver_sees_only_reverse_names_and_host_names() {
    let server = server();
    let out = iprev(&["check", "--resolver", &server.url(), "--format", "json", &sample("")]);
    let reports = json(&out);
    // Every name the messages or the zone could legitimately make iprev ask about.
    let mut allowed: Vec<String> = Vec::new();
    for report in &reports {
        for hop in report["hops"].as_array().into_iter().flatten() {
            if let Some(ip) = hop["from_ip"].as_str().and_then(|i| i.parse().ok()) {
                allowed.push(iprev_core::dns::reverse_name(ip));
            }
            allowed.extend(hop["from_helo"].as_str().map(str::to_ascii_lowercase));
            for name in hop["iprev"]["ptr"].as_array().into_iter().flatten() {
                allowed.extend(name.as_str().map(str::to_string));
            }
        }
    }
    let log = server.log();
    assert!(!log.is_empty());
    for entry in &log {
        let question: &Question = entry.question.as_ref().expect("a DNS question");
        let chained = question.name.contains("128-25");
        assert!(allowed.contains(&question.name) || chained, "unexpected question {question}");
        for secret in ["Quartalszahlen", "alice", "Subject", "body", "@"] {
            assert!(!entry.raw_target.contains(secret), "{secret} leaked in {}", entry.raw_target);
        }
    }
}

#[test]
fn five_hops_with_100_ms_latency_take_two_rounds() {
    let message = repo("tests/data/messages/m365-to-m365.eml");
    let path = message.to_string_lossy();
    // Give every public client two PTR names that resolve back; --all-hops
    // checks Microsoft's own relays too (three of the five).
    let offline = json(&iprev(&["check", "--offline", "--format", "json", &path]));
    let mut zone = Zone::default();
    for hop in offline[0]["hops"].as_array().expect("hops").iter().filter(|h| h["ip_scope"] == "public") {
        let ip: std::net::IpAddr = hop["from_ip"].as_str().and_then(|i| i.parse().ok()).expect("ip");
        let index = hop["index"].as_u64().expect("index");
        for name in [format!("h{index}.ptr.example.net"), format!("h{index}.alias.example.net")] {
            zone.insert(&iprev_core::dns::reverse_name(ip), 300, iprev_core::dns::RecordData::Ptr(name.clone()));
            let data = match ip {
                std::net::IpAddr::V4(v4) => iprev_core::dns::RecordData::A(v4),
                std::net::IpAddr::V6(v6) => iprev_core::dns::RecordData::Aaaa(v6),
            };
            zone.insert(&name, 300, data);
        }
    }
    let server = Server::start(zone).expect("server");
    server.set_latency(Duration::from_millis(100));
    let started = Instant::now();
    let out = iprev(&["check", "--all-hops", "--resolver", &server.url(), "--format", "json", &path]);
    let elapsed = started.elapsed();
    let report = &json(&out)[0];
    let public = report["hops"].as_array().expect("hops").iter().filter(|h| h["iprev"]["result"] == "pass").count();
    assert_eq!(public, 5);
    assert_eq!(report["dns"]["rounds"], 2);
    assert_eq!(report["dns"]["questions"], 16, "5 PTR, 10 forward, the HELO name");

    // Measured, not asserted: the README reports it (see bench/live_latency.py).
    eprintln!("5 public hops, 100 ms latency: {elapsed:?} wall, {} questions", report["dns"]["questions"]);
}

#[test]
fn all_hops_makes_every_checked_hop_count() {
    let server = server();
    let path = sample("m365-to-m365.eml");
    let out = iprev(&["check", "--resolver", &server.url(), "--format", "json", &path]);
    assert_eq!(out.status.code(), Some(0), "the sender hop passes");
    let out = iprev(&["check", "--resolver", &server.url(), "--format", "json", "--all-hops", &path]);
    assert_eq!(out.status.code(), Some(1), "Microsoft's internal hops have no PTR in the sample zone");
}
