#!/usr/bin/env bash
# Runs the product: installs what is missing, builds the wasm, and serves the page with its own
# DoH endpoint (/dns-query) on 127.0.0.1, on a stable port so that a bookmarked URL keeps
# working: 8080, or the next free one up to 8099; --port N (or $MAILTRACE_PORT) asks for exactly
# N and stops if it is taken. The same site is also served over HTTP/2 with TLS on a free port (a
# self-signed certificate made at each start; see scripts/dns-server.sh). Ctrl-C stops it.
#   scripts/run.sh [--port N]           unbound resolves recursively (needs Internet access)
#   scripts/run.sh --zones [--port N]   answers only from tests/zones/ (the samples' names; works offline)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

port=${MAILTRACE_PORT:-}
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --port)
      [ $# -ge 2 ] || { echo "run.sh: --port needs a number" >&2; exit 2; }
      port=$2; shift ;;
    --port=*) port=${1#--port=} ;;
    *) args+=("$1") ;;
  esac
  shift
done

# Whether a TCP port on 127.0.0.1 can be listened on.
port_free() {
  python3 -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.close()' "$1" 2>/dev/null
}

if [ -n "$port" ]; then
  case "$port" in
    ''|*[!0-9]*) echo "run.sh: the port must be a number (got '$port')" >&2; exit 2 ;;
  esac
  if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then echo "run.sh: no port $port" >&2; exit 2; fi
  port_free "$port" || { echo "run.sh: port $port is in use; choose another with --port N or MAILTRACE_PORT" >&2; exit 1; }
else
  for candidate in $(seq 8080 8099); do
    if port_free "$candidate"; then port=$candidate; break; fi
  done
  [ -n "$port" ] || { echo "run.sh: ports 8080-8099 are all in use; choose one with --port N" >&2; exit 1; }
fi

scripts/setup.sh
scripts/build-wasm.sh
url=$(scripts/dns-server.sh start ${args[@]+"${args[@]}"} --port "$port")
trap 'scripts/dns-server.sh stop' EXIT INT TERM
https=$(scripts/dns-server.sh https-url)
echo "mailtrace is at $url/ (DoH endpoint $url/dns-query), and over HTTP/2 with TLS at $https/"
echo "(a certificate made for this run: the browser asks once to accept it). Ctrl-C to stop."
while kill -0 "$(cat "${MAILTRACE_RUN_DIR:-$repo/.run}/nginx.pid")" 2>/dev/null; do sleep 1; done
