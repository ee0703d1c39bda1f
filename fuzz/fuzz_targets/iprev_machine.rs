//! The iprev state machine fed arbitrary answers: whatever comes back, it
//! asks at most its budget of questions and always reaches a verdict once
//! every question is answered.
#![no_main]

use iprev_core::dns::{DnsAnswer, QType, Rcode, Record, RecordData};
use iprev_core::iprev::{IprevCheck, Limits, Response};
use libfuzzer_sys::fuzz_target;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Reads fuzz bytes as a stream of small choices.
struct Choices<'a>(&'a [u8]);

impl Choices<'_> {
    fn next(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
}

const NAMES: [&str; 6] = ["mail.example.net", "a.example.net", "b.example.net", "loop.example.net", "x", "142.69.2.81.in-addr.arpa"];

fn answer(asked: &str, choices: &mut Choices<'_>) -> Response {
    let kind = choices.next();
    if kind % 7 == 0 {
        return Response::Failed("fuzzed failure".into());
    }
    let rcode = Rcode::from_code(u16::from(choices.next() % 6));
    let mut records = Vec::new();
    for _ in 0..choices.next() % 14 {
        let owner = if choices.next() % 2 == 0 { asked.to_string() } else { NAMES[usize::from(choices.next()) % NAMES.len()].to_string() };
        let data = match choices.next() % 4 {
            0 => RecordData::Ptr(NAMES[usize::from(choices.next()) % NAMES.len()].to_string()),
            1 => RecordData::Cname(NAMES[usize::from(choices.next()) % NAMES.len()].to_string()),
            2 => RecordData::A(Ipv4Addr::new(81, 2, 69, choices.next())),
            _ => RecordData::Aaaa(Ipv6Addr::new(0x2a02, 0xcf40, 0, 0, 0, 0, 0, u16::from(choices.next()))),
        };
        records.push(Record { name: owner, ttl: 60, data });
    }
    let mut answer = DnsAnswer::new(rcode, records);
    answer.truncated = kind % 11 == 0;
    Response::Answer(answer)
}

fuzz_target!(|data: &[u8]| {
    let mut choices = Choices(data);
    let ip = if choices.next() % 2 == 0 {
        IpAddr::V4(Ipv4Addr::new(81, 2, 69, 142))
    } else {
        IpAddr::V6(Ipv6Addr::new(0x2a02, 0xcf40, 0, 0, 0, 0, 0, 0x25))
    };
    let limits = Limits { max_ptr_names: usize::from(choices.next() % 12) + 1, max_cname_chain: usize::from(choices.next() % 9), ..Limits::default() };
    let budget = 1 + limits.max_cname_chain + limits.max_ptr_names * (1 + limits.max_cname_chain);
    let Ok(mut check) = IprevCheck::new(ip, limits) else { return };
    let mut asked = 0;
    let mut pending = Vec::new();
    loop {
        while let Some(query) = check.poll_query() {
            asked += 1;
            assert!(asked <= budget, "asked {asked} questions, budget {budget}");
            pending.push(query);
        }
        if pending.is_empty() {
            break;
        }
        // Answer in an order the fuzzer picks.
        let at = usize::from(choices.next()) % pending.len();
        let query = pending.swap_remove(at);
        let expected_type = query.question.qtype;
        assert!(matches!(expected_type, QType::Ptr | QType::A | QType::Aaaa));
        check.handle_answer(query.id, answer(&query.question.name, &mut choices));
    }
    assert!(check.is_idle());
    assert!(check.outcome().is_some(), "every question answered, no verdict");
});
