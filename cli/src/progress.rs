//! A one-line progress display on stderr, shown only when stderr is a
//! terminal and there are many inputs.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Fewest inputs worth a progress line.
const MIN_INPUTS: usize = 50;
/// Least time between redraws.
const REDRAW: Duration = Duration::from_millis(100);

/// Progress over a known number of inputs.
pub struct Progress {
    total: usize,
    done: usize,
    enabled: bool,
    last_draw: Option<Instant>,
}

impl Progress {
    /// Progress over `total` inputs.
    pub fn new(total: usize) -> Self {
        Self { total, done: 0, enabled: total >= MIN_INPUTS && std::io::stderr().is_terminal(), last_draw: None }
    }

    /// Marks the start of the next input.
    pub fn advance(&mut self, name: &str) {
        self.done += 1;
        if !self.enabled || self.last_draw.is_some_and(|t| t.elapsed() < REDRAW) {
            return;
        }
        self.last_draw = Some(Instant::now());
        let name: String = name.chars().rev().take(50).collect::<Vec<_>>().into_iter().rev().collect();
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K[{}/{}] {}", self.done, self.total, crate::render_text::clean(&name));
        let _ = err.flush();
    }

    /// Clears the progress line.
    pub fn finish(&mut self) {
        if self.enabled && self.last_draw.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}
