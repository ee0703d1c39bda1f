//! The RFC 8484 wire decoder: any bytes give an answer or a typed error;
//! a decoded answer encodes again.
#![no_main]

use iprev_core::dns::{QType, Question, decode_response, encode_response, parse_query};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let question = match selector % 3 {
        0 => Question::new("142.69.2.81.in-addr.arpa", QType::Ptr),
        1 => Question::new("mail.example.net", QType::A),
        _ => Question::new("mail.example.net", QType::Aaaa),
    };
    if let Ok(answer) = decode_response(body, &question) {
        let encoded = encode_response(&question, &answer);
        if let Ok(bytes) = encoded {
            let again = decode_response(&bytes, &question).expect("our own encoding decodes");
            assert_eq!(again.records, answer.records);
        }
    }
    let _ = parse_query(body);
});
