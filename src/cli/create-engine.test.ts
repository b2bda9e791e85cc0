import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../config/config-error.js';
import { parseEngines } from '../config/engine-config.js';
import { createEngine } from './create-engine.js';

describe('createEngine: through the engine descriptors', () => {
  it('passes every field of the config to the engine', async () => {
    const { demo } = parseEngines({ demo: { kind: 'fake', label: 'demo', contextTokens: 1024, embeddingDimensions: 8 } }, '/cfg');
    await using engine = await createEngine(demo);
    assert.equal(engine.kind, 'fake');
    assert.equal(engine.label, 'demo');
    assert.equal(engine.capabilities.contextTokens, 1024);
    assert.deepEqual(engine.capabilities.embeddings, { dimensions: 8 });
  });

  it('gives an upstream engine the key from the variable apiKeyEnv names (GEMINI_API_KEY by default), never from the config', async () => {
    const engines = parseEngines({
      google: { kind: 'gemini-upstream', model: 'gemini-2.5-flash' },
      named: { kind: 'gemini-upstream', model: 'gemini-2.5-flash', apiKeyEnv: 'MY_KEY', contextTokens: 2048, breaker: { failureThreshold: 2 } },
      local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', capabilities: { thinking: true, inputModalities: ['image'] } },
    }, '/cfg');
    await using google = await createEngine(engines.google, { GEMINI_API_KEY: ' k1 ' });
    assert.equal(google.label, 'gemini-upstream:gemini-2.5-flash');
    await using named = await createEngine(engines.named, { MY_KEY: 'k2' });
    assert.equal(named.capabilities.contextTokens, 2048);
    // Most local servers need no key: without apiKeyEnv none is asked for.
    await using local = await createEngine(engines.local, {});
    assert.equal(local.capabilities.thinking, true);
    assert.deepEqual(local.capabilities.inputModalities, ['IMAGE']);
  });

  it('refuses an upstream engine whose key variable is unset or blank, naming it', async () => {
    const engines = parseEngines({
      google: { kind: 'gemini-upstream', model: 'gemini-2.5-flash' },
      local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKeyEnv: 'LOCAL_KEY' },
    }, '/cfg');
    await assert.rejects(createEngine(engines.google, {}), (e: unknown) => e instanceof ConfigError &&
      e.message === "a gemini-upstream engine's apiKeyEnv names GEMINI_API_KEY, but that environment variable is not set: export the key there");
    await assert.rejects(createEngine(engines.local, { LOCAL_KEY: '  ' }), (e: unknown) => e instanceof ConfigError &&
      /an? openai-compatible engine's apiKeyEnv names LOCAL_KEY, but that environment variable is not set/.test(e.message));
  });
});
