type Json = Record<string, unknown>;

/** Keywords whose merged value is the largest / smallest of the values (the tighter bound). */
const LOWER_BOUNDS = new Set(['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties', 'minContains']);
const UPPER_BOUNDS = new Set(['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties', 'maxContains']);
/** Keywords that say something about a value without constraining it: the first one stays. */
const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', 'example', '$comment', 'readOnly', 'writeOnly', 'deprecated']);

/**
 * One schema that every one of `schemas` holds for, as far as keywords combine (`allOf`, a
 * `$ref` with other keywords beside it, an `anyOf` alternative with the keywords around it):
 * types intersect, enums intersect, properties and required unite (a property in both becomes
 * the `allOf` of its two schemas), bounds take the tighter value, `items` and
 * `additionalProperties` combine. `conflicts` names the keywords that did not combine (two
 * patterns, two formats, two `anyOf`s, an `additionalProperties: false` beside properties it
 * does not list...): the merged schema keeps the first one's value, so the grammar may write
 * values the others refuse, and the output must be validated. llama.cpp's
 * `_visit_all_of` (common/json-schema-to-grammar.cpp) merges objects and enums the same way.
 */
export function mergeJsonSchemas(schemas: readonly Json[]): { merged: Json; conflicts: string[] } {
  const merged: Json = {};
  const conflicts = new Set<string>();
  for (const s of schemas) {
    for (const [key, value] of Object.entries(s)) {
      if (!(key in merged)) {
        merged[key] = value;
        continue;
      }
      const current = merged[key];
      if (ANNOTATIONS.has(key) || same(current, value)) continue;
      const combined = combine(key, current, value, merged, s);
      if (combined === undefined) conflicts.add(key);
      else merged[key] = combined;
    }
  }
  return { merged, conflicts: [...conflicts] };
}

function combine(key: string, a: unknown, b: unknown, merged: Json, next: Json): unknown {
  if (LOWER_BOUNDS.has(key) && typeof a === 'number' && typeof b === 'number') return Math.max(a, b);
  if (UPPER_BOUNDS.has(key) && typeof a === 'number' && typeof b === 'number') return Math.min(a, b);
  switch (key) {
    case 'type': {
      const tb = types(b);
      const both = types(a).map((t) => (tb.includes(t) ? t : (t === 'integer' && tb.includes('number')) || (t === 'number' && tb.includes('integer')) ? 'integer' : ''))
        .filter(Boolean);
      return both.length ? [...new Set(both)] : undefined;
    }
    case 'enum': {
      if (!Array.isArray(a) || !Array.isArray(b)) return undefined;
      const common = a.filter((x) => b.some((y) => same(x, y)));
      return common.length ? common : undefined;
    }
    case 'required':
      return Array.isArray(a) && Array.isArray(b) ? [...new Set([...a, ...b])] : undefined;
    case 'properties': {
      if (!isObject(a) || !isObject(b)) return undefined;
      // additionalProperties: false applies to the properties of its own schema only.
      if ((merged.additionalProperties === false && Object.keys(b).some((k) => !(k in a)))
        || (next.additionalProperties === false && Object.keys(a).some((k) => !(k in b)))) return undefined;
      const out: Json = { ...a };
      for (const [k, v] of Object.entries(b)) out[k] = k in out ? { allOf: [out[k], v] } : v;
      return out;
    }
    case 'items':
    case 'additionalProperties':
      if (a === false || b === false) return false;
      if (a === true) return b;
      if (b === true) return a;
      return isObject(a) && isObject(b) ? { allOf: [a, b] } : undefined;
    case 'allOf':
      return Array.isArray(a) && Array.isArray(b) ? [...a, ...b] : undefined;
    default:
      return undefined;
  }
}

const types = (t: unknown): string[] => (Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : typeof t === 'string' ? [t] : []);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
