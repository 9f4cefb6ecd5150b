//! DKIM verification (RFC 6376; RFC 8463 for ed25519-sha256; RFC 8301 for key sizes and SHA-1),
//! as a sans-IO check over pasted text.
//!
//! [`DkimMessage::new`] does the work that needs no DNS once: it reads every DKIM-Signature
//! field, canonicalizes and hashes the signed header fields, and hashes the body when one was
//! pasted. [`verify_all`] (or [`verify`] for one signature) then needs only the key records
//! (`selector._domainkey.domain` TXT, all asked in one round) and is cheap to evaluate again.
//! RSA is verified here (`rsa.rs`); an ed25519 signature is a verification the check asks the
//! driver for ([`crate::dns::verify`], [`Step::Verify`]) once its key has arrived.
//!
//! The header signature (`b=`) covers the `bh=` value as written, so it can be checked without
//! the body: a paste of the headers alone still tells whether the signed header fields are the
//! ones the domain signed. The body hash is checked only when a body was pasted.
//!
//! Paste damage: the reader turns every line ending into CRLF; what a paste cannot give back
//! (trailing spaces, tabs turned into spaces, a re-wrapped or decoded body) can break a
//! signature, which the explanations say when it may be the cause.

pub mod canon;
mod key;
pub mod rsa;

use crate::dns::verify::{SignatureAlgorithm, SignatureCheck, Verdict};
use crate::dns::{Answers, Question, Rcode, RecordType, Step};
use crate::parse::dkim_signature::{DkimSignature, parse_dkim_signature};
use crate::parse::input::Normalized;
use crate::vocab::text::clip;
use canon::Canon;
use serde::{Deserialize, Serialize};
use sha2::Digest;

/// DKIM-Signature fields verified at most; the rest are left out.
pub const MAX_SIGNATURES: usize = 16;
/// Slack before a signing time counts as being in the future, in seconds.
const FUTURE_SLACK_S: i64 = 15 * 60;

/// The result of one signature, in the words of RFC 8601 section 2.7.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DkimResult {
    /// The header signature and the body hash both verified with a usable key.
    Pass,
    /// The header signature or the body hash does not match.
    Fail,
    /// Not fully verified: the header signature is valid but the body was not pasted, or the
    /// signature has expired (x=).
    Neutral,
    /// The key could not be fetched (a DNS failure): could not check.
    Temperror,
    /// The signature or its key cannot be used: malformed, unsupported, missing, revoked.
    Permerror,
    /// It verified, but with a key too short to be accepted (under 1024 bits, RFC 8301).
    Policy,
}

/// Whether one part of a signature was checked, and how it came out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Check {
    /// Checked and correct.
    Verified,
    /// Checked and wrong.
    Failed,
    /// Not checked.
    NotChecked {
        /// Why, in a few words (for example "body not pasted").
        reason: String,
    },
}

impl Check {
    fn not(reason: &str) -> Check {
        Check::NotChecked {
            reason: reason.to_string(),
        }
    }
}

/// What the key record in DNS says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KeyFacts {
    /// `k=`, the key type (`rsa` when not written, or `ed25519`).
    pub key_type: String,
    /// The key size in bits, when the key could be read.
    pub bits: Option<u32>,
    /// `t=y`: the domain says it is testing DKIM.
    pub testing: bool,
    /// `h=`, the hash algorithms the key may be used with; None when not restricted.
    pub hashes: Option<Vec<String>>,
    /// `t=`, the flags (`y` testing, `s` no subdomains in i=).
    pub flags: Vec<String>,
    /// `s=`, the service types; None when not written (all).
    pub services: Option<Vec<String>>,
    /// The record as published (clipped to 2,048 characters).
    pub record: String,
}

/// One thing wrong or worth knowing about a signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DkimProblem {
    /// Stable code, for example `dkim.key-missing`.
    pub code: String,
    /// What it means, in plain words.
    pub message: String,
}

fn problem(code: &str, message: String) -> DkimProblem {
    DkimProblem {
        code: code.to_string(),
        message,
    }
}

/// The verification of one DKIM-Signature field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DkimOutcome {
    /// The field's first line in the paste.
    pub line: u32,
    /// `d=`, the signing domain.
    pub domain: String,
    /// `s=`, the selector.
    pub selector: String,
    /// `a=`, the algorithm.
    pub algorithm: String,
    /// The overall result.
    pub result: DkimResult,
    /// The signature over the header fields (`b=`).
    pub header_signature: Check,
    /// The body hash (`bh=`).
    pub body: Check,
    /// The key record, when one was found.
    pub key: Option<KeyFacts>,
    /// Problems and remarks, most important first.
    pub problems: Vec<DkimProblem>,
    /// One or two sentences for a support agent.
    pub summary: String,
}

/// The body hash as computed from the paste.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    NotPasted,
    Matches,
    Differs,
    /// l= is longer than the body.
    TooShort,
}

/// A signature and everything about it that needs no DNS.
#[derive(Debug, Clone)]
struct Prepared {
    sig: DkimSignature,
    /// None when the algorithm is not one this verifier has.
    hash: Option<rsa::Hash>,
    ed25519: bool,
    header_canon: Canon,
    /// The hash of the signed header data.
    header_hash: Vec<u8>,
    body: Body,
    /// The decoded b= value.
    signature: Vec<u8>,
    /// Set when the signature cannot be verified at all (permerror), with why.
    unusable: Option<DkimProblem>,
}

/// A pasted message made ready for DKIM verification.
#[derive(Debug, Clone)]
pub struct DkimMessage {
    prepared: Vec<Prepared>,
    /// DKIM-Signature fields beyond [`MAX_SIGNATURES`], not verified.
    pub left_out: usize,
}

/// Base64 with white space removed and padding optional; None if not base64.
pub(crate) fn base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const ENGINE: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    ENGINE.decode(compact).ok()
}

pub(crate) fn digest(hash: rsa::Hash, data: &[u8]) -> Vec<u8> {
    match hash {
        rsa::Hash::Sha1 => sha1::Sha1::digest(data).to_vec(),
        rsa::Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
    }
}

/// A header field's raw text: `name:value`, folded lines joined with CRLF.
pub(crate) fn raw(field: &crate::parse::input::Field) -> String {
    format!("{}:{}", field.name, field.value.replace('\n', "\r\n"))
}

/// The hash of the canonical body (at most `limit` bytes) and the canonical body's length.
pub(crate) fn body_hash(
    body: &str,
    canon: Canon,
    limit: Option<u64>,
    hash: rsa::Hash,
) -> (Vec<u8>, u64) {
    match hash {
        rsa::Hash::Sha1 => {
            let mut h = sha1::Sha1::new();
            let len = canon::body(body, canon, limit, &mut |b| h.update(b));
            (h.finalize().to_vec(), len)
        }
        rsa::Hash::Sha256 => {
            let mut h = sha2::Sha256::new();
            let len = canon::body(body, canon, limit, &mut |b| h.update(b));
            (h.finalize().to_vec(), len)
        }
    }
}

/// What a signature field signs (RFC 6376 5.4 and 3.7): the header fields named in `names`, each
/// taken bottom-up (a name with no instance left adds nothing: over-signing), then the signing
/// field itself with b= emptied and without its CRLF, all canonicalized with `canon`. ARC's
/// message signatures sign the same way (RFC 8617 4.1.2).
pub(crate) fn signed_data(
    fields: &[crate::parse::input::Field],
    names: &[String],
    signing: &crate::parse::input::Field,
    canon: Canon,
) -> Vec<u8> {
    let mut data = Vec::new();
    let mut used = vec![false; fields.len()];
    for name in names {
        let found = fields
            .iter()
            .enumerate()
            .rev()
            .find(|(j, f)| !used.get(*j).copied().unwrap_or(true) && f.is(name));
        if let Some((j, f)) = found {
            if let Some(u) = used.get_mut(j) {
                *u = true;
            }
            canon::header(&raw(f), canon, &mut data, false);
        }
    }
    canon::header(&canon::without_b(&raw(signing)), canon, &mut data, true);
    data
}

type BodyKey = (Canon, Option<u64>, rsa::Hash);

impl DkimMessage {
    /// Prepares every DKIM-Signature field of a pasted message (at most [`MAX_SIGNATURES`]).
    pub fn new(message: &Normalized) -> DkimMessage {
        let fields = &message.fields;
        let mut prepared = Vec::new();
        let mut left_out = 0;
        let mut bodies: Vec<(BodyKey, (Vec<u8>, u64))> = Vec::new();
        for field in fields.iter().filter(|f| f.is("DKIM-Signature")) {
            if prepared.len() >= MAX_SIGNATURES {
                left_out += 1;
                continue;
            }
            let sig = parse_dkim_signature(clip(&field.value, 16 * 1024), field.line);
            let mut p = Prepared {
                hash: None,
                ed25519: false,
                header_canon: Canon::parse(&sig.header_canon).unwrap_or(Canon::Simple),
                header_hash: Vec::new(),
                body: Body::NotPasted,
                signature: Vec::new(),
                unusable: None,
                sig,
            };
            let (hash, ed25519) = match p.sig.algorithm.as_deref() {
                Some("rsa-sha256") => (Some(rsa::Hash::Sha256), false),
                Some("rsa-sha1") => (Some(rsa::Hash::Sha1), false),
                Some("ed25519-sha256") => (Some(rsa::Hash::Sha256), true),
                _ => (None, false),
            };
            p.hash = hash;
            p.ed25519 = ed25519;
            let body_canon = Canon::parse(&p.sig.body_canon);
            if !p.sig.syntax_errors.is_empty() {
                let errors: Vec<&str> = p
                    .sig
                    .syntax_errors
                    .iter()
                    .take(3)
                    .map(|s| s.as_str())
                    .collect();
                p.unusable = Some(problem(
                    "dkim.syntax",
                    format!(
                        "The signature is malformed, so no verifier will check it: {}.",
                        errors.join("; ")
                    ),
                ));
            } else if hash.is_none() {
                p.unusable = Some(problem(
                    "dkim.unknown-algorithm",
                    format!(
                        "The algorithm a={} is not one DKIM verifiers know (rsa-sha256, ed25519-sha256, rsa-sha1), so the signature cannot be checked.",
                        clip(p.sig.algorithm.as_deref().unwrap_or("?"), 40)
                    ),
                ));
            } else if !p
                .sig
                .signed_headers
                .iter()
                .any(|h| h.trim().eq_ignore_ascii_case("from"))
            {
                // RFC 6376 5.4: From MUST be signed; 6.1.1: verifiers MUST ignore a signature
                // whose h= lacks it (PERMFAIL), however well it verifies.
                p.unusable = Some(problem(
                    "dkim.from-not-signed",
                    "The signature does not cover the From field (From is missing from h=). RFC 6376 requires From to be signed and tells receivers to ignore such a signature: anyone could have changed the sender's address under it, so it counts for nothing, and not for DMARC.".into(),
                ));
            }
            let signature = p.sig.signature.as_deref().and_then(base64);
            let body_hash_sig = p.sig.body_hash.as_deref().and_then(base64);
            let (Some(hash), Some(body_canon), Some(signature), Some(bh), None) =
                (hash, body_canon, signature, body_hash_sig, &p.unusable)
            else {
                if p.unusable.is_none() {
                    p.unusable = Some(problem("dkim.syntax", "The signature is malformed (b=, bh= or c= cannot be read), so it cannot be checked.".into()));
                }
                prepared.push(p);
                continue;
            };
            p.signature = signature;
            let data = signed_data(fields, &p.sig.signed_headers, field, p.header_canon);
            p.header_hash = digest(hash, &data);
            if let Some(body) = message.body.as_deref() {
                let key = (body_canon, p.sig.body_length, hash);
                let (computed, len) = match bodies.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => v.clone(),
                    None => {
                        let v = body_hash(body, body_canon, p.sig.body_length, hash);
                        bodies.push((key, v.clone()));
                        v
                    }
                };
                p.body = if p.sig.body_length.is_some_and(|l| l > len) {
                    Body::TooShort
                } else if computed == bh {
                    Body::Matches
                } else {
                    Body::Differs
                };
            } else if message.empty_after_header && p.sig.body_length.is_none_or(|l| l == 0) {
                // Nothing after the header's blank line: an empty body (RFC 6376 3.4.3, 3.4.4)
                // or a paste of the header alone. Only a body hash of the empty body tells it
                // was the former; otherwise the body stays "not pasted".
                let (computed, _) = body_hash("", body_canon, p.sig.body_length, hash);
                if computed == bh {
                    p.body = Body::Matches;
                }
            }
            prepared.push(p);
        }
        DkimMessage { prepared, left_out }
    }

    /// Reads pasted bytes and prepares them (see [`DkimMessage::new`]).
    pub fn parse(input: &[u8]) -> DkimMessage {
        DkimMessage::new(&crate::parse::input::normalize(input))
    }

    /// The number of signatures prepared.
    pub fn len(&self) -> usize {
        self.prepared.len()
    }

    /// Whether the message has no DKIM-Signature field.
    pub fn is_empty(&self) -> bool {
        self.prepared.is_empty()
    }

    /// The key questions of every signature, in order, without repeats.
    pub fn questions(&self) -> Vec<Question> {
        let mut out: Vec<Question> = Vec::new();
        for q in self.prepared.iter().filter_map(key_question) {
            if !out.contains(&q) {
                out.push(q);
            }
        }
        out
    }
}

/// The key record's name for a usable signature: `selector._domainkey.domain` TXT.
fn key_question(p: &Prepared) -> Option<Question> {
    if p.unusable.is_some() {
        return None;
    }
    let domain = p.sig.domain.as_deref()?;
    let selector = p.sig.selector.as_deref()?;
    Some(Question::new(
        &format!("{selector}._domainkey.{domain}"),
        RecordType::Txt,
    ))
}

/// Verifies one signature (0-based, in the order of the fields in the paste).
pub fn verify(
    message: &DkimMessage,
    signature_index: usize,
    answers: &dyn Answers,
    now_s: i64,
) -> Step<DkimOutcome> {
    match message.prepared.get(signature_index) {
        Some(p) => verify_one(p, answers, now_s),
        None => Step::Done(DkimOutcome {
            line: 0,
            domain: String::new(),
            selector: String::new(),
            algorithm: String::new(),
            result: DkimResult::Permerror,
            header_signature: Check::not("no such signature"),
            body: Check::not("no such signature"),
            key: None,
            problems: Vec::new(),
            summary: "There is no such DKIM signature.".into(),
        }),
    }
}

/// Verifies every signature; asks for all their keys at once, then for every ed25519
/// verification at once.
pub fn verify_all(
    message: &DkimMessage,
    answers: &dyn Answers,
    now_s: i64,
) -> Step<Vec<DkimOutcome>> {
    let mut done = Vec::new();
    let mut need: Vec<Question> = Vec::new();
    let mut verify: Vec<SignatureCheck> = Vec::new();
    for p in &message.prepared {
        let mut asked = Vec::new();
        if let Some(outcome) = verify_one(p, answers, now_s).done_or_ask(&mut asked, &mut verify) {
            done.push(outcome);
        }
        for q in asked {
            if !need.contains(&q) {
                need.push(q);
            }
        }
    }
    if !need.is_empty() {
        Step::Need(need)
    } else if !verify.is_empty() {
        Step::Verify(verify)
    } else {
        Step::Done(done)
    }
}

/// The driver's verification of an ed25519-sha256 signature (RFC 8463 section 3: Ed25519 over
/// the SHA-256 hash of the signed header data): the verdict, or the step that asks for it.
fn ed25519_verdict(
    key: &[u8; 32],
    data_hash: &[u8],
    signature: &[u8],
    answers: &dyn Answers,
) -> Result<Verdict, SignatureCheck> {
    let check = SignatureCheck {
        algorithm: SignatureAlgorithm::Ed25519,
        key: key.to_vec(),
        message: data_hash.to_vec(),
        signature: signature.to_vec(),
    };
    match answers.verdict(&check) {
        Some(verdict) => Ok(verdict),
        None => Err(check),
    }
}

fn date(seconds: i64) -> String {
    crate::parse::date::format_utc(seconds.saturating_mul(1000))
}

/// Remarks that need no DNS: weak hash, body length limit, expiry, future signing time.
fn remarks(sig: &DkimSignature, now_s: i64) -> (Vec<DkimProblem>, bool) {
    let mut out = Vec::new();
    // Each remark names its signature: a message may carry several (the author's domain's and
    // its provider's) with the same weakness.
    let who = sig.domain.as_deref().unwrap_or("an unnamed domain");
    if sig.algorithm.as_deref() == Some("rsa-sha1") {
        out.push(problem("dkim.weak-algorithm", format!("The signature by {who} uses rsa-sha1, an outdated hash that RFC 8301 says not to use; many receivers no longer accept it.")));
    }
    if let Some(l) = sig.body_length {
        out.push(problem("dkim.body-length", format!("The signature by {who} covers only the first {l} bytes of the body (l=): anyone can add content after that and the signature still verifies.")));
    }
    let expired = sig.expiration.is_some_and(|x| x < now_s);
    if let Some(x) = sig.expiration.filter(|_| expired) {
        out.push(problem("dkim.expired", format!("The signature by {who} expired on {} (x=): receivers checking now treat it as invalid; it may still have been valid when the message was delivered.", date(x))));
    }
    if let Some(t) = sig
        .timestamp
        .filter(|t| *t > now_s.saturating_add(FUTURE_SLACK_S))
    {
        out.push(problem("dkim.timestamp-in-future", format!("The signing time (t=) of the signature by {who} is in the future ({}): the signer's clock is wrong, or the field was not written by a real signer.", date(t))));
    }
    (out, expired)
}

fn body_check(body: Body) -> Check {
    match body {
        Body::NotPasted => Check::not("body not pasted"),
        Body::Matches => Check::Verified,
        Body::Differs | Body::TooShort => Check::Failed,
    }
}

fn verify_one(p: &Prepared, answers: &dyn Answers, now_s: i64) -> Step<DkimOutcome> {
    let domain = p.sig.domain.clone().unwrap_or_default();
    let mut out = DkimOutcome {
        line: p.sig.line,
        domain: domain.clone(),
        selector: p.sig.selector.clone().unwrap_or_default(),
        algorithm: p.sig.algorithm.clone().unwrap_or_default(),
        result: DkimResult::Permerror,
        header_signature: Check::not("signature unusable"),
        body: body_check(p.body),
        key: None,
        problems: Vec::new(),
        summary: String::new(),
    };
    let (remarks, expired) = remarks(&p.sig, now_s);
    let Some(question) = key_question(p) else {
        out.problems.extend(p.unusable.clone());
        out.body = Check::not("signature unusable");
        return Step::Done(finish(out, remarks));
    };
    let Some(outcome) = answers.outcome(&question) else {
        return Step::Need(vec![question]);
    };
    let name = &question.name;
    let temperror = |out: &mut DkimOutcome, why: String| {
        out.result = DkimResult::Temperror;
        out.header_signature = Check::not("key not fetched");
        out.problems.push(problem("dkim.dns-error", format!("The key at {name} could not be fetched ({why}). This means \"could not check\", not a failure; trying again later may work.")));
    };
    let missing = |out: &mut DkimOutcome, what: &str| {
        out.header_signature = Check::not("no key");
        out.problems.push(problem("dkim.key-missing", format!("No DKIM key is published at {name} ({what}). The domain may have removed or rotated the key since the message was sent, so an older message can show this even if it was valid then.")));
    };
    let answer = match outcome {
        Err(e) => {
            temperror(&mut out, e.to_string());
            return Step::Done(finish(out, remarks));
        }
        Ok(answer) => answer,
    };
    match answer.rcode {
        Rcode::NoError => {}
        Rcode::NxDomain => {
            missing(&mut out, "the name does not exist");
            return Step::Done(finish(out, remarks));
        }
        other => {
            temperror(&mut out, format!("DNS error code {}", other.code()));
            return Step::Done(finish(out, remarks));
        }
    }
    let records: Vec<key::KeyRecord> = answer
        .data_for(&question)
        .iter()
        .filter_map(|d| d.txt_joined())
        .take(8)
        .map(|t| key::parse(&t))
        .collect();
    let Some(index) = records
        .iter()
        .position(|r| r.key.is_ok())
        .or(if records.is_empty() { None } else { Some(0) })
    else {
        missing(&mut out, "no TXT record there");
        return Step::Done(finish(out, remarks));
    };
    let Some(record) = records.get(index) else {
        return Step::Done(finish(out, remarks));
    };
    let facts = &record.facts;
    out.key = Some(facts.clone());
    let key = match &record.key {
        Ok(key) => key,
        Err(problem) => {
            out.header_signature = Check::not("key unusable");
            out.problems.push(problem.clone());
            return Step::Done(finish(out, remarks));
        }
    };
    let hash_name = if p.hash == Some(rsa::Hash::Sha1) {
        "sha1"
    } else {
        "sha256"
    };
    let key_problem = if facts
        .services
        .as_ref()
        .is_some_and(|s| !s.iter().any(|s| s == "*" || s == "email"))
    {
        Some(problem("dkim.key-service", "The key is published for services other than e-mail (s=), so it cannot check an e-mail signature.".into()))
    } else if matches!(key, key::PublicKey::Rsa(_)) == p.ed25519 {
        Some(problem(
            "dkim.key-type",
            format!(
                "The key is of type {} but the signature says a={}: this key cannot check it. The domain may have replaced the key with one of another type.",
                facts.key_type, out.algorithm
            ),
        ))
    } else if facts
        .hashes
        .as_ref()
        .is_some_and(|h| !h.iter().any(|h| h == hash_name))
    {
        Some(problem(
            "dkim.key-hash",
            format!(
                "The key may only be used with {} (h=), but this signature uses {hash_name}, so it cannot be accepted.",
                facts
                    .hashes
                    .as_ref()
                    .map(|h| h.join(", "))
                    .unwrap_or_default()
            ),
        ))
    } else if facts.flags.iter().any(|f| f == "s")
        && p.sig
            .identity
            .as_deref()
            .and_then(|i| i.rsplit_once('@'))
            .is_some_and(|(_, d)| !d.eq_ignore_ascii_case(&domain))
    {
        Some(problem("dkim.key-strict", "The key forbids signing for subdomains (t=s), but the identity i= is in a subdomain of d=.".into()))
    } else {
        None
    };
    if let Some(kp) = key_problem {
        out.header_signature = Check::not("key not allowed");
        out.problems.push(kp);
        return Step::Done(finish(out, remarks));
    }
    let verdict = match key {
        key::PublicKey::Rsa(k) => k.verify(
            p.hash.unwrap_or(rsa::Hash::Sha256),
            &p.header_hash,
            &p.signature,
        ),
        key::PublicKey::Ed25519(raw) => {
            match ed25519_verdict(raw, &p.header_hash, &p.signature, answers) {
                Err(check) => return Step::Verify(vec![check]),
                Ok(Verdict::Valid) => rsa::Verdict::Valid,
                Ok(Verdict::Invalid) => rsa::Verdict::OtherDigest,
                Ok(Verdict::Unsupported) => {
                    out.header_signature = Check::not("ed25519 is not verified in this browser");
                    out.result = DkimResult::Neutral;
                    out.problems.push(problem(
                        "dkim.ed25519-not-in-browser",
                        "This signature uses ed25519 (RFC 8463), which this browser cannot verify (its WebCrypto has no Ed25519): not verified here, which is not a failure. A current browser, or the command line (mailtrace analyze), verifies it. Domains that sign with ed25519 usually add an RSA signature too, checked here.".into(),
                    ));
                    return Step::Done(finish(out, remarks));
                }
                Ok(Verdict::Stopped) => {
                    out.header_signature = Check::not("verification stopped");
                    out.result = DkimResult::Temperror;
                    return Step::Done(finish(out, remarks));
                }
            }
        }
    };
    let short = facts
        .bits
        .filter(|b| matches!(key, key::PublicKey::Rsa(_)) && *b < 1024);
    if verdict == rsa::Verdict::Valid {
        out.header_signature = Check::Verified;
        out.result = match p.body {
            Body::Matches => DkimResult::Pass,
            Body::NotPasted => DkimResult::Neutral,
            Body::Differs | Body::TooShort => DkimResult::Fail,
        };
        match p.body {
            Body::Differs => out.problems.push(body_mismatch(p)),
            Body::TooShort => out.problems.push(problem("dkim.body-short", "The body is shorter than the length the signature covers (l=): content was removed after signing, or the paste is incomplete.".into())),
            _ => {}
        }
        if expired && out.result == DkimResult::Pass {
            out.result = DkimResult::Neutral;
        }
    } else {
        out.header_signature = Check::Failed;
        out.result = DkimResult::Fail;
        out.problems.push(header_mismatch(p, verdict));
    }
    if let Some(bits) = short {
        if out.result != DkimResult::Fail {
            out.result = DkimResult::Policy;
        }
        out.problems.push(problem("dkim.key-short", format!("The key is only {bits} bits; RFC 8301 requires at least 1024, so receivers reject this signature. Keys this short can be broken.")));
    }
    if facts.testing {
        out.problems.push(problem("dkim.key-testing", "The domain marks this key as in testing (t=y): receivers are asked to treat a failure like no signature at all.".into()));
    }
    Step::Done(finish(out, remarks))
}

fn header_mismatch(p: &Prepared, verdict: rsa::Verdict) -> DkimProblem {
    let message = if verdict == rsa::Verdict::Garbage {
        "The signature was not made with the key published now at this selector: most likely the domain replaced the key since the message was sent, or the b= value was damaged.".to_string()
    } else {
        let lead = "The signature over the header fields does not match";
        let known = if p.ed25519 {
            " (with an ed25519 key, a key replaced since signing looks the same)"
        } else {
            " (the key is the signer's, so the signed content differs)"
        };
        match p.header_canon {
            Canon::Simple => format!(
                "{lead}{known}. It uses \"simple\" header canonicalization, where any change of spacing counts, and copying and pasting often changes spacing: the paste itself may explain this. It does not prove the message was altered."
            ),
            Canon::Relaxed => format!(
                "{lead}{known}. With \"relaxed\" canonicalization, spacing changes do not matter, so the likelier cause is that a signed header field (such as Subject or From) was changed after signing: by a forwarder, a mailing list, or while copying."
            ),
        }
    };
    problem("dkim.header-mismatch", message)
}

fn body_mismatch(p: &Prepared) -> DkimProblem {
    let simple = Canon::parse(&p.sig.body_canon) == Some(Canon::Simple);
    let message = if simple {
        "The body differs from what was signed. It uses \"simple\" body canonicalization, where any change of spacing or line ends counts; pasted text often loses trailing spaces, so the paste itself may explain this."
    } else {
        "The body differs from what was signed. Likely causes: a mailing list or forwarder changed it (a footer added), or the paste is not the raw body (mail programs show the body decoded, not as sent)."
    };
    problem("dkim.body-mismatch", message.into())
}

/// Adds the remarks and writes the summary.
fn finish(mut out: DkimOutcome, remarks: Vec<DkimProblem>) -> DkimOutcome {
    out.problems.extend(remarks);
    let d = if out.domain.is_empty() {
        "?"
    } else {
        out.domain.as_str()
    };
    let pasted = out.body != Check::not("body not pasted");
    let head = match out.result {
        DkimResult::Neutral if out.header_signature != Check::Verified => {
            format!("The signature by {d} was not verified here.")
        }
        DkimResult::Pass => format!(
            "Valid signature by {d}: the signed header fields and the body are as {d} signed them."
        ),
        DkimResult::Neutral if !pasted => format!(
            "The signature by {d} over the header fields is valid; body not checked (not pasted)."
        ),
        DkimResult::Neutral => {
            format!("The signature by {d} matches this message, but it has expired.")
        }
        DkimResult::Fail => format!("The signature by {d} does not match this message."),
        DkimResult::Temperror => format!("Could not check the signature by {d}."),
        DkimResult::Permerror => format!("The signature by {d} cannot be checked."),
        DkimResult::Policy => {
            format!("The signature by {d} verifies, but its key is too weak to be accepted.")
        }
    };
    let detail = match out.result {
        DkimResult::Pass => None,
        DkimResult::Neutral => out
            .problems
            .iter()
            .find(|p| p.code == "dkim.expired" || p.code == "dkim.ed25519-not-in-browser"),
        _ => out.problems.first(),
    };
    out.summary = match detail {
        Some(p) => format!("{head} {}", p.message),
        None => head,
    };
    out
}

/// What a key says about one signature, for the other users of DKIM's machinery (ARC's
/// AMS and AS, RFC 8617 5.2): the same key lookup, key rules and RSA / ed25519 verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyCheck {
    /// The signature verifies with the published key.
    Valid,
    /// It does not (the words say how).
    Invalid(String),
    /// No usable key is published (removed, revoked, malformed, of another type).
    NoKey(String),
    /// The key could not be fetched: could not check.
    Temperror(String),
}

/// Checks `signature` over the digest `data_hash` with the key at `selector._domainkey.domain`.
pub(crate) fn check_with_key(
    domain: &str,
    selector: &str,
    algorithm: &str,
    data_hash: &[u8],
    signature: &[u8],
    answers: &dyn Answers,
) -> Step<KeyCheck> {
    let (hash, ed25519) = match algorithm {
        "rsa-sha256" => (rsa::Hash::Sha256, false),
        "rsa-sha1" => (rsa::Hash::Sha1, false),
        "ed25519-sha256" => (rsa::Hash::Sha256, true),
        other => {
            return Step::Done(KeyCheck::NoKey(format!(
                "the algorithm a={} is unknown",
                clip(other, 40)
            )));
        }
    };
    let question = Question::new(&format!("{selector}._domainkey.{domain}"), RecordType::Txt);
    let Some(outcome) = answers.outcome(&question) else {
        return Step::Need(vec![question]);
    };
    let name = &question.name;
    let answer = match outcome {
        Err(e) => return Step::Done(KeyCheck::Temperror(format!("{name}: {e}"))),
        Ok(a) => a,
    };
    match answer.rcode {
        Rcode::NoError => {}
        Rcode::NxDomain => {
            return Step::Done(KeyCheck::NoKey(format!("no key is published at {name}")));
        }
        other => {
            return Step::Done(KeyCheck::Temperror(format!(
                "{name}: DNS error code {}",
                other.code()
            )));
        }
    }
    let record = answer
        .data_for(&question)
        .iter()
        .filter_map(|d| d.txt_joined())
        .take(8)
        .map(|t| key::parse(&t))
        .find(|r| r.key.is_ok());
    let Some(Ok(key)) = record.map(|r| r.key) else {
        return Step::Done(KeyCheck::NoKey(format!("no usable key at {name}")));
    };
    let valid = match &key {
        key::PublicKey::Rsa(_) if ed25519 => None,
        key::PublicKey::Ed25519(_) if !ed25519 => None,
        key::PublicKey::Rsa(k) => Some(k.verify(hash, data_hash, signature) == rsa::Verdict::Valid),
        key::PublicKey::Ed25519(raw) => match ed25519_verdict(raw, data_hash, signature, answers) {
            Err(check) => return Step::Verify(vec![check]),
            Ok(Verdict::Valid) => Some(true),
            Ok(Verdict::Invalid) => Some(false),
            Ok(Verdict::Unsupported) => {
                return Step::Done(KeyCheck::Temperror(
                    "ed25519 is not verified in this browser".into(),
                ));
            }
            Ok(Verdict::Stopped) => {
                return Step::Done(KeyCheck::Temperror("the verification was stopped".into()));
            }
        },
    };
    Step::Done(match valid {
        None => KeyCheck::NoKey(format!(
            "the key at {name} is of another type than a={algorithm}"
        )),
        Some(true) => KeyCheck::Valid,
        Some(false) => KeyCheck::Invalid(format!(
            "the signature does not verify with the key at {name}"
        )),
    })
}

#[cfg(test)]
mod tests;

/// A published key read on its own (the domain check, for selectors the user names): its facts,
/// and what is wrong with it (a revoked key, a malformed record, a key under 1024 bits, t=y).
pub fn read_key_record(record: &str) -> (KeyFacts, Vec<DkimProblem>) {
    let parsed = key::parse(record);
    let mut problems = Vec::new();
    if let Err(p) = parsed.key {
        problems.push(p);
    }
    if let Some(bits) = parsed
        .facts
        .bits
        .filter(|&b| b < 1024 && parsed.facts.key_type == "rsa")
    {
        problems.push(problem("dkim.key-short", format!("The key is only {bits} bits; RFC 8301 requires at least 1024, so receivers reject signatures made with it.")));
    }
    if parsed.facts.testing {
        problems.push(problem("dkim.key-testing", "The domain marks this key as in testing (t=y): receivers are asked to treat a failure like no signature at all.".into()));
    }
    (parsed.facts, problems)
}
