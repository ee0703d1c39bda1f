//! A forward (A/AAAA) lookup of one name, as a sans-IO machine: used for the
//! HELO name, whose addresses are compared with the client address.

use super::check::{Query, Response, follow};
use super::outcome::ForwardStatus;
use crate::dns::{QType, Question, Rcode, RecordData};
use std::net::IpAddr;

/// What one forward answer means.
pub(super) enum Step {
    /// The lookup ended.
    Done(Vec<IpAddr>, ForwardStatus),
    /// The answer is a CNAME whose target was not chased: ask for `next`,
    /// `links` CNAME links from the start.
    Follow { next: String, links: usize },
}

/// Reads the response to the forward question for `asked` (reached after
/// `chain` CNAME links, at most `max_chain` in all).
pub(super) fn step(response: Response, asked: &str, qtype: QType, chain: usize, max_chain: usize) -> Step {
    let answer = match response {
        Response::Failed(why) => return Step::Done(Vec::new(), ForwardStatus::TempFailure(why)),
        Response::Answer(answer) => answer,
    };
    if answer.truncated {
        let why = "the resolver sent a truncated answer (TC)".to_string();
        return Step::Done(Vec::new(), ForwardStatus::TempFailure(why));
    }
    match answer.rcode {
        Rcode::NoError => {}
        Rcode::NxDomain => return Step::Done(Vec::new(), ForwardStatus::NxDomain),
        other => return Step::Done(Vec::new(), ForwardStatus::TempFailure(format!("answered {other}"))),
    }
    let followed = follow(&answer, asked, qtype, max_chain.saturating_sub(chain));
    let links = chain + followed.links;
    let addresses: Vec<IpAddr> = followed
        .data
        .iter()
        .filter_map(|d| match d {
            RecordData::A(v4) => Some(IpAddr::V4(*v4)),
            RecordData::Aaaa(v6) => Some(IpAddr::V6(*v6)),
            _ => None,
        })
        .collect();
    if !addresses.is_empty() {
        Step::Done(addresses, ForwardStatus::Answered)
    } else if followed.broken || (followed.end != asked && links >= max_chain) {
        Step::Done(Vec::new(), ForwardStatus::CnameLoop)
    } else if followed.end == asked {
        Step::Done(Vec::new(), ForwardStatus::NoAddress)
    } else {
        Step::Follow { next: followed.end, links }
    }
}

/// The lookup of `name`'s addresses of one family.
#[derive(Debug, Clone)]
pub struct ForwardLookup {
    name: String,
    qtype: QType,
    max_chain: usize,
    asked: String,
    chain: usize,
    next_id: u32,
    waiting: Option<u32>,
    queued: Option<Query>,
    result: Option<(Vec<IpAddr>, ForwardStatus)>,
}

impl ForwardLookup {
    /// Looks up `name` (A for `QType::A`, AAAA for `QType::Aaaa`), chasing
    /// at most `max_chain` CNAME links.
    pub fn new(name: &str, qtype: QType, max_chain: usize) -> Self {
        let question = Question::new(name, qtype);
        let asked = question.name.clone();
        Self {
            name: asked.clone(),
            qtype,
            max_chain,
            asked,
            chain: 0,
            next_id: 1,
            waiting: Some(0),
            queued: Some(Query { id: 0, question }),
            result: None,
        }
    }

    /// The name looked up.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The next question to ask.
    pub fn poll_query(&mut self) -> Option<Query> {
        self.queued.take()
    }

    /// Takes the response to query `id`.
    pub fn handle_answer(&mut self, id: u32, response: Response) {
        if self.waiting != Some(id) {
            return;
        }
        self.waiting = None;
        match step(response, &self.asked, self.qtype, self.chain, self.max_chain) {
            Step::Done(addresses, status) => self.finish(addresses, status),
            Step::Follow { next, links } => {
                self.chain = links;
                self.asked = next;
                let id = self.next_id;
                self.next_id += 1;
                self.waiting = Some(id);
                self.queued = Some(Query { id, question: Question::new(&self.asked, self.qtype) });
            }
        }
    }

    fn finish(&mut self, addresses: Vec<IpAddr>, status: ForwardStatus) {
        self.result = Some((addresses, status));
    }

    /// The addresses found and how the lookup ended, once it has.
    pub fn result(&self) -> Option<&(Vec<IpAddr>, ForwardStatus)> {
        self.result.as_ref()
    }
}
