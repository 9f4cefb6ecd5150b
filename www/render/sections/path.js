// The "Delivery path" section: the Received chain as an SVG timeline (hops, delays, encryption,
// the trust boundary) and as a table.

import { breakable, el, svg } from "../dom.js";
import { fmtDuration, fmtLocal, fmtUtc, truncate } from "../format.js";
import { section, table } from "../blocks.js";

function hopFrom(h) {
  return [h.helo, h.rdns && h.rdns !== h.helo ? `(${h.rdns})` : null].filter(Boolean).join(" ");
}

// The Received chain drawn as a vertical timeline: one node per hop (oldest first), the delay
// between hops, whether each hop was encrypted, and the line where the recipient's own systems
// start (the trust boundary).
function timeline(report) {
  const hops = report.hops;
  // A narrow layout (text beside the rail) that stays readable when scaled down to a phone.
  const W = 420, ROW = 76, TOP = 22, X = 46;
  const boundaryAfter = report.sending_ip && Number.isInteger(report.sending_ip.hop)
    ? report.sending_ip.hop
    : (() => { const i = hops.findIndex((h) => h.internal); return i > 0 ? hops[i - 1].number : null; })();
  const hasBoundary = boundaryAfter != null && hops.length && hops[hops.length - 1].number !== boundaryAfter;
  const H = TOP + hops.length * ROW + (hasBoundary ? 26 : 0) - 30;
  const root = svg("svg", {
    viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", class: "timeline",
    "aria-labelledby": "timeline-title", preserveAspectRatio: "xMinYMin meet",
  });
  root.id = "timeline";
  root.append(svg("title", { id: "timeline-title" },
    `Delivery path: ${hops.length} hop${hops.length === 1 ? "" : "s"}${report.delivery_ms != null ? `, ${fmtDuration(report.delivery_ms)} in total` : ""}`));
  let y = TOP;
  let prevY = null;
  for (const h of hops) {
    const secure = h.encrypted || h.tls;
    const g = svg("g", { class: `hop${h.internal ? " internal" : ""}${secure ? " tls" : " plain"}` });
    g.dataset.hop = String(h.number);
    if (prevY !== null) {
      g.append(svg("line", { x1: 18, y1: prevY + 10, x2: 18, y2: y - 10, class: `rail${secure ? " rail-tls" : " rail-plain"}` }));
      if (h.delay_ms != null) {
        g.append(svg("text", { x: X, y: y - 24, class: `delay${h.delay_ms < 0 ? " skew" : h.delay_ms > 300000 ? " slow" : ""}` },
          h.delay_ms < 0 ? `${fmtDuration(h.delay_ms)} (the clocks disagree)` : `+${fmtDuration(h.delay_ms)}`));
      }
    }
    g.append(svg("circle", { cx: 18, cy: y, r: 10, class: "node" }));
    g.append(svg("text", { x: 18, y: y + 4, "text-anchor": "middle", class: "node-label" }, h.number));
    const from = hopFrom(h) || "(unnamed)";
    g.append(svg("text", { x: X, y: y + 5, class: "hop-name" }, truncate(`${from} → ${h.by || "?"}`, 40)));
    const facts = [h.ip, h.with, secure ? "TLS" : "not encrypted", h.authenticated ? "logged in" : null,
      h.timestamp_ms != null ? fmtUtc(h.timestamp_ms).slice(11) : null].filter(Boolean).join(" · ");
    g.append(svg("text", { x: X, y: y + 23, class: "hop-facts" }, truncate(facts, 52)));
    g.append(svg("title", {}, `Hop ${h.number}: ${from} → ${h.by || "?"}${h.ip ? ` [${h.ip}]` : ""}; ${h.tls || (h.encrypted ? "encrypted" : "not encrypted")}${h.timestamp_ms != null ? `; ${fmtUtc(h.timestamp_ms)}` : ""}`));
    root.append(g);
    prevY = y;
    y += ROW;
    if (hasBoundary && h.number === boundaryAfter) {
      const by = y - 30;
      root.append(svg("line", { x1: 0, y1: by, x2: W, y2: by, class: "boundary" }));
      root.append(svg("text", { x: W - 4, y: by + 16, "text-anchor": "end", class: "boundary-label" }, "trust boundary: the recipient's own systems below"));
      y += 26;
    }
  }
  return root;
}

export function pathSection(report, findings) {
  const { details, body } = section("path", "Delivery path", findings,
    `${report.hops.length} hop${report.hops.length === 1 ? "" : "s"}${report.delivery_ms != null ? `, ${fmtDuration(report.delivery_ms)}` : ""}`);
  const total = el("p", report.delivery_ms != null ? `Total delivery time: ${fmtDuration(report.delivery_ms)}` : "");
  total.id = "delivery-total";
  body.append(total);
  if (report.hops.length) body.append(timeline(report));
  const rows = report.hops.map((h) => {
    const tr = el("tr", null, h.internal ? "internal" : "");
    tr.append(
      el("td", h.number), breakable("td", hopFrom(h)), breakable("td", h.ip || "", "mono"), breakable("td", h.by || ""),
      el("td", [h.with, h.tls, h.encrypted && !h.tls ? "encrypted" : null, h.authenticated ? "logged in" : null].filter(Boolean).join(", ")),
      el("td", fmtUtc(h.timestamp_ms)), el("td", fmtLocal(h.timestamp_ms)), el("td", fmtDuration(h.delay_ms)),
    );
    tr.title = String(h.raw ?? "");
    return tr;
  });
  body.append(table(["Hop", "From", "IP", "By", "With", "Time (UTC)", "Your time", "Delay"], rows, "hops"));
  if (!report.hops.length) body.append(el("p", "No Received fields: the path cannot be traced."));
  return details;
}
