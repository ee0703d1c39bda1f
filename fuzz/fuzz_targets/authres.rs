//! Authentication-Results (plain and ARC) and Received-SPF values.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let plain = iprev_core::authres::parse(&text, false);
    let arc = iprev_core::authres::parse(&text, true);
    assert!(plain.results.len() <= 64 && arc.results.len() <= 64);
    let _ = iprev_core::received_spf::parse(&text);
});
