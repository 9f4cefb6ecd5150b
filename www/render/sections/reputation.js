// The "Reputation" section: the blocklists (IP and domain lists) for the sending IP and the
// domains, forward-confirmed reverse DNS, the HELO name and the MX hosts of both sides, each in a
// table that states the findings about it once (the sending IP itself is in the overview).

import { breakable, el, link, linkified } from "../dom.js";
import { arr, obj } from "../model.js";
import { row, section, table } from "../blocks.js";

// The findings the tables below state (blocklists, reverse DNS, HELO, MX): shown once, in the
// tables, with their severity on the table's heading.
function tabledBy(rep) {
  if (!rep || rep.state === "skipped") return () => false;
  const tables = [
    ["blocklist.ip.", rep.blocklists], ["blocklist.domain.", arr(rep.domain_lists).length ? rep.domain_lists : null],
    ["rdns.", rep.fcrdns], ["helo.", rep.helo], ["mx-recipient.", rep.recipient_mx], ["mx.", rep.sender_mx],
  ];
  return (f) => tables.some(([prefix, data]) => data && f.code.startsWith(prefix));
}

export function reputationSection(report, findings) {
  const rep = report.reputation && typeof report.reputation === "object" ? obj(report.reputation) : null;
  const tabled = tabledBy(rep);
  const { details, body } = section("reputation", "Reputation", findings, null, tabled);
  if (rep) {
    body.append(reputationBlock(rep, findings.filter(tabled)));
  } else if (!findings.length) {
    body.append(el("p", "Blocklist checks are not in this build yet.", "muted"));
  }
  return details;
}

export function listTable(lists, id) {
  const rows = arr(lists).map((l) => {
    const tr = el("tr", null, `list-${l.status}`);
    tr.dataset.zone = String(l.zone ?? "");
    const meaning = arr(l.codes).map((c) => `${c.answer} ${c.name}: ${c.meaning}`).join(" ");
    const what = el("td");
    what.append(el("span", l.explanation || meaning));
    if (l.reason) what.append(el("br"), linkified("span", `The list's reason: ${l.reason}`, "finding-detail"));
    const links = el("td");
    if (l.lookup_url) links.append(link(l.lookup_url, "look up"));
    if (l.delist_url) links.append(el("span", " · "), link(l.delist_url, "delisting"));
    tr.append(el("td", l.list || l.zone), el("td", String(l.status ?? "").replace(/_/g, " "), `status-${l.status}`), what, links);
    return tr;
  });
  const t = table(["List", "Status", "What it means", "Links"], rows);
  if (id) t.id = id;
  return t;
}

// A heading with the severity of the findings its table states, and their codes.
function heading(text, findings, prefix) {
  const mine = findings.filter((f) => f.code.startsWith(prefix));
  const h = el("h3", text);
  const worst = mine.find((f) => f.severity === "problem") || mine.find((f) => f.severity === "warning");
  if (worst) h.append(" ", el("span", worst.severity, `badge sev-tag`));
  if (worst) h.lastChild.dataset.severity = worst.severity;
  if (mine.length) h.dataset.codes = mine.map((f) => f.code).join(" ");
  return h;
}

function reputationBlock(rep, findings) {
  const box = el("div", null, "reputation");
  box.id = "reputation-data";
  if (rep.state === "skipped") {
    box.append(el("p", rep.note || "Not checked.", "finding-detail"));
    return box;
  }
  if (rep.note) box.append(el("p", rep.note, "finding-detail"));
  const bl = obj(rep.blocklists);
  if (rep.blocklists) {
    box.append(heading(`Blocklists for ${bl.ip}`, findings, "blocklist.ip."), listTable(bl.lists, "blocklists"));
  }
  const f = obj(rep.fcrdns);
  if (rep.fcrdns) {
    box.append(heading(`Reverse DNS of the sending IP, forward-confirmed`, findings, "rdns."));
    const dl = el("dl");
    row(dl, "Status", String(f.status ?? "").replace(/_/g, " "));
    row(dl, "PTR names", arr(f.names).map((n) => `${n.name} → ${arr(n.addresses).join(", ") || "no address"}${n.matches ? " (matches)" : ""}`).join("; "));
    row(dl, "Generic name", arr(f.generic).map((g) => `${g.name} ("${g.matched}"): ${g.why}`).join("; "));
    row(dl, "Meaning", f.explanation);
    box.append(dl);
  }
  const h = obj(rep.helo);
  if (rep.helo) {
    box.append(heading("HELO name", findings, "helo."));
    const dl = el("dl");
    row(dl, "Name", h.helo);
    row(dl, "Status", String(h.status ?? "").replace(/_/g, " "));
    row(dl, "Meaning", h.explanation);
    box.append(dl);
  }
  for (const [label, mx, prefix] of [["The sender's mail servers (MX)", rep.sender_mx, "mx."], ["The recipient's mail servers (MX)", rep.recipient_mx, "mx-recipient."]]) {
    if (!mx) continue;
    const m = obj(mx);
    box.append(heading(`${label}: ${m.domain}`, findings, prefix));
    const rows = arr(m.hosts).map((x) => {
      const tr = el("tr");
      tr.append(el("td", x.preference ?? ""), breakable("td", x.exchange || "(null MX)", "mono"), breakable("td", arr(x.addresses).join(", ")), el("td", x.problem ?? x.warning ?? (x.cname ? `CNAME to ${x.cname}` : "")));
      return tr;
    });
    if (rows.length) box.append(table(["Preference", "Host", "Addresses", "Note"], rows));
    box.append(el("p", m.explanation ?? "", "finding-detail"));
  }
  for (const d of arr(rep.domain_lists)) {
    box.append(heading(`Domain lists for ${d.domain}`, findings.filter((f) => f.code.startsWith("blocklist.domain.") && f.title.includes(d.domain)), "blocklist.domain."), listTable(d.lists));
  }
  return box;
}
