// Static checks of www/ (no browser): no API that turns strings into HTML, and a strict CSP
// (no 'unsafe-inline') on every page, the single-file build included when it is there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./helpers.js";

const WWW = `${REPO}www`;
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const FORBIDDEN = ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "DOMParser",
  "createContextualFragment", "srcdoc"];

// www/ (the page's modules, render/ and its sections included) and, when it is built,
// dist/www/ (the bundled and minified page, scripts/build-page.sh).
const DIST_WWW = `${REPO}dist/www`;
const served = () => [...files(WWW), ...(existsSync(DIST_WWW) ? files(DIST_WWW) : [])];

test("nothing in www/ makes HTML from strings", () => {
  const hits = [];
  const scanned = served().filter((p) => /\.(js|mjs|html|svg)$/.test(p));
  assert.ok(scanned.filter((p) => p.startsWith(`${WWW}/render/sections/`)).length >= 10, "the render/ modules are scanned");
  for (const path of scanned) {
    const text = readFileSync(path, "utf8");
    for (const word of FORBIDDEN) {
      text.split("\n").forEach((line, i) => {
        if (line.includes(word)) hits.push(`${path.slice(REPO.length)}:${i + 1}: ${word}`);
      });
    }
  }
  assert.deepEqual(hits, []);
});

test("every page has a strict CSP: no 'unsafe-inline', no 'unsafe-eval', no inline script or style", () => {
  const pages = served().filter((p) => p.endsWith(".html"));
  assert.ok(pages.length >= 2);
  for (const path of pages) {
    const html = readFileSync(path, "utf8");
    const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/);
    assert.ok(csp, `${path}: no CSP`);
    assert.doesNotMatch(csp[1], /unsafe-inline|'unsafe-eval'/, path);
    assert.match(csp[1], /script-src 'self' 'wasm-unsafe-eval'/, path);
    assert.match(csp[1], /object-src 'none'/, path);
    // The served pages may ask only their own site, the three listed resolvers and loopback:
    // no scheme-wide `https:` that would let an injected script send anywhere.
    const connect = csp[1].split(";").map((d) => d.trim()).find((d) => d.startsWith("connect-src"));
    assert.equal(connect, "connect-src 'self' https://cloudflare-dns.com https://dns.google https://dns.quad9.net http://127.0.0.1:* http://localhost:*", path);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${path}: an inline script`);
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, `${path}: inline style or event handler`);
  }
});

test("the single-file build allows its inline script and style by hash only", () => {
  const html = readFileSync(`${REPO}dist/mailtrace.html`, "utf8");
  const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)[1];
  assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'|'self'/);
  assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'/);
  assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/=]+'/);
  assert.equal((html.match(/<script/g) || []).length, 1);
  assert.equal((html.match(/<style/g) || []).length, 1);
});

// The modules app.js imports, transitively (static imports of relative paths).
function moduleGraph(entry) {
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    const text = readFileSync(path, "utf8");
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s*"(\.\.?\/[^"]+)";/gm)) visit(join(path, "..", m[1]));
    // The renderer is imported once the page has started (app.js): fetched at load all the same.
    for (const m of text.matchAll(/\bimport\("(\.\.?\/[^"]+)"\)/g)) visit(join(path, "..", m[1]));
  };
  visit(entry);
  return seen;
}

test("index.html preloads every module the page imports, and only those", () => {
  const html = readFileSync(`${WWW}/index.html`, "utf8");
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  const imported = [...moduleGraph(`${WWW}/app.js`)].map((p) => p.slice(WWW.length + 1)).filter((p) => p !== "app.js");
  assert.ok(imported.includes("render/sections/path.js"), imported.join(" "));
  assert.deepEqual(preloaded.filter((p) => !p.startsWith("pkg/")).sort(), imported.sort());
});

test("the single-file build holds every module: no import of a file is left", () => {
  const html = readFileSync(`${REPO}dist/mailtrace.html`, "utf8");
  const script = html.match(/<script type="module">([\s\S]*)<\/script>/)[1];
  assert.doesNotMatch(script, /\bfrom\s*["'][^"']*\.js["']|\bimport\s*["']/);
  assert.doesNotMatch(html, /<link rel="(?:stylesheet|modulepreload|preload)"|\ssrc="/);
});
