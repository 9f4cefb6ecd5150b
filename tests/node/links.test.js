// Links only to hosts mailtrace vouches for: every host of a URL in the core's own texts
// (data/**/*.tsv) is in the page's list, and the list holds no host those texts do not name,
// so a URL from a header, a bounce, a DNS answer or a crafted share link never becomes a link.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { VOUCHED_HOSTS, vouched } from "../../www/render/dom.js";

const data = new URL("../../data/", import.meta.url).pathname;
const files = (dir) => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? files(p) : p.endsWith(".tsv") ? [p] : [];
});

test("the vouched hosts are exactly the hosts the core's texts link to", () => {
  const hosts = new Set();
  for (const f of files(data)) {
    for (const m of readFileSync(f, "utf8").matchAll(/https?:\/\/([A-Za-z0-9.-]+)/g)) hosts.add(m[1].toLowerCase());
  }
  assert.ok(hosts.size >= 20, `${hosts.size} hosts read`);
  for (const h of hosts) assert.ok(VOUCHED_HOSTS.has(h), `${h} (named in data/) is not vouched for`);
  for (const h of VOUCHED_HOSTS) assert.ok(hosts.has(h), `${h} is vouched for but no text names it`);
});

test("homographs and other hosts are not vouched for", () => {
  assert.ok(vouched("https://check.spamhaus.org/listed/?searchterm=192.0.2.2"));
  assert.ok(!vouched(new URL("https://www.spamhаus.org/").href), "Cyrillic а (punycode host)");
  assert.ok(!vouched("https://check.spamhaus.org.evil.example/"));
  assert.ok(!vouched("https://help.example/dmarc"));
  assert.ok(!vouched("not a url"));
});

test("a shared report past what a real report holds is refused before rendering", async () => {
  const { withinBounds } = await import("../../www/render/share.js");
  const report = JSON.parse(readFileSync(new URL("../samples/gmail.live.json", import.meta.url), "utf8"));
  assert.ok(withinBounds(report), "a real report");
  assert.ok(!withinBounds({ ...report, findings: Array.from({ length: 6000 }, () => ({ code: "x" })) }));
  let deep = {};
  for (let i = 0; i < 40; i += 1) deep = { a: deep };
  assert.ok(!withinBounds({ ...report, extra: deep }));
  const wide = Array.from({ length: 30 }, () => Array.from({ length: 4000 }, () => 1));
  assert.ok(!withinBounds({ ...report, extra: wide }), "many values in arrays each under the cap");
});
