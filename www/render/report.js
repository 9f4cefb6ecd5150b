// The whole report: renderReport puts the diagnosis, the overview and the sections (findings
// filed by the `section` each carries) into a root, keeping open sections, the header search and
// the focus across re-renders; renderProgress lists the live checks.

import { el, patchChildren } from "./dom.js";
import { dnsResultText, normalizeReport } from "./model.js";
import { diagnosisBlock } from "./sections/diagnosis.js";
import { overview } from "./sections/overview.js";
import { pathSection } from "./sections/path.js";
import { authSection } from "./sections/auth.js";
import { reputationSection } from "./sections/reputation.js";
import { bounceSection } from "./sections/bounce.js";
import { spamSection } from "./sections/spam.js";
import { senderSection } from "./sections/sender.js";
import { headersSection } from "./sections/headers.js";
import { dnsSection } from "./sections/dns.js";

// Renders `report` into `root` (replacing what was there). Sections that were open stay open,
// and the header search keeps its text, so progress snapshots can re-render freely; a part
// (the diagnosis, the overview, a section's summary or body) that renders the same as before is
// left in place (patchChildren), so an answer changes the DOM only where it changed the report.
// options.compact: the diagnosis and overview only, sections left out.
export function renderReport(root, input, options = {}) {
  const report = normalizeReport(input);
  const open = new Set([...root.querySelectorAll("details[open][id]")].map((d) => d.id));
  const searchBox = root.querySelector("#header-search");
  const searchValue = searchBox ? searchBox.value : "";
  const active = root.getRootNode().activeElement;
  const searchFocused = searchBox && active === searchBox;
  // A section's summary that has the focus keeps it across re-renders (keyboard users).
  const focusedSection = active && active.tagName === "SUMMARY" && root.contains(active) ? active.parentElement.id : null;

  const bySection = { path: [], auth: [], reputation: [], bounce: [], spam: [], sender: [], headers: [] };
  // Each finding's page section comes from the report (the core's registry of codes).
  for (const f of report.findings) (bySection[f.section] || bySection.sender).push(f);

  const nodes = [diagnosisBlock(report), overview(report)];
  if (!options.compact) {
    nodes.push(
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
  for (const node of nodes) {
    for (const d of [node, ...node.querySelectorAll("details[id]")]) {
      if (d.tagName === "DETAILS" && open.has(d.id)) d.open = true;
    }
  }
  patchChildren(root, nodes, 2);
  if (searchFocused) root.querySelector("#header-search")?.focus();
  if (focusedSection) root.querySelector(`#${CSS.escape(focusedSection)} > summary`)?.focus();
  return report;
}

// The live checks, each pending or answered, into a list element.
export function renderProgress(list, input) {
  const report = normalizeReport(input);
  const items = report.dns.map((x) => {
    const li = el("li", null, `lookup status-${x.status}`);
    li.dataset.status = String(x.status ?? "");
    li.append(el("span", `${x.name} ${x.type}`, "mono"), el("span", ` — ${x.status === "pending" ? "pending" : "answered"}: `),
      el("span", dnsResultText(x)));
    return li;
  });
  patchChildren(list, items);
}
