// Rendering of a mailtrace report, shared by the page (app.js) and the widget
// (header-analyzer.js): every function builds DOM nodes with createElement / createElementNS and
// textContent into a root it is given. Untrusted text (everything from the headers, from DNS
// answers and from shared links) never becomes HTML. Links are made only from http(s) URLs that
// the URL parser accepts.
//
// This module is the public face of render/: it re-exports what the page, the widget and the
// tests use. The code is in
//   render/dom.js, render/format.js   DOM helpers (el, svg, links) and formatting of values
//   render/model.js                   the report's shape (normalizeReport) and derived data
//   render/blocks.js                  tables, finding lists grouped by `group`, section frames
//   render/sections/*.js              one module per part of the report
//   render/report.js                  renderReport (findings filed by `section`)
//   render/live.js                    the live checks in words while they run (renderProgress)
//   render/export.js, render/redact.js, render/share.js   text and Markdown, print, redaction,
//                                     share links

export { el, safeHttpUrl, linkified, breakable } from "./render/dom.js";
export { fmtUtc, fmtLocal, fmtDuration, mailbox } from "./render/format.js";
export { normalizeReport, looksLikeReport, OUTCOMES, diagnosisOf, diagnosisView, splitSentences, dnsResultText, recordText } from "./render/model.js";
export { genericValue } from "./render/blocks.js";
export { listTable } from "./render/sections/reputation.js";
export { renderDomainReport, renderSpfAnswer } from "./render/sections/domain.js";
export { liveSteps } from "./render/live.js";
export { renderReport, renderProgress } from "./render/report.js";
export { expandAll, reportAsText, reportAsMarkdown } from "./render/export.js";
export { redactReport } from "./render/redact.js";
export { encodeShare, decodeShare } from "./render/share.js";
