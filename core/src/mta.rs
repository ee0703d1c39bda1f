//! Which mail software wrote a `Received:` field.
//!
//! A `Received:` field is written by the server named in its `by` clause, so
//! what is recognised here is the receiving side of that hop. Hosted
//! providers are recognised by their host names first (Gmail, Microsoft 365
//! and iCloud run software that writes the same comments as Postfix or
//! Exchange), then software by the comment or protocol text it writes.

use serde::{Deserialize, Serialize};

/// A recognised MTA family: a stable identifier for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub enum MtaId {
    Postfix,
    Sendmail,
    Exim,
    Qmail,
    Exchange,
    ExchangeOnline,
    IisSmtp,
    Gmail,
    Yahoo,
    AmazonSes,
    Sendgrid,
    Courier,
    Communigate,
    Mdaemon,
    Opensmtpd,
    Powermta,
    Mailgun,
    Amavis,
    Dovecot,
    Cyrus,
    Ironport,
    Mimecast,
    Barracuda,
    Proofpoint,
    Haraka,
    Smartermail,
    Hmailserver,
    Domino,
    Groupwise,
    Momentum,
    Zoho,
    Protonmail,
    Icloud,
    Kerio,
    Mailenable,
    Icewarp,
    Axigen,
    Zimbra,
    Stalwart,
}

/// Written as its identifier string (one table, [`MtaId::as_str`], serves
/// text and JSON alike).
impl Serialize for MtaId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl MtaId {
    /// The identifier as written in JSON (`exchange-online`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Postfix => "postfix",
            Self::Sendmail => "sendmail",
            Self::Exim => "exim",
            Self::Qmail => "qmail",
            Self::Exchange => "exchange",
            Self::ExchangeOnline => "exchange-online",
            Self::IisSmtp => "iis-smtp",
            Self::Gmail => "gmail",
            Self::Yahoo => "yahoo",
            Self::AmazonSes => "amazon-ses",
            Self::Sendgrid => "sendgrid",
            Self::Courier => "courier",
            Self::Communigate => "communigate",
            Self::Mdaemon => "mdaemon",
            Self::Opensmtpd => "opensmtpd",
            Self::Powermta => "powermta",
            Self::Mailgun => "mailgun",
            Self::Amavis => "amavis",
            Self::Dovecot => "dovecot",
            Self::Cyrus => "cyrus",
            Self::Ironport => "ironport",
            Self::Mimecast => "mimecast",
            Self::Barracuda => "barracuda",
            Self::Proofpoint => "proofpoint",
            Self::Haraka => "haraka",
            Self::Smartermail => "smartermail",
            Self::Hmailserver => "hmailserver",
            Self::Domino => "domino",
            Self::Groupwise => "groupwise",
            Self::Momentum => "momentum",
            Self::Zoho => "zoho",
            Self::Protonmail => "protonmail",
            Self::Icloud => "icloud",
            Self::Kerio => "kerio",
            Self::Mailenable => "mailenable",
            Self::Icewarp => "icewarp",
            Self::Axigen => "axigen",
            Self::Zimbra => "zimbra",
            Self::Stalwart => "stalwart",
        }
    }

    /// A human name for the family.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Postfix => "Postfix",
            Self::Sendmail => "Sendmail",
            Self::Exim => "Exim",
            Self::Qmail => "qmail",
            Self::Exchange => "Microsoft Exchange Server",
            Self::ExchangeOnline => "Microsoft 365 (Exchange Online)",
            Self::IisSmtp => "IIS SMTP service (SMTPSVC)",
            Self::Gmail => "Gmail / Google Workspace",
            Self::Yahoo => "Yahoo / AOL Mail",
            Self::AmazonSes => "Amazon SES",
            Self::Sendgrid => "SendGrid",
            Self::Courier => "Courier",
            Self::Communigate => "CommuniGate Pro",
            Self::Mdaemon => "MDaemon",
            Self::Opensmtpd => "OpenSMTPD",
            Self::Powermta => "PowerMTA",
            Self::Mailgun => "Mailgun",
            Self::Amavis => "amavisd-new",
            Self::Dovecot => "Dovecot",
            Self::Cyrus => "Cyrus IMAP",
            Self::Ironport => "Cisco Secure Email (IronPort)",
            Self::Mimecast => "Mimecast",
            Self::Barracuda => "Barracuda",
            Self::Proofpoint => "Proofpoint",
            Self::Haraka => "Haraka",
            Self::Smartermail => "SmarterMail",
            Self::Hmailserver => "hMailServer",
            Self::Domino => "HCL/Lotus Domino",
            Self::Groupwise => "GroupWise",
            Self::Momentum => "Momentum / SparkPost",
            Self::Zoho => "Zoho Mail",
            Self::Protonmail => "Proton Mail",
            Self::Icloud => "iCloud Mail",
            Self::Kerio => "Kerio Connect",
            Self::Mailenable => "MailEnable",
            Self::Icewarp => "IceWarp",
            Self::Axigen => "Axigen",
            Self::Zimbra => "Zimbra",
            Self::Stalwart => "Stalwart",
        }
    }
}

/// The software recognised on a hop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mta {
    /// The family identifier.
    pub id: MtaId,
    /// Product name, with the release when known (`Microsoft Exchange Server 2016`).
    pub name: String,
    /// Version as written in the header, when it states one.
    pub version: Option<String>,
}

/// The text of one `Received:` field that identifies its writer.
#[derive(Debug, Default)]
pub struct Clues<'a> {
    /// The `by` host.
    pub by: Option<&'a str>,
    /// The words of the `with` clause.
    pub with: Option<&'a str>,
    /// The `id` value.
    pub id: Option<&'a str>,
    /// The comments of the field outside the `from` clause (the `from`
    /// clause's comments name the client, not the writer), as the
    /// `Received:` lexer reads them: every run of white space one space
    /// (`(Exim\r\n 4.96)` is `Exim 4.96`, see
    /// [`crate::received::lexer::lex_read`]), so that marks such as `exim `
    /// match however the header was folded. That is done once, where the
    /// comments are collected, not here.
    pub comments: Vec<&'a str>,
    /// The keyword of a `(HELO x)` / `(EHLO x)` comment in the `from` clause.
    pub helo_keyword: Option<&'a str>,
    /// The rDNS slot of the `from` clause held `UnknownHost` (SmarterMail).
    pub unknown_host: bool,
    /// Layout traits of particular writers.
    pub layout: Layout,
}

/// Layout traits that identify a writer when no product name is written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Layout {
    /// qmail-smtpd: a TCP-info comment that is a bare address (`(192.0.2.1)`,
    /// `(user@192.0.2.1)`) and a date with no weekday in `-0000`.
    pub qmail: bool,
    /// hMailServer: the `;` before the date starts a folded line.
    pub semicolon_after_fold: bool,
    /// PowerMTA: no `from` and no `with` clause, `(envelope-from <...>)` after the date.
    pub envelope_from_after_date: bool,
}

/// Host name suffixes of hosted providers, checked against the `by` host.
/// `hotmail.com` is not one: Hotmail's servers wrote `Microsoft SMTPSVC` or
/// their own software under it long before Microsoft 365 existed, so the
/// name alone says nothing about the software.
const PROVIDER_HOSTS: &[(&str, MtaId)] = &[
    ("google.com", MtaId::Gmail),
    ("gmail.com", MtaId::Gmail),
    ("googlemail.com", MtaId::Gmail),
    ("outlook.com", MtaId::ExchangeOnline),
    ("office365.com", MtaId::ExchangeOnline),
    ("yahoo.com", MtaId::Yahoo),
    ("yahoo.net", MtaId::Yahoo),
    ("yahoodns.net", MtaId::Yahoo),
    ("aol.com", MtaId::Yahoo),
    ("amazonses.com", MtaId::AmazonSes),
    ("sendgrid.net", MtaId::Sendgrid),
    ("mailgun.net", MtaId::Mailgun),
    ("mailgun.org", MtaId::Mailgun),
    ("mimecast.com", MtaId::Mimecast),
    ("mimecast-offshore.com", MtaId::Mimecast),
    ("pphosted.com", MtaId::Proofpoint),
    ("ppe-hosted.com", MtaId::Proofpoint),
    ("iphmx.com", MtaId::Ironport),
    ("barracudanetworks.com", MtaId::Barracuda),
    ("cudamail.com", MtaId::Barracuda),
    ("cudaops.com", MtaId::Barracuda),
    ("postgun.com", MtaId::Mailgun),
    ("zoho.com", MtaId::Zoho),
    ("zohomail.com", MtaId::Zoho),
    ("zoho.eu", MtaId::Zoho),
    ("zoho.in", MtaId::Zoho),
    ("protonmail.ch", MtaId::Protonmail),
    ("protonmail.com", MtaId::Protonmail),
    ("proton.me", MtaId::Protonmail),
    ("proton.ch", MtaId::Protonmail),
    ("icloud.com", MtaId::Icloud),
    ("me.com", MtaId::Icloud),
    ("mail.apple.com", MtaId::Icloud),
];

/// Comment texts (lower case) that name their software.
const COMMENT_MARKS: &[(&str, MtaId)] = &[
    ("exim ", MtaId::Exim),
    ("postfix", MtaId::Postfix),
    ("qmail ", MtaId::Qmail),
    ("invoked from network", MtaId::Qmail),
    ("invoked by uid", MtaId::Qmail),
    ("invoked by alias", MtaId::Qmail),
    ("invoked for bounce", MtaId::Qmail),
    ("communigate pro", MtaId::Communigate),
    ("mdaemon", MtaId::Mdaemon),
    ("opensmtpd", MtaId::Opensmtpd),
    ("powermta", MtaId::Powermta),
    ("amavisd", MtaId::Amavis),
    ("amavis", MtaId::Amavis),
    ("spam firewall", MtaId::Barracuda),
    ("dovecot", MtaId::Dovecot),
    ("cyrus", MtaId::Cyrus),
    ("lmtpproxy", MtaId::Cyrus),
    ("haraka", MtaId::Haraka),
    ("smartermail", MtaId::Smartermail),
    ("lotus domino", MtaId::Domino),
    ("hcl domino", MtaId::Domino),
    ("domino release", MtaId::Domino),
    ("ecelerity", MtaId::Momentum),
    ("momentum", MtaId::Momentum),
    ("simpleemailservice", MtaId::AmazonSes),
    ("hermes smtp server", MtaId::Yahoo),
    ("google transport security", MtaId::Gmail),
    ("kerio", MtaId::Kerio),
    ("mailenable", MtaId::Mailenable),
    ("icewarp", MtaId::Icewarp),
    ("merak", MtaId::Icewarp),
    ("axigen", MtaId::Axigen),
    ("zimbra ", MtaId::Zimbra),
    ("stalwart", MtaId::Stalwart),
    ("barracuda", MtaId::Barracuda),
    ("mimecast", MtaId::Mimecast),
    ("sg", MtaId::Sendgrid),
];

/// Recognises the software that wrote a field.
pub fn detect(clues: &Clues<'_>) -> Option<Mta> {
    let by = clues.by.map(|b| b.trim_end_matches('.').to_ascii_lowercase());
    let with = clues.with.map(str::to_ascii_lowercase);
    let id = clues.id.unwrap_or_default();
    debug_assert!(
        !clues.comments.iter().any(|c| crate::received::lexer::needs_collapse(c)),
        "comments with white space runs: {:?}",
        clues.comments
    );
    let comments: Vec<String> = clues.comments.iter().map(|c| c.to_ascii_lowercase()).collect();

    // Microsoft's transport writes the build number as the id.
    if let Some(with) = &with {
        if with.starts_with("microsoft smtpsvc") {
            return Some(iis_smtp(&comments));
        }
        if with.starts_with("microsoft smtp server") || with == "mapi" || with.starts_with("microsoft exchange") {
            return Some(exchange(by.as_deref(), id));
        }
    }
    if let Some(by) = by.as_deref() {
        if let Some(found) = provider_by_host(by) {
            return Some(match found {
                MtaId::ExchangeOnline => exchange_online(Some(id).filter(|i| looks_like_build(i))),
                other => plain(other, None),
            });
        }
        if looks_like_google_internal(by) {
            return Some(plain(MtaId::Gmail, None));
        }
        if by.starts_with("filterdrecv") || by.starts_with("recvd-") || by.contains("ismtpd") {
            return Some(plain(MtaId::Sendgrid, None));
        }
        if by.ends_with(".amazonaws.com") && (by.starts_with("inbound-smtp.") || by.starts_with("email-smtp.")) {
            return Some(plain(MtaId::AmazonSes, None));
        }
        if by.starts_with("hermes--") || by.starts_with("atlas-") || by.starts_with("atlas--") {
            return Some(plain(MtaId::Yahoo, None));
        }
    }
    if let Some(mta) = software_by_comment(&comments) {
        return Some(mta);
    }
    if let Some(mta) = by_layout(clues, &comments, by.as_deref(), with.as_deref(), id) {
        return Some(mta);
    }
    if let Some(with) = &with {
        if with.contains("hmailserver") {
            return Some(plain(MtaId::Hmailserver, None));
        }
        if with.contains("groupwise") {
            return Some(plain(MtaId::Groupwise, None));
        }
        if with.contains("esmtp/tls/") || with.contains("smtp/tls/") {
            return Some(plain(MtaId::Ironport, None));
        }
        if with.contains("https") && by.as_deref().is_some_and(|b| b.ends_with(".prod.outlook.com")) {
            return Some(exchange_online(None));
        }
    }
    None
}

/// Writers recognised by how they lay the field out; `comments` are the
/// clues' comments in lower case.
fn by_layout(clues: &Clues<'_>, comments: &[String], by: Option<&str>, with: Option<&str>, id: &str) -> Option<Mta> {
    let found = if by.is_some_and(|b| b.starts_with("esa") && b[3..].starts_with(|c: char| c.is_ascii_digit())) {
        // Cisco ESA appliances are named esa1, esa2... by convention.
        MtaId::Ironport
    } else if clues.helo_keyword.is_some_and(|k| k == "EHLO") {
        // Yahoo's inbound MTAs write `(EHLO name)`; qmail and Cisco write `HELO`.
        MtaId::Yahoo
    } else if clues.helo_keyword.is_some() || clues.layout.qmail {
        MtaId::Qmail
    } else if looks_like_courier_id(id) {
        MtaId::Courier
    } else if with.is_some_and(|w| w.starts_with("lmtp")) && looks_like_dovecot_id(id) {
        MtaId::Dovecot
    } else if clues.unknown_host
        || (with == Some("smtp")
            && clues.comments.iter().any(|c| c.contains("cipher=Aes") || c.contains("version=TLS\\Tls")))
    {
        // SmarterMail (.NET): `with SMTP (version=Tls12 cipher=Aes256 bits=256)`.

        MtaId::Smartermail
    } else if comments.iter().any(|c| c == "tls encrypted" || c == "not encrypted") {
        MtaId::Groupwise
    } else if clues.layout.semicolon_after_fold {
        MtaId::Hmailserver
    } else if clues.layout.envelope_from_after_date {
        MtaId::Powermta
    } else {
        return None;
    };
    Some(plain(found, None))
}

/// Dovecot LMTP session ids: 22 characters of base64, maybe `:P1`.
fn looks_like_dovecot_id(id: &str) -> bool {
    let base = id.split(':').next().unwrap_or(id);
    base.len() == 22 && base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

fn plain(id: MtaId, version: Option<String>) -> Mta {
    Mta { id, name: id.display_name().to_string(), version }
}

fn provider_by_host(by: &str) -> Option<MtaId> {
    PROVIDER_HOSTS
        .iter()
        .find(|(suffix, _)| by == *suffix || by.strip_suffix(suffix).is_some_and(|head| head.ends_with('.')))
        .map(|(_, id)| *id)
}

/// Gmail's internal hops are written `by 2002:a05:6520:2d8c:b0:27d:4e2c:3b6`.
fn looks_like_google_internal(by: &str) -> bool {
    by.starts_with("2002:a") && by.contains(":b0:")
}

/// `comments` in lower case, white space runs already one space (see
/// [`Clues::comments`]): a mark's space also matches a tab or a fold in the header.
/// The lower-case ASCII letters of `text`, one bit each (`a` is bit 0).
const fn letters(text: &[u8]) -> u32 {
    let mut mask = 0;
    let mut i = 0;
    while i < text.len() {
        if text[i].is_ascii_lowercase() {
            mask |= 1 << (text[i] - b'a');
        }
        i += 1;
    }
    mask
}

/// The letters of each of [`COMMENT_MARKS`]: a comment lacking one of a
/// mark's letters cannot contain it, which spares most substring searches.
const COMMENT_MARK_LETTERS: [u32; COMMENT_MARKS.len()] = {
    let mut masks = [0; COMMENT_MARKS.len()];
    let mut i = 0;
    while i < masks.len() {
        masks[i] = letters(COMMENT_MARKS[i].0.as_bytes());
        i += 1;
    }
    masks
};

fn software_by_comment(comments: &[String]) -> Option<Mta> {
    for comment in comments {
        let present = letters(comment.as_bytes());
        for ((mark, id), needed) in COMMENT_MARKS.iter().zip(COMMENT_MARK_LETTERS) {
            if needed & !present != 0 {
                continue;
            }
            // A mark ending in a space names a product at the start of the
            // comment (`Exim 4.96`, `qmail 123 invoked...`); "sg" is SendGrid's `(SG)`.
            let hit = if *mark == "sg" {
                comment == "sg"
            } else if mark.ends_with(' ') {
                comment.starts_with(mark) || comment == mark.trim_end()
            } else {
                comment.contains(mark)
            };
            if hit {
                return Some(plain(*id, version_after(comment, mark)));
            }
        }
        if is_sendmail_version(comment) {
            let version = comment.split('/').next().map(str::to_string);
            return Some(plain(MtaId::Sendmail, version));
        }
        if comment.starts_with("auth: ") || comment.contains(", tls: ") || comment.starts_with("ident: ") {
            return Some(plain(MtaId::Courier, None));
        }
    }
    None
}

/// The version word after a product mark: `exim 4.96` → `4.96`.
fn version_after(comment: &str, mark: &str) -> Option<String> {
    let at = comment.find(mark)? + mark.len();
    let word = comment[at..]
        .trim_start_matches([' ', '/', '('])
        .trim_start_matches("(tm)")
        .trim_start_matches("pro ")
        .trim_start_matches("smtp ")
        .trim_start_matches("release ")
        .split([' ', ')', ','])
        .next()?;
    let word = word.trim_start_matches('v');
    (word.starts_with(|c: char| c.is_ascii_digit())).then(|| word.to_string())
}

/// Sendmail writes `(8.15.2/8.15.2)`, `(8.14.4/8.14.4/Submit)` or, long
/// ago, `(4.1/SMI-4.1)` after `by`: its version, then the configuration's.
fn is_sendmail_version(comment: &str) -> bool {
    let mut parts = comment.split('/');
    let first = parts.next().unwrap_or_default().trim();
    let token = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let version = first.starts_with(|c: char| c.is_ascii_digit()) && first.contains('.') && token(first);
    version && parts.next().is_some_and(|second| token(second.trim()) && second.contains(|c: char| c.is_ascii_digit()))
}

/// Courier's queue ids: `0000000000123ABC.0000000063B5A3D1.00001234`.
fn looks_like_courier_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    parts.len() == 3
        && parts[0].len() == 16
        && parts[1].len() == 16
        && parts[2].len() == 8
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A Microsoft build number such as `15.20.7633.15` or `14.03.0319.002`.
fn looks_like_build(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    parts.len() >= 2 && parts.len() <= 4 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn build_numbers(id: &str) -> Option<(u32, u32)> {
    if !looks_like_build(id) {
        return None;
    }
    let mut parts = id.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

fn exchange(by: Option<&str>, id: &str) -> Mta {
    let online_host = by.is_some_and(|b| provider_by_host(b) == Some(MtaId::ExchangeOnline));
    let build = build_numbers(id);
    if online_host || build.is_some_and(|(major, minor)| major == 15 && minor >= 20) {
        return exchange_online(Some(id).filter(|i| looks_like_build(i)));
    }
    let release = build.and_then(|(major, minor)| match (major, minor) {
        (6, _) => Some("2003"),
        (8, _) => Some("2007"),
        (14, _) => Some("2010"),
        (15, 0) => Some("2013"),
        (15, 1) => Some("2016"),
        (15, 2) => Some("2019"),
        _ => None,
    });
    Mta {
        id: MtaId::Exchange,
        name: match release {
            Some(year) => format!("Microsoft Exchange Server {year}"),
            None => MtaId::Exchange.display_name().to_string(),
        },
        version: build.map(|_| id.to_string()),
    }
}

fn exchange_online(build: Option<&str>) -> Mta {
    plain(MtaId::ExchangeOnline, build.map(str::to_string))
}

fn iis_smtp(comments: &[String]) -> Mta {
    let version = comments.iter().find(|c| looks_like_build(c)).cloned();
    let windows = version.as_deref().and_then(build_numbers).and_then(|(major, minor)| match (major, minor) {
        (5, _) => Some("Windows 2000"),
        (6, _) => Some("Windows Server 2003"),
        (7, 0) => Some("Windows Server 2008"),
        (7, 5) => Some("Windows Server 2008 R2"),
        (8, 0) => Some("Windows Server 2012"),
        (8, 5) => Some("Windows Server 2012 R2"),
        (10, _) => Some("Windows Server 2016 or later"),
        _ => None,
    });
    Mta {
        id: MtaId::IisSmtp,
        name: match windows {
            Some(os) => format!("IIS SMTP service ({os})"),
            None => MtaId::IisSmtp.display_name().to_string(),
        },
        version,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clues<'a>(by: &'a str, with: &'a str, id: &'a str, comments: &[&'a str]) -> Clues<'a> {
        Clues { by: Some(by), with: Some(with), id: Some(id), comments: comments.to_vec(), ..Clues::default() }
    }

    #[test]
    fn exchange_releases() {
        let mta = detect(&clues("EXCH02.contoso.local", "Microsoft SMTP Server", "15.1.2507.6", &[])).expect("mta");
        assert_eq!(mta.id, MtaId::Exchange);
        assert_eq!(mta.name, "Microsoft Exchange Server 2016");
        let mta = detect(&clues("x.contoso.local", "mapi", "14.03.0319.002", &[])).expect("mta");
        assert_eq!(mta.name, "Microsoft Exchange Server 2010");
        let mta =
            detect(&clues("BN8NAM12FT045.mail.protection.outlook.com", "Microsoft SMTP Server", "15.20.7633.15", &[]))
                .expect("mta");
        assert_eq!(mta.id, MtaId::ExchangeOnline);
    }

    #[test]
    fn software_comments() {
        let exim =
            detect(&clues("mx.example.org", "esmtps", "1kXyZ-0001ab-Cd", &["TLS1.3", "Exim 4.96"])).expect("exim");
        assert_eq!((exim.id, exim.version.as_deref()), (MtaId::Exim, Some("4.96")));
        let sendmail = detect(&clues("mx.example.org", "ESMTP", "x", &["8.15.2/8.15.2"])).expect("sendmail");
        assert_eq!((sendmail.id, sendmail.version.as_deref()), (MtaId::Sendmail, Some("8.15.2")));
        let iis = detect(&clues("srv", "Microsoft SMTPSVC", "", &["7.5.7601.17514"])).expect("iis");
        assert_eq!(iis.name, "IIS SMTP service (Windows Server 2008 R2)");
    }

    /// A comment as the `Received:` lexer reads it (white space runs one space).
    fn lexed(raw: &str) -> String {
        let mut unfolded = String::new();
        match crate::received::lexer::lex_read(&format!("({raw})"), &mut unfolded).1.remove(0).token {
            crate::received::lexer::Token::Comment(text) => text.to_string(),
            other => panic!("not a comment: {other:?}"),
        }
    }

    /// Regression: `(Exim\r\n 4.96)` and `(Exim\t4.96)` were not Exim's
    /// mark (`exim ` was matched with a literal space), nor `(qmail\t123 ...)`
    /// qmail's, nor `(TLS\r\n encrypted)` GroupWise's.
    #[test]
    fn marks_match_across_folds_and_tabs() {
        let detect_with = |by: &str, with: &str, comment: &str| {
            let comment = lexed(comment);
            detect(&clues(by, with, "1abc-000123-AB", &[comment.as_str()]))
        };
        for comment in ["Exim 4.96", "Exim\r\n 4.96", "Exim\t4.96", "Exim \r\n\t 4.96"] {
            let exim = detect_with("mx.example.org", "esmtp", comment).expect("exim");
            assert_eq!((exim.id, exim.version.as_deref()), (MtaId::Exim, Some("4.96")), "{comment:?}");
        }
        let qmail = detect_with("mx.example.org", "SMTP", "qmail\t12345 invoked\r\n by uid 89").expect("qmail");
        assert_eq!(qmail.id, MtaId::Qmail);
        let cgp = detect_with("mx.example.org", "SMTP", "CommuniGate\tPro SMTP\r\n 6.3.4").expect("cgp");
        assert_eq!((cgp.id, cgp.version.as_deref()), (MtaId::Communigate, Some("6.3.4")));
        let groupwise = detect_with("gw.example.org", "ESMTP", "TLS\r\n encrypted").expect("groupwise");
        assert_eq!(groupwise.id, MtaId::Groupwise);
    }

    #[test]
    fn unknown_is_none() {
        assert_eq!(detect(&clues("mx.example.org", "SMTP", "abc", &[])), None);
    }
}
