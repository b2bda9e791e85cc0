import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamFailure } from '../shared/retry-policy.js';
import { convertToGeminiRequest, needsThoughtSignatures } from './convert-to-gemini-request.js';
import { GeminiChunkMapper } from './map-gemini-chunks.js';

const usage = (prompt: number, cand: number, thoughts?: number) =>
  ({ promptTokenCount: prompt, candidatesTokenCount: cand, ...(thoughts ? { thoughtsTokenCount: thoughts } : {}) });
const text = (t: string, index = 0, extra: object = {}) => ({ content: { role: 'model', parts: [{ text: t }] }, index, ...extra });

describe('GeminiChunkMapper', () => {
  it('credits usage growth to deltas; a parts-less last chunk gets an empty delta before its finish', () => {
    const m = new GeminiChunkMapper('up', 1);
    assert.deepEqual(m.map(JSON.stringify({ candidates: [text('Hel')], usageMetadata: usage(5, 2) })), [
      { type: 'prompt', promptTokens: 5 },
      { type: 'text-delta', candidate: 0, text: 'Hel', tokens: 2 },
    ]);
    assert.deepEqual(m.map(JSON.stringify({ candidates: [{ index: 0, finishReason: 'MAX_TOKENS' }], usageMetadata: usage(5, 3) })), [
      { type: 'text-delta', candidate: 0, text: '', tokens: 1 },
      { type: 'finish', candidate: 0, reason: 'max-tokens' },
    ]);
    assert.ok(m.done);
  });

  it('thought parts take the growth of thoughtsTokenCount; SAFETY finishes as stop', () => {
    const m = new GeminiChunkMapper('up', 1);
    const events = m.map(JSON.stringify({
      candidates: [{ content: { parts: [{ text: 'hmm', thought: true }, { text: 'ok' }] }, index: 0, finishReason: 'SAFETY' }],
      usageMetadata: usage(1, 1, 4),
    }));
    assert.deepEqual(events.slice(1), [
      { type: 'text-delta', candidate: 0, text: 'hmm', tokens: 4, thought: true },
      { type: 'text-delta', candidate: 0, text: 'ok', tokens: 1 },
      { type: 'finish', candidate: 0, reason: 'stop' },
    ]);
  });

  it('without usage in the first chunk, the prompt count comes from the fallback', () => {
    const m = new GeminiChunkMapper('up', 1);
    assert.deepEqual(m.map(JSON.stringify({ candidates: [text('a')] }), 9)[0], { type: 'prompt', promptTokens: 9 });
  });

  it('a blocked prompt finishes every candidate with stop', () => {
    const m = new GeminiChunkMapper('up', 2);
    const events = m.map(JSON.stringify({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3 } }));
    assert.deepEqual(events.map((e) => e.type), ['prompt', 'finish', 'finish']);
  });

  it('thought signatures go on the events of their parts as Google sent them; a signature-only part is an empty delta', () => {
    const m = new GeminiChunkMapper('up', 1);
    const events = m.map(JSON.stringify({
      candidates: [{ content: { parts: [
        { text: 'hmm', thought: true, thoughtSignature: 'VEhPVUdIVA==' },
        { functionCall: { name: 'f', args: {} }, thoughtSignature: 'Q0FMTA==' },
        { thoughtSignature: 'TEFTVA==' },
      ] }, index: 0, finishReason: 'STOP' }],
      usageMetadata: usage(1, 1, 2),
    }));
    assert.deepEqual(events.slice(1), [
      { type: 'text-delta', candidate: 0, text: 'hmm', tokens: 2, thought: true, thoughtSignature: 'VEhPVUdIVA==' },
      { type: 'function-call', candidate: 0, name: 'f', args: {}, tokens: 1, thoughtSignature: 'Q0FMTA==' },
      { type: 'text-delta', candidate: 0, text: '', tokens: 0, thoughtSignature: 'TEFTVA==' },
      { type: 'finish', candidate: 0, reason: 'stop' },
    ]);
  });

  it('in-band errors and non-JSON chunks throw UpstreamFailures', () => {
    const m = new GeminiChunkMapper('up', 1);
    assert.throws(() => m.map('{"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}}'),
      (e: unknown) => e instanceof UpstreamFailure && e.error.status === 'INVALID_ARGUMENT' && e.error.message === 'bad');
    assert.throws(() => m.map('{oops'), (e: unknown) => e instanceof UpstreamFailure && e.kind === 'malformed');
    assert.throws(() => m.map(JSON.stringify({ candidates: [text('x', 3)] })), (e: unknown) => e instanceof UpstreamFailure);
  });
});

describe('convertToGeminiRequest', () => {
  it('maps system, media, calls, responses, enum and JSON formats', () => {
    const base = {
      messages: [
        { role: 'system' as const, parts: [{ type: 'text' as const, text: 'sys' }] },
        { role: 'user' as const, parts: [{ type: 'image' as const, mimeType: 'image/png', data: new Uint8Array([1, 2]) }] },
        { role: 'model' as const, parts: [{ type: 'function-call' as const, id: 'c1', name: 'f', args: { a: 1 } }] },
        { role: 'user' as const, parts: [{ type: 'function-response' as const, id: 'c1', name: 'f', response: { ok: true } }] },
      ],
      sampling: { maxOutputTokens: 9, stopSequences: [] },
      candidateCount: 1,
      signal: new AbortController().signal,
    };
    const req = convertToGeminiRequest({ ...base, responseFormat: { type: 'enum', values: ['a', 'b'] } });
    assert.deepEqual(req.systemInstruction, { role: 'user', parts: [{ text: 'sys' }] });
    assert.deepEqual(req.contents, [
      { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'AQI=' } }] },
      { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'f', args: { a: 1 } } }] },
      { role: 'user', parts: [{ functionResponse: { id: 'c1', name: 'f', response: { ok: true } } }] },
    ]);
    assert.deepEqual(req.generationConfig, {
      maxOutputTokens: 9, candidateCount: 1, responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a', 'b'] },
    });
    const json = convertToGeminiRequest({ ...base, responseFormat: { type: 'json', schema: { type: 'object' } }, thinking: { budget: 'dynamic' } });
    assert.equal(json.generationConfig?.responseMimeType, 'application/json');
    assert.deepEqual(json.generationConfig?.responseJsonSchema, { type: 'object' });
    assert.deepEqual(json.generationConfig?.thinkingConfig, { thinkingBudget: -1, includeThoughts: true });
    const g3 = convertToGeminiRequest(base, { skipThoughtSignatures: needsThoughtSignatures('gemini-3-pro-preview') });
    assert.equal(g3.contents[1].parts[0].thoughtSignature, 'skip_thought_signature_validator');
    assert.equal(needsThoughtSignatures('gemini-2.5-flash'), false);
    // Google's own signatures go back byte for byte; only a step's first call without one gets the dummy.
    const signed = convertToGeminiRequest({
      ...base,
      messages: [
        { role: 'model', parts: [
          { type: 'text', text: 'ok', thoughtSignature: 'VEVYVA==' },
          { type: 'function-call', name: 'f', args: {}, thoughtSignature: 'Q0FMTA==' },
          { type: 'function-call', name: 'g', args: {} },
        ] },
      ],
    }, { skipThoughtSignatures: true });
    assert.deepEqual(signed.contents[0].parts, [
      { text: 'ok', thoughtSignature: 'VEVYVA==' },
      { functionCall: { name: 'f', args: {} }, thoughtSignature: 'Q0FMTA==' },
      { functionCall: { name: 'g', args: {} } },
    ]);
    const unsigned = convertToGeminiRequest({
      ...base,
      messages: [{ role: 'model', parts: [{ type: 'function-call', name: 'f', args: {} }, { type: 'function-call', name: 'g', args: {} }] }],
    }, { skipThoughtSignatures: true });
    assert.deepEqual(unsigned.contents[0].parts.map((p) => p.thoughtSignature), ['skip_thought_signature_validator', undefined], 'the first call of a step only');
  });
});
