/**
 * The behaviour every BlobStore implementation must have, run against each of them (hono's
 * `common.case.test.ts` pattern): `memory-blob-store.test.ts`, `local-blob-store.test.ts`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlobMissingError, BlobOffsetError, BlobTooLargeError, type BlobStore } from './blob-store.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s));
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString());

async function* pieces(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield bytes(p);
}

async function* failingAfter(...parts: string[]): AsyncIterable<Uint8Array> {
  yield* pieces(...parts);
  throw new Error('client went away');
}

async function drain(stream: AsyncIterable<unknown> | undefined): Promise<string | undefined> {
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks).toString();
}

export function blobStoreCases(name: string, make: () => Promise<BlobStore>): void {
  describe(`BlobStore: ${name}`, () => {
    it('put then read, stream, size, keys; delete is idempotent', async () => {
      const s = await make();
      assert.equal(await s.put('a1', bytes('hello')), 5);
      assert.equal(text(await s.read('a1')), 'hello');
      assert.equal(await drain(await s.stream('a1')), 'hello');
      assert.equal(await s.size('a1'), 5);
      assert.deepEqual(await s.keys(), ['a1']);
      await s.delete('a1');
      await s.delete('a1');
      assert.equal(await s.read('a1'), undefined);
      assert.equal(await s.stream('a1'), undefined);
      assert.equal(await s.size('a1'), undefined);
      assert.deepEqual(await s.keys(), []);
    });

    it('put takes a stream, and replaces a blob whole', async () => {
      const s = await make();
      await s.put('k', bytes('old'));
      assert.equal(await s.put('k', pieces('ne', 'w ', 'bytes')), 9);
      assert.equal(text(await s.read('k')), 'new bytes');
      assert.equal(await s.put('empty', new Uint8Array(0)), 0);
      assert.equal(text(await s.read('empty')), '');
    });

    it('a put whose source fails leaves the old blob as it was (atomic)', async () => {
      const s = await make();
      await s.put('k', bytes('old'));
      await assert.rejects(s.put('k', failingAfter('par', 'tial')), /client went away/);
      assert.equal(text(await s.read('k')), 'old');
      await assert.rejects(s.put('fresh', failingAfter('x')), /client went away/);
      assert.equal(await s.read('fresh'), undefined);
      assert.deepEqual(await s.keys(), ['k']);
    });

    it('refuses keys that are not generated-id shaped (no path can escape the store)', async () => {
      const s = await make();
      for (const bad of ['', '../x', 'a/b', '..', '.hidden', 'a\\b', 'x'.repeat(129), 'é']) {
        await assert.rejects(s.put(bad, bytes('x')), TypeError, JSON.stringify(bad));
        await assert.rejects(s.read(bad), TypeError);
        await assert.rejects(s.createPartial(bad), TypeError);
      }
    });

    it('partial blobs grow by appends at exact offsets and become a blob on commit', async () => {
      const s = await make();
      await s.createPartial('up');
      assert.equal(await s.partialSize('up'), 0);
      const seen: string[] = [];
      assert.equal(await s.appendPartial('up', 0, pieces('ab', 'c'), { onData: (c) => seen.push(Buffer.from(c).toString()) }), 3);
      assert.deepEqual(seen, ['ab', 'c']);
      assert.equal(await s.appendPartial('up', 3, bytes('def')), 6);
      assert.equal(await drain(await s.streamPartial('up')), 'abcdef');
      assert.equal(await s.read('up'), undefined, 'a partial blob is not a blob');
      assert.deepEqual(await s.partialKeys(), ['up']);
      await s.commitPartial('up');
      assert.equal(text(await s.read('up')), 'abcdef');
      assert.equal(await s.partialSize('up'), undefined);
      assert.deepEqual(await s.partialKeys(), []);
    });

    it('an append at the wrong offset fails and changes nothing', async () => {
      const s = await make();
      await s.createPartial('up');
      await s.appendPartial('up', 0, bytes('abc'));
      for (const offset of [0, 2, 4]) {
        const e = await s.appendPartial('up', offset, bytes('x')).catch((err: unknown) => err);
        assert.ok(e instanceof BlobOffsetError, String(e));
        assert.equal(e.actual, 3);
      }
      assert.equal(await s.partialSize('up'), 3);
    });

    it('an append beyond maxBytes, or whose source fails, is undone whole', async () => {
      const s = await make();
      await s.createPartial('up');
      await s.appendPartial('up', 0, bytes('abc'));
      await assert.rejects(s.appendPartial('up', 3, pieces('de', 'fg'), { maxBytes: 3 }), BlobTooLargeError);
      assert.equal(await s.partialSize('up'), 3);
      await assert.rejects(s.appendPartial('up', 3, failingAfter('de', 'f')), /client went away/);
      assert.equal(await s.partialSize('up'), 3);
      assert.equal(await s.appendPartial('up', 3, bytes('def'), { maxBytes: 3 }), 6, 'exactly maxBytes is fine');
      assert.equal(await drain(await s.streamPartial('up')), 'abcdef');
    });

    it('appending to or committing a partial blob that does not exist fails; deletePartial is idempotent', async () => {
      const s = await make();
      await assert.rejects(s.appendPartial('nope', 0, bytes('x')), BlobMissingError);
      await assert.rejects(s.commitPartial('nope'), BlobMissingError);
      await s.createPartial('up');
      await s.deletePartial('up');
      await s.deletePartial('up');
      assert.equal(await s.partialSize('up'), undefined);
      await assert.rejects(s.appendPartial('up', 0, bytes('x')), BlobMissingError);
    });
  });
}
