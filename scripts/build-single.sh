#!/usr/bin/env bash
# Builds dist/mailtrace.html: the page in one self-contained file (JS, CSS and wasm inlined, a
# hash-based CSP), for use offline from file://, bundled and minified by esbuild (see
# scripts/build-single.mjs; --no-minify for a readable one). Builds pkg/ first when it is missing.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
[ -f pkg/mailtrace_bg.wasm ] || scripts/build-wasm.sh
node scripts/build-single.mjs "$@"
