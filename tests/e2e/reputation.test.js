// Reputation, bounces and the domain check end to end: the page, the real wasm module, DNS from
// the loopback DoH server (tests/zones/reputation.zone, auth.zone, dkim.zone).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { launch, open, paste, sample, PAGE, REPO } from "./helpers.js";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function analyze(page, text, section) {
  await paste(page, text);
  await page.check("#live");
  const n = await page.evaluate(() => Number(document.body.dataset.analyzed || 0));
  await page.click("#analyze");
  await page.waitForFunction((k) => Number(document.body.dataset.analyzed || 0) > k, n);
  const d = page.locator(`#sec-${section}`);
  if (!(await d.evaluate((x) => x.open))) await d.locator(":scope > summary").click();
}

test("a listed sending IP shows the listing, what it means and the delisting link", async () => {
  const { page, problems, context } = await open(browser);
  await analyze(page, sample("listed-spamhaus.eml"), "reputation");
  const zen = page.locator("#blocklists tr[data-zone='zen.spamhaus.org']");
  assert.match(await zen.textContent(), /listed.*SBL.*Spamhaus staff found this address sending or hosting spam/s);
  assert.match(await zen.textContent(), /Listed in SBL, see https:\/\/check\.spamhaus\.org/);
  const delist = await zen.locator("a", { hasText: "delisting" }).getAttribute("href");
  assert.match(delist, /^https:\/\/check\.spamhaus\.org\//);
  assert.match(await page.locator("#diagnosis .summary").textContent(), /192\.0\.2\.2 is on a blocklist \(Spamhaus ZEN\)/);
  // Each fact once: the table states the listing, the findings list does not repeat it.
  assert.equal(await page.locator("#sec-reputation li.finding").count(), 0);
  assert.match(await page.locator("#sec-reputation h3[data-codes~='blocklist.ip.listed']").textContent(), /Blocklists for 192\.0\.2\.2.*problem/);
  assert.equal(await page.locator("#sec-reputation dt", { hasText: "Sending IP" }).count(), 0, "the sending IP is in the overview");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a list's error code is 'could not check' with the advice, never a listing", async () => {
  const { page, problems, context } = await open(browser);
  await analyze(page, sample("blocklist-error.eml"), "reputation");
  const zen = page.locator("#blocklists tr[data-zone='zen.spamhaus.org']");
  assert.match(await zen.textContent(), /could not check/);
  assert.match(await zen.textContent(), /public DNS resolvers/);
  assert.match(await zen.textContent(), /DQS|own (DoH )?resolver/i);
  assert.doesNotMatch(await page.locator("#diagnosis").textContent(), /on the blocklist/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a bounce shows each recipient, the reason, the server's words and the named list", async () => {
  const { page, problems, context } = await open(browser);
  await analyze(page, readFileSync(`${REPO}tests/bounces/gmail-blocked-spamhaus.eml`, "utf8"), "bounce");
  const rows = page.locator("#bounce-recipients tbody tr");
  assert.ok(await rows.count() >= 1);
  const text = await rows.first().textContent();
  assert.match(text, /heidi@blocking\.example/);
  assert.match(text, /554 5\.7\.1/);
  assert.match(text, /blocked/);
  assert.match(text, /Spamhaus/);
  assert.equal(await page.locator("#diagnosis").getAttribute("data-outcome"), "bounced");
  assert.match(await page.locator("#case-facts").textContent(), /heidi@blocking\.example/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the page's domain check shows the same findings as mailtrace domain", async () => {
  const { page, problems, context } = await open(browser);
  await page.check("#live");
  // The page's default lists are the CLI's (Barracuda off in both).
  await page.fill("#domain", "sender.example");
  await page.fill("#selectors", "mt2026, old");
  await page.click("#check-domain");
  await page.waitForSelector("#domain-report[data-complete=true]");
  const onPage = await page.locator("#domain-report li.finding").evaluateAll((lis) => lis.map((li) => `${li.dataset.code}|${li.querySelector(".finding-title").textContent}`));
  const doh = new URL("dns-query", PAGE).href;
  const cli = JSON.parse(execFileSync(`${REPO}target/debug/mailtrace`, ["domain", "sender.example", "--selector", "mt2026", "--selector", "old", "--json", "--doh", doh], { encoding: "utf8" }));
  const fromCli = cli.findings.map((f) => `${f.code}|${f.title}`);
  assert.deepEqual(onPage, fromCli);
  assert.ok(onPage.some((f) => f.startsWith("dkim.key-ok|")), onPage.join("\n"));
  assert.ok(onPage.some((f) => f.startsWith("dkim.key-missing|")));
  assert.deepEqual(problems, []);
  await context.close();
});

test("a list unticked in the settings is not asked", async () => {
  const { page, problems, context } = await open(browser);
  await page.click("#settings > summary");
  await page.uncheck("input[name=blocklist][value='bl.spamcop.net']");
  assert.doesNotMatch(await page.locator("#privacy-text").textContent(), /SpamCop/);
  await analyze(page, sample("listed-spamhaus.eml"), "reputation");
  assert.equal(await page.locator("#blocklists tr[data-zone='bl.spamcop.net']").count(), 0);
  assert.equal(await page.locator("#blocklists tr[data-zone='zen.spamhaus.org']").count(), 1);
  const dnsSection = page.locator("#sec-dns");
  if (!(await dnsSection.evaluate((x) => x.open))) await dnsSection.locator(":scope > summary").click();
  assert.doesNotMatch(await dnsSection.textContent(), /spamcop/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("blocklist findings are filed under Reputation", async () => {
  const { page, problems, context } = await open(browser);
  await analyze(page, sample("listed-spamhaus.eml"), "reputation");
  assert.equal(await page.locator("#sec-reputation [data-codes~='blocklist.ip.listed']").count(), 1);
  assert.match(await page.locator("#sec-reputation > summary .badge").textContent(), /problem/, "the severity still shows");
  assert.equal(await page.locator("#sec-sender li.finding[data-code^='blocklist.']").count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});
