//! Impersonation: whether the message is from who it says it is from. A brand's name over
//! another domain's address, a look-alike of a domain the reader knows (the recipient's own, one
//! the customer names), the name of the recipient's own organization over a free mail address,
//! replies diverted to a free mail mailbox, the recipient gateway's own impersonation verdict.
//! Authentication cannot tell any of these: it shows where a message came from, not that the
//! sender is who the name claims.

use super::evidence::Context;
use super::make_cause;
use super::message::{address_and_org, from_evidence, own_domain_forged, prose};
use crate::report::diagnosis::{Cause, Certainty, Party, Source};
use crate::vocab::finding::Evidence;
use crate::vocab::tables;

/// Impersonation: a brand in the display name over another domain's address, a look-alike of
/// the recipient's own domain, or the recipient's own address on mail from elsewhere.
pub(super) fn spoofing(ctx: &Context) -> Option<Cause> {
    let r = ctx.r;
    if let Some(c) = brand_spelt_alike(ctx) {
        return Some(c);
    }
    let from = r.message.from.as_ref()?;
    let address = from.address.as_deref()?.to_ascii_lowercase();
    let domain = address.rsplit_once('@')?.1.to_string();
    let org = crate::vocab::domain::org_domain(&domain).unwrap_or_else(|| domain.clone());
    let evidence = from_evidence(ctx);
    if let Some(c) = mimecast_impersonation(ctx) {
        return Some(c);
    }
    // A brand's name over an address at a domain the brand does not send from (read as the
    // reader sees it: without invisible and bidi characters). Not Exchange's own system mailbox
    // ("Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@domain>"), from
    // which an organization's Exchange sends its notices under its own domain; nor Exchange
    // Online's delivery notices, which it sends as "Microsoft Outlook" from the postmaster
    // address of the tenant's domain (its non-delivery, delay and relay reports, read as such).
    let tenant_notice = address.starts_with("postmaster@")
        && r.bounce.as_ref().is_some_and(|b| {
            b.kind != crate::checks::bounce::BounceKind::NotBounce || !b.recipients.is_empty()
        });
    if let Some(name) = from
        .name
        .as_deref()
        .filter(|_| !crate::checks::bounce::is_exchange_recipient(&address) && !tenant_notice)
    {
        let lower: String = name
            .chars()
            .filter(|&c| {
                !matches!(c as u32, 0x061c | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2069 | 0xfeff)
            })
            .collect::<String>()
            .to_ascii_lowercase();
        for row in tables::diagnosis::BRANDS {
            let brand = row[0];
            if !contains_word(&lower, brand) {
                continue;
            }
            if sends_from(row, &org, &domain) {
                continue;
            }
            return Some(make_cause(
                ctx,
                "sender.brand-impersonation",
                "spoofing",
                format!("The sender's name says {name:?}, but the address is {address}."),
                format!(
                    "The display name claims to be {}, whose mail comes from its own domains ({}); this message comes from {domain}. That is how phishing imitates a brand: the name is free to choose, the address is not.",
                    title_case(brand),
                    row[1].replace(' ', ", ")
                ),
                None,
                Certainty::Likely,
                Party::Sender,
                Source::Headers,
                evidence,
            ));
        }
    }
    // A domain that spells the display name's organization with look-alike letters
    // ("Morgan Timber" <accounts@rnorgan-timber.example>): the domain's first label read as
    // its confusable skeleton (Unicode UTS #39 section 4; confusables.txt maps "rn" to "m",
    // "vv" to "w", "cl" to "d", digit 0 to "o", digit 1 to "l") is written in the name, while
    // the label as spelt is not.
    if let Some(name) = from.name.as_deref() {
        let letters = |t: &str| -> String {
            t.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase()
        };
        let label = letters(domain.split('.').next().unwrap_or_default());
        let skeleton = label
            .replace("rn", "m")
            .replace("vv", "w")
            .replace("cl", "d")
            .replace('0', "o")
            .replace('1', "l");
        let said = letters(name);
        // Or one letter swapped for one that looks like it ("Ferragens Silva"
        // <financeiro@ferragens-sllva.example>: l for i), the name spelt right and the domain
        // not: the label against whole words of the name run together, six letters or more.
        let swapped = || {
            let l = label.as_bytes();
            if l.len() < 6 {
                return None;
            }
            let look_alike = |a: u8, b: u8| {
                [b"il1".as_slice(), b"o0", b"uv", b"gq"]
                    .iter()
                    .any(|set| set.contains(&a) && set.contains(&b))
            };
            crate::vocab::text::name_word_runs(name)
                .into_iter()
                .find(|run| {
                    let n = run.as_bytes();
                    let mut diff = n.iter().zip(l).filter(|(a, b)| a != b);
                    n.len() == l.len()
                        && matches!(
                            (diff.next(), diff.next()),
                            (Some((&a, &b)), None) if look_alike(a, b)
                        )
                })
        };
        let imitated = if skeleton != label && skeleton.len() >= 5 && said.contains(&skeleton) {
            Some(skeleton)
        } else {
            swapped()
        };
        if let Some(skeleton) = imitated.filter(|_| !said.contains(&label)) {
            return Some(make_cause(
                ctx,
                "sender.lookalike-domain",
                "spoofing",
                format!(
                    "The sender's name says {name:?}, but the address is at {domain}, a look-alike spelling."
                ),
                format!(
                    "{domain} is written to read like the name's own organization ({skeleton} with letters that look alike): it is not that organization's domain, and its SPF, DKIM and DMARC results only show the message came from the look-alike. That is how invoice and payment fraud imitates a known supplier."
                ),
                None,
                Certainty::Likely,
                Party::Sender,
                Source::Headers,
                evidence,
            ));
        }
    }
    // A display name that hides or imitates what the reader sees (checks::sender::name).
    // An address of another organization as the name counts too, but not a relaying service's
    // "'ann@example.com' via Team" (Google Groups, help desks name the author so).
    let via = from
        .name
        .as_deref()
        .is_some_and(|n| contains_word(&n.to_lowercase(), "via"));
    if let Some(f) = r.findings.iter().find(|f| {
        // bidi, invisible, confusable, mixed-script, domain, another organization's address.
        f.severity == crate::vocab::finding::Severity::Warning
            && f.code.starts_with("sender.display-name-")
            && !(via && f.code == "sender.display-name-address")
    }) {
        return Some(make_cause(
            ctx,
            &f.code,
            "spoofing",
            f.title.clone(),
            f.detail.clone(),
            None,
            Certainty::Likely,
            Party::Sender,
            Source::Headers,
            evidence,
        ));
    }
    // A look-alike of a domain the reader knows: the recipient's own, or one the customer names
    // in their own words around the paste ("is our domain huber-holzbau.example misused?").
    let (_, rorg) = address_and_org(r.message.to.first()?.address.as_deref())?;
    if lookalike_of(&org, &rorg) {
        return Some(make_cause(
            ctx,
            "sender.lookalike-domain",
            "spoofing",
            format!("The sender's domain {org} imitates the recipient's own domain {rorg}."),
            format!(
                "{org} is written to pass for {rorg} (a letter or two apart, or the same name with a word added): a look-alike domain registered to pass as a colleague or partner (common in invoice and payment fraud)."
            ),
            None,
            Certainty::Likely,
            Party::Sender,
            Source::Headers,
            evidence,
        ));
    }
    if let Some(named) = named_domains(ctx)
        .into_iter()
        .find(|d| lookalike_of(&org, d))
    {
        return Some(make_cause(
            ctx,
            "sender.lookalike-domain",
            "spoofing",
            format!("The sender's domain {org} imitates {named}, the domain named in the ticket."),
            format!(
                "The message comes from {org}, not from {named}: a look-alike domain (a letter or two apart, or the same name with a word added) that someone registered with its own mail server, so its SPF, DKIM and DMARC can pass for it. {named}'s own records cannot stop mail from another domain. That is how invoice and payment fraud imitates a known company."
            ),
            None,
            Certainty::Likely,
            Party::Sender,
            Source::Headers,
            evidence,
        ));
    }
    if let Some(c) = imitated_domain(ctx, &evidence) {
        return Some(c);
    }
    if let Some(c) = own_domain_forged(ctx, false) {
        return Some(c);
    }
    internal_name(ctx, from, &address, &rorg, &evidence)
        .or_else(|| reply_diverted(ctx, from, &address, &org, &rorg, &evidence))
        .or_else(|| phishing_domain(ctx, &org, &evidence))
}

/// Whether `domain` (its organizational domain `org`) is one a brand's row of
/// `data/diagnosis/brands.tsv` names as its own, or under one of them.
fn sends_from(row: &[&str; 2], org: &str, domain: &str) -> bool {
    row[1]
        .split(' ')
        .any(|d| org == d || domain.ends_with(&format!(".{d}")))
}

/// The confusable skeleton of a name (Unicode UTS #39 section 4, its confusables.txt for the
/// Latin letters and digits that pass for each other in a domain: "rn" and "m", "vv" and "w",
/// digit 0 and "o", digit 1, "i" and "l"): two names with the same skeleton read alike.
fn skeleton(name: &str) -> String {
    name.to_ascii_lowercase()
        .replace("rn", "m")
        .replace("vv", "w")
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | 'i' => 'l',
            c => c,
        })
        .collect()
}

/// A sender domain that spells a brand's name with look-alike characters ("m1crosoft-365-
/// support.example", "paypa1-billing.example") and is none of the brand's own domains: the
/// domain's first label read as its skeleton holds the brand's, while the label as spelt does not
/// hold the brand's name. The address is the From's, or, for a quarantine notification's listing
/// pasted as the header, the held message's "Sender:".
fn brand_spelt_alike(ctx: &Context) -> Option<Cause> {
    let r = ctx.r;
    let (address, org) = match r.message.from.as_ref() {
        Some(f) => address_and_org(f.address.as_deref())?,
        None => {
            let v = ctx.header("Sender")?.value.trim().trim_matches(['<', '>']);
            address_and_org(Some(v).filter(|v| !v.contains(' ')))?
        }
    };
    let domain = address.rsplit_once('@')?.1.to_string();
    let label = org.split('.').next().unwrap_or_default();
    let seen = skeleton(label);
    for row in tables::diagnosis::BRANDS {
        let brand: String = row[0].chars().filter(|c| !c.is_whitespace()).collect();
        if brand.len() < 5 || label.contains(&brand) || sends_from(row, &org, &domain) {
            continue;
        }
        if !seen.contains(&skeleton(&brand)) {
            continue;
        }
        let evidence = match ctx.header("From").or_else(|| ctx.header("Sender")) {
            Some(h) => vec![Evidence {
                line: Some(h.line),
                text: format!(
                    "{}: {}",
                    h.name,
                    crate::vocab::text::clip_ellipsis(&h.value, 200)
                ),
            }],
            None => Vec::new(),
        };
        return Some(make_cause(
            ctx,
            "sender.brand-lookalike-domain",
            "spoofing",
            format!(
                "The sender's domain {org} spells {} with look-alike characters.",
                title_case(row[0])
            ),
            format!(
                "{org} is written to read like {} (letters and digits that look alike), and it is none of the domains {} sends from ({}): a domain registered to imitate the brand, as phishing does. Do not open its links or attachments, and do not sign in anywhere it leads.",
                title_case(row[0]),
                title_case(row[0]),
                row[1].replace(' ', ", ")
            ),
            None,
            Certainty::Likely,
            Party::Sender,
            Source::Headers,
            evidence,
        ));
    }
    None
}

/// A payment request from a domain that reads like another one that exists and receives its
/// mail at other servers (`checks::reputation::imitated`, a live check): the look-alike of a
/// supplier or partner. Likely, not certain: two domains of one owner can sit at two mail
/// providers.
fn imitated_domain(ctx: &Context, evidence: &[Evidence]) -> Option<Cause> {
    let i = ctx.r.reputation.as_ref()?.imitated.as_ref()?;
    let mut evidence = evidence.to_vec();
    evidence.push(Evidence {
        line: None,
        text: format!("{}: {}", i.evidence.question, i.evidence.answer),
    });
    Some(make_cause(
        ctx,
        "sender.lookalike-domain",
        "spoofing",
        format!(
            "The sender's domain {} reads like {}, another domain that exists.",
            i.domain, i.imitates
        ),
        format!(
            "{} is {} {}, and {} receives its mail at other servers ({}): two organizations, or a domain registered to pass for the other. A request to change bank or payment details from a look-alike domain is how invoice fraud imitates a known supplier, and SPF, DKIM and DMARC passing only show the message came from the look-alike. Confirm the request by phone with a contact you already know before paying anything.",
            i.domain,
            i.imitates,
            i.how,
            i.imitates,
            i.mx.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
        ),
        None,
        Certainty::Likely,
        Party::Sender,
        Source::Live,
        evidence,
    ))
}

/// The From's own domain listed now on the Spamhaus DBL as a domain used for phishing, malware
/// or botnet control (return codes 127.0.1.4, .5 and .6, "phish domain", "malware domain",
/// "botnet C&C domain"; Spamhaus's DBL return codes). Not the "abused legit" codes
/// (127.0.1.102-106): a legitimate domain that was hacked is not a fake one. A live check: it
/// says what the list knows today, which is why it is likely, not certain.
fn phishing_domain(ctx: &Context, org: &str, evidence: &[Evidence]) -> Option<Cause> {
    use crate::checks::reputation::ListStatus;
    let rep = ctx.r.reputation.as_ref()?;
    let (list, code) = rep
        .domain_lists
        .iter()
        .filter(|d| d.domain.eq_ignore_ascii_case(org))
        .flat_map(|d| &d.lists)
        .filter(|l| l.status == ListStatus::Listed && l.zone.ends_with("dbl.spamhaus.org"))
        .find_map(|l| {
            l.codes
                .iter()
                .find(|c| matches!(c.answer.as_str(), "127.0.1.4" | "127.0.1.5" | "127.0.1.6"))
                .map(|c| (l, c))
        })?;
    let mut evidence = evidence.to_vec();
    evidence.extend(list.evidence.iter().take(1).map(|l| Evidence {
        line: None,
        text: format!("{}: {} ({})", l.question, code.answer, code.name),
    }));
    Some(make_cause(
        ctx,
        "sender.phishing-domain",
        "spoofing",
        format!(
            "The sender's domain {org} is listed now on {} as a {}.",
            list.list, code.name
        ),
        format!(
            "{} lists {org} as {} ({}): the domain exists to deceive, so its SPF, DKIM and DMARC passing only shows the message came from it, not that the sender is who the message claims. Treat the message as fraud: do not open its links or attachments, and confirm any request through a channel you already know.",
            list.list,
            code.name,
            code.meaning.trim_end_matches('.')
        ),
        None,
        Certainty::Likely,
        Party::Sender,
        Source::Live,
        evidence,
    ))
}

/// Whether `org` (an organizational domain) is written to pass for `known`: one or two letters
/// apart, or `known`'s name with a word joined by a hyphen ("harlow-engineering-group" for
/// "harlow-engineering"), which is how look-alike domains are registered (Microsoft Defender's
/// domain impersonation protection and Mimecast's "Similar Internal Domain" look for the same).
/// Two domains of the same free mail service (outlook.com, outlook.de) are not look-alikes.
fn lookalike_of(org: &str, known: &str) -> bool {
    if org == known
        || (crate::checks::sender::free_mail_provider(org).is_some()
            && crate::checks::sender::free_mail_provider(known).is_some())
    {
        return false;
    }
    let label = |d: &str| d.split('.').next().unwrap_or_default().to_string();
    let (l, k) = (label(org), label(known));
    let joined = k.len() >= 4
        && l != k
        && (l.starts_with(&format!("{k}-")) || l.ends_with(&format!("-{k}")));
    (org.len() > 5 && edit_distance(org, known) <= 2) || joined
}

/// The organizational domains the customer names in their own words around the paste (at most
/// 20), as written: "example.com" or an address at it.
fn named_domains(ctx: &Context) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in prose(ctx) {
        for word in e
            .text
            .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '@')))
        {
            let word = word.rsplit('@').next().unwrap_or_default();
            let word = word
                .trim_matches(|c| c == '.' || c == '-')
                .to_ascii_lowercase();
            let tld = word.rsplit('.').next().unwrap_or_default();
            // Not a network's own private names (RFC 6762 .local, RFC 8375 home.arpa, and the
            // .internal, .lan, .corp, .home names networks use): no one registers those.
            if !word.contains('.')
                || tld.len() < 2
                || !tld.bytes().all(|b| b.is_ascii_alphabetic())
                || matches!(
                    tld,
                    "local"
                        | "localdomain"
                        | "lan"
                        | "internal"
                        | "corp"
                        | "home"
                        | "intranet"
                        | "arpa"
                )
            {
                continue;
            }
            let org = crate::vocab::domain::org_domain(&word).unwrap_or(word);
            if !out.contains(&org) && out.len() < 20 {
                out.push(org);
            }
        }
    }
    out
}

/// A free mail address whose display name is the name of the recipient's own organization
/// ("Thomas Weber" <thomas.weber.office26@gmail.com> to buchhaltung@weber-logistik.example):
/// the boss or a colleague of a company named after them, writing from an account anyone can
/// open under any name. Microsoft Defender's user impersonation protection and Mimecast's
/// "Internal User Name" identifier look for an internal person's name on outside mail; the
/// organization's name in its domain stands for that list here. A name word counts when it is a
/// hyphen-separated word of the recipient domain's name, or (five letters or more) begins or
/// ends it.
fn internal_name(
    ctx: &Context,
    from: &crate::report::Mailbox,
    address: &str,
    rorg: &str,
    evidence: &[Evidence],
) -> Option<Cause> {
    let provider = ctx.r.sender.free_mail_provider.as_deref()?;
    if crate::checks::sender::free_mail_provider(rorg).is_some() {
        return None;
    }
    let name = from.name.as_deref()?;
    let label = rorg.split('.').next().unwrap_or_default();
    // The recipient's own name holding the word ("Katrin Hofmann" writing to "Lena Hofmann" at
    // physio-hofmann.example) makes it family mail, not a stranger borrowing the name.
    let recipient_name = ctx
        .r
        .message
        .to
        .first()
        .and_then(|m| m.name.as_deref())
        .map(words)
        .unwrap_or_default();
    let word = words(name).into_iter().find(|w| {
        w.chars().count() >= 4
            && !recipient_name.contains(w)
            && (label.split('-').any(|t| t == w)
                || (w.len() >= 5 && (label.starts_with(w.as_str()) || label.ends_with(w.as_str()))))
    })?;
    Some(make_cause(
        ctx,
        "sender.internal-name-free-mail",
        "spoofing",
        format!("The sender's name {name:?} is the recipient organization's own name, on a {provider} address."),
        format!(
            "\"{word}\" is the name of the recipient's organization ({rorg}), but the message comes from {address}, a {provider} account that anyone can open under any name. Mail from the company's own people comes from {rorg}. A request in the boss's or a colleague's name from a private address (a payment, gift cards, changed bank details, data) is how CEO fraud works."
        ),
        Some("Do not answer or act on it by e-mail: confirm the request with the person by phone, on a number you already have.".into()),
        Certainty::Likely,
        Party::Sender,
        Source::Headers,
        evidence.to_vec(),
    ))
}

/// Replies diverted to a free mail mailbox other than the sender's: a Reply-To at a free mail
/// service under a company's From, or another free mail mailbox under a free mail From.
/// SpamAssassin's FreeMail plugin scores both (FREEMAIL_FORGED_REPLYTO, "Freemail in Reply-To,
/// but not From"; FREEMAIL_REPLYTO, "Reply-To/From ... contain different freemails"), and
/// rspamd's SPOOF_REPLYTO ("Reply-To is being used to spoof and trick the recipient to send an
/// off-domain reply"). Not on mail from the recipient's own organization (its own people may
/// collect replies anywhere; a forgery of it is [`own_domain_forged`]'s).
/// `from`, `address` (lowercase), `org` and `evidence`: the From as [`spoofing`] read it.
fn reply_diverted(
    ctx: &Context,
    from: &crate::report::Mailbox,
    address: &str,
    org: &str,
    rorg: &str,
    evidence: &[Evidence],
) -> Option<Cause> {
    // Bulk mail (a list's or a mailing service's fields) collects replies where the company
    // reads them; this is about one-to-one mail.
    let bulk = ["List-Unsubscribe", "List-Id", "Feedback-ID"]
        .iter()
        .any(|h| ctx.header(h).is_some());
    if org == rorg || bulk {
        return None;
    }
    let reply = ctx.r.sender.reply_to_domain.as_deref()?;
    let provider = crate::checks::sender::free_mail_provider(reply)?;
    let finding = ctx.r.findings.iter().find(|f| {
        f.code == "sender.reply-to-other-mailbox" || f.code == "sender.reply-to-other-domain"
    })?;
    // The Reply-To speaks in the sender's name: a word of the From's name or address is in
    // it ("Cabinet Moreau" <cabinet.moreau.compta@gmail.com> under facturation@cabinet-moreau-
    // expertise.example). A Reply-To in someone else's name is a different person's address, as
    // a website's contact form sets it to the visitor's.
    let (local, domain) = address.rsplit_once('@').unwrap_or((address, ""));
    let named = |w: &String| w.chars().count() >= 4 && !matches!(w.as_str(), "mail" | "info");
    let own: Vec<String> = words(from.name.as_deref().unwrap_or_default())
        .into_iter()
        .chain(words(local))
        .chain(words(domain.rsplit_once('.').map_or(domain, |(d, _)| d)))
        .filter(named)
        .collect();
    let field = finding
        .evidence
        .first()
        .map(|e| e.text.as_str())
        .unwrap_or_default();
    let service = words(reply);
    if !words(field)
        .iter()
        .filter(|w| named(w) && !service.contains(w))
        .any(|w| own.contains(w))
    {
        return None;
    }
    let mut evidence = evidence.to_vec();
    evidence.extend(finding.evidence.iter().cloned());
    Some(make_cause(
        ctx,
        "sender.reply-to-free-mail",
        "spoofing",
        format!("Replies would go to another mailbox, at {provider} ({reply}), not to the sender."),
        format!(
            "The From shows one sender, but the Reply-To sends every answer to a {provider} address that anyone can open under any name. Collecting the replies in a private mailbox while the From looks like someone the reader knows is how invoice, payment and CEO fraud works; filters score it for that reason."
        ),
        Some("Do not answer or act on it by e-mail: confirm the request with the sender by phone, on a number you already have.".into()),
        Certainty::Likely,
        Party::Sender,
        Source::Headers,
        evidence,
    ))
}

/// Mimecast's Impersonation Protect identifiers that say the sender's name or domain resembles
/// someone the recipient knows: the organisation's own domains or users, an outside domain it
/// watches, a display name on its list (`data/spam/mimecast.tsv`).
const MIMECAST_RESEMBLANCE: [&str; 6] = [
    "similar internal domain",
    "similar monitored external domain",
    "custom external domain",
    "mimecast external domain",
    "internal user name",
    "custom display name list",
];

/// The identifiers an X-Mimecast-Impersonation-Protect value records as hit, and those of them
/// that are a resemblance, when they make a combination (see [`mimecast_impersonation`]).
fn mimecast_hits(value: &str) -> Option<(Vec<&str>, Vec<&str>)> {
    let hits: Vec<&str> = value
        .split(';')
        .filter_map(|part| part.split_once('='))
        .filter(|(_, v)| v.trim().eq_ignore_ascii_case("true"))
        .map(|(k, _)| k.trim())
        .collect();
    let resemblance: Vec<&str> = hits
        .iter()
        .copied()
        .filter(|k| MIMECAST_RESEMBLANCE.contains(&k.to_ascii_lowercase().as_str()))
        .collect();
    (!resemblance.is_empty() && hits.len() >= 2).then_some((hits, resemblance))
}

/// The recipient's Mimecast gateway recorded impersonation (X-Mimecast-Impersonation-Protect).
/// Impersonation Protect "looks for combinations of key identifiers commonly found in these
/// attacks" (Mimecast, Targeted Threat Protection - Impersonation Protect): a resemblance of
/// the sender's name or domain to someone the recipient knows, together with at least one more
/// identifier (a newly observed domain, a reply-to address that differs, fraud wording). One
/// identifier alone is no combination; a header with every identifier false is no finding.
fn mimecast_impersonation(ctx: &Context) -> Option<Cause> {
    let header = ctx.r.headers.iter().find(|h| {
        h.name
            .eq_ignore_ascii_case("X-Mimecast-Impersonation-Protect")
    })?;
    let (hits, resemblance) = mimecast_hits(&header.value)?;
    let from = ctx
        .r
        .message
        .from
        .as_ref()
        .and_then(|f| f.address.as_deref())
        .unwrap_or("the sender's address");
    Some(make_cause(
        ctx,
        "filter.mimecast-impersonation",
        "spoofing",
        format!(
            "The recipient's Mimecast gateway flagged the message as impersonation ({}).",
            hits.join(", ")
        ),
        format!(
            "Mimecast's Impersonation Protect found that the sender resembles someone the recipient knows ({}) and more signs of a targeted attack in the same message; the mail really comes from {from}. Authentication that passed only shows where it came from, not that the sender is who the name claims. Treat it as a fraud attempt unless the person confirms it by another channel.",
            resemblance.join(", ")
        ),
        None,
        Certainty::Certain,
        Party::Sender,
        Source::Receiver,
        vec![Evidence {
            line: Some(header.line),
            text: format!("X-Mimecast-Impersonation-Protect: {}", header.value),
        }],
    ))
}

fn contains_word(text: &str, word: &str) -> bool {
    let mut start = 0;
    while let Some(i) = text[start..].find(word) {
        let at = start + i;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return true;
        }
        start = at + word.len();
    }
    false
}

fn title_case(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Levenshtein distance, bounded (names over 64 bytes count as far apart).
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The words of a name or an address, lowercase: runs of letters and digits.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mimecast_impersonation_needs_a_resemblance_in_a_combination() {
        let v = "Policy=CLT - Impersonation Protection Definition; Similar Internal Domain=false;\n Internal User Name=true; Custom Display Name List=false;\n Reply-to Address Mismatch=true; Targeted Threat Dictionary=false";
        assert_eq!(
            mimecast_hits(v),
            Some((
                vec!["Internal User Name", "Reply-to Address Mismatch"],
                vec!["Internal User Name"]
            ))
        );
        // One identifier alone, or hits without a resemblance, or none at all: no finding.
        assert_eq!(
            mimecast_hits("Internal User Name=true; Reply-to Address Mismatch=false"),
            None
        );
        assert_eq!(
            mimecast_hits("Newly Observed Domain=true; Reply-to Address Mismatch=true"),
            None
        );
        assert_eq!(mimecast_hits("Policy=CLT; Internal User Name=false"), None);
    }

    #[test]
    fn words_and_distances() {
        assert!(contains_word("paypal service", "paypal"));
        assert!(!contains_word("paypalx", "paypal"));
        assert!(contains_word("bank of america alerts", "bank of america"));
        assert_eq!(
            edit_distance("harrnon-legal.example", "harmon-legal.example"),
            2
        );
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(title_case("bank of america"), "Bank Of America");
    }

    #[test]
    fn a_brand_spelt_with_look_alike_characters_has_the_brands_skeleton() {
        use super::skeleton;
        assert!(skeleton("m1crosoft-365-support").contains(&skeleton("microsoft")));
        assert!(skeleton("paypa1-billing").contains(&skeleton("paypal")));
        assert!(skeleton("arnazon-orders").contains(&skeleton("amazon")));
        assert!(!skeleton("mikrosoft-support").contains(&skeleton("microsoft")));
    }

    #[test]
    fn lookalikes_and_words() {
        assert!(lookalike_of(
            "harlow-engineering-group.example",
            "harlow-engineering.example"
        ));
        assert!(lookalike_of(
            "huber-holzbau-gmbh.example",
            "huber-holzbau.example"
        ));
        assert!(lookalike_of(
            "harrnon-legal.example",
            "harmon-legal.example"
        ));
        // The same domain, two domains of one free mail service, a short name with a word
        // added, unrelated names: no look-alike.
        assert!(!lookalike_of("acme.example", "acme.example"));
        assert!(!lookalike_of("outlook.de", "outlook.com"));
        assert!(!lookalike_of("abc-shop.example", "abc.example"));
        assert!(!lookalike_of(
            "harlowengineering.example",
            "brenner-metall.example"
        ));
        assert_eq!(
            words("\"Cabinet Moreau\" <cabinet.moreau.compta@gmail.com>"),
            [
                "cabinet", "moreau", "cabinet", "moreau", "compta", "gmail", "com"
            ]
        );
        assert_eq!(words("Marek Zieli\u{144}ski"), ["marek", "zieli\u{144}ski"]);
    }
}
