// The "Bounce" section: the kind of notice, who refused the message, each recipient's code,
// reason and advice, the facts for a support case, and where the returned message starts.

import { breakable, el, link, linkified } from "../dom.js";
import { arr, obj } from "../model.js";
import { section, table } from "../blocks.js";

export function bounceSection(report, findings) {
  const { details, body } = section("bounce", "Bounce", findings);
  const b = report.bounce;
  if (b && typeof b === "object") {
    const box = el("div", null, "bounce");
    box.id = "bounce-data";
    const kinds = { bounce: "A bounce: delivery failed", delay: "A delay notice: delivery is being retried", feedback: "A spam complaint (feedback report), not a bounce", auto_reply: "An automatic reply, not a bounce" };
    box.append(el("h3", kinds[b.kind] || String(b.kind)), el("p", b.summary));
    const refused = { sender_server_at_send: "The sender's own server refused it while the mail program was sending; nothing was sent.", remote_server: "The recipient's server refused it; the sender's server then sent this bounce.", sender_server: "The sender's server gave up (no connection, DNS failure or timeout) without a refusal from the recipient's side." };
    if (refused[b.refused_by]) box.append(el("p", refused[b.refused_by]));
    const rows = arr(b.recipients).map((r) => {
      const tr = el("tr", null, r.hard ? "hard" : "soft");
      const diag = el("td");
      if (r.diagnostic) diag.append(linkified("span", r.diagnostic, "mono"));
      const why = el("td");
      why.append(el("strong", `${r.reason}: `), el("span", r.reason_explanation), el("br"), el("span", `What to do: ${r.advice}`));
      if (r.blocklist) {
        const bl = obj(r.blocklist);
        why.append(el("br"), el("span", `Blocklist named: ${bl.name} — `), link(bl.lookup_url, "look up"), el("span", " · "), link(bl.delist_url, "delisting"));
      }
      if (r.auth) why.append(el("br"), el("span", `Authentication named (${String(r.auth).replace("_", " and ").toUpperCase()}): see the Authentication section for the live check of the returned message.`));
      tr.append(breakable("td", r.address, "mono"), el("td", r.hard ? "permanent" : "temporary (retried)"),
        el("td", [r.reply_code, r.status].filter((x) => x != null).join(" ")), el("td", r.status_explanation ?? ""), diag, why);
      return tr;
    });
    if (rows.length) {
      const t = table(["Recipient", "Kind", "Code", "Code means", "The server's words", "Why, and what to do"], rows);
      t.id = "bounce-recipients";
      box.append(t);
    }
    const facts = obj(b.case_facts);
    if (facts.text) {
      box.append(el("h4", "Facts for the support case"));
      const pre = breakable("pre", facts.text, "case-facts");
      pre.id = "case-facts";
      box.append(pre);
    }
    const o = obj(b.original);
    if (b.original) box.append(el("p", `The returned message starts at line ${o.line}${o.headers_only ? " (headers only)" : ""}; the other sections analyze it.`));
    body.append(box);
  } else if (!findings.length) {
    body.append(el("p", "No bounce (delivery status notification) in what was pasted.", "muted"));
  }
  return details;
}
