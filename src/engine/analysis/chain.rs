//! The Received chain (RFC 5321 section 4.4): each field read into a hop (HELO and reverse-DNS
//! names, IP, TLS, authenticated submission, date), the delays between hops and the clock skew,
//! and the trust boundary: which hops are the recipient's own, and the sending IP where the
//! message entered them.

use super::headers::evidence;
use super::{Analysis, MAX_HOPS};
use crate::parse::date;
use crate::parse::input::{self, Field};
use crate::parse::received;
use crate::report::*;
use crate::vocab::finding::{Evidence, Finding, Severity};
use crate::vocab::ip;
use crate::vocab::text::shorten;

/// MDaemon writes its Received field without the client's address ("from HELO by HOST (MDaemon
/// PRO vN) with ESMTPS id md5...msg") and records the address of the session in its own field
/// below it, X-MDRemoteIP (beside X-MDHelo, the HELO name, and X-MDArrival-Date), as real
/// MDaemon headers show. When the paste has exactly one such field below exactly one MDaemon
/// field without an address, that address is the hop's.
fn mdaemon_remote_ip(fields: &[Field], parsed: &mut [(&Field, received::Received)]) {
    let mut remote = fields.iter().filter(|f| f.is("X-MDRemoteIP"));
    let (Some(field), None) = (remote.next(), remote.next()) else {
        return;
    };
    let Some(ip) = crate::vocab::ip::parse_ip(field.unfolded().trim()) else {
        return;
    };
    let mut hops = parsed.iter_mut().filter(|(f, r)| {
        r.ip.is_none() && f.line < field.line && f.value.to_ascii_lowercase().contains("(mdaemon")
    });
    if let (Some((_, r)), None) = (hops.next(), hops.next()) {
        r.ip = Some(ip);
    }
}

impl Analysis {
    /// The line at or below which the sender's side wrote everything: the Received field of
    /// the hop before the one where the message entered the recipient's systems. The receiving
    /// server's own fields sit above it (Gmail writes them just below its own Received field).
    pub(super) fn boundary_line(&self) -> Option<u32> {
        self.sending_ip
            .as_ref()
            .and_then(|s| self.hops.iter().find(|h| h.number + 1 == s.hop))
            .map(|h| h.line)
    }

    /// The first dated hop is dated well before the message's Date field: RFC 5322 section
    /// 3.6.1 makes Date the moment the message was ready to enter the mail system, so no server
    /// took it in earlier; the clock of the server that wrote that Received field, or of the
    /// device that wrote the Date, is wrong. Under ten minutes is a device clock's usual drift.
    fn note_dated_before_date(&mut self) {
        const DRIFT_MS: i64 = 10 * 60 * 1000;
        let Some(date) = self.message.date.as_ref().and_then(|d| d.epoch_ms) else {
            return;
        };
        let Some(first) = self.hops.iter().find(|h| h.timestamp_ms.is_some()) else {
            return;
        };
        let gap = first.timestamp_ms.unwrap_or(date) - date;
        if gap >= -DRIFT_MS {
            return;
        }
        let line = first.line;
        let finding = Finding {
            code: "received.clock-skew".into(),
            severity: Severity::Warning,
            title: format!(
                "Hop {} is dated {} before the message's Date field.",
                first.number,
                date::format_duration(-gap)
            ),
            detail: format!(
                "The Date field is written when the message is sent, so no server took it in earlier: the clock of {} (which wrote this Received field) or of the device that wrote the Date is wrong. Delays around this hop are unreliable.",
                first
                    .by
                    .as_deref()
                    .unwrap_or("the server that wrote this Received field")
            ),
            evidence: vec![Evidence {
                line: Some(line),
                text: shorten(&first.raw, 300),
            }],
        };
        self.findings.push(finding);
    }

    pub(super) fn read_received(&mut self, fields: &[Field]) {
        let received: Vec<&Field> = fields.iter().filter(|f| f.is("Received")).collect();
        if received.is_empty() {
            self.findings.push(Finding {
                code: "received.none".into(),
                severity: Severity::Info,
                title: "There are no Received headers.".into(),
                detail: "Without them the path of the message cannot be traced. Make sure the full headers were copied, not just From, To and Subject.".into(),
                evidence: Vec::new(),
            });
            return;
        }
        if received.len() > MAX_HOPS {
            self.findings.push(Finding {
                code: "received.too-many".into(),
                severity: Severity::Warning,
                title: format!(
                    "The message has {} Received headers; only the newest {MAX_HOPS} were analyzed.",
                    received.len()
                ),
                detail: "So many hops usually means a mail loop between two servers.".into(),
                evidence: Vec::new(),
            });
        }
        // Message order is newest first; hops are numbered from the oldest.
        let kept: Vec<&Field> = received.into_iter().take(MAX_HOPS).collect();
        let mut parsed: Vec<(&Field, received::Received)> = kept
            .iter()
            .map(|f| (*f, received::parse(&f.value)))
            .filter(|(_, r)| !r.local_note)
            .collect();
        parsed.reverse();
        mdaemon_remote_ip(fields, &mut parsed);

        let mut previous: Option<i64> = None;
        for (i, (field, r)) in parsed.iter().enumerate() {
            let timestamp = r.date.map(|d| d.epoch_ms);
            // A date without a time of day cannot measure a delay.
            let timed = r.date.filter(|d| d.has_time).map(|d| d.epoch_ms);
            let delay = match (previous, timed) {
                (Some(p), Some(t)) => Some(t - p),
                _ => None,
            };
            if timed.is_some() {
                previous = timed;
            }
            self.hops.push(Hop {
                number: i as u32 + 1,
                line: field.line,
                helo: r.helo.as_deref().map(|s| shorten(s, 255)),
                rdns: r.rdns.as_deref().map(|s| shorten(s, 255)),
                ip: r.ip,
                ip_class: r.ip.map(ip::classify),
                by: r.by_host.as_deref().map(|s| shorten(s, 255)),
                with: r.with.as_deref().map(|s| shorten(s, 255)),
                tls: r.tls.as_deref().map(|s| shorten(s, 255)),
                id: r.id.as_deref().map(|s| shorten(s, 255)),
                server_version: r.server_version.clone(),
                for_addr: r.for_addr.as_deref().map(|s| shorten(s, 320)),
                via: r.via.as_deref().map(|s| shorten(s, 255)),
                date_text: r.date_text.as_deref().map(|s| shorten(s, 200)),
                timestamp_ms: timestamp,
                delay_ms: delay,
                internal: false,
                authenticated: r.authenticated,
                encrypted: r.encrypted,
                raw: shorten(&input::collapse_space(field.unfolded()), 2048),
            });
            let empty = r.from.is_none() && r.by.is_none();
            if empty {
                self.findings.push(Finding {
                    code: "received.empty".into(),
                    severity: Severity::Info,
                    title: format!("Hop {} names neither a sending nor a receiving server.", i + 1),
                    detail: "The Received header is empty or damaged, so this step of the path cannot be traced.".into(),
                    evidence: vec![evidence(field)],
                });
            } else if let Some(d) = r.date.filter(|d| d.offset_minutes.is_none()) {
                self.findings.push(Finding {
                    code: "received.date-no-zone".into(),
                    severity: Severity::Info,
                    title: format!(
                        "Hop {}'s date has no time zone{}; it was read as UTC.",
                        i + 1,
                        if d.has_time { "" } else { " and no time of day" }
                    ),
                    detail: "If that server's clock is in another zone, the delays around this hop are off by whole hours.".into(),
                    evidence: vec![evidence(field)],
                });
            }
            if r.date.is_none() && !empty {
                self.findings.push(Finding {
                    code: "received.no-date".into(),
                    severity: Severity::Info,
                    title: format!("Hop {} has no readable date.", i + 1),
                    detail: "Its delay cannot be measured; the hops around it still can.".into(),
                    evidence: vec![evidence(field)],
                });
            }
            if r.may_be_forged {
                self.findings.push(Finding {
                    code: "received.may-be-forged".into(),
                    severity: Severity::Info,
                    title: format!("Hop {}: the receiving server noted the sender's name \"may be forged\".", i + 1),
                    detail: "The name the sending server gave did not match what its address resolves to. Common for misconfigured servers; receivers may distrust it.".into(),
                    evidence: vec![evidence(field)],
                });
            }
            if let Some(d) = delay
                && d < -1000
            {
                self.findings.push(Finding {
                    code: "received.clock-skew".into(),
                    severity: Severity::Warning,
                    title: format!(
                        "Hop {} is dated {} before the hop that handed the message to it.",
                        i + 1,
                        date::format_duration(-d)
                    ),
                    detail: "A server's clock is wrong, or its time zone is written wrongly. Delays around this hop are unreliable.".into(),
                    evidence: vec![evidence(field)],
                });
            }
        }
        let dated: Vec<i64> = parsed
            .iter()
            .filter_map(|(_, r)| r.date.filter(|d| d.has_time).map(|d| d.epoch_ms))
            .collect();
        if let (Some(first), Some(last)) = (dated.first(), dated.last())
            && dated.len() > 1
        {
            self.delivery_ms = Some(last - first);
        }
        self.find_sending_ip();
        self.note_dated_before_date();
        if let Some(hop) = self.hops.iter().find(|h| h.authenticated) {
            let client = match (&hop.ip, &hop.helo) {
                (Some(ip), _) => ip.to_string(),
                (None, Some(helo)) => helo.clone(),
                _ => "an unknown address".to_string(),
            };
            self.findings.push(Finding {
                code: "received.authenticated-submission".into(),
                severity: Severity::Info,
                title: format!(
                    "Hop {}: a mail program logged in from {client} and handed the message to {}.",
                    hop.number,
                    hop.by.as_deref().unwrap_or("its mail server")
                ),
                detail: "This is where the sender's own device or application submitted the message to its provider with a username and password. That address is the sender's computer, phone or application server, not a mail relay.".into(),
                evidence: vec![Evidence {
                    line: Some(hop.line),
                    text: shorten(&format!("Received: {}", hop.raw), 300),
                }],
            });
        }
    }

    /// The recipient's trust boundary in the Received chain (`engine::boundary`); `gateways`:
    /// the organization domains of the recipient domain's MX hosts, when known.
    pub(super) fn trust_boundary(&self, gateways: &[String]) -> crate::engine::boundary::Boundary {
        let has = |name: &str| {
            self.headers
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case(name))
        };
        // A paste with neither From nor Date ends inside the chain.
        let cut_off = !has("From") && !has("Date");
        crate::engine::boundary::find(&self.hops, cut_off, gateways)
    }

    /// The sending IP at the recipient's trust boundary (see `engine::boundary`).
    fn find_sending_ip(&mut self) {
        let boundary = self.trust_boundary(&[]);
        for &index in &boundary.internal {
            self.hops[index].internal = true;
        }
        if let Some((index, reason)) = boundary.chosen {
            let hop = &self.hops[index];
            if let Some(ip) = hop.ip {
                self.sending_ip = Some(SendingIp {
                    ip,
                    hop: hop.number,
                    reason: reason.to_string(),
                });
            }
        } else {
            self.findings.push(Finding {
                code: "received.no-sending-ip".into(),
                severity: Severity::Info,
                title: "No public sending IP address was found in the Received chain.".into(),
                detail: boundary.undecided.unwrap_or("Every address in the chain is private or missing, so the sending server cannot be checked.").into(),
                evidence: Vec::new(),
            });
        }
    }
}
