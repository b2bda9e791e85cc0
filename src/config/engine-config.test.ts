import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigFieldError, parseEngines } from './engine-config.js';

describe('parseEngines: gemini-upstream', () => {
  it('takes embeddingDimensions, so the engine can forward embeddings', () => {
    const engines = parseEngines({ embed: { kind: 'gemini-upstream', model: 'gemini-embedding-001', embeddingDimensions: 3072 } }, '/cfg');
    assert.deepEqual(engines.embed, { kind: 'gemini-upstream', model: 'gemini-embedding-001', embeddingDimensions: 3072 });
  });

  it('leaves it out when not given (no embeddings capability)', () => {
    const engines = parseEngines({ google: { kind: 'gemini-upstream', model: 'gemini-2.5-flash' } }, '/cfg');
    assert.equal('embeddingDimensions' in engines.google, false);
  });

  it('refuses a dimension count that is not a positive integer, naming the field', () => {
    for (const bad of [0, -1, 1.5, 'many']) {
      assert.throws(
        () => parseEngines({ embed: { kind: 'gemini-upstream', model: 'gemini-embedding-001', embeddingDimensions: bad } }, '/cfg'),
        (e: unknown) => e instanceof ConfigFieldError && e.field === 'engines.embed.embeddingDimensions',
      );
    }
  });
});
