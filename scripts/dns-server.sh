#!/usr/bin/env bash
# The loopback DoH server: unbound answers DNS from zone files (RFC 8484 over h2c), nginx-light
# in front serves GET/POST /dns-query (with CORS) and the static page on the same origin.
#
#   scripts/dns-server.sh start [--zones] [--root DIR] [--port N]
#                                    start on free 127.0.0.1 ports (the page on port N if given)
#   scripts/dns-server.sh stop                           stop both, by PID
#   scripts/dns-server.sh url                            print the page URL
#
# --zones: answer only from tests/zones/*.zone (every other name is NXDOMAIN; nothing leaves the
# machine). Without it unbound is a normal recursive resolver for the product.
# State lives in $MAILTRACE_RUN_DIR (default .run/ in the repository).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
run_dir=${MAILTRACE_RUN_DIR:-$repo/.run}
cmd=${1:-}
shift || true

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

stop() {
  for name in nginx unbound; do
    pidfile=$run_dir/$name.pid
    if [ -f "$pidfile" ]; then
      pid=$(cat "$pidfile")
      if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
      fi
      rm -f "$pidfile"
    fi
  done
}

case "$cmd" in
  stop) stop; exit 0 ;;
  url) cat "$run_dir/url"; exit 0 ;;
  start) ;;
  *) echo "usage: $0 start [--zones] [--root DIR] [--port N] | stop | url" >&2; exit 2 ;;
esac

zones=0
root=$repo/www
page_port=
while [ $# -gt 0 ]; do
  case "$1" in
    --zones) zones=1 ;;
    --root) root=$(cd "$2" && pwd); shift ;;
    --port) page_port=${2:-}; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

command -v unbound >/dev/null || { echo "unbound is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx is not installed (scripts/setup.sh installs it)" >&2; exit 1; }

stop
mkdir -p "$run_dir/nginx-tmp"
dns_port=$(free_port)
http_port=${page_port:-$(free_port)}
while [ "$http_port" = "$dns_port" ]; do dns_port=$(free_port); done

{
  echo "server:"
  echo "  interface: 127.0.0.1@$dns_port"
  echo "  https-port: $dns_port"
  echo "  http-notls-downstream: yes"
  echo '  http-endpoint: "/dns-query"'
  echo "  do-daemonize: no"
  echo '  username: ""'
  echo '  chroot: ""'
  echo "  directory: \"$run_dir\""
  echo "  pidfile: \"$run_dir/unbound.pid\""
  echo "  logfile: \"$run_dir/unbound.log\""
  echo "  use-syslog: no"
  echo "  verbosity: 1"
  echo "  access-control: 127.0.0.0/8 allow"
  echo "  do-ip6: no"
  echo "  num-threads: 1"
  if [ "$zones" = 1 ]; then
    echo '  local-zone: "." static'
    for zone in "$repo"/tests/zones/*.zone; do
      grep -vE '^\s*([;#]|$)' "$zone" | while IFS= read -r line; do
        printf "  local-data: '%s'\n" "$line"
      done
    done
  fi
  echo "remote-control:"
  echo "  control-enable: no"
} > "$run_dir/unbound.conf"
unbound-checkconf "$run_dir/unbound.conf" >/dev/null

cat > "$run_dir/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $run_dir/nginx.pid;
error_log $run_dir/nginx-error.log warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log $run_dir/nginx-access.log;
  client_body_temp_path $run_dir/nginx-tmp/body;
  proxy_temp_path $run_dir/nginx-tmp/proxy;
  fastcgi_temp_path $run_dir/nginx-tmp/fastcgi;
  uwsgi_temp_path $run_dir/nginx-tmp/uwsgi;
  scgi_temp_path $run_dir/nginx-tmp/scgi;
  gzip on;
  gzip_types application/wasm text/javascript application/javascript text/css application/json;
  gzip_comp_level 6;  # 6 measured: 304 KB wasm on the wire (level 1: 344 KB), same load time
  server {
    listen 127.0.0.1:$http_port;
    server_name localhost;
    root $root;
    add_header Content-Security-Policy "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self' https: http://127.0.0.1:* http://localhost:*; object-src 'none'; base-uri 'none'; frame-ancestors 'self'" always;
    add_header X-Content-Type-Options nosniff always;
    add_header Referrer-Policy no-referrer always;
    location /pkg/ { alias $repo/pkg/; }
    location = /dns-query {
      add_header Access-Control-Allow-Origin * always;
      add_header Access-Control-Allow-Methods "GET, POST, OPTIONS" always;
      add_header Access-Control-Allow-Headers "Accept, Content-Type" always;
      add_header Access-Control-Max-Age 86400 always;
      if (\$request_method = OPTIONS) { return 204; }
      grpc_pass grpc://127.0.0.1:$dns_port;
    }
  }
}
CONF

unbound -c "$run_dir/unbound.conf" >"$run_dir/unbound.out" 2>&1 </dev/null &
echo $! > "$run_dir/unbound.pid"
nginx -c "$run_dir/nginx.conf" >"$run_dir/nginx.out" 2>&1 </dev/null &
echo $! > "$run_dir/nginx.pid"

url="http://127.0.0.1:$http_port"
echo "$url" > "$run_dir/url"
# Wait until the DoH path answers (a query for the root NS, which either mode answers).
probe="$url/dns-query?dns=AAABAAABAAAAAAAAAAACAAE"
for _ in $(seq 100); do
  if curl -sf -o /dev/null -H 'accept: application/dns-message' "$probe"; then
    echo "$url"
    exit 0
  fi
  sleep 0.1
done
echo "the DoH server did not come up; logs in $run_dir" >&2
tail -5 "$run_dir"/unbound.log "$run_dir"/nginx-error.log >&2 || true
stop
exit 1
