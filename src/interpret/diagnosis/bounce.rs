//! The causes a bounce, delay notice, feedback report or automatic reply gives: the refusing
//! server's own words decide, read through the bounce reader's reason and the topic table
//! (`data/diagnosis/reasons.tsv`); the IP, list and identity the words name are what the live
//! checks look at. A bounce about a message the customer's servers never sent (a forged sender)
//! is backscatter, and says so.

use super::evidence::Context;
use super::make_cause;
use crate::checks::bounce::{BounceKind, BouncedRecipient};
use crate::report::diagnosis::{Cause, Certainty, Party, Source};
use crate::vocab::finding::Evidence;
use crate::vocab::tables;

/// The causes of a bounce-like paste.
pub(super) fn causes(ctx: &Context) -> Vec<Cause> {
    let Some(b) = &ctx.r.bounce else {
        return Vec::new();
    };
    match b.kind {
        BounceKind::AutoReply => {
            if let Some(c) = denied_sending(ctx) {
                return vec![c];
            }
            return vec![make_cause(
                ctx,
                "bounce.auto-reply",
                "auto-reply",
                "This is an automatic reply, not a failure: the message was delivered.".into(),
                b.summary.clone(),
                None,
                // Told by its words alone (no header field marks it): likely, not certain.
                if b.format.as_deref() == Some(crate::checks::bounce::ABSENCE_TEXT) {
                    Certainty::Likely
                } else {
                    Certainty::Certain
                },
                // The recipient's side wrote it (the scenarios README's party).
                Party::Receiver,
                Source::Bounce,
                Vec::new(),
            )];
        }
        BounceKind::Feedback => {
            // A complaint about a message the customer's servers never sent is backscatter
            // too (the scenarios README's topic): its copy shows where it came from.
            if let Some(c) = backscatter(ctx) {
                return vec![c];
            }
            // An authentication failure report (RFC 6591; DMARC's, RFC 7489 section 7.3) of
            // the domain's own mail: the method its Auth-Failure names failed at the receiver
            // (bodyhash, signature and revoked are DKIM's, RFC 6591 section 3.1).
            if let Some(f) = b.feedback.as_ref().filter(|f| f.auth_failure_report()) {
                let method = match f.auth_failure.as_deref() {
                    Some("spf") => "spf",
                    Some("bodyhash" | "signature" | "revoked" | "adsp") => "dkim",
                    _ => "dmarc",
                };
                let source = f
                    .source_ip
                    .as_deref()
                    .map(|ip| format!(" The reported message came from {}.", ip.trim()))
                    .unwrap_or_default();
                return vec![make_cause(
                    ctx,
                    "bounce.auth-failure",
                    method,
                    format!(
                        "A receiving server reported that a message using the domain failed {} (an authentication failure report, not a complaint).",
                        method.to_ascii_uppercase()
                    ),
                    format!("{}{source}", b.summary),
                    None,
                    Certainty::Certain,
                    Party::Sender,
                    Source::Bounce,
                    Vec::new(),
                )];
            }
            let detail = match &b.feedback {
                // An abuse desk's notice says in its own summary who complained.
                Some(_) if b.format.as_deref() == Some("abuse-desk") => b.summary.clone(),
                Some(f) => format!(
                    "{} A feedback report{} tells the sender that a recipient pressed \"Report spam\".",
                    b.summary,
                    f.user_agent
                        .as_deref()
                        .map(|u| format!(" from {u}"))
                        .unwrap_or_default()
                ),
                None => b.summary.clone(),
            };
            return vec![make_cause(
                ctx,
                "bounce.feedback",
                "complaint",
                "A recipient reported the message as spam.".into(),
                detail,
                None,
                Certainty::Certain,
                Party::Sender,
                Source::Bounce,
                Vec::new(),
            )];
        }
        // A read receipt: the recipient's mail program answered by itself that it showed,
        // deleted or otherwise handled the message (RFC 8098 section 3.2.6): the message was
        // delivered. An automatic reply by the scenarios README's topics.
        BounceKind::NotBounce if ctx.receipt() => {
            return vec![make_cause(
                ctx,
                "bounce.read-receipt",
                "auto-reply",
                "This is a read receipt, not a failure: the message was delivered.".into(),
                b.summary.clone(),
                Some("Nothing to do: a receipt only reports what the recipient's mail program did with the message. Whether the recipient read it is theirs to say.".into()),
                Certainty::Certain,
                // The recipient's side wrote it (the scenarios README's party).
                Party::Receiver,
                Source::Bounce,
                Vec::new(),
            )];
        }
        _ => {}
    }
    if let Some(text) = super::message::paste_damage(ctx) {
        return vec![super::message::damaged(ctx, text, Source::Bounce)];
    }
    if let Some(c) = backscatter(ctx) {
        return vec![c];
    }
    if b.original.is_none()
        && let Some(c) = denied_sending(ctx)
    {
        return vec![c];
    }
    // A challenge-response filter's request (`checks::bounce::challenge`) about a message the
    // customer did send: an automatic answer from the recipient's side, not a failure; the
    // message waits for the sender's confirmation.
    if b.format.as_deref() == Some("challenge-response") {
        return vec![make_cause(
            ctx,
            "bounce.challenge-response",
            "auto-reply",
            "The recipient's server holds the message until the sender confirms it (a challenge-response filter): this is no bounce.".into(),
            b.summary.clone(),
            Some("If you sent this message, confirm it as the request says (reply to it without changing its subject, or open its link): the message is then delivered, and your later messages pass without a request. The recipient can add your address to their list of allowed senders instead.".into()),
            Certainty::Certain,
            Party::Receiver,
            Source::Bounce,
            Vec::new(),
        )];
    }
    let mut out: Vec<Cause> = Vec::new();
    // A recipient whose reason the words decided comes before one the reader could not
    // decide (Sisimai's "onhold"): an address the notice names without any failure of its own
    // (its addressee under a label in another language) does not hide the refusal it reports.
    let (decided, undecided): (Vec<_>, Vec<_>) = b
        .recipients
        .iter()
        .partition(|r| r.reason != crate::checks::bounce::Reason::Onhold);
    // In a report about several recipients, those that failed come first, then those still
    // being tried, then those delivered or relayed (RFC 3464 section 2.3.3's actions): the
    // notice was sent for the failure, and a delivery beside it is no cause.
    let rank = |r: &crate::checks::bounce::BouncedRecipient| match r
        .action
        .as_deref()
        .map(str::to_ascii_lowercase)
    {
        Some(a)
            if a.starts_with("delivered")
                || a.starts_with("relayed")
                || a.starts_with("expanded") =>
        {
            2
        }
        Some(a) if a.starts_with("delayed") => 1,
        _ => 0,
    };
    // Among those, a recipient the customer names in their own words comes first: a server
    // log or a notice about several recipients answers the question they asked about that one.
    let asked = super::message::prose(ctx)
        .map(|e| e.text.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    let named = |r: &crate::checks::bounce::BouncedRecipient| {
        let a = r.address.trim().to_ascii_lowercase();
        !a.is_empty() && asked.contains(&a)
    };
    // Then a refusal of the sending server itself (its IP listed or of bad reputation, no
    // reverse DNS, failed authentication: RFC 3463's X.7.x security refusals of the client)
    // before a refusal about one recipient's mailbox (unknown, full, moved): the first
    // stops the sender's mail to everyone at that receiver, the second concerns one address.
    let sender_wide = |r: &crate::checks::bounce::BouncedRecipient| {
        use crate::checks::bounce::Reason;
        matches!(
            r.reason,
            Reason::Blocked | Reason::Badreputation | Reason::Requireptr | Reason::Authfailure
        )
    };
    let mut decided = decided;
    decided.sort_by_key(|r| (rank(r), !named(r), !sender_wide(r)));
    for r in decided.into_iter().chain(undecided) {
        // A recipient the report says is still being tried, in a failure report about others
        // (another address whose action is "failed"; a delay notice pasted above the final
        // failure of the same recipient, or a log's earlier deferral of it, is that failure's).
        let mixed = b.recipients.iter().any(|x| {
            x.action
                .as_deref()
                .is_some_and(|a| a.trim().eq_ignore_ascii_case("failed"))
                && !x.address.eq_ignore_ascii_case(&r.address)
        });
        let kind = if b.kind == BounceKind::Bounce && mixed && rank(r) == 1 {
            BounceKind::Delay
        } else {
            b.kind
        };
        let cause = recipient_cause(ctx, kind, r);
        if !out.iter().any(|c| c.topic == cause.topic) {
            out.push(cause);
        }
    }
    out
}

/// Whether the bounce is addressed to a mailing list's return address: ezmlm's
/// `list-return-<number>-...@` (ezmlm(5): the list's messages go out with that envelope sender
/// so that bounces come back to it), Mailman's `list-bounces@` / `list-bounces+...@` (Mailman
/// documentation: the list's bounce address) or Sympa's `list-owner@` (sympa.conf: the list's
/// return path). Then the refused message was a post the list resent to its members under the
/// author's From: a DMARC refusal of it is what a list's resending does to the author's
/// authentication (RFC 7960 section 3.2.3: mailing lists that modify messages, and section
/// 4.1.3), not the poster's setup nor the member's server.
/// The returned copy's own envelope sender (its Return-Path) at such an address says the same:
/// the refused copy was the list's resend.
fn returned_to_list(ctx: &Context) -> bool {
    let list_return = |a: &str| {
        a.trim()
            .trim_matches(['<', '>'])
            .rsplit_once('@')
            .is_some_and(|(local, _)| {
                let local = local.to_ascii_lowercase();
                local.contains("-return-")
                    || local.ends_with("-bounces")
                    || local.contains("-bounces+")
                    || local.ends_with("-owner")
            })
    };
    ctx.r
        .message
        .to
        .iter()
        .filter_map(|m| m.address.as_deref())
        .any(list_return)
        || ctx
            .r
            .message
            .return_path
            .as_deref()
            .is_some_and(list_return)
}

/// The remote server an Exchange NDR names in its "Remote server returned '<host #5.x.x
/// smtp;550 ...>'" diagnostic (the host, then `#` and the enhanced status).
fn exchange_remote_host(r: &BouncedRecipient) -> Option<&str> {
    let d = r.diagnostic.as_deref()?;
    let open = d.find('<')?;
    let rest = d.get(open + 1..)?;
    let (host, after) = rest.split_once(' ')?;
    (after.starts_with('#') && host.contains('.') && !host.contains('@')).then_some(host)
}

/// Whether a reply refuses the client's HELO/EHLO argument itself: the argument named ("HELO
/// argument", "HELO name", "EHLO hostname", "HELO/EHLO") and called unfit ("malformed",
/// "invalid", "bogus", "not fully qualified", "FQDN"), as MagicSpam's "550 5.7.0 HELO argument
/// [name] is malformed" (its valid-HELO-identifier page) and the HELO checks RFC 5321 section
/// 4.1.1.1 allows write it (the argument is the client's fully-qualified domain name or an
/// address literal). A stage note such as Exim's "after EHLO mail.example:" names the command,
/// not its argument, and does not count.
fn helo_name_refused(words: &str) -> bool {
    const ARGUMENT: &[&str] = &[
        "helo argument",
        "ehlo argument",
        "helo name",
        "ehlo name",
        "helo hostname",
        "ehlo hostname",
        "helo host name",
        "ehlo host name",
        "helo identifier",
        "helo string",
        "helo/ehlo",
        "ehlo/helo",
    ];
    const UNFIT: &[&str] = &[
        "malformed",
        "invalid",
        "not valid",
        "bogus",
        "not fully qualified",
        "fully-qualified",
        "fully qualified",
        "fqdn",
    ];
    ARGUMENT.iter().any(|a| words.contains(a)) && UNFIT.iter().any(|u| words.contains(u))
}

/// Whether the refusal is a list's answer to a post it does not accept from this address:
/// Google Groups' ("you may not have permission to post messages to the group"), or Sympa's
/// "Message distribution: Authorization denied", whose delivery status names the send
/// scenario that refused it as its diagnostic ("Diagnostic-Code: X-Sympa; send_subscriber",
/// Sympa's delivery_status_notification template; send_subscriber, send_editor, ... are its
/// scenarios of who may post).
fn group_post_refused(r: &BouncedRecipient) -> bool {
    r.diagnostic.as_deref().is_some_and(|w| {
        let w = w.trim().to_ascii_lowercase();
        w.contains("you may not have permission to post messages to the group")
            || (w.starts_with("send_")
                && w.len() < 40
                && w.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.'))
    })
}

/// mtpolicyd's GeoIPAction default reply, "delivery from <CC> (<IP>) rejected" (`words`
/// lowercase): a two-letter country code, then the address in parentheses.
fn country_refusal(words: &str) -> bool {
    words.match_indices("delivery from ").take(8).any(|(i, m)| {
        let rest = &words[i + m.len()..];
        let b = rest.as_bytes();
        b.len() > 4
            && b[0].is_ascii_alphabetic()
            && b[1].is_ascii_alphabetic()
            && rest[2..].starts_with(" (")
            && rest[4..].split_once(')').is_some_and(|(ip, after)| {
                ip.parse::<core::net::IpAddr>().is_ok()
                    && after.trim_start().starts_with("rejected")
            })
    })
}

/// Domains of the Japanese mobile carriers, whose servers answer "550 Unknown user" both for an
/// address that does not exist and for one whose owner's reception settings refuse the sender
/// (see [`topic_of`]).
const MOBILE_CARRIER_DOMAINS: [&str; 6] = [
    "docomo.ne.jp",
    "ezweb.ne.jp",
    "au.com",
    "softbank.ne.jp",
    "i.softbank.jp",
    "vodafone.ne.jp",
];

/// Whether the recipient address is at a Japanese mobile carrier (or a subdomain of one).
fn mobile_carrier_filter(address: &str) -> bool {
    let domain = crate::vocab::domain::of_address(address).unwrap_or_default();
    MOBILE_CARRIER_DOMAINS.iter().any(|c| {
        domain == *c
            || domain
                .strip_suffix(c)
                .is_some_and(|rest| rest.ends_with('.'))
    })
}

/// Whether the refusal is WEB.DE's or GMX's of a malformed header (its link's code "hi", see
/// [`topic_of`]).
fn header_refused(r: &BouncedRecipient) -> bool {
    r.diagnostic
        .as_deref()
        .is_some_and(|d| united_internet_code(&d.to_ascii_lowercase()) == Some("hi"))
}

/// The code of WEB.DE's and GMX's explanation link in a refusal (`...senderguidelines?ip=IP&c=CODE`,
/// `postmaster.web.de/error-messages?ip=IP&c=CODE`), lowercase words in.
fn united_internet_code(words: &str) -> Option<&str> {
    let hosts = ["web.de/", "gmx.net/", "gmx.de/", "gmx.com/"];
    words.match_indices("&c=").take(8).find_map(|(i, m)| {
        let before = &words[..i];
        let link = &before[before.rfind(char::is_whitespace).map_or(0, |p| p + 1)..];
        hosts.iter().any(|h| link.contains(h)).then(|| {
            let rest = &words[i + m.len()..];
            let end = rest
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            &rest[..end]
        })
    })
}

/// The topic and party a recipient's failure is about: the reason's row, refined by the words.
fn topic_of(kind: BounceKind, r: &BouncedRecipient) -> (&'static str, Party) {
    let reason = r.reason.name();
    let words = r
        .diagnostic
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let has = |w: &[&str]| w.iter().any(|x| words.contains(x));
    let (mut topic, mut party) = match tables::lookup(tables::diagnosis::REASONS, reason) {
        Some(row) => (
            row[1],
            if row[2] == "receiver" {
                Party::Receiver
            } else {
                Party::Sender
            },
        ),
        None => ("unknown", Party::Unknown),
    };
    // A recipient domain that does not exist is the sender's to fix when it is a slip of the
    // keyboard away from a large provider's (gmial.com: correct the address), and otherwise the
    // recipient's (a domain that lapsed or lost its DNS: only its owner can bring it back).
    // A domain that publishes a null MX (RFC 7505 section 3: it "does not accept email"; X.1.10
    // "Recipient address has null MX") was never a mail domain: the address is wrong, the
    // sender's list to correct, as for a typo.
    // A DNS answer of NXDOMAIN (RFC 1035 section 4.1.1, RCODE 3 "Name Error": the domain name
    // does not exist; RFC 8020: nor anything below it) is final, not a failure to reach the
    // DNS: Gmail's "DNS Error: DNS type 'mx' lookup of X responded with code NXDOMAIN", which
    // the reader files as a network error after Sisimai, names a domain that does not exist.
    // Postfix says the same in its own words: "Host or domain name not found. Name service
    // error for name=X type=MX: Host not found" (smtp_addr.c, with dns_strerror's text for
    // HOST_NOT_FOUND, the resolver's NXDOMAIN; a temporary failure reads "Host not found, try
    // again", TRY_AGAIN).
    let postfix_nxdomain = has(&["name service error for name="]) && has(&[": host not found"]);
    if reason == "networkerror"
        && (has(&["nxdomain"]) || postfix_nxdomain)
        && !has(&["try again", "servfail"])
    {
        topic = "domain-missing";
    }
    // Postfix's reject_sender_login_mismatch ("553 5.7.1 <address>: Sender address rejected:
    // not owned by user <login>", smtpd_check.c; postconf(5) smtpd_sender_login_maps: the
    // client logged in as a user who does not own that MAIL FROM address), which the reader
    // files as a refused sender after Sisimai, is the sender's own server refusing to send for
    // that address: a relay refusal by the scenarios README's topics.
    // Yandex's server writes the same refusal "553 5.7.1 Sender address rejected: not owned by
    // auth user." (its nwsmtp smtp_connection.cpp, when the MAIL FROM address is not the
    // logged-in mailbox's).
    if reason == "rejected"
        && words
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains("sender address rejected: not owned by")
    {
        topic = "relay-denied";
        party = Party::Sender;
    }
    // Yahoo's "421 4.7.0 [TSS04] Messages from IP temporarily deferred due to unexpected volume
    // or user complaints" (https://senders.yahooinc.com/smtp-error-codes/), which the reader
    // files as bad reputation after Sisimai, is Yahoo throttling the sending IP: it takes the
    // mail later at a lower rate ("temporarily deferred"), as the scenarios README's
    // `rate-limit` says ("the receiver throttles"); its advice names the volume and Yahoo's
    // Sender Hub. A refusal for complaints alone stays a reputation verdict.
    // So is its "421 4.7.1 [TS03] All messages from x.x.x.x permanently deferred": Yahoo help
    // SLN3436 says it "indicates Yahoo is seeing a high volume of emails from your IP address,
    // which is a characteristic of unsolicited, bulk emailing", and asks the sender to review
    // its lists and practices before sending again.
    // Exchange's "554 5.2.2 mailbox full; STOREDRV.Submission.Exception:
    // SubmissionQuotaExceededException" is the sending mailbox's own submission quota (its
    // row in data/bounce/phrases.tsv), whatever X.2.2 says of the recipient's mailbox.
    if has(&["submissionquotaexceeded"]) {
        topic = "rate-limit";
        party = Party::Sender;
    }
    // Cox's "421 ... AUP#CDRBL": "The sending IP address has been temporarily blocked by Cox
    // due to exhibiting behavior characteristic of spam", lifted within 24 hours, "Inspect
    // message traffic for potential spam, and retry" (Cox's error codes,
    // https://www.cox.com/residential/support/email-error-codes.html): the same temporary
    // throttle of the sending IP for its behaviour, while its permanent CXBL stays a block.
    if has(&["[tss04]", "[ts03]", "deferred due to unexpected volume"])
        || (has(&["aup#cdrbl"]) && r.reply_code.is_some_and(|c| (400..500).contains(&c)))
    {
        topic = "rate-limit";
        party = Party::Sender;
    }
    let null_mx = r
        .status
        .as_deref()
        .is_some_and(|s| s.get(1..) == Some(".1.10"))
        || has(&[
            "null mx",
            "nullmx",
            "an mx or srv record indicated no smtp service",
        ]);
    // A domain that publishes a null MX (RFC 7505) accepts no mail at all: the recipient's
    // domain, whatever reason the words were read as (Postfix's dns_lookup.c writes "Domain %s
    // does not accept mail (nullMX)" for DNS_NULLMX, in a bounce and in smtpd's 556 5.1.10
    // recipient refusal; it names no mailbox). By its words only: Exchange Online uses
    // status 5.1.10 for a recipient not found (RESOLVER.ADR.RecipientNotFound).
    if has(&["null mx", "nullmx"]) && topic == "user-unknown" {
        topic = "domain-missing";
    }
    if topic == "domain-missing" {
        party = if null_mx || typo_of_provider(&r.address) {
            Party::Sender
        } else {
            Party::Receiver
        };
    }
    // The receiving system out of storage is a temporary condition (RFC 3463 X.3.1 "Mail system
    // full", a 4XX reply: 452 4.3.1 "Insufficient system storage"): a failure notice that
    // quotes it as its last reply is the sending server giving up after retrying, an expiry;
    // a full mailbox is the recipient's quota (X.2.2), not this.
    if kind == BounceKind::Bounce
        && reason == "systemfull"
        && (r
            .status
            .as_deref()
            .is_some_and(|s| s.trim().starts_with("4."))
            || r.reply_code.is_some_and(|c| (400..500).contains(&c)))
    {
        topic = "expired";
        party = Party::Receiver;
    }
    // A virus found is the sender's to clean up; an archive refused because it is encrypted
    // (ClamAV's Heuristics.Encrypted.*, the bounce reader's policy refusal) is the receiver's
    // own rule.
    if has(&["virus", "malware", "infected"]) && !has(&["heuristics.encrypted"]) {
        topic = "policy";
        party = Party::Sender;
    } else if has(&["customer block list", "client host rejected: access denied"]) {
        // Postfix's access(5) REJECT without text of its own in a check_client_access table
        // ("554 5.7.1 <host[IP]>: Client host rejected: Access denied": smtpd_check.c's
        // generic "Access denied") is the same: the receiving server's own table names the
        // client, no public list does.
        // Exchange Online's "550 5.7.1 Service unavailable, Client host [IP] blocked using
        // Customer Block list (AS16012607)": the recipient organization's own IP block list
        // (its connection filter policy), not a public blocklist (Microsoft Learn, "Fix email
        // delivery issues for error code 5.7.1 in Exchange Online"): the receiver's rule.
        topic = "policy";
        party = Party::Receiver;
    } else if tenant_banned(r) {
        // Exchange Online's 5.7.708 "Access denied, traffic not accepted from this IP": most of
        // the sending tenant's traffic was judged suspicious and Microsoft banned the tenant
        // from sending (Microsoft Learn, "Fix email delivery issues for error code 5.7.708 in
        // Exchange Online"; new tenants on low-reputation IPs). Microsoft's own restriction of
        // the sender's organization, lifted through its support, not a listing on a blocklist:
        // a permanent refusal for the sending side's reputation, the scenarios README's
        // `content`.
        topic = "content";
        party = Party::Sender;
    } else if r.blocklist.is_some() {
        topic = "blocklist";
        // Spamhaus answers a query that came through a public or open resolver, a mistyped
        // zone or an excessive querier with an error code, not a listing (127.255.255.252,
        // .254, .255: "Using our public mirrors? Check your return codes now",
        // https://www.spamhaus.org/resource-hub/dnsbl/using-our-public-mirrors-check-your-return-codes-now./);
        // a server that refuses on such an answer names it ("Error: open resolver",
        // https://www.spamhaus.org/returnc/...: "The problem is with the recipient's email
        // server configuration. It is not because you are listed"): the receiving server's
        // own DNS setup, not the sender's address.
        party = if has(&[
            "error: open resolver",
            "spamhaus.org/returnc/",
            "127.255.255.",
        ]) {
            Party::Receiver
        } else {
            Party::Sender
        };
    } else if topic == "blocklist" && has(&["ptr", "reverse dns", "reverse-dns", "rdns"]) {
        topic = "reverse-dns";
    } else if has(&[
        "helo command rejected",
        "ehlo command rejected",
        "bogus helo name used",
        "access denied - bogus helo",
        "invalid helo name",
        "real hostname when saying helo",
    ]) || helo_name_refused(&words)
    {
        // Postfix's HELO restrictions (smtpd_check.c: "Helo command rejected: need
        // fully-qualified hostname", "... Host not found", "... Invalid name"); sendmail's
        // FEATURE(block_bad_helo), which rejects a HELO/EHLO name that is unqualified or one of
        // the server's own names (cf/m4/proto.m4: "550 bogus HELO name used: " with 5.7.1;
        // sendmail, 4th edition, FEATURE(block_bad_helo)). The HELO check of cPanel's Exim ACL,
        // which refuses a HELO that is a bare IP address ("Access denied - Invalid HELO name
        // (See RFC2821 4.1.1.1)",
        // https://hackerzzz.com/hacker-news/access-denied-invalid-helo-name-see-rfc2821-4-1-1-1),
        // and servers that ask for the client's real host name ("550 Please use your real
        // hostname when saying HELO (not HSP-AV01)", a real rejection quoted in the underscore
        // mailing list archive, April 2007); Infomaniak's "550 5.7.1 ... Access denied - bogus
        // HELO [1]" (its FAQ 414, "Resolve a bogus HELO error": a HELO that is no FQDN, an IP,
        // localhost or a banned name): RFC 5321 section 4.1.1.1, the EHLO/HELO argument
        // is the client's fully-qualified domain name or an address literal.
        topic = "helo";
        party = Party::Sender;
    }
    // A security refusal (X.7.0/X.7.1) whose words are about relaying or logging in is a
    // refused relay (RFC 5321 section 3.6.2: a server may refuse to relay; RFC 4954 section 6:
    // 530 5.7.0 "Authentication required"); without them it is the receiving side's policy
    // (RFC 3463 X.7.1, per-host or per-recipient filtering), as the reasons table says.
    if reason == "securityerror"
        && has(&[
            "relay",
            "authentication required",
            "auth required",
            "must authenticate",
            "not authenticated",
            "smtp auth",
        ])
    {
        topic = "relay-denied";
        party = Party::Sender;
    }
    // The client's login refused: RFC 4954 section 6 gives reply 535 ("535 5.7.8 Authentication
    // credentials invalid") to a failed AUTH and no other command; Microsoft's Exchange Online
    // writes "535 5.7.139 Authentication unsuccessful" (basic authentication or SMTP AUTH turned
    // off for the tenant), and PHPMailer (WordPress's mailer) reports it as "SMTP Error: Could
    // not authenticate.". The sending side did not authenticate, so the server would not relay
    // (the scenarios README's relay-denied), whatever reason the status alone gives.
    if r.reply_code == Some(535)
        || has(&[
            "authentication credentials invalid",
            "authentication unsuccessful",
            "could not authenticate",
        ])
    {
        topic = "relay-denied";
        party = Party::Sender;
    }
    // A refusal because the sending server did not encrypt the session (Gmail's "421 4.7.0 TLS
    // required for RCPT domain", https://support.google.com/mail/answer/6330403; Postfix's
    // "530 5.7.0 Must issue a STARTTLS command first", RFC 3207 section 4: a server may require
    // TLS): the receiving side's policy, which the sending server meets by using STARTTLS.
    // Symantec Email Security.cloud's TLS enforcement (Broadcom KB 162447: with outbound TLS
    // enforcement the service "only accepts SMTP connections from your outbound servers when
    // sent over TLS") answers a plaintext session "451 TLS/SSLv3 Connection required.".
    let tls_required = has(&[
        "tls required",
        "must issue a starttls command first",
        "encryption required",
        "requires tls",
        "tls connection required",
        "tls/sslv3 connection required",
    ]);
    if tls_required {
        topic = "policy";
        party = Party::Sender;
    }
    // A security refusal about what the message carries (an attachment or file type, its
    // content: Courier's "554 5.7.1 Attachments of type .iso are not accepted here") is the
    // receiving side's own content rule (RFC 3463 X.7.1, per-recipient filtering), not the
    // sender's host or address.
    // amavisd-new names a part its banned-files rules refused as "BANNED: <MIME path> |
    // <type>,<short types>,<file name>" ($smtp_reason_by_ccat{+CC_BANNED} = 'id=%n - BANNED:
    // %F'; "554 5.7.0 Reject, id=... - BANNED: multipart/mixed | application/vnd.ms-excel,.doc,
    // XXX.xls", https://gitlab.com/amavis/amavis/-/issues/102): the same attachment rule.
    if reason == "securityerror"
        && topic == "policy"
        && has(&[
            "attachment",
            "file type",
            "file extension",
            "content",
            "banned:",
        ])
    {
        party = Party::Receiver;
    }
    // Postfix's header_checks and body_checks REJECT, whose default text is "message content
    // rejected" (cleanup_message.c) and whose administrator's text follows it, is the
    // receiving side's attachment rule when that text names an attachment: header_checks(5)'s
    // own example refuses attachment names by extension ('REJECT Attachment name "$2" may not
    // end with ".$4"'). Not a spam verdict, unless the words say spam.
    if reason == "spamdetected"
        && has(&["content rejected"])
        && has(&["attachment", "file type", "file extension"])
        && !has(&["spam"])
    {
        topic = "policy";
        party = Party::Receiver;
    }
    // A server that requires TLS ("530 5.7.0 Must issue a STARTTLS command first", RFC 3207
    // section 4) refuses a sender that did not start it: the sending server's TLS use, not a
    // refused relay.
    if reason == "securityerror" && has(&["starttls"]) {
        topic = "policy";
        party = Party::Sender;
    }
    // Exchange's "RESOLVER.RST.AuthRequired; authentication required": the recipient (often a
    // distribution group) accepts only authenticated, internal senders
    // (RequireSenderAuthenticationEnabled, https://learn.microsoft.com/en-us/powershell/module/exchange/set-distributiongroup;
    // 5.7.1 "Delivery not authorized" in the Exchange Online NDR reference): the recipient
    // organization's restriction, not the sender's login.
    if reason == "securityerror" && has(&["resolver.rst.authrequired"]) {
        topic = "policy";
        party = Party::Receiver;
    }
    // Google Groups' refusal of a post ("the group you tried to contact (NAME) may not exist,
    // or you may not have permission to post messages to the group ... You may need to join
    // the group before receiving permission to post"): the group's posting setting (Google
    // Groups Help, "who can post"), which its owner sets, like a distribution group's
    // restriction above; the sender posts from a member address or asks the owner.
    if group_post_refused(r) {
        topic = "policy";
        party = Party::Receiver;
    }
    // Postfix's reply when its access table refuses the envelope sender with a bare REJECT
    // ("<address>: Sender address rejected: Access denied": access(5), REJECT without text
    // gives "a generic error response message"; smtpd_check.c's check_mail_access), and
    // Sendmail's for a REJECT entry of its access database ("550 5.7.1 <address>... Access
    // denied": cf/m4/proto.m4's "550 Access denied" after the address it looked up): the
    // receiving site listed this address or its domain in its own table, a block only its
    // administrator can lift. Not a sender address that does not exist (that one is "Domain
    // not found" or "need fully-qualified address").
    // The same holds for the other servers' own lists, which say the list is theirs and not a
    // public blocklist (a DNSBL lists IP addresses and names, never one envelope sender for
    // one recipient):
    // - Debian's exim4 configuration, for the entries of /etc/exim4/local_sender_blacklist and
    //   local_host_blacklist ("sender envelope address <a> is locally blacklisted here", "sender
    //   IP address <ip> is locally blacklisted here", exim4-config_files(5));
    // - qmail's chkuser as hosting providers run it ("550 5.1.1 <address> sender is
    //   blacklisted": the recipient set a block list for the mailbox and the sender matches
    //   it, support.forpsi.com/kb/a3302);
    // - smtpf's access map ("550 5.7.1 sender <address> black listed #127": a From: entry for
    //   the address or its domain, snertsoft.com/smtp/smtpf/reply.html);
    // - cPanel's country filter (WHM's "Filter Incoming Emails by Country",
    //   docs.cpanel.net/whm/email/filter-incoming-emails-by-country; its Exim connect ACL
    //   drops the connection with "Your country is not allowed to connect to this server."):
    //   the recipient's server refuses every server located in a country its administrator
    //   blocked; mtpolicyd's GeoIPAction plugin does the same for Postfix, with the default
    //   reply "delivery from <country code> (<IP>) rejected" (its reject_message parameter,
    //   Mail::MtPolicyd::Plugin::GeoIPAction).
    if has(&[
        "sender address rejected: access denied",
        ">... access denied",
        "is locally blacklisted",
        "sender is blacklisted",
        "country is not allowed to connect",
    ]) || (has(&["sender <"]) && has(&["> black listed"]))
        || country_refusal(&words)
    {
        topic = "policy";
        party = Party::Receiver;
    }
    // A security refusal whose words name the authentication method that failed ("550 5.7.1
    // Email rejected per SPF policy"; RFC 7208 section 8.4 gives an SPF "fail" a 550 with
    // 5.7.1 or 5.7.23): that method is the cause, as for an authentication failure.
    // Yahoo's "554 5.7.9 Message not accepted for policy reasons" is its refusal of a message
    // whose sender it could not verify: it "failed one or more of the following industry-wide
    // authentication checks" (DKIM, SPF, DMARC), Yahoo Help SLN7253,
    // https://help.yahoo.com/kb/SLN7253.html: a DMARC refusal, as the page's own policy note says.
    // Yahoo's reply names no method, so words around it (a sending service's notice that lists
    // the message's "DKIM signature: d=..." beside the reply) do not choose another.
    let yahoo_policy = r.status.as_deref().and_then(|s| s.get(1..)) == Some(".7.9")
        && has(&["not accepted for policy reasons"]);
    if yahoo_policy {
        topic = "dmarc";
        party = Party::Sender;
    }
    // So is a refusal of the envelope sender (Sisimai's "rejected") that names the method:
    // "550 5.7.0 [SPF] host ... is not allowed to send mail from domain ...".
    let names_auth = has(&["spf", "sender policy framework", "dkim", "dmarc"]);
    if !yahoo_policy
        && (topic == "dmarc"
            || reason == "authfailure"
            || (matches!(reason, "securityerror" | "rejected") && names_auth))
    {
        if let Some(t) = gmail_failed_method(&words).or_else(|| microsoft_failed_method(&words)) {
            topic = t;
        } else if has(&["dmarc"]) {
            topic = "dmarc";
        } else if has(&["spf", "sender policy framework"]) {
            topic = "spf";
        } else if has(&["dkim"]) {
            topic = "dkim";
        } else if let Some(t) = r.status.as_deref().and_then(auth_status_topic) {
            topic = t;
        }
        party = Party::Sender;
    }
    // A "relay" refusal with X.4.4 (RFC 3463: "Unable to route", no routing information for
    // the address) from a server of the recipient's own domain is not a refused relay (RFC 5321
    // section 3.6: relaying is passing mail on to another domain; the sending server was
    // delivering to the domain's own server): that server no longer takes the address as one of
    // its own, so the address is gone, as for an unknown recipient.
    if topic == "relay-denied"
        && r.status.as_deref().and_then(|s| s.get(1..)) == Some(".4.4")
        && r.remote_mta
            .as_deref()
            .or_else(|| exchange_remote_host(r))
            .is_some_and(|host| {
                let org = |d: &str| crate::vocab::domain::org_domain(d.trim_end_matches('.'));
                let rcpt = r.address.rsplit_once('@').map(|(_, d)| d);
                rcpt.and_then(org).is_some_and(|o| org(host) == Some(o))
            })
    {
        topic = "user-unknown";
        party = Party::Sender;
    }
    // Postfix names a recipient that an alias or virtual alias expanded as "<final> (expanded
    // from <original>)" (bounce(8)): the address the sender wrote exists on the receiving side
    // as an alias, and the address it points to is the one that does not: the recipient side's
    // alias to fix, not the sender's address list.
    if topic == "user-unknown" && has(&["(expanded from"]) {
        party = Party::Receiver;
    }
    // A bare X.2.1 (RFC 3463: "Mailbox disabled, not accepting messages": "The mailbox exists,
    // but is not accepting messages"), which the reader files as filtered after Sisimai, is a
    // mailbox that takes no mail, as the reasons table reads a disabled mailbox (suspend):
    // the address to take off the list, not a filter's rule, unless the words name a filter,
    // a block or a refused sender.
    if reason == "filtered"
        && r.status.as_deref().and_then(|s| s.get(1..)) == Some(".2.1")
        && r.hard
        && !has(&[
            "filter", "block", "spam", "reject", "denied", "refused", "policy", "sender",
        ])
    {
        topic = "user-unknown";
        party = Party::Sender;
    }
    // Words that say only that the mailbox does not exist ("550 Unknown user <address>",
    // Mail.ru's "550 Message was not accepted -- invalid mailbox. Local mailbox <address> is
    // unavailable: user not found"), which the reader files as filtered because they came after
    // DATA or at no named stage (Sisimai's Filtered: a receiver that answers "user unknown" to
    // mail its recipient's filter refuses), are an address that does not exist: the words name
    // the mailbox and no filter. Except at the Japanese mobile carriers, where that answer is
    // documented for both (NTT's support, "Unknown user" after a send to docomo.ne.jp: check
    // the address, and whether the recipient set a reception refusal,
    // https://support.ntt.com/mail/faq/detail/pid2300000e64; the same "550 Unknown user" for a
    // non-existent address or the handset's refusal setting, note.com/sendmagic/n/neb6bbe7e51cf):
    // the filter reading stays.
    if reason == "filtered"
        && crate::checks::bounce::reason::says_only_no_such_mailbox(&words)
        && !mobile_carrier_filter(&r.address)
    {
        topic = "user-unknown";
        party = Party::Sender;
    }
    // A permanent "554 Transaction failed" (RFC 5321 section 4.2.3; after the message's data,
    // section 4.1.1.4: the receiver "rejects the message") is the receiving server refusing
    // this message without saying why: its own policy or filter, not a sending server that gave
    // up retrying, which the reasons table's reading of a system error would say.
    if reason == "systemerror"
        && r.hard
        && r.reply_code.is_some_and(|c| (500..600).contains(&c))
        && has(&["transaction failed"])
    {
        topic = "policy";
        party = Party::Receiver;
    }
    // WEB.DE's and GMX's refusal whose explanation link carries the code "hi" ("554-Transaction
    // failed 554-Reject due to policy restrictions. 554 For explanation visit
    // https://web.de/email/senderguidelines?ip=IP&c=hi"): the message's header breaks RFC 5321
    // and RFC 5322 (Date, From, Sender and To malformed, or BCC, CC, Date, From, Sender, Subject
    // or To more than once), as WEB.DE's postmaster answered a sender asking about it (quoted
    // at newbetuts.com/1051380): the sending software's header to fix, the sender's side.
    if header_refused(r) {
        topic = "policy";
        party = Party::Sender;
    }
    // A final failure with a transient network status (RFC 3463 section 3.1: class 4 is a
    // "persistent transient failure" whose persistence "has caused abandonment"; section 3.5:
    // X.4.x is the network and routing, X.4.1 "No answer from host", X.4.2 "Bad connection",
    // X.4.7 "Delivery time expired"), reported as failed (RFC 3464 section 2.3.3) is a sending
    // server that gave up retrying a host it could not reach: sendmail's "Message could not be
    // delivered for 5 days" after "Deferred: Connection refused by ..." (a refused TCP
    // connection, ECONNREFUSED, says nothing about the sender's address), unless a blocklist is
    // named.
    // The same holds for a permanent network status the reader found to be an expiry
    // (checks::bounce::result: Exchange Online's "550 5.4.316 Message expired, connection
    // refused" after "450 4.4.316 Connection refused").
    // And for a host that kept answering 4.3.2 (section 3.4, X.3.2 "System not accepting
    // network messages": "an imminent shutdown, excessive load, or system maintenance") until
    // the sending server gave up: MDaemon's "PERMANENT fatal delivery errors" after every
    // attempt met "421 4.3.2 Service not available".
    let network_status = r.status.as_deref().and_then(|s| s.get(1..3)) == Some(".4");
    let not_accepting_now = r.status.as_deref() == Some("4.3.2")
        && matches!(
            reason,
            "notaccept" | "systemerror" | "networkerror" | "undefined"
        );
    // So does a final failure with X.7.5 (section 3.8: "Cryptographic failure", the TLS the
    // sending server requires of the receiving host, by MTA-STS or DANE, could not be set up)
    // in class 4: the connection to the host failed each time until the server gave up.
    let crypto_gave_up = r.status.as_deref() == Some("4.7.5") && reason == "securityerror";
    if kind == BounceKind::Bounce
        && r.blocklist.is_none()
        && (crypto_gave_up
            || (r.status.as_deref().is_some_and(|s| s.starts_with("4.4."))
                && matches!(reason, "blocked" | "networkerror" | "expired" | "undefined"))
            || (network_status && reason == "expired")
            || not_accepting_now)
    {
        topic = "expired";
        party = Party::Receiver;
    }
    // A server that gave up on a mailbox that stayed full: its last attempt met the mailbox's
    // over-quota reply (RFC 3463 X.2.2 "Mailbox full" in class 4, a persistent transient
    // failure: Gmail's "452-4.2.2 The recipient's inbox is out of storage space", Exchange's
    // expiry quoting it as "Primary target IP address responded with: ..."), so the full
    // mailbox is why it expired.
    if kind == BounceKind::Bounce
        && topic == "expired"
        && (has(&[
            "inbox is out of storage",
            "mailbox is full",
            "mailbox full",
            "over quota",
            "overquota",
        ]) || words
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .any(|w| w == "4.2.2"))
    {
        topic = "mailbox-full";
        party = Party::Receiver;
    }
    // A rate limit on what one recipient's mailbox takes in is the recipient's side: Gmail's
    // "The user you are trying to contact is receiving mail at a rate that prevents additional
    // messages from being delivered" (450 4.2.1 / 550 5.2.1, https://support.google.com/a/answer/3726730;
    // RFC 3463 X.2.x is the mailbox's status), Yahoo's "450 4.2.1 User is receiving mail too
    // quickly", Yandex's "451 4.5.1 The recipient <address> has exceeded their message rate
    // limit" (real replies, https://pastebin.com/rJxfcyvj, https://pastebin.com/pEBS5hy4): the
    // mailbox is flooded, whoever the sender is.
    // So are Exchange Online's 5.2.121 "Recipient's per hour message receive limit from
    // specific sender exceeded" and 5.2.122 "Recipient's per hour message receive limit
    // exceeded" (Microsoft Learn, "Email non-delivery reports and SMTP errors in Exchange
    // Online"): the recipient mailbox's receiving limits.
    let receive_limit = has(&["per hour message receive limit"])
        || r.status
            .as_deref()
            .is_some_and(|s| matches!(s.trim(), "5.2.121" | "5.2.122" | "4.2.121" | "4.2.122"));
    if topic == "rate-limit"
        && (has(&[
            "is receiving mail at a rate",
            "is receiving email at a rate",
            "is receiving mail too quickly",
            "is receiving email too quickly",
        ]) || (has(&["the recipient"]) && has(&["exceeded their message rate limit"]))
            || receive_limit)
    {
        party = Party::Receiver;
    }
    // A delay for a full mailbox names its cause: the recipient's mailbox is over quota for now
    // (RFC 3463 X.2.2 "Mailbox full" in class 4, a persistent transient failure; Gmail's
    // 452 4.2.2 "The recipient's inbox is out of storage space", OverQuotaTemp,
    // https://support.google.com/a/answer/3726730), and the sender's server keeps trying.
    // A delay for the sending server's own name keeps it too: Postfix refuses an unknown HELO
    // name or client hostname with a temporary code by default (postconf(5):
    // unknown_hostname_reject_code and unknown_client_reject_code, 450), so every retry meets
    // the same refusal until the sending side fixes its name.
    // The receiving system's own storage (RFC 3463 X.3.1 "Mail system full": "Mail system
    // storage has been exceeded", the reader's systemfull) is not the recipient's mailbox: a
    // delay for it is the receiving side's trouble while the sender's server keeps trying.
    // A size limit keeps its topic too: the message waits (a list holds a post over its
    // maximum size for the moderator, `checks::bounce::held`), and only a smaller message or a
    // higher limit gets it through.
    // A server that requires TLS keeps refusing until the sending server uses it: its policy,
    // not a wait.
    // Nor is a permanent refusal the sending server retries anyway (Postfix retries a 5XX
    // greeting: smtp(8), "smtp_skip_5xx_greeting"): its topic is the refusal's.
    // Nor a refusal of the envelope sender's domain (Yahoo's "451 Message temporarily deferred
    // due to unresolvable RFC.5321 from domain", https://senders.yahooinc.com/smtp-error-codes/):
    // "deferred" there is no rate; every retry meets it until the sender's domain resolves.
    // Nor a temporary refusal that names the list or reputation database the sending server
    // is on ("450 4.7.1 ... blocked using bl.spamcop.net", Trend Micro's "deferred using Trend
    // Micro Email Reputation database"): every retry meets the listing until it goes.
    // NetEase's "450 DT:RBL" ("the sending IP is on one or more RBLs", its bounce help),
    // Coremail's "554 rbl deny": a realtime blocklist named by its kind, as a word.
    let rbl_word = words
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|t| t == "rbl");
    let names_list = topic == "blocklist"
        && (rbl_word
            || has(&[
                "blocked using",
                "listed in",
                "listed at",
                "listed on",
                "listed by",
                "reputation database",
                "dnsbl",
            ]));
    // A message the sending host holds in its own queue is not waiting on any receiver:
    // cPanel's outgoing mail hold (api.docs.cpanel.net hold_outgoing_email; Exim defers with
    // "Domain <domain> has an outgoing mail hold. Message will be reattempted later") lasts
    // until the host releases it, the sender's side to settle.
    let own_hold = own_hold(kind, r);
    if own_hold {
        topic = "policy";
        party = Party::Sender;
    }
    if kind == BounceKind::Delay
        && !tls_required
        && !own_hold
        && reason != "rejected"
        && !names_list
        && !(r.reply_code.is_some_and(|c| c >= 500) && topic == "blocklist")
        && (!matches!(
            topic,
            "rate-limit" | "mailbox-full" | "helo" | "reverse-dns" | "message-too-large"
        ) || reason == "systemfull")
        // A deferral that names the authentication method that did not pass keeps that
        // method's topic (Gmail's "421-4.7.27 This mail has been rate limited because SPF does
        // not pass", 4.7.30 for DKIM: support.google.com/a/answer/3726730); the rate is how
        // Gmail refuses, the method is why.
        && !(reason == "authfailure" && matches!(topic, "spf" | "dkim" | "dmarc"))
    {
        // Words that name a rate or a deferral to slow a sender down; a refusal of service
        // with "try later" is one too (Orange's bilingual "Service refuse. Veuillez essayer
        // plus tard. Service refused, please try later", OFR004_105, a temporary refusal to
        // slow a sender down: Orange Postmaster's error codes). "Please try again later" alone
        // is what any temporary reply says (RFC 5321 4.2.1: 4yz, "the action may be requested
        // again"): Exim's "452 Space shortage, please try later" (its spool is short of disk
        // space, Exim's specification on check_spool_space) and Exchange's "451 4.7.0
        // Temporary server error. Please try again later. PRX4" are the receiving server's
        // trouble, not a limit on the sender.
        // Volume named as the reason is a rate too (iCloud's "421 4.7.1 Messages to <address>
        // deferred due to excessive volume", Yahoo's "unexpected volume"); so is Exchange
        // Online's 4.7.500-4.7.699 range, which its NDR reference gives to a sending IP it is
        // throttling ("451 4.7.500-699 (ASxxx) Access denied, please try again later", "Server
        // busy. Please try again later": an IP with little sending history or suspicious
        // traffic, Microsoft Learn "Fix error code 451 4.7.500-699 (ASxxx) in Exchange Online").
        let ms_throttle = r.status.as_deref().is_some_and(|s| {
            s.strip_prefix("4.7.")
                .and_then(|d| d.parse::<u16>().ok())
                .is_some_and(|d| (500..=699).contains(&d))
        });
        topic = if (has(&[
            "too many",
            "rate",
            "throttl",
            "temporarily deferred",
            "excessive volume",
            "unexpected volume",
            "too much mail",
            // Exchange's per-source connection limit (its receive connector's
            // MaxInboundConnectionPerSource: "421 4.3.2 The maximum number of concurrent
            // [server] connections has exceeded a [per-source] limit", TechNet's event 1021).
            "concurrent connections",
            "concurrent server connections",
        ]) || ms_throttle
            || has(&["service refused"]) && has(&["try again later", "try later"]))
            && !has(&["connection refused", "timed out"])
        {
            "rate-limit"
        } else {
            "delay"
        };
        party = if topic == "rate-limit" {
            Party::Sender
        } else {
            Party::Receiver
        };
    }
    (topic, party)
}

/// The authentication method an enhanced status code names (RFC 7372 section 3, in the IANA
/// SMTP Enhanced Status Codes registry): X.7.20 "No passing DKIM signature found", X.7.21 "No
/// acceptable DKIM signature found", X.7.22 "No valid author-matched DKIM signature found" are
/// DKIM's; X.7.23 "SPF validation failed" and X.7.24 "SPF validation error" are SPF's. X.7.26
/// "Multiple authentication checks failed" names none and stays with the reason's row.
/// The one method Gmail's authentication refusal says did not pass, when the other passed:
/// its 5.7.26/5.7.27/5.7.30 replies list "Authentication results: DKIM = did not pass SPF
/// [domain] with ip: [IP] = pass" (Gmail SMTP errors and codes,
/// https://support.google.com/a/answer/3726730: 5.7.27 SPF did not pass, 5.7.30 DKIM did not
/// pass, for senders that must use both). `words` is lowercase.
fn gmail_failed_method(words: &str) -> Option<&'static str> {
    let at = words.find("authentication results:")?;
    let rest = &words[at..];
    let result = |method: &str| -> Option<bool> {
        let from = rest.find(method)?;
        let after = &rest[from..];
        let eq = after.find("= ")?;
        let value = after[eq + 2..].trim_start();
        if value.starts_with("did not pass") {
            Some(false)
        } else if value.starts_with("pass") {
            Some(true)
        } else {
            None
        }
    };
    match (result("dkim ="), result("spf [")) {
        (Some(false), Some(true)) => Some("dkim"),
        (Some(true), Some(false)) => Some("spf"),
        _ => None,
    }
}

/// The one method Outlook.com's 5.7.515 refusal of a high-volume sender says did not pass: its
/// reply ends "Spf= Pass , Dkim= None , DMARC= Pass" (Microsoft's requirements for high-volume
/// senders to Outlook.com: SPF and DKIM must pass and DMARC must pass with at least p=none;
/// the reply as quoted in sisimai/go-sisimai issues 107 and 150). The one of SPF and DKIM that
/// did not pass while the other did, or DMARC when both passed and it did not. `words` is
/// lowercase.
fn microsoft_failed_method(words: &str) -> Option<&'static str> {
    let at = words.find("spf=")?;
    let rest = &words[at..];
    let result = |method: &str| -> Option<bool> {
        let from = rest.find(method)? + method.len();
        let value = rest[from..].trim_start();
        Some(value.starts_with("pass"))
    };
    match (result("spf=")?, result("dkim=")?, result("dmarc=")?) {
        (true, false, _) => Some("dkim"),
        (false, true, _) => Some("spf"),
        (true, true, false) => Some("dmarc"),
        _ => None,
    }
}

fn auth_status_topic(status: &str) -> Option<&'static str> {
    match status.get(1..)? {
        ".7.20" | ".7.21" | ".7.22" => Some("dkim"),
        ".7.23" | ".7.24" => Some("spf"),
        _ => None,
    }
}

/// Whether the address's domain is one or two edits from a large provider's domain
/// (`data/diagnosis/providers.tsv`) without being it.
fn typo_of_provider(address: &str) -> bool {
    let Some((_, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let domain = domain.trim_end_matches(['>', '.']).to_ascii_lowercase();
    tables::diagnosis::PROVIDERS.iter().any(|row| {
        let d = super::impersonation::edit_distance(&domain, row[0]);
        (1..=2).contains(&d)
    })
}

/// The title's words when the refusal is the sending account's own limit (see
/// [`own_sending_limit`]).
/// The title's words for WEB.DE's and GMX's refusal of a malformed header (see [`topic_of`]).
pub(super) const HEADER_REFUSED: &str = "The receiving provider refused the message because its header breaks the rules of the Internet Message Format: a Date, From, Sender or To field that is malformed, or one of Bcc, Cc, Date, From, Sender, Subject and To that appears more than once.";
pub(super) const OWN_LIMIT: &str = "The sender's own mail provider refused to send more from this account: it has reached the sending limit its provider sets.";

/// Whether a rate-limit refusal's words name the sending account's own limit, which its own
/// provider sets and counts, rather than a receiving server's: Google's "Daily sending quota
/// exceeded" and "Daily SMTP relay limit exceeded for customer" (550 5.4.5, the sending
/// account's and the Workspace customer's relay limits), cPanel's "Domain ... has exceeded the max
/// emails per hour" (maxemailsperhour), DirectAdmin's "have reached your daily email limit" and
/// "have reached your message limit" (exim.pl check_limits), cPanel's "has exceeded the max
/// defers and failures per hour" (its limit on a domain's failed and deferred messages), Plesk's "The limit on the number of
/// allowed outgoing messages was exceeded" (outgoing mail control), Exchange's
/// SubmissionQuotaExceeded (the mailbox's submission quota). Each row's source is in
/// `data/bounce/phrases.tsv`.
fn own_sending_limit(r: &BouncedRecipient) -> bool {
    let words = r
        .diagnostic
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    [
        "daily sending quota exceeded",
        "daily smtp relay limit exceeded",
        "has exceeded the max emails per hour",
        "has exceeded the max defers and failures per hour",
        "have reached your daily email limit",
        "reached it's daily email limit",
        "have reached your message limit",
        "limit on the number of allowed outgoing messages was exceeded",
        "submissionquotaexceeded",
    ]
    .iter()
    .any(|p| words.contains(p))
}

pub(super) const OWN_HOLD: &str = "The sender's own mail host is holding the domain's outgoing mail: the message waits in the host's queue, and no receiving server has seen it.";

/// Whether a delay notice says the sending host holds the sender's outgoing mail itself
/// (cPanel's outgoing mail hold, WHM API hold_outgoing_email: "Domain <domain> has an outgoing
/// mail hold. Message will be reattempted later"; see `topic_of`).
fn own_hold(kind: BounceKind, r: &BouncedRecipient) -> bool {
    kind == BounceKind::Delay
        && r.reason.name() == "policyviolation"
        && r.diagnostic
            .as_deref()
            .is_some_and(|d| d.to_ascii_lowercase().contains("has an outgoing mail hold"))
}

pub(super) const OWN_SIZE_LIMIT: &str = "The message is larger than the sender's own outgoing server accepts, so it was not sent; the recipient's side never received it.";

/// Whether a size refusal was the sender's own outgoing server's: a refusal a mail program
/// showed while sending (a mail program only talks to its outgoing server, whose size limit
/// the sender's provider sets: Thunderbird's "exceeds the global size limit of the server",
/// messenger smtp.ftl smtp-permanent-size-exceeded), or Exchange's RESOLVER.RST.SendSizeLimit.Org and
/// .Sender: the limit on what the sender may send, the organization's or the mailbox's
/// MaxSendSize, checked in the sender's organization (Microsoft Learn, "Message size limits in
/// Exchange Server": MaxSendSize of the organization's transport configuration and of the
/// sender's mailbox; a receiving organization checks MaxReceiveSize, RecipSizeLimit).
fn own_size_limit(ctx: &Context, kind: BounceKind, topic: &str, r: &BouncedRecipient) -> bool {
    kind == BounceKind::Bounce
        && topic == "message-too-large"
        && (at_send(ctx)
            || r.diagnostic.as_deref().is_some_and(|d| {
                d.to_ascii_lowercase()
                    .contains("resolver.rst.sendsizelimit")
            }))
}

/// The title of a cause that is the sender's own system's refusal (see `own_refusal`).
pub(super) const OWN_REFUSAL: &str = "The sender's own mail system refused to send it, under a policy of the sender's organization; the recipient's side never received it.";

/// Whether a policy refusal was made by the reporting server itself, on the sender's side
/// (`checks::bounce::refused_by_reporter`, RFC 3464 section 2.3.5): the sender's own system
/// never handed the message on: Exchange Online's 5.7.520 (the organization's outbound spam
/// policy allows no automatic forwarding to outside addresses) and 5.7.703 (the sender
/// organization's tenant block policy), https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online.
/// A spam verdict made the same way is the sender's own outgoing filter's (a milter that
/// rejected the message in the reporting Postfix, whose bounce then names no remote host:
/// Postfix writes a remote server's reply as "host NAME[IP] said: ...", smtp(8)).
/// A notice that comes from the failed recipient's own domain (an Exchange server's NDR from
/// postmaster@ the recipient's domain, after a mail flow rule there refused the message) was
/// written by the recipient's organization: its refusal is the receiving side's, whatever
/// server name the notice gives.
fn own_refusal(ctx: &Context, kind: BounceKind, topic: &str, r: &BouncedRecipient) -> bool {
    let org = |address: &str| {
        address
            .rsplit_once('@')
            .and_then(|(_, d)| crate::vocab::domain::org_domain(d.trim_end_matches(['>', '.'])))
    };
    kind == BounceKind::Bounce
        && matches!(topic, "policy" | "content")
        && ctx.r.bounce.as_ref().is_some_and(|b| {
            crate::checks::bounce::refused_by_reporter(b.reporting_mta.as_deref(), r)
                // The returned copy came into the reporting organization from another one
                // without a login: that organization is the recipient's side.
                && !ctx.r.sending_ip.as_ref().is_some_and(|s| {
                    crate::interpret::bounce_ip::crossing_hop(b, &ctx.r.hops, s).is_some()
                })
                && !b
                    .notice_from
                    .as_deref()
                    .and_then(org)
                    .is_some_and(|o| org(&r.address) == Some(o))
        })
}

/// Whether a recipient domain that does not exist (DNS NXDOMAIN, not a domain whose MX hosts
/// are broken: the live MX check of that domain, when it ran, does not show it existing) was
/// written in a new message rather than a reply: then a slip in the address is the likely
/// reading and the sender corrects it. A reply (RFC 5322 3.6.4: In-Reply-To names the message
/// replied to) shows the domain was in use before, so it has lapsed or lost its DNS and only
/// its owner can bring it back.
fn new_message_to_missing_domain(ctx: &Context, topic: &str, r: &BouncedRecipient) -> bool {
    use crate::checks::reputation::MxStatus;
    let domain = r
        .address
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches(['>', '.']).to_ascii_lowercase());
    let exists = ctx
        .r
        .reputation
        .as_ref()
        .and_then(|rep| rep.recipient_mx.as_ref())
        .filter(|mx| Some(mx.domain.to_ascii_lowercase()) == domain)
        .is_some_and(|mx| {
            !matches!(
                mx.status,
                MxStatus::NoDomain | MxStatus::CouldNotCheck | MxStatus::Pending
            )
        });
    // Without the returned copy nothing shows a reply (the headers read are the notice's own,
    // and a notice may name the message it reports on in its own In-Reply-To): the address is
    // read as written, as an address that does not exist is (the scenarios README's
    // `user-unknown`: the sender's list to correct).
    let returned = ctx.r.bounce.as_ref().is_some_and(|b| b.original.is_some());
    // The domain itself answered NXDOMAIN (RFC 1035 RCODE 3), as the reader's host-unknown
    // words say or as the words name it: Gmail's "DNS type 'mx' lookup of <domain> responded
    // with code NXDOMAIN", Postfix's "Name service error for name=<domain> type=MX: Host not
    // found". An MX host of an existing domain that does not resolve (Gmail's "'a' lookup of
    // mail.<domain>. responded with code NXDOMAIN") is the domain's broken DNS, not this.
    let words = r
        .diagnostic
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let domain_nxdomain = domain.as_deref().is_some_and(|d| {
        words.contains(&format!("'mx' lookup of {d} responded with code nxdomain"))
            || words.contains(&format!(
                "name service error for name={d} type=mx: host not found"
            ))
    });
    topic == "domain-missing"
        && (r.reason.name() == "hostunknown" || domain_nxdomain)
        && !exists
        && (!returned
            || !ctx
                .r
                .headers
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case("In-Reply-To")))
}

/// The reason whose explanation and advice tell `topic`, when `topic` is not the one the
/// recipient's own reason files under (`data/diagnosis/reasons.tsv`); None when it is, or when
/// no single reason tells the topic.
fn text_reason(
    topic: &str,
    party: Party,
    reason: crate::checks::bounce::Reason,
) -> Option<crate::checks::bounce::Reason> {
    use crate::checks::bounce::Reason;
    // A security refusal the topic rules read as the receiving side's own rule (an attachment
    // type it does not take, a group open only to its members) is told as that rule, not as
    // the sender's login or TLS.
    if topic == "policy" && party == Party::Receiver && reason == Reason::Securityerror {
        return Some(Reason::Policyviolation);
    }
    let own = tables::lookup(tables::diagnosis::REASONS, reason.name()).map(|row| row[1]);
    if own == Some(topic) {
        return None;
    }
    Some(match topic {
        "expired" => Reason::Expired,
        "spf" | "dkim" | "dmarc" => Reason::Authfailure,
        "blocklist" => Reason::Blocked,
        "reverse-dns" => Reason::Requireptr,
        "user-unknown" => Reason::Userunknown,
        "mailbox-full" => Reason::Mailboxfull,
        "domain-missing" => Reason::Hostunknown,
        "message-too-large" => Reason::Mesgtoobig,
        "relay-denied" => Reason::Norelaying,
        // A block the topic rules read as the receiving side's own rule (an access table's
        // entry for this address) is told as that rule, not as a refusal of the sending server.
        // So is a content refusal read as its attachment rule.
        "policy" if matches!(reason, Reason::Blocked | Reason::Spamdetected) => {
            Reason::Policyviolation
        }
        // A refusal read from its words as a policy ("554 Transaction failed" after the data)
        // is not told as the receiving server's internal error.
        "policy" if reason == Reason::Systemerror => Reason::Policyviolation,
        _ => return None,
    })
}

/// Whether the paste is an error the mail program showed while it sent: the refusal came from
/// the sender's own outgoing server (`RefusedBy::SenderServerAtSend`).
fn at_send(ctx: &Context) -> bool {
    ctx.r
        .bounce
        .as_ref()
        .is_some_and(|b| b.refused_by == crate::checks::bounce::RefusedBy::SenderServerAtSend)
}

fn recipient_cause(ctx: &Context, kind: BounceKind, r: &BouncedRecipient) -> Cause {
    // A list's hold notice waits for its moderator, not for a server's retry: the list's rule
    // that held the post is the cause (`checks::bounce::held`), read as a refusal would be.
    let held = ctx.bounce_format() == Some("mailman-hold");
    let (mut topic, mut party) = topic_of(if held { BounceKind::Bounce } else { kind }, r);
    let at_send = at_send(ctx);
    let words = r
        .diagnostic
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if topic == "dmarc" && returned_to_list(ctx) {
        topic = "forwarding";
        party = Party::Sender;
    }
    // The customer's own outgoing server refusing the sender address while the mail program
    // sent (`RefusedBy::SenderServerAtSend`: Apple Mail's "The sender address ... was rejected
    // by the server", Thunderbird's refused MAIL FROM): the account may not send as that
    // address, the scenarios README's `relay-denied` ("not allowed to send for that domain").
    if r.reason.name() == "rejected" && at_send {
        topic = "relay-denied";
        party = Party::Sender;
    }
    // A security refusal of the session itself shown by the mail program while it sent
    // ("530 5.7.0 Must issue a STARTTLS command first", "530 5.7.57 Client not authenticated
    // to send mail"): a server publicly referenced as an MX must not require STARTTLS (RFC
    // 3207 section 4), so the server that did is the sender's submission server, which takes
    // mail only from a client that secured its session and logged in (RFC 6409 section 4.3,
    // RFC 8314 section 3): it would not relay for this client, the README's `relay-denied`;
    // the mail program's encryption and login settings are the fix. Postfix's
    // reject_sender_login_mismatch ("553 5.7.1 <address>: Sender address rejected: not owned
    // by user NAME", postconf(5) smtpd_sender_login_maps) is the same server refusing a
    // logged-in client an address it may not send as. A refusal of what the message carries
    // stays the policy it names.
    if r.reason.name() == "securityerror"
        && topic == "policy"
        && party == Party::Sender
        && [
            "starttls",
            "tls required",
            "tls connection required",
            "requires tls",
            "encryption required",
            "authenticat",
            "not owned by user",
        ]
        .iter()
        .any(|w| words.contains(w))
        && at_send
    {
        topic = "relay-denied";
    }
    // The sender's own outgoing server refusing the mail program's client address ("Client
    // host rejected: Access denied" from its access table): that server will not relay for
    // this client, not a receiving organization's rule.
    if topic == "policy"
        && party == Party::Receiver
        && words.contains("client host rejected")
        && at_send
    {
        topic = "relay-denied";
        party = Party::Sender;
    }
    // A refusal whose words name no reason, shown by the mail program while it sent: the only
    // server that answered is the sender's own outgoing server, so it is the sender's (their
    // provider) to find out why.
    if topic == "unknown" && at_send {
        party = Party::Sender;
    }
    let own = own_refusal(ctx, kind, topic, r);
    if own || new_message_to_missing_domain(ctx, topic, r) {
        party = Party::Sender;
    }
    // A recipient whose address the paste blanked out is named as such.
    let who = if r.address.is_empty() {
        "The recipient (its address is not shown)"
    } else {
        r.address.as_str()
    };
    // When topic_of read the refusal as another topic than its reason's (a refused connection
    // the sending server gave up on, RFC 3463 section 3.5; Yahoo's 5.7.9, an authentication
    // refusal), the title, the explanation and the fix are that topic's, so the three say the
    // same thing as the topic.
    let own_limit = topic == "rate-limit" && own_sending_limit(r);
    let own_size = own_size_limit(ctx, kind, topic, r);
    if own_size {
        party = Party::Sender;
    }
    let (explanation, advice) = match text_reason(topic, party, r.reason) {
        Some(other) => (other.explanation(), other.advice()),
        None => (r.reason_explanation.as_str(), r.advice.as_str()),
    };
    let mut title = format!("{}: {}", who, first_sentence(explanation));
    if own {
        title = format!("{who}: {OWN_REFUSAL}");
    }
    // A delay notice is written while the server still tries: never "gave up".
    if kind == BounceKind::Delay && r.reason.name() == "expired" {
        title = format!(
            "{}: The sending server could not deliver it yet and keeps trying, until its retry time runs out.",
            who
        );
    }
    if let Some(list) = &r.blocklist {
        title = format!(
            "{}: The receiving server refused mail from a server listed on {}.",
            who, list.name
        );
    }
    // The title carries the explanation's first sentence.
    let mut detail = explanation
        .strip_prefix(first_sentence(explanation))
        .unwrap_or_default()
        .trim()
        .to_string();
    if let Some(words) = &r.diagnostic {
        // An expiry's words are the sending server's own (it never got an answer it could
        // keep), not the receiving server's.
        let said = if topic == "expired" {
            "The bounce says"
        } else if own_limit || own_size {
            "The sender's own server said"
        } else if at_send {
            // A mail program's window: its words, quoting the outgoing server's.
            "The mail program showed"
        } else if ctx
            .bounce_format()
            .is_some_and(|f| crate::checks::bounce::service_own_words(f, words))
        {
            // A sending service's event in its own words (Mailjet's error table, a
            // suppression), no server's reply.
            "The sending service recorded"
        } else {
            "The receiving server said"
        };
        detail.push_str(&format!(
            " {said}: \"{}\".",
            crate::vocab::text::clip_ellipsis(words, 300)
        ));
    }
    let mut fix = Some(advice.to_string()).filter(|a| !a.is_empty());
    // Google Groups' posting refusal (see `topic_of`): who may post is the group's setting.
    if topic == "policy" && group_post_refused(r) {
        title = format!(
            "{who}: The group accepts posts only from the addresses its owner allows (usually its members), and the sending address is not one of them."
        );
        fix = Some("Post from the address that is a member of the group, or ask the group's owner to add this address or to let non-members post.".into());
    }
    if topic == "policy" && header_refused(r) {
        title = format!("{who}: {HEADER_REFUSED}");
        fix = Some("Fix the program that writes the message (a web form, a script, the shop or mail software) so that it writes each of Date, From, Sender, To, Cc, Bcc and Subject at most once and well formed, then send again.".into());
    }
    if own_size {
        title = format!("{who}: {OWN_SIZE_LIMIT}");
        fix = Some("Send the files as a download link (a cloud folder or a file-transfer service), or split them over several smaller messages; attachments grow by about a third when encoded for e-mail. Or ask the provider whether it can raise the limit.".into());
    }
    if topic == "policy" && own_hold(kind, r) {
        title = format!("{who}: {OWN_HOLD}");
        fix = Some("Ask the mail host why it holds the domain's outgoing mail (usually a mass mailing, or spam from a stolen password or a website script), remove the cause, and ask the host to release the hold; the queued messages then go out.".into());
    }
    if own_limit {
        title = format!("{who}: {OWN_LIMIT}");
        fix = Some("Wait until the limit resets (the words say when: within the hour or the day) and send the rest then, or ask the provider to raise it; send newsletters and other bulk mail through a bulk-mail service, not a mailbox. If the account sent mail nobody in it wrote, change its password: a stolen login is a common cause.".into());
    }
    if let Some(list) = r.blocklist.as_ref().filter(|_| topic == "blocklist")
        && party == Party::Receiver
    {
        // The refusal rests on an error answer to the receiving server's own query (see
        // topic_of), not on a listing.
        title = format!(
            "{who}: The receiving server refused it on an error answer to its own {} query, not because the sending server is listed.",
            list.name
        );
        fix = Some(format!(
            "The receiving server's administrator queries {} through the server's own resolver (or the list's registered query service) and treats its error answers as errors, not listings; the sender has nothing to change.",
            list.name
        ));
    }
    if let Some(via) = forwarded_from(ctx, r).filter(|_| matches!(topic, "spf" | "dkim" | "dmarc"))
    {
        // RFC 7489 section 4 and RFC 7960: a forward re-sends the message from the forwarder's
        // own server (SPF then fails for the sender's domain unless the envelope sender is
        // rewritten, as the Sender Rewriting Scheme does) and breaks DKIM when it changes the
        // message; the refusal is about the forward, not the sender's setup.
        topic = "forwarding";
        // A list's resend refused (the bounce came back to the list): the list is the side
        // that sent the refused copy, its owner the one to act.
        party = if returned_to_list(ctx) {
            Party::Sender
        } else {
            Party::Receiver
        };
        title = format!(
            "{}: the message was addressed to {via}, whose server forwarded it on to {}; the forward broke its authentication, so the final server refused it.",
            who, who
        );
        fix = Some(format!(
            "The owner of {via} (or its mail host) forwards with the Sender Rewriting Scheme and without changing the message, or gives the sender the final address to write to directly; the sender's SPF, DKIM and DMARC need no change for a forward."
        ));
    }
    // The recipient domain's own inbound gateway (one of its MX hosts, RFC 5321 section 5.1)
    // took the message in and passed it on to the mailbox service, which refused it on
    // authentication: the gateway's address is in no SPF record of the sender's, and a gateway
    // that changes the message (a footer, rewritten links) breaks its DKIM signature (RFC 7960
    // section 3.2). The mailbox service has to be told that the gateway stands in front of it
    // (Google Workspace's inbound gateway setting, support.google.com/a/answer/60730; Exchange
    // Online's Enhanced Filtering for Connectors).
    if matches!(topic, "spf" | "dkim" | "dmarc")
        && let Some((gateway, service)) = recipient_gateway(ctx, r)
    {
        topic = "forwarding";
        party = Party::Receiver;
        title = format!(
            "{who}: the recipient's inbound gateway {gateway} took the message in and passed it on to {service}, which refused it: the gateway's server is not in the sender's SPF, and a gateway that changes the message breaks its DKIM signature."
        );
        fix = Some(format!(
            "The recipient's mail admin declares {gateway} as the inbound gateway at {service} (Google Workspace: Gmail settings, Inbound gateway; Microsoft 365: Enhanced Filtering for Connectors), or stops the gateway changing messages; the sender's SPF, DKIM and DMARC need no change."
        ));
    }
    // Exchange Online's "550 5.7.64 TenantAttribution; Relay Access Denied": mail from the
    // organization's own email server came in through an inbound connector that did not
    // recognize it (Microsoft Learn, "Fix error code 550 5.7.64 TenantAttribution; Relay Access
    // Denied in Exchange Online": the connector identifies the on-premises server by its public
    // IP address or the name in its TLS certificate, and the server's address or certificate no
    // longer matches, after a new Internet line or a renewed certificate).
    if topic == "relay-denied"
        && r.diagnostic
            .as_deref()
            .is_some_and(|d| d.to_ascii_lowercase().contains("tenantattribution"))
    {
        fix = Some("Microsoft 365 did not recognize the organization's own mail server: in the Exchange admin center, the inbound connector \"from your organization's email server\" must name the server's current public IP address (after a change of Internet line) or the name in its TLS certificate (after a certificate renewal); correct the connector, then send the queued mail again.".into());
    }
    // An address that does not exist, reached through a forward to another organization (the
    // scenarios README's `user-unknown`: the recipient's side broke an address that worked, an
    // alias or forward that points nowhere): the sender wrote the address that forwards, and
    // only its owner can correct the forward (RFC 5321 section 3.9: the alias's owner sets
    // where it goes).
    // So is a domain that does not exist reached through such a forward. Not an alias of the
    // sender's own organization (a list of its own that expands to its members): that list
    // is the sender's to correct.
    let sender_org = ctx
        .sender_domain()
        .and_then(|d| crate::vocab::domain::org_domain(&d.to_ascii_lowercase()));
    let dead_forward = if matches!(topic, "user-unknown" | "domain-missing") {
        forwarded_from(ctx, r).filter(|via| {
            crate::vocab::domain::org_of_address(via).is_none_or(|o| Some(o) != sender_org)
        })
    } else {
        None
    };
    if let Some(via) = &dead_forward {
        party = Party::Receiver;
        title = format!(
            "{who}: the message was addressed to {via}, whose server forwards it on to {who}; {}, so the forward points nowhere.",
            if topic == "domain-missing" {
                "that address's domain does not exist"
            } else {
                "that address does not exist"
            }
        );
        fix = Some(format!(
            "Correct or remove the forward from {via} to {who}."
        ));
    }
    // A sender at a free-mail provider cannot publish anything for the provider's domain
    // (RFC 7208 and RFC 7489: the domain's owner does): the authentication it names passes
    // only for mail sent through the provider's own servers.
    if let Some(provider) = ctx.r.sender.free_mail_provider.as_deref()
        && matches!(topic, "spf" | "dkim" | "dmarc")
    {
        let domain = ctx.sender_domain().unwrap_or("the address's domain");
        fix = Some(format!(
            "{provider} publishes the SPF, DKIM and DMARC records of {domain}, and only mail sent through {provider}'s own servers passes them: send from its website or app, or set the mail program's outgoing server to {provider}'s own (with the account's login), not the Internet provider's or another sending service's."
        ));
    }
    if own {
        detail = r
            .diagnostic
            .as_deref()
            .map(|words| {
                format!(
                    "The sender's own server said: \"{}\".",
                    crate::vocab::text::clip_ellipsis(words, 300)
                )
            })
            .unwrap_or_default();
        fix = Some(if tenant_banned(r) {
            // Microsoft Learn, "Fix email delivery issues for error code 5.7.708 in Exchange
            // Online": the tenant's sending is banned; its administrator asks Microsoft
            // support to lift it.
            "Microsoft stopped this Microsoft 365 organization from sending to outside addresses because much of its recent mail looked suspicious (common for new tenants): its administrator checks for compromised accounts and asks Microsoft support to lift the block.".into()
        } else {
            "Ask the organization's own mail administrator about the policy the server's words name; for an automatic forward to an outside address, remove the forwarding rule, or the administrator allows forwarding for this mailbox if the organization permits it.".into()
        });
    }
    if let Some(list) = r.blocklist.as_ref().filter(|_| party != Party::Receiver) {
        let ip = ctx
            .ip()
            .unwrap_or_else(|| "the sending server's address".into());
        // One page for both (SpamCop's): name it once.
        let check = if list.lookup_url == list.delist_url {
            format!(
                "check the listing and ask for removal at {}",
                list.lookup_url
            )
        } else {
            format!(
                "check the listing at {} and ask for removal at {}",
                list.lookup_url, list.delist_url
            )
        };
        fix = Some(format!(
            "Find what got {ip} listed (a compromised account or website, a bulk send to old addresses) and stop it, then {check}."
        ));
    }
    if let Some(method) = &r.auth {
        let method = method.to_ascii_uppercase().replace('_', " and ");
        let more = if ctx.r.bounce.as_ref().is_some_and(|b| b.original.is_some()) {
            format!(
                " The bounce names {method}: the Authentication section checks it for the returned message."
            )
        } else {
            format!(
                " The bounce names {method}, but it does not carry the returned message: paste the original message's headers to have its {method} checked."
            )
        };
        fix = Some(fix.unwrap_or_default() + &more);
    }
    let mut evidence = Vec::new();
    if let Some(words) = &r.diagnostic {
        evidence.push(Evidence {
            line: None,
            text: crate::vocab::text::clip_ellipsis(words, 300),
        });
    }
    if let Some(status) = &r.status {
        evidence.push(Evidence {
            line: None,
            text: format!("Status: {status}"),
        });
    }
    let certainty = if topic == "unknown" {
        Certainty::Likely
    } else {
        Certainty::Certain
    };
    let mut cause = make_cause(
        ctx,
        &format!("bounce.{}", r.reason.name()),
        topic,
        title,
        detail,
        fix.map(|f| f.trim().to_string()),
        certainty,
        party,
        Source::Bounce,
        evidence,
    );
    if own_limit || own_size {
        // The sender's own provider refused to send it: no receiving server's rate or limit
        // to read.
        use crate::report::diagnosis::Actor;
        cause
            .actions
            .retain(|a| !matches!(a.who, Actor::SenderProvider));
    }
    if cause.title.ends_with(HEADER_REFUSED) {
        // The header is the sending program's to fix: nothing for the recipient to allow.
        use crate::report::diagnosis::Actor;
        cause
            .actions
            .retain(|a| !matches!(a.who, Actor::Recipient | Actor::RecipientAdmin));
    }
    if let Some(via) = dead_forward {
        // The forward is the recipient's to fix; the sender wrote the right address.
        use crate::report::diagnosis::{Actor, NextStep};
        cause.actions.truncate(1);
        if let Some(first) = cause.actions.first_mut() {
            first.who = Actor::RecipientAdmin;
        }
        cause.actions.push(NextStep {
            who: Actor::Sender,
            text: format!(
                "The address written ({via}) is the right one: tell the recipient another way (phone, another address) that mail to it comes back, and send again once the forward is fixed."
            ),
        });
    }
    if own || cause.title.ends_with(OWN_HOLD) {
        // The recipient's side never saw the message: nothing for it to allow.
        use crate::report::diagnosis::Actor;
        cause
            .actions
            .retain(|a| !matches!(a.who, Actor::Recipient | Actor::RecipientAdmin));
    }
    cause
}

fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(i) => &text[..i + 1],
        None => text,
    }
}

/// The recipient domain's inbound gateway that wrote the bounce and the server it passed the
/// message on to, when the bounce's Reporting-MTA is in the organization of one of the failed
/// recipient domain's MX hosts and the server that refused (its Remote-MTA) is another
/// organization's.
fn recipient_gateway(ctx: &Context, r: &BouncedRecipient) -> Option<(String, String)> {
    let org = crate::vocab::domain::org_domain;
    let b = ctx.r.bounce.as_ref()?;
    let reporting = b.reporting_mta.as_deref()?.trim().trim_end_matches('.');
    let remote = r.remote_mta.as_deref()?.trim().trim_end_matches('.');
    let (reporting_org, remote_org) = (org(reporting)?, org(remote)?);
    if reporting_org == remote_org {
        return None;
    }
    // The MX hosts known are those of the first To address's domain: the failed recipient's
    // must be the same organization.
    let failed_org = crate::vocab::domain::org_of_address(&r.address)?;
    (Some(failed_org) == first_to_org(ctx)
        && super::message::recipient_mx_orgs(ctx).contains(&reporting_org))
    .then(|| (reporting.to_ascii_lowercase(), remote.to_ascii_lowercase()))
}

/// The organization of the returned message's first To address, the one whose MX hosts the
/// live checks asked for.
fn first_to_org(ctx: &Context) -> Option<String> {
    ctx.r
        .message
        .to
        .first()
        .and_then(|m| m.address.as_deref())
        .and_then(crate::vocab::domain::org_of_address)
}

/// The address the sender wrote when the failed recipient was reached through a forward to
/// another domain: the Original-Recipient (RFC 3464 section 2.3.1), or the envelope recipient
/// every Received field of the returned copy names (RFC 5321 section 4.4, the FOR clause),
/// in another organization than the failed address (RFC 5321 section 3.9: an alias or forward).
fn forwarded_from(ctx: &Context, r: &BouncedRecipient) -> Option<String> {
    let domain_org = crate::vocab::domain::org_of_address;
    let failed = domain_org(&r.address)?;
    if let Some(orig) = r.original_recipient.as_deref() {
        let orig = orig.trim().trim_start_matches("rfc822;").trim();
        if domain_org(orig).is_some_and(|o| o != failed) {
            return Some(orig.to_string());
        }
    }
    // Without a returned copy the Received fields are the bounce's own, whose FOR clause names
    // the sender the bounce went back to, not an address the message was sent to.
    let returned_copy = ctx
        .r
        .bounce
        .as_ref()
        .and_then(|b| b.original.as_ref())
        .is_some_and(|o| !o.text.trim().is_empty());
    if !returned_copy {
        return None;
    }
    let fors: Vec<&str> = ctx
        .r
        .hops
        .iter()
        .filter_map(|h| h.for_addr.as_deref())
        .collect();
    let first = *fors.first()?;
    let first_org = domain_org(first)?;
    // Every for clause names the address the sender wrote or, on the forwarder's own hop that
    // re-sent it, the address it was forwarded to (the one that failed).
    (first_org != failed
        && fors
            .iter()
            .all(|a| domain_org(a).is_some_and(|o| o == first_org || o == failed)))
    .then(|| first.trim().trim_matches(['<', '>']).to_string())
}

/// A bounce about a message the customer's servers never sent: the returned copy reached the
/// bouncing server from an address the sender domain's SPF does not allow, without a DKIM
/// signature of that domain and without any authenticated submission on its way.
/// Exchange Online's 5.7.708 "Access denied, traffic not accepted from this IP", by its words or
/// its status alone: Microsoft banned the sending tenant (Microsoft Learn, "Fix email delivery
/// issues for error code 5.7.708 in Exchange Online").
fn tenant_banned(r: &BouncedRecipient) -> bool {
    r.status.as_deref().is_some_and(|s| s.trim() == "5.7.708")
        || r.diagnostic.as_deref().is_some_and(|d| {
            d.to_ascii_lowercase()
                .contains("traffic not accepted from this ip")
        })
}

fn backscatter(ctx: &Context) -> Option<Cause> {
    let r = ctx.r;
    let b = r.bounce.as_ref()?;
    // The returned copy: carried whole, or (Exchange's notice as a mail program shows it,
    // "Original message headers:") its header only, whose path gave the sending IP.
    if b.original.is_none()
        && r.sending_ip
            .as_ref()
            .is_none_or(|s| s.reason != crate::interpret::bounce_ip::RETURNED_COPY_HOP)
    {
        return None;
    }
    let from = ctx.sender_domain()?.to_string();
    // The server that wrote the bounce took the returned copy from outside: the copy's
    // sending hop goes into the reporting server's organization.
    let reporting_org = crate::interpret::bounce_ip::reporting_org(b)?;
    let into_reporting = |hop: &crate::report::Hop| {
        // The receiving host may name itself by an internal name (an Exchange server's
        // "EXCH01.company.local" behind the organization's public domain, or a single label):
        // a name no other organization's server writes.
        let internal = hop
            .by
            .as_deref()
            .is_some_and(|by| !by.contains('.') || crate::vocab::domain::private_name(by));
        // A hosted service receives for the organization under its own names (Exchange
        // Online's *.mail.protection.outlook.com, writing the notice from the tenant's
        // postmaster): the reporting domain's MX hosts (RFC 5321 section 5.1) name that
        // service.
        let by_org = hop.by.as_deref().and_then(crate::vocab::domain::org_domain);
        let hosted = r
            .reputation
            .as_ref()
            .and_then(|rep| rep.recipient_mx.as_ref())
            .filter(|mx| {
                crate::vocab::domain::org_domain(&mx.domain.to_ascii_lowercase()).as_deref()
                    == Some(reporting_org.as_str())
            })
            .is_some_and(|mx| {
                mx.hosts.iter().any(|h| {
                    by_org.is_some()
                        && crate::vocab::domain::org_domain(&h.exchange.to_ascii_lowercase())
                            == by_org
                })
            });
        // A challenge-response filter quotes the header of the message as its own server
        // received it (`checks::bounce::challenge`): the topmost trace field of that copy is
        // the challenging organization's server taking it in, whatever its name.
        let challenged = b.format.as_deref() == Some("challenge-response")
            && r.hops.iter().map(|h| h.line).min() == Some(hop.line);
        (by_org.as_deref() == Some(reporting_org.as_str()) || internal || hosted || challenged)
            && crate::interpret::bounce_ip::crosses(hop)
    };
    if r.hops.is_empty() || r.hops.iter().any(|h| h.authenticated) {
        return None;
    }
    let auth = r.auth.as_ref()?;
    use crate::checks::spf::SpfResult;
    if !ctx.dns.usable() {
        return None;
    }
    // The sending IP's hop (the bouncing server refused what it took in), or else (a server
    // that forwards the recipient's mail on and bounced what the next server refused: the
    // sending IP is the forwarder's own) the returned copy's own hop into the bouncing
    // organization, judged by the SPF result that organization recorded for it then
    // (Received-SPF, RFC 7208 section 9.1, naming that hop's client-ip).
    let from_org = crate::vocab::domain::org_domain(&from.to_ascii_lowercase());
    let by_sending = r.sending_ip.as_ref().and_then(|sending| {
        r.hops
            .iter()
            .find(|h| h.number == sending.hop)
            .or_else(|| r.hops.iter().find(|h| h.ip == Some(sending.ip)))
            .filter(|h| into_reporting(h))
            .map(|_| sending.ip)
    });
    let recorded_entry = || {
        let ip = r.hops.iter().filter(|h| into_reporting(h)).find_map(|h| {
            h.ip.filter(|ip| crate::vocab::ip::classify(*ip).can_be_sender())
        })?;
        let said = r.recorded_spf.iter().find(|s| {
            s.key("client-ip")
                .and_then(|c| c.trim().parse::<core::net::IpAddr>().ok())
                == Some(ip)
                && s.key("identity")
                    .is_none_or(|i| i.eq_ignore_ascii_case("mailfrom"))
                && s.key("envelope-from")
                    .and_then(crate::vocab::domain::of_address)
                    .and_then(|d| crate::vocab::domain::org_domain(&d))
                    == from_org
        })?;
        let result = match said.result.as_str() {
            "fail" => SpfResult::Fail,
            "softfail" => SpfResult::Softfail,
            _ => return None,
        };
        Some((ip, result))
    };
    let (ip, spf_result, recorded) = if let Some(ip) = by_sending {
        // The returned copy's envelope sender, or else (a copy returned without its
        // Return-Path: a text/rfc822-headers part holds what the bouncing server kept) the
        // name it greeted with when that name claims the From domain's organization: its SPF
        // record says whether such a server is its own (RFC 7208 section 2.3, the HELO
        // identity).
        let spf = auth.spf.mail_from_result.as_ref().or_else(|| {
            auth.spf.helo_result.as_ref().filter(|h| {
                crate::vocab::domain::org_domain(&h.domain.to_ascii_lowercase()) == from_org
            })
        })?;
        (ip, spf.result, false)
    } else if b.original.is_some() {
        // What the bouncing organization recorded then; else (it recorded nothing) the live
        // check of the envelope sender's SPF for the server the copy came from.
        if let Some((ip, result)) = recorded_entry() {
            (ip, result, true)
        } else {
            let ip = auth.spf.entry_ip?;
            r.hops
                .iter()
                .find(|h| into_reporting(h) && h.ip == Some(ip))?;
            // Only when the bouncing organization received the copy for its recipient: it
            // is the To domain's own (a forward) or one of its MX hosts (RFC 5321 section 5.1:
            // a backup MX). A sending service's or provider's relay on the sender's side
            // takes its customers' mail from servers no SPF record needs to list.
            let to_org = first_to_org(ctx);
            // The recipient domain's MX hosts are those of the first To address's domain.
            let mx_of_to = super::message::recipient_mx_orgs(ctx).contains(&reporting_org);
            if to_org.as_deref() != Some(reporting_org.as_str()) && !mx_of_to {
                return None;
            }
            let result = auth.spf.entry_result.as_ref()?.result;
            (ip, result, false)
        }
    } else {
        return None;
    };
    // A domain without SPF cannot say which servers are its own; a server with no reverse DNS
    // name at all (its PTR lookup answered NXDOMAIN or no record: RFC 1912 section 2.1, every
    // host on the Internet should have one; large receivers refuse mail without one) that is
    // none of the From domain's own addresses, taking the message from nobody who logged in,
    // is no mail server of that domain: an infected machine using the address.
    let anonymous = !recorded
        && spf_result == SpfResult::None
        && r.reverse_dns
            .as_ref()
            .is_some_and(|d| d.ip == ip && d.status == crate::report::LookupStatus::None)
        && ctx
            .own_addresses()
            .is_some_and(|own| !own.contains(&ip.to_string()));
    if !matches!(spf_result, SpfResult::Fail | SpfResult::Softfail) && !anonymous {
        return None;
    }
    // A signature of the From domain is the domain's own server's mark, unless it is shown
    // not to verify: the bouncing organization recorded it as failing (and never as passing),
    // or, with nothing recorded about it, its key does not exist now (RFC 6376 section 6.1.2:
    // permerror). Anyone can write a DKIM-Signature field naming any domain; only one that
    // verifies says who sent the message.
    let verified_against = |domain: &str| {
        let recorded: Vec<&str> = ctx
            .recorded
            .iter()
            .filter(|x| {
                x.method == "dkim"
                    && x.domain
                        .as_deref()
                        .is_some_and(|d| d.eq_ignore_ascii_case(domain))
            })
            .map(|x| x.result.as_str())
            .collect();
        if !recorded.is_empty() {
            return recorded.contains(&"pass")
                || !recorded
                    .iter()
                    .any(|x| matches!(*x, "fail" | "permerror" | "neutral" | "policy"));
        }
        !auth.dkim.signatures.iter().any(|s| {
            s.domain.eq_ignore_ascii_case(domain)
                && s.result == crate::checks::dkim::DkimResult::Permerror
                && s.key.is_none()
        })
    };
    let signed_by_from = r.sender.dkim_signatures.iter().any(|s| {
        s.domain
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case(&from) && verified_against(&from))
    });
    if signed_by_from {
        return None;
    }
    let ip = ip.to_string();
    let msgid_domain = r
        .message
        .message_id
        .as_deref()
        .and_then(|m| m.rsplit_once('@'))
        .map(|(_, d)| d.trim_end_matches('>').to_ascii_lowercase());
    let why_not = if anonymous {
        format!(
            "a server with no reverse DNS name that is none of {from}'s own addresses ({from} publishes no SPF record to say which servers are its own)"
        )
    } else if recorded {
        format!(
            "which the SPF record of {from} did not allow (SPF {}, as the {} organization recorded it then)",
            spf_result.as_str(),
            if b.kind == BounceKind::Feedback {
                "reporting"
            } else {
                "bouncing"
            }
        )
    } else {
        format!(
            "which the SPF record of {from} does not allow (SPF {} now)",
            spf_result.as_str()
        )
    };
    let complaint = b.kind == BounceKind::Feedback;
    let challenge = b.format.as_deref() == Some("challenge-response");
    let (copy, server) = if complaint {
        ("reported", "reporting")
    } else if challenge {
        ("held", "challenging")
    } else {
        ("returned", "bouncing")
    };
    let mut detail = format!(
        "The {copy} copy came to the {server} server from {ip}, {why_not}, it carries no DKIM signature of {from}, and no step of its path shows a logged-in submission: {from}'s own servers did not send it."
    );
    if let Some(d) = msgid_domain.filter(|d| !d.ends_with(&from)) {
        detail.push_str(&format!(" Its Message-ID was made at {d}, not at {from}."));
    }
    detail.push_str(if complaint {
        " Someone forged the address on spam; the recipient reported that spam, and the complaint went to the forged sender's domain."
    } else if challenge {
        " Someone forged the address on spam; the recipient's challenge-response filter asked the forged sender to confirm it. Do not confirm it: that would deliver the spam."
    } else {
        " Someone forged the address on spam; the server that accepted it bounced it to the forged sender."
    });
    // A domain that already asks receivers to refuse or quarantine such mail (RFC 7489 section
    // 6.3) has nothing more to publish: the bouncing server did not apply its policy.
    let enforced = auth
        .dmarc
        .outcome
        .as_ref()
        .and_then(|o| o.applied_policy)
        .filter(|p| !matches!(p, crate::checks::dmarc::Policy::None));
    let mut cause = make_cause(
        ctx,
        "bounce.backscatter",
        "backscatter",
        format!(
            "Backscatter: {from} did not send the {} message; its address was forged.",
            if complaint || challenge {
                copy
            } else {
                "bounced"
            }
        ),
        detail,
        None,
        Certainty::Likely,
        Party::Sender,
        Source::Bounce,
        Vec::new(),
    );
    if complaint {
        // A recipient's complaint: no server bounced anything.
        use crate::report::diagnosis::Actor;
        cause
            .actions
            .retain(|a| !matches!(a.who, Actor::RecipientAdmin));
    }
    // What the domain's owner can do: keep an enforced DMARC policy, or publish SPF and
    // DMARC when it has neither.
    let provider_text = match enforced {
        Some(policy) => {
            let policy = match policy {
                crate::checks::dmarc::Policy::Reject => "p=reject",
                _ => "p=quarantine",
            };
            Some(format!(
                "{from} already publishes DMARC with {policy}, which asks receivers to refuse or quarantine forged mail; keep it. The server that bounced this one did not apply it."
            ))
        }
        None if anonymous => Some(format!(
            "Publish an SPF record for {from} that lists the servers that send its mail, and DMARC with p=quarantine or p=reject, so that receivers refuse forged mail instead of bouncing it to you."
        )),
        None => None,
    };
    if let Some(text) = provider_text {
        use crate::report::diagnosis::Actor;
        for a in cause
            .actions
            .iter_mut()
            .filter(|a| matches!(a.who, Actor::SenderProvider))
        {
            a.text = text.clone();
        }
    }
    Some(cause)
}

/// Words with which a customer says, in the first person, that they did not send the message
/// (lowercase), in the languages of the mail programs' labels the reader knows: "we never
/// sent", "nooit verstuurd", "jamais envoyé", "non abbiamo mandato", "nie wysłaliśmy". The
/// first person keeps out a message that "did not send" (the customer's own failed attempt).
const DENIALS: [&str; 45] = [
    "we never sent",
    "i never sent",
    "we did not send",
    "we didn't send",
    "i did not send",
    "i didn't send",
    "we have never sent",
    "i have never sent",
    "we haven't sent",
    "i haven't sent",
    "we have not sent",
    "i have not sent",
    "never sent by us",
    "nooit verstuurd",
    "nooit verzonden",
    "nooit gestuurd",
    "nie gesendet",
    "nie verschickt",
    "nie geschickt",
    "niemals gesendet",
    "niemals verschickt",
    "jamais envoyé",
    "nunca enviamos",
    "nunca envié",
    "nunca hemos enviado",
    "no hemos enviado",
    "no he enviado",
    "n'ai pas envoyé",
    "n'avons pas envoyé",
    "não enviámos",
    "nunca enviei",
    "não enviamos",
    "não enviei",
    "non abbiamo mandato",
    "non abbiamo inviato",
    "non ho mandato",
    "non ho inviato",
    "mai inviato",
    "mai mandato",
    "nie wysyłaliśmy",
    "nie wysłaliśmy",
    "nie wysłałem",
    "nie wysłałam",
    "nie wysyłałem",
    "nie wysyłałam",
];

/// Backscatter the customer tells: their own words around the paste say they never sent the
/// message an automatic reply or a notice answers, and the paste holds no copy of that message
/// to check it against (with a copy, its path decides: [`backscatter`]). An automatic reply
/// answers whatever carried the address; so does a notice without the returned message. Likely,
/// not certain: the customer may not know everything sent from the account.
fn denied_sending(ctx: &Context) -> Option<Cause> {
    let said = super::message::prose(ctx).find(|e| {
        let line = e.text.to_lowercase();
        DENIALS.iter().any(|d| line.contains(d))
    })?;
    let b = ctx.r.bounce.as_ref()?;
    let what = if b.kind == BounceKind::AutoReply {
        "automatic reply"
    } else {
        "notice"
    };
    let mut cause = make_cause(
        ctx,
        "bounce.backscatter-told",
        "backscatter",
        format!(
            "Backscatter, as the customer tells it: the {what} answers a message nobody on their side sent."
        ),
        format!(
            "The customer says they never sent the message this {what} answers, and the paste holds no copy of it to show where it came from. Spam sent under a forged address draws such answers from the servers and mailboxes it reached. If nobody logged in to the account sent it, nothing needs fixing; if it may have come from the account (a password someone else knows), change the password and look at the account's sent mail."
        ),
        None,
        Certainty::Likely,
        Party::Sender,
        Source::Bounce,
        vec![said.clone()],
    );
    if b.kind == BounceKind::AutoReply {
        // An automatic reply: no server bounced anything.
        use crate::report::diagnosis::Actor;
        cause
            .actions
            .retain(|a| !matches!(a.who, Actor::RecipientAdmin));
    }
    Some(cause)
}

#[cfg(test)]
mod tests {
    use super::{
        auth_status_topic, country_refusal, gmail_failed_method, helo_name_refused,
        microsoft_failed_method, text_reason, typo_of_provider, united_internet_code,
    };
    use crate::checks::bounce::Reason;
    use crate::report::diagnosis::Party;

    #[test]
    fn outlooks_high_volume_refusal_names_the_method_that_did_not_pass() {
        let r = "550 5.7.515 access denied, sending domain a.example doesn't meet the required authentication level. ... spf= pass , dkim= none , dmarc= pass [x.prod.outlook.com]";
        assert_eq!(microsoft_failed_method(r), Some("dkim"));
        let r = "550 5.7.515 access denied ... spf= fail , dkim= pass , dmarc= pass";
        assert_eq!(microsoft_failed_method(r), Some("spf"));
        let r = "550 5.7.515 access denied ... spf= fail , dkim= none , dmarc= fail";
        assert_eq!(microsoft_failed_method(r), None);
        assert_eq!(microsoft_failed_method("550 5.7.515 access denied"), None);
    }

    #[test]
    fn a_country_filters_reply_names_a_country_and_an_address() {
        assert!(country_refusal(
            "554 5.7.1 recipient address rejected: delivery from pt (198.51.100.71) rejected"
        ));
        // mtpolicyd's IP reputation plugin (CtIpRep) names no country: not this rule.
        assert!(!country_refusal(
            "550 delivery from 192.0.2.1 is rejected. check at http://www.commtouch.com/"
        ));
        assert!(!country_refusal(
            "delivery from pt (not an address) rejected"
        ));
    }

    #[test]
    fn web_de_and_gmx_name_their_reason_in_the_link() {
        assert_eq!(
            united_internet_code(
                "554-transaction failed 554-reject due to policy restrictions. 554 for explanation visit https://web.de/email/senderguidelines?ip=198.51.100.23&c=hi"
            ),
            Some("hi")
        );
        assert_eq!(
            united_internet_code(
                "see https://postmaster.gmx.net/en/error-messages?ip=192.0.2.1&c=rl."
            ),
            Some("rl")
        );
        // Another site's link with the same parameter is not theirs.
        assert_eq!(
            united_internet_code("see https://mx.example/why?ip=192.0.2.1&c=hi"),
            None
        );
    }

    #[test]
    fn a_refused_helo_argument_is_told_from_a_stage_note() {
        assert!(helo_name_refused(
            "550 5.7.0 helo argument [ex2019.corp.intern] is malformed. protection provided by magicspam"
        ));
        assert!(helo_name_refused("554 5.7.1 helo/ehlo name is not a fqdn"));
        // Exim names the command the refusal answered, not its argument.
        assert!(!helo_name_refused(
            "smtp error from remote mail server after ehlo mail.example.com: 554 5.7.1 invalid sender ip, blocked"
        ));
        assert!(!helo_name_refused("550 5.1.1 invalid recipient"));
    }

    #[test]
    fn the_cause_is_told_as_its_topic() {
        // A reason's own topic keeps its own words.
        assert_eq!(
            text_reason("blocklist", Party::Sender, Reason::Blocked),
            None
        );
        assert_eq!(text_reason("policy", Party::Sender, Reason::Filtered), None);
        // Read as another topic, the topic's words.
        assert_eq!(
            text_reason("expired", Party::Sender, Reason::Blocked),
            Some(Reason::Expired)
        );
        assert_eq!(
            text_reason("dmarc", Party::Sender, Reason::Policyviolation),
            Some(Reason::Authfailure)
        );
        // No single reason tells a HELO refusal: the reason's words stay.
        assert_eq!(
            text_reason("helo", Party::Sender, Reason::Policyviolation),
            None
        );
        // A security refusal read as the receiving side's own rule is told as that rule, not
        // as the sender's login or TLS; the sender's own stays a security refusal.
        assert_eq!(
            text_reason("policy", Party::Receiver, Reason::Securityerror),
            Some(Reason::Policyviolation)
        );
        assert_eq!(
            text_reason("policy", Party::Sender, Reason::Securityerror),
            None
        );
    }

    #[test]
    fn gmail_names_the_method_that_did_not_pass() {
        let words = |dkim: &str, spf: &str| {
            format!(
                "550-5.7.30 this mail has been blocked because the sender is unauthenticated. 550-5.7.30 authentication results: 550-5.7.30 dkim = {dkim} 550-5.7.30 spf [news.example] with ip: [192.0.2.9] = {spf} 550-5.7.30 for instructions"
            )
        };
        assert_eq!(
            gmail_failed_method(&words("did not pass", "pass")),
            Some("dkim")
        );
        assert_eq!(
            gmail_failed_method(&words("pass", "did not pass")),
            Some("spf")
        );
        assert_eq!(
            gmail_failed_method(&words("did not pass", "did not pass")),
            None
        );
        assert_eq!(gmail_failed_method("550 5.7.26 unauthenticated"), None);
    }

    #[test]
    fn rfc_7372_codes_name_the_method() {
        assert_eq!(auth_status_topic("5.7.23"), Some("spf"));
        assert_eq!(auth_status_topic("4.7.24"), Some("spf"));
        assert_eq!(auth_status_topic("5.7.20"), Some("dkim"));
        assert_eq!(auth_status_topic("5.7.26"), None);
        assert_eq!(auth_status_topic("5.7.2"), None);
    }

    #[test]
    fn a_final_failure_of_the_receivers_tls_is_an_expiry_on_its_side() {
        use super::topic_of;
        use crate::checks::bounce::{BounceKind, analyze};
        let dsn = |status: &str| {
            format!(
                "From: MAILER-DAEMON@mx.example\nTo: a@example.org\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.\n\n<c@d.example>: Server certificate not trusted\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; c@d.example\nAction: failed\nStatus: {status}\nDiagnostic-Code: X-Postfix; Server certificate not trusted\n\n--b--\n"
            )
        };
        let b = analyze(dsn("4.7.5").as_bytes());
        assert_eq!(
            topic_of(BounceKind::Bounce, &b.recipients[0]),
            ("expired", Party::Receiver)
        );
        // A permanent refusal for the same words is no expiry.
        let b = analyze(dsn("5.7.5").as_bytes());
        assert_ne!(topic_of(BounceKind::Bounce, &b.recipients[0]).0, "expired");
    }

    #[test]
    fn a_lone_recipient_without_a_diagnostic_takes_the_reports_text() {
        use super::topic_of;
        use crate::checks::bounce::{BounceKind, analyze};
        let m = "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: k@a.example\nSubject: Delivery Status Notification (Failure)\nX-Failed-Recipients: g@b.example\nMIME-Version: 1.0\nContent-Type: multipart/report; boundary=\"b\"; report-type=delivery-status\n\n--b\nContent-Type: text/plain; charset=\"UTF-8\"\n\nHello k@a.example,\n\nWe're writing to let you know that the group you tried to contact (g) may not exist, or you may not have permission to post messages to the group.\n\n--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; g@b.example\nAction: failed\nStatus: 5.0.0\n\n--b--\n";
        let b = analyze(m.as_bytes());
        assert_eq!(b.recipients.len(), 1);
        assert_eq!(
            topic_of(BounceKind::Bounce, &b.recipients[0]),
            ("policy", Party::Receiver)
        );
    }

    #[test]
    fn a_missing_mailbox_after_data_is_an_unknown_address_except_at_a_mobile_carrier() {
        use super::topic_of;
        use crate::checks::bounce::{BounceKind, analyze};
        let read = |rcpt: &str, reply: &str| {
            let m = format!(
                "From: MAILER-DAEMON@mx.example\nTo: a@example.org\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host mx.example.\n\n<{rcpt}>: host mx.example.net[192.0.2.1] said: {reply} (in reply to end of DATA command)\n"
            );
            let b = analyze(m.as_bytes());
            (
                b.recipients[0].reason,
                topic_of(BounceKind::Bounce, &b.recipients[0]),
            )
        };
        let mailru = "550 Message was not accepted -- invalid mailbox.  Local mailbox n@mail.example is unavailable: user not found";
        // The reader keeps Sisimai's reason; the diagnosis reads the words.
        assert_eq!(
            read("n@mail.example", mailru),
            (Reason::Filtered, ("user-unknown", Party::Sender))
        );
        // At a Japanese mobile carrier the same words also stand for the handset's refusal.
        assert_eq!(
            read("u@docomo.ne.jp", "550 Unknown user u@docomo.ne.jp").1,
            ("policy", Party::Receiver)
        );
        assert_eq!(
            read(
                "u@docomo.ne.jp.example",
                "550 Unknown user u@docomo.ne.jp.example"
            )
            .1,
            ("user-unknown", Party::Sender)
        );
        // Words that name a filter keep the filter reading.
        assert_eq!(
            read("n@mail.example", "550 User unknown or message filtered").1,
            ("policy", Party::Receiver)
        );
    }

    /// A forward is read from the returned copy's Received fields; a bounce without one has
    /// only its own, whose FOR clause names the sender it went back to.
    #[test]
    fn a_bounces_own_received_fields_name_no_forward() {
        use crate::{Analysis, Options};
        let bounce = |returned: &str| {
            format!(
                "Return-Path: <>\nDelivered-To: office@club.example\nReceived: from relay.host.example (relay.host.example [198.51.100.150])\n\tby mx.mail.example (Postfix) with ESMTPS id 4f\n\tfor <office@club.example>; Thu, 19 Mar 2026 08:41:08 +0100\nDate: Thu, 19 Mar 2026 08:41:07 +0100\nFrom: MAILER-DAEMON@relay.host.example\nTo: office@club.example\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nThis is the mail system at host relay.host.example.\n\n<anna@isp.example>: host mx.isp.example[192.0.2.5] said: 550 5.7.23 <anna@isp.example>: Recipient address rejected: Message rejected due to: SPF fail - not authorized (in reply to RCPT TO command)\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; relay.host.example\n\nFinal-Recipient: rfc822; anna@isp.example\nAction: failed\nStatus: 5.7.23\nDiagnostic-Code: smtp; 550 5.7.23 <anna@isp.example>: Recipient address rejected: Message rejected due to: SPF fail - not authorized\n{returned}\n--b--\n"
            )
        };
        let copy = "\n--b\nContent-Type: text/rfc822-headers\n\nReceived: from mx.alias.example (mx.alias.example [203.0.113.70])\n\tby mx.isp.example with ESMTP id 9 for <boss@alias.example>; Thu, 19 Mar 2026 08:41:06 +0100\nReceived: from web.host.example (web.host.example [198.51.100.9])\n\tby mx.alias.example with ESMTP id 8 for <boss@alias.example>; Thu, 19 Mar 2026 08:41:05 +0100\nFrom: office@club.example\nTo: boss@alias.example\nSubject: Hello\nDate: Thu, 19 Mar 2026 08:41:04 +0100\nMessage-ID: <1@club.example>\n";
        let topic = |text: &str| {
            let options = Options {
                live: false,
                ..Options::default()
            };
            let mut a = Analysis::new(text.as_bytes(), 1_773_910_000_000, options);
            assert!(a.poll_queries().is_empty());
            let report = a.finish();
            report.diagnosis.unwrap().causes[0].topic.clone()
        };
        assert_eq!(topic(&bounce("")), "spf");
        // The returned copy went to boss@alias.example, which forwarded it to anna@isp.example.
        assert_eq!(topic(&bounce(copy)), "forwarding");
    }

    #[test]
    fn refusals_without_a_named_reason() {
        use super::topic_of;
        use crate::checks::bounce::{BounceKind, analyze};
        use crate::report::diagnosis::Party;
        let topic = |reply: &str, command: &str| {
            let m = format!(
                "From: MAILER-DAEMON@mx.example\nTo: a@example.org\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host mx.example.\n\n<u@example.net>: host mx.example.net[192.0.2.1] said: {reply} (in reply to {command} command)\n"
            );
            let b = analyze(m.as_bytes());
            topic_of(BounceKind::Bounce, &b.recipients[0])
        };
        // RFC 5321 4.2.3: the receiver refused the message, it did not time out.
        assert_eq!(
            topic("554 Transaction failed", "end of DATA"),
            ("policy", Party::Receiver)
        );
        // RFC 3463 X.7.1: the sender is not authorized; an attachment rule is the receiver's.
        assert_eq!(
            topic(
                "550 5.7.1 Delivery not authorized, message refused",
                "RCPT TO"
            ),
            ("policy", Party::Sender)
        );
        assert_eq!(
            topic(
                "554 5.7.1 Attachments of type .iso are not accepted here",
                "end of DATA"
            ),
            ("policy", Party::Receiver)
        );
        // A recipient organization's own IP block list is its policy.
        assert_eq!(
            topic(
                "550 5.7.1 Service unavailable, Client host [192.0.2.9] blocked using Customer Block list (AS16012607)",
                "RCPT TO"
            ),
            ("policy", Party::Receiver)
        );
        // A server that requires TLS: its policy, the sending server's to meet.
        assert_eq!(
            topic(
                "421-4.7.0 TLS required for RCPT domain, closing connection. 421 4.7.0 https://support.google.com/mail/answer/6330403 - gsmtp",
                "RCPT TO"
            ),
            ("policy", Party::Sender)
        );
        // Postfix's NXDOMAIN for the recipient domain: a domain that does not exist; its
        // temporary lookup failure is no such verdict.
        assert_eq!(
            topic(
                "Host or domain name not found. Name service error for name=b.example type=MX: Host not found",
                "RCPT TO"
            )
            .0,
            "domain-missing"
        );
        assert_ne!(
            topic(
                "Host or domain name not found. Name service error for name=b.example type=MX: Host not found, try again",
                "RCPT TO"
            )
            .0,
            "domain-missing"
        );
        // Yahoo's TSS04 deferral throttles the sending IP; it is no content verdict.
        assert_eq!(
            topic(
                "421 4.7.0 [TSS04] Messages from 192.0.2.9 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1",
                "MAIL FROM"
            ),
            ("rate-limit", Party::Sender)
        );
        // Cox's CDRBL is a temporary block of the sending IP for its behaviour, a throttle;
        // its CXDNS names the connecting IP's reverse DNS.
        assert_eq!(
            topic(
                "421 cmsmtp IP address blocked. Refer to Error Codes section at https://www.cox.com/residential/support/email-error-codes.html for more information. AUP#CDRBL",
                "CONNECT"
            ),
            ("rate-limit", Party::Sender)
        );
        assert_eq!(
            topic(
                "554 cmsmtp blocked. Refer to Error Codes section at https://www.cox.com/residential/support/email-error-codes.html for more information. AUP#CXDNS",
                "CONNECT"
            )
            .0,
            "reverse-dns"
        );
        // NetEase's deferral for an RBL listing keeps the listing as its topic: every retry
        // meets it until the listing goes.
        let deferred = analyze(
            "From: MAILER-DAEMON@mx.example\nTo: a@example.org\nSubject: Delayed Mail (still being retried)\n\nThis is the mail system at host mx.example.\n\n<u@163.com>: host 163mx02.mxmail.netease.com[192.0.2.1] said: 450 DT:RBL mx29,KCwv 1795598349 http://mail.163.com/help/help_spam_16.htm?ip=198.51.100.9 (in reply to MAIL FROM command)\n"
                .as_bytes(),
        );
        assert_eq!(deferred.kind, BounceKind::Delay);
        assert_eq!(
            topic_of(BounceKind::Delay, &deferred.recipients[0]),
            ("blocklist", Party::Sender)
        );
        // Exchange Online's 5.7.708: the sending tenant's reputation, the sender's.
        assert_eq!(
            topic(
                "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.",
                "RCPT TO"
            ),
            ("content", Party::Sender)
        );
        // RFC 3463 X.2.1: a disabled mailbox, not a filter.
        assert_eq!(
            topic("550 5.2.1 Mailbox not available", "RCPT TO"),
            ("user-unknown", Party::Sender)
        );
        assert_eq!(
            topic("550 5.2.1 Sender blocked by recipient", "RCPT TO").1,
            Party::Receiver
        );
        // A server's own list says so: the receiving side's rule, not a public blocklist.
        for (reply, command) in [
            ("550 5.1.1 <a@example.org> sender is blacklisted", "RCPT TO"),
            (
                "550 sender envelope address a@example.org is locally blacklisted here. If you think this is wrong, get in touch with postmaster",
                "RCPT TO",
            ),
            (
                "550 5.7.1 sender <a@example.org> black listed #127",
                "MAIL FROM",
            ),
            (
                "554 Your country is not allowed to connect to this server.",
                "CONNECT",
            ),
            (
                "554 5.7.1 <mail.a.example[198.51.100.99]>: Client host rejected: Access denied",
                "RCPT TO",
            ),
            (
                "554 5.7.1 <u@example.net>: Recipient address rejected: delivery from PT (198.51.100.71) rejected",
                "RCPT TO",
            ),
        ] {
            assert_eq!(
                topic(reply, command),
                ("policy", Party::Receiver),
                "{reply}"
            );
        }
        // Postfix's header_checks REJECT for an attachment name: the receiver's rule.
        assert_eq!(
            topic(
                "552 5.7.0 Message content rejected: .iso attachments are not accepted",
                "end of DATA"
            ),
            ("policy", Party::Receiver)
        );
        assert_eq!(
            topic("550 5.7.1 Message content rejected", "end of DATA").0,
            "content"
        );
        // A public list named stays a blocklist, the sender's side to clear.
        assert_eq!(
            topic(
                "554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org",
                "RCPT TO"
            ),
            ("blocklist", Party::Sender)
        );
    }

    #[test]
    fn the_sending_accounts_own_limit_is_told_as_its_providers() {
        use super::{own_sending_limit, topic_of};
        use crate::checks::bounce::{BounceKind, analyze};
        let recipient = |words: &str| {
            let m = format!(
                "From: Mail Delivery System <Mailer-Daemon@host.example>\nTo: a@example.org\nSubject: Mail delivery failed: returning message to sender\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  u@example.net\n    {words}\n"
            );
            analyze(m.as_bytes()).recipients.remove(0)
        };
        let own = recipient("You (ashvale) have reached your daily email limit of 300 emails");
        assert_eq!(topic_of(BounceKind::Bounce, &own).0, "rate-limit");
        assert!(own_sending_limit(&own));
        // A receiving server's rate limit is not the account's own.
        let remote = recipient(
            "SMTP error from remote mail server after RCPT TO:<u@example.net>: 450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered",
        );
        assert_eq!(topic_of(BounceKind::Bounce, &remote).0, "rate-limit");
        assert!(!own_sending_limit(&remote));
    }

    #[test]
    fn provider_typos() {
        assert!(typo_of_provider("kevin@gmial.com"));
        assert!(typo_of_provider("a@hotmial.com"));
        assert!(!typo_of_provider("a@gmail.com"));
        assert!(!typo_of_provider("orders@pellow-joinery.example"));
    }
}
