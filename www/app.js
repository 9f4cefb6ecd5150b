// The page: reads the paste (or a dropped or opened file), runs the wasm core, and renders the
// report with render.js: the notices and the diagnosis first (focus and scroll go there after
// Analyze), the live checks in words in a box that folds when they are done, then the sections.
// Also the domain check and the SPF question. Untrusted text (everything from the headers and
// from DNS answers) reaches the page only through textContent.
import { Core } from "./core.js";
import { questionsText } from "./render/privacy.js";

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

// The core reads at most 32 MB (parse::input::MAX_INPUT); a file is read up to one byte more,
// so that the report says the rest was left out.
const MAX_INPUT_BYTES = 32 * 1024 * 1024;
// A file past these is not put into the text box (a box of many megabytes, or of millions of
// lines, freezes the tab for a minute): it is analyzed as read, and the box shows its start.
const BOX_MAX_CHARS = 512 * 1024;
const BOX_MAX_LINES = 10000;
const PREVIEW_CHARS = 16 * 1024;
const PREVIEW_LINES = 200;
const SETTINGS_KEY = "mailtrace.settings";
const BLOCKLIST_NAMES = {
  "zen.spamhaus.org": "Spamhaus ZEN", "dbl.spamhaus.org": "Spamhaus DBL",
  "b.barracudacentral.org": "Barracuda", "bl.spamcop.net": "SpamCop",
};

const $ = (id) => document.getElementById(id);
// The renderer (render.js and its sections, most of the page's script) is loaded after the page
// is ready rather than before: the input, Analyze and the settings work without it, and
// everything that draws a report waits for it (`await rendering`), as Analyze waits for the core.
// R is the module once loaded: a report is only ever shown after that.
let R = null;
const rendering = import("./render.js").then((m) => { R = m; return m; });
const core = new Core(new URL("./pkg/mailtrace.js", import.meta.url).href);
const isFile = location.protocol === "file:";
let current = null; // the report shown
let running = null; // the AbortController of the analysis running
let loaded = null; // a file too large for the box: { name, text }, analyzed instead of the box

// ---- settings ---------------------------------------------------------------------------------

function readSettings() {
  try { return JSON.parse(localStorage.getItem(SETTINGS_KEY) || "{}") || {}; } catch { return {}; }
}

// Whether this page's Content-Security-Policy (connect-src) lets it ask `endpoint`. The served
// page allows only this site, the three listed resolvers and the machine itself (loopback): a
// custom endpoint elsewhere is blocked by the browser, and the settings say so.
function allowedByPolicy(endpoint) {
  const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
  const directive = meta && meta.content.split(";").map((d) => d.trim().split(/\s+/)).find((d) => d[0] === "connect-src");
  if (!directive) return true;
  let url;
  try { url = new URL(endpoint, location.href); } catch { return true; }
  return directive.slice(1).some((source) => {
    if (source === "'self'") return url.origin === location.origin;
    if (/^[a-z][a-z0-9+.-]*:$/.test(source)) return url.protocol === source;
    const m = /^(https?):\/\/([^/:]+)(?::(\*|\d+))?/.exec(source);
    if (!m) return false;
    const port = url.port || (url.protocol === "https:" ? "443" : "80");
    return url.protocol === `${m[1]}:` && url.hostname === m[2]
      && (m[3] === "*" || port === (m[3] || (m[1] === "https" ? "443" : "80")));
  });
}

function updateDohNote() {
  const note = $("doh-note");
  const endpoint = dohEndpoint();
  const blocked = Boolean(endpoint) && !allowedByPolicy(endpoint);
  note.hidden = !blocked;
  note.textContent = blocked
    ? "This page's security policy lets it ask only this site, Cloudflare, Google, Quad9 and this computer: the browser will block that endpoint, and every live check will say \"could not check\". Use one of those, or the single-file page, which may ask any HTTPS endpoint."
    : "";
}

function saveSettings() {
  const s = {
    live: $("live").checked,
    dohPreset: document.querySelector("input[name=doh-preset]:checked")?.value,
    dohCustom: $("doh").value.trim(),
    blocklists: [...document.querySelectorAll("input[name=blocklist]")].filter((c) => c.checked).map((c) => c.value),
    customZones: $("custom-zones").value,
    dqsKey: $("dqs-key").value.trim(),
    bodyLinks: $("body-links").checked,
  };
  try { localStorage.setItem(SETTINGS_KEY, JSON.stringify(s)); } catch { /* private mode: not kept */ }
  updatePrivacy();
  updateDohNote();
}

function applySettings() {
  const s = readSettings();
  // Opened from a file there is no "own site": default to live lookups off and Cloudflare.
  $("live").checked = typeof s.live === "boolean" ? s.live : !isFile;
  const preset = s.dohPreset || (isFile ? "https://cloudflare-dns.com/dns-query" : "./dns-query");
  for (const r of document.querySelectorAll("input[name=doh-preset]")) r.checked = r.value === preset;
  if (!document.querySelector("input[name=doh-preset]:checked")) document.querySelector("input[name=doh-preset]").checked = true;
  $("doh").value = s.dohCustom || "";
  if (Array.isArray(s.blocklists)) {
    for (const c of document.querySelectorAll("input[name=blocklist]")) c.checked = s.blocklists.includes(c.value);
  }
  $("custom-zones").value = typeof s.customZones === "string" ? s.customZones : "";
  $("dqs-key").value = typeof s.dqsKey === "string" ? s.dqsKey : "";
  $("body-links").checked = typeof s.bodyLinks === "boolean" ? s.bodyLinks : true;
}

function dohEndpoint() {
  const preset = document.querySelector("input[name=doh-preset]:checked")?.value || "./dns-query";
  return preset === "custom" ? $("doh").value.trim() : preset;
}

const ZONE = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

function blocklists() {
  const chosen = [...document.querySelectorAll("input[name=blocklist]")].filter((c) => c.checked).map((c) => c.value);
  const custom = $("custom-zones").value.split(/[\s,]+/).map((z) => z.trim().replace(/\.$/, "")).filter((z) => ZONE.test(z));
  return [...new Set([...chosen, ...custom])];
}

// The options object of an analysis: live, doh, now, the ticked blocklists (built-in lists left
// unticked are not asked), the Spamhaus DQS key (the core masks it in the report) and whether
// the domains of links in the body are asked at the domain blocklists.
function options() {
  const dqsKey = $("dqs-key").value.trim();
  return {
    live: $("live").checked,
    doh: dohEndpoint() || undefined,
    now: Date.now(),
    blocklists: blocklists(),
    dqsKey: dqsKey || undefined,
    bodyLinks: $("body-links").checked,
  };
}

function describeEndpoint(doh) {
  if (!doh) return "no endpoint set";
  try {
    const url = new URL(doh, location.href);
    // Never a user name, password or query string (they can hold credentials).
    const shown = `${url.protocol}//${url.host}${url.pathname}${url.username || url.password || url.search ? " (its credentials not shown)" : ""}`;
    if (isFile) return shown;
    return url.origin === location.origin ? `this site (${shown})` : shown;
  } catch { return "the endpoint set (not a valid URL)"; }
}

function updatePrivacy() {
  const p = $("privacy-text");
  if (!$("live").checked) {
    p.textContent = "Live lookups are off: nothing at all leaves this page. Nothing you paste is ever sent anywhere; the analysis runs in your browser.";
    return;
  }
  const lists = blocklists();
  const questions = questionsText({
    lists,
    listNames: lists.map((z) => BLOCKLIST_NAMES[z] || z),
    bodyLinks: $("body-links").checked,
    dqsKey: Boolean($("dqs-key").value.trim()),
  });
  p.textContent = `Nothing you paste leaves this page. With live lookups on, only DNS questions go out, to ${describeEndpoint(dohEndpoint())}: ${questions}. `
    + "The DNS provider sees those names and your IP address; nothing else is sent.";
}

// ---- analysis ---------------------------------------------------------------------------------

function setStatus(text, isError) {
  const status = $("status");
  status.textContent = text;
  status.className = isError ? "error" : "";
}

function show(report) {
  current = report;
  const results = $("results");
  results.hidden = false;
  R.renderReport(results, report, { keep: $("live-box"), focusable: true });
  $("export").hidden = false;
}

// Results first: the diagnosis takes the focus and is scrolled to the top of the window, once
// per analysis.
function focusDiagnosis() {
  const d = $("diagnosis");
  if (!d) return;
  d.focus({ preventScroll: true });
  d.scrollIntoView({ block: "start" });
}

// The live checks in words; the box folds when they are done (unless the reader opened it).
function showProgress(report, { done = false } = {}) {
  const box = $("live-box");
  if (!report.live || !report.dns || !report.dns.length) { box.hidden = true; return; }
  box.hidden = false;
  const live = R.renderProgress($("progress"), report);
  const failed = live.failed ? `; ${live.failed} could not be checked` : "";
  $("live-summary").textContent = done
    ? `Live checks done: ${live.total} lookup${live.total === 1 ? "" : "s"}${failed}`
    : `Live checks: ${live.done} of ${live.total} answered${failed}…`;
  box.dataset.done = String(done);
  if (done && box.dataset.autoOpen === "true") { box.open = false; box.dataset.autoOpen = "false"; }
}

// The renderer, or null (and a message in `say`) when it could not be loaded.
async function renderer(say) {
  const m = await rendering.catch(() => null);
  if (!m) say("The page could not load its report view; reload the page to try again.");
  return m;
}

async function analyze(event) {
  event.preventDefault();
  if (!(await renderer((text) => setStatus(text, true)))) return;
  const input = loaded ? loaded.text : $("input").value;
  const opts = options();
  if (running) running.abort();
  const controller = new AbortController();
  running = controller;
  $("analyze").disabled = true;
  $("stop").disabled = false;
  const box = $("live-box");
  box.hidden = true;
  box.open = opts.live;
  box.dataset.autoOpen = String(opts.live);
  if (location.hash.startsWith("#r=")) history.replaceState(null, "", location.pathname + location.search);
  setStatus(opts.live ? "Analyzing; live checks running…" : "Analyzing…");
  try {
    const started = performance.now();
    let focused = false;
    const report = await core.run(input, opts, {
      onOffline: (r) => {
        show(r);
        focusDiagnosis();
        focused = true;
        document.body.dataset.offlineShownMs = (performance.now() - started).toFixed(1);
        requestAnimationFrame(() => { document.body.dataset.offlinePaintMs = (performance.now() - started).toFixed(1); });
      },
      onProgress: (r) => { if (running === controller) { show(r); showProgress(r); } },
      signal: controller.signal,
    });
    if (running !== controller) return;
    show(report);
    showProgress(report, { done: true });
    if (!focused) focusDiagnosis();
    const stopped = controller.signal.aborted ? " Live checks were stopped; the ones not answered are marked \"could not check\"." : "";
    setStatus(`Analyzed ${report.input.header_fields} header fields.${stopped}`);
    document.body.dataset.analyzed = String(Number(document.body.dataset.analyzed || 0) + 1);
  } catch (error) {
    if (error && error.name === "AbortError") setStatus("The analysis was stopped.");
    else setStatus(`The analysis failed: ${error && error.message ? error.message : error}. You can try again.`, true);
  } finally {
    if (running === controller) {
      running = null;
      $("analyze").disabled = false;
      $("stop").disabled = true;
    }
  }
}

// ---- input: files, drops, samples ---------------------------------------------------------------

// The index just past the `lines`-th line break of `text` (or -1 when it has fewer), read no
// further than that.
function pastLines(text, lines) {
  let at = -1;
  for (let i = 0; i < lines; i++) {
    at = text.indexOf("\n", at + 1);
    if (at < 0) return -1;
  }
  return at + 1;
}

// What the box analyzes: its own text, or a file too large for it.
function setInput(text, file = null) {
  loaded = file;
  $("input").value = text;
  const note = $("input-note");
  note.hidden = !file;
  note.textContent = file
    ? `${file.name} is too large to show here (${file.size.toLocaleString("en")} characters${file.cut ? ", of which the first 32 MB are read" : ""}): the box shows its start, and Analyze reads the whole file. Typing in the box analyzes the box instead.`
    : "";
}

async function loadFile(file) {
  if (!file) return;
  const text = await file.slice(0, MAX_INPUT_BYTES + 1).text();
  const cut = file.size > MAX_INPUT_BYTES;
  const boxLines = pastLines(text, BOX_MAX_LINES);
  if (!cut && text.length <= BOX_MAX_CHARS && boxLines < 0) {
    setInput(text);
    setStatus(`Read ${file.name} (${file.size} bytes). Press Analyze.`);
  } else {
    let end = Math.min(text.length, PREVIEW_CHARS);
    const previewLines = pastLines(text.slice(0, end), PREVIEW_LINES);
    if (previewLines >= 0) end = previewLines;
    setInput(`${text.slice(0, end)}${end < text.length ? "\n[… the rest of the file is not shown here, but is analyzed]" : ""}`,
      { name: file.name, size: text.length, cut, text });
    setStatus(`Read ${file.name} (${file.size} bytes); it is too large to show, its start is shown. Press Analyze.`);
  }
  $("analyze").focus();
}

function wireDrop() {
  const zone = $("drop-zone");
  const over = (e) => {
    if (![...(e.dataTransfer?.types || [])].includes("Files")) return;
    e.preventDefault();
    zone.classList.add("dragging");
  };
  zone.addEventListener("dragenter", over);
  zone.addEventListener("dragover", over);
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (e) => {
    zone.classList.remove("dragging");
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    e.preventDefault();
    loadFile(file);
  });
}

async function loadSamples() {
  const select = $("sample-list");
  try {
    if (isFile) throw new Error("no samples in the single-file build");
    const response = await fetch(new URL("samples/index.json", location.href));
    if (!response.ok) throw new Error(String(response.status));
    const list = await response.json();
    for (const s of Array.isArray(list) ? list : []) {
      if (typeof s.file !== "string" || !/^[a-z0-9-]+\.eml$/.test(s.file)) continue;
      const o = document.createElement("option");
      o.textContent = String(s.title ?? s.file);
      o.value = s.file;
      select.append(o);
    }
  } catch {
    select.disabled = true;
    select.title = "Samples are not available here";
  }
  select.addEventListener("change", async () => {
    if (!select.value) return;
    try {
      const response = await fetch(new URL(`samples/${select.value}`, location.href));
      setInput(await response.text());
      setStatus(`Loaded the sample "${select.selectedOptions[0].textContent}". Press Analyze.`);
    } catch (error) {
      setStatus(`The sample could not be loaded: ${error.message}`, true);
    }
  });
}

// ---- check a domain, and the SPF question ------------------------------------------------------

// The domain in what was typed: a domain, an e-mail address (the part after the @), or a web
// address (its host, without a leading "www."). Lowercase, IDNs as punycode; null when none.
function domainOf(text) {
  let t = String(text ?? "").trim().replace(/^mailto:/i, "").replace(/^<|>$/g, "");
  if (!t) return null;
  let fromUrl = false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) {
    try { t = new URL(t).hostname; fromUrl = true; } catch { return null; }
  } else {
    const at = t.lastIndexOf("@");
    if (at >= 0) t = t.slice(at + 1);
    t = t.replace(/[/?#].*$/, "");
    if (!t || /[\s@]/.test(t)) return null;
    try { t = new URL(`http://${t}/`).hostname; } catch { return null; }
  }
  t = t.replace(/\.$/, "").toLowerCase();
  if (fromUrl && t.startsWith("www.") && ZONE.test(t.slice(4))) t = t.slice(4);
  return ZONE.test(t) ? t : null;
}

// Runs one DNS-driven check of the core (checkDomain, checkSpf) into `out`, with its status
// line; the previous result is cleared first.
async function runCheck({ status, out, name, call, draw, what }) {
  out.replaceChildren();
  if (!(await renderer((text) => { status.textContent = text; }))) return;
  const opts = options();
  if (!opts.live) {
    status.textContent = `${what} needs live lookups: switch them on first.`;
    return;
  }
  // The core may still be loading (core.js loads it in the background): wait for it.
  const api = window.mailtrace || await core.load().catch(() => null);
  if (!api || typeof api[name] !== "function") {
    status.textContent = "This check is not available in this build.";
    return;
  }
  if (running) running.abort();
  const controller = new AbortController();
  running = controller;
  status.textContent = "Checking…";
  try {
    const result = await call(api, opts, (r) => { if (running === controller) draw(r); }, controller.signal);
    draw(result);
    return result;
  } catch (error) {
    status.textContent = `The check failed: ${error && error.message ? error.message : error}`;
    return null;
  } finally {
    if (running === controller) running = null;
  }
}

async function checkDomain(event) {
  event.preventDefault();
  const status = $("domain-status");
  const out = $("domain-result");
  const typed = $("domain").value.trim();
  const domain = domainOf(typed);
  if (!domain) {
    out.replaceChildren();
    status.textContent = "Enter a domain name (example.com), an e-mail address or a web address.";
    $("domain").focus();
    return;
  }
  const selectors = $("selectors").value.split(/[\s,]+/).filter(Boolean).slice(0, 10);
  const draw = (r) => {
    if (r && typeof r === "object" && typeof r.domain === "string" && Array.isArray(r.findings)) R.renderDomainReport(out, r);
    else if (R.looksLikeReport(r)) R.renderReport(out, r, { compact: false });
    else out.replaceChildren(R.genericValue(r));
  };
  const result = await runCheck({
    status, out, name: "checkDomain", what: "Checking a domain", draw,
    call: (api, opts, progress, signal) => api.checkDomain(domain, { ...opts, selectors }, progress, signal),
  });
  if (result) status.textContent = `Checked ${domain}${domain !== typed.toLowerCase() ? ` (from ${typed})` : ""}.`;
}

const IP = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[?[0-9a-f:.]*:[0-9a-f:.]*\]?)$/i;

async function checkSpf(event) {
  event.preventDefault();
  const status = $("spf-status");
  const out = $("spf-result");
  const ip = $("spf-ip").value.trim();
  const typed = $("spf-sender").value.trim().replace(/^mailto:/i, "");
  // An address is checked as it is (its domain normalized); anything else for its domain.
  const at = typed.lastIndexOf("@");
  const local = at > 0 && !/^[a-z][a-z0-9+.-]*:\/\//i.test(typed) ? typed.slice(0, at) : "";
  const domain = domainOf(typed);
  const sender = domain ? (local ? `${local}@${domain}` : domain) : "";
  if (!IP.test(ip)) {
    out.replaceChildren();
    status.textContent = "Enter the IP address of the sending server, such as 203.0.113.5 or 2001:db8::25.";
    $("spf-ip").focus();
    return;
  }
  if (!sender) {
    out.replaceChildren();
    status.textContent = "Enter the sender's address (ann@example.com) or domain (example.com).";
    $("spf-sender").focus();
    return;
  }
  const result = await runCheck({
    status, out, name: "checkSpf", what: "The SPF check", draw: (r) => R.renderSpfAnswer(out, r),
    call: (api, opts, progress, signal) => api.checkSpf(ip, sender, opts, progress, signal),
  });
  if (result) status.textContent = `Checked SPF for ${result.ip} sending as ${result.mail_from}: ${result.outcome ? result.outcome.result : "not finished"}.`;
}

// ---- export -----------------------------------------------------------------------------------

function exported() {
  if (!current) return null;
  return $("redact").checked ? R.redactReport(current, { keepDomains: $("keep-domains").checked }) : current;
}

function exportStatus(text) { $("export-status").textContent = text; }

async function copy(text, what, say = exportStatus) {
  try {
    await navigator.clipboard.writeText(text);
    say(`${what} copied to the clipboard.`);
  } catch (error) {
    say(`Could not copy (${error.message}); select the text and copy it yourself.`);
    $("share-link").value = text;
    $("share-link").select();
  }
}

// The diagnosis's copy buttons (plain text for a ticket, Markdown), redacted when asked.
function copyDiagnosis(event) {
  const button = event.target.closest("button[data-copy]");
  const r = exported();
  if (!button || !r) return;
  const say = (text) => { const s = $("copy-status"); if (s) s.textContent = text; };
  say("");
  if (button.dataset.copy === "markdown") copy(R.reportAsMarkdown(r), "The diagnosis as Markdown", say);
  else copy(R.reportAsText(r), "The diagnosis as plain text", say);
}

function download() {
  const report = exported();
  if (!report) return;
  const blob = new Blob([`${JSON.stringify(report, null, 2)}\n`], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  const stamp = new Date(report.analyzed_at_ms || Date.now()).toISOString().slice(0, 19).replace(/:/g, "");
  a.download = `mailtrace-report-${stamp}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  exportStatus("The report was downloaded.");
}

let restorePrint = null;
function beforePrint() { if (R && !restorePrint) restorePrint = R.expandAll($("results")); }
function afterPrint() { if (restorePrint) { restorePrint(); restorePrint = null; } }

async function share() {
  const report = exported();
  if (!report) return;
  const payload = await R.encodeShare(report);
  const link = `${location.href.split("#")[0]}#r=${payload}`;
  $("share-link").value = link;
  await copy(link, "The share link");
  if (link.length > 64000) exportStatus(`${$("export-status").textContent} It is long (${Math.round(link.length / 1024)} KB): some chat and ticket systems cut long links; the JSON download is the safer way.`);
}

// A report carried in the URL fragment (#r=...): shown as it is, no analysis, no lookup.
async function showShared() {
  if (!location.hash.startsWith("#r=")) return false;
  try {
    await rendering;
    const report = await R.decodeShare(location.hash.slice(3));
    show(report);
    $("live-box").hidden = true;
    setStatus("Showing a shared report. Nothing was analyzed or looked up again; the evidence is as it was when it was shared.");
    document.body.dataset.shared = "true";
    return true;
  } catch (error) {
    setStatus(`The shared link could not be read: ${error.message}.`, true);
    return false;
  }
}

// ---- start ------------------------------------------------------------------------------------

async function main() {
  applySettings();
  updatePrivacy();
  updateDohNote();
  $("input-form").addEventListener("submit", analyze);
  $("stop").addEventListener("click", () => { if (running) running.abort(); setStatus("Stopping…"); });
  $("sample").addEventListener("click", () => { setInput(SAMPLE); $("input").focus(); });
  // Typing in the box (or pasting) analyzes the box again, not a file too large for it.
  $("input").addEventListener("input", () => { if (loaded) setInput($("input").value); });
  $("file").addEventListener("change", () => loadFile($("file").files[0]));
  $("domain-form").addEventListener("submit", checkDomain);
  $("spf-form").addEventListener("submit", checkSpf);
  $("results").addEventListener("click", copyDiagnosis);
  $("settings-form").addEventListener("submit", (e) => { e.preventDefault(); saveSettings(); });
  for (const node of document.querySelectorAll("#settings input, #settings textarea, #live")) {
    node.addEventListener("change", saveSettings);
  }
  $("doh").addEventListener("input", () => {
    document.querySelector("input[name=doh-preset][value=custom]").checked = true;
    updateDohNote();
  });
  $("download-json").addEventListener("click", download);
  $("print").addEventListener("click", () => { beforePrint(); window.print(); });
  $("share").addEventListener("click", share);
  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);
  window.addEventListener("hashchange", showShared);
  wireDrop();
  loadSamples();
  await showShared();
  core.onLoad = (m) => {
    window.mailtrace = { ...m };
    $("version").textContent = `mailtrace ${m.version()}`;
    document.body.dataset.coreMs = performance.now().toFixed(1);
  };
  // The core is fetched and compiled in the background (core.js): on the first touch of the
  // input, or once the page has loaded; an Analyze before that waits for it.
  core.loadSoon([$("input"), $("drop-zone"), $("file"), $("sample"), $("sample-list"), $("domain")]);
  $("analyze").disabled = false;
  document.body.dataset.readyMs = performance.now().toFixed(1);
  document.body.dataset.ready = "true";
}

main();
