//! One Received value: parsed whatever it holds.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = iprev_core::received::parse(&text);
    if let Some(date) = parsed.date {
        let _ = date.to_rfc3339();
    }
});
