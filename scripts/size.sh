#!/usr/bin/env bash
# Prints the size of the built wasm module (raw and gzip -9), against the 300 KB gzip budget.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
[ "${1:-}" = "--no-build" ] || scripts/build-wasm.sh
for f in pkg/mailtrace_bg.wasm pkg/mailtrace.js; do
  raw=$(stat -c %s "$f")
  gz=$(gzip -9c "$f" | wc -c)
  printf '%-24s %8d bytes raw %8d bytes gzip (%.1f KB)\n' "$f" "$raw" "$gz" "$(echo "$gz/1024" | bc -l)"
done
gz=$(gzip -9c pkg/mailtrace_bg.wasm | wc -c)
budget=$((300 * 1024))
if [ "$gz" -le "$budget" ]; then echo "within the 300 KB gzip budget ($((budget - gz)) bytes to spare)"; else echo "OVER the 300 KB gzip budget by $((gz - budget)) bytes"; exit 1; fi
