// The page's schema check of shared reports (www/render/validate.js against
// www/report.schema.json): every stored report is valid, and crafted departures are refused with
// the JSON pointer of the place.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { validate, MAX_DEPTH } from "../../www/render/validate.js";

const repo = new URL("../../", import.meta.url).pathname;
const schema = JSON.parse(readFileSync(`${repo}www/report.schema.json`, "utf8"));
const full = JSON.parse(readFileSync(`${repo}docs/report.schema.json`, "utf8"));
const reports = ["tests/samples", "tests/bounces"].flatMap((d) => readdirSync(`${repo}${d}`)
  .filter((f) => f.endsWith(".live.json") || (d === "tests/samples" && f.endsWith(".expected.json")))
  .map((f) => `${repo}${d}/${f}`));
const load = (path) => JSON.parse(readFileSync(path, "utf8"));
const real = () => load(`${repo}tests/samples/gmail.live.json`);

test("every stored report is valid, against the page's schema and the full one", () => {
  assert.ok(reports.length > 60, `${reports.length} reports`);
  for (const path of [...new Set(reports)]) {
    const report = load(path);
    assert.equal(validate(schema, report), null, path);
    assert.equal(validate(full, report), null, path);
  }
});

test("an unknown key in a finding is refused, with where it is", () => {
  const r = real();
  r.findings[1].onclick = "alert(1)";
  assert.deepEqual(validate(schema, r), { pointer: "/findings/1/onclick", message: 'the key "onclick" is not part of a report here' });
  const top = real();
  top.extra = 1;
  assert.equal(validate(schema, top).pointer, "/extra");
});

test("a wrong type, a value outside an enum and a broken DNS record are refused", () => {
  const r = real();
  r.findings[0].title = { html: "<b>x</b>" };
  assert.equal(validate(schema, r).pointer, "/findings/0/title");
  assert.match(validate(schema, r).message, /is not string/);
  const s = real();
  s.findings[0].severity = "catastrophic";
  assert.equal(validate(schema, s).pointer, "/findings/0/severity");
  const d = real();
  const answered = d.dns.find((x) => x.answer && x.answer.records && x.answer.records.length);
  assert.ok(answered, "a DNS answer with records");
  answered.answer.records[0].data = 5;
  const problem = validate(schema, d);
  assert.ok(problem && problem.pointer.startsWith("/dns/"), JSON.stringify(problem));
  const missing = real();
  delete missing.findings;
  assert.match(validate(schema, missing).message, /required key "findings"/);
});

test("nesting deeper than the limit is refused without walking it", () => {
  const r = real();
  let deep = "x";
  for (let i = 0; i < 100000; i += 1) deep = [deep];
  r.findings[0].evidence = deep;
  const problem = validate(schema, r);
  assert.ok(problem);
  assert.ok(problem.pointer.startsWith("/findings/0/evidence"), problem.pointer);
  const open = real();
  let nested = {};
  const top = nested;
  for (let i = 0; i < MAX_DEPTH + 5; i += 1) { nested.a = {}; nested = nested.a; }
  open.findings[0].evidence = [{ text: "x", line: 1, more: top }];
  assert.ok(validate(schema, open));
});

test("a keyword the validator does not know fails loudly rather than pass unchecked", () => {
  assert.throws(() => validate({ type: "string", pattern: "^a" }, "a"), /does not know the keyword pattern/);
});
