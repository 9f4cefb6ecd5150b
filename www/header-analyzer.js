// <header-analyzer>: the analyzer as a custom element, for help pages and knowledge bases.
//
//   <script type="module" src="https://your.site/mailtrace/header-analyzer.js"></script>
//   <header-analyzer doh="https://cloudflare-dns.com/dns-query"></header-analyzer>
//
// Attributes: doh (the DNS-over-HTTPS endpoint; default Cloudflare's), offline (no lookup at
// all, no switch shown), no-body-links (the domains of links in the body are not asked at the
// domain blocklists; the privacy line says so), view="customer" (only what a customer needs: the notices, the outcome,
// the summary and what to do; the default is the full agent view), compact (the diagnosis and
// the message summary only). The diagnosis has copy buttons (plain text for a ticket, Markdown).
// Styling hooks: ::part(container|label|input|controls|button|live-toggle|privacy|status|results).
// When an analysis ends it fires "analysis-complete" (bubbles, composed) with the report as
// `detail`.
// It renders with the same module as the page (render.js) and loads the wasm core from pkg/
// next to this file.
import { Core } from "./core.js";
import { renderReport, reportAsMarkdown, reportAsText, el } from "./render.js";
import { questionsText } from "./render/privacy.js";

const HERE = new URL(".", import.meta.url);
const DEFAULT_DOH = "https://cloudflare-dns.com/dns-query";
let sharedCore = null;
let counter = 0;

function part(node, name) {
  node.setAttribute("part", name);
  return node;
}

export class HeaderAnalyzer extends HTMLElement {
  static get observedAttributes() { return ["doh", "offline", "compact", "view", "no-body-links"]; }

  constructor() {
    super();
    counter += 1;
    const id = `ha${counter}`;
    const root = this.attachShadow({ mode: "open" });
    for (const css of ["render.css", "header-analyzer.css"]) {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = new URL(css, HERE).href;
      root.append(link);
    }
    const box = part(el("div", null, "container"), "container");
    const form = el("form");
    form.noValidate = true;
    const label = part(el("label", "Paste the e-mail's headers"), "label");
    label.htmlFor = `${id}-input`;
    this.input = part(el("textarea"), "input");
    this.input.id = `${id}-input`;
    this.input.rows = 8;
    this.input.spellcheck = false;
    this.input.autocomplete = "off";
    const controls = part(el("div", null, "controls"), "controls");
    this.button = part(el("button", "Analyze"), "button");
    this.button.type = "submit";
    this.liveLabel = part(el("label", null, "inline"), "live-toggle");
    this.live = el("input");
    this.live.type = "checkbox";
    this.live.checked = true;
    this.live.setAttribute("role", "switch");
    this.liveLabel.append(this.live, document.createTextNode(" Live DNS lookups"));
    controls.append(this.button, this.liveLabel);
    this.privacy = part(el("p", null, "muted privacy"), "privacy");
    this.status = part(el("p", null, "status"), "status");
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    this.results = part(el("div", null, "results"), "results");
    form.append(label, this.input, controls);
    box.append(form, this.privacy, this.status, this.results);
    root.append(box);
    form.addEventListener("submit", (e) => { e.preventDefault(); this.analyze(); });
    this.results.addEventListener("click", (e) => this.copy(e));
    this.live.addEventListener("change", () => this.update());
    this.report = null;
    this.update();
    if (!sharedCore) sharedCore = new Core(new URL("pkg/mailtrace.js", HERE).href);
    sharedCore.loadSoon([this.input], { whenLoaded: false });
  }

  attributeChangedCallback() { this.update(); }

  get doh() { return this.getAttribute("doh") || DEFAULT_DOH; }

  get isOffline() { return this.hasAttribute("offline"); }

  update() {
    this.liveLabel.hidden = this.isOffline;
    const live = !this.isOffline && this.live.checked;
    let where = this.doh;
    try { where = new URL(this.doh, document.baseURI).host; } catch { /* shown as written */ }
    this.privacy.textContent = live
      ? `Analyzed in your browser; nothing you paste is sent. Only DNS questions go to ${where}: ${questionsText({ bodyLinks: !this.hasAttribute("no-body-links") })}.`
      : "Analyzed in your browser; nothing at all leaves this page.";
    if (this.report) this.render(this.report);
  }

  get view() { return this.getAttribute("view") === "customer" ? "customer" : "agent"; }

  render(report) {
    this.report = report;
    renderReport(this.results, report, { compact: this.hasAttribute("compact"), view: this.view });
  }

  // The diagnosis's copy buttons: plain text for a ticket, or Markdown.
  async copy(event) {
    const button = event.target.closest("button[data-copy]");
    if (!button || !this.report) return;
    const markdown = button.dataset.copy === "markdown";
    const text = markdown ? reportAsMarkdown(this.report) : reportAsText(this.report);
    const status = this.results.querySelector("#copy-status");
    if (status) status.textContent = "";
    try {
      await navigator.clipboard.writeText(text);
      if (status) status.textContent = `The diagnosis ${markdown ? "as Markdown" : "as plain text"} is copied: paste it into your ticket.`;
    } catch (error) {
      if (status) status.textContent = `Could not copy (${error && error.message ? error.message : error}).`;
    }
    this.dispatchEvent(new CustomEvent("diagnosis-copied", { detail: { format: markdown ? "markdown" : "text", text }, bubbles: true, composed: true }));
  }

  // Analyzes `text` (default: what is in the box) and resolves to the report.
  async analyze(text) {
    if (typeof text === "string") this.input.value = text;
    if (!sharedCore) sharedCore = new Core(new URL("pkg/mailtrace.js", HERE).href);
    const live = !this.isOffline && this.live.checked;
    const options = { live, doh: live ? this.doh : undefined, now: Date.now(), bodyLinks: !this.hasAttribute("no-body-links") };
    const show = (r) => this.render(r);
    this.button.disabled = true;
    this.status.textContent = "Analyzing…";
    try {
      const report = await sharedCore.run(this.input.value, options, { onOffline: show, onProgress: show });
      show(report);
      this.status.textContent = "";
      this.dispatchEvent(new CustomEvent("analysis-complete", { detail: report, bubbles: true, composed: true }));
      return report;
    } catch (error) {
      this.status.textContent = `The analysis failed: ${error && error.message ? error.message : error}`;
      return null;
    } finally {
      this.button.disabled = false;
    }
  }
}

if (!customElements.get("header-analyzer")) customElements.define("header-analyzer", HeaderAnalyzer);
