import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import {
  GEMMA3_PROJECTOR_PRESETS, gemma3ProjectorImageTokens, type Gemma3ProjectorOptions,
} from './gemma3-projector-options.js';
import { GgmlType } from './ggml-type.js';
import { readGgufHeader, type GgufHeader } from './read-gguf-header.js';
import {
  GEMMA3_PROJECTOR_GENERATOR_VERSION, sizeLabel, writeGemma3Projector, type Gemma3ProjectorWriteResult,
} from './write-gemma3-projector.js';

const tiny = GEMMA3_PROJECTOR_PRESETS.tiny;
let dir: string;
let written: Gemma3ProjectorWriteResult;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gemma3-projector-'));
  written = await writeGemma3Projector(path.join(dir, 'mmproj.gguf'), tiny);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function header(file: string): Promise<GgufHeader> {
  const handle = await open(file);
  try {
    return await readGgufHeader(handle, (await handle.stat()).size, { arrayValues: true });
  } finally {
    await handle.close();
  }
}

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

/** llama.cpp's own Gemma 3 test projector, present only where the shared model folder is. */
const SHARED_MMPROJ = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/models/mmproj-tinygemma3.gguf');
const sharedExists = await stat(SHARED_MMPROJ).then(() => true, () => false);

test('the same options give a byte-identical file, pinned: a change here must bump the generator version', async () => {
  const again = path.join(dir, 'again.gguf');
  await writeGemma3Projector(again, tiny);
  assert.equal(await sha256(again), await sha256(written.path));
  await writeGemma3Projector(again, { ...tiny, seed: 2 });
  assert.notEqual(await sha256(again), await sha256(written.path));
  assert.equal(GEMMA3_PROJECTOR_GENERATOR_VERSION, 1);
  assert.equal(await sha256(written.path), '6cb1d02958818350e5e560319fd3e1a23429baf58f9ee67cca77f1dce01d6a64');
});

test('describes a Gemma 3 projector into n_embd 128 for 32×32 images of 256 tokens', async () => {
  const { metadata: m, tensors } = await header(written.path);
  assert.equal(m['general.architecture'], 'clip');
  assert.equal(m['clip.projector_type'], 'gemma3');
  assert.equal(m['clip.vision.projection_dim'], 128);
  assert.equal(m['clip.vision.image_size'], 32);
  assert.equal(m['clip.vision.projector.scale_factor'], 1);
  assert.equal(m['general.size_label'], '844K');
  assert.equal(written.parameterCount, 844_288);
  assert.equal(gemma3ProjectorImageTokens(tiny), 256);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  assert.deepEqual(byName.get('mm.input_projection.weight')?.dims, [128, 128]);
  assert.equal(byName.get('mm.input_projection.weight')?.type, GgmlType.F16);
  assert.deepEqual(byName.get('v.patch_embd.weight')?.dims, [2, 2, 3, 128]);
  assert.deepEqual(byName.get('v.position_embd.weight')?.dims, [128, 256]);
  assert.equal(byName.get('v.blk.3.ffn_down.weight')?.type, GgmlType.Q8_0);
});

const noShared = !sharedExists && 'no ../shared/models';

test('mirrors mmproj-tinygemma3.gguf: same keys, value types and values, same tensors in order', { skip: noShared }, async () => {
  const ours = await header(written.path);
  const theirs = await header(SHARED_MMPROJ);
  // Ours adds its name, its generator stamp and the explicit alignment; theirs carries the
  // tags of the checkpoint it was trained from.
  const ourKeys = Object.keys(ours.metadata).filter((k) => !['general.name', 'gemserve.generator', 'general.alignment'].includes(k));
  const theirKeys = Object.keys(theirs.metadata).filter((k) => k !== 'general.tags');
  assert.deepEqual(ourKeys, theirKeys);
  for (const key of ourKeys) {
    assert.equal(ours.metadataTypes[key], theirs.metadataTypes[key], `type of ${key}`);
    assert.deepEqual(ours.metadata[key], theirs.metadata[key], key);
  }
  const shape = (h: GgufHeader) => h.tensors.map(({ name, dims, type, offset }) => ({ name, dims, type, offset }));
  assert.deepEqual(shape(ours), shape(theirs));
});

test('other shapes: a pooled projector into a wider model', async () => {
  const options: Gemma3ProjectorOptions = { ...tiny, imageSize: 64, patchSize: 4, scaleFactor: 4, projectionDim: 256, quantization: 'f16' };
  const file = path.join(dir, 'pooled.gguf');
  await writeGemma3Projector(file, options);
  const { metadata: m, tensors } = await header(file);
  assert.equal(m['clip.vision.projector.scale_factor'], undefined, "4 is clip.cpp's default, left out as the converter does");
  assert.equal(gemma3ProjectorImageTokens(options), 16);
  assert.deepEqual(tensors.find((t) => t.name === 'mm.input_projection.weight')?.dims, [256, 128]);
  assert.equal(tensors.find((t) => t.name === 'v.blk.0.attn_q.weight')?.type, GgmlType.F16);
});

test('sizeLabel rounds like gguf-py', () => {
  assert.equal(sizeLabel(844_288), '844K');
  assert.equal(sizeLabel(5_400), '5.4K');
  assert.equal(sizeLabel(1_234_567), '1.2M');
  assert.equal(sizeLabel(103_000_000), '103M');
  assert.equal(sizeLabel(7_241_732_096), '7.2B');
});

test('impossible shapes are refused before anything is written', async () => {
  const bad: Partial<Gemma3ProjectorOptions>[] = [
    { patchSize: 3 },
    { scaleFactor: 3 },
    { nHead: 3 },
    { nFf: 100 }, // Q8_0 rows
    { nLayer: 0 },
  ];
  for (const override of bad) {
    await assert.rejects(writeGemma3Projector(path.join(dir, 'bad.gguf'), { ...tiny, ...override }), RangeError, JSON.stringify(override));
  }
});
