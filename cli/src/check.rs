//! `iprev check`: read every input, analyse it, check it live, print it.

use crate::args::{CheckArgs, ColorChoice, Format, ResolverFormat};
use crate::exit;
use crate::inputs::{self, Item, Source};
use crate::resolve::{Answerer, Doh, WireFormat};
use crate::style::Painter;
use crate::{progress, render_text};
use iprev_core::dns::Question;
use iprev_core::iprev::Limits;
use iprev_core::live::{LiveCheck, LiveSettings};
use iprev_core::report::Report;
use iprev_core::zone::Zone;
use iprev_core::{AnalyzeOptions, analyze, route::RouteOptions};
use std::io::{self, IsTerminal, Write};
use std::time::Duration;

/// Everything a run needs besides its inputs.
struct Run {
    format: Format,
    painter: Painter,
    options: AnalyzeOptions,
    answerer: Option<Answerer>,
    runtime: Option<tokio::runtime::Runtime>,
    limits: Limits,
    authserv_id: String,
    all_hops: bool,
}

fn setup(args: &CheckArgs) -> Result<Run, String> {
    let stdout_tty = io::stdout().is_terminal();
    let format = args.format.unwrap_or(if stdout_tty { Format::Text } else { Format::Json });
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout_tty && std::env::var_os("NO_COLOR").is_none(),
    };
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 300.0) {
        return Err(format!("--timeout {} is not between 0 and 300 seconds", args.timeout));
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
    let runtime = match answerer {
        Some(_) => Some(
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the I/O runtime: {e}"))?,
        ),
        None => None,
    };
    Ok(Run {
        format,
        painter: Painter::new(color),
        options: AnalyzeOptions { route: RouteOptions { receiver_domains: args.receiver_domains.clone() } },
        answerer,
        runtime,
        limits: Limits { max_ptr_names: usize::from(args.max_ptr_names), ..Limits::default() },
        authserv_id: args.authserv_id.clone(),
        all_hops: args.all_hops,
    })
}

/// Runs `iprev check`; returns the exit code.
pub fn run(args: &CheckArgs) -> u8 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let run = match setup(args) {
        Ok(run) => run,
        Err(message) => {
            eprintln!("iprev: {message}");
            return exit::INPUT_ERROR;
        }
    };
    let plan = inputs::plan(&args.paths);
    let mut progress = progress::Progress::new(plan.len());
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut code = exit::OK;
    let mut first = true;
    for entry in plan {
        let mut write_result = Ok(());
        let mut handle = |item: Item, out: &mut dyn Write| {
            if write_result.is_ok() {
                write_result = run.emit(item, out, &mut first, &mut code);
            }
        };
        match entry {
            Ok(source) => {
                if let Source::File(path) = &source {
                    progress.advance(&inputs::display(path));
                }
                inputs::read_source(&source, &mut |item| handle(item, &mut out));
            }
            Err(item) => handle(item, &mut out),
        }
        if let Err(e) = write_result.and_then(|()| out.flush()) {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return code;
            }
            eprintln!("iprev: cannot write output: {e}");
            return exit::INPUT_ERROR;
        }
    }
    progress.finish();
    code
}

impl Run {
    fn emit(&self, item: Item, out: &mut dyn Write, first: &mut bool, code: &mut u8) -> io::Result<()> {
        match item {
            Item::Message { source, bytes } => match analyze(&bytes, &source, &self.options) {
                Ok(mut report) => {
                    self.check_live(&mut report);
                    if report.dns.is_some() {
                        *code = exit::worst(*code, exit::for_report(&report, self.all_hops));
                    }
                    self.write(&report, out, first)
                }
                Err(e) => {
                    *code = exit::worst(*code, exit::INPUT_ERROR);
                    self.report_error(out, &source, "input", &e.to_string())
                }
            },
            Item::Error { source, message } => {
                *code = exit::worst(*code, exit::INPUT_ERROR);
                self.report_error(out, &source, "io", &message)
            }
        }
    }

    /// Drives the core's live check: every round's questions concurrently.
    fn check_live(&self, report: &mut Report) {
        let (Some(answerer), Some(runtime)) = (&self.answerer, &self.runtime) else { return };
        let mut live = LiveCheck::new(report, self.limits);
        runtime.block_on(async {
            while !live.is_finished() {
                let round: Vec<Question> = std::iter::from_fn(|| live.poll_question()).collect();
                if round.is_empty() {
                    break;
                }
                let answers = futures_util::future::join_all(round.iter().map(|q| answerer.ask(q))).await;
                for (question, answer) in round.iter().zip(answers) {
                    live.handle_answer(question, answer);
                }
            }
        });
        let settings = LiveSettings {
            authserv_id: self.authserv_id.clone(),
            resolver: answerer.label(),
            advise_all_hops: self.all_hops,
        };
        live.apply(report, &settings);
    }

    fn write(&self, report: &Report, out: &mut dyn Write, first: &mut bool) -> io::Result<()> {
        match self.format {
            Format::Json => {
                serde_json::to_writer(&mut *out, report)?;
                out.write_all(b"\n")
            }
            Format::Authres => {
                let line = report
                    .authres
                    .clone()
                    .unwrap_or_else(|| format!("Authentication-Results: {}; none", self.authserv_id));
                writeln!(out, "{}", render_text::clean(&line))
            }
            Format::Text => {
                if !std::mem::take(first) {
                    out.write_all(b"\n")?;
                }
                out.write_all(render_text::render(report, self.painter, self.answerer.is_none()).as_bytes())
            }
        }
    }

    /// An unreadable input: named on stderr, and in JSON mode also as a line
    /// `{"source": ..., "error": {"kind": ..., "message": ...}}` so a stream
    /// keeps one line per input.
    fn report_error(&self, out: &mut dyn Write, source: &str, kind: &str, message: &str) -> io::Result<()> {
        eprintln!("iprev: {source}: {message}");
        if self.format == Format::Json {
            let line = serde_json::json!({"source": source, "error": {"kind": kind, "message": message}});
            serde_json::to_writer(&mut *out, &line)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}
