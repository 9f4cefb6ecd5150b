//! mail-auth (Stalwart's) as an independent second opinion on our ARC validator
//! (src/checks/arc.rs, RFC 8617): every fixture in tests/arc/ goes through mail-auth's
//! `MessageAuthenticator::verify_arc` and through ours (the path tests/native/arc_fixtures.rs
//! uses), and the chain results (pass, fail, none) are compared. For chains both pass, the number
//! of sets and the newest sealer are compared too.
//!
//! No network: mail-auth takes DNS answers from a `DnsCache` it is given (`Parameters::with_cache`)
//! before it asks its resolver (`verify_arc` looks up the newest AMS's key and every seal's, at
//! `s._domainkey.d`). The cache here is preloaded with every `_domainkey` TXT record of
//! tests/zones/dkim.zone, parsed by mail-auth's own `DomainKey::parse`; before the call the test
//! checks that every key the message's ARC fields name is there, and the cache counts any miss.
//! The future is polled once, with a no-op waker and no async runtime: on preloaded keys it
//! finishes on that poll (a lookup past the cache would need a Tokio runtime, and would panic).
//! The resolver's endpoint is a closed loopback port all the same.
//!
//! Where the two differ, RFC 8617 decides: a difference where ours is right is listed in
//! `EXPECTED_DIFFERENCES` with the RFC reason. A new difference, or a listed one that goes away,
//! fails the test.

use super::support::expect_files;
use mail_auth::dkim::DomainKey;
use mail_auth::dns::TxtRecordParser;
use mail_auth::{
    AuthenticatedMessage, DkimResult, DnsCache, MessageAuthenticator, NoCache, Parameters,
    ResolverCache, TxtRecord,
};
use mailtrace::checks::arc::{ArcMessage, ArcResult, validate};
use mailtrace::dns::evaluate_verified;
use mailtrace::dns::zone::MemoryResolver;
use mailtrace::driver::verify::NativeVerifier;
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::path::Path;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

/// Fixtures where mail-auth 0.15.1 and we reach different chain results: (fixture, ours,
/// mail-auth's, why ours is the one RFC 8617 asks for). All five are mail-auth's `neutral`, a
/// result RFC 8617 does not have: the chain validation status is none, fail or pass (section
/// 4.4), and every rule broken below makes it fail. mail-auth gives neutral when any ARC field
/// does not parse (then it checks nothing else) and when the newest AMS's body hash or expiry
/// fails, as it does for DKIM.
const EXPECTED_DIFFERENCES: &[(&str, &str, &str, &str)] = &[
    (
        "ams-fail",
        "fail",
        "neutral",
        "the newest AMS's body hash does not match; RFC 8617 5.2 step 4: if the newest AMS fails \
         to validate, the chain validation status is fail",
    ),
    (
        "as-h-tag",
        "fail",
        "neutral",
        "mail-auth's ARC-Seal parser refuses h=; RFC 8617 4.1.3: h= in an ARC-Seal is not \
         allowed and, if found, MUST result in a cv status of fail",
    ),
    (
        "instance-51",
        "fail",
        "neutral",
        "mail-auth's parser refuses i=51 before its own more-than-50 check (which says fail) is \
         reached; RFC 8617 4.2.1: i= is 1 to 50, and 5.2 step 1: more than 50 sets is fail",
    ),
    (
        "instance-zero",
        "fail",
        "neutral",
        "mail-auth's parser refuses i=0; RFC 8617 4.2.1: i= is 1 to 50, and 5.2 step 3: \
         instances must run 1..N, else fail",
    ),
    (
        "no-cv",
        "fail",
        "neutral",
        "mail-auth's ARC-Seal parser refuses a seal without cv=; RFC 8617 4.1.3 requires cv= and \
         5.2 step 3 checks every seal's cv=, else fail",
    ),
];

/// The TXT answers mail-auth may use, and how many lookups were not among them.
struct Keys {
    txt: HashMap<Box<str>, TxtRecord>,
    missed: Mutex<usize>,
}

impl ResolverCache<Box<str>, TxtRecord> for Keys {
    fn get<Q>(&self, name: &Q) -> Option<TxtRecord>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hit = self.txt.get(name).cloned();
        if hit.is_none() {
            *self.missed.lock().unwrap() += 1;
        }
        hit
    }

    fn remove<Q>(&self, _: &Q) -> Option<TxtRecord>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        None
    }

    fn insert(&self, _: Box<str>, _: TxtRecord, _: Instant) {
        // Only an answer from the resolver is inserted, and every lookup must hit the preload.
        *self.missed.lock().unwrap() += 1;
    }
}

impl DnsCache for Keys {
    type Txt = Keys;
    type Mx = NoCache;
    type Ipv4 = NoCache;
    type Ipv6 = NoCache;
    type Ptr = NoCache;

    fn txt(&self) -> Option<&Self::Txt> {
        Some(self)
    }
    fn mx(&self) -> Option<&Self::Mx> {
        None
    }
    fn ipv4(&self) -> Option<&Self::Ipv4> {
        None
    }
    fn ipv6(&self) -> Option<&Self::Ipv6> {
        None
    }
    fn ptr(&self) -> Option<&Self::Ptr> {
        None
    }
}

/// Every `_domainkey` TXT record of tests/zones/dkim.zone, parsed by mail-auth, keyed as
/// mail-auth looks them up (lowercase, trailing dot).
fn preload(zone_text: &str, zone: &MemoryResolver) -> Keys {
    let mut txt = HashMap::new();
    for line in zone_text.lines().filter(|l| l.contains(" TXT ")) {
        let name = line.split_whitespace().next().unwrap_or_default();
        if !name.contains("._domainkey.") {
            continue;
        }
        let q = mailtrace::dns::Question::new(name, mailtrace::dns::RecordType::Txt);
        let answer = mailtrace::dns::Resolver::lookup(zone, &q, 1000).unwrap();
        let record = answer.data_for(&q).iter().find_map(|d| d.txt_joined());
        let Some(record) = record else { continue };
        let fqdn = format!("{}.", name.trim_end_matches('.').to_ascii_lowercase());
        let value = match DomainKey::parse(record.as_bytes()) {
            Ok(key) => TxtRecord::from(key),
            Err(err) => TxtRecord::Error(err),
        };
        txt.insert(fqdn.into_boxed_str(), value);
    }
    Keys {
        txt,
        missed: Mutex::new(0),
    }
}

/// mail-auth's verdict: `pass`, `fail`, `none`, or its other result names (`neutral`,
/// `permerror`, `temperror`), with its reason; and for a pass, the sets and the newest sealer.
fn theirs(keys: &Keys, eml: &[u8]) -> (String, String, Option<(usize, String)>) {
    let crlf = String::from_utf8_lossy(eml)
        .replace("\r\n", "\n")
        .replace('\n', "\r\n");
    let message = AuthenticatedMessage::parse(crlf.as_bytes()).expect("mail-auth parses it");
    // Every key mail-auth can ask for (the seals' and the newest AMS's) must be preloaded: a
    // lookup past the cache would go to the resolver.
    let unloaded: Vec<String> = message
        .arc_seals()
        .iter()
        .map(|h| (&h.header.s, &h.header.d))
        .chain(
            message
                .arc_message_signatures()
                .iter()
                .map(|h| (&h.header.s, &h.header.d)),
        )
        .map(|(s, d)| format!("{s}._domainkey.{d}.").to_ascii_lowercase())
        .filter(|name| !keys.txt.contains_key(name.as_str()))
        .collect();
    assert!(
        unloaded.is_empty(),
        "keys not in tests/zones/dkim.zone: {unloaded:?}"
    );
    // No resolver is reached (see the module doc).
    let authenticator = MessageAuthenticator::new_doh("http://127.0.0.1:9/dns-query");
    let future = authenticator.verify_arc(Parameters::new(&message).with_cache(keys));
    let mut future = std::pin::pin!(future);
    let Poll::Ready(output) = future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    else {
        panic!("mail-auth did not finish on the preloaded keys");
    };
    let (result, reason) = match output.result() {
        DkimResult::Pass => ("pass", String::new()),
        DkimResult::None => ("none", String::new()),
        DkimResult::Fail(e) => ("fail", e.to_string()),
        DkimResult::Neutral(e) => ("neutral", e.to_string()),
        DkimResult::PermError(e) => ("permerror", e.to_string()),
        DkimResult::TempError(e) => ("temperror", e.to_string()),
    };
    let chain = (result == "pass").then(|| {
        let newest = output.chain().last().map(|l| l.seal.header.d.clone());
        (output.chain().len(), newest.unwrap_or_default())
    });
    (result.to_string(), reason, chain)
}

/// Our verdict, read as `theirs` reads mail-auth's: the result, where the chain broke, and for
/// a pass the sets and the newest sealer. Through the path tests/native/arc_fixtures.rs takes.
fn ours(resolver: &MemoryResolver, eml: &[u8]) -> (String, String, Option<(usize, String)>) {
    let normalized = mailtrace::parse::input::normalize(eml);
    let arc = ArcMessage::new(&normalized);
    let v = evaluate_verified(resolver, &NativeVerifier, 1000, 50, |a| validate(&arc, a))
        .0
        .expect("finishes with fixed answers");
    let Some(v) = v else {
        return ("none".into(), String::new(), None);
    };
    let result = match v.result {
        ArcResult::Pass => "pass",
        ArcResult::Fail => "fail",
        ArcResult::Temperror => "temperror",
    };
    let why = v
        .broken
        .as_ref()
        .map_or(String::new(), |b| format!("{} @{}", b.code, b.instance));
    let chain = (v.result == ArcResult::Pass).then(|| {
        (
            v.instances as usize,
            v.sealed_by.clone().unwrap_or_default(),
        )
    });
    (result.into(), why, chain)
}

/// The message without its ARC-* fields (and their continuation lines).
fn without_arc(eml: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(eml);
    let (head, body) = text.split_once("\n\n").expect("a header and a body");
    let mut out = String::new();
    let mut dropping = false;
    for line in head.lines() {
        if !line.starts_with([' ', '\t']) {
            dropping = line.to_ascii_lowercase().starts_with("arc-");
        }
        if !dropping {
            out.push_str(line);
            out.push('\n');
        }
    }
    format!("{out}\n{body}").into_bytes()
}

#[test]
fn arc_verdicts_agree_with_mail_auth() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let zone_text = std::fs::read_to_string(root.join("tests/zones/dkim.zone")).unwrap();
    let resolver = MemoryResolver::from_zone(&zone_text).unwrap();
    let keys = preload(&zone_text, &resolver);
    let names = expect_files(&root.join("tests/arc"));
    let (mut agree, mut problems, mut listed_seen) = (0, Vec::new(), Vec::new());
    for path in &names {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let eml = std::fs::read(path.with_extension("eml")).unwrap();

        let (ours_result, ours_why, ours_chain) = ours(&resolver, &eml);
        let (their_result, their_why, their_chain) = theirs(&keys, &eml);
        eprintln!(
            "{name}: ours {ours_result} ({ours_why}) / mail-auth {their_result} ({their_why})"
        );
        let listed = EXPECTED_DIFFERENCES.iter().find(|(n, ..)| *n == name);
        if ours_result == their_result {
            if ours_chain != their_chain {
                problems.push(format!(
                    "{name}: both pass, but ours reads {ours_chain:?}, mail-auth {their_chain:?}"
                ));
            } else if listed.is_some() {
                problems.push(format!(
                    "{name}: listed as a difference, but both now say {ours_result}"
                ));
            } else {
                agree += 1;
            }
            continue;
        }
        match listed {
            Some((_, o, t, _)) if *o == ours_result && *t == their_result => {
                listed_seen.push(name.clone());
            }
            Some((_, o, t, _)) => problems.push(format!(
                "{name}: listed as ours {o} / mail-auth {t}, now ours {ours_result} ({ours_why}) / \
                 mail-auth {their_result} ({their_why})"
            )),
            None => problems.push(format!(
                "{name}: ours {ours_result} ({ours_why}), mail-auth {their_result} ({their_why}): \
                 not in EXPECTED_DIFFERENCES"
            )),
        }
    }
    for (n, ..) in EXPECTED_DIFFERENCES {
        if !names.iter().any(|p| p.file_stem().is_some_and(|s| s == *n)) {
            problems.push(format!("{n}: listed, but there is no tests/arc/{n}.expect"));
        }
    }
    println!(
        "ARC cross-check: mail-auth agrees on {agree} of {} fixtures; {} listed differences",
        names.len(),
        listed_seen.len()
    );
    assert_eq!(names.len(), 16, "tests/arc/*.expect files");

    // The none case, which no fixture has: valid-1 with its ARC fields taken out.
    let bare = without_arc(&std::fs::read(root.join("tests/arc/valid-1.eml")).unwrap());
    assert_eq!(
        ours(&resolver, &bare).0,
        "none",
        "ours, valid-1 without ARC"
    );
    assert_eq!(
        theirs(&keys, &bare).0,
        "none",
        "mail-auth, valid-1 without ARC"
    );

    assert_eq!(
        *keys.missed.lock().unwrap(),
        0,
        "mail-auth looked up keys that were not preloaded"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
