// Builds dist/mailtrace.html: the page as one self-contained file (JS, CSS and the wasm inlined),
// which works opened from file://. Its CSP has no 'unsafe-inline': the inline script and style
// are allowed by their SHA-256 hashes, computed here, and the wasm by 'wasm-unsafe-eval'.
//
// The script is bundled by esbuild (package.json pins it) from one entry: a generated module that
// sets globalThis.__mailtraceInline (see www/core.js), then www/app.js with everything it imports.
// __mailtraceInline carries
//   - the worker's source: www/worker.js bundled with the bindings as a classic script (IIFE),
//     which core.js starts from a Blob URL (the CSP allows worker-src blob:), so that the
//     analysis runs off the main thread here too;
//   - the wasm-bindgen bindings (pkg/mailtrace.js) as a factory, for the main thread when no
//     worker can start: esbuild bundles them as an IIFE, and the IIFE is wrapped in a function,
//     so that each call evaluates the module afresh (a crashed core is replaced by a fresh
//     instance);
//   - the wasm bytes, inlined by esbuild's binary loader (base64 in the script), compiled once
//     on the main thread and handed to each worker as a WebAssembly.Module;
//   - the report schema (www/report.schema.json), which a share link's report is checked
//     against before it is shown (the single file opens share links too: mailtrace.html#r=...).
// The style is render.css then style.css, bundled and minified by esbuild too.
//   node scripts/build-single.mjs [--no-minify]
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createHash } from "node:crypto";
import * as esbuild from "esbuild";

const repo = new URL("..", import.meta.url).pathname;
const read = (p) => readFileSync(repo + p, "utf8");
const fail = (msg) => { console.error(`build-single: ${msg}`); process.exit(1); };
const minify = !process.argv.includes("--no-minify");

// www/worker.js imports the bindings as ./pkg/mailtrace.js, the URL the server maps to the
// repository's pkg/ (scripts/dns-server.sh): here they come from pkg/ itself.
const pkgBindings = {
  name: "pkg-bindings",
  setup(build) {
    build.onResolve({ filter: /^\.\/pkg\/mailtrace\.js$/ }, () => ({ path: `${repo}pkg/mailtrace.js` }));
  },
};

// The bindings as a factory of fresh module objects. The bindings' default URL of the wasm
// (new URL(..., import.meta.url)) is never used: the bytes are passed in, so the empty
// import.meta of an IIFE is fine.
const bindings = await esbuild.build({
  entryPoints: [`${repo}pkg/mailtrace.js`],
  bundle: true,
  format: "iife",
  globalName: "__mailtraceBindings",
  write: false,
  logLevel: "warning",
  logOverride: { "empty-import-meta": "silent" },
});
const bindingsFactory = `export default () => {\n${bindings.outputFiles[0].text}\nreturn __mailtraceBindings;\n};\n`;

// The worker: www/worker.js with the bindings, one classic script.
const worker = await esbuild.build({
  entryPoints: [`${repo}www/worker.js`],
  bundle: true,
  plugins: [pkgBindings],
  format: "iife",
  platform: "browser",
  charset: "utf8",
  minify,
  legalComments: "none",
  write: false,
  logLevel: "warning",
  logOverride: { "empty-import-meta": "silent" },
});
const workerSource = worker.outputFiles[0].text;

const inlineModule = `import bindings from "mailtrace:bindings";
import wasm from "${repo}pkg/mailtrace_bg.wasm";
globalThis.__mailtraceInline = { bindings, wasmBytes: () => wasm, workerSource: ${JSON.stringify(workerSource)}, reportSchema: ${readFileSync(`${repo}www/report.schema.json`, "utf8").trim()} };
`;

// The two generated modules, under the namespace "mailtrace".
const generated = {
  name: "mailtrace-inline",
  setup(build) {
    build.onResolve({ filter: /^mailtrace:/ }, (args) => ({ path: args.path, namespace: "mailtrace" }));
    build.onLoad({ filter: /.*/, namespace: "mailtrace" }, (args) => {
      if (args.path === "mailtrace:inline") return { contents: inlineModule, loader: "js", resolveDir: repo };
      if (args.path === "mailtrace:bindings") return { contents: bindingsFactory, loader: "js", resolveDir: repo };
      return { errors: [{ text: `unknown module ${args.path}` }] };
    });
  },
};

const js = await esbuild.build({
  stdin: { contents: `import "mailtrace:inline";\nimport "./www/app.js";\n`, resolveDir: repo, sourcefile: "single-entry.js", loader: "js" },
  bundle: true,
  format: "esm",
  platform: "browser",
  charset: "utf8",
  loader: { ".wasm": "binary" },
  plugins: [generated],
  minify,
  legalComments: "none",
  write: false,
  logLevel: "warning",
});
const script = js.outputFiles[0].text.trimEnd();
if (/<\/script|<!--/i.test(script)) fail("the script contains </script or <!--");

const css = await esbuild.build({
  stdin: { contents: `@import "./www/render.css";\n@import "./www/style.css";\n`, resolveDir: repo, sourcefile: "single.css", loader: "css" },
  bundle: true,
  charset: "utf8",
  minify,
  write: false,
  logLevel: "warning",
});
const style = css.outputFiles[0].text.trimEnd();
if (/<\/style/i.test(style)) fail("the style contains </style");

const hash = (text) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
const csp = [
  "default-src 'none'",
  `script-src ${hash(script)} 'wasm-unsafe-eval'`,
  `style-src ${hash(style)}`,
  "img-src data:",
  "worker-src blob:",
  "connect-src https: http://127.0.0.1:* http://localhost:*",
  "object-src 'none'", "base-uri 'none'", "form-action 'none'",
].join("; ");

const favicon = `data:image/svg+xml;base64,${readFileSync(repo + "www/favicon.svg").toString("base64")}`;
let html = read("www/index.html");
const replace = (re, to, what) => {
  if (!re.test(html)) fail(`index.html: ${what} not found`);
  html = html.replace(re, to);
};
replace(/<meta http-equiv="Content-Security-Policy" content="[^"]*">/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`, "the CSP");
replace(/<link rel="icon" href="favicon.svg" type="image\/svg\+xml">/, `<link rel="icon" href="${favicon}" type="image/svg+xml">`, "the icon");
replace(/<link rel="stylesheet" href="style.css">\n<link rel="stylesheet" href="render.css">/, () => `<style>${style}</style>`, "the stylesheets");
replace(/(<link rel="(?:modulepreload|preload)" [^>]*>\n)+/, "", "the preloads");
replace(/<script type="module" src="app.js"[^>]*><\/script>/, () => `<script type="module">${script}</script>`, "the script");
replace(/ · <a href="demo.html">[^<]*<\/a>/, " · single-file build", "the demo link");
if (/<link rel="(?:modulepreload|preload|stylesheet)"/.test(html)) fail("index.html: a link left over (not contiguous with the others?)");

mkdirSync(repo + "dist", { recursive: true });
writeFileSync(repo + "dist/mailtrace.html", html);
const wasmBytes = readFileSync(repo + "pkg/mailtrace_bg.wasm").length;
console.log(`dist/mailtrace.html: ${Buffer.byteLength(html)} bytes (script ${Buffer.byteLength(script)} with the wasm's ${wasmBytes} bytes as base64, style ${Buffer.byteLength(style)}${minify ? ", minified" : ""})`);
