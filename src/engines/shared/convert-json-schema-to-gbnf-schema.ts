import type { GbnfJsonSchema } from 'node-llama-cpp';
import { Errors } from '../../core/errors.js';
// Every grammar built from these schemas gets finite numbers and exponent-free integers.
import './bound-json-number-grammar.js';

type Json = Record<string, unknown>;

/** The field every refusal names: the schema came from one of these two (convert-to-response-format.ts). */
const FIELD = 'generation_config.response_schema';
/** Integer ranges up to this many values are enumerated, since node-llama-cpp's grammar has no bounds. */
export const MAX_ENUMERATED_INTEGERS = 1000;
/** String formats node-llama-cpp's grammar enforces (GbnfJsonFormatStringSchema). */
const GRAMMAR_FORMATS = new Set(['date-time', 'date', 'time']);
/** Number formats that say nothing a JSON number does not already (Gemini's NUMBER/INTEGER formats). */
const NOOP_FORMATS = new Set(['float', 'double', 'int64']);
/** Annotations: no effect on what may be generated. */
const IGNORED = new Set(['title', 'description', 'examples', 'example', 'default', '$schema', '$id', '$comment', 'required']);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);

/**
 * A JSON Schema → the subset node-llama-cpp turns into a grammar (`GbnfJsonSchema`,
 * node-llama-cpp/dist/utils/gbnfJson/types.d.ts). What that grammar cannot enforce is
 * refused with a 400 naming the keyword, never silently dropped. Notes on the mapping:
 * - `anyOf`/`oneOf` → `oneOf` (the grammar accepts any alternative, i.e. anyOf).
 * - `minimum`/`maximum` on an integer become an `enum` of the range when it has at most
 *   {@link MAX_ENUMERATED_INTEGERS} values; other bounds are refused.
 * - `required` is dropped: the grammar always writes every property, which satisfies it.
 * - An object without `properties` takes any properties (JSON Schema's default); with
 *   `properties`, no others unless `additionalProperties` says so (Gemini's behaviour).
 */
export function convertJsonSchemaToGbnfSchema(schema: unknown, path = '$'): GbnfJsonSchema {
  if (schema === true || (isObject(schema) && Object.keys(schema).length === 0)) return anyJson();
  if (!isObject(schema)) throw refuse(path, 'a schema must be an object');
  const s = { ...schema };
  for (const k of Object.keys(s)) if (IGNORED.has(k)) delete s[k];
  const desc = typeof schema.description === 'string' ? { description: schema.description } : {};

  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives !== undefined) {
    const kw = s.anyOf !== undefined ? 'anyOf' : 'oneOf';
    if (!Array.isArray(alternatives) || Object.keys(s).length > 1) throw refuse(path, `${kw} alongside other keywords`, kw);
    return { oneOf: alternatives.map((a, i) => convertJsonSchemaToGbnfSchema(a, `${path}.${kw}[${i}]`)), ...desc };
  }
  if ('const' in s) return only(s, ['const'], path, { const: s.const as string, ...desc });
  if (s.enum !== undefined) {
    if (!Array.isArray(s.enum) || s.enum.some((v) => v !== null && typeof v === 'object')) throw refuse(path, 'enum of objects', 'enum');
    return only(s, ['enum', 'type'], path, { enum: s.enum as string[], ...desc });
  }
  if (Array.isArray(s.type)) {
    const types = s.type as unknown[];
    if (types.some((t) => typeof t !== 'string' || !TYPES.has(t))) throw refuse(path, `type ${JSON.stringify(s.type)}`, 'type');
    if (types.length === 1) return convertJsonSchemaToGbnfSchema({ ...schema, type: types[0] }, path);
    // ["integer","null"] with bounds etc.: one alternative per type, each with the keywords that apply.
    return { oneOf: types.map((t) => convertJsonSchemaToGbnfSchema(t === 'null' ? { type: 'null' } : { ...schema, type: t }, path)), ...desc };
  }
  switch (s.type) {
    case undefined: {
      const other = Object.keys(s)[0]; // allOf, $ref, not, ...: nothing the grammar knows
      throw other ? refuse(path, `keyword "${other}"`, other) : refuse(path, 'a schema without type, enum, const or anyOf', 'type');
    }
    case 'string': return stringSchema(s, path, desc);
    case 'integer': return integerSchema(s, path, desc);
    case 'number': return basic(s, 'number', path, desc);
    case 'boolean': case 'null': return basic(s, s.type, path, desc);
    case 'array': return arraySchema(s, path, desc);
    case 'object': return objectSchema(s, path, desc);
    default: throw refuse(path, `type ${JSON.stringify(s.type)}`, 'type');
  }
}

function stringSchema(s: Json, path: string, desc: object): GbnfJsonSchema {
  const format = s.format;
  if (format !== undefined && format !== '') {
    if (typeof format !== 'string' || !GRAMMAR_FORMATS.has(format)) throw refuse(path, `format ${JSON.stringify(format)}`, 'format');
    return only(s, ['type', 'format'], path, { type: 'string', format: format as 'date', ...desc });
  }
  const lengths = pick(s, ['minLength', 'maxLength'], path);
  return only(s, ['type', 'format', 'minLength', 'maxLength'], path, { type: 'string', ...lengths, ...desc });
}

function integerSchema(s: Json, path: string, desc: object): GbnfJsonSchema {
  if (s.minimum === undefined && s.maximum === undefined) return basic(s, 'integer', path, desc);
  const { minimum: lo, maximum: hi } = s;
  if (typeof lo !== 'number') throw refuse(path, 'maximum without minimum', 'maximum');
  if (typeof hi !== 'number') throw refuse(path, 'minimum without maximum', 'minimum');
  const from = Math.ceil(lo), to = Math.floor(hi);
  if (to - from + 1 > MAX_ENUMERATED_INTEGERS) throw refuse(path, `a range of more than ${MAX_ENUMERATED_INTEGERS} integers`, 'minimum');
  if (to < from) throw refuse(path, 'an empty range', 'minimum');
  const values = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  return only(s, ['type', 'format', 'minimum', 'maximum'], path, { enum: values, ...desc }, true);
}

function arraySchema(s: Json, path: string, desc: object): GbnfJsonSchema {
  const items = s.items === undefined ? undefined : convertJsonSchemaToGbnfSchema(s.items, `${path}.items`);
  const counts = pick(s, ['minItems', 'maxItems'], path);
  return only(s, ['type', 'items', 'minItems', 'maxItems'], path, { type: 'array', ...(items ? { items } : {}), ...counts, ...desc });
}

function objectSchema(s: Json, path: string, desc: object): GbnfJsonSchema {
  const props = s.properties;
  if (props !== undefined && !isObject(props)) throw refuse(path, 'properties that are not an object', 'properties');
  const properties = Object.fromEntries(Object.entries(props ?? {}).map(([k, v]) => [k, convertJsonSchemaToGbnfSchema(v, `${path}.properties.${k}`)]));
  const extra = s.additionalProperties ?? (props === undefined ? true : false);
  const additionalProperties = typeof extra === 'boolean' ? extra : convertJsonSchemaToGbnfSchema(extra, `${path}.additionalProperties`);
  const counts = pick(s, ['minProperties', 'maxProperties'], path);
  return only(s, ['type', 'properties', 'additionalProperties', 'minProperties', 'maxProperties'], path,
    { type: 'object', properties, additionalProperties, ...counts, ...desc });
}

function basic(s: Json, type: 'number' | 'integer' | 'boolean' | 'null', path: string, desc: object): GbnfJsonSchema {
  return only(s, ['type', 'format'], path, { type, ...desc }, true);
}

/** Returns `result` if `s` has no keyword beyond `allowed`; else a 400 naming the first other one. */
function only(s: Json, allowed: string[], path: string, result: GbnfJsonSchema, numberFormats = false): GbnfJsonSchema {
  const other = Object.keys(s).find((k) => !allowed.includes(k));
  if (other !== undefined) throw refuse(path, `keyword "${other}"`, other);
  if (numberFormats && s.format !== undefined && !NOOP_FORMATS.has(String(s.format))) throw refuse(path, `format ${JSON.stringify(s.format)}`, 'format');
  return result;
}

function pick(s: Json, keys: string[], path: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) {
    if (s[k] === undefined) continue;
    if (!Number.isSafeInteger(s[k]) || (s[k] as number) < 0) throw refuse(path, `${k} ${JSON.stringify(s[k])}`, k);
    out[k] = s[k] as number;
  }
  return out;
}

/** `{}` / `true`: any JSON value. */
const anyJson = (): GbnfJsonSchema => ({
  oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'array' }, { type: 'object', additionalProperties: true }],
});
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function refuse(path: string, what: string, keyword?: string) {
  return Errors.invalidArgument(
    `The response schema uses ${what} at ${path}, which this server's engine cannot enforce while generating` +
      `${keyword ? ` (unsupported keyword: ${keyword})` : ''}.`, FIELD);
}
