// The page groups findings as the CLI does: every finding of every sample and bounce report
// (the live snapshots) is shown in the page section and under the heading that the registry of
// codes (data/findings.tsv) gives its code; tests/native/registry.rs checks the CLI's text
// against the same table.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { launch, open, REPO } from "./helpers.js";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// The registry: exact codes, then the longest family (a code ending in "*").
function registry() {
  const rows = readFileSync(`${REPO}data/findings.tsv`, "utf8").split("\n")
    .filter((l) => l && !l.startsWith("#")).map((l) => l.split("\t"));
  const [header, ...body] = rows;
  const col = (n) => header.indexOf(n);
  const exact = new Map(body.map((r) => [r[col("code")], r]));
  const families = body.filter((r) => r[col("code")].endsWith("*"));
  return (code) => {
    let row = exact.get(code);
    if (!row) {
      row = families.filter((r) => code.startsWith(r[col("code")].slice(0, -1)))
        .sort((a, b) => b[0].length - a[0].length)[0];
    }
    assert.ok(row, `${code} is not in data/findings.tsv`);
    return { section: row[col("section")], group: row[col("group")] };
  };
}

test("every finding is shown in its registry section, under its registry heading", async () => {
  const lookup = registry();
  const reports = [];
  for (const dir of ["tests/samples", "tests/bounces"]) {
    for (const f of readdirSync(`${REPO}${dir}`).filter((n) => n.endsWith(".live.json")).sort()) {
      reports.push([f, JSON.parse(readFileSync(`${REPO}${dir}/${f}`, "utf8"))]);
    }
  }
  assert.ok(reports.length >= 30, `only ${reports.length} reports`);
  const { context, page, problems } = await open(browser);
  let checked = 0;
  for (const [name, report] of reports) {
    const shown = await page.evaluate(async (r) => {
      const { renderReport } = await import("./render.js");
      const root = document.createElement("div");
      document.body.append(root);
      renderReport(root, r);
      const out = [];
      for (const li of root.querySelectorAll("li.finding[data-code]")) {
        const details = li.closest("details.section");
        const group = li.closest(".finding-group");
        const h4 = group && group.querySelector(":scope > h4");
        const heading = h4 ? h4.textContent : details?.querySelector(".section-title")?.textContent;
        out.push({ code: li.dataset.code, section: details?.dataset.section, heading });
      }
      // A finding a section's own table or check states is shown there once (not listed
      // again): the element that states it carries its code.
      for (const node of root.querySelectorAll("details.section [data-codes]")) {
        const details = node.closest("details.section");
        for (const code of node.dataset.codes.split(" ")) out.push({ code, section: details.dataset.section, heading: null });
      }
      root.remove();
      return out;
    }, report);
    const codes = report.findings.map((f) => f.code).sort();
    assert.deepEqual(shown.map((s) => s.code).sort(), codes, `${name}: every finding shown once`);
    for (const s of shown) {
      const want = lookup(s.code);
      assert.equal(s.section, want.section, `${name}: ${s.code} section`);
      if (s.heading !== null) assert.equal(s.heading, want.group, `${name}: ${s.code} heading`);
      checked++;
    }
  }
  assert.ok(checked > 200, `only ${checked} findings checked`);
  assert.deepEqual(problems, []);
  await context.close();
});
