import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildGemmaTokenizerVocab, END_OF_IMAGE, END_OF_TURN, maxGemmaTokenizerVocabSize, START_OF_IMAGE, START_OF_TURN,
} from './gemma-tokenizer-vocab.js';
import {
  buildLlamaTokenizerVocab, buildSentencePieceVocab, LlamaTokenType, SPACE_MARKER,
} from './llama-tokenizer-vocab.js';

test("has Gemma's ids for <pad> <eos> <bos> <unk>, then the bytes, then the turn and image tokens", () => {
  const v = buildGemmaTokenizerVocab();
  assert.deepEqual(v.tokens.slice(0, 4), ['<pad>', '<eos>', '<bos>', '<unk>']);
  assert.deepEqual([v.padId, v.eosId, v.bosId, v.unkId], [0, 1, 2, 3]);
  assert.equal(v.tokens[4], '<0x00>');
  assert.equal(v.tokens[259], '<0xFF>');
  assert.deepEqual(
    [v.startOfTurnId, v.endOfTurnId, v.startOfImageId, v.endOfImageId].map((id) => v.tokens[id]),
    [START_OF_TURN, END_OF_TURN, START_OF_IMAGE, END_OF_IMAGE],
  );
  for (const id of [v.padId, v.eosId, v.bosId, v.startOfTurnId, v.endOfTurnId, v.startOfImageId, v.endOfImageId]) {
    assert.equal(v.tokenTypes[id], LlamaTokenType.CONTROL, v.tokens[id]);
  }
  assert.equal(v.tokenTypes[v.unkId], LlamaTokenType.UNKNOWN);
});

test('shares the byte tokens and word pieces of the llama vocabulary', () => {
  const gemma = buildGemmaTokenizerVocab();
  const llama = buildLlamaTokenizerVocab();
  assert.equal(gemma.tokens.length, maxGemmaTokenizerVocabSize());
  assert.equal(gemma.tokens.length, llama.tokens.length + 3, '8 specials instead of 5');
  assert.deepEqual(gemma.tokens.slice(gemma.endOfImageId + 1), llama.tokens.slice(llama.imEndId + 1));
  assert.ok(gemma.tokens.includes(`${SPACE_MARKER}the`));
  assert.equal(new Set(gemma.tokens).size, gemma.tokens.length);
  assert.equal(buildGemmaTokenizerVocab({ vocabSize: 600 }).tokens.length, 600);
});

test('duplicate special tokens in a layout are refused', () => {
  const special = { text: '<x>', type: LlamaTokenType.CONTROL };
  assert.throws(() => buildSentencePieceVocab({ beforeBytes: [special], afterBytes: [special] }), /duplicate/);
});

test('is deterministic', () => {
  assert.deepEqual(buildGemmaTokenizerVocab(), buildGemmaTokenizerVocab());
});
