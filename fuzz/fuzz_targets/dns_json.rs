//! The application/dns-json decoder.
#![no_main]

use iprev_core::dns::{QType, Question, decode_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let question = Question::new("mail.example.net", QType::A);
    let _ = decode_json(data, &question);
});
