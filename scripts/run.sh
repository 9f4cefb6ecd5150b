#!/usr/bin/env bash
# Runs the product: installs what is missing, builds the wasm, and serves the page with its own
# DoH endpoint (/dns-query) on 127.0.0.1, over plain HTTP/1.1 and over HTTP/2 with TLS (a
# self-signed certificate made at each start; see scripts/dns-server.sh). Ctrl-C stops it.
#   scripts/run.sh           unbound resolves recursively (needs Internet access)
#   scripts/run.sh --zones   answers only from tests/zones/ (the samples' names; works offline)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/setup.sh
scripts/build-wasm.sh
url=$(scripts/dns-server.sh start "$@")
trap 'scripts/dns-server.sh stop' EXIT INT TERM
https=$(scripts/dns-server.sh https-url)
echo "mailtrace is at $url/ (DoH endpoint $url/dns-query), and over HTTP/2 with TLS at $https/"
echo "(a certificate made for this run: the browser asks once to accept it). Ctrl-C to stop."
while kill -0 "$(cat "${MAILTRACE_RUN_DIR:-$repo/.run}/nginx.pid")" 2>/dev/null; do sleep 1; done
