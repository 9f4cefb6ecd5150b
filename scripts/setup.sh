#!/usr/bin/env bash
# Installs what mailtrace needs on a fresh machine, skipping what is already there:
# Debian packages (unbound, nginx-light and its brotli_static module, openssl, chromium,
# chromium-driver, curl, node), the Rust
# toolchain pinned in rust-toolchain.toml, wasm-bindgen-cli at the version in Cargo.lock, and the
# npm packages of package-lock.json (the browser tests' Playwright and axe-core, the esbuild bundler).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

sudo_cmd=()
[ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
missing=()
command -v unbound >/dev/null || missing+=(unbound)
command -v nginx >/dev/null || missing+=(nginx-light)
# nginx's brotli_static (pre-compressed .br files, scripts/dns-server.sh) and openssl for the
# test stack's own TLS certificate.
[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || missing+=(libnginx-mod-http-brotli-static)
command -v openssl >/dev/null || missing+=(openssl)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v curl >/dev/null || missing+=(curl)
command -v node >/dev/null || missing+=(nodejs npm)
command -v gzip >/dev/null || missing+=(gzip)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The toolchain, targets and components named in rust-toolchain.toml.
rustup toolchain install >/dev/null 2>&1 || rustup show active-toolchain >/dev/null

want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing wasm-bindgen-cli $want (a few minutes)"
  cargo install wasm-bindgen-cli --version "$want" --quiet
fi

# playwright-core and axe-core for the browser tests, esbuild for scripts/build-single.sh and
# scripts/build-page.sh (its binary comes in the platform's @esbuild/* optional package).
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/esbuild ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --silent
fi
