#!/usr/bin/env node
// The size check: the page as deployed, every request of a cold load in the form the deployment
// serves it. dist/www/ (scripts/build-page.mjs: bundled, minified, pre-compressed .br and .gz)
// is served by scripts/dns-server.sh's nginx over HTTP/2 with TLS (brotli_static, gzip_static);
// headless Chromium, trusting that server's certificate only, loads the page cold and waits
// until the analyzer is loaded (the wasm is fetched after the page is ready); every request
// nginx answered is listed with the bytes it sent (headers included) and the encoding. Fails
// when the total is over the budget (300 KB), or when a compressible file went out uncompressed.
//   node scripts/size.mjs [--budget KB]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { chromium } from "playwright-core";

const repo = new URL("..", import.meta.url).pathname;
const i = process.argv.indexOf("--budget");
const budget = (i > 0 ? Number(process.argv[i + 1]) : 300) * 1024;
const env = { ...process.env, MAILTRACE_RUN_DIR: mkdtempSync(`${tmpdir()}/mailtrace-size-`) };
const server = (...argv) => execFileSync(`${repo}scripts/dns-server.sh`, argv, { env, stdio: ["ignore", "pipe", "inherit"] }).toString().trim();

server("start", "--zones", "--root", `${repo}dist/www`);
let failed = false;
try {
  const origin = server("https-url");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      `--ignore-certificate-errors-spki-list=${server("spki")}`],
  });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${origin}/`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
    await page.waitForSelector("body[data-core-ms]", { timeout: 60000 });
    await page.waitForTimeout(500);
  } finally {
    await browser.close();
  }
  const requests = readFileSync(`${env.MAILTRACE_RUN_DIR}/nginx-access.log`, "utf8").split("\n").filter(Boolean)
    .map((l) => l.split(" ")).filter(([, uri]) => uri !== "/dns-query")
    .map(([method, uri, status, sent, body, enc, proto]) => ({ method, uri, status, sent: Number(sent), body: Number(body), enc: enc.replace(/"/g, ""), proto }));
  console.log(`the page's cold load as deployed (dist/www/ over ${requests[0]?.proto || "?"}, TLS), bytes nginx sent (headers included):`);
  let total = 0;
  for (const r of requests) {
    total += r.sent;
    const enc = r.enc === "-" ? "identity" : r.enc;
    const compressible = /\.(js|css|html|wasm|json|svg)$|\/$/.test(r.uri);
    if (compressible && r.body > 1024 && enc !== "br") { failed = true; console.log(`  ${r.uri}: sent as ${enc}, not brotli`); }
    console.log(`  ${r.uri.padEnd(30)} ${String(r.sent).padStart(8)} bytes  ${enc.padEnd(8)} ${r.status}`);
  }
  console.log(`  ${"total".padEnd(30)} ${String(total).padStart(8)} bytes (${(total / 1024).toFixed(1)} KB)`);
  if (total <= budget) console.log(`within the ${budget / 1024} KB budget (${budget - total} bytes to spare)`);
  else { console.log(`OVER the ${budget / 1024} KB budget by ${total - budget} bytes`); failed = true; }
} finally {
  server("stop");
}
process.exit(failed ? 1 : 0);
