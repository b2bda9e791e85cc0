import { grammarLeavesUnenforced } from '../shared/schema-validators.js';

/**
 * Keywords llama.cpp's own JSON Schema converter (common/json-schema-to-grammar.cpp, which
 * llama-server applies to native tools' parameters) does not enforce, or enforces only in part:
 * numeric bounds on `number` (only integers get them), formats other than date, time,
 * date-time and uuid, patterns not anchored with `^...$` (or written with characters a JSON
 * string must escape), property counts, `multipleOf`, `uniqueItems`, `not`.
 */
const LLAMA_CPP_GAPS = /"(pattern|format|minimum|maximum|exclusiveMinimum|exclusiveMaximum|multipleOf|minProperties|maxProperties|uniqueItems|not)"\s*:/;

/**
 * Whether calls llama-server makes natively (its own grammar, from the `tools` it is sent) must
 * be validated against `schema`: when it has one of llama.cpp's gaps above, or a keyword
 * gemserve's own grammar would leave unenforced too. A property merely named like one of those
 * keywords also counts: a validation too many costs only the held-back stream.
 */
export function nativeToolsNeedValidation(schema: object): boolean {
  return LLAMA_CPP_GAPS.test(JSON.stringify(schema)) || grammarLeavesUnenforced(schema);
}
