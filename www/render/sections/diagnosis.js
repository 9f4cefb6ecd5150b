// The diagnosis, shown first: the notices (what to know before anything else), the customer's
// view (the outcome, the summary, what to do by whoever can act, the copy buttons) and the
// agent's view (the headline, the causes ranked with certainty, party, source, explanation,
// actions and evidence, then what is worth fixing). Its words come from the core's diagnosis
// through diagnosisView, as the exports and the CLI's text show them.

import { el, linkified } from "../dom.js";
import { ACTORS } from "../model.js";
import { evidenceList } from "../blocks.js";

const capital = (s) => (s ? s[0].toUpperCase() + s.slice(1) : s);

// The notices: a failed or blind resolver, a damaged paste. Null when there is none.
export function noticesBlock(view) {
  if (!view.notices.length) return null;
  const box = el("section", null, "notices panel");
  box.id = "notices";
  box.setAttribute("aria-labelledby", "notices-h");
  const h = el("h2", "Read this first", "notices-title");
  h.id = "notices-h";
  box.append(h);
  for (const n of view.notices) {
    const p = linkified("p", n.text, "notice");
    p.dataset.code = n.code;
    box.append(p);
  }
  return box;
}

function customerView(report, view) {
  const box = el("div", null, "customer-view");
  box.id = "customer-view";
  if (!view.fromFindings) {
    const p = el("p", null, "outcome");
    p.append(el("span", "Outcome: ", "visually-hidden"), el("strong", view.outcomeWord, `outcome-badge outcome-${view.outcome}`));
    box.append(p);
  }
  if (view.summary) box.append(linkified("p", view.summary, "summary"));
  if (view.groups.length) {
    const h = el("h3", "What to do");
    h.id = "actions-h";
    const list = el("div", null, "actions");
    list.id = "actions";
    list.setAttribute("aria-labelledby", "actions-h");
    for (const g of view.groups) {
      const group = el("div", null, "action-group");
      group.dataset.who = g.who;
      group.append(el("h4", capital(g.label)));
      const ul = el("ul");
      for (const text of g.items) ul.append(linkified("li", text));
      group.append(ul);
      list.append(group);
    }
    box.append(h, list);
  }
  if (!report.complete && report.live) box.append(el("p", "Live checks are still running; this may change.", "muted running"));
  const copy = el("div", null, "copy-actions");
  const text = el("button", "Copy for a ticket (plain text)", "secondary");
  text.type = "button";
  text.id = "copy-text";
  text.dataset.copy = "text";
  const md = el("button", "Copy as Markdown", "secondary");
  md.type = "button";
  md.id = "copy-md";
  md.dataset.copy = "markdown";
  const status = el("span", null, "copy-status");
  status.id = "copy-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  copy.append(text, md, status);
  box.append(copy);
  return box;
}

function causeItem(c) {
  const li = el("li", null, "cause");
  if (c.code) li.dataset.code = c.code;
  if (c.topic) li.dataset.topic = c.topic;
  const head = el("p", null, "cause-title");
  if (c.severity) head.append(el("strong", `${c.severity}: `, `sev-${c.severity}`));
  head.append(el("strong", c.title));
  li.append(head);
  if (c.meta.length) li.append(el("p", c.meta.join(" · "), "cause-meta"));
  if (c.detail) li.append(linkified("p", c.detail, "cause-detail"));
  if (c.actions.length) {
    const ul = el("ul", null, "cause-actions");
    for (const a of c.actions) {
      const item = linkified("li", a.text);
      item.prepend(el("strong", `What to do (${ACTORS[a.who] || "anyone"}): `));
      ul.append(item);
    }
    li.append(ul);
  } else if (c.fix) {
    const fix = linkified("p", c.fix, "cause-fix");
    fix.prepend(el("strong", "How to fix: "));
    li.append(fix);
  }
  const ev = evidenceList(c.evidence);
  if (ev) li.append(ev);
  return li;
}

function agentView(view) {
  const box = el("div", null, "agent-view");
  box.id = "agent-view";
  const h = el("h3", view.fromFindings ? "The most important findings" : "Why (for the support agent)");
  h.id = "agent-h";
  box.append(h);
  if (view.headline) box.append(linkified("p", view.headline, "headline"));
  if (view.causes.length) {
    const ol = el("ol", null, "causes");
    ol.setAttribute("aria-labelledby", "agent-h");
    for (const c of view.causes) ol.append(causeItem(c));
    box.append(ol);
  }
  if (view.advice.length) {
    const ah = el("h3", "Worth fixing (not why this message fared as it did)");
    ah.id = "advice-h";
    const ul = el("ul", null, "advice");
    ul.id = "advice";
    ul.setAttribute("aria-labelledby", "advice-h");
    for (const c of view.advice) {
      const li = el("li", null, "advice-item");
      if (c.code) li.dataset.code = c.code;
      if (c.title) li.append(el("strong", c.title));
      if (c.title && c.fix) li.append(document.createTextNode(" "));
      if (c.fix) li.append(linkified("span", c.fix, "advice-fix"));
      ul.append(li);
    }
    box.append(ah, ul);
  }
  return box;
}

// The diagnosis block: the customer's view, then (unless options.view is "customer") the
// agent's. It takes the focus after an analysis (tabindex -1) and is the next stop after the
// Analyze button for keyboard users (tabindex 0 is set by the page).
export function diagnosisBlock(report, view, options = {}) {
  const box = el("section", null, `diagnosis panel outcome-${view.outcome}`);
  box.id = "diagnosis";
  box.dataset.outcome = view.outcome;
  box.dataset.source = view.fromFindings ? "findings" : "report";
  box.setAttribute("aria-labelledby", "diagnosis-h");
  box.tabIndex = options.focusable ? 0 : -1;
  const h = el("h2", "Diagnosis");
  h.id = "diagnosis-h";
  box.append(h, customerView(report, view));
  if (options.view !== "customer") box.append(agentView(view));
  return box;
}
