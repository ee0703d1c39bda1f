//! What to change, per failure and per sending software. The texts are data
//! (the tables below); [`advise`] picks and fills them.

use crate::domain::{normalize, organization};
use crate::helo::{HeloReport, HeloStatus, NotPublicKind};
use crate::iprev::{ForwardStatus, IprevOutcome, IprevRule};
use crate::mta::{Mta, MtaId};
use crate::report::{Hop, IprevResult};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// How much a piece of advice matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Receivers reject or junk mail because of it.
    Error,
    /// Some receivers mind; worth fixing.
    Warning,
    /// Context: who has to act.
    Info,
}

/// One remediation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advice {
    /// Stable identifier (`ptr-missing`, `helo-internal`...).
    pub id: String,
    /// How much it matters.
    pub severity: Severity,
    /// One line.
    pub title: String,
    /// What is wrong and what to do, in a paragraph.
    pub text: String,
    /// Commands or records to apply, ready to copy.
    pub commands: Vec<String>,
}

/// A piece of advice before its placeholders (`{ip}`, `{name}`...) are filled.
struct Template {
    id: &'static str,
    severity: Severity,
    title: &'static str,
    text: &'static str,
    commands: &'static [&'static str],
}

const PTR_MISSING: Template = Template {
    id: "ptr-missing",
    severity: Severity::Error,
    title: "No reverse DNS (PTR) for {ip}",
    text: "{ip} has no PTR record: {ptr_reason}. AOL, Outlook.com and most spam filters refuse or junk mail from an address without reverse DNS. Only the holder of the IP block can publish it: {owner_how} Point it at {suggested}, and give {suggested} an address record for {ip}, so that the name resolves back (forward-confirmed reverse DNS).",
    commands: &["{suggested}. IN {rrtype} {ip}", "{reverse}. IN PTR {suggested}."],
};

const PTR_MISMATCH: Template = Template {
    id: "ptr-mismatch",
    severity: Severity::Error,
    title: "The PTR name of {ip} does not resolve back to it",
    text: "The PTR record of {ip} names {names}, but {forward_summary}. Receivers check that the name points back to the address (RFC 8601 iprev=fail). Fix one side: add the address record below to the zone of {zone}, or have the holder of the IP block change the PTR to a name that resolves to {ip}: {owner_how}",
    commands: &["{name}. IN {rrtype} {ip}"],
};

const PTR_TEMPERROR: Template = Template {
    id: "ptr-temperror",
    severity: Severity::Warning,
    title: "The reverse DNS of {ip} could not be checked",
    text: "{reason}. Receivers that meet the same failure defer or reject the message. Check again later; if it keeps failing, the name servers for {reverse} are broken or unreachable: tell the holder of the IP block ({owner}).",
    commands: &[],
};

const RESOLVER_FAILED: Template = Template {
    id: "resolver-failed",
    severity: Severity::Warning,
    title: "The resolver gave no usable answer for {ip}",
    text: "{reason}. That is a failure of the DNS-over-HTTPS resolver or of the way to it, not yet a finding about {ip}: receivers use their own resolvers. Check again later, or with another resolver; if every resolver fails the same way, the name servers for {reverse} may be at fault.",
    commands: &[],
};

const FORWARD_TEMPERROR: Template = Template {
    id: "forward-temperror",
    severity: Severity::Warning,
    title: "The names in the PTR record of {ip} could not be checked",
    text: "{reason}. Receivers that meet the same failure defer or reject the message. Check again later; if it keeps failing, the name servers for {names} are broken or unreachable: tell whoever runs that DNS zone.",
    commands: &[],
};

const PTR_GENERIC: Template = Template {
    id: "ptr-generic",
    severity: Severity::Warning,
    title: "{name} looks like an ISP's generic name for a dynamic or residential line",
    text: "Many receivers distrust mail straight from such addresses even when the name resolves (they are listed in policy block lists such as Spamhaus PBL). Send through your provider's smart host or a mail service, or get a static address whose PTR names your mail server.",
    commands: &[],
};

const HELO_INTERNAL: Template = Template {
    id: "helo-internal",
    severity: Severity::Error,
    title: "The sending server announces {helo}, a name that can never be in public DNS",
    text: "{helo} is {kind}. Receivers that check the HELO/EHLO name reject or score it down whatever the PTR says. {use_name} {how}",

    commands: &[],
};

const HELO_MISMATCH: Template = Template {
    id: "helo-mismatch",
    severity: Severity::Error,
    title: "The HELO name {helo} does not resolve to {ip}",
    text: "{reason}. Receivers that check the HELO/EHLO name (Postfix reject_unknown_helo_hostname and many filters) reject or score it down. Either add the address record below, or announce another name. {use_name} {how}",
    commands: &["{helo_name}. IN {rrtype} {ip}"],
};

const HELO_NOT_PTR: Template = Template {
    id: "helo-not-ptr",
    severity: Severity::Info,
    title: "The HELO name {helo} is not the PTR name of {ip}",
    text: "{helo} resolves to {ip}, so most receivers accept it, but some compare it with the PTR name ({ptr}). Announcing the PTR name removes the doubt. {how}",
    commands: &[],
};

const SMART_HOST: Template = Template {
    id: "smart-host",
    severity: Severity::Info,
    title: "The message reached the recipient through {relay}, a relay run by {relay_org}",
    text: "The recipient judged the reverse DNS of {relay} ({ip}), not that of the server it came from ({customer}). If that check fails, {relay_org} must fix it; the name your own server announces only matters to {relay}.",
    commands: &[],
};

/// How to set the HELO name, per sending software.
struct HeloHow {
    text: &'static str,
    commands: &'static [&'static str],
}

fn helo_how(mta: Option<&Mta>) -> HeloHow {
    let Some(mta) = mta else {
        return HeloHow { text: "Set the HELO/EHLO name in the sending server's configuration.", commands: &[] };
    };
    match mta.id {
        MtaId::Exchange => HeloHow {
            text: "{exchange_role} Set that Send connector's FQDN (Get-SendConnector lists the connectors; on an Edge Transport server run it there, for EdgeSync connectors on a Mailbox server):",
            commands: &[
                "Get-SendConnector | Format-Table Name,Fqdn,AddressSpaces",
                "Set-SendConnector -Identity \"<connector name>\" -Fqdn {suggested}",
            ],
        },
        MtaId::IisSmtp => HeloHow {
            text: "On the IIS SMTP service (and Exchange 2003): IIS Manager, SMTP Virtual Server, Properties, Delivery, Advanced, Fully-qualified domain name: {suggested}.",
            commands: &[],
        },
        MtaId::Postfix => HeloHow {
            text: "Postfix announces smtp_helo_name, which defaults to myhostname:",
            commands: &["postconf -e 'smtp_helo_name = {suggested}'", "postfix reload"],
        },
        MtaId::Exim => HeloHow {
            text: "Exim announces the remote_smtp transport's helo_data (default: the primary host name). Set helo_data = {suggested} there; on Debian-style configurations:",
            commands: &[
                "echo 'REMOTE_SMTP_HELO_DATA = {suggested}' >> /etc/exim4/exim4.conf.localmacros",
                "update-exim4.conf && systemctl restart exim4",
            ],
        },
        MtaId::Sendmail => HeloHow {
            text: "Sendmail announces $j; set it in sendmail.mc and rebuild sendmail.cf:",
            commands: &["define(`confDOMAIN_NAME', `{suggested}')dnl"],
        },
        MtaId::Qmail => HeloHow {
            text: "qmail-remote announces control/helohost (default: control/me):",
            commands: &["echo {suggested} > /var/qmail/control/helohost"],
        },
        MtaId::Hmailserver => HeloHow {
            text: "In hMailServer Administrator: Settings, Protocols, SMTP, Delivery of e-mail, Local host name: {suggested}.",
            commands: &[],
        },
        _ => HeloHow { text: "Set the HELO/EHLO name in {software}'s configuration.", commands: &[] },
    }
}

fn exchange_role(mta: &Mta) -> &'static str {
    let release = mta.name.rsplit(' ').next().unwrap_or_default();
    match release {
        "2007" | "2010" => {
            "On Exchange 2007 and 2010 the Hub Transport server (or a subscribed Edge Transport server) sends internet mail through a Send connector, whose FQDN is the name announced in EHLO."
        }
        "2013" => {
            "On Exchange 2013 internet mail leaves through a Send connector on the Mailbox servers' Transport service (or an Edge Transport server); its FQDN is the name announced in EHLO."
        }
        "2016" | "2019" => {
            "On Exchange 2016 and 2019 internet mail leaves through a Send connector on the Mailbox servers (or an Edge Transport server); its FQDN is the name announced in EHLO."
        }
        _ => {
            "On Exchange internet mail leaves through a Send connector (on a Hub Transport or Mailbox server, or an Edge Transport server); its FQDN is the name announced in EHLO."
        }
    }
}

/// A hosting provider recognised by the names around an address.
struct Provider {
    /// Name suffixes that identify it.
    suffixes: &'static [&'static str],
    /// Who holds the block.
    owner: &'static str,
    /// Where its customers set reverse DNS.
    how: &'static str,
}

const PROVIDERS: &[Provider] = &[
    Provider {
        suffixes: &["amazonaws.com"],
        owner: "Amazon Web Services",
        how: "on AWS set the reverse DNS of the Elastic IP (EC2 console, Elastic IPs, Actions, Update reverse DNS; or aws ec2 modify-address-attribute --allocation-id <eipalloc-id> --domain-name {suggested}); the address record must exist first.",
    },
    Provider {
        suffixes: &["cloudapp.azure.com", "cloudapp.net"],
        owner: "Microsoft Azure",
        how: "on Azure set the public IP's reverse FQDN (az network public-ip update --resource-group <group> --name <ip-name> --reverse-fqdn {suggested}.); Azure requires the name to resolve to the IP first.",
    },
    Provider {
        suffixes: &["googleusercontent.com"],
        owner: "Google Cloud",
        how: "on Google Cloud set a public PTR on the VM's access config (gcloud compute instances update-access-config <instance> --zone <zone> --network-interface nic0 --public-ptr --public-ptr-domain {suggested}.).",
    },
    Provider {
        suffixes: &["your-server.de", "hetzner.com", "hetzner.cloud"],
        owner: "Hetzner",
        how: "at Hetzner edit the reverse DNS entry of the IP (Cloud Console, server, Networking; or Robot, IPs, for dedicated servers).",
    },
    Provider {
        suffixes: &[
            "ovh.net", "ovh.ca", "ovh.us", "ip-51-", "ip-54-", "ip-137-", "ip-145-", "ip-147-", "ip-149-", "ip-151-",
            "ip-158-", "ip-164-", "ip-167-", "ip-176-", "ip-178-", "ip-188-", "ip-192-", "ip-193-", "ip-195-",
            "ip-198-", "ip-213-", "ip-217-",
        ],
        owner: "OVHcloud",
        how: "at OVHcloud modify the IP's reverse path (Control Panel, Network, Public IP addresses).",
    },
    Provider {
        suffixes: &["linode.com", "linodeusercontent.com"],
        owner: "Akamai/Linode",
        how: "at Linode edit the IP's reverse DNS (Cloud Manager, Linode, Network, IP address, Edit RDNS).",
    },
    Provider {
        suffixes: &["vultrusercontent.com", "vultr.com"],
        owner: "Vultr",
        how: "at Vultr set the reverse DNS of the IP (server, Settings, IPv4).",
    },
];

fn provider<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<&'static Provider> {
    let names: Vec<String> = names.into_iter().map(normalize).collect();
    PROVIDERS.iter().find(|p| {
        names.iter().any(|n| {
            p.suffixes.iter().any(|s| {
                if s.ends_with('-') {
                    n.starts_with(s) || n.contains(&format!(".{s}"))
                } else {
                    n == s || n.ends_with(&format!(".{s}"))
                }
            })
        })
    })
}

/// Generic ISP naming of dynamic and residential lines.
fn looks_generic(name: &str, ip: IpAddr) -> bool {
    let name = normalize(name);
    let first = name.split('.').next().unwrap_or_default();
    const MARKS: [&str; 12] =
        ["dyn", "dynamic", "dsl", "adsl", "cable", "pool", "dhcp", "ppp", "broadband", "dialup", "cust", "residential"];
    // `dyn`, `pool5`, `dsl-...`: a mark alone or followed by digits.
    let marked = name.split(['.', '-']).any(|part| {
        MARKS.iter().any(|m| part.strip_prefix(m).is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit())))
    });
    let ip_in_name = match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            [
                format!("{a}-{b}-{c}-{d}"),
                format!("{d}-{c}-{b}-{a}"),
                format!("{a}.{b}.{c}.{d}"),
                format!("{d}.{c}.{b}.{a}"),
            ]
            .iter()
            .any(|p| name.contains(p.as_str()))
        }
        IpAddr::V6(_) => false,
    };
    marked || (ip_in_name && first.chars().any(|c| c.is_ascii_digit()))
}

/// What advice is chosen from.
#[derive(Debug)]
pub struct Context<'a> {
    /// The hop being advised on.
    pub hop: &'a Hop,
    /// Its iprev outcome.
    pub outcome: &'a IprevOutcome,
    /// The HELO check, for the sender hop.
    pub helo: Option<&'a HeloReport>,
    /// The software of the server that sent over this hop, when recognised.
    pub sending_mta: Option<&'a Mta>,
    /// A relay between the sender's own server and this hop, when recognised.
    pub smart_host: Option<SmartHost>,
    /// The domain of the `From` address, for suggesting a name.
    pub from_domain: Option<String>,
}

/// A relay run by another organisation that handed the message on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmartHost {
    /// The relay's name.
    pub relay: String,
    /// Its organisation.
    pub relay_org: String,
    /// The server that gave the message to the relay.
    pub customer: String,
}

fn fill(text: &str, vars: &[(&str, String)]) -> String {
    let mut out = text.to_string();
    for (key, value) in vars {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

fn render(template: &Template, vars: &[(&str, String)], how: Option<HeloHow>) -> Advice {
    let mut text = template.text.to_string();
    let mut commands: Vec<String> = template.commands.iter().map(|c| (*c).to_string()).collect();
    if let Some(how) = how {
        text = text.replace("{how}", how.text);
        commands.extend(how.commands.iter().map(|c| (*c).to_string()));
    }
    Advice {
        id: template.id.to_string(),
        severity: template.severity,
        title: fill(template.title, vars),
        text: fill(&text, vars),
        commands: commands.iter().map(|c| fill(c, vars)).collect(),
    }
}

/// A name known to resolve to the address: the PTR name that resolves
/// back, else a HELO name that does.
fn verified_name(ctx: &Context<'_>) -> Option<String> {
    let helo_ok = ctx
        .helo
        .filter(|h| matches!(h.status, HeloStatus::Pass | HeloStatus::ResolvesNotPtr))
        .map(|h| normalize(&h.name));
    ctx.outcome.matched_name.clone().or(helo_ok)
}

/// The name to recommend: a verified one, else `mail.<From domain>`.
fn suggested_name(ctx: &Context<'_>) -> String {
    verified_name(ctx)
        .or_else(|| ctx.from_domain.as_ref().map(|d| format!("mail.{d}")))
        .unwrap_or_else(|| "mail.example.com".to_string())
}

/// The advice for one checked hop.
pub fn advise(ctx: &Context<'_>) -> Vec<Advice> {
    let out = ctx.outcome;
    let ip = out.ip;
    let suggested = suggested_name(ctx);
    let use_name = match verified_name(ctx) {
        Some(name) if out.matched_name.as_deref() == Some(name.as_str()) => {
            format!("Announce {name}: it resolves to {ip} and is its PTR name.")
        }
        Some(name) => format!("Announce {name}: it resolves to {ip} (make it the PTR name too)."),
        None => format!(
            "Announce a public name such as {suggested}, with an address record for {ip}, and make it the PTR name of {ip}."
        ),
    };
    let names: Vec<&str> = out
        .ptr_names
        .iter()
        .map(String::as_str)
        .chain(ctx.hop.from_rdns.as_deref())
        .chain(ctx.hop.from_helo.as_deref())
        .chain(ctx.hop.by.as_deref())
        .collect();
    let found = provider(names);
    let owner = found.map_or("the ISP or hosting provider that holds the address", |p| p.owner);
    let owner_how = found.map_or_else(
        || "ask your ISP or hosting provider, whoever assigned you the address, to set it.".to_string(),
        |p| fill(p.how, &[("suggested", suggested.clone())]),
    );
    let rrtype = if ip.is_ipv4() { "A" } else { "AAAA" };
    let software = ctx.sending_mta.map_or_else(|| "the sending server".to_string(), |m| m.name.clone());
    let mut vars: Vec<(&str, String)> = vec![
        ("ip", ip.to_string()),
        ("reason", out.reason.clone()),
        ("ptr_reason", out.reason.strip_prefix("no PTR record: ").unwrap_or(&out.reason).to_string()),
        ("suggested", suggested.clone()),
        ("owner", owner.to_string()),
        ("owner_how", owner_how),
        ("rrtype", rrtype.to_string()),
        ("reverse", crate::dns::reverse_name(ip)),
        ("names", out.ptr_names.join(", ")),
        ("software", software),
        ("exchange_role", ctx.sending_mta.map(exchange_role).unwrap_or_default().to_string()),
        ("use_name", use_name),
    ];

    let mut advice = Vec::new();
    if let Some(smart) = &ctx.smart_host {
        let smart_vars = [
            ("relay", smart.relay.clone()),
            ("relay_org", smart.relay_org.clone()),
            ("customer", smart.customer.clone()),
            ("ip", ip.to_string()),
        ];
        advice.push(render(&SMART_HOST, &smart_vars, None));
    }
    match out.result {
        IprevResult::Permerror => advice.push(render(&PTR_MISSING, &vars, None)),
        IprevResult::Temperror => {
            let template = if out.resolver_failed {
                &RESOLVER_FAILED
            } else if out.rule == IprevRule::ForwardTempError {
                &FORWARD_TEMPERROR
            } else {
                &PTR_TEMPERROR
            };
            advice.push(render(template, &vars, None));
        }
        IprevResult::Fail => {
            let name = out.ptr_names.first().cloned().unwrap_or_default();
            let summary: Vec<String> = out
                .forward
                .iter()
                .map(|(n, e)| match &e.status {
                    ForwardStatus::NxDomain => format!("{n} does not exist"),
                    ForwardStatus::Answered => format!(
                        "{n} resolves to {}",
                        e.addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                    ),
                    _ => format!("{n} has no {rrtype} record"),
                })
                .collect();
            vars.push(("forward_summary", summary.join("; ")));
            vars.push(("zone", organization(&name).unwrap_or_else(|| name.clone())));
            vars.push(("name", name));
            advice.push(render(&PTR_MISMATCH, &vars, None));
        }
        IprevResult::Pass => {}
    }
    if let Some(name) = out.ptr_names.iter().find(|n| looks_generic(n, ip)) {
        let mut generic_vars = vars.clone();
        generic_vars.push(("name", name.clone()));
        advice.push(render(&PTR_GENERIC, &generic_vars, None));
    }
    if let Some(helo) = ctx.helo {
        let mut helo_vars = vars.clone();
        helo_vars.push(("helo", helo.name.clone()));
        helo_vars.push(("helo_name", normalize(&helo.name)));
        helo_vars.push(("ptr", out.ptr_names.first().cloned().unwrap_or_else(|| "none".to_string())));
        let how = || helo_how(ctx.sending_mta);
        match helo.status {
            HeloStatus::NotPublic => {
                let kind = match helo.not_public {
                    Some(NotPublicKind::AddressLiteral) => "an address literal: receivers want a host name",
                    Some(NotPublicKind::SingleLabel) => "a single label: receivers want a fully qualified name",
                    Some(NotPublicKind::InternalSuffix) => "under a suffix that is never delegated in public DNS",
                    _ => "not a valid host name",
                };
                helo_vars.push(("kind", kind.to_string()));
                advice.push(render(&HELO_INTERNAL, &helo_vars, Some(how())));
            }
            HeloStatus::Mismatch => {
                helo_vars.retain(|(key, _)| *key != "reason");
                helo_vars.push(("reason", helo.reason.clone()));
                advice.push(render(&HELO_MISMATCH, &helo_vars, Some(how())));
            }

            HeloStatus::ResolvesNotPtr if !out.ptr_names.is_empty() => {
                advice.push(render(&HELO_NOT_PTR, &helo_vars, Some(how())));
            }
            _ => {}
        }
    }
    advice
}

/// The software of the server that sent over hop `index`: the writer of the
/// previous hop, when that writer is the client of this one.
pub fn sending_mta(hops: &[Hop], index: usize) -> Option<&Mta> {
    let hop = hops.get(index)?;
    let previous = hops.get(index.checked_sub(1)?)?;
    let by = normalize(previous.by.as_deref()?);
    let client_names = [hop.from_helo.as_deref(), hop.from_rdns.as_deref()];
    let same_host = client_names.iter().flatten().any(|n| normalize(n) == by);
    let same_org =
        client_names.iter().flatten().any(|n| organization(n).is_some() && organization(n) == organization(&by));
    (same_host || same_org).then_some(previous.mta.as_ref()).flatten()
}

/// A smart host: the server that sent over hop `index` got the message from
/// a server of another organisation (by plain SMTP relay, not a user's
/// submission), whose public name is known.
pub fn smart_host(hops: &[Hop], index: usize) -> Option<SmartHost> {
    let hop = hops.get(index)?;
    let previous = hops.get(index.checked_sub(1)?)?;
    let relay = hop.from_rdns.as_deref().or(hop.from_helo.as_deref()).map(normalize)?;
    let relay_org = organization(&relay)?;
    // The relay must be the writer of the previous hop.
    let by = normalize(previous.by.as_deref()?);
    if organization(&by).as_deref() != Some(relay_org.as_str()) {
        return None;
    }
    let customer = previous
        .from_rdns
        .as_deref()
        .or(previous.from_helo.as_deref().filter(|h| crate::domain::non_public_name(h).is_none()))
        .map(normalize)?;
    let customer_org = organization(&customer)?;
    let protocol = previous.with.as_deref().unwrap_or_default().to_ascii_uppercase();
    let submission =
        protocol.ends_with('A') || protocol.starts_with("HTTP") || protocol == "MAPI" || protocol.contains("LOCAL");
    (customer_org != relay_org && !submission).then_some(SmartHost { relay, relay_org, customer })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_names() {
        let ip: IpAddr = "81.2.69.142".parse().expect("ip");
        assert!(looks_generic("81-2-69-142.dyn.example-isp.net", ip));
        assert!(looks_generic("host142.pool.example.net", ip));
        assert!(looks_generic("142.69.2.81.example-isp.net", ip));
        assert!(!looks_generic("mail.example.net", ip));
        assert!(!looks_generic("mx1.customer-mail.example", ip));
        assert!(looks_generic("cust1.example.net", ip));
    }

    #[test]
    fn providers() {
        assert_eq!(provider(["ec2-3-3-3-3.compute-1.amazonaws.com"]).map(|p| p.owner), Some("Amazon Web Services"));
        assert_eq!(provider(["static.142.69.2.81.clients.your-server.de"]).map(|p| p.owner), Some("Hetzner"));
        assert_eq!(provider(["ns3001234.ip-51-68-1-2.eu"]).map(|p| p.owner), Some("OVHcloud"));
        assert_eq!(provider(["mail.example.net"]).map(|p| p.owner), None);
    }
}
