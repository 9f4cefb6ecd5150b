// The page's DoH client (src/driver/wasm.rs fetch_answer) against a hostile endpoint: a tiny
// HTTP server started here on the loopback answers /dns-query with a body far larger than a DNS
// message (streamed with no length, or with a Content-Length that says so) or with a redirect.
// The core refuses the large body as soon as it passes the limit (the stream is cancelled long
// before its end) and treats a redirect as an error without fetching its target.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { launch, open } from "./helpers.js";

// As large as the answers of the reproducer (100 MB), so that what the operating
// system and the browser's network process buffer before the cancel takes effect (megabytes on
// a busy machine) stays far below the half that the test allows.
const TOTAL = 100 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x41);

let browser;
let server;
let base;
const seen = { streamed: 0, streamClosedEarly: false, declaredBodySent: 0, target: 0 };

before(async () => {
  browser = await launch();
  server = createServer((req, res) => {
    const cors = { "access-control-allow-origin": "*", "content-type": "application/dns-message", "cache-control": "no-store" };
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/stream/dns-query") {
      res.writeHead(200, cors);
      let sent = 0;
      let closed = false;
      res.on("close", () => { closed = true; seen.streamClosedEarly = sent < TOTAL; });
      const pump = () => {
        while (!closed && sent < TOTAL) {
          sent += CHUNK.length;
          seen.streamed = sent;
          if (!res.write(CHUNK)) { res.once("drain", pump); return; }
        }
        if (!closed) res.end();
      };
      pump();
    } else if (path === "/declared/dns-query") {
      res.writeHead(200, { ...cors, "content-length": String(TOTAL) });
      let sent = 0;
      let closed = false;
      res.on("close", () => { closed = true; });
      const pump = () => {
        while (!closed && sent < TOTAL) {
          sent += CHUNK.length;
          seen.declaredBodySent = sent;
          if (!res.write(CHUNK)) { res.once("drain", pump); return; }
        }
        if (!closed) res.end();
      };
      pump();
    } else if (path === "/redirect/dns-query") {
      res.writeHead(302, { ...cors, location: `${base}/target/dns-query${new URL(req.url, "http://x").search}` });
      res.end();
    } else if (path.startsWith("/target/")) {
      seen.target += 1;
      res.writeHead(200, cors);
      res.end();
    } else {
      res.writeHead(404, cors);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const MESSAGE = [
  "Received: from mail.sender.example (mail.sender.example [203.0.113.5]) by mx.example.net; Tue, 2 Jan 2024 10:00:00 +0000",
  "Subject: hi", "",
].join("\r\n");

// The exchange of the sending IP's PTR question in an analysis of MESSAGE through `doh` (the
// only question sent: the budget is one).
async function exchanges(page, doh) {
  await page.waitForSelector("body[data-core-ms]");
  return page.evaluate(async ({ text, doh }) => {
    const r = await window.mailtrace.analyze(text, { live: true, doh, now: 1704189600000, maxQueries: 1, timeoutMs: 10000 });
    return r.dns.filter((x) => x.name === "5.113.0.203.in-addr.arpa");
  }, { text: MESSAGE, doh });
}

test("a DoH answer far larger than a DNS message is refused while it streams, and one that declares its size before any of it is read", async () => {
  const { page, problems, context } = await open(browser);
  const streamed = await exchanges(page, `${base}/stream/dns-query`);
  assert.equal(streamed.length, 1);
  assert.equal(streamed[0].status, "error");
  assert.match(JSON.stringify(streamed[0].error), /too large/);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.ok(seen.streamClosedEarly, `the stream was read to its end (${seen.streamed} bytes)`);
  assert.ok(seen.streamed < TOTAL / 2, `${seen.streamed} bytes were sent`);

  const declared = await exchanges(page, `${base}/declared/dns-query`);
  assert.equal(declared[0].status, "error");
  assert.match(JSON.stringify(declared[0].error), /too large/);
  assert.ok(seen.declaredBodySent < TOTAL, `${seen.declaredBodySent} bytes were sent`);
  problems.splice(0, problems.length, ...problems.filter((p) => !/Failed to load resource|net::/.test(p)));
  assert.deepEqual(problems, []);
  await context.close();
});

test("a redirect from the DoH endpoint is an error, and its target is never fetched", async () => {
  const { page, problems, requests, context } = await open(browser);
  const out = await exchanges(page, `${base}/redirect/dns-query`);
  assert.equal(out.length, 1);
  assert.equal(out[0].status, "error");
  assert.equal(seen.target, 0, "the redirect's target was fetched");
  assert.ok(!requests.some((u) => u.includes("/target/")), requests.join("\n"));
  problems.splice(0, problems.length, ...problems.filter((p) => !/Failed to load resource|net::|redirect/i.test(p)));
  assert.deepEqual(problems, []);
  await context.close();
});
