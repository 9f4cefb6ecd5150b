// The "Spam filters" section: each filter's verdict header with its rules and codes explained,
// each code once.

import { el } from "../dom.js";
import { arr } from "../model.js";
import { section } from "../blocks.js";

export function spamSection(report, findings) {
  const { details, body } = section("spam", "Spam filters", findings);
  const spam = el("div");
  spam.id = "spam";
  report.spam.forEach((v, index) => {
    const block = el("div", null, "spam-verdict");
    block.append(el("h3", `${v.filter} (${v.header}, line ${v.line})`));
    block.append(el("p", v.summary, v.is_spam === true ? "sev-problem" : ""));
    // A code stated twice (SCL in the report and in its own header field) is shown once.
    const seen = new Set();
    const items = arr(v.items).filter((item) => {
      const key = `${item.code}=${item.value ?? ""}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const inner = el("details");
    inner.id = `spam-rules-${index}`;
    inner.append(el("summary", `${items.length} rule(s) and code(s)`));
    const ul = el("ul");
    for (const item of items) {
      const score = item.score != null ? ` (${item.score > 0 ? "+" : ""}${item.score})` : "";
      const li = el("li");
      li.append(el("span", `${item.code}${item.value != null ? "=" + item.value : ""}${score}: `, "mono"),
        el("span", item.meaning ?? "unknown code, shown as written"));
      ul.append(li);
    }
    inner.append(ul);
    block.append(inner);
    spam.append(block);
  });
  if (!report.spam.length) spam.append(el("p", "No spam filter headers in what was pasted."));
  body.append(spam);
  return details;
}
