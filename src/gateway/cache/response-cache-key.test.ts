import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFieldTypes } from '../../api/gemini/check-field-types.js';
import { normalizeFieldNames } from '../../api/gemini/normalize-field-names.js';
import type { GenerateContentRequest } from '../../api/gemini/types.js';
import { canonicalJson } from './canonical-json.js';
import { responseCacheKey } from './response-cache-key.js';

/** What parse-gemini-request.ts does before a request reaches the cache. */
function parsed(body: Record<string, unknown>): GenerateContentRequest {
  const obj = structuredClone(body);
  normalizeFieldNames(obj, 'GenerateContentRequest');
  assert.equal(checkFieldTypes(obj, 'GenerateContentRequest'), undefined);
  return obj as unknown as GenerateContentRequest;
}

const key = (request: GenerateContentRequest, over: { partition?: string; model?: string; engine?: string } = {}) =>
  responseCacheKey({ partition: 'anonymous', model: 'gemini-2.0-flash', engine: 'fake:fake.gguf', request, ...over });

const BASE = {
  contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
  systemInstruction: { parts: [{ text: 'Be brief.' }] },
  generationConfig: { temperature: 0, maxOutputTokens: 20, stopSequences: ['x'] },
};

describe('response cache key', () => {
  it('canonical JSON ignores key order and undefined members, keeps array order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined } }), '{"a":{"d":[2,1]},"b":1}');
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  });

  it('is a SHA-256 in hex, equal for the same request with its fields in another order', () => {
    const k = key(parsed(BASE));
    assert.match(k, /^[0-9a-f]{64}$/);
    const reordered = {
      generationConfig: { stopSequences: ['x'], maxOutputTokens: 20, temperature: 0 },
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [{ parts: [{ text: 'Hi' }], role: 'user' }],
    };
    assert.equal(key(parsed(reordered)), k);
  });

  it('snake_case and camelCase requests, and numbers sent as strings, hash equal once normalised', () => {
    const snake = {
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      system_instruction: { parts: [{ text: 'Be brief.' }] },
      generation_config: { temperature: '0', max_output_tokens: '20', stop_sequences: ['x'] },
    };
    assert.equal(key(parsed(snake)), key(parsed(BASE)));
  });

  it('differs by content, config, model, engine and partition', () => {
    const k = key(parsed(BASE));
    assert.notEqual(key(parsed({ ...BASE, contents: [{ role: 'user', parts: [{ text: 'Hi!' }] }] })), k);
    assert.notEqual(key(parsed({ ...BASE, generationConfig: { ...BASE.generationConfig, seed: 1 } })), k);
    assert.notEqual(key(parsed({ ...BASE, tools: [{ functionDeclarations: [{ name: 'f' }] }] })), k);
    assert.notEqual(key(parsed(BASE), { model: 'gemini-2.5-flash' }), k);
    assert.notEqual(key(parsed(BASE), { engine: 'llama-cpp:other.gguf' }), k);
    assert.notEqual(key(parsed(BASE), { partition: 'k123' }), k);
  });
});
