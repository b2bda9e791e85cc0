import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Llama } from 'node-llama-cpp';
import { parseGbnf, sampleGbnf } from '../../../test/fixtures/sample-gbnf.js';
import { seededRandom } from '../../../test/fixtures/seeded-random.js';
import { getSharedLlama } from '../llama-cpp/shared-llama.js';
import { convertRegexToGbnf } from './convert-regex-to-gbnf.js';
import { GbnfRuleSet } from './gbnf-rule-set.js';
import { addPrimitive } from './json-grammar-primitives.js';
import { InvalidPatternError, parseRegex, UnsupportedPatternError } from './parse-regex.js';

/**
 * Patterns → grammars of JSON strings: llama.cpp's grammar engine accepts the JSON of strings the
 * regex matches (and refuses some it does not), and 200 strings sampled from each grammar are
 * JSON strings the regex matches (JavaScript's own RegExp, with the u flag, as JSON Schema
 * validators use it).
 */
const PATTERNS: Array<[string, string[], string[]]> = [
  ['^[a-z]+$', ['abc'], ['', 'aB']],
  ['^\\d{3}-\\d{2,4}$', ['123-45', '123-4567'], ['12-34', '123-45678']],
  ['red|blue', ['red', 'a blue sky'], ['green']],
  ['^(?:ab|c)*d?$', ['', 'ababc', 'cd'], ['abd b']],
  ['^(?<year>\\d{4})-(0[1-9]|1[0-2])$', ['2024-12'], ['2024-13']],
  ['^[^,"]+,[\\s\\S]$', ['a,\n', 'x y,"'], [',a', 'a"b,c']],
  ['^\\w+\\.\\W\\D\\S$', ['a_1.!x!'], ['a.b1c']],
  ['^\\u00e9+\\x41\\u{1F600}$', ['ééA😀'], ['eA😀']],
  ['^[\\]\\-\\\\^]{2}$', [']-', '\\^'], ['ab']],
  ['^a.c$', ['abc', 'a"c', 'a\\c'], ['a\nc']],
  ['^\\t\\n\\r"\\\\$', ['\t\n\r"\\'], ['tnr']],
  ['x{2}y{1,}z{0,2}$', ['xxy', 'axxyyzz'], ['xyz', 'xxyzzz']],
  ['^(a|b)+?c{2,3}?$', ['acc', 'abccc'], ['ac', 'cc']],
  ['^$', [''], ['a']],
];

describe('convertRegexToGbnf', () => {
  let llama: Llama;
  before(async () => { llama = await getSharedLlama(); });

  for (const [pattern, matching, other] of PATTERNS) {
    it(pattern, async () => {
      const regex = new RegExp(pattern, 'u');
      for (const s of matching) assert.match(s, regex);
      for (const s of other) assert.doesNotMatch(s, regex);
      const rules = new GbnfRuleSet();
      const char = addPrimitive(rules, 'char');
      const root = convertRegexToGbnf(pattern, rules, 'root', char);
      const gbnf = rules.format();
      const grammar = await llama.createGrammar({ grammar: gbnf, rootRuleName: root });
      const accepts = (t: string) => (grammar as unknown as { _testText(x: string): boolean })._testText(t);
      for (const s of matching) assert.ok(accepts(JSON.stringify(s)), `accepts ${JSON.stringify(s)}\n${gbnf}`);
      for (const s of other) assert.ok(!accepts(JSON.stringify(s)), `refuses ${JSON.stringify(s)}\n${gbnf}`);
      const parsed = parseGbnf(gbnf);
      const random = seededRandom(pattern.length);
      for (let i = 0; i < 200; i++) {
        const text = sampleGbnf(parsed, random, root);
        assert.ok(accepts(text), `llama.cpp accepts the sample ${text}`);
        assert.match(JSON.parse(text) as string, regex, text);
      }
    });
  }

  it('refuses what a grammar cannot express as unsupported, and what is no regex as invalid', () => {
    for (const p of ['(?=a)', '(?!a)b', '(?<=a)b', '\\bword', '(a)\\1', '\\p{L}', '(?i)a', 'a(^b)', '(a*)*', '(a|b|)+', 'a{20000}']) {
      const rules = new GbnfRuleSet();
      assert.throws(() => convertRegexToGbnf(p, rules, 'r', addPrimitive(rules, 'char')), UnsupportedPatternError, p);
    }
    for (const p of ['(', 'a)', '[a', '*a', 'a{3,2}', '\\']) assert.throws(() => parseRegex(p), InvalidPatternError, p);
  });

  it('widens, when asked, what a grammar cannot say into a superset (the caller validates)', async () => {
    for (const [pattern, texts] of [['^(?=.*\\d)\\w{2}\\b$', ['a1', 'ab']], ['^(x)\\1\\k<n>$', ['x', 'xyz']], ['^\\p{L}$', ['é', '1']]] as const) {
      const rules = new GbnfRuleSet();
      const root = convertRegexToGbnf(pattern, rules, 'root', addPrimitive(rules, 'char'), { superset: true });
      const grammar = await llama.createGrammar({ grammar: rules.format(), rootRuleName: root });
      for (const t of texts) assert.ok((grammar as unknown as { _testText(x: string): boolean })._testText(JSON.stringify(t)), `${pattern} ${t}`);
    }
  });
});
