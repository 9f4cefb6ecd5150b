// Share links: #r= + base64url(deflate-raw(JSON)). Decoding checks the size (4 MB of JSON at
// most, the values counted and the nesting capped), that the payload is a report, and that it is
// valid against the report schema (www/report.schema.json: docs/report.schema.json without its
// words, checked by www/render/validate.js; fetched only when a share link is opened, inline in
// the single-file build); the page renders it as untrusted input even then.

import { looksLikeReport } from "./model.js";
import { validate } from "./validate.js";

let schemaLoad = null;

// The report schema: the single-file build's copy, or fetched once from beside the page.
export function reportSchema() {
  const inline = globalThis.__mailtraceInline;
  if (inline && inline.reportSchema) return Promise.resolve(inline.reportSchema);
  if (!schemaLoad) {
    schemaLoad = fetch(new URL("report.schema.json", document.baseURI)).then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.json();
    });
    schemaLoad.catch(() => { schemaLoad = null; });
  }
  return schemaLoad;
}

const MAX_SHARED_BYTES = 4 * 1024 * 1024;
// What a report of a real message can hold, generously (the core bounds fields, hops, findings
// and DNS questions far below this): a crafted link past it would make the page build millions
// of elements, so it is refused before anything is rendered.
const MAX_VALUES = 100000;
const MAX_ARRAY = 5000;
const MAX_DEPTH = 24;

// Whether a parsed report stays within those bounds (values counted, arrays and depth capped).
export function withinBounds(value) {
  let count = 0;
  const stack = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop();
    count += 1;
    if (count > MAX_VALUES || depth > MAX_DEPTH) return false;
    if (Array.isArray(v)) {
      if (v.length > MAX_ARRAY) return false;
      for (const x of v) stack.push([x, depth + 1]);
    } else if (v && typeof v === "object") {
      for (const x of Object.values(v)) stack.push([x, depth + 1]);
    }
  }
  return true;
}

function toBase64Url(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export async function encodeShare(report) {
  const bytes = new TextEncoder().encode(JSON.stringify(report));
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return toBase64Url(new Uint8Array(await new Response(stream).arrayBuffer()));
}

// The report in a share fragment's payload; throws when it is not one, or not a valid one
// (against `schema`, by default the report schema, reportSchema()).
export async function decodeShare(payload, { schema } = {}) {
  if (!/^[A-Za-z0-9_-]+$/.test(payload)) throw new Error("the link is damaged");
  const stream = new Blob([fromBase64Url(payload)]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_SHARED_BYTES) { reader.cancel(); throw new Error("the shared report is too large"); }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }
  const report = JSON.parse(new TextDecoder().decode(all));
  if (!looksLikeReport(report)) throw new Error("the link does not hold a mailtrace report");
  if (!withinBounds(report)) throw new Error("the shared report holds more than a report of a real message can");
  let rules = schema;
  if (!rules) {
    try { rules = await reportSchema(); } catch (error) {
      throw new Error(`the shared report could not be checked against the report schema (${error.message}), so it is not shown`);
    }
  }
  const problem = validate(rules, report);
  if (problem) throw new Error(`the shared report is not valid at ${problem.pointer || "/"} (${problem.message}), so it is not shown`);
  return report;
}
