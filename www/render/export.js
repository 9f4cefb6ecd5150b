// Exports of a report: the diagnosis as plain text (for a support ticket) and as Markdown, with
// the same sentences as the page and the CLI's text (diagnosisView), and expandAll for printing
// (every section opened, then restored).

import { fmtDuration, fmtUtc, mailbox } from "./format.js";
import { ACTORS, arr, diagnosisView, normalizeReport } from "./model.js";

// Opens every section (for printing); returns a function that restores the previous state.
export function expandAll(root) {
  const closed = [...root.querySelectorAll("details:not([open])")];
  for (const d of closed) d.open = true;
  return () => { for (const d of closed) d.open = false; };
}

function exportParts(input) {
  const report = normalizeReport(input);
  const view = diagnosisView(report);
  const msg = report.message;
  const facts = [
    ["From", mailbox(msg.from)], ["To", arr(msg.to).map(mailbox).join(", ")], ["Subject", msg.subject],
    ["Date", msg.date && msg.date.text], ["Message-ID", msg.message_id],
    ["Sending IP", report.sending_ip && report.sending_ip.ip],
    ["Reverse DNS", report.reverse_dns && (report.reverse_dns.status === "found" ? arr(report.reverse_dns.names).join(", ") : report.reverse_dns.detail)],
    ["Delivery time", report.delivery_ms != null ? fmtDuration(report.delivery_ms) : null],
  ].filter(([, v]) => v !== undefined && v !== null && v !== "");
  return { report, view, facts };
}

// Text from a message or a DNS answer made inert for a plain-text export (as the CLI's
// present::inert): control characters (a decoded line break that would forge a line, escape
// sequences) and bidi / zero-width characters are shown escaped, never acted on.
export const inert = (s) => String(s ?? "")
  .replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)
  .replace(/[\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, (c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);

const evidenceLine = (e) => `${Number.isInteger(e.line) ? ` (line ${e.line})` : ""}: ${e.text}`;

// The diagnosis as plain text, for a support ticket: the same block as the CLI's text.
export function reportAsText(input) {
  const { report, view, facts } = exportParts(input);
  const out = [];
  out.push(`E-mail diagnosis (${report.generator || "mailtrace"}, ${fmtUtc(report.analyzed_at_ms)})`, "");
  for (const n of view.notices) out.push(`NOTE: ${n.text}`, "");
  out.push("Diagnosis");
  if (!view.fromFindings) out.push(`  Outcome: ${view.outcomeWord}`);
  if (view.summary) out.push(`  ${view.summary}`);
  if (view.actions.length) {
    out.push("  What to do:");
    for (const a of view.actions) out.push(`    - ${ACTORS[a.who] || "anyone"}: ${a.text}`);
  }
  if (view.causes.length || view.headline) out.push("", view.fromFindings ? "  The most important findings" : "  Why (for the support agent)");
  if (view.headline) out.push(`  ${view.headline}`);
  view.causes.forEach((c, i) => {
    const meta = [c.severity, ...c.meta].filter(Boolean).join("; ");
    out.push(`  ${i + 1}. ${c.title}${meta ? ` (${meta})` : ""}`);
    if (c.detail) out.push(`     ${c.detail}`);
    for (const a of c.actions) out.push(`     What to do (${ACTORS[a.who] || "anyone"}): ${a.text}`);
    if (c.fix) out.push(`     How to fix: ${c.fix}`);
    for (const e of arr(c.evidence)) if (e.text) out.push(`     Evidence${evidenceLine(e)}`);
  });
  if (view.advice.length) {
    out.push("", "  Worth fixing (not why this message fared as it did)");
    for (const c of view.advice) {
      if (c.title) out.push(`  - ${c.title}`);
      if (c.fix) out.push(c.title ? `    ${c.fix}` : `  - ${c.fix}`);
    }
  }
  out.push("", "The message:");
  for (const [k, v] of facts) out.push(`  ${k}: ${v}`);
  // Each entry is one line: whatever a value holds stays on it.
  return `${out.map(inert).join("\n")}\n`;
}

const mdEscape = (s) => inert(String(s ?? "").replace(/\r?\n/g, " ")).replace(/([\\`*_[\]<>|~])/g, "\\$1");
// For text that starts a line: a leading "#", "-", "+" or "1." would be read as Markdown syntax.
const mdLine = (s) => mdEscape(s).replace(/^([#+-]|\d+\.)/, "\\$1");
const mdCode = (s) => {
  const t = String(s ?? "").replace(/\r?\n/g, " ");
  const ticks = (t.match(/`+/g) || []).reduce((m, x) => Math.max(m, x.length), 0);
  const fence = "`".repeat(ticks + 1);
  return `${fence}${ticks ? " " : ""}${t}${ticks ? " " : ""}${fence}`;
};
const capital = (s) => (s ? s[0].toUpperCase() + s.slice(1) : s);

// The diagnosis as Markdown: the same sentences as the text.
export function reportAsMarkdown(input) {
  const { report, view, facts } = exportParts(input);
  const out = [];
  out.push("## E-mail diagnosis", "");
  for (const n of view.notices) out.push(`> **Note:** ${mdEscape(n.text)}`, "");
  if (!view.fromFindings) out.push(`**Outcome:** ${mdEscape(view.outcomeWord)}`, "");
  if (view.summary) out.push(mdLine(view.summary), "");
  if (view.groups.length) {
    out.push("### What to do", "");
    for (const g of view.groups) for (const t of g.items) out.push(`- **${mdEscape(capital(g.label))}:** ${mdEscape(t)}`);
    out.push("");
  }
  if (view.causes.length || view.headline) out.push(view.fromFindings ? "### The most important findings" : "### Why (for the support agent)", "");
  if (view.headline) out.push(mdLine(view.headline), "");
  view.causes.forEach((c, i) => {
    const meta = [c.severity, ...c.meta].filter(Boolean).join(" · ");
    out.push(`${i + 1}. **${mdEscape(c.title)}**${meta ? ` _(${mdEscape(meta)})_` : ""}`);
    if (c.detail) out.push(`   ${mdEscape(c.detail)}`);
    for (const a of c.actions) out.push(`   - What to do (${mdEscape(ACTORS[a.who] || "anyone")}): ${mdEscape(a.text)}`);
    if (c.fix) out.push(`   - **How to fix:** ${mdEscape(c.fix)}`);
    for (const e of arr(c.evidence)) if (e.text) out.push(`   - Evidence${Number.isInteger(e.line) ? ` (line ${e.line})` : ""}: ${mdCode(e.text)}`);
  });
  if (view.causes.length) out.push("");
  if (view.advice.length) {
    out.push("### Worth fixing (not why this message fared as it did)", "");
    for (const c of view.advice) out.push(`- ${c.title ? `**${mdEscape(c.title)}**` : ""}${c.title && c.fix ? " " : ""}${mdEscape(c.fix)}`);
    out.push("");
  }
  out.push("### The message", "", "| | |", "|---|---|");
  for (const [k, v] of facts) out.push(`| ${mdEscape(k)} | ${mdEscape(v)} |`);
  out.push("", `_${mdEscape(report.generator || "mailtrace")}, ${mdEscape(fmtUtc(report.analyzed_at_ms))}_`);
  return `${out.join("\n")}\n`;
}
