// The whole report: renderReport puts the notices, the diagnosis (the customer's view, then the
// agent's), the overview and the sections (findings filed by the `section` each carries) into a
// root, keeping open sections, the header search and the focus across re-renders.

import { diagnosisView, normalizeReport } from "./model.js";
import { diagnosisBlock, noticesBlock } from "./sections/diagnosis.js";
import { overview } from "./sections/overview.js";
import { pathSection } from "./sections/path.js";
import { authSection } from "./sections/auth.js";
import { reputationSection } from "./sections/reputation.js";
import { bounceSection } from "./sections/bounce.js";
import { spamSection } from "./sections/spam.js";
import { senderSection } from "./sections/sender.js";
import { headersSection } from "./sections/headers.js";
import { dnsSection } from "./sections/dns.js";

export { renderProgress } from "./live.js";

// Makes `root`'s children the nodes of `next`, in order, keeping each current child that is
// equal (Node.isEqualNode: same tags, attributes and text, all the way down) to the new node
// in its place: a progress snapshot then changes only the blocks an answer changed, and what
// did not change keeps its DOM (focus, selection, scroll, a screen reader's place). Returns how
// many blocks were replaced.
export function patchChildren(root, next) {
  const current = [...root.childNodes];
  let replaced = 0;
  const wanted = next.map((node, i) => {
    const old = current[i];
    if (old && old !== node && !next.includes(old) && old.isEqualNode(node)) return old;
    if (old !== node) replaced += 1;
    return node;
  });
  wanted.forEach((node, i) => {
    const at = root.childNodes[i];
    if (at !== node) root.insertBefore(node, at || null);
  });
  while (root.childNodes.length > wanted.length) root.lastChild.remove();
  return replaced;
}

// Renders `report` into `root`, replacing only the blocks that differ from what is there.
// Sections that were open stay open,
// the header search keeps its text and the focused control keeps the focus, so progress
// snapshots can re-render freely.
// options.view: "agent" (default: everything) or "customer" (the notices, the outcome, the
//   summary and what to do: nothing for the agent).
// options.compact: the diagnosis and the overview only, sections left out.
// options.keep: an element of `root` left in place (not re-created) after the diagnosis: the
//   page's live-checks box.
// options.focusable: the diagnosis is in the Tab order (the page: one Tab from Analyze).
export function renderReport(root, input, options = {}) {
  const report = normalizeReport(input);
  const open = new Set([...root.querySelectorAll("details[open][id]")].map((d) => d.id));
  const searchBox = root.querySelector("#header-search");
  const searchValue = searchBox ? searchBox.value : "";
  const active = root.getRootNode().activeElement;
  const inside = active && active !== root && root.contains(active) && !(options.keep && options.keep.contains(active));
  const searchFocused = searchBox && active === searchBox;
  // A section's summary or a control with an id that has the focus keeps it (keyboard users).
  const focusedSection = inside && active.tagName === "SUMMARY" && active.parentElement.id ? active.parentElement.id : null;
  const focusedId = inside && active.id && active !== searchBox ? active.id : null;

  const view = diagnosisView(report);
  const head = [noticesBlock(view), diagnosisBlock(report, view, options)].filter(Boolean);
  const tail = [];
  if (options.view !== "customer") {
    tail.push(overview(report));
    if (!options.compact) {
      const bySection = { path: [], auth: [], reputation: [], bounce: [], spam: [], sender: [], headers: [] };
      // Each finding's page section comes from the report (the core's registry of codes).
      for (const f of report.findings) (bySection[f.section] || bySection.sender).push(f);
      tail.push(
        pathSection(report, bySection.path),
        authSection(report, bySection.auth),
        reputationSection(report, bySection.reputation),
        bounceSection(report, bySection.bounce),
        spamSection(report, bySection.spam),
        senderSection(report, bySection.sender),
        headersSection(report, bySection.headers, searchValue),
        dnsSection(report),
      );
    }
  }
  const keep = options.keep && options.keep.parentNode === root ? options.keep : null;
  // Sections that were open stay open: set before comparing, so an unchanged open section
  // compares equal to its new copy.
  for (const block of [...head, ...tail]) {
    for (const d of block.matches?.("details[id]") ? [block] : block.querySelectorAll?.("details[id]") || []) {
      if (open.has(d.id)) d.open = true;
    }
  }
  patchChildren(root, keep ? [...head, keep, ...tail] : [...head, ...tail]);
  for (const id of open) {
    const d = root.querySelector(`#${CSS.escape(id)}`);
    if (d) d.open = true;
  }
  if (searchFocused) root.querySelector("#header-search")?.focus();
  else if (focusedSection) root.querySelector(`#${CSS.escape(focusedSection)} > summary`)?.focus();
  else if (focusedId) root.querySelector(`#${CSS.escape(focusedId)}`)?.focus({ preventScroll: true });
  return report;
}
