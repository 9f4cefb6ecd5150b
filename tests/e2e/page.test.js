// The page end to end: Debian's Chromium driven by playwright-core, the real wasm module, DNS
// through the loopback DoH server (same origin, /dns-query). scripts/test.sh sets
// MAILTRACE_TEST_PAGE to the page's URL.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const PAGE = process.env.MAILTRACE_TEST_PAGE;
const ARTIFACTS = new URL("../../artifacts/", import.meta.url).pathname;
let browser;

before(async () => {
  assert.ok(PAGE, "MAILTRACE_TEST_PAGE is not set; run scripts/test.sh");
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => { await browser?.close(); });

// Opens the page, failing the test on any script error, CSP violation or dialog.
async function open() {
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/crash requested by crashForTest|RuntimeError: unreachable/.test(m.text())) {
      problems.push(`console error: ${m.text()}`);
    }
  });
  page.on("dialog", (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  const dns = [];
  page.on("request", (r) => { if (r.url().includes("/dns-query")) dns.push(r.url()); });
  await page.goto(PAGE);
  await page.waitForSelector("body[data-ready=true]");
  return { page, problems, dns };
}

test("a pasted sample shows its hops and the PTR answer from the loopback DoH server", async () => {
  const { page, problems, dns } = await open();
  await page.click("#sample");
  await page.click("#analyze");
  const ptr = page.locator("#ptr[data-status=found]");
  await ptr.waitFor();
  assert.equal(await ptr.textContent(), "mail.sender.example");
  assert.equal(await page.locator("#sending-ip").textContent(), "203.0.113.5");
  const rows = page.locator("#hops tbody tr");
  assert.equal(await rows.count(), 3);
  const hop2 = await rows.nth(1).locator("td").allTextContents();
  assert.equal(hop2[0], "2");
  assert.equal(hop2[2], "203.0.113.5");
  assert.equal(hop2[3], "mx.example.net");
  assert.equal(hop2[5], "2024-01-02 10:00:02Z");
  assert.equal(hop2[7], "4 s");
  assert.match(await page.locator("#delivery-total").textContent(), /7 s/);
  assert.match(await page.locator("#summary").textContent(), /Quarterly report – Q4/);
  assert.equal(new Set(dns).size, dns.length, "no DNS question asked twice");
  assert.ok(dns.length >= 1);
  assert.match(await page.locator("#dns").textContent(), /5\.113\.0\.203\.in-addr\.arpa PTR → mail\.sender\.example\./);
  // The header list: decoded values with the raw one beside, explanations, search.
  await page.click("details:has(#headers) summary");
  const subjectRow = page.locator("#headers tbody tr", { hasText: "Subject" });
  assert.match(await subjectRow.textContent(), /Quarterly report – Q4.*raw: =\?UTF-8\?Q\?/s);
  assert.match(await page.locator("#headers tbody tr", { hasText: "Received" }).first().textContent(), /newest is at the top/);
  await page.fill("#header-search", "message-id");
  assert.equal(await page.locator("#headers tbody tr:visible").count(), 1);
  await page.fill("#header-search", "");
  await page.screenshot({ path: `${ARTIFACTS}page-analyzed.png`, fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test("the PTR shows as pending while its lookup is in flight", async () => {
  const { page, problems } = await open();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route("**/dns-query*", async (route) => { await held; await route.continue(); });
  await page.click("#sample");
  await page.click("#analyze");
  await page.locator("#ptr[data-status=pending]").waitFor();
  // The offline part is already shown while DNS is pending.
  assert.equal(await page.locator("#hops tbody tr").count(), 3);
  release();
  await page.locator("#ptr[data-status=found]").waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test("recorded authentication, spam verdicts, sender facts and grouped findings are shown", async () => {
  const { page, problems } = await open();
  const sample = readFileSync(new URL("../samples/forwarded-as-attachment.eml", import.meta.url), "utf8");
  await page.$eval("#input", (el, text) => { el.value = text; }, sample);
  await page.uncheck("#live");
  await page.click("#analyze");
  await page.locator("#results li.finding[data-code='spam.flagged']").waitFor({ state: "attached" });
  assert.match(await page.locator("#summary").textContent(), /Invoice 2024-0117/);
  assert.match(await page.locator("#recorded-auth").textContent(), /dmarc\s*fail/);
  assert.match(await page.locator("#recorded-auth").textContent(), /Trusted: Written by mx\.globex\.example/);
  assert.match(await page.locator("#spam").textContent(), /SpamAssassin scored this message 6\.8/);
  assert.match(await page.locator("#sender-facts").textContent(), /supplier\.example/);
  // Findings sit in the section of their area, grouped under headings when a section has several.
  const groups = await page.locator("#sec-sender .finding-group h4").allTextContents();
  assert.ok(groups.includes("What was pasted"), groups.join(", "));
  assert.equal(await page.locator("#sec-spam li[data-code='spam.flagged']").count(), 1);
  assert.ok(await page.locator("#results li.finding[data-code='input.attached-message']").count() === 1);
  await page.screenshot({ path: `${ARTIFACTS}page-forwarded.png`, fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test("with live lookups off no request leaves the page", async () => {
  const { page, problems, dns } = await open();
  await page.click("#sample");
  await page.uncheck("#live");
  await page.click("#analyze");
  await page.locator("#ptr[data-status=skipped]").waitFor();
  assert.equal(await page.locator("#hops tbody tr").count(), 3);
  assert.equal(dns.length, 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test("header text is shown as text, never run as HTML", async () => {
  const { page, problems } = await open();
  const payload = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
  const input = [
    `Received: from <b>evil</b> (mail.sender.example [203.0.113.5]) by mx.example.net; Tue, 2 Jan 2024 10:00:02 +0000`,
    `From: "${payload}" <a@sender.example>`,
    `Subject: ${payload}`,
    "",
  ].join("\n");
  await page.fill("#input", input);
  await page.click("#analyze");
  await page.locator("#ptr[data-status=found]").waitFor();
  assert.match(await page.locator("#summary").textContent(), /<script>window.__xss=2<\/script>/);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.locator("#results img, #results script, #results b").count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a crash of the core leaves the page working", async () => {
  const { page, problems } = await open();
  // The instance the page loaded first (in its worker); crash it on purpose.
  await page.waitForSelector("body[data-core-ms]");
  const crashed = await page.evaluate(async () => {
    try { await window.mailtrace.crashForTest(); return false; } catch { return true; }
  });
  assert.equal(crashed, true);
  await page.click("#sample");
  await page.click("#analyze");
  await page.locator("#ptr[data-status=found]").waitFor();
  assert.equal(await page.locator("#hops tbody tr").count(), 3);
  assert.deepEqual(problems, []);
  await page.close();
});

test("bad input ends in a report that says what is wrong", async () => {
  const { page, problems } = await open();
  await page.fill("#input", "this is not an e-mail");
  await page.click("#analyze");
  await page.locator("#results li.finding[data-code='input.no-headers']").waitFor({ state: "attached" });
  // A paste too large to type: set the value as a paste would.
  await page.$eval("#input", (el, text) => { el.value = text; }, "X: y\n".repeat(20000));
  await page.click("#analyze");
  // The analysis runs in a worker: the report comes after the click returns.
  await page.waitForFunction(() => /Analyzed \d/.test(document.getElementById("status").textContent));
  assert.match(await page.locator("#status").textContent(), /Analyzed 5000 header fields/);
  assert.deepEqual(problems, []);
  await page.close();
});
