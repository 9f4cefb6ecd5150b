// The domain check's report (a domain's mail set-up: findings, the SPF record and its trace, the
// DKIM selectors) and the answer to the SPF question ("would this IP pass SPF for this
// sender?": the result, its trace, the record's problems, what receivers would do), rendered
// apart from a message's report.

import { breakable, el } from "../dom.js";
import { arr, obj } from "../model.js";
import { findingItem, table } from "../blocks.js";
import { spfTrace } from "./auth.js";

export function renderDomainReport(root, r) {
  const box = el("section", null, "domain-report panel");
  box.id = "domain-report";
  box.dataset.complete = String(!!r.complete);
  box.setAttribute("aria-labelledby", "domain-report-h");
  const h = el("h3", `Mail set-up of ${r.domain}`);
  h.id = "domain-report-h";
  box.append(h);
  const findings = arr(r.findings);
  // A domain that does not exist is one finding (the core leaves the others out).
  const missing = findings.length === 1 && findings[0].code === "mx.no-domain";
  const problems = findings.filter((f) => f.severity !== "info");
  if (!missing) box.append(el("p", problems.length ? `${problems.length} thing(s) to fix or check, most important first.` : r.complete ? "Nothing wrong was found." : "Checking…"));
  const ul = el("ul", null, "findings domain-findings");
  for (const f of findings) ul.append(findingItem(f));
  box.append(ul);
  if (!missing && r.spf && r.spf.record) {
    const spf = obj(r.spf);
    const d = el("details");
    d.id = "domain-spf";
    d.append(el("summary", `SPF record of ${spf.domain}: ${spf.lookups} of 10 DNS-querying terms`), breakable("p", spf.record, "mono"), spfTrace(spf));
    box.append(d);
  }
  const dkim = arr(r.dkim);
  if (!missing && dkim.length) {
    box.append(table(["DKIM selector", "Status", "Key", "Problems"], dkim.map((k) => {
      const tr = el("tr");
      const key = obj(k.key);
      tr.append(el("td", k.selector, "mono"), el("td", String(k.status ?? "").replace(/_/g, " ")), el("td", k.key ? `${key.key_type || "rsa"}${key.bits ? `, ${key.bits} bits` : ""}` : ""), el("td", arr(k.problems).map((p) => p.message).join(" ")));
      return tr;
    })));
  }
  root.replaceChildren(box);
}

const RESULT_WORDS = {
  pass: "would pass SPF", fail: "would fail SPF (the domain says this IP may not send for it)",
  softfail: "would get softfail (probably not allowed; usually accepted but marked)", neutral: "would get neutral (the domain says nothing either way)",
  none: "would get none (the domain publishes no SPF record)", permerror: "would get permerror (the domain's SPF record is broken)",
  temperror: "could not be checked (a DNS lookup failed)",
};

// The answer to "would this IP pass SPF for this sender?", as `mailtrace spf` prints it.
export function renderSpfAnswer(root, r) {
  const a = obj(r);
  const o = obj(a.outcome);
  const box = el("section", null, "spf-answer panel");
  box.id = "spf-answer";
  box.dataset.complete = String(!!a.complete);
  box.setAttribute("aria-labelledby", "spf-answer-h");
  const h = el("h3", `SPF for ${a.ip} sending as ${a.mail_from}`);
  h.id = "spf-answer-h";
  box.append(h);
  if (!a.outcome) {
    box.append(el("p", a.complete ? "The check did not finish (the lookups were stopped)." : "Checking…", "pending"));
    root.replaceChildren(box);
    return;
  }
  box.dataset.result = String(o.result ?? "");
  const head = el("p", null, "spf-verdict");
  head.append(el("strong", `${a.ip} ${RESULT_WORDS[o.result] || o.result} for ${o.domain}. `), el("span", o.summary));
  box.append(head);
  if (o.record) box.append(breakable("p", `Record of ${o.domain}: ${o.record}`, "mono"));
  box.append(el("p", `DNS-querying terms: ${o.lookups} of 10; void lookups: ${o.void_lookups} of 2.${o.deciding_term ? ` Decided by ${o.deciding_term}.` : ""}`));
  box.append(spfTrace(o));
  if (o.explanation) box.append(el("p", `The domain's own explanation: ${o.explanation}`));
  if (arr(a.lint).length) {
    const ul = el("ul", null, "lint");
    for (const l of arr(a.lint)) ul.append(el("li", `${l.severity}: ${l.message}`));
    box.append(el("h4", "Problems with the record"), ul);
  }
  if (arr(a.receiver_policy).length) {
    box.append(el("h4", "What receivers would do with this result"),
      table(["Receiver setting", "Action"], arr(a.receiver_policy).map((p) => { const tr = el("tr"); tr.append(el("td", p.setting), el("td", String(p.action ?? "").replace(/_/g, " "))); return tr; })));
  }
  root.replaceChildren(box);
}
