import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isGemserveError } from '../../core/errors.js';
import { tinyChatModel } from '../../../test/fixtures/test-models.js';
import { createLlamaServerEngine } from './llama-server-engine.js';
import { LlamaServerStartError, startLlamaServer } from './start-llama-server.js';

// Stand-ins for llama-server: shell scripts, so these run without a build.
describe('starting llama-server', () => {
  let dir: string;
  let neverReady: string;
  let dies: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gemserve-start-'));
    neverReady = join(dir, 'never-ready');
    await writeFile(neverReady, '#!/bin/sh\necho "loading model, slowly"\nexec sleep 60\n');
    dies = join(dir, 'dies');
    await writeFile(dies, '#!/bin/sh\necho "error: invalid argument: --mmproj" >&2\nexit 3\n');
    await chmod(neverReady, 0o755);
    await chmod(dies, 0o755);
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('gives up after the start timeout with a clear error carrying its output, and kills it', async () => {
    const t = performance.now();
    await assert.rejects(startLlamaServer({ binary: neverReady, args: [], startTimeoutMs: 400 }), (e: unknown) => {
      assert.ok(e instanceof LlamaServerStartError);
      assert.match(e.message, /did not become ready \(GET \/health answering 200\) within 0\.4 s/);
      assert.match(e.message, /loading model, slowly/);
      return true;
    });
    assert.ok(performance.now() - t < 5_000);
  });

  it('reports a child that exits during startup with its exit code and last output', async () => {
    await assert.rejects(startLlamaServer({ binary: dies, args: [], startTimeoutMs: 10_000 }), (e: unknown) => {
      assert.ok(e instanceof LlamaServerStartError);
      assert.match(e.message, /exited with exit code 3 before it was ready/);
      assert.match(e.message, /invalid argument: --mmproj/);
      return true;
    });
  });

  it('makes the engine fail to start with MODEL_UNAVAILABLE and that reason', async () => {
    const model = await tinyChatModel();
    await assert.rejects(createLlamaServerEngine({ modelPath: model.path, binary: neverReady, startTimeoutMs: 300 }), (e: unknown) => {
      assert.ok(isGemserveError(e));
      assert.equal(e.code, 'MODEL_UNAVAILABLE');
      assert.match(e.message, /did not become ready/);
      return true;
    });
  });

  it('refuses a missing model file before starting anything', async () => {
    await assert.rejects(createLlamaServerEngine({ modelPath: join(dir, 'nope.gguf'), binary: dies }), { code: 'BAD_MODEL_FILE' });
  });
});
