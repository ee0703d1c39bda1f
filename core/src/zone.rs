//! Answering questions from a zone file (RFC 1035 §5 master-file format)
//! instead of the network: `iprev check --zone FILE` tests planned records
//! before they are published, and iprev's test DoH server serves from one.
//!
//! The file is read with `domain`'s zone-file scanner. Names without an
//! `$ORIGIN` are taken as absolute. Lookups follow CNAMEs inside the zone
//! (at most [`MAX_CNAME_CHAIN`]), answer NXDOMAIN for names that do not exist
//! (empty non-terminals exist: `69.2.81.in-addr.arpa` when
//! `142.69.2.81.in-addr.arpa` does), and NOERROR with no record (NODATA)
//! for names that exist without the type asked for.

use crate::dns::{DnsAnswer, QType, Question, Rcode, Record, RecordData};
use bytes::Bytes;
use domain::base::{Name, ToName};
use domain::rdata::ZoneRecordData;
use domain::zonefile::inplace::{Entry, Zonefile};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Longest CNAME chain followed inside a zone.
pub const MAX_CNAME_CHAIN: usize = 8;

/// Largest zone file read.
pub const MAX_ZONE_BYTES: usize = 16 * 1024 * 1024;

/// A zone file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneError(pub String);

impl fmt::Display for ZoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ZoneError {}

/// The records of a zone that iprev can be asked about.
#[derive(Debug, Clone, Default)]
pub struct Zone {
    records: HashMap<String, Vec<(u32, RecordData)>>,
    names: HashSet<String>,
    /// From the zone's SOA: how long negative answers may be cached.
    negative_ttl: Option<u32>,
}

impl Zone {
    /// Reads a zone file's text.
    pub fn parse(text: &[u8]) -> Result<Self, ZoneError> {
        if text.len() > MAX_ZONE_BYTES {
            return Err(ZoneError(format!("zone file is {} bytes; the limit is {MAX_ZONE_BYTES}", text.len())));
        }
        let mut reader = text;
        let mut scanner = Zonefile::load(&mut reader).map_err(|e| ZoneError(e.to_string()))?;
        scanner.set_origin(Name::<Bytes>::root());
        let mut zone = Self::default();
        loop {
            let offset = scanner.current_offset();
            let entry = match scanner.next_entry() {
                Ok(Some(entry)) => entry,
                Ok(None) => break,
                Err(e) => return Err(ZoneError(entry_error(text, offset, &e.to_string()))),
            };
            match entry {
                Entry::Record(record) => {
                    let owner = record.owner().to_name::<Vec<u8>>().to_string().to_ascii_lowercase();
                    let ttl = record.ttl().as_secs();
                    let data = match record.data() {
                        ZoneRecordData::A(a) => Some(RecordData::A(a.addr())),
                        ZoneRecordData::Aaaa(a) => Some(RecordData::Aaaa(a.addr())),
                        ZoneRecordData::Ptr(p) => Some(RecordData::Ptr(name_text(p.ptrdname()))),
                        ZoneRecordData::Cname(c) => Some(RecordData::Cname(name_text(c.cname()))),
                        ZoneRecordData::Soa(soa) => {
                            let negative = ttl.min(soa.minimum().as_secs());
                            zone.negative_ttl = Some(zone.negative_ttl.map_or(negative, |n| n.min(negative)));
                            None
                        }
                        _ => None,
                    };
                    zone.add_name(&owner);
                    if let Some(data) = data {
                        zone.records.entry(owner).or_default().push((ttl, data));
                    }
                }
                Entry::Include { .. } => return Err(ZoneError("$INCLUDE is not supported".to_string())),
            }
        }
        Ok(zone)
    }

    /// Adds one record (for zones built in code).
    pub fn insert(&mut self, name: &str, ttl: u32, data: RecordData) {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        self.add_name(&name);
        self.records.entry(name).or_default().push((ttl, data));
    }

    fn add_name(&mut self, name: &str) {
        let mut rest = name;
        self.names.insert(rest.to_string());
        while let Some((_, parent)) = rest.split_once('.') {
            self.names.insert(parent.to_string());
            rest = parent;
        }
    }

    /// Number of owner names with records iprev can use.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when the zone holds no PTR, A, AAAA or CNAME record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The answer a recursive resolver would give from this zone. Negative
    /// answers carry the zone's SOA negative TTL, when it has an SOA.
    pub fn answer(&self, question: &Question) -> DnsAnswer {
        let mut answer = self.lookup(question);
        if answer.records.is_empty() && matches!(answer.rcode, Rcode::NoError | Rcode::NxDomain) {
            answer.negative_ttl = self.negative_ttl;
        }
        answer
    }

    fn lookup(&self, question: &Question) -> DnsAnswer {
        let mut records = Vec::new();
        let mut name = question.name.clone();
        for _ in 0..=MAX_CNAME_CHAIN {
            let Some(entries) = self.records.get(&name) else {
                let rcode =
                    if records.is_empty() && !self.names.contains(&name) { Rcode::NxDomain } else { Rcode::NoError };
                return DnsAnswer::new(rcode, records);
            };
            let wanted: Vec<Record> = entries
                .iter()
                .filter(|(_, data)| matches_type(data, question.qtype))
                .map(|(ttl, data)| Record { name: name.clone(), ttl: *ttl, data: data.clone() })
                .collect();
            if !wanted.is_empty() {
                records.extend(wanted);
                return DnsAnswer::new(Rcode::NoError, records);
            }
            let Some((ttl, RecordData::Cname(target))) =
                entries.iter().find(|(_, d)| matches!(d, RecordData::Cname(_)))
            else {
                return DnsAnswer::new(Rcode::NoError, records);
            };
            records.push(Record { name: name.clone(), ttl: *ttl, data: RecordData::Cname(target.clone()) });
            name.clone_from(target);
        }
        // A CNAME loop or an over-long chain: what resolvers answer.
        DnsAnswer::new(Rcode::ServFail, Vec::new())
    }
}

/// `line N: what`, N being the line where the failing entry starts (the
/// scanner reports where it stopped, which may be the next line).
#[allow(clippy::naive_bytecount, reason = "runs once, on an error; no need for a bytecount crate")]
fn entry_error(text: &[u8], offset: usize, scanner_message: &str) -> String {
    let before = &text[..offset.min(text.len())];
    let skipped = text[before.len()..].iter().take_while(|b| b.is_ascii_whitespace()).filter(|&&b| b == b'\n').count();
    let line = before.iter().filter(|&&b| b == b'\n').count() + skipped + 1;
    // The scanner's text is `line:column: message`.
    let message = scanner_message.splitn(3, ':').nth(2).map_or(scanner_message, str::trim);
    format!("line {line}: {message}")
}

fn matches_type(data: &RecordData, qtype: QType) -> bool {
    matches!(
        (data, qtype),
        (RecordData::Ptr(_), QType::Ptr) | (RecordData::A(_), QType::A) | (RecordData::Aaaa(_), QType::Aaaa)
    )
}

fn name_text(name: &impl ToName) -> String {
    name.to_name::<Vec<u8>>().to_string().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZONE: &str = "\
$TTL 300
142.69.2.81.in-addr.arpa.  IN PTR  mail.example.net.
mail.example.net.          IN A     81.2.69.142
mail.example.net.          IN AAAA  2a02:cf40::1
www.example.net.           IN CNAME mail.example.net.
loop1.example.net.         IN CNAME loop2.example.net.
loop2.example.net.         IN CNAME loop1.example.net.
example.net.               IN MX    10 mail.example.net.
";

    fn zone() -> Zone {
        Zone::parse(ZONE.as_bytes()).expect("zone")
    }

    #[test]
    fn answers() {
        let zone = zone();
        let ptr = zone.answer(&Question::new("142.69.2.81.in-addr.arpa", QType::Ptr));
        assert_eq!(ptr.records[0].data, RecordData::Ptr("mail.example.net".into()));
        let chased = zone.answer(&Question::new("WWW.example.net.", QType::A));
        assert_eq!(chased.records.len(), 2);
        assert_eq!(chased.records[1].data, RecordData::A("81.2.69.142".parse().expect("ip")));
        let nodata = zone.answer(&Question::new("example.net", QType::A));
        assert_eq!((nodata.rcode, nodata.records.len()), (Rcode::NoError, 0));
        let ent = zone.answer(&Question::new("69.2.81.in-addr.arpa", QType::Ptr));
        assert_eq!(ent.rcode, Rcode::NoError);
        let nx = zone.answer(&Question::new("1.0.0.10.in-addr.arpa", QType::Ptr));
        assert_eq!(nx.rcode, Rcode::NxDomain);
        let looped = zone.answer(&Question::new("loop1.example.net", QType::A));
        assert_eq!(looped.rcode, Rcode::ServFail);
    }

    #[test]
    fn bad_files_name_the_line() {
        let err = Zone::parse(b"ok.example. IN A 192.0.2.1\nbad.example. IN A 300.1.1.1\n").expect_err("bad address");
        assert_eq!(err.0, "line 2: expected IPv4 address");

        assert!(Zone::parse(b"$INCLUDE other.zone\n").is_err());
    }
}
