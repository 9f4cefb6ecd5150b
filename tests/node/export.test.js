// The ticket exports keep hostile text inert: a decoded line break in a header cannot forge a
// line of the text export, and control or bidi characters are shown escaped. The renderer's
// export module is plain JavaScript, tested here without a browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inert, reportAsMarkdown, reportAsText } from "../../www/render/export.js";

test("inert escapes controls, bidi and zero-width characters and keeps tabs", () => {
  assert.equal(inert("a\u001b]0;PWNED\u0007b"), "a\\x1b]0;PWNED\\x07b");
  assert.equal(inert("x\r\nDiagnosis: Delivered"), "x\\x0d\\x0aDiagnosis: Delivered");
  assert.equal(inert("pay\u202elap\u200b\tok"), "payU+202ElapU+200B\tok");
});

test("a decoded line break in the Subject stays on its line in the exports", () => {
  const report = JSON.parse(readFileSync(new URL("../samples/gmail.expected.json", import.meta.url), "utf8"));
  report.message.subject = "hi\r\nDiagnosis: Delivered\u001b[2J";
  const text = reportAsText(report);
  assert.ok(!text.split("\n").some((l) => l.trim().startsWith("Diagnosis: Delivered")), text);
  assert.ok(text.includes("Subject: hi\\x0d\\x0aDiagnosis: Delivered\\x1b[2J"), text);
  assert.ok(!/[\u0000-\u0008\u000b-\u001f]/.test(text));
  const md = reportAsMarkdown(report);
  assert.ok(!/[\u0000-\u0008\u000b-\u001f]/.test(md));
});
