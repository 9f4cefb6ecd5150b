// Live authentication end to end: the page, the real wasm module, DNS from the loopback DoH
// server (tests/zones/auth.zone and dkim.zone). A message signed with the project's own test key
// shows DKIM pass, an SPF trace through an include and DMARC pass; its tampered copy shows DKIM
// fail and why.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, open, paste, sample } from "./helpers.js";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function analyze(page, text) {
  await paste(page, text);
  await page.check("#live");
  const n = await page.evaluate(() => Number(document.body.dataset.analyzed || 0));
  await page.click("#analyze");
  await page.waitForFunction((k) => Number(document.body.dataset.analyzed || 0) > k, n);
  const auth = page.locator("#sec-auth");
  if (!(await auth.evaluate((x) => x.open))) await auth.locator(":scope > summary").click();
}

test("a message signed with our own key: DKIM pass, SPF through an include, DMARC pass", async () => {
  const { page, problems, context, dns } = await open(browser);
  await analyze(page, sample("dkim-signed.eml"));
  const spf = page.locator("#live-spf");
  assert.match(await spf.textContent(), /MAIL FROM carol@sender\.example/);
  assert.equal(await spf.locator(".result").first().textContent(), "pass");
  const trace = await spf.locator("table").first().textContent();
  assert.match(trace, /include:_spf\.sender\.example/);
  assert.match(trace, /ip4:203\.0\.113\.0\/28/);
  assert.match(trace, /_spf\.sender\.example TXT/);
  const dkim = page.locator("#live-dkim");
  assert.equal(await dkim.locator(".result").first().textContent(), "pass");
  assert.match(await dkim.textContent(), /d=sender\.example s=mt2026/);
  assert.match(await dkim.textContent(), /2048 bits/);
  const dmarc = page.locator("#live-dmarc");
  assert.equal(await dmarc.locator(".result").first().textContent(), "pass");
  assert.match(await dmarc.textContent(), /p=reject/);
  assert.ok(dns.some((u) => u.includes("dns-query")), "the lookups went to the loopback DoH server");
  assert.deepEqual(problems, []);
  await context.close();
});

test("the tampered copy: DKIM fails, and the page says why", async () => {
  const { page, problems, context } = await open(browser);
  await analyze(page, sample("dkim-tampered.eml"));
  const dkim = page.locator("#live-dkim");
  assert.equal(await dkim.locator(".result").first().textContent(), "fail");
  const text = await dkim.textContent();
  assert.match(text, /changed|does not match|not verify/i, text);
  assert.match(await page.locator("#diagnosis").textContent(), /DKIM/);
  assert.deepEqual(problems, []);
  await context.close();
});

// An ed25519-sha256 signature (RFC 8463; tests/dkim/ed25519.eml, signed with tests/keys'
// ed25519-mt2026.key): the core asks for the verification and the page's worker answers it with
// WebCrypto; the copy with its Subject changed fails.
test("an ed25519 DKIM signature is verified in the page with WebCrypto; its tampered copy fails", async () => {
  const { page, problems, context } = await open(browser);
  const { readFileSync } = await import("node:fs");
  const fixture = (name) => readFileSync(new URL(`../dkim/${name}`, import.meta.url), "utf8");
  for (const [name, want] of [["ed25519.eml", "pass"], ["ed25519-tampered.eml", "fail"]]) {
    await analyze(page, fixture(name));
    const dkim = page.locator("#live-dkim");
    assert.equal(await dkim.locator(".result").first().textContent(), want, name);
    assert.match(await dkim.textContent(), /s=ed2026/);
    assert.doesNotMatch(await dkim.textContent(), /not verified in this browser/);
  }
  assert.deepEqual(problems, []);
  await context.close();
});
