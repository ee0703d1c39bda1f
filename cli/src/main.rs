//! The `iprev` command.

mod args;
mod check;
mod exit;
mod inputs;
mod progress;
mod render_text;
mod resolve;
mod shared_dns;
mod style;
mod summary;

use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

/// mimalloc: a batch run allocates and frees a few hundred small blocks per
/// message on every core; this allocator does it in about half the
/// instructions of the system one (see the README's benchmarks).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => ExitCode::from(check::run(&args, false)),
        Command::Summary(args) => ExitCode::from(check::run(&args, true)),
    }
}
