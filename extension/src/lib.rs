//! iprev in the browser: the core compiled to WebAssembly, exported with
//! wasm-bindgen, with DNS-over-HTTPS done here through `fetch`.
//!
//! - `analyze(bytes, options)`: parse, route, sender hop; no network.
//! - `check(bytes, options)`: the same, then the live RFC 8601 iprev check
//!   of every public hop, every round's questions fetched concurrently,
//!   identical questions asked once, answers cached for their TTL.
//!
//! Errors reach JavaScript as `{kind, message}` objects, never as panics.

mod cache;
mod error;
mod fetch;
mod join;
mod js;
mod options;
mod types;

use error::{BridgeError, Kind};
use iprev_core::dns::Question;
use iprev_core::live::{HopScope, LiveCheck, LiveSettings};
use iprev_core::report::Report;
use iprev_core::route::RouteOptions;
use iprev_core::{AnalyzeOptions, mbox};
use options::Options;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Runs once when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    // Readable panics in the console while developing; release builds leave
    // the hook out (and the code with it).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    // Serializing the report cannot fail (string keys only); the error's
    // text is left out, and with it serde_json's error messages.
    let text = serde_json::to_string(value)
        .map_err(|_| JsValue::from(BridgeError::new(Kind::Internal, "cannot hand the report over")))?;
    js_sys::JSON::parse(&text)
}

fn offline_report(input: &[u8], options: &Options) -> Result<Report, BridgeError> {
    let analyze_options = AnalyzeOptions { route: RouteOptions { receiver_domains: options.receiver_domains.clone() } };
    iprev_core::analyze(input, &options.source, &analyze_options)
        .map_err(|e| BridgeError::new(Kind::Input, e.to_string()))
}

/// Reads one message (a whole message, a pasted header block, or one
/// message of an mbox) and returns its report, without any DNS.
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn analyze(
    input: &[u8],
    #[wasm_bindgen(unchecked_param_type = "CheckOptions | undefined")] options: &JsValue,
) -> Result<JsValue, JsValue> {
    let options = Options::from_js(options)?;
    to_js(&offline_report(input, &options)?)
}

/// Reads one message and checks the reverse DNS of every public hop over
/// DNS-over-HTTPS. Resolves to the report; rejects with `{kind, message}`
/// only for unreadable input or bad options (DNS failures are verdicts).
#[wasm_bindgen(unchecked_return_type = "Report")]
pub async fn check(
    input: Vec<u8>,
    #[wasm_bindgen(unchecked_param_type = "CheckOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let options = Options::from_js(&options)?;
    let mut report = offline_report(&input, &options)?;
    let resolvers = options.resolvers.join(" ");
    let scope = if options.all_hops { HopScope::AllPublic } else { HopScope::SenderSide };
    let mut live = LiveCheck::new(&report, options.limits(), scope);
    let mut unreachable = 0usize;
    let mut fetched = 0usize;
    // The message's total deadline (limits::MESSAGE_DEADLINE_MS by default):
    // the core has no clock, so the bridge stops the check when it passes.
    let deadline_at = js_sys::Date::now() + f64::from(options.deadline_ms);
    let deadline_reason =
        format!("no answers within the message's deadline of {}", fetch::seconds(options.deadline_ms));
    while !live.is_finished() {
        let round: Vec<Question> = std::iter::from_fn(|| live.poll_question()).collect();
        if round.is_empty() {
            break;
        }
        let mut to_fetch = Vec::new();
        for question in round {
            match cache::get(&resolvers, &question) {
                Some(answer) => live.handle_answer(&question, iprev_core::iprev::Response::Answer(answer)),
                None => to_fetch.push(question),
            }
        }
        if to_fetch.is_empty() {
            continue;
        }
        let left_ms = deadline_at - js_sys::Date::now();
        let answers = if left_ms <= 0.0 {
            None
        } else {
            let round = join::join_all(to_fetch.iter().map(|q| fetch::ask(&options, q)).collect());
            // `left_ms` is at most `deadline_ms`, a u32: the cast cannot truncate.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            match join::race(round, fetch::sleep(left_ms.ceil() as u32)).await {
                join::First::Left(answers) => Some(answers),
                join::First::Right(()) => None,
            }
        };
        let Some(answers) = answers else {
            live.stop(&deadline_reason);
            break;
        };
        fetched += to_fetch.len();
        for (question, (response, failure)) in to_fetch.iter().zip(answers) {
            if let iprev_core::iprev::Response::Answer(answer) = &response {
                cache::put(&resolvers, question, answer);
            }
            if failure == Some(fetch::FailureKind::Unreachable) {
                unreachable += 1;
            }
            live.handle_answer(question, response);
        }
    }
    let settings = LiveSettings {
        authserv_id: options.authserv_id.clone(),
        resolver: options.resolvers.join(", "),
        advise_all_hops: options.all_hops,
    };
    live.apply(&mut report, &settings);
    if fetched > 0 && unreachable == fetched {
        report.notes.push(format!(
            "DNS unreachable: no answer from {} (the parse and route above are still valid)",
            options.resolvers.join(" or ")
        ));
    }
    to_js(&report)
}

/// True when the bytes start like an mbox (`From sender date`).
#[wasm_bindgen(js_name = looksLikeMbox)]
pub fn looks_like_mbox(input: &[u8]) -> bool {
    let first = input.split(|&b| b == b'\n').find(|l| !l.iter().all(u8::is_ascii_whitespace)).unwrap_or_default();
    mbox::is_envelope_line(first)
}

/// Splits an mbox into its messages (each at most the bytes the core reads).
#[wasm_bindgen(js_name = splitMbox, unchecked_return_type = "Uint8Array[]")]
pub fn split_mbox(input: &[u8]) -> js_sys::Array {
    mbox::split_mbox(input).into_iter().map(|m| js_sys::Uint8Array::from(m.head.as_slice())).collect()
}

/// The version of iprev.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Forgets every cached DNS answer.
#[wasm_bindgen(js_name = clearCache)]
pub fn clear_cache() {
    cache::clear();
}

/// Number of DNS answers in the cache.
#[wasm_bindgen(js_name = cacheSize)]
pub fn cache_size() -> usize {
    cache::len()
}

/// The number of bytes of a message the core reads: callers may pass only
/// this much of a large file.
#[wasm_bindgen(js_name = inputPrefixBytes)]
pub fn input_prefix_bytes() -> usize {
    iprev_core::limits::INPUT_PREFIX_BYTES
}
