#!/usr/bin/env bash
# The size check. Prints the wasm module's size (raw, gzip -9, brotli), builds the page for
# deployment (dist/www/, scripts/build-page.mjs: bundled, minified, pre-compressed), and measures
# a cold load of it as deployed (scripts/size.mjs: nginx over HTTP/2 and TLS with brotli_static,
# headless Chromium): every asset and the bytes sent for it, against the 300 KB budget for the
# whole cold load. Fails over budget. --no-build: use pkg/ as built (no wasm build first).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
[ "${1:-}" = "--no-build" ] || scripts/build-wasm.sh
for f in pkg/mailtrace_bg.wasm pkg/mailtrace.js; do
  raw=$(stat -c %s "$f")
  gz=$(gzip -9c "$f" | wc -c)
  br=$(node -e 'const z=require("zlib"),d=require("fs").readFileSync(process.argv[1]);process.stdout.write(String(z.brotliCompressSync(d,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11,[z.constants.BROTLI_PARAM_LGWIN]:24,[z.constants.BROTLI_PARAM_SIZE_HINT]:d.length}}).length))' "$f")
  printf '%-24s %8d bytes raw %8d gzip (%.1f KB) %8d brotli (%.1f KB)\n' "$f" "$raw" "$gz" "$(echo "$gz/1024" | bc -l)" "$br" "$(echo "$br/1024" | bc -l)"
done
node scripts/build-page.mjs
node scripts/size.mjs
