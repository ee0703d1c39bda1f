//! The iprev check of one address, as a sans-IO state machine.
//!
//! RFC 8601 §3 ("iprev"): "the PTR query for the IP address of the
//! connecting client is performed; for each name returned, an A or AAAA
//! query (as appropriate) is done; if any of those return the IP address
//! of the client, the result is `pass`". Results per §2.7.3:
//!
//! | observation | result |
//! |---|---|
//! | a forward answer (A for IPv4, AAAA for IPv6, CNAMEs chased) holds the client IP | `pass` |
//! | PTR lookup NXDOMAIN, or NOERROR with no PTR (after CNAMEs, RFC 2317) | `permerror` |
//! | PTR lookup SERVFAIL/REFUSED/other rcode, timeout, HTTP error, undecodable or truncated reply | `temperror` |
//! | no match, and some forward lookup failed temporarily | `temperror` |
//! | no match, and every forward lookup completed | `fail` |
//!
//! The machine never blocks: [`IprevCheck::poll_query`] says what to ask,
//! [`IprevCheck::handle_answer`] takes what came back, [`IprevCheck::outcome`]
//! is the verdict once decided. All forward lookups are queued together as
//! soon as the PTR answer is in, so a check costs two round trips.

use super::forward::{Step, step};
use super::outcome::{ForwardEvidence, ForwardStatus, IprevOutcome, IprevRule};
use crate::dns::{DnsAnswer, QType, Question, Rcode, RecordData, reverse_name};
use crate::name_map::NameMap;
use crate::report::IprevResult;
use crate::scope::IpScope;
use std::collections::VecDeque;
use std::net::IpAddr;

/// Bounds of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// PTR names whose forward lookups are made (RFC 8601 §3 leaves the
    /// number open; 10 is what common receivers use).
    pub max_ptr_names: usize,
    /// CNAME links followed from one name, in either direction.
    pub max_cname_chain: usize,
    /// Distinct questions per message's live check (see
    /// [`crate::limits::MAX_QUESTIONS_PER_MESSAGE`]); a single check ignores it.
    pub max_questions: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_ptr_names: 10, max_cname_chain: 8, max_questions: crate::limits::MAX_QUESTIONS_PER_MESSAGE }
    }
}

/// A question the check needs answered; `id` comes back with the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Identifies the query within this check.
    pub id: u32,
    /// What to ask.
    pub question: Question,
}

/// What came back for a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// A decoded DNS answer.
    Answer(DnsAnswer),
    /// No usable answer: timeout, HTTP error, connection failure, undecodable
    /// body. The text says which, for the report.
    Failed(String),
}

/// The address is not globally routable: it is never sent to a resolver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotPublic(pub IpScope);

#[derive(Debug, Clone)]
enum Purpose {
    /// The PTR lookup of `asked`, `chain` CNAME links from the reverse name.
    Ptr { asked: String, chain: usize },
    /// The forward lookup of PTR name `name`, at `asked` after `chain` links.
    Forward { name: String, asked: String, chain: usize },
}

#[derive(Debug, Clone)]
enum Forward {
    Pending,
    Done { addresses: Vec<IpAddr>, status: ForwardStatus },
}

#[derive(Debug, Clone)]
struct Decision {
    result: IprevResult,
    rule: IprevRule,
    reason: String,
    matched: Option<String>,
}

/// The iprev check of one client address.
#[derive(Debug, Clone)]
pub struct IprevCheck {
    ip: IpAddr,
    limits: Limits,
    next_id: u32,
    queue: VecDeque<Query>,
    /// Queries asked and not answered yet (a handful: a vector will do).
    waiting: Vec<(u32, Purpose)>,
    ptr_names: Vec<String>,
    ptr_names_cut: usize,
    forward: NameMap<Forward>,
    decision: Option<Decision>,
    /// The PTR question got no usable DNS answer from the resolver at all.
    resolver_failed: bool,
}

/// What a chain of records says about a name: the data of the wanted type
/// at the end of the CNAME chain, the name where the chain ended, and
/// whether it looped or ran too long.
pub(super) struct Followed {
    pub(super) data: Vec<RecordData>,
    pub(super) end: String,
    pub(super) broken: bool,
    pub(super) links: usize,
}

pub(super) fn follow(answer: &DnsAnswer, start: &str, qtype: QType, max_links: usize) -> Followed {
    let mut current = start.to_string();
    let mut seen: Vec<String> = Vec::new();
    let mut links = 0;
    loop {
        let data: Vec<RecordData> = answer
            .records
            .iter()
            .filter(|r| r.name == current)
            .filter(|r| {
                matches!(
                    (&r.data, qtype),
                    (RecordData::Ptr(_), QType::Ptr)
                        | (RecordData::A(_), QType::A)
                        | (RecordData::Aaaa(_), QType::Aaaa)
                )
            })
            .map(|r| r.data.clone())
            .collect();
        if !data.is_empty() {
            return Followed { data, end: current, broken: false, links };
        }
        let next = answer.records.iter().find_map(|r| match &r.data {
            RecordData::Cname(target) if r.name == current => Some(target.clone()),
            _ => None,
        });
        match next {
            Some(target) => {
                if seen.contains(&current) || links >= max_links {
                    return Followed { data: Vec::new(), end: current, broken: true, links };
                }
                links += 1;
                seen.push(std::mem::replace(&mut current, target));
            }
            None => return Followed { data: Vec::new(), end: current, broken: false, links },
        }
    }
}

impl IprevCheck {
    /// A check of `ip`. IPv4-mapped IPv6 addresses are checked as IPv4.
    /// Addresses that are not public are refused: no DNS is sent for them.
    pub fn new(ip: IpAddr, limits: Limits) -> Result<Self, NotPublic> {
        let ip = crate::ip::unmap(ip).0;
        let scope = IpScope::of(ip);
        if !scope.is_public() {
            return Err(NotPublic(scope));
        }
        let mut check = Self {
            ip,
            limits,
            next_id: 0,
            queue: VecDeque::new(),
            waiting: Vec::new(),
            ptr_names: Vec::new(),
            ptr_names_cut: 0,
            forward: NameMap::new(),
            decision: None,
            resolver_failed: false,
        };
        let reverse = reverse_name(ip);
        check.ask(Question::new(&reverse, QType::Ptr), Purpose::Ptr { asked: reverse.clone(), chain: 0 });
        Ok(check)
    }

    /// The address being checked.
    pub fn ip(&self) -> IpAddr {
        self.ip
    }

    fn forward_type(&self) -> QType {
        if self.ip.is_ipv4() { QType::A } else { QType::Aaaa }
    }

    fn ask(&mut self, question: Question, purpose: Purpose) {
        let id = self.next_id;
        self.next_id += 1;
        self.waiting.push((id, purpose));
        self.queue.push_back(Query { id, question });
    }

    /// The next question to ask, if any. Drain it until `None` and send all
    /// of them at once: they belong to the same round.
    pub fn poll_query(&mut self) -> Option<Query> {
        self.queue.pop_front()
    }

    /// True when the check waits for no answer.
    pub fn is_idle(&self) -> bool {
        self.waiting.is_empty()
    }

    /// Takes the response to query `id`. Unknown ids are ignored.
    pub fn handle_answer(&mut self, id: u32, response: Response) {
        let Some(at) = self.waiting.iter().position(|(waiting, _)| *waiting == id) else { return };
        let (_, purpose) = self.waiting.swap_remove(at);
        match purpose {
            Purpose::Ptr { asked, chain } => self.on_ptr(&asked, chain, response),
            Purpose::Forward { name, asked, chain } => self.on_forward(&name, &asked, chain, response),
        }
        self.settle();
    }

    fn decide(&mut self, result: IprevResult, rule: IprevRule, reason: String, matched: Option<String>) {
        if self.decision.is_none() {
            self.decision = Some(Decision { result, rule, reason, matched });
            // Nothing more needs asking; answers already on their way are
            // still taken as evidence.
            self.queue.clear();
        }
    }

    fn on_ptr(&mut self, asked: &str, chain: usize, response: Response) {
        let reverse = reverse_name(self.ip);
        let answer = match response {
            Response::Failed(why) => {
                self.resolver_failed = true;
                return self.decide(
                    IprevResult::Temperror,
                    IprevRule::PtrTempError,
                    format!("PTR lookup of {reverse} failed: {why}"),
                    None,
                );
            }
            Response::Answer(answer) => answer,
        };
        if answer.truncated {
            self.resolver_failed = true;
            return self.decide(
                IprevResult::Temperror,
                IprevRule::PtrTempError,
                format!("PTR lookup of {reverse}: the resolver sent a truncated answer (TC)"),
                None,
            );
        }
        match answer.rcode {
            Rcode::NoError => {}
            Rcode::NxDomain => {
                return self.decide(
                    IprevResult::Permerror,
                    IprevRule::NoPtr,
                    format!("no PTR record: {reverse} does not exist (NXDOMAIN)"),
                    None,
                );
            }
            other => {
                return self.decide(
                    IprevResult::Temperror,
                    IprevRule::PtrTempError,
                    format!("PTR lookup of {reverse} answered {other}"),
                    None,
                );
            }
        }
        let followed = follow(&answer, asked, QType::Ptr, self.limits.max_cname_chain.saturating_sub(chain));
        let links = chain + followed.links;
        if followed.data.is_empty() {
            if followed.broken {
                return self.decide(
                    IprevResult::Permerror,
                    IprevRule::NoPtr,
                    format!(
                        "no PTR record: the CNAME chain from {reverse} loops or is longer than {}",
                        self.limits.max_cname_chain
                    ),
                    None,
                );
            }
            if followed.end != asked && links >= self.limits.max_cname_chain {
                return self.decide(
                    IprevResult::Permerror,
                    IprevRule::NoPtr,
                    format!(
                        "no PTR record: the CNAME chain from {reverse} is longer than {}",
                        self.limits.max_cname_chain
                    ),
                    None,
                );
            }
            if followed.end != asked {
                // RFC 2317 delegation whose target the resolver did not chase.
                let end = followed.end;
                return self.ask(Question::new(&end, QType::Ptr), Purpose::Ptr { asked: end.clone(), chain: links });
            }
            return self.decide(
                IprevResult::Permerror,
                IprevRule::NoPtr,
                format!("no PTR record: {} exists but has no PTR (NODATA)", followed.end),
                None,
            );
        }
        let mut names: Vec<String> = Vec::new();
        for data in followed.data {
            if let RecordData::Ptr(name) = data
                && !names.contains(&name)
            {
                names.push(name);
            }
        }
        self.ptr_names_cut = names.len().saturating_sub(self.limits.max_ptr_names);
        names.truncate(self.limits.max_ptr_names);
        let qtype = self.forward_type();
        for name in &names {
            self.forward.insert(name.clone(), Forward::Pending);
            self.ask(
                Question::new(name, qtype),
                Purpose::Forward { name: name.clone(), asked: name.clone(), chain: 0 },
            );
        }
        self.ptr_names = names;
    }

    fn on_forward(&mut self, name: &str, asked: &str, chain: usize, response: Response) {
        let qtype = self.forward_type();
        let state = match step(response, asked, qtype, chain, self.limits.max_cname_chain) {
            Step::Done(addresses, status) => Forward::Done { addresses, status },
            Step::Follow { next, links } => {
                // A CNAME the resolver did not chase: ask for its target.
                let question = Question::new(&next, qtype);
                self.ask(question, Purpose::Forward { name: name.to_string(), asked: next, chain: links });
                Forward::Pending
            }
        };
        self.forward.insert(name.to_string(), state);
    }

    /// Decides once the evidence allows it.
    fn settle(&mut self) {
        if self.decision.is_some() || self.ptr_names.is_empty() {
            return;
        }
        let ip = self.ip;
        let matched = self.forward.iter().find_map(|(name, state)| match state {
            Forward::Done { addresses, .. } if addresses.contains(&ip) => Some(name.clone()),
            _ => None,
        });
        if let Some(name) = matched {
            let reason = format!("{name} resolves to {ip}");
            return self.decide(IprevResult::Pass, IprevRule::ForwardMatch, reason, Some(name));
        }
        if self.forward.values().any(|s| matches!(s, Forward::Pending)) {
            return;
        }
        let temp: Vec<String> = self
            .forward
            .iter()
            .filter_map(|(name, state)| match state {
                Forward::Done { status: ForwardStatus::TempFailure(why), .. } => Some(format!("{name}: {why}")),
                _ => None,
            })
            .collect();
        if temp.is_empty() {
            let names = self.ptr_names.join(", ");
            let reason = format!("PTR names {names}: none resolves to {ip}");
            self.decide(IprevResult::Fail, IprevRule::NoForwardMatch, reason, None);
        } else {
            let reason = format!("no PTR name resolves to {ip}, and forward lookups failed ({})", temp.join("; "));
            self.decide(IprevResult::Temperror, IprevRule::ForwardTempError, reason, None);
        }
    }

    /// The verdict with its evidence, once decided. Forward answers that
    /// arrive after a `pass` was decided are still added to the evidence.
    pub fn outcome(&self) -> Option<IprevOutcome> {
        let decision = self.decision.as_ref()?;
        let mut forward = NameMap::new();
        for (name, state) in &self.forward {
            let evidence = match state {
                Forward::Pending => ForwardEvidence { addresses: Vec::new(), status: ForwardStatus::NotAnswered },
                Forward::Done { addresses, status } => {
                    ForwardEvidence { addresses: addresses.clone(), status: status.clone() }
                }
            };
            forward.insert(name.clone(), evidence);
        }

        Some(IprevOutcome {
            ip: self.ip,
            result: decision.result,
            rule: decision.rule,
            reason: decision.reason.clone(),
            ptr_names: self.ptr_names.clone(),
            ptr_names_cut: self.ptr_names_cut,
            forward,
            matched_name: decision.matched.clone(),
            resolver_failed: self.resolver_failed,
        })
    }
}
