//! The `iprev-doh-server` command run as a process.
#![allow(missing_docs)]

mod common;

use common::{Client, target_of};
use iprev_core::dns::{DnsError, QType, Question, Rcode, RecordData, build_query, decode_response, get_url};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_iprev-doh-server");

/// A fresh file path under Cargo's scratch directory for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("doh-server-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            panic!("the server did not exit within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn runs_serves_and_stops_when_stdin_closes() {
    let zone = scratch("ok.zone");
    std::fs::write(&zone, common::ZONE).expect("zone file");
    let log = scratch("requests.log");
    let mut child = Command::new(BIN)
        .arg("--zone")
        .arg(&zone)
        .args(["--latency-ms", "1", "--fault", "nowhere.example=servfail", "--fault", "mail.example.net/AAAA=wrong-id"])
        .arg("--log")
        .arg(&log)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("listening line");
    let url = line.trim_end().strip_prefix("listening on ").unwrap_or_else(|| panic!("{line:?}")).to_string();
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/dns-query"), "{url}");
    let addr = url["http://".len()..url.len() - "/dns-query".len()].parse().expect("address");

    let ptr = Question::new("142.69.2.81.in-addr.arpa", QType::Ptr);
    let mut client = Client::connect(addr);
    let target = target_of(&get_url(&url, &build_query(&ptr).expect("query")));
    let response = client.get(&target);
    assert_eq!(response.status, 200);
    let answer = decode_response(&response.body, &ptr).expect("decodes");
    assert_eq!(answer.records[0].data, RecordData::Ptr("mail.example.net".to_string()));
    let nowhere = Question::new("nowhere.example", QType::A);
    let response = client.get(&target_of(&get_url(&url, &build_query(&nowhere).expect("query"))));
    assert_eq!(decode_response(&response.body, &nowhere).map(|a| a.rcode), Ok(Rcode::ServFail));
    let aaaa = Question::new("mail.example.net", QType::Aaaa);
    let response = client.get(&target_of(&get_url(&url, &build_query(&aaaa).expect("query"))));
    assert_eq!(decode_response(&response.body, &aaaa), Err(DnsError::IdMismatch(4660)));
    assert_eq!(client.get("/resolve?name=mail.example.net&type=A").json()["Status"], 0);

    drop(child.stdin.take());
    let status = wait_with_timeout(&mut child, Duration::from_secs(10));
    assert!(status.success(), "{status}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("stdout");
    assert_eq!(rest, "", "exactly one line on stdout");

    let logged = std::fs::read_to_string(&log).expect("log file");
    let lines: Vec<&str> = logged.lines().collect();
    assert_eq!(lines.len(), 4, "{logged}");
    let fields: Vec<&str> = lines[0].splitn(4, ' ').collect();
    assert!(fields[0].parse::<u64>().is_ok(), "{}", lines[0]);
    assert_eq!(&fields[1..], ["GET", target.as_str(), "142.69.2.81.in-addr.arpa PTR"]);
    assert!(lines[3].ends_with(" JSON /resolve?name=mail.example.net&type=A mail.example.net A"), "{}", lines[3]);
}

#[test]
fn bad_zone_files_exit_2_naming_the_file() {
    let zone = scratch("bad.zone");
    std::fs::write(&zone, "ok.example. IN A 192.0.2.1\nbad.example. IN A 300.1.1.1\n").expect("zone file");
    let output = Command::new(BIN).arg("--zone").arg(&zone).stdin(Stdio::null()).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&zone.display().to_string()), "{stderr}");
    assert!(stderr.contains("line 2: expected IPv4 address"), "{stderr}");

    let missing = scratch("missing.zone");
    let output = Command::new(BIN).arg("--zone").arg(&missing).stdin(Stdio::null()).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing.zone"));

    let output = Command::new(BIN)
        .args(["--zone", "x", "--fault", "a.example=sometimes"])
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "usage errors too");
}
