//! The zone-file reader, and answers from whatever it read.
#![no_main]

use iprev_core::dns::{QType, Question};
use iprev_core::zone::Zone;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(zone) = Zone::parse(data) {
        for (name, qtype) in [("example.net", QType::A), ("142.69.2.81.in-addr.arpa", QType::Ptr), ("a.b", QType::Aaaa)] {
            let _ = zone.answer(&Question::new(name, qtype));
        }
    }
});
