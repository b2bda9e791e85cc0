import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { blobStoreCases } from './blob-store.case.js';
import { LocalBlobStore } from './local-blob-store.js';

const base = await mkdtemp(join(tmpdir(), 'gemserve-blobs-'));
after(() => rm(base, { recursive: true, force: true }));
let n = 0;
const freshRoot = () => join(base, `store${n++}`, 'root');

blobStoreCases('local disk', () => LocalBlobStore.open(freshRoot()));

/** Every file below `dir`, relative to it. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)).map((q) => join(e.name, q)));
    else out.push(e.name);
  }
  return out;
}

test('LocalBlobStore writes nothing until the first write, and nothing outside its root', async () => {
  const root = freshRoot();
  await mkdir(join(root, '..'));
  const s = await LocalBlobStore.open(root);
  assert.deepEqual(await readdir(join(root, '..')), [], 'open creates no folder');
  assert.deepEqual(await s.keys(), []);
  await s.put('a', new Uint8Array([1, 2]));
  await s.createPartial('p');
  await s.appendPartial('p', 0, new Uint8Array([3]));
  assert.deepEqual(await readdir(join(root, '..')), ['root']);
  assert.deepEqual((await walk(root)).sort(), ['data/a', 'partial/p']);
  assert.equal(relative(root, join(root, 'data', 'a')).startsWith('..'), false);
});

test('LocalBlobStore.open removes temp files a crash left behind, and leaves blobs alone', async () => {
  const root = freshRoot();
  await mkdir(join(root, 'tmp'), { recursive: true });
  await mkdir(join(root, 'data'), { recursive: true });
  await writeFile(join(root, 'tmp', 'half-written'), 'xx');
  await writeFile(join(root, 'data', 'kept'), 'yy');
  const s = await LocalBlobStore.open(root);
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
  assert.deepEqual(await s.keys(), ['kept']);
});

test('a failed put leaves no temp file behind', async () => {
  const root = freshRoot();
  const s = await LocalBlobStore.open(root);
  async function* failing(): AsyncIterable<Uint8Array> {
    yield new Uint8Array([1]);
    throw new Error('boom');
  }
  await assert.rejects(s.put('k', failing()), /boom/);
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
  assert.deepEqual(await s.keys(), []);
});
