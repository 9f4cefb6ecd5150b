// The "Reputation" section: the sending IP, the blocklists (IP and domain lists), forward-confirmed
// reverse DNS, the HELO name and the MX hosts of both sides.

import { el, link, linkified } from "../dom.js";
import { arr, obj } from "../model.js";
import { row, section, table } from "../blocks.js";

export function reputationSection(report, findings) {
  const { details, body } = section("reputation", "Reputation", findings);
  const dl = el("dl");
  const sip = report.sending_ip;
  row(dl, "Sending IP", sip && typeof sip === "object" ? sip.ip : "not found");
  const rdns = report.reverse_dns;
  if (rdns && typeof rdns === "object") row(dl, "Reverse DNS", rdns.detail || String(rdns.status ?? ""));
  body.append(dl);
  if (report.reputation && typeof report.reputation === "object") {
    body.append(reputationBlock(obj(report.reputation)));
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

function reputationBlock(rep) {
  const box = el("div", null, "reputation");
  box.id = "reputation-data";
  if (rep.state === "skipped") {
    box.append(el("p", rep.note || "Not checked.", "finding-detail"));
    return box;
  }
  if (rep.note) box.append(el("p", rep.note, "finding-detail"));
  const bl = obj(rep.blocklists);
  if (rep.blocklists) {
    box.append(el("h3", `Blocklists for ${bl.ip}`), listTable(bl.lists, "blocklists"));
  }
  const f = obj(rep.fcrdns);
  if (rep.fcrdns) {
    box.append(el("h3", "Reverse DNS, forward-confirmed"));
    const dl = el("dl");
    row(dl, "Status", String(f.status ?? "").replace(/_/g, " "));
    row(dl, "PTR names", arr(f.names).map((n) => `${n.name} → ${arr(n.addresses).join(", ") || "no address"}${n.matches ? " (matches)" : ""}`).join("; "));
    row(dl, "Generic name", arr(f.generic).map((g) => `${g.name} ("${g.matched}"): ${g.why}`).join("; "));
    row(dl, "Meaning", f.explanation);
    box.append(dl);
  }
  const h = obj(rep.helo);
  if (rep.helo) {
    box.append(el("h3", "HELO name"));
    const dl = el("dl");
    row(dl, "Name", h.helo);
    row(dl, "Status", String(h.status ?? "").replace(/_/g, " "));
    row(dl, "Meaning", h.explanation);
    box.append(dl);
  }
  for (const [label, mx] of [["The sender's mail servers (MX)", rep.sender_mx], ["The recipient's mail servers (MX)", rep.recipient_mx]]) {
    if (!mx) continue;
    const m = obj(mx);
    box.append(el("h3", `${label}: ${m.domain}`));
    const rows = arr(m.hosts).map((x) => {
      const tr = el("tr");
      tr.append(el("td", x.preference ?? ""), el("td", x.exchange || "(null MX)", "mono"), el("td", arr(x.addresses).join(", ")), el("td", x.problem ?? x.warning ?? (x.cname ? `CNAME to ${x.cname}` : "")));
      return tr;
    });
    if (rows.length) box.append(table(["Preference", "Host", "Addresses", "Note"], rows));
    box.append(el("p", m.explanation ?? "", "finding-detail"));
  }
  for (const d of arr(rep.domain_lists)) {
    box.append(el("h3", `Domain lists for ${d.domain}`), listTable(d.lists));
  }
  return box;
}
