// The page's features end to end: sections, live-check progress and stop, the offline switch,
// settings, input by file and drop, samples, check-a-domain, every export, share links, the
// widget, the single-file build and the keyboard. Layout, accessibility and screenshots are in
// layout.test.js.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { launch, open, paste, sample, PAGE, REPO, ARTIFACTS } from "./helpers.js";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const SECTIONS = ["path", "auth", "reputation", "bounce", "spam", "sender", "headers", "dns"];

async function analyzeSample(page, { live = true, name = null } = {}) {
  if (name) await paste(page, sample(name));
  else await page.click("#sample");
  if (live) await page.check("#live"); else await page.uncheck("#live");
  const n = await page.evaluate(() => Number(document.body.dataset.analyzed || 0));
  await page.click("#analyze");
  await page.waitForFunction((k) => Number(document.body.dataset.analyzed || 0) > k, n);
}

async function openAll(page) {
  for (const d of await page.locator("#results details.section").all()) {
    if (!(await d.evaluate((x) => x.open))) await d.locator(":scope > summary").click();
  }
}

// A report with the parts other engineers are adding (diagnosis, auth, reputation, bounce), made
// from a real one, to check that the page renders them. It goes through a share link, so it must
// be valid against the report schema (www/render/share.js checks it before rendering).
async function futureReport(page) {
  await page.waitForSelector("body[data-core-ms]");
  return page.evaluate(async (text) => {
    // The core answers through a Promise when it runs in a worker (www/core.js).
    const r = await window.mailtrace.analyzeOffline(text, { live: false, now: 1704189600000 });
    r.diagnosis = {
      outcome: "spam", headline: "Filed as spam: the sender's domain fails DMARC.",
      summary: "The message went to the spam folder because the sender's domain fails DMARC.",
      actions: [{ who: "sender_provider", text: "Publish SPF for the sending service." }],
      advice: [{ code: "dmarc.policy-none", topic: "dmarc", title: "supplier.example has a DMARC policy of none.", detail: "", fix: "Move to p=quarantine once reports are clean.", actions: [], certainty: "likely", party: "sender", source: "live", evidence: [] }],
      causes: [{
        code: "dmarc.fail", topic: "dmarc", source: "live", actions: [],
        title: "DMARC fails for supplier.example", detail: "Neither SPF nor DKIM passed for the From domain.",
        fix: "Publish SPF for the sending service; see https://help.example/dmarc for steps.",
        certainty: "certain", party: "sender", evidence: [{ line: 3, text: "dmarc=fail header.from=supplier.example" }],
      }, {
        code: "rbl.listed", topic: "blocklist", source: "live", actions: [],
        title: "Listed on a blocklist", detail: "The sending IP is on SpamCop.", fix: "Request delisting.",
        certainty: "likely", party: "receiver", evidence: [{ text: "2.0.0.127.bl.spamcop.net A 127.0.0.2" }],
      }],
    };
    // As the core writes findings: with the page section and the heading from data/findings.tsv.
    r.findings.push({ code: "rbl.listed", severity: "problem", title: "Listed on SpamCop", detail: "", evidence: [], section: "reputation", group: "Blocklists" });
    r.findings.push({ code: "bounce.rejected", severity: "problem", title: "The message was rejected", detail: "", evidence: [], section: "bounce", group: "Bounce" });
    return r;
  }, sample("forwarded-as-attachment.eml"));
}

test("every section renders: diagnosis first, sections open on demand, timeline drawn in SVG", async () => {
  const { page, problems, context } = await open(browser);
  await analyzeSample(page, { live: true });
  const first = await page.locator("#results > *").first().getAttribute("id");
  assert.equal(first, "diagnosis");
  assert.equal(await page.locator("#diagnosis").getAttribute("data-source"), "report", "the core's diagnosis");
  for (const id of SECTIONS) {
    const d = page.locator(`#sec-${id}`);
    assert.equal(await d.count(), 1, id);
    assert.equal(await d.evaluate((x) => x.open), false, `${id} starts closed`);
  }
  await openAll(page);
  for (const id of SECTIONS) assert.ok(await page.locator(`#sec-${id} .section-body`).isVisible(), id);
  assert.equal(await page.locator("#timeline g.hop").count(), 3);
  assert.equal(await page.locator("#timeline line.boundary").count(), 1, "the trust boundary");
  assert.equal(await page.locator("#timeline .rail-tls").count(), 1);
  assert.match(await page.locator("#timeline").textContent(), /\+4 s/);
  // Sections stay open when the report is re-rendered (progress snapshots re-render).
  await analyzeSample(page, { live: true });
  assert.equal(await page.locator("#sec-path").evaluate((x) => x.open), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test("report parts being added elsewhere (diagnosis, auth, reputation, bounce) are rendered", async () => {
  const { page, problems, context } = await open(browser);
  const report = await futureReport(page);
  const payload = await page.evaluate(async (r) => (await import("/render.js")).encodeShare(r), report);
  await page.goto(`${PAGE}#r=${payload}`);
  await page.waitForSelector("body[data-shared=true]");
  const diag = page.locator("#diagnosis");
  assert.equal(await diag.getAttribute("data-outcome"), "spam");
  // The customer's view first (outcome, summary, what to do), then the agent's (headline,
  // causes, advice); a sentence the customer's view says is not said again for the cause.
  assert.match(await diag.textContent(), /Sent to spam.*went to the spam folder.*What to do.*Publish SPF for the sending service\..*Filed as spam.*DMARC fails for supplier\.example.*certain · sender's side.*see https:\/\/help\.example\/dmarc.*line 3: dmarc=fail.*Worth fixing.*DMARC policy of none/s);
  assert.equal((await diag.textContent()).split("Publish SPF for the sending service.").length, 2, "said once");
  // A URL in a shared report goes to a host mailtrace does not vouch for: text, not a link.
  assert.equal(await diag.locator("a[href='https://help.example/dmarc']").count(), 0, "no link to an unvouched host");
  assert.equal(await page.locator("#diagnosis .cause").count(), 2);
  await openAll(page);
  assert.match(await page.locator("#auth-checks").textContent(), /SPF.*Not checked: live lookups are off.*DMARC/s);
  assert.match(await page.locator("#reputation-data").textContent(), /Not checked: live lookups are off/);
  assert.equal(await page.locator("#sec-reputation li.finding[data-code='rbl.listed']").count(), 1, "not stated by a table: listed");
  assert.equal(await page.locator("#sec-bounce li.finding[data-code='bounce.rejected']").count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test("live checks show pending then answered, and can be stopped", async () => {
  const { page, problems, context } = await open(browser);
  let release;
  let held = new Promise((resolve) => { release = resolve; });
  await page.route("**/dns-query*", async (route) => {
    await held;
    try { await route.continue(); } catch { /* the page stopped it */ }
  });
  await page.click("#sample");
  await page.click("#analyze");
  await page.locator("#progress li[data-status=pending]").first().waitFor();
  // In words, below the diagnosis; the raw questions are in the DNS evidence section only.
  assert.match(await page.locator("#progress").textContent(), /Reverse DNS of 203\.0\.113\.5: checking…/);
  assert.match(await page.locator("#progress").textContent(), /SPF: checking the record of [a-z.]*sender\.example…/);
  assert.doesNotMatch(await page.locator("#progress").textContent(), /in-addr\.arpa|PTR —/);
  assert.equal(await page.evaluate(() => document.querySelector("#diagnosis").compareDocumentPosition(document.querySelector("#live-box")) & Node.DOCUMENT_POSITION_FOLLOWING), 4, "the live box comes after the diagnosis");
  assert.equal(await page.locator("#live-box").evaluate((d) => d.open), true, "open while the checks run");
  assert.equal(await page.isEnabled("#stop"), true);
  release();
  await page.locator("#progress li[data-status=answered]").first().waitFor({ state: "attached" });
  await page.waitForFunction(() => document.querySelector("#stop").disabled);
  assert.match(await page.locator("#progress").textContent(), /Reverse DNS of 203\.0\.113\.5: mail\.sender\.example/);
  assert.equal(await page.locator("#live-box").evaluate((d) => d.open), false, "folded when done");
  assert.match(await page.locator("#live-summary").textContent(), /Live checks done: \d+ lookups/);
  // Again, and stop this time: the lookup ends as "could not check".
  held = new Promise((resolve) => { release = resolve; });
  await page.click("#analyze");
  await page.locator("#progress li[data-status=pending]").first().waitFor();
  await page.click("#stop");
  await page.locator("#ptr[data-status=temperror]").waitFor();
  // Stopped is done too: the box folds, its summary counts what could not be checked.
  await page.locator("#progress li[data-status=error]").first().waitFor({ state: "attached" });
  assert.match(await page.locator("#live-summary").textContent(), /could not be checked/);
  assert.match(await page.locator("#status").textContent(), /stopped/);
  release();
  assert.deepEqual(problems, []);
  await context.close();
});

test("with the switch off no request at all leaves the page", async () => {
  const { page, problems, requests, context } = await open(browser);
  await page.uncheck("#live");
  assert.match(await page.locator("#privacy-text").textContent(), /nothing at all leaves/);
  // The page's own files, the worker and the wasm among them, are loaded by then.
  await page.waitForSelector("body[data-core-ms]");
  const before = requests.length;
  await analyzeSample(page, { live: false });
  await analyzeSample(page, { live: false, name: "gmail.eml" });
  await page.locator("#ptr[data-status=skipped]").waitFor();
  assert.deepEqual(requests.slice(before), [], "requests made with live lookups off");
  assert.equal(await page.locator("#live-box").isVisible(), false);
  assert.deepEqual(problems, []);
  await context.close();
});

test("settings are kept, and the DoH endpoint chosen is the one asked", async () => {
  const { page, problems, context } = await open(browser);
  await page.click("#settings > summary");
  await page.check("input[name=doh-preset][value='https://dns.google/dns-query']");
  await page.uncheck("input[name=blocklist][value='bl.spamcop.net']");
  await page.check("input[name=blocklist][value='b.barracudacentral.org']");
  await page.fill("#custom-zones", "bl.example.org\nnot a zone");
  await page.locator("#custom-zones").dispatchEvent("change");
  await page.fill("#dqs-key", "abc123");
  await page.locator("#dqs-key").dispatchEvent("change");
  assert.match(await page.locator("#privacy-text").textContent(), /https:\/\/dns\.google\/dns-query.*Barracuda.*bl\.example\.org/s);
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem("mailtrace.settings")));
  assert.equal(saved.dohPreset, "https://dns.google/dns-query");
  assert.deepEqual(saved.blocklists.sort(), ["b.barracudacentral.org", "dbl.spamhaus.org", "zen.spamhaus.org"]);
  assert.equal(saved.dqsKey, "abc123");
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.isChecked("input[name=doh-preset][value='https://dns.google/dns-query']"), true);
  assert.equal(await page.isChecked("input[name=blocklist][value='bl.spamcop.net']"), false);
  assert.equal(await page.inputValue("#dqs-key"), "abc123");
  // The lookups go to the chosen endpoint (answered here by the test, there is no Internet).
  const asked = [];
  await page.route("https://dns.google/**", (route) => { asked.push(route.request().url()); route.abort(); });
  await analyzeSample(page, { live: true });
  assert.ok(asked.length >= 1);
  for (const url of asked) assert.match(url, /^https:\/\/dns\.google\/dns-query\?dns=/);
  await page.locator("#ptr[data-status=temperror]").waitFor();
  problems.splice(0, problems.length, ...problems.filter((p) => !/dns\.google|ERR_FAILED/.test(p)));
  assert.deepEqual(problems, []);
  await context.close();
});

test("a custom DoH endpoint the page's security policy blocks is said so in the settings", async () => {
  const { page, context } = await open(browser);
  await page.click("#settings > summary");
  assert.equal(await page.isHidden("#doh-note"), true);
  await page.fill("#doh", "https://dns.example/dns-query");
  assert.match(await page.locator("#doh-note").textContent(), /security policy lets it ask only this site, Cloudflare, Google, Quad9/);
  // The machine itself (a local resolver) and the listed ones are allowed.
  await page.fill("#doh", "http://127.0.0.1:8053/dns-query");
  assert.equal(await page.isHidden("#doh-note"), true);
  await page.fill("#doh", "https://dns.example/dns-query");
  await page.check("input[name=doh-preset][value='https://dns.quad9.net/dns-query']");
  assert.equal(await page.isHidden("#doh-note"), true);
  await context.close();
});

// The question names of the DoH GET requests (RFC 8484 ?dns=, base64url wire format), lowercase.
function questionNames(urls) {
  return urls.map((u) => {
    const b = Buffer.from(new URL(u).searchParams.get("dns") || "", "base64url");
    const labels = [];
    for (let i = 12; i < b.length && b[i] > 0 && b[i] < 64; i += b[i] + 1) labels.push(b.subarray(i + 1, i + 1 + b[i]).toString("latin1"));
    return labels.join(".").toLowerCase();
  });
}

test("the body-link setting: the privacy text follows it, it is kept, and off no link domain is asked", async () => {
  const { page, problems, dns, context } = await open(browser);
  const message = [
    "Received: from mail.sender.example (mail.sender.example [203.0.113.5]) by mx.example.net; Tue, 2 Jan 2024 10:00:00 +0000",
    "From: Ann <ann@sender.example>", "To: bob@example.net", "Subject: links", "Date: Tue, 2 Jan 2024 09:59:00 +0000", "",
    "See https://links-only.example/a and https://sender.example/b", "",
  ].join("\r\n");
  const text = () => page.locator("#privacy-text").textContent();
  await page.check("#live");
  assert.match(await text(), /domains of links in the pasted body \(at most 20\) at the blocklists/);
  await paste(page, message);
  let before = dns.length;
  await page.click("#analyze");
  await page.waitForFunction(() => Number(document.body.dataset.analyzed || 0) > 0);
  const on = questionNames(dns.slice(before));
  assert.ok(on.some((n) => n.startsWith("links-only.example.")), on.join(" "));

  await page.click("#settings > summary");
  await page.uncheck("#body-links");
  const off = await text();
  assert.doesNotMatch(off, /links in the pasted body/);
  assert.match(off, /the sending IP and the sender's domains at the blocklists/);
  assert.equal((await page.evaluate(() => JSON.parse(localStorage.getItem("mailtrace.settings")))).bodyLinks, false);
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.isChecked("#body-links"), false);
  assert.doesNotMatch(await text(), /links in the pasted body/);

  await paste(page, message);
  const n = await page.evaluate(() => Number(document.body.dataset.analyzed || 0));
  before = dns.length;
  await page.click("#analyze");
  await page.waitForFunction((k) => Number(document.body.dataset.analyzed || 0) > k, n);
  const asked = questionNames(dns.slice(before));
  assert.ok(asked.some((q) => q.startsWith("sender.example.dbl.")), asked.join(" "));
  assert.ok(!asked.some((q) => q.includes("links-only")), asked.join(" "));

  await page.click("#settings > summary");
  await page.check("#body-links");
  assert.match(await text(), /domains of links in the pasted body/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("input by file picker, drag and drop, and the samples list", async () => {
  const { page, problems, context } = await open(browser);
  await page.setInputFiles("#file", `${REPO}tests/samples/gmail.eml`);
  await page.waitForFunction(() => document.querySelector("#input").value.includes("Slides for Thursday"));
  assert.match(await page.locator("#status").textContent(), /Read gmail\.eml/);
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(["Subject: dropped here\nFrom: a@b.example\n\n"], "dropped.eml", { type: "message/rfc822" }));
    document.querySelector("#drop-zone").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => document.querySelector("#input").value.includes("dropped here"));
  assert.ok(await page.locator("#sample-list option").count() >= 4);
  await page.selectOption("#sample-list", "office365.eml");
  await page.waitForFunction(() => document.querySelector("#input").value.includes("Shipping schedule for January"));
  await analyzeSample(page, { live: false, name: "office365.eml" });
  assert.match(await page.locator("#summary").textContent(), /Shipping schedule/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a file of megabytes and millions of lines is analyzed whole without going into the text box", async () => {
  const { page, problems, context } = await open(browser);
  const header = "From: Ann <ann@sender.example>\nTo: user@example.net\nSubject: a giant file\nDate: Tue, 2 Jan 2024 09:59:57 +0000\n\n";
  const body = "\n".repeat(3_000_000) + "x".repeat(3_000_000);
  const started = Date.now();
  await page.setInputFiles("#file", { name: "giant.eml", mimeType: "message/rfc822", buffer: Buffer.from(header + body) });
  await page.waitForFunction(() => !document.querySelector("#input-note").hidden);
  const boxed = await page.inputValue("#input");
  assert.ok(boxed.length < 20_000, `the box holds ${boxed.length} characters`);
  assert.ok(boxed.startsWith("From: Ann"), boxed.slice(0, 80));
  assert.match(await page.locator("#input-note").textContent(), /giant\.eml is too large to show here.*Analyze reads the whole file/);
  await page.uncheck("#live");
  const n = await page.evaluate(() => Number(document.body.dataset.analyzed || 0));
  await page.click("#analyze");
  await page.waitForFunction((k) => Number(document.body.dataset.analyzed || 0) > k, n, { timeout: 60_000 });
  assert.match(await page.locator("#status").textContent(), /Analyzed 4 header fields/);
  assert.match(await page.locator("#summary").textContent(), /a giant file/);
  assert.ok(Date.now() - started < 30_000, `${Date.now() - started} ms`);
  // Typing in the box analyzes the box again.
  await page.locator("#input").fill("Subject: typed instead\nFrom: b@c.example\n\n");
  assert.equal(await page.locator("#input-note").isHidden(), true);
  await page.click("#analyze");
  await page.waitForFunction((k) => Number(document.body.dataset.analyzed || 0) > k + 1, n);
  assert.match(await page.locator("#summary").textContent(), /typed instead/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("check a domain: it needs live lookups and a domain name, and says so", async () => {
  const { page, problems, context } = await open(browser);
  await page.uncheck("#live");
  await page.fill("#domain", "sender.example");
  await page.click("#check-domain");
  assert.match(await page.locator("#domain-status").textContent(), /needs live lookups/);
  await page.check("#live");
  await page.fill("#domain", "not a domain");
  await page.click("#check-domain");
  assert.match(await page.locator("#domain-status").textContent(), /Enter a domain name/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("exports: text and Markdown to the clipboard, redaction, the JSON download, print", async () => {
  const { page, problems, context } = await open(browser, { contextOptions: { acceptDownloads: true } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(PAGE).origin });
  await analyzeSample(page, { live: true });
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

  // The copy buttons are in the customer's view of the diagnosis.
  assert.equal(await page.locator("#customer-view #copy-text").count(), 1);
  await page.click("#copy-text");
  await page.waitForFunction(() => /copied/.test(document.querySelector("#copy-status").textContent));
  const text = await clipboard();
  assert.match(text, /^E-mail diagnosis \(mailtrace/);
  assert.match(text, /Outcome: /);
  assert.match(text, /From: Ann Example <ann@sender\.example>/);
  assert.match(text, /Sending IP: 203\.0\.113\.5/);
  assert.match(text, /Reverse DNS: mail\.sender\.example/);

  await page.click("#copy-md");
  await page.waitForFunction(() => /Markdown copied/.test(document.querySelector("#copy-status").textContent));
  const md = await clipboard();
  assert.match(md, /^## E-mail diagnosis/);
  assert.match(md, /\| Sending IP \| 203\.0\.113\.5 \|/);

  // Redaction: addresses and display names are gone from every export, domains kept if asked.
  await page.check("#redact");
  await page.click("#copy-text");
  await page.waitForFunction(() => /plain text copied/.test(document.querySelector("#copy-status").textContent));
  const redacted = await clipboard();
  assert.doesNotMatch(redacted, /ann@sender\.example|Ann Example|user@example\.net/);
  assert.match(redacted, /From: \[name\] <redacted@sender\.example>/);
  await page.uncheck("#keep-domains");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
  assert.match(download.suggestedFilename(), /^mailtrace-report-.*\.json$/);
  const json = readFileSync(await download.path(), "utf8");
  const report = JSON.parse(json);
  assert.equal(report.schema_version, 1);
  assert.equal(report.sending_ip.ip, "203.0.113.5");
  assert.doesNotMatch(json, /ann@|Ann Example|user@example\.net/);
  assert.match(json, /redacted@example\.invalid/);
  await page.uncheck("#redact");
  const [plain] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
  assert.match(readFileSync(await plain.path(), "utf8"), /ann@sender\.example/);

  // Print: every section expanded, the controls hidden.
  await page.evaluate(() => { window.print = () => { document.body.dataset.printed = "true"; }; });
  await page.click("#print");
  await page.waitForSelector("body[data-printed=true]");
  for (const id of SECTIONS) assert.equal(await page.locator(`#sec-${id}`).evaluate((x) => x.open), true, id);
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("#input-form").isVisible(), false);
  assert.equal(await page.locator("#export").isVisible(), false);
  assert.equal(await page.locator("#hops").isVisible(), true);
  await page.screenshot({ path: `${ARTIFACTS}page-print.png`, fullPage: true });
  await page.pdf({ path: `${ARTIFACTS}report.pdf` });
  await page.emulateMedia({ media: "screen" });
  assert.deepEqual(problems, []);
  await context.close();
});

test("a share link re-renders the report in a fresh page, with no analysis and no lookup", async () => {
  const { page, problems, context } = await open(browser);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(PAGE).origin });
  await analyzeSample(page, { live: true, name: "forwarded-as-attachment.eml" });
  await page.click("#share");
  await page.waitForFunction(() => /share link copied/i.test(document.querySelector("#export-status").textContent));
  const link = await page.locator("#share-link").inputValue();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  assert.ok(link.startsWith(`${PAGE}#r=`));
  const diagnosis = await page.locator("#diagnosis").textContent();
  const summary = await page.locator("#summary").textContent();

  const fresh = await open(browser, { url: link, ready: false });
  await fresh.page.waitForSelector("body[data-shared=true]");
  assert.equal(await fresh.page.locator("#diagnosis").textContent(), diagnosis);
  assert.equal(await fresh.page.locator("#summary").textContent(), summary);
  assert.match(await fresh.page.locator("#status").textContent(), /shared report/);
  assert.deepEqual(fresh.dns, [], "no DNS question from a shared link");
  assert.deepEqual(fresh.problems, []);
  await fresh.context.close();

  // The same fragment in the single-file build, from file://, with the network off.
  if (existsSync(`${REPO}dist/mailtrace.html`)) {
    const offline = await browser.newContext({ offline: true });
    const p = await offline.newPage();
    const errors = [];
    p.on("pageerror", (e) => errors.push(e.message));
    await p.goto(`file://${REPO}dist/mailtrace.html${link.slice(link.indexOf("#"))}`);
    await p.waitForSelector("body[data-shared=true]");
    assert.equal(await p.locator("#diagnosis").textContent(), diagnosis);
    assert.deepEqual(errors, []);
    await offline.close();
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("the widget on the demo page: the customer view, copy buttons, the agent view, compact and offline", async () => {
  const url = new URL("demo.html", PAGE).href;
  const { page, problems, requests, context } = await open(browser, { url, ready: false });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(PAGE).origin });
  await page.waitForFunction(() => customElements.get("header-analyzer"));
  const parts = await page.evaluate(() => [...document.querySelector("header-analyzer").shadowRoot.querySelectorAll("[part]")].map((n) => n.getAttribute("part")));
  for (const p of ["container", "label", "input", "controls", "button", "live-toggle", "privacy", "status", "results"]) assert.ok(parts.includes(p), p);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector("header-analyzer").shadowRoot.querySelector("[part=button]")).backgroundColor), "rgb(36, 64, 95)", "::part styling applies");
  const event = page.evaluate(() => new Promise((resolve) => {
    document.querySelector("header-analyzer").addEventListener("analysis-complete", (e) => resolve({ hops: e.detail.hops.length, ptr: e.detail.reverse_dns.status, composed: e.composed }), { once: true });
  }));
  await page.locator("header-analyzer textarea").fill(sample("postfix-inbound.eml"));
  await page.locator("header-analyzer [part=button]").click();
  assert.deepEqual(await event, { hops: 3, ptr: "found", composed: true });
  await page.waitForSelector("body[data-analysis-complete=true]");
  // The demo article uses view="customer": the outcome, the summary and what to do, nothing else.
  assert.equal(await page.locator("header-analyzer").getAttribute("view"), "customer");
  assert.equal(await page.locator("header-analyzer #diagnosis").count(), 1);
  assert.equal(await page.locator("header-analyzer #customer-view .summary").count(), 1);
  for (const gone of ["#agent-view", "#summary", "#sec-path", "#sec-dns", "#sec-headers"]) {
    assert.equal(await page.locator(`header-analyzer ${gone}`).count(), 0, `${gone} is not for customers`);
  }
  // Copy buttons: plain text for a ticket and Markdown, with the same diagnosis as the page.
  await page.locator("header-analyzer #copy-text").click();
  await page.waitForFunction(() => /copied/.test(document.querySelector("header-analyzer").shadowRoot.querySelector("#copy-status").textContent));
  const text = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(text, /^E-mail diagnosis/);
  assert.match(text, /Outcome: Delivered/);
  assert.match(await page.locator("#kb-event").textContent(), /copied \(plain text\)/);
  await page.locator("header-analyzer #copy-md").click();
  await page.waitForFunction(() => /Markdown/.test(document.querySelector("header-analyzer").shadowRoot.querySelector("#copy-status").textContent));
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /^## E-mail diagnosis/);
  await page.screenshot({ path: `${ARTIFACTS}demo-widget.png`, fullPage: true });

  // The full agent view is the default: without the attribute the sections are there.
  await page.evaluate(() => document.querySelector("header-analyzer").removeAttribute("view"));
  assert.equal(await page.locator("header-analyzer #agent-view").count(), 1);
  assert.equal(await page.locator("header-analyzer #sec-path").count(), 1);
  assert.equal(await page.locator("header-analyzer #ptr").textContent(), "mail.sender.example");

  // compact: the diagnosis and the summary only; offline: no switch, and no request at all.
  await page.evaluate(() => { const w = document.querySelector("header-analyzer"); w.setAttribute("compact", ""); w.setAttribute("offline", ""); });
  assert.equal(await page.locator("header-analyzer #sec-path").count(), 0);
  assert.equal(await page.locator("header-analyzer [part=live-toggle]").isVisible(), false);
  const before = requests.length;
  const report = await page.evaluate(() => document.querySelector("header-analyzer").analyze());
  assert.equal(report.reverse_dns.status, "skipped");
  assert.deepEqual(requests.slice(before), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the single-file build works from file:// with no network", async () => {
  const context = await browser.newContext({ offline: true });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`file://${REPO}dist/mailtrace.html`);
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.isChecked("#live"), false, "live lookups start off from a file");
  await paste(page, sample("forwarded-as-attachment.eml"));
  await page.click("#analyze");
  await page.waitForSelector("body[data-analyzed]");
  assert.match(await page.locator("#summary").textContent(), /Invoice 2024-0117/);
  assert.equal(await page.locator("#sec-spam li.finding[data-code='spam.flagged']").count(), 1);
  assert.match(await page.locator("#footer, footer").textContent(), /single-file build/);
  // Share links open here too, checked against the schema the file carries (no fetch).
  const share = (r) => `file://${REPO}dist/mailtrace.html#r=${deflateRawSync(Buffer.from(JSON.stringify(r))).toString("base64url")}`;
  const shared = JSON.parse(sample("gmail.live.json"));
  await page.goto(share(shared));
  await page.waitForSelector("body[data-shared=true]");
  shared.findings[0].extra = true;
  await page.goto(share(shared));
  await page.waitForFunction(() => /not valid at \/findings\/0\/extra/.test(document.querySelector("#status").textContent));
  // The page itself and the Blob URL its worker starts from (www/core.js): nothing else.
  assert.deepEqual(requests.filter((u) => !u.startsWith("blob:")), [`file://${REPO}dist/mailtrace.html`]);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the single-file build makes live lookups where the browser allows it", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(`file://${REPO}dist/mailtrace.html`);
  await page.waitForSelector("body[data-ready=true]");
  await page.click("#settings > summary");
  await page.check("input[name=doh-preset][value=custom]");
  await page.fill("#doh", new URL("dns-query", PAGE).href);
  await page.check("#live");
  await page.click("#sample");
  await page.click("#analyze");
  await page.locator("#ptr[data-status=found]").waitFor();
  assert.equal(await page.locator("#ptr").textContent(), "mail.sender.example");
  assert.deepEqual(problems, []);
  await context.close();
});

test("the single-file build recovers from a crash of the core with a fresh instance", async () => {
  const context = await browser.newContext({ offline: true });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(`file://${REPO}dist/mailtrace.html`);
  await page.waitForSelector("body[data-core-ms]");
  const crashed = await page.evaluate(async () => {
    window.firstCore = window.mailtrace;
    try { await window.mailtrace.crashForTest(); return false; } catch { return true; }
  });
  assert.equal(crashed, true);
  await paste(page, sample("forwarded-as-attachment.eml"));
  await page.click("#analyze");
  await page.waitForSelector("body[data-analyzed]");
  assert.match(await page.locator("#summary").textContent(), /Invoice 2024-0117/);
  // The inlined bindings were evaluated afresh: a new module object with its own functions.
  assert.equal(await page.evaluate(() => window.mailtrace !== window.firstCore && window.mailtrace.analyze !== window.firstCore.analyze), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test("keyboard: the main controls in order, Analyze puts the focus on the diagnosis, one Tab from Analyze reaches it", async () => {
  const { page, problems, context } = await open(browser);
  const order = [];
  for (let i = 0; i < 8; i += 1) {
    await page.keyboard.press("Tab");
    order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.className || document.activeElement.tagName));
  }
  const want = ["skip", "input", "file", "sample", "sample-list", "live", "analyze"];
  assert.deepEqual(order.slice(0, want.length), want, order.join(", "));
  // Analyze with the keyboard: the focus goes to the diagnosis (and the page scrolls to it).
  await page.click("#sample");
  await page.uncheck("#live");
  await page.focus("#analyze");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === "diagnosis");
  const top = await page.evaluate(() => document.querySelector("#diagnosis").getBoundingClientRect().top);
  assert.ok(top >= -1 && top < 200, `the diagnosis is at the top of the screen (${top})`);
  // From the Analyze button, one Tab reaches the diagnosis.
  await page.focus("#analyze");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "diagnosis");
  assert.deepEqual(problems, []);
  await context.close();
});
