//! The `iprev` command run as a process: inputs, formats, exit codes, errors.

use serde_json::Value;
use std::fmt::Write as _;
use std::io::Write;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn iprev() -> Command {
    Command::new(env!("CARGO_BIN_EXE_iprev"))
}

fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data").join(path)
}

fn run(args: &[&str]) -> Output {
    iprev().args(args).output().expect("iprev runs")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child =
        iprev().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    child.stdin.take().expect("stdin").write_all(input).expect("write stdin");
    child.wait_with_output().expect("iprev runs")
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iprev-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn directory_streams_one_json_line_per_message_in_sorted_order() {
    let dir = data("messages");
    let out = run(&["check", "--offline", "--format", "json", dir.to_str().expect("utf8 path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = json_lines(&out);
    let mut expected: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    expected.sort();
    assert_eq!(lines.len(), expected.len());
    for (line, path) in lines.iter().zip(&expected) {
        assert_eq!(line["source"], path.to_string_lossy().as_ref());
        for key in ["message_id", "hops", "sender_hop", "authentication_results"] {
            assert!(line.get(key).is_some(), "{key} missing");
        }
        for (i, hop) in line["hops"].as_array().expect("hops").iter().enumerate() {
            assert_eq!(hop["index"], i);
            for key in [
                "from_helo",
                "from_rdns",
                "from_ip",
                "by",
                "with",
                "date",
                "delay_s",
                "ip_scope",
                "mta",
                "iprev",
                "raw",
            ] {
                assert!(hop.get(key).is_some(), "hop key {key} missing");
            }
            assert!(hop["iprev"].is_null());
        }
    }
}

#[test]
fn mbox_messages_are_numbered_and_stdin_is_dash() {
    let mbox = data("inputs/sample.mbox");
    let out = run(&["check", "--offline", "--format", "json", mbox.to_str().expect("path")]);
    assert!(out.status.success());
    let sources: Vec<String> =
        json_lines(&out).iter().map(|l| l["source"].as_str().expect("source").to_string()).collect();
    let base = mbox.to_string_lossy();
    assert_eq!(sources, (1..=5).map(|n| format!("{base}#{n}")).collect::<Vec<_>>());

    let bytes = std::fs::read(data("inputs/headers-only.txt")).expect("input");
    for args in [&["check", "--offline", "--format", "json"][..], &["check", "--offline", "--format", "json", "-"][..]]
    {
        let out = run_stdin(args, &bytes);
        assert!(out.status.success());
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["source"], "-");
        assert_eq!(lines[0]["hops"].as_array().map(Vec::len), Some(3));
    }
}

#[test]
fn unreadable_inputs_exit_2_naming_file_and_cause_and_the_rest_still_runs() {
    let dir = temp_dir("errors");
    let good = data("messages/postfix-to-postfix.eml");
    let binary = dir.join("outlook.msg");
    std::fs::write(&binary, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00").expect("write");
    let missing = dir.join("missing.eml");
    let out = run(&[
        "check",
        "--offline",
        "--format",
        "json",
        missing.to_str().expect("path"),
        binary.to_str().expect("path"),
        good.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{}: no such file or directory", missing.display())), "{stderr}");
    assert!(stderr.contains(&format!("{}: not a text message: an Outlook .msg file", binary.display())), "{stderr}");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["error"]["kind"], "io");
    assert_eq!(lines[1]["error"]["kind"], "input");
    assert!(lines[2]["hops"].is_array());
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["check", "--format", "yaml"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn text_output_has_the_table_and_colour_only_when_asked() {
    let eml = data("messages/exchange2016-local-to-gmail.eml");
    let path = eml.to_str().expect("path");
    let plain = run(&["check", "--offline", "--format", "text", path]);
    let text = String::from_utf8_lossy(&plain.stdout);
    assert!(text.contains("Sender hop  #2 mail.example.com [81.2.69.150] -> mx.google.com"), "{text}");
    assert!(text.contains("client (HELO / rDNS)"));
    assert!(!text.contains('\x1b'), "no colour when not a terminal");
    let coloured = run(&["check", "--offline", "--format", "text", "--color", "always", path]);
    assert!(String::from_utf8_lossy(&coloured.stdout).contains("\x1b["));
    // Default format off a terminal is JSON Lines.
    let default = run(&["check", "--offline", path]);
    assert_eq!(json_lines(&default).len(), 1);
}

#[test]
fn hostile_header_text_cannot_drive_the_terminal() {
    let message = b"Subject: \x1b]0;pwned\x07 hi\r\nReceived: from evil\x1b[2J.example ([81.2.69.1]) by mx.example.org; Wed, 4 Jan 2023 10:11:12 +0000\r\n\r\n";
    let out = run_stdin(&["check", "--offline", "--format", "text"], message);
    assert!(out.status.success());
    assert!(!out.stdout.contains(&0x1b), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn huge_and_binary_inputs_end_cleanly() {
    let dir = temp_dir("huge");
    // 50 MB of header text.
    let huge = dir.join("huge.eml");
    let line = format!(
        "Received: from a.example ([81.2.69.7]) by b.example; Wed, 4 Jan 2023 10:11:12 +0000 {}\r\n",
        "x".repeat(60)
    );
    std::fs::write(&huge, line.repeat(50 * 1024 * 1024 / line.len())).expect("write");
    // Random bytes.
    let noise = dir.join("noise.eml");
    let bytes: Vec<u8> = (0u32..200_000).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&noise, bytes).expect("write");
    let out = run(&["check", "--offline", "--format", "json", dir.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    let report = &lines[0];
    assert_eq!(report["hops"].as_array().map(Vec::len), Some(100));
    assert!(report["notes"].to_string().contains("Received fields; only the newest 100"));
    assert_eq!(lines[1]["error"]["kind"], "input");
}

/// One case of the Received corpus: the raw value and the client address it states.
struct Case {
    raw: String,
    ip: Option<String>,
}

fn corpus() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(data("received"))
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for file in files {
        let list: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("json");
        for case in list {
            let raw = case["raw"].as_str().expect("raw").replace("\r\n", "\n").replace('\n', "\r\n");
            cases.push(Case { raw, ip: case["expected"]["from_ip"].as_str().map(str::to_string) });
        }
    }
    cases
}

fn write_message(path: &Path, hops: &[&Case], n: usize) {
    let mut text = String::new();
    // Header order is newest first.
    for case in hops.iter().rev() {
        text.push_str("Received: ");
        text.push_str(&case.raw);
        text.push_str("\r\n");
    }
    let _ = write!(text, "Message-ID: <generated-{n}@iprev.test>\r\nSubject: generated {n}\r\n\r\nbody\r\n");
    std::fs::write(path, text).expect("write message");
}

#[test]
fn thousands_of_messages_every_relay_ip_in_the_right_hop() {
    let cases = corpus();
    let dir = temp_dir("bulk");
    let count = 3000;
    let mut expected = Vec::new();
    for n in 0..count {
        // A deterministic mix of 1 to 6 hops drawn from every family.
        let hops: Vec<&Case> = (0..=n % 6).map(|k| &cases[(n * 7 + k * 131) % cases.len()]).collect();
        let sub = dir.join(format!("{:02}", n % 17));
        std::fs::create_dir_all(&sub).expect("subdir");
        let path = sub.join(format!("m{n:05}.eml"));
        write_message(&path, &hops, n);
        expected.push((path, hops.iter().map(|c| c.ip.clone()).collect::<Vec<_>>()));
    }
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    let out = run(&["check", "--offline", "--format", "json", dir.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), count);
    for (line, (path, ips)) in lines.iter().zip(&expected) {
        assert_eq!(line["source"], path.to_string_lossy().as_ref());
        let got: Vec<Option<String>> =
            line["hops"].as_array().expect("hops").iter().map(|h| h["from_ip"].as_str().map(str::to_string)).collect();
        assert_eq!(&got, ips, "{}", path.display());
    }
}

#[test]
fn offline_conflicts_with_resolver_options() {
    let path = data("messages/postfix-to-postfix.eml");
    let out = run(&["check", "--offline", "--resolver", "https://dns.example/dns-query", path.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
}
