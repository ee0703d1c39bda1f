//! Answers kept in memory between checks, for as long as their TTL allows
//! (RFC 2308 for negative answers; failures are never kept). The cache
//! belongs to one set of resolvers: asking others empties it.

use iprev_core::dns::{DnsAnswer, Question};
use std::cell::RefCell;
use std::collections::HashMap;

/// Most answers kept; past it, expired answers are dropped, and if that is
/// not enough, all of them.
const MAX_ENTRIES: usize = 4096;

#[derive(Default)]
struct Cache {
    resolvers: String,
    answers: HashMap<Question, (DnsAnswer, f64)>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The cached answer to `question` from resolver set `resolvers`, if fresh.
pub fn get(resolvers: &str, question: &Question) -> Option<DnsAnswer> {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.resolvers != resolvers {
            return None;
        }
        match cache.answers.get(question) {
            Some((answer, expires)) if *expires > now_ms() => Some(answer.clone()),
            Some(_) => {
                cache.answers.remove(question);
                None
            }
            None => None,
        }
    })
}

/// Keeps `answer` for its cache TTL, if it has one.
pub fn put(resolvers: &str, question: &Question, answer: &DnsAnswer) {
    let Some(ttl) = answer.cache_ttl().filter(|t| *t > 0) else { return };
    let now = now_ms();
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.resolvers != resolvers {
            cache.answers.clear();
            resolvers.clone_into(&mut cache.resolvers);
        }
        if cache.answers.len() >= MAX_ENTRIES {
            cache.answers.retain(|_, (_, expires)| *expires > now);
            if cache.answers.len() >= MAX_ENTRIES {
                cache.answers.clear();
            }
        }
        cache.answers.insert(question.clone(), (answer.clone(), now + f64::from(ttl) * 1000.0));
    });
}

/// Empties the cache.
pub fn clear() {
    CACHE.with(|cache| cache.borrow_mut().answers.clear());
}

/// Number of answers held.
pub fn len() -> usize {
    CACHE.with(|cache| cache.borrow().answers.len())
}
