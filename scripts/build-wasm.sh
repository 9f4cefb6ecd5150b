#!/usr/bin/env bash
# Builds the wasm module and its JavaScript bindings into pkg/.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cargo build --release --lib --target wasm32-unknown-unknown --quiet
wasm-bindgen --target web --remove-name-section --remove-producers-section \
  --out-dir pkg target/wasm32-unknown-unknown/release/mailtrace.wasm
