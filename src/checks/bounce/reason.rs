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
            Userunknown => (
                "userunknown",
                "The receiving server says this mailbox does not exist.",
                "Check the address for typos; if it is right, the person has left or the address was closed. Remove it from lists.",
            ),
            Mailboxfull => (
                "mailboxfull",
                "The recipient's mailbox is full.",
                "Nothing is wrong on the sender's side. The recipient must make room; try again later or reach them another way.",
            ),
            Hostunknown => (
                "hostunknown",
                "The recipient's domain does not exist or has no mail server (DNS).",
                "Check the part after @ for typos. If it is right, the domain's DNS (MX records) is broken; only its owner can fix it.",
            ),
            Blocked => (
                "blocked",
                "The receiving server refused the sending server itself (its IP address or name), not this message.",
                "The sending server's IP is blocked or listed; see the list named, if any, and ask the mail provider to check its reputation.",
            ),
            Rejected => (
                "rejected",
                "The receiving server refused the sender's address (the envelope sender).",
                "Check that the sender address and its domain exist and are allowed to send; the remote server may block this sender.",
            ),
            Spamdetected => (
                "spamdetected",
                "A spam filter at the receiving side judged the message to be spam.",
                "Review the content and links; make sure SPF, DKIM and DMARC pass; send again without spam-like content.",
            ),
            Policyviolation => (
                "policyviolation",
                "The message broke a rule set by the receiving organization (content, attachment type, or recipient policy).",
                "Ask the recipient which rule applies; remove what it objects to (attachment, link, size).",
            ),
            Authfailure => (
                "authfailure",
                "The message failed sender authentication (SPF, DKIM or DMARC) at the receiving side.",
                "Check the sender domain's SPF, DKIM and DMARC records and that the sending service is included; the live checks show which fails.",
            ),
            Requireptr => (
                "requireptr",
                "The sending server's IP has no valid reverse DNS name (PTR record), and the receiver requires one.",
                "The owner of the sending IP must set a PTR record that matches the server's name.",
            ),
            Badreputation => (
                "badreputation",
                "The receiver refused the mail because of the sending IP or domain's reputation.",
                "Ask the mail provider about the sending IP's reputation; reduce complaints and bounces; warm up new IPs slowly.",
            ),
            Norelaying => (
                "norelaying",
                "A server refused to pass the message on (relay) because it does not handle mail for that domain or the sender did not log in.",
                "Check the outgoing server settings in the mail program (login required) and the recipient's domain MX records.",
            ),
            Toomanyconn => (
                "toomanyconn",
                "The receiving server refused because too many connections came from the sender at once.",
                "Temporary: the sending server will usually retry. Lower the sending concurrency if it persists.",
            ),
            Speeding => (
                "speeding",
                "The sender sent too much mail too fast; the receiver is rate-limiting.",
                "Slow down sending; the mail is usually accepted later.",
            ),
            Mesgtoobig => (
                "mesgtoobig",
                "The message is larger than the receiving server accepts.",
                "Send smaller attachments or share files by link.",
            ),
            Expired => (
                "expired",
                "The sending server kept trying but could not deliver in time and gave up.",
                "Check that the recipient's domain and mail servers are reachable; try again later.",
            ),
            Suspend => (
                "suspend",
                "The recipient's mailbox exists but is disabled or suspended.",
                "The recipient must reactivate the account; reach them another way.",
            ),
            Filtered => (
                "filtered",
                "The recipient (or their server's filter) refused this message after it was sent.",
                "The recipient may have blocked the sender or have a filter rule; ask them through another channel.",
            ),
            Securityerror => (
                "securityerror",
                "The receiving side refused for a security reason (authentication, TLS or access rules).",
                "Check the sender's login, TLS settings and authentication records.",
            ),
            Systemerror => (
                "systemerror",
                "The receiving server had an internal error or a configuration problem (for example a mail loop).",
                "Usually on the receiver's side; try again later and tell their administrator if it persists.",
            ),
            Systemfull => (
                "systemfull",
                "The receiving server's disk is full.",
                "A problem on the receiving side; try again later.",
            ),
            Networkerror => (
                "networkerror",
                "The sending server could not reach the receiving server (DNS or network problem).",
                "Check the recipient domain's MX records and that its servers answer; usually temporary.",
            ),
            Contenterror => (
                "contenterror",
                "The receiver refused the message's format (headers or encoding).",
                "Check the mail program or the sending application's message format.",
            ),
            Virusdetected => (
                "virusdetected",
                "A virus scanner at the receiving side found something harmful in the message.",
                "Scan the attachment; send without it or as a link.",
            ),
            Syntaxerror => (
                "syntaxerror",
                "The receiver did not understand an SMTP command (a protocol error).",
                "A fault of the sending software; tell the mail provider.",
            ),
            Notaccept => (
                "notaccept",
                "The recipient's domain does not accept e-mail at all (null MX, or no working mail server).",
                "The address cannot receive mail; use another way to reach them.",
            ),
            Notcompliantrfc => (
                "notcompliantrfc",
                "The message does not follow the e-mail standards (RFC 5322), for example duplicate or malformed headers.",
                "Fix the sending software so its messages are well formed.",
            ),
            Exceedlimit => (
                "exceedlimit",
                "The message exceeded a limit set by the recipient's server (size or quota for one message).",
                "Send a smaller message.",
            ),
            Hasmoved => (
                "hasmoved",
                "The recipient's address has moved and mail is not forwarded.",
                "Use the new address if the bounce gives one; remove the old one.",
            ),
            Mailererror => (
                "mailererror",
                "A delivery program on the receiving server failed.",
                "A fault on the receiving side; tell their administrator.",
            ),
            Onhold => (
                "onhold",
                "The bounce does not say clearly why delivery failed.",
                "Read the server's own words below; ask the receiving side if unclear.",
            ),
            Undefined => (
                "undefined",
                "No reason could be found in the bounce.",
                "Read the server's own words below; ask the mail provider if unclear.",
            ),
            Delivered => (
                "delivered",
                "This is a delivery report: the message was delivered.",
                "Nothing to do.",
            ),
            Feedback => (
                "feedback",
                "A spam complaint (feedback report), not a bounce: a recipient marked the message as spam.",
                "Stop mailing that recipient; review why recipients complain.",
            ),
            Vacation => (
                "vacation",
                "An automatic reply (out of office or vacation), not a bounce: the message was delivered.",
                "Nothing to do; the recipient will read it later.",
            ),
        }
    }
}

/// First pass: a reason wins here when its phrases occur or the status code names it.
const ORDER0: &[Reason] = &[
    Mailboxfull,
    Mesgtoobig,
    Exceedlimit,
    Suspend,
    Hasmoved,
    Norelaying,
    Authfailure,
    Userunknown,
    Filtered,
    Requireptr,
    Notcompliantrfc,
    Badreputation,
    Contenterror,
    Rejected,
    Hostunknown,
    Spamdetected,
    Speeding,
    Toomanyconn,
    Blocked,
];

/// Second pass: phrases only.
const ORDER1: &[Reason] = &[
    Mailboxfull,
    Authfailure,
    Badreputation,
    Speeding,
    Spamdetected,
    Virusdetected,
    Policyviolation,
    Norelaying,
    Systemerror,
    Networkerror,
    Suspend,
    Contenterror,
    Systemfull,
    Notaccept,
    Expired,
    Securityerror,
    Mailererror,
    Syntaxerror,
];

const fn bit(r: Reason) -> u64 {
    1u64 << (r as u8)
}

/// Lowercase phrases that name a reason, `|`-separated per reason (one string each keeps the
/// table small in the wasm). Short, distinctive pieces of the wording real servers use; matched
/// as substrings of the lowercased text.
static PHRASES: &[(Reason, &str)] = &[
    (
        Mailboxfull,
        "mailbox full|mailbox is full|mailbox size limit|quota exceeded|over quota|overquota|exceeded storage|exceeds the storage|mailbox has exceeded|mailbox exceeded|user is over|would exceed mailbox quota|recipient's mailbox is full|mail box full|mailfolder is full|account is full|out of storage|quota full|mailbox over quota|disk quota|not enough storage|inbox is full|full mailbox|is over the allowed quota|exceeds quota",
    ),
    (
        Mesgtoobig,
        "message size exceeds|message too large|message is too large|size exceeds|message too big|exceeds size limit|exceeds maximum message size|message file too big|size limit exceeded|message length exceeds|line limit exceeded|exceeded max message size|message is larger than",
    ),
    (
        Exceedlimit,
        "message header size exceeds|exceeds the maximum",
    ),
    (
        Suspend,
        "account disabled|account has been disabled|account is disabled|mailbox disabled|mailbox is disabled|account suspended|account is suspended|has been suspended|is inactive|account inactive|mailbox unavailable or deactivated|account deactivated|not an active mailbox|mailbox is frozen|account is locked|recipient suspended|recipient account is blocked|reach is disabled|temporary locked|temporarily locked|temporarily disabled|has been disabled|inactive user|inactive mailbox|account expired",
    ),
    (
        Hasmoved,
        "address has moved|has moved to|no longer with|has changed his address|user has moved",
    ),
    (
        Norelaying,
        "relay access denied|relaying denied|relay not permitted|not permitted to relay|relaying not allowed|we do not relay|unable to relay|not configured to relay|relay denied|relaying mail to|not allowed to relay|relay prohibited|relaying is prohibited|no relaying allowed|mail server does not relay",
    ),
    (
        Authfailure,
        "spf check|spf fail|spf validation|sender policy framework|dmarc policy|dmarc validation|dmarc check|dkim signature|dkim validation|dkim check|unauthenticated email|is not authorized to send|not designated|dmarc fail|spf=fail|dmarc=fail|failed the dmarc|spf hard fail|sender authentication|spf records for|authentication failed|5.7.23|5.7.26|5.7.509",
    ),
    (
        Requireptr,
        "reverse dns|no ptr|ptr record|reverse lookup|cannot find your hostname|cannot resolve your address|no reverse|reverse hostname|rdns|dns ptr|client host rejected: cannot find|ip name lookup failed|unresolvable|5.7.25|please configure your dns|mismatches client ip|missing ptr",
    ),
    (
        Badreputation,
        "low reputation|poor reputation|bad reputation|ip reputation|sender reputation|domain reputation|sending reputation|due to reputation|user complaints",
    ),
    (
        Virusdetected,
        "virus detected|contains a virus|virus found|infected with|malware",
    ),
    (
        Userunknown,
        "user unknown|unknown user|no such user|no such mailbox|mailbox not found|mailbox does not exist|address does not exist|does not exist|recipient unknown|unknown recipient|invalid recipient|recipient not found|user not found|address unknown|unknown mailbox|invalid mailbox|mailbox unavailable|no mailbox|not a valid mailbox|recipient address rejected: user|no such recipient|unknown local part|unknown local-part|is not a valid user|address rejected.|user doesn't exist|no such person|no account by that name|no longer accepts mail|email account that you tried to reach does not exist|invalid address|address not present|no valid recipients|not a valid recipient|user not exist|recipient does not exist|badrcptto|validrcptto|not a known user|recipientnotfound|recipient notfound|user does not exist|unknown address|bad destination mailbox|addressee unknown|user missing home directory|unrouteable address|not our customer|no mail box|mailbox is unavailable|invalid user|unknown or illegal alias|no such local user|is not a valid e-mail|this user doesn't have|recipient rejected|address couldn't be found|check if address is correct|non-existent|nonexistent|not listed in",
    ),
    (
        Hostunknown,
        "couldn't find any host named|host unknown|unknown host|host not found|domain not found|domain does not exist|no such domain|name or service not known|unrouteable mail domain|unknown domain|domain name not found|host or domain name not found|domain is not|nxdomain|no route to domain|unknown mail domain|domain must exist|illegal host|mx lookup failed",
    ),
    (
        Filtered,
        "due to user's preferences|blocked by recipient|refused by recipient|rejected by recipient|recipient has blocked|sender is blacklisted by recipient|rejected due to user policy|domain is in recipient's blocked|blocked by user|message filtered|mail filtered|filtered|content filter|because of spam suspicion|mail refused by|does not accept mail from|sender is on user's block list|user refuses|not accepting mail from",
    ),
    (
        Notcompliantrfc,
        "not compliant with rfc|rfc 5322|rfc5322|rfc 2822|rfc2822|rfc 822|duplicate header|multiple addresses in from|bad header|header syntax|message is not rfc|non-compliant",
    ),
    (
        Contenterror,
        "improper use of 8-bit|malformed message|invalid header|message header|media error|message contains invalid",
    ),
    (
        Rejected,
        "sender rejected|sender address rejected|sender denied|domain of sender address|sender domain|sender verify failed|address verification failed|sender not pre-approved|invalid sender|unknown sender|sender is not allowed|mail from address|return path|envelope sender|sender unknown|sender blocked|reject from|sender verification|not allowed to send|sender address|your domain has no mx|from address|rejected sender|sender was rejected|address that has been blacklisted|permission to post|send mail as|google groups|purported responsible address|sender was denied|sender is rejected|mail from rejected",
    ),
    (
        Notaccept,
        "no mx found|couldn't find a mail exchanger|doesn't receive email|does not accept mail|null mx|accepts no mail|not accept any mail|no mail is accepted",
    ),
    (
        Spamdetected,
        "spam|junk mail|bulk mail|unsolicited|content rejected|message content rejected|scored too high|suspicious content|rejected as junk|high probability of|uce|ube",
    ),
    (
        Speeding,
        "rate limit|too fast|rate exceeded|sending rate|too many messages|message rate|throttl|ratelimit|too many emails|receiving mail at a rate",
    ),
    (
        Toomanyconn,
        "too many connections|connection rate limit|too many recipients|connection limit|too many concurrent|too many sessions|too many simultaneous",
    ),
    (
        Blocked,
        "blacklist|blocklist|block list|black list|spamhaus|spamcop|barracudacentral|sorbs|uceprotect|dnsbl|rbl|client host rejected|connection refused|access denied|banned sending ip|s3150|s3140|blocked using|listed at|listed on|listed in|ip address blocked|your ip|your host|has been blocked|is blocked|blocked|not allowed to connect|denied by|connection rejected|invalid ip for sending|dynamic ip|dial-up|dialup|smtp server of your isp|my name was rejected|refused to talk|residential|rejected by dnsbl",
    ),
    (
        Policyviolation,
        "policy violation|protocol violation|violates|policy reasons|by policy|prohibited attachment|host network not allowed|local policy|security policy|content presents a potential|policy violation|violation of",
    ),
    (
        Systemfull,
        "system full|insufficient disk space|mail system full|disk full|insufficient system storage",
    ),
    (
        Expired,
        "retry timeout exceeded|did not accept our requests to connect|attempts:|retry time not reached|queue too long|delivery time expired|could not be delivered within|message expired|in the queue too long|giving up|timed out|timeout|delivery expired|has been delayed|not yet been delivered|undeliverable for|expired|maximum retries|connection to the|message delayed",
    ),
    (
        Securityerror,
        "tls|starttls|authentication required|must issue a starttls|not secure|secure connection|certificate|encryption required|smtp auth",
    ),
    (
        Systemerror,
        "loops back to myself|ldap server|service refused|local configuration error|transaction failed|service currently unavailable|internal error|server error|system error|system not accepting|temporarily unavailable|service unavailable|configuration error|local error",
    ),
    (
        Networkerror,
        "network error|host name lookup failure|mail loop|too many hops|hop count exceeded|routing loop|network is unreachable|no route to host|wasn't able to establish|not found, try again|name service error|could not connect|dns error|lost connection|connection reset|host unreachable|dns lookup",
    ),
    (
        Mailererror,
        "mailer error|exit code|unknown mailer|pipe to program|command died|command output|delivery to a program",
    ),
    (
        Syntaxerror,
        "syntax error|command unrecognized|command not recognized|bad sequence of commands|improper sequence|unrecognized command",
    ),
];

/// Phrases by their first two bytes (folded into 1024 buckets), so each position of the text
/// is checked against one or two candidates.
fn index() -> &'static [Vec<(&'static str, Reason)>] {
    static INDEX: OnceLock<Vec<Vec<(&'static str, Reason)>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut idx: Vec<Vec<(&'static str, Reason)>> = vec![Vec::new(); 1024];
        for (reason, list) in PHRASES {
            for p in list.split('|') {
                if let [a, b, ..] = p.as_bytes()
                    && let Some(v) = idx.get_mut(key(*a, *b))
                {
                    v.push((p, *reason));
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
        for (phrase, reason) in bucket {
            {
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
    // "example.com does not exist": a domain, not a mailbox.
    if let Some(i) = find(lower, b" does not exist") {
        let before = &lower[..i];
        let start = before
            .iter()
            .rposition(|&c| c == b' ' || c == b'<' || c == b'\n')
            .map_or(0, |p| p + 1);
        let token = &before[start..];
        if token.contains(&b'.')
            && !token.contains(&b'@')
            && token.iter().any(u8::is_ascii_alphabetic)
        {
            set |= bit(Hostunknown);
        }
    }
    set
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
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
    if set & bit(Userunknown) != 0
        && set & (bit(Rejected) | bit(Hasmoved) | bit(Notaccept) | bit(Mailboxfull)) != 0
    {
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
        matches!(
            r,
            Undefined
                | Onhold
                | Systemerror
                | Securityerror
                | Expired
                | Networkerror
                | Hostunknown
                | Userunknown
        )
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

/// The three numbers of an enhanced status code (`5.1.10` → (5, 1, 10)).
fn numbers(status: &str) -> Option<(u8, u16, u16)> {
    let mut n = [0u16; 3];
    let mut parts = 0;
    for part in status.split('.') {
        if parts == 3
            || part.is_empty()
            || part.len() > 3
            || !part.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        n[parts] = part
            .bytes()
            .fold(0, |acc, b| acc * 10 + u16::from(b - b'0'));
        parts += 1;
    }
    (parts == 3 && n[0] < 10).then(|| (n[0] as u8, n[1], n[2]))
}

/// The reason an enhanced status code stands for, when it names one (the IANA registry's
/// meanings mapped to reasons).
pub fn from_status(status: &str) -> Option<Reason> {
    let (class, subject, detail) = numbers(status)?;
    let temp = class == 4;
    if class == 2 {
        return Some(Delivered);
    }
    if class != 5 && !temp {
        return None;
    }
    Some(match (subject, detail) {
        (1, 0 | 1 | 3) if !temp => Userunknown,
        (1, 2) | (4, 4) if !temp => Hostunknown,
        (1, 4) if !temp => Filtered,
        (1, 6) => Hasmoved,
        (1, 7 | 8) => Rejected,
        (1, 9) => Systemerror,
        (1, 10) => Notaccept,
        (2, 0) if !temp => Filtered,
        (2, 1) => {
            if temp {
                Blocked
            } else {
                Filtered
            }
        }
        (2, 2) => Mailboxfull,
        (2, 3) => Exceedlimit,
        (2, 4) => Filtered,
        (3, 0) if !temp => Systemerror,
        (3, 1) => Systemfull,
        (3, 2) => Notaccept,
        (3, 3 | 5) => Systemerror,
        (3, 4) if !temp => Mesgtoobig,
        (4, 0) if !temp => Networkerror,
        (4, 1) if temp => Expired,
        (4, 2 | 4 | 6 | 8) if temp => Networkerror,
        (4, 3) => Systemerror,
        (4, 5) if temp => Systemfull,
        (4, 7) if temp => Expired,
        (5, 2 | 6) if !temp => Syntaxerror,
        (5, 3) => {
            if temp {
                Systemerror
            } else {
                Toomanyconn
            }
        }
        (5, 4) if !temp => Systemerror,
        (5, 5) => Systemerror,
        (6, 0..=3 | 5..=9) => Contenterror,
        (7, 1 | 2) if temp => Blocked,
        (7, 13) if !temp => Suspend,
        (7, 16) => Mesgtoobig,
        (7, 17 | 18) if !temp => Hasmoved,
        (7, 20..=24 | 26 | 29) => Authfailure,
        (7, 25) => Requireptr,
        (7, 27) => Notaccept,
        (7, 28) => Spamdetected,
        (7, 5..=7 | 12 | 15) if temp => Securityerror,
        (7, 0..=99) if !temp => Securityerror,
        _ => return None,
    })
}

/// A short explanation of an RFC 3463 enhanced status code (`5.1.1`).
pub fn explain_status(status: &str) -> String {
    let Some((class, subject, detail)) = numbers(status) else {
        return String::new();
    };
    let class_text = match class {
        2 => "success",
        4 => "temporary failure (will be retried)",
        5 => "permanent failure",
        _ => return String::new(),
    };
    let detail_text = match (subject, detail) {
        (0, 0) => "other or undefined status",
        (1, 0) => "other address problem",
        (1, 1) => "the mailbox does not exist",
        (1, 2) => "the recipient's domain does not exist or cannot take mail",
        (1, 3) => "the recipient address is malformed",
        (1, 6) => "the mailbox has moved",
        (1, 7) => "the sender address is malformed",
        (1, 8) => "the sender's domain is not valid",
        (1, 10) => "the recipient domain has a null MX (accepts no mail)",
        (2, 0) => "other mailbox problem",
        (2, 1) => "the mailbox is disabled",
        (2, 2) => "the mailbox is full",
        (2, 3) => "the message is larger than the mailbox accepts",
        (2, 4) => "a mailing list expansion failed",
        (3, 0) => "other mail system problem",
        (3, 1) => "the mail system is full",
        (3, 2) => "the system is not accepting messages",
        (3, 4) => "the message is too big for the system",
        (3, 5) => "the system is not configured correctly",
        (4, 0) => "other network or routing problem",
        (4, 1) => "no answer from the host",
        (4, 2) => "the connection was dropped",
        (4, 3) => "a directory server (DNS) failed",
        (4, 4) => "no route: the domain has no usable mail server",
        (4, 6) => "a routing loop was detected",
        (4, 7) => "delivery took too long and was given up",
        (5, 0) => "other protocol problem",
        (5, 1) => "an invalid SMTP command",
        (5, 2) => "an SMTP syntax error",
        (5, 3) => "too many recipients",
        (5, 4) => "invalid command arguments",
        (6, 0) => "other content or media problem",
        (6, 1) => "the content type is not supported",
        (7, 0) => "other security or policy problem",
        (7, 1) => "delivery not authorized, message refused",
        (7, 2) => "mailing list expansion prohibited",
        (7, 7) => "a message integrity check failed",
        (7, 8) => "the login credentials are invalid",
        (7, 9) => "the authentication method is too weak",
        (7, 23) => "SPF validation failed",
        (7, 25) => "the sending IP's reverse DNS (PTR) failed",
        (7, 26) => "several authentication checks failed",
        (7, 27) => "the sender's domain has a null MX",
        (7, 28) => "too much mail of this kind, rate limited",
        (7, 29) => "ARC validation failed",
        (1, _) => "an address problem",
        (2, _) => "a mailbox problem",
        (3, _) => "a mail system problem",
        (4, _) => "a network or routing problem",
        (5, _) => "an SMTP protocol problem",
        (6, _) => "a message content problem",
        (7, _) => "a security or policy problem",
        _ => "an undefined status",
    };
    format!("{class_text}: {detail_text}")
}
