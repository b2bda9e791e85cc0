import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DiskFileMetadataStore } from './disk-file-metadata-store.js';
import { fileMetadataStoreCases, fileRecord } from './file-metadata-store.case.js';

const base = await mkdtemp(join(tmpdir(), 'gemserve-records-'));
after(() => rm(base, { recursive: true, force: true }));
let n = 0;
const freshRoot = () => join(base, `store${n++}`);

fileMetadataStoreCases('disk', () => DiskFileMetadataStore.open(freshRoot()));

test('records survive a reopen, one JSON file per record, no temp files left', async () => {
  const root = freshRoot();
  const s = await DiskFileMetadataStore.open(root);
  await s.create(fileRecord('abc', { displayName: '../../etc/passwd' }));
  await s.create(fileRecord('def', { owner: 'bob' }));
  await s.delete('bob', 'def');
  assert.deepEqual(await readdir(join(root, 'alice')), ['abc.json']);
  assert.deepEqual(await readdir(join(root, 'bob')), []);
  const again = await DiskFileMetadataStore.open(root);
  assert.deepEqual(await again.get('alice', 'abc'), fileRecord('abc', { displayName: '../../etc/passwd' }));
  assert.equal(await again.get('bob', 'def'), undefined);
});

test('open skips unreadable records and records filed under the wrong owner or id, and removes temp files', async () => {
  const root = freshRoot();
  await mkdir(join(root, 'alice'), { recursive: true });
  await writeFile(join(root, 'alice', 'good.json'), JSON.stringify(fileRecord('good')));
  await writeFile(join(root, 'alice', 'torn.json'), '{"id":"torn",');
  await writeFile(join(root, 'alice', 'moved.json'), JSON.stringify(fileRecord('other')));
  await writeFile(join(root, 'alice', 'stolen.json'), JSON.stringify(fileRecord('stolen', { owner: 'bob' })));
  await writeFile(join(root, 'alice', '.tmp-abc'), 'half');
  const bad: string[] = [];
  const s = await DiskFileMetadataStore.open(root, (path) => bad.push(path));
  assert.deepEqual((await s.listAll()).map((r) => r.id), ['good']);
  assert.deepEqual(bad.map((p) => p.slice(root.length + 1)).sort(), ['alice/moved.json', 'alice/stolen.json', 'alice/torn.json']);
  assert.equal((await readdir(join(root, 'alice'))).includes('.tmp-abc'), false);
});

test('refuses owner ids that could name a path outside the store', async () => {
  const s = await DiskFileMetadataStore.open(freshRoot());
  await assert.rejects(s.create(fileRecord('abc', { owner: '../x' })), TypeError);
  await assert.rejects(s.create(fileRecord('../abc')), TypeError);
  assert.deepEqual(await s.listAll(), []);
});
