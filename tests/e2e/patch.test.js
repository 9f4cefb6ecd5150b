// The page updates only what changed: renderReport keeps every top-level block of the report
// whose content is the same as before (its DOM node, so focus, selection and a screen reader's
// place stay), and replaces only the blocks an answer changed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, open, REPO } from "./helpers.js";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const load = (name) => JSON.parse(readFileSync(`${REPO}tests/samples/${name}`, "utf8"));

test("a re-render replaces only the blocks whose content changed", async () => {
  const offline = load("gmail-inbound.expected.json");
  const live = load("gmail-inbound.live.json");
  const { context, page, problems } = await open(browser);
  const result = await page.evaluate(async ([offline, live]) => {
    const { renderReport } = await import("./render.js");
    const root = document.createElement("div");
    document.body.append(root);
    // A property, not an attribute: an attribute would itself make the blocks differ.
    const mark = () => [...root.children].forEach((el) => { el.mailtraceMark = true; });
    const kept = () => [...root.children].filter((el) => el.mailtraceMark === true).length;
    renderReport(root, offline);
    mark();
    const total = root.children.length;
    renderReport(root, offline);
    const sameKept = kept();
    renderReport(root, live);
    const liveKept = kept();
    // What a fresh render of the live report gives, to compare the patched one with.
    const fresh = document.createElement("div");
    document.body.append(fresh);
    renderReport(fresh, live);
    const equal = root.isEqualNode(fresh);
    root.remove();
    fresh.remove();
    return { total, sameKept, liveKept, equal };
  }, [offline, live]);
  assert.ok(result.total >= 8, `only ${result.total} blocks`);
  assert.equal(result.sameKept, result.total, "the same report again: every block kept");
  assert.ok(result.liveKept > 0 && result.liveKept < result.total,
    `live answers: some blocks kept, some replaced (kept ${result.liveKept} of ${result.total})`);
  assert.ok(result.equal, "the patched page is the same as a fresh render");
  assert.deepEqual(problems, []);
  await context.close();
});
