// DOM helpers of the report renderer: elements and SVG elements built with createElement /
// createElementNS and textContent (never from HTML), and links made only from http(s) URLs that
// the URL parser accepts.

const SVG_NS = "http://www.w3.org/2000/svg";

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

export function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
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

const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;

// Text with the http(s) URLs in it made into links (each one checked by safeHttpUrl).
export function linkified(tag, text, className) {
  const node = el(tag, null, className);
  const s = String(text ?? "");
  let last = 0;
  for (const match of s.matchAll(URL_CANDIDATE)) {
    const raw = match[0].replace(/[).,;:!?\]]+$/, "");
    const href = safeHttpUrl(raw);
    if (!href) continue;
    if (match.index > last) node.append(document.createTextNode(s.slice(last, match.index)));
    const a = el("a", raw);
    a.href = href;
    a.rel = "noopener noreferrer nofollow";
    a.target = "_blank";
    node.append(a);
    last = match.index + raw.length;
  }
  if (last < s.length) node.append(document.createTextNode(s.slice(last)));
  return node;
}

// A link to an http(s) URL (checked by safeHttpUrl); plain text when the URL is not one.
export function link(url, text) {
  const href = safeHttpUrl(url);
  if (!href) return el("span", text ?? "");
  const a = el("a", text ?? href);
  a.href = href;
  a.rel = "noopener noreferrer nofollow";
  a.target = "_blank";
  return a;
}

// Puts `nodes` into `parent` as its children, keeping each child already there that is equal to
// its replacement (isEqualNode: same tag, attributes and content), so that a re-render after a
// DNS answer touches the DOM only where what is shown changed: layout, focus, selection and
// scroll stay where nothing changed. With depth > 1, a kept element whose own attributes are equal
// but whose content differs is patched the same way one level down (a section whose body changed
// keeps its summary). Depth stays small on purpose: a listener attached to a node refers to the
// nodes built with it, so a kept node must come with everything it refers to.
export function patchChildren(parent, nodes, depth = 1) {
  const old = [...parent.children];
  const byId = new Map(old.filter((n) => n.id).map((n) => [n.id, n]));
  const wanted = nodes.map((node, i) => {
    const prev = node.id ? byId.get(node.id) : (old[i] && !old[i].id ? old[i] : null);
    if (!prev) return node;
    if (prev.isEqualNode(node)) return prev;
    const onlyElements = (n) => n.childNodes.length === n.children.length;
    if (depth > 1 && onlyElements(prev) && onlyElements(node) && prev.cloneNode(false).isEqualNode(node.cloneNode(false))) {
      patchChildren(prev, [...node.children], depth - 1);
      return prev;
    }
    return node;
  });
  let cursor = parent.firstChild;
  for (const node of wanted) {
    if (node === cursor) { cursor = cursor.nextSibling; continue; }
    parent.insertBefore(node, cursor);
  }
  while (cursor) {
    const next = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
}
