#!/usr/bin/env bash
# The loopback DoH server: unbound answers DNS from zone files (RFC 8484 over h2c), nginx-light
# in front serves GET/POST /dns-query (with CORS) and the static page on the same origin, as a
# deployment serves them: HTTP/2 over TLS (so a round of 20-30 DoH questions goes out at once,
# instead of six at a time as HTTP/1.1 allows per host), and files pre-compressed with brotli
# (brotli_static, Debian's libnginx-mod-http-brotli-static) or gzip (gzip_static), compressed on
# the fly with gzip when there is no such file (www/ as it is in the repository).
#
#   scripts/dns-server.sh start [--zones] [--root DIR] [--port N] [--delay MS]
#                               [--cors own|loopback|any] [--rate N]
#                                       start on free 127.0.0.1 ports (the plain-HTTP page on
#                                       port N if given); prints the plain-HTTP URL
#   scripts/dns-server.sh stop          stop everything it started, by PID
#   scripts/dns-server.sh url           print the plain-HTTP URL (HTTP/1.1, no TLS)
#   scripts/dns-server.sh https-url     print the HTTPS URL (HTTP/2 over TLS)
#   scripts/dns-server.sh spki          print the base64 SHA-256 of the certificate's public key
#
# Two listeners serve the same site. HTTPS (HTTP/2) uses a self-signed certificate for 127.0.0.1
# made with openssl at each start, in the run dir (cert.pem; its SPKI hash in cert.spki): a
# browser trusts it for that server only with --ignore-certificate-errors-spki-list=HASH
# (scripts/bench-page.mjs, scripts/size.mjs, the e2e HTTP/2 test). Plain HTTP/1.1 stays for
# clients that cannot be told to trust the certificate: the CLI's native DoH client (reqwest
# with the WebPKI roots) in the native tests, wasm-bindgen-test's browser, and most e2e tests.
#
# --zones: answer only from tests/zones/*.zone (every other name is NXDOMAIN; nothing leaves the
# machine). Without it unbound is a normal recursive resolver for the product.
# --root DIR: serve DIR instead of www/ (e.g. dist/www/ from scripts/build-page.sh); pkg/ is
# served from the repository's pkg/ unless DIR has its own.
# --delay MS: every DNS question waits MS milliseconds at the server (scripts/doh-delay.mjs
# between nginx and unbound), to measure live checks against rounds x latency.
# --cors MODE: which other web origins may call /dns-query (CORS). `own` (the default without
# --zones, as a deployment should be): only the page's own origins, so another website cannot
# spend the site's resolver and blocklist quota; `loopback`: also any page on 127.0.0.1 or
# localhost and file:// pages (Origin: null), the default with --zones (the test resolver
# answers only the test zones, and the wasm tests' runner and the single file call it from
# other origins); `any`: every origin (Access-Control-Allow-Origin: *), for a public resolver
# on purpose. $MAILTRACE_CORS sets the same.
# --rate N: DoH questions per second per client address (nginx limit_req, a burst of 10 N
# answered at once, then 429): default 20 (one analysis asks 25-75), 500 with --zones (the
# e2e tests run analyses back to back). Every response carries the security headers, and
# server_tokens is off (no nginx version in headers or error pages).
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
  for name in nginx delay unbound; do
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
  https-url) cat "$run_dir/https-url"; exit 0 ;;
  spki) cat "$run_dir/cert.spki"; exit 0 ;;
  start) ;;
  *) echo "usage: $0 start [--zones] [--root DIR] [--port N] [--delay MS] [--cors own|loopback|any] [--rate N] | stop | url | https-url | spki" >&2; exit 2 ;;
esac

zones=0
root=$repo/www
delay=
page_port=
cors=${MAILTRACE_CORS:-}
rate=
while [ $# -gt 0 ]; do
  case "$1" in
    --zones) zones=1 ;;
    --cors) cors=${2:-}; shift ;;
    --rate) rate=${2:-}; shift ;;
    --root) root=$(cd "$2" && pwd); shift ;;
    --delay) delay=$2; shift ;;
    --port) page_port=${2:-}; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

command -v unbound >/dev/null || { echo "unbound is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
command -v openssl >/dev/null || { echo "openssl is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
brotli_module=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so
[ -f "$brotli_module" ] || { echo "nginx's brotli module is not installed (scripts/setup.sh installs libnginx-mod-http-brotli-static)" >&2; exit 1; }
case "$delay" in ''|*[!0-9]*) [ -z "$delay" ] || { echo "--delay takes milliseconds" >&2; exit 2; } ;; esac
[ -n "$cors" ] || { [ "$zones" = 1 ] && cors=loopback || cors=own; }
case "$cors" in own|loopback|any) ;; *) echo "--cors takes own, loopback or any" >&2; exit 2 ;; esac
[ -n "$rate" ] || { [ "$zones" = 1 ] && rate=500 || rate=20; }
case "$rate" in ''|*[!0-9]*|0) echo "--rate takes questions per second (1 or more)" >&2; exit 2 ;; esac

stop
mkdir -p "$run_dir/nginx-tmp"
dns_port=$(free_port)
http_port=${page_port:-$(free_port)}
while [ "$http_port" = "$dns_port" ]; do dns_port=$(free_port); done
https_port=$(free_port)
while [ "$https_port" = "$dns_port" ] || [ "$https_port" = "$http_port" ]; do https_port=$(free_port); done
upstream_port=$dns_port
if [ -n "$delay" ]; then
  upstream_port=$(free_port)
  while [ "$upstream_port" = "$dns_port" ] || [ "$upstream_port" = "$http_port" ] || [ "$upstream_port" = "$https_port" ]; do upstream_port=$(free_port); done
fi

# A certificate for this run only (ECDSA P-256, 127.0.0.1 and localhost, valid 30 days), and the
# SHA-256 of its public key for --ignore-certificate-errors-spki-list.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
  -subj "/CN=mailtrace loopback test server" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$run_dir/key.pem" -out "$run_dir/cert.pem" 2>/dev/null
openssl x509 -in "$run_dir/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der \
  | openssl dgst -sha256 -binary | base64 > "$run_dir/cert.spki"
pkg_location="location /pkg/ { alias $repo/pkg/; }"
[ ! -d "$root/pkg" ] || pkg_location=""

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

# The origins /dns-query answers with Access-Control-Allow-Origin (an empty value sends none).
case "$cors" in
  own) cors_map="default \"\";" ;;
  loopback) cors_map="default \"\"; \"~^https?://(127\\.0\\.0\\.1|localhost)(:[0-9]+)?\$\" \$http_origin; null \$http_origin;" ;;
  any) cors_map="default *;" ;;
esac
cat > "$run_dir/nginx.conf" <<CONF
load_module $brotli_module;
daemon off;
worker_processes 1;
pid $run_dir/nginx.pid;
error_log $run_dir/nginx-error.log warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  log_format bytes '\$request_method \$uri \$status \$bytes_sent \$body_bytes_sent "\$sent_http_content_encoding" \$server_protocol \$msec \$request_time';
  access_log $run_dir/nginx-access.log bytes;
  client_body_temp_path $run_dir/nginx-tmp/body;
  proxy_temp_path $run_dir/nginx-tmp/proxy;
  fastcgi_temp_path $run_dir/nginx-tmp/fastcgi;
  uwsgi_temp_path $run_dir/nginx-tmp/uwsgi;
  scgi_temp_path $run_dir/nginx-tmp/scgi;
  # Pre-compressed files first (scripts/build-page.sh writes .br and .gz beside each file of
  # dist/www/): brotli to browsers that accept it (over HTTPS), then gzip; files without them
  # are compressed on the fly with gzip.
  brotli_static on;
  gzip_static on;
  gzip on;
  gzip_vary on;
  gzip_types application/wasm text/javascript application/javascript text/css application/json image/svg+xml;
  gzip_comp_level 6;  # 6 measured: 304 KB wasm on the wire (level 1: 344 KB), same load time
  server_tokens off;
  # CORS (--cors $cors): the page's own origins always, others as the mode says.
  map \$http_origin \$cors_origin {
    $cors_map
    "http://127.0.0.1:$http_port" \$http_origin;
    "https://127.0.0.1:$https_port" \$http_origin;
    "http://localhost:$http_port" \$http_origin;
    "https://localhost:$https_port" \$http_origin;
  }
  # At most $rate DoH questions a second per client address, a burst of $((rate * 10)) at once.
  limit_req_zone \$binary_remote_addr zone=doh:1m rate=${rate}r/s;
  limit_req_status 429;
  server {
    listen 127.0.0.1:$http_port;
    listen 127.0.0.1:$https_port ssl http2;
    ssl_certificate $run_dir/cert.pem;
    ssl_certificate_key $run_dir/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    http2_max_concurrent_streams 128;
    server_name localhost;
    root $root;
    add_header Content-Security-Policy "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self' https://cloudflare-dns.com https://dns.google https://dns.quad9.net http://127.0.0.1:* http://localhost:*; object-src 'none'; base-uri 'none'; frame-ancestors 'self'" always;
    add_header X-Content-Type-Options nosniff always;
    add_header Referrer-Policy no-referrer always;
    $pkg_location
    location = /dns-query {
      # add_header here replaces the server's: the security headers again, a CSP for a response
      # that is data, never a document.
      add_header Content-Security-Policy "default-src 'none'; frame-ancestors 'none'" always;
      add_header X-Content-Type-Options nosniff always;
      add_header Referrer-Policy no-referrer always;
      add_header Access-Control-Allow-Origin \$cors_origin always;
      add_header Vary Origin always;
      add_header Access-Control-Allow-Methods "GET, POST, OPTIONS" always;
      add_header Access-Control-Allow-Headers "Accept, Content-Type" always;
      add_header Access-Control-Max-Age 86400 always;
      limit_req zone=doh burst=$((rate * 10)) nodelay;
      if (\$request_method = OPTIONS) { return 204; }
      grpc_pass grpc://127.0.0.1:$upstream_port;
    }
  }
}
CONF

unbound -c "$run_dir/unbound.conf" >"$run_dir/unbound.out" 2>&1 </dev/null &
echo $! > "$run_dir/unbound.pid"
if [ -n "$delay" ]; then
  node "$repo/scripts/doh-delay.mjs" "$upstream_port" "$dns_port" "$delay" >"$run_dir/delay.out" 2>&1 </dev/null &
  echo $! > "$run_dir/delay.pid"
fi
nginx -c "$run_dir/nginx.conf" >"$run_dir/nginx.out" 2>&1 </dev/null &
echo $! > "$run_dir/nginx.pid"

url="http://127.0.0.1:$http_port"
echo "$url" > "$run_dir/url"
echo "https://127.0.0.1:$https_port" > "$run_dir/https-url"
# Wait until the DoH path answers (a query for the root NS, which either mode answers).
probe="$url/dns-query?dns=AAABAAABAAAAAAAAAAACAAE"
for _ in $(seq 100); do
  if curl -sf -o /dev/null -H 'accept: application/dns-message' "$probe" \
    && curl -sf -o /dev/null --http2 --cacert "$run_dir/cert.pem" -H 'accept: application/dns-message' \
      "https://127.0.0.1:$https_port/dns-query?dns=AAABAAABAAAAAAAAAAACAAE"; then
    echo "$url"
    exit 0
  fi
  sleep 0.1
done
echo "the DoH server did not come up; logs in $run_dir" >&2
tail -5 "$run_dir"/unbound.log "$run_dir"/nginx-error.log >&2 || true
stop
exit 1
