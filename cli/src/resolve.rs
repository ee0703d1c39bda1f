//! Answering the core's DNS questions: over DNS-over-HTTPS (RFC 8484) with
//! reqwest (rustls, HTTP/2 where the server offers it, one connection pool
//! for the whole run), or from a zone file.

use iprev_core::dns::{
    DnsAnswer, JSON_MEDIA_TYPE, MAX_RESPONSE_BYTES, Question, WIRE_MEDIA_TYPE, build_query, decode_json,
    decode_response, get_url, json_query_url,
};
use iprev_core::iprev::Response;
use iprev_core::zone::Zone;
use std::net::IpAddr;
use std::time::Duration;

/// Cloudflare's RFC 8484 endpoint: the default resolver.
pub const DEFAULT_RESOLVER: &str = "https://cloudflare-dns.com/dns-query";

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
}

/// A DoH client over one or more resolver URLs.
pub struct Doh {
    client: reqwest::Client,
    urls: Vec<String>,
    format: WireFormat,
    timeout: Duration,
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
        Ok(Self { client, urls, format, timeout })
    }

    async fn ask(&self, question: &Question) -> Response {
        let mut failures = Vec::new();
        for url in &self.urls {
            match tokio::time::timeout(self.timeout, self.ask_one(url, question)).await {
                Ok(Ok(answer)) => return Response::Answer(answer),
                Ok(Err(why)) => failures.push(why),
                Err(_) => {
                    failures.push(format!("no answer from {} within {} s", host(url), self.timeout.as_secs_f32()));
                }
            }
        }
        Response::Failed(failures.join("; then "))
    }

    async fn ask_one(&self, url: &str, question: &Question) -> Result<DnsAnswer, String> {
        let (target, accept) = match self.format {
            WireFormat::Wire => {
                let query = build_query(question).map_err(|e| e.to_string())?;
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
            .map_err(|e| format!("{who}: {}", describe(&e)))?;
        let status = response.status();
        if status.is_redirection() {
            return Err(format!("{who} answered HTTP {} (redirects are not followed)", status.as_u16()));
        }
        if !status.is_success() {
            return Err(format!("{who} answered HTTP {}", status.as_u16()));
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
            return Err(format!("{who} answered with content type {content_type:?}, not {accept}"));
        }
        if response.content_length().is_some_and(|len| len > MAX_RESPONSE_BYTES as u64) {
            return Err(format!(
                "{who} sent a {}-byte body, larger than any DNS message",
                response.content_length().unwrap_or(0)
            ));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| format!("{who}: {}", describe(&e)))? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(format!("{who} sent a body larger than any DNS message"));
            }
            body.extend_from_slice(&chunk);
        }
        let decoded = match self.format {
            WireFormat::Wire => decode_response(&body, question),
            WireFormat::Json => decode_json(&body, question),
        };
        decoded.map_err(|e| format!("{who}: {e}"))
    }
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
