/**
 * The behaviour every ResponseCache implementation must have, run against each of them (hono's
 * `common.case.test.ts` pattern): `memory-response-cache.test.ts`, `sqlite-response-cache.test.ts`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import { entryBytes } from './memory-response-cache.js';
import { encodeCachedGeneration } from './encode-cached-generation.js';
import type { CachedGeneration, ResponseCache, ResponseCacheLimits } from './response-cache.js';

/** A small completed generation whose text (and so size) is `text`. */
export function generation(text: string, responseId = `r-${text}`): CachedGeneration {
  return {
    events: [
      { type: 'prompt', promptTokens: 3 },
      { type: 'text-delta', candidate: 0, text, tokens: 1 },
      { type: 'finish', candidate: 0, reason: 'stop' },
    ],
    responseId,
    modelVersion: 'gemini-2.0-flash',
  };
}

const sizeOf = (key: string, value: CachedGeneration) => entryBytes(key, encodeCachedGeneration(value));

const HOUR = 3600_000;
const ROOMY: ResponseCacheLimits = { ttlMs: HOUR, maxEntries: 100, maxBytes: 1 << 20 };

export type MakeCache = (limits: ResponseCacheLimits, clock: FakeClock) => Promise<ResponseCache>;

export function responseCacheCases(name: string, make: MakeCache): void {
  describe(`ResponseCache: ${name}`, () => {
    it('stores and returns an entry equal to what was put; counts hits and misses', async () => {
      const cache = await make(ROOMY, new FakeClock());
      assert.equal(await cache.get('k1'), undefined);
      const g = generation('hello');
      await cache.set('k1', g);
      assert.deepEqual(await cache.get('k1'), g);
      assert.deepEqual(await cache.get('k1'), g);
      const s = cache.stats();
      assert.deepEqual({ hits: s.hits, misses: s.misses, entries: s.entries }, { hits: 2, misses: 1, entries: 1 });
      assert.equal(s.bytes, sizeOf('k1', g));
      await cache.close();
    });

    it('keeps bytes and non-finite numbers (code-execution figures, -Infinity logprobs)', async () => {
      const cache = await make(ROOMY, new FakeClock());
      const g: CachedGeneration = {
        events: [
          { type: 'prompt', promptTokens: 1 },
          { type: 'inline-data', candidate: 0, mimeType: 'image/png', data: new Uint8Array([0, 1, 2, 255]) },
          {
            type: 'text-delta', candidate: 0, text: 'x', tokens: 1,
            logprobs: [{ token: 'x', tokenId: 7, logprob: -Infinity, top: [] }],
          },
          { type: 'finish', candidate: 0, reason: 'max-tokens' },
        ],
        responseId: 'r', modelVersion: 'm',
      };
      await cache.set('k', g);
      const back = await cache.get('k');
      assert.deepEqual(back, g);
      assert.ok((back!.events[1] as { data: unknown }).data instanceof Uint8Array);
      await cache.close();
    });

    it('replacing an entry keeps one entry, sized as the new value', async () => {
      const cache = await make(ROOMY, new FakeClock());
      await cache.set('k', generation('first'));
      await cache.set('k', generation('the second, longer'));
      assert.deepEqual(await cache.get('k'), generation('the second, longer'));
      assert.equal(cache.stats().entries, 1);
      assert.equal(cache.stats().bytes, sizeOf('k', generation('the second, longer')));
      await cache.close();
    });

    it('an entry expires after its TTL (fake clock)', async () => {
      const clock = new FakeClock();
      const cache = await make({ ...ROOMY, ttlMs: 60_000 }, clock);
      await cache.set('k', generation('a'));
      clock.advance(59_999);
      assert.ok(await cache.get('k'));
      clock.advance(1);
      assert.equal(await cache.get('k'), undefined);
      const s = cache.stats();
      assert.deepEqual({ hits: s.hits, misses: s.misses, expirations: s.expirations, entries: s.entries }, { hits: 1, misses: 1, expirations: 1, entries: 0 });
      await cache.close();
    });

    it('evicts the least recently used entry beyond maxEntries (a read counts as use)', async () => {
      const cache = await make({ ...ROOMY, maxEntries: 2 }, new FakeClock());
      await cache.set('a', generation('a'));
      await cache.set('b', generation('b'));
      assert.ok(await cache.get('a'));
      await cache.set('c', generation('c'));
      assert.equal(await cache.get('b'), undefined);
      assert.ok(await cache.get('a'));
      assert.ok(await cache.get('c'));
      assert.equal(cache.stats().evictions, 1);
      assert.equal(cache.stats().entries, 2);
      await cache.close();
    });

    it('evicts least recently used entries beyond maxBytes; an entry larger than maxBytes is not stored', async () => {
      const one = sizeOf('a', generation('a'));
      const cache = await make({ ...ROOMY, maxBytes: one * 2 + 1 }, new FakeClock());
      await cache.set('a', generation('a'));
      await cache.set('b', generation('b'));
      await cache.set('c', generation('c'));
      assert.equal(await cache.get('a'), undefined);
      assert.ok(await cache.get('b'));
      assert.ok(await cache.get('c'));
      assert.equal(cache.stats().evictions, 1);
      assert.ok(cache.stats().bytes <= one * 2 + 1);

      await cache.set('big', generation('x'.repeat(one * 3)));
      assert.equal(await cache.get('big'), undefined);
      assert.ok(await cache.get('b'), 'an oversized entry evicts nothing');
      await cache.close();
    });

    it('expired entries go before live ones when a bound is reached', async () => {
      const clock = new FakeClock();
      const cache = await make({ ttlMs: 10_000, maxEntries: 2, maxBytes: 1 << 20 }, clock);
      await cache.set('old', generation('old'));
      clock.advance(5_000);
      await cache.set('live', generation('live'));
      assert.ok(await cache.get('old')); // most recently used, but it will expire first
      clock.advance(5_000);
      await cache.set('new', generation('new'));
      assert.ok(await cache.get('live'));
      assert.ok(await cache.get('new'));
      const s = cache.stats();
      assert.deepEqual({ evictions: s.evictions, expirations: s.expirations, entries: s.entries }, { evictions: 0, expirations: 1, entries: 2 });
      await cache.close();
    });
  });
}
