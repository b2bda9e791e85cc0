import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MediaInputError } from './media-input-error.js';
import { formatTimestamp, parseVideoClip } from './parse-video-clip.js';

test('defaults: whole video at 1 fps', () => {
  assert.deepEqual(parseVideoClip(undefined), { startSeconds: 0, fps: 1 });
  assert.deepEqual(parseVideoClip({ startOffset: '1.5s', endOffset: '10s', fps: 2 }), { startSeconds: 1.5, endSeconds: 10, fps: 2 });
});

test('bad offsets and fps name their field', () => {
  const bad: Array<[object, RegExp]> = [
    [{ startOffset: '1.5' }, /^video_metadata\.start_offset: Invalid value \(type\.googleapis\.com\/google\.protobuf\.Duration\), "1\.5"$/],
    [{ startOffset: '5s', endOffset: '2s' }, /^video_metadata\.end_offset: end_offset \(2s\) must be after start_offset \(5s\)$/],
    [{ fps: 0 }, /^video_metadata\.fps: fps must be in the range \(0\.0, 24\.0\], got 0$/],
    [{ fps: 25 }, /^video_metadata\.fps/],
  ];
  for (const [meta, message] of bad) {
    assert.throws(() => parseVideoClip(meta), (e: unknown) => e instanceof MediaInputError && message.test(e.message));
  }
});

test('timestamps are MM:SS, HH:MM:SS past an hour', () => {
  assert.equal(formatTimestamp(0), '00:00');
  assert.equal(formatTimestamp(75.4), '01:15');
  assert.equal(formatTimestamp(3725), '01:02:05');
});
