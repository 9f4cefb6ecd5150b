// The report as the renderer reads it: normalizeReport (a shared link is untrusted input, so every
// part is checked for its shape), looksLikeReport, the diagnosis (the report's own, else the most
// severe findings), severities, outcomes and parties, and the text of a DNS lookup's result.

export const arr = (v) => (Array.isArray(v) ? v : []);
export const obj = (v) => (v && typeof v === "object" && !Array.isArray(v) ? v : {});

// A report as the renderer expects it, whatever came in (a shared link is untrusted input).
export function normalizeReport(r) {
  const report = obj(r);
  return {
    ...report,
    input: obj(report.input),
    message: obj(report.message),
    hops: arr(report.hops).filter((h) => h && typeof h === "object"),
    recorded_auth: arr(report.recorded_auth).filter((a) => a && typeof a === "object"),
    recorded_spf: arr(report.recorded_spf).filter((a) => a && typeof a === "object"),
    sender: obj(report.sender),
    spam: arr(report.spam).filter((a) => a && typeof a === "object"),
    headers: arr(report.headers).filter((a) => a && typeof a === "object"),
    findings: arr(report.findings).filter((f) => f && typeof f === "object" && typeof f.code === "string"),
    dns: arr(report.dns).filter((a) => a && typeof a === "object"),
  };
}

export function looksLikeReport(r) {
  return !!r && typeof r === "object" && typeof r.schema_version === "number"
    && Array.isArray(r.findings) && typeof r.message === "object";
}

const SEVERITY_ORDER = { problem: 0, warning: 1, info: 2 };
export const sevRank = (s) => SEVERITY_ORDER[s] ?? 3;

export const OUTCOMES = {
  delivered: "Delivered",
  spam: "Sent to spam",
  rejected: "Rejected",
  bounced: "Bounced",
  delayed: "Delayed",
  complaint: "Reported as spam",
  unknown: "Outcome unknown",
};

// The diagnosis: the report's own when present, else the most severe findings.
export function diagnosisOf(report) {
  const d = report.diagnosis;
  if (d && typeof d === "object" && !Array.isArray(d)) {
    return {
      fromFindings: false,
      outcome: Object.hasOwn(OUTCOMES, d.outcome) ? d.outcome : "unknown",
      headline: String(d.headline ?? ""),
      causes: arr(d.causes).filter((c) => c && typeof c === "object").map((c) => ({
        title: String(c.title ?? ""),
        detail: c.detail != null ? String(c.detail) : "",
        fix: c.fix != null ? String(c.fix) : "",
        certainty: c.certainty === "certain" || c.certainty === "likely" ? c.certainty : "",
        party: ["sender", "receiver", "unknown"].includes(c.party) ? c.party : "",
        evidence: arr(c.evidence).filter((e) => e && typeof e === "object"),
      })),
    };
  }
  const top = [...report.findings]
    .filter((f) => f.severity === "problem" || f.severity === "warning")
    .sort((a, b) => sevRank(a.severity) - sevRank(b.severity))
    .slice(0, 5);
  const problems = report.findings.filter((f) => f.severity === "problem").length;
  return {
    fromFindings: true,
    outcome: "unknown",
    headline: top.length
      ? `${problems ? `${problems} problem${problems > 1 ? "s" : ""} found` : "No problem found, but worth a look"}: the most important findings first.`
      : "Nothing wrong was found in these headers.",
    causes: top.map((f) => ({
      title: String(f.title ?? ""), detail: String(f.detail ?? ""), fix: "", certainty: "",
      party: "", severity: f.severity, code: f.code, evidence: arr(f.evidence),
    })),
  };
}

export const PARTY = { sender: "the sender's side", receiver: "the receiver's side", unknown: "side unknown" };

// A DNS lookup's result (records, rcode, error or pending) as one line of text.
export function dnsResultText(x) {
  if (x.answer && typeof x.answer === "object") {
    const records = arr(x.answer.records);
    return records.length
      ? records.map((r) => `${r.type} ${JSON.stringify(r.data)}`).join(", ")
      : `${x.answer.rcode}, no records`;
  }
  if (x.error && typeof x.error === "object") {
    return `could not check: ${x.error.kind}${x.error.detail !== undefined ? ` (${x.error.detail})` : ""}`;
  }
  return x.status === "pending" ? "asking…" : String(x.status ?? "");
}
