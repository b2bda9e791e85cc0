import type { GbnfJsonSchema } from 'node-llama-cpp';
import type { JsonSchemaGrammar } from '../shared/convert-json-schema-to-gbnf.js';
import { anyJson } from '../shared/convert-json-schema-to-gbnf-schema.js';

/**
 * Once the model starts a function call, LlamaChat constrains its parameters with a grammar it
 * builds from the function's `params` (node-llama-cpp 3.22.1, FunctionCallParamsGrammar.js:
 * `getGbnfJsonTerminalForGbnfJsonSchema(params)`, then `"\n\n\n\n"` to end the call). Its
 * schema type has no patterns, numeric bounds, optional properties or references outside
 * `$defs`; gemserve's grammar (convert-json-schema-to-gbnf.ts) has them. So the `params`
 * LlamaChat gets is a stand-in: `{$ref: '#/$defs/params', $defs: {params: <any JSON>}}`,
 * whose definition object is registered here with gemserve's grammar, and node-llama-cpp's
 * (unexported) GbnfRef is patched by file path, as bound-json-number-grammar.ts patches
 * GbnfNumber: for a registered definition it writes gemserve's rules (their names prefixed,
 * so they cannot clash with node-llama-cpp's `root`, `ruleN`, `valN`, `defN`) and answers
 * with their root, instead of the definition's own grammar.
 *
 * The stand-in only builds the grammar: LlamaChat also validates the parsed parameters against
 * it (`validateObjectAgainstGbnfSchema`), which any JSON passes, and the prompt documents the
 * functions from another view (function-calling.ts `functionContextState`).
 */
interface GbnfRefLike {
  def: unknown;
  generateRuleName(this: GbnfRefLike, generator: { rules: Map<string, string> }): string;
}

const { GbnfRef } = await import(
  new URL('./utils/gbnfJson/terminals/GbnfRef.js', import.meta.resolve('node-llama-cpp')).href
) as { GbnfRef: { prototype: GbnfRefLike & { gemserveRawGrammar?: boolean } } };

const grammars = new WeakMap<object, JsonSchemaGrammar>();

const proto = GbnfRef.prototype;
if (typeof proto.generateRuleName !== 'function') {
  throw new Error('node-llama-cpp\'s GbnfRef changed; update function-call-params-grammar.ts');
}
if (!proto.gemserveRawGrammar) {
  const original = proto.generateRuleName;
  proto.generateRuleName = function generateRuleName(generator) {
    const grammar = typeof this.def === 'object' && this.def !== null ? grammars.get(this.def) : undefined;
    if (!grammar) return original.call(this, generator);
    for (const line of grammar.gbnf.split('\n')) {
      const at = line.indexOf(' ::= ');
      if (at > 0) generator.rules.set(line.slice(0, at), line.slice(at + 5));
    }
    return grammar.root;
  };
  proto.gemserveRawGrammar = true;
}

/** The rule name prefix of spliced grammars (node-llama-cpp never starts a name with it). */
export const PARAMS_GRAMMAR_PREFIX = 'gs-';

/**
 * The `params` to give LlamaChat for a function whose arguments must follow `grammar` (built
 * with {@link PARAMS_GRAMMAR_PREFIX}): see the module comment.
 */
export function paramsStandIn(grammar: JsonSchemaGrammar): GbnfJsonSchema {
  if (!grammar.root.startsWith(PARAMS_GRAMMAR_PREFIX)) throw new Error('a spliced grammar needs the gs- prefix');
  const def = anyJson();
  grammars.set(def, grammar);
  return { $ref: '#/$defs/params', $defs: { params: def } } as GbnfJsonSchema;
}
