import {
  MAX_NESTING, TYPE_URL_PREFIX, messageSpec, type FieldSpec, type MessageSpec, type RootMessage,
} from './request-schema.js';
import type { FieldViolation } from './status.js';

/**
 * Type-checks a (name-normalised) request body against the proto3-JSON rules, in place, and
 * returns the first violation in Google's words, or undefined.
 *
 * Coercions proto3 JSON allows (developers.google.com/protocol-buffers/docs/proto3#json):
 * - numbers sent as strings (`"maxOutputTokens": "64"`, int64 is a string on the wire);
 * - `null` means "not set": the key is removed;
 * - enum names are matched case-insensitively and stored uppercase (Schema `type` arrives
 *   lowercase from clients with JSON Schema habits: `"type": "object"`).
 * And one leniency of Google's ESF front end: a single value where a list is expected is
 * taken as a one-element list (Vertex's REST samples send `"parts": {"text": …}`).
 *
 * Error text copies Google's: `Invalid value at 'generation_config.temperature' (TYPE_FLOAT), "hot"`
 * (seen verbatim for `generation_config.seed` (TYPE_INT32) and `generation_config.media_resolution`
 * in public issue reports). Keys that are no field of their message are not this check's: they
 * were refused (Google's `Unknown name "x" at 'generation_config': Cannot find field.`) or
 * dropped before it, by `find-unknown-fields.ts` under the server's `--unknown-fields`.
 */
export function checkFieldTypes(body: Record<string, unknown>, root: RootMessage): FieldViolation | undefined {
  return checkMessage(body, messageSpec(root), '', 0);
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INTEGER_STRING = /^-?\d+$/;
const FLOAT_STRING = /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

function checkMessage(obj: Record<string, unknown>, spec: MessageSpec, path: string, depth: number): FieldViolation | undefined {
  if (depth > MAX_NESTING) {
    return { field: path, description: `Invalid JSON payload received. Message nesting at '${path}' exceeds the limit of ${MAX_NESTING}.` };
  }
  for (const key of Object.keys(obj)) {
    const field = spec.fields.get(key);
    if (!field) continue;
    if (obj[key] === null) {
      delete obj[key];
      continue;
    }
    const at = path ? `${path}.${field.proto}` : field.proto;
    const bad = field.repeated
      ? checkList(obj, key, field, at, depth)
      : field.map
        ? checkMap(obj[key], field, at, depth)
        : checkValue(obj, key, field, at, depth);
    if (bad) return bad;
  }
  return undefined;
}

function checkList(obj: Record<string, unknown>, key: string, field: FieldSpec, at: string, depth: number) {
  if (!Array.isArray(obj[key])) obj[key] = [obj[key]];
  const list = obj[key] as unknown[];
  for (let i = 0; i < list.length; i++) {
    const bad = checkValue(list, i, field, `${at}[${i}]`, depth);
    if (bad) return bad;
  }
  return undefined;
}

function checkMap(map: unknown, field: FieldSpec, at: string, depth: number) {
  if (!isObject(map)) return invalid(at, field, map);
  for (const k of Object.keys(map)) {
    const bad = checkValue(map, k, field, `${at}[${k}]`, depth);
    if (bad) return bad;
  }
  return undefined;
}

/** Checks (and coerces) `holder[key]` against one field's type. */
function checkValue(holder: any, key: string | number, field: FieldSpec, at: string, depth: number): FieldViolation | undefined {
  const v: unknown = holder[key];
  const type = field.type;
  switch (type) {
    case 'struct':
      return undefined;
    case 'string':
    case 'bytes':
      return typeof v === 'string' ? undefined : invalid(at, field, v);
    case 'bool':
      return typeof v === 'boolean' ? undefined : invalid(at, field, v);
    case 'float': {
      const n = typeof v === 'string' && FLOAT_STRING.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) return invalid(at, field, v);
      holder[key] = n;
      return undefined;
    }
    case 'int32':
    case 'int64': {
      const n = typeof v === 'string' && INTEGER_STRING.test(v) ? Number(v) : v;
      const ok = typeof n === 'number' && Number.isSafeInteger(n) &&
        (type === 'int64' || (n >= INT32_MIN && n <= INT32_MAX));
      if (!ok) return invalid(at, field, v);
      holder[key] = n;
      return undefined;
    }
  }
  if ('enum' in type) {
    const upper = typeof v === 'string' ? v.toUpperCase() : undefined;
    if (upper === undefined || !type.enum.values.has(upper)) return invalid(at, field, v);
    holder[key] = upper;
    return undefined;
  }
  if (!isObject(v)) return invalid(at, field, v);
  return checkMessage(v, type.message, at, depth + 1);
}

/** Google's name for a field's type in "Invalid value" texts. */
function typeName(field: FieldSpec): string {
  const t = field.type;
  if (typeof t === 'string') return `TYPE_${t === 'struct' ? 'MESSAGE' : t.toUpperCase()}`;
  return TYPE_URL_PREFIX + ('enum' in t ? t.enum.name : t.message.name);
}

function invalid(at: string, field: FieldSpec, value: unknown): FieldViolation {
  return { field: at, description: `Invalid value at '${at}' (${typeName(field)}), ${render(value)}` };
}

/** Strings JSON-quoted and numbers bare, as Google prints them; long values shortened. */
function render(value: unknown): string {
  const s = value === undefined ? 'null' : JSON.stringify(value);
  return s.length > 100 ? `${s.slice(0, 97)}...` : s;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
