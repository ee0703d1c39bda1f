//! The input forms people actually have: pasted "show original" pages,
//! Outlook's Internet headers, leading blank lines, bare header blocks and
//! mbox files (`tests/data/inputs/`, expectations in `inputs.expected.json`).

use iprev_core::mbox::split_mbox;
use iprev_core::{AnalyzeOptions, analyze};
use serde_json::Value;
use std::fmt::Write as _;

use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/inputs")
}

#[test]
fn every_input_form_yields_its_messages() {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("inputs.expected.json")).expect("expectations"))
            .expect("json");
    for (file, want) in expected.as_object().expect("object") {
        let bytes = std::fs::read(dir().join(file)).expect("input file");
        let is_mbox = std::path::Path::new(file).extension().is_some_and(|e| e.eq_ignore_ascii_case("mbox"));
        let messages: Vec<Vec<u8>> =
            if is_mbox { split_mbox(&bytes).into_iter().map(|m| m.head).collect() } else { vec![bytes] };
        assert_eq!(messages.len() as u64, want["messages"].as_u64().expect("count"), "{file}");
        for (i, message) in messages.iter().enumerate() {
            let report = analyze(message, file, &AnalyzeOptions::default()).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(report.hops.len() as u64, want["received_counts"][i].as_u64().expect("n"), "{file} #{i}");
            assert_eq!(report.message_id.as_deref(), want["message_ids"][i].as_str(), "{file} #{i}");
        }
    }
}

#[test]
fn pasted_page_text_is_skipped_with_a_note() {
    let bytes = std::fs::read(dir().join("pasted-gmail-show-original.txt")).expect("input");
    let report = analyze(&bytes, "paste", &AnalyzeOptions::default()).expect("report");
    assert!(report.notes.iter().any(|n| n.starts_with("skipped ") && n.contains("before the header block")));
    assert!(report.sender_hop.is_some());
}

#[test]
fn hostile_inputs_give_errors_or_notes_never_panics() {
    let options = AnalyzeOptions::default();
    // 10,000 Received lines: the newest 100 are analysed, the cut is noted.
    let mut many = String::new();
    for i in 0..10_000 {
        let _ = write!(
            many,
            "Received: from h{i}.example.net ([81.2.69.{}]) by mx{i}.example.org; Wed, 4 Jan 2023 10:11:12 +0000\r\n",
            i % 250
        );
    }
    many.push_str("Subject: loop\r\n\r\n");
    let report = analyze(many.as_bytes(), "many", &options).expect("report");
    assert_eq!(report.hops.len(), iprev_core::limits::MAX_RECEIVED_HOPS);
    assert!(report.notes.iter().any(|n| n.contains("10000 Received fields")));
    // The newest field (top of the header) is the last hop.
    assert_eq!(report.hops.last().and_then(|h| h.by.as_deref()), Some("mx0.example.org"));

    // 50 MB of header text: cut at the header limit, with a note.
    let line = "X-Filler: ".to_string() + &"a".repeat(90) + "\r\n";
    let huge = line.repeat(50 * 1024 * 1024 / line.len());
    let report = analyze(huge.as_bytes(), "huge", &options).expect("report");
    assert!(report.notes.iter().any(|n| n.contains("header block is larger")));

    // Invalid UTF-8 in a Received field.
    let mut bytes =
        b"Received: from h\xff\xfe.example ([81.2.69.1]) by mx.example.org; Wed, 4 Jan 2023 10:11:12 +0000\r\n\r\n"
            .to_vec();
    bytes.extend_from_slice(b"body");
    let report = analyze(&bytes, "utf8", &options).expect("report");
    assert_eq!(report.hops[0].from_ip.as_deref(), Some("81.2.69.1"));
    assert!(report.notes.iter().any(|n| n.contains("not valid UTF-8")));

    // A malformed Date before a Received field: mail-parser's date reader
    // runs on into the next line, which must not cost the hop.
    let bytes = b"Date: Thu, 28 Mr4 22a0 15:40:19 +010z\r\nReceived: from a.example (a.example [81.2.69.1]) by mx.example.org; Thu, 28 Mar 2024 15:40:22 +0100\r\nSubject: kept\r\n\r\nbody\r\n";
    let report = analyze(bytes, "bad-date", &options).expect("report");
    assert_eq!(report.hops.len(), 1);
    assert_eq!(report.hops[0].from_ip.as_deref(), Some("81.2.69.1"));
    assert_eq!(report.subject.as_deref(), Some("kept"));

    // A single Received field of a megabyte.
    let long =
        format!("Received: from a by b with SMTP id {}; Wed, 4 Jan 2023 10:11:12 +0000\r\n\r\n", "x".repeat(1 << 20));
    let report = analyze(long.as_bytes(), "long", &options).expect("report");
    assert!(report.hops[0].notes.iter().any(|n| n.contains("only the first")));

    for (input, what) in
        [(&b""[..], "empty"), (b"\x00\x01\x02binary", "NUL"), (b"%PDF-1.7\n", "PDF"), (b"no headers here\n", "text")]
    {
        assert!(analyze(input, what, &options).is_err(), "{what}");
    }
}
