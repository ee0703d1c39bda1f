//! Batch runs of `iprev` as a process: Maildir and nested archives, the
//! per-server summary in text, JSON and CSV, one DNS question asked once per
//! run however many messages need it, the concurrency bound, polite retries
//! and the per-message deadline, against the DoH test server on loopback.

use iprev_core::zone::Zone;
use iprev_doh_server::{Fault, FaultRule, LogEntry, Server};
use serde_json::Value;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn iprev(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iprev")).args(args).output().expect("iprev runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iprev-batch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A message handed to `mx.recipient.example.org` by `ip`, which said
/// `HELO helo`, on day `day` of January 2025.
fn message(ip: &str, helo: &str, day: u32, n: usize) -> String {
    format!(
        "Received: from {helo} ({helo} [{ip}]) by mx.recipient.example.org (Postfix) with ESMTPS id M{n}; \
         Wed, {day} Jan 2025 10:00:00 +0000\r\nFrom: a@sender.example\r\nSubject: message {n}\r\n\r\nbody {n}\r\n"
    )
}

/// PTR and A records for each `(ip, name)`; a `None` name has no PTR.
fn zone(entries: &[(&str, Option<&str>)]) -> Zone {
    let mut text = String::from("$TTL 300\n");
    for (ip, name) in entries {
        let reverse = iprev_core::dns::reverse_name(ip.parse().expect("ip"));
        if let Some(name) = name {
            let _ = write!(text, "{reverse}. IN PTR {name}.\n{name}. IN A {ip}\n");
        }
    }
    text.push_str("in-addr.arpa. IN SOA ns.example. host.example. 1 3600 600 86400 300\n");
    Zone::parse(text.as_bytes()).expect("zone")
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("parent");
    }
    std::fs::write(path, text).expect("write");
}

fn sources(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("JSON line")["source"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

#[test]
fn maildir_folders_and_nested_mbox_files_are_read_in_sorted_order() {
    let root = temp_dir("maildir");
    let maildir = root.join("Archive");
    write(&maildir.join("cur/1700000000.1.host:2,S"), &message("81.2.69.1", "a.example.net", 1, 1));
    write(&maildir.join("new/1700000001.2.host"), &message("81.2.69.2", "b.example.net", 2, 2));
    // tmp/ holds messages still being delivered: never read.
    write(&maildir.join("tmp/1700000002.3.host"), &message("81.2.69.3", "c.example.net", 3, 3));
    write(&maildir.join("cur/.hidden"), "not a message");
    let mbox = format!(
        "From a@b Wed Jan  4 10:11:12 2023\n{}\nFrom a@b Wed Jan  4 10:11:12 2023\n{}",
        message("81.2.69.4", "d.example.net", 4, 4),
        message("81.2.69.5", "e.example.net", 5, 5)
    );
    write(&root.join("older/2023.mbox"), &mbox);
    write(&root.join("older/notes.txt"), "not mail");
    let out = iprev(&["check", "--offline", "--format", "json", &root.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let got: Vec<String> =
        sources(&out).iter().map(|s| s.strip_prefix(&*root.to_string_lossy()).unwrap_or(s).to_string()).collect();
    assert_eq!(
        got,
        [
            "/Archive/cur/1700000000.1.host:2,S",
            "/Archive/new/1700000001.2.host",
            "/older/2023.mbox#1",
            "/older/2023.mbox#2"
        ]
    );
}

/// Three servers over nine messages: one passes, one has no PTR, one
/// announces an internal HELO name; and one message with no public hop.
fn archive(root: &Path) {
    let mut n = 0;
    for (ip, helo, days) in [
        ("81.2.69.10", "mail.good.example", &[3, 1, 7][..]),
        ("81.2.69.20", "mail.noptr.example", &[2, 9][..]),
        ("81.2.69.30", "svr01.contoso.local", &[5, 4, 6, 8][..]),
    ] {
        for day in days {
            n += 1;
            write(&root.join(format!("m{n:02}.eml")), &message(ip, helo, *day, n));
        }
    }
    write(
        &root.join("m99.eml"),
        "Received: from pc.lan ([192.168.1.2]) by mx.lan; Wed, 1 Jan 2025 10:00:00 +0000\r\n\r\n",
    );
}

fn archive_zone() -> Zone {
    zone(&[("81.2.69.10", Some("mail.good.example")), ("81.2.69.20", None), ("81.2.69.30", Some("gw.contoso.example"))])
}

#[test]
fn summary_has_one_row_per_sending_server_in_json() {
    let root = temp_dir("summary-json");
    archive(&root);
    let server = Server::start(archive_zone()).expect("server");
    let out = iprev(&["summary", "--resolver", &server.url(), "--format", "json", &root.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1), "the worst result (permerror) decides the exit code: {}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["messages"], 10);
    assert_eq!(doc["without_sender_hop"], 1);
    assert_eq!(doc["unreadable"], 0);
    let servers = doc["servers"].as_array().expect("rows");
    let rows: Vec<(&str, &str, u64)> = servers
        .iter()
        .map(|r| {
            (r["ip"].as_str().unwrap_or(""), r["result"].as_str().unwrap_or(""), r["messages"].as_u64().unwrap_or(0))
        })
        .collect();
    assert_eq!(rows, [("81.2.69.30", "pass", 4), ("81.2.69.10", "pass", 3), ("81.2.69.20", "permerror", 2)]);
    let contoso = &servers[0];
    assert_eq!(contoso["ptr"], serde_json::json!(["gw.contoso.example"]));
    assert_eq!(contoso["helo"], serde_json::json!(["svr01.contoso.local"]));
    assert_eq!(contoso["first"], "2025-01-04T10:00:00+00:00");
    assert_eq!(contoso["last"], "2025-01-08T10:00:00+00:00");
    let advice = contoso["advice"].as_array().expect("advice");
    assert!(advice.iter().any(|a| a.as_str().is_some_and(|a| a.starts_with("helo-internal"))), "{advice:?}");
    assert!(servers[2]["advice"][0].as_str().is_some_and(|a| a.starts_with("ptr-missing")), "{}", servers[2]);
}

#[test]
fn summary_as_text_and_csv_and_check_summary_is_the_same_command() {
    let root = temp_dir("summary-csv");
    archive(&root);
    write(
        &root.join("m50.eml"),
        "Received: from =HYPERLINK(\"x\") ([81.2.69.40]) by mx.recipient.example.org with ESMTP id Z; \
         Wed, 1 Jan 2025 10:00:00 +0000\r\n\r\n",
    );
    let server = Server::start(archive_zone()).expect("server");
    let csv = iprev(&["check", "--summary", "--resolver", &server.url(), "--format", "csv", &root.to_string_lossy()]);
    let text = String::from_utf8_lossy(&csv.stdout);
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], "ip,iprev,ptr,helo,messages,first,last,advice");
    assert!(lines[1].starts_with("81.2.69.30,pass,gw.contoso.example,svr01.contoso.local,4,"), "{}", lines[1]);
    let hostile = lines.iter().find(|l| l.starts_with("81.2.69.40")).expect("row");
    assert!(hostile.contains(",'=HYPERLINK,"), "a formula is defused: {hostile}");
    let readable = iprev(&["summary", "--resolver", &server.url(), "--format", "text", &root.to_string_lossy()]);
    let readable = String::from_utf8_lossy(&readable.stdout);
    assert!(
        readable.starts_with("11 messages, 4 sending servers, 1 without a sender hop, 0 unreadable inputs"),
        "{readable}"
    );
    assert!(readable.contains("svr01.contoso.local"));
    let wrong = iprev(&["check", "--format", "csv", "--offline", &root.to_string_lossy()]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(stderr(&wrong).contains("--format csv needs --summary"));
}

fn question_key(entry: &LogEntry) -> String {
    entry.question.as_ref().map_or_else(|| entry.raw_target.clone(), |q| format!("{} {:?}", q.name, q.qtype))
}

#[test]
fn every_distinct_question_is_asked_once_per_run() {
    let root = temp_dir("once");
    // 120 messages from 6 servers, in an order that interleaves them.
    let servers = ["81.2.69.11", "81.2.69.12", "81.2.69.13", "81.2.69.14", "81.2.69.15", "81.2.69.16"];
    for n in 0..120 {
        let ip = servers[n % servers.len()];
        write(
            &root.join(format!("{n:03}.eml")),
            &message(ip, &format!("mx{}.example.net", n % 6), 1 + (n % 28) as u32, n),
        );
    }
    let entries: Vec<(&str, Option<&str>)> = vec![
        ("81.2.69.11", Some("mx0.example.net")),
        ("81.2.69.12", Some("mx1.example.net")),
        ("81.2.69.13", Some("mx2.example.net")),
        ("81.2.69.14", None),
        ("81.2.69.15", Some("mx4.example.net")),
        ("81.2.69.16", Some("mx5.example.net")),
    ];
    let server = Server::start(zone(&entries)).expect("server");
    server.set_latency(Duration::from_millis(20));
    let out = iprev(&["summary", "--stats", "--resolver", &server.url(), "--format", "json", &root.to_string_lossy()]);
    assert!(out.status.success() || out.status.code() == Some(1), "{}", stderr(&out));
    let log = server.log();
    let asked: Vec<String> = log.iter().map(question_key).collect();
    let distinct: HashSet<&String> = asked.iter().collect();
    assert_eq!(asked.len(), distinct.len(), "a question was asked twice: {asked:?}");
    // Per server: its PTR, its name's A record (also the HELO name's); the
    // server without a PTR: its PTR question and its HELO name's A record.
    assert_eq!(asked.len(), 12, "{asked:?}");
    let stats = stderr(&out);
    assert!(stats.contains("120 messages"), "{stats}");
    assert!(stats.contains("DNS: 240 questions needed, 12 asked, 0 retried"), "{stats}");
}

#[test]
fn no_more_questions_in_flight_than_max_concurrent() {
    let root = temp_dir("concurrent");
    let mut entries = Vec::new();
    let ips: Vec<String> = (1..=12).map(|n| format!("81.2.70.{n}")).collect();
    for (n, ip) in ips.iter().enumerate() {
        write(&root.join(format!("{n:02}.eml")), &message(ip, &format!("host{n}.example.net"), 1, n));
        entries.push((ip.as_str(), None));
    }
    let server = Server::start(zone(&entries)).expect("server");
    let latency = Duration::from_millis(150);
    server.set_latency(latency);
    let started = Instant::now();
    let out = iprev(&[
        "check",
        "--max-concurrent",
        "3",
        "--resolver",
        &server.url(),
        "--format",
        "json",
        &root.to_string_lossy(),
    ]);
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let arrivals: Vec<u64> = server.log().iter().map(|e| e.at_ms).collect();
    assert_eq!(arrivals.len(), 24, "a PTR and a HELO question per message");
    // 24 questions, 3 at a time, each taking 150 ms: at least 8 waves.
    assert!(elapsed >= latency * 8, "took {elapsed:?}");
    for &at in &arrivals {
        let overlapping = arrivals.iter().filter(|&&other| other >= at && other < at + 120).count();
        assert!(overlapping <= 3, "{overlapping} requests within 120 ms of {at}: {arrivals:?}");
    }
}

#[test]
fn busy_resolvers_are_asked_again_after_a_pause_then_temperror() {
    let root = temp_dir("retry");
    write(&root.join("one.eml"), &message("81.2.69.10", "mail.good.example", 1, 1));
    let server = Server::start(archive_zone()).expect("server");
    server.add_fault(FaultRule::all(Fault::HttpStatus(429)));
    let started = Instant::now();
    let out = iprev(&["check", "--stats", "--resolver", &server.url(), "--format", "json", &root.to_string_lossy()]);
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("report");
    let reason = report["hops"][0]["iprev"]["reason"].as_str().unwrap_or_default().to_string();
    assert!(reason.contains("answered HTTP 429 (3 attempts)"), "{reason}");
    // The PTR question three times, with waits of 250 and 500 ms between.
    let log = server.log();
    let asked: Vec<String> = log.iter().map(question_key).collect();
    assert_eq!(asked, vec!["10.69.2.81.in-addr.arpa Ptr".to_string(); 3]);
    let gaps: Vec<u64> = log.windows(2).map(|w| w[1].at_ms - w[0].at_ms).collect();
    assert!(gaps[0] >= 250 && gaps[1] >= 500, "no pause between attempts: {gaps:?}");
    assert!(elapsed >= Duration::from_millis(750), "{elapsed:?}");
    assert!(stderr(&out).contains("2 retried"), "{}", stderr(&out));
}

#[test]
fn the_message_deadline_cuts_a_slow_resolver_off() {
    let root = temp_dir("deadline");
    write(&root.join("one.eml"), &message("81.2.69.10", "mail.good.example", 1, 1));
    let server = Server::start(archive_zone()).expect("server");
    server.add_fault(FaultRule::all(Fault::Delay(Duration::from_secs(5))));
    let started = Instant::now();
    let out = iprev(&[
        "check",
        "--timeout",
        "10",
        "--deadline",
        "1",
        "--resolver",
        &server.url(),
        "--format",
        "json",
        &root.to_string_lossy(),
    ]);
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("report");
    let reason = report["hops"][0]["iprev"]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("no answers within the message's deadline of 1 s"), "{reason}");
    assert_eq!(report["dns"]["notes"][0], "stopped early: no answers within the message's deadline of 1 s");
    assert!(elapsed < Duration::from_secs(4), "took {elapsed:?}");
}

#[test]
fn a_busy_resolver_is_asked_again_after_its_retry_after_and_the_answer_counts() {
    let root = temp_dir("retry-after");
    write(&root.join("one.eml"), &message("81.2.69.10", "mail.good.example", 1, 1));
    let server = std::sync::Arc::new(Server::start(archive_zone()).expect("server"));
    server.add_fault(FaultRule::all(Fault::RetryAfter(503, 1)));
    // The server recovers as soon as it has turned the first request away.
    let watcher = {
        let server = std::sync::Arc::clone(&server);
        std::thread::spawn(move || {
            let started = Instant::now();
            while server.log().is_empty() && started.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(5));
            }
            server.clear_faults();
        })
    };
    let out = iprev(&["check", "--stats", "--resolver", &server.url(), "--format", "json", &root.to_string_lossy()]);
    watcher.join().expect("watcher");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("report");
    assert_eq!(report["hops"][0]["iprev"]["result"], "pass");
    let log = server.log();
    let ptr: Vec<u64> = log.iter().filter(|e| question_key(e).ends_with("Ptr")).map(|e| e.at_ms).collect();
    assert_eq!(ptr.len(), 2, "asked twice: {:?}", log.iter().map(question_key).collect::<Vec<_>>());
    assert!(ptr[1] - ptr[0] >= 1000, "Retry-After: 1 was not honoured: {ptr:?}");
    assert!(stderr(&out).contains("1 retried"), "{}", stderr(&out));
}
