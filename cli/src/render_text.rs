//! The readable report: a header, the hop table, the receivers' verdicts
//! and notes. Message text is printed as data: control characters are
//! replaced so a hostile header cannot drive the terminal.

use crate::style::{Painter, Style};
use iprev_core::advice::Severity;
use iprev_core::report::{Hop, HopRole, IprevResult, Report};
use std::fmt::Write as _;

/// Widest a table cell gets before it is shortened with `…`.
const MAX_CELL: usize = 40;

/// Renders one report.
pub fn render(report: &Report, painter: Painter, offline: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", painter.paint(Style::Bold, &format!("== {}", clean(&report.source))));
    let header = [
        ("Message-ID", report.message_id.as_deref()),
        ("Subject", report.subject.as_deref()),
        ("From", report.from.as_deref()),
        ("Date", report.date.as_deref()),
    ];
    for (label, value) in header {
        if let Some(value) = value {
            let _ = writeln!(out, "{label:<11} {}", clean(value));
        }
    }
    let _ = writeln!(out, "{:<11} {}", "Sender hop", sender_line(report, painter, offline));
    if let Some(statement) = &report.receiver_statement {
        let hop =
            statement.hop.map_or_else(|| "no hop has this client".to_string(), |h| format!("the client of hop {h}"));
        let _ = writeln!(
            out,
            "{:<11} judged {} ({}: {}; {hop})",
            "Receiver",
            painter.paint(Style::Cyan, &clean(&statement.ip)),
            clean(&statement.field),
            clean(&statement.form)
        );
    }
    if !report.hops.is_empty() {
        out.push('\n');
        out.push_str(&hop_table(report, painter));
    }
    reverse_dns(report, painter, &mut out);
    advice(report, painter, &mut out);
    verdicts(report, &mut out);
    notes(report, painter, &mut out);
    out
}

fn result_style(result: IprevResult) -> Style {
    match result {
        IprevResult::Pass => Style::Green,
        IprevResult::Temperror => Style::Yellow,
        IprevResult::Fail | IprevResult::Permerror => Style::Red,
    }
}

/// Per checked address: the verdict, the PTR names and where they point.
fn reverse_dns(report: &Report, painter: Painter, out: &mut String) {
    let mut seen = Vec::new();
    for hop in &report.hops {
        let (Some(iprev), Some(ip)) = (&hop.iprev, hop.from_ip.as_deref()) else { continue };
        if seen.contains(&ip) {
            continue;
        }
        seen.push(ip);
        if seen.len() == 1 {
            out.push_str("\nReverse DNS (RFC 8601 iprev)\n");
        }
        let verdict = painter.paint(result_style(iprev.result), &format!("iprev={}", iprev.result.as_str()));
        let _ = writeln!(out, "  {} {verdict}: {}", painter.paint(Style::Cyan, ip), clean(&iprev.reason));
        for name in &iprev.ptr {
            let addresses = iprev.forward.get(name).map(|a| a.join(", ")).filter(|a| !a.is_empty());
            let _ = writeln!(
                out,
                "    PTR {} -> {}",
                clean(name),
                clean(&addresses.unwrap_or_else(|| "no address".to_string()))
            );
        }
        if iprev.ptr_not_checked > 0 {
            let _ = writeln!(out, "    ({} more PTR names not looked up)", iprev.ptr_not_checked);
        }
        if let Some(helo) = &iprev.helo {
            let _ = writeln!(out, "    HELO {}: {}", clean(&helo.name), clean(&helo.reason));
        }
    }
}

fn advice(report: &Report, painter: Painter, out: &mut String) {
    let all: Vec<_> = report.hops.iter().filter_map(|h| h.iprev.as_ref().map(|i| (h.index, &i.advice))).collect();
    if all.iter().all(|(_, a)| a.is_empty()) {
        return;
    }
    out.push_str("\nWhat to change\n");
    for (index, list) in all {
        for item in list {
            let style = match item.severity {
                Severity::Error => Style::Red,
                Severity::Warning => Style::Yellow,
                Severity::Info => Style::Dim,
            };
            let _ = writeln!(out, "  hop {index}: {}", painter.paint(style, &clean(&item.title)));
            out.push_str(&wrap(&clean(&item.text), 100, "    "));
            for command in &item.commands {
                let _ = writeln!(out, "      {}", painter.paint(Style::Bold, &clean(command)));
            }
        }
    }
}

fn sender_line(report: &Report, painter: Painter, offline: bool) -> String {
    let Some(hop) = report.sender_hop.and_then(|i| report.hops.get(i)) else {
        let why = if report.hops.iter().any(|h| h.ip_scope.is_some_and(iprev_core::scope::IpScope::is_public)) {
            "none found (every public client is one of the receiving side's own servers)"
        } else {
            "none found (no hop with a public client address)"
        };
        return painter.paint(Style::Yellow, why);
    };
    let client = hop.from_rdns.as_deref().or(hop.from_helo.as_deref()).unwrap_or("?");
    let mut line = format!(
        "#{} {} [{}] -> {}",
        hop.index,
        clean(client),
        painter.paint(Style::Cyan, hop.from_ip.as_deref().unwrap_or("?")),
        clean(hop.by.as_deref().unwrap_or("?"))
    );
    if offline {
        line.push_str(&painter.paint(Style::Dim, "  (reverse DNS not checked: --offline)"));
    } else if let Some(iprev) = &hop.iprev {
        let verdict = painter.paint(result_style(iprev.result), &format!("iprev={}", iprev.result.as_str()));
        let _ = write!(line, "  {verdict}");
    }
    line
}

fn hop_table(report: &Report, painter: Painter) -> String {
    let headings =
        ["", "#", "delay", "role", "client (HELO / rDNS)", "address", "scope", "iprev", "by", "software", "TLS"];
    let rows: Vec<[String; 11]> =
        report.hops.iter().map(|hop| row(hop, report.sender_hop == Some(hop.index))).collect();
    let mut widths = headings.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: &[String; 11]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i > 0 {
                text.push(' ');
            }
            let pad = width.saturating_sub(cell.chars().count());
            if i == 1 || i == 2 {
                let _ = write!(text, "{}{cell}", " ".repeat(pad));
            } else {
                let _ = write!(text, "{cell}{}", " ".repeat(pad));
            }
        }
        text.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", painter.paint(Style::Dim, &line(&headings.map(str::to_string))));
    for (row, hop) in rows.iter().zip(&report.hops) {
        let mut text = line(row);
        if let Some(iprev) = &hop.iprev {
            // Colour the iprev cell in place: padding was computed on plain text.
            let word = iprev.result.as_str();
            let start = widths[..7].iter().sum::<usize>() + 7;
            if text.get(start..start + word.len()) == Some(word) {
                text.replace_range(start..start + word.len(), &painter.paint(result_style(iprev.result), word));
            }
        }
        // The receiving side's own hops are muted: their reverse DNS is
        // the receiver's business, and they are not checked by default.
        let styled = match hop.role {
            HopRole::Sender => painter.paint(Style::Bold, &text),
            HopRole::SenderSide if hop.relay_of.is_none() => text,
            HopRole::SenderSide | HopRole::Receiver | HopRole::Retrieval => painter.paint(Style::Dim, &text),
        };
        let _ = writeln!(out, "{styled}");
    }
    out
}

/// The role as the table shows it.
fn role_word(role: HopRole) -> &'static str {
    match role {
        HopRole::SenderSide => "sender side",
        HopRole::Sender => "sender",
        HopRole::Receiver => "receiver",
        HopRole::Retrieval => "retrieval",
    }
}

fn row(hop: &Hop, is_sender: bool) -> [String; 11] {
    let client = match (hop.from_helo.as_deref(), hop.from_rdns.as_deref()) {
        (Some(h), Some(r)) if h.eq_ignore_ascii_case(r) => h.to_string(),
        (Some(h), Some(r)) => format!("{h} / {r}"),
        (Some(h), None) => h.to_string(),
        (None, Some(r)) => format!("- / {r}"),
        (None, None) => "-".to_string(),
    };
    let software = hop.mta.as_ref().map_or_else(|| "-".to_string(), |m| m.name.clone());
    let tls = hop.tls.as_ref().map_or_else(
        || "-".to_string(),
        |t| t.version.clone().or_else(|| t.cipher.clone()).unwrap_or_else(|| "yes".to_string()),
    );
    [
        if is_sender { ">".to_string() } else { String::new() },
        hop.index.to_string(),
        hop.delay_s.map_or_else(String::new, human_delay),
        role_word(hop.role).to_string(),
        cell(&client),
        cell(hop.from_ip.as_deref().unwrap_or("-")),
        hop.ip_scope.map_or_else(|| "-".to_string(), |s| s.to_string()),
        hop.iprev.as_ref().map_or_else(|| "-".to_string(), |i| i.result.as_str().to_string()),
        cell(hop.by.as_deref().unwrap_or("-")),
        cell(&software),
        cell(&tls),
    ]
}

/// `+3s`, `+2m05s`, `-41s`, `+1h02m`.
fn human_delay(seconds: i64) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    match s {
        0..60 => format!("{sign}{s}s"),
        60..3600 => format!("{sign}{}m{:02}s", s / 60, s % 60),
        3600..86_400 => format!("{sign}{}h{:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{sign}{}d{:02}h", s / 86_400, s % 86_400 / 3600),
    }
}

fn verdicts(report: &Report, out: &mut String) {
    if let Some(line) = &report.authres {
        let _ = writeln!(out, "\niprev's verdict\n  {}", clean(line));
    }
    if report.authentication_results.is_empty() && report.received_spf.is_empty() {
        return;
    }
    out.push_str("\nReceivers' own verdicts\n");

    for ar in &report.authentication_results {
        let who = ar.authserv_id.as_deref().unwrap_or("(no authserv-id)");
        let arc = ar.instance.map(|i| format!("ARC i={i} ")).unwrap_or_default();
        let results: Vec<String> = ar
            .results
            .iter()
            .map(|r| {
                let subject = r
                    .property("smtp", "mailfrom")
                    .or_else(|| r.property("header", "d"))
                    .or_else(|| r.property("header", "from"))
                    .or_else(|| r.property("policy", "iprev"))
                    .or_else(|| r.property("smtp", "remote-ip"));
                match subject {
                    Some(s) => format!("{}={} ({})", r.method, r.result, s),
                    None => format!("{}={}", r.method, r.result),
                }
            })
            .collect();
        let results = if results.is_empty() { "none".to_string() } else { results.join(", ") };
        let _ = writeln!(out, "  {arc}{}: {}", clean(who), clean(&results));
    }
    for spf in &report.received_spf {
        let client = spf.pairs.get("client-ip").map(|ip| format!(" client-ip={ip}")).unwrap_or_default();
        let _ = writeln!(out, "  Received-SPF: {}{}", clean(&spf.result), clean(&client));
    }
}

fn notes(report: &Report, painter: Painter, out: &mut String) {
    let hop_notes = report.hops.iter().flat_map(|h| h.notes.iter().map(move |n| format!("hop {}: {n}", h.index)));
    let all: Vec<String> = report.notes.iter().cloned().chain(hop_notes).collect();
    if all.is_empty() {
        return;
    }
    out.push_str("\nNotes\n");
    for note in all {
        let _ = writeln!(out, "  {}", painter.paint(Style::Yellow, &clean(&note)));
    }
}

/// Word-wraps `text` to `width` columns, each line starting with `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.chars().count() + 1 + word.chars().count() > width {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

fn cell(text: &str) -> String {
    let text = clean(text);
    if text.chars().count() <= MAX_CELL {
        return text;
    }
    let mut short: String = text.chars().take(MAX_CELL - 1).collect();
    short.push('…');
    short
}

/// Replaces control characters (escape sequences included) with `?` and
/// folds line breaks into spaces.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\r' | '\n' | '\t' => ' ',
            c if c.is_control() => '?',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays() {
        assert_eq!(human_delay(0), "+0s");
        assert_eq!(human_delay(-41), "-41s");
        assert_eq!(human_delay(125), "+2m05s");
        assert_eq!(human_delay(3720), "+1h02m");
        assert_eq!(human_delay(90_000), "+1d01h");
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap("aaa bbb ccc", 9, "  "), "  aaa bbb\n  ccc\n");
        assert_eq!(wrap("", 9, "  "), "");
    }

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        assert_eq!(clean("a\x1b[31mb\u{7}"), "a?[31mb?");
    }
}
