// The main views at a desktop width (1280 px) and a phone's (390 px), light and dark, with every
// section and every fold open: no horizontal page scroll, no axe-core violation of any impact,
// and a screenshot of each in artifacts/. The views: an analysis result, a bounce, the domain
// check with the SPF question, the widget (customer and agent views). Also: printed links show
// their URL once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { launch, open, paste, sample, PAGE, REPO, ARTIFACTS } from "./helpers.js";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// axe-core on the whole page (shadow roots included); every violation fails, whatever its impact.
async function axe(page, label) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.map((v) => `${label}: ${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  assert.deepEqual(bad, []);
}

// Opens every <details> on the page, in shadow roots too.
async function openEverything(page) {
  await page.evaluate(() => {
    const roots = [document, ...[...document.querySelectorAll("*")].filter((n) => n.shadowRoot).map((n) => n.shadowRoot)];
    for (const root of roots) for (const d of root.querySelectorAll("details")) d.open = true;
  });
}

async function noSideways(page, label) {
  const { width, inner } = await page.evaluate(() => ({ width: document.scrollingElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(width <= inner, `${label}: the page is ${width}px wide in a ${inner}px window`);
}

async function analyzeText(page, text) {
  await paste(page, text);
  await page.check("#live");
  const n = await page.evaluate(() => Number(document.body.dataset.analyzed || 0));
  await page.click("#analyze");
  await page.waitForFunction((k) => Number(document.body.dataset.analyzed || 0) > k, n);
}

const SIZES = [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]];
const SCHEMES = ["light", "dark"];

for (const [size, viewport] of SIZES) {
  for (const colorScheme of SCHEMES) {
    test(`${size} ${colorScheme}: every view fits the width, passes axe-core, and is photographed`, async () => {
      const contextOptions = { colorScheme, viewport, bypassCSP: true, ...(size === "phone" ? { isMobile: true, hasTouch: true } : {}) };
      const { page, problems, context } = await open(browser, { contextOptions });
      const tag = `${size}-${colorScheme}`;
      await axe(page, `${tag} start`);
      await page.screenshot({ path: `${ARTIFACTS}view-${tag}-start.png`, fullPage: true });

      // An analysis result with everything open: a spam-foldered message with blocklist listings.
      await analyzeText(page, sample("listed-spamhaus.eml"));
      await page.screenshot({ path: `${ARTIFACTS}view-${tag}-result.png` });
      await openEverything(page);
      await noSideways(page, `${tag} result`);
      await axe(page, `${tag} result`);
      await page.screenshot({ path: `${ARTIFACTS}view-${tag}-result-open.png`, fullPage: true });

      // A bounce, with its recipients' table and the facts for the case.
      await analyzeText(page, readFileSync(`${REPO}tests/bounces/gmail-blocked-spamhaus.eml`, "utf8"));
      await openEverything(page);
      await noSideways(page, `${tag} bounce`);
      await axe(page, `${tag} bounce`);
      await page.screenshot({ path: `${ARTIFACTS}view-${tag}-bounce.png`, fullPage: true });

      // The domain check and the SPF question.
      await page.fill("#domain", "mailto:postmaster@Sender.Example");
      await page.fill("#selectors", "mt2026, old");
      await page.click("#check-domain");
      await page.waitForSelector("#domain-report[data-complete=true]");
      await page.fill("#spf-ip", "203.0.113.5");
      await page.fill("#spf-sender", "ann@sender.example");
      await page.click("#check-spf");
      await page.waitForSelector("#spf-answer[data-complete=true]");
      await openEverything(page);
      await noSideways(page, `${tag} domain check`);
      await axe(page, `${tag} domain check`);
      await page.locator("#domain-panel").screenshot({ path: `${ARTIFACTS}view-${tag}-domain.png` });
      assert.deepEqual(problems, []);

      // The widget: the customer view of the demo article, then the agent view.
      await page.goto(new URL("demo.html", PAGE).href);
      await page.waitForFunction(() => customElements.get("header-analyzer"));
      await page.locator("header-analyzer textarea").fill(sample("listed-spamhaus.eml"));
      await page.locator("header-analyzer [part=button]").click();
      await page.waitForSelector("body[data-analysis-complete=true]");
      await noSideways(page, `${tag} widget (customer)`);
      await axe(page, `${tag} widget (customer)`);
      await page.screenshot({ path: `${ARTIFACTS}view-${tag}-widget-customer.png`, fullPage: true });
      await page.evaluate(() => document.querySelector("header-analyzer").removeAttribute("view"));
      await openEverything(page);
      await noSideways(page, `${tag} widget (agent)`);
      await axe(page, `${tag} widget (agent)`);
      await page.screenshot({ path: `${ARTIFACTS}view-${tag}-widget-agent.png`, fullPage: true });
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test("every sample and bounce, opened in full on a phone, fits the width", async () => {
  const { page, problems, context } = await open(browser, { contextOptions: { viewport: { width: 390, height: 844 }, isMobile: true } });
  const names = ["samples", "bounces"].flatMap((dir) => readdirSync(`${REPO}tests/${dir}`)
    .filter((f) => /\.(eml|txt)$/.test(f))
    .map((f) => [f, readFileSync(`${REPO}tests/${dir}/${f}`, "utf8")]));
  for (const [name, text] of names) {
    await analyzeText(page, text);
    await openEverything(page);
    await noSideways(page, name);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("printed, a link shows its URL once", async () => {
  const { page, problems, context } = await open(browser);
  await analyzeText(page, readFileSync(`${REPO}tests/bounces/gmail-blocked-spamhaus.eml`, "utf8"));
  await openEverything(page);
  await page.emulateMedia({ media: "print" });
  const after = await page.evaluate(() => [...document.querySelectorAll("#results a[href]")].map((a) => ({
    url: a.classList.contains("url"), text: a.textContent, after: getComputedStyle(a, "::after").content,
  })));
  assert.ok(after.some((a) => a.url), "links whose text is their URL");
  assert.ok(after.some((a) => !a.url), "links with words");
  for (const a of after) {
    if (a.url) assert.equal(a.after, "none", `${a.text}: printed once`);
    else assert.match(a.after, /https?:/, `${a.text}: its URL printed after it`);
  }
  await page.emulateMedia({ media: "screen" });
  assert.deepEqual(problems, []);
  await context.close();
});
