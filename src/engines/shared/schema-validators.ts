import type { ResponseFormat, ToolOptions } from '../../core/engine.js';
import { compileJsonSchemaValidator, type JsonSchemaValidator } from './compile-json-schema-validator.js';
import { convertJsonSchemaToGbnf } from './convert-json-schema-to-gbnf.js';

/** Whether output constrained by gemserve's grammar of `schema` must still be validated: a keyword it leaves unenforced. */
export function grammarLeavesUnenforced(schema: object): boolean {
  return convertJsonSchemaToGbnf(schema).unenforced.length > 0;
}

/**
 * The validator of a JSON response whose grammar leaves some keyword unenforced, else
 * undefined (the grammar alone makes the output valid).
 */
export function responseFormatValidator(format: ResponseFormat | undefined): JsonSchemaValidator | undefined {
  if (format?.type !== 'json' || !grammarLeavesUnenforced(format.schema)) return undefined;
  return compileJsonSchemaValidator(format.schema);
}

/**
 * Validators of the functions whose calls must be checked after generation, by name: those
 * whose parameters `needsValidation` says the grammar does not fully enforce (by default,
 * gemserve's own grammar). Empty when the grammar alone makes every call valid.
 */
export function functionCallValidators(
  tools: ToolOptions | undefined, needsValidation: (schema: object) => boolean = grammarLeavesUnenforced,
): Map<string, JsonSchemaValidator> {
  const out = new Map<string, JsonSchemaValidator>();
  for (const f of tools?.functions ?? []) {
    if (f.parameters && needsValidation(f.parameters)) out.set(f.name, compileJsonSchemaValidator(f.parameters));
  }
  return out;
}
