import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Content, Part } from '../api/gemini/types.js';
import type { EngineCapabilities, MessagePart } from '../core/engine.js';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Errors, isGemserveError } from '../core/errors.js';
import { hasCommand, minimalPdf, speechWav, testVideo, twoColourImage } from '../../test/fixtures/test-media.js';
import { DEFAULT_MEDIA_TOOLS } from './media-tools.js';
import { resolveMediaParts, type MediaContext } from './resolve-media-parts.js';

const TEXT_ONLY: EngineCapabilities = { maxCandidates: 1, contextTokens: 4096 };
const VISION: EngineCapabilities = { ...TEXT_ONLY, inputModalities: ['IMAGE'] };
const HEARING: EngineCapabilities = { ...TEXT_ONLY, inputModalities: ['IMAGE', 'AUDIO'] };
const ctx = (capabilities: EngineCapabilities, extra: Partial<MediaContext> = {}): MediaContext => ({ modelId: 'm', capabilities, ...extra });
const inline = (mimeType: string, data: Buffer): Part => ({ inlineData: { mimeType, data: data.toString('base64') } });
const one = (...parts: Part[]): { contents: Content[] } => ({ contents: [{ parts: [{ text: 'look' }, ...parts] }] });
const kinds = (parts: MessagePart[] | undefined) => (parts ?? []).map((p) => `${p.type}:${'source' in p && p.source ? p.source : '-'}`);

async function rejects400(promise: Promise<unknown>, message: RegExp, code?: string) {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isGemserveError(e), String(e));
    assert.equal(e.httpStatus, 400);
    assert.match(e.message, message);
    if (code) assert.equal(e.code, code);
    return true;
  });
}

const ffmpeg = hasCommand('ffmpeg') ? false : 'ffmpeg is not installed';
const poppler = hasCommand('pdftotext') ? false : 'poppler-utils is not installed';
const speech = ['ffmpeg', 'espeak-ng', 'pocketsphinx_continuous'].every(hasCommand) ? false : 'ffmpeg, espeak-ng or pocketsphinx is not installed';

test('an image reaches a vision engine as one prepared image part; the path is reported', async () => {
  const req = one(inline('image/jpeg', await twoColourImage('jpeg')));
  const { media, paths } = await resolveMediaParts(req, ctx(VISION));
  const parts = media.get(req.contents[0].parts[1]);
  assert.deepEqual(kinds(parts), ['image:-']);
  assert.equal(parts?.[0].type === 'image' && parts[0].mimeType, 'image/jpeg');
  assert.deepEqual(paths, ['image=pixels']);
  assert.equal(media.has(req.contents[0].parts[0]), false, 'text parts are left to the converter');
});

test('an image on a text-only engine is refused naming the part and the model', async () => {
  await rejects400(
    resolveMediaParts(one(inline('image/png', await twoColourImage('png'))), ctx(TEXT_ONLY)),
    /^Image input \(contents\[0\]\.parts\[1\]\.inline_data, image\/png\) is not supported by models\/m on this server/,
    'CAPABILITY_UNSUPPORTED',
  );
});

test('a MIME type contradicted by the bytes, an unsupported type and bad base64 name the part', async () => {
  await rejects400(resolveMediaParts(one(inline('image/png', await twoColourImage('jpeg'))), ctx(VISION)),
    /^contents\[0\]\.parts\[1\]\.inline_data: declared image\/png but the data is a JPEG image$/, 'INVALID_MEDIA');
  await rejects400(resolveMediaParts(one(inline('application/zip', Buffer.from('PK\x03\x04'))), ctx(VISION)),
    /^contents\[0\]\.parts\[1\]\.inline_data: Unsupported MIME type: application\/zip$/);
  await rejects400(resolveMediaParts({ contents: [{ parts: [{ inlineData: { mimeType: 'image/png', data: '%%%' } }] }] }, ctx(VISION)),
    /^contents\[0\]\.parts\[0\]\.inline_data\.data: Invalid value \(TYPE_BYTES\), Base64 decoding failed for "%%%"$/);
  await rejects400(resolveMediaParts({ systemInstruction: { parts: [inline('image/gif', Buffer.from('nope'))] } }, ctx(VISION)),
    /^system_instruction\.parts\[0\]\.inline_data: declared image\/gif but the data is UTF-8 text$/);
  await rejects400(resolveMediaParts(one(inline('image/png', await twoColourImage('jpeg'))), ctx(VISION), 'generate_content_request.'),
    /^generate_content_request\.contents\[0\]\.parts\[1\]\.inline_data: /);
});

test('fileData is read through the Files resolver, the part\'s MIME type winning', async () => {
  const png = await twoColourImage('png');
  const seen: string[] = [];
  const resolveFileData = async (uri: string) => {
    seen.push(uri);
    return { mimeType: 'image/png', data: new Uint8Array(png) };
  };
  const req = one({ fileData: { fileUri: 'files/abc123' } });
  const { media } = await resolveMediaParts(req, ctx(VISION, { resolveFileData }));
  assert.deepEqual(seen, ['files/abc123']);
  assert.deepEqual(kinds(media.get(req.contents[0].parts[1])), ['image:-']);
  await rejects400(resolveMediaParts(one({ fileData: { fileUri: 'files/abc123', mimeType: 'image/jpeg' } }), ctx(VISION, { resolveFileData })),
    /^contents\[0\]\.parts\[1\]\.file_data: declared image\/jpeg but the data is a PNG image$/);
  // No Files service: every file is unknown, with Google's 403.
  await assert.rejects(resolveMediaParts(one({ fileData: { fileUri: 'files/abc123' } }), ctx(VISION)), (e: unknown) =>
    isGemserveError(e) && e.httpStatus === 403 && /File abc123 or it may not exist/.test(e.message));
});

test('text documents become TEXT parts', async () => {
  const req = one(inline('text/csv', Buffer.from('\ufeffname,qty\napples,3\n')));
  const { media, paths } = await resolveMediaParts(req, ctx(TEXT_ONLY));
  assert.deepEqual(media.get(req.contents[0].parts[1]), [{ type: 'text', text: 'name,qty\napples,3\n' }]);
  assert.deepEqual(paths, ['document=text']);
});

test('a PDF on a text-only engine is its text, page by page, as DOCUMENT', { skip: poppler }, async () => {
  const req = one(inline('application/pdf', minimalPdf(['Invoice number 4711', 'Total due 99 EUR'])));
  const { media, paths } = await resolveMediaParts(req, ctx(TEXT_ONLY));
  assert.deepEqual(media.get(req.contents[0].parts[1]), [
    { type: 'text', text: '[page 1]\nInvoice number 4711', source: 'DOCUMENT' },
    { type: 'text', text: '[page 2]\nTotal due 99 EUR', source: 'DOCUMENT' },
  ]);
  assert.deepEqual(paths, ['document=text']);
});

test('a PDF on a vision engine is each page rendered, then its text', { skip: poppler }, async () => {
  const req = one(inline('application/pdf', minimalPdf(['one', 'two'])));
  const { media, paths } = await resolveMediaParts(req, ctx(VISION, { tools: DEFAULT_MEDIA_TOOLS }));
  assert.deepEqual(kinds(media.get(req.contents[0].parts[1])), ['image:DOCUMENT', 'text:DOCUMENT', 'image:DOCUMENT', 'text:DOCUMENT']);
  assert.deepEqual(paths, ['document=pages+text']);
});

test('audio on an engine that does not hear is transcribed (hello world)', { skip: speech }, async () => {
  const req = one(inline('audio/wav', speechWav('hello world')));
  const { media, paths } = await resolveMediaParts(req, ctx(TEXT_ONLY));
  const parts = media.get(req.contents[0].parts[1]);
  assert.deepEqual(kinds(parts), ['text:AUDIO']);
  assert.match(parts?.[0].type === 'text' ? parts[0].text : '', /^\[transcript of the audio\] .*\bhello\b/i);
  assert.deepEqual(paths, ['audio=transcript']);
});

test('audio on an engine that hears is a 16 kHz mono WAV part', { skip: ffmpeg }, async () => {
  const req = one(inline('audio/wav', speechWav('hello')));
  const { media, paths } = await resolveMediaParts(req, ctx(HEARING));
  const [part] = media.get(req.contents[0].parts[1]) ?? [];
  assert.ok(part.type === 'audio' && part.source === 'AUDIO');
  const wav = Buffer.from(part.data);
  assert.equal(wav.toString('latin1', 8, 12), 'WAVE');
  assert.equal(wav.readUInt16LE(22), 1, 'mono');
  assert.equal(wav.readUInt32LE(24), 16_000, '16 kHz');
  assert.deepEqual(paths, ['audio=native']);
});

test('no recogniser installed is a clear 400, not silence', { skip: ffmpeg }, async () => {
  const tools = { ...DEFAULT_MEDIA_TOOLS, recogniser: { ...DEFAULT_MEDIA_TOOLS.recogniser, command: 'gemserve-no-such-recogniser' } };
  await rejects400(resolveMediaParts(one(inline('audio/wav', speechWav('hello'))), ctx(TEXT_ONLY, { tools })),
    /^contents\[0\]\.parts\[1\]\.inline_data: transcribing audio for an engine that does not hear .* needs gemserve-no-such-recogniser, which is not installed on this server \(Debian: apt-get install pocketsphinx pocketsphinx-en-us\)\.$/,
    'MEDIA_TOOL_MISSING');
});

test('a video on a vision engine is timed frames (VIDEO) then its transcript (AUDIO)', { skip: speech }, async () => {
  const req = one({ ...inline('video/mp4', testVideo({ seconds: 2, audio: speechWav('hello world') })) });
  const { media, paths } = await resolveMediaParts(req, ctx(VISION));
  const parts = media.get(req.contents[0].parts[1]) ?? [];
  assert.deepEqual(kinds(parts), ['text:VIDEO', 'image:VIDEO', 'text:VIDEO', 'image:VIDEO', 'text:AUDIO']);
  assert.deepEqual(parts.filter((p) => p.type === 'text' && p.source === 'VIDEO').map((p) => p.type === 'text' && p.text), ['00:00', '00:01']);
  assert.deepEqual(paths, ['video=frames+transcript']);
});

test('video metadata is honoured and checked, with the path of the field', { skip: ffmpeg }, async () => {
  const video = testVideo({ seconds: 3 });
  const req = one({ ...inline('video/webm', testVideo({ seconds: 3, ext: 'webm' })), videoMetadata: { startOffset: '1s', fps: 2 } });
  const { media, paths } = await resolveMediaParts(req, ctx(VISION));
  assert.equal((media.get(req.contents[0].parts[1]) ?? []).filter((p) => p.type === 'image').length, 4);
  assert.deepEqual(paths, ['video=frames']);
  await rejects400(resolveMediaParts(one({ ...inline('video/mp4', video), videoMetadata: { fps: 30 } }), ctx(VISION)),
    /^contents\[0\]\.parts\[1\]\.video_metadata\.fps: fps must be in the range \(0\.0, 24\.0\], got 30$/);
  await rejects400(resolveMediaParts(one({ ...inline('video/mp4', video), videoMetadata: { startOffset: '9s' } }), ctx(VISION)),
    /video_metadata\.start_offset: 9s is past the end of the video/);
});

test('a video on a text-only engine is refused: its frames need vision', { skip: ffmpeg }, async () => {
  await rejects400(resolveMediaParts(one(inline('video/mp4', testVideo({ seconds: 1, audio: 'sine' }))), ctx(TEXT_ONLY)),
    /^Video input \(contents\[0\]\.parts\[1\]\.inline_data, video\/mp4: its frames need an engine that sees images\) is not supported by models\/m/);
});

test('an undecodable video is a 400 with the decoder\'s reason, and leaves no temp files', { skip: ffmpeg }, async () => {
  const mp4 = testVideo({ seconds: 1 });
  const leftovers = () => readdirSync(tmpdir()).filter((f) => f.startsWith('gemserve-media-')).length;
  const before = leftovers();
  await rejects400(resolveMediaParts(one(inline('video/mp4', mp4.subarray(0, 200))), ctx(VISION)),
    /^contents\[0\]\.parts\[1\]\.inline_data: the video could not be processed: ffprobe failed/);
  assert.equal(leftovers(), before);
});

test('an aborted request stops its decoders with the abort reason', { skip: speech }, async () => {
  const controller = new AbortController();
  const reason = Errors.cancelled();
  controller.abort(reason);
  await assert.rejects(resolveMediaParts(one(inline('audio/wav', speechWav('hello'))), ctx(TEXT_ONLY, { signal: controller.signal })), (e) => e === reason);
});
