//! Whole messages: any bytes are a report or a typed error, never a panic,
//! and the report keeps its limits and serialises.
#![no_main]

use iprev_core::limits::MAX_RECEIVED_HOPS;
use iprev_core::{AnalyzeOptions, analyze};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = analyze(data, "fuzz", &AnalyzeOptions::default()) {
        assert!(report.hops.len() <= MAX_RECEIVED_HOPS);
        assert!(report.sender_hop.is_none_or(|i| i < report.hops.len()));
        for (i, hop) in report.hops.iter().enumerate() {
            assert_eq!(hop.index, i);
        }
        let json = serde_json::to_string(&report).expect("reports serialise");
        let back: iprev_core::Report = serde_json::from_str(&json).expect("and read back");
        assert_eq!(back.hops.len(), report.hops.len());
    }
});
