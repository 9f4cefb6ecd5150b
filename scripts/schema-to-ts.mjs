#!/usr/bin/env node
// Generates the TypeScript declarations of the wasm API's results from their JSON Schemas:
// Report (docs/report.schema.json) and DomainCheckReport (docs/domain-report.schema.json), with
// every type they use, into src/driver/wasm_types.d.ts, which src/driver/wasm.rs puts in the
// module's .d.ts (a typescript_custom_section: it reaches pkg/mailtrace.d.ts, never the .wasm).
//
//   node scripts/schema-to-ts.mjs           write the file
//   node scripts/schema-to-ts.mjs --check   exit 1 when the file is not what the schemas give
//
// It reads the subset of JSON Schema 2020-12 that schemars writes: $ref into $defs, type (one
// or a list), const, enum, oneOf/anyOf, properties/required/additionalProperties, items,
// prefixItems. Anything else it does not know fails the generation instead of becoming `any`.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const SCHEMAS = ["docs/report.schema.json", "docs/domain-report.schema.json"];
const OUT = "src/driver/wasm_types.d.ts";

/** Keywords that only describe or constrain a value and have no TypeScript form. */
const IGNORED = new Set([
  "$schema",
  "title",
  "description",
  "format",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
  "default",
]);
const KNOWN = new Set([
  ...IGNORED,
  "$ref",
  "$defs",
  "type",
  "const",
  "enum",
  "oneOf",
  "anyOf",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "prefixItems",
]);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function fail(where, message) {
  throw new Error(`${where}: ${message}`);
}

/** A JSDoc comment of `text` at `indent`, or nothing. */
function doc(text, indent) {
  if (!text) return "";
  const lines = text.replaceAll("*/", "*\\/").split("\n");
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? " " + l : ""}`).join("\n")}\n${indent} */\n`;
}

function propertyName(name) {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** Whether a schema's type is a union (and so needs parentheses before `[]`). */
function isUnion(schema) {
  if (typeof schema !== "object" || schema.$ref !== undefined || schema.const !== undefined) {
    return false;
  }
  const alternatives = schema.enum ?? schema.oneOf ?? schema.anyOf ?? [].concat(schema.type ?? []);
  return alternatives.length > 1;
}

function union(types) {
  const unique = [...new Set(types)];
  return unique.length === 1 ? unique[0] : unique.join(" | ");
}

/** The TypeScript type of a schema, written at `indent` (for object literals). */
function typeOf(schema, where, indent) {
  if (schema === true || (typeof schema === "object" && Object.keys(schema).length === 0)) {
    return "unknown";
  }
  if (schema === false) return "never";
  for (const key of Object.keys(schema)) {
    if (!KNOWN.has(key)) fail(where, `unsupported keyword ${key}`);
  }
  if (schema.$ref !== undefined) {
    const match = /^#\/\$defs\/(.+)$/.exec(schema.$ref);
    if (!match || !IDENTIFIER.test(match[1])) fail(where, `unsupported $ref ${schema.$ref}`);
    return match[1];
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum !== undefined) return union(schema.enum.map((v) => JSON.stringify(v)));
  const choices = schema.oneOf ?? schema.anyOf;
  if (choices !== undefined) {
    return union(choices.map((c, i) => typeOf(c, `${where}/${i}`, indent)));
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types[0] === undefined) fail(where, "a schema without a type");
  return union(types.map((t) => typeOfType(t, schema, where, indent)));
}

function typeOfType(type, schema, where, indent) {
  switch (type) {
    case "string":
      return "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array":
      if (schema.prefixItems !== undefined) {
        const items = schema.prefixItems.map((s, i) => typeOf(s, `${where}/prefixItems/${i}`, indent));
        return `[${items.join(", ")}]`;
      }
      if (schema.items === undefined) return "unknown[]";
      const item = typeOf(schema.items, `${where}/items`, indent);
      return isUnion(schema.items) ? `(${item})[]` : `${item}[]`;
    case "object":
      return objectType(schema, where, indent);
    default:
      return fail(where, `unsupported type ${type}`);
  }
}

/** An object literal type: its properties, or a string-keyed map. */
function objectType(schema, where, indent) {
  const required = new Set(schema.required ?? []);
  const inner = indent + "  ";
  const members = Object.entries(schema.properties ?? {}).map(([name, s]) => {
    const optional = required.has(name) ? "" : "?";
    const type = typeOf(s, `${where}/properties/${name}`, inner);
    return `${doc(s.description, inner)}${inner}${propertyName(name)}${optional}: ${type};\n`;
  });
  const extra = schema.additionalProperties;
  if (extra !== undefined && extra !== false) {
    members.push(`${inner}[key: string]: ${typeOf(extra, `${where}/additionalProperties`, inner)};\n`);
  }
  if (members.length === 0) return "{ [key: string]: never }";
  return `{\n${members.join("")}${indent}}`;
}

/** The variants' own descriptions, as a list in the type's comment. */
function variantsDoc(schema) {
  const choices = schema.oneOf ?? schema.anyOf ?? [];
  const lines = choices
    .filter((c) => c.description && c.const !== undefined)
    .map((c) => `- ${JSON.stringify(c.const)}: ${c.description.replaceAll("\n", " ")}`);
  return lines.length === choices.length && lines.length > 0 ? lines.join("\n") : "";
}

/** One exported declaration: an interface for an object with properties, else a type. */
function declaration(name, schema) {
  const where = `#/$defs/${name}`;
  const description = [schema.description, variantsDoc(schema)].filter(Boolean).join("\n\n");
  const isInterface =
    schema.type === "object" && schema.properties !== undefined && schema.$ref === undefined;
  if (isInterface) {
    return `${doc(description, "")}export interface ${name} ${objectType(schema, where, "")}\n`;
  }
  return `${doc(description, "")}export type ${name} = ${typeOf(schema, where, "")};\n`;
}

export function generate() {
  const roots = [];
  const defs = new Map();
  for (const file of SCHEMAS) {
    const schema = JSON.parse(readFileSync(join(repo, file), "utf8"));
    const name = schema.title;
    if (!IDENTIFIER.test(name ?? "")) fail(file, "the schema's title must name its type");
    const { $defs = {}, ...root } = schema;
    root.description = `${root.description ?? ""}\n\nJSON Schema: ${file}.`.trim();
    roots.push([name, root]);
    for (const [defName, def] of Object.entries($defs)) {
      const seen = defs.get(defName);
      if (seen && !isDeepStrictEqual(seen.def, def)) {
        fail(file, `$defs/${defName} differs from the one in ${seen.file}`);
      }
      defs.set(defName, { def, file });
    }
  }
  const names = [...roots.map(([n]) => n), ...defs.keys()];
  if (new Set(names).size !== names.length) fail(OUT, "a root type has the name of a $def");
  const parts = [
    `// Generated by scripts/schema-to-ts.mjs from ${SCHEMAS.join(" and ")}: do not edit.\n` +
      "// Regenerate with `node scripts/schema-to-ts.mjs` after the schemas change.\n",
    ...roots.map(([name, root]) => declaration(name, root)),
    ...[...defs.keys()].sort().map((name) => declaration(name, defs.get(name).def)),
  ];
  return parts.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = generate();
  const path = join(repo, OUT);
  if (process.argv.includes("--check")) {
    let stored = "";
    try {
      stored = readFileSync(path, "utf8");
    } catch {}
    if (stored !== text) {
      console.error(`${OUT} is out of date; regenerate it with node scripts/schema-to-ts.mjs`);
      process.exit(1);
    }
  } else {
    writeFileSync(path, text);
  }
}
