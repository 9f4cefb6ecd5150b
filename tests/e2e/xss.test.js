// Hostile text in every displayed field, and in a DNS answer from the test zones
// (tests/zones/xss.zone): nothing runs, no element is made from it, and it shows as text. And
// secrets set in the page (a DQS key, a DoH endpoint's user:pass@ and query string) reach no
// export: the JSON download, the share link, the ticket text, the Markdown.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import { launch, open, paste, sample, PAGE } from "./helpers.js";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const IMG = `<img src=x onerror="window.__xss=1">`;
const SCRIPT = `<script>window.__xss=2</script>`;
const JSURL = "javascript:window.__xss=3";
const PAYLOAD = `${IMG}${SCRIPT} ${JSURL}`;

const MESSAGE = [
  `Received: from mx.example.net (mx.example.net [10.0.0.5]) by inbox.example.net with LMTP id q9; Tue, 2 Jan 2024 10:00:05 +0000`,
  `Received: from ${IMG} (evil.example [192.0.2.66]) by mx.example.net (Postfix ${SCRIPT}) with ESMTP id 4XYZ; Tue, 2 Jan 2024 10:00:02 +0000`,
  `Authentication-Results: mx.example.net; spf=fail (${PAYLOAD}) smtp.mailfrom=evil.example; dkim=none reason="${PAYLOAD}"; dmarc=fail reason="${JSURL}" header.from=evil.example`,
  `Diagnostic-Code: smtp; 550 5.7.1 ${PAYLOAD} see ${JSURL} and https://help.example/x"onmouseover="window.__xss=5`,
  `From: "${PAYLOAD}" <a@evil.example>`,
  `Reply-To: ${JSURL} <b@evil.example>`,
  `To: user@example.net`,
  `Subject: ${PAYLOAD}`,
  `Date: Tue, 2 Jan 2024 09:59:57 +0000`,
  `Message-ID: <${IMG}@evil.example>`,
  "",
].join("\n");

async function assertInert(page) {
  assert.equal(await page.evaluate(() => window.__xss), undefined, "a payload ran");
  assert.equal(await page.locator("#results img, #results script, #results iframe, #results object").count(), 0);
  const hrefs = await page.locator("#results a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  for (const h of hrefs) assert.match(h, /^https?:\/\//, `a link that is not http(s): ${h}`);
  for (const h of hrefs) assert.doesNotMatch(h, /["<>]/, `an unescaped link: ${h}`);
}

test("script payloads in every field and in a DNS answer show as text and never run", async () => {
  const { page, problems, context } = await open(browser);
  await paste(page, MESSAGE);
  await page.click("#analyze");
  await page.waitForFunction(() => Number(document.body.dataset.analyzed || 0) > 0);
  // The PTR of 192.0.2.66 in the test zone is a name whose first label is markup.
  const ptr = page.locator("#ptr");
  await page.waitForFunction(() => { const p = document.querySelector("#ptr"); return p && p.dataset.status !== "pending"; });
  const ptrText = await ptr.textContent();
  assert.match(ptrText, /<img.*onerror/, `PTR shown as: ${ptrText}`);
  console.log(`# the hostile PTR is shown as: ${ptrText}`);
  for (const d of await page.locator("#results details").all()) await d.evaluate((x) => { x.open = true; });
  assert.match(await page.locator("#summary").textContent(), /<script>window\.__xss=2<\/script>/);
  assert.match(await page.locator("#summary").textContent(), /<img src=x onerror="window.__xss=1">/);
  assert.match(await page.locator("#hops").textContent(), /<img/);
  assert.match(await page.locator("#hops tbody tr").first().getAttribute("title"), /<img src=x onerror/);
  assert.match(await page.locator("#timeline").textContent(), /<img/);
  assert.match(await page.locator("#recorded-auth").textContent(), /javascript:window\.__xss=3/);
  const diag = page.locator("#headers tbody tr", { hasText: "Diagnostic-Code" });
  assert.match(await diag.textContent(), /550 5\.7\.1 <img src=x/);
  assert.match(await page.locator("#dns").textContent(), /in-addr\.arpa PTR/);
  // TXT answers from the test zone carry payloads too: the SPF record and the DMARC policy of
  // evil.example, shown in the live checks.
  const live = await page.locator("#auth-checks").textContent();
  assert.match(live, /v=spf1 <img src=x onerror=window\.__xss=6> -all/, live);
  assert.match(live, /_dmarc\.evil\.example: v=DMARC1; p=reject; rua=mailto:<script>window\.__xss=7<\/script>@evil\.example/, live);
  await assertInert(page);
  // Exports carry the same text as text, and a share link re-renders it just as inertly.
  await page.click("#share");
  await page.waitForFunction(() => document.querySelector("#share-link").value !== "");
  const link = await page.locator("#share-link").inputValue();
  assert.match(link, /#r=[A-Za-z0-9_-]+$/);
  const other = await open(browser, { url: link });
  await other.page.waitForSelector("body[data-shared=true]");
  for (const d of await other.page.locator("#results details").all()) await d.evaluate((x) => { x.open = true; });
  assert.match(await other.page.locator("#summary").textContent(), /<script>window\.__xss=2<\/script>/);
  await assertInert(other.page);
  assert.deepEqual(other.problems, []);
  await other.context.close();
  assert.deepEqual(problems, []);
  await context.close();
});

test("the widget shows hostile text as text", async () => {
  const { page, problems, context } = await open(browser, { url: new URL("demo.html", process.env.MAILTRACE_TEST_PAGE).href, ready: false });
  // The demo shows the customer view; the agent view shows every header field's text.
  await page.evaluate(() => document.querySelector("header-analyzer").removeAttribute("view"));
  await page.locator("header-analyzer textarea").fill(MESSAGE);
  await page.locator("header-analyzer button").first().click();
  await page.waitForSelector("body[data-analysis-complete=true]");
  const text = await page.locator("header-analyzer #summary").textContent();
  assert.match(text, /<script>window\.__xss=2<\/script>/);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.evaluate(() => document.querySelector("header-analyzer").shadowRoot.querySelectorAll("img, script").length), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test("planted secrets reach no export: JSON download, share link, ticket text, Markdown", async () => {
  const secrets = ["plantedkey77", "s3cretpassw0rd", "s3crettoken9", "mailuser"];
  const endpoints = [
    // Credentials in the URL: the browser refuses the request, every lookup is an error.
    `${new URL(PAGE).origin.replace("://", "://mailuser:s3cretpassw0rd@")}/dns-query?token=s3crettoken9`,
    // A query string: the requests fail at the network (routed to an abort here).
    "https://doh.secret.example/dns-query?token=s3crettoken9&user=mailuser",
  ];
  for (const endpoint of endpoints) {
    const { page, context } = await open(browser, { contextOptions: { acceptDownloads: true } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(PAGE).origin });
    await page.route("https://doh.secret.example/**", (route) => route.abort());
    await page.click("#settings > summary");
    await page.check("input[name=doh-preset][value=custom]");
    await page.fill("#doh", endpoint);
    await page.locator("#doh").dispatchEvent("change");
    await page.fill("#dqs-key", secrets[0]);
    await page.locator("#dqs-key").dispatchEvent("change");
    await paste(page, sample("listed-spamhaus.eml"));
    await page.check("#live");
    const n = await page.evaluate(() => Number(document.body.dataset.analyzed || 0));
    await page.click("#analyze");
    await page.waitForFunction((k) => Number(document.body.dataset.analyzed || 0) > k, n, { timeout: 60_000 });

    const outputs = {};
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
    outputs.json = readFileSync(await download.path(), "utf8");
    await page.click("#share");
    await page.waitForFunction(() => /share link/i.test(document.querySelector("#export-status").textContent));
    const link = await page.locator("#share-link").inputValue();
    outputs.link = link;
    outputs.shared = inflateRawSync(Buffer.from(link.split("#r=")[1], "base64url")).toString("utf8");
    for (const [button, what] of [["#copy-text", "plain text"], ["#copy-md", "Markdown"]]) {
      await page.click(button);
      await page.waitForFunction((w) => document.querySelector("#copy-status").textContent.includes(w), what);
      outputs[what] = await page.evaluate(() => navigator.clipboard.readText());
    }
    outputs.results = await page.locator("#results").textContent();
    outputs.privacy = await page.locator("#privacy-text").textContent();
    // The report did ask through DQS, and the lookups failed, so the error paths were taken.
    const report = JSON.parse(outputs.json);
    assert.ok(report.dns.some((d) => /\.KEY\.zen\.dq\.spamhaus\.net$/.test(d.name)), endpoint);
    assert.ok(report.dns.some((d) => d.status === "error"), endpoint);
    for (const [what, text] of Object.entries(outputs)) {
      for (const secret of secrets) assert.ok(!text.toLowerCase().includes(secret), `${secret} in the ${what} (${endpoint})`);
    }
    await context.close();
  }
});

test("a crafted share link: links to hosts it names stay text, display-name tricks show escaped, a huge one is refused at once", async () => {
  const { page, context } = await open(browser);
  const report = JSON.parse(readFileSync(new URL("../samples/gmail.expected.json", import.meta.url), "utf8"));
  const homograph = "https://www.spamh\u0430us.org/query/ip/203.0.113.5";
  report.findings.unshift({
    code: "blocklist.ip.listed", severity: "problem", section: "reputation", group: "Blocklists",
    title: `Listed \u202Egnp.exe see ${homograph}`, detail: `Delist at ${homograph} or https://evil.example/delist`,
    evidence: [{ line: 1, text: `From: "Pay\u200BPal" <x@evil.example> ${homograph}` }],
  });
  const encode = (r) => page.evaluate(async (x) => (await import("/render.js")).encodeShare(x), r);
  await page.goto(`${PAGE}#r=${await encode(report)}`);
  await page.waitForSelector("body[data-shared=true]");
  await page.locator("#results details.section").evaluateAll((ds) => ds.forEach((d) => { d.open = true; }));
  const hrefs = await page.locator("#results a[href]").evaluateAll((as) => as.map((a) => a.href));
  for (const href of hrefs) assert.doesNotMatch(new URL(href).hostname, /evil\.example|xn--/, href);
  const shown = await page.locator("#results").textContent();
  assert.match(shown, /evil\.example\/delist/, "shown as text");
  // Reordering and zero-width characters are shown, not acted on.
  assert.match(shown, /Listed U\+202Egnp\.exe/);
  assert.match(shown, /PayU\+200BPal/);
  assert.doesNotMatch(shown, /[\u202e\u200b]/);

  // A share link past what a real report holds: refused before rendering, quickly.
  // (The 17 KB link held a few million nodes; here 8,000 findings of a few values each.)
  const huge = { ...report, findings: Array.from({ length: 8_000 }, (_, i) => ({ code: "x", severity: "info", title: `f${i}` })) };
  const link = `${PAGE}#r=${await encode(huge)}`;
  const started = Date.now();
  await page.goto(link);
  await page.waitForFunction(() => /shared link could not be read/.test(document.querySelector("#status").textContent), null, { timeout: 30_000 });
  assert.ok(Date.now() - started < 15_000, `${Date.now() - started} ms`);
  assert.ok(await page.locator("#results *").count() < 2000, "nothing rendered from it");
  await context.close();
});

test("a shared report is checked against the report schema before rendering: departures are refused with where they are", async () => {
  const { page, problems, requests, context } = await open(browser);
  // The schema is not part of the cold load.
  await page.waitForSelector("body[data-core-ms]");
  assert.ok(!requests.some((u) => u.includes("report.schema.json")), "the schema was fetched without a share link");
  const real = JSON.parse(readFileSync(new URL("../samples/gmail.live.json", import.meta.url), "utf8"));
  const encode = (r) => page.evaluate(async (x) => (await import("/render.js")).encodeShare(x), r);
  const refused = async (report, pointer, what, message = /the shared report is not valid at /) => {
    await page.evaluate(() => { document.querySelector("#status").textContent = ""; });
    await page.goto(`${PAGE}#r=${await encode(report)}`);
    await page.waitForFunction(() => /shared link could not be read/.test(document.querySelector("#status").textContent), null, { timeout: 30_000 });
    const status = await page.locator("#status").textContent();
    assert.match(status, message, what);
    if (pointer) assert.ok(status.includes(`at ${pointer} (`), `${what}: ${status}`);
    assert.equal(await page.locator("#results").isVisible(), false, `${what}: rendered`);
    assert.notEqual(await page.evaluate(() => document.body.dataset.shared), "true", what);
  };

  const extra = structuredClone(real);
  extra.findings[0].onmouseover = "alert(1)";
  await refused(extra, "/findings/0/onmouseover", "an unknown key in a finding");

  const wrongType = structuredClone(real);
  wrongType.hops[0].ip = { toString: "x" };
  await refused(wrongType, "/hops/0/ip", "an object where a string belongs");

  const nested = structuredClone(real);
  let nest = "x";
  for (let i = 0; i < 5; i += 1) nest = [nest];
  nested.findings[0].evidence = [{ line: 1, text: nest }];
  await refused(nested, "/findings/0/evidence/0/text", "arrays nested where text belongs");

  // Nesting past any real report's depth is refused before the schema is even consulted.
  const deep = structuredClone(real);
  for (let i = 0; i < 40; i += 1) nest = [nest];
  deep.findings[0].evidence = [{ line: 1, text: nest }];
  await refused(deep, null, "a too-deep nesting", /holds more than a report of a real message can/);

  assert.ok(requests.some((u) => u.endsWith("/report.schema.json")), "the schema was fetched for a share link");

  // The real report, shared, is shown.
  await page.goto(`${PAGE}#r=${await encode(real)}`);
  await page.waitForSelector("body[data-shared=true]");
  assert.match(await page.locator("#status").textContent(), /Showing a shared report/);
  assert.ok(await page.locator("#results details.section").count() > 3);
  assert.deepEqual(problems, []);
  await context.close();
});
