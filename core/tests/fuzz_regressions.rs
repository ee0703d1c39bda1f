//! Every input a fuzzer ever crashed on (tests/data/fuzz/<target>/), replayed
//! through the same code the fuzz target drives. A new crash goes there as a
//! file, and this test keeps it fixed.

mod common;

use iprev_core::dns::{QType, Question, decode_json, decode_response, parse_query};
use iprev_core::{AnalyzeOptions, analyze};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = common::data_dir("fuzz").join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    files.into_iter().map(|p| (p.display().to_string(), std::fs::read(&p).expect("readable"))).collect()
}

#[test]
fn message_crashes_stay_fixed() {
    for (name, data) in inputs("message") {
        if let Ok(report) = analyze(&data, &name, &AnalyzeOptions::default()) {
            serde_json::to_string(&report).expect("serialises");
        }
    }
}

#[test]
fn received_crashes_stay_fixed() {
    for (_, data) in inputs("received") {
        let _ = iprev_core::received::parse(&String::from_utf8_lossy(&data));
    }
}

#[test]
fn authres_crashes_stay_fixed() {
    for (_, data) in inputs("authres") {
        let text = String::from_utf8_lossy(&data);
        let _ = iprev_core::authres::parse(&text, false);
        let _ = iprev_core::authres::parse(&text, true);
        let _ = iprev_core::received_spf::parse(&text);
    }
}

#[test]
fn dns_crashes_stay_fixed() {
    let question = Question::new("142.69.2.81.in-addr.arpa", QType::Ptr);
    for (_, data) in inputs("dns_wire") {
        let _ = decode_response(&data, &question);
        let _ = parse_query(&data);
    }
    for (_, data) in inputs("dns_json") {
        let _ = decode_json(&data, &question);
    }
}

#[test]
fn the_first_crashes_were_what_they_were() {
    // message: a header block whose last line had no line end.
    assert!(analyze(b"Received: from a by b", "x", &AnalyzeOptions::default()).is_ok());
    // received: a word starting with a multi-byte character where a weekday was looked for.
    let parsed = iprev_core::received::parse("from a by b with SMTP id x \u{fffd}T; Wed, 4 Jan 2023 10:11:12 +0000");
    assert_eq!(parsed.by.as_deref(), Some("b"));
    let parsed = iprev_core::received::parse("by b id x é\u{fffd}xyz");
    assert_eq!(parsed.by.as_deref(), Some("b"));
}
