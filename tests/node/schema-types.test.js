// The TypeScript declarations of the wasm API's results (src/driver/wasm_types.d.ts) are
// generated from the JSON Schemas (docs/report.schema.json, docs/domain-report.schema.json) by
// scripts/schema-to-ts.mjs: they must be what the schemas give today, and the built module's
// .d.ts (pkg/, after scripts/build-wasm.sh) must carry them and use them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "../../scripts/schema-to-ts.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");
const stored = () => readFileSync(join(repo, "src/driver/wasm_types.d.ts"), "utf8");

test("the generated declarations are current", () => {
  assert.ok(
    stored() === generate(),
    "src/driver/wasm_types.d.ts is out of date; regenerate it with node scripts/schema-to-ts.mjs",
  );
});

test("every root field and every type used is declared, none as any", () => {
  const text = stored();
  const code = text.replace(/\/\*\*[\s\S]*?\*\//g, "").replace(/^\/\/.*$/gm, "");
  assert.doesNotMatch(code, /\bany\b/);
  for (const [file, root] of [
    ["docs/report.schema.json", "Report"],
    ["docs/domain-report.schema.json", "DomainCheckReport"],
  ]) {
    const schema = JSON.parse(readFileSync(join(repo, file), "utf8"));
    const body = text.split(`export interface ${root} {\n`)[1].split("\n}\n")[0];
    for (const key of Object.keys(schema.properties)) {
      const optional = schema.required.includes(key) ? "" : "?";
      assert.match(body, new RegExp(`^  ${key}${optional.replace("?", "\\?")}: `, "m"), `${root}.${key}`);
    }
    for (const name of Object.keys(schema.$defs)) {
      assert.match(text, new RegExp(`^export (interface|type) ${name}\\b`, "m"), name);
    }
  }
});

test("the generator turns schema shapes into TypeScript", async () => {
  const text = stored();
  // A string enum with documented variants, a tuple, a nullable reference, a tagged choice.
  assert.match(text, /^export type Action = "accept" \| "reject" \| "defer";$/m);
  assert.match(text, /^  tags: \[string, string\]\[\];$/m);
  assert.match(text, /^  arc\?: ArcChain \| null;$/m);
  assert.match(text, /^export type Rcode = "noerror" \| "servfail" \| "nxdomain" \| "refused" \| \{$/m);
});

test("the built module's declarations use them", { skip: !existsSync(join(repo, "pkg/mailtrace.d.ts")) && "pkg/ is not built" }, () => {
  const dts = readFileSync(join(repo, "pkg/mailtrace.d.ts"), "utf8");
  // wasm-bindgen re-indents custom sections: compare the declarations' names.
  const declared = (text) => [...text.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]);
  const missing = declared(stored()).filter((name) => !declared(dts).includes(name));
  assert.deepEqual(missing, [], "declarations missing in pkg/mailtrace.d.ts");
  assert.doesNotMatch(dts, /Record<string, any>/);
  assert.match(dts, /export function analyzeOffline\(input: string, options: any\): Report;/);
  assert.match(dts, /export function analyze\(input: string, options: AnalyzeOptions \| undefined, .*\): Promise<Report>;/);
  assert.match(dts, /export function checkDomain\(domain: string, options: AnalyzeOptions \| undefined, .*\): Promise<DomainCheckReport>;/);
});
