#!/usr/bin/env bash
# Runs the tests. With no argument, every kind in order (what CI runs); with arguments, only
# those kinds:
#   lint     cargo fmt --check, clippy -D warnings on native and wasm32
#   unit     the library's unit tests (cargo test --lib)
#   corpora  the shared conformance corpora (../shared/corpora or $MAILTRACE_CORPORA; missing
#            corpora fail)
#   native   the other integration tests: the CLI against the loopback DoH server, snapshots,
#            the layer rules, the registry, the schema, scenarios
#   wasm     the wasm build, its size check, the TypeScript declarations generated from the
#            schemas (tests/node/), and the wasm module in headless Chromium
#   e2e      the page, the widget and the single-file build end to end (Playwright)
#   fuzz     the fuzz targets build (cargo-fuzz's crate, built as a normal crate)
# Installs what is missing first; starts the DoH server on 127.0.0.1 when a kind needs it and
# stops it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

all=(lint unit corpora native wasm e2e fuzz)
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=("${all[@]}")
for k in "${kinds[@]}"; do
  case " ${all[*]} " in *" $k "*) ;; *) echo "unknown kind: $k (one of: ${all[*]})" >&2; exit 2 ;; esac
done
want() { case " ${kinds[*]} " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

scripts/setup.sh

# A test run compiles several profiles and targets; incremental compilation caches only help a
# second run of the same build, and on a fresh clone they add about a third to target/. A set
# CARGO_INCREMENTAL is kept. The free disk is printed before and after, so a run that fails for
# space says so.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
disk() {
  local free used
  free=$(df -Pk . | awk 'NR == 2 {printf "%.1f GB", $4 / 1048576}')
  used=$( (du -sk target 2>/dev/null || true) | awk '{printf "%.1f GB", $1 / 1048576}')
  echo "== disk ($1): free $free, target/ ${used:-0 GB}"
}
disk start
trap 'disk end' EXIT

# The corpus tests, by module name (they are in the one integration-test binary, tests/lib.rs).
corpus_filters=(corpus crosscheck)

server_started=
start_server() {
  [ -z "$server_started" ] || return 0
  export MAILTRACE_RUN_DIR=${MAILTRACE_RUN_DIR:-$(mktemp -d)}
  url=$(scripts/dns-server.sh start --zones)
  trap 'scripts/dns-server.sh stop; disk end' EXIT
  trap 'scripts/dns-server.sh stop' INT TERM
  export MAILTRACE_TEST_DOH="$url/dns-query"
  export MAILTRACE_TEST_PAGE="$url/"
  server_started=1
  echo "== loopback DoH server at $url"
}

if want lint; then
  echo "== lint: format and clippy (native and wasm32)"
  cargo fmt --check
  cargo clippy --quiet --all-targets --features schema -- -D warnings
  cargo clippy --quiet --lib --tests --target wasm32-unknown-unknown -- -D warnings
fi

if want unit; then
  echo "== unit: the library's unit tests"
  cargo test --quiet --features schema --lib
fi

if want corpora; then
  echo "== corpora: the shared conformance corpora (figures below)"
  cargo test --quiet --features schema --test lib -- --show-output "${corpus_filters[@]}"
fi

if want native; then
  start_server
  echo "== native: CLI through the loopback DoH server, snapshots, layers, registry, schema"
  skips=()
  for f in "${corpus_filters[@]}"; do skips+=(--skip "$f"); done
  cargo test --quiet --features schema --test lib -- --show-output "${skips[@]}"
  cargo test --quiet --features schema --doc
fi

if want wasm || want e2e; then
  echo "== wasm build, size, single file"
  scripts/build-wasm.sh
  # The size check is a benchmark, not a test: its figures and the budget verdict are printed
  # here, and an over-budget load is reported, not a failed run (scripts/size.sh alone exits 1).
  scripts/size.sh --no-build || echo "== size: OVER the cold-load budget (figures above)"
  scripts/build-single.sh
fi

if want wasm; then
  echo "== wasm: the TypeScript declarations (generated from the schemas)"
  node --test tests/node/
  start_server
  echo "== wasm: the module in headless Chromium"
  CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web
fi

if want e2e; then
  start_server
  echo "== e2e: the page, the widget and the single file (Playwright, Chromium)"
  node --test tests/e2e/
fi

if want fuzz; then
  echo "== fuzz: the targets build"
  (cd fuzz && CARGO_TARGET_DIR="$repo/target/fuzz" cargo build --quiet)
fi
