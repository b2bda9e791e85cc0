import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readGgufFileInfo } from 'node-llama-cpp';
import { float16BitsToFloat32 } from './float16.js';
import { GgmlType } from './ggml-type.js';
import { GgufValueType } from './gguf-format.js';
import { GgufValue } from './gguf-metadata-value.js';
import { writeGgufFile, type GgufFileContents } from './gguf-writer.js';
import { readGgufHeader } from './read-gguf-header.js';

let dir: string;
before(async () => { dir = await mkdtemp(path.join(tmpdir(), 'gguf-writer-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

const ramp = (n: number) => new Float32Array(n).map((_, i) => i / n - 0.5);

const contents: GgufFileContents = {
  metadata: {
    'general.architecture': 'test',
    'test.string': 'héllo ▁ <|im_end|>',
    'test.bool': true,
    'test.uint8': GgufValue.uint8(255),
    'test.int8': GgufValue.int8(-128),
    'test.uint16': GgufValue.uint16(65535),
    'test.int16': GgufValue.int16(-32768),
    'test.uint32': GgufValue.uint32(4294967295),
    'test.int32': GgufValue.int32(-2147483648),
    'test.uint64': GgufValue.uint64(2n ** 64n - 1n),
    'test.int64': GgufValue.int64(-5),
    'test.float32': GgufValue.float32(0.25),
    'test.float64': GgufValue.float64(Math.PI),
    'test.strings': GgufValue.stringArray(['a', '', '▁the', '<0x0A>']),
    'test.ints': GgufValue.numberArray('int32', Int32Array.of(1, -2, 3)),
    'test.floats': GgufValue.numberArray('float32', Float32Array.of(-0.5, 1e-5)),
    'test.bools': GgufValue.boolArray([true, false]),
  },
  tensors: [
    // 3 floats = 12 bytes, so the next tensor starts after padding to 32.
    { name: 'a.f32', dims: [3], type: GgmlType.F32, values: function* () { yield Float32Array.of(1, 2, 3); } },
    { name: 'b.f16', dims: [4, 2], type: GgmlType.F16, values: function* () { yield ramp(4); yield ramp(4); } },
    { name: 'c.q8_0', dims: [64, 3], type: GgmlType.Q8_0, values: async function* () { yield ramp(64 * 3); } },
  ],
};

test('writes a GGUF v3 file whose metadata reads back with every value type', async () => {
  const file = path.join(dir, 'all-types.gguf');
  const result = await writeGgufFile(file, contents);
  assert.equal((await stat(file)).size, result.bytes);
  const bytes = await readFile(file);
  assert.equal(bytes.toString('latin1', 0, 4), 'GGUF');
  assert.equal(bytes.readUInt32LE(4), 3);

  const handle = await open(file);
  const header = await readGgufHeader(handle, result.bytes, { arrayValues: true });
  await handle.close();
  const m = header.metadata;
  assert.equal(m['test.string'], 'héllo ▁ <|im_end|>');
  assert.equal(m['test.bool'], true);
  assert.deepEqual(
    ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'int64'].map((t) => m[`test.${t}`]),
    [255, -128, 65535, -32768, 4294967295, -2147483648, -5]);
  assert.equal(m['test.uint64'], 2n ** 64n - 1n);
  assert.equal(m['test.float32'], 0.25);
  assert.equal(m['test.float64'], Math.PI);
  assert.deepEqual(m['test.strings'], { type: 'array', itemType: GgufValueType.STRING, length: 4, values: ['a', '', '▁the', '<0x0A>'] });
  assert.deepEqual(m['test.ints'], { type: 'array', itemType: GgufValueType.INT32, length: 3, values: [1, -2, 3] });
  assert.deepEqual(m['test.bools'], { type: 'array', itemType: GgufValueType.BOOL, length: 2, values: [true, false] });
  assert.equal(m['general.alignment'], 32, 'the alignment is written explicitly');
  assert.equal(header.dataOffset, result.dataOffset);
  assert.equal(header.dataOffset % 32, 0);
  assert.deepEqual(header.tensors.map((t) => [t.name, t.offset, t.byteSize]), [
    ['a.f32', 0, 12], ['b.f16', 32, 16], ['c.q8_0', 64, 3 * 2 * 34]]);

  // The tensor bytes sit at the declared offsets.
  const data = bytes.subarray(header.dataOffset);
  assert.deepEqual([data.readFloatLE(0), data.readFloatLE(4), data.readFloatLE(8)], [1, 2, 3]);
  assert.deepEqual(Array.from({ length: 4 }, (_, i) => float16BitsToFloat32(data.readUInt16LE(32 + 2 * i))), [...ramp(4)]);
  assert.notEqual(data.readUInt16LE(64), 0, 'the first Q8_0 block starts with its scale');
  assert.equal(result.bytes, header.dataOffset + 64 + 224, 'the data section is padded to the alignment');
});

test("node-llama-cpp's own GGUF parser reads the file the same way", async () => {
  const file = path.join(dir, 'for-node-llama-cpp.gguf');
  await writeGgufFile(file, contents);
  const info = await readGgufFileInfo(file, { readTensorInfo: true });
  assert.equal(info.version, 3);
  const raw = info.metadata as unknown as Record<string, Record<string, unknown>>;
  assert.equal(raw.test.string, 'héllo ▁ <|im_end|>');
  assert.deepEqual(raw.test.strings, ['a', '', '▁the', '<0x0A>']);
  assert.deepEqual(info.fullTensorInfo?.map((t) => [t.name, t.dimensions.map(Number), t.ggmlType]),
    [['a.f32', [3], GgmlType.F32], ['b.f16', [4, 2], GgmlType.F16], ['c.q8_0', [64, 3], GgmlType.Q8_0]]);
});

test('the same contents give the same bytes', async () => {
  await writeGgufFile(path.join(dir, 'x1.gguf'), contents);
  await writeGgufFile(path.join(dir, 'x2.gguf'), contents);
  assert.deepEqual(await readFile(path.join(dir, 'x1.gguf')), await readFile(path.join(dir, 'x2.gguf')));
});

test('streams tensors larger than its staging buffer', async () => {
  const file = path.join(dir, 'big.gguf');
  const rows = 2048;
  const cols = 1024; // 8 MiB of F32, twice the staging buffer
  const result = await writeGgufFile(file, {
    metadata: { 'general.architecture': 'test' },
    tensors: [{
      name: 'big', dims: [cols, rows], type: GgmlType.F32,
      values: function* () {
        const row = new Float32Array(cols);
        for (let r = 0; r < rows; r++) yield row.fill(r);
      },
    }],
  });
  const handle = await open(file);
  const header = await readGgufHeader(handle, result.bytes);
  const probe = Buffer.alloc(4);
  await handle.read(probe, 0, 4, header.dataOffset + (rows - 1) * cols * 4);
  await handle.close();
  assert.equal(probe.readFloatLE(0), rows - 1);
  assert.equal(result.bytes, header.dataOffset + rows * cols * 4);
});

test('rejects a value count that does not match the dims, and leaves no partial file', async () => {
  const file = path.join(dir, 'short.gguf');
  await assert.rejects(writeGgufFile(file, {
    metadata: {},
    tensors: [{ name: 't', dims: [4, 2], type: GgmlType.F32, values: function* () { yield new Float32Array(4); } }],
  }), /dims need 32/);
  await assert.rejects(stat(file), { code: 'ENOENT' });
});

test('rejects integers that do not fit their declared type, and Q8_0 rows not made of whole blocks', async () => {
  const file = path.join(dir, 'bad.gguf');
  await assert.rejects(writeGgufFile(file, { metadata: { k: GgufValue.uint8(256) }, tensors: [] }), RangeError);
  await assert.rejects(writeGgufFile(file, { metadata: { k: GgufValue.uint32(1.5) }, tensors: [] }), RangeError);
  await assert.rejects(writeGgufFile(file, {
    metadata: {},
    tensors: [{ name: 't', dims: [48], type: GgmlType.Q8_0, values: function* () { yield new Float32Array(48); } }],
  }), /multiples of 32/);
});
