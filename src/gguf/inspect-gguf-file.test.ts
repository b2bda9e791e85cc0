import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ByteSink } from './byte-sink.js';
import { GgmlType } from './ggml-type.js';
import { GgufValueType } from './gguf-format.js';
import { GgufValue } from './gguf-metadata-value.js';
import { writeGgufFile } from './gguf-writer.js';
import { inspectGgufFile, type GgufInspection } from './inspect-gguf-file.js';

let dir: string;
let good: string;
let goodBytes: Buffer;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'inspect-gguf-'));
  good = path.join(dir, 'good.gguf');
  await writeGgufFile(good, {
    metadata: {
      'general.architecture': 'llama',
      'general.name': 'probe',
      'llama.context_length': GgufValue.uint32(512),
      'tokenizer.ggml.tokens': GgufValue.stringArray(['a', 'b']),
      'tokenizer.chat_template': '{{ messages }}',
    },
    tensors: [
      { name: 'w', dims: [32, 4], type: GgmlType.Q8_0, values: function* () { yield new Float32Array(128).fill(0.5); } },
      { name: 'n', dims: [5], type: GgmlType.F32, values: function* () { yield new Float32Array(5); } },
    ],
  });
  goodBytes = await readFile(good);
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

async function inspectBytes(name: string, bytes: Buffer | string): Promise<GgufInspection> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return inspectGgufFile(file);
}

function assertFails(r: GgufInspection, problem: string, reason: RegExp): void {
  assert.equal(r.ok, false, 'expected a failure');
  if (r.ok) return;
  assert.equal(r.problem, problem, r.reason);
  assert.match(r.reason, reason);
  assert.ok(r.reason.startsWith(r.path), 'the reason names the file');
}

/** A header with one key and one tensor, for structural faults the writer refuses to produce. */
function handMadeGguf(tensor: { type: number; offset: number; dims?: number[] }, architecture = true): Buffer {
  const s = new ByteSink();
  s.uint32(0x46554747); // "GGUF"
  s.uint32(3);
  s.uint64(1);
  s.uint64(architecture ? 1 : 0);
  if (architecture) {
    s.string('general.architecture');
    s.uint32(GgufValueType.STRING);
    s.string('llama');
  }
  s.string('t');
  const dims = tensor.dims ?? [32];
  s.uint32(dims.length);
  dims.forEach((d) => s.uint64(d));
  s.uint32(tensor.type);
  s.uint64(tensor.offset);
  s.padTo(32);
  return Buffer.concat([s.bytes(), Buffer.alloc(256)]);
}

test('a complete file passes, with what a server needs to describe it', async () => {
  const r = await inspectGgufFile(good);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.equal(r.version, 3);
  assert.equal(r.architecture, 'llama');
  assert.equal(r.name, 'probe');
  assert.equal(r.contextLength, 512);
  assert.equal(r.chatTemplate, '{{ messages }}');
  assert.equal(r.tensorCount, 2);
  assert.equal(r.parameterCount, 133);
  assert.equal(r.fileSize, goodBytes.length);
  assert.deepEqual(r.metadata['tokenizer.ggml.tokens'], { type: 'array', itemType: GgufValueType.STRING, length: 2 });
});

test('missing files and directories are named as such', async () => {
  assertFails(await inspectGgufFile(path.join(dir, 'nope.gguf')), 'not-found', /no such file/);
  assertFails(await inspectGgufFile(dir), 'not-a-file', /not a regular file/);
});

test('files that are not GGUF say what they start with', async () => {
  assertFails(await inspectBytes('empty.gguf', ''), 'not-gguf', /empty/);
  assertFails(await inspectBytes('two.gguf', 'GG'), 'not-gguf', /only 2 bytes/);
  assertFails(await inspectBytes('model.safetensors', '{"__metadata__":{}}'), 'not-gguf', /starts with "\{\\"__" instead of "GGUF"/);
  assertFails(await inspectBytes('lfs.gguf', 'version https://git-lfs.github.com/spec/v1\n'), 'not-gguf', /"vers"/);
});

test('unsupported versions and byte orders are refused', async () => {
  const withVersion = (v: number) => { const b = Buffer.from(goodBytes); b.writeUInt32LE(v, 4); return b; };
  assertFails(await inspectBytes('v1.gguf', withVersion(1)), 'unsupported', /version 1/);
  assertFails(await inspectBytes('v9.gguf', withVersion(9)), 'unsupported', /version 9/);
  assertFails(await inspectBytes('be.gguf', withVersion(0x03000000)), 'unsupported', /big-endian/);
  const v2 = await inspectBytes('v2.gguf', withVersion(2));
  assert.ok(v2.ok, 'version 2 has the same layout and still loads');
});

test('a file cut inside its header is truncated, naming where', async () => {
  assertFails(await inspectBytes('cut-header.gguf', goodBytes.subarray(0, 60)), 'truncated', /truncated: .* at byte \d+ needs \d+ bytes, but the file ends at byte 60/);
  assertFails(await inspectBytes('cut-counts.gguf', goodBytes.subarray(0, 10)), 'truncated', /tensor and metadata counts/);
});

test('a file cut inside its tensor data is truncated, saying how much is missing', async () => {
  const file = path.join(dir, 'cut-data.gguf');
  await writeFile(file, goodBytes);
  await truncate(file, goodBytes.length - 40);
  const r = await inspectGgufFile(file);
  assertFails(r, 'truncated', /tensor data \(ending with n\) needs \d+; \d+ bytes are missing/);
});

test('structural faults llama.cpp would reject are corrupt or unsupported', async () => {
  assertFails(await inspectBytes('offset.gguf', handMadeGguf({ type: GgmlType.F32, offset: 32 })), 'corrupt', /data offset 32, expected 0/);
  assertFails(await inspectBytes('type.gguf', handMadeGguf({ type: 4, offset: 0 })), 'unsupported', /ggml type 4/);
  assertFails(await inspectBytes('block.gguf', handMadeGguf({ type: GgmlType.Q8_0, offset: 0, dims: [48] })), 'corrupt', /not a multiple of the Q8_0 block size/);
  assertFails(await inspectBytes('dims.gguf', handMadeGguf({ type: GgmlType.F32, offset: 0, dims: [1, 1, 1, 1, 1] })), 'corrupt', /5 dimensions/);
  assertFails(await inspectBytes('arch.gguf', handMadeGguf({ type: GgmlType.F32, offset: 0 }, false)), 'corrupt', /general\.architecture/);
  assert.ok((await inspectBytes('fine.gguf', handMadeGguf({ type: GgmlType.F32, offset: 0 }))).ok);
});

test('absurd counts are corrupt rather than an attempt to read gigabytes', async () => {
  const b = Buffer.from(goodBytes);
  b.writeBigUInt64LE(2n ** 40n, 16); // the metadata count
  assertFails(await inspectBytes('count.gguf', b), 'corrupt', /metadata count/);
});

test('a file with metadata and no tensors passes (e.g. a vocabulary-only GGUF)', async () => {
  const file = path.join(dir, 'vocab-only.gguf');
  await writeGgufFile(file, { metadata: { 'general.architecture': 'llama' }, tensors: [] });
  const r = await inspectGgufFile(file);
  assert.ok(r.ok && r.tensorCount === 0 && r.parameterCount === 0);
});
