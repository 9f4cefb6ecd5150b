// The diagnosis: the outcome, the headline and the causes with their fixes and evidence (shown
// first, in compact mode too).

import { el, linkified } from "../dom.js";
import { OUTCOMES, PARTY, diagnosisOf } from "../model.js";
import { evidenceList } from "../blocks.js";

export function diagnosisBlock(report) {
  const d = diagnosisOf(report);
  const box = el("section", null, `diagnosis panel outcome-${d.outcome}`);
  box.id = "diagnosis";
  box.dataset.outcome = d.outcome;
  box.dataset.source = d.fromFindings ? "findings" : "report";
  box.setAttribute("aria-labelledby", "diagnosis-h");
  const h = el("h2", "Diagnosis");
  h.id = "diagnosis-h";
  box.append(h);
  if (!d.fromFindings) {
    const p = el("p", null, "outcome");
    p.append(el("span", "Outcome: "), el("strong", OUTCOMES[d.outcome], `outcome-badge outcome-${d.outcome}`));
    box.append(p);
  }
  box.append(linkified("p", d.headline, "headline"));
  if (!report.complete && report.live) box.append(el("p", "Live checks are still running; this may change.", "muted"));
  if (d.causes.length) {
    const ol = el("ol", null, "causes");
    for (const c of d.causes) {
      const li = el("li", null, "cause");
      if (c.code) li.dataset.code = c.code;
      const head = el("p", null, "cause-title");
      if (c.severity) head.append(el("strong", `${c.severity}: `, `sev-${c.severity}`));
      head.append(el("strong", c.title));
      li.append(head);
      const meta = [c.certainty, PARTY[c.party]].filter(Boolean).join(" · ");
      if (meta) li.append(el("p", meta, "cause-meta"));
      if (c.detail) li.append(linkified("p", c.detail, "cause-detail"));
      if (c.fix) {
        const fix = linkified("p", c.fix, "cause-fix");
        fix.prepend(el("strong", "How to fix: "));
        li.append(fix);
      }
      const ev = evidenceList(c.evidence);
      if (ev) li.append(ev);
      ol.append(li);
    }
    box.append(ol);
  }
  return box;
}
