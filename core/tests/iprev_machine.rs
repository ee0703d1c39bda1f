//! The iprev state machine driven step by step with recorded answers, each
//! passed through the real wire codec (encode, then decode) on its way in.
//! One test per row of the RFC 8601 table in the design notes, and per edge case.

use iprev_core::dns::{DnsAnswer, QType, Question, Rcode, Record, RecordData, decode_response, encode_response};
use iprev_core::iprev::{ForwardStatus, IprevCheck, IprevRule, Limits, Query, Response};
use iprev_core::report::IprevResult;
use iprev_core::scope::IpScope;
use std::net::IpAddr;

fn ip(text: &str) -> IpAddr {
    text.parse().expect("test address")
}

fn ptr(name: &str, target: &str) -> Record {
    Record { name: name.into(), ttl: 300, data: RecordData::Ptr(target.into()) }
}

fn a(name: &str, addr: &str) -> Record {
    let data = match ip(addr) {
        IpAddr::V4(v4) => RecordData::A(v4),
        IpAddr::V6(v6) => RecordData::Aaaa(v6),
    };
    Record { name: name.into(), ttl: 300, data }
}

fn cname(name: &str, target: &str) -> Record {
    Record { name: name.into(), ttl: 300, data: RecordData::Cname(target.into()) }
}

/// An answer as it arrives off the wire.
fn wire(question: &Question, rcode: Rcode, records: Vec<Record>) -> Response {
    let bytes = encode_response(question, &DnsAnswer::new(rcode, records)).expect("encode");
    Response::Answer(decode_response(&bytes, question).expect("decode"))
}

fn drain(check: &mut IprevCheck) -> Vec<Query> {
    std::iter::from_fn(|| check.poll_query()).collect()
}

fn check(addr: &str) -> (IprevCheck, Query) {
    let mut check = IprevCheck::new(ip(addr), Limits::default()).expect("public");
    let mut round = drain(&mut check);
    assert_eq!(round.len(), 1, "round 1 is the PTR query alone");
    (check, round.remove(0))
}

fn answer(check: &mut IprevCheck, query: &Query, rcode: Rcode, records: Vec<Record>) {
    check.handle_answer(query.id, wire(&query.question, rcode, records));
}

const REV: &str = "142.69.2.81.in-addr.arpa";

#[test]
fn pass_when_a_forward_answer_holds_the_ip() {
    let (mut c, q) = check("81.2.69.142");
    assert_eq!(q.question, Question::new(REV, QType::Ptr));
    answer(&mut c, &q, Rcode::NoError, vec![ptr(REV, "Mail.Example.NET.")]);
    let round2 = drain(&mut c);
    assert_eq!(round2.len(), 1);
    assert_eq!(round2[0].question, Question::new("mail.example.net", QType::A));
    assert!(c.outcome().is_none());
    answer(&mut c, &round2[0], Rcode::NoError, vec![a("mail.example.net", "81.2.69.142")]);
    let out = c.outcome().expect("decided");
    assert_eq!((out.result, out.rule), (IprevResult::Pass, IprevRule::ForwardMatch));
    assert_eq!(out.matched_name.as_deref(), Some("mail.example.net"));
    assert_eq!(out.reason, "mail.example.net resolves to 81.2.69.142");
    assert!(drain(&mut c).is_empty());
}

#[test]
fn ipv6_clients_use_aaaa_and_ip6_arpa() {
    let (mut c, q) = check("2a02:cf40::25");
    assert!(q.question.name.ends_with(".ip6.arpa"));
    assert!(q.question.name.starts_with("5.2.0.0."));
    answer(&mut c, &q, Rcode::NoError, vec![ptr(&q.question.name, "mx.example.net")]);
    let round2 = drain(&mut c);
    assert_eq!(round2[0].question.qtype, QType::Aaaa);
    answer(&mut c, &round2[0], Rcode::NoError, vec![a("mx.example.net", "2a02:cf40::25")]);
    assert_eq!(c.outcome().map(|o| o.result), Some(IprevResult::Pass));
}

#[test]
fn ipv4_mapped_addresses_are_checked_as_ipv4() {
    let (mut c, q) = check("::ffff:81.2.69.142");
    assert_eq!(c.ip(), ip("81.2.69.142"));
    assert_eq!(q.question.name, REV);
    answer(&mut c, &q, Rcode::NoError, vec![ptr(REV, "mail.example.net")]);
    let round2 = drain(&mut c);
    assert_eq!(round2[0].question.qtype, QType::A);
}

#[test]
fn permerror_on_nxdomain() {
    let (mut c, q) = check("81.2.69.142");
    answer(&mut c, &q, Rcode::NxDomain, vec![]);
    let out = c.outcome().expect("decided");
    assert_eq!((out.result, out.rule), (IprevResult::Permerror, IprevRule::NoPtr));
    assert!(out.reason.contains("NXDOMAIN"), "{}", out.reason);
    assert!(drain(&mut c).is_empty(), "no forward lookups");
}

#[test]
fn permerror_on_nodata() {
    let (mut c, q) = check("81.2.69.142");
    answer(&mut c, &q, Rcode::NoError, vec![]);
    let out = c.outcome().expect("decided");
    assert_eq!(out.result, IprevResult::Permerror);
    assert!(out.reason.contains("NODATA"));
}

#[test]
fn rfc2317_classless_delegation_chased_by_the_resolver() {
    let (mut c, q) = check("81.2.69.142");
    let target = "142.128/25.69.2.81.in-addr.arpa";
    answer(&mut c, &q, Rcode::NoError, vec![cname(REV, target), ptr(target, "mail.example.net")]);
    let round2 = drain(&mut c);
    assert_eq!(round2.len(), 1);
    answer(&mut c, &round2[0], Rcode::NoError, vec![a("mail.example.net", "81.2.69.142")]);
    assert_eq!(c.outcome().map(|o| o.result), Some(IprevResult::Pass));
}

#[test]
fn rfc2317_cname_not_chased_is_followed_with_a_second_ptr_query() {
    let (mut c, q) = check("81.2.69.142");
    let target = "142.128-25.69.2.81.in-addr.arpa";
    answer(&mut c, &q, Rcode::NoError, vec![cname(REV, target)]);
    let follow = drain(&mut c);
    assert_eq!(follow[0].question, Question::new(target, QType::Ptr));
    answer(&mut c, &follow[0], Rcode::NoError, vec![ptr(target, "mail.example.net")]);
    assert_eq!(drain(&mut c)[0].question, Question::new("mail.example.net", QType::A));
}

#[test]
fn rfc2317_cname_to_nothing_is_permerror() {
    let (mut c, q) = check("81.2.69.142");
    let target = "142.128-25.69.2.81.in-addr.arpa";
    answer(&mut c, &q, Rcode::NoError, vec![cname(REV, target)]);
    let follow = drain(&mut c);
    answer(&mut c, &follow[0], Rcode::NxDomain, vec![]);
    assert_eq!(c.outcome().map(|o| o.result), Some(IprevResult::Permerror));
}

#[test]
fn reverse_cname_loop_is_bounded() {
    let (mut c, q) = check("81.2.69.142");
    answer(&mut c, &q, Rcode::NoError, vec![cname(REV, "x.example"), cname("x.example", REV)]);
    let out = c.outcome().expect("decided");
    assert_eq!(out.result, IprevResult::Permerror);
    assert!(out.reason.contains("loops"));
    // A chain that keeps going one query at a time stops at the bound.
    let limits = Limits { max_ptr_names: 10, max_cname_chain: 3, ..Limits::default() };
    let mut c = IprevCheck::new(ip("81.2.69.142"), limits).expect("public");
    let mut asked = 0;
    while let Some(q) = c.poll_query() {
        asked += 1;
        let next = format!("hop{asked}.example");
        c.handle_answer(q.id, wire(&q.question, Rcode::NoError, vec![cname(&q.question.name, &next)]));
        assert!(asked <= 4, "bounded");
    }
    let out = c.outcome().expect("decided");
    assert_eq!(out.result, IprevResult::Permerror);
    assert!(out.reason.contains("longer than 3"), "{}", out.reason);
}

#[test]
fn temperror_when_the_ptr_lookup_fails() {
    for rcode in [Rcode::ServFail, Rcode::Refused, Rcode::FormErr, Rcode::NotImp, Rcode::Other(11)] {
        let (mut c, q) = check("81.2.69.142");
        answer(&mut c, &q, rcode, vec![]);
        let out = c.outcome().expect("decided");
        assert_eq!((out.result, out.rule), (IprevResult::Temperror, IprevRule::PtrTempError), "{rcode}");
    }
    let (mut c, q) = check("81.2.69.142");
    c.handle_answer(q.id, Response::Failed("timed out after 5 s".into()));
    assert!(c.outcome().expect("decided").reason.ends_with("timed out after 5 s"));
    let (mut c, q) = check("81.2.69.142");
    let mut truncated = DnsAnswer::new(Rcode::NoError, vec![]);
    truncated.truncated = true;
    let bytes = encode_response(&q.question, &truncated).expect("encode");
    c.handle_answer(q.id, Response::Answer(decode_response(&bytes, &q.question).expect("decode")));
    assert_eq!(c.outcome().map(|o| o.result), Some(IprevResult::Temperror));
}

fn two_names() -> (IprevCheck, Vec<Query>) {
    let (mut c, q) = check("81.2.69.142");
    answer(&mut c, &q, Rcode::NoError, vec![ptr(REV, "a.example.net"), ptr(REV, "b.example.net")]);
    let round2 = drain(&mut c);
    assert_eq!(round2.len(), 2, "both forward lookups in the same round");
    (c, round2)
}

#[test]
fn fail_when_every_forward_lookup_completes_without_the_ip() {
    let (mut c, round2) = two_names();
    answer(&mut c, &round2[0], Rcode::NoError, vec![a("a.example.net", "81.2.69.1")]);
    assert!(c.outcome().is_none(), "waits for the other name");
    answer(&mut c, &round2[1], Rcode::NxDomain, vec![]);
    let out = c.outcome().expect("decided");
    assert_eq!((out.result, out.rule), (IprevResult::Fail, IprevRule::NoForwardMatch));
    assert_eq!(out.forward["a.example.net"].addresses, vec![ip("81.2.69.1")]);
    assert_eq!(out.forward["b.example.net"].status, ForwardStatus::NxDomain);
    // NODATA counts as completed too.
    let (mut c, round2) = two_names();
    answer(&mut c, &round2[0], Rcode::NoError, vec![]);
    answer(&mut c, &round2[1], Rcode::NoError, vec![]);
    assert_eq!(c.outcome().map(|o| o.result), Some(IprevResult::Fail));
}

#[test]
fn temperror_when_no_match_and_a_forward_lookup_failed() {
    let (mut c, round2) = two_names();
    answer(&mut c, &round2[0], Rcode::NoError, vec![a("a.example.net", "81.2.69.1")]);
    answer(&mut c, &round2[1], Rcode::ServFail, vec![]);
    let out = c.outcome().expect("decided");
    assert_eq!((out.result, out.rule), (IprevResult::Temperror, IprevRule::ForwardTempError));
    assert!(out.reason.contains("b.example.net: answered SERVFAIL"), "{}", out.reason);
}

#[test]
fn a_match_passes_even_if_another_lookup_failed_and_late_answers_are_kept() {
    let (mut c, round2) = two_names();
    c.handle_answer(round2[0].id, Response::Failed("HTTP 503".into()));
    assert!(c.outcome().is_none());
    answer(&mut c, &round2[1], Rcode::NoError, vec![a("b.example.net", "81.2.69.142")]);
    assert_eq!(c.outcome().map(|o| o.result), Some(IprevResult::Pass));
    // Pass decided first, the other answer arriving afterwards.
    let (mut c, round2) = two_names();
    answer(&mut c, &round2[1], Rcode::NoError, vec![a("b.example.net", "81.2.69.142")]);
    let early = c.outcome().expect("decided at once");
    assert_eq!(early.forward["a.example.net"].status, ForwardStatus::NotAnswered);
    answer(&mut c, &round2[0], Rcode::NoError, vec![a("a.example.net", "81.2.69.9")]);
    let late = c.outcome().expect("still decided");
    assert_eq!(late.result, IprevResult::Pass);
    assert_eq!(late.forward["a.example.net"].addresses, vec![ip("81.2.69.9")]);
}

#[test]
fn forward_cnames_are_chased_in_the_answer_or_with_a_follow_up() {
    let (mut c, q) = check("81.2.69.142");
    answer(&mut c, &q, Rcode::NoError, vec![ptr(REV, "mail.example.net")]);
    let round2 = drain(&mut c);
    answer(&mut c, &round2[0], Rcode::NoError, vec![cname("mail.example.net", "host.example.org")]);
    let follow = drain(&mut c);
    assert_eq!(follow[0].question, Question::new("host.example.org", QType::A));
    answer(&mut c, &follow[0], Rcode::NoError, vec![a("host.example.org", "81.2.69.142")]);
    let out = c.outcome().expect("decided");
    assert_eq!(out.result, IprevResult::Pass);
    assert_eq!(out.matched_name.as_deref(), Some("mail.example.net"));
    let (mut c, q) = check("81.2.69.142");
    answer(&mut c, &q, Rcode::NoError, vec![ptr(REV, "mail.example.net")]);
    let round2 = drain(&mut c);
    answer(
        &mut c,
        &round2[0],
        Rcode::NoError,
        vec![cname("mail.example.net", "mail.example.net"), a("other.example", "81.2.69.142")],
    );
    let out = c.outcome().expect("decided");
    assert_eq!(out.result, IprevResult::Fail, "a self-CNAME is a loop, and an unrelated record is not evidence");
    assert_eq!(out.forward["mail.example.net"].status, ForwardStatus::CnameLoop);
}

#[test]
fn at_most_ten_ptr_names_are_looked_up() {
    let (mut c, q) = check("81.2.69.142");
    let names: Vec<Record> = (0..14).map(|i| ptr(REV, &format!("n{i:02}.example.net"))).collect();
    answer(&mut c, &q, Rcode::NoError, names);
    assert_eq!(drain(&mut c).len(), 10);
    let limits = Limits { max_ptr_names: 3, ..Limits::default() };
    let mut c = IprevCheck::new(ip("81.2.69.142"), limits).expect("public");
    let q = drain(&mut c).remove(0);
    let names: Vec<Record> = (0..5).map(|i| ptr(REV, &format!("n{i}.example.net"))).collect();
    answer(&mut c, &q, Rcode::NoError, names);
    let round2 = drain(&mut c);
    assert_eq!(round2.len(), 3);
    for query in &round2 {
        answer(&mut c, query, Rcode::NxDomain, vec![]);
    }
    let out = c.outcome().expect("decided");
    assert_eq!((out.ptr_names.len(), out.ptr_names_cut), (3, 2));
}

#[test]
fn duplicate_ptr_names_are_asked_once() {
    let (mut c, q) = check("81.2.69.142");
    answer(&mut c, &q, Rcode::NoError, vec![ptr(REV, "mail.example.net"), ptr(REV, "MAIL.example.net.")]);
    assert_eq!(drain(&mut c).len(), 1);
}

#[test]
fn non_public_addresses_are_never_queried() {
    for (addr, scope) in [
        ("10.0.0.5", IpScope::Private),
        ("127.0.0.1", IpScope::Loopback),
        ("fe80::1", IpScope::LinkLocal),
        ("100.64.1.1", IpScope::Shared),
        ("fd00::1", IpScope::UniqueLocal),
        ("192.0.2.1", IpScope::Documentation),
        ("::ffff:192.168.1.1", IpScope::Private),
    ] {
        let err = IprevCheck::new(ip(addr), Limits::default()).expect_err(addr);
        assert_eq!(err.0, scope, "{addr}");
    }
}

#[test]
fn unknown_and_repeated_ids_are_ignored() {
    let (mut c, q) = check("81.2.69.142");
    c.handle_answer(999, Response::Failed("stray".into()));
    assert!(c.outcome().is_none());
    answer(&mut c, &q, Rcode::NoError, vec![ptr(REV, "mail.example.net")]);
    answer(&mut c, &q, Rcode::NxDomain, vec![]);
    assert!(c.outcome().is_none(), "a second answer to the PTR query changes nothing");
    assert_eq!(drain(&mut c).len(), 1);
}
