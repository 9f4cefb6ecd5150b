// Shared by the e2e tests: the browser, a page that records problems and requests.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { chromium } from "playwright-core";

export const PAGE = process.env.MAILTRACE_TEST_PAGE;
export const REPO = new URL("../../", import.meta.url).pathname;
export const ARTIFACTS = `${REPO}artifacts/`;
export const sample = (name) => readFileSync(`${REPO}tests/samples/${name}`, "utf8");

export async function launch() {
  assert.ok(PAGE, "MAILTRACE_TEST_PAGE is not set; run scripts/test.sh");
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// Opens `url` (default: the page) in a new context, failing the test on any script error, CSP
// violation or dialog (collected in `problems`). `requests` lists every request, `dns` the DoH ones.
export async function open(browser, { url = PAGE, contextOptions = {}, ready = true } = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  const dns = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/crash requested by crashForTest|RuntimeError: unreachable/.test(m.text())) {
      problems.push(`console error: ${m.text()}`);
    }
  });
  page.on("dialog", (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on("request", (r) => {
    requests.push(r.url());
    if (r.url().includes("dns-query")) dns.push(r.url());
  });
  await page.goto(url);
  if (ready) await page.waitForSelector("body[data-ready=true]");
  return { context, page, problems, requests, dns };
}

export async function paste(page, text, selector = "#input") {
  await page.$eval(selector, (el, t) => { el.value = t; }, text);
}
