//! What receiving systems recorded besides Authentication-Results: Received-SPF (RFC 7208
//! section 9.1), the ARC chain's structure (RFC 8617 sections 4 and 5.1), and provider result
//! headers (X-HE-DKIM-Result and the like).
//!
//! ```text
//! Received-SPF = "Received-SPF:" [CFWS] result FWS [comment FWS] [ key-value-list ] CRLF
//! key-value-pair = key [CFWS] "=" ( dot-atom / quoted-string )   ; client-ip, envelope-from,
//!                                                                ; helo, problem, receiver,
//!                                                                ; identity, mechanism
//! ARC-Seal: i=N; a=...; cv=none|pass|fail; d=...; s=...; t=...; b=...
//! ```
//! The ARC chain is checked for its shape only (instances 1..N each with a seal, a message
//! signature and results; cv=none at i=1 and pass above; no fail): the signatures themselves are
//! not verified here.
//!
//! Not supported: Received-SPF keys outside RFC 7208's list are kept but not interpreted.

use serde::{Deserialize, Serialize};

/// A Received-SPF field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReceivedSpf {
    /// Its line in the input.
    pub line: u32,
    /// The result word, lowercase (pass, fail, softfail, neutral, none, temperror, permerror).
    pub result: String,
    /// The comment after the result.
    pub comment: Option<String>,
    /// The key=value pairs, keys lowercase, in order.
    pub keys: Vec<(String, String)>,
    /// Whether it stands where only the recipient's systems could have written it.
    pub trusted: bool,
}

impl ReceivedSpf {
    /// The value of a key.
    pub fn key(&self, name: &str) -> Option<&str> {
        self.keys
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Result words: the seven of SPF (RFC 7208 section 2.6) first, then those provider headers add.
const RESULT_WORDS: [&str; 9] = [
    "pass",
    "fail",
    "softfail",
    "neutral",
    "none",
    "temperror",
    "permerror",
    "policy",
    "invalid",
];

/// The run of letters a value starts with, lowercase.
fn leading_word(value: &str) -> String {
    value
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Parses the value of a Received-SPF field. None when it does not start with a result word.
pub fn parse_received_spf(value: &str, line: u32) -> Option<ReceivedSpf> {
    let value = crate::parse::input::breaks_to_spaces(value);
    let trimmed = value.trim_start();
    let word = leading_word(trimmed);
    if !RESULT_WORDS[..7].contains(&word.as_str()) {
        return None;
    }
    let mut rest = &trimmed[word.len()..];
    let mut out = ReceivedSpf {
        line,
        result: word,
        ..ReceivedSpf::default()
    };
    let after = rest.trim_start();
    if after.starts_with('(') {
        let mut depth = 0usize;
        let mut end = after.len();
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.comment = Some(after.get(1..end).unwrap_or("").trim().to_string());
        rest = after.get(end + 1..).unwrap_or("");
    }
    for pair in rest.split(';').take(32) {
        if let Some((key, value)) = pair.split_once('=') {
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim().trim_matches('"').to_string();
            if !key.is_empty() && key.len() <= 40 && !key.contains(char::is_whitespace) {
                out.keys.push((key, value.chars().take(512).collect()));
            }
        }
    }
    Some(out)
}

/// One ARC set (RFC 8617 section 4.1): the three fields of one instance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ArcSet {
    /// The instance number `i=`.
    pub instance: u32,
    /// The sealing domain (ARC-Seal `d=`).
    pub sealer: Option<String>,
    /// The chain validation status the sealer recorded (`cv=`).
    pub cv: Option<String>,
    /// Whether an ARC-Message-Signature with this instance is present.
    pub has_message_signature: bool,
    /// Whether an ARC-Authentication-Results with this instance is present.
    pub has_results: bool,
}

/// The ARC chain's shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ArcChain {
    /// The sets, by instance.
    pub sets: Vec<ArcSet>,
    /// What is wrong with the shape (missing fields or instances, cv values), in plain words.
    pub problems: Vec<String>,
}

/// The value of tag `name` in a DKIM-style tag list (`i=1; cv=pass; ...`).
pub fn tag<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    value.split(';').find_map(|part| {
        let (k, v) = part.split_once('=')?;
        (k.trim() == name).then(|| v.trim())
    })
}

const MAX_ARC: u32 = 50;

/// Reads the ARC fields: (name, unfolded value) in message order.
pub fn arc_chain<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<ArcChain> {
    let mut sets: Vec<ArcSet> = Vec::new();
    let mut chain = ArcChain::default();
    let mut seen_any = false;
    for (name, value) in fields {
        let kind = match name.to_ascii_lowercase().as_str() {
            "arc-seal" => 0,
            "arc-message-signature" => 1,
            "arc-authentication-results" => 2,
            _ => continue,
        };
        seen_any = true;
        let Some(instance) = tag(value, "i").and_then(|i| i.parse::<u32>().ok()) else {
            chain
                .problems
                .push(format!("an {name} field has no valid instance number (i=)"));
            continue;
        };
        if instance == 0 || instance > MAX_ARC {
            chain.problems.push(format!(
                "{name} has instance {instance}, outside 1 to {MAX_ARC}"
            ));
            continue;
        }
        let index = match sets.iter().position(|s| s.instance == instance) {
            Some(i) => i,
            None => {
                sets.push(ArcSet {
                    instance,
                    ..ArcSet::default()
                });
                sets.len() - 1
            }
        };
        let set = &mut sets[index];
        match kind {
            0 => {
                if set.sealer.is_some() {
                    chain
                        .problems
                        .push(format!("instance {instance} has more than one ARC-Seal"));
                }
                set.sealer = tag(value, "d").map(|d| d.to_ascii_lowercase());
                set.cv = tag(value, "cv").map(|c| c.to_ascii_lowercase());
            }
            1 => set.has_message_signature = true,
            _ => set.has_results = true,
        }
    }
    if !seen_any {
        return None;
    }
    crate::vocab::sort::sort_by_key(&mut sets, |s| s.instance);
    for (expected, set) in (1..).zip(&sets) {
        if set.instance != expected {
            chain
                .problems
                .push(format!("instance {expected} is missing"));
            break;
        }
    }
    for set in &sets {
        let i = set.instance;
        if set.sealer.is_none() {
            chain.problems.push(format!("instance {i} has no ARC-Seal"));
        }
        if !set.has_message_signature {
            chain
                .problems
                .push(format!("instance {i} has no ARC-Message-Signature"));
        }
        if !set.has_results {
            chain
                .problems
                .push(format!("instance {i} has no ARC-Authentication-Results"));
        }
        match (i, set.cv.as_deref()) {
            (_, Some("fail")) => chain.problems.push(format!(
                "the sealer of instance {i} found the chain broken (cv=fail)"
            )),
            (1, Some(cv)) if cv != "none" => chain
                .problems
                .push(format!("instance 1 must have cv=none, not cv={cv}")),
            (n, Some("none")) if n > 1 => chain
                .problems
                .push(format!("instance {n} has cv=none; only instance 1 may")),
            _ => {}
        }
    }
    chain.sets = sets;
    Some(chain)
}

/// Provider result headers: `(field name, method)` for fields whose value starts with a result
/// word.
pub const PROVIDER_RESULTS: &[(&str, &str)] = &[
    ("X-HE-DKIM-Result", "dkim"),
    ("X-HE-SPF-Result", "spf"),
    ("X-DKIM-Result", "dkim"),
    ("X-SPF-Result", "spf"),
    ("X-DMARC-Result", "dmarc"),
];

/// The result word at the start of a provider result header's value.
pub fn provider_result(value: &str) -> Option<String> {
    let word = leading_word(value);
    RESULT_WORDS.contains(&word.as_str()).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn received_spf_fields() {
        let r = parse_received_spf(
            "Pass (mailfrom) identity=mailfrom; client-ip=203.0.113.5; helo=mail.sender.example;\n envelope-from=\"ann@sender.example\"; receiver=mx.example.net",
            7,
        )
        .unwrap();
        assert_eq!(r.result, "pass");
        assert_eq!(r.comment.as_deref(), Some("mailfrom"));
        assert_eq!(r.key("client-ip"), Some("203.0.113.5"));
        assert_eq!(r.key("envelope-from"), Some("ann@sender.example"));
        let google = parse_received_spf("softfail (google.com: domain of transitioning a@b.example does not designate 198.51.100.7 as permitted sender) client-ip=198.51.100.7;", 1).unwrap();
        assert_eq!(google.result, "softfail");
        assert!(google.comment.unwrap().contains("does not designate"));
        assert!(parse_received_spf("maybe (x)", 1).is_none());
        assert!(parse_received_spf("", 1).is_none());
        assert!(parse_received_spf("fail (((((", 1).is_some());
    }

    #[test]
    fn arc_chain_shapes() {
        let good = arc_chain([
            (
                "ARC-Seal",
                "i=2; a=rsa-sha256; cv=pass; d=lists.example; s=k; b=x",
            ),
            (
                "ARC-Message-Signature",
                "i=2; a=rsa-sha256; d=lists.example; s=k; h=from; bh=x; b=y",
            ),
            ("ARC-Authentication-Results", "i=2; lists.example; spf=pass"),
            (
                "ARC-Seal",
                "i=1; a=rsa-sha256; cv=none; d=google.com; s=arc; b=x",
            ),
            ("ARC-Message-Signature", "i=1; d=google.com; s=arc; b=y"),
            (
                "ARC-Authentication-Results",
                "i=1; mx.google.com; dkim=pass",
            ),
        ])
        .unwrap();
        assert_eq!(good.sets.len(), 2);
        assert!(good.problems.is_empty(), "{:?}", good.problems);
        assert_eq!(good.sets[1].sealer.as_deref(), Some("lists.example"));

        let broken = arc_chain([
            ("ARC-Seal", "i=3; cv=fail; d=x.example"),
            ("ARC-Seal", "i=1; cv=pass; d=y.example"),
            ("ARC-Message-Signature", "i=1; d=y.example"),
        ])
        .unwrap();
        let text = broken.problems.join(" | ");
        assert!(text.contains("instance 2 is missing"), "{text}");
        assert!(text.contains("cv=fail"), "{text}");
        assert!(text.contains("instance 1 must have cv=none"), "{text}");
        assert!(text.contains("no ARC-Authentication-Results"), "{text}");
        assert!(arc_chain([("Subject", "x")]).is_none());
        assert!(
            !arc_chain([("ARC-Seal", "i=99999999999")])
                .unwrap()
                .problems
                .is_empty()
        );
    }

    #[test]
    fn provider_results() {
        assert_eq!(provider_result(" pass ").as_deref(), Some("pass"));
        assert_eq!(provider_result("Fail (body hash)").as_deref(), Some("fail"));
        assert_eq!(provider_result("whatever"), None);
    }
}
