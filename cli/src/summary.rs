//! `iprev check --summary` (and `iprev summary`): one row per distinct
//! sending server (the sender hop's client address) across every message,
//! in text, JSON or CSV.

use crate::render_text::clean;
use iprev_core::date::parse_date;
use iprev_core::report::{IprevResult, Report};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

/// One sending server.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Its address.
    pub ip: String,
    /// Its iprev result (null with `--offline`).
    pub result: Option<IprevResult>,
    /// Its PTR names.
    pub ptr: Vec<String>,
    /// The HELO names it announced, sorted.
    pub helo: BTreeSet<String>,
    /// Messages it handed to their recipients.
    pub messages: usize,
    /// The first and last time one of them arrived (RFC 3339).
    pub first: Option<String>,
    /// See `first`.
    pub last: Option<String>,
    /// What to change, as `id: title` lines, deduplicated.
    pub advice: Vec<String>,
    #[serde(skip)]
    first_at: Option<i64>,
    #[serde(skip)]
    last_at: Option<i64>,
}

/// Rows by address, plus what did not make a row.
#[derive(Debug, Default)]
pub struct Summary {
    rows: HashMap<String, Row>,
    /// Messages with no sender hop.
    pub without_sender: usize,
    /// Messages checked.
    pub messages: usize,
    /// Inputs that could not be read or were not messages.
    pub unreadable: usize,
}

fn rank(result: Option<IprevResult>) -> u8 {
    match result {
        Some(IprevResult::Fail | IprevResult::Permerror) => 3,
        Some(IprevResult::Temperror) => 2,
        Some(IprevResult::Pass) => 1,
        None => 0,
    }
}

impl Summary {
    /// Counts one report.
    pub fn add(&mut self, report: &Report) {
        self.messages += 1;
        let Some(hop) = report.sender_hop.and_then(|i| report.hops.get(i)) else {
            self.without_sender += 1;
            return;
        };
        let Some(ip) = hop.from_ip.clone() else {
            self.without_sender += 1;
            return;
        };
        let row = self.rows.entry(ip.clone()).or_insert_with(|| Row {
            ip,
            result: None,
            ptr: Vec::new(),
            helo: BTreeSet::new(),
            messages: 0,
            first: None,
            last: None,
            advice: Vec::new(),
            first_at: None,
            last_at: None,
        });
        row.messages += 1;
        if let Some(helo) = &hop.from_helo {
            row.helo.insert(helo.clone());
        }
        if let Some(iprev) = &hop.iprev {
            // The worst result seen wins (a server can fail for some messages only).
            if rank(Some(iprev.result)) >= rank(row.result) {
                row.result = Some(iprev.result);
                row.ptr.clone_from(&iprev.ptr);
            }
            for advice in &iprev.advice {
                let line = format!("{}: {}", advice.id, advice.title);
                if !row.advice.contains(&line) {
                    row.advice.push(line);
                }
            }
        }
        if let Some((date, at)) = hop.date.as_ref().and_then(|d| parse_date(d).map(|(p, _)| (d, p.timestamp))) {
            if row.first_at.is_none_or(|first| at < first) {
                row.first_at = Some(at);
                row.first = Some(date.clone());
            }
            if row.last_at.is_none_or(|last| at > last) {
                row.last_at = Some(at);
                row.last = Some(date.clone());
            }
        }
    }

    /// Rows, most messages first, then by address.
    pub fn rows(&self) -> Vec<&Row> {
        let mut rows: Vec<&Row> = self.rows.values().collect();
        rows.sort_by(|a, b| b.messages.cmp(&a.messages).then_with(|| a.ip.cmp(&b.ip)));
        rows
    }

    /// A readable table.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} messages, {} sending servers, {} without a sender hop, {} unreadable inputs",
            self.messages,
            self.rows.len(),
            self.without_sender,
            self.unreadable
        );
        let _ = writeln!(
            out,
            "{:<40} {:<9} {:>8}  {:<25} {:<25} PTR / HELO",
            "address", "iprev", "messages", "first", "last"
        );
        for row in self.rows() {
            let result = row.result.map_or("-", IprevResult::as_str);
            let ptr = if row.ptr.is_empty() { "-".to_string() } else { row.ptr.join(" ") };
            let helo: Vec<&str> = row.helo.iter().map(String::as_str).collect();
            let _ = writeln!(
                out,
                "{:<40} {result:<9} {:>8}  {:<25} {:<25} {} / {}",
                row.ip,
                row.messages,
                row.first.as_deref().unwrap_or("-"),
                row.last.as_deref().unwrap_or("-"),
                clean(&ptr),
                clean(&helo.join(" "))
            );
            for advice in &row.advice {
                let _ = writeln!(out, "{:<40}   {}", "", clean(advice));
            }
        }
        out
    }

    /// One JSON document: `{messages, without_sender_hop, servers: [row...]}`.
    pub fn to_json(&self) -> String {
        let value = serde_json::json!({
            "messages": self.messages,
            "without_sender_hop": self.without_sender,
            "unreadable": self.unreadable,
            "servers": self.rows(),
        });
        format!("{value}\n")
    }

    /// CSV (RFC 4180) with a header line; list fields joined with spaces,
    /// advice with ` | `.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("ip,iprev,ptr,helo,messages,first,last,advice\r\n");
        for row in self.rows() {
            let helo: Vec<&str> = row.helo.iter().map(String::as_str).collect();
            let fields = [
                row.ip.clone(),
                row.result.map_or(String::new(), |r| r.as_str().to_string()),
                row.ptr.join(" "),
                helo.join(" "),
                row.messages.to_string(),
                row.first.clone().unwrap_or_default(),
                row.last.clone().unwrap_or_default(),
                row.advice.join(" | "),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

/// A CSV field, quoted when it must be; a leading `=`, `+`, `-` or `@` is
/// prefixed with `'` so spreadsheets do not run it as a formula (the text
/// comes from mail headers and DNS).
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\r', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting_and_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
    }
}
