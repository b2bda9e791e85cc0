import type { GbnfJsonSchema } from 'node-llama-cpp';
import { mergeJsonSchemas } from './merge-json-schemas.js';
import { resolveJsonSchemaRef } from './resolve-json-schema-ref.js';
// Every grammar node-llama-cpp builds gets finite numbers and exponent-free integers.
import './bound-json-number-grammar.js';

type Json = Record<string, unknown>;

/** String formats node-llama-cpp's schema type knows (GbnfJsonFormatStringSchema). */
const GBNF_FORMATS = new Set(['date-time', 'date', 'time']);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);
/** Keywords node-llama-cpp's schema type has no place for, said in the description instead. */
/** Formats that say nothing beyond the type (Gemini's NUMBER/INTEGER formats, its enum format). */
const SILENT_FORMATS = new Set(['float', 'double', 'int64', 'enum']);
const HINTS = ['pattern', 'format', 'minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum', 'multipleOf', 'uniqueItems'] as const;

/**
 * A JSON Schema → node-llama-cpp's `GbnfJsonSchema` (node-llama-cpp/dist/utils/gbnfJson/types.d.ts),
 * as the *documentation* of a function's parameters: what node-llama-cpp's chat wrappers write
 * into the prompt (as TypeScript-like types, or as the JSON Schema a Jinja template lists).
 * The grammar that constrains the arguments is not built from it but from the full schema
 * (convert-json-schema-to-gbnf.ts, spliced in by llama-cpp/function-call-params-grammar.ts),
 * so this never refuses a schema:
 * - `$ref`s are written out in place (a reference back into itself as any value), `allOf`
 *   merged, `anyOf`/`oneOf` and type lists become `oneOf`;
 * - what the type cannot hold (pattern, formats other than date/time/date-time, numeric bounds,
 *   multipleOf, uniqueItems) is said in the description, e.g. `(pattern: ^[a-z]+$)`;
 * - an object without `properties` takes any properties; with them, none other unless
 *   `additionalProperties` says so (the grammar writes them so too).
 */
export function convertJsonSchemaToGbnfSchema(schema: unknown, root: unknown = schema): GbnfJsonSchema {
  return convert(schema, root, new Set(), 0);
}

const MAX_DEPTH = 64;

function convert(schema: unknown, root: unknown, refs: Set<string>, depth: number): GbnfJsonSchema {
  if (!isObject(schema) || depth > MAX_DEPTH) return anyJson();
  const s = schema;
  const desc = description(s);
  if (typeof s.$ref === 'string') {
    const target = refs.has(s.$ref) ? undefined : resolveJsonSchemaRef(root, s.$ref);
    if (!isObject(target)) return withDesc(anyJson(), desc);
    const { $ref: _, ...rest } = s;
    const inner = new Set(refs).add(s.$ref);
    return convert(mergeJsonSchemas([target, rest]).merged, root, inner, depth + 1);
  }
  if (Array.isArray(s.allOf)) {
    const { allOf: _, ...rest } = s;
    return convert(mergeJsonSchemas([...s.allOf.filter(isObject), rest]).merged, root, refs, depth + 1);
  }
  const alternatives = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
  if (alternatives) {
    const oneOf = alternatives.filter((a) => a !== false).map((a) => convert(a, root, refs, depth + 1));
    return oneOf.length ? withDesc({ oneOf }, desc) : anyJson();
  }
  if ('const' in s && isPrimitive(s.const)) return withDesc({ const: s.const }, desc);
  if (Array.isArray(s.enum)) {
    const values = s.enum.filter(isPrimitive);
    return values.length ? withDesc({ enum: values }, desc) : anyJson();
  }
  const types = (Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type]).filter((t): t is string => typeof t === 'string' && TYPES.has(t));
  if (s.nullable === true && types.length) types.push('null');
  if (types.length > 1) {
    return withDesc({ oneOf: [...new Set(types)].map((t) => convert({ ...s, type: t, nullable: false, description: undefined }, root, refs, depth + 1)) }, desc);
  }
  switch (types[0] ?? inferType(s)) {
    case 'string': {
      if (typeof s.format === 'string' && GBNF_FORMATS.has(s.format) && s.pattern === undefined) {
        return withDesc({ type: 'string', format: s.format as 'date' }, description(s, ['format']));
      }
      return withDesc({ type: 'string', ...counts(s, ['minLength', 'maxLength']) }, desc);
    }
    case 'integer': return withDesc({ type: 'integer' }, desc);
    case 'number': return withDesc({ type: 'number' }, desc);
    case 'boolean': return withDesc({ type: 'boolean' }, desc);
    case 'null': return withDesc({ type: 'null' }, desc);
    case 'array': {
      const items = s.items === undefined || s.items === true || Array.isArray(s.items) ? undefined : convert(s.items, root, refs, depth + 1);
      const tuple = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
      const prefixItems = tuple?.map((p) => convert(p, root, refs, depth + 1));
      return withDesc({ type: 'array', ...(items ? { items } : {}), ...(prefixItems?.length ? { prefixItems } : {}), ...counts(s, ['minItems', 'maxItems']) }, desc);
    }
    case 'object': {
      const props = isObject(s.properties) ? s.properties : undefined;
      const properties = Object.fromEntries(Object.entries(props ?? {}).filter(([, v]) => v !== false).map(([k, v]) => [k, convert(v, root, refs, depth + 1)]));
      const extra = s.additionalProperties ?? props === undefined;
      const additionalProperties = typeof extra === 'boolean' ? extra : convert(extra, root, refs, depth + 1);
      return withDesc({ type: 'object', properties, additionalProperties, ...counts(s, ['minProperties', 'maxProperties']) }, desc);
    }
    default: return withDesc(anyJson(), desc);
  }
}

/** The description, with what the type cannot hold appended (`skip`: keywords it does hold). */
function description(s: Json, skip: string[] = []): string | undefined {
  const hints = HINTS.filter((k) => s[k] !== undefined && !skip.includes(k) && s[k] !== false && !(k === 'format' && SILENT_FORMATS.has(String(s[k])))).map((k) => `(${k}: ${typeof s[k] === 'string' ? s[k] : JSON.stringify(s[k])})`);
  const text = [typeof s.description === 'string' ? s.description : '', ...hints].filter(Boolean).join(' ');
  return text || undefined;
}

function withDesc<T extends object>(schema: T, desc: string | undefined): T {
  return desc ? { ...schema, description: desc } : schema;
}

function counts(s: Json, keys: string[]): Record<string, number> {
  return Object.fromEntries(keys.filter((k) => Number.isSafeInteger(s[k]) && (s[k] as number) >= 0).map((k) => [k, s[k] as number]));
}

/** The type a schema without `type` is about, from its keywords. */
function inferType(s: Json): string | undefined {
  if (['properties', 'additionalProperties', 'required'].some((k) => k in s)) return 'object';
  if (['items', 'prefixItems', 'minItems', 'maxItems'].some((k) => k in s)) return 'array';
  if (['pattern', 'minLength', 'maxLength', 'format'].some((k) => k in s)) return 'string';
  if (['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'].some((k) => k in s)) return 'number';
  return undefined;
}

/** `{}` / `true`: any JSON value. */
export const anyJson = (): GbnfJsonSchema => ({
  oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'array' }, { type: 'object', additionalProperties: true }],
});
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPrimitive = (v: unknown): v is string | number | boolean | null => v === null || ['string', 'number', 'boolean'].includes(typeof v);
