import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectGeneration, type GenerateEvent } from '../../core/engine.js';
import { defaultEngineCacheDir } from '../../config/settings.js';
import { tinyChatModel } from '../../../test/fixtures/test-models.js';
import { input } from '../../../test/fixtures/engine-test-inputs.js';
import { findLlamaServerBinary } from './find-llama-server-binary.js';
import { createLlamaServerEngine, type LlamaServerEngine } from './llama-server-engine.js';

const binary = await findLlamaServerBinary({ cacheDir: defaultEngineCacheDir(process.env) }).then((b) => b.path, () => undefined);
const skip = binary ? false : 'no llama-server binary: run `gemserve engine build` (or put llama-server on PATH) to run these tests';

describe('LlamaServerEngine logprobs (tiny ChatML model)', { skip, timeout: 300_000 }, () => {
  let engine: LlamaServerEngine;
  before(async () => {
    engine = await createLlamaServerEngine({ modelPath: (await tinyChatModel()).path, binary, contextSize: 512, parallel: 1 });
  });
  after(async () => { await engine?.dispose(); });

  it('says it reports logprobs; its ChatML template neither thinks nor calls tools natively', () => {
    assert.equal(engine.capabilities.logprobs, true);
    assert.equal(engine.capabilities.thinking, false);
    assert.deepEqual(engine.chatTraits, { tools: 'prompted', thinking: false });
  });

  it('one entry per token of a delta, with the token id llama-server tokenizes it to, and `top` alternatives', async () => {
    const evs: GenerateEvent[] = [];
    for await (const e of engine.stream({ ...input({ max: 24 }), logprobs: { top: 3 } })) evs.push(e);
    const ds = evs.filter((e): e is Extract<GenerateEvent, { type: 'text-delta' }> => e.type === 'text-delta' && e.tokens > 0);
    let exact = 0;
    for (const d of ds) {
      assert.ok(d.logprobs, 'each delta with tokens has logprobs');
      // llama-server sends no entry for a token held back (e.g. half of a UTF-8 character).
      assert.ok(d.logprobs.length <= d.tokens && d.logprobs.length >= 1, JSON.stringify(d));
      if (d.logprobs.length === d.tokens) exact++;
      for (const lp of d.logprobs) {
        assert.equal(lp.top.length, 3);
        assert.ok(lp.logprob <= 0);
        for (let i = 1; i < lp.top.length; i++) assert.ok(lp.top[i - 1].logprob >= lp.top[i].logprob, 'most likely first');
        // Greedy: the chosen token is the most likely one.
        assert.equal(lp.tokenId, lp.top[0].tokenId);
        assert.equal(lp.logprob, lp.top[0].logprob);
      }
    }
    assert.ok(exact >= ds.length / 2, `most deltas are one token with one entry (${exact}/${ds.length})`);
    const single = ds.find((d) => d.tokens === 1 && d.logprobs?.length === 1 && !d.text.includes('\uFFFD'))!;
    const res = await fetch(`${engine.baseUrl}/tokenize`, { method: 'POST', body: JSON.stringify({ content: single.text, add_special: false }) });
    const ids = (await res.json() as { tokens: number[] }).tokens;
    assert.ok(ids.includes(single.logprobs![0].tokenId), `${JSON.stringify(single.text)} → ${JSON.stringify(ids)}`);
  });

  it('top 0 reports the chosen token alone; no logprobs unless asked', async () => {
    const c = (await collectGeneration(engine.stream({ ...input({ max: 6 }), logprobs: { top: 0 } }))).candidates[0];
    assert.ok(c.logprobs?.length);
    assert.ok(c.logprobs.every((lp) => lp.top.length === 0));
    const plain = (await collectGeneration(engine.stream(input({ max: 6 })))).candidates[0];
    assert.equal(plain.logprobs, undefined);
  });
});
