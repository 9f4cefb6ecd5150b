//! The native answer to the core's signature verifications ([`crate::dns::verify`]): Ed25519
//! (RFC 8032) with ed25519-dalek, strict (non-canonical signatures and small-order keys refused).
//! The browser answers the same requests with WebCrypto (`driver/wasm.rs`).

use crate::dns::verify::{SignatureAlgorithm, SignatureCheck, Verdict, Verifier};

/// Verifies natively.
#[derive(Debug, Clone, Copy, Default)]
pub struct NativeVerifier;

impl Verifier for NativeVerifier {
    fn verify(&self, check: &SignatureCheck) -> Verdict {
        match check.algorithm {
            SignatureAlgorithm::Ed25519 => {
                let valid = <[u8; 32]>::try_from(check.key.as_slice())
                    .ok()
                    .and_then(|key| ed25519_dalek::VerifyingKey::from_bytes(&key).ok())
                    .is_some_and(|key| {
                        ed25519_dalek::Signature::from_slice(&check.signature)
                            .is_ok_and(|s| key.verify_strict(&check.message, &s).is_ok())
                    });
                if valid {
                    Verdict::Valid
                } else {
                    Verdict::Invalid
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 8032 section 7.1, TEST 1 (the empty message).
    pub(crate) fn rfc8032_test1() -> SignatureCheck {
        SignatureCheck {
            algorithm: SignatureAlgorithm::Ed25519,
            key: hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
            message: Vec::new(),
            signature: hex(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            ),
        }
    }

    #[test]
    fn rfc8032_vector_valid_and_tampered_invalid() {
        let check = rfc8032_test1();
        assert_eq!(NativeVerifier.verify(&check), Verdict::Valid);
        let mut other = check.clone();
        other.message = b"x".to_vec();
        assert_eq!(NativeVerifier.verify(&other), Verdict::Invalid);
        let mut short = check;
        short.signature.pop();
        assert_eq!(NativeVerifier.verify(&short), Verdict::Invalid);
    }
}
