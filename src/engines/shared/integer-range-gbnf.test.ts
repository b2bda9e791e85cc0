import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Llama } from 'node-llama-cpp';
import { getSharedLlama } from '../llama-cpp/shared-llama.js';
import { integerRangeGbnf } from './integer-range-gbnf.js';
import { numberRangeGbnf, type NumberBounds } from './number-range-gbnf.js';

/** Every integer in -1200..1200 (and some far ones) is accepted exactly when it is in the range, as llama.cpp's grammar engine reads the rule. */
describe('integer and number ranges as GBNF', () => {
  let llama: Llama;
  before(async () => { llama = await getSharedLlama(); });
  const accepting = async (body: string) => {
    const grammar = await llama.createGrammar({ grammar: `root ::= ${body}\n` });
    return (text: string) => (grammar as unknown as { _testText(t: string): boolean })._testText(text);
  };
  const probes = [...Array.from({ length: 2401 }, (_, i) => i - 1200), 99_999, -99_999, 123_456_789, 9_999_999_999_999_999];

  for (const [min, max] of [[0, 120], [-5, 5], [-120, -7], [7, 7], [15, 1000], [0, undefined], [-3, undefined], [101, undefined], [undefined, 0], [undefined, -25], [undefined, 999], [100, undefined], [1000, 100_500], [-1001, 1001]] as const) {
    it(`integers in [${min ?? '-∞'}, ${max ?? '∞'}]`, async () => {
      const accepts = await accepting(integerRangeGbnf(min, max));
      for (const n of probes) assert.equal(accepts(String(n)), n >= (min ?? -Infinity) && n <= (max ?? Infinity) && Math.abs(n) < 1e16, String(n));
      if (accepts('-0')) assert.ok(accepts('0'), '-0 is 0: only where 0 is in the range');
      assert.equal(accepts('007'), false);
    });
  }

  const numbers: Array<[NumberBounds, string[], string[]]> = [
    [{ minimum: 1, maximum: 10 }, ['1', '1.5', '9.999', '10', '10.000'], ['0.99', '10.01', '11', '-1', '1e1']],
    [{ exclusiveMinimum: 0, exclusiveMaximum: 1 }, ['0.5', '0.001'], ['0', '0.0', '1', '1.0', '-0.5']],
    [{ minimum: -2, maximum: 2 }, ['-2', '-1.5', '0', '-0.5', '2.0'], ['-2.1', '2.5', '-3']],
    [{ maximum: 0 }, ['0', '-7.5', '-100000'], ['0.1', '1']],
    [{ exclusiveMaximum: 0 }, ['-0.1', '-3'], ['0', '0.5']],
    [{ minimum: 100 }, ['100', '100.5', '123456'], ['99.9', '-100']],
  ];
  for (const [bounds, inside, outside] of numbers) {
    it(`numbers in ${JSON.stringify(bounds)}`, async () => {
      const accepts = await accepting(numberRangeGbnf(bounds)!);
      for (const t of inside) assert.ok(accepts(t), t);
      for (const t of outside) assert.ok(!accepts(t), t);
    });
  }

  it('an empty range has no grammar', () => {
    assert.equal(numberRangeGbnf({ minimum: 2, maximum: 1 }), undefined);
    assert.equal(numberRangeGbnf({ exclusiveMinimum: 1, maximum: 1 }), undefined);
  });
});
