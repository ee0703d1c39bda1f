//! `iprev check` and `iprev summary`: read every input, analyse the messages
//! on all cores, check them live through one DNS cache shared by the whole
//! run, and print the results in input order.
//!
//! The pipeline: a reader thread turns the PATH arguments into messages, one
//! at a time (an archive is never held in memory whole), and hands them over
//! a bounded channel in batches (one wake-up per batch, not per message);
//! each batch is analysed and checked in its own task on a multi-threaded
//! runtime, its messages' DNS checks concurrently; at most [`Run::window`]
//! messages are in flight, and results leave in the order the messages came
//! in.

use crate::args::{CheckArgs, ColorChoice, Format, ResolverFormat};
use crate::inputs::{self, Item};
use crate::progress::Progress;
use crate::resolve::{Answerer, Doh, WireFormat};
use crate::shared_dns::SharedDns;
use crate::style::Painter;
use crate::summary::Summary;
use crate::{exit, render_text};
use futures_util::StreamExt;
use iprev_core::dns::Question;
use iprev_core::iprev::Limits;
use iprev_core::live::{HopScope, LiveCheck, LiveSettings};
use iprev_core::report::Report;
use iprev_core::zone::Zone;
use iprev_core::{AnalyzeOptions, analyze, route::RouteOptions};
use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Messages handed from the reader to the workers at once.
const BATCH_MESSAGES: usize = 32;

/// Bytes of messages in one batch, at most (a batch of large messages is
/// sent before it has [`BATCH_MESSAGES`]).
const BATCH_BYTES: usize = 1024 * 1024;

/// Batches waiting between the reader thread and the workers.
const CHANNEL_BATCHES: usize = 4;

/// Items handed over together.
type Batch = Vec<Item>;

/// Everything a run needs besides its inputs.
struct Run {
    format: Format,
    painter: Painter,
    options: AnalyzeOptions,
    dns: Option<SharedDns>,
    limits: Limits,
    authserv_id: String,
    all_hops: bool,
    summary: bool,
    deadline: Duration,
    max_concurrent: usize,
}

/// What one input became.
struct Done {
    /// Bytes for standard output (nothing in summary mode).
    output: Vec<u8>,
    /// A line for standard error.
    warning: Option<String>,
    /// This input's exit code.
    code: u8,
    /// The report, kept for the summary.
    report: Option<Report>,
    /// Bytes of the message read (0 for an unreadable input).
    bytes: usize,
}

fn setup(args: &CheckArgs, summary: bool) -> Result<Run, String> {
    let stdout_tty = io::stdout().is_terminal();
    let format = args.format.unwrap_or(if stdout_tty { Format::Text } else { Format::Json });
    match (summary, format) {
        (true, Format::Authres) => {
            return Err("--format authres is one line per message; a summary is text, json or csv".to_string());
        }
        (false, Format::Csv) => return Err("--format csv needs --summary (or the summary command)".to_string()),
        _ => {}
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout_tty && std::env::var_os("NO_COLOR").is_none(),
    };
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 300.0) {
        return Err(format!("--timeout {} is not between 0 and 300 seconds", args.timeout));
    }
    if !(args.deadline.is_finite() && args.deadline > 0.0 && args.deadline <= 3600.0) {
        return Err(format!("--deadline {} is not between 0 and 3600 seconds", args.deadline));
    }
    if args.authserv_id.is_empty() || args.authserv_id.chars().any(char::is_control) {
        return Err("--authserv-id must be a non-empty name".to_string());
    }
    let answerer = if args.offline {
        None
    } else if let Some(path) = &args.zone {
        let text = std::fs::read(path).map_err(|e| format!("{}: {}", path.display(), inputs::describe(&e)))?;
        let zone = Zone::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        Some(Answerer::Zone { zone, path: inputs::display(path) })
    } else {
        let wire = match args.resolver_format {
            ResolverFormat::Wire => WireFormat::Wire,
            ResolverFormat::Json => WireFormat::Json,
        };
        Some(Answerer::Doh(Doh::new(args.resolvers.clone(), wire, Duration::from_secs_f64(args.timeout))?))
    };
    let max_concurrent = usize::from(args.max_concurrent);
    Ok(Run {
        format,
        painter: Painter::new(color),
        options: AnalyzeOptions { route: RouteOptions { receiver_domains: args.receiver_domains.clone() } },
        dns: answerer.map(|answerer| SharedDns::new(answerer, max_concurrent)),
        limits: Limits { max_ptr_names: usize::from(args.max_ptr_names), ..Limits::default() },
        authserv_id: args.authserv_id.clone(),
        all_hops: args.all_hops,
        summary,
        deadline: Duration::from_secs_f64(args.deadline),
        max_concurrent,
    })
}

/// Runs `iprev check` (`summary`: `iprev summary` or `check --summary`);
/// returns the exit code.
pub fn run(args: &CheckArgs, summary: bool) -> u8 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let run = match setup(args, summary || args.summary) {
        Ok(run) => Arc::new(run),
        Err(message) => {
            eprintln!("iprev: {message}");
            return exit::INPUT_ERROR;
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("iprev: cannot start the runtime: {e}");
            return exit::INPUT_ERROR;
        }
    };
    let inputs_found = Arc::new(AtomicUsize::new(0));
    let progress = Progress::new(Arc::clone(&inputs_found));
    let files_read = Arc::new(AtomicUsize::new(0));
    let (sender, receiver) = tokio::sync::mpsc::channel::<Batch>(CHANNEL_BATCHES);
    let reader = {
        let (files_read, paths) = (Arc::clone(&files_read), args.paths.clone());
        std::thread::spawn(move || read_all(&paths, &sender, &files_read, &inputs_found))
    };
    let started = Instant::now();
    let outcome = runtime.block_on(consume(Arc::clone(&run), receiver, progress, &files_read));
    // On a closed output the reader may still be blocked on its input: leave it.
    if outcome.finished {
        let _ = reader.join();
    }
    if args.stats {
        print_stats(&run, &outcome, started.elapsed());
    }
    outcome.code
}

/// The reader thread: every input, found as the PATH arguments are walked,
/// message by message into the channel in batches. Returns early when the
/// receiving side is gone.
fn read_all(
    paths: &[std::path::PathBuf],
    sender: &tokio::sync::mpsc::Sender<Batch>,
    files_read: &AtomicUsize,
    inputs_found: &AtomicUsize,
) {
    let mut batch = Batch::with_capacity(BATCH_MESSAGES);
    let mut bytes = 0;
    let mut open = true;
    let mut push = |item: Item, batch: &mut Batch, open: &mut bool| {
        if let Item::Message { bytes: message, .. } = &item {
            bytes += message.len();
        }
        batch.push(item);
        if *open && (batch.len() >= BATCH_MESSAGES || bytes >= BATCH_BYTES) {
            bytes = 0;
            *open = sender.blocking_send(std::mem::replace(batch, Batch::with_capacity(BATCH_MESSAGES))).is_ok();
        }
    };
    inputs::walk(paths, &mut |entry| {
        inputs_found.fetch_add(1, Ordering::Relaxed);
        match entry {
            Ok(source) => inputs::read_source(&source, &mut |item| push(item, &mut batch, &mut open)),
            Err(item) => push(item, &mut batch, &mut open),
        }
        files_read.fetch_add(1, Ordering::Relaxed);
        open
    });
    if open && !batch.is_empty() {
        let _ = sender.blocking_send(batch);
    }
}

/// What the whole run came to.
struct Outcome {
    code: u8,
    messages: usize,
    bytes: usize,
    /// False when output stopped early (a closed pipe, a write error).
    finished: bool,
}

/// Takes messages from the channel, processes up to [`Run::window`] at
/// once, writes results in input order.
async fn consume(
    run: Arc<Run>,
    receiver: tokio::sync::mpsc::Receiver<Batch>,
    mut progress: Progress,
    files_read: &AtomicUsize,
) -> Outcome {
    let batches = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|batch| (batch, receiver))
    });
    let results = batches
        .map(|batch| {
            let run = Arc::clone(&run);
            tokio::spawn(async move {
                futures_util::future::join_all(batch.into_iter().map(|item| run.process(item))).await
            })
        })
        .buffered(run.window().div_ceil(BATCH_MESSAGES).max(2))
        .flat_map(|joined| {
            let done = joined.unwrap_or_else(|e| vec![Done::failed("internal error", &e.to_string())]);
            futures_util::stream::iter(done)
        });
    let mut results = std::pin::pin!(results);
    let stdout = io::stdout();
    // 64 KiB: a batch run writes a few KiB per message; fewer, larger writes.
    let mut out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut outcome = Outcome { code: exit::OK, messages: 0, bytes: 0, finished: true };
    let mut summary = Summary::default();
    let mut first = true;
    while let Some(done) = results.next().await {
        outcome.code = exit::worst(outcome.code, done.code);
        if done.bytes > 0 {
            outcome.messages += 1;
            outcome.bytes += done.bytes;
        }
        progress.update(files_read.load(Ordering::Relaxed), outcome.messages);
        if let Some(warning) = &done.warning {
            progress.clear();
            eprintln!("iprev: {warning}");
        }
        if let Some(report) = &done.report {
            summary.add(report);
        } else if run.summary && done.code == exit::INPUT_ERROR {
            summary.unreadable += 1;
        }
        let separator = run.format == Format::Text && !done.output.is_empty() && !std::mem::take(&mut first);
        let written = if separator { out.write_all(b"\n") } else { Ok(()) }.and_then(|()| out.write_all(&done.output));
        if let Err(e) = written {
            return stop_on(&e, outcome);
        }
    }
    progress.clear();
    if run.summary {
        let text = match run.format {
            Format::Csv => summary.to_csv(),
            Format::Json => summary.to_json(),
            Format::Text | Format::Authres => summary.to_text(),
        };
        if let Err(e) = out.write_all(text.as_bytes()) {
            return stop_on(&e, outcome);
        }
    }
    if let Err(e) = out.flush() {
        return stop_on(&e, outcome);
    }
    outcome
}

/// Ends the run on a write error: quietly for a closed pipe (`| head`).
fn stop_on(error: &io::Error, mut outcome: Outcome) -> Outcome {
    outcome.finished = false;
    if error.kind() != io::ErrorKind::BrokenPipe {
        eprintln!("iprev: cannot write output: {error}");
        outcome.code = exit::INPUT_ERROR;
    }
    outcome
}

fn print_stats(run: &Run, outcome: &Outcome, elapsed: Duration) {
    let seconds = elapsed.as_secs_f64().max(1e-9);
    #[allow(clippy::cast_precision_loss, reason = "statistics")]
    let (rate, megabytes) = (outcome.messages as f64 / seconds, outcome.bytes as f64 / 1e6);
    let mut line =
        format!("iprev: {} messages, {megabytes:.1} MB in {seconds:.2} s ({rate:.0} messages/s)", outcome.messages);
    if let Some(dns) = &run.dns {
        let _ = write!(
            line,
            "; DNS: {} questions needed, {} asked, {} retried",
            dns.requests(),
            dns.asked(),
            dns.retries()
        );
    }
    eprintln!("{line}");
}

impl Done {
    /// An input that gave no report.
    fn failed(source: &str, message: &str) -> Self {
        Self {
            output: Vec::new(),
            warning: Some(format!("{source}: {message}")),
            code: exit::INPUT_ERROR,
            report: None,
            bytes: 0,
        }
    }
}

impl Run {
    /// Messages in flight at once: enough to keep every DNS slot busy with
    /// questions from different messages, and every core parsing.
    fn window(&self) -> usize {
        if self.dns.is_some() { (self.max_concurrent * 4).max(64) } else { 256 }
    }

    async fn process(&self, item: Item) -> Done {
        match item {
            Item::Message { source, bytes } => match analyze(&bytes, &source, &self.options) {
                Ok(mut report) => {
                    let size = bytes.len().max(1);
                    drop(bytes);
                    let mut code = exit::OK;
                    if let Some(dns) = &self.dns {
                        self.check_live(dns, &mut report).await;
                        code = exit::for_report(&report, self.all_hops);
                    }
                    let output = if self.summary { Vec::new() } else { self.render(&report) };
                    let report = self.summary.then_some(report);
                    Done { output, warning: None, code, report, bytes: size }
                }
                Err(e) => self.error(&source, "input", &e.to_string()),
            },
            Item::Error { source, message } => self.error(&source, "io", &message),
        }
    }

    /// An unreadable input: named on stderr, and in JSON mode also as a line
    /// `{"source": ..., "error": {"kind": ..., "message": ...}}` so a stream
    /// keeps one line per input.
    fn error(&self, source: &str, kind: &str, message: &str) -> Done {
        let mut done = Done::failed(source, message);
        if self.format == Format::Json && !self.summary {
            let line = serde_json::json!({"source": source, "error": {"kind": kind, "message": message}});
            done.output = format!("{line}\n").into_bytes();
        }
        done
    }

    /// Drives the core's live check: each round's questions concurrently,
    /// through the shared cache, until done or past the deadline.
    async fn check_live(&self, dns: &SharedDns, report: &mut Report) {
        let scope = if self.all_hops { HopScope::AllPublic } else { HopScope::SenderSide };
        let mut live = LiveCheck::new(report, self.limits, scope);
        let deadline = tokio::time::Instant::now() + self.deadline;
        while !live.is_finished() {
            let round: Vec<Question> = std::iter::from_fn(|| live.poll_question()).collect();
            if round.is_empty() {
                break;
            }
            let answers = futures_util::future::join_all(round.iter().map(|q| dns.ask(q)));
            let Ok(answers) = tokio::time::timeout_at(deadline, answers).await else {
                let why = format!("no answers within the message's deadline of {} s", self.deadline.as_secs_f64());
                live.stop(&why);
                break;
            };
            for (question, answer) in round.iter().zip(answers) {
                live.handle_answer(question, answer);
            }
        }
        let settings = LiveSettings {
            authserv_id: self.authserv_id.clone(),
            resolver: dns.label(),
            advise_all_hops: self.all_hops,
        };
        live.apply(report, &settings);
    }

    /// One message's report in the chosen format.
    fn render(&self, report: &Report) -> Vec<u8> {
        match self.format {
            Format::Json => {
                // Sized for most reports (the raw fields, escaped, and the
                // parsed fields beside them), so that it seldom grows.
                let raw: usize = report.hops.iter().map(|h| h.raw.len() * 2 + 800).sum();
                let mut line = Vec::with_capacity(1536 + raw);
                if serde_json::to_writer(&mut line, report).is_err() {
                    line.clear();
                }
                line.push(b'\n');
                line
            }
            Format::Authres => {
                let line = report
                    .authres
                    .clone()
                    .unwrap_or_else(|| format!("Authentication-Results: {}; none", self.authserv_id));
                format!("{}\n", render_text::clean(&line)).into_bytes()
            }
            Format::Text | Format::Csv => render_text::render(report, self.painter, self.dns.is_none()).into_bytes(),
        }
    }
}
