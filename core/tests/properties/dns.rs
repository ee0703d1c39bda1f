//! The DNS codec: wire queries and responses, the JSON form, hostile input.

use iprev_core::dns::{
    DnsAnswer, DnsError, MAX_ANSWER_RECORDS, QType, Question, Rcode, Record, RecordData, build_query, decode_json,
    decode_response, encode_response, json_query_url, parse_query,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Largest name on the wire (RFC 1035 §2.3.4), root label included.
const MAX_NAME_WIRE: usize = 255;

/// Joins labels (presentation text, wire lengths) while the wire form fits.
fn join_within_limit(labels: Vec<(String, usize)>) -> String {
    let mut wire = 1;
    let mut kept = Vec::new();
    for (text, len) in labels {
        if wire + len + 1 > MAX_NAME_WIRE {
            break;
        }
        wire += len + 1;
        kept.push(text);
    }
    kept.join(".")
}

/// Host names as iprev meets them: lower-case letters, digits, hyphens,
/// underscores and RFC 2317 slashes, any label length up to 63 octets.
fn host_name() -> impl Strategy<Value = String> + Clone {
    let label = prop_oneof![
        4 => "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?",
        1 => "[a-z0-9_/-]{1,63}",
    ];
    vec(label.prop_map(|l: String| (l.clone(), l.len())), 1..6).prop_map(join_within_limit)
}

/// Names with any octet (ASCII upper case folded: names are compared in
/// lower case), written with `\DDD` escapes, biased to the octets that
/// presentation format must escape.
fn octet_name() -> impl Strategy<Value = String> + Clone {
    let octet = prop_oneof![
        2 => select(b".\\ ()\";@$\0\t\x7f\x80\xff".to_vec()),
        3 => any::<u8>().prop_map(|b| b.to_ascii_lowercase()),
    ];
    let octets = prop_oneof![4 => vec(octet.clone(), 1..8), 1 => vec(octet, 1..=63)];
    let label = octets.prop_map(|octets| {
        let text: String = octets
            .iter()
            .map(|&b| {
                if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' {
                    char::from(b).to_string()
                } else {
                    format!("\\{b:03}")
                }
            })
            .collect();
        (text, octets.len())
    });
    vec(label, 1..5).prop_map(join_within_limit)
}

fn qtype() -> impl Strategy<Value = QType> {
    select(vec![QType::Ptr, QType::A, QType::Aaaa])
}

fn record(name: impl Strategy<Value = String> + Clone) -> impl Strategy<Value = Record> {
    let data = prop_oneof![
        name.clone().prop_map(RecordData::Ptr),
        name.clone().prop_map(RecordData::Cname),
        any::<Ipv4Addr>().prop_map(RecordData::A),
        any::<Ipv6Addr>().prop_map(RecordData::Aaaa),
    ];
    (name, any::<u32>(), data).prop_map(|(name, ttl, data)| Record { name, ttl, data })
}

/// Answers the wire form can carry: a 4-bit RCODE, and a negative TTL only
/// without records (it travels as an authority SOA).
fn answer(name: impl Strategy<Value = String> + Clone) -> impl Strategy<Value = DnsAnswer> {
    (0u16..16, any::<bool>(), any::<bool>(), vec(record(name), 0..8), any::<Option<u32>>()).prop_map(
        |(code, truncated, authenticated_data, records, negative)| {
            let negative_ttl = if records.is_empty() { negative } else { None };
            DnsAnswer { rcode: Rcode::from_code(code), truncated, authenticated_data, records, negative_ttl }
        },
    )
}

/// The presentation text `decode_response` gives a name: one trip through a query.
fn canonical(name: &str) -> String {
    let query = build_query(&Question { name: name.to_string(), qtype: QType::A }).expect("a name within limits");
    parse_query(&query).expect("a query built by the codec").1.name
}

/// Puts `canonical` names in every place of an answer.
fn canonical_answer(mut answer: DnsAnswer) -> DnsAnswer {
    for record in &mut answer.records {
        record.name = canonical(&record.name);
        match &mut record.data {
            RecordData::Ptr(target) | RecordData::Cname(target) => *target = canonical(target),
            RecordData::A(_) | RecordData::Aaaa(_) => {}
        }
    }
    answer
}

/// What holds for any successful decoding: bounded, lower-case names that
/// can be asked for again as they are.
fn check_decoded(answer: &DnsAnswer) -> Result<(), TestCaseError> {
    prop_assert!(answer.records.len() <= MAX_ANSWER_RECORDS);
    for record in &answer.records {
        let names = match &record.data {
            RecordData::Ptr(target) | RecordData::Cname(target) => vec![&record.name, target],
            RecordData::A(_) | RecordData::Aaaa(_) => vec![&record.name],
        };
        for name in names {
            prop_assert!(!name.bytes().any(|b| b.is_ascii_uppercase()), "{}", name);
            askable(name)?;
        }
    }
    Ok(())
}

/// A decoded name, asked for the way the iprev machine asks (through
/// `Question::new`), is the same name on the wire, also when it ends in `.`
/// (the root, or a last octet `\.`).
fn askable(name: &str) -> Result<(), TestCaseError> {
    let question = Question::new(name, QType::A);
    prop_assert_eq!(&question.name, name, "Question::new changed a decoded name");
    let query = build_query(&question);
    prop_assert!(query.is_ok(), "{:?} cannot be asked for: {:?}", name, query);
    Ok(())
}

/// `Question::new` (and the JSON decoder) remove only the dot that ends an
/// absolute name, not one that is an escaped octet of the last label
/// (`mail\.`), and leave the root (`.`) as it is: the name asked for is the
/// one the answer gave.
#[test]
fn names_ending_in_a_dot_octet_stay_askable() {
    let question = Question::new("142.69.2.81.in-addr.arpa", QType::Ptr);
    let targets = ["mail\\046", "mail\\046example\\046", "\\046", "."];
    let records = targets
        .iter()
        .map(|t| Record { name: question.name.clone(), ttl: 60, data: RecordData::Ptr((*t).to_string()) })
        .collect();
    let bytes = encode_response(&question, &DnsAnswer::new(Rcode::NoError, records)).expect("encode");
    let mut decoded = decode_response(&bytes, &question).expect("decode").records;
    // The JSON form writes the same targets in zone-file text, with the root dot.
    let served: Vec<serde_json::Value> = decoded
        .iter()
        .map(|r| {
            let RecordData::Ptr(target) = &r.data else { unreachable!("only PTR records were encoded") };
            let data = if target == "." { ".".to_string() } else { format!("{target}.") };
            serde_json::json!({"name": r.name, "type": 12, "TTL": 60, "data": data})
        })
        .collect();
    let body = serde_json::json!({"Status": 0, "Answer": served});
    let json = decode_json(&serde_json::to_vec(&body).expect("serialises"), &question).expect("decode JSON");
    decoded.extend(json.records);
    let mut wrong = Vec::new();
    for record in &decoded {
        let RecordData::Ptr(target) = &record.data else { continue };
        let asked = Question::new(target, QType::A);
        match build_query(&asked).map(|q| parse_query(&q)) {
            Ok(Ok((_, parsed))) if parsed.name == *target => {}
            other => wrong.push(format!("PTR {target:?} asked as {:?}: {other:?}", asked.name)),
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn queries_parse_back_with_their_id(name in host_name(), qtype in qtype(), id in any::<u16>()) {
        let question = Question { name, qtype };
        let mut query = build_query(&question).expect("a name within limits");
        prop_assert_eq!(&query[..2], &[0, 0], "RFC 8484 §4.1: ID 0");
        query[..2].copy_from_slice(&id.to_be_bytes());
        prop_assert_eq!(parse_query(&query), Ok((id, question)));
    }

    #[test]
    fn escaped_names_keep_their_octets(name in octet_name()) {
        let question = Question { name: name.clone(), qtype: QType::Ptr };
        let query = build_query(&question).expect("a name within limits");
        let (_, parsed) = parse_query(&query).expect("a query built by the codec");
        // Another spelling of the same octets: the same query, and stable.
        let again = build_query(&parsed).expect("decoded names can be asked");
        prop_assert_eq!(&again, &query, "{} read as {}", name, parsed.name);
        prop_assert_eq!(canonical(&parsed.name), parsed.name.clone());
        askable(&parsed.name)?;
    }

    #[test]
    fn names_over_the_limit_are_refused(labels in vec("[a-z]{63}", 4..6), qtype in qtype()) {
        let question = Question { name: labels.join("."), qtype };
        prop_assert!(matches!(build_query(&question), Err(DnsError::BadName(_))));
    }

    #[test]
    fn responses_decode_to_what_was_encoded(
        name in host_name(),
        qtype in qtype(),
        answer in answer(host_name()),
    ) {
        let question = Question { name, qtype };
        let bytes = encode_response(&question, &answer).expect("encode");
        prop_assert_eq!(decode_response(&bytes, &question), Ok(answer));
    }

    #[test]
    fn responses_with_any_octets_decode_to_what_was_encoded(
        name in octet_name(),
        qtype in qtype(),
        answer in answer(octet_name()),
    ) {
        let question = Question { name: canonical(&name), qtype };
        let bytes = encode_response(&question, &answer).expect("encode");
        let decoded = decode_response(&bytes, &question);
        prop_assert_eq!(&decoded, &Ok(canonical_answer(answer)));
        check_decoded(&decoded.expect("checked just above"))?;
    }

    #[test]
    fn responses_with_another_id_are_refused(name in host_name(), id in 1u16.., answer in answer(host_name())) {
        let question = Question { name, qtype: QType::Ptr };
        let mut bytes = encode_response(&question, &answer).expect("encode");
        bytes[..2].copy_from_slice(&id.to_be_bytes());
        prop_assert_eq!(decode_response(&bytes, &question), Err(DnsError::IdMismatch(id)));
    }

    #[test]
    fn json_answers_decode_to_what_was_served(
        name in host_name(),
        qtype in qtype(),
        status in any::<u16>(),
        (truncated, authenticated_data) in any::<(bool, bool)>(),
        records in vec(record(host_name()), 0..8),
        soa in any::<Option<(u32, u32)>>(),
    ) {
        let dotted_upper = |name: &str| format!("{}.", name.to_ascii_uppercase());
        let served: Vec<serde_json::Value> = records
            .iter()
            .map(|r| {
                let (rtype, data) = match &r.data {
                    RecordData::Ptr(target) => (12, dotted_upper(target)),
                    RecordData::Cname(target) => (5, dotted_upper(target)),
                    RecordData::A(addr) => (1, addr.to_string()),
                    RecordData::Aaaa(addr) => (28, addr.to_string()),
                };
                serde_json::json!({"name": dotted_upper(&r.name), "type": rtype, "TTL": r.ttl, "data": data})
            })
            .collect();
        let authority: Vec<serde_json::Value> = soa
            .iter()
            .map(|(ttl, minimum)| {
                let data = format!("ns.example. hostmaster.example. 1 7200 3600 1209600 {minimum}");
                serde_json::json!({"name": "example.", "type": 6, "TTL": ttl, "data": data})
            })
            .collect();
        let body = serde_json::json!({
            "Status": status, "TC": truncated, "AD": authenticated_data,
            "Question": [{"name": dotted_upper(&name), "type": qtype.code()}],
            "Answer": served, "Authority": authority,
        });
        let question = Question { name, qtype };
        let negative_ttl = if records.is_empty() { soa.map(|(ttl, minimum)| ttl.min(minimum)) } else { None };
        let want = DnsAnswer { rcode: Rcode::from_code(status), truncated, authenticated_data, records, negative_ttl };
        let bytes = serde_json::to_vec(&body).expect("serialises");
        prop_assert_eq!(decode_json(&bytes, &question), Ok(want));
    }

    #[test]
    fn json_urls_carry_the_name(name in octet_name(), qtype in qtype()) {
        let question = Question { name: canonical(&name), qtype };
        let url = json_query_url("https://doh.example/resolve", &question);
        let query = url.strip_prefix("https://doh.example/resolve?name=").expect("the resolver URL first");
        let (encoded, rest) = query.split_once('&').expect("two parameters");
        prop_assert_eq!(rest, format!("type={}", qtype.as_str()));
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)), "{}", encoded);
        let mut decoded = Vec::new();
        let mut bytes = encoded.bytes();
        while let Some(b) = bytes.next() {
            if b == b'%' {
                let hex: String = bytes.by_ref().take(2).map(char::from).collect();
                decoded.push(u8::from_str_radix(&hex, 16).expect("two hex digits"));
            } else {
                decoded.push(b);
            }
        }
        prop_assert_eq!(String::from_utf8(decoded).expect("the name was ASCII"), question.name);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..600), name in host_name()) {
        let question = Question { name, qtype: QType::Ptr };
        if let Ok(answer) = decode_response(&bytes, &question) {
            check_decoded(&answer)?;
        }
        let _ = parse_query(&bytes);
        let _ = decode_json(&bytes, &question);
    }

    #[test]
    fn damaged_responses_never_panic(
        name in host_name(),
        answer in answer(octet_name()),
        damage in vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        shorten in any::<bool>(),
    ) {
        let question = Question { name, qtype: QType::Ptr };
        let mut bytes = encode_response(&question, &answer).expect("encode");
        // Keep the header plausible (a response with ID 0) so decoding goes deep.
        for (at, value) in damage {
            let at = at.index(bytes.len() - 4) + 4;
            bytes[at] = value;
        }
        if shorten {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Ok(decoded) = decode_response(&bytes, &question) {
            check_decoded(&decoded)?;
        }
        let _ = parse_query(&bytes);
    }
}
