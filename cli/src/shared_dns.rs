//! One DNS cache for a whole run: every distinct question is asked once,
//! however many messages need it and however concurrently they ask; answers
//! are kept for their TTL (negative ones per RFC 2308 §5, from the SOA), and
//! at most `--max-concurrent` questions are in flight at a time.

use crate::resolve::Answerer;
use iprev_core::dns::{Question, Rcode};
use iprev_core::iprev::Response;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OnceCell, Semaphore};

/// How long a failure (no usable answer, SERVFAIL and other error codes) is
/// remembered: RFC 2308 §7 allows up to five minutes; one keeps a run from
/// asking a broken server the same question for every message.
const FAILURE_HOLD: Duration = Duration::from_secs(60);

/// Cache entries between sweeps of the expired ones.
const SWEEP_EVERY: usize = 4096;

/// An answer and until when it may be used.
struct Entry {
    response: Response,
    expires: Instant,
}

/// How long `response` may be used: its TTL; for an error code or a
/// failure [`FAILURE_HOLD`]; for a negative answer without an SOA, not at
/// all beyond the askers already waiting (RFC 2308 §5).
fn lifetime(response: &Response) -> Duration {
    match response {
        Response::Answer(answer) => match answer.cache_ttl() {
            Some(ttl) => Duration::from_secs(u64::from(ttl)),
            None if matches!(answer.rcode, Rcode::NoError | Rcode::NxDomain) => Duration::ZERO,
            None => FAILURE_HOLD,
        },
        Response::Failed(_) => FAILURE_HOLD,
    }
}

/// The run's cache in front of an [`Answerer`].
pub struct SharedDns {
    answerer: Answerer,
    cells: Mutex<HashMap<Question, Arc<OnceCell<Entry>>>>,
    in_flight: Semaphore,
    asked: AtomicUsize,
    requests: AtomicUsize,
    inserts: AtomicUsize,
}

impl SharedDns {
    /// A cache over `answerer`, with at most `max_concurrent` questions out at once.
    pub fn new(answerer: Answerer, max_concurrent: usize) -> Self {
        Self {
            answerer,
            cells: Mutex::new(HashMap::new()),
            in_flight: Semaphore::new(max_concurrent.max(1)),
            asked: AtomicUsize::new(0),
            requests: AtomicUsize::new(0),
            inserts: AtomicUsize::new(0),
        }
    }

    /// Where answers come from, for reports.
    pub fn label(&self) -> String {
        self.answerer.label()
    }

    /// The answer to `question`: from the cache while fresh, else asked (once,
    /// whoever else is waiting for it).
    pub async fn ask(&self, question: &Question) -> Response {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let cell = {
            let mut cells = self.cells.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let now = Instant::now();
            let fresh = cells.get(question).filter(|cell| cell.get().is_none_or(|entry| entry.expires > now));
            if let Some(cell) = fresh {
                Arc::clone(cell)
            } else {
                if self.inserts.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
                    cells.retain(|_, cell| cell.get().is_none_or(|entry| entry.expires > now));
                }
                let cell = Arc::new(OnceCell::new());
                cells.insert(question.clone(), Arc::clone(&cell));
                cell
            }
        };
        let entry = cell
            .get_or_init(|| async {
                // Closing the semaphore never happens, so acquiring cannot fail.
                let _permit = self.in_flight.acquire().await.ok();
                self.asked.fetch_add(1, Ordering::Relaxed);
                let response = self.answerer.ask(question).await;
                let expires = Instant::now() + lifetime(&response);
                Entry { response, expires }
            })
            .await;
        entry.response.clone()
    }

    /// Questions sent to the resolver (or zone) so far.
    pub fn asked(&self) -> usize {
        self.asked.load(Ordering::Relaxed)
    }

    /// Questions the checks needed, answered from the cache or not.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// HTTP requests repeated after a 429 or 5xx.
    pub fn retries(&self) -> usize {
        self.answerer.retries()
    }
}
