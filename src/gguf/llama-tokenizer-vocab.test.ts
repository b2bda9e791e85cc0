import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildLlamaTokenizerVocab, IM_END, IM_START, LlamaTokenType, maxLlamaTokenizerVocabSize, SPACE_MARKER,
} from './llama-tokenizer-vocab.js';

test('has the Llama 2 layout: <unk> <s> </s>, then the 256 byte tokens, then the ChatML tokens', () => {
  const v = buildLlamaTokenizerVocab();
  assert.deepEqual(v.tokens.slice(0, 3), ['<unk>', '<s>', '</s>']);
  assert.deepEqual([...v.tokenTypes.slice(0, 3)], [LlamaTokenType.UNKNOWN, LlamaTokenType.CONTROL, LlamaTokenType.CONTROL]);
  assert.deepEqual([v.unkId, v.bosId, v.eosId], [0, 1, 2]);
  for (let b = 0; b < 256; b++) {
    assert.equal(v.tokens[3 + b], `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    assert.equal(v.tokenTypes[3 + b], LlamaTokenType.BYTE);
  }
  assert.equal(v.tokens[v.imStartId], IM_START);
  assert.equal(v.tokens[v.imEndId], IM_END);
  assert.equal(v.tokenTypes[v.imEndId], LlamaTokenType.CONTROL);
});

test('normal pieces are unique, scored in descending order, and include words with ▁', () => {
  const v = buildLlamaTokenizerVocab();
  assert.equal(new Set(v.tokens).size, v.tokens.length);
  assert.equal(v.scores.length, v.tokens.length);
  assert.equal(v.tokenTypes.length, v.tokens.length);
  const firstNormal = v.imEndId + 1;
  for (let i = firstNormal; i < v.tokens.length; i++) {
    assert.equal(v.tokenTypes[i], LlamaTokenType.NORMAL);
    if (i > firstNormal) assert.ok(v.scores[i] < v.scores[i - 1], `score of ${v.tokens[i]}`);
  }
  for (const piece of [`${SPACE_MARKER}the`, `${SPACE_MARKER}The`, `${SPACE_MARKER}hello`, `${SPACE_MARKER}Hello`, 'ing', 'tion', SPACE_MARKER, 'a', '~']) {
    assert.ok(v.tokens.includes(piece), piece);
  }
});

test('every multi-character piece can be built by merging: its prefixes are all tokens', () => {
  // llama.cpp's SPM tokenizer only merges two symbols whose concatenation is a token.
  const v = buildLlamaTokenizerVocab();
  const tokens = new Set(v.tokens);
  for (const piece of v.tokens.slice(v.imEndId + 1)) {
    const chars = Array.from(piece);
    for (let n = 1; n < chars.length; n++) assert.ok(tokens.has(chars.slice(0, n).join('')), `prefix of ${piece}`);
  }
});

test('vocabSize drops the lowest-scored merges but keeps every character and the prefix closure', () => {
  const small = buildLlamaTokenizerVocab({ vocabSize: 600 });
  assert.equal(small.tokens.length, 600);
  const full = buildLlamaTokenizerVocab();
  assert.equal(full.tokens.length, maxLlamaTokenizerVocabSize());
  assert.ok(small.tokens.includes('z') && small.tokens.includes(SPACE_MARKER));
  const tokens = new Set(small.tokens);
  for (const piece of small.tokens.slice(small.imEndId + 1)) {
    const chars = Array.from(piece);
    for (let n = 1; n < chars.length; n++) assert.ok(tokens.has(chars.slice(0, n).join('')));
  }
  assert.throws(() => buildLlamaTokenizerVocab({ vocabSize: 300 }), RangeError);
  assert.throws(() => buildLlamaTokenizerVocab({ vocabSize: maxLlamaTokenizerVocabSize() + 1 }), RangeError);
});

test('is deterministic', () => {
  assert.deepEqual(buildLlamaTokenizerVocab(), buildLlamaTokenizerVocab());
});
