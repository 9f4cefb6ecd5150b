// Builds dist/mailtrace.html: the page as one self-contained file (JS, CSS and the wasm inlined),
// which works opened from file://. Its CSP has no 'unsafe-inline': the inline script and style
// are allowed by their SHA-256 hashes, computed here, and the wasm by 'wasm-unsafe-eval'.
//
// A minimal bundler for this project's own modules: each module becomes a function scope that
// returns its exports; `import { a, b } from "./x.js"` becomes `const { a, b } = <x's exports>`.
// The wasm-bindgen bindings become a factory, so that a crashed core can be replaced by a fresh
// instance (see www/core.js).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createHash } from "node:crypto";

const repo = new URL("..", import.meta.url).pathname;
const read = (p) => readFileSync(repo + p, "utf8");
const fail = (msg) => { console.error(`build-single: ${msg}`); process.exit(1); };

function exportsOf(src, file) {
  const names = [];
  const body = src.replace(/^export\s+((?:async\s+)?function\*?|class|const|let)\s+([A-Za-z_$][\w$]*)/gm, (_, kind, name) => {
    names.push(name);
    return `${kind} ${name}`;
  });
  if (/^export\s/m.test(body)) fail(`${file}: an export form the bundler does not know`);
  return { body, names };
}

function bundleModule(file, varName, known) {
  let src = read(file);
  src = src.replace(/^import\s*\{([^}]*)\}\s*from\s*"\.\/([\w-]+)\.js";/gm, (_, names, dep) => {
    if (!known[dep]) fail(`${file}: imports ${dep}.js, which is not bundled before it`);
    return `const {${names}} = ${known[dep]};`;
  });
  if (/^import\s/m.test(src)) fail(`${file}: an import form the bundler does not know`);
  const { body, names } = exportsOf(src, file);
  return `const ${varName} = (() => {\n${body}\nreturn { ${names.join(", ")} };\n})();\n`;
}

// The wasm-bindgen bindings as a factory of fresh module objects.
let pkg = read("pkg/mailtrace.js");
const tail = /^export\s*\{\s*initSync,\s*__wbg_init as default\s*\};\s*$/m;
if (!tail.test(pkg)) fail("pkg/mailtrace.js does not end as expected (wasm-bindgen changed?)");
pkg = pkg.replace(tail, "");
const { body: pkgBody, names: pkgNames } = exportsOf(pkg, "pkg/mailtrace.js");
const bindings = `const __mailtraceBindings = () => {\n${pkgBody}\nreturn { ${pkgNames.join(", ")}, initSync, default: __wbg_init };\n};\n`;

const wasm = readFileSync(repo + "pkg/mailtrace_bg.wasm").toString("base64");
const inline = `const __mailtraceWasm = "${wasm}";
globalThis.__mailtraceInline = {
  bindings: __mailtraceBindings,
  wasmBytes: () => { const s = atob(__mailtraceWasm); const b = new Uint8Array(s.length); for (let i = 0; i < s.length; i += 1) b[i] = s.charCodeAt(i); return b; },
};
`;

const known = {};
let modules = "";
for (const [name, file] of [["render", "www/render.js"], ["core", "www/core.js"], ["app", "www/app.js"]]) {
  known[name] = `__module_${name}`;
  modules += bundleModule(file, known[name], known);
}
const script = `${bindings}${inline}${modules}`;
if (/<\/script|<!--/i.test(script)) fail("the script contains </script or <!--");
const style = `${read("www/render.css")}\n${read("www/style.css")}`;
if (/<\/style/i.test(style)) fail("the style contains </style");

const hash = (text) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
const csp = [
  "default-src 'none'",
  `script-src ${hash(script)} 'wasm-unsafe-eval'`,
  `style-src ${hash(style)}`,
  "img-src data:",
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
replace(/<script type="module" src="app.js"><\/script>/, () => `<script type="module">${script}</script>`, "the script");
replace(/ · <a href="demo.html">[^<]*<\/a>/, " · single-file build", "the demo link");

mkdirSync(repo + "dist", { recursive: true });
writeFileSync(repo + "dist/mailtrace.html", html);
console.log(`dist/mailtrace.html: ${html.length} bytes (wasm ${wasm.length} bytes as base64)`);
