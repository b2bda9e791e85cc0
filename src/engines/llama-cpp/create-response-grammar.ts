import type { Llama, LlamaGrammar } from 'node-llama-cpp';
import type { ResponseFormat } from '../../core/engine.js';
import { compileJsonSchemaValidator, type JsonSchemaValidator } from '../shared/compile-json-schema-validator.js';
import { convertJsonSchemaToGbnf } from '../shared/convert-json-schema-to-gbnf.js';

/** The grammar of a response format, and the validator its output needs when the grammar leaves some keyword unenforced. */
export interface ResponseGrammar {
  grammar: LlamaGrammar;
  validate?: JsonSchemaValidator;
}

/**
 * The grammar that constrains decoding to `format`, a raw GBNF grammar
 * (`llama.createGrammar({grammar})`, node-llama-cpp's guide: node-llama-cpp.withcat.ai/guide/grammar):
 * - JSON: gemserve's JSON Schema → GBNF converter (convert-json-schema-to-gbnf.ts, after
 *   llama.cpp's), which enforces patterns, lengths, numeric bounds, `$ref`, `anyOf`... that
 *   node-llama-cpp's own JSON Schema grammar cannot; a schema is never refused, and what the
 *   grammar cannot enforce comes back as a validator.
 * - Enum: a GBNF alternation of the values as literals, so the reply is one value verbatim,
 *   unquoted (a JSON string literal is a valid GBNF literal: GBNF takes the same `\"`, `\\`,
 *   `\n` and `\uXXXX` escapes).
 * Either way the grammar ends with the value, so the model can only end its turn once it is
 * complete: a `stop` is a whole value.
 */
export async function createResponseGrammar(llama: Llama, format: ResponseFormat): Promise<ResponseGrammar> {
  if (format.type === 'enum') {
    return { grammar: await llama.createGrammar({ grammar: `root ::= ${format.values.map((v) => JSON.stringify(v)).join(' | ')}\n` }) };
  }
  const converted = convertJsonSchemaToGbnf(format.schema);
  const grammar = await llama.createGrammar({ grammar: converted.gbnf, rootRuleName: converted.root });
  return converted.unenforced.length ? { grammar, validate: compileJsonSchemaValidator(format.schema) } : { grammar };
}
