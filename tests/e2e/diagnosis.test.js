// One diagnosis everywhere: for every sample and bounce (their live reports), the text export
// for a ticket says exactly what the CLI's text says (`mailtrace analyze --replay`), the Markdown
// export and the page say the same sentences, the widget's customer view says the customer's
// part, and no sentence is said twice in a cause, a section or an export.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { launch, open, REPO } from "./helpers.js";
import { reportAsMarkdown, reportAsText } from "../../www/render/export.js";
import { ACTORS, splitSentences } from "../../www/render/model.js";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CLI = `${REPO}target/debug/mailtrace`;
const cases = ["samples", "bounces"].flatMap((dir) => readdirSync(`${REPO}tests/${dir}`)
  .filter((f) => f.endsWith(".live.json"))
  .map((f) => {
    const base = f.slice(0, -".live.json".length);
    const input = readdirSync(`${REPO}tests/${dir}`).find((x) => x.startsWith(`${base}.`) && /\.(eml|txt)$/.test(x));
    return { name: `${dir}/${base}`, report: `${REPO}tests/${dir}/${f}`, input: `${REPO}tests/${dir}/${input}` };
  }));

// The diagnosis block of a text (from "Diagnosis" to the next line that starts a new part).
function block(text, end) {
  const start = text.indexOf("Diagnosis\n");
  assert.ok(start >= 0, text);
  const stop = text.indexOf(end, start);
  return text.slice(start, stop < 0 ? undefined : stop).trimEnd();
}

// Who an action is for, as the customer's part labels it ("- the sender: ...").
const WHO = new RegExp(`^(${[...Object.values(ACTORS), "anyone"].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")}): `, "i");

// The prose sentences of a diagnosis block (evidence lines are quotes, not sentences; labels
// such as "What to do (the sender):" or an action's "the sender:" are not part of them).
function sentences(text) {
  return text.split("\n")
    .filter((l) => !/^\s*(- )?Evidence/.test(l))
    .map((l) => l.replace(/^\s*(\d+\.|-)?\s*(What to do( \([^)]*\))?:|Outcome:|How to fix:)?\s*/, "").replace(WHO, "").replace(/\s+\((certain|likely)[^)]*\)$/, ""))
    .flatMap((l) => splitSentences(l))
    .filter((s) => s.length > 12);
}

function noRepeats(list, label) {
  const seen = new Set();
  for (const s of list) {
    assert.ok(!seen.has(s), `${label}: said twice: ${s}`);
    seen.add(s);
  }
}

test("the text export's diagnosis is the CLI's, and no export says a sentence twice", () => {
  assert.ok(cases.length >= 35, `${cases.length} cases`);
  for (const c of cases) {
    const report = JSON.parse(readFileSync(c.report, "utf8"));
    const cli = execFileSync(CLI, ["analyze", c.input, "--replay", c.report], { encoding: "utf8" });
    const fromCli = block(cli, "\nMessage\n");
    const text = reportAsText(report);
    assert.equal(block(text, "\nThe message:"), fromCli, c.name);
    noRepeats(sentences(fromCli), `${c.name} (text)`);
    const md = reportAsMarkdown(report).replace(/\\([\\`*_[\]<>|~#+-])/g, "$1").replace(/\*\*/g, "");
    for (const s of sentences(fromCli)) assert.ok(md.includes(s), `${c.name}: the Markdown lacks: ${s}`);
    const mdProse = md.split("\n").filter((l) => !/Evidence/.test(l) && !l.startsWith("|")).join("\n");
    noRepeats(splitSentences(mdProse.replace(/\n+/g, " ")).filter((s) => s.length > 12), `${c.name} (Markdown)`);
  }
});

test("the page and the widget's customer view say the same diagnosis, each sentence once", async () => {
  const { page, problems, context } = await open(browser);
  for (const c of cases) {
    const report = JSON.parse(readFileSync(c.report, "utf8"));
    const expected = sentences(block(reportAsText(report), "\nThe message:"));
    const got = await page.evaluate(async (r) => {
      const { renderReport, splitSentences } = await import("/render.js");
      const prose = (root) => [...root.querySelectorAll("#diagnosis p, #diagnosis li")]
        .filter((n) => !n.closest(".evidence") && !n.matches(".cause-meta") && !n.querySelector("p, li"))
        .map((n) => n.textContent.replace(/^What to do \([^)]*\): /, ""));
      const agent = document.createElement("div");
      renderReport(agent, r);
      const customer = document.createElement("div");
      renderReport(customer, r, { view: "customer" });
      return {
        agent: agent.querySelector("#diagnosis").textContent,
        agentSentences: prose(agent).flatMap((t) => splitSentences(t)),
        customer: customer.querySelector("#diagnosis").textContent,
        customerParts: customer.querySelectorAll("#agent-view, #sec-path, #summary").length,
        summary: r.diagnosis.summary,
      };
    }, report);
    for (const s of expected) assert.ok(got.agent.includes(s), `${c.name}: the page lacks: ${s}`);
    noRepeats(got.agentSentences.filter((s) => s.length > 12), `${c.name} (page)`);
    assert.equal(got.customerParts, 0, `${c.name}: the customer view shows only the customer's part`);
    for (const s of splitSentences(got.summary)) assert.ok(got.customer.includes(s), `${c.name}: the customer view lacks: ${s}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});
