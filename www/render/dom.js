// DOM helpers of the report renderer: elements and SVG elements built with createElement /
// createElementNS and textContent (never from HTML), links made only from http(s) URLs that the
// URL parser accepts, and long tokens (names, addresses, keys, URLs) given break points where
// they can wrap sensibly, so that nothing makes the page scroll sideways.

const SVG_NS = "http://www.w3.org/2000/svg";

// Characters that reorder text (bidi controls) or take no room (zero-width): on the page too
// they are shown as U+XXXX, so that what the reader sees is what is there (a display name's
// right-to-left override, a word split unseen). Every text node is made through here.
const HIDDEN = /[\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
export const visible = (s) => String(s ?? "")
  .replace(HIDDEN, (c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = visible(text);
  if (className) node.className = className;
  return node;
}

export function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined && text !== null) node.textContent = visible(text);
  return node;
}

// The hosts mailtrace vouches for: blocklist operators and the mail providers' and filter
// vendors' documentation that the core's own texts name (every host of a URL in data/*.tsv;
// tests/node/links.test.js keeps the two in step). Only these become links. A URL to any other
// host (from a header, a bounce, a DNS answer or a crafted share link) stays text, so no
// homograph (a Cyrillic "а" in "spamhаus") and no attacker's page is ever one click away.
export const VOUCHED_HOSTS = new Set([
  "admin.uribl.com", "check.spamhaus.org", "community.mimecast.com", "csi.cloudmark.com",
  "doc.dovecot.org", "docs.mailchannels.com", "help.proofpoint.com", "ipcheck.proofpoint.com", "learn.microsoft.com",
  "lookup.abusix.com", "mail.163.com", "mailspike.org", "mimecastsupport.zendesk.com", "postmaster.comcast.net",
  "postmaster.cox.net", "postmaster.orange.fr", "psbl.org", "rspamd.com", "sender.office.com",
  "senders.yahooinc.com", "senderscore.org", "sendersupport.olc.protection.outlook.com",
  "service.mail.qq.com", "servicecentral.trendmicro.com", "support.google.com", "www.0spam.org",
  "www.barracudacentral.org", "www.cox.com", "www.iana.org", "www.invaluement.com", "www.sorbs.net",
  "www.spamcop.net", "www.spamhaus.org", "www.spamrats.com", "www.surbl.org", "www.uceprotect.net",
  "www.zoho.com",
]);

// Whether a normalized http(s) URL goes to a host we vouch for (the parser's host: punycode).
export function vouched(href) {
  try { return VOUCHED_HOSTS.has(new URL(href).hostname); } catch { return false; }
}

// An http(s) URL that the URL parser accepts, normalized; anything else is null.
export function safeHttpUrl(text) {
  if (typeof text !== "string" || text.length > 2048) return null;
  let url;
  try { url = new URL(text); } catch { return null; }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (!url.hostname || url.username || url.password) return null;
  return url.href;
}

// Appends `text` to `node` with a line-break opportunity (<wbr>) after the punctuation inside
// long tokens (after "@", ".", "/", "=", ";", ",", ":", "&", "?", "_", "-", "|") and every 24
// characters of a long run without any (base64 keys), so they wrap there instead of in the
// middle of a word or past the edge.
export function appendBreakable(node, text) {
  const s = visible(text);
  if (!/\S{24}/.test(s)) { node.append(document.createTextNode(s)); return node; }
  let buffer = "";
  const flush = () => { if (buffer) node.append(document.createTextNode(buffer)); buffer = ""; };
  for (const token of s.split(/(\s+)/)) {
    if (token.length < 24 || /^\s+$/.test(token)) { buffer += token; continue; }
    let run = 0;
    for (const ch of token) {
      buffer += ch;
      run += 1;
      if ("@./=;,:&?_-|)".includes(ch) || run >= 24) {
        flush();
        node.append(document.createElement("wbr"));
        run = 0;
      }
    }
  }
  flush();
  return node;
}

// An element with `text` that wraps at sensible points (see appendBreakable).
export function breakable(tag, text, className) {
  return appendBreakable(el(tag, null, className), text);
}

const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;

// Text with the http(s) URLs in it made into links: only those safeHttpUrl accepts whose host
// is vouched for; the others stay text.
export function linkified(tag, text, className) {
  const node = el(tag, null, className);
  const s = String(text ?? "");
  let last = 0;
  for (const match of s.matchAll(URL_CANDIDATE)) {
    const raw = match[0].replace(/[).,;:!?\]]+$/, "");
    const href = safeHttpUrl(raw);
    if (!href || !vouched(href)) continue;
    if (match.index > last) appendBreakable(node, s.slice(last, match.index));
    // The link's text is its URL: printed once (render.css adds the URL after other links).
    const a = appendBreakable(el("a", null, "url"), raw);
    a.href = href;
    a.rel = "noopener noreferrer nofollow";
    a.target = "_blank";
    node.append(a);
    last = match.index + raw.length;
  }
  if (last < s.length) appendBreakable(node, s.slice(last));
  return node;
}

// A link to an http(s) URL at a vouched host (checked by safeHttpUrl and vouched); plain text
// otherwise.
export function link(url, text) {
  const href = safeHttpUrl(url);
  if (!href || !vouched(href)) return el("span", text ?? "");
  const a = el("a", text ?? href);
  a.href = href;
  a.rel = "noopener noreferrer nofollow";
  a.target = "_blank";
  return a;
}
