//! DNS over HTTPS with the browser's `fetch`: RFC 8484 GET with
//! `accept: application/dns-message`, a CORS-safelisted header, so no
//! preflight is needed. No cookies, no referrer, redirects never followed,
//! a per-question timeout through `AbortController`.

use crate::join::{First, race};
use crate::js;
use crate::options::{Format, Options};
use iprev_core::dns::{
    DnsAnswer, DnsError, JSON_MEDIA_TYPE, JsonQuestion, JsonRecord, JsonResponse, MAX_RESPONSE_BYTES, Question,
    WIRE_MEDIA_TYPE, answer_from_json, build_query, decode_response, get_url, json_query_url,
};
use iprev_core::iprev::Response;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    AbortController, Headers, ReferrerPolicy, RequestCache, RequestCredentials, RequestInit, RequestRedirect,
    ResponseType,
};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, whatever the global is (a page, a worker, an
    /// extension's service worker).
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_request(request: &web_sys::Request) -> js_sys::Promise;
}

/// Sends a GET request to `url` with one `accept` header; `None` when
/// there is no HTTP response (or the URL cannot make a request).
async fn get(url: &str, accept: &str, controller: &AbortController) -> Option<web_sys::Response> {
    let headers = Headers::new().ok()?;
    headers.set("accept", accept).ok()?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_headers(&headers);
    init.set_credentials(RequestCredentials::Omit);
    init.set_redirect(RequestRedirect::Manual);
    init.set_referrer_policy(ReferrerPolicy::NoReferrer);
    init.set_cache(RequestCache::Default);
    init.set_signal(Some(&controller.signal()));
    let request = web_sys::Request::new_with_str_and_init(url, &init).ok()?;
    wasm_bindgen_futures::JsFuture::from(fetch_request(&request)).await.ok()?.dyn_into().ok()
}

/// How a failure looked, so the page can say "DNS unreachable".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// No HTTP response at all (network error, CORS, refused, timeout).
    Unreachable,
    /// An HTTP response that was not a usable answer.
    BadAnswer,
}

/// Asks `question`, trying each resolver in turn until one answers.
/// Returns the response and, for a failure, what kind of failure it was.
pub async fn ask(options: &Options, question: &Question) -> (Response, Option<FailureKind>) {
    let mut failures = Vec::new();
    let mut kind = FailureKind::Unreachable;
    for url in &options.resolvers {
        match ask_one(options, url, question).await {
            Ok(answer) => return (Response::Answer(answer), None),
            Err((why, this_kind)) => {
                if this_kind == FailureKind::BadAnswer {
                    kind = FailureKind::BadAnswer;
                }
                failures.push(why);
            }
        }
    }
    (Response::Failed(failures.join("; then ")), Some(kind))
}

/// Resolves after `ms` milliseconds (`setTimeout` on whatever global this
/// runs in: a page, a worker, an extension's service worker).
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let global = js_sys::global();
        let set_timeout = js_sys::Reflect::get(&global, &"setTimeout".into()).unwrap_or(JsValue::UNDEFINED);
        if let Some(set_timeout) = set_timeout.dyn_ref::<js_sys::Function>() {
            let _ = set_timeout.call2(&global, &resolve, &JsValue::from(ms));
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// Seconds as people write them: `5 s`, `1.5 s`.
pub fn seconds(ms: u32) -> String {
    if ms.is_multiple_of(1000) { format!("{} s", ms / 1000) } else { format!("{}.{} s", ms / 1000, ms % 1000 / 100) }
}

/// One resolver, one question, within the timeout: the whole exchange
/// (connecting, the headers, every byte of the body) races the timer.
async fn ask_one(options: &Options, url: &str, question: &Question) -> Result<DnsAnswer, (String, FailureKind)> {
    let who = host(url);
    let controller =
        AbortController::new().map_err(|_| (format!("{who}: AbortController unavailable"), FailureKind::BadAnswer))?;
    match race(exchange(options, url, question, &controller), sleep(options.timeout_ms)).await {
        First::Left(result) => result,
        First::Right(()) => {
            controller.abort();
            Err((format!("no answer from {who} within {}", seconds(options.timeout_ms)), FailureKind::Unreachable))
        }
    }
}

async fn exchange(
    options: &Options,
    url: &str,
    question: &Question,
    controller: &AbortController,
) -> Result<DnsAnswer, (String, FailureKind)> {
    let who = host(url);
    let bad = |why: String| (format!("{who}: {why}"), FailureKind::BadAnswer);
    let (target, accept) = match options.format {
        Format::Wire => {
            let query = build_query(question).map_err(|e| bad(e.to_string()))?;
            (get_url(url, &query), WIRE_MEDIA_TYPE)
        }
        Format::Json => (json_query_url(url, question), JSON_MEDIA_TYPE),
    };
    // The browser does not say why a fetch failed (refused, reset, closed,
    // TLS, CORS all look alike), so neither can we.
    let response = get(&target, accept, controller).await.ok_or_else(|| {
        (
            format!(
                "no HTTP response from {who} (connection refused, reset or closed, or the resolver does not allow CORS)"
            ),
            FailureKind::Unreachable,
        )
    })?;
    if response.type_() == ResponseType::Opaqueredirect || (300..400).contains(&response.status()) {
        return Err(bad("answered with a redirect (redirects are not followed)".into()));
    }
    if !response.ok() {
        return Err(bad(format!("answered HTTP {}", response.status())));
    }
    let content_type = response.headers().get("content-type").ok().flatten().unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let expected = match options.format {
        Format::Wire => media == WIRE_MEDIA_TYPE,
        Format::Json => media == JSON_MEDIA_TYPE || media == "application/json",
    };
    if !expected {
        return Err(bad(format!("answered with content type \"{media}\", not {accept}")));
    }
    let declared = response.headers().get("content-length").ok().flatten().and_then(|l| l.parse::<usize>().ok());
    if declared.is_some_and(|len| len > MAX_RESPONSE_BYTES) {
        return Err(bad("sent a body larger than any DNS message".into()));
    }
    let body = read_body(&response).await.map_err(bad)?;
    let decoded = match options.format {
        Format::Wire => decode_response(&body, question),
        Format::Json => decode_json_with_browser(&body, question),
    };
    decoded.map_err(|e| bad(e.to_string()))
}

/// Reads a response body chunk by chunk, giving up (and cancelling the
/// stream) as soon as it grows past [`MAX_RESPONSE_BYTES`], whatever the
/// `Content-Length` said or did not say.
async fn read_body(response: &web_sys::Response) -> Result<Vec<u8>, String> {
    use wasm_bindgen_futures::JsFuture;
    let failed = |e: JsValue| format!("reading the answer failed ({})", js::describe(&e));
    let stream = js_sys::Reflect::get(response, &"body".into()).map_err(failed)?;
    if stream.is_null() || stream.is_undefined() {
        return Ok(Vec::new());
    }
    let reader = js::call_method(&stream, "getReader", &[]).map_err(failed)?;
    let mut body = Vec::new();
    loop {
        let promise = js::call_method(&reader, "read", &[]).map_err(failed)?;
        let chunk = JsFuture::from(js_sys::Promise::from(promise)).await.map_err(failed)?;
        if js_sys::Reflect::get(&chunk, &"done".into()).map_err(failed)?.is_truthy() {
            return Ok(body);
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(failed)?;
        let bytes = js_sys::Uint8Array::new(&value);
        if body.len() + bytes.length() as usize > MAX_RESPONSE_BYTES {
            let _ = js::call_method(&reader, "cancel", &[]);
            return Err("sent a body larger than any DNS message".into());
        }
        let start = body.len();
        body.resize(start + bytes.length() as usize, 0);
        bytes.copy_to(&mut body[start..]);
    }
}

/// The JSON form, parsed by the browser's `JSON.parse` and read field by
/// field (no JSON parser in the WebAssembly module), then checked by the core.
fn decode_json_with_browser(body: &[u8], question: &Question) -> Result<DnsAnswer, DnsError> {
    let text = std::str::from_utf8(body).map_err(|_| DnsError::Json("not UTF-8".into()))?;
    let value = js_sys::JSON::parse(text).map_err(|_| DnsError::Json("not JSON".into()))?;
    let response = json_response(&value).map_err(DnsError::Json)?;
    answer_from_json(response, question)
}

fn json_records(value: &JsValue, key: &str) -> Result<Vec<JsonRecord>, String> {
    js::array(value, key)?
        .iter()
        .map(|record| {
            Ok(JsonRecord {
                name: js::string(record, "name")?.ok_or("a record has no name")?,
                rtype: js::number(record, "type")?.and_then(|t| u16::try_from(t).ok()).ok_or("a record has no type")?,
                ttl: js::number(record, "TTL")?.unwrap_or(0),
                data: js::string(record, "data")?.unwrap_or_default(),
            })
        })
        .collect()
}

fn json_response(value: &JsValue) -> Result<JsonResponse, String> {
    if !value.is_object() {
        return Err("not a JSON object".to_string());
    }
    let question = js::array(value, "Question")?
        .iter()
        .map(|q| {
            Ok(JsonQuestion {
                name: js::string(q, "name")?.unwrap_or_default(),
                qtype: js::number(q, "type")?.and_then(|t| u16::try_from(t).ok()).unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(JsonResponse {
        status: js::number(value, "Status")?.and_then(|s| u16::try_from(s).ok()).ok_or("no Status")?,
        truncated: js::boolean(value, "TC")?.unwrap_or(false),
        authenticated_data: js::boolean(value, "AD")?.unwrap_or(false),
        question,
        answer: json_records(value, "Answer")?,
        authority: json_records(value, "Authority")?,
    })
}
