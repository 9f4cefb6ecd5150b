//! Signature verifications the core asks a driver for, the way it asks DNS questions.
//!
//! The core reads, canonicalizes and hashes what a signature covers, but the public-key step of
//! some algorithms is the driver's: a check names a [`SignatureCheck`] (algorithm, public key,
//! the signed message, signature) with [`crate::dns::Step::Verify`], the engine hands it out as a
//! [`VerifyRequest`], and the driver answers with a [`Verdict`] (natively ed25519-dalek, in the
//! browser WebCrypto's `crypto.subtle.verify`). The core has no ed25519 code of its own.
//!
//! Today this is ed25519 (RFC 8032) as DKIM (RFC 8463 section 3) and ARC (RFC 8617) use it: the
//! signed message is the SHA-256 hash of the canonicalized header data, not the data itself.
//! RSA stays the core's own (`checks::dkim::rsa`): it tells "made with another key" from "the
//! content differs", which a yes/no verify cannot.

use serde::{Deserialize, Serialize};

/// The public-key algorithm of a verification a driver is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SignatureAlgorithm {
    /// Ed25519 (RFC 8032): a 32-byte public key, a 64-byte signature.
    Ed25519,
}

/// One signature to verify: does `signature` sign `message` under `key`?
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SignatureCheck {
    /// The algorithm.
    pub algorithm: SignatureAlgorithm,
    /// The public key, raw (Ed25519: the 32 bytes of RFC 8032 section 5.1.5).
    pub key: Vec<u8>,
    /// The signed message (for ed25519-sha256 in DKIM and ARC: the SHA-256 hash of the
    /// canonicalized header data, RFC 8463 section 3).
    pub message: Vec<u8>,
    /// The signature as decoded from `b=`.
    pub signature: Vec<u8>,
}

/// Identifies one verification handed out by a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VerifyId(pub u32);

/// A verification the session wants answered: verify it, then hand the verdict back with its id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a verification that is never answered keeps the session waiting"]
pub struct VerifyRequest {
    /// Pass this back with the verdict.
    pub id: VerifyId,
    /// What to verify.
    pub check: SignatureCheck,
}

/// A driver's answer to a [`SignatureCheck`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Verdict {
    /// The signature is valid for this key and message.
    Valid,
    /// It is not (another message, another key, or a key that is not a valid point).
    Invalid,
    /// This driver cannot verify the algorithm (a browser whose WebCrypto lacks Ed25519): not
    /// verified, never a failure.
    Unsupported,
    /// Not verified: the session was stopped first.
    Stopped,
}

/// Anything that verifies signatures synchronously (the native verifier, fixed verdicts in
/// tests).
pub trait Verifier {
    /// Verifies one signature.
    fn verify(&self, check: &SignatureCheck) -> Verdict;
}

/// A verifier that gives the same verdict for everything: [`Verdict::Unsupported`] for a
/// build that has no verifier, or a fixed verdict in tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedVerdict(pub Verdict);

impl Verifier for FixedVerdict {
    fn verify(&self, _check: &SignatureCheck) -> Verdict {
        self.0
    }
}
