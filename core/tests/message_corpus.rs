//! Whole messages in `tests/data/messages/`: each `<name>.eml` is analysed and
//! compared with `<name>.expected.json` (route, scopes, delays, sender hop).

mod common;

use iprev_core::{AnalyzeOptions, analyze};
use serde_json::Value;

#[test]
fn messages_match_expectations() {
    let emls = common::data_files("messages", "eml");
    assert!(emls.len() >= 20, "only {} message fixtures", emls.len());
    let mut failures = Vec::new();
    for eml in &emls {
        let name = eml.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(eml.with_extension("expected.json")).unwrap_or_else(|e| panic!("{name}: {e}")),
        )
        .unwrap_or_else(|e| panic!("{name}.expected.json: {e}"));
        let bytes = std::fs::read(eml).expect("readable fixture");
        let report = analyze(&bytes, &name, &AnalyzeOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = serde_json::to_value(&report).expect("report serialises");
        let mut fail = |what: String| failures.push(format!("{name}: {what}"));
        if let Some(id) = expected.get("message_id")
            && got["message_id"] != *id
        {
            fail(format!("message_id: expected {id}, got {}", got["message_id"]));
        }

        if got["sender_hop"] != expected["sender_hop"] {
            fail(format!("sender_hop: expected {}, got {}", expected["sender_hop"], got["sender_hop"]));
        }
        let want_hops = expected["hops"].as_array().cloned().unwrap_or_default();
        let got_hops = got["hops"].as_array().cloned().unwrap_or_default();
        if want_hops.len() != got_hops.len() {
            fail(format!("{} hops expected, {} found", want_hops.len(), got_hops.len()));
            continue;
        }
        for (i, (want, have)) in want_hops.iter().zip(&got_hops).enumerate() {
            for (key, value) in want.as_object().into_iter().flatten() {
                let actual = if key == "mta" { have["mta"]["id"].clone() } else { have[key].clone() };
                let actual = if key == "mta" && have["mta"].is_null() { Value::Null } else { actual };
                if actual != *value {
                    fail(format!("hop {i} {key}: expected {value}, got {actual}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}
