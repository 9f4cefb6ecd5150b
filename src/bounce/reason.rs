//! Bounce reasons (Sisimai's vocabulary), found from the remote server's words and the status
//! codes; RFC 3463 enhanced status codes explained.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Why a message came back, in Sisimai's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Reason {
    Userunknown,
    Mailboxfull,
    Hostunknown,
    Blocked,
    Rejected,
    Spamdetected,
    Policyviolation,
    Authfailure,
    Requireptr,
    Badreputation,
    Norelaying,
    Toomanyconn,
    Speeding,
    Mesgtoobig,
    Expired,
    Suspend,
    Filtered,
    Securityerror,
    Systemerror,
    Systemfull,
    Networkerror,
    Contenterror,
    Virusdetected,
    Syntaxerror,
    Notaccept,
    Notcompliantrfc,
    Exceedlimit,
    Hasmoved,
    Mailererror,
    Onhold,
    Undefined,
    Delivered,
    Feedback,
    Vacation,
}

use Reason::*;

impl Reason {
    /// The reason's name as in the JSON (`userunknown`, ...).
    pub fn name(self) -> &'static str {
        self.texts().0
    }

    /// A plain explanation for a support agent.
    pub fn explanation(self) -> &'static str {
        self.texts().1
    }

    /// What to do about it.
    pub fn advice(self) -> &'static str {
        self.texts().2
    }

    /// Whether the address itself is bad (stop sending to it), as Sisimai's "hard bounce".
    pub fn address_is_bad(self) -> bool {
        matches!(self, Userunknown | Hostunknown | Hasmoved)
    }

    fn texts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Userunknown => ("userunknown", "The receiving server says this mailbox does not exist.", "Check the address for typos; if it is right, the person has left or the address was closed. Remove it from lists."),
            Mailboxfull => ("mailboxfull", "The recipient's mailbox is full.", "Nothing is wrong on the sender's side. The recipient must make room; try again later or reach them another way."),
            Hostunknown => ("hostunknown", "The recipient's domain does not exist or has no mail server (DNS).", "Check the part after @ for typos. If it is right, the domain's DNS (MX records) is broken; only its owner can fix it."),
            Blocked => ("blocked", "The receiving server refused the sending server itself (its IP address or name), not this message.", "The sending server's IP is blocked or listed; see the list named, if any, and ask the mail provider to check its reputation."),
            Rejected => ("rejected", "The receiving server refused the sender's address (the envelope sender).", "Check that the sender address and its domain exist and are allowed to send; the remote server may block this sender."),
            Spamdetected => ("spamdetected", "A spam filter at the receiving side judged the message to be spam.", "Review the content and links; make sure SPF, DKIM and DMARC pass; send again without spam-like content."),
            Policyviolation => ("policyviolation", "The message broke a rule set by the receiving organization (content, attachment type, or recipient policy).", "Ask the recipient which rule applies; remove what it objects to (attachment, link, size)."),
            Authfailure => ("authfailure", "The message failed sender authentication (SPF, DKIM or DMARC) at the receiving side.", "Check the sender domain's SPF, DKIM and DMARC records and that the sending service is included; the live checks show which fails."),
            Requireptr => ("requireptr", "The sending server's IP has no valid reverse DNS name (PTR record), and the receiver requires one.", "The owner of the sending IP must set a PTR record that matches the server's name."),
            Badreputation => ("badreputation", "The receiver refused the mail because of the sending IP or domain's reputation.", "Ask the mail provider about the sending IP's reputation; reduce complaints and bounces; warm up new IPs slowly."),
            Norelaying => ("norelaying", "A server refused to pass the message on (relay) because it does not handle mail for that domain or the sender did not log in.", "Check the outgoing server settings in the mail program (login required) and the recipient's domain MX records."),
            Toomanyconn => ("toomanyconn", "The receiving server refused because too many connections came from the sender at once.", "Temporary: the sending server will usually retry. Lower the sending concurrency if it persists."),
            Speeding => ("speeding", "The sender sent too much mail too fast; the receiver is rate-limiting.", "Slow down sending; the mail is usually accepted later."),
            Mesgtoobig => ("mesgtoobig", "The message is larger than the receiving server accepts.", "Send smaller attachments or share files by link."),
            Expired => ("expired", "The sending server kept trying but could not deliver in time and gave up.", "Check that the recipient's domain and mail servers are reachable; try again later."),
            Suspend => ("suspend", "The recipient's mailbox exists but is disabled or suspended.", "The recipient must reactivate the account; reach them another way."),
            Filtered => ("filtered", "The recipient (or their server's filter) refused this message after it was sent.", "The recipient may have blocked the sender or have a filter rule; ask them through another channel."),
            Securityerror => ("securityerror", "The receiving side refused for a security reason (authentication, TLS or access rules).", "Check the sender's login, TLS settings and authentication records."),
            Systemerror => ("systemerror", "The receiving server had an internal error or a configuration problem (for example a mail loop).", "Usually on the receiver's side; try again later and tell their administrator if it persists."),
            Systemfull => ("systemfull", "The receiving server's disk is full.", "A problem on the receiving side; try again later."),
            Networkerror => ("networkerror", "The sending server could not reach the receiving server (DNS or network problem).", "Check the recipient domain's MX records and that its servers answer; usually temporary."),
            Contenterror => ("contenterror", "The receiver refused the message's format (headers or encoding).", "Check the mail program or the sending application's message format."),
            Virusdetected => ("virusdetected", "A virus scanner at the receiving side found something harmful in the message.", "Scan the attachment; send without it or as a link."),
            Syntaxerror => ("syntaxerror", "The receiver did not understand an SMTP command (a protocol error).", "A fault of the sending software; tell the mail provider."),
            Notaccept => ("notaccept", "The recipient's domain does not accept e-mail at all (null MX, or no working mail server).", "The address cannot receive mail; use another way to reach them."),
            Notcompliantrfc => ("notcompliantrfc", "The message does not follow the e-mail standards (RFC 5322), for example duplicate or malformed headers.", "Fix the sending software so its messages are well formed."),
            Exceedlimit => ("exceedlimit", "The message exceeded a limit set by the recipient's server (size or quota for one message).", "Send a smaller message."),
            Hasmoved => ("hasmoved", "The recipient's address has moved and mail is not forwarded.", "Use the new address if the bounce gives one; remove the old one."),
            Mailererror => ("mailererror", "A delivery program on the receiving server failed.", "A fault on the receiving side; tell their administrator."),
            Onhold => ("onhold", "The bounce does not say clearly why delivery failed.", "Read the server's own words below; ask the receiving side if unclear."),
            Undefined => ("undefined", "No reason could be found in the bounce.", "Read the server's own words below; ask the mail provider if unclear."),
            Delivered => ("delivered", "This is a delivery report: the message was delivered.", "Nothing to do."),
            Feedback => ("feedback", "A spam complaint (feedback report), not a bounce: a recipient marked the message as spam.", "Stop mailing that recipient; review why recipients complain."),
            Vacation => ("vacation", "An automatic reply (out of office or vacation), not a bounce: the message was delivered.", "Nothing to do; the recipient will read it later."),
        }
    }
}

/// First pass: a reason wins here when its phrases occur or the status code names it.
const ORDER0: &[Reason] = &[
    Mailboxfull, Mesgtoobig, Exceedlimit, Suspend, Hasmoved, Norelaying, Authfailure, Userunknown,
    Filtered, Requireptr, Notcompliantrfc, Badreputation, Contenterror, Rejected, Hostunknown,
    Spamdetected, Speeding, Toomanyconn, Blocked,
];

/// Second pass: phrases only.
const ORDER1: &[Reason] = &[
    Mailboxfull, Authfailure, Badreputation, Speeding, Spamdetected, Virusdetected, Policyviolation,
    Norelaying, Systemerror, Networkerror, Suspend, Contenterror, Systemfull, Notaccept, Expired,
    Securityerror, Mailererror, Syntaxerror,
];

const fn bit(r: Reason) -> u64 {
    1u64 << (r as u8)
}

/// Lowercase phrases that name a reason. Short, distinctive pieces of the wording real servers
/// use; matched as substrings of the lowercased text.
static PHRASES: &[(&str, Reason)] = &[
    // mailbox full
    ("mailbox full", Mailboxfull), ("mailbox is full", Mailboxfull), ("mailbox size limit", Mailboxfull),
    ("quota exceeded", Mailboxfull), ("over quota", Mailboxfull), ("overquota", Mailboxfull),
    ("exceeded storage", Mailboxfull), ("exceeds the storage", Mailboxfull), 
    ("mailbox has exceeded", Mailboxfull), ("mailbox exceeded", Mailboxfull), ("user is over", Mailboxfull),
    ("would exceed mailbox quota", Mailboxfull), ("recipient's mailbox is full", Mailboxfull),
    ("mail box full", Mailboxfull), ("mailfolder is full", Mailboxfull), ("account is full", Mailboxfull),
    ("out of storage", Mailboxfull), ("quota full", Mailboxfull), ("mailbox over quota", Mailboxfull),
    ("disk quota", Mailboxfull), ("not enough storage", Mailboxfull), ("inbox is full", Mailboxfull),
    ("full mailbox", Mailboxfull), ("is over the allowed quota", Mailboxfull), ("exceeds quota", Mailboxfull),
    // too big
    ("message size exceeds", Mesgtoobig), ("message too large", Mesgtoobig), ("message is too large", Mesgtoobig),
    ("size exceeds", Mesgtoobig), ("message too big", Mesgtoobig), ("exceeds size limit", Mesgtoobig),
    ("exceeds maximum message size", Mesgtoobig), ("message file too big", Mesgtoobig), ("size limit exceeded", Mesgtoobig),
    ("message length exceeds", Mesgtoobig), ("line limit exceeded", Mesgtoobig), ("exceeded max message size", Mesgtoobig), ("message is larger than", Mesgtoobig),
    // limits
    ("message header size exceeds", Exceedlimit), ("exceeds the maximum", Exceedlimit),
    // suspended
    ("account disabled", Suspend), ("account has been disabled", Suspend), ("account is disabled", Suspend),
    ("mailbox disabled", Suspend), ("mailbox is disabled", Suspend), ("account suspended", Suspend),
    ("account is suspended", Suspend), ("has been suspended", Suspend), ("is inactive", Suspend),
    ("account inactive", Suspend), ("mailbox unavailable or deactivated", Suspend), ("account deactivated", Suspend),
    ("not an active mailbox", Suspend), ("mailbox is frozen", Suspend), ("account is locked", Suspend),
    ("recipient suspended", Suspend), ("recipient account is blocked", Suspend), ("reach is disabled", Suspend), ("temporary locked", Suspend), ("temporarily locked", Suspend), ("temporarily disabled", Suspend), ("has been disabled", Suspend),
    ("inactive user", Suspend), ("inactive mailbox", Suspend), ("account expired", Suspend),
    // moved
    ("address has moved", Hasmoved), ("has moved to", Hasmoved), ("no longer with", Hasmoved),
    ("has changed his address", Hasmoved), ("user has moved", Hasmoved),
    // relaying
    ("relay access denied", Norelaying), ("relaying denied", Norelaying), ("relay not permitted", Norelaying),
    ("not permitted to relay", Norelaying), ("relaying not allowed", Norelaying), ("we do not relay", Norelaying),
    ("unable to relay", Norelaying), ("not configured to relay", Norelaying), ("relay denied", Norelaying), ("relaying mail to", Norelaying),
    ("not allowed to relay", Norelaying), ("relay prohibited", Norelaying), ("relaying is prohibited", Norelaying),
    ("no relaying allowed", Norelaying), ("mail server does not relay", Norelaying),
    // authentication
    ("spf check", Authfailure), ("spf fail", Authfailure), ("spf validation", Authfailure), ("sender policy framework", Authfailure),
    ("dmarc policy", Authfailure), ("dmarc validation", Authfailure), ("dmarc check", Authfailure), ("dkim signature", Authfailure),
    ("dkim validation", Authfailure), ("dkim check", Authfailure), ("unauthenticated email", Authfailure),
    ("is not authorized to send", Authfailure), ("not designated", Authfailure), 
    ("dmarc fail", Authfailure), ("spf=fail", Authfailure), ("dmarc=fail", Authfailure), ("failed the dmarc", Authfailure),
    ("spf hard fail", Authfailure), ("sender authentication", Authfailure), ("spf records for", Authfailure), ("authentication failed", Authfailure),
    ("5.7.23", Authfailure), ("5.7.26", Authfailure), ("5.7.509", Authfailure),
    // PTR
    ("reverse dns", Requireptr), ("no ptr", Requireptr), ("ptr record", Requireptr), ("reverse lookup", Requireptr),
    ("cannot find your hostname", Requireptr), ("cannot resolve your address", Requireptr), ("no reverse", Requireptr),
    ("reverse hostname", Requireptr), ("rdns", Requireptr), ("dns ptr", Requireptr), ("client host rejected: cannot find", Requireptr),
    ("ip name lookup failed", Requireptr), ("unresolvable", Requireptr), ("5.7.25", Requireptr),
    ("please configure your dns", Requireptr), ("mismatches client ip", Requireptr), ("missing ptr", Requireptr),
    // reputation
    ("low reputation", Badreputation), ("poor reputation", Badreputation), ("bad reputation", Badreputation),
    ("ip reputation", Badreputation), ("sender reputation", Badreputation), ("domain reputation", Badreputation),
    ("sending reputation", Badreputation), ("due to reputation", Badreputation), ("user complaints", Badreputation),
    // virus
    ("virus detected", Virusdetected), ("contains a virus", Virusdetected), ("virus found", Virusdetected), ("infected with", Virusdetected), ("malware", Virusdetected),
    // user unknown
    ("user unknown", Userunknown), ("unknown user", Userunknown), ("no such user", Userunknown),
    ("no such mailbox", Userunknown), ("mailbox not found", Userunknown), ("mailbox does not exist", Userunknown),
    ("address does not exist", Userunknown), ("does not exist", Userunknown), ("recipient unknown", Userunknown),
    ("unknown recipient", Userunknown), ("invalid recipient", Userunknown), ("recipient not found", Userunknown),
    ("user not found", Userunknown), ("address unknown", Userunknown), ("unknown mailbox", Userunknown),
    ("invalid mailbox", Userunknown), ("mailbox unavailable", Userunknown), ("no mailbox", Userunknown),
    ("not a valid mailbox", Userunknown), ("recipient address rejected: user", Userunknown), ("no such recipient", Userunknown),
    ("unknown local part", Userunknown), ("unknown local-part", Userunknown), ("is not a valid user", Userunknown),
    ("address rejected.", Userunknown), ("user doesn't exist", Userunknown), ("no such person", Userunknown),
    ("no account by that name", Userunknown), ("no longer accepts mail", Userunknown), ("email account that you tried to reach does not exist", Userunknown),
    ("invalid address", Userunknown), ("address not present", Userunknown), ("no valid recipients", Userunknown),
    ("not a valid recipient", Userunknown), ("user not exist", Userunknown), ("recipient does not exist", Userunknown),
    ("badrcptto", Userunknown), ("validrcptto", Userunknown), ("not a known user", Userunknown),
    ("recipientnotfound", Userunknown), ("recipient notfound", Userunknown), ("user does not exist", Userunknown),
    ("unknown address", Userunknown), ("bad destination mailbox", Userunknown), ("addressee unknown", Userunknown),
    ("user missing home directory", Userunknown), ("unrouteable address", Userunknown), ("couldn't find any host named", Hostunknown),
    ("not our customer", Userunknown), ("no mail box", Userunknown), ("mailbox is unavailable", Userunknown),
    ("invalid user", Userunknown), ("unknown or illegal alias", Userunknown), ("no such local user", Userunknown),
    ("is not a valid e-mail", Userunknown), ("this user doesn't have", Userunknown), ("recipient rejected", Userunknown),
    ("address couldn't be found", Userunknown), ("check if address is correct", Userunknown), ("non-existent", Userunknown), ("nonexistent", Userunknown), ("not listed in", Userunknown),
    // filtered
    ("due to user's preferences", Filtered), ("blocked by recipient", Filtered), ("refused by recipient", Filtered),
    ("rejected by recipient", Filtered), ("recipient has blocked", Filtered), ("sender is blacklisted by recipient", Filtered),
    ("rejected due to user policy", Filtered), ("domain is in recipient's blocked", Filtered), ("blocked by user", Filtered),
    ("message filtered", Filtered), ("mail filtered", Filtered), ("filtered", Filtered), ("content filter", Filtered),
    ("because of spam suspicion", Filtered), ("mail refused by", Filtered), ("does not accept mail from", Filtered),
    ("sender is on user's block list", Filtered), ("user refuses", Filtered), ("not accepting mail from", Filtered),
    // not RFC compliant
    ("not compliant with rfc", Notcompliantrfc), ("rfc 5322", Notcompliantrfc), ("rfc5322", Notcompliantrfc),
    ("rfc 2822", Notcompliantrfc), ("rfc2822", Notcompliantrfc), ("rfc 822", Notcompliantrfc), ("duplicate header", Notcompliantrfc),
    ("multiple addresses in from", Notcompliantrfc), ("bad header", Notcompliantrfc), ("header syntax", Notcompliantrfc),
    ("message is not rfc", Notcompliantrfc), ("non-compliant", Notcompliantrfc),
    // content
    ("improper use of 8-bit", Contenterror), ("malformed message", Contenterror), ("invalid header", Contenterror),
    ("message header", Contenterror), ("media error", Contenterror), ("message contains invalid", Contenterror),
    // sender rejected
    ("sender rejected", Rejected), ("sender address rejected", Rejected), ("sender denied", Rejected),
    ("domain of sender address", Rejected), ("sender domain", Rejected), ("sender verify failed", Rejected),
    ("address verification failed", Rejected), ("sender not pre-approved", Rejected), ("invalid sender", Rejected),
    ("unknown sender", Rejected), ("sender is not allowed", Rejected), ("mail from address", Rejected),
    ("return path", Rejected), ("envelope sender", Rejected), ("sender unknown", Rejected), ("sender blocked", Rejected),
    ("reject from", Rejected), ("sender verification", Rejected), ("not allowed to send", Rejected),
    ("sender address", Rejected), ("your domain has no mx", Rejected), ("from address", Rejected),
    ("rejected sender", Rejected), ("sender was rejected", Rejected), ("address that has been blacklisted", Rejected),
    ("permission to post", Rejected), ("send mail as", Rejected), ("google groups", Rejected), ("purported responsible address", Rejected), ("sender was denied", Rejected), ("sender is rejected", Rejected), ("mail from rejected", Rejected),
    // host unknown
    ("host unknown", Hostunknown), ("unknown host", Hostunknown), ("host not found", Hostunknown),
    ("domain not found", Hostunknown), ("domain does not exist", Hostunknown), ("no such domain", Hostunknown),
    ("name or service not known", Hostunknown), ("unrouteable mail domain", Hostunknown), ("no mx found", Notaccept), ("couldn't find a mail exchanger", Notaccept), ("doesn't receive email", Notaccept),
    ("unknown domain", Hostunknown), ("domain name not found", Hostunknown), ("host or domain name not found", Hostunknown),
    ("domain is not", Hostunknown),
    ("nxdomain", Hostunknown), ("no route to domain", Hostunknown), ("unknown mail domain", Hostunknown),
    ("domain must exist", Hostunknown), ("illegal host", Hostunknown), ("mx lookup failed", Hostunknown),
    // spam
    ("spam", Spamdetected), ("junk mail", Spamdetected), ("bulk mail", Spamdetected), ("unsolicited", Spamdetected),
    ("content rejected", Spamdetected), ("message content rejected", Spamdetected), ("scored too high", Spamdetected),
    ("suspicious content", Spamdetected), ("rejected as junk", Spamdetected), ("high probability of", Spamdetected),
    ("uce", Spamdetected), ("ube", Spamdetected),
    // rate
    ("rate limit", Speeding), ("too fast", Speeding), ("rate exceeded", Speeding), ("sending rate", Speeding),
    ("too many messages", Speeding), ("message rate", Speeding), ("throttl", Speeding), ("ratelimit", Speeding),
    ("too many emails", Speeding), ("receiving mail at a rate", Speeding),
    ("too many connections", Toomanyconn), ("connection rate limit", Toomanyconn), ("too many recipients", Toomanyconn), ("connection limit", Toomanyconn), ("too many concurrent", Toomanyconn),
    ("too many sessions", Toomanyconn), ("too many simultaneous", Toomanyconn),
    // blocked (the sending host)
    ("blacklist", Blocked), ("blocklist", Blocked), ("block list", Blocked), ("black list", Blocked),
    ("spamhaus", Blocked), ("spamcop", Blocked), ("barracuda", Blocked), ("sorbs", Blocked), ("uceprotect", Blocked),
    ("dnsbl", Blocked), ("rbl", Blocked), ("client host rejected", Blocked), ("connection refused", Blocked),
    ("access denied", Blocked), ("banned sending ip", Blocked), ("s3150", Blocked), ("s3140", Blocked),
    ("blocked using", Blocked), ("listed at", Blocked), ("listed on", Blocked), ("listed in", Blocked),
    ("ip address blocked", Blocked), ("your ip", Blocked), ("your host", Blocked), ("has been blocked", Blocked),
    ("is blocked", Blocked), ("blocked", Blocked), ("not allowed to connect", Blocked), ("denied by", Blocked),
    ("connection rejected", Blocked), ("invalid ip for sending", Blocked), ("dynamic ip", Blocked), ("dial-up", Blocked),
    ("dialup", Blocked), ("smtp server of your isp", Blocked), ("my name was rejected", Blocked), ("refused to talk", Blocked), ("residential", Blocked), ("rejected by dnsbl", Blocked),
    // policy
    ("policy violation", Policyviolation), ("protocol violation", Policyviolation), ("violates", Policyviolation), ("policy reasons", Policyviolation),
    ("by policy", Policyviolation), ("prohibited attachment", Policyviolation), ("host network not allowed", Policyviolation),
    ("local policy", Policyviolation), ("security policy", Policyviolation), ("content presents a potential", Policyviolation),
    ("policy violation", Policyviolation), ("violation of", Policyviolation),
    // system full
    ("system full", Systemfull), ("insufficient disk space", Systemfull), ("mail system full", Systemfull), ("disk full", Systemfull), ("insufficient system storage", Systemfull),
    // not accept
    ("does not accept mail", Notaccept), ("null mx", Notaccept), ("accepts no mail", Notaccept),
    ("not accept any mail", Notaccept), ("no mail is accepted", Notaccept),
    // expired
    ("retry timeout exceeded", Expired), ("did not accept our requests to connect", Expired), ("attempts:", Expired), ("retry time not reached", Expired), ("queue too long", Expired),
    ("delivery time expired", Expired), ("could not be delivered within", Expired), ("message expired", Expired),
    ("in the queue too long", Expired), ("giving up", Expired), ("timed out", Expired), ("timeout", Expired),
    ("delivery expired", Expired), ("has been delayed", Expired), ("not yet been delivered", Expired), ("undeliverable for", Expired),
    ("expired", Expired), ("maximum retries", Expired), ("connection to the", Expired), ("message delayed", Expired),
    // security
    ("tls", Securityerror), ("starttls", Securityerror), ("authentication required", Securityerror),
    ("must issue a starttls", Securityerror), ("not secure", Securityerror), ("secure connection", Securityerror),
    ("certificate", Securityerror), ("encryption required", Securityerror), ("smtp auth", Securityerror),
    // system
    ("loops back to myself", Systemerror), ("ldap server", Systemerror), ("service refused", Systemerror),
    ("local configuration error", Systemerror), ("transaction failed", Systemerror), ("service currently unavailable", Systemerror), ("internal error", Systemerror), ("server error", Systemerror),
    ("system error", Systemerror), 
     ("system not accepting", Systemerror), ("temporarily unavailable", Systemerror),
    ("service unavailable", Systemerror), ("configuration error", Systemerror), ("local error", Systemerror),
    // network
    ("network error", Networkerror), ("host name lookup failure", Networkerror), ("mail loop", Networkerror), ("too many hops", Networkerror), ("hop count exceeded", Networkerror), ("routing loop", Networkerror), ("network is unreachable", Networkerror), ("no route to host", Networkerror),
    ("wasn't able to establish", Networkerror), ("not found, try again", Networkerror), ("name service error", Networkerror), ("could not connect", Networkerror), ("dns error", Networkerror),
    ("lost connection", Networkerror), ("connection reset", Networkerror), 
    ("host unreachable", Networkerror), ("dns lookup", Networkerror),
    // mailer
    ("mailer error", Mailererror), ("exit code", Mailererror), ("unknown mailer", Mailererror), ("pipe to |", Mailererror),
    ("command died", Mailererror), ("command output", Mailererror), ("delivery to a program", Mailererror),
    // syntax
    ("syntax error", Syntaxerror), ("command unrecognized", Syntaxerror), ("command not recognized", Syntaxerror),
    ("bad sequence of commands", Syntaxerror), ("improper sequence", Syntaxerror), ("unrecognized command", Syntaxerror),
];

/// Phrases by their first two bytes (folded into 1024 buckets), so each position of the text
/// is checked against one or two candidates.
fn index() -> &'static [Vec<u16>] {
    static INDEX: OnceLock<Vec<Vec<u16>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut idx: Vec<Vec<u16>> = vec![Vec::new(); 1024];
        for (i, (p, _)) in PHRASES.iter().enumerate() {
            if let [a, b, ..] = p.as_bytes() {
                if let Some(v) = idx.get_mut(key(*a, *b)) {
                    v.push(i as u16);
                }
            }
        }
        idx
    })
}

fn key(a: u8, b: u8) -> usize {
    (usize::from(a & 0x1f) << 5) | usize::from(b & 0x1f)
}

/// The reasons whose phrases occur in `lower` (already lowercased), as a bit set. One pass
/// over the text.
pub fn phrases(lower: &str) -> u64 {
    let lower = lower.as_bytes();
    let idx = index();
    let mut set = 0u64;
    for i in 0..lower.len().saturating_sub(1) {
        let (a, b) = (lower[i], lower[i + 1]);
        if a >= 128 || a == b' ' && b == b' ' {
            continue;
        }
        let Some(bucket) = idx.get(key(a, b)) else {
            continue;
        };
        for &p in bucket {
            if let Some((phrase, reason)) = PHRASES.get(usize::from(p)) {
                if lower[i..].starts_with(phrase.as_bytes()) {
                    // Short words must stand alone ("uce", "rbl", "tls", "helo").
                    if phrase.len() <= 4 {
                        let before = i.checked_sub(1).and_then(|j| lower.get(j)).copied();
                        let after = lower.get(i + phrase.len()).copied();
                        if before.is_some_and(|c| c.is_ascii_alphanumeric())
                            || after.is_some_and(|c| c.is_ascii_alphanumeric())
                        {
                            continue;
                        }
                    }
                    set |= bit(*reason);
                }
            }
        }
    }
    set
}

/// What the failed SMTP command was, as far as the text tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Before RCPT TO (greeting, HELO, MAIL FROM).
    BeforeRcpt,
    /// RCPT TO.
    Rcpt,
    /// DATA or after, or not named.
    DataOrUnknown,
}

/// Decides the reason from the phrases found (`set`, from [`phrases`]), the status code and the
/// SMTP stage, in the manner of Sisimai: specific reasons named by text or code first, then
/// the broader ones named by text, then the code alone.
pub fn decide(mut set: u64, status: Option<&str>, stage: Stage) -> Option<Reason> {
    let st = status.and_then(from_status);
    if st == Some(Delivered) {
        return Some(Delivered);
    }
    // "Domain of sender address does not exist": the sender, not the mailbox.
    if set & bit(Userunknown) != 0 && set & (bit(Rejected) | bit(Hasmoved) | bit(Notaccept) | bit(Mailboxfull)) != 0 {
        set &= !bit(Userunknown);
    }
    // The more specific of two readings.
    for (keep, drop) in [
        (Toomanyconn, Speeding),
        (Virusdetected, Spamdetected),
        (Policyviolation, Blocked),
        (Networkerror, Hostunknown),
        (Notaccept, Hostunknown),
        (Notaccept, Networkerror),
        (Suspend, Blocked),
        (Hostunknown, Userunknown),
        (Spamdetected, Authfailure),
    ] {
        if set & bit(keep) != 0 {
            set &= !bit(drop);
        }
    }
    if st == Some(Exceedlimit) {
        set &= !bit(Mesgtoobig);
    }
    let user_text = set & bit(Userunknown) != 0;
    for &r in ORDER0 {
        let hit = match r {
            // A "no such user" in answer to RCPT, or with a code that says so, is an unknown
            // user; the same words after DATA (or at no named stage) come from a filter.
            Userunknown => {
                (st == Some(Userunknown) && set & (bit(Blocked) | bit(Speeding)) == 0)
                    || (user_text && stage == Stage::Rcpt)
            }
            Filtered => {
                set & bit(Filtered) != 0
                    || (st == Some(Filtered) && user_text)
                    || (user_text && stage == Stage::DataOrUnknown)
            }
            Hostunknown => set & bit(r) != 0 || (st == Some(r) && set & bit(Notaccept) == 0),
            _ => set & bit(r) != 0 || st == Some(r),
        };
        if hit {
            return Some(r);
        }
    }
    let retry = |r: Reason| {
        matches!(r, Undefined | Onhold | Systemerror | Securityerror | Expired | Networkerror | Hostunknown | Userunknown)
    };
    if let Some(r) = st.filter(|r| !retry(*r)) {
        return Some(r);
    }
    if let Some(r) = ORDER1.iter().find(|r| set & bit(**r) != 0) {
        return Some(*r);
    }
    st
}

/// The highest-priority reason named in `lower` (lowercased text), if any.
pub fn from_text(lower: &str) -> Option<Reason> {
    decide(phrases(lower), None, Stage::DataOrUnknown)
}

/// The reason an enhanced status code stands for, when it names one (the IANA registry's
/// meanings mapped to reasons).
pub fn from_status(status: &str) -> Option<Reason> {
    let mut it = status.split('.');
    let class = it.next()?;
    let subject = it.next()?;
    let detail = it.next()?;
    let temp = class == "4";
    if class == "2" {
        return Some(Delivered);
    }
    if class != "5" && !temp {
        return None;
    }
    Some(match (subject, detail) {
        ("1", "0") | ("1", "1") | ("1", "3") if !temp => Userunknown,
        ("1", "2") | ("4", "4") if !temp => Hostunknown,
        ("1", "4") if !temp => Filtered,
        ("1", "6") => Hasmoved,
        ("1", "7") | ("1", "8") => Rejected,
        ("1", "9") => Systemerror,
        ("1", "10") => Notaccept,
        ("2", "0") if !temp => Filtered,
        ("2", "1") => if temp { Blocked } else { Filtered },
        ("2", "2") => Mailboxfull,
        ("2", "3") => Exceedlimit,
        ("2", "4") => Filtered,
        ("3", "0") if !temp => Systemerror,
        ("3", "1") => Systemfull,
        ("3", "2") => Notaccept,
        ("3", "3") | ("3", "5") => Systemerror,
        ("3", "4") if !temp => Mesgtoobig,
        ("4", "0") if !temp => Networkerror,
        ("4", "1") if temp => Expired,
        ("4", "2") | ("4", "4") | ("4", "6") | ("4", "8") if temp => Networkerror,
        ("4", "3") => Systemerror,
        ("4", "5") if temp => Systemfull,
        ("4", "7") if temp => Expired,
        ("5", "2") | ("5", "6") if !temp => Syntaxerror,
        ("5", "3") => if temp { Systemerror } else { Toomanyconn },
        ("5", "4") if !temp => Systemerror,
        ("5", "5") => Systemerror,
        ("6", "0") | ("6", "1") | ("6", "2") | ("6", "3") | ("6", "5") | ("6", "6") | ("6", "7")
        | ("6", "8") | ("6", "9") => Contenterror,
        ("7", "1") | ("7", "2") if temp => Blocked,
        ("7", "13") if !temp => Suspend,
        ("7", "16") => Mesgtoobig,
        ("7", "17") | ("7", "18") if !temp => Hasmoved,
        ("7", "20") | ("7", "21") | ("7", "22") | ("7", "23") | ("7", "24") | ("7", "26") | ("7", "29") => Authfailure,
        ("7", "25") => Requireptr,
        ("7", "27") => Notaccept,
        ("7", "28") => Spamdetected,
        ("7", "12") | ("7", "15") | ("7", "5") | ("7", "6") | ("7", "7") if temp => Securityerror,
        ("7", _) if !temp && detail.len() <= 2 => Securityerror,
        _ => return None,
    })
}

/// A short explanation of an RFC 3463 enhanced status code (`5.1.1`).
pub fn explain_status(status: &str) -> String {
    let mut it = status.split('.');
    let (Some(class), Some(subject), Some(detail)) = (it.next(), it.next(), it.next()) else {
        return String::new();
    };
    let class_text = match class {
        "2" => "success",
        "4" => "temporary failure (will be retried)",
        "5" => "permanent failure",
        _ => return String::new(),
    };
    let key = (subject, detail);
    let detail_text = match key {
        ("0", "0") => "other or undefined status",
        ("1", "0") => "other address problem",
        ("1", "1") => "the mailbox does not exist",
        ("1", "2") => "the recipient's domain does not exist or cannot take mail",
        ("1", "3") => "the recipient address is malformed",
        ("1", "6") => "the mailbox has moved",
        ("1", "7") => "the sender address is malformed",
        ("1", "8") => "the sender's domain is not valid",
        ("1", "10") => "the recipient domain has a null MX (accepts no mail)",
        ("2", "0") => "other mailbox problem",
        ("2", "1") => "the mailbox is disabled",
        ("2", "2") => "the mailbox is full",
        ("2", "3") => "the message is larger than the mailbox accepts",
        ("2", "4") => "a mailing list expansion failed",
        ("3", "0") => "other mail system problem",
        ("3", "1") => "the mail system is full",
        ("3", "2") => "the system is not accepting messages",
        ("3", "4") => "the message is too big for the system",
        ("3", "5") => "the system is not configured correctly",
        ("4", "0") => "other network or routing problem",
        ("4", "1") => "no answer from the host",
        ("4", "2") => "the connection was dropped",
        ("4", "3") => "a directory server (DNS) failed",
        ("4", "4") => "no route: the domain has no usable mail server",
        ("4", "6") => "a routing loop was detected",
        ("4", "7") => "delivery took too long and was given up",
        ("5", "0") => "other protocol problem",
        ("5", "1") => "an invalid SMTP command",
        ("5", "2") => "an SMTP syntax error",
        ("5", "3") => "too many recipients",
        ("5", "4") => "invalid command arguments",
        ("6", "0") => "other content or media problem",
        ("6", "1") => "the content type is not supported",
        ("7", "0") => "other security or policy problem",
        ("7", "1") => "delivery not authorized, message refused",
        ("7", "2") => "mailing list expansion prohibited",
        ("7", "7") => "a message integrity check failed",
        ("7", "8") => "the login credentials are invalid",
        ("7", "9") => "the authentication method is too weak",
        ("7", "23") => "SPF validation failed",
        ("7", "25") => "the sending IP's reverse DNS (PTR) failed",
        ("7", "26") => "several authentication checks failed",
        ("7", "27") => "the sender's domain has a null MX",
        ("7", "28") => "too much mail of this kind, rate limited",
        ("7", "29") => "ARC validation failed",
        ("1", _) => "an address problem",
        ("2", _) => "a mailbox problem",
        ("3", _) => "a mail system problem",
        ("4", _) => "a network or routing problem",
        ("5", _) => "an SMTP protocol problem",
        ("6", _) => "a message content problem",
        ("7", _) => "a security or policy problem",
        _ => "an undefined status",
    };
    format!("{class_text}: {detail_text}")
}
