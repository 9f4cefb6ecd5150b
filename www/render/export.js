// Exports of a report: the diagnosis as plain text (for a support ticket) and as Markdown, and
// expandAll for printing (every section opened, then restored).

import { fmtDuration, fmtUtc, mailbox } from "./format.js";
import { OUTCOMES, PARTY, arr, diagnosisOf, normalizeReport } from "./model.js";

// Opens every section (for printing); returns a function that restores the previous state.
export function expandAll(root) {
  const closed = [...root.querySelectorAll("details:not([open])")];
  for (const d of closed) d.open = true;
  return () => { for (const d of closed) d.open = false; };
}

function exportParts(input) {
  const report = normalizeReport(input);
  const d = diagnosisOf(report);
  const msg = report.message;
  const facts = [
    ["From", mailbox(msg.from)], ["To", arr(msg.to).map(mailbox).join(", ")], ["Subject", msg.subject],
    ["Date", msg.date && msg.date.text], ["Message-ID", msg.message_id],
    ["Sending IP", report.sending_ip && report.sending_ip.ip],
    ["Reverse DNS", report.reverse_dns && (report.reverse_dns.status === "found" ? arr(report.reverse_dns.names).join(", ") : report.reverse_dns.detail)],
    ["Delivery time", report.delivery_ms != null ? fmtDuration(report.delivery_ms) : null],
  ].filter(([, v]) => v !== undefined && v !== null && v !== "");
  const problems = report.findings.filter((f) => f.severity === "problem" || f.severity === "warning");
  return { report, d, facts, problems };
}

// The diagnosis as plain text, for a support ticket.
export function reportAsText(input) {
  const { report, d, facts, problems } = exportParts(input);
  const out = [];
  out.push(`E-mail diagnosis (${report.generator || "mailtrace"}, ${fmtUtc(report.analyzed_at_ms)})`);
  if (!d.fromFindings) out.push(`Outcome: ${OUTCOMES[d.outcome]}`);
  out.push(d.headline, "");
  d.causes.forEach((c, i) => {
    const meta = [c.severity, c.certainty, PARTY[c.party]].filter(Boolean).join(", ");
    out.push(`${i + 1}. ${c.title}${meta ? ` [${meta}]` : ""}`);
    if (c.detail) out.push(`   ${c.detail}`);
    if (c.fix) out.push(`   How to fix: ${c.fix}`);
    for (const e of arr(c.evidence)) if (e.text) out.push(`   Evidence${Number.isInteger(e.line) ? ` (line ${e.line})` : ""}: ${e.text}`);
  });
  if (d.causes.length) out.push("");
  out.push("The message:");
  for (const [k, v] of facts) out.push(`  ${k}: ${v}`);
  if (!d.fromFindings && problems.length) {
    out.push("", "Findings:");
    for (const f of problems) out.push(`  - [${f.severity}] ${f.title}`);
  }
  return `${out.join("\n")}\n`;
}

const mdEscape = (s) => String(s ?? "").replace(/\r?\n/g, " ").replace(/([\\`*_[\]<>|~])/g, "\\$1");
// For text that starts a line: a leading "#", "-", "+" or "1." would be read as Markdown syntax.
const mdLine = (s) => mdEscape(s).replace(/^([#+-]|\d+\.)/, "\\$1");
const mdCode = (s) => {
  const t = String(s ?? "").replace(/\r?\n/g, " ");
  const ticks = (t.match(/`+/g) || []).reduce((m, x) => Math.max(m, x.length), 0);
  const fence = "`".repeat(ticks + 1);
  return `${fence}${ticks ? " " : ""}${t}${ticks ? " " : ""}${fence}`;
};

// The diagnosis as Markdown.
export function reportAsMarkdown(input) {
  const { report, d, facts, problems } = exportParts(input);
  const out = [];
  out.push(`## E-mail diagnosis`, "");
  if (!d.fromFindings) out.push(`**Outcome:** ${mdEscape(OUTCOMES[d.outcome])}`, "");
  out.push(mdLine(d.headline), "");
  d.causes.forEach((c, i) => {
    const meta = [c.severity, c.certainty, PARTY[c.party]].filter(Boolean).join(", ");
    out.push(`${i + 1}. **${mdEscape(c.title)}**${meta ? ` _(${mdEscape(meta)})_` : ""}`);
    if (c.detail) out.push(`   ${mdEscape(c.detail)}`);
    if (c.fix) out.push(`   **How to fix:** ${mdEscape(c.fix)}`);
    for (const e of arr(c.evidence)) if (e.text) out.push(`   - ${Number.isInteger(e.line) ? `line ${e.line}: ` : ""}${mdCode(e.text)}`);
  });
  out.push("", "### The message", "", "| | |", "|---|---|");
  for (const [k, v] of facts) out.push(`| ${mdEscape(k)} | ${mdEscape(v)} |`);
  if (!d.fromFindings && problems.length) {
    out.push("", "### Findings", "");
    for (const f of problems) out.push(`- **${f.severity}**: ${mdEscape(f.title)}`);
  }
  out.push("", `_${mdEscape(report.generator || "mailtrace")}, ${mdEscape(fmtUtc(report.analyzed_at_ms))}_`);
  return `${out.join("\n")}\n`;
}
