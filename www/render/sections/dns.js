// The "DNS lookups (evidence)" section: every question asked and its answer.

import { el } from "../dom.js";
import { dnsResultText } from "../model.js";
import { section } from "../blocks.js";

export function dnsSection(report) {
  const { details, body } = section("dns", "DNS lookups (evidence)", [], `${report.dns.length} question${report.dns.length === 1 ? "" : "s"}`);
  const ul = el("ul");
  ul.id = "dns";
  for (const x of report.dns) ul.append(el("li", `${x.name} ${x.type} → ${dnsResultText(x)}`, "mono"));
  if (!report.dns.length) body.append(el("p", report.live ? "No question was asked." : "Live lookups were off: nothing was asked.", "muted"));
  body.append(ul);
  return details;
}
