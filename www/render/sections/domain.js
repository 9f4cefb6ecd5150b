// The domain check's report (a domain's mail set-up: findings, the SPF record and its trace, the
// DKIM selectors), rendered apart from a message's report.

import { el } from "../dom.js";
import { arr, obj } from "../model.js";
import { findingItem, table } from "../blocks.js";
import { spfTrace } from "./auth.js";

export function renderDomainReport(root, r) {
  const box = el("section", null, "domain-report panel");
  box.id = "domain-report";
  box.dataset.complete = String(!!r.complete);
  box.append(el("h3", `Mail set-up of ${r.domain}`));
  const problems = arr(r.findings).filter((f) => f.severity !== "info");
  box.append(el("p", problems.length ? `${problems.length} thing(s) to fix or check, most important first.` : "Nothing wrong was found."));
  const ul = el("ul", null, "findings domain-findings");
  for (const f of arr(r.findings)) ul.append(findingItem(f));
  box.append(ul);
  if (r.spf && r.spf.record) {
    const spf = obj(r.spf);
    const d = el("details");
    d.append(el("summary", `SPF record of ${spf.domain}: ${spf.lookups} of 10 DNS-querying terms`), el("p", spf.record, "mono"), spfTrace(spf));
    box.append(d);
  }
  const dkim = arr(r.dkim);
  if (dkim.length) {
    box.append(table(["DKIM selector", "Status", "Key", "Problems"], dkim.map((k) => {
      const tr = el("tr");
      const key = obj(k.key);
      tr.append(el("td", k.selector, "mono"), el("td", k.status), el("td", k.key ? `${key.key_type || "rsa"}${key.bits ? `, ${key.bits} bits` : ""}` : ""), el("td", arr(k.problems).map((p) => p.message).join(" ")));
      return tr;
    })));
  }
  root.replaceChildren(box);
}
