//! The `Received:` corpus in `tests/data/received/`: every case's eleven
//! expected fields must match what the parser reads, and its notes when the
//! case lists them (see tests/data/README.md).

mod common;

use iprev_core::received::{self, Received};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const FIELDS: [&str; 11] =
    ["from_helo", "from_rdns", "from_ip", "from_port", "by", "with", "id", "for", "tls", "date", "mta"];

fn actual(r: &Received) -> Value {
    json!({
        "from_helo": r.from_helo,
        "from_rdns": r.from_rdns,
        "from_ip": r.from_ip.map(|ip| ip.to_string()),
        "from_port": r.from_port,
        "by": r.by,
        "with": r.with,
        "id": r.id,
        "for": r.for_,
        "tls": r.tls.as_ref().map(|t| json!({"version": t.version, "cipher": t.cipher})),
        "date": r.date.map(|d| d.to_rfc3339()),
        "mta": r.mta.as_ref().map(|m| m.id.as_str()),
    })
}

#[test]
fn received_corpus_matches_expectations() {
    let files = common::data_files("received", "json");
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut families = BTreeSet::new();
    let mut raws = BTreeSet::new();
    for file in &files {
        let file_name = file.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(file).expect("readable corpus file");
        let list: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in list {
            cases += 1;
            let name = case["name"].as_str().unwrap_or("?");
            let raw = case["raw"].as_str().unwrap_or_else(|| panic!("{}: {name}: no raw", file.display()));
            raws.insert(raw.to_string());
            let expected = &case["expected"];
            let parsed = received::parse(raw);
            let got = actual(&parsed);
            for field in FIELDS {
                let want =
                    expected.get(field).unwrap_or_else(|| panic!("{}: {name}: missing key {field}", file.display()));
                if *want != got[field] {
                    failures.push(format!("{file_name} | {name} | {field}: expected {want}, got {}", got[field]));
                }
            }
            if let Some(notes) = expected.get("notes") {
                let got = json!(parsed.notes);
                if *notes != got {
                    failures.push(format!("{file_name} | {name} | notes: expected {notes}, got {got}"));
                }
            }
            if let Some(mta) = expected["mta"].as_str() {
                families.insert(mta.to_string());
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    assert!(cases >= 150, "corpus has {cases} cases; at least 150 expected");
    assert_eq!(raws.len(), cases, "corpus cases must be distinct");
    assert!(families.len() >= 15, "corpus covers {} MTA families; at least 15 expected", families.len());
}
