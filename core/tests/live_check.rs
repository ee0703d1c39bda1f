//! The whole-report live check driven against a zone: rounds, deduplication,
//! HELO checks, advice and the Authentication-Results line.

use iprev_core::dns::{Question, RecordData};
use iprev_core::helo::{HeloStatus, NotPublicKind};
use iprev_core::iprev::{Limits, Response};
use iprev_core::live::{HopScope, LiveCheck, LiveSettings};
use iprev_core::report::{IprevResult, Report};
use iprev_core::zone::Zone;
use iprev_core::{AnalyzeOptions, analyze};
use std::collections::HashSet;
use std::fmt::Write as _;

fn a(text: &str) -> RecordData {
    match text.parse().expect("address") {
        std::net::IpAddr::V4(v4) => RecordData::A(v4),
        std::net::IpAddr::V6(v6) => RecordData::Aaaa(v6),
    }
}

fn ptr(name: &str) -> RecordData {
    RecordData::Ptr(name.into())
}

/// Runs the check round by round; returns every question asked, per round.
fn run(report: &mut Report, zone: &Zone) -> Vec<Vec<Question>> {
    run_with(report, zone, Limits::default(), None)
}

/// [`run`] with other limits, and a driver's deadline that passes after
/// `stop_after` rounds.
fn run_with(report: &mut Report, zone: &Zone, limits: Limits, stop_after: Option<usize>) -> Vec<Vec<Question>> {
    let mut live = LiveCheck::new(report, limits, HopScope::SenderSide);
    let mut rounds = Vec::new();
    while !live.is_finished() {
        if stop_after == Some(rounds.len()) {
            live.stop("no answers within the message's deadline of 30 s");
            assert!(live.is_finished(), "a stopped check is finished");
            break;
        }
        let round: Vec<Question> = std::iter::from_fn(|| live.poll_question()).collect();
        assert!(!round.is_empty(), "unfinished but nothing to ask");
        for question in &round {
            live.handle_answer(question, Response::Answer(zone.answer(question)));
        }
        rounds.push(round);
    }
    live.apply(
        report,
        &LiveSettings { authserv_id: "mx.test".into(), resolver: "zone".into(), advise_all_hops: false },
    );
    rounds
}

const FIVE_HOPS: &str = "\
Received: from out2.sender.example.net (out2.sender.example.net [89.160.20.2]) by mx.recipient.example.org (Postfix) with ESMTPS id A5; Wed, 4 Jan 2023 10:00:05 +0000
Received: from out1.sender.example.net (out1.sender.example.net [89.160.20.1]) by out2.sender.example.net (Postfix) with ESMTPS id A4; Wed, 4 Jan 2023 10:00:04 +0000
Received: from relay.sender.example.net (relay.sender.example.net [81.2.69.10]) by out1.sender.example.net (Postfix) with ESMTPS id A3; Wed, 4 Jan 2023 10:00:03 +0000
Received: from relay.sender.example.net (relay.sender.example.net [81.2.69.10]) by relay.sender.example.net (Postfix) with ESMTP id A2; Wed, 4 Jan 2023 10:00:02 +0000
Received: from app.sender.example.net (app.sender.example.net [81.2.69.11]) by relay.sender.example.net (Postfix) with ESMTP id A1; Wed, 4 Jan 2023 10:00:01 +0000
Subject: five hops

";

fn five_hop_zone() -> Zone {
    let mut zone = Zone::default();
    for (ip, names) in [
        ("89.160.20.2", &["out2.sender.example.net", "mx-b.sender.example.net", "alias.sender.example.net"][..]),
        ("89.160.20.1", &["out1.sender.example.net", "mx-a.sender.example.net"][..]),
        ("81.2.69.10", &["relay.sender.example.net"][..]),
        ("81.2.69.11", &["app.sender.example.net"][..]),
    ] {
        let reverse = iprev_core::dns::reverse_name(ip.parse().expect("ip"));
        for name in names {
            zone.insert(&reverse, 300, ptr(name));
            zone.insert(name, 300, a(ip));
        }
    }
    zone
}

#[test]
fn two_rounds_whatever_the_hops_and_names_and_each_question_once() {
    let mut report = analyze(FIVE_HOPS.as_bytes(), "five", &AnalyzeOptions::default()).expect("report");
    assert_eq!(report.sender_hop, Some(4));
    let rounds = run(&mut report, &five_hop_zone());
    assert_eq!(rounds.len(), 2, "{rounds:?}");
    assert_eq!(rounds[0].len(), 5, "one PTR question per distinct address, and the HELO name's address");
    assert_eq!(rounds[1].len(), 6, "every PTR name's forward lookup at once; the HELO name's answer is reused");

    let all: Vec<&Question> = rounds.iter().flatten().collect();
    let distinct: HashSet<&Question> = all.iter().copied().collect();
    assert_eq!(all.len(), distinct.len(), "no question asked twice");
    let summary = report.dns.as_ref().expect("summary");
    assert_eq!((summary.questions, summary.rounds), (11, 2));
    for hop in &report.hops {
        assert_eq!(hop.iprev.as_ref().map(|i| i.result), Some(IprevResult::Pass), "hop {}", hop.index);
    }
    let sender = report.hops[4].iprev.as_ref().expect("checked");
    assert_eq!(sender.helo.as_ref().map(|h| h.status), Some(HeloStatus::Pass));
    assert_eq!(
        report.authres.as_deref(),
        Some("Authentication-Results: mx.test; iprev=pass policy.iprev=89.160.20.2 (out2.sender.example.net)")
    );
}

#[test]
fn private_hops_are_never_asked_about() {
    let message = "\
Received: from mail.example.net (mail.example.net [81.2.69.142]) by mx.example.org (Postfix) with ESMTPS id B2; Wed, 4 Jan 2023 10:00:05 +0000
Received: from pc.lan (pc.lan [192.168.1.20]) by mail.example.net (Postfix) with ESMTPSA id B1; Wed, 4 Jan 2023 10:00:01 +0000

";
    let mut report = analyze(message.as_bytes(), "m", &AnalyzeOptions::default()).expect("report");
    let mut zone = Zone::default();
    zone.insert("142.69.2.81.in-addr.arpa", 60, ptr("mail.example.net"));
    zone.insert("mail.example.net", 60, a("81.2.69.142"));
    let rounds = run(&mut report, &zone);
    let asked: Vec<String> = rounds.iter().flatten().map(|q| q.name.clone()).collect();
    assert_eq!(asked, ["142.69.2.81.in-addr.arpa", "mail.example.net"]);
    assert!(report.hops[0].iprev.is_none());
    assert_eq!(report.hops[1].iprev.as_ref().map(|i| i.result), Some(IprevResult::Pass));
}

#[test]
fn exchange_internal_helo_gets_the_send_connector_fix() {
    let bytes =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/messages/exchange2016-local-to-gmail.eml"))
            .expect("fixture");
    let mut report = analyze(&bytes, "x", &AnalyzeOptions::default()).expect("report");
    let mut zone = Zone::default();
    zone.insert("150.69.2.81.in-addr.arpa", 60, ptr("mail.example.com"));
    zone.insert("mail.example.com", 60, a("81.2.69.150"));
    let rounds = run(&mut report, &zone);
    assert_eq!(rounds.len(), 2);
    let iprev = report.hops[2].iprev.as_ref().expect("sender hop checked");
    assert_eq!(iprev.result, IprevResult::Pass);
    let helo = iprev.helo.as_ref().expect("helo check");
    assert_eq!((helo.status, helo.not_public), (HeloStatus::NotPublic, Some(NotPublicKind::InternalSuffix)));
    let advice = iprev.advice.iter().find(|a| a.id == "helo-internal").expect("helo advice");
    assert!(advice.text.contains("Exchange 2016 and 2019"), "{}", advice.text);
    assert!(
        advice
            .commands
            .contains(&"Set-SendConnector -Identity \"<connector name>\" -Fqdn mail.example.com".to_string())
    );
}

#[test]
fn missing_ptr_on_a_smart_host_says_whose_job_it_is() {
    let message = "\
Received: from smtp.isp.example.net (smtp.isp.example.net [81.2.69.200]) by mx.recipient.example.org (Postfix) with ESMTPS id C2; Wed, 4 Jan 2023 10:00:05 +0000
Received: from exch.customer.example.com (exch.customer.example.com [89.160.20.50]) by smtp.isp.example.net (Postfix) with ESMTP id C1; Wed, 4 Jan 2023 10:00:01 +0000
From: Alice <alice@customer.example.com>

";
    let mut report = analyze(message.as_bytes(), "m", &AnalyzeOptions::default()).expect("report");
    assert_eq!(report.sender_hop, Some(1));
    let mut zone = Zone::default();
    zone.insert("smtp.isp.example.net", 60, a("81.2.69.200"));
    run(&mut report, &zone);
    let iprev = report.hops[1].iprev.as_ref().expect("checked");
    assert_eq!(iprev.result, IprevResult::Permerror);
    let ids: Vec<&str> = iprev.advice.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["smart-host", "ptr-missing"]);
    assert!(iprev.advice[0].title.contains("isp.example.net"));
    assert_eq!(
        report.authres.as_deref(),
        Some("Authentication-Results: mx.test; iprev=permerror policy.iprev=81.2.69.200")
    );
}

#[test]
fn ipv6_sender_is_quoted_in_authres() {
    let message = "\
Received: from mx.example.net (mx.example.net [IPv6:2a02:cf40::25]) by mx.example.org (Postfix) with ESMTPS id D1; Wed, 4 Jan 2023 10:00:05 +0000

";
    let mut report = analyze(message.as_bytes(), "m", &AnalyzeOptions::default()).expect("report");
    let mut zone = Zone::default();
    zone.insert(&iprev_core::dns::reverse_name("2a02:cf40::25".parse().expect("ip")), 60, ptr("mx.example.net"));
    zone.insert("mx.example.net", 60, a("2a02:cf40::99"));
    run(&mut report, &zone);
    assert_eq!(
        report.authres.as_deref(),
        Some("Authentication-Results: mx.test; iprev=fail policy.iprev=\"2a02:cf40::25\" (mx.example.net)")
    );
}

#[test]
fn a_report_without_public_hops_asks_nothing() {
    let message = "Received: from a (a [10.0.0.1]) by b; Wed, 4 Jan 2023 10:00:05 +0000\n\n";
    let mut report = analyze(message.as_bytes(), "m", &AnalyzeOptions::default()).expect("report");
    let live = LiveCheck::new(&report, Limits::default(), HopScope::SenderSide);
    assert!(live.is_finished());
    let rounds = run(&mut report, &Zone::default());
    assert!(rounds.is_empty());
    assert_eq!(report.authres.as_deref(), Some("Authentication-Results: mx.test; none"));
}

#[test]
fn the_question_budget_is_kept_and_what_it_cut_is_said() {
    // The five-hop message needs 11 questions: a budget of 11 cuts nothing.
    let mut report = analyze(FIVE_HOPS.as_bytes(), "five", &AnalyzeOptions::default()).expect("report");
    let limits = Limits { max_questions: 11, ..Limits::default() };
    run_with(&mut report, &five_hop_zone(), limits, None);
    let summary = report.dns.as_ref().expect("summary");
    assert_eq!((summary.questions, summary.notes.len()), (11, 0), "{:?}", summary.notes);
    assert!(report.hops.iter().all(|h| h.iprev.as_ref().is_some_and(|i| i.result == IprevResult::Pass)));

    // One fewer: one forward lookup is never asked and its check cannot pass.
    let mut report = analyze(FIVE_HOPS.as_bytes(), "five", &AnalyzeOptions::default()).expect("report");
    let limits = Limits { max_questions: 10, ..Limits::default() };
    let rounds = run_with(&mut report, &five_hop_zone(), limits, None);
    assert_eq!(rounds.iter().map(Vec::len).sum::<usize>(), 10);
    let summary = report.dns.as_ref().expect("summary");
    assert_eq!(summary.notes, ["1 DNS question not asked past the budget of 10 per message"]);
    // The cut lookup is one of the sender's other PTR names: recorded as
    // failed, while the name that matched still decides the verdict.
    let sender = report.hops[4].iprev.as_ref().expect("checked");
    let failed: Vec<&String> = sender
        .forward_status
        .iter()
        .filter_map(|(name, status)| match status {
            iprev_core::iprev::ForwardStatus::TempFailure(why) if why.contains("budget of 10 DNS questions") => {
                Some(name)
            }
            _ => None,
        })
        .collect();
    assert_eq!(failed.len(), 1, "{:?}", sender.forward_status);
    assert_eq!(sender.result, IprevResult::Pass);
}

#[test]
fn a_stopped_check_ends_in_temperror_naming_the_deadline() {
    let mut report = analyze(FIVE_HOPS.as_bytes(), "five", &AnalyzeOptions::default()).expect("report");
    // Stopped before any answer came back.
    let rounds = run_with(&mut report, &five_hop_zone(), Limits::default(), Some(0));
    assert!(rounds.is_empty());
    let sender = report.hops[4].iprev.as_ref().expect("checked");
    assert_eq!(sender.result, IprevResult::Temperror);
    assert!(sender.reason.contains("deadline of 30 s"), "{}", sender.reason);
    let summary = report.dns.as_ref().expect("summary");
    assert_eq!(summary.notes[0], "stopped early: no answers within the message's deadline of 30 s");
    assert!(summary.notes[1].ends_with("not asked after the check was stopped"), "{:?}", summary.notes);

    // Stopped after the PTR round: the forward lookups are never asked.
    let mut report = analyze(FIVE_HOPS.as_bytes(), "five", &AnalyzeOptions::default()).expect("report");
    let rounds = run_with(&mut report, &five_hop_zone(), Limits::default(), Some(1));
    assert_eq!(rounds.len(), 1);
    let first = report.hops[0].iprev.as_ref().expect("checked");
    assert_eq!(first.result, IprevResult::Temperror);
    assert_eq!(first.ptr, ["app.sender.example.net"]);
    assert!(first.reason.contains("deadline of 30 s"), "{}", first.reason);
    // The sender hop still passes: its HELO name's address, asked in the
    // first round, is also its PTR name's forward answer.
    assert_eq!(report.hops[4].iprev.as_ref().map(|i| i.result), Some(IprevResult::Pass));
}

#[test]
fn a_hundred_public_hops_fit_the_default_budget_exactly() {
    use iprev_core::limits::{MAX_QUESTIONS_PER_MESSAGE, MAX_RECEIVED_HOPS};
    let build = |extra_name: bool| {
        let mut message = String::new();
        let mut zone = Zone::default();
        for n in 0..MAX_RECEIVED_HOPS {
            let ip = format!("81.2.{}.{}", 1 + n / 200, 1 + n % 200);
            let name = format!("relay{n}.example.net");
            let _ = write!(
                message,
                "Received: from {name} ({name} [{ip}]) by mx{n}.example.org with ESMTP id Q{n}; Wed, 4 Jan 2023 10:00:00 +0000\r\n"
            );
            let reverse = iprev_core::dns::reverse_name(ip.parse().expect("ip"));
            zone.insert(&reverse, 60, ptr(&name));
            zone.insert(&name, 60, a(&ip));
            if extra_name && n == 0 {
                zone.insert(&reverse, 60, ptr("second.example.net"));
                zone.insert("second.example.net", 60, a(&ip));
            }
        }
        message.push_str("Subject: loop\r\n\r\n");
        (message, zone)
    };
    // 100 addresses, one PTR name each: 200 questions, the budget exactly.
    let (message, zone) = build(false);
    let mut report = analyze(message.as_bytes(), "m", &AnalyzeOptions::default()).expect("report");
    run(&mut report, &zone);
    let summary = report.dns.as_ref().expect("summary");
    assert_eq!((summary.questions, summary.notes.len()), (MAX_QUESTIONS_PER_MESSAGE, 0), "{:?}", summary.notes);

    // One more PTR name: one question past the budget, and the report says so.
    let (message, zone) = build(true);
    let mut report = analyze(message.as_bytes(), "m", &AnalyzeOptions::default()).expect("report");
    run(&mut report, &zone);
    let summary = report.dns.as_ref().expect("summary");
    assert_eq!(summary.questions, MAX_QUESTIONS_PER_MESSAGE);
    assert_eq!(summary.notes, ["1 DNS question not asked past the budget of 200 per message"]);
}

/// Runs the check with `answer` deciding every response.
fn run_answering(report: &mut Report, answer: impl Fn(&Question) -> Response) {
    let mut live = LiveCheck::new(report, Limits::default(), HopScope::SenderSide);
    while !live.is_finished() {
        let round: Vec<Question> = std::iter::from_fn(|| live.poll_question()).collect();
        for question in &round {
            live.handle_answer(question, answer(question));
        }
    }
    live.apply(
        report,
        &LiveSettings { authserv_id: "mx.test".into(), resolver: "test".into(), advise_all_hops: false },
    );
}

#[test]
fn temporary_failures_say_whose_failure_it_is() {
    let message = "\
Received: from mail.example.net (mail.example.net [81.2.69.142]) by mx.example.org (Postfix) with ESMTPS id B2; Wed, 4 Jan 2023 10:00:05 +0000

";
    let mut zone = Zone::default();
    zone.insert("142.69.2.81.in-addr.arpa", 60, ptr("mail.example.net"));
    zone.insert("mail.example.net", 60, a("81.2.69.142"));
    let advice_of = |answer: &dyn Fn(&Question) -> Response| {
        let mut report = analyze(message.as_bytes(), "m", &AnalyzeOptions::default()).expect("report");
        run_answering(&mut report, answer);
        let iprev = report.hops[0].iprev.clone().expect("checked");
        assert_eq!(iprev.result, IprevResult::Temperror);
        (iprev.advice.iter().map(|a| a.id.clone()).collect::<Vec<_>>(), iprev.helo.map(|h| h.status))
    };
    // No usable answer from the resolver: its failure, not the address's.
    let (ids, helo) = advice_of(&|q| {
        if q.qtype == iprev_core::dns::QType::Ptr {
            Response::Failed("resolver.test answered HTTP 503".into())
        } else {
            Response::Answer(zone.answer(q))
        }
    });
    assert_eq!(ids, ["resolver-failed"]);
    // The HELO name resolves to the address, but whether it is the PTR name
    // cannot be known: not a green result.
    assert_eq!(helo, Some(HeloStatus::Temperror));
    // The reverse zone's servers failing: the holder of the IP block.
    let (ids, _) = advice_of(&|q| {
        let mut answer = zone.answer(q);
        if q.qtype == iprev_core::dns::QType::Ptr {
            answer.rcode = iprev_core::dns::Rcode::ServFail;
            answer.records.clear();
        }
        Response::Answer(answer)
    });
    assert_eq!(ids, ["ptr-temperror"]);
    // The PTR name's own zone failing: whoever runs that zone.
    let (ids, _) = advice_of(&|q| {
        if q.qtype == iprev_core::dns::QType::A {
            Response::Failed("resolver.test: no answer within 5 s".into())
        } else {
            Response::Answer(zone.answer(q))
        }
    });
    assert_eq!(ids, ["forward-temperror"]);
}

/// A message delivered into Microsoft 365: two of its own relays (public
/// IPv6 addresses of Exchange Online) after the sender hop.
const INTO_MICROSOFT: &str = "\
Received: from DM6PR03CA0001.namprd03.prod.outlook.com (2603:10b6:5:2::1) by BN8PR04MB5234.namprd04.prod.outlook.com with Microsoft SMTP Server id 15.20.6838.25; Wed, 4 Jan 2023 10:00:07 +0000
Received: from DM6NAM12FT011.eop-nam12.prod.protection.outlook.com (2603:10b6:5:1::1) by DM6PR03CA0001.outlook.office365.com with Microsoft SMTP Server id 15.20.6838.24 via Frontend Transport; Wed, 4 Jan 2023 10:00:06 +0000
Received: from mail.sender.example.net (81.2.69.142) by DM6NAM12FT011.mail.protection.outlook.com (10.13.172.217) with Microsoft SMTP Server id 15.20.6838.22 via Frontend Transport; Wed, 4 Jan 2023 10:00:05 +0000
Received: from app.sender.example.net (app.sender.example.net [81.2.69.11]) by mail.sender.example.net (Postfix) with ESMTP id A1; Wed, 4 Jan 2023 10:00:01 +0000

";

fn check_scope(scope: HopScope) -> (Report, Vec<Vec<Question>>) {
    let mut report = analyze(INTO_MICROSOFT.as_bytes(), "m", &AnalyzeOptions::default()).expect("report");
    let mut zone = Zone::default();
    for (ip, name) in [("81.2.69.142", "mail.sender.example.net"), ("81.2.69.11", "app.sender.example.net")] {
        zone.insert(&iprev_core::dns::reverse_name(ip.parse().expect("ip")), 60, ptr(name));
        zone.insert(name, 60, a(ip));
    }
    let mut live = LiveCheck::new(&report, Limits::default(), scope);
    let mut rounds = Vec::new();
    while !live.is_finished() {
        let round: Vec<Question> = std::iter::from_fn(|| live.poll_question()).collect();
        for question in &round {
            live.handle_answer(question, Response::Answer(zone.answer(question)));
        }
        rounds.push(round);
    }
    let settings = LiveSettings { authserv_id: "mx.test".into(), resolver: "zone".into(), advise_all_hops: false };
    live.apply(&mut report, &settings);
    (report, rounds)
}

#[test]
fn the_receivers_own_hops_are_checked_only_for_all_hops() {
    use iprev_core::report::HopRole;
    let (report, rounds) = check_scope(HopScope::SenderSide);
    assert_eq!(report.sender_hop, Some(1));
    let roles: Vec<HopRole> = report.hops.iter().map(|h| h.role).collect();
    assert_eq!(roles, [HopRole::SenderSide, HopRole::Sender, HopRole::Receiver, HopRole::Receiver]);
    let checked: Vec<bool> = report.hops.iter().map(|h| h.iprev.is_some()).collect();
    assert_eq!(checked, [true, true, false, false]);
    let asked: Vec<String> = rounds.iter().flatten().map(|q| q.name.clone()).collect();
    assert!(asked.iter().all(|name| !name.ends_with("ip6.arpa")), "asked about the receiver's relays: {asked:?}");
    assert_eq!(report.hops[1].iprev.as_ref().map(|i| i.result), Some(IprevResult::Pass));

    let (report, rounds) = check_scope(HopScope::AllPublic);
    let checked: Vec<bool> = report.hops.iter().map(|h| h.iprev.is_some()).collect();
    assert_eq!(checked, [true, true, true, true]);
    assert!(rounds.iter().flatten().any(|q| q.name.ends_with("ip6.arpa")));
    assert_eq!(report.hops[3].iprev.as_ref().map(|i| i.result), Some(IprevResult::Permerror));
}

/// A spammer without reverse DNS announces a filtering gateway's name and
/// writes a Google hop below its own: the receiving server recorded no
/// rDNS (`unknown`), so the HELO cannot extend the receiving side, and the
/// spammer's own address is judged (it used to pass on Google's).
#[test]
fn a_gateway_helo_from_an_address_without_ptr_fails() {
    let mut zone = Zone::default();
    zone.insert("41.220.85.209.in-addr.arpa", 60, ptr("mail-sor-f41.google.com"));
    zone.insert("mail-sor-f41.google.com", 60, a("209.85.220.41"));
    for helo in ["gw1.mimecast.com", "attacker.example"] {
        let message = format!(
            "Received: from {helo} (unknown [89.160.20.66]) by mx.recipient.example (Postfix) with ESMTP id Q1; Wed, 4 Jan 2023 10:00:05 +0000\n\
             Received: from mail-sor-f41.google.com (mail-sor-f41.google.com [209.85.220.41]) by gw1.mimecast.com with ESMTPS id Q0; Wed, 4 Jan 2023 10:00:01 +0000\n\n"
        );
        let mut report = analyze(message.as_bytes(), "m", &AnalyzeOptions::default()).expect("report");
        run(&mut report, &zone);
        assert_eq!(report.sender_hop, Some(1), "{helo}");
        let verdict = report.hops[1].iprev.as_ref().map(|i| i.result);
        assert_eq!(verdict, Some(IprevResult::Permerror), "{helo}");
        assert!(
            report.authres.as_deref().is_some_and(|line| line.contains("iprev=permerror policy.iprev=89.160.20.66"))
        );
    }
}
