// The "DNS lookups (evidence)" section: every question asked and its answer, records in their
// zone-file presentation form (an MX as "10 mx.example.", TXT as quoted strings).

import { breakable, el } from "../dom.js";
import { dnsResultText } from "../model.js";
import { section } from "../blocks.js";

export function dnsSection(report) {
  const { details, body } = section("dns", "DNS lookups (evidence)", [], `${report.dns.length} question${report.dns.length === 1 ? "" : "s"}`);
  const ul = el("ul");
  ul.id = "dns";
  for (const x of report.dns) {
    const li = el("li", null, "mono");
    li.dataset.status = String(x.status ?? "");
    li.append(breakable("span", `${x.name} ${x.type}`, "question"), document.createTextNode(" → "), breakable("span", dnsResultText(x), "answer"));
    ul.append(li);
  }
  if (!report.dns.length) body.append(el("p", report.live ? "No question was asked." : "Live lookups were off: nothing was asked.", "muted"));
  body.append(ul);
  return details;
}
