// Building blocks shared by the sections: definition-list rows, tables, findings grouped under the
// heading each finding carries (its `group`, from the core's registry data/findings.tsv), the
// generic view of any JSON value, and a section's collapsible frame with its severity badge.

import { breakable, el, linkified } from "./dom.js";
import { arr, sevRank } from "./model.js";

export function row(dl, term, value, className) {
  if (value === undefined || value === null || value === "") return null;
  dl.append(el("dt", term));
  const dd = breakable("dd", value, className);
  dl.append(dd);
  return dd;
}

export function evidenceList(evidence) {
  const ul = el("ul", null, "evidence");
  for (const e of evidence) {
    if (!e || e.text == null || e.text === "") continue;
    const line = Number.isInteger(e.line) ? `line ${e.line}: ` : "";
    ul.append(linkified("li", `${line}${e.text}`, "mono"));
  }
  return ul.childElementCount ? ul : null;
}

export function findingItem(f) {
  const li = el("li", null, `finding sev-${f.severity}`);
  li.dataset.code = f.code;
  li.append(el("strong", `${f.severity}: `, `sev-${f.severity}`), el("span", f.title, "finding-title"));
  if (f.detail) li.append(linkified("span", f.detail, "finding-detail"));
  const ev = evidenceList(arr(f.evidence));
  if (ev) li.append(ev);
  return li;
}

// Findings grouped under the heading the report gives each (the core's registry of codes,
// data/findings.tsv: the CLI uses the same).
function findingsBlock(findings, sectionTitle) {
  const box = el("div", null, "findings");
  const groups = new Map();
  for (const f of findings) {
    const title = typeof f.group === "string" && f.group ? f.group : "Other";
    if (!groups.has(title)) groups.set(title, []);
    groups.get(title).push(f);
  }
  for (const [title, list] of groups) {
    const section = el("section", null, "finding-group");
    if (title !== sectionTitle || groups.size > 1) section.append(el("h4", title));
    const ul = el("ul");
    for (const f of list.sort((a, b) => sevRank(a.severity) - sevRank(b.severity))) ul.append(findingItem(f));
    section.append(ul);
    box.append(section);
  }
  return box;
}

// A table in a box that scrolls sideways when it must (never the page); on a phone its rows
// are stacked, each cell labelled with its column's heading (render.css, `table.stack`).
export function table(headers, rows, id) {
  const t = el("table", null, "stack");
  for (const r of rows) {
    [...r.children].forEach((cell, i) => { if (headers[i]) cell.dataset.label = headers[i]; });
  }
  if (id) t.id = id;
  const thead = el("thead");
  const tr = el("tr");
  for (const h of headers) {
    const th = el("th", h);
    th.scope = "col";
    tr.append(th);
  }
  thead.append(tr);
  const tbody = el("tbody");
  for (const r of rows) tbody.append(r);
  t.append(thead, tbody);
  // A wide table scrolls inside its own box, which a keyboard user can focus to scroll it.
  const wrap = el("div", null, "scroll");
  wrap.tabIndex = 0;
  wrap.append(t);
  return wrap;
}

// Any JSON value as key/value tables and lists (for report parts this page has no special view
// for yet: report.auth, report.reputation, report.bounce).
export function genericValue(value, depth = 0) {
  if (value === null || value === undefined) return el("span", "—", "muted");
  if (typeof value !== "object") return linkified("span", String(value), typeof value === "string" ? "" : "mono");
  if (depth > 6) return el("span", "…");
  if (Array.isArray(value)) {
    if (!value.length) return el("span", "none", "muted");
    const ul = el("ul", null, "generic-list");
    for (const item of value.slice(0, 500)) {
      const li = el("li");
      li.append(genericValue(item, depth + 1));
      ul.append(li);
    }
    return ul;
  }
  const tbl = el("table", null, "kv");
  const tbody = el("tbody");
  for (const [k, v] of Object.entries(value)) {
    const tr = el("tr");
    const th = el("th", k.replace(/_/g, " "));
    th.scope = "row";
    const td = el("td");
    td.append(genericValue(v, depth + 1));
    tr.append(th, td);
    tbody.append(tr);
  }
  tbl.append(tbody);
  return tbl;
}

function severityBadge(findings) {
  const counts = { problem: 0, warning: 0 };
  for (const f of findings) if (f.severity in counts) counts[f.severity] += 1;
  const parts = [];
  if (counts.problem) parts.push(`${counts.problem} problem${counts.problem > 1 ? "s" : ""}`);
  if (counts.warning) parts.push(`${counts.warning} warning${counts.warning > 1 ? "s" : ""}`);
  const badge = el("span", parts.length ? parts.join(", ") : findings.length ? "for information" : "", "badge");
  badge.dataset.severity = counts.problem ? "problem" : counts.warning ? "warning" : "info";
  return badge;
}

// A section's frame: its summary (title, note, severity badge) and its findings grouped.
// `shownBy(finding)`: the finding is stated by the section's own tables, so it is not listed
// again (it still counts in the badge).
export function section(id, title, findings, extraSummary, shownBy) {
  const details = el("details", null, "section panel");
  details.id = `sec-${id}`;
  details.dataset.section = id;
  const summary = el("summary");
  summary.append(el("span", title, "section-title"));
  if (extraSummary) summary.append(el("span", extraSummary, "section-note"));
  summary.append(severityBadge(findings));
  details.append(summary);
  const body = el("div", null, "section-body");
  details.append(body);
  const listed = shownBy ? findings.filter((f) => !shownBy(f)) : findings;
  if (listed.length) body.append(findingsBlock(listed, title));
  return { details, body };
}
