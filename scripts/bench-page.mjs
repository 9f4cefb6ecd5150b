#!/usr/bin/env node
// Measures the page (not a test): load to ready in headless Chromium on localhost (target
// < 300 ms), Analyze to the offline part shown (target < 50 ms), and the bytes transferred
// (gzip, as nginx sends them). Uses $MAILTRACE_TEST_PAGE, or starts the loopback server itself.
//   node scripts/bench-page.mjs [runs]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const repo = new URL("..", import.meta.url).pathname;
const runs = Number(process.argv[2] || 10);
let page0 = process.env.MAILTRACE_TEST_PAGE;
let stop = null;
if (!page0) {
  const env = { ...process.env, MAILTRACE_RUN_DIR: mkdtempSync(`${tmpdir()}/mailtrace-bench-`) };
  page0 = `${execFileSync(`${repo}scripts/dns-server.sh`, ["start", "--zones"], { env }).toString().trim()}/`;
  stop = () => execFileSync(`${repo}scripts/dns-server.sh`, ["stop"], { env });
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const sample = readFileSync(`${repo}tests/samples/forwarded-as-attachment.eml`, "utf8");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const cold = [], warm = [], offline = [], paint = [];
  let transferred = null;
  for (let i = 0; i < runs; i += 1) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(page0);
    await page.waitForSelector("body[data-ready=true]");
    cold.push(Number(await page.evaluate(() => document.body.dataset.readyMs)));
    if (!transferred) {
      transferred = await page.evaluate(() => {
        const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
        return entries.map((e) => ({ name: new URL(e.name).pathname, transfer: e.transferSize, body: e.decodedBodySize }));
      });
    }
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    warm.push(Number(await page.evaluate(() => document.body.dataset.readyMs)));
    await page.$eval("#input", (el, t) => { el.value = t; }, sample);
    await page.click("#analyze");
    await page.waitForSelector("body[data-offline-paint-ms]");
    offline.push(Number(await page.evaluate(() => document.body.dataset.offlineShownMs)));
    paint.push(Number(await page.evaluate(() => document.body.dataset.offlinePaintMs)));
    await context.close();
  }
  console.log(`page load to ready, cold cache: median ${median(cold)} ms (min ${Math.min(...cold)}, max ${Math.max(...cold)}; ${runs} runs; target < 300 ms)`);
  console.log(`page load to ready, reload:     median ${median(warm)} ms (min ${Math.min(...warm)}, max ${Math.max(...warm)})`);
  console.log(`Analyze to offline part shown:  median ${median(offline)} ms (min ${Math.min(...offline)}, max ${Math.max(...offline)}; target < 50 ms)`);
  console.log(`Analyze to offline part painted: median ${median(paint)} ms`);
  let total = 0;
  console.log("transferred on first load (gzip by nginx, headers included):");
  for (const t of transferred) {
    total += t.transfer;
    console.log(`  ${t.name.padEnd(28)} ${String(t.transfer).padStart(8)} bytes (${t.body} decoded)`);
  }
  console.log(`  total                        ${String(total).padStart(8)} bytes (${(total / 1024).toFixed(1)} KB)`);
  const files = ["www/index.html", "www/app.js", "www/render.js", "www/core.js", "www/style.css", "www/render.css", "pkg/mailtrace.js", "pkg/mailtrace_bg.wasm",
    ...readdirSync(`${repo}www/render`, { recursive: true }).filter((f) => f.endsWith(".js")).map((f) => `www/render/${f}`)];
  const gz = files.reduce((n, f) => n + gzipSync(readFileSync(repo + f), { level: 9 }).length, 0);
  console.log(`page files, gzip -9 from disk: ${gz} bytes (${(gz / 1024).toFixed(1)} KB)`);
} finally {
  await browser.close();
  if (stop) stop();
}
