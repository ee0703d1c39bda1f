//! The JSON form of DoH answers (`application/dns-json`), as served by
//! Google (`https://dns.google/resolve`) and Cloudflare
//! (`https://cloudflare-dns.com/dns-query` with that `accept`).

use super::MAX_ANSWER_RECORDS;
#[cfg(feature = "json")]
use super::MAX_RESPONSE_BYTES;
use super::answer::{DnsAnswer, DnsError, Question, Rcode, Record, RecordData, without_final_dot};
use serde::Deserialize;
use std::fmt::Write as _;

/// A JSON answer as served, before it is checked against the question.
/// Read it with any serde deserializer (`serde_json` with the `json`
/// feature) or field by field (the browser build reads the result of
/// `JSON.parse`), then hand it to [`answer_from_json`].
#[derive(Debug, Default, Deserialize)]
pub struct JsonResponse {
    /// The response code.
    #[serde(rename = "Status")]
    pub status: u16,
    /// The TC bit.
    #[serde(rename = "TC", default)]
    pub truncated: bool,
    /// The AD bit.
    #[serde(rename = "AD", default)]
    pub authenticated_data: bool,
    /// The question section.
    #[serde(rename = "Question", default)]
    pub question: Vec<JsonQuestion>,
    /// The answer section.
    #[serde(rename = "Answer", default)]
    pub answer: Vec<JsonRecord>,
    /// The authority section (an SOA for negative answers).
    #[serde(rename = "Authority", default)]
    pub authority: Vec<JsonRecord>,
}

/// A question of a JSON answer.
#[derive(Debug, Default, Deserialize)]
pub struct JsonQuestion {
    /// The name, with or without its trailing dot.
    pub name: String,
    /// The type code.
    #[serde(rename = "type")]
    pub qtype: u16,
}

/// A record of a JSON answer.
#[derive(Debug, Default, Deserialize)]
pub struct JsonRecord {
    /// The owner name.
    pub name: String,
    /// The type code.
    #[serde(rename = "type")]
    pub rtype: u16,
    /// Time to live.
    #[serde(rename = "TTL", default)]
    pub ttl: u32,
    /// The data in zone-file text.
    pub data: String,
}

/// A name as the JSON form writes it (zone-file text, usually with the
/// final dot) in the form of [`Question::name`].
fn normalize(name: &str) -> String {
    without_final_dot(name).to_ascii_lowercase()
}

/// The JSON API URL for a question: `?name=<name>&type=<TYPE>`.
pub fn json_query_url(resolver: &str, question: &Question) -> String {
    let separator = if resolver.contains('?') { '&' } else { '?' };
    let mut name = String::new();
    for byte in question.name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            name.push(char::from(byte));
        } else {
            let _ = write!(name, "%{byte:02X}");
        }
    }
    format!("{resolver}{separator}name={name}&type={}", question.qtype.as_str())
}

/// Decodes a JSON response to `question` from its bytes.
#[cfg(feature = "json")]
pub fn decode_json(bytes: &[u8], question: &Question) -> Result<DnsAnswer, DnsError> {
    if bytes.len() > MAX_RESPONSE_BYTES {
        return Err(DnsError::TooLarge(bytes.len()));
    }
    let response: JsonResponse = serde_json::from_slice(bytes).map_err(|e| DnsError::Json(e.to_string()))?;
    answer_from_json(response, question)
}

/// Checks a parsed JSON response against `question` and reads its records.
pub fn answer_from_json(response: JsonResponse, question: &Question) -> Result<DnsAnswer, DnsError> {
    if let Some(answered) = response.question.first()
        && (normalize(&answered.name) != question.name || answered.qtype != question.qtype.code())
    {
        return Err(DnsError::QuestionMismatch {
            asked: question.to_string(),
            answered: format!("{} type {}", normalize(&answered.name), answered.qtype),
        });
    }

    let mut records = Vec::new();
    for record in response.answer.into_iter().take(MAX_ANSWER_RECORDS) {
        let bad = |what: &str| DnsError::Json(format!("{what} record of {} has data \"{}\"", record.name, record.data));
        let data = match record.rtype {
            1 => RecordData::A(record.data.trim().parse().map_err(|_| bad("A"))?),
            28 => RecordData::Aaaa(record.data.trim().parse().map_err(|_| bad("AAAA"))?),
            12 => RecordData::Ptr(normalize(&record.data)),
            5 => RecordData::Cname(normalize(&record.data)),
            _ => continue,
        };
        records.push(Record { name: normalize(&record.name), ttl: record.ttl, data });
    }
    // RFC 2308 §5: min(SOA TTL, SOA MINIMUM); the data is the zone-file text
    // `mname rname serial refresh retry expire minimum`.
    let negative_ttl = if records.is_empty() {
        response.authority.iter().filter(|r| r.rtype == 6).find_map(|soa| {
            let minimum: u32 = soa.data.split_whitespace().nth(6)?.parse().ok()?;
            Some(soa.ttl.min(minimum))
        })
    } else {
        None
    };
    Ok(DnsAnswer {
        rcode: Rcode::from_code(response.status),
        truncated: response.truncated,
        authenticated_data: response.authenticated_data,
        records,
        negative_ttl,
    })
}

#[cfg(all(test, feature = "json"))]
mod tests {
    use super::super::answer::QType;
    use super::*;

    #[test]
    fn google_style_answer() {
        let q = Question::new("mail.example.net", QType::A);
        let body = br#"{"Status":0,"TC":false,"RD":true,"RA":true,"AD":false,"CD":false,"Question":[{"name":"mail.example.net.","type":1}],"Answer":[{"name":"mail.example.net.","type":5,"TTL":60,"data":"web.example.net."},{"name":"web.example.net.","type":1,"TTL":60,"data":"81.2.69.142"}]}"#;
        let answer = decode_json(body, &q).expect("decode");
        assert_eq!(answer.rcode, Rcode::NoError);
        assert_eq!(answer.records.len(), 2);
        assert_eq!(answer.records[1].data, RecordData::A("81.2.69.142".parse().expect("ip")));
    }

    #[test]
    fn errors() {
        let q = Question::new("mail.example.net", QType::A);
        assert!(matches!(decode_json(b"<html>", &q), Err(DnsError::Json(_))));
        assert!(matches!(
            decode_json(br#"{"Status":0,"Question":[{"name":"other.example.","type":1}]}"#, &q),
            Err(DnsError::QuestionMismatch { .. })
        ));
        assert!(matches!(
            decode_json(br#"{"Status":0,"Answer":[{"name":"a.","type":1,"TTL":1,"data":"not an ip"}]}"#, &q),
            Err(DnsError::Json(_))
        ));
        assert_eq!(decode_json(br#"{"Status":3}"#, &q).map(|a| a.rcode), Ok(Rcode::NxDomain));
        let negative = br#"{"Status":3,"Authority":[{"name":"example.net.","type":6,"TTL":1800,"data":"ns1.example.net. hostmaster.example.net. 2023010401 7200 3600 1209600 300"}]}"#;
        assert_eq!(decode_json(negative, &q).map(|a| a.cache_ttl()), Ok(Some(300)));
    }

    /// Regression: `normalize` stripped every trailing dot, so a PTR target
    /// `mail\.` (served `mail\..`) read as `mail\`, and the root as "".
    #[test]
    fn targets_ending_in_a_dot_octet_keep_it() {
        let q = Question::new("142.69.2.81.in-addr.arpa", QType::Ptr);
        let body = br#"{"Status":0,"Question":[{"name":"142.69.2.81.in-addr.arpa.","type":12}],"Answer":[
            {"name":"142.69.2.81.in-addr.arpa.","type":12,"TTL":60,"data":"Mail\\.."},
            {"name":"142.69.2.81.in-addr.arpa.","type":12,"TTL":60,"data":"\\.."},
            {"name":"142.69.2.81.in-addr.arpa.","type":5,"TTL":60,"data":"."},
            {"name":"142.69.2.81.in-addr.arpa.","type":12,"TTL":60,"data":"mail.example.net."}]}"#;
        let answer = decode_json(body, &q).expect("decode");
        let targets: Vec<&RecordData> = answer.records.iter().map(|r| &r.data).collect();
        assert_eq!(
            targets,
            [
                &RecordData::Ptr("mail\\.".to_string()),
                &RecordData::Ptr("\\.".to_string()),
                &RecordData::Cname(".".to_string()),
                &RecordData::Ptr("mail.example.net".to_string()),
            ]
        );
        assert!(answer.records.iter().all(|r| r.name == q.name));
    }

    #[test]
    fn url() {
        let q = Question::new("142.69.2.81.in-addr.arpa", QType::Ptr);
        assert_eq!(
            json_query_url("https://dns.google/resolve", &q),
            "https://dns.google/resolve?name=142.69.2.81.in-addr.arpa&type=PTR"
        );
        let odd = Question::new("a\\032b.example", QType::A);
        assert_eq!(json_query_url("https://x/q?ct=1", &odd), "https://x/q?ct=1&name=a%5C032b.example&type=A");
    }
}
