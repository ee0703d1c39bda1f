//! The JSON form of DoH answers (`application/dns-json`), as served by
//! Google (`https://dns.google/resolve`) and Cloudflare
//! (`https://cloudflare-dns.com/dns-query` with that `accept`).

use super::MAX_ANSWER_RECORDS;
use super::MAX_RESPONSE_BYTES;
use super::answer::{DnsAnswer, DnsError, Question, Rcode, Record, RecordData};
use serde::Deserialize;
use std::fmt::Write as _;

#[derive(Deserialize)]
struct JsonResponse {
    #[serde(rename = "Status")]
    status: u16,
    #[serde(rename = "TC", default)]
    truncated: bool,
    #[serde(rename = "AD", default)]
    authenticated_data: bool,
    #[serde(rename = "Question", default)]
    question: Vec<JsonQuestion>,
    #[serde(rename = "Answer", default)]
    answer: Vec<JsonRecord>,
}

#[derive(Deserialize)]
struct JsonQuestion {
    name: String,
    #[serde(rename = "type")]
    qtype: u16,
}

#[derive(Deserialize)]
struct JsonRecord {
    name: String,
    #[serde(rename = "type")]
    rtype: u16,
    #[serde(rename = "TTL", default)]
    ttl: u32,
    data: String,
}

fn normalize(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
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

/// Decodes a JSON response to `question`.
pub fn decode_json(bytes: &[u8], question: &Question) -> Result<DnsAnswer, DnsError> {
    if bytes.len() > MAX_RESPONSE_BYTES {
        return Err(DnsError::TooLarge(bytes.len()));
    }
    let response: JsonResponse = serde_json::from_slice(bytes).map_err(|e| DnsError::Json(e.to_string()))?;
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
        let bad = |what: &str| DnsError::Json(format!("{what} record of {} has data {:?}", record.name, record.data));
        let data = match record.rtype {
            1 => RecordData::A(record.data.trim().parse().map_err(|_| bad("A"))?),
            28 => RecordData::Aaaa(record.data.trim().parse().map_err(|_| bad("AAAA"))?),
            12 => RecordData::Ptr(normalize(&record.data)),
            5 => RecordData::Cname(normalize(&record.data)),
            _ => continue,
        };
        records.push(Record { name: normalize(&record.name), ttl: record.ttl, data });
    }
    Ok(DnsAnswer {
        rcode: Rcode::from_code(response.status),
        truncated: response.truncated,
        authenticated_data: response.authenticated_data,
        records,
    })
}

#[cfg(test)]
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
