#!/usr/bin/env bash
# Builds dist/www/: the page for deployment, its modules bundled and minified by esbuild (see
# scripts/build-page.mjs), and prints the bytes of its files before and after (raw, gzip,
# brotli). Builds pkg/ first when it is missing. Serve dist/www/ as you would www/ with pkg/.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
[ -f pkg/mailtrace_bg.wasm ] || scripts/build-wasm.sh
node scripts/build-page.mjs
