// Builds dist/www/: the page for deployment, its modules bundled and minified by esbuild. The
// same files as www/ (index.html, demo.html, the styles, the icon, the samples) and pkg/ under
// it; what differs:
//   app.js, header-analyzer.js   each one file: the module with everything it imports (core.js,
//                                render.js and render/), minified
//   worker.js                    the Web Worker that runs the core, with the wasm bindings
//                                (pkg/mailtrace.js) inside, minified
//   render.js, demo.js           bundled and minified likewise (render.js for embedders)
//   *.css, pkg/mailtrace.js      minified (pkg/mailtrace.js is loaded only where no worker can
//                                run the core)
//   index.html                   without the preloads of the modules now inside app.js
//   report.schema.json           as in www/ (fetched only when a share link is opened)
//   *.br, *.gz                   every file also pre-compressed, brotli (quality 11, as large a
//                                window as helps) and gzip -9, for nginx's brotli_static and
//                                gzip_static (scripts/dns-server.sh)
// Then prints the bytes of what the page loads (and of the widget), raw, gzip -9 and brotli
// (quality 11), from www/ and pkg/ and from dist/www/. scripts/size.sh measures the page as a
// browser loads it from dist/www/ (scripts/size.mjs).
//   node scripts/build-page.mjs
import { readFileSync, writeFileSync, mkdirSync, rmSync, cpSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import * as esbuild from "esbuild";

const repo = new URL("..", import.meta.url).pathname;
const out = `${repo}dist/www/`;
const fail = (msg) => { console.error(`build-page: ${msg}`); process.exit(1); };

rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}pkg`, { recursive: true });

// www/worker.js imports the bindings as ./pkg/mailtrace.js, the URL the server maps to the
// repository's pkg/ (scripts/dns-server.sh): here they come from pkg/ itself.
const pkgBindings = {
  name: "pkg-bindings",
  setup(build) {
    build.onResolve({ filter: /^\.\/pkg\/mailtrace\.js$/ }, () => ({ path: `${repo}pkg/mailtrace.js` }));
  },
};

const scripts = {
  outdir: out,
  bundle: true,
  plugins: [pkgBindings],
  format: "esm",
  platform: "browser",
  charset: "utf8",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
};
// The page's script in two parts: app.js (the input, Analyze, the settings: what the page needs
// to be ready) and render.js, which app.js imports once it has started (esbuild's splitting
// keeps that import a separate file; the code both use is one shared chunk).
await esbuild.build({ ...scripts, entryPoints: ["app.js", "render.js"].map((f) => `${repo}www/${f}`), splitting: true, chunkNames: "chunk-[hash]" });
// The widget, the demo and the worker: each one file, as they are embedded and started.
await esbuild.build({ ...scripts, entryPoints: ["header-analyzer.js", "demo.js", "worker.js"].map((f) => `${repo}www/${f}`) });
await esbuild.build({
  entryPoints: readdirSync(`${repo}www`).filter((f) => f.endsWith(".css")).map((f) => `${repo}www/${f}`),
  outdir: out,
  charset: "utf8",
  minify: true,
  logLevel: "warning",
});
await esbuild.build({
  entryPoints: [`${repo}pkg/mailtrace.js`],
  outdir: `${out}pkg`,
  format: "esm",
  charset: "utf8",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
cpSync(`${repo}pkg/mailtrace_bg.wasm`, `${out}pkg/mailtrace_bg.wasm`);
// report.schema.json: fetched only when a share link is opened (www/render/share.js).
for (const f of ["demo.html", "favicon.svg", "samples", "report.schema.json"]) cpSync(`${repo}www/${f}`, `${out}${f}`, { recursive: true });

const inside = /<link rel="modulepreload" href="(?:core\.js|render\.js|render\/[^"]+)">\n/g;
const index = readFileSync(`${repo}www/index.html`, "utf8");
if (!inside.test(index)) fail("index.html: the module preloads not found");
writeFileSync(`${out}index.html`, index.replace(inside, ""));

// ---- pre-compressed copies --------------------------------------------------------------------

const brotli = (data) => brotliCompressSync(data, {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 11,
    [constants.BROTLI_PARAM_LGWIN]: 24,
    [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
  },
});

// ---- the bytes, before and after --------------------------------------------------------------

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}
for (const path of files(out)) {
  const data = readFileSync(path);
  writeFileSync(`${path}.br`, brotli(data));
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
}

const sizes = (path) => {
  const data = readFileSync(path);
  if (path.startsWith(out)) return { raw: data.length, gzip: statSync(`${path}.gz`).size, brotli: statSync(`${path}.br`).size };
  return { raw: data.length, gzip: gzipSync(data, { level: 9 }).length, brotli: brotli(data).length };
};
const sum = (paths) => paths.map(sizes).reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli }), { raw: 0, gzip: 0, brotli: 0 });

const renderModules = files(`${repo}www/render`).filter((p) => p.endsWith(".js"));
const groups = [
  ["page scripts", [...["app.js", "core.js", "render.js"].map((f) => `${repo}www/${f}`), ...renderModules], [`${out}app.js`]],
  ["page styles", ["style.css", "render.css"].map((f) => `${repo}www/${f}`), ["style.css", "render.css"].map((f) => `${out}${f}`)],
  ["index.html", [`${repo}www/index.html`], [`${out}index.html`]],
  ["worker+bindings", [`${repo}www/worker.js`, `${repo}pkg/mailtrace.js`], [`${out}worker.js`]],
  ["wasm", [`${repo}pkg/mailtrace_bg.wasm`], [`${out}pkg/mailtrace_bg.wasm`]],
  ["widget scripts", [...["header-analyzer.js", "core.js", "render.js"].map((f) => `${repo}www/${f}`), ...renderModules], [`${out}header-analyzer.js`]],
  ["widget styles", ["render.css", "header-analyzer.css"].map((f) => `${repo}www/${f}`), ["render.css", "header-analyzer.css"].map((f) => `${out}${f}`)],
];
const line = (name, n, b, a) => `${name.padEnd(16)} ${String(n).padStart(5)}  ${["raw", "gzip", "brotli"].map((k) => `${String(b[k]).padStart(8)} → ${String(a[k]).padEnd(8)}`).join(" ")}`;
console.log(`${"bytes".padEnd(16)} files  ${["raw", "gzip -9", "brotli 11"].map((k) => `${k.padStart(8)}   ${"".padEnd(8)}`).join(" ")}`);
const total = { before: [], after: [] };
for (const [name, before, after] of groups) {
  console.log(line(name, `${before.length}→${after.length}`, sum(before), sum(after)));
  if (!name.startsWith("widget")) { total.before.push(...before); total.after.push(...after); }
}
console.log(line("page total", `${total.before.length}→${total.after.length}`, sum(total.before), sum(total.after)));
