//! External report destinations (RFC 7489 section 7.1): a `rua`/`ruf` address at another
//! organization receives reports only if that organization says so, by publishing a record at
//! `<policy domain>._report._dmarc.<destination domain>` that starts with `v=DMARC1`. Without
//! it, receivers do not send the reports there; the domain owner then gets none.

use super::record::{DmarcLint, DmarcRecord, Severity};
use crate::dns::{Answers, Question, Rcode, RecordType, Step};
use crate::vocab::domain::org_domain;
use crate::vocab::text::clip;

/// Report addresses checked at most (RFC 7489 asks receivers to honour at least two of each).
const MAX_CHECKED: usize = 4;

/// The destination domains of `mailto:` report addresses outside the policy domain's
/// organization, each once, in the record's order.
fn external(policy_domain: &str, record: &DmarcRecord) -> Vec<String> {
    let own = org_domain(policy_domain).unwrap_or_else(|| policy_domain.to_ascii_lowercase());
    let mut out: Vec<String> = Vec::new();
    for uri in record.rua.iter().chain(record.ruf.iter()) {
        let Some(rest) = uri
            .get(..7)
            .filter(|s| s.eq_ignore_ascii_case("mailto:"))
            .and_then(|_| uri.get(7..))
        else {
            continue;
        };
        let address = rest.split(['?', '!']).next().unwrap_or("");
        let Some((_, domain)) = address.rsplit_once('@') else {
            continue;
        };
        let domain = domain.trim_end_matches('.').to_ascii_lowercase();
        let theirs = org_domain(&domain).unwrap_or_else(|| domain.clone());
        if theirs != own && !out.contains(&domain) && out.len() < MAX_CHECKED {
            out.push(domain);
        }
    }
    out
}

/// Whether each external report destination has authorized reports for `policy_domain`.
pub fn external_reports(
    policy_domain: &str,
    record: &DmarcRecord,
    answers: &dyn Answers,
) -> Step<Vec<DmarcLint>> {
    let policy_domain = policy_domain.trim_end_matches('.').to_ascii_lowercase();
    let mut need = Vec::new();
    let mut out = Vec::new();
    for dest in external(&policy_domain, record) {
        let q = Question::new(
            &format!("{policy_domain}._report._dmarc.{dest}"),
            RecordType::Txt,
        );
        let Some(outcome) = answers.outcome(&q) else {
            need.push(q);
            continue;
        };
        let authorized = match outcome {
            Err(e) => {
                out.push(DmarcLint {
                    code: "report_authorization_unknown".into(),
                    severity: Severity::Info,
                    message: format!(
                        "Could not check whether {dest} accepts this domain's DMARC reports ({}): could not check, not a problem found.",
                        clip(&e.to_string(), 120)
                    ),
                });
                continue;
            }
            Ok(answer) if answer.rcode == Rcode::NoError || answer.rcode == Rcode::NxDomain => {
                answer
                    .data_for(&q)
                    .iter()
                    .filter_map(|d| d.txt_joined())
                    .any(|t| {
                        t.trim_start()
                            .get(..8)
                            .is_some_and(|v| v.eq_ignore_ascii_case("v=DMARC1"))
                    })
            }
            Ok(answer) => {
                out.push(DmarcLint {
                    code: "report_authorization_unknown".into(),
                    severity: Severity::Info,
                    message: format!(
                        "Could not check whether {dest} accepts this domain's DMARC reports (DNS error code {}).",
                        answer.rcode.code()
                    ),
                });
                continue;
            }
        };
        if !authorized {
            out.push(DmarcLint {
                code: "report_not_authorized".into(),
                severity: Severity::Warning,
                message: format!(
                    "Reports go to an address at {dest}, another organization, but {dest} does not publish {} (a TXT record starting v=DMARC1), so receivers do not send the reports there (RFC 7489 section 7.1). Ask the report service to publish it, or use an address at this domain.",
                    q.name
                ),
            });
        }
    }
    if need.is_empty() {
        Step::Done(out)
    } else {
        Step::Need(need)
    }
}
