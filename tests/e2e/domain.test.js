// The domain check and the SPF question: a domain, an e-mail address or a web address is
// accepted; the previous result is cleared; a domain that does not exist is said once; "would
// this IP pass SPF for this sender?" gives the result with its trace, as `mailtrace spf` does.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { launch, open, PAGE, REPO } from "./helpers.js";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function check(page, typed) {
  await page.fill("#domain", typed);
  await page.click("#check-domain");
  await page.waitForSelector("#domain-report[data-complete=true]");
  return page.locator("#domain-report li.finding").evaluateAll((lis) => lis.map((li) => `${li.dataset.code}|${li.querySelector(".finding-title").textContent}`));
}

test("a domain, an e-mail address or a web address: the same check of the domain", async () => {
  const { page, problems, context } = await open(browser);
  await page.check("#live");
  const plain = await check(page, "sender.example");
  assert.ok(plain.length > 3, plain.join("\n"));
  for (const typed of ["ann@Sender.Example", "http://Sender.Example/path?q=1", "https://www.sender.example/", "mailto:postmaster@sender.example", "SENDER.EXAMPLE."]) {
    assert.deepEqual(await check(page, typed), plain, typed);
    assert.match(await page.locator("#domain-report h3").textContent(), /^Mail set-up of sender\.example$/, typed);
    assert.match(await page.locator("#domain-status").textContent(), /^Checked sender\.example/, typed);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("a new check clears the previous result at once; a bad entry clears it too", async () => {
  const { page, problems, context } = await open(browser);
  await page.check("#live");
  await check(page, "sender.example");
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route("**/dns-query*", async (route) => { await held; try { await route.continue(); } catch { /* stopped */ } });
  await page.fill("#domain", "acme.example");
  await page.click("#check-domain");
  assert.doesNotMatch(await page.locator("#domain-result").textContent(), /sender\.example/, "the previous domain's result is gone");
  release();
  await page.waitForSelector("#domain-report[data-complete=true]");
  assert.match(await page.locator("#domain-report h3").textContent(), /acme\.example/);
  await page.unroute("**/dns-query*");
  await page.fill("#domain", "not a domain");
  await page.click("#check-domain");
  assert.match(await page.locator("#domain-status").textContent(), /Enter a domain name/);
  assert.equal(await page.locator("#domain-report").count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a domain that does not exist is said once, not as every record it lacks", async () => {
  const { page, problems, context } = await open(browser);
  await page.check("#live");
  const findings = await check(page, "no-such-domain.example");
  assert.deepEqual(findings, ["mx.no-domain|The domain no-such-domain.example does not exist."]);
  const text = await page.locator("#domain-report").textContent();
  for (const word of [/SPF/, /DMARC/, /MTA-STS/, /BIMI/, /TLS-RPT/]) assert.doesNotMatch(text, word);
  // The CLI says the same.
  const doh = new URL("dns-query", PAGE).href;
  const cli = JSON.parse(execFileSync(`${REPO}target/debug/mailtrace`, ["domain", "no-such-domain.example", "--json", "--doh", doh], { encoding: "utf8" }));
  assert.deepEqual(cli.findings.map((f) => `${f.code}|${f.title}`), findings);
  assert.deepEqual(problems, []);
  await context.close();
});

test("would this IP pass SPF for this sender? The result and its trace, as mailtrace spf gives them", async () => {
  const { page, problems, context } = await open(browser);
  await page.check("#live");
  const doh = new URL("dns-query", PAGE).href;
  for (const [ip, sender, mailFrom, result] of [
    ["203.0.113.5", "ann@sender.example", "ann@sender.example", "pass"],
    ["198.51.100.99", "sender.example", "postmaster@sender.example", "fail"],
    ["2001:db8:5::25", "https://sender.example/", "postmaster@sender.example", "pass"],
  ]) {
    await page.fill("#spf-ip", ip);
    await page.fill("#spf-sender", sender);
    await page.click("#check-spf");
    await page.waitForSelector(`#spf-answer[data-complete=true][data-result=${result}]`);
    const box = page.locator("#spf-answer");
    assert.match(await box.locator("h3").textContent(), new RegExp(`${ip.replace(/[.:]/g, "\\$&")} sending as ${mailFrom.replace(/\./g, "\\.")}`));
    const cli = JSON.parse(execFileSync(`${REPO}target/debug/mailtrace`, ["spf", "--ip", ip, "--mail-from", mailFrom, "--json", "--doh", doh], { encoding: "utf8" }));
    assert.equal(cli.outcome.result, result);
    const rows = await box.locator("tbody tr").first().locator("xpath=ancestor::table").locator("tbody tr").count();
    assert.equal(rows, cli.outcome.trace.length, "every step of the trace");
    assert.match(await box.textContent(), new RegExp(cli.outcome.summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    assert.match(await page.locator("#spf-status").textContent(), new RegExp(`: ${result}\\.$`));
  }
  await page.fill("#spf-ip", "not an ip");
  await page.click("#check-spf");
  assert.match(await page.locator("#spf-status").textContent(), /Enter the IP address/);
  assert.equal(await page.locator("#spf-answer").count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});
