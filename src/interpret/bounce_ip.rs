//! Which server a bounce is about: the one that talked to the refusing server. The live checks
//! (blocklists, SPF, reverse DNS) must look at that server, never at the customer's own device
//! that submitted the message with a password.
//!
//! In order: an address the refusing server names in its reply (`Client host [IP]`, `[IP] is
//! in an RBL`, `ip=IP`); the reporting server (RFC 3464 `Reporting-MTA`) where the bounce's own
//! Received fields show its address; the returned copy's sending hop when the bouncing server
//! itself received the copy from outside without a login (a forged message bounced back). A
//! sending service's own event record that names the address it sent from counts as the first.

use crate::checks::bounce::{BounceKind, BounceReport, BouncedRecipient};
use crate::report::{Hop, SendingIp};
use crate::vocab::ip::{IpClass, classify, parse_ip};
use crate::vocab::text::ends_with_ci;
use core::net::IpAddr;

/// A Received field of the bounce itself, reduced to what this needs.
#[derive(Debug, Clone)]
pub struct OuterHop {
    /// The sending host's names (HELO and reverse DNS), lowercase.
    pub names: Vec<String>,
    /// The sending host's address.
    pub ip: Option<IpAddr>,
    /// The receiving host's name when the field records a message made on that host (no
    /// client address; Exim's "with local", a by clause alone as Postfix writes for its own
    /// notices), lowercase.
    pub local_by: Option<String>,
}

/// The reason given for a sending IP read from the returned copy's own path: the hop where it
/// crossed into the organization that bounced it.
pub const RETURNED_COPY_HOP: &str =
    "the server that handed the returned message to the receiving organization";

/// The server a bounce is about, when the paste shows it. `None` with `Some(reason)` in the
/// second part when the paste names none (then no address is checked).
pub fn bounce_sender(
    bounce: &BounceReport,
    outer: &[OuterHop],
    original_hops: &[Hop],
    original_sending: Option<&SendingIp>,
) -> (Option<SendingIp>, Option<&'static str>) {
    // A mailing list's hold notice (`checks::bounce::held`): the list took the post in, and no
    // server refused it.
    if bounce.format.as_deref() == Some("mailman-hold") {
        return (
            None,
            Some(
                "a mailing list holds the post for its moderator: the list accepted it, so no server refused it and there is no sending server of the customer's to check",
            ),
        );
    }
    match bounce.kind {
        // An automatic reply received as a message of its own (no copy of the customer's
        // message in it): the server that handed it to the customer's side, as for any
        // message (the scenarios README's sending IP); with the customer's message returned in
        // it, that copy's path is not the reply's.
        BounceKind::AutoReply if bounce.original.is_none() && original_sending.is_some() => {
            return (original_sending.cloned(), None);
        }
        BounceKind::AutoReply => {
            return (
                None,
                Some(
                    "an automatic reply comes from the recipient's side: there is no sending server of the customer's to check",
                ),
            );
        }
        BounceKind::Feedback => {
            if let Some(ip) = bounce
                .feedback
                .as_ref()
                .and_then(|f| f.source_ip.as_deref())
                .and_then(|s| parse_ip(s.trim()))
            {
                return (
                    Some(SendingIp {
                        ip,
                        hop: 0,
                        reason: "the address the feedback report names as the source of the reported message (Source-IP)".into(),
                    }),
                    None,
                );
            }
        }
        BounceKind::Bounce | BounceKind::Delay | BounceKind::NotBounce => {}
    }
    // 1. An address the refusing server names.
    if let Some(ip) = named_ips(bounce).into_iter().flatten().next() {
        return (
            Some(SendingIp {
                ip,
                hop: 0,
                reason: "the address the refusing server named in its reply".into(),
            }),
            None,
        );
    }
    // 1b. The address the sending service's own record says it sent from (SendGrid's event
    // `ip`, "the IP address used to send the email"; the local end of the connection a sending
    // server's session log shows, `checks::bounce`): the server that talked to the refusing
    // server.
    if let Some(ip) = bounce
        .sent_from_ip
        .as_deref()
        .and_then(|s| parse_ip(s.trim()))
        .filter(|ip| classify(*ip).can_be_sender())
    {
        return (
            Some(SendingIp {
                ip,
                hop: 0,
                reason: "the address the sending service's own event record (or the sending server's session log) names as the one it sent from".into(),
            }),
            None,
        );
    }
    // 2. The returned copy crossed from the sender's side to another organization without a
    // login on that hop (the recipient's server bounced what it had accepted, or a forged copy
    // came back): its sending hop is the server in question.
    if let Some(sending) = original_sending
        && let Some(hop) = crossing_hop(bounce, original_hops, sending)
    {
        return (
            Some(SendingIp {
                ip: sending.ip,
                hop: hop.number,
                reason: RETURNED_COPY_HOP.into(),
            }),
            None,
        );
    }
    // 2b. The client the notice's writer says it received the message from (Sendmail's "The
    // original message was received at ... from NAME [IP]"), when that writer is on the
    // recipient's side: the server it was talking to when refused is inside its own network,
    // or the notice comes from the failed recipients' own organization. It accepted the
    // message, passed it inward and bounced it: its client is the server in question.
    if let Some(ip) = bounce
        .received_from_ip
        .as_deref()
        .and_then(|s| parse_ip(s.trim()))
        .filter(|ip| classify(*ip).can_be_sender())
        && written_on_recipients_side(bounce)
        && !forwarded_and_refused_outside(bounce)
    {
        return (
            Some(SendingIp {
                ip,
                hop: 0,
                reason: "the client the recipient's server received the message from, as its notice says (\"The original message was received ... from\"), before a server inside its own network refused it".into(),
            }),
            None,
        );
    }
    // 3. The reporting server, where the bounce's own Received fields give its address; not
    // for a report of final delivery (RFC 3464 section 2.3.3, Action "delivered": the
    // reporting MTA delivered the message to the recipient's mailbox, so it is the recipient's
    // server, not the one that handed the message over; a "relayed" report comes from the
    // server that passed it on).
    let delivered_report = !bounce.recipients.is_empty()
        && bounce.recipients.iter().all(|r| {
            r.action
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case("delivered"))
        });
    // 4. Else the reporting server's own address where the returned copy records that server
    // taking the message in from its own side (a login, or a client with a private address):
    // RFC 5321 section 4.4 lets the by clause carry the receiving host's TCP-info, and Exchange
    // writes it ("by NAME (IP) with Microsoft SMTP Server").
    // A bounce without a Reporting-MTA (Exim's and Postfix's plain notices) names its writer
    // in its own oldest Received field, where the notice was made on that host (RFC 5321
    // section 4.4: each host that handles a message adds a trace field, the first one by the
    // host where it began; Exim's "from Debian-exim by HOST with local").
    let writer = bounce
        .reporting_mta
        .clone()
        .or_else(|| outer.last().and_then(|h| h.local_by.clone()));
    if !delivered_report
        && let Some(reporting) = writer.as_deref()
        && !exchange_online_datacenter(reporting)
    {
        let in_outer = outer
            .iter()
            .filter(|h| h.names.iter().any(|n| same_host(n, reporting)))
            .find_map(|h| h.ip.filter(|ip| classify(*ip).can_be_sender()))
            .map(|ip| (ip, "its address is in the bounce's own Received field"));
        let in_copy = || {
            original_hops
                .iter()
                .filter(|h| h.by.as_deref().is_some_and(|b| same_host(b, reporting)))
                .filter(|h| {
                    h.authenticated || h.ip_class.is_some_and(|c| !IpClass::can_be_sender(c))
                })
                .find_map(|h| by_address(&h.raw).filter(|ip| classify(*ip).can_be_sender()))
                .map(|ip| {
                    (
                        ip,
                        "its own address is in the returned copy's Received field where it took the message in",
                    )
                })
                .or_else(|| {
                    // A program on the reporting host handing the message to it over its own
                    // public address: the hop's client names the same host as its receiver
                    // (RFC 5321 section 4.4: the FROM clause's TCP-info is the address the
                    // connection came from), so that address is the server's own. Only when
                    // a server replied (a reply code, or a status other than X.4, RFC 3463's
                    // network and routing class): one that never answered talked to no one.
                    let replied = bounce.recipients.iter().any(|r| {
                        r.reply_code.is_some()
                            || r.status
                                .as_deref()
                                .and_then(|s| s.split('.').nth(1))
                                .is_some_and(|subject| subject != "4")
                    });
                    original_hops
                        .iter()
                        .filter(|_| replied)
                        .filter(|h| h.by.as_deref().is_some_and(|b| same_host(b, reporting)))
                        .filter(|h| {
                            h.rdns.as_deref().is_some_and(|n| same_host(n, reporting))
                                && h.helo.as_deref().is_none_or(|n| same_host(n, reporting))
                        })
                        .find_map(|h| h.ip.filter(|ip| classify(*ip).can_be_sender()))
                        .map(|ip| {
                            (
                                ip,
                                "its own address is in the returned copy's Received field, where a program on the same host handed it the message",
                            )
                        })
                })
        };
        if let Some((ip, where_)) = in_outer.or_else(in_copy) {
            return (
                Some(SendingIp {
                    ip,
                    hop: 0,
                    reason: format!(
                        "the server that wrote the bounce ({}), which talked to the refusing server; {where_}",
                        reporting.trim()
                    ),
                }),
                None,
            );
        }
    }
    (
        None,
        Some(
            "the bounce does not show the address of the server that talked to the refusing server (the returned copy shows only the sender's own submission)",
        ),
    )
}

/// The returned copy's hop into the organization that bounced it: its sending hop, without a
/// login, from a public address, between two organizations and not inside the receiver's own
/// network, when no recipient was refused by a server elsewhere. The organization that wrote
/// the bounce then received the message from outside: it is the recipient's side, not the
/// sender's own mail system.
pub fn crossing_hop<'a>(
    bounce: &BounceReport,
    original_hops: &'a [Hop],
    sending: &SendingIp,
) -> Option<&'a Hop> {
    original_hops
        .iter()
        .find(|h| h.number == sending.hop)
        .filter(|hop| {
            !hop.authenticated
                && classify(sending.ip).can_be_sender()
                && crosses(hop)
                && !in_receivers_network(hop)
                && !refused_elsewhere(bounce, hop)
        })
}

/// The organization that wrote the bounce: its Reporting-MTA's, or without one (Exchange's
/// notice shown by a mail program) that of the notice's own sender (its system mailbox or
/// postmaster address).
pub fn reporting_org(bounce: &BounceReport) -> Option<String> {
    let reporting = bounce
        .reporting_mta
        .clone()
        .or_else(|| crate::vocab::domain::of_address(bounce.notice_from.as_deref()?))?;
    crate::vocab::domain::org_domain(&reporting)
}

/// The returned copy's hop into the organization that wrote the bounce (its Reporting-MTA,
/// or else the notice's own sender): a hop that organization's server (or a server of its
/// own with an internal name) recorded, from another organization, from a public address,
/// without a login. When a forward passed the copy on, it is not the sending IP: the bounce
/// is about the forward, while this hop shows where the copy itself came from.
///
/// Not when the organization that wrote the bounce is the From domain's own (its own server
/// bounced what its users sent), nor a hop whose client is shown to be the From domain's own
/// server (its reverse name is in that domain), nor a host handing the message to itself.
pub fn entry_hop<'a>(
    bounce: &BounceReport,
    hops: &'a [Hop],
    from_domain: Option<&str>,
) -> Option<&'a Hop> {
    bounce.original.as_ref()?;
    let org = crate::vocab::domain::org_domain;
    let reporting_org = reporting_org(bounce)?;
    let from_org = from_domain.and_then(org);
    if from_org.as_deref() == Some(reporting_org.as_str()) {
        return None;
    }
    hops.iter().find(|hop| {
        let internal = hop
            .by
            .as_deref()
            .is_some_and(|by| !by.contains('.') || crate::vocab::domain::private_name(by));
        let by_org = hop.by.as_deref().and_then(org);
        let to_itself = hop
            .by
            .as_deref()
            .zip(hop.helo.as_deref())
            .is_some_and(|(by, helo)| by.eq_ignore_ascii_case(helo));
        let from_own = from_org.is_some() && hop.rdns.as_deref().and_then(org) == from_org;
        (by_org.as_deref() == Some(reporting_org.as_str()) || internal)
            && !hop.authenticated
            && !to_itself
            && !from_own
            && hop.ip.is_some_and(|ip| classify(ip).can_be_sender())
            && crosses(hop)
            && !in_receivers_network(hop)
    })
}

/// Per recipient, in order, the address the refusing server names in its words about it (the
/// client it refused: `Client host [IP]`, `[IP] is in an RBL`, `ip=IP`), never one of the remote
/// servers the bounce names. Only a reply names the client: when the sending server gave up
/// without one (no connection, a timeout), the addresses in its words are the servers it
/// tried. A recipient whose last attempt got an SMTP reply (RFC 5321 4.2: a reply code)
/// carries the remote server's own words, even when the retry time then ran out
/// ("451 4.7.500 ... from [IP]" in a delay notice). The DNS servers a session log in the words
/// names are never the client.
pub fn named_ips(bounce: &BounceReport) -> Vec<Option<IpAddr>> {
    let remote_ips: Vec<IpAddr> = bounce
        .recipients
        .iter()
        .filter_map(|r| r.remote_mta.as_deref())
        .flat_map(ips_in)
        .collect();
    bounce
        .recipients
        .iter()
        .map(|r| named_ip(r, &remote_ips))
        .collect()
}

fn named_ip(r: &BouncedRecipient, remote_ips: &[IpAddr]) -> Option<IpAddr> {
    let words = r.diagnostic.as_deref()?;
    let gave_up = !is_reply(words)
        && matches!(
            r.reason.name(),
            "expired" | "networkerror" | "systemerror" | "hostunknown"
        );
    if gave_up {
        return None;
    }
    let connected = connected_to(words);
    // The remote server named with its address in brackets ("mx.b.example [192.0.2.7]:
    // Connection refused", Courier's and others' way of naming the host they tried): the
    // server, not the client.
    let named_remote: Vec<IpAddr> = r
        .remote_mta
        .as_deref()
        .map(|name| {
            let lower = words.to_ascii_lowercase();
            let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
            lower
                .match_indices(&format!("{name} ["))
                .take(16)
                .filter_map(|(i, _)| ip_after(&lower[i + name.len()..]))
                .collect()
        })
        .unwrap_or_default();
    let codes = yahoo_reference_codes(words);
    let sections = rfc_sections(words);
    let resolvers = resolvers(words);
    ips_in(words).into_iter().find(|ip| {
        !remote_ips.contains(ip)
            && !connected.contains(ip)
            && !named_remote.contains(ip)
            && !codes.contains(ip)
            && !sections.contains(ip)
            && !resolvers.contains(ip)
            && classify(*ip).can_be_sender()
    })
}

/// The DNS servers a session log names ("(DNS Server: IP)", MDaemon's "Resolving MX records
/// for [domain] (DNS Server: IP)"): the resolver asked, never a party to the SMTP session.
fn resolvers(words: &str) -> Vec<IpAddr> {
    let lower = words.to_ascii_lowercase();
    lower
        .match_indices("dns server: ")
        .take(16)
        .filter_map(|(i, m)| ip_after(&lower[i + m.len()..]))
        .collect()
}

/// The address that opens `rest` (after brackets, parentheses or spaces), with a port or not.
fn ip_after(rest: &str) -> Option<IpAddr> {
    let rest = rest.trim_start_matches(['[', '(', ' ']);
    let token: String = rest
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || matches!(c, '.' | ':'))
        .collect();
    let token = token.trim_end_matches(['.', ':']);
    parse_ip(token).or_else(|| dotted_with_port(token))
}

/// Section numbers of an RFC the refusing server cites, written like an IPv4 address after
/// the RFC's number ("Invalid HELO name (See RFC2821 4.1.1.1)": RFC 2821 section 4.1.1.1, the
/// EHLO/HELO command; also "RFC 5321 section 4.1.1.1", "RFC 5321, 4.1.1.1"): a place in a
/// document (RFC 7322 section 4.8: sections are numbered with dots), never the client.
fn rfc_sections(words: &str) -> Vec<IpAddr> {
    let lower = words.to_ascii_lowercase();
    lower
        .match_indices("rfc")
        .filter_map(|(at, _)| {
            let rest = lower[at + 3..].trim_start_matches([' ', '-']);
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits == 0 {
                return None;
            }
            let rest = rest[digits..].trim_start_matches([' ', ',']);
            let rest = ["section", "sec.", "§"]
                .iter()
                .find_map(|w| rest.strip_prefix(w))
                .unwrap_or(rest)
                .trim_start();
            let token: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            token.trim_end_matches('.').parse::<IpAddr>().ok()
        })
        .collect()
}

/// Yahoo's own reference code at the end of its replies, written like an IPv4 address between
/// " - " and "; see <its error code page>" ("421 4.7.0 [TSS04] Messages from IP temporarily
/// deferred due to unexpected volume or user complaints - 4.16.55.1; see
/// https://postmaster.yahooinc.com/error-codes", Yahoo Sender Hub, SMTP error codes): an
/// identifier of Yahoo's, never the client the reply is about.
fn yahoo_reference_codes(words: &str) -> Vec<IpAddr> {
    let lower = words.to_ascii_lowercase();
    if !lower.contains("yahoo") {
        return Vec::new();
    }
    lower
        .match_indices("; see ")
        .filter_map(|(at, _)| {
            let before = &lower[..at];
            let start = before.rfind(" - ")? + 3;
            before[start..].trim().parse::<IpAddr>().ok()
        })
        .collect()
}

/// The addresses a sending server's own session log says it connected to (MDaemon's "Attempting
/// SMTP connection to [IP:25]", "Connection established (LOCAL -> REMOTE)"; "connecting to",
/// "connected to"): the remote servers it talked to (RFC 5321 section 2.3.1: the client
/// opens the connection to the server), never the client a refusal is about, wherever else
/// the log writes them.
fn connected_to(words: &str) -> Vec<IpAddr> {
    let lower = words.to_ascii_lowercase();
    let mut out = Vec::new();
    // hMailServer's bounce names the server it sent to as "Remote server (IP) issued an error.
    // hMailServer sent: RCPT TO:<...> Remote server replied: ...": the remote server too; so
    // does Exchange's expiry ("The last endpoint attempted was IP:25", "[LastAttemptedIP=IP:25]",
    // the queue's last attempt, QUEUE.Expired); Exchange's delay notice names it with its name
    // first ("Receiving server: NAME (IP)", "Remote Server at NAME (IP) returned ...").
    for marker in [
        "connection to ",
        "connecting to ",
        "connected to ",
        "-> ",
        "remote server ",
        "endpoint attempted was ",
        "lastattemptedip=",
        "remote server at ",
        "receiving server: ",
    ] {
        let named_first = matches!(marker, "remote server at " | "receiving server: ");
        for (i, _) in lower.match_indices(marker).take(16) {
            let rest = &lower[i + marker.len()..];
            let ip = if named_first {
                // Past the host name, the address in parentheses or brackets.
                let name_end = rest.find([' ', '(', '[']).unwrap_or(rest.len());
                ip_after(&rest[name_end..])
            } else {
                ip_after(rest)
            };
            if let Some(ip) = ip
                && !out.contains(&ip)
            {
                out.push(ip);
            }
        }
    }
    // A failed connection names the server it could not reach by name, then its address in
    // brackets ("Unable to connect to MX server mx.example [IP]: dial tcp IP:25: i/o timeout",
    // Mailgun's delivery-status description; "could not connect to", "failed to connect to"):
    // the remote server, whatever code the sender put before it.
    for (i, m) in lower.match_indices("connect to ").take(16) {
        let rest = &lower[i + m.len()..];
        let mut end = rest.find('\n').unwrap_or(rest.len()).min(200);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let line = &rest[..end];
        if let Some(open) = line.find(['[', '('])
            && let Some(ip) = ip_after(&line[open..])
            && !out.contains(&ip)
        {
            out.push(ip);
        }
    }
    // Gmail's notice names the server it could not connect to inside its brackets, before the
    // error: "[mx.example. IP: FAILED_PRECONDITION: connect error (111): Connection refused]"
    // (its "The recipient server did not accept our requests to connect" notice).
    for (i, _) in lower.match_indices("connect error").take(16) {
        let mut start = i.saturating_sub(200);
        while !lower.is_char_boundary(start) {
            start += 1;
        }
        let before = &lower[start..i];
        if let Some(open) = before.rfind('[') {
            for ip in ips_in(&before[open..]) {
                if !out.contains(&ip) {
                    out.push(ip);
                }
            }
        }
    }
    out
}

/// Whether `words` are an SMTP reply: a 4xx or 5xx reply code first (RFC 5321 4.2).
fn is_reply(words: &str) -> bool {
    let b = words.trim_start().as_bytes();
    b.len() >= 4
        && matches!(b[0], b'4' | b'5')
        && b[1..3].iter().all(u8::is_ascii_digit)
        && matches!(b[3], b' ' | b'-')
}

/// The sender identity the refusing server's words name for SPF (`id=`, `identity=`,
/// `envelope-from=`, `smtp.mailfrom=`), when they are about SPF.
pub fn bounce_identity(bounce: &BounceReport) -> Option<String> {
    for r in &bounce.recipients {
        let Some(words) = r.diagnostic.as_deref() else {
            continue;
        };
        let lower = words.to_ascii_lowercase();
        if !lower.contains("spf") && !lower.contains("sender policy framework") {
            continue;
        }
        for key in [
            "id=",
            "identity=",
            "envelope-from=",
            "smtp.mailfrom=",
            "mailfrom=",
        ] {
            let mut rest = lower.as_str();
            while let Some(at) = rest.find(key) {
                let value: String = rest[at + key.len()..]
                    .chars()
                    .take_while(|c| !matches!(c, ';' | ' ' | ',' | ')' | '>' | '"'))
                    .collect();
                let value = value.trim_start_matches('<').to_string();
                if value.contains('@') && value.len() < 255 {
                    return Some(value);
                }
                rest = &rest[at + key.len()..];
            }
        }
    }
    None
}

/// Whether every refusal came from a server of another organization than the one that wrote
/// the bounce: the reporting server carried the message on (a forward, a relay) and talked to
/// the refusing server itself, so the hop into the reporting server is not the one in question.
/// A refusing server with a private name (RFC 6762 appendix G: .local, .lan, .internal, ...;
/// RFC 8375 home.arpa) is inside the reporting organization.
fn refused_elsewhere(bounce: &BounceReport, hop: &Hop) -> bool {
    let org = crate::vocab::domain::org_domain;
    let Some(reporter) = bounce.reporting_mta.as_deref().and_then(org) else {
        return false;
    };
    !bounce.recipients.is_empty()
        && bounce.recipients.iter().all(|r| {
            refused_outside(r, &reporter).is_some_and(|m| {
                !(recipients_tenant(m, &r.address) && accepted_for(hop, &r.address))
            })
        })
}

/// The server that refused the recipient (its Remote-MTA), when it has a public name in
/// another organization than `reporter`, the bounce writer's.
fn refused_outside<'a>(r: &'a BouncedRecipient, reporter: &str) -> Option<&'a str> {
    r.remote_mta.as_deref().map(mta_name).filter(|m| {
        !crate::vocab::domain::private_name(m)
            && crate::vocab::domain::org_domain(m).is_some_and(|o| o != reporter)
    })
}

/// Whether the writer passed a recipient's message on to another organization's server (an
/// alias or forward: the recipient's Original-Recipient differs from its address) and that
/// server refused it: the writer itself talked to the refusing server, so it is the server in
/// question, not the client it received the message from.
fn forwarded_and_refused_outside(bounce: &BounceReport) -> bool {
    let Some(reporter) = bounce
        .reporting_mta
        .as_deref()
        .map(mta_name)
        .and_then(crate::vocab::domain::org_domain)
    else {
        return false;
    };
    // A server that was never reached (a domain or host not found, no connection) refused
    // nothing.
    let unreached = |r: &BouncedRecipient| {
        use crate::checks::bounce::Reason;
        matches!(
            r.reason,
            Reason::Hostunknown | Reason::Networkerror | Reason::Expired
        )
    };
    bounce.recipients.iter().any(|r| {
        r.original_recipient.is_some() && !unreached(r) && refused_outside(r, &reporter).is_some()
    })
}

/// A server name as a report writes it, without its type ("dns; mx.example.com", RFC 3464
/// section 2.2.2).
fn mta_name(m: &str) -> &str {
    m.trim().trim_start_matches("dns;").trim()
}

/// Whether the notice was written on the failed recipients' side: every recipient was refused
/// by a server inside the writer's own network (a private address, RFC 1918 / RFC 4193, or a
/// private or single-label name), or the writer (its Reporting-MTA or the notice's own sender)
/// belongs to the organization of every failed recipient's domain.
fn written_on_recipients_side(bounce: &BounceReport) -> bool {
    let org = crate::vocab::domain::org_domain;
    if bounce.recipients.is_empty() {
        return false;
    }
    let inside = bounce.recipients.iter().all(|r| {
        r.remote_mta
            .as_deref()
            .map(mta_name)
            .is_some_and(|m| match parse_ip(m) {
                Some(ip) => !classify(ip).can_be_sender(),
                None => !m.contains('.') || crate::vocab::domain::private_name(m),
            })
    });
    let writer = bounce
        .reporting_mta
        .as_deref()
        .map(|m| mta_name(m).to_string())
        .or_else(|| crate::vocab::domain::of_address(bounce.notice_from.as_deref()?))
        .and_then(|w| org(&w.to_ascii_lowercase()));
    // A recipient reached through the writer's own alias or forward (its Original-Recipient,
    // or Sendmail's Final-Recipient beside X-Actual-Recipient) is the writer's too: it took the
    // message in for that address.
    let theirs = writer.is_some_and(|w| {
        bounce.recipients.iter().all(|r| {
            [Some(r.address.as_str()), r.original_recipient.as_deref()]
                .into_iter()
                .flatten()
                .any(|a| {
                    crate::vocab::domain::org_of_address(a.trim().trim_start_matches("rfc822;"))
                        .is_some_and(|o| o == w)
                })
        })
    });
    inside || theirs
}

/// Whether the returned copy's hop into the bouncing organization was for the failed
/// recipient's own domain (its "for" clause, RFC 5321 section 4.4): the bouncing server took
/// the message in for that recipient, not for an address it forwards elsewhere.
fn accepted_for(hop: &Hop, recipient: &str) -> bool {
    let domain = crate::vocab::domain::of_address;
    hop.for_addr
        .as_deref()
        .and_then(domain)
        .is_some_and(|d| Some(d) == domain(recipient))
}

/// Whether a server name is the recipient domain's own Exchange Online endpoint: Microsoft
/// 365 names a domain's mail host after the domain, its dots as hyphens, under
/// mail.protection.outlook.com (Microsoft Learn, "External Domain Name System records for
/// Microsoft 365": MX "<domain-key>.mail.protection.outlook.com"). A gateway in front of it
/// (Proofpoint, Mimecast, ...) that bounces what that endpoint refused wrote the bounce on the
/// recipient's own side.
fn recipients_tenant(server: &str, recipient: &str) -> bool {
    let Some(domain) = crate::vocab::domain::of_address(recipient) else {
        return false;
    };
    let key = format!(
        "{}.mail.protection.outlook.com",
        domain.to_ascii_lowercase().replace('.', "-")
    );
    server.trim_end_matches('.').eq_ignore_ascii_case(&key)
}

/// Whether a hop goes from one organization to another (by the names it records). A HELO
/// name is the client's own claim (RFC 5321 section 4.4: the FROM clause's domain is what the
/// client said; the TCP-info, here the reverse name, is what the receiver found): a client with
/// a public address and no reverse name is not shown to be the receiving organization's own by
/// greeting with that organization's domain, as forged mail often does.
pub fn crosses(hop: &Hop) -> bool {
    let org = crate::vocab::domain::org_domain;
    let verified = hop.rdns.as_deref();
    let from = verified.or(hop.helo.as_deref()).and_then(org);
    let by = hop.by.as_deref().and_then(org);
    let unverified_public = verified.is_none() && hop.ip_class.is_some_and(IpClass::can_be_sender);
    // A receiving host that names itself by an address literal (Yahoo's "by 10.217.151.76 with
    // SMTPs", RFC 5321 section 4.4 allows the by clause an address) has no name of a client's
    // organization: a client from another, public address reached it from outside.
    let by_address = hop
        .by
        .as_deref()
        .and_then(|b| parse_ip(b.trim().trim_start_matches('[').trim_end_matches(']')));
    match (from, by) {
        (Some(f), Some(b)) => f != b || unverified_public,
        (None, Some(_)) => true,
        (Some(_), None) => {
            by_address.is_some_and(|b| Some(b) != hop.ip)
                && hop.ip_class.is_some_and(IpClass::can_be_sender)
        }
        _ => false,
    }
}

/// Whether the hop's client address lies in the receiving server's own network: the address
/// the by clause gives for the receiving host (RFC 5321 section 4.4; Exchange writes "by NAME
/// (IP)") shares the client's /24 (IPv4) or /32 (IPv6) prefix, and both names belong to one
/// organization. A forger cannot send from inside the receiver's own address block, so such
/// a hop is that organization's internal relay (Exchange Online's "from
/// DB9PR07MB8411.eurprd07.prod.outlook.com (2603:10a6:10:2f1::14) by
/// AM9PR07MB7123.eurprd07.prod.outlook.com (2603:10a6:20b:2c4::9)"), not a copy that came
/// in from outside; so is a host handing the message to itself (the same address on both
/// sides, Exchange's own transport stages: "from DB8PR02MB5916... (2603:10a6:10:12c::21) by
/// DB8PR02MB5916... (2603:10a6:10:12c::21)").
fn in_receivers_network(hop: &Hop) -> bool {
    let org = crate::vocab::domain::org_domain;
    // Between two of Exchange Online's own servers (a mailbox server, its front end, EOP:
    // `*.prod.outlook.com`, `*.mail.protection.outlook.com`, `*.outlook.office365.com`, the
    // names Exchange Online writes), or a server handing the message to itself by name with
    // no address in its by clause ("from LO2P265MB5127.GBRP265.PROD.OUTLOOK.COM (2603:10a6:...)
    // by LO2P265MB5127.GBRP265.PROD.OUTLOOK.COM with Microsoft SMTP Server"), the message is
    // still inside Microsoft's service. The by clause is the receiving server's own record.
    let exchange_online = |name: &str| {
        let name = name.trim().trim_end_matches('.');
        exchange_online_datacenter(name)
            || ends_with_ci(name, ".mail.protection.outlook.com")
            || ends_with_ci(name, ".outlook.office365.com")
    };
    if let (Some(helo), Some(by)) = (hop.helo.as_deref(), hop.by.as_deref())
        && exchange_online(helo)
        && exchange_online(by)
    {
        return true;
    }
    let (Some(client), Some(server)) = (hop.ip, by_address(&hop.raw)) else {
        return false;
    };
    let same_org = match (
        hop.helo.as_deref().and_then(org),
        hop.by.as_deref().and_then(org),
    ) {
        (Some(f), Some(b)) => f == b,
        _ => false,
    };
    let same_prefix = match (client, server) {
        (IpAddr::V4(a), IpAddr::V4(b)) => a.octets()[..3] == b.octets()[..3],
        (IpAddr::V6(a), IpAddr::V6(b)) => a.segments()[..2] == b.segments()[..2],
        _ => false,
    };
    same_org && same_prefix
}

/// The address a Received field's by clause gives for the receiving host, in parentheses or
/// brackets right after its name ("by NAME (IP)", "by NAME ([IP])"); the clause as the Received
/// reader (`parse::received`) delimits it.
fn by_address(raw: &str) -> Option<IpAddr> {
    let clause = crate::parse::received::parse(raw).by?;
    let by = clause.trim_start();
    let after_name = by[by.find(char::is_whitespace)?..].trim_start();
    let inner = after_name.strip_prefix('(')?.trim_start_matches('[');
    let token: String = inner
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || matches!(c, '.' | ':'))
        .collect();
    // The address alone in its brackets: "(8.17.1.9/8.17.1.9)" is Sendmail's version.
    inner[token.len()..]
        .trim_start()
        .starts_with([')', ']'])
        .then(|| parse_ip(&token))
        .flatten()
}

/// Whether a reporting server is an Exchange Online server inside Microsoft's datacenters
/// (`NAME.REGION.prod.outlook.com`, the names Exchange Online's mailbox and transport servers
/// write in Received fields): Exchange Online hands mail for the Internet to Exchange Online
/// Protection, whose outbound servers (`*.outbound.protection.outlook.com`, in the address
/// ranges Microsoft publishes for Exchange Online) make the connection to the recipient's server
/// (Microsoft Learn, "Mail flow in EOP" and "Microsoft 365 URLs and IP address ranges",
/// Exchange Online). The address such a server has in the bounce's own Received fields is
/// Microsoft's internal one, not the client the refusing server saw.
fn exchange_online_datacenter(reporting: &str) -> bool {
    let name = reporting.trim().trim_end_matches('.');
    ends_with_ci(name, ".prod.outlook.com")
}

fn same_host(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_end_matches('.').to_ascii_lowercase();
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

/// The IP addresses written in a text: dotted quads (with a port after `:` or a fifth
/// number) and IPv6. Addresses in brackets or after `ip=` come first (that is how servers name
/// a client); then the others in text order.
/// Whether `before` (the text before an address) ends with Exim's `host NAME [`.
fn exim_remote_host(before: &str) -> bool {
    let Some(rest) = before.strip_suffix('[') else {
        return false;
    };
    let Some(rest) = rest.strip_suffix(' ') else {
        return false;
    };
    let name_start = rest.rfind(' ').map_or(0, |p| p + 1);
    let name = &rest[name_start..];
    name.contains('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
        && ends_with_ci(&rest[..name_start], "host ")
}

fn ips_in(text: &str) -> Vec<IpAddr> {
    let mut out: Vec<(bool, IpAddr)> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && out.len() < 16 {
        let c = bytes[i];
        let starts = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.');
        if starts && (c.is_ascii_hexdigit() || c == b':') {
            let end = text[i..]
                .find(|ch: char| !(ch.is_ascii_hexdigit() || ch == '.' || ch == ':'))
                .map(|e| i + e)
                .unwrap_or(text.len());
            let token = text[i..end].trim_end_matches(['.', ':']);
            if let Some(ip) = parse_ip(token)
                .or_else(|| dotted_with_port(token))
                .filter(|ip| !matches!(classify(*ip), IpClass::Loopback))
                && !out.iter().any(|(_, o)| *o == ip)
                // `host.example[IP]` names the remote server (Postfix's "host NAME[IP] said",
                // "connect to NAME[IP]"), never the client.
                && !(text[..i].ends_with('[')
                    && text[..i - 1]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.'))
                // Exim's "host NAME [IP]: ..." / "host NAME [IP] SMTP error from remote mail
                // server" names the remote server it talked to (Exim specification, the
                // delivery error messages), never the client.
                && !exim_remote_host(&text[..i])
                // Exchange's NDR diagnostics name the server it tried
                // (`[LastAttemptedServerName=...] [LastAttemptedIP=IP:25]`).
                && !ends_with_ci(&text[..i], "lastattemptedip=")
            {
                let named = text[..i].ends_with('[') || ends_with_ci(&text[..i], "ip=");
                out.push((named, ip));
            }
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    crate::vocab::sort::sort_by_key(&mut out, |(named, _)| !*named);
    out.into_iter().map(|(_, ip)| ip).collect()
}

/// `a.b.c.d.port` or `a.b.c.d:port`.
fn dotted_with_port(token: &str) -> Option<IpAddr> {
    if let Some((ip, port)) = token.rsplit_once(':')
        && port.chars().all(|c| c.is_ascii_digit())
        && let Some(ip) = ip.parse::<core::net::Ipv4Addr>().ok()
    {
        return Some(IpAddr::V4(ip));
    }
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() == 5
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return parts[..4].join(".").parse().ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_client_reaching_a_host_named_by_its_address_crosses() {
        let hops = crate::parse::received::parse(
            "from 198.51.100.31 (EHLO b224-31.smtp-out.eu-west-2.amazonses.com) by 10.217.151.76 with SMTPs; Tue, 07 Apr 2026 17:02:44 +0000",
        );
        let mut hop = crate::report::Hop {
            number: 1,
            line: 1,
            helo: hops.helo.clone(),
            rdns: hops.rdns.clone(),
            ip: hops.ip,
            ip_class: hops.ip.map(classify),
            by: hops.by_host.clone(),
            with: None,
            tls: None,
            id: None,
            server_version: None,
            for_addr: None,
            via: None,
            date_text: None,
            timestamp_ms: None,
            delay_ms: None,
            internal: false,
            authenticated: false,
            encrypted: false,
            raw: String::new(),
        };
        assert!(crosses(&hop));
        // The same address on both sides is a host handing the message to itself.
        hop.by = Some("198.51.100.31".into());
        assert!(!crosses(&hop));
        // From a private address it is no crossing.
        hop.by = Some("10.217.151.76".into());
        hop.ip = parse_ip("10.0.0.2");
        hop.ip_class = hop.ip.map(classify);
        assert!(!crosses(&hop));
    }

    #[test]
    fn an_rfc_section_number_is_not_an_address() {
        assert_eq!(
            rfc_sections("550 Access denied - Invalid HELO name (See RFC2821 4.1.1.1)"),
            vec![parse_ip("4.1.1.1").unwrap()]
        );
        assert_eq!(
            rfc_sections("see RFC 5321 section 4.1.1.1 and RFC 5321, 2.3.5.1"),
            vec![parse_ip("4.1.1.1").unwrap(), parse_ip("2.3.5.1").unwrap()]
        );
        assert!(rfc_sections("client 192.0.2.1 refused, rfc-ignorant").is_empty());
    }

    #[test]
    fn an_exchange_notice_names_the_remote_server_after_its_name() {
        let words = "Remote Server at mta6.am0.yahoodns.net (192.0.2.146) returned '400 4.4.7 [TSS04] Messages from 203.0.113.44 temporarily deferred'";
        assert_eq!(connected_to(words), vec![parse_ip("192.0.2.146").unwrap()]);
    }

    #[test]
    fn the_recipients_exchange_online_endpoint_is_its_own_side() {
        let host = "distribuidora-atlas-example.mail.protection.outlook.com.";
        assert!(recipients_tenant(
            host,
            "r.mendes@distribuidora-atlas.example"
        ));
        assert!(!recipients_tenant(host, "someone@other.example"));
        assert!(!recipients_tenant(
            "EUR01-AM5-obe.mail.protection.outlook.com",
            "a@distribuidora-atlas.example"
        ));
    }

    #[test]
    fn a_session_logs_resolver_is_no_client() {
        let log = "Resolving A record for [mx.example] (DNS Server: 192.0.2.53)...\n*  Connection established (203.0.113.45:55120 -> 198.51.100.70:25)\n<-- 421 4.3.2 Service not available";
        assert_eq!(resolvers(log), vec![parse_ip("192.0.2.53").unwrap()]);
    }

    #[test]
    fn the_by_clause_address() {
        assert_eq!(
            by_address(
                "from A.prod.outlook.com (2603:10a6:10:2f1::14) by B.prod.outlook.com (2603:10a6:20b:2c4::9) with Microsoft SMTP Server"
            ),
            parse_ip("2603:10a6:20b:2c4::9")
        );
        assert_eq!(
            by_address(
                "from mx.example (mx.example [192.0.2.1]) by mail.example.org (Postfix) with ESMTP id 1"
            ),
            None
        );
        // Sendmail writes its version there.
        assert_eq!(
            by_address("from localhost (localhost) by mail.example.org (8.17.1.9/8.17.1.9) id 1"),
            None
        );
        assert_eq!(
            by_address("from a (10.0.0.1) by mail.example.org ([192.0.2.7]) with ESMTP"),
            parse_ip("192.0.2.7")
        );
    }

    #[test]
    fn an_exchange_online_datacenter_server_is_not_the_one_that_connected_out() {
        assert!(exchange_online_datacenter(
            "AS8PR09MB6155.eurprd09.prod.outlook.com"
        ));
        assert!(exchange_online_datacenter(
            " DM6PR01MB0001.NAMPRD01.PROD.OUTLOOK.COM. "
        ));
        assert!(!exchange_online_datacenter(
            "mail-am6eur05on2041.outbound.protection.outlook.com"
        ));
        assert!(!exchange_online_datacenter("mail.example.com"));
    }

    #[test]
    fn hmailserver_names_the_remote_server() {
        let words = "Error Type: SMTP Remote server (203.0.113.52) issued an error. hMailServer sent: RCPT TO:<a@example.net> Remote server replied: 550 5.7.1 bogus HELO name used: SRV01";
        assert_eq!(connected_to(words), vec![parse_ip("203.0.113.52").unwrap()]);
    }

    #[test]
    fn addresses_a_session_log_connected_to() {
        let log = "Attempting SMTP connection to [203.0.113.88:25]\n* Connection established (198.51.100.58:52814 -> 203.0.113.88:25)\nMX=[mx.example] {203.0.113.88}";
        let to = connected_to(log);
        assert_eq!(to, vec![parse_ip("203.0.113.88").unwrap()]);
        assert!(connected_to("550 5.7.1 Client host [192.0.2.2] blocked").is_empty());
        // A failed connection names the server it tried, by name and then address.
        assert_eq!(
            connected_to(
                "421 Unable to connect to MX server mx.example [203.0.113.119]: dial tcp 203.0.113.119:25: i/o timeout"
            ),
            vec![parse_ip("203.0.113.119").unwrap()]
        );
        assert_eq!(
            connected_to(
                "The recipient server did not accept our requests to connect. [mx.example. 203.0.113.61: FAILED_PRECONDITION: connect error (111): Connection refused]"
            ),
            vec![parse_ip("203.0.113.61").unwrap()]
        );
        // Cut points inside a multi-byte character are moved to its edge.
        let wide = format!(
            "a{}connect error connect to a{}",
            "€".repeat(100),
            "ü".repeat(150)
        );
        assert!(connected_to(&wide).is_empty());
    }

    #[test]
    fn addresses_in_replies() {
        let ips = |t: &str| ips_in(t).iter().map(|i| i.to_string()).collect::<Vec<_>>();
        assert_eq!(
            ips("550 JunkMail rejected - host [192.0.2.2]:40122 is in an RBL on zen.spamhaus.org"),
            ["192.0.2.2"]
        );
        assert_eq!(ips("Client host [203.0.113.25] blocked"), ["203.0.113.25"]);
        assert_eq!(
            ips("host mx00.gmx.net[203.0.113.19] refused: see ?i=ip&v=198.51.100.230&r=1"),
            ["198.51.100.230"]
        );
        assert_eq!(
            ips("s=mfrom;id=a@b.example;ip=198.51.100.201;r=x"),
            ["198.51.100.201"]
        );
        assert_eq!(
            ips("from [2001:db8:4f2a:10::25] no PTR"),
            ["2001:db8:4f2a:10::25"]
        );
        assert_eq!(ips("version 5.7.26 and 4.16.55.1"), ["4.16.55.1"]);
        assert_eq!(
            ips("[TSS04] from 192.0.2.77 deferred - 4.16.55.1; [198.51.100.9]"),
            ["198.51.100.9", "192.0.2.77", "4.16.55.1"]
        );
        assert!(ips("no address here, 5.1.1 only").is_empty());
        // Exim names the remote server it talked to, not the client.
        assert!(
            ips("host mx.receiver.example [203.0.113.7] SMTP error from remote mail server after RCPT TO:<d@r.example>: 552 5.2.2 Mailbox full")
                .is_empty()
        );
        assert_eq!(
            ips("host mx.r.example [203.0.113.7]: 550 Client host [192.0.2.9] blocked"),
            ["192.0.2.9"]
        );
        // Exchange names the server it tried, not the client.
        assert!(
            ips("550 4.4.7 QUEUE.Expired [LastAttemptedServerName=mx.example] [LastAttemptedIP=203.0.113.240:25]")
                .is_empty()
        );
    }

    #[test]
    fn a_reply_is_the_remote_servers_words() {
        assert!(is_reply(
            "451 4.7.500 Server busy. Please try again later from [198.51.100.183]."
        ));
        assert!(is_reply("  550-5.7.1 first line"));
        assert!(!is_reply("Connection timed out"));
        assert!(!is_reply("retry timeout exceeded"));
        assert!(!is_reply("250 ok"));
        assert!(!is_reply("4511 no"));
        assert!(!is_reply("45"));
    }

    #[test]
    fn a_plain_bounce_names_its_writer_in_its_own_oldest_received_field() {
        let text = "From: Mail Delivery System <Mailer-Daemon@docs01.example.lan>\nTo: a@example.org\nSubject: Mail delivery failed: returning message to sender\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  u@example.net\n    host smtp-relay.example.com [192.0.2.28]\n    SMTP error from remote mail server after RCPT TO:<u@example.net>:\n    550 5.4.5 Daily SMTP relay limit exceeded for customer\n";
        let bounce = crate::checks::bounce::analyze(text.as_bytes());
        assert!(bounce.reporting_mta.is_none());
        let relayed = OuterHop {
            names: vec!["docs01.example.lan".into()],
            ip: parse_ip("198.51.100.61"),
            local_by: None,
        };
        let made = OuterHop {
            names: vec!["debian-exim".into()],
            ip: None,
            local_by: Some("docs01.example.lan".into()),
        };
        let (found, _) = bounce_sender(&bounce, &[relayed.clone(), made.clone()], &[], None);
        assert_eq!(found.map(|s| s.ip), parse_ip("198.51.100.61"));
        // Without the field that shows where the notice was made, no writer is known.
        let (found, why) = bounce_sender(&bounce, &[relayed], &[], None);
        assert!(found.is_none() && why.is_some());
    }
}
