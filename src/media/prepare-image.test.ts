import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { MediaInputError } from './media-input-error.js';
import { prepareImage } from './prepare-image.js';
import { bombPng, pixelAt, twoColourImage, twoFrameGif } from '../../test/fixtures/test-media.js';

const BIG = 10_000_000;
const isRed = ([r, g, b]: number[]) => r > 200 && g < 60 && b < 60;
const isBlue = ([r, g, b]: number[]) => b > 200 && r < 60 && g < 60;

test('EXIF orientation 6 is applied: the stored left half ends up on top', async () => {
  const jpeg = await sharp(await twoColourImage('jpeg', 40, 20)).withMetadata({ orientation: 6 }).jpeg().toBuffer();
  assert.equal((await sharp(jpeg).metadata()).orientation, 6);
  const out = await prepareImage(jpeg, { maxPixels: BIG });
  assert.equal(out.mimeType, 'image/jpeg');
  assert.deepEqual([out.width, out.height], [20, 40]);
  assert.ok(isRed(await pixelAt(out.data, 10, 5)), 'top is red');
  assert.ok(isBlue(await pixelAt(out.data, 10, 35)), 'bottom is blue');
  assert.equal((await sharp(out.data).metadata()).orientation, undefined, 'no orientation left to apply twice');
});

test('a decompression bomb (tiny PNG declaring 50000 x 50000) is refused from its header', async () => {
  const bomb = bombPng();
  assert.ok(bomb.length < 200);
  await assert.rejects(prepareImage(bomb, { maxPixels: BIG }), (e: unknown) => {
    assert.ok(e instanceof MediaInputError);
    assert.match(e.message, /50000 x 50000 pixels, more than the 67108864 pixels gemserve decodes/);
    return true;
  });
});

test('an animated GIF becomes its first frame, as PNG', async () => {
  const gif = await twoFrameGif();
  assert.equal((await sharp(gif).metadata()).pages, 2);
  const out = await prepareImage(gif, { maxPixels: BIG });
  assert.equal(out.mimeType, 'image/png');
  assert.equal(out.firstFrameOnly, true);
  assert.ok(isRed(await pixelAt(out.data, 3, 3)));
});

test('WebP becomes PNG; PNG stays PNG', async () => {
  const out = await prepareImage(await twoColourImage('webp'), { maxPixels: BIG });
  assert.equal(out.mimeType, 'image/png');
  assert.equal((await sharp(out.data).metadata()).format, 'png');
  assert.equal(out.firstFrameOnly, false);
  assert.equal((await prepareImage(await twoColourImage('png'), { maxPixels: BIG })).mimeType, 'image/png');
});

test('large images are scaled down to the pixel budget and to 3072 px a side, never up', async () => {
  const wide = await sharp({ create: { width: 4000, height: 1000, channels: 3, background: '#808080' } }).png().toBuffer();
  const capped = await prepareImage(wide, { maxPixels: BIG });
  assert.deepEqual([capped.width, capped.height], [3072, 768]);
  const budget = await prepareImage(wide, { maxPixels: 400_000 });
  assert.ok(budget.width * budget.height <= 400_000);
  assert.equal(budget.width, 1264);
  const small = await prepareImage(await twoColourImage('png', 40, 20), { maxPixels: BIG });
  assert.deepEqual([small.width, small.height], [40, 20]);
});

test('transparency is composited onto white', async () => {
  const clear = await sharp({ create: { width: 4, height: 4, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
  assert.deepEqual(await pixelAt((await prepareImage(clear, { maxPixels: BIG })).data, 1, 1), [255, 255, 255]);
});

test('garbage and truncated data are a MediaInputError, not a crash', async () => {
  await assert.rejects(prepareImage(Buffer.from('not an image at all'), { maxPixels: BIG }), MediaInputError);
  const png = await twoColourImage('png', 200, 200);
  await assert.rejects(prepareImage(png.subarray(0, 60), { maxPixels: BIG }), MediaInputError);
});

test('HEIC (HEVC) decodes through heif-convert when sharp cannot', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gemserve-heic-test-'));
  try {
    writeFileSync(join(dir, 'in.png'), await twoColourImage('png', 64, 32));
    try {
      execFileSync('heif-enc', ['-q', '90', join(dir, 'in.png'), '-o', join(dir, 'out.heic')], { stdio: 'ignore' });
    } catch {
      t.skip('heif-enc (Debian libheif-examples) is not installed');
      return;
    }
    const out = await prepareImage(readFileSync(join(dir, 'out.heic')), { maxPixels: BIG });
    assert.equal(out.mimeType, 'image/png');
    assert.deepEqual([out.width, out.height], [64, 32]);
    assert.equal(out.decodedBy, 'heif-convert', "sharp's prebuilt libvips has no HEVC decoder");
    assert.ok(isRed(await pixelAt(out.data, 8, 16)));
    assert.ok(isBlue(await pixelAt(out.data, 56, 16)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
