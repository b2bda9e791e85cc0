import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countCodePoints, estimateTokens } from './estimate-tokens.js';

const oldCount = (text: string) => [...text].length;

test('code points are counted as the string iterator counts them: pairs as one, lone surrogates as one', () => {
  const samples = [
    '', 'a', 'abcd', 'abcde', 'héllo wörld', '😀', 'a😀b', '😀😀😀😀', '👩‍👩‍👧', '\ud83d', '\ude00', '\ude00\ud83d',
    'x\ud83dy', '\ud83d\ud83d\ude00', '\ud83d\ude00\ude00', 'ends high \ud83d', '\u{10ffff}\u{10000}', '\t\n \u3000',
  ];
  for (const s of samples) {
    assert.equal(countCodePoints(s), oldCount(s), JSON.stringify(s));
    assert.equal(estimateTokens(s), Math.ceil(oldCount(s) / 4), JSON.stringify(s));
  }
  // Every code unit after and before a high and a low surrogate.
  for (let c = 0xd700; c <= 0xe000; c++) {
    for (const s of [`\ud83d${String.fromCharCode(c)}`, `${String.fromCharCode(c)}\ude00`, `${String.fromCharCode(c)}\ud83d`]) {
      assert.equal(countCodePoints(s), oldCount(s), c.toString(16));
    }
  }
});
