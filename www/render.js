// Rendering of a mailtrace report, shared by the page (app.js) and the widget
// (header-analyzer.js): every function builds DOM nodes with createElement / createElementNS and
// textContent into a root it is given. Untrusted text (everything from the headers, from DNS
// answers and from shared links) never becomes HTML. Links are made only from http(s) URLs that
// the URL parser accepts.

const SVG_NS = "http://www.w3.org/2000/svg";

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// ---- formatting -------------------------------------------------------------------------------

export function fmtUtc(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "";
  try { return new Date(ms).toISOString().replace("T", " ").replace(/\.000Z$/, "Z"); } catch { return ""; }
}

const localFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
  second: "2-digit", timeZoneName: "short",
});
export function fmtLocal(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "";
  try { return localFormat.format(new Date(ms)); } catch { return ""; }
}

export function fmtDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 1000) return rest === 0 ? "0 s" : `${sign}${(rest / 1000).toFixed(1)} s`;
  rest = Math.floor(rest / 1000);
  const parts = [];
  const d = Math.floor(rest / 86400), h = Math.floor(rest % 86400 / 3600);
  const m = Math.floor(rest % 3600 / 60), s = rest % 60;
  if (d) parts.push(`${d} d`);
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (s || !parts.length) parts.push(`${s} s`);
  return sign + parts.join(" ");
}

export function mailbox(m) {
  if (!m || typeof m !== "object") return "";
  if (m.name && m.address) return `${m.name} <${m.address}>`;
  return m.address || m.name || "";
}

function truncate(text, max) {
  const s = String(text ?? "");
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

// ---- links ------------------------------------------------------------------------------------

// An http(s) URL that the URL parser accepts, normalized; anything else is null.
export function safeHttpUrl(text) {
  if (typeof text !== "string" || text.length > 2048) return null;
  let url;
  try { url = new URL(text); } catch { return null; }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (!url.hostname || url.username || url.password) return null;
  return url.href;
}

const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;

// Text with the http(s) URLs in it made into links (each one checked by safeHttpUrl).
export function linkified(tag, text, className) {
  const node = el(tag, null, className);
  const s = String(text ?? "");
  let last = 0;
  for (const match of s.matchAll(URL_CANDIDATE)) {
    const raw = match[0].replace(/[).,;:!?\]]+$/, "");
    const href = safeHttpUrl(raw);
    if (!href) continue;
    if (match.index > last) node.append(document.createTextNode(s.slice(last, match.index)));
    const a = el("a", raw);
    a.href = href;
    a.rel = "noopener noreferrer nofollow";
    a.target = "_blank";
    node.append(a);
    last = match.index + raw.length;
  }
  if (last < s.length) node.append(document.createTextNode(s.slice(last)));
  return node;
}

// ---- report shape -----------------------------------------------------------------------------

const arr = (v) => (Array.isArray(v) ? v : []);
const obj = (v) => (v && typeof v === "object" && !Array.isArray(v) ? v : {});

// A report as the renderer expects it, whatever came in (a shared link is untrusted input).
export function normalizeReport(r) {
  const report = obj(r);
  return {
    ...report,
    input: obj(report.input),
    message: obj(report.message),
    hops: arr(report.hops).filter((h) => h && typeof h === "object"),
    recorded_auth: arr(report.recorded_auth).filter((a) => a && typeof a === "object"),
    recorded_spf: arr(report.recorded_spf).filter((a) => a && typeof a === "object"),
    sender: obj(report.sender),
    spam: arr(report.spam).filter((a) => a && typeof a === "object"),
    headers: arr(report.headers).filter((a) => a && typeof a === "object"),
    findings: arr(report.findings).filter((f) => f && typeof f === "object" && typeof f.code === "string"),
    dns: arr(report.dns).filter((a) => a && typeof a === "object"),
  };
}

export function looksLikeReport(r) {
  return !!r && typeof r === "object" && typeof r.schema_version === "number"
    && Array.isArray(r.findings) && typeof r.message === "object";
}

const SEVERITY_ORDER = { problem: 0, warning: 1, info: 2 };
const sevRank = (s) => SEVERITY_ORDER[s] ?? 3;

export const OUTCOMES = {
  delivered: "Delivered",
  spam: "Sent to spam",
  rejected: "Rejected",
  bounced: "Bounced",
  delayed: "Delayed",
  complaint: "Reported as spam",
  unknown: "Outcome unknown",
};

// The diagnosis: the report's own when present, else the most severe findings.
export function diagnosisOf(report) {
  const d = report.diagnosis;
  if (d && typeof d === "object" && !Array.isArray(d)) {
    return {
      fromFindings: false,
      outcome: Object.hasOwn(OUTCOMES, d.outcome) ? d.outcome : "unknown",
      headline: String(d.headline ?? ""),
      causes: arr(d.causes).filter((c) => c && typeof c === "object").map((c) => ({
        title: String(c.title ?? ""),
        detail: c.detail != null ? String(c.detail) : "",
        fix: c.fix != null ? String(c.fix) : "",
        certainty: c.certainty === "certain" || c.certainty === "likely" ? c.certainty : "",
        party: ["sender", "receiver", "unknown"].includes(c.party) ? c.party : "",
        evidence: arr(c.evidence).filter((e) => e && typeof e === "object"),
      })),
    };
  }
  const top = [...report.findings]
    .filter((f) => f.severity === "problem" || f.severity === "warning")
    .sort((a, b) => sevRank(a.severity) - sevRank(b.severity))
    .slice(0, 5);
  const problems = report.findings.filter((f) => f.severity === "problem").length;
  return {
    fromFindings: true,
    outcome: "unknown",
    headline: top.length
      ? `${problems ? `${problems} problem${problems > 1 ? "s" : ""} found` : "No problem found, but worth a look"}: the most important findings first.`
      : "Nothing wrong was found in these headers.",
    causes: top.map((f) => ({
      title: String(f.title ?? ""), detail: String(f.detail ?? ""), fix: "", certainty: "",
      party: "", severity: f.severity, code: f.code, evidence: arr(f.evidence),
    })),
  };
}

const PARTY = { sender: "the sender's side", receiver: "the receiver's side", unknown: "side unknown" };

// ---- building blocks --------------------------------------------------------------------------

function row(dl, term, value, className) {
  if (value === undefined || value === null || value === "") return null;
  dl.append(el("dt", term));
  const dd = el("dd", value, className);
  dl.append(dd);
  return dd;
}

function evidenceList(evidence) {
  const ul = el("ul", null, "evidence");
  for (const e of evidence) {
    if (!e || e.text == null || e.text === "") continue;
    const line = Number.isInteger(e.line) ? `line ${e.line}: ` : "";
    ul.append(linkified("li", `${line}${e.text}`, "mono"));
  }
  return ul.childElementCount ? ul : null;
}

function findingItem(f) {
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

function table(headers, rows, id) {
  const t = el("table");
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
  const wrap = el("div", null, "scroll");
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

function section(id, title, findings, extraSummary) {
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
  if (findings.length) body.append(findingsBlock(findings, title));
  return { details, body };
}

// ---- the diagnosis ----------------------------------------------------------------------------

function diagnosisBlock(report) {
  const d = diagnosisOf(report);
  const box = el("section", null, `diagnosis panel outcome-${d.outcome}`);
  box.id = "diagnosis";
  box.dataset.outcome = d.outcome;
  box.dataset.source = d.fromFindings ? "findings" : "report";
  box.setAttribute("aria-labelledby", "diagnosis-h");
  const h = el("h2", "Diagnosis");
  h.id = "diagnosis-h";
  box.append(h);
  if (!d.fromFindings) {
    const p = el("p", null, "outcome");
    p.append(el("span", "Outcome: "), el("strong", OUTCOMES[d.outcome], `outcome-badge outcome-${d.outcome}`));
    box.append(p);
  }
  box.append(linkified("p", d.headline, "headline"));
  if (!report.complete && report.live) box.append(el("p", "Live checks are still running; this may change.", "muted"));
  if (d.causes.length) {
    const ol = el("ol", null, "causes");
    for (const c of d.causes) {
      const li = el("li", null, "cause");
      if (c.code) li.dataset.code = c.code;
      const head = el("p", null, "cause-title");
      if (c.severity) head.append(el("strong", `${c.severity}: `, `sev-${c.severity}`));
      head.append(el("strong", c.title));
      li.append(head);
      const meta = [c.certainty, PARTY[c.party]].filter(Boolean).join(" · ");
      if (meta) li.append(el("p", meta, "cause-meta"));
      if (c.detail) li.append(linkified("p", c.detail, "cause-detail"));
      if (c.fix) {
        const fix = linkified("p", c.fix, "cause-fix");
        fix.prepend(el("strong", "How to fix: "));
        li.append(fix);
      }
      const ev = evidenceList(c.evidence);
      if (ev) li.append(ev);
      ol.append(li);
    }
    box.append(ol);
  }
  return box;
}

// ---- overview ---------------------------------------------------------------------------------

function overview(report) {
  const box = el("section", null, "overview panel");
  box.setAttribute("aria-labelledby", "summary-h");
  const h = el("h2", "The message");
  h.id = "summary-h";
  const summary = el("dl");
  summary.id = "summary";
  const msg = report.message;
  row(summary, "From", mailbox(msg.from));
  row(summary, "To", arr(msg.to).map(mailbox).join(", "));
  row(summary, "Subject", msg.subject);
  if (msg.date && typeof msg.date === "object") {
    row(summary, "Date", msg.date.epoch_ms != null
      ? `${msg.date.text} (${fmtLocal(msg.date.epoch_ms)})` : `${msg.date.text} (unreadable)`);
  }
  row(summary, "Message-ID", msg.message_id);
  row(summary, "Return-Path", msg.return_path);
  row(summary, "Hops", String(report.hops.length));
  if (report.delivery_ms != null) row(summary, "Delivery time", fmtDuration(report.delivery_ms));

  const h3 = el("h3", "Sending server");
  const sender = el("dl");
  sender.id = "sender";
  const sip = report.sending_ip;
  if (sip && typeof sip === "object") {
    row(sender, "Sending IP", sip.ip, "mono").id = "sending-ip";
    row(sender, "Why this one", `hop ${sip.hop}: ${sip.reason}`);
  } else {
    row(sender, "Sending IP", "not found in the Received chain");
  }
  const rdns = report.reverse_dns;
  if (rdns && typeof rdns === "object") {
    const text = rdns.status === "found" ? arr(rdns.names).join(", ") : rdns.detail;
    const dd = row(sender, "Reverse DNS (PTR)", text || String(rdns.status ?? ""), `${rdns.status} mono`);
    if (dd) {
      dd.id = "ptr";
      dd.dataset.status = String(rdns.status ?? "");
    }
  }
  box.append(h, summary, h3, sender);
  return box;
}

// ---- delivery path: the timeline --------------------------------------------------------------

function hopFrom(h) {
  return [h.helo, h.rdns && h.rdns !== h.helo ? `(${h.rdns})` : null].filter(Boolean).join(" ");
}

// The Received chain drawn as a vertical timeline: one node per hop (oldest first), the delay
// between hops, whether each hop was encrypted, and the line where the recipient's own systems
// start (the trust boundary).
function timeline(report) {
  const hops = report.hops;
  // A narrow layout (text beside the rail) that stays readable when scaled down to a phone.
  const W = 420, ROW = 76, TOP = 22, X = 46;
  const boundaryAfter = report.sending_ip && Number.isInteger(report.sending_ip.hop)
    ? report.sending_ip.hop
    : (() => { const i = hops.findIndex((h) => h.internal); return i > 0 ? hops[i - 1].number : null; })();
  const hasBoundary = boundaryAfter != null && hops.length && hops[hops.length - 1].number !== boundaryAfter;
  const H = TOP + hops.length * ROW + (hasBoundary ? 26 : 0) - 30;
  const root = svg("svg", {
    viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", class: "timeline",
    "aria-labelledby": "timeline-title", preserveAspectRatio: "xMinYMin meet",
  });
  root.id = "timeline";
  root.append(svg("title", { id: "timeline-title" },
    `Delivery path: ${hops.length} hop${hops.length === 1 ? "" : "s"}${report.delivery_ms != null ? `, ${fmtDuration(report.delivery_ms)} in total` : ""}`));
  let y = TOP;
  let prevY = null;
  for (const h of hops) {
    const secure = h.encrypted || h.tls;
    const g = svg("g", { class: `hop${h.internal ? " internal" : ""}${secure ? " tls" : " plain"}` });
    g.dataset.hop = String(h.number);
    if (prevY !== null) {
      g.append(svg("line", { x1: 18, y1: prevY + 10, x2: 18, y2: y - 10, class: `rail${secure ? " rail-tls" : " rail-plain"}` }));
      if (h.delay_ms != null) {
        g.append(svg("text", { x: X, y: y - 24, class: `delay${h.delay_ms < 0 ? " skew" : h.delay_ms > 300000 ? " slow" : ""}` },
          h.delay_ms < 0 ? `${fmtDuration(h.delay_ms)} (the clocks disagree)` : `+${fmtDuration(h.delay_ms)}`));
      }
    }
    g.append(svg("circle", { cx: 18, cy: y, r: 10, class: "node" }));
    g.append(svg("text", { x: 18, y: y + 4, "text-anchor": "middle", class: "node-label" }, h.number));
    const from = hopFrom(h) || "(unnamed)";
    g.append(svg("text", { x: X, y: y + 5, class: "hop-name" }, truncate(`${from} → ${h.by || "?"}`, 40)));
    const facts = [h.ip, h.with, secure ? "TLS" : "not encrypted", h.authenticated ? "logged in" : null,
      h.timestamp_ms != null ? fmtUtc(h.timestamp_ms).slice(11) : null].filter(Boolean).join(" · ");
    g.append(svg("text", { x: X, y: y + 23, class: "hop-facts" }, truncate(facts, 52)));
    g.append(svg("title", {}, `Hop ${h.number}: ${from} → ${h.by || "?"}${h.ip ? ` [${h.ip}]` : ""}; ${h.tls || (h.encrypted ? "encrypted" : "not encrypted")}${h.timestamp_ms != null ? `; ${fmtUtc(h.timestamp_ms)}` : ""}`));
    root.append(g);
    prevY = y;
    y += ROW;
    if (hasBoundary && h.number === boundaryAfter) {
      const by = y - 30;
      root.append(svg("line", { x1: 0, y1: by, x2: W, y2: by, class: "boundary" }));
      root.append(svg("text", { x: W - 4, y: by + 16, "text-anchor": "end", class: "boundary-label" }, "trust boundary: the recipient's own systems below"));
      y += 26;
    }
  }
  return root;
}

function pathSection(report, findings) {
  const { details, body } = section("path", "Delivery path", findings,
    `${report.hops.length} hop${report.hops.length === 1 ? "" : "s"}${report.delivery_ms != null ? `, ${fmtDuration(report.delivery_ms)}` : ""}`);
  const total = el("p", report.delivery_ms != null ? `Total delivery time: ${fmtDuration(report.delivery_ms)}` : "");
  total.id = "delivery-total";
  body.append(total);
  if (report.hops.length) body.append(timeline(report));
  const rows = report.hops.map((h) => {
    const tr = el("tr", null, h.internal ? "internal" : "");
    tr.append(
      el("td", h.number), el("td", hopFrom(h)), el("td", h.ip || "", "mono"), el("td", h.by || ""),
      el("td", [h.with, h.tls, h.encrypted && !h.tls ? "encrypted" : null, h.authenticated ? "logged in" : null].filter(Boolean).join(", ")),
      el("td", fmtUtc(h.timestamp_ms)), el("td", fmtLocal(h.timestamp_ms)), el("td", fmtDuration(h.delay_ms)),
    );
    tr.title = String(h.raw ?? "");
    return tr;
  });
  body.append(table(["Hop", "From", "IP", "By", "With", "Time (UTC)", "Your time", "Delay"], rows, "hops"));
  if (!report.hops.length) body.append(el("p", "No Received fields: the path cannot be traced."));
  return details;
}

// ---- authentication ---------------------------------------------------------------------------

function stateNote(check, what) {
  if (check.state === "pending") return el("p", `${what}: checking…`, "pending");
  if (check.state === "skipped") return el("p", `${what}: ${check.note || "not checked"}`, "finding-detail");
  return null;
}

function resultBadge(word) {
  return el("span", word, `result result-${String(word).split(" ")[0]}`);
}

function spfTrace(o) {
  const rows = arr(o.trace).map((step) => {
    const tr = el("tr");
    const term = el("td", `${"\u00a0\u00a0".repeat(Math.min(Number(step.depth) || 0, 10))}${step.term}`, "mono");
    tr.append(el("td", step.domain, "mono"), term, el("td", step.outcome, `outcome-${String(step.outcome).replace(/\W+/g, "-")}`),
      el("td", step.detail), el("td", arr(step.dns).join("\n"), "mono dns-lines"));
    return tr;
  });
  return table(["Domain", "Term", "Outcome", "What happened", "DNS"], rows);
}

function spfBlock(spf) {
  const box = el("div", null, "live-check");
  box.id = "live-spf";
  box.append(el("h4", "SPF"));
  const note = stateNote(spf, "SPF");
  if (note) { box.append(note); return box; }
  const o = obj(spf.mail_from_result);
  if (spf.mail_from_result) {
    const head = el("p");
    head.append(el("strong", `MAIL FROM ${spf.mail_from || "<>"} `), el("span", `(from ${spf.mail_from_source}) `, "finding-detail"),
      resultBadge(o.result));
    box.append(head, el("p", o.summary));
    if (o.record) box.append(el("p", `Record of ${o.domain}: ${o.record}`, "mono"));
    box.append(el("p", `DNS-querying terms: ${o.lookups} of 10; void lookups: ${o.void_lookups} of 2.${o.deciding_term ? ` Decided by ${o.deciding_term}.` : ""}`));
    box.append(spfTrace(o));
    if (o.explanation) box.append(el("p", `The domain's own explanation: ${o.explanation}`));
  }
  if (spf.note) box.append(el("p", spf.note, "finding-detail"));
  if (spf.helo_result) {
    const h = obj(spf.helo_result);
    const p = el("p");
    p.append(el("strong", `HELO ${spf.helo} `), resultBadge(h.result), el("span", ` ${h.summary}`));
    box.append(p);
  }
  if (spf.guess) box.append(el("p", `No SPF record: a receiver that guesses with "v=spf1 a mx ptr -all" would get ${obj(spf.guess).result}.`));
  if (arr(spf.lint).length) {
    const ul = el("ul", null, "lint");
    for (const l of arr(spf.lint)) ul.append(el("li", `${l.severity}: ${l.message}`));
    box.append(el("h5", "Problems with the record"), ul);
  }
  if (arr(spf.policy).length) {
    box.append(el("h5", "What receivers would do with this result"),
      table(["Receiver setting", "Action"], arr(spf.policy).map((r) => { const tr = el("tr"); tr.append(el("td", r.setting), el("td", r.action)); return tr; })));
  }
  return box;
}

function checkWord(c) {
  if (!c) return "";
  if (typeof c === "string") return c;
  return c.status === "not_checked" ? `not checked (${c.reason})` : c.status;
}

function dkimBlock(dkim) {
  const box = el("div", null, "live-check");
  box.id = "live-dkim";
  box.append(el("h4", "DKIM"));
  const note = stateNote(dkim, "DKIM");
  if (note) { box.append(note); return box; }
  for (const s of arr(dkim.signatures)) {
    const head = el("p");
    head.append(el("strong", `d=${s.domain} s=${s.selector} (${s.algorithm}, line ${s.line}) `), resultBadge(s.result));
    box.append(head, el("p", s.summary));
    const key = obj(s.key);
    const facts = [["Header signature (b=)", checkWord(s.header_signature)], ["Body hash (bh=)", checkWord(s.body)]];
    if (s.key) facts.push(["Key", `${key.key_type || "rsa"}${key.bits ? `, ${key.bits} bits` : ""}${key.testing ? ", testing (t=y)" : ""}`], ["Key record", key.record]);
    box.append(table(["", ""], facts.map(([k, v]) => { const tr = el("tr"); tr.append(el("th", k), el("td", v, "mono")); return tr; })));
    if (arr(s.problems).length) {
      const ul = el("ul", null, "lint");
      for (const p of arr(s.problems)) ul.append(el("li", p.message));
      box.append(ul);
    }
  }
  return box;
}

function dmarcBlock(dmarc) {
  const box = el("div", null, "live-check");
  box.id = "live-dmarc";
  box.append(el("h4", "DMARC"));
  const note = stateNote(dmarc, "DMARC");
  if (note) { box.append(note); return box; }
  const o = obj(dmarc.outcome);
  const head = el("p");
  head.append(el("strong", `From ${o.from_domain} `), resultBadge(o.result));
  box.append(head, el("p", o.summary));
  if (o.record) box.append(el("p", `_dmarc.${o.policy_domain}: ${obj(o.record).text}`, "mono"));
  const disp = obj(o.disposition);
  if (disp.explanation) box.append(el("p", disp.explanation));
  const rows = arr(o.alignment).map((a) => {
    const tr = el("tr");
    tr.append(el("td", a.identifier), el("td", a.domain, "mono"), el("td", a.mode),
      el("td", a.aligned === true ? "aligned" : a.aligned === false ? "not aligned" : "—"), el("td", a.explanation));
    return tr;
  });
  if (rows.length) box.append(table(["Identifier", "Domain", "Mode", "Alignment", "Why"], rows));
  for (const d of arr(o.differences)) box.append(el("p", `RFC 7489 and RFC 9989 differ: ${d}`, "finding-detail"));
  if (dmarc.note) box.append(el("p", dmarc.note, "finding-detail"));
  for (const l of arr(o.lint)) box.append(el("p", `${l.severity}: ${l.message}`, "finding-detail"));
  return box;
}

function liveAuth(auth) {
  const live = el("div", null, "live-auth");
  live.id = "auth-checks";
  live.append(el("h3", "Checked now (SPF, DKIM, DMARC)"));
  const cmp = arr(auth.comparison);
  if (cmp.length) {
    const rows = cmp.map((c) => {
      const tr = el("tr", null, c.agree ? "agree" : "disagree");
      tr.append(el("td", String(c.method).toUpperCase()), el("td", c.then), el("td", c.now), el("td", c.agree ? "agree" : "differ"), el("td", c.explanation));
      return tr;
    });
    const box = el("div");
    box.id = "auth-comparison";
    box.append(el("h4", "Then (recorded by the receiver) and now"), table(["Check", "Then", "Now", "", "What it means"], rows));
    live.append(box);
  }
  live.append(spfBlock(obj(auth.spf)), dkimBlock(obj(auth.dkim)), dmarcBlock(obj(auth.dmarc)));
  return live;
}

function authSection(report, findings) {
  const { details, body } = section("auth", "Authentication", findings);
  if (report.auth && typeof report.auth === "object") body.append(liveAuth(obj(report.auth)));
  const auth = el("div");
  auth.id = "recorded-auth";
  auth.append(el("h3", "As recorded by the receiver"));
  for (const a of report.recorded_auth) {
    const parsed = obj(a.parsed);
    const block = el("div", null, `authres ${a.trusted ? "trusted" : "untrusted"}`);
    const who = parsed.authserv_id || "(no authserv-id)";
    const label = a.arc_instance != null ? `${a.field} i=${a.arc_instance}` : a.field;
    block.append(el("h4", `${label} by ${who} (line ${a.line})`));
    block.append(el("p", `${a.trusted ? "Trusted" : "Not trusted"}: ${a.trust_reason}`, "finding-detail"));
    const rows = arr(parsed.results).map((r) => {
      const tr = el("tr");
      const details = [
        ...arr(r.properties).map((p) => `${p.ptype ? p.ptype + "." : ""}${p.name}=${p.value}`),
        r.reason ? `reason: ${r.reason}` : null,
        ...arr(r.comments).map((c) => `(${c})`),
      ].filter(Boolean).join("  ");
      tr.append(el("td", r.method), el("td", r.result, `result-${r.result}`), el("td", details, "mono"));
      return tr;
    });
    block.append(table(["Method", "Result", "Details"], rows));
    auth.append(block);
  }
  for (const spf of report.recorded_spf) {
    const keys = arr(spf.keys).map((kv) => (Array.isArray(kv) ? `${kv[0]}=${kv[1]}` : "")).join("  ");
    const p = el("p");
    p.append(el("strong", `Received-SPF (line ${spf.line}): `), el("span", spf.result, `result-${spf.result}`),
      el("span", ` ${keys}`, "mono"), el("span", spf.trusted ? "" : " (not trusted: could have been written by the sender)", "finding-detail"));
    auth.append(p);
  }
  const arc = report.arc;
  if (arc && typeof arc === "object") {
    const sets = arr(arc.sets).map((s) => `i=${s.instance} ${s.sealer ?? "?"} cv=${s.cv ?? "?"}`).join(", ");
    const problems = arr(arc.problems);
    auth.append(el("p", `ARC chain: ${sets}${problems.length ? ` — problems: ${problems.join("; ")}` : ""}`));
  }
  if (!report.recorded_auth.length && !report.recorded_spf.length) {
    auth.append(el("p", "No Authentication-Results header: the receiver recorded no checks, or they were not pasted."));
  }
  body.append(auth);

  const sf = report.sender;
  const sigs = el("div");
  sigs.id = "dkim-signatures";
  sigs.append(el("h3", "DKIM signatures (read, not verified)"));
  const list = arr(sf.dkim_signatures);
  if (list.length) {
    const rows = list.map((d) => {
      const tr = el("tr");
      const signsFrom = arr(d.signed_headers).some((h) => String(h).toLowerCase() === "from");
      tr.append(el("td", `line ${d.line}`), el("td", d.domain ?? "(none)", "mono"), el("td", d.selector ?? "(none)", "mono"),
        el("td", d.algorithm ?? "(none)"), el("td", signsFrom ? "yes" : "NO"),
        el("td", d.body_length != null ? String(d.body_length) : "no limit"),
        el("td", d.expiration != null ? fmtUtc(d.expiration * 1000) : "never"));
      return tr;
    });
    sigs.append(table(["DKIM signature", "Domain (d=)", "Selector (s=)", "Algorithm", "Signs From?", "Body limit (l=)", "Expires (x=)"], rows));
  } else {
    sigs.append(el("p", "No DKIM-Signature header: the message is not signed."));
  }
  body.append(sigs);
  return details;
}

// ---- reputation, bounce, spam, sender ---------------------------------------------------------

function reputationSection(report, findings) {
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

function link(url, text) {
  const href = safeHttpUrl(url);
  if (!href) return el("span", text ?? "");
  const a = el("a", text ?? href);
  a.href = href;
  a.rel = "noopener noreferrer nofollow";
  a.target = "_blank";
  return a;
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

function bounceSection(report, findings) {
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
      tr.append(el("td", r.address, "mono"), el("td", r.hard ? "permanent" : "temporary (retried)"),
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
      const pre = el("pre", facts.text, "case-facts");
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

// ---- the domain check -------------------------------------------------------------------------

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

function spamSection(report, findings) {
  const { details, body } = section("spam", "Spam filters", findings);
  const spam = el("div");
  spam.id = "spam";
  for (const v of report.spam) {
    const block = el("div", null, "spam-verdict");
    block.append(el("h3", `${v.filter} (${v.header}, line ${v.line})`));
    block.append(el("p", v.summary, v.is_spam === true ? "sev-problem" : ""));
    const items = arr(v.items);
    const inner = el("details");
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
  }
  if (!report.spam.length) spam.append(el("p", "No spam filter headers in what was pasted."));
  body.append(spam);
  return details;
}

function senderSection(report, findings) {
  const { details, body } = section("sender", "The sender and the message", findings);
  const facts = el("dl");
  facts.id = "sender-facts";
  const sf = report.sender;
  row(facts, "From domain", sf.from_domain);
  row(facts, "Reply-To domain", sf.reply_to_domain);
  row(facts, "Return-Path domain", sf.return_path_domain);
  row(facts, "Free mail provider", sf.free_mail_provider);
  body.prepend(facts);
  return details;
}

// ---- all headers, DNS evidence ----------------------------------------------------------------

function filterRows(tbody, needle) {
  const n = needle.trim().toLowerCase();
  for (const tr of tbody.rows) tr.hidden = n !== "" && !tr.dataset.search.includes(n);
}

function headersSection(report, findings, searchValue) {
  const { details, body } = section("headers", "All headers", findings, `${report.headers.length} fields`);
  const label = el("label", "Search the headers", "inline");
  label.htmlFor = "header-search";
  const search = el("input");
  search.type = "search";
  search.id = "header-search";
  search.size = 30;
  search.spellcheck = false;
  search.placeholder = "name or text";
  search.value = searchValue || "";
  const rows = report.headers.map((h) => {
    const tr = el("tr");
    const name = el("td");
    name.append(el("span", h.name));
    if (h.explanation) name.append(el("span", h.explanation, "finding-detail"));
    const value = el("td", null, "mono");
    value.append(el("span", h.decoded ?? h.value));
    if (h.decoded) value.append(el("span", `raw: ${h.value}`, "finding-detail"));
    tr.append(el("td", h.line), name, value);
    tr.dataset.search = `${h.name}\n${h.value}\n${h.decoded ?? ""}\n${h.explanation ?? ""}`.toLowerCase();
    return tr;
  });
  const wrap = table(["Line", "Name", "Value"], rows, "headers");
  const tbody = wrap.querySelector("tbody");
  search.addEventListener("input", () => filterRows(tbody, search.value));
  filterRows(tbody, search.value);
  body.append(label, search, wrap);
  return details;
}

export function dnsResultText(x) {
  if (x.answer && typeof x.answer === "object") {
    const records = arr(x.answer.records);
    return records.length
      ? records.map((r) => `${r.type} ${JSON.stringify(r.data)}`).join(", ")
      : `${x.answer.rcode}, no records`;
  }
  if (x.error && typeof x.error === "object") {
    return `could not check: ${x.error.kind}${x.error.detail !== undefined ? ` (${x.error.detail})` : ""}`;
  }
  return x.status === "pending" ? "asking…" : String(x.status ?? "");
}

function dnsSection(report) {
  const { details, body } = section("dns", "DNS lookups (evidence)", [], `${report.dns.length} question${report.dns.length === 1 ? "" : "s"}`);
  const ul = el("ul");
  ul.id = "dns";
  for (const x of report.dns) ul.append(el("li", `${x.name} ${x.type} → ${dnsResultText(x)}`, "mono"));
  if (!report.dns.length) body.append(el("p", report.live ? "No question was asked." : "Live lookups were off: nothing was asked.", "muted"));
  body.append(ul);
  return details;
}

// ---- the whole report -------------------------------------------------------------------------

// Renders `report` into `root` (replacing what was there). Sections that were open stay open,
// and the header search keeps its text, so progress snapshots can re-render freely.
// options.compact: the diagnosis and overview only, sections left out.
export function renderReport(root, input, options = {}) {
  const report = normalizeReport(input);
  const open = new Set([...root.querySelectorAll("details[open][id]")].map((d) => d.id));
  const searchBox = root.querySelector("#header-search");
  const searchValue = searchBox ? searchBox.value : "";
  const active = root.getRootNode().activeElement;
  const searchFocused = searchBox && active === searchBox;
  // A section's summary that has the focus keeps it across re-renders (keyboard users).
  const focusedSection = active && active.tagName === "SUMMARY" && root.contains(active) ? active.parentElement.id : null;

  const bySection = { path: [], auth: [], reputation: [], bounce: [], spam: [], sender: [], headers: [] };
  // Each finding's page section comes from the report (the core's registry of codes).
  for (const f of report.findings) (bySection[f.section] || bySection.sender).push(f);

  const nodes = [diagnosisBlock(report), overview(report)];
  if (!options.compact) {
    nodes.push(
      pathSection(report, bySection.path),
      authSection(report, bySection.auth),
      reputationSection(report, bySection.reputation),
      bounceSection(report, bySection.bounce),
      spamSection(report, bySection.spam),
      senderSection(report, bySection.sender),
      headersSection(report, bySection.headers, searchValue),
      dnsSection(report),
    );
  }
  root.replaceChildren(...nodes);
  for (const id of open) {
    const d = root.querySelector(`#${CSS.escape(id)}`);
    if (d) d.open = true;
  }
  if (searchFocused) root.querySelector("#header-search")?.focus();
  if (focusedSection) root.querySelector(`#${CSS.escape(focusedSection)} > summary`)?.focus();
  return report;
}

// The live checks, each pending or answered, into a list element.
export function renderProgress(list, input) {
  const report = normalizeReport(input);
  list.replaceChildren();
  for (const x of report.dns) {
    const li = el("li", null, `lookup status-${x.status}`);
    li.dataset.status = String(x.status ?? "");
    li.append(el("span", `${x.name} ${x.type}`, "mono"), el("span", ` — ${x.status === "pending" ? "pending" : "answered"}: `),
      el("span", dnsResultText(x)));
    list.append(li);
  }
}

// Opens every section (for printing); returns a function that restores the previous state.
export function expandAll(root) {
  const closed = [...root.querySelectorAll("details:not([open])")];
  for (const d of closed) d.open = true;
  return () => { for (const d of closed) d.open = false; };
}

// ---- exports: plain text and Markdown ---------------------------------------------------------

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

// ---- redaction --------------------------------------------------------------------------------

const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,})/g;
const ADDRESS_FIELDS = new Set(["from", "to", "cc", "bcc", "reply-to", "sender", "delivered-to",
  "return-path", "resent-from", "resent-to", "x-original-to", "disposition-notification-to"]);

// Display names in the report: the summary's mailboxes and the names in address header fields.
function displayNames(report) {
  const names = new Set();
  const add = (n) => {
    const t = String(n ?? "").replace(/^["'\s]+|["'\s]+$/g, "");
    if (t.length >= 2 && !t.includes("@")) names.add(t);
  };
  const msg = obj(report.message);
  if (msg.from) add(msg.from.name);
  for (const m of arr(msg.to)) add(m && m.name);
  for (const h of arr(report.headers)) {
    if (!h || !ADDRESS_FIELDS.has(String(h.name).toLowerCase())) continue;
    const text = String(h.decoded ?? h.value ?? "");
    for (const m of text.matchAll(/(?:^|,)\s*("(?:[^"\\]|\\.)*"|[^,<"]+?)\s*<[^>]*>/g)) add(m[1].replace(/\\(.)/g, "$1"));
  }
  return [...names].sort((a, b) => b.length - a.length);
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// A copy of the report with e-mail addresses and display names replaced in every string.
// keepDomains: addresses become redacted@their.domain (else redacted@example.invalid).
export function redactReport(input, { keepDomains = true } = {}) {
  const names = displayNames(input);
  const nameRe = names.length ? new RegExp(names.map(escapeRe).join("|"), "gi") : null;
  const redactString = (s) => {
    let t = s.replace(EMAIL, (_, domain) => (keepDomains ? `redacted@${domain}` : "redacted@example.invalid"));
    if (nameRe) t = t.replace(nameRe, "[name]");
    return t;
  };
  const walk = (v, key) => {
    if (typeof v === "string") return redactString(v);
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === "object") {
      const out = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, k);
      // Encoded words (RFC 2047) in address fields hide names from the text replacement.
      if (typeof out.name === "string" && ADDRESS_FIELDS.has(out.name.toLowerCase()) && typeof out.value === "string") {
        out.value = out.value.replace(/=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=/g, "[name]");
      }
      return out;
    }
    return v;
  };
  return walk(input, "");
}

// ---- share links: #r= + base64url(deflate-raw(JSON)) -------------------------------------------

const MAX_SHARED_BYTES = 8 * 1024 * 1024;

function toBase64Url(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export async function encodeShare(report) {
  const bytes = new TextEncoder().encode(JSON.stringify(report));
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return toBase64Url(new Uint8Array(await new Response(stream).arrayBuffer()));
}

// The report in a share fragment's payload; throws when it is not one.
export async function decodeShare(payload) {
  if (!/^[A-Za-z0-9_-]+$/.test(payload)) throw new Error("the link is damaged");
  const stream = new Blob([fromBase64Url(payload)]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_SHARED_BYTES) { reader.cancel(); throw new Error("the shared report is too large"); }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }
  const report = JSON.parse(new TextDecoder().decode(all));
  if (!looksLikeReport(report)) throw new Error("the link does not hold a mailtrace report");
  return report;
}
