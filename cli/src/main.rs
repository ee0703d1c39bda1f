//! The `iprev` command.

mod args;
mod check;
mod exit;
mod inputs;
mod progress;
mod render_text;
mod resolve;
mod style;

use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => ExitCode::from(check::run(&args)),
    }
}
