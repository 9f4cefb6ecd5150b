//! DKIM key records (RFC 6376 section 3.6.1; RFC 8463 for ed25519).

use super::{DkimProblem, KeyFacts, problem};

/// Longest key record read, in bytes (an 8192-bit RSA key is about 1,400).
const MAX_RECORD: usize = 8 * 1024;

/// A usable public key.
#[derive(Debug, Clone)]
pub enum PublicKey {
    /// An RSA key.
    Rsa(super::rsa::PublicKey),
    /// An Ed25519 key (32 bytes).
    Ed25519([u8; 32]),
}

/// A key record read: its facts, and the key when one could be used.
pub struct KeyRecord {
    pub facts: KeyFacts,
    pub key: Result<PublicKey, DkimProblem>,
}

/// Reads one key record (TXT strings already joined).
pub fn parse(record: &str) -> KeyRecord {
    let mut facts = KeyFacts {
        key_type: "rsa".into(),
        bits: None,
        testing: false,
        hashes: None,
        flags: Vec::new(),
        services: None,
        record: super::clip(record, 2048).to_string(),
    };
    let key = read(record, &mut facts);
    KeyRecord { facts, key }
}

fn malformed(detail: &str) -> DkimProblem {
    problem(
        "dkim.key-malformed",
        format!(
            "The key record published in DNS is not a valid DKIM key: {detail}. The signature cannot be checked until the domain fixes the record."
        ),
    )
}

fn read(record: &str, facts: &mut KeyFacts) -> Result<PublicKey, DkimProblem> {
    if record.len() > MAX_RECORD {
        return Err(malformed("it is too long"));
    }
    let mut p: Option<String> = None;
    for (index, spec) in record.split(';').enumerate() {
        let spec = spec.trim();
        if spec.is_empty() {
            continue;
        }
        let Some((name, value)) = spec.split_once('=') else {
            return Err(malformed("a tag has no \"=\""));
        };
        let name = name.trim();
        let compact: String = value.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let list = || -> Vec<String> {
            compact
                .split(':')
                .filter(|s| !s.is_empty())
                .take(16)
                .map(|s| s.to_ascii_lowercase())
                .collect()
        };
        match name {
            "v" if index != 0 || compact != "DKIM1" => {
                return Err(malformed("v= must come first and be DKIM1"));
            }
            "k" => facts.key_type = compact.to_ascii_lowercase(),
            "h" => facts.hashes = Some(list()),
            "s" => facts.services = Some(list()),
            "t" => {
                facts.flags = list();
                facts.testing = facts.flags.iter().any(|f| f == "y");
            }
            "p" => p = Some(compact),
            _ => {}
        }
    }
    let Some(p) = p else {
        return Err(malformed("it has no p= (public key) tag"));
    };
    if p.is_empty() {
        return Err(problem(
            "dkim.key-revoked",
            "The key at this selector has been revoked (its p= is empty): the domain has withdrawn it, so no signature made with it counts any more. Senders do this after rotating keys; a message sent before the change may have been valid then.".into(),
        ));
    }
    let Some(bytes) = super::base64(&p) else {
        return Err(malformed("p= is not valid base64"));
    };
    match facts.key_type.as_str() {
        "rsa" => match super::rsa::PublicKey::from_der(&bytes) {
            Ok(key) => {
                facts.bits = Some(key.bits());
                Ok(PublicKey::Rsa(key))
            }
            Err(super::rsa::KeyError::TooLarge) => Err(malformed("the RSA key is over 8192 bits")),
            Err(_) => Err(malformed("p= does not hold an RSA public key")),
        },
        "ed25519" => match <[u8; 32]>::try_from(bytes.as_slice()) {
            Ok(raw) => {
                facts.bits = Some(256);
                Ok(PublicKey::Ed25519(raw))
            }
            Err(_) => Err(malformed("an ed25519 key must be 32 bytes")),
        },
        other => Err(malformed(&format!(
            "key type k={} is not one this tool knows (rsa, ed25519)",
            super::clip(other, 20)
        ))),
    }
}
