// Redaction of a report before it is shared: e-mail addresses and display names replaced in every
// string (RFC 2047 encoded words in address fields too).

import { arr, obj } from "./model.js";

const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,})/g;
const ADDRESS_FIELDS = new Set(["from", "to", "cc", "bcc", "reply-to", "sender", "delivered-to",
  "return-path", "resent-from", "resent-to", "x-original-to", "disposition-notification-to"]);

// Display names in the report: the summary's mailboxes and the names in address header fields.
function displayNames(report) {
  const names = new Set();
  const add = (n) => {
    const t = String(n ?? "").replace(/^["'\s]+|["'\s]+$/g, "");
    if (t.length >= 2 && !t.includes("@")) names.add(t);
  };
  const msg = obj(report.message);
  if (msg.from) add(msg.from.name);
  for (const m of arr(msg.to)) add(m && m.name);
  for (const h of arr(report.headers)) {
    if (!h || !ADDRESS_FIELDS.has(String(h.name).toLowerCase())) continue;
    const text = String(h.decoded ?? h.value ?? "");
    for (const m of text.matchAll(/(?:^|,)\s*("(?:[^"\\]|\\.)*"|[^,<"]+?)\s*<[^>]*>/g)) add(m[1].replace(/\\(.)/g, "$1"));
  }
  return [...names].sort((a, b) => b.length - a.length);
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// A copy of the report with e-mail addresses and display names replaced in every string.
// keepDomains: addresses become redacted@their.domain (else redacted@example.invalid).
export function redactReport(input, { keepDomains = true } = {}) {
  const names = displayNames(input);
  const nameRe = names.length ? new RegExp(names.map(escapeRe).join("|"), "gi") : null;
  const redactString = (s) => {
    let t = s.replace(EMAIL, (_, domain) => (keepDomains ? `redacted@${domain}` : "redacted@example.invalid"));
    if (nameRe) t = t.replace(nameRe, "[name]");
    return t;
  };
  const walk = (v, key) => {
    if (typeof v === "string") return redactString(v);
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === "object") {
      const out = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, k);
      // Encoded words (RFC 2047) in address fields hide names from the text replacement.
      if (typeof out.name === "string" && ADDRESS_FIELDS.has(out.name.toLowerCase()) && typeof out.value === "string") {
        out.value = out.value.replace(/=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=/g, "[name]");
      }
      return out;
    }
    return v;
  };
  return walk(input, "");
}
