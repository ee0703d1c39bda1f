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
    /// Check messages and print one row per sending server (the same as
    /// `check --summary`).
    Summary(CheckArgs),
}

/// Options of `iprev check`.
#[derive(Debug, clap::Args)]
#[allow(clippy::struct_excessive_bools, reason = "one field per command-line switch")]
pub struct CheckArgs {
    /// Messages to check: an .eml file, an mbox file, a directory (every
    /// *.eml and *.mbox below it and every message of a Maildir's cur/ and
    /// new/, recursively, in sorted order), or `-` for standard input (the
    /// default when no path is given).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Parse and route only: send no DNS query at all.
    #[arg(long, conflicts_with_all = ["zone", "resolvers"])]
    pub offline: bool,

    /// DNS-over-HTTPS resolver URL (RFC 8484); give it twice for a fallback
    /// tried when the first fails. https://, or http:// to a loopback address.
    #[arg(long = "resolver", value_name = "URL", default_value = crate::resolve::DEFAULT_RESOLVER)]
    pub resolvers: Vec<String>,

    /// How to ask the resolver: RFC 8484 wire format, or the JSON API.
    #[arg(long, value_enum, default_value_t = ResolverFormat::Wire, value_name = "FORMAT")]
    pub resolver_format: ResolverFormat,

    /// Seconds to wait for each DNS answer.
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
    pub timeout: f64,

    /// Seconds for one message's whole live check (every round, retries
    /// and waiting for a free connection slot included); what is still
    /// unanswered then ends in temperror.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    pub deadline: f64,

    /// DNS questions in flight at once across the whole run (the default
    /// stays well under public resolvers' rate limits).
    #[arg(long, default_value_t = 16, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub max_concurrent: u16,

    /// Answer every DNS question from this zone file (RFC 1035 master-file
    /// format) instead of the network: test planned records before
    /// publishing them.
    #[arg(long, value_name = "FILE", conflicts_with = "resolvers")]
    pub zone: Option<PathBuf>,

    /// The exit code follows the worst result of every checked hop, not only
    /// the sender hop's.
    #[arg(long)]
    pub all_hops: bool,

    /// PTR names per address whose forward lookups are made.
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=100))]
    pub max_ptr_names: u16,

    /// The authserv-id written in the Authentication-Results output.
    #[arg(long, default_value = "iprev", value_name = "ID")]
    pub authserv_id: String,

    /// Print one row per sending server (the sender hop's address) across
    /// all messages instead of one report per message.
    #[arg(long)]
    pub summary: bool,

    /// Print a line of run statistics on standard error at the end:
    /// messages, bytes, DNS questions needed, asked and distinct, wall time.
    #[arg(long)]
    pub stats: bool,

    /// Output format [default: text on a terminal, json otherwise]. `csv`
    /// is for summaries; `authres` for reports.
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// A domain that belongs to the receiving side (its own, or a gateway or
    /// forwarder it uses); may be repeated. Moves the sender hop further back.
    #[arg(long = "receiver-domain", value_name = "DOMAIN|CIDR")]
    pub receiver_domains: Vec<String>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable report per message.
    Text,
    /// JSON Lines: one report object per message.
    Json,
    /// One RFC 8601 Authentication-Results header per message.
    Authres,
    /// CSV (RFC 4180), one row per sending server: with `--summary` only.
    Csv,
}

/// How DNS questions are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResolverFormat {
    /// RFC 8484 `application/dns-message`.
    Wire,
    /// The JSON API, `application/dns-json`.
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
