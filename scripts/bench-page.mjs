#!/usr/bin/env node
// Measures the page as deployed (not a test): dist/www/ (scripts/build-page.mjs: bundled,
// minified, pre-compressed) served by nginx over HTTP/2 with TLS and brotli, its DoH endpoint
// answering from the test zones with a fixed delay per question (scripts/dns-server.sh --delay),
// in headless Chromium trusting that server's certificate only. Medians of `runs` (default 10):
//   load       cold load to ready (the page usable: Analyze enabled), to its first contentful
//              paint, and to the analyzer loaded
//              (the wasm compiled and instantiated in its worker), unthrottled on loopback and
//              with Chromium's "Fast 3G" and a 4x slower CPU (CDP Network.emulateNetworkConditions,
//              Emulation.setCPUThrottlingRate); every request of a cold load with the bytes nginx
//              sent for it (headers included) and its encoding
//   offline    Analyze to the offline part of the report shown and painted
//   wasm       an offline analysis of the typical 3.4 KB header (tests/samples/gmail-inbound.eml)
//              through the wasm API in Chromium, the report delivered to JS as a parsed object,
//              against the same analysis natively (examples/analyze_time.rs, opt-level 3) in the
//              same run (and, for reference, natively at the release profile's opt-level "z");
//              and the same call through the page's worker (a message each way)
//   big        a 10 MB paste: the longest main-thread task while it is analyzed (the page must not
//              freeze), the time to its report, and Stop in the middle of it
//   live       Analyze to the final report with live lookups, against rounds x the delay per
//              question (rounds from `cargo bench --bench dns_rounds`), over HTTP/2 and, for
//              comparison, over HTTP/1.1 (Chromium: at most 6 requests at once per host)
//   node scripts/bench-page.mjs [runs] [--only load,offline,wasm,big,live] [--delay MS] [--no-build]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { chromium } from "playwright-core";

const repo = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const flag = (name) => { const i = args.indexOf(name); return i < 0 ? null : args.splice(i, 2)[1]; };
const only = (flag("--only") || "load,offline,wasm,big,live").split(",");
const delay = Number(flag("--delay") || 300);
const noBuild = args.includes("--no-build") ? (args.splice(args.indexOf("--no-build"), 1), true) : false;
const runs = Number(args[0] || 10);
const want = (k) => only.includes(k);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const stats = (xs) => `median ${median(xs).toFixed(1)} (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}; ${xs.length} runs)`;
const sample = (name) => readFileSync(`${repo}tests/samples/${name}`, "utf8");
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const run = (cmd, argv, env) => execFileSync(cmd, argv, { cwd: repo, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] }).toString();

console.log(`machine: ${(await import("node:os")).cpus().length} cores, load average ${load()} at the start`);
if (!noBuild) run("node", ["scripts/build-page.mjs"]);

const runDir = mkdtempSync(`${tmpdir()}/mailtrace-bench-`);
const env = { MAILTRACE_RUN_DIR: runDir };
const plain = run(`${repo}scripts/dns-server.sh`, ["start", "--zones", "--root", `${repo}dist/www`, "--delay", String(delay)], env).trim();
const origin = run(`${repo}scripts/dns-server.sh`, ["https-url"], env).trim();
const spki = run(`${repo}scripts/dns-server.sh`, ["spki"], env).trim();
const accessLog = `${runDir}/nginx-access.log`;
const logLines = () => readFileSync(accessLog, "utf8").split("\n").filter(Boolean);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    `--ignore-certificate-errors-spki-list=${spki}`],
});

// Chromium's "Fast 3G" preset (DevTools): 562.5 ms latency, 1.44 Mbit/s down, 675 kbit/s up.
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: 180000, uploadThroughput: 84375 };

async function openPage({ throttle = false, url = `${origin}/` } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", FAST_3G);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  }
  // Nothing of Playwright's runs in the page until its load event: a selector query injects
  // Playwright's own script into the page, and while the page is loading that evaluation (25-40
  // ms in a trace) ran on the main thread between the HTML and app.js, delaying the ready it
  // measures. The times themselves are the page's (performance.now() when it became ready).
  await page.goto(url, { waitUntil: "load", timeout: 60000 });
  await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
  await page.waitForSelector("body[data-core-ms]", { timeout: 60000 });
  const times = await page.evaluate(() => ({
    ready: Number(document.body.dataset.readyMs),
    core: Number(document.body.dataset.coreMs),
    paint: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
  }));
  return { context, page, ...times };
}

// Analyze with the page's own controls; resolves to the ms from the click to the final report.
function analyzeTimed(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const before = Number(document.body.dataset.analyzed || 0);
    const observer = new MutationObserver(() => {
      if (Number(document.body.dataset.analyzed || 0) > before) {
        observer.disconnect();
        resolve(performance.now() - started);
      }
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-analyzed"] });
    const started = performance.now();
    document.getElementById("analyze").click();
  }));
}

const summary = [];
try {
  if (want("load")) {
    for (const throttle of [false, true]) {
      const ready = [], core = [], paint = [];
      let requests = null;
      for (let i = 0; i < runs; i += 1) {
        const before = logLines().length;
        const { context, page, ready: r, core: c, paint: p } = await openPage({ throttle });
        ready.push(r);
        paint.push(p);
        core.push(c);
        if (!requests) {
          await page.waitForTimeout(300);
          requests = logLines().slice(before).map((l) => l.split(" ")).map(([method, uri, status, sent, body, enc, proto]) =>
            ({ method, uri, status, sent: Number(sent), body: Number(body), enc: enc.replace(/"/g, ""), proto }));
        }
        await context.close();
      }
      const name = throttle ? "Fast 3G + 4x CPU" : "unthrottled, loopback";
      console.log(`cold load, ${name}: ready ${stats(ready)} ms; first contentful paint ${stats(paint)} ms; analyzer loaded ${stats(core)} ms`);
      summary.push([`ready, ${name}`, median(ready)], [`analyzer loaded, ${name}`, median(core)]);
      if (!throttle) {
        let total = 0;
        console.log("  bytes nginx sent for each request of a cold load (headers included):");
        for (const q of requests) {
          total += q.sent;
          console.log(`    ${q.uri.padEnd(28)} ${String(q.sent).padStart(8)} ${(q.enc === "-" ? "identity" : q.enc).padEnd(8)} ${q.proto}`);
        }
        console.log(`    ${"total".padEnd(28)} ${String(total).padStart(8)} (${(total / 1024).toFixed(1)} KB; budget 300 KB)`);
        summary.push(["cold load on the wire, KB", total / 1024]);
      }
    }
  }

  if (want("offline")) {
    const shown = [], paint = [];
    for (let i = 0; i < runs; i += 1) {
      const { context, page } = await openPage();
      await page.$eval("#input", (el, t) => { el.value = t; }, sample("forwarded-as-attachment.eml"));
      await page.click("#analyze");
      await page.waitForSelector("body[data-offline-paint-ms]");
      shown.push(Number(await page.evaluate(() => document.body.dataset.offlineShownMs)));
      paint.push(Number(await page.evaluate(() => document.body.dataset.offlinePaintMs)));
      await context.close();
    }
    console.log(`Analyze to the offline part shown: ${stats(shown)} ms; painted: ${stats(paint)} ms`);
    summary.push(["Analyze to offline part painted, ms", median(paint)]);
  }

  if (want("wasm")) {
    const { context, page } = await openPage();
    const text = sample("gmail-inbound.eml");
    const wasm = await page.evaluate(async (input) => {
      const mod = await import(`${location.origin}/pkg/mailtrace.js`);
      await mod.default({ module_or_path: fetch(`${location.origin}/pkg/mailtrace_bg.wasm`) });
      const time = (f) => {
        for (let i = 0; i < 300; i += 1) f();
        const batches = [];
        for (let b = 0; b < 15; b += 1) {
          const t = performance.now();
          for (let i = 0; i < 100; i += 1) f();
          batches.push(((performance.now() - t) / 100) * 1000);
        }
        return batches.sort((a, b) => a - b)[7];
      };
      const now = 1704189600000;
      return {
        object: time(() => mod.analyzeOffline(input, { live: false, now })),
        text: time(() => JSON.parse(mod.analyzeOffline(input, { live: false, now, text: true }))),
        textOnly: time(() => mod.analyzeOffline(input, { live: false, now, text: true })),
      };
    }, text);
    const viaWorker = await page.evaluate(async (input) => {
      const api = window.mailtrace;
      for (let i = 0; i < 100; i += 1) await api.analyzeOffline(input, { live: false, now: 1704189600000 });
      const t = performance.now();
      for (let i = 0; i < 300; i += 1) await api.analyzeOffline(input, { live: false, now: 1704189600000 });
      return ((performance.now() - t) / 300) * 1000;
    }, text);
    await context.close();
    let native = null;
    let shipped = null;
    try {
      native = JSON.parse(run("cargo", ["run", "--quiet", "--profile", "bench", "--example", "analyze_time"]).trim().split("\n").pop());
      // The same analysis built as the CLI and the wasm module are (the release profile,
      // opt-level "z"): how much of the ratio is the optimization level rather than wasm.
      shipped = JSON.parse(run("cargo", ["run", "--quiet", "--release", "--example", "analyze_time"]).trim().split("\n").pop());
    } catch (error) {
      console.log(`native: could not run examples/analyze_time.rs (${error.message})`);
    }
    console.log("offline analysis of gmail-inbound.eml (3.4 KB), µs per analysis (median of 15 batches of 100):");
    console.log(`  wasm in Chromium, report as an object (JSON text parsed):   ${wasm.object.toFixed(1)}`);
    console.log(`  wasm in Chromium, JSON text + JSON.parse in JS:             ${wasm.text.toFixed(1)}`);
    console.log(`  wasm in Chromium, JSON text only:                           ${wasm.textOnly.toFixed(1)}`);
    console.log(`  through the page's worker (message there and back, parsed): ${viaWorker.toFixed(1)}`);
    if (native) {
      console.log(`  native, opt-level 3 (analysis alone):                       ${native.analysis_us.toFixed(1)}`);
      console.log(`  native, opt-level 3 (analysis + JSON text):                 ${native.with_json_us.toFixed(1)}`);
      const ratio = Math.min(wasm.object, wasm.text) / native.analysis_us;
      console.log(`  ratio wasm (report as an object) / native (analysis alone): ${ratio.toFixed(2)}x (target <= 3x)`);
      console.log(`  ratio wasm / native, both with the JSON text:               ${(wasm.textOnly / native.with_json_us).toFixed(2)}x`);
      if (shipped) {
        console.log(`  native, release profile, opt-level z (analysis alone):      ${shipped.analysis_us.toFixed(1)}`);
        console.log(`  ratio wasm / native at the same opt-level z:                ${(Math.min(wasm.object, wasm.text) / shipped.analysis_us).toFixed(2)}x (for reference; the target is against opt-level 3)`);
      }
      summary.push(["wasm / native, offline analysis", ratio]);
    }
  }

  if (want("big")) {
    // A pasted message of 10 MB: a typical header and a big base64 body.
    const line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3\n";
    const big = `${sample("gmail-inbound.eml")}\n${line.repeat(Math.ceil((10 * 1024 * 1024) / line.length))}`;
    const longest = [], total = [], stop = [], failures = [];
    for (let i = 0; i < Math.min(runs, 5); i += 1) {
      const { context, page } = await openPage();
      try {
        await page.$eval("#live", (el) => { el.checked = false; });
        await page.$eval("#input", (el, t) => { el.value = t; }, big);
        await page.waitForSelector("body[data-core-ms]");
        // The longest gap between frames while the core analyzes the 10 MB (given to the core
        // directly: a 10 MB text box costs the browser layout time of its own, whatever the core),
        // then the page's Analyze to its report with the paste in the text box.
        const r = await page.evaluate(async (text) => {
          let worst = 0;
          let last = performance.now();
          let frames = true;
          const tick = () => { const t = performance.now(); worst = Math.max(worst, t - last); last = t; if (frames) requestAnimationFrame(tick); };
          requestAnimationFrame(tick);
          await window.mailtrace.analyzeOffline(text, { live: false });
          frames = false;
          worst = Math.max(worst, performance.now() - last);
          // The report, or the page's own error message: a failed analysis must end the wait
          // (it does not count as analyzed), and so must a page that never answers.
          const status = document.getElementById("status");
          const done = await new Promise((resolve, reject) => {
            const before = Number(document.body.dataset.analyzed || 0);
            const started = performance.now();
            const timer = setTimeout(() => { observer.disconnect(); reject(new Error(`no report after 60 s; status: ${status.textContent}`)); }, 60000);
            const observer = new MutationObserver(() => {
              if (Number(document.body.dataset.analyzed || 0) > before) { clearTimeout(timer); observer.disconnect(); resolve(performance.now() - started); }
              else if (/failed/i.test(status.textContent)) { clearTimeout(timer); observer.disconnect(); reject(new Error(`the page said: ${status.textContent}`)); }
            });
            observer.observe(document.body, { attributes: true, attributeFilter: ["data-analyzed"], childList: true, characterData: true, subtree: true });
            document.getElementById("analyze").click();
          });
          return { worst, done };
        }, big);
        longest.push(r.worst);
        total.push(r.done);
        // Stop in the middle of the analysis of the same paste: the time until the page says so.
        // Stop is clicked in the task after the page says "Analyzing…" (the paste is then with
        // the worker, which takes 150-250 ms for it): a fixed delay after the click could fall
        // after the report on a busy machine.
        const s = await page.evaluate(() => new Promise((resolve, reject) => {
          const status = document.getElementById("status");
          const stopButton = document.getElementById("stop");
          const begun = new MutationObserver(() => {
            if (/Analyzing/.test(status.textContent)) { begun.disconnect(); setTimeout(stopNow, 0); }
          });
          begun.observe(status, { childList: true, characterData: true, subtree: true });
          document.getElementById("analyze").click();
          function stopNow() {
            const t = performance.now();
            // Stop is enabled only while an analysis runs: clicking a disabled button does
            // nothing, and waiting for "stopped" would then wait for ever.
            if (stopButton.disabled) { reject(new Error(`the analysis was over before Stop (status: ${status.textContent})`)); return; }
            const timer = setTimeout(() => { observer.disconnect(); reject(new Error(`not stopped after 10 s; status: ${status.textContent}`)); }, 10000);
            const observer = new MutationObserver(() => {
              if (/stopped/i.test(status.textContent)) { clearTimeout(timer); observer.disconnect(); resolve(performance.now() - t); }
            });
            observer.observe(status, { childList: true, characterData: true, subtree: true });
            stopButton.click();
          }
        }));
        stop.push(s);
      } catch (error) {
        failures.push(error.message.split("\n")[0]);
      } finally {
        await context.close().catch(() => {});
      }
    }
    for (const f of failures) console.log(`10 MB paste: a run failed: ${f}`);
    if (longest.length) {
      console.log(`10 MB paste (offline): longest frame gap on the main thread ${stats(longest)} ms; Analyze to report ${stats(total)} ms; Stop mid-analysis to "stopped" ${stats(stop)} ms`);
      summary.push(["10 MB paste, longest main-thread frame gap, ms", median(longest)]);
    }
  }

  if (want("live")) {
    let rounds = {};
    try {
      for (const l of run("cargo", ["bench", "--quiet", "--bench", "dns_rounds"]).split("\n")) {
        const m = /^(\S+\.eml)\s+(\d+)\s+(\d+)/.exec(l);
        if (m) rounds[m[1]] = { queries: Number(m[2]), rounds: Number(m[3]) };
      }
    } catch (error) {
      console.log(`rounds: cargo bench --bench dns_rounds failed (${error.message})`);
      rounds = {};
    }
    for (const name of ["forwarded-as-attachment.eml", "gmail-inbound.eml"]) {
      const r = rounds[name];
      for (const [proto, base] of [["HTTP/2", origin], ["HTTP/1.1", plain]]) {
        const times = [];
        for (let i = 0; i < runs; i += 1) {
          const { context, page } = await openPage({ url: `${base}/` });
          await page.$eval("#input", (el, t) => { el.value = t; }, sample(name));
          times.push(await analyzeTimed(page));
          await context.close();
        }
        const target = r ? r.rounds * delay : null;
        console.log(`live analysis of ${name} over ${proto}, ${delay} ms per question: ${stats(times)} ms`
          + (r ? `; ${r.queries} questions in ${r.rounds} rounds = ${target} ms: ${(median(times) / target).toFixed(2)}x (target <= 1.3x)` : ""));
        if (r && proto === "HTTP/2") summary.push([`live ${name} / (rounds x latency)`, median(times) / target]);
      }
    }
  }
} finally {
  await browser.close();
  run(`${repo}scripts/dns-server.sh`, ["stop"], env);
}
console.log(`load average ${load()} at the end`);
console.log("summary:");
for (const [k, v] of summary) console.log(`  ${k.padEnd(48)} ${v.toFixed(2)}`);
