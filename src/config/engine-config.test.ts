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

/** The ConfigFieldError `parseEngines` throws for one engine. */
function fieldError(engine: Record<string, unknown>): ConfigFieldError {
  try {
    parseEngines({ e: engine }, '/cfg');
  } catch (e) {
    if (e instanceof ConfigFieldError) return e;
    throw e;
  }
  assert.fail(`accepted ${JSON.stringify(engine)}`);
}

describe('parseEngines: fields come from the engine descriptors', () => {
  it('llama-server: anchors the model, the projector and the binary at the config folder; cacheDir is not the file\'s to set', () => {
    const { eyes } = parseEngines({ eyes: { kind: 'llama-server', model: './g.gguf', mmproj: 'mmproj.gguf', binary: 'bin/llama-server', parallel: '2' } }, '/cfg');
    assert.deepEqual(eyes, { kind: 'llama-server', model: '/cfg/g.gguf', mmproj: '/cfg/mmproj.gguf', binary: '/cfg/bin/llama-server', parallel: 2 });
    const e = fieldError({ kind: 'llama-server', model: 'x', cacheDir: '/tmp' });
    assert.equal(e.message, 'engines.e.cacheDir is not a known key; expected one of model, mmproj, binary, threads, parallel, contextSize, maxQueue');
  });

  it('openai-compatible: model, then baseUrl, are required, each saying what it is', () => {
    assert.equal(fieldError({ kind: 'openai-compatible' }).message, "engines.e.model is required: the upstream's model id");
    assert.equal(fieldError({ kind: 'openai-compatible', model: 'm' }).message,
      'engines.e.baseUrl is required: the API root with its /v1, e.g. http://localhost:11434/v1');
    assert.equal(fieldError({ kind: 'openai-compatible', model: 'm', baseUrl: 'ftp://x' }).message, 'engines.e.baseUrl must be an http(s) URL (got "ftp://x")');
  });

  it('openai-compatible capabilities: nested keys checked, modalities in any case kept as Google spells them', () => {
    const { e } = parseEngines({ e: {
      kind: 'openai-compatible', model: 'm', baseUrl: 'http://h:1/v1/', retry: { maxAttempts: 2 },
      capabilities: { inputModalities: 'image,Audio', thinking: 'yes', maxCandidates: 2 },
    } }, '/cfg');
    assert.deepEqual(e, {
      kind: 'openai-compatible', model: 'm', baseUrl: 'http://h:1/v1', retry: { maxAttempts: 2 },
      capabilities: { inputModalities: ['IMAGE', 'AUDIO'], thinking: true, maxCandidates: 2 },
    });
    const base = { kind: 'openai-compatible', model: 'm', baseUrl: 'http://h:1/v1' };
    assert.equal(fieldError({ ...base, capabilities: { inputModalities: ['VIDEO'] } }).message,
      'engines.e.capabilities .inputModalities must list IMAGE and/or AUDIO (got ["VIDEO"]) (got ["VIDEO"])');
    assert.match(fieldError({ ...base, capabilities: { vision: true } }).message,
      /^engines\.e\.capabilities has an unknown key "vision"; expected one of maxCandidates, contextTokens, inputModalities, structuredOutput, functionCalling, thinking, logprobs, embeddingDimensions/);
    assert.match(fieldError({ ...base, retry: 3 }).message, /^engines\.e\.retry must be an object with keys maxAttempts, initialDelayMs, maxDelayMs/);
    assert.match(fieldError({ ...base, breaker: { coolDownMs: -1 } }).message, /^engines\.e\.breaker \.coolDownMs must be an integer from 0 to 3600000/);
  });

  it('openai-compatible toolChoice: one word of three, in any case, kept as the descriptor spells it', () => {
    const base = { kind: 'openai-compatible', model: 'm', baseUrl: 'http://h:1/v1' };
    assert.deepEqual(parseEngines({ e: { ...base, toolChoice: 'Prompted' } }, '/cfg').e, { ...base, toolChoice: 'prompted' });
    assert.equal(fieldError({ ...base, toolChoice: 'required' }).message, 'engines.e.toolChoice must be one of auto, native, prompted (got "required")');
  });

  it('gemini-upstream lists its keys in the descriptor\'s order', () => {
    assert.equal(fieldError({ kind: 'gemini-upstream', model: 'g', key: 'secret' }).message,
      'engines.e.key is not a known key; expected one of model, baseUrl, apiKeyEnv, timeoutMs, retry, breaker, contextTokens, embeddingDimensions');
  });
});
