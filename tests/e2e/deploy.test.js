// The server as deployed (scripts/dns-server.sh): the security headers on the DoH endpoint as on
// the pages, and the same page over HTTP/2 with TLS, where a round's DoH questions share one
// connection. The test stack's certificate is made at each start; Chromium trusts it here only
// (--ignore-certificate-errors-spki-list with its key's hash), the other tests use plain HTTP.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { launch, open, paste, sample, PAGE } from "./helpers.js";

const RUN_DIR = process.env.MAILTRACE_RUN_DIR;
const runFile = (name) => (RUN_DIR && existsSync(`${RUN_DIR}/${name}`) ? readFileSync(`${RUN_DIR}/${name}`, "utf8").trim() : null);

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("/dns-query answers carry the security headers the pages carry", async () => {
  const query = new URL("dns-query?dns=AAABAAABAAAAAAAAAAACAAE", PAGE).href;
  for (const [url, init] of [[PAGE, {}], [query, { headers: { accept: "application/dns-message" } }],
    [new URL("dns-query", PAGE).href, { method: "OPTIONS" }]]) {
    const response = await fetch(url, init);
    assert.ok(response.ok, `${url}: ${response.status}`);
    assert.match(response.headers.get("content-security-policy") || "", /default-src '(none|self)'.*frame-ancestors/, url);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff", url);
    assert.equal(response.headers.get("referrer-policy"), "no-referrer", url);
  }
});

test("/dns-query allows CORS to the page's own and loopback origins only, and names no server version", async () => {
  const query = new URL("dns-query?dns=AAABAAABAAAAAAAAAAACAAE", PAGE).href;
  const allowed = async (origin) => (await fetch(query, { headers: { accept: "application/dns-message", origin } }))
    .headers.get("access-control-allow-origin");
  // scripts/test.sh starts the server with --zones, whose default is --cors loopback.
  assert.equal(await allowed(new URL(PAGE).origin), new URL(PAGE).origin);
  assert.equal(await allowed("http://127.0.0.1:9"), "http://127.0.0.1:9");
  for (const other of ["https://evil.example", "http://127.0.0.1.evil.example", "https://localhost.evil.example:8080"]) {
    assert.equal(await allowed(other), null, other);
  }
  const response = await fetch(new URL("no-such-file", PAGE).href);
  assert.equal(response.headers.get("server"), "nginx");
  assert.doesNotMatch(await response.text(), /nginx\/\d/);
});

test("over HTTPS the page's DoH questions go out over HTTP/2, and the analysis completes", async (t) => {
  const origin = runFile("https-url");
  const spki = runFile("cert.spki");
  if (!origin || !spki) { t.skip("MAILTRACE_RUN_DIR has no HTTPS listener (start scripts/dns-server.sh)"); return; }
  const tls = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      `--ignore-certificate-errors-spki-list=${spki}`],
  });
  try {
    const { page, problems, context, dns } = await open(tls, { url: `${origin}/` });
    await paste(page, sample("dkim-signed.eml"));
    await page.check("#live");
    await page.click("#analyze");
    await page.waitForFunction(() => Number(document.body.dataset.analyzed || 0) > 0);
    assert.ok(dns.length > 3, `DoH questions asked: ${dns.length}`);
    // The questions are asked from the worker: nginx's log tells the protocol of each.
    const protocols = new Set(readFileSync(`${RUN_DIR}/nginx-access.log`, "utf8").split("\n")
      .map((l) => l.split(" ")).filter((f) => f[1] === "/dns-query" && f[0] === "GET" && f[6] !== "HTTP/1.1")
      .map((f) => f[6]));
    assert.deepEqual([...protocols], ["HTTP/2.0"]);
    assert.equal(await page.evaluate(() => performance.getEntriesByType("navigation")[0].nextHopProtocol), "h2");
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await tls.close();
  }
});

test("the analysis runs off the main thread, and Stop ends one that is still computing", async () => {
  const { page, problems, context } = await open(browser);
  await page.uncheck("#live");
  await page.waitForSelector("body[data-core-ms]");
  // Frames go on while the core analyzes about 10 MB (about a second of work): the longest gap
  // between two frames stays short (a core on the main thread would show as one long gap). The
  // text goes to the core directly: a 10 MB text box costs the browser's layout time of its own.
  const r = await page.evaluate(async () => {
    const line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3\n";
    const big = `From: a@example.com\nSubject: big\n\n${line.repeat(120000)}`;
    let worst = 0;
    let last = performance.now();
    let frames = true;
    const tick = () => { const t = performance.now(); worst = Math.max(worst, t - last); last = t; if (frames) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    const started = performance.now();
    await window.mailtrace.analyzeOffline(big, { live: false });
    frames = false;
    return { worst: Math.max(worst, performance.now() - last), total: performance.now() - started };
  });
  assert.ok(r.worst < 150 && r.worst < r.total / 2,
    `longest gap between frames ${r.worst.toFixed(0)} ms in an analysis of ${r.total.toFixed(0)} ms`);
  // The page's Analyze on a 10 MB paste, and Stop at once: the worker is ended mid-analysis and
  // the page says so.
  const line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3\n";
  await paste(page, `${sample("gmail-inbound.eml")}\n${line.repeat(120000)}`);
  const stopped = await page.evaluate(() => new Promise((resolve) => {
    const status = document.getElementById("status");
    document.getElementById("analyze").click();
    setTimeout(() => {
      const observer = new MutationObserver(() => {
        if (/stopped|Analyzed/.test(status.textContent)) { observer.disconnect(); resolve(status.textContent); }
      });
      observer.observe(status, { childList: true, characterData: true, subtree: true });
      document.getElementById("stop").click();
    }, 0);
  }));
  assert.match(stopped, /The analysis was stopped/);
  // The next analysis gets a fresh core and completes.
  await paste(page, sample("gmail-inbound.eml"));
  const n = await page.evaluate(() => Number(document.body.dataset.analyzed || 0));
  await page.click("#analyze");
  await page.waitForFunction((k) => Number(document.body.dataset.analyzed || 0) > k, n);
  assert.match(await page.locator("#status").textContent(), /Analyzed \d+ header fields/);
  assert.deepEqual(problems, []);
  await context.close();
});
