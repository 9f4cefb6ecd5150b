// Sums up how the report snapshots (tests/samples/*.json, tests/bounces/*.json) changed against
// a git revision (default HEAD): for each JSON path, with array indices as "*", how many places
// in how many files were added, removed or changed, and a few examples. Use it to review a
// snapshot update (MAILTRACE_UPDATE_SNAPSHOTS=1) before committing it:
//   node scripts/snapshot-diff.mjs [REV]
import { execFileSync } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";

const rev = process.argv[2] || "HEAD";
const repo = new URL("../", import.meta.url).pathname;
const git = (...args) => execFileSync("git", args, { cwd: repo, encoding: "utf8", maxBuffer: 1 << 28 });
const files = git("ls-files", "tests/samples", "tests/bounces").split("\n")
  .filter((f) => f.endsWith(".json"));
const summary = new Map();
let changedFiles = 0;
function note(kind, path, file, example) {
  const key = `${kind} ${path.replace(/\/\d+(?=\/|$)/g, "/*")}`;
  const s = summary.get(key) || { places: 0, files: new Set(), examples: [] };
  s.places++; s.files.add(file);
  if (s.examples.length < 3) s.examples.push(`${file}: ${example}`);
  summary.set(key, s);
}
function diff(a, b, path, file) {
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a)) {
      for (let i = 0; i < Math.min(a.length, b.length); i++) diff(a[i], b[i], `${path}/${i}`, file);
      if (a.length !== b.length) note("length", path, file, `${a.length} -> ${b.length}`);
      return;
    }
    for (const k of Object.keys(a)) {
      if (k in b) diff(a[k], b[k], `${path}/${k}`, file);
      else note("removed", `${path}/${k}`, file, JSON.stringify(a[k]).slice(0, 80));
    }
    for (const k of Object.keys(b)) if (!(k in a)) note("added", `${path}/${k}`, file, JSON.stringify(b[k]).slice(0, 80));
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    note("changed", path, file, `${JSON.stringify(a).slice(0, 60)} -> ${JSON.stringify(b).slice(0, 60)}`);
  }
}
for (const f of files) {
  let old;
  try { old = JSON.parse(git("show", `${rev}:${f}`)); } catch { old = undefined; }
  const now = existsSync(`${repo}${f}`) ? JSON.parse(readFileSync(`${repo}${f}`, "utf8")) : undefined;
  if (JSON.stringify(old) === JSON.stringify(now)) continue;
  changedFiles++;
  if (old === undefined || now === undefined) { note(old === undefined ? "new file" : "deleted file", "", f, ""); continue; }
  diff(old, now, "", f);
}
console.log(`${changedFiles} of ${files.length} snapshot files differ from ${rev}`);
for (const [key, s] of [...summary].sort((a, b) => b[1].places - a[1].places)) {
  console.log(`${key}: ${s.places} place(s) in ${s.files.size} file(s)`);
  for (const e of s.examples) console.log(`    ${e}`);
}
