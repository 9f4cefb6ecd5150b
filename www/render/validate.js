// A small JSON Schema validator for the subset docs/report.schema.json uses (draft 2020-12 as
// schemars writes it): type (one or a list, "null" for optional values), const, enum,
// properties, required, additionalProperties, items, prefixItems, minItems, maxItems, minimum,
// maximum, oneOf, anyOf and $ref into #/$defs. Objects are closed: a key that neither
// `properties` nor `additionalProperties` allows is an error (the core writes no other keys), so
// a crafted report cannot carry fields the page never expects. Any other keyword is refused, so
// the schema cannot grow a rule this file silently ignores (tests/node/validate.test.js runs it
// over the schema and every stored report).
//
// Bounded: the value's depth and the number of (schema, value) steps are capped, so no input
// makes it run long; past either, the value is refused.
//
// validate(schema, value) returns null when the value is valid, else { pointer, message }: where
// (an RFC 6901 JSON pointer into the value) and what.

const KNOWN = new Set(["$schema", "$defs", "$ref", "title", "description", "format", "default",
  "type", "const", "enum", "properties", "required", "additionalProperties", "items", "prefixItems",
  "minItems", "maxItems", "minimum", "maximum", "oneOf", "anyOf"]);

export const MAX_DEPTH = 32;
export const MAX_STEPS = 2_000_000;

const escape = (key) => String(key).replace(/~/g, "~0").replace(/\//g, "~1");
// A value in a message: a scalar as JSON (cut at 40 characters), an array or object by its kind
// (never serialized: it may be nested past any stack).
const show = (v) => {
  if (Array.isArray(v)) return "an array";
  if (v !== null && typeof v === "object") return "an object";
  const t = JSON.stringify(v);
  return t === undefined ? String(v) : (t.length > 40 ? `${t.slice(0, 40)}…` : t);
};

function hasType(v, t) {
  switch (t) {
    case "null": return v === null;
    case "boolean": return typeof v === "boolean";
    case "string": return typeof v === "string";
    case "integer": return Number.isInteger(v);
    case "number": return typeof v === "number" && Number.isFinite(v);
    case "array": return Array.isArray(v);
    case "object": return v !== null && typeof v === "object" && !Array.isArray(v);
    default: throw new Error(`the validator does not know the type ${t}`);
  }
}

function equal(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
}

class Limit extends Error {}

export function validate(root, value) {
  let steps = 0;
  // `extra`: keys an enclosing schema's `properties` allow (for the branches of a oneOf/anyOf
  // next to `properties`, which see the whole object).
  const check = (schema, v, pointer, depth, extra) => {
    steps += 1;
    if (steps > MAX_STEPS) throw new Limit("the report takes too long to check");
    if (depth > MAX_DEPTH) return { pointer, message: `nested deeper than ${MAX_DEPTH} levels` };
    if (schema === true) return null;
    if (schema === false || schema === null || typeof schema !== "object") return { pointer, message: "nothing is allowed here" };
    for (const key of Object.keys(schema)) {
      if (!KNOWN.has(key)) throw new Error(`the validator does not know the keyword ${key}`);
    }
    if (schema.$ref !== undefined) {
      const m = /^#\/\$defs\/([^/]+)$/.exec(schema.$ref);
      const def = m && root.$defs && Object.hasOwn(root.$defs, m[1]) ? root.$defs[m[1]] : undefined;
      if (def === undefined) throw new Error(`the schema has no ${schema.$ref}`);
      return check(def, v, pointer, depth, extra);
    }
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (!types.some((t) => hasType(v, t))) return { pointer, message: `${show(v)} is not ${types.join(" or ")}` };
    }
    if (schema.const !== undefined && !equal(v, schema.const)) return { pointer, message: `${show(v)} is not ${show(schema.const)}` };
    if (schema.enum !== undefined && !schema.enum.some((e) => equal(v, e))) return { pointer, message: `${show(v)} is not one of ${schema.enum.map(show).join(", ")}` };
    if (typeof v === "number") {
      if (schema.minimum !== undefined && v < schema.minimum) return { pointer, message: `${v} is below ${schema.minimum}` };
      if (schema.maximum !== undefined && v > schema.maximum) return { pointer, message: `${v} is above ${schema.maximum}` };
    }
    const own = schema.properties ? Object.keys(schema.properties) : [];
    const choices = schema.oneOf || schema.anyOf;
    if (choices) {
      const inner = new Set([...(extra || []), ...own]);
      let matching = 0;
      let first = null;
      for (const s of choices) {
        const problem = check(s, v, pointer, depth, inner);
        if (!problem) matching += 1;
        else if (!first || problem.pointer.length > first.pointer.length) first = problem;
        if (matching > 1 && schema.oneOf) break;
      }
      if (matching === 0) return first && first.pointer !== pointer ? first : { pointer, message: `${show(v)} matches none of the choices${first ? ` (${first.message})` : ""}` };
      if (schema.oneOf && matching > 1) return { pointer, message: "matches more than one of the choices" };
    }
    if (hasType(v, "object")) {
      for (const name of schema.required || []) {
        if (!Object.hasOwn(v, name)) return { pointer, message: `the required key "${name}" is missing` };
      }
      for (const key of Object.keys(v)) {
        const here = `${pointer}/${escape(key)}`;
        if (schema.properties && Object.hasOwn(schema.properties, key)) {
          const p = check(schema.properties[key], v[key], here, depth + 1, null);
          if (p) return p;
        } else if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
          const p = check(schema.additionalProperties, v[key], here, depth + 1, null);
          if (p) return p;
        } else if (!choices && !(extra && extra.has(key)) && (schema.properties || schema.additionalProperties === false)) {
          return { pointer: here, message: `the key "${key}" is not part of a report here` };
        }
      }
    }
    if (Array.isArray(v)) {
      if (schema.minItems !== undefined && v.length < schema.minItems) return { pointer, message: `${v.length} items, at least ${schema.minItems} expected` };
      if (schema.maxItems !== undefined && v.length > schema.maxItems) return { pointer, message: `${v.length} items, at most ${schema.maxItems} expected` };
      for (let i = 0; i < v.length; i += 1) {
        const s = schema.prefixItems && i < schema.prefixItems.length ? schema.prefixItems[i] : schema.items;
        if (s === undefined) continue;
        const p = check(s, v[i], `${pointer}/${i}`, depth + 1, null);
        if (p) return p;
      }
    }
    return null;
  };
  try {
    return check(root, value, "", 0, null);
  } catch (error) {
    if (error instanceof Limit) return { pointer: "", message: error.message };
    throw error;
  }
}
