#!/usr/bin/env node
// A fixed delay per DNS question, for measuring live checks against rounds x latency
// (scripts/bench-page.mjs): an HTTP/2 cleartext (h2c) proxy that holds each DoH request for
// DELAY_MS and then forwards it to unbound's h2c DoH port. scripts/dns-server.sh puts it between
// nginx (grpc_pass) and unbound when started with --delay MS; requests wait side by side, as
// they would for a distant resolver, so only the browser's own limits can serialize them.
//   node scripts/doh-delay.mjs LISTEN_PORT UPSTREAM_PORT DELAY_MS
import http2 from "node:http2";

const [port, upstream, delay] = process.argv.slice(2).map(Number);
if (!port || !upstream || !(delay >= 0)) {
  console.error("usage: doh-delay.mjs LISTEN_PORT UPSTREAM_PORT DELAY_MS");
  process.exit(2);
}

let session = null;
function upstreamSession() {
  if (!session || session.closed || session.destroyed) {
    session = http2.connect(`http://127.0.0.1:${upstream}`);
    session.on("error", () => { session = null; });
    session.on("close", () => { session = null; });
  }
  return session;
}

// Headers an HTTP/2 proxy must not pass on (RFC 9113 §8.2.2), and the pseudo-headers it sets.
const HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "http2-settings"]);
const pass = (headers, keep) => Object.fromEntries(Object.entries(headers)
  .filter(([k]) => !HOP.has(k) && (!k.startsWith(":") || keep.includes(k))));

const server = http2.createServer();
server.on("stream", (stream, headers) => {
  const body = [];
  stream.on("data", (chunk) => body.push(chunk));
  stream.on("error", () => {});
  stream.on("end", () => setTimeout(() => {
    if (stream.destroyed) return;
    let request;
    try {
      request = upstreamSession().request(pass(headers, [":method", ":path", ":scheme", ":authority"]), { endStream: body.length === 0 });
    } catch {
      if (!stream.headersSent) stream.respond({ ":status": 502 }, { endStream: true });
      return;
    }
    request.on("response", (h) => { if (!stream.destroyed) stream.respond(pass(h, [":status"])); });
    request.on("data", (chunk) => { if (!stream.destroyed) stream.write(chunk); });
    request.on("end", () => { if (!stream.destroyed) stream.end(); });
    request.on("error", () => {
      if (stream.destroyed) return;
      if (!stream.headersSent) stream.respond({ ":status": 502 }, { endStream: true });
      else stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    });
    if (body.length) request.end(Buffer.concat(body));
  }, delay));
});
server.listen(port, "127.0.0.1");
