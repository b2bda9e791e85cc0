import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** Checks a value against a schema: undefined when valid, else why not. */
export type JsonSchemaValidator = (value: unknown) => string | undefined;

// ajv-formats is CommonJS: under Node's ESM its plugin is the module's `default`.
type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const formatsModule = addFormatsModule as unknown as FormatsPlugin & { default?: FormatsPlugin };
const addFormats: FormatsPlugin = formatsModule.default ?? formatsModule;

/** Compiled validators kept, keyed by the schema's JSON (requests repeat their schemas). */
const CACHE_SIZE = 64;
const cache = new Map<string, JsonSchemaValidator>();

/**
 * A validator for `schema` with the semantics gemserve's grammars follow
 * (convert-json-schema-to-gbnf.ts): JSON Schema draft 2020-12 (ajv's Ajv2020) with the formats
 * of ajv-formats, read leniently as Gemini reads schemas:
 * - draft-04/07 forms are read as 2020-12 ones (`items` as an array → `prefixItems`,
 *   `additionalItems` → `items`, boolean `exclusiveMinimum`/`exclusiveMaximum`), `$schema` is
 *   ignored, unknown keywords and unknown formats are annotations;
 * - `oneOf` is read as `anyOf`, as the grammar writes it (and as llama.cpp's converter does);
 * - a pattern that is not valid with the `u` flag is compiled without it.
 * A schema ajv still cannot compile gets a validator that accepts everything (the grammar is
 * then all that holds the output): validation is a second line, never a reason to fail.
 */
export function compileJsonSchemaValidator(schema: unknown): JsonSchemaValidator {
  const key = JSON.stringify(schema) ?? 'undefined';
  const cached = cache.get(key);
  if (cached) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const validator = compile(schema);
  cache.set(key, validator);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return validator;
}

function compile(schema: unknown): JsonSchemaValidator {
  const normalized = normalize(schema);
  for (const unicodeRegExp of [true, false]) {
    try {
      const ajv = new Ajv2020({ strict: false, allErrors: false, logger: false, validateSchema: false, unicodeRegExp });
      addFormats(ajv);
      const validate = ajv.compile(normalized as object);
      return (value) => {
        if (validate(value)) return undefined;
        const e = validate.errors?.[0];
        return e ? `${e.instancePath || '/'} ${e.message ?? 'is invalid'}` : 'is invalid';
      };
    } catch {
      // try again without the u flag, then give up
    }
  }
  return () => undefined;
}

/** A copy of `schema` in 2020-12 terms; see compileJsonSchemaValidator. */
function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (typeof node !== 'object' || node === null) return node;
  const s = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$schema') continue;
    if (k === 'oneOf' && s.anyOf === undefined) out.anyOf = normalize(v);
    else if (k === 'items' && Array.isArray(v)) out.prefixItems = normalize(v);
    else if (k === 'additionalItems') {
      if (Array.isArray(s.items)) out.items = normalize(v);
    } else if ((k === 'exclusiveMinimum' || k === 'exclusiveMaximum') && typeof v === 'boolean') {
      const bound = k === 'exclusiveMinimum' ? 'minimum' : 'maximum';
      if (v && typeof s[bound] === 'number') out[k] = s[bound];
    } else if ((k === 'minimum' && s.exclusiveMinimum === true) || (k === 'maximum' && s.exclusiveMaximum === true)) {
      continue;
    } else out[k] = normalize(v);
  }
  return out;
}
