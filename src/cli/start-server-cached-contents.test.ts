import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadSettings } from '../config/load-settings.js';
import type { OutputStream } from './cli-context.js';
import { startServer } from './start-server.js';

const sink: OutputStream = { write: () => true };

test('serve keeps cachedContents in the data dir across restarts; --cached-content-min-tokens applies', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-cached-'));
  after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'gemserve.json'), JSON.stringify({
    port: 0, engines: { demo: { kind: 'fake' } }, models: { 'gemini-2.0-flash': { engine: 'demo' } },
  }));
  const load = (minTokens: string) => loadSettings({
    command: 'serve', flags: { config: 'gemserve.json', 'data-dir': 'data', 'cached-content-min-tokens': minTokens }, env: { HOME: dir }, cwd: dir,
  });
  const contents = [{ role: 'user', parts: [{ text: 'a document of several words to cache' }] }];

  const first = await startServer({ loaded: await load('1000'), cwd: dir, stderr: sink });
  const post = (origin: string, path: string, body: unknown) => fetch(`${origin}/v1beta/${path}`, { method: 'POST', body: JSON.stringify(body) });
  const small = await post(first.origin, 'cachedContents', { model: 'gemini-2.0-flash', contents });
  assert.equal(small.status, 400);
  assert.match((await small.json() as { error: { message: string } }).error.message, /min_total_token_count=1000$/);
  await first.close();

  const second = await startServer({ loaded: await load('0'), cwd: dir, stderr: sink });
  const created = await (await post(second.origin, 'cachedContents', { model: 'gemini-2.0-flash', contents })).json() as { name: string };
  assert.match(created.name, /^cachedContents\/[a-z0-9]{12}$/);
  await second.close();

  const third = await startServer({ loaded: await load('0'), cwd: dir, stderr: sink });
  after(() => third.close());
  assert.equal((await fetch(`${third.origin}/v1beta/${created.name}`)).status, 200, 'still there after a restart');
  const answer = await post(third.origin, 'models/gemini-2.0-flash:generateContent', { contents: [{ parts: [{ text: 'q' }] }], cachedContent: created.name });
  assert.equal(answer.status, 200);
  assert.ok(((await answer.json()) as { usageMetadata: { cachedContentTokenCount: number } }).usageMetadata.cachedContentTokenCount > 0);
});
