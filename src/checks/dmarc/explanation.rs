//! The words: each alignment check explained, what a receiver does with the message, the
//! summary for a support agent, and where RFC 7489 and RFC 9989 give different answers.

use super::discovery::{Discovery, DiscoveryStatus};
use super::evaluation::{Disposition, DmarcOutcome, DmarcResult, step_down};
use super::record::Policy;

fn id_label(identifier: &str, domain: &str) -> String {
    if identifier == "dkim" {
        format!("DKIM d={domain}")
    } else {
        format!("SPF domain {domain}")
    }
}

/// Why one identifier is aligned with the From domain or not, as the evaluation found.
#[derive(Clone, Copy)]
pub(super) enum Alignment<'a> {
    /// The identifier is not a valid domain name.
    InvalidDomain,
    /// It is the From domain itself.
    FromDomain,
    /// The policy asks for strict alignment and it is another domain.
    Strict,
    /// It ends in another top-level label: another organizational domain for sure.
    OtherSuffix,
    /// Its mechanism did not pass, so its alignment was not looked up.
    NotLookedUp,
    /// Both belong to this organizational domain (relaxed alignment).
    SameOrg(&'a str),
    /// Its organizational domain, and the From domain's, differ.
    OtherOrg(&'a str, &'a str),
    /// The From domain's organizational domain could not be looked up.
    NoFromOrg,
    /// Its own organizational domain could not be looked up, with why.
    NoOrg(&'a str),
}

/// One alignment check in a plain sentence.
pub(super) fn alignment(identifier: &str, domain: &str, from: &str, why: Alignment<'_>) -> String {
    let label = id_label(identifier, domain);
    let tag = if identifier == "dkim" {
        "adkim"
    } else {
        "aspf"
    };
    match why {
        Alignment::InvalidDomain => {
            format!("{label} is not a valid domain name, so it cannot align with From {from}.")
        }
        Alignment::FromDomain => format!("{label} is the From domain itself: aligned."),
        Alignment::Strict => format!(
            "{label} is not aligned with From {from}: the policy asks for strict alignment \
             ({tag}=s), which needs the very same domain."
        ),
        Alignment::OtherSuffix => {
            format!("{label} is not aligned with From {from}: different organizational domains.")
        }
        Alignment::NotLookedUp => format!(
            "{label} did not pass, so it cannot make DMARC pass; its alignment with From \
             {from} was not looked up."
        ),
        Alignment::SameOrg(org) => format!(
            "{label} is aligned with From {from}: both belong to the organizational domain \
             {org} (relaxed alignment)."
        ),
        Alignment::OtherOrg(org, from_org) => format!(
            "{label} is not aligned with From {from}: different organizational domains \
             ({org} and {from_org})."
        ),
        Alignment::NoFromOrg => format!(
            "Could not tell whether {label} is aligned with From {from}: the From domain's \
             organizational domain could not be looked up."
        ),
        Alignment::NoOrg(why) => format!(
            "Could not tell whether {label} is aligned with From {from}: its organizational \
             domain could not be looked up ({why})."
        ),
    }
}

/// The explanation when the From domain is not usable, so nothing can align.
pub(super) fn from_unusable() -> String {
    "Alignment cannot be checked: the From domain is not usable.".to_string()
}

/// The note when the From domain does not exist, so `np` applies (RFC 9989).
pub(super) fn np_applies(from: &str, np: Policy) -> String {
    format!(
        "{from} does not exist in the DNS (no A, AAAA or MX record), so the policy for \
         non-existent subdomains (np={}) applies.",
        np.as_str()
    )
}

/// The note when whether the From domain exists could not be checked.
pub(super) fn np_unknown(from: &str, np: Policy) -> String {
    format!(
        "Could not check whether {from} exists; if it does not, np={} would apply instead.",
        np.as_str()
    )
}

/// The note for a record in test mode (`t=y`, RFC 9989): one step less than `asked`.
pub(super) fn test_mode(asked: Policy) -> String {
    format!(
        "The record is in test mode (t=y), so {} is applied instead of {}.",
        step_down(asked).as_str(),
        asked.as_str()
    )
}

fn action_words(policy: Policy) -> &'static str {
    match policy {
        Policy::None => "delivered as usual",
        Policy::Quarantine => "quarantined (usually put in the spam or junk folder)",
        Policy::Reject => "rejected",
    }
}

pub(super) fn disposition(
    result: DmarcResult,
    applied: Option<Policy>,
    pct: Option<u8>,
    discovery: &Discovery,
) -> Disposition {
    let none = |explanation: String| Disposition {
        action: Policy::None,
        pct: None,
        explanation,
    };
    match result {
        DmarcResult::Pass => none(
            "DMARC passed, so a receiver delivers the message as far as DMARC is concerned."
                .to_string(),
        ),
        DmarcResult::None => none(
            "No DMARC policy applies, so DMARC does not change how the message is handled."
                .to_string(),
        ),
        DmarcResult::Temperror => none(
            "DMARC could not be checked; receivers usually deliver, or ask the sender to retry \
             later."
                .to_string(),
        ),
        DmarcResult::Permerror => {
            none("DMARC could not be evaluated, so it does not change handling.".to_string())
        }
        DmarcResult::Fail => {
            let action = applied.unwrap_or(Policy::None);
            let domain = discovery.policy_domain.as_deref().unwrap_or("the domain");
            match pct {
                Some(pct) if action != Policy::None => Disposition {
                    action,
                    pct: Some(pct),
                    explanation: format!(
                        "DMARC failed and {domain} asks for {} on pct={pct}: about {pct}% of \
                         such messages are {}, the rest are {}.",
                        action.as_str(),
                        action_words(action),
                        action_words(step_down(action))
                    ),
                },
                _ if action == Policy::None => Disposition {
                    action,
                    pct: None,
                    explanation: format!(
                        "DMARC failed, but {domain} asks for no action (none), so receivers \
                         deliver the message as usual."
                    ),
                },
                _ => Disposition {
                    action,
                    pct: None,
                    explanation: format!(
                        "DMARC failed, so a receiver that follows the policy of {domain} \
                         ({}) has the message {}.",
                        action.as_str(),
                        action_words(action)
                    ),
                },
            }
        }
    }
}

pub(super) fn summary(outcome: &DmarcOutcome, discovery: &Discovery, notes: &[String]) -> String {
    let from = &outcome.from_domain;
    let mut parts: Vec<String> = Vec::new();
    let at = outcome.policy_domain.as_deref().unwrap_or("");
    let inherited = if at != from && !at.is_empty() {
        format!(" (inherited from {at}, as {from} publishes none)")
    } else {
        String::new()
    };
    match discovery.status {
        DiscoveryStatus::InvalidDomain => parts.push(format!(
            "DMARC could not be evaluated: {}.",
            discovery
                .problem
                .as_deref()
                .unwrap_or("the From domain is not usable")
        )),
        DiscoveryStatus::TempError => parts.push(format!(
            "DMARC could not be checked: {}. This is not a failure.",
            discovery.problem.as_deref().unwrap_or("a lookup failed")
        )),
        DiscoveryStatus::NoRecord => parts.push(format!(
            "{from} publishes no DMARC policy, so receivers apply none (result none)."
        )),
        DiscoveryStatus::MultipleRecords => parts.push(format!(
            "{at} publishes more than one DMARC record, so receivers use none of them \
             (result none)."
        )),
        DiscoveryStatus::NoPolicy => parts.push(format!(
            "The DMARC record of {at} has no valid policy and no report address, so receivers \
             ignore it (result none)."
        )),
        DiscoveryStatus::Found => {
            let policy = outcome.applied_policy.map_or("none", Policy::as_str);
            let tag = outcome.policy_tag.as_deref().unwrap_or("p");
            let verdict = match outcome.result {
                DmarcResult::Pass => {
                    let by: Vec<String> = outcome
                        .alignment
                        .iter()
                        .filter(|a| a.aligned == Some(true) && a.result_of_mechanism == "pass")
                        .map(|a| id_label(&a.identifier, &a.domain))
                        .collect();
                    format!(
                        "DMARC passes: {} passed and is aligned with From {from}.",
                        by.join(" and ")
                    )
                }
                DmarcResult::Fail => format!(
                    "DMARC fails: neither SPF nor DKIM passed with a domain aligned with From \
                     {from}."
                ),
                _ => "DMARC could not be checked: an organizational domain needed for \
                      alignment could not be looked up. This is not a failure."
                    .to_string(),
            };
            parts.push(verdict);
            parts.push(format!(
                "The policy that applies is {tag}={policy}{inherited}."
            ));
        }
    }
    parts.extend(notes.iter().cloned());
    if outcome.result == DmarcResult::Fail {
        parts.push(outcome.disposition.explanation.clone());
    }
    parts.join(" ")
}

pub(super) fn differences(main: &DmarcOutcome, other: &DmarcOutcome) -> Vec<String> {
    let (a, b) = (main.mode.name(), other.mode.name());
    let mut out = Vec::new();
    let show = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".to_string());
    // Without the public suffix list (the WebAssembly build) RFC 7489's organizational domain
    // comes from the tree walk too: `org_basis` records it, and the readers are not told about
    // the build (it is not a fact about the message).
    if main.result != other.result {
        out.push(format!(
            "{a} gives {}, {b} gives {}.",
            main.result.as_str(),
            other.result.as_str()
        ));
    }
    if main.policy_domain != other.policy_domain {
        out.push(format!(
            "The policy comes from {} under {a} and from {} under {b}.",
            show(&main.policy_domain),
            show(&other.policy_domain)
        ));
    }
    if main.org_domain != other.org_domain {
        out.push(format!(
            "The organizational domain of {} is {} under {a} and {} under {b} (RFC 9989 takes \
             the highest name on the DNS tree walk that publishes a DMARC record; RFC 7489 the \
             name just below the public suffix).",
            main.from_domain,
            show(&main.org_domain),
            show(&other.org_domain)
        ));
    }
    if main.applied_policy != other.applied_policy {
        let p = |o: &DmarcOutcome| {
            o.applied_policy.map_or("none".to_string(), |p| {
                format!("{}={}", o.policy_tag.as_deref().unwrap_or("p"), p.as_str())
            })
        };
        out.push(format!(
            "The policy that applies is {} under {a} and {} under {b}.",
            p(main),
            p(other)
        ));
    }
    if main.disposition.pct != other.disposition.pct {
        let pct = main
            .disposition
            .pct
            .or(other.disposition.pct)
            .unwrap_or(100);
        out.push(format!(
            "pct={pct} matters only under RFC 7489 (about {pct}% of failing messages get the \
             policy); RFC 9989 dropped pct and applies the policy to all."
        ));
    }
    for (x, y) in main.alignment.iter().zip(&other.alignment) {
        if x.aligned != y.aligned {
            let word = |v: Option<bool>| match v {
                Some(true) => "aligned",
                Some(false) => "not aligned",
                None => "undetermined",
            };
            out.push(format!(
                "{} is {} under {a} and {} under {b}.",
                id_label(&x.identifier, &x.domain),
                word(x.aligned),
                word(y.aligned)
            ));
        }
    }
    out
}
