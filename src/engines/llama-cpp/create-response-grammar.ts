import type { GbnfJsonObjectSchema, Llama, LlamaGrammar } from 'node-llama-cpp';
import type { ResponseFormat } from '../../core/engine.js';
import { convertJsonSchemaToGbnfSchema } from '../shared/convert-json-schema-to-gbnf-schema.js';

/**
 * The grammar that constrains decoding to `format`. JSON goes through node-llama-cpp's JSON
 * Schema grammar (`llama.createGrammarForJsonSchema`); an enum is a GBNF alternation of the
 * values as literals, so the reply is one value verbatim, unquoted (a JSON string literal is a
 * valid GBNF literal: GBNF takes the same `\"`, `\\`, `\n` and `\uXXXX` escapes). Either way the
 * model can only end its turn once the grammar is complete, so a `stop` is a whole value.
 * Throws a 400 for a schema keyword the grammar cannot enforce.
 */
export async function createResponseGrammar(llama: Llama, format: ResponseFormat): Promise<LlamaGrammar> {
  if (format.type === 'enum') {
    return llama.createGrammar({ grammar: `root ::= ${format.values.map((v) => JSON.stringify(v)).join(' | ')}\n` });
  }
  // The schema is only known at run time; the generic parameter only types the parsed result.
  const schema = convertJsonSchemaToGbnfSchema(format.schema) as Readonly<GbnfJsonObjectSchema>;
  return llama.createGrammarForJsonSchema(schema);
}
