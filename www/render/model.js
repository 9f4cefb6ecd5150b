// The report as the renderer reads it: normalizeReport (a shared link is untrusted input, so every
// part is checked for its shape), looksLikeReport, the diagnosis (the report's own, else the most
// severe findings) as the page and the exports show it (diagnosisView: no sentence twice, as the
// CLI's text), severities, outcomes, parties, sources and actors in words, and DNS records in
// their presentation form.

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
    notices: arr(report.notices).filter((n) => n && typeof n === "object" && typeof n.text === "string"),
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
  unknown: "Not shown by the paste",
};

// The same words as the CLI's text (src/present/render.rs).
export const ACTORS = {
  sender: "the sender",
  sender_provider: "the sender's provider or domain admin",
  recipient: "the recipient",
  recipient_admin: "the recipient's mail admin",
};
export const SOURCES = {
  receiver: "recorded by the receiver",
  bounce: "from the bounce",
  live: "live check today",
  headers: "from the headers",
};
export const CERTAINTY = { certain: "certain", likely: "likely" };

const str = (v) => (v == null ? "" : String(v));
const actionsOf = (list) => arr(list).filter((a) => a && typeof a === "object" && a.text != null)
  .map((a) => ({ who: Object.hasOwn(ACTORS, a.who) ? a.who : "", text: str(a.text) }));
function causeOf(c) {
  return {
    code: str(c.code),
    topic: str(c.topic),
    title: str(c.title),
    detail: str(c.detail),
    fix: str(c.fix),
    actions: actionsOf(c.actions),
    certainty: Object.hasOwn(CERTAINTY, c.certainty) ? c.certainty : "",
    party: ["sender", "receiver", "unknown"].includes(c.party) ? c.party : "",
    source: Object.hasOwn(SOURCES, c.source) ? c.source : "",
    evidence: arr(c.evidence).filter((e) => e && typeof e === "object"),
  };
}

// The diagnosis: the report's own when present, else the most severe findings.
export function diagnosisOf(report) {
  const d = report.diagnosis;
  if (d && typeof d === "object" && !Array.isArray(d)) {
    return {
      fromFindings: false,
      outcome: Object.hasOwn(OUTCOMES, d.outcome) ? d.outcome : "unknown",
      headline: str(d.headline),
      summary: str(d.summary),
      actions: actionsOf(d.actions),
      causes: arr(d.causes).filter((c) => c && typeof c === "object").map(causeOf),
      advice: arr(d.advice).filter((c) => c && typeof c === "object").map(causeOf),
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
    summary: "",
    actions: [],
    causes: top.map((f) => ({
      ...causeOf({ title: f.title, detail: f.detail, code: f.code, evidence: f.evidence }),
      severity: f.severity,
    })),
    advice: [],
  };
}

// Sentences: text up to ". ", "! " or "? " before a capital, a digit or a quote (as the core
// splits them, src/vocab/text.rs).
export function splitSentences(text) {
  const s = str(text);
  const out = [];
  let start = 0;
  for (let i = 0; i < s.length; i += 1) {
    if (".!?".includes(s[i]) && s[i + 1] === " " && /[A-Z0-9"]/.test(s[i + 2] || "")) {
      const part = s.slice(start, i + 1).trim();
      if (part) out.push(part);
      start = i + 1;
    }
  }
  const rest = s.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

// The sentences said so far in one view: fresh(text) is the text without those already said.
function said() {
  const seen = new Set();
  return (text) => {
    const kept = [];
    for (const sentence of splitSentences(text)) {
      const key = sentence.replace(/\.+$/, "");
      if (!seen.has(key)) { seen.add(key); kept.push(sentence); }
    }
    return kept.join(" ");
  };
}

// The diagnosis as the page, the widget and the exports show it, in the CLI's order and words
// (src/present/render.rs `diagnosis`): the notices; the customer's view (outcome, summary, what
// to do by whoever can act); the agent's (headline, causes with certainty, party, source,
// explanation, actions and evidence; then what is worth fixing). A sentence said earlier is
// left out later, so none is said twice.
export function diagnosisView(report) {
  const d = diagnosisOf(report);
  const fresh = said();
  const summary = fresh(d.summary);
  const actions = d.actions.map((a) => ({ ...a, text: fresh(a.text) })).filter((a) => a.text);
  const groups = [];
  for (const a of actions) {
    let g = groups.find((x) => x.who === a.who);
    if (!g) { g = { who: a.who, label: ACTORS[a.who] || "anyone", items: [] }; groups.push(g); }
    g.items.push(a.text);
  }
  const headline = fresh(d.headline);
  const causes = d.causes.map((c) => {
    fresh(c.title);
    const detail = fresh(c.detail);
    const cActions = c.actions.map((a) => ({ ...a, text: fresh(a.text) })).filter((a) => a.text);
    const fix = c.actions.length ? "" : fresh(c.fix);
    const meta = [CERTAINTY[c.certainty], PARTY[c.party], SOURCES[c.source]].filter(Boolean);
    return { ...c, detail, actions: cActions, fix, meta, evidence: c.evidence.slice(0, 3) };
  });
  const advice = d.advice.map((c) => ({ ...c, title: fresh(c.title), fix: fresh(c.fix) }))
    .filter((c) => c.title || c.fix);
  return {
    fromFindings: d.fromFindings,
    outcome: d.outcome,
    outcomeWord: OUTCOMES[d.outcome],
    notices: report.notices.map((n) => ({ code: str(n.code), text: str(n.text) })),
    summary, actions, groups, headline, causes, advice,
  };
}

export const PARTY = { sender: "sender's side", receiver: "receiver's side", unknown: "side unclear" };

// One record's data in the zone-file presentation form (as `RData::presentation` in the core):
// an MX as "10 mx.example.", TXT as quoted strings, never JSON.
export function recordText(r) {
  const data = r ? r.data : undefined;
  switch (r && r.type) {
    case "A": case "AAAA": return str(data);
    case "NS": case "CNAME": case "PTR": return `${str(data)}.`;
    case "MX": {
      const m = obj(data);
      return `${m.preference ?? "?"} ${str(m.exchange)}.`;
    }
    case "TXT": return arr(data).map((t) => `"${str(t).replace(/\\/g, "\\\\").replace(/"/g, "\\\"")}"`).join(" ");
    case "SOA": return "(SOA)";
    default: {
      const o = obj(data);
      return o.code != null ? `TYPE${o.code} (${o.length ?? "?"} bytes)` : str(typeof data === "object" ? "" : data);
    }
  }
}

const RCODES = { noerror: "no such record", nxdomain: "the name does not exist", servfail: "server failure", refused: "refused" };
const rcodeWord = (rcode) => (typeof rcode === "string" ? rcode : obj(rcode).other != null ? `rcode ${obj(rcode).other}` : "rcode");

// A DNS lookup's result (records, rcode, error or pending) as one line of text.
export function dnsResultText(x) {
  if (x.answer && typeof x.answer === "object") {
    const records = arr(x.answer.records);
    const rcode = rcodeWord(x.answer.rcode);
    return records.length
      ? records.map(recordText).join(", ")
      : `${rcode} (${RCODES[rcode] || "no records"})`;
  }
  if (x.error && typeof x.error === "object") {
    return `could not check: ${x.error.kind}${x.error.detail !== undefined ? ` (${x.error.detail})` : ""}`;
  }
  return x.status === "pending" ? "asking…" : str(x.status);
}
