//! Bounce reasons (Sisimai's vocabulary), found from the remote server's words and the status
//! codes; RFC 3463 enhanced status codes explained (section 3: class, subject and detail).
//!
//! The words are data: each reason's meaning and advice are `data/bounce/reader/reasons.tsv`,
//! the phrases that name a reason `data/bounce/reader/phrases.tsv`. What stays here is the
//! logic: the phrase index and its one pass over the text, and the order in which the reasons
//! found (and the status code) decide.

use crate::vocab::tables::bounce::reader::{PHRASES, REASONS};
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
    /// Every reason, in the order declared (the order of `data/bounce/reader/reasons.tsv`).
    pub const ALL: [Reason; 34] = [
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
    ];

    /// The reason's name as in the JSON (`userunknown`, ...).
    pub fn name(self) -> &'static str {
        self.texts()[0]
    }

    /// A plain explanation for a support agent.
    pub fn explanation(self) -> &'static str {
        self.texts()[1]
    }

    /// What to do about it.
    pub fn advice(self) -> &'static str {
        self.texts()[2]
    }

    /// The reason with this name (as in the JSON).
    pub fn from_name(name: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Whether the address itself is bad (stop sending to it), as Sisimai's "hard bounce".
    pub fn address_is_bad(self) -> bool {
        matches!(self, Userunknown | Hostunknown | Hasmoved)
    }

    /// Its row of `data/bounce/reader/reasons.tsv`: name, meaning, advice.
    fn texts(self) -> [&'static str; 3] {
        REASONS.row(self as usize)
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

/// Phrases by their first two bytes (folded into 1024 buckets), so each position of the text
/// is checked against one or two candidates.
fn index() -> &'static [Vec<(&'static str, Reason)>] {
    static INDEX: OnceLock<Vec<Vec<(&'static str, Reason)>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut idx: Vec<Vec<(&'static str, Reason)>> = vec![Vec::new(); 1024];
        for [name, list] in PHRASES.rows() {
            let Some(reason) = Reason::from_name(name) else {
                continue;
            };
            for p in list.split('|') {
                if let [a, b, ..] = p.as_bytes()
                    && let Some(v) = idx.get_mut(key(*a, *b))
                {
                    v.push((p, reason));
                }
            }
        }
        idx
    })
}

fn key(a: u8, b: u8) -> usize {
    (usize::from(a & 0x1f) << 5) | usize::from(b & 0x1f)
}

/// [`phrases`] of a refusal's words read under its enhanced status: RFC 5321's generic text
/// for 550, "Requested action not taken: mailbox unavailable" (section 4.2.3: "e.g., mailbox
/// not found, no access, or command rejected for policy reasons"), which mail programs also
/// print above a server's reply as the code's meaning, says no more than the code when the
/// status names a policy (RFC 3463 X.7.x, "delivery not authorized, message refused"): it is
/// no unknown user unless other words say so.
pub fn phrases_under(lower: &str, status: Option<&str>) -> u64 {
    let set = phrases(lower);
    if set & bit(Userunknown) != 0
        && status.is_some_and(|s| s.get(1..3) == Some(".7"))
        && lower.contains("mailbox unavailable")
        && phrases(&lower.replace("mailbox unavailable", " ")) & bit(Userunknown) == 0
    {
        return set & !bit(Userunknown);
    }
    set
}

/// The reasons whose phrases occur in `lower` (already lowercased), as a bit set. One pass
/// over the text. A phrase found only inside a longer phrase of another reason does not count:
/// the longer wording is the one its server wrote (data/bounce/README.md: "prefer the longer
/// row"), as Postfix's "Helo command rejected: Host not found" is about the client's HELO
/// name, not a recipient domain that was not found.
pub fn phrases(lower: &str) -> u64 {
    /// Matches kept for the containment test (far above any real reply).
    const MAX_MATCHES: usize = 2048;
    let lower = lower.as_bytes();
    let idx = index();
    let mut set = 0u64;
    let mut found: Vec<(usize, usize, Reason)> = Vec::new();
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
                    if found.len() < MAX_MATCHES {
                        found.push((i, i + phrase.len(), *reason));
                    } else {
                        set |= bit(*reason);
                    }
                }
            }
        }
    }
    for &(start, end, reason) in &found {
        let inside_longer = found
            .iter()
            .any(|&(s2, e2, r2)| r2 != reason && s2 <= start && end <= e2 && e2 - s2 > end - start);
        if !inside_longer {
            set |= bit(reason);
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

/// Whether the words (lowercase) say the recipient's mailbox does not exist or is full: the
/// destination's own state (RFC 3463 section 3: X.1.X and X.2.X, "mailbox issues are assumed to
/// be under the general control of the recipient"), whatever code came with them.
pub fn names_mailbox_state(lower: &str) -> bool {
    phrases(lower) & (bit(Userunknown) | bit(Mailboxfull)) != 0
}

/// Whether the words (lowercase) say only that the recipient's mailbox does not exist: an
/// unknown-user phrase and none of a filter, a block, spam, a policy, a security refusal or a
/// disabled mailbox. [`decide`] files such words after DATA (or at no named stage) as
/// `filtered`, after Sisimai, whose reason covers receivers that answer a filtered message
/// with "user unknown"; the words themselves still name the mailbox.
pub fn says_only_no_such_mailbox(lower: &str) -> bool {
    let set = phrases(lower);
    let other = bit(Filtered)
        | bit(Blocked)
        | bit(Rejected)
        | bit(Spamdetected)
        | bit(Policyviolation)
        | bit(Securityerror)
        | bit(Virusdetected)
        | bit(Suspend)
        | bit(Speeding)
        | bit(Toomanyconn);
    set & bit(Userunknown) != 0 && set & other == 0 && !lower.contains("filter")
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
        // A sending limit named beside RFC 5321's generic "mailbox unavailable" (IONOS's
        // "450-Requested mail action not taken: mailbox unavailable / 450 Mail send limit
        // exceeded."): the limit is the reason.
        (Speeding, Userunknown),
        (Speeding, Filtered),
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
            // Words that say the mailbox does not exist under X.7.1 (RFC 3463: "delivery not
            // authorized", a policy code some providers give every refusal: Yandex's "550 5.7.1
            // No such user!", which its own bounce guide reads as a non-existing address) are
            // an unknown user, unless a filter is named too.
            // No recipient has been named before RCPT TO (RFC 5321 section 3.3: MAIL FROM
            // carries the sender), so a refusal of MAIL FROM or of the connection is never of
            // an unknown mailbox, whatever its code says ("554 5.1.0 Sender Denied").
            Userunknown if stage == Stage::BeforeRcpt => false,
            Userunknown => {
                (st == Some(Userunknown) && set & (bit(Blocked) | bit(Speeding)) == 0)
                    || (user_text && stage == Stage::Rcpt)
                    || (user_text
                        && set & (bit(Filtered) | bit(Blocked) | bit(Spamdetected)) == 0
                        && status.is_some_and(|s| s.get(1..) == Some(".7.1")))
            }
            Filtered => {
                set & bit(Filtered) != 0
                    || (st == Some(Filtered) && user_text)
                    || (user_text && stage == Stage::DataOrUnknown)
            }
            // A status of a bad destination system beside words that the sending server
            // gave up retrying (Haraka's "Too many failures (Tried all MXs)" under its generic
            // 5.1.2, outbound/hmail.js): the retries ran out, the domain was not said missing.
            Hostunknown => {
                set & bit(r) != 0 || (st == Some(r) && set & (bit(Notaccept) | bit(Expired)) == 0)
            }
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
        // RFC 3463 X.4.7 "Delivery time expired", temporary or permanent (a server that
        // gave up after its retry time writes 5.4.7).
        (4, 7) => Expired,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_5321s_generic_550_text_under_a_policy_status_is_no_unknown_user() {
        let unknown = |w: &str, st: Option<&str>| {
            super::phrases_under(w, st) & super::bit(super::Reason::Userunknown) != 0
        };
        let w = "requested action not taken: mailbox unavailable 550 5.7.1 executable attachments are not accepted by this server";
        assert!(!unknown(w, Some("5.7.1")));
        // Under another status, or with words of its own that say so, it stays one.
        assert!(unknown(w, Some("5.5.0")));
        assert!(unknown(
            "requested action not taken: mailbox unavailable 550 5.7.1 no such user here",
            Some("5.7.1")
        ));
    }

    #[test]
    fn words_that_the_retries_ran_out_outweigh_a_bad_destination_status() {
        // Haraka's bounce after its deferrals: its generic 5.1.2 for "Tried all MXs".
        let set = phrases("error: too many failures (tried all mxs)");
        assert_eq!(
            decide(set, Some("5.1.2"), Stage::DataOrUnknown),
            Some(Reason::Expired)
        );
        assert_eq!(
            decide(
                phrases("host not found"),
                Some("5.1.2"),
                Stage::DataOrUnknown
            ),
            Some(Reason::Hostunknown)
        );
    }

    #[test]
    fn documented_provider_words_name_their_reasons() {
        let r = |t: &str| from_text(t);
        assert_eq!(
            r(
                "554 5.2.0 storedrv.submission.exception:outboundspamexception; wascl useraction verdict is not none. actual verdict is refusequota, showtierupgrade."
            ),
            Some(Reason::Speeding)
        );
        assert_eq!(
            r("552 requested mail action aborted: exceeded mailsize limit"),
            Some(Reason::Mesgtoobig)
        );
        assert_eq!(
            r("550 blacklisted file extension detected"),
            Some(Reason::Policyviolation)
        );
    }

    #[test]
    fn the_tables_match_the_enum() {
        assert_eq!(REASONS.len(), Reason::ALL.len());
        for (i, r) in Reason::ALL.into_iter().enumerate() {
            assert_eq!(r as usize, i);
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.name()));
            assert!(!r.explanation().is_empty() && !r.advice().is_empty());
        }
        for [name, list] in PHRASES.rows() {
            assert!(Reason::from_name(name).is_some(), "{name} is no reason");
            for p in list.split('|') {
                assert!(p.len() >= 2 && p == p.to_ascii_lowercase(), "{p:?}");
            }
        }
    }

    #[test]
    fn a_refusal_before_rcpt_is_never_an_unknown_mailbox() {
        let set = phrases("554 5.1.0 sender denied");
        assert_eq!(
            decide(set, Some("5.1.0"), Stage::BeforeRcpt),
            Some(Reason::Rejected)
        );
        // The same code in answer to RCPT is of the mailbox.
        let set = phrases("550 5.1.1 user unknown");
        assert_eq!(
            decide(set, Some("5.1.1"), Stage::Rcpt),
            Some(Reason::Userunknown)
        );
    }
}
