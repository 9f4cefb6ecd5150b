//! RSA signature verification, PKCS#1 v1.5 (RFC 8017 sections 8.2.2 and 9.2), small and
//! self-contained: public keys only, so no secret is handled and timing does not matter.
//!
//! Keys are read as DKIM publishes them (RFC 6376 section 3.6.1: a DER SubjectPublicKeyInfo;
//! a bare RSAPublicKey is accepted too). Numbers are little-endian `u32` limbs; the modular
//! exponentiation uses Montgomery multiplication. Bounds: moduli of at most [`MAX_BITS`] bits,
//! public exponents of at most 64 bits (real keys use 65537 or 3), so a hostile key cannot make
//! the work grow.

/// Largest modulus accepted, in bits.
pub const MAX_BITS: usize = 8192;

/// The hash a signature was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    /// SHA-1 (20-byte digest).
    Sha1,
    /// SHA-256 (32-byte digest).
    Sha256,
}

/// DER DigestInfo prefixes (RFC 8017 section 9.2, note 1).
const SHA1_PREFIX: [u8; 15] = [
    0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14,
];
const SHA256_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// An RSA public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// The modulus, big-endian, no leading zero bytes.
    n: Vec<u8>,
    /// The public exponent.
    e: u64,
}

/// Why a key could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyError {
    /// Not DER, or not an RSA key.
    NotRsa,
    /// The modulus is larger than [`MAX_BITS`].
    TooLarge,
    /// The modulus is even or tiny, or the exponent is not an odd number from 3 to 2^64.
    Unusable,
}

/// The outcome of checking a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The signature is valid for this digest.
    Valid,
    /// The signature opens to a well-formed PKCS#1 block, for another digest (or hash): the key
    /// is the signer's, the signed content differs.
    OtherDigest,
    /// The signature does not open to a well-formed block: another key signed it, or the
    /// signature is damaged.
    Garbage,
}

/// Reads one DER element: (tag, content, rest).
fn der(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 3 {
            return None;
        }
        let mut len = 0usize;
        for _ in 0..count {
            let (&b, r) = rest.split_first()?;
            len = (len << 8) | usize::from(b);
            rest = r;
        }
        len
    };
    if len > rest.len() {
        return None;
    }
    let (content, rest) = rest.split_at(len);
    Some((tag, content, rest))
}

/// A DER INTEGER's magnitude (leading zeros removed); None if negative.
fn positive(content: &[u8]) -> Option<&[u8]> {
    if content.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let start = content
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(content.len());
    content.get(start..)
}

/// rsaEncryption, 1.2.840.113549.1.1.1.
const RSA_OID: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

impl PublicKey {
    /// Reads a DER SubjectPublicKeyInfo (RFC 5280) holding an RSA key, or a bare RSAPublicKey
    /// (RFC 8017 appendix A.1.1).
    pub fn from_der(input: &[u8]) -> Result<PublicKey, KeyError> {
        let (tag, outer, _) = der(input).ok_or(KeyError::NotRsa)?;
        if tag != 0x30 {
            return Err(KeyError::NotRsa);
        }
        let (tag, first, rest) = der(outer).ok_or(KeyError::NotRsa)?;
        let key = match tag {
            // SubjectPublicKeyInfo: AlgorithmIdentifier, then a BIT STRING.
            0x30 => {
                let (oid_tag, oid, _) = der(first).ok_or(KeyError::NotRsa)?;
                if oid_tag != 0x06 || oid != RSA_OID {
                    return Err(KeyError::NotRsa);
                }
                let (bits_tag, bits, _) = der(rest).ok_or(KeyError::NotRsa)?;
                match bits.split_first() {
                    Some((0, inner)) if bits_tag == 0x03 => inner,
                    _ => return Err(KeyError::NotRsa),
                }
            }
            0x02 => input,
            _ => return Err(KeyError::NotRsa),
        };
        let (tag, seq, _) = der(key).ok_or(KeyError::NotRsa)?;
        let (ntag, n, rest) = der(seq).ok_or(KeyError::NotRsa)?;
        let (etag, e, _) = der(rest).ok_or(KeyError::NotRsa)?;
        if tag != 0x30 || ntag != 0x02 || etag != 0x02 {
            return Err(KeyError::NotRsa);
        }
        let n = positive(n).ok_or(KeyError::NotRsa)?;
        let e = positive(e).ok_or(KeyError::NotRsa)?;
        if n.len() * 8 > MAX_BITS {
            return Err(KeyError::TooLarge);
        }
        if e.len() > 8 {
            return Err(KeyError::Unusable);
        }
        let e = e.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let odd = n.last().is_some_and(|b| b & 1 == 1);
        if !odd || n.len() < 8 || e < 3 || e & 1 == 0 {
            return Err(KeyError::Unusable);
        }
        Ok(PublicKey { n: n.to_vec(), e })
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> u32 {
        let lead = self.n.first().map_or(8, |b| b.leading_zeros());
        (self.n.len() as u32) * 8 - lead
    }

    /// Checks an RSASSA-PKCS1-v1_5 signature over `digest` (already hashed with `hash`).
    pub fn verify(&self, hash: Hash, digest: &[u8], signature: &[u8]) -> Verdict {
        let k = self.n.len();
        if signature.len() != k {
            return Verdict::Garbage;
        }
        let Some(em) = self.public_op(signature) else {
            return Verdict::Garbage;
        };
        let prefix: &[u8] = match hash {
            Hash::Sha1 => &SHA1_PREFIX,
            Hash::Sha256 => &SHA256_PREFIX,
        };
        // EM = 00 01 FF.. (at least 8) 00 DigestInfo.
        let Some(rest) = em.strip_prefix(&[0, 1]) else {
            return Verdict::Garbage;
        };
        let pad = rest.iter().take_while(|&&b| b == 0xff).count();
        let Some(info) = rest.get(pad..).and_then(|r| r.strip_prefix(&[0])) else {
            return Verdict::Garbage;
        };
        if pad < 8 {
            return Verdict::Garbage;
        }
        match info.strip_prefix(prefix) {
            Some(d) if d == digest => Verdict::Valid,
            _ if info.starts_with(&[0x30]) => Verdict::OtherDigest,
            _ => Verdict::Garbage,
        }
    }

    /// signature^e mod n as k big-endian bytes; None if the signature is not below n.
    fn public_op(&self, signature: &[u8]) -> Option<Vec<u8>> {
        let n = limbs(&self.n);
        let s = limbs(signature);
        if !less(&s, &n) {
            return None;
        }
        let len = n.len();
        let mut s = s;
        s.resize(len, 0);
        let n0 = mont_n0(n.first().copied().unwrap_or(1));
        // R^2 mod n (R = 2^(32 len)), to enter the Montgomery domain: from 2^(bits-1), the
        // largest power of two below n, double (mod n) up to 2^(64 len).
        let top = self.bits() as usize - 1;
        let mut r2 = vec![0u32; len];
        if let Some(limb) = r2.get_mut(top / 32) {
            *limb = 1 << (top % 32);
        }
        for _ in top..64 * len {
            let carry = shl1(&mut r2);
            if carry || !less(&r2, &n) {
                sub_in_place(&mut r2, &n);
            }
        }
        let base = mont_mul(&s, &r2, &n, n0);
        let mut acc = base.clone();
        let top = 63 - self.e.leading_zeros();
        for bit in (0..top).rev() {
            acc = mont_mul(&acc, &acc, &n, n0);
            if (self.e >> bit) & 1 == 1 {
                acc = mont_mul(&acc, &base, &n, n0);
            }
        }
        let mut one = vec![0u32; len];
        if let Some(first) = one.first_mut() {
            *first = 1;
        }
        let out = mont_mul(&acc, &one, &n, n0);
        Some(to_bytes(&out, self.n.len()))
    }
}

/// Big-endian bytes to little-endian limbs, without high zero limbs.
fn limbs(bytes: &[u8]) -> Vec<u32> {
    let mut out: Vec<u32> = bytes
        .rchunks(4)
        .map(|c| c.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
        .collect();
    while out.last() == Some(&0) {
        out.pop();
    }
    out
}

/// Limbs to `len` big-endian bytes (high bytes beyond `len` dropped; they are zero here).
fn to_bytes(limbs: &[u32], len: usize) -> Vec<u8> {
    let mut out: Vec<u8> = limbs.iter().flat_map(|l| l.to_le_bytes()).collect();
    out.resize(len, 0);
    out.reverse();
    out
}

/// a < b, for limb slices of any lengths.
fn less(a: &[u32], b: &[u32]) -> bool {
    let len = a.len().max(b.len());
    for i in (0..len).rev() {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        if x != y {
            return x < y;
        }
    }
    false
}

/// a -= b (mod 2^(32 len)).
fn sub_in_place(a: &mut [u32], b: &[u32]) {
    let mut borrow = 0u64;
    for (i, x) in a.iter_mut().enumerate() {
        let y = u64::from(b.get(i).copied().unwrap_or(0)) + borrow;
        let v = u64::from(*x);
        borrow = u64::from(v < y);
        *x = v.wrapping_sub(y) as u32;
    }
}

/// a <<= 1; the bit shifted out.
fn shl1(a: &mut [u32]) -> bool {
    let mut carry = 0u32;
    for x in a.iter_mut() {
        let next = *x >> 31;
        *x = (*x << 1) | carry;
        carry = next;
    }
    carry == 1
}

/// -n^-1 mod 2^32 for odd n (Newton's iteration; each step doubles the correct bits).
fn mont_n0(n: u32) -> u32 {
    let mut x = n;
    for _ in 0..5 {
        x = x.wrapping_mul(2u32.wrapping_sub(n.wrapping_mul(x)));
    }
    x.wrapping_neg()
}

/// a * b * R^-1 mod n (CIOS Montgomery multiplication); a, b < n, all `n.len()` limbs.
fn mont_mul(a: &[u32], b: &[u32], n: &[u32], n0: u32) -> Vec<u32> {
    let len = n.len();
    if len < 2 {
        // Not reached: keys are at least 8 bytes (see from_der).
        return vec![0; len];
    }
    let mut t = vec![0u32; len + 2];
    for &bi in b.iter().take(len) {
        let mut carry = 0u64;
        for (tj, &aj) in t.iter_mut().zip(a.iter()) {
            let s = u64::from(*tj) + u64::from(aj) * u64::from(bi) + carry;
            *tj = s as u32;
            carry = s >> 32;
        }
        let s = u64::from(t[len]) + carry;
        t[len] = s as u32;
        t[len + 1] = (s >> 32) as u32;
        let m = t[0].wrapping_mul(n0);
        let s = u64::from(t[0]) + u64::from(m) * u64::from(n[0]);
        let mut carry = s >> 32;
        for j in 1..len {
            let s = u64::from(t[j]) + u64::from(m) * u64::from(n[j]) + carry;
            t[j - 1] = s as u32;
            carry = s >> 32;
        }
        let s = u64::from(t[len]) + carry;
        t[len - 1] = s as u32;
        t[len] = t[len + 1].wrapping_add((s >> 32) as u32);
        t[len + 1] = 0;
    }
    t.truncate(len + 1);
    if !less(&t, n) {
        sub_in_place(&mut t, n);
    }
    t.truncate(len);
    t
}
