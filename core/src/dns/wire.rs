//! RFC 8484 wire format: queries out, responses in (and out, for test servers).

use super::answer::{DnsAnswer, DnsError, QType, Question, Rcode, Record, RecordData};
use super::{MAX_ANSWER_RECORDS, MAX_RESPONSE_BYTES};
use domain::base::iana::{Class, Rtype};
use domain::base::{Message, MessageBuilder, Name, ParsedName, ToName, Ttl};
use domain::rdata::{A, Aaaa, Cname, Ptr, Soa};
use std::str::FromStr;

fn rtype(qtype: QType) -> Rtype {
    match qtype {
        QType::Ptr => Rtype::PTR,
        QType::A => Rtype::A,
        QType::Aaaa => Rtype::AAAA,
    }
}

fn parse_name(text: &str) -> Result<Name<Vec<u8>>, DnsError> {
    Name::<Vec<u8>>::from_str(text).map_err(|e| DnsError::BadName(format!("{text}: {e}")))
}

/// A type in words for messages: the types iprev reads by name, others by
/// number (`domain`'s mnemonic table is more than the browser build needs).
fn type_text(rtype: Rtype) -> String {
    match rtype {
        Rtype::PTR => "PTR".to_string(),
        Rtype::A => "A".to_string(),
        Rtype::AAAA => "AAAA".to_string(),
        Rtype::CNAME => "CNAME".to_string(),
        Rtype::SOA => "SOA".to_string(),
        other => format!("TYPE{}", other.to_int()),
    }
}

/// Presentation text of a name: lower case, no trailing dot, special and
/// non-printable octets escaped by `domain` (`\032`, `\.`).
fn name_text(name: &impl ToName) -> String {
    name.to_name::<Vec<u8>>().to_string().to_ascii_lowercase()
}

/// Builds the query for a question: ID 0 (RFC 8484 §4.1), RD set, AD set
/// (RFC 6840 §5.7: ask the resolver to report whether it validated).
pub fn build_query(question: &Question) -> Result<Vec<u8>, DnsError> {
    let name = parse_name(&question.name)?;
    let mut builder = MessageBuilder::new_vec();
    let header = builder.header_mut();
    header.set_id(0);
    header.set_rd(true);
    header.set_ad(true);
    let mut questions = builder.question();
    questions.push((&name, rtype(question.qtype))).map_err(|e| DnsError::BadName(format!("{}: {e}", question.name)))?;
    Ok(questions.finish())
}

/// Base64url without padding (RFC 4648 §5), as RFC 8484 §4.1 wants for `?dns=`.
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

/// The GET URL of a query: the resolver's URL with `dns=<base64url>` added.
pub fn get_url(resolver: &str, query: &[u8]) -> String {
    let separator = if resolver.contains('?') { '&' } else { '?' };
    format!("{resolver}{separator}dns={}", base64url(query))
}

/// Reads the question of a query (what a DoH server receives).
pub fn parse_query(bytes: &[u8]) -> Result<(u16, Question), DnsError> {
    if bytes.len() > MAX_RESPONSE_BYTES {
        return Err(DnsError::TooLarge(bytes.len()));
    }
    let message =
        Message::from_octets(bytes).map_err(|_| DnsError::Malformed("shorter than a DNS header".to_string()))?;
    if message.header().qr() {
        return Err(DnsError::Malformed("a response, not a query".to_string()));
    }
    let question = message
        .question()
        .next()
        .ok_or_else(|| DnsError::Malformed("no question".to_string()))?
        .map_err(|e| DnsError::Malformed(format!("question: {e}")))?;
    let qtype = match question.qtype() {
        Rtype::PTR => QType::Ptr,
        Rtype::A => QType::A,
        Rtype::AAAA => QType::Aaaa,
        other => return Err(DnsError::Malformed(format!("unsupported type {}", type_text(other)))),
    };
    Ok((message.header().id(), Question { name: name_text(question.qname()), qtype }))
}

/// Decodes a wire-format response to `question`.
pub fn decode_response(bytes: &[u8], question: &Question) -> Result<DnsAnswer, DnsError> {
    if bytes.len() > MAX_RESPONSE_BYTES {
        return Err(DnsError::TooLarge(bytes.len()));
    }
    let message = Message::from_octets(bytes)
        .map_err(|_| DnsError::Malformed(format!("{} bytes, shorter than a DNS header", bytes.len())))?;
    let header = message.header();
    if !header.qr() {
        return Err(DnsError::NotAResponse);
    }
    if header.id() != 0 {
        return Err(DnsError::IdMismatch(header.id()));
    }
    let rcode = Rcode::from_code(u16::from(header.rcode().to_int()));
    match message.question().next() {
        Some(Ok(answered)) => {
            let same_name = name_text(answered.qname()) == question.name;
            if !same_name || answered.qtype() != rtype(question.qtype) || answered.qclass() != Class::IN {
                return Err(DnsError::QuestionMismatch {
                    asked: question.to_string(),
                    answered: format!("{} {}", name_text(answered.qname()), type_text(answered.qtype())),
                });
            }
        }
        Some(Err(e)) => return Err(DnsError::Malformed(format!("question section: {e}"))),
        // Only an error response may leave the question out.
        None if rcode == Rcode::NoError => {
            return Err(DnsError::QuestionMismatch {
                asked: question.to_string(),
                answered: "no question".to_string(),
            });
        }
        None => {}
    }
    let mut records = Vec::new();
    let section = message.answer().map_err(|e| DnsError::Malformed(format!("answer section: {e}")))?;
    for parsed in section.take(MAX_ANSWER_RECORDS) {
        let parsed = parsed.map_err(|e| DnsError::Malformed(format!("answer record: {e}")))?;
        if parsed.class() != Class::IN {
            continue;
        }
        let name = name_text(&parsed.owner());
        let ttl = parsed.ttl().as_secs();
        let bad = |e: domain::base::wire::ParseError| {
            DnsError::Malformed(format!("{} record of {name}: {e}", type_text(parsed.rtype())))
        };
        let data = match parsed.rtype() {
            Rtype::PTR => parsed
                .to_record::<Ptr<ParsedName<_>>>()
                .map_err(bad)?
                .map(|r| RecordData::Ptr(name_text(r.data().ptrdname()))),
            Rtype::CNAME => parsed
                .to_record::<Cname<ParsedName<_>>>()
                .map_err(bad)?
                .map(|r| RecordData::Cname(name_text(r.data().cname()))),
            Rtype::A => parsed.to_record::<A>().map_err(bad)?.map(|r| RecordData::A(r.data().addr())),
            Rtype::AAAA => parsed.to_record::<Aaaa>().map_err(bad)?.map(|r| RecordData::Aaaa(r.data().addr())),
            _ => None,
        };
        if let Some(data) = data {
            records.push(Record { name, ttl, data });
        }
    }
    let negative_ttl = if records.is_empty() { negative_ttl(&message) } else { None };
    Ok(DnsAnswer { rcode, truncated: header.tc(), authenticated_data: header.ad(), records, negative_ttl })
}

/// RFC 2308 §5: a negative answer is cached for min(SOA TTL, SOA MINIMUM)
/// of the SOA in the authority section; without one, not at all.
fn negative_ttl(message: &Message<&[u8]>) -> Option<u32> {
    let section = message.authority().ok()?;
    section.flatten().find_map(|record| {
        let soa = record.to_record::<Soa<ParsedName<_>>>().ok()??;
        Some(soa.ttl().as_secs().min(soa.data().minimum().as_secs()))
    })
}

/// Encodes a response to `question` carrying `answer`: what a DoH server
/// sends (used by iprev's test server and by `--zone`-style tooling).
pub fn encode_response(question: &Question, answer: &DnsAnswer) -> Result<Vec<u8>, DnsError> {
    let qname = parse_name(&question.name)?;
    let mut builder = MessageBuilder::new_vec();
    let header = builder.header_mut();
    header.set_id(0);
    header.set_qr(true);
    header.set_rd(true);
    header.set_ra(true);
    header.set_tc(answer.truncated);
    header.set_ad(answer.authenticated_data);
    let rcode = u8::try_from(answer.rcode.code()).ok().and_then(domain::base::iana::Rcode::checked_from_int);

    header.set_rcode(rcode.unwrap_or(domain::base::iana::Rcode::SERVFAIL));
    let mut questions = builder.question();
    questions.push((&qname, rtype(question.qtype))).map_err(|e| DnsError::BadName(e.to_string()))?;
    let mut answers = questions.answer();
    for record in &answer.records {
        let owner = parse_name(&record.name)?;
        let ttl = Ttl::from_secs(record.ttl);
        let pushed = match &record.data {
            RecordData::Ptr(target) => answers.push((&owner, Class::IN, ttl, Ptr::new(parse_name(target)?))),
            RecordData::Cname(target) => answers.push((&owner, Class::IN, ttl, Cname::new(parse_name(target)?))),
            RecordData::A(addr) => answers.push((&owner, Class::IN, ttl, A::new(*addr))),
            RecordData::Aaaa(addr) => answers.push((&owner, Class::IN, ttl, Aaaa::new(*addr))),
        };
        pushed.map_err(|e| DnsError::Malformed(format!("response too large: {e}")))?;
    }
    let mut authority = answers.authority();
    if let (Some(ttl), true) = (answer.negative_ttl, answer.records.is_empty()) {
        // The SOA a negative answer carries (RFC 2308 §3), with the negative
        // TTL as both its TTL and its MINIMUM.
        let ttl = Ttl::from_secs(ttl);
        let soa = Soa::new(parse_name("ns.invalid")?, parse_name("hostmaster.invalid")?, 1.into(), ttl, ttl, ttl, ttl);
        authority
            .push((Name::<Vec<u8>>::root(), Class::IN, ttl, soa))
            .map_err(|e| DnsError::Malformed(format!("response too large: {e}")))?;
    }
    Ok(authority.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ptr_question() -> Question {
        Question::new("142.69.2.81.in-addr.arpa", QType::Ptr)
    }

    #[test]
    fn query_is_rfc8484_shaped() {
        let query = build_query(&ptr_question()).expect("query");
        assert_eq!(&query[..2], &[0, 0], "ID 0");
        assert_eq!(query[2] & 0x01, 0x01, "RD set");
        assert_eq!(query[3] & 0x20, 0x20, "AD set");
        assert_eq!(&query[4..6], &[0, 1], "one question");
        let url = get_url("https://dns.example/dns-query", &query);
        assert!(url.starts_with("https://dns.example/dns-query?dns=AAAB"));
        assert!(!url.contains('=') || url.matches('=').count() == 1, "no padding");
    }

    #[test]
    fn queries_parse_back() {
        let q = ptr_question();
        assert_eq!(parse_query(&build_query(&q).expect("query")), Ok((0, q.clone())));
        let response = encode_response(&q, &DnsAnswer::new(Rcode::NoError, vec![])).expect("encode");
        assert!(parse_query(&response).is_err());
    }

    #[test]
    fn base64url_vectors() {
        // RFC 4648 §10, with the URL alphabet and no padding.
        for (input, output) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url(input.as_bytes()), output);
        }
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn round_trip() {
        let q = ptr_question();
        let answer = DnsAnswer {
            rcode: Rcode::NoError,
            truncated: false,
            authenticated_data: true,
            negative_ttl: None,
            records: vec![
                Record {
                    name: q.name.clone(),
                    ttl: 300,
                    data: RecordData::Cname("142.128/25.69.2.81.in-addr.arpa".into()),
                },
                Record {
                    name: "142.128/25.69.2.81.in-addr.arpa".into(),
                    ttl: 60,
                    data: RecordData::Ptr("mail.example.net".into()),
                },
            ],
        };
        let bytes = encode_response(&q, &answer).expect("encode");
        assert_eq!(decode_response(&bytes, &q).expect("decode"), answer);
    }

    #[test]
    fn negative_answers_carry_their_soa_ttl() {
        let q = ptr_question();
        let mut nx = DnsAnswer::new(Rcode::NxDomain, vec![]);
        nx.negative_ttl = Some(900);
        let decoded = decode_response(&encode_response(&q, &nx).expect("encode"), &q).expect("decode");
        assert_eq!((decoded.negative_ttl, decoded.cache_ttl()), (Some(900), Some(900)));
        let bare = decode_response(&encode_response(&q, &DnsAnswer::new(Rcode::NxDomain, vec![])).expect("e"), &q);
        assert_eq!(bare.map(|a| a.cache_ttl()), Ok(None), "no SOA, no negative caching");
    }

    #[test]
    fn rejects_other_questions_ids_and_garbage() {
        let q = ptr_question();
        let other = Question::new("1.0.0.127.in-addr.arpa", QType::Ptr);
        let bytes = encode_response(&other, &DnsAnswer::new(Rcode::NxDomain, vec![])).expect("encode");
        assert!(matches!(decode_response(&bytes, &q), Err(DnsError::QuestionMismatch { .. })));
        let mut with_id = encode_response(&q, &DnsAnswer::new(Rcode::NoError, vec![])).expect("encode");
        with_id[1] = 7;
        assert_eq!(decode_response(&with_id, &q), Err(DnsError::IdMismatch(7)));
        assert!(matches!(decode_response(b"\x00\x00", &q), Err(DnsError::Malformed(_))));
        assert_eq!(decode_response(&build_query(&q).expect("query"), &q), Err(DnsError::NotAResponse));
        assert_eq!(
            decode_response(&vec![0; MAX_RESPONSE_BYTES + 1], &q),
            Err(DnsError::TooLarge(MAX_RESPONSE_BYTES + 1))
        );
    }

    #[test]
    fn compression_loop_is_an_error() {
        let q = ptr_question();
        let mut bytes = encode_response(&q, &DnsAnswer::new(Rcode::NoError, vec![])).expect("encode");
        // One answer whose owner is a pointer to itself.
        bytes[7] = 1;
        let at = bytes.len() as u16;
        bytes.extend_from_slice(&[0xC0 | (at >> 8) as u8, at as u8, 0, 12, 0, 1, 0, 0, 0, 60, 0, 2, 0xC0, 12]);
        assert!(matches!(decode_response(&bytes, &q), Err(DnsError::Malformed(_))));
    }

    #[test]
    fn hostile_names_are_escaped() {
        let q = ptr_question();
        let mut bytes = encode_response(&q, &DnsAnswer::new(Rcode::NoError, vec![])).expect("encode");
        bytes[7] = 1;
        // PTR data: one label `<b>x y` then the root.
        let label = b"<b>x y";
        bytes.extend_from_slice(&[0xC0, 12, 0, 12, 0, 1, 0, 0, 0, 60, 0, label.len() as u8 + 2, label.len() as u8]);
        bytes.extend_from_slice(label);
        bytes.push(0);
        let answer = decode_response(&bytes, &q).expect("decode");
        assert_eq!(answer.records[0].data, RecordData::Ptr("<b>x\\ y".into()));
        // The escaped text is a name again: it can be asked for.
        let again = build_query(&Question::new("<b>x\\ y", QType::A)).expect("query");
        assert!(again.windows(label.len()).any(|w| w == label));
    }
}
