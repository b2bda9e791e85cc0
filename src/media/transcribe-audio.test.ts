import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasCommand, speechWav } from '../../test/fixtures/test-media.js';
import { decodeAudio } from './decode-audio.js';
import { MediaToolMissingError } from './media-input-error.js';
import { DEFAULT_MEDIA_TOOLS as tools } from './media-tools.js';
import { transcribeAudio } from './transcribe-audio.js';
import { withTempDir } from './with-temp-dir.js';

const missing = ['ffmpeg', 'espeak-ng', 'pocketsphinx_continuous'].filter((c) => !hasCommand(c));
const skip = missing.length ? `not installed: ${missing.join(', ')}` : false;

test('espeak-ng saying "hello world" is transcribed by PocketSphinx', { skip }, async () => {
  const text = await withTempDir(async (dir) => {
    await writeFile(join(dir, 'speech.wav'), speechWav('hello world'));
    return transcribeAudio(await decodeAudio(join(dir, 'speech.wav'), dir, tools, undefined, {}), tools, {});
  });
  // Loose but real: the recogniser is small and the voice synthetic; "hello" is what it must hear.
  assert.match(text, /\bhello\b/i);
});

test('a missing recogniser is a MediaToolMissingError naming its Debian packages', async () => {
  const absent = { ...tools.recogniser, command: 'gemserve-no-such-recogniser' };
  await assert.rejects(transcribeAudio('/dev/null', { ...tools, recogniser: absent }, {}), (e: unknown) => {
    assert.ok(e instanceof MediaToolMissingError);
    assert.equal(e.packages, 'pocketsphinx pocketsphinx-en-us');
    return true;
  });
});
