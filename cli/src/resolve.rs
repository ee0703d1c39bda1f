//! Answering the core's DNS questions: over DNS-over-HTTPS (RFC 8484) with
//! reqwest (rustls, HTTP/2 where the server offers it, one connection pool
//! for the whole run), or from a zone file.

use iprev_core::dns::{
    DnsAnswer, JSON_MEDIA_TYPE, MAX_RESPONSE_BYTES, Question, WIRE_MEDIA_TYPE, build_query, decode_json,
    decode_response, get_url, json_query_url,
};
use iprev_core::iprev::Response;
use iprev_core::zone::Zone;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Cloudflare's RFC 8484 endpoint: the default resolver.
pub const DEFAULT_RESOLVER: &str = "https://cloudflare-dns.com/dns-query";

/// Times every resolver is tried for one question when they answer HTTP 429
/// or 5xx (a busy or briefly broken resolver), with a pause in between.
pub const MAX_ATTEMPTS: u32 = 3;

/// The pause before the second attempt; it doubles for each one after.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// The longest `Retry-After` honoured; a resolver asking for more is taken
/// at its word and not asked again for this question.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);

/// How questions are sent to a DoH resolver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireFormat {
    /// RFC 8484 GET with `?dns=` and `accept: application/dns-message`.
    Wire,
    /// The JSON API: `?name=&type=` with `accept: application/dns-json`.
    Json,
}

/// Where answers come from.
pub enum Answerer {
    /// DNS over HTTPS, with failover to the next URL.
    Doh(Doh),
    /// A zone file, no network.
    Zone {
        /// The zone.
        zone: Zone,
        /// Its path, for the report.
        path: String,
    },
}

impl Answerer {
    /// A label for the report: the resolver URLs, or `zone:<path>`.
    pub fn label(&self) -> String {
        match self {
            Self::Doh(doh) => doh.urls.join(", "),
            Self::Zone { path, .. } => format!("zone:{path}"),
        }
    }

    /// The answer to one question.
    pub async fn ask(&self, question: &Question) -> Response {
        match self {
            Self::Doh(doh) => doh.ask(question).await,
            Self::Zone { zone, .. } => Response::Answer(zone.answer(question)),
        }
    }

    /// HTTP requests repeated after a 429 or 5xx so far.
    pub fn retries(&self) -> usize {
        match self {
            Self::Doh(doh) => doh.retries.load(Ordering::Relaxed),
            Self::Zone { .. } => 0,
        }
    }
}

/// Why a resolver gave no answer, and whether asking again later may help.
struct Failure {
    why: String,
    retry: Retry,
}

/// Whether a failed request is worth repeating.
#[derive(Clone, Copy)]
enum Retry {
    /// No: the same question would fail the same way.
    Never,
    /// Yes (HTTP 429, 5xx), after the backoff.
    AfterBackoff,
    /// Yes, after the wait the resolver's `Retry-After` asked for.
    After(Duration),
}

impl Failure {
    fn fatal(why: String) -> Self {
        Self { why, retry: Retry::Never }
    }
}

/// A DoH client over one or more resolver URLs.
pub struct Doh {
    client: reqwest::Client,
    urls: Vec<String>,
    format: WireFormat,
    timeout: Duration,
    retries: AtomicUsize,
}

/// Checks a resolver URL: `https://`, or `http://` to a loopback address
/// (local resolvers and tests). Queries in clear text over the network would
/// show every checked address to anyone on the path.
pub fn check_resolver_url(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("invalid resolver URL {url}: {e}"))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" => {
            let host = parsed.host_str().unwrap_or_default().trim_matches(['[', ']']);
            let loopback = host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if loopback {
                Ok(())
            } else {
                Err(format!("resolver URL {url} is http:// to a non-loopback host; use https://"))
            }
        }
        other => Err(format!("resolver URL {url} has scheme {other}; use https://")),
    }
}

impl Doh {
    /// A client for `urls` (tried in order on failure).
    pub fn new(urls: Vec<String>, format: WireFormat, timeout: Duration) -> Result<Self, String> {
        for url in &urls {
            check_resolver_url(url)?;
        }
        let client = reqwest::Client::builder()
            // Never follow a redirect: an answer must come from the resolver asked.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("iprev/", env!("CARGO_PKG_VERSION")))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(Self { client, urls, format, timeout, retries: AtomicUsize::new(0) })
    }

    /// Asks each resolver in turn; when every one failed with HTTP 429 or
    /// 5xx, waits (`Retry-After`, else an exponential backoff) and asks
    /// again, [`MAX_ATTEMPTS`] times in all.
    async fn ask(&self, question: &Question) -> Response {
        let mut attempt = 1;
        loop {
            let mut failures = Vec::new();
            let mut wait = Some(FIRST_BACKOFF * 2u32.pow(attempt - 1));
            for url in &self.urls {
                let failure = match tokio::time::timeout(self.timeout, self.ask_one(url, question)).await {
                    Ok(Ok(answer)) => return Response::Answer(answer),
                    Ok(Err(failure)) => failure,
                    Err(_) => {
                        Failure::fatal(format!("no answer from {} within {} s", host(url), self.timeout.as_secs_f32()))
                    }
                };
                wait = match (wait, failure.retry) {
                    (Some(backoff), Retry::AfterBackoff) => Some(backoff),
                    (Some(backoff), Retry::After(asked)) => Some(asked.max(backoff)),
                    _ => None,
                };
                failures.push(failure.why);
            }
            let mut text = failures.join("; then ");
            if attempt > 1 {
                let _ = write!(text, " ({attempt} attempts)");
            }
            match wait {
                Some(pause) if attempt < MAX_ATTEMPTS && pause <= MAX_RETRY_AFTER => {
                    tokio::time::sleep(pause).await;
                    self.retries.fetch_add(self.urls.len(), Ordering::Relaxed);
                    attempt += 1;
                }
                _ => return Response::Failed(text),
            }
        }
    }

    async fn ask_one(&self, url: &str, question: &Question) -> Result<DnsAnswer, Failure> {
        let (target, accept) = match self.format {
            WireFormat::Wire => {
                let query = build_query(question).map_err(|e| Failure::fatal(e.to_string()))?;
                (get_url(url, &query), WIRE_MEDIA_TYPE)
            }
            WireFormat::Json => (json_query_url(url, question), JSON_MEDIA_TYPE),
        };
        let who = host(url);
        let mut response = self
            .client
            .get(&target)
            .header(reqwest::header::ACCEPT, accept)
            .send()
            .await
            .map_err(|e| Failure::fatal(format!("{who}: {}", describe(&e))))?;
        let status = response.status();
        if status.is_redirection() {
            return Err(Failure::fatal(format!(
                "{who} answered HTTP {} (redirects are not followed)",
                status.as_u16()
            )));
        }
        if !status.is_success() {
            let why = format!("{who} answered HTTP {}", status.as_u16());
            let busy = status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
            let retry = match (busy, retry_after(response.headers())) {
                (false, _) => Retry::Never,
                (true, Some(wait)) => Retry::After(wait),
                (true, None) => Retry::AfterBackoff,
            };
            return Err(Failure { why, retry });
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let expected = match self.format {
            WireFormat::Wire => content_type == WIRE_MEDIA_TYPE,
            WireFormat::Json => content_type == JSON_MEDIA_TYPE || content_type == "application/json",
        };
        if !expected {
            return Err(Failure::fatal(format!("{who} answered with content type {content_type:?}, not {accept}")));
        }
        if response.content_length().is_some_and(|len| len > MAX_RESPONSE_BYTES as u64) {
            return Err(Failure::fatal(format!(
                "{who} sent a {}-byte body, larger than any DNS message",
                response.content_length().unwrap_or(0)
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) =
            response.chunk().await.map_err(|e| Failure::fatal(format!("{who}: {}", describe(&e))))?
        {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(Failure::fatal(format!("{who} sent a body larger than any DNS message")));
            }
            body.extend_from_slice(&chunk);
        }
        let decoded = match self.format {
            WireFormat::Wire => decode_response(&body, question),
            WireFormat::Json => decode_json(&body, question),
        };
        decoded.map_err(|e| Failure::fatal(format!("{who}: {e}")))
    }
}

/// The wait a `Retry-After` header asks for, when given in seconds (the
/// HTTP-date form is not used by resolvers and falls back to the backoff).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn host(url: &str) -> String {
    reqwest::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_else(|| url.to_string())
}

/// A transport error in a few words.
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".to_string()
    } else if error.is_connect() {
        let mut source: Option<&dyn std::error::Error> = Some(error);
        let mut last = error.to_string();
        while let Some(e) = source {
            last = e.to_string();
            source = e.source();
        }
        format!("cannot connect ({last})")
    } else {
        error.to_string()
    }
}
