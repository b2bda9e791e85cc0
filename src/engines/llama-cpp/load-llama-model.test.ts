import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isGemserveError } from '../../core/errors.js';
import { tinyChatModel } from '../../../test/fixtures/test-models.js';
import { loadLlamaModel } from './load-llama-model.js';

/**
 * A GGUF v3 header by hand: one metadata key (general.architecture = llama) and one F32 tensor
 * of 1024 values, padded to the default 32-byte alignment, followed by `dataBytes` of data.
 * Enough to exercise the checks without depending on any model file.
 */
function ggufBytes(dataBytes: number): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); parts.push(b); };
  const u64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); parts.push(b); };
  const str = (s: string) => { u64(Buffer.byteLength(s)); parts.push(Buffer.from(s)); };
  parts.push(Buffer.from('GGUF'));
  u32(3); // version
  u64(1); // tensor count
  u64(1); // metadata count
  str('general.architecture'); u32(8); str('llama'); // 8 = string
  str('weights'); u32(1); u64(1024); u32(0); u64(0); // 1 dim of 1024, F32, offset 0
  const header = Buffer.concat(parts);
  const padded = Math.ceil(header.length / 32) * 32;
  return Buffer.concat([header, Buffer.alloc(padded - header.length), Buffer.alloc(dataBytes)]);
}

describe('loadLlamaModel', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'gemserve-load-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  async function expectBad(path: string, reason: RegExp) {
    await assert.rejects(loadLlamaModel(path), (e: unknown) => {
      assert.ok(isGemserveError(e), `a GemserveError, got ${e}`);
      assert.equal(e.code, 'BAD_MODEL_FILE');
      assert.equal(e.status, 'FAILED_PRECONDITION');
      assert.ok(e.message.includes(path), 'the message names the file');
      assert.match(e.message, reason);
      return true;
    });
  }

  it('refuses a missing file', async () => {
    await expectBad(join(dir, 'nope.gguf'), /does not exist/);
  });

  it('refuses a directory', async () => {
    await mkdir(join(dir, 'folder.gguf'));
    await expectBad(join(dir, 'folder.gguf'), /not a regular file/);
  });

  it('refuses a file that is not GGUF', async () => {
    const p = join(dir, 'text.gguf');
    await writeFile(p, 'hello world, not a model\n');
    await expectBad(p, /not a GGUF file/);
    await writeFile(join(dir, 'empty.gguf'), '');
    await expectBad(join(dir, 'empty.gguf'), /not a GGUF file/);
  });

  it('refuses files truncated in the header, the metadata or the tensor data', async () => {
    const full = ggufBytes(4096);
    const cases: Array<[number, RegExp]> = [
      [6, /truncated/],
      [40, /truncated|corrupt/],
      [ggufBytes(0).length, /truncated: tensor data/],
    ];
    for (const [bytes, reason] of cases) {
      const p = join(dir, `cut-${bytes}.gguf`);
      await writeFile(p, full.subarray(0, bytes));
      await expectBad(p, reason);
    }
  });

  it("wraps llama.cpp's own load failure with its reason", async () => {
    // Header and data complete, but not a usable llama (no hyperparameters): llama.cpp refuses it.
    const p = join(dir, 'not-a-llama.gguf');
    await writeFile(p, ggufBytes(4096));
    await expectBad(p, /llama\.cpp could not load it: \S+/);
  });

  it('refuses a real model cut in its tensor data, quoting llama.cpp', async () => {
    const p = join(dir, 'model-cut.gguf');
    const bytes = await readFile((await tinyChatModel()).path);
    await writeFile(p, bytes.subarray(0, bytes.length - 50));
    await expectBad(p, /not within the file bounds/);
  });

  it('loads a real model and disposes it (twice harmlessly)', async () => {
    const loaded = await loadLlamaModel((await tinyChatModel()).path);
    assert.ok(loaded.model.trainContextSize > 0);
    await loaded.dispose();
    await loaded[Symbol.asyncDispose]();
  });
});
