//! ARC chain validation (RFC 8617 section 5.2), as a sans-IO check over pasted text.
//!
//! [`ArcMessage::new`] reads the ARC sets and does everything that needs no DNS: the structure
//! rules (instances 1..N with no gap or repeat, N at most 50, exactly one
//! ARC-Authentication-Results, ARC-Message-Signature and ARC-Seal per instance, `cv=none` at
//! instance 1 and `cv=pass` above, `cv=` present and no `h=` in an ARC-Seal: sections 4.1.3 and
//! 5.2 step 3), the hashes of the data each ARC-Message-Signature (AMS) and ARC-Seal (AS)
//! signs, and the AMS body hashes when a body was pasted. [`validate`] then needs only the key
//! records and follows section 5.2's order: the newest seal's `cv=fail` ends the chain (step 2),
//! the structure (step 3), the newest AMS (step 4), the oldest AMS that still verifies
//! (`arc.oldest-pass`, steps 5-6), every AS (step 8).
//!
//! The signatures use DKIM's machinery ([`crate::checks::dkim`]): the same header
//! canonicalization and selection (RFC 6376 3.7), key lookup and RSA / ed25519 verification.
//! Per section 5.1.1 the AS covers the ARC sets in instance order, each set as AAR, AMS, AS, with
//! relaxed header canonicalization and the newest AS's `b=` emptied.

use crate::checks::dkim::canon::{self, Canon};
use crate::checks::dkim::{self, Check, KeyCheck};
use crate::dns::{Answers, Question, Step};
use crate::parse::input::{Field, Normalized};
use crate::parse::recorded::tag;
use crate::vocab::text::clip;
use serde::{Deserialize, Serialize};

/// The most ARC sets a chain may have (RFC 8617 4.2.1).
pub const MAX_INSTANCES: u32 = 50;
/// The most distinct keys one chain may make the analysis look up.
pub const MAX_KEYS: usize = 16;

/// The chain's validation status (RFC 8617 4.4, `cv=` words), or none without ARC fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ArcResult {
    /// Every rule holds and every signature checked verifies.
    Pass,
    /// The chain is broken; [`ArcValidation::broken`] says where and why.
    Fail,
    /// A key could not be fetched, or a signature uses an algorithm this build does not verify:
    /// could not check.
    Temperror,
}

/// Where and why a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ArcBreak {
    /// A short code: `instance-out-of-range`, `newest-cv-fail`, `duplicate-instance`,
    /// `instance-gap`, `missing-aar`, `missing-ams`, `missing-as`, `no-cv`, `cv-pass-first`,
    /// `cv-none-not-first`, `as-h-tag`, `ams-fail`, `as-fail`.
    pub code: String,
    /// The instance at fault.
    pub instance: u32,
    /// What it means, in plain words.
    pub message: String,
}

/// One ARC set as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ArcSetCheck {
    /// The instance `i=`.
    pub instance: u32,
    /// The sealer, ARC-Seal `d=`.
    pub sealer: Option<String>,
    /// The chain status the sealer recorded, `cv=`.
    pub cv: Option<String>,
    /// The results this sealer recorded before forwarding (ARC-Authentication-Results),
    /// `method=result` in its order.
    pub results: Vec<String>,
    /// The ARC-Message-Signature.
    pub message_signature: Check,
    /// The ARC-Seal.
    pub seal: Check,
}

/// The validation of a message's ARC chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ArcValidation {
    /// The chain's status.
    pub result: ArcResult,
    /// The number of ARC sets (the highest instance).
    pub instances: u32,
    /// The newest sealer's domain.
    pub sealed_by: Option<String>,
    /// `arc.oldest-pass`: the instance of the oldest AMS that verifies, 0 when all do (IANA
    /// registry for RFC 8617); None when the chain fails before step 5.
    pub oldest_pass: Option<u32>,
    /// Where the chain breaks, when it fails.
    pub broken: Option<ArcBreak>,
    /// The sets, oldest first.
    pub sets: Vec<ArcSetCheck>,
    /// Whether the AMS body hashes were checked (a body was pasted).
    pub body_checked: bool,
    /// The outcome in one or two sentences.
    pub summary: String,
}

/// A signature prepared for its key: what it signs, hashed.
#[derive(Debug, Clone)]
struct Prepared {
    domain: String,
    selector: String,
    algorithm: String,
    data_hash: Vec<u8>,
    signature: Vec<u8>,
    /// For an AMS: whether the body hash matched (None when not pasted).
    body: Option<bool>,
    /// Why it cannot be checked at all (malformed).
    unusable: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct Set<'a> {
    instance: u32,
    aar: Vec<&'a Field>,
    ams: Vec<&'a Field>,
    seal: Vec<&'a Field>,
}

/// A message's ARC fields, read and hashed; see the module documentation.
#[derive(Debug, Clone)]
pub struct ArcMessage {
    /// None: the message has no ARC field.
    sets: Option<Vec<SetFacts>>,
    /// The first structural break (section 5.2 steps 1-3 and 4.1.3).
    structure: Option<ArcBreak>,
    body_checked: bool,
}

#[derive(Debug, Clone)]
struct SetFacts {
    instance: u32,
    sealer: Option<String>,
    cv: Option<String>,
    results: Vec<String>,
    ams: Option<Prepared>,
    seal: Option<Prepared>,
}

fn is(field: &Field, name: &str) -> bool {
    field.name.eq_ignore_ascii_case(name)
}

fn broken(code: &str, instance: u32, message: String) -> Option<ArcBreak> {
    Some(ArcBreak {
        code: code.into(),
        instance,
        message,
    })
}

/// A tag's value with folding white space removed.
fn tag_compact(value: &str, name: &str) -> Option<String> {
    tag(value, name).map(|v| v.chars().filter(|c| !c.is_whitespace()).collect())
}

fn prepare(field: &Field, signed: &[u8], body: Option<bool>) -> Prepared {
    let value = clip(&field.value, 16 * 1024);
    let algorithm = tag_compact(value, "a")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let hash = match algorithm.as_str() {
        "rsa-sha1" => dkim::rsa::Hash::Sha1,
        _ => dkim::rsa::Hash::Sha256,
    };
    let signature = tag(value, "b").and_then(dkim::base64);
    let domain = tag_compact(value, "d")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let selector = tag_compact(value, "s").unwrap_or_default();
    let unusable = if domain.is_empty() || selector.is_empty() {
        Some("it has no d= or s=".to_string())
    } else if signature.as_ref().is_none_or(|s| s.is_empty()) {
        Some("its b= cannot be read".to_string())
    } else {
        None
    };
    Prepared {
        domain,
        selector,
        algorithm,
        data_hash: dkim::digest(hash, signed),
        signature: signature.unwrap_or_default(),
        body,
        unusable,
    }
}

impl ArcMessage {
    /// Reads and hashes the ARC sets of a pasted message.
    pub fn new(message: &Normalized) -> ArcMessage {
        let fields = &message.fields;
        let mut sets: Vec<Set<'_>> = Vec::new();
        let mut structure: Option<ArcBreak> = None;
        let mut any = false;
        for field in fields {
            let kind = if is(field, "ARC-Seal") {
                0
            } else if is(field, "ARC-Message-Signature") {
                1
            } else if is(field, "ARC-Authentication-Results") {
                2
            } else {
                continue;
            };
            any = true;
            let instance = tag_compact(&field.value, "i").and_then(|i| i.parse::<u32>().ok());
            let Some(instance) = instance.filter(|i| (1..=MAX_INSTANCES).contains(i)) else {
                if structure.is_none() {
                    let shown = tag_compact(&field.value, "i").unwrap_or_else(|| "?".into());
                    structure = broken(
                        "instance-out-of-range",
                        shown.parse().unwrap_or(0),
                        format!(
                            "The {} at line {} has instance i={}, outside 1 to {MAX_INSTANCES} (RFC 8617 4.2.1): the chain is invalid.",
                            field.name,
                            field.line,
                            clip(&shown, 12)
                        ),
                    );
                }
                continue;
            };
            let set = match sets.iter().position(|s| s.instance == instance) {
                Some(i) => &mut sets[i],
                None => {
                    sets.push(Set {
                        instance,
                        ..Set::default()
                    });
                    let last = sets.len() - 1;
                    &mut sets[last]
                }
            };
            match kind {
                0 => set.seal.push(field),
                1 => set.ams.push(field),
                _ => set.aar.push(field),
            }
        }
        if !any {
            return ArcMessage {
                sets: None,
                structure: None,
                body_checked: false,
            };
        }
        crate::vocab::sort::sort_by_key(&mut sets, |s| s.instance);
        let newest = sets.last().map_or(0, |s| s.instance);
        // Step 2: the newest seal's cv=fail ends the chain.
        if structure.is_none()
            && let Some(seal) = sets.last().and_then(|s| s.seal.first())
            && tag_compact(&seal.value, "cv").is_some_and(|cv| cv.eq_ignore_ascii_case("fail"))
        {
            structure = broken(
                "newest-cv-fail",
                newest,
                format!(
                    "The newest sealer ({}, instance {newest}) found the chain already broken when the message reached it (cv=fail): the chain ends there and no later check can repair it.",
                    tag_compact(&seal.value, "d").unwrap_or_else(|| "?".into())
                ),
            );
        }
        // Step 3 and 4.1.3: structure, lowest instance first.
        for (expected, set) in (1u32..).zip(sets.iter()) {
            if structure.is_some() {
                break;
            }
            let i = set.instance;
            if i != expected {
                structure = broken(
                    "instance-gap",
                    i,
                    format!(
                        "Instance {i} follows instance {}: instance {expected} is missing, so the chain is incomplete (RFC 8617 5.2 step 3).",
                        expected - 1
                    ),
                );
                break;
            }
            let counts = [
                (set.aar.len(), "ARC-Authentication-Results", "missing-aar"),
                (set.ams.len(), "ARC-Message-Signature", "missing-ams"),
                (set.seal.len(), "ARC-Seal", "missing-as"),
            ];
            if let Some((_, name, _)) = counts.iter().find(|(n, _, _)| *n > 1) {
                structure = broken(
                    "duplicate-instance",
                    i,
                    format!(
                        "Instance {i} has more than one {name}: each instance must have exactly one of each field (RFC 8617 5.2 step 3)."
                    ),
                );
                break;
            }
            if let Some((_, name, code)) = counts.iter().find(|(n, _, _)| *n == 0) {
                structure = broken(
                    code,
                    i,
                    format!(
                        "Instance {i} has no {name}: an ARC set is three fields, and this one is incomplete (RFC 8617 5.2 step 3)."
                    ),
                );
                break;
            }
            let seal = set.seal[0];
            let cv = tag_compact(&seal.value, "cv").map(|c| c.to_ascii_lowercase());
            let rule = match (i, cv.as_deref()) {
                (_, None) => Some((
                    "no-cv",
                    format!(
                        "The ARC-Seal of instance {i} has no cv= tag, which every seal must carry (RFC 8617 4.1.3)."
                    ),
                )),
                (1, Some(cv)) if cv != "none" => Some((
                    "cv-pass-first",
                    format!(
                        "The ARC-Seal of instance 1 says cv={}, but the first sealer had no chain to judge: it must say cv=none (RFC 8617 5.2 step 3).",
                        clip(cv, 12)
                    ),
                )),
                (n, Some("none")) if n > 1 => Some((
                    "cv-none-not-first",
                    format!(
                        "The ARC-Seal of instance {n} says cv=none, which only instance 1 may say: a later sealer must have found the chain valid (cv=pass) (RFC 8617 5.2 step 3)."
                    ),
                )),
                (n, Some(cv)) if n > 1 && cv != "pass" && cv != "fail" => Some((
                    "cv-none-not-first",
                    format!(
                        "The ARC-Seal of instance {n} says cv={}, which is not a chain status (RFC 8617 4.4).",
                        clip(cv, 12)
                    ),
                )),
                _ => None,
            };
            if let Some((code, message)) = rule {
                structure = broken(code, i, message);
                break;
            }
            if tag(&seal.value, "h").is_some() {
                structure = broken(
                    "as-h-tag",
                    i,
                    format!(
                        "The ARC-Seal of instance {i} carries an h= tag, which RFC 8617 4.1.3 forbids in a seal (it must make the chain fail)."
                    ),
                );
                break;
            }
        }
        if sets.len() as u32 > MAX_INSTANCES && structure.is_none() {
            structure = broken(
                "instance-out-of-range",
                newest,
                format!(
                    "The chain has {} sets; RFC 8617 allows at most {MAX_INSTANCES}.",
                    sets.len()
                ),
            );
        }
        // The hashes, for sets that have their fields.
        let mut facts = Vec::new();
        let mut body_checked = false;
        let mut seal_data: Vec<u8> = Vec::new();
        for set in &sets {
            let seal = set.seal.first().copied();
            let ams = set.ams.first().copied();
            let aar = set.aar.first().copied();
            let results = aar
                .map(|f| {
                    let value = f.value.split_once(';').map_or("", |(_, rest)| rest);
                    crate::parse::authres::parse(value)
                        .results
                        .iter()
                        .take(16)
                        .map(|r| format!("{}={}", r.method, r.result))
                        .collect()
                })
                .unwrap_or_default();
            let ams_prepared = ams.map(|f| {
                let value = clip(&f.value, 16 * 1024);
                let (hc, bc) = match tag_compact(value, "c") {
                    Some(c) => match c.split_once('/') {
                        Some((h, b)) => (h.to_string(), b.to_string()),
                        None => (c.clone(), "simple".into()),
                    },
                    None => ("simple".into(), "simple".into()),
                };
                let header_canon = Canon::parse(&hc).unwrap_or(Canon::Simple);
                let names: Vec<String> = tag_compact(value, "h")
                    .unwrap_or_default()
                    .split(':')
                    .filter(|n| !n.is_empty())
                    .take(64)
                    .map(str::to_string)
                    .collect();
                let data = dkim::signed_data(fields, &names, f, header_canon);
                let body = match (message.body.as_deref(), Canon::parse(&bc)) {
                    (Some(text), Some(body_canon)) => {
                        body_checked = true;
                        let limit = tag_compact(value, "l").and_then(|l| l.parse().ok());
                        let hash = if tag_compact(value, "a").as_deref() == Some("rsa-sha1") {
                            dkim::rsa::Hash::Sha1
                        } else {
                            dkim::rsa::Hash::Sha256
                        };
                        let want = tag(value, "bh").and_then(dkim::base64);
                        Some(want == Some(dkim::body_hash(text, body_canon, limit, hash).0))
                    }
                    _ => None,
                };
                prepare(f, &data, body)
            });
            // The seal covers every set up to its own: AAR, AMS, AS; its own b= emptied.
            let seal_prepared = match (aar, ams, seal) {
                (Some(aar), Some(ams), Some(seal)) => {
                    canon::header(&dkim::raw(aar), Canon::Relaxed, &mut seal_data, false);
                    canon::header(&dkim::raw(ams), Canon::Relaxed, &mut seal_data, false);
                    let mut data = seal_data.clone();
                    canon::header(
                        &canon::without_b(&dkim::raw(seal)),
                        Canon::Relaxed,
                        &mut data,
                        true,
                    );
                    canon::header(&dkim::raw(seal), Canon::Relaxed, &mut seal_data, false);
                    Some(prepare(seal, &data, None))
                }
                _ => None,
            };
            facts.push(SetFacts {
                instance: set.instance,
                sealer: seal
                    .and_then(|s| tag_compact(&s.value, "d"))
                    .map(|d| d.to_ascii_lowercase()),
                cv: seal
                    .and_then(|s| tag_compact(&s.value, "cv"))
                    .map(|c| c.to_ascii_lowercase()),
                results,
                ams: ams_prepared,
                seal: seal_prepared,
            });
        }
        ArcMessage {
            sets: Some(facts),
            structure,
            body_checked,
        }
    }

    /// Whether the message has ARC fields at all.
    pub fn is_empty(&self) -> bool {
        self.sets.is_none()
    }

    /// Every key question the validation may ask, in one round.
    pub fn questions(&self) -> Vec<Question> {
        let mut out: Vec<Question> = Vec::new();
        for set in self.sets.iter().flatten() {
            for p in set.ams.iter().chain(set.seal.iter()) {
                if p.unusable.is_none() {
                    let q = Question::new(
                        &format!("{}._domainkey.{}", p.selector, p.domain),
                        crate::dns::RecordType::Txt,
                    );
                    if !out.contains(&q) {
                        out.push(q);
                    }
                }
            }
        }
        out
    }
}

/// The verdict on one prepared signature.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Verified,
    /// The signature verifies but the pasted body is not the one signed.
    BodyDiffers,
    /// The signature does not verify with the sealer's key.
    Invalid(String),
    /// No usable key (removed, rotated, malformed) or a malformed signature.
    NoKey(String),
    /// The key could not be fetched: could not check.
    Temperror(String),
}

impl Verdict {
    fn check(&self) -> Check {
        match self {
            Verdict::Verified => Check::Verified,
            Verdict::Temperror(why) => Check::NotChecked {
                reason: clip(why, 200).to_string(),
            },
            _ => Check::Failed,
        }
    }

    /// Why it failed, in words that claim no more than was seen.
    fn why(&self) -> String {
        match self {
            Verdict::Verified => String::new(),
            Verdict::BodyDiffers => "the body is not the one it signed (body hash): the message was changed after it was sealed".into(),
            Verdict::Invalid(why) => format!("{why}: what it signed was changed after sealing"),
            Verdict::NoKey(why) => format!("{why}; sealers replace their keys from time to time, so an older message can show this even if the chain was valid on delivery"),
            Verdict::Temperror(why) => why.clone(),
        }
    }
}

fn check(p: &Prepared, answers: &dyn Answers) -> Step<Verdict> {
    if let Some(why) = &p.unusable {
        return Step::Done(Verdict::NoKey(format!(
            "the signature is malformed ({why})"
        )));
    }
    let step = dkim::check_with_key(
        &p.domain,
        &p.selector,
        &p.algorithm,
        &p.data_hash,
        &p.signature,
        answers,
    );
    let verdict = match step {
        Step::Need(q) => return Step::Need(q),
        Step::Verify(v) => return Step::Verify(v),
        Step::Done(v) => v,
    };
    Step::Done(match verdict {
        KeyCheck::Valid if p.body == Some(false) => Verdict::BodyDiffers,
        KeyCheck::Valid => Verdict::Verified,
        KeyCheck::Invalid(why) => Verdict::Invalid(why),
        KeyCheck::NoKey(why) => Verdict::NoKey(why),
        KeyCheck::Temperror(why) => Verdict::Temperror(why),
    })
}

/// Validates the chain (RFC 8617 5.2); None when the message has no ARC field.
pub fn validate(message: &ArcMessage, answers: &dyn Answers) -> Step<Option<ArcValidation>> {
    let Some(facts) = &message.sets else {
        return Step::Done(None);
    };
    let keys = message.questions().len();
    // Every signature's verdict, asked in one round; none when the structure already broke
    // the chain (no key is needed to say so), and none beyond a bound on distinct keys.
    let skip = message.structure.is_some() || keys > MAX_KEYS;
    let mut need = Vec::new();
    let mut verify = Vec::new();
    let mut verdicts: Vec<(Option<Verdict>, Option<Verdict>)> = Vec::new();
    for set in facts {
        let mut one = |p: &Option<Prepared>| {
            let mut asked = Vec::new();
            let v = p
                .as_ref()
                .filter(|_| !skip)
                .and_then(|p| check(p, answers).done_or_ask(&mut asked, &mut verify));
            for q in asked {
                if !need.contains(&q) {
                    need.push(q);
                }
            }
            v
        };
        let ams = one(&set.ams);
        let seal = one(&set.seal);
        verdicts.push((ams, seal));
    }
    if !need.is_empty() {
        return Step::Need(need);
    }
    if !verify.is_empty() {
        return Step::Verify(verify);
    }
    let not_checked = if message.structure.is_some() {
        "the chain is already broken"
    } else {
        "missing or not looked up"
    };
    let sets: Vec<ArcSetCheck> = facts
        .iter()
        .zip(&verdicts)
        .map(|(f, (ams, seal))| ArcSetCheck {
            instance: f.instance,
            sealer: f.sealer.clone(),
            cv: f.cv.clone(),
            results: f.results.clone(),
            message_signature: ams.as_ref().map_or(
                Check::NotChecked {
                    reason: not_checked.into(),
                },
                Verdict::check,
            ),
            seal: seal.as_ref().map_or(
                Check::NotChecked {
                    reason: not_checked.into(),
                },
                Verdict::check,
            ),
        })
        .collect();
    let instances = facts.last().map_or(0, |s| s.instance);
    let sealed_by = facts.last().and_then(|s| s.sealer.clone());
    let mut out = ArcValidation {
        result: ArcResult::Fail,
        instances,
        sealed_by: sealed_by.clone(),
        oldest_pass: None,
        broken: message.structure.clone(),
        sets,
        body_checked: message.body_checked,
        summary: String::new(),
    };
    if out.broken.is_none() && keys > MAX_KEYS {
        out.result = ArcResult::Temperror;
        out.summary = format!(
            "The ARC chain was not checked: its seals name {keys} different keys, and at most {MAX_KEYS} are looked up."
        );
        return Step::Done(Some(out));
    }
    if out.broken.is_none() {
        let temperror = verdicts.iter().find_map(|(a, s)| {
            [a, s].into_iter().flatten().find_map(|v| match v {
                Verdict::Temperror(why) => Some(why.clone()),
                _ => None,
            })
        });
        // Step 4: the newest AMS.
        let newest = verdicts.last().and_then(|v| v.0.clone());
        if let Some(why) = temperror {
            out.result = ArcResult::Temperror;
            out.summary = format!(
                "The ARC chain could not be checked: {why}. This means \"could not check\", not a broken chain."
            );
            return Step::Done(Some(out));
        }
        if let Some(v) = newest.filter(|v| *v != Verdict::Verified) {
            out.broken = broken(
                "ams-fail",
                instances,
                format!(
                    "The newest ARC-Message-Signature (instance {instances}, {}) does not verify: {}.",
                    sealed_by.as_deref().unwrap_or("?"),
                    v.why()
                ),
            );
        } else {
            // Steps 5-6: the oldest AMS that still verifies.
            let mut oldest = 0;
            for (i, (ams, _)) in verdicts.iter().enumerate().rev().skip(1) {
                if ams.as_ref() != Some(&Verdict::Verified) {
                    oldest = i as u32 + 2;
                    break;
                }
            }
            out.oldest_pass = Some(oldest);
            // Step 8: every seal, newest first.
            for (set, (_, seal)) in facts.iter().zip(&verdicts).rev() {
                if let Some(v) = seal.as_ref().filter(|v| **v != Verdict::Verified) {
                    out.broken = broken(
                        "as-fail",
                        set.instance,
                        format!(
                            "The ARC-Seal of instance {} ({}) does not verify: {}.",
                            set.instance,
                            set.sealer.as_deref().unwrap_or("?"),
                            v.why()
                        ),
                    );
                    break;
                }
            }
        }
    }
    if let Some(b) = &out.broken {
        out.result = ArcResult::Fail;
        out.oldest_pass = None;
        out.summary = format!(
            "The ARC chain is broken at instance {}: {}",
            b.instance, b.message
        );
    } else {
        out.result = ArcResult::Pass;
        let first = out.sets.first();
        let recorded = first
            .filter(|s| !s.results.is_empty())
            .map(|s| {
                format!(
                    " {} recorded {} before forwarding.",
                    s.sealer.as_deref().unwrap_or("The first sealer"),
                    s.results.join(", ")
                )
            })
            .unwrap_or_default();
        let body = if out.body_checked {
            ""
        } else {
            " (The body was not pasted, so the body hashes were not checked.)"
        };
        out.summary = format!(
            "The ARC chain is valid: {} set(s), sealed last by {}.{recorded}{body}",
            out.instances,
            sealed_by.as_deref().unwrap_or("?")
        );
    }
    Step::Done(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::zone::MemoryResolver;

    fn run(text: &str) -> Option<ArcValidation> {
        let m = ArcMessage::new(&crate::parse::input::normalize(text.as_bytes()));
        crate::dns::evaluate(&MemoryResolver::new(), 1000, 100, |a| validate(&m, a))
            .0
            .unwrap()
    }

    #[test]
    fn no_arc_fields_no_validation() {
        assert_eq!(run("From: a@b.example\nSubject: x\n\nbody\n"), None);
    }

    #[test]
    fn hostile_chains_end_in_a_verdict_without_asking_many_keys() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&format!(
                "ARC-Seal: i={}; cv=pass; a=rsa-sha256; d=d{i}.example; s=s{i}; b=AAAA\n",
                i % 60
            ));
            text.push_str(&format!(
                "ARC-Message-Signature: i={}; a=rsa-sha256; d=e{i}.example; s=s; h=from:from:from; bh=x; b=\n",
                i % 60
            ));
        }
        text.push_str("ARC-Authentication-Results: i=\u{0}; x\nFrom: a@b.example\n\n");
        let m = ArcMessage::new(&crate::parse::input::normalize(text.as_bytes()));
        let v = run(&text).unwrap();
        assert_eq!(v.result, ArcResult::Fail);
        // Broken by structure: no key was needed, so none was asked.
        let asked = crate::dns::evaluate(&MemoryResolver::new(), 1000, 100, |a| validate(&m, a)).1;
        assert!(asked.is_empty(), "{} questions", asked.len());
    }

    #[test]
    fn a_missing_key_is_not_called_tampering() {
        let text = "ARC-Seal: i=1; cv=none; a=rsa-sha256; d=gone.example; s=old; t=1; b=AAAA\nARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=gone.example; s=old; h=from; bh=AAAA; b=AAAA\nARC-Authentication-Results: i=1; mx.gone.example; spf=pass smtp.mailfrom=a@b.example\nFrom: a@b.example\n";
        let v = run(text).unwrap();
        assert_eq!(v.result, ArcResult::Fail);
        let b = v.broken.unwrap();
        assert_eq!(b.code, "ams-fail");
        assert!(b.message.contains("no key is published"), "{}", b.message);
        assert!(!b.message.contains("changed after"), "{}", b.message);
        assert_eq!(v.sets[0].results, vec!["spf=pass".to_string()]);
    }
}
