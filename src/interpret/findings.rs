//! The findings as one list a person reads: a sentence that an earlier finding of the same group
//! already says is not said again (each fact once per view).

use crate::vocab::finding::Finding;
use crate::vocab::registry;

/// Removes from each finding's explanation the sentences an earlier finding of its group (the
/// registry's heading) already says, and repeated sentences within one explanation.
pub fn dedupe(findings: &mut [Finding]) {
    let mut said: Vec<(&'static str, String)> = Vec::new();
    for f in findings.iter_mut() {
        let group = registry::of(&f.code).group;
        let mut kept: Vec<&str> = Vec::new();
        let sentences = crate::vocab::text::split_sentences(&f.detail);
        for s in &sentences {
            if kept.contains(s) || said.iter().any(|(g, x)| *g == group && x == s) {
                continue;
            }
            kept.push(s);
        }
        let detail = kept.join(" ");
        for s in kept {
            said.push((group, s.to_string()));
        }
        f.detail = detail;
    }
}
