import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GenerationEvent } from '../../core/engine.js';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import { MemoryResponseCache } from './memory-response-cache.js';
import { recordGeneration, replayGeneration, type RecordTarget } from './record-generation.js';
import { DEFAULT_RESPONSE_CACHE_POLICY } from './response-cache-policy.js';
import { lookupResponse, type ResponseCaching } from './response-caching.js';

const EVENTS: GenerationEvent[] = [
  { type: 'prompt', promptTokens: 2 },
  { type: 'text-delta', candidate: 0, text: 'Hello', tokens: 1 },
  { type: 'text-delta', candidate: 0, text: ' world', tokens: 1 },
  { type: 'finish', candidate: 0, reason: 'stop' },
];

async function* stream(events: GenerationEvent[], fail?: Error): AsyncGenerator<GenerationEvent> {
  yield* events;
  if (fail) throw fail;
}

function setup(): { caching: ResponseCaching; lookups: boolean[]; target: (over?: Partial<RecordTarget>) => RecordTarget } {
  const lookups: boolean[] = [];
  const caching: ResponseCaching = {
    cache: new MemoryResponseCache({ ttlMs: 60_000, maxEntries: 10, maxBytes: 1 << 20 }, new FakeClock()),
    policy: DEFAULT_RESPONSE_CACHE_POLICY,
    onLookup: (hit) => lookups.push(hit),
  };
  const target = (over: Partial<RecordTarget> = {}): RecordTarget => ({
    key: 'k', responseId: 'rid', modelVersion: 'gemini-2.0-flash', candidateCount: 1, signal: new AbortController().signal, ...over,
  });
  return { caching, lookups, target };
}

async function drain(it: AsyncIterable<GenerationEvent>): Promise<GenerationEvent[]> {
  const out: GenerationEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('recordGeneration / replayGeneration', () => {
  it('passes events through, stores a completed generation, and replays it as it was', async () => {
    const { caching, lookups, target } = setup();
    assert.equal(await lookupResponse(caching, 'k'), undefined);
    assert.deepEqual(await drain(recordGeneration(caching, target(), stream(EVENTS))), EVENTS);
    const cached = await lookupResponse(caching, 'k');
    assert.deepEqual(cached, { events: EVENTS, responseId: 'rid', modelVersion: 'gemini-2.0-flash' });
    assert.deepEqual(await drain(replayGeneration(cached!)), EVENTS);
    assert.deepEqual(lookups, [false, true]);
  });

  it('stores nothing for a failed, aborted, abandoned or unfinished generation', async () => {
    const { caching, target } = setup();
    await assert.rejects(drain(recordGeneration(caching, target(), stream(EVENTS, new Error('engine died')))));

    const aborted = new AbortController();
    aborted.abort();
    await drain(recordGeneration(caching, target({ signal: aborted.signal }), stream(EVENTS)));

    const abandoned = recordGeneration(caching, target(), stream(EVENTS));
    await abandoned.next();
    await abandoned.return(undefined);

    await drain(recordGeneration(caching, target(), stream(EVENTS.slice(0, -1))));
    await drain(recordGeneration(caching, target({ candidateCount: 2 }), stream(EVENTS)));

    assert.equal(caching.cache.stats().entries, 0);
  });

  it('a failing store costs the response nothing; the error goes to onError', async () => {
    const { caching, target } = setup();
    const errors: unknown[] = [];
    const broken: ResponseCaching = {
      ...caching,
      cache: {
        get: async () => { throw new Error('read'); },
        set: async () => { throw new Error('disk full'); },
        stats: () => caching.cache.stats(),
        close: async () => {},
      },
      onError: (e) => errors.push(e),
    };
    assert.deepEqual(await drain(recordGeneration(broken, target(), stream(EVENTS))), EVENTS);
    assert.equal(await lookupResponse(broken, 'k'), undefined);
    assert.deepEqual(errors.map((e) => (e as Error).message), ['disk full', 'read']);
  });
});
