import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GEMINI_EMBEDDING_MODELS, GEMINI_MODELS } from '../core/catalog/gemini-models.js';
import type { OutputPart } from '../core/engine.js';
import { convertToGeminiModel } from './convert-to-gemini-model.js';
import { convertToGeminiResponse } from './convert-to-gemini-response.js';
import { convertToCountTokensResponse } from './convert-to-usage-metadata.js';
import { mapFinishReason } from './map-finish-reason.js';
import { ThoughtSigner } from './thought-signer.js';

const meta = { modelVersion: 'gemini-2.0-flash', responseId: 'r1' };
const signer = new ThoughtSigner(Buffer.alloc(32, 7));

test('finish reasons', () => {
  assert.equal(mapFinishReason('stop'), 'STOP');
  assert.equal(mapFinishReason('max-tokens'), 'MAX_TOKENS');
});

test('a generation result becomes Google\'s response shape, usage summed over candidates', () => {
  const res = convertToGeminiResponse(
    { promptTokens: 5, candidates: [{ text: 'Hello', parts: [{ type: 'text', text: 'Hello' }], tokens: 2, thoughtTokens: 0, finishReason: 'stop' }, { text: 'Hi', parts: [{ type: 'text', text: 'Hi' }], tokens: 1, thoughtTokens: 0, finishReason: 'max-tokens' }] },
    meta,
  );
  assert.deepEqual(res, {
    candidates: [
      { content: { role: 'model', parts: [{ text: 'Hello' }] }, finishReason: 'STOP', index: 0 },
      { content: { role: 'model', parts: [{ text: 'Hi' }] }, finishReason: 'MAX_TOKENS', index: 1 },
    ],
    usageMetadata: {
      promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 5 }],
    },
    modelVersion: 'gemini-2.0-flash',
    responseId: 'r1',
  });
});

test('an empty generation still has one part', () => {
  const res = convertToGeminiResponse({ promptTokens: 1, candidates: [{ text: '', parts: [], tokens: 0, thoughtTokens: 0, finishReason: 'max-tokens' }] }, meta);
  assert.deepEqual(res.candidates?.[0].content.parts, [{ text: '' }]);
});

test('countTokens response', () => {
  assert.deepEqual(convertToCountTokensResponse({ total: 11 }), { totalTokens: 11, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 11 }] });
});

test('model definitions become ListModels entries; `thinking` only on thinking models', () => {
  const flash = GEMINI_MODELS.find((m) => m.id === 'gemini-2.0-flash')!;
  assert.deepEqual(convertToGeminiModel(flash), {
    name: 'models/gemini-2.0-flash',
    version: '2.0',
    displayName: 'Gemini 2.0 Flash',
    description: 'Gemini 2.0 Flash',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 8192,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
    temperature: 1,
    topP: 0.95,
    topK: 40,
    maxTemperature: 2,
  });
  const thinking = GEMINI_MODELS.find((m) => m.id === 'gemini-2.5-flash')!;
  assert.equal(convertToGeminiModel(thinking).thinking, true);
  assert.equal('maxTopK' in convertToGeminiModel(GEMINI_MODELS.find((m) => m.id === 'gemini-1.5-flash-002')!), false);
  const embedding = convertToGeminiModel(GEMINI_EMBEDDING_MODELS.find((m) => m.id === 'gemini-embedding-001')!);
  assert.deepEqual(Object.keys(embedding), [
    'name', 'version', 'displayName', 'description', 'inputTokenLimit', 'outputTokenLimit', 'supportedGenerationMethods',
  ]);
});

test('prompt tokens split by modality, in Gemini order, zeros omitted', () => {
  assert.deepEqual(convertToCountTokensResponse({ total: 270, byModality: { IMAGE: 258, TEXT: 12, AUDIO: 0 } }), {
    totalTokens: 270,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12 }, { modality: 'IMAGE', tokenCount: 258 }],
  });
});

test('thoughts, calls and logprobs in a unary response', () => {
  const res = convertToGeminiResponse({
    promptTokens: 2,
    candidates: [{
      text: 'ok', tokens: 4, thoughtTokens: 3, finishReason: 'stop',
      parts: [{ type: 'text', text: 'hmm', thought: true }, { type: 'text', text: 'ok' }, { type: 'function-call', name: 'f', args: { x: 1 } }],
      logprobs: [{ token: 'ok', tokenId: 7, logprob: -1, top: [] }, { token: '!', tokenId: 8, logprob: -3, top: [] }],
    }],
  }, meta, { includeThoughts: true, logprobsTop: 0, signatures: { signer, lastPart: true } });
  const c = res.candidates![0];
  assert.deepEqual(c.content.parts, [
    { text: 'hmm', thought: true }, { text: 'ok' },
    { functionCall: { id: 'r1-0-0', name: 'f', args: { x: 1 } }, thoughtSignature: signer.sign('r1', 0, { kind: 'call', index: 0 }) },
  ]);
  assert.equal(c.avgLogprobs, -2);
  assert.deepEqual(c.logprobsResult, {
    chosenCandidates: [{ token: 'ok', tokenId: 7, logProbability: -1 }, { token: '!', tokenId: 8, logProbability: -3 }], logProbabilitySum: -4,
  });
  assert.deepEqual(res.usageMetadata, {
    promptTokenCount: 2, candidatesTokenCount: 4, thoughtsTokenCount: 3, totalTokenCount: 9, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 2 }],
  });
  const hidden = convertToGeminiResponse({ promptTokens: 1, candidates: [{ text: '', tokens: 0, thoughtTokens: 2, finishReason: 'stop', parts: [{ type: 'text', text: 'hmm', thought: true }] }] }, meta);
  assert.deepEqual(hidden.candidates![0].content.parts, [{ text: '' }]);
});

test('thought signatures in a unary response: gemserve\'s on the last part without a call (Gemini 3), an engine\'s as they came', () => {
  const text = (parts: OutputPart[]) => ({ text: '', tokens: 1, thoughtTokens: 0, finishReason: 'stop' as const, parts });
  const g3 = convertToGeminiResponse({ promptTokens: 1, candidates: [text([{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }])] },
    meta, { includeThoughts: false, signatures: { signer, lastPart: true } });
  assert.deepEqual(g3.candidates![0].content.parts, [{ text: 'a' }, { text: 'b', thoughtSignature: signer.sign('r1', 0, { kind: 'last' }) }]);
  const older = convertToGeminiResponse({ promptTokens: 1, candidates: [text([{ type: 'text', text: 'a' }])] },
    meta, { includeThoughts: false, signatures: { signer, lastPart: false } });
  assert.deepEqual(older.candidates![0].content.parts, [{ text: 'a' }]);
  const upstream = convertToGeminiResponse({ promptTokens: 1, candidates: [text([
    { type: 'text', text: 'hmm', thought: true, thoughtSignature: 'VEhPVUdIVA==' },
    { type: 'text', text: 'ok', thoughtSignature: 'VEVYVA==' },
    { type: 'function-call', name: 'f', args: {} },
  ])] }, meta, { includeThoughts: false, signatures: { signer, lastPart: true } });
  assert.deepEqual(upstream.candidates![0].content.parts, [
    { text: '', thoughtSignature: 'VEhPVUdIVA==' }, { text: 'ok', thoughtSignature: 'VEVYVA==' },
    { functionCall: { id: 'r1-0-0', name: 'f', args: {} } },
  ]);
});
