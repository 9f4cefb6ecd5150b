#!/usr/bin/env bash
# Runs every test: formatting and lints, unit and integration tests (the CLI against the loopback
# DoH server), the wasm module in headless Chromium (wasm-bindgen-test), the TypeScript
# declarations generated from the schemas (tests/node/), and the page end to end
# (Playwright; with the single-file build in dist/). Installs what is missing first; starts the DoH server on 127.0.0.1 and stops it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/setup.sh

echo "== format and lints"
cargo fmt --check
cargo clippy --quiet --all-targets --features schema -- -D warnings
cargo clippy --quiet --lib --tests --target wasm32-unknown-unknown -- -D warnings

echo "== wasm build"
scripts/build-wasm.sh
scripts/size.sh --no-build
scripts/build-single.sh

export MAILTRACE_RUN_DIR=${MAILTRACE_RUN_DIR:-$(mktemp -d)}
url=$(scripts/dns-server.sh start --zones)
trap 'scripts/dns-server.sh stop' EXIT INT TERM
export MAILTRACE_TEST_DOH="$url/dns-query"
export MAILTRACE_TEST_PAGE="$url/"
echo "== loopback DoH server at $url"

echo "== native tests"
cargo test --quiet --features schema -- --show-output

echo "== wasm tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web

echo "== TypeScript declarations generated from the schemas"
node --test tests/node/

echo "== end-to-end tests (Playwright, Chromium)"
node --test tests/e2e/
