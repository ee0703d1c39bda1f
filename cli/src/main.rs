//! The `iprev` command.

mod args;
mod inputs;
mod progress;
mod render_text;
mod style;

use args::{CheckArgs, Cli, ColorChoice, Command, Format};
use clap::Parser;
use inputs::{Item, Source};
use iprev_core::{AnalyzeOptions, analyze, route::RouteOptions};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

/// Exit codes (a contract for scripts; see README).
mod exit {
    /// Every input was read and analysed.
    pub const OK: u8 = 0;
    /// Usage error, or an input that could not be read.
    pub const INPUT_ERROR: u8 = 2;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(&args),
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    if !args.offline {
        eprintln!(
            "iprev: live reverse-DNS checks are not available in this build yet; run `iprev check --offline` to parse and route without DNS"
        );
        return ExitCode::from(exit::INPUT_ERROR);
    }
    let stdout = io::stdout();
    let format = args.format.unwrap_or(if stdout.is_terminal() { Format::Text } else { Format::Json });
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let painter = style::Painter::new(color);
    let options = AnalyzeOptions { route: RouteOptions { receiver_domains: args.receiver_domains.clone() } };
    let plan = inputs::plan(&args.paths);
    let mut progress = progress::Progress::new(plan.len());
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failed = false;
    let mut first = true;
    let mut emit = |item: Item, out: &mut dyn Write| -> io::Result<()> {
        match item {
            Item::Message { source, bytes } => match analyze(&bytes, &source, &options) {
                Ok(report) => match format {
                    Format::Json => {
                        serde_json::to_writer(&mut *out, &report)?;
                        out.write_all(b"\n")?;
                    }
                    Format::Text => {
                        if !std::mem::take(&mut first) {
                            out.write_all(b"\n")?;
                        }
                        out.write_all(render_text::render(&report, painter, args.offline).as_bytes())?;
                    }
                },
                Err(e) => {
                    failed = true;
                    report_error(out, format, &source, "input", &e.to_string())?;
                }
            },
            Item::Error { source, message } => {
                failed = true;
                report_error(out, format, &source, "io", &message)?;
            }
        }
        Ok(())
    };
    for entry in plan {
        let result = match entry {
            Ok(source) => {
                if let Source::File(path) = &source {
                    progress.advance(&inputs::display(path));
                }
                let mut write_result = Ok(());
                inputs::read_source(&source, &mut |item| {
                    if write_result.is_ok() {
                        write_result = emit(item, &mut out);
                    }
                });
                write_result
            }
            Err(item) => emit(item, &mut out),
        };
        if let Err(e) = result.and_then(|()| out.flush()) {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return ExitCode::from(exit::OK);
            }
            eprintln!("iprev: cannot write output: {e}");
            return ExitCode::from(exit::INPUT_ERROR);
        }
    }
    progress.finish();
    ExitCode::from(if failed { exit::INPUT_ERROR } else { exit::OK })
}

/// An unreadable input: named on stderr, and in JSON mode also as a line
/// `{"source": ..., "error": {"kind": ..., "message": ...}}` so a stream
/// keeps one line per input.
fn report_error(out: &mut dyn Write, format: Format, source: &str, kind: &str, message: &str) -> io::Result<()> {
    eprintln!("iprev: {source}: {message}");
    if format == Format::Json {
        let line = serde_json::json!({"source": source, "error": {"kind": kind, "message": message}});
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
