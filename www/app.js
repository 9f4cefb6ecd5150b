// The page: reads the paste, runs the wasm core, shows the report. Untrusted text (everything
// from the headers and from DNS answers) reaches the page only through textContent.

const SAMPLE = [
  "Received: from mx.example.net (mx.example.net [10.0.0.5])",
  "\tby inbox.example.net with LMTP id abc123; Tue, 2 Jan 2024 10:00:05 +0000",
  "Received: from mail.sender.example (mail.sender.example [203.0.113.5])",
  "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))",
  "\tby mx.example.net (Postfix) with ESMTPS id 4XYZ for <user@example.net>;",
  "\tTue, 2 Jan 2024 10:00:02 +0000",
  "Received: from [192.168.1.20] (unknown [198.51.100.77])",
  "\tby mail.sender.example with ESMTPSA id q1; Tue, 2 Jan 2024 09:59:58 +0000",
  "From: Ann Example <ann@sender.example>",
  "To: user@example.net",
  "Subject: =?UTF-8?Q?Quarterly_report_=E2=80=93_Q4?=",
  "Date: Tue, 2 Jan 2024 09:59:57 +0000",
  "Message-ID: <20240102095957.1@sender.example>",
  "",
].join("\n");

const $ = (id) => document.getElementById(id);

// Finding groups, by the area part of the finding code.
const GROUPS = {
  input: "What was pasted",
  received: "Delivery path",
  rdns: "Sending server",
  recorded: "Authentication recorded by the receiver",
  arc: "Authentication recorded by the receiver",
  dkim: "DKIM signatures",
  sender: "The sender",
  header: "Message headers",
  bulk: "Bulk mail",
  spam: "Spam filters",
  dns: "DNS lookups",
};
let core = null;
let generation = 0;
let failCurrent = null;

// Loads a fresh instance of the wasm module. After a crash the old instance is discarded and the
// next analysis loads a new one, so the page keeps working.
async function loadCore() {
  generation += 1;
  const mod = await import(`./pkg/mailtrace.js?instance=${generation}`);
  await mod.default();
  mod.setPanicHandler((message) => {
    core = null;
    if (failCurrent) failCurrent(new Error(`the analyzer crashed: ${message}`));
  });
  return mod;
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function fmtUtc(ms) {
  if (ms === null || ms === undefined) return "";
  return new Date(ms).toISOString().replace("T", " ").replace(/\.000Z$/, "Z");
}

const localFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
  second: "2-digit", timeZoneName: "short",
});
function fmtLocal(ms) {
  return ms === null || ms === undefined ? "" : localFormat.format(new Date(ms));
}

function fmtDuration(ms) {
  if (ms === null || ms === undefined) return "";
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

function mailbox(m) {
  if (!m) return "";
  if (m.name && m.address) return `${m.name} <${m.address}>`;
  return m.address || m.name || "";
}

function row(dl, term, value, className) {
  if (value === undefined || value === null || value === "") return;
  dl.append(el("dt", term));
  const dd = el("dd", value, className);
  dl.append(dd);
  return dd;
}

function render(report) {
  $("results").hidden = false;
  const summary = $("summary");
  summary.replaceChildren();
  const msg = report.message;
  row(summary, "From", mailbox(msg.from));
  row(summary, "To", (msg.to || []).map(mailbox).join(", "));
  row(summary, "Subject", msg.subject);
  if (msg.date) {
    row(summary, "Date", msg.date.epoch_ms != null
      ? `${msg.date.text} (${fmtLocal(msg.date.epoch_ms)})` : `${msg.date.text} (unreadable)`);
  }
  row(summary, "Message-ID", msg.message_id);
  row(summary, "Return-Path", msg.return_path);
  row(summary, "Hops", String(report.hops.length));
  if (report.delivery_ms != null) row(summary, "Delivery time", fmtDuration(report.delivery_ms));

  const sender = $("sender");
  sender.replaceChildren();
  if (report.sending_ip) {
    row(sender, "Sending IP", report.sending_ip.ip, "mono").id = "sending-ip";
    row(sender, "Why this one", `hop ${report.sending_ip.hop}: ${report.sending_ip.reason}`);
  } else {
    row(sender, "Sending IP", "not found in the Received chain");
  }
  const rdns = report.reverse_dns;
  if (rdns) {
    const text = rdns.status === "found" ? rdns.names.join(", ") : rdns.detail;
    const dd = row(sender, "Reverse DNS (PTR)", text, `${rdns.status} mono`);
    dd.id = "ptr";
    dd.dataset.status = rdns.status;
  }

  const findings = $("findings");
  findings.replaceChildren();
  const groups = new Map();
  for (const f of report.findings) {
    const area = f.code.split(".")[0];
    const title = GROUPS[area] || "Other";
    if (!groups.has(title)) groups.set(title, []);
    groups.get(title).push(f);
  }
  for (const [title, list] of groups) {
    const section = el("section", null, "finding-group");
    section.append(el("h3", title));
    const ul = el("ul");
    for (const f of list) {
      const li = el("li");
      li.dataset.code = f.code;
      li.append(el("strong", `${f.severity}: `, `sev-${f.severity}`), el("span", f.title));
      if (f.detail) li.append(el("span", f.detail, "finding-detail"));
      for (const e of f.evidence) {
        if (e.text) li.append(el("span", e.line ? `line ${e.line}: ${e.text}` : e.text, "finding-detail mono"));
      }
      ul.append(li);
    }
    section.append(ul);
    findings.append(section);
  }
  if (!report.findings.length) findings.append(el("p", "Nothing to report."));

  const facts = $("sender-facts");
  facts.replaceChildren();
  const sf = report.sender;
  row(facts, "From domain", sf.from_domain);
  row(facts, "Reply-To domain", sf.reply_to_domain);
  row(facts, "Return-Path domain", sf.return_path_domain);
  row(facts, "Free mail provider", sf.free_mail_provider);
  const sigs = $("dkim-signatures");
  sigs.replaceChildren();
  if (sf.dkim_signatures.length) {
    const table = el("table");
    table.append(el("thead"), el("tbody"));
    const head = el("tr");
    for (const h of ["DKIM signature", "Domain (d=)", "Selector (s=)", "Algorithm", "Signs From?", "Body limit (l=)", "Expires (x=)"]) {
      const th = el("th", h);
      th.setAttribute("scope", "col");
      head.append(th);
    }
    table.tHead.append(head);
    for (const d of sf.dkim_signatures) {
      const tr = el("tr");
      const signsFrom = d.signed_headers.some((h) => h.toLowerCase() === "from");
      tr.append(el("td", `line ${d.line}`), el("td", d.domain ?? "(none)", "mono"), el("td", d.selector ?? "(none)", "mono"),
        el("td", d.algorithm ?? "(none)"), el("td", signsFrom ? "yes" : "NO"),
        el("td", d.body_length != null ? String(d.body_length) : "no limit"),
        el("td", d.expiration != null ? fmtUtc(d.expiration * 1000) : "never"));
      table.tBodies[0].append(tr);
    }
    sigs.append(table);
  } else {
    sigs.append(el("p", "No DKIM-Signature header: the message is not signed."));
  }

  const auth = $("recorded-auth");
  auth.replaceChildren();
  for (const a of report.recorded_auth) {
    const block = el("div", null, `authres ${a.trusted ? "trusted" : "untrusted"}`);
    const who = a.parsed.authserv_id || "(no authserv-id)";
    const label = a.arc_instance != null ? `${a.field} i=${a.arc_instance}` : a.field;
    block.append(el("h3", `${label} by ${who} (line ${a.line})`));
    block.append(el("p", `${a.trusted ? "Trusted" : "Not trusted"}: ${a.trust_reason}`, "finding-detail"));
    const table = el("table");
    const head = el("tr");
    for (const h of ["Method", "Result", "Details"]) head.append(el("th", h));
    head.querySelectorAll("th").forEach((th) => th.setAttribute("scope", "col"));
    table.append(el("thead"), el("tbody"));
    table.tHead.append(head);
    for (const r of a.parsed.results) {
      const tr = el("tr");
      const details = [
        ...r.properties.map((p) => `${p.ptype ? p.ptype + "." : ""}${p.name}=${p.value}`),
        r.reason ? `reason: ${r.reason}` : null,
        ...r.comments.map((c) => `(${c})`),
      ].filter(Boolean).join("  ");
      tr.append(el("td", r.method), el("td", r.result, `result-${r.result}`), el("td", details, "mono"));
      table.tBodies[0].append(tr);
    }
    block.append(table);
    auth.append(block);
  }
  for (const spf of report.recorded_spf) {
    const keys = spf.keys.map(([k, v]) => `${k}=${v}`).join("  ");
    const p = el("p");
    p.append(el("strong", `Received-SPF (line ${spf.line}): `), el("span", spf.result, `result-${spf.result}`),
      el("span", ` ${keys}`, "mono"), el("span", spf.trusted ? "" : " (not trusted: could have been written by the sender)", "finding-detail"));
    auth.append(p);
  }
  if (report.arc) {
    const sets = report.arc.sets.map((s) => `i=${s.instance} ${s.sealer ?? "?"} cv=${s.cv ?? "?"}`).join(", ");
    auth.append(el("p", `ARC chain: ${sets}${report.arc.problems.length ? ` — problems: ${report.arc.problems.join("; ")}` : ""}`));
  }
  if (!report.recorded_auth.length && !report.recorded_spf.length) auth.append(el("p", "No Authentication-Results header: the receiver recorded no checks, or they were not pasted."));

  const spam = $("spam");
  spam.replaceChildren();
  for (const v of report.spam) {
    const block = el("div", null, "spam-verdict");
    block.append(el("h3", `${v.filter} (${v.header}, line ${v.line})`));
    block.append(el("p", v.summary, v.is_spam === true ? "sev-problem" : ""));
    const details = el("details");
    details.append(el("summary", `${v.items.length} rule(s) and code(s)`));
    const ul = el("ul");
    for (const item of v.items) {
      const score = item.score != null ? ` (${item.score > 0 ? "+" : ""}${item.score})` : "";
      const li = el("li");
      li.append(el("span", `${item.code}${item.value != null ? "=" + item.value : ""}${score}: `, "mono"),
        el("span", item.meaning ?? "unknown code, shown as written"));
      ul.append(li);
    }
    details.append(ul);
    block.append(details);
    spam.append(block);
  }
  if (!report.spam.length) spam.append(el("p", "No spam filter headers in what was pasted."));

  $("delivery-total").textContent = report.delivery_ms != null
    ? `Total delivery time: ${fmtDuration(report.delivery_ms)}` : "";
  const hops = $("hops").tBodies[0];
  hops.replaceChildren();
  for (const h of report.hops) {
    const tr = el("tr", null, h.internal ? "internal" : "");
    const from = [h.helo, h.rdns && h.rdns !== h.helo ? `(${h.rdns})` : null].filter(Boolean).join(" ");
    tr.append(
      el("td", h.number), el("td", from), el("td", h.ip || "", "mono"), el("td", h.by || ""),
      el("td", [h.with, h.tls, h.encrypted && !h.tls ? "encrypted" : null, h.authenticated ? "logged in" : null].filter(Boolean).join(", ")),
      el("td", fmtUtc(h.timestamp_ms)),
      el("td", fmtLocal(h.timestamp_ms)), el("td", fmtDuration(h.delay_ms)),
    );
    tr.title = h.raw;
    hops.append(tr);
  }

  const headers = $("headers").tBodies[0];
  headers.replaceChildren();
  for (const h of report.headers) {
    const tr = el("tr");
    const name = el("td");
    name.append(el("span", h.name));
    if (h.explanation) name.append(el("span", h.explanation, "finding-detail"));
    const value = el("td", null, "mono");
    value.append(el("span", h.decoded ?? h.value));
    if (h.decoded) value.append(el("span", `raw: ${h.value}`, "finding-detail"));
    tr.append(el("td", h.line), name, value);
    tr.dataset.search = `${h.name}\n${h.value}\n${h.decoded ?? ""}`.toLowerCase();
    headers.append(tr);
  }
  filterHeaders();

  const dns = $("dns");
  dns.replaceChildren();
  for (const x of report.dns) {
    let result = "pending";
    if (x.answer) {
      result = x.answer.records.length
        ? x.answer.records.map((r) => `${r.type} ${JSON.stringify(r.data)}`).join(", ")
        : `${x.answer.rcode}, no records`;
    } else if (x.error) {
      result = `error: ${x.error.kind}${x.error.detail !== undefined ? ` (${x.error.detail})` : ""}`;
    }
    dns.append(el("li", `${x.name} ${x.type} → ${result}`, "mono"));
  }
}

function filterHeaders() {
  const needle = $("header-search").value.trim().toLowerCase();
  for (const tr of $("headers").tBodies[0].rows) {
    tr.hidden = needle !== "" && !tr.dataset.search.includes(needle);
  }
}

function setStatus(text, isError) {
  const status = $("status");
  status.textContent = text;
  status.className = isError ? "error" : "";
}

async function analyze(event) {
  event.preventDefault();
  const input = $("input").value;
  const live = $("live").checked;
  const doh = $("doh").value.trim();
  $("analyze").disabled = true;
  setStatus("Analyzing…");
  try {
    if (!core) core = await loadCore();
    const options = { live, doh: doh || undefined, now: Date.now() };
    const offline = core.analyzeOffline(input, options);
    render(offline);
    if (live && offline.sending_ip) {
      const crashed = new Promise((_, reject) => { failCurrent = reject; });
      const report = await Promise.race([core.analyze(input, options, render), crashed]);
      render(report);
    }
    setStatus(`Analyzed ${offline.input.header_fields} header fields.`);
  } catch (error) {
    core = null;
    setStatus(`The analysis failed: ${error && error.message ? error.message : error}. You can try again.`, true);
  } finally {
    failCurrent = null;
    $("analyze").disabled = false;
  }
}

async function main() {
  $("input-form").addEventListener("submit", analyze);
  $("header-search").addEventListener("input", filterHeaders);
  $("sample").addEventListener("click", () => { $("input").value = SAMPLE; $("input").focus(); });
  try {
    core = await loadCore();
    $("version").textContent = `mailtrace ${core.version()}`;
    $("analyze").disabled = false;
    document.body.dataset.ready = "true";
  } catch (error) {
    setStatus(`The analyzer could not be loaded: ${error.message}`, true);
  }
}

main();
