//! Command-line interface (clap derive). Flag names are a contract: see README.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Will receivers trust the servers that sent this message? Reads email
/// headers, walks the Received chain and checks each relay's reverse DNS the
/// way receiving mail servers do (RFC 8601 iprev).
#[derive(Debug, Parser)]
#[command(name = "iprev", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check messages: .eml files, directories of them, mbox files, or stdin.
    Check(CheckArgs),
}

/// Options of `iprev check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Messages to check: an .eml file, a directory (every *.eml below it,
    /// in sorted order), an mbox file, or `-` for standard input (the
    /// default when no path is given).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Parse and route only: send no DNS query at all.
    #[arg(long)]
    pub offline: bool,

    /// Output format [default: text on a terminal, json otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// A domain that belongs to the receiving side (its own, or a gateway or
    /// forwarder it uses); may be repeated. Moves the sender hop further back.
    #[arg(long = "receiver-domain", value_name = "DOMAIN")]
    pub receiver_domains: Vec<String>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable report per message.
    Text,
    /// JSON Lines: one report object per message.
    Json,
}

/// Colour choice for text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard output is a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}
