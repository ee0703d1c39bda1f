//! `iprev-doh-server`: a DNS-over-HTTPS test server answering from a zone
//! file, for scripts and browser tests. It prints `listening on URL` and
//! serves until it is killed or its standard input reaches end of file.

use clap::Parser;
use iprev_core::zone::Zone;
use iprev_doh_server::{FaultRule, Server};
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

/// A DNS-over-HTTPS (RFC 8484) test server on loopback, answering from a zone
/// file, with faults on demand.
///
/// Prints `listening on http://ADDR/dns-query` on one line, then serves until
/// killed or until standard input reaches end of file (close the pipe to stop
/// it; use --ignore-stdin when standard input is /dev/null).
#[derive(Debug, Parser)]
#[command(name = "iprev-doh-server", version)]
struct Args {
    /// The zone file to answer from (RFC 1035 master-file format).
    #[arg(long, value_name = "FILE")]
    zone: PathBuf,

    /// The address to listen on (port 0: any free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: SocketAddr,

    /// Milliseconds to wait before every response.
    #[arg(long, value_name = "N", default_value_t = 0)]
    latency_ms: u64,

    /// Append one line per request to this file: `at_ms method target question`.
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,

    /// End each --log line with four more fields: `cookie=yes|no
    /// authorization=yes|no origin=VALUE referer=VALUE` (`-` when not sent):
    /// whether the request carried cookies or credentials, and where it said
    /// it came from.
    #[arg(long, requires = "log")]
    log_headers: bool,

    /// A fault for a name (`*` for every name; `NAME/TYPE` for one type).
    /// KIND: servfail, refused, nxdomain, formerr, notimp, rcodeN, httpNNN,
    /// garbage, wrong-content-type, truncated, wrong-id, wrong-question,
    /// delay-MS, trickle-MS, trickle-body-MS, oversized, close, redirect-URL, httpNNN-retry-S. Repeatable; the
    /// first matching rule applies.
    #[arg(long = "fault", value_name = "NAME=KIND", value_parser = parse_rule)]
    faults: Vec<FaultRule>,

    /// Serve until killed, whatever happens to standard input.
    #[arg(long)]
    ignore_stdin: bool,
}

fn parse_rule(spec: &str) -> Result<FaultRule, String> {
    spec.parse()
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("iprev-doh-server: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let path = args.zone.display();
    let text = std::fs::read(&args.zone).map_err(|e| format!("cannot read zone file {path}: {e}"))?;
    let zone = Zone::parse(&text).map_err(|e| format!("zone file {path}: {e}"))?;
    let log_file = match &args.log {
        Some(log) => Some(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)
                .map_err(|e| format!("cannot open log file {}: {e}", log.display()))?,
        ),
        None => None,
    };
    let server = Server::start_on(zone, args.listen).map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    server.set_latency(Duration::from_millis(args.latency_ms));
    for rule in &args.faults {
        server.add_fault(rule.clone());
    }
    if let Some(file) = log_file {
        let file = Mutex::new(file);
        let with_headers = args.log_headers;
        server.on_request(move |entry| {
            let line = if with_headers { entry.log_line_with_headers() } else { entry.log_line() };
            let line = format!("{line}\n");
            let mut file = file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let _ = file.write_all(line.as_bytes());
        });
    }
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "listening on {}", server.url())
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to standard output: {e}"))?;
    drop(stdout);
    if args.ignore_stdin {
        loop {
            std::thread::park();
        }
    }
    // Serve until standard input ends (a read error counts as its end).
    let _ = io::copy(&mut io::stdin().lock(), &mut io::sink());
    drop(server);
    Ok(())
}
