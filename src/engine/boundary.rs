//! The recipient's trust boundary in the Received chain: which hop handed the message to the
//! recipient's side, and so which address the live sender checks (SPF, blocklists, reverse DNS)
//! are about.
//!
//! The chain is walked from the newest hop (RFC 5321 section 4.4: each server prepends its
//! line). Hops whose sending host belongs to an organization that received the message above
//! (its organization domain was a receiving `by` host) are the recipient's own, and so are
//! content scanners re-injecting the message on one machine (amavis, qmail-scanner, `by
//! localhost`). The first hop from outside, from an address that can be on the Internet, gives
//! the sending IP. On shared platforms every tenant's servers share one domain (Microsoft 365's
//! `outlook.com`), so the hop into a platform's inbound edge (`data/received/edges.tsv`) is the
//! boundary whatever the sending host's name: for mail between two Microsoft 365 tenants, the
//! sender tenant's outbound host. An authenticated submission is the sender's own device: the
//! first public server that carried the message on from it is used instead, and no address
//! when no public server did (the live checks are never aimed at the customer's own
//! connection). When every hop
//! looks internal, the oldest public address is used and the reason says so; a paste that ends
//! inside the chain (no From and no Date field below it) gives no address rather than one of
//! the receiving platform's own. A hop from a host of an outside organization whose address is
//! not shown (masked in the paste) is the crossing too: it gives no address, and no older hop
//! is the recipient's, even where one was received by a host of that outside organization.
//!
//! An inbound gateway in front of the recipient's mailbox server (Mimecast, Proofpoint, a
//! Cisco or Barracuda appliance) is the recipient's own too, once the recipient domain's MX
//! records are known: RFC 5321 section 5.1 makes the MX hosts the servers that accept mail for
//! the domain, so a hop from a host of the same organization as an MX host (the gateway
//! handing the message on to Exchange Online or an on-premises server) is inside, and the
//! sending IP is the host that handed the message to the gateway. A hop within one shared
//! platform (a Microsoft 365 tenant to another, both under `outlook.com`) is not a gateway hop:
//! the MX names the platform, not a gateway in front of it.

use crate::report::Hop;
use crate::vocab::domain::org_domain;
use crate::vocab::ip::IpClass;

/// Where the trust boundary lies.
#[derive(Debug, Default)]
pub struct Boundary {
    /// The hops (indexes, oldest first) written by the recipient's own systems.
    pub internal: Vec<usize>,
    /// The hop whose client is the sending server, and why.
    pub chosen: Option<(usize, &'static str)>,
    /// When no hop was chosen: why not, in plain words.
    pub undecided: Option<&'static str>,
}

/// Whether a hop is a content scanner handing the message back on the same system: amavis,
/// qmail-scanner, or a `by localhost` re-injection; or a delivery by LMTP, the receiving
/// system's hand-off to its mail store (RFC 2033 section 1; Fastmail's "by sloti... (Cyrus)
/// with LMTPA"), whose login is a server's, never the sender's.
fn is_scanner(hop: &Hop) -> bool {
    let raw = hop.raw.to_ascii_lowercase();
    hop.with
        .as_deref()
        .is_some_and(|w| w.len() >= 4 && w[..4].eq_ignore_ascii_case("lmtp"))
        || raw.contains("(amavis")
        || raw.contains("qmail-scanner")
        || hop
            .by
            .as_deref()
            .is_some_and(|b| b.eq_ignore_ascii_case("localhost"))
}

/// The shared platform whose inbound edge received this hop, if any (`data/received/edges.tsv`).
fn edge(hop: &Hop) -> Option<&'static str> {
    let by = hop
        .by
        .as_deref()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    crate::vocab::tables::received::EDGES
        .iter()
        .find(|row| {
            by.len() > row[0].len()
                && by.ends_with(row[0])
                && by.as_bytes()[by.len() - row[0].len() - 1] == b'.'
        })
        .map(|row| row[1])
}

/// Finds the trust boundary. `cut_off`: the paste has neither a From nor a Date field, so it
/// ends inside the Received chain. `gateways`: the organization domains of the recipient
/// domain's MX hosts, when known (empty before the MX answer arrives).
pub fn find(hops: &[Hop], cut_off: bool, gateways: &[String]) -> Boundary {
    let mut out = Boundary::default();
    let mut inside: Vec<String> = Vec::new();
    let mut last_public: Option<usize> = None;
    let mut gated = false;
    let mut crossed = false;
    let public = |hop: &Hop| hop.ip_class.is_some_and(IpClass::can_be_sender);
    // The newest hop into a shared platform's inbound edge is where the message entered the
    // recipient's tenant (`data/received/edges.tsv`): every hop written after it is the
    // platform's own, whatever names its internal hosts carry (Microsoft 365's
    // `prod.exchangelabs.com` hosts beside `outlook.com`).
    let entry = hops.iter().rposition(|h| edge(h).is_some());
    for index in (0..hops.len()).rev() {
        let hop = &hops[index];
        if entry.is_some_and(|e| index > e) {
            if let Some(by) = hop.by.as_deref().and_then(org_domain)
                && !inside.contains(&by)
            {
                inside.push(by);
            }
            out.internal.push(index);
            continue;
        }
        if let Some(by) = hop.by.as_deref().and_then(org_domain)
            && !inside.contains(&by)
        {
            inside.push(by);
        }
        if public(hop) {
            last_public = Some(index);
        }
        if is_scanner(hop) {
            out.internal.push(index);
            continue;
        }
        let from_org = hop
            .rdns
            .as_deref()
            .or(hop.helo.as_deref())
            .and_then(org_domain);
        // The recipient's inbound gateway handing the message on (RFC 5321 5.1: the MX hosts
        // accept mail for the domain); not a hop within one platform, whose own hosts share
        // the MX's organization domain.
        let gateway = from_org.as_ref().is_some_and(|org| {
            gateways.contains(org) && hop.by.as_deref().and_then(org_domain).as_ref() != Some(org)
        });
        if gateway {
            out.internal.push(index);
            gated = true;
            continue;
        }
        // A hop that records no client address (masked in the paste, or never written) from a
        // host of an organization that did not receive the message above, to a host whose
        // organization is known, is where the message
        // crossed into the recipient's side: every older hop is the sender's, and no address
        // on this hop can be checked.
        let by_org = hop.by.as_deref().and_then(org_domain);
        if hop.ip.is_none()
            && by_org.is_some()
            && from_org.as_ref().is_some_and(|org| !inside.contains(org))
        {
            crossed = true;
            break;
        }
        // A hop whose client is the very address the hop below it names as its receiving host
        // (Yahoo's web view, "from 10.217.150.12 by atlas...yahoo.com with HTTP", above "by
        // 10.217.150.12 with SMTP") is that server passing the message on (RFC 5321 section
        // 4.4: the by clause names the host that received it): inside, whatever its address.
        let handed_on = index > 0
            && hop.ip.is_some_and(|ip| {
                hops[index - 1]
                    .by
                    .as_deref()
                    .and_then(|b| b.trim_matches(['[', ']']).parse::<core::net::IpAddr>().ok())
                    == Some(ip)
            });
        let internal = handed_on
            || match &from_org {
                Some(org) => inside.contains(org),
                None => !public(hop),
            };
        if internal && public(hop) && edge(hop).is_some() {
            out.chosen = Some((
                index,
                "the hop into the recipient's tenant at the shared platform's inbound edge (Microsoft 365's Exchange Online Protection): the server before it is the sender's, here another tenant's outbound host on the same platform",
            ));
            break;
        }
        if internal {
            out.internal.push(index);
            continue;
        }
        if public(hop) {
            out.chosen = Some((
                index,
                if gated {
                    crate::report::INBOUND_GATEWAY_HOP
                } else {
                    "the first hop from outside the receiving organization"
                },
            ));
            break;
        }
    }
    if out.chosen.is_none() && crossed {
        out.undecided = Some(
            "The hop from the sending server does not show the sending server's address (it is masked or was not recorded), so no address is taken as the sender's.",
        );
        out.internal.reverse();
        return out;
    }
    if out.chosen.is_none() {
        if cut_off {
            out.undecided = Some(
                "The paste ends inside the Received chain (it has no From or Date field), before the hop from the sending server: the addresses it shows are the receiving systems' own, so none of them is taken as the sender's.",
            );
            // Pushed newest hop first (the walk goes down from the last index): oldest first.
            out.internal.reverse();
            return out;
        }
        out.chosen = last_public.map(|i| {
            (
                i,
                "the oldest public address in the chain; every hop looks internal",
            )
        });
    }
    // An authenticated submission is the sender's own device, never a relay: the sending
    // server is the first public address that carried the message on from there.
    // When no public server carried it on (the chain shows only the submission, or the
    // servers after it by private addresses), no address is the sending server's: the live
    // sender checks are not aimed at the customer's own connection.
    if let Some((index, _)) = out.chosen
        && hops[index].authenticated
    {
        out.chosen = (index + 1..hops.len())
            .find(|&i| public(&hops[i]))
            .map(|relay| {
                (
                    relay,
                    "the first server to carry the message on from the sender's own login (an authenticated submission is the sender's device, not a relay)",
                )
            });
        if out.chosen.is_none() {
            out.undecided = Some(
                "The only public address in the chain is the sender's own device, which logged in to submit the message; the server that carried it on does not show a public address, so no address is taken as the sending server's.",
            );
        }
    }
    out.internal.reverse();
    out
}
