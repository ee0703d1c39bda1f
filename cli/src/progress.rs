//! A one-line progress display on stderr while a long run goes on: shown
//! only when stderr is a terminal, and only once a run has lasted long
//! enough to need one.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Runs shorter than this show no progress at all.
const QUIET_START: Duration = Duration::from_millis(500);
/// Least time between redraws.
const REDRAW: Duration = Duration::from_millis(100);

/// Progress over the inputs (files, or stdin) found so far: the walk of the
/// PATH arguments goes on while messages are read.
pub struct Progress {
    inputs_found: Arc<AtomicUsize>,
    enabled: bool,
    started: Instant,
    last_draw: Option<Instant>,
}

impl Progress {
    /// Progress over the inputs counted in `inputs_found`.
    pub fn new(inputs_found: Arc<AtomicUsize>) -> Self {
        Self { inputs_found, enabled: std::io::stderr().is_terminal(), started: Instant::now(), last_draw: None }
    }

    /// Shows how far the run is: inputs read, messages done.
    pub fn update(&mut self, inputs_read: usize, messages: usize) {
        if !self.enabled || self.started.elapsed() < QUIET_START || self.last_draw.is_some_and(|t| t.elapsed() < REDRAW)
        {
            return;
        }
        self.last_draw = Some(Instant::now());
        let rate = messages as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K{inputs_read}/{} inputs read, {messages} messages checked ({rate:.0}/s)",
            self.inputs_found.load(Ordering::Relaxed)
        );
        let _ = err.flush();
    }

    /// Removes the progress line (before other stderr output, and at the end).
    pub fn clear(&mut self) {
        if self.last_draw.take().is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}
