import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { hasCommand, testVideo } from '../../test/fixtures/test-media.js';
import { MediaInputError } from './media-input-error.js';
import { DEFAULT_MEDIA_TOOLS as tools } from './media-tools.js';
import { parseVideoClip } from './parse-video-clip.js';
import { probeMedia } from './probe-media.js';
import { sampleVideoFrames } from './sample-video-frames.js';
import { withTempDir } from './with-temp-dir.js';

const skip = hasCommand('ffmpeg') ? false : 'ffmpeg (Debian ffmpeg) is not installed';

async function frames(video: Buffer, meta?: object, maxFrames?: number) {
  return withTempDir(async (dir) => {
    const input = join(dir, 'input');
    await writeFile(input, video);
    const probe = await probeMedia(input, tools, {});
    assert.ok(probe.video);
    return sampleVideoFrames(input, dir, parseVideoClip(meta), tools, {
      width: probe.video.width, height: probe.video.height, durationSeconds: probe.durationSeconds, maxPixels: 160_000, ...(maxFrames ? { maxFrames } : {}),
    });
  });
}

test('a 3 s video at the default 1 fps gives 3 frames, timed 0, 1, 2 s, as JPEG', { skip }, async () => {
  const got = await frames(testVideo({ seconds: 3 }));
  assert.deepEqual(got.map((f) => f.seconds), [0, 1, 2]);
  const meta = await sharp(got[0].data).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.deepEqual([meta.width, meta.height], [64, 64], 'small frames are not enlarged');
});

test('fps and offsets are honoured: 2 fps from 1 s to 3 s gives 4 frames', { skip }, async () => {
  const got = await frames(testVideo({ seconds: 3 }), { startOffset: '1s', endOffset: '3s', fps: 2 });
  assert.deepEqual(got.map((f) => f.seconds), [1, 1.5, 2, 2.5]);
  // testsrc draws a different picture every frame: the samples really come from different times.
  assert.notDeepEqual(got[0].data, got[3].data);
});

test('frames are scaled down to the frame pixel budget', { skip }, async () => {
  const got = await frames(testVideo({ seconds: 1, size: '1280x720' }));
  const meta = await sharp(got[0].data).metadata();
  assert.ok((meta.width ?? 0) * (meta.height ?? 0) <= 160_000);
  assert.equal(meta.width, 532);
});

test('more frames than the cap is a 400-worthy error before any decoding', { skip }, async () => {
  await assert.rejects(frames(testVideo({ seconds: 3 }), { fps: 10 }, 20), (e: unknown) => {
    assert.ok(e instanceof MediaInputError);
    assert.match(e.message, /would be 30 frames at 10 fps, more than the 20 gemserve samples/);
    return true;
  });
});
