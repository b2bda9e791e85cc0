/**
 * node-llama-cpp's JSON grammar lets numbers carry an exponent of up to 16 digits
 * (`GbnfNumber.getGrammar`: `[eE] [-+]? ("0" | [1-9] [0-9]{0,15})`), integers included. A
 * random or careless model then writes `"n": 47653E353440734`, which is valid JSON syntax but
 * parses to Infinity: neither an integer nor a number any JSON Schema means. This narrows the
 * rule for every grammar node-llama-cpp builds (structured output and function-call
 * parameters, in both llama.cpp engines): integers get no exponent at all, other numbers one of
 * at most two digits (|x| < 1e100, always finite).
 *
 * It patches node-llama-cpp's (unexported) GbnfNumber by file path, as map-response-format.ts
 * loads its grammar writer; node-llama-cpp is pinned to 3.22.1 and the patch checks the exact
 * text it replaces, so a release that writes numbers differently fails loudly here.
 */
const UNBOUNDED_EXPONENT = ' ([eE] [-+]? ("0" | [1-9] [0-9]{0,15}))';
const BOUNDED_EXPONENT = ' ([eE] [-+]? [0-9] [0-9]?)';

interface GbnfNumberClass {
  prototype: { getGrammar(this: { allowFractional: boolean }): string; gemserveBounded?: boolean };
}

const { GbnfNumber } = await import(
  new URL('./utils/gbnfJson/terminals/GbnfNumber.js', import.meta.resolve('node-llama-cpp')).href
) as { GbnfNumber: GbnfNumberClass };

const proto = GbnfNumber.prototype;
if (!proto.gemserveBounded) {
  const original = proto.getGrammar;
  proto.getGrammar = function getGrammar() {
    const grammar = original.call(this);
    if (!grammar.includes(`${UNBOUNDED_EXPONENT}?`)) {
      throw new Error(`node-llama-cpp's number grammar changed; update bound-json-number-grammar.ts: ${grammar}`);
    }
    return this.allowFractional
      ? grammar.replace(UNBOUNDED_EXPONENT, BOUNDED_EXPONENT)
      : grammar.replace(`${UNBOUNDED_EXPONENT}?`, '');
  };
  proto.gemserveBounded = true;
}

export {};
