//! From raw input to [`Report`]: the offline half of iprev.

use crate::authres;
use crate::limits::{MAX_AUTH_HEADERS, MAX_RECEIVED_HOPS};
use crate::message::{InputError, locate_header_block, read_fields};
use crate::received_spf;
use crate::report::Report;
use crate::route::{self, RouteOptions};
use crate::statement;

/// Options of an analysis.
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// What the caller knows about the receiving side.
    pub route: RouteOptions,
}

/// Reads one message (a whole message, a pasted header block, or one
/// message of an mbox) and builds its report, without any DNS.
pub fn analyze(input: &[u8], source: &str, options: &AnalyzeOptions) -> Result<Report, InputError> {
    let block = locate_header_block(input)?;
    let fields = read_fields(block.bytes);
    let mut notes = block.notes;
    notes.extend(fields.notes);
    let total = fields.received.len();
    if total > MAX_RECEIVED_HOPS {
        notes.push(format!(
            "{total} Received fields; only the newest {MAX_RECEIVED_HOPS} were analysed, so hop 0 is not the first relay"
        ));
    }
    let kept = &fields.received[..total.min(MAX_RECEIVED_HOPS)];
    if kept.is_empty() {
        notes.push("no Received fields: the message never crossed a mail server, or the headers were cut".to_string());
    }
    let mut hops = route::hops_from_fields(kept);
    let auth_count = fields.authentication_results.len() + fields.received_spf.len();
    if auth_count > MAX_AUTH_HEADERS {
        notes.push(format!(
            "{auth_count} Authentication-Results/Received-SPF fields; only the first {MAX_AUTH_HEADERS} of each kind were read"
        ));
    }
    let authentication_results: Vec<_> = fields
        .authentication_results
        .iter()
        .take(MAX_AUTH_HEADERS)
        .map(|(arc, value)| authres::parse(value, *arc))
        .collect();
    let received_spf: Vec<_> =
        fields.received_spf.iter().take(MAX_AUTH_HEADERS).map(|v| received_spf::parse(v)).collect();
    let positions = &fields.positions;
    let statement = statement::topmost(
        &authentication_results,
        &positions.authentication_results,
        &received_spf,
        &positions.received_spf,
    );
    let route = route::route(&mut hops, &positions.received, statement.as_ref(), &options.route);
    notes.extend(route.notes);
    Ok(Report {
        source: source.to_string(),
        message_id: fields.message_id,
        subject: fields.subject,
        from: fields.from,
        date: fields.date,
        hops,
        sender_hop: route.sender_hop,
        receiver_statement: route.statement,
        authentication_results,
        received_spf,
        notes,
        authres: None,
        dns: None,
    })
}
