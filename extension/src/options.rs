//! The options object JavaScript passes to `check`.

use crate::error::{BridgeError, Kind};
use crate::js;
use iprev_core::iprev::Limits;
use wasm_bindgen::{JsCast, JsValue};

/// Cloudflare's RFC 8484 endpoint, the default.
pub const DEFAULT_RESOLVER: &str = "https://cloudflare-dns.com/dns-query";

/// How questions are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// RFC 8484 GET `?dns=`, `accept: application/dns-message`.
    #[default]
    Wire,
    /// The JSON API, `accept: application/dns-json`.
    Json,
}

/// Options of a check; every field may be left out.
#[derive(Debug, Clone)]
pub struct Options {
    /// Resolver URLs, tried in order when one fails.
    pub resolvers: Vec<String>,
    /// Wire or JSON.
    pub format: Format,
    /// Milliseconds to wait for each answer.
    pub timeout_ms: u32,
    /// Milliseconds for the whole live check of the message, all rounds.
    pub deadline_ms: u32,
    /// PTR names per address whose forward lookups are made.
    pub max_ptr_names: usize,
    /// The authserv-id of the `Authentication-Results` line.
    pub authserv_id: String,
    /// Domains of the receiving side (see the route rules).
    pub receiver_domains: Vec<String>,
    /// Advise on every checked hop.
    pub all_hops: bool,
    /// The source name shown in the report.
    pub source: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            resolvers: vec![DEFAULT_RESOLVER.to_string()],
            format: Format::Wire,
            timeout_ms: iprev_core::limits::DEFAULT_QUERY_TIMEOUT_MS,
            deadline_ms: iprev_core::limits::MESSAGE_DEADLINE_MS,
            max_ptr_names: 10,
            authserv_id: "iprev".to_string(),
            receiver_domains: Vec::new(),
            all_hops: false,
            source: "pasted".to_string(),
        }
    }
}

impl Options {
    /// Reads and checks the options object (`undefined`/`null` for defaults).
    pub fn from_js(value: &JsValue) -> Result<Self, BridgeError> {
        let options = Self::read(value).map_err(|e| BridgeError::new(Kind::Options, format!("options: {e}")))?;
        options.validate()?;
        Ok(options)
    }

    fn read(value: &JsValue) -> Result<Self, String> {
        let mut options = Self::default();
        if js::absent(value) {
            return Ok(options);
        }
        if !value.is_object() {
            return Err("must be an object".to_string());
        }
        const KNOWN: [&str; 9] = [
            "resolvers",
            "format",
            "timeoutMs",
            "deadlineMs",
            "maxPtrNames",
            "authservId",
            "receiverDomains",
            "allHops",
            "source",
        ];
        for key in js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !KNOWN.contains(&key.as_str()) {
                return Err(format!("unknown option {key}"));
            }
        }
        if let Some(resolvers) = js::strings(value, "resolvers")? {
            options.resolvers = resolvers;
        }
        options.format = match js::string(value, "format")?.as_deref() {
            None | Some("wire") => Format::Wire,
            Some("json") => Format::Json,
            Some(other) => return Err(format!("format must be \"wire\" or \"json\", not \"{other}\"")),
        };
        if let Some(ms) = js::number(value, "timeoutMs")? {
            options.timeout_ms = ms;
        }
        if let Some(ms) = js::number(value, "deadlineMs")? {
            options.deadline_ms = ms;
        }
        if let Some(n) = js::number(value, "maxPtrNames")? {
            options.max_ptr_names = n as usize;
        }
        if let Some(id) = js::string(value, "authservId")? {
            options.authserv_id = id;
        }
        if let Some(domains) = js::strings(value, "receiverDomains")? {
            options.receiver_domains = domains;
        }
        if let Some(all) = js::boolean(value, "allHops")? {
            options.all_hops = all;
        }
        if let Some(source) = js::string(value, "source")? {
            options.source = source;
        }
        Ok(options)
    }

    fn validate(&self) -> Result<(), BridgeError> {
        if self.resolvers.is_empty() {
            return Err(BridgeError::new(Kind::Options, "options: at least one resolver URL is needed"));
        }
        for url in &self.resolvers {
            check_resolver_url(url)?;
        }
        if !(100..=60_000).contains(&self.timeout_ms) {
            return Err(BridgeError::new(Kind::Options, "options: timeoutMs must be between 100 and 60000"));
        }
        if !(1_000..=300_000).contains(&self.deadline_ms) {
            return Err(BridgeError::new(Kind::Options, "options: deadlineMs must be between 1000 and 300000"));
        }
        if self.authserv_id.is_empty() || self.authserv_id.chars().any(char::is_control) {
            return Err(BridgeError::new(Kind::Options, "options: authservId must be a non-empty name"));
        }
        if !(1..=100).contains(&self.max_ptr_names) {
            return Err(BridgeError::new(Kind::Options, "options: maxPtrNames must be between 1 and 100"));
        }
        Ok(())
    }

    /// The check's bounds.
    pub fn limits(&self) -> Limits {
        Limits { max_ptr_names: self.max_ptr_names, ..Limits::default() }
    }
}

/// `https://host/...`, or `http://` to a loopback address (tests and local
/// resolvers): anything else would show every checked address in clear.
pub fn check_resolver_url(url: &str) -> Result<(), BridgeError> {
    let bad = |why: &str| Err(BridgeError::new(Kind::Options, format!("resolver URL {url}: {why}")));
    let Some((scheme, rest)) = url.split_once("://") else {
        return bad("not an absolute URL");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.rsplit_once('@') {
        Some(_) => return bad("credentials in the URL are not allowed"),
        None => authority,
    };
    let host_only = if host.starts_with('[') {
        host.split(']').next().map(|h| h.trim_start_matches('[')).unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or_default()
    };
    if host_only.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("no host");
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(()),
        "http" => {
            let loopback =
                host_only == "localhost" || host_only.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if loopback { Ok(()) } else { bad("http:// is allowed only to a loopback address; use https://") }
        }
        _ => bad("use https://"),
    }
}
