//! The live check of a report: every public hop's iprev, the sender hop's
//! HELO name, advice, and the `Authentication-Results` line, as one sans-IO
//! machine over DNS questions.
//!
//! ```text
//! let mut live = LiveCheck::new(&report, Limits::default(), HopScope::SenderSide);
//! while !live.is_finished() {
//!     let round: Vec<Question> = std::iter::from_fn(|| live.poll_question()).collect();
//!     // ask them all at once, then for each: live.handle_answer(&question, response)
//! }
//! live.apply(&mut report, &LiveSettings { authserv_id, resolver, advise_all_hops: false });
//! ```
//!
//! Identical questions (two hops from one address, a HELO name that is also
//! a PTR name) are asked once; an answer already in hand is reused at once.

use crate::advice::{self, Advice};
use crate::authres::format_iprev;
use crate::dns::{QType, Question};
use crate::helo::{self, HeloReport};
use crate::iprev::{ForwardLookup, IprevCheck, IprevOutcome, Limits, Response};
use crate::name_map::NameMap;
use crate::report::{DnsSummary, Hop, HopIprev, HopRole, Report};
use std::collections::{HashMap, VecDeque};

use std::net::IpAddr;

/// What is known of a question.
#[derive(Debug)]
enum Slot {
    /// Asked (or about to be); these machines wait for the answer.
    Waiting(Vec<Waiter>),
    /// Answered: later askers get this at once.
    Answered(Response),
}

#[derive(Debug, Clone, Copy)]
enum Waiter {
    Check(usize, u32),
    Helo(u32),
}

/// Which hops' clients are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HopScope {
    /// The sender hop and the public hops before it (the sender's own
    /// relays, a smart host): the recipient's internal hops are its own
    /// business, and asking about them tells a resolver more than needed.
    #[default]
    SenderSide,
    /// Every hop with a public client (`--all-hops`).
    AllPublic,
}

impl HopScope {
    /// True when this hop's client is checked: for [`HopScope::SenderSide`],
    /// the sender hop, and the hops before it that are not a mail
    /// provider's own internal relays.
    pub fn includes(self, hop: &Hop) -> bool {
        match hop.role {
            _ if self == Self::AllPublic => true,
            HopRole::Sender => true,
            HopRole::SenderSide => hop.relay_of.is_none(),
            HopRole::Receiver | HopRole::Retrieval => false,
        }
    }
}

/// How the result is labelled.
#[derive(Debug, Clone)]
pub struct LiveSettings {
    /// The authserv-id of the `Authentication-Results` line.
    pub authserv_id: String,
    /// Where answers came from, for the report.
    pub resolver: String,
    /// Advise on every checked hop, not only the sender hop.
    pub advise_all_hops: bool,
}

/// The live check of one report.
#[derive(Debug)]
pub struct LiveCheck {
    checks: Vec<IprevCheck>,
    helo: Option<ForwardLookup>,
    /// Every question met: who waits for it, or its answer.
    known: HashMap<Question, Slot>,
    /// Questions asked and not answered.
    unanswered: usize,
    outgoing: VecDeque<Question>,
    awaiting: usize,
    questions: usize,
    rounds: usize,
    failed: usize,
    /// Questions never asked: past the budget, or after [`LiveCheck::stop`].
    not_asked: usize,
    /// Why the driver stopped the check, once it has.
    stopped: Option<String>,
    budget: usize,
    /// Which hops are checked.
    scope: HopScope,
}

fn hop_ip(text: Option<&str>) -> Option<IpAddr> {
    text.and_then(|t| t.parse().ok()).map(|ip| crate::ip::unmap(ip).0)
}

impl LiveCheck {
    /// Plans the checks of a report: one per distinct public client address
    /// of the hops in `scope`, and the forward lookup of the sender hop's
    /// HELO name.
    pub fn new(report: &Report, limits: Limits, scope: HopScope) -> Self {
        let mut live = Self {
            checks: Vec::new(),
            helo: None,
            known: HashMap::new(),
            unanswered: 0,
            outgoing: VecDeque::new(),
            awaiting: 0,
            questions: 0,
            rounds: 0,
            failed: 0,
            not_asked: 0,
            stopped: None,
            budget: limits.max_questions,
            scope,
        };
        for hop in report.hops.iter().filter(|h| scope.includes(h)) {
            let Some(ip) = hop_ip(hop.from_ip.as_deref()) else { continue };
            if live.check_index(ip).is_some() {
                continue;
            }
            if let Ok(check) = IprevCheck::new(ip, limits) {
                live.checks.push(check);
            }
        }
        if let Some(hop) = report.sender_hop.and_then(|i| report.hops.get(i))
            && let (Some(name), Some(ip)) = (hop.from_helo.as_deref(), hop_ip(hop.from_ip.as_deref()))
            && helo::needs_lookup(name)
            && live.check_index(ip).is_some()
        {
            let qtype = if ip.is_ipv4() { QType::A } else { QType::Aaaa };
            live.helo = Some(ForwardLookup::new(name, qtype, limits.max_cname_chain));
        }
        live.pump();
        live
    }

    /// Why a new question gets no answer, if it does not.
    fn refusal(&self) -> Option<String> {
        if let Some(why) = &self.stopped {
            return Some(why.clone());
        }
        let planned = self.questions + self.outgoing.len();
        (planned >= self.budget)
            .then(|| format!("not asked: the budget of {} DNS questions per message is spent", self.budget))
    }

    /// Collects what the machines want to ask, answering from what is known.
    fn pump(&mut self) {
        loop {
            let mut wanted = Vec::new();
            for (i, check) in self.checks.iter_mut().enumerate() {
                while let Some(q) = check.poll_query() {
                    wanted.push((Waiter::Check(i, q.id), q.question));
                }
            }
            if let Some(lookup) = &mut self.helo {
                while let Some(q) = lookup.poll_query() {
                    wanted.push((Waiter::Helo(q.id), q.question));
                }
            }
            if wanted.is_empty() {
                return;
            }
            for (waiter, question) in wanted {
                match self.known.get_mut(&question) {
                    Some(Slot::Answered(response)) => {
                        let response = response.clone();
                        self.deliver(waiter, response);
                    }
                    Some(Slot::Waiting(list)) => list.push(waiter),
                    None => {
                        if let Some(why) = self.refusal() {
                            let response = Response::Failed(why);
                            self.not_asked += 1;
                            self.known.insert(question, Slot::Answered(response.clone()));
                            self.deliver(waiter, response);
                        } else {
                            self.known.insert(question.clone(), Slot::Waiting(vec![waiter]));
                            self.unanswered += 1;
                            self.outgoing.push_back(question);
                        }
                    }
                }
            }
        }
    }

    fn deliver(&mut self, waiter: Waiter, response: Response) {
        match waiter {
            Waiter::Check(i, id) => {
                if let Some(check) = self.checks.get_mut(i) {
                    check.handle_answer(id, response);
                }
            }
            Waiter::Helo(id) => {
                if let Some(lookup) = &mut self.helo {
                    lookup.handle_answer(id, response);
                }
            }
        }
    }

    /// The next question to send. Drain until `None`: those form one round,
    /// to be asked concurrently.
    pub fn poll_question(&mut self) -> Option<Question> {
        let question = self.outgoing.pop_front()?;
        if self.awaiting == 0 {
            self.rounds += 1;
        }
        self.awaiting += 1;
        self.questions += 1;
        Some(question)
    }

    /// Takes what came back for a question.
    pub fn handle_answer(&mut self, question: &Question, response: Response) {
        let Some(Slot::Waiting(list)) = self.known.get_mut(question) else { return };
        let list = std::mem::take(list);
        self.unanswered -= 1;
        self.awaiting = self.awaiting.saturating_sub(1);
        if matches!(response, Response::Failed(_)) {
            self.failed += 1;
        }
        for waiter in list {
            self.deliver(waiter, response.clone());
        }
        self.known.insert(question.clone(), Slot::Answered(response));
        self.pump();
    }

    /// Ends the check now (a driver's deadline passed): every question not
    /// yet answered fails with `why`, and so does any question the answers
    /// would lead to. The check is finished afterwards.
    pub fn stop(&mut self, why: &str) {
        self.stopped = Some(why.to_string());
        let never_sent: Vec<Question> = self.outgoing.drain(..).collect();
        self.not_asked += never_sent.len();
        let pending: Vec<Question> = self
            .known
            .iter()
            .filter(|(_, slot)| matches!(slot, Slot::Waiting(_)))
            .map(|(question, _)| question.clone())
            .collect();
        for question in pending {
            let is_sent = !never_sent.contains(&question);
            self.handle_answer(&question, Response::Failed(why.to_string()));
            if !is_sent {
                // Not counted as a failed answer: it was never asked.
                self.failed -= 1;
            }
        }
    }

    /// True when nothing is left to ask or to wait for.
    pub fn is_finished(&self) -> bool {
        self.outgoing.is_empty() && self.unanswered == 0
    }

    /// Distinct questions asked so far.
    pub fn questions(&self) -> usize {
        self.questions
    }

    /// Sequential rounds so far.
    pub fn rounds(&self) -> usize {
        self.rounds
    }

    /// The check of `ip` (one per distinct address; a message has a few).
    fn check_index(&self, ip: IpAddr) -> Option<usize> {
        self.checks.iter().position(|c| c.ip() == ip)
    }

    fn outcome(&self, ip: IpAddr) -> Option<IprevOutcome> {
        self.checks.get(self.check_index(ip)?)?.outcome()
    }

    /// Writes the verdicts, HELO check, advice, `Authentication-Results`
    /// line and DNS summary into the report.
    pub fn apply(&self, report: &mut Report, settings: &LiveSettings) {
        let hops = report.hops.clone();
        let from_domain = report
            .from
            .as_deref()
            .and_then(|f| f.rsplit('@').next())
            .map(|d| d.trim_end_matches('>').to_ascii_lowercase())
            .filter(|d| d.contains('.'));
        for hop in report.hops.iter_mut().filter(|h| self.scope.includes(h)) {
            let Some(outcome) = hop_ip(hop.from_ip.as_deref()).and_then(|ip| self.outcome(ip)) else { continue };
            let is_sender = report.sender_hop == Some(hop.index);
            let helo: Option<HeloReport> = if is_sender {
                hop.from_helo.as_deref().map(|name| {
                    helo::evaluate(name, outcome.ip, Some(&outcome), self.helo.as_ref().and_then(ForwardLookup::result))
                })
            } else {
                None
            };
            // The receiving side's own hops and providers' relays get a verdict but
            // no advice: their reverse DNS is not the reader's to change.
            let advice: Vec<Advice> = if is_sender || (settings.advise_all_hops && HopScope::SenderSide.includes(hop)) {
                advice::advise(&advice::Context {
                    hop,
                    outcome: &outcome,
                    helo: helo.as_ref(),
                    sending_mta: advice::sending_mta(&hops, hop.index),
                    smart_host: if is_sender { advice::smart_host(&hops, hop.index) } else { None },
                    from_domain: from_domain.clone(),
                })
            } else {
                Vec::new()
            };
            let mut forward = NameMap::new();
            let mut forward_status = NameMap::new();
            for (name, evidence) in &outcome.forward {
                forward.insert(name.clone(), evidence.addresses.iter().map(ToString::to_string).collect());
                forward_status.insert(name.clone(), evidence.status.clone());
            }
            hop.iprev = Some(HopIprev {
                result: outcome.result,
                rule: outcome.rule,
                reason: outcome.reason.clone(),
                ptr: outcome.ptr_names.clone(),
                ptr_not_checked: outcome.ptr_names_cut,
                matched_name: outcome.matched_name.clone(),

                forward,
                forward_status,
                helo,
                advice,
            });
        }
        report.authres = Some(format_iprev(&settings.authserv_id, report));
        report.dns = Some(DnsSummary {
            resolver: settings.resolver.clone(),
            questions: self.questions,
            rounds: self.rounds,
            failed: self.failed,
            notes: self.notes(),
        });
    }

    /// What was cut, in words, for [`DnsSummary::notes`].
    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(why) = &self.stopped {
            notes.push(format!("stopped early: {why}"));
        }
        if self.not_asked > 0 {
            let reason = if self.stopped.is_some() {
                "after the check was stopped".to_string()
            } else {
                format!("past the budget of {} per message", self.budget)
            };
            let plural = if self.not_asked == 1 { "" } else { "s" };
            notes.push(format!("{} DNS question{plural} not asked {reason}", self.not_asked));
        }
        notes
    }
}
