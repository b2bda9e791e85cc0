/** The behaviour every UsageStore must have, run against each implementation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageEntry, UsageStore } from './usage-store.js';

/** An entry with defaults. */
export function usageEntry(id: string, over: Partial<UsageEntry> = {}): UsageEntry {
  return {
    id, at: '2026-11-01T10:00:00.000Z', callerId: 'anonymous', callerName: 'anonymous', model: 'gemini-2.5-flash',
    method: 'generateContent', apiClient: 'google-genai-sdk/2.32.0 gl-node/v20.20.2', status: 200,
    promptTokens: 10, candidatesTokens: 5, thoughtsTokens: 0, cachedTokens: 0, toolUsePromptTokens: 0, totalTokens: 15,
    cacheHit: false, latencyMs: 12.5, batch: false, costMicros: 16, ...over,
  };
}

export function usageStoreCases(name: string, make: () => UsageStore): void {
  describe(`UsageStore: ${name}`, () => {
    it('reassigns the entries of one caller id to another, and no others', () => {
      const s = make();
      s.add(usageEntry('usage-a', { callerId: 'static:abcd1234', callerName: 'static:abcd1234' }));
      s.add(usageEntry('usage-b', { callerId: 'other', callerName: 'other' }));
      assert.equal(s.reassignCaller('static:abcd1234', 'k123'), 1);
      assert.equal(s.reassignCaller('static:abcd1234', 'k123'), 0, 'done once');
      assert.deepEqual(s.list().map((e) => [e.id, e.callerId, e.callerName]),
        [['usage-a', 'k123', 'static:abcd1234'], ['usage-b', 'other', 'other']]);
      s.close();
    });

    it('stores entries field for field and lists them oldest first', () => {
      const s = make();
      const full = usageEntry('usage-a', {
        at: '2026-11-01T10:00:02.000Z', error: 'CANCELLED', promptByModality: [{ modality: 'TEXT', tokenCount: 10 }],
        firstChunkMs: 3.25, engine: 'fake', batch: true, cacheHit: true, thoughtsTokens: 7, cachedTokens: 2, toolUsePromptTokens: 1,
      });
      const plain = usageEntry('usage-b', { at: '2026-11-01T10:00:01.000Z' });
      s.add(full);
      s.add(plain);
      assert.deepEqual(s.list(), [plain, full]);
      s.close();
    });

    it('keeps the first entry of an id added twice (a batch request rerun after a crash is charged once)', () => {
      const s = make();
      s.add(usageEntry('batch-j-0', { batch: true, costMicros: 8 }));
      s.add(usageEntry('batch-j-0', { batch: true, costMicros: 9, at: '2026-11-01T10:00:05.000Z' }));
      assert.deepEqual(s.list().map((e) => [e.id, e.costMicros]), [['batch-j-0', 8]]);
      s.close();
    });

    it('lists a window [since, until)', () => {
      const s = make();
      for (const [id, at] of [['usage-1', '2026-11-01T00:00:00Z'], ['usage-2', '2026-11-02T00:00:00Z'], ['usage-3', '2026-11-03T00:00:00Z']]) {
        s.add(usageEntry(id, { at: new Date(at).toISOString() }));
      }
      const ids = (since?: string, until?: string) => s.list({
        since: since ? Date.parse(since) : undefined, until: until ? Date.parse(until) : undefined,
      }).map((e) => e.id);
      assert.deepEqual(ids(), ['usage-1', 'usage-2', 'usage-3']);
      assert.deepEqual(ids('2026-11-02T00:00:00Z'), ['usage-2', 'usage-3']);
      assert.deepEqual(ids(undefined, '2026-11-02T00:00:00Z'), ['usage-1']);
      assert.deepEqual(ids('2026-11-01T00:00:01Z', '2026-11-03T00:00:00Z'), ['usage-2']);
      s.close();
    });
  });
}
