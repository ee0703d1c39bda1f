//! `Authentication-Results`, `ARC-Authentication-Results` and `Received-SPF`
//! cases in `tests/data/authres/`.

mod common;

use iprev_core::{authres, received_spf};
use serde_json::{Value, json};

fn actual(header: &str, raw: &str) -> Value {
    if header.eq_ignore_ascii_case("Received-SPF") {
        let spf = received_spf::parse(raw);
        return json!({"result": spf.result, "pairs": spf.pairs});
    }
    let ar = authres::parse(raw, header.eq_ignore_ascii_case("ARC-Authentication-Results"));
    let results: Vec<Value> = ar
        .results
        .iter()
        .map(|r| {
            json!({
                "method": r.method,
                "result": r.result,
                "reason": r.reason,
                "properties": r.properties.iter().map(|p| json!({"ptype": p.ptype, "property": p.property, "value": p.value})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"instance": ar.instance, "authserv_id": ar.authserv_id, "version": ar.version, "results": results})
}

#[test]
fn authres_corpus_matches_expectations() {
    let files = common::data_files("authres", "json");
    let mut failures = Vec::new();
    let mut cases = 0;
    for file in &files {
        let list: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(file).expect("readable"))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in list {
            cases += 1;
            let name = case["name"].as_str().unwrap_or("?");
            let header = case["header"].as_str().expect("header");
            let raw = case["raw"].as_str().expect("raw");
            let mut got = actual(header, raw);
            let want = &case["expected"];
            // Only the keys the case states are compared.
            if let (Some(got_map), Some(want_map)) = (got.as_object_mut(), want.as_object()) {
                got_map.retain(|k, _| want_map.contains_key(k));
            }
            if got != *want {
                failures.push(format!("{name}:\n    expected {want}\n    got      {got}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    assert!(cases >= 40, "only {cases} cases");
}
