import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeEngine } from '../../engines/fake/fake-engine.js';
import { Errors } from '../errors.js';
import { GEMINI_3_MODELS } from './gemini-3-models.js';
import { GEMINI_MODELS } from './gemini-models.js';
import { familyOf, inferGeminiDefinition } from './infer-gemini-definition.js';
import { MAX_PATTERN_SERVED_NAMES, ModelCatalog } from './model-catalog.js';
import { bySpecificity, parseModelPattern } from './model-pattern.js';
import { RETIRED_GEMINI_MODELS } from './retired-gemini-models.js';

const engine = (label: string, contextTokens = 32_768) => new FakeEngine({ label, contextTokens });

describe('the Gemini 3 catalog', () => {
  it('has the names gemini-cli 0.61 sends, with Google\'s limits and thinking levels', () => {
    const byId = new Map(GEMINI_MODELS.map((m) => [m.id, m]));
    for (const id of ['gemini-3.1-pro-preview', 'gemini-3.5-flash-lite', 'gemini-3.8-flash', 'gemini-3-flash-preview']) {
      const m = byId.get(id);
      assert.ok(m, id);
      assert.equal(m.inputTokenLimit, 1_048_576, id);
      assert.equal(m.outputTokenLimit, 65_536, id);
      assert.equal(m.thinking, true, id);
      assert.equal(m.thinkingLevels?.canDisable, false, id);
    }
    assert.deepEqual(byId.get('gemini-3.1-pro-preview')?.thinkingLevels?.supported, ['LOW', 'MEDIUM', 'HIGH']);
    assert.equal(byId.get('gemini-3.8-flash')?.thinkingLevels?.default, 'MEDIUM');
    assert.equal(byId.get('gemini-3.5-flash-lite')?.thinkingLevels?.default, 'MINIMAL');
    // gemini-3-pro-preview is retired (shut down March 9, 2026): known, not served by default.
    assert.equal(byId.get('gemini-3-pro-preview'), undefined);
    assert.equal(RETIRED_GEMINI_MODELS.find((m) => m.id === 'gemini-3-pro-preview')?.retired?.answer, 'not-found');
  });

  it('lists Live models with bidiGenerateContent only, TTS and image models without caching', () => {
    const live = GEMINI_3_MODELS.filter((m) => m.id.includes('-live'));
    assert.ok(live.length >= 2);
    for (const m of live) assert.deepEqual(m.supportedGenerationMethods, ['bidiGenerateContent']);
    const media = GEMINI_3_MODELS.filter((m) => m.outputModalities.includes('IMAGE') || m.outputModalities.includes('AUDIO'));
    for (const m of media.filter((x) => !live.includes(x))) assert.ok(!m.supportedGenerationMethods.includes('createCachedContent'), m.id);
  });

  it('ids are unique across served and retired models', () => {
    const ids = [...GEMINI_MODELS, ...RETIRED_GEMINI_MODELS].map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('inferring a family from a name', () => {
  it('reads generation, kind and tier', () => {
    assert.deepEqual(familyOf('gemini-3.9-flash-preview'), { generation: 3.9, kind: 'text', tier: 'flash' });
    assert.deepEqual(familyOf('gemini-4-pro'), { generation: 4, kind: 'text', tier: 'pro' });
    assert.deepEqual(familyOf('gemini-3.9-flash-lite'), { generation: 3.9, kind: 'text', tier: 'flash-lite' });
    assert.deepEqual(familyOf('gemini-3.9-live'), { generation: 3.9, kind: 'live' });
    assert.equal(familyOf('gemini-3.9-flash-tts')?.kind, 'tts');
    assert.equal(familyOf('gemini-3.9-flash-image')?.kind, 'image');
    assert.equal(familyOf('gpt-4'), undefined);
  });

  it('describes an unknown name as the nearest known model of its family', () => {
    const from = (id: string) => inferGeminiDefinition(id, GEMINI_MODELS)?.inferredFrom;
    assert.equal(from('gemini-3.9-flash-preview'), 'gemini-3.8-flash');
    assert.equal(from('gemini-4-flash'), 'gemini-3.8-flash');
    assert.equal(from('gemini-3.9-pro-preview'), 'gemini-3.1-pro-preview');
    assert.equal(from('gemini-3.9-flash-lite'), 'gemini-3.5-flash-lite');
    assert.equal(from('gemini-3.9-live'), 'gemini-3.8-live');
    assert.equal(from('gemini-3.9-flash-image'), 'gemini-3.1-flash-image');
    assert.equal(from('gemini-2.2-flash'), 'gemini-2.0-flash');
    assert.equal(from('gemini-embedding-002'), 'gemini-embedding-001');
    const d = inferGeminiDefinition('gemini-3.9-flash-preview', GEMINI_MODELS);
    assert.equal(d?.id, 'gemini-3.9-flash-preview');
    assert.equal(d?.displayName, 'Gemini 3.9 Flash Preview');
    assert.deepEqual(d?.thinkingLevels?.supported, ['LOW', 'MEDIUM', 'HIGH']);
  });
});

describe('model patterns', () => {
  it('match with * and order exact first, then by literal length', () => {
    assert.ok(parseModelPattern('gemini-*').matches('gemini-3.9-flash'));
    assert.ok(parseModelPattern('models/gemini-3*').matches('gemini-3.9-flash'));
    assert.ok(!parseModelPattern('gemini-3*').matches('gemini-2.5-flash'));
    assert.ok(parseModelPattern('*-preview').matches('gemini-3-flash-preview'));
    assert.ok(!parseModelPattern('gemini-3.1').matches('gemini-3x1'), 'a dot is literal');
    const order = bySpecificity(['gemini-*', 'gemini-3*', 'gemini-3.8-flash', '*'].map((p) => ({ pattern: parseModelPattern(p) })));
    assert.deepEqual(order.map((r) => r.pattern.pattern), ['gemini-3.8-flash', 'gemini-3*', 'gemini-*', '*']);
    assert.throws(() => parseModelPattern('bad pattern'));
  });
});

describe('ModelCatalog resolution', () => {
  it('with a fallback (--model), serves unknown gemini-* names with their family\'s definition, lists them once used, tells once', () => {
    const main = engine('main.gguf');
    const told: string[] = [];
    const catalog = new ModelCatalog([{ id: 'gemini-2.5-flash', engine: main }], {
      fallback: main, onPatternServed: (id, via) => told.push(`${id} ${via.fallback} ${via.inferredFrom}`),
    });
    assert.ok(!catalog.list().some((e) => e.definition.id === 'gemini-3.9-flash-preview'));
    const e = catalog.resolve('models/gemini-3.9-flash-preview', 'v1beta', 'generateContent');
    assert.equal(e.engine, main);
    assert.equal(e.definition.inferredFrom, 'gemini-3.8-flash');
    assert.equal(catalog.get('gemini-3.9-flash-preview'), e, 'the same entry the second time');
    assert.deepEqual(told, ['gemini-3.9-flash-preview true gemini-3.8-flash']);
    assert.ok(catalog.list().some((x) => x.definition.id === 'gemini-3.9-flash-preview'));
    // Not gemini-*: Google's 404.
    assert.throws(() => catalog.resolve('gpt-4', 'v1beta', 'generateContent'), (err) => {
      assert.equal((err as Error).message, Errors.modelNotFound('gpt-4', 'v1beta', 'generateContent').message);
      return true;
    });
  });

  it('without a fallback (--strict-models), an unknown gemini-* name is not served', () => {
    const catalog = new ModelCatalog([{ id: 'gemini-2.5-flash', engine: engine('a') }]);
    assert.equal(catalog.get('gemini-3.9-flash-preview'), undefined);
  });

  it('remembers at most MAX_PATTERN_SERVED_NAMES names, and serves more unlisted', () => {
    const main = engine('main');
    const catalog = new ModelCatalog([], { fallback: main });
    for (let i = 0; i < MAX_PATTERN_SERVED_NAMES + 5; i++) assert.ok(catalog.get(`gemini-9.${i}-flash`));
    assert.equal(catalog.list().length, MAX_PATTERN_SERVED_NAMES);
  });

  it('exact names win, then the longest pattern; a model alias serves through that model\'s engine', () => {
    const [a, b, c] = [engine('a'), engine('b'), engine('c')];
    const catalog = new ModelCatalog([{ id: 'gemini-2.5-flash', engine: a }, { id: 'gemini-3.8-flash', engine: c }], {
      aliases: [{ pattern: 'gemini-*', engine: b }, { pattern: 'gemini-3*', model: 'gemini-2.5-flash' }, { pattern: 'gemini-3.9-pro', engine: c }],
    });
    assert.equal(catalog.get('gemini-3.8-flash')?.engine, c, 'an exact binding wins over every pattern');
    assert.equal(catalog.get('gemini-3.9-pro')?.engine, c, 'an exact alias wins over patterns');
    const three = catalog.get('gemini-3.9-flash');
    assert.equal(three?.engine, a, 'gemini-3* is longer than gemini-*');
    assert.equal(three?.definition.inferredFrom, 'gemini-3.8-flash', 'a Gemini name keeps its own family\'s definition');
    assert.equal(catalog.get('gemini-2.2-flash')?.engine, b);
    // Known Gemini names a pattern serves are listed from the start.
    const listed = catalog.list().map((e) => e.definition.id);
    assert.ok(listed.includes('gemini-3.1-pro-preview'));
    assert.equal(catalog.get('gemini-3.1-pro-preview')?.engine, a);
    assert.ok(catalog.engines().includes(b));
  });

  it('a retired name is Google\'s 404 even under gemini-*; a routed one answers as its replacement; an exact alias serves it', () => {
    const main = engine('main');
    const catalog = new ModelCatalog(GEMINI_MODELS.map((m) => ({ id: m.id, engine: main })), { fallback: main });
    assert.equal(catalog.get('gemini-3-pro-preview'), undefined);
    assert.ok(!catalog.list().some((e) => e.definition.id === 'gemini-3-pro-preview'));
    const routed = catalog.get('gemini-3.7-flash');
    assert.equal(routed?.definition.aliasOf, 'gemini-3.8-flash');
    assert.equal(routed?.definition.inputTokenLimit, 1_048_576);
    assert.ok(!catalog.list().some((e) => e.definition.id === 'gemini-3.7-flash'), 'a routed name is not listed');
    const kept = new ModelCatalog([], { aliases: [{ pattern: 'gemini-3-pro-preview', engine: main }] });
    assert.deepEqual(kept.get('gemini-3-pro-preview')?.definition.thinkingLevels?.supported, ['LOW', 'HIGH']);
  });

  it('a -latest alias points at the first of its targets the server serves', () => {
    const e = engine('e');
    const old = new ModelCatalog([{ id: 'gemini-2.5-flash', engine: e }]);
    assert.equal(old.get('gemini-flash-latest')?.definition.aliasOf, 'gemini-2.5-flash');
    const now = new ModelCatalog([{ id: 'gemini-2.5-flash', engine: e }, { id: 'gemini-3.8-flash', engine: e }]);
    assert.equal(now.get('gemini-flash-latest')?.definition.aliasOf, 'gemini-3.8-flash');
    assert.equal(now.get('gemini-pro-latest'), undefined, 'no target served');
  });

  it('inputLimitFromEngine reports the engine\'s context when smaller; a binding\'s own limit stays', () => {
    const small = engine('small', 4096);
    const catalog = new ModelCatalog([
      { id: 'gemini-3.1-pro-preview', engine: small },
      { id: 'gemini-2.5-pro', engine: small, definition: { inputTokenLimit: 1000 } },
    ], { inputLimitFromEngine: true, fallback: small });
    assert.equal(catalog.get('gemini-3.1-pro-preview')?.definition.inputTokenLimit, 4096);
    assert.equal(catalog.get('gemini-pro-latest')?.definition.inputTokenLimit, 4096);
    assert.equal(catalog.get('gemini-3.9-flash')?.definition.inputTokenLimit, 4096);
    assert.equal(catalog.get('gemini-2.5-pro')?.definition.inputTokenLimit, 1000);
    const big = new ModelCatalog([{ id: 'gemini-3.8-live', engine: engine('big', 1 << 20) }], { inputLimitFromEngine: true });
    assert.equal(big.get('gemini-3.8-live')?.definition.inputTokenLimit, 131_072, 'Google\'s limit when the engine takes more');
  });
});
