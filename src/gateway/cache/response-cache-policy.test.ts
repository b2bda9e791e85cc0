import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GenerateContentRequest } from '../../api/gemini/types.js';
import { DEFAULT_RESPONSE_CACHE_POLICY as POLICY, isCacheableRequest } from './response-cache-policy.js';

const req = (extra: Partial<GenerateContentRequest> = {}): GenerateContentRequest => ({
  contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], ...extra,
});

describe('response cache policy', () => {
  it('by default caches only temperature 0 or a fixed seed, with one candidate', () => {
    assert.equal(isCacheableRequest(req(), POLICY), false, 'Gemini samples at temperature 1 by default');
    assert.equal(isCacheableRequest(req({ generationConfig: { temperature: 1 } }), POLICY), false);
    assert.equal(isCacheableRequest(req({ generationConfig: { temperature: 0 } }), POLICY), true);
    assert.equal(isCacheableRequest(req({ generationConfig: { temperature: 1, seed: 42 } }), POLICY), true);
    assert.equal(isCacheableRequest(req({ generationConfig: { seed: 0 } }), POLICY), true);
    assert.equal(isCacheableRequest(req({ generationConfig: { temperature: 0, candidateCount: 1 } }), POLICY), true);
    assert.equal(isCacheableRequest(req({ generationConfig: { temperature: 0, candidateCount: 2 } }), POLICY), false);
  });

  it('never caches code execution (by default) or cachedContent requests', () => {
    const det = { generationConfig: { temperature: 0 } };
    assert.equal(isCacheableRequest(req({ ...det, tools: [{ codeExecution: {} }] }), POLICY), false);
    assert.equal(isCacheableRequest(req({ ...det, tools: [{ codeExecution: {} }] }), { ...POLICY, codeExecution: true }), true);
    assert.equal(isCacheableRequest(req({ ...det, cachedContent: 'cachedContents/abc' }), POLICY), false);
  });

  it('with deterministicOnly off, caches sampled requests too', () => {
    const all = { ...POLICY, deterministicOnly: false };
    assert.equal(isCacheableRequest(req({ generationConfig: { temperature: 1 } }), all), true);
    assert.equal(isCacheableRequest(req({ generationConfig: { candidateCount: 3 } }), all), true);
  });
});
