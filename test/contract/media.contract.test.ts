/**
 * Images, audio, video and PDFs through `@google/genai` against the real server: what reaches the
 * engine (recorded), what usage reports by modality, the `x-gemserve-media-path` header, and the
 * 400s that name the part. Engines: fakes that advertise what they take (one that sees, one that
 * does not), the Files API for `fileData`, and, when a llama-server build is at hand, the real
 * llama-server engine with the tiny gemma3 vision model and its projector.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPartFromUri, type GenerateContentResponse, type Part } from '@google/genai';
import type {
  ChatMessage, CountTokensInput, Engine, EngineCapabilities, GenerateEvent, GenerateInput, MessagePart, PromptTokenCount, TokensByModality,
} from '../../src/core/engine.js';
import { defaultEngineCacheDir } from '../../src/config/settings.js';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { partModality } from '../../src/core/engine.js';
import { FakeClock } from '../fixtures/fake-clock.js';
import { openLocalFileService } from '../../src/storage/open-file-service.js';
import { hasCommand, minimalPdf, speechWav, testVideo, twoColourImage } from '../fixtures/test-media.js';
import { visionTestModels } from '../fixtures/test-models.js';
import { genai, postJson, sdkError } from './helpers/clients.js';
import { RecordingEngine } from './helpers/recording-engine.js';
import { startServer, type TestServer } from './helpers/start-server.js';

/** Tokens the fake counts per image, as Gemini 2.x counts one 768 x 768 tile. */
const FAKE_IMAGE_TOKENS = 258;

/**
 * The fake engine, taking the media `inputModalities` says, with prompt tokens split by modality
 * as a real engine reports them: a word a token for text, 258 per image, 32 per audio part,
 * each under its part's `source` (video frames VIDEO, PDF text DOCUMENT, transcripts AUDIO).
 */
class MediaFakeEngine implements Engine {
  readonly kind = 'fake';
  readonly label = 'fake-media';
  readonly capabilities: EngineCapabilities;
  readonly #inner = new FakeEngine();

  constructor(inputModalities?: Array<'IMAGE' | 'AUDIO'>) {
    this.capabilities = { maxCandidates: 8, contextTokens: 1_000_000, ...(inputModalities ? { inputModalities } : {}) };
  }

  async countTokens(input: CountTokensInput): Promise<PromptTokenCount> {
    return count(input.messages);
  }

  async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    for await (const ev of this.#inner.stream(input)) {
      if (ev.type !== 'prompt') yield ev;
      else {
        const c = count(input.messages);
        yield { type: 'prompt', promptTokens: c.total, byModality: c.byModality ?? {} };
      }
    }
  }

  dispose(): Promise<void> {
    return this.#inner.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

function count(messages: ChatMessage[]): PromptTokenCount {
  const by: TokensByModality = {};
  const add = (p: MessagePart, n: number) => {
    const m = partModality(p);
    by[m] = (by[m] ?? 0) + n;
  };
  for (const p of messages.flatMap((m) => m.parts)) {
    add(p, p.type === 'text' ? p.text.split(/\s+/).filter(Boolean).length : p.type === 'image' ? FAKE_IMAGE_TOKENS : 32);
  }
  return { total: Object.values(by).reduce((a, b) => a + (b ?? 0), 0), byModality: by };
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const inline = (mimeType: string, data: Uint8Array): Part => ({ inlineData: { mimeType, data: b64(data) } });
const user = (...parts: Part[]) => [{ role: 'user', parts: [{ text: 'What is in this?' }, ...parts] }];
const mediaPath = (r: GenerateContentResponse) => r.sdkHttpResponse?.headers?.['x-gemserve-media-path'];
const details = (d: Array<{ modality?: string; tokenCount?: number }> | undefined) =>
  Object.fromEntries((d ?? []).map((x) => [x.modality, x.tokenCount]));
const kinds = (parts: MessagePart[]) => parts.map((p) => `${p.type}:${'source' in p && p.source ? p.source : '-'}`);

const ffmpeg = hasCommand('ffmpeg') ? false : 'ffmpeg (Debian ffmpeg) is not installed';
const poppler = hasCommand('pdftotext') ? false : 'poppler-utils is not installed';
const speech = ['ffmpeg', 'espeak-ng', 'pocketsphinx_continuous'].every(hasCommand) ? false : 'ffmpeg, espeak-ng or pocketsphinx is not installed';

describe('media input (contract, @google/genai, fake engines)', () => {
  const seeing = new RecordingEngine(new MediaFakeEngine(['IMAGE']));
  const blind = new RecordingEngine(new MediaFakeEngine());
  let server: TestServer;
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gemserve-media-contract-'));
    const files = await openLocalFileService({ dataDir, clock: new FakeClock() });
    server = await startServer({
      bindings: [{ id: 'vision-model', engine: seeing }, { id: 'text-model', engine: blind }],
      files,
    });
  });
  after(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** countTokens over raw HTTP, as Google answers it (with promptTokensDetails) and the media-path header. */
  async function countRaw(model: string, contents: unknown) {
    const res = await postJson(`${server.baseUrl}/v1beta/models/${model}:countTokens`, { contents });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { totalTokens: number; promptTokensDetails?: Array<{ modality?: string; tokenCount?: number }> };
    return { ...body, mediaPath: res.headers.get('x-gemserve-media-path') };
  }

  it('an inline image reaches a vision engine as an image part; usage shows IMAGE; the path is in a header', async () => {
    const ai = genai(server.baseUrl);
    const r = await ai.models.generateContent({ model: 'vision-model', contents: user(inline('image/png', await twoColourImage('png'))) });
    const parts = seeing.last.input.messages[0].parts;
    assert.deepEqual(kinds(parts), ['text:-', 'image:-']);
    assert.equal(parts[1].type === 'image' && parts[1].mimeType, 'image/png');
    assert.deepEqual(details(r.usageMetadata?.promptTokensDetails), { TEXT: 4, IMAGE: FAKE_IMAGE_TOKENS });
    assert.equal(r.usageMetadata?.promptTokenCount, 4 + FAKE_IMAGE_TOKENS);
    assert.equal(mediaPath(r), 'image=pixels');
    const counted = await ai.models.countTokens({ model: 'vision-model', contents: user(inline('image/png', await twoColourImage('png'))) });
    assert.equal(counted.totalTokens, r.usageMetadata?.promptTokenCount);
    // The SDK keeps only totalTokens of a countTokens answer; the split is on the wire.
    const raw = await countRaw('vision-model', user(inline('image/png', await twoColourImage('png'))));
    assert.deepEqual(details(raw.promptTokensDetails), { TEXT: 4, IMAGE: FAKE_IMAGE_TOKENS });
    assert.equal(raw.mediaPath, 'image=pixels');
  });

  it('streaming works the same, with the header on the stream', async () => {
    const ai = genai(server.baseUrl);
    const chunks: GenerateContentResponse[] = [];
    for await (const c of await ai.models.generateContentStream({ model: 'vision-model', contents: user(inline('image/webp', await twoColourImage('webp'))) })) chunks.push(c);
    assert.equal(mediaPath(chunks[0]), 'image=pixels');
    assert.equal(details(chunks.at(-1)?.usageMetadata?.promptTokensDetails).IMAGE, FAKE_IMAGE_TOKENS);
    const image = seeing.last.input.messages[0].parts[1];
    assert.equal(image.type === 'image' && image.mimeType, 'image/png', 'WebP arrives as PNG');
  });

  it('a fileData part is read from the caller\'s Files', async () => {
    const ai = genai(server.baseUrl);
    const file = await ai.files.upload({ file: new Blob([new Uint8Array(await twoColourImage('jpeg'))], { type: 'image/jpeg' }) });
    const r = await ai.models.generateContent({ model: 'vision-model', contents: user(createPartFromUri(file.uri!, file.mimeType!)) });
    assert.deepEqual(kinds(seeing.last.input.messages[0].parts), ['text:-', 'image:-']);
    assert.equal(mediaPath(r), 'image=pixels');
    const { body } = await sdkError(
      ai.models.generateContent({ model: 'vision-model', contents: user(createPartFromUri('files/doesnotexist1', 'image/png')) }), 403, 'PERMISSION_DENIED',
    );
    assert.equal(body.error.message, 'You do not have permission to access the File doesnotexist1 or it may not exist.');
  });

  it('a declared type the bytes contradict is a 400 naming the part', async () => {
    const ai = genai(server.baseUrl);
    const { body } = await sdkError(
      ai.models.generateContent({ model: 'vision-model', contents: user(inline('image/png', await twoColourImage('jpeg'))) }), 400, 'INVALID_ARGUMENT',
    );
    assert.equal(body.error.message, 'contents[0].parts[1].inline_data: declared image/png but the data is a JPEG image');
    assert.deepEqual(body.error.details?.[0].fieldViolations, [{ field: 'contents[0].parts[1].inline_data', description: body.error.message }]);
  });

  it('an unsupported type is a 400 naming the part', async () => {
    const ai = genai(server.baseUrl);
    const { body } = await sdkError(
      ai.models.countTokens({ model: 'vision-model', contents: user(inline('application/zip', Buffer.from('PK\x03\x04rest'))) }), 400, 'INVALID_ARGUMENT',
    );
    assert.equal(body.error.message, 'contents[0].parts[1].inline_data: Unsupported MIME type: application/zip');
  });

  it('an image on a text-only engine is a 400 naming the part and the model, and the engine never runs', async () => {
    const ai = genai(server.baseUrl);
    blind.reset();
    const { body } = await sdkError(
      ai.models.generateContent({ model: 'text-model', contents: user(inline('image/png', await twoColourImage('png'))) }), 400, 'INVALID_ARGUMENT',
    );
    assert.match(body.error.message, /^Image input \(contents\[0\]\.parts\[1\]\.inline_data, image\/png\) is not supported by models\/text-model on this server/);
    assert.equal(blind.generations.length, 0);
  });

  it('audio on an engine that does not hear arrives as a transcript counted as AUDIO', { skip: speech }, async () => {
    const ai = genai(server.baseUrl);
    const r = await ai.models.generateContent({ model: 'text-model', contents: user(inline('audio/wav', speechWav('hello world'))) });
    const parts = blind.last.input.messages[0].parts;
    assert.deepEqual(kinds(parts), ['text:-', 'text:AUDIO']);
    assert.match(parts[1].type === 'text' ? parts[1].text : '', /^\[transcript of the audio\] .*\bhello\b/i);
    assert.equal(mediaPath(r), 'audio=transcript');
    assert.ok((details(r.usageMetadata?.promptTokensDetails).AUDIO ?? 0) > 0);
  });

  it('a video on a vision engine arrives as timed frames (VIDEO) plus its transcript (AUDIO)', { skip: speech }, async () => {
    const ai = genai(server.baseUrl);
    const video = testVideo({ seconds: 2, audio: speechWav('hello world') });
    const r = await ai.models.generateContent({ model: 'vision-model', contents: user(inline('video/mp4', video)) });
    const parts = seeing.last.input.messages[0].parts;
    assert.deepEqual(kinds(parts), ['text:-', 'text:VIDEO', 'image:VIDEO', 'text:VIDEO', 'image:VIDEO', 'text:AUDIO']);
    assert.equal(mediaPath(r), 'video=frames+transcript');
    const by = details(r.usageMetadata?.promptTokensDetails);
    assert.equal(by.VIDEO, 2 * FAKE_IMAGE_TOKENS + 2, 'two frames and their two timestamps');
    assert.ok((by.AUDIO ?? 0) > 0);
  });

  it('videoMetadata fps and offsets are honoured', { skip: ffmpeg }, async () => {
    const ai = genai(server.baseUrl);
    const part = { ...inline('video/mp4', testVideo({ seconds: 3 })), videoMetadata: { startOffset: '1s', endOffset: '3s', fps: 2 } };
    await ai.models.generateContent({ model: 'vision-model', contents: user(part) });
    const stamps = seeing.last.input.messages[0].parts.filter((p) => p.type === 'text' && p.source === 'VIDEO').map((p) => p.type === 'text' && p.text);
    assert.deepEqual(stamps, ['00:01', '00:01', '00:02', '00:02']);
  });

  it('a video on a text-only engine is a 400: its frames need vision', { skip: ffmpeg }, async () => {
    const ai = genai(server.baseUrl);
    const { body } = await sdkError(
      ai.models.generateContent({ model: 'text-model', contents: user(inline('video/mp4', testVideo({ seconds: 1, audio: 'sine' }))) }), 400, 'INVALID_ARGUMENT',
    );
    assert.match(body.error.message, /^Video input \(contents\[0\]\.parts\[1\]\.inline_data, video\/mp4: its frames need an engine that sees images\)/);
  });

  it('a PDF on a text-only engine is its text, counted as DOCUMENT', { skip: poppler }, async () => {
    const ai = genai(server.baseUrl);
    const pdf = minimalPdf(['The invoice number is 4711', 'Total due 99 EUR']);
    const r = await ai.models.generateContent({ model: 'text-model', contents: user(inline('application/pdf', pdf)) });
    const parts = blind.last.input.messages[0].parts;
    assert.deepEqual(parts.slice(1), [
      { type: 'text', text: '[page 1]\nThe invoice number is 4711', source: 'DOCUMENT' },
      { type: 'text', text: '[page 2]\nTotal due 99 EUR', source: 'DOCUMENT' },
    ]);
    assert.equal(mediaPath(r), 'document=text');
    assert.deepEqual(details(r.usageMetadata?.promptTokensDetails), { TEXT: 4, DOCUMENT: 13 });
  });

  it('a PDF on a vision engine is its pages as images and their text, all DOCUMENT', { skip: poppler }, async () => {
    const r = await countRaw('vision-model', user(inline('application/pdf', minimalPdf(['one page']))));
    assert.deepEqual(details(r.promptTokensDetails), { TEXT: 4, DOCUMENT: FAKE_IMAGE_TOKENS + 4 });
    assert.equal(r.mediaPath, 'document=pages+text');
  });

  it('a text document is text', async () => {
    const ai = genai(server.baseUrl);
    const r = await ai.models.generateContent({ model: 'text-model', contents: user(inline('text/markdown', Buffer.from('# Title\n\nSome *notes*.'))) });
    assert.deepEqual(blind.last.input.messages[0].parts[1], { type: 'text', text: '# Title\n\nSome *notes*.' });
    assert.equal(mediaPath(r), 'document=text');
  });
});

/** The real llama-server engine, when a build is at hand (on PATH or from `gemserve engine build`). */
async function realVisionEngine(): Promise<{ engine: Engine; imageTokens: number } | string> {
  const { createLlamaServerEngine } = await import('../../src/engines/llama-server/llama-server-engine.js');
  const { findLlamaServerBinary } = await import('../../src/engines/llama-server/find-llama-server-binary.js');
  const cacheDir = defaultEngineCacheDir(process.env);
  try {
    await findLlamaServerBinary({ cacheDir });
  } catch (e) {
    return `no llama-server binary: ${(e as Error).message.split('\n')[0]}`;
  }
  const [pair] = await visionTestModels();
  const engine = await createLlamaServerEngine({ modelPath: pair.model, mmprojPath: pair.mmproj, cacheDir, parallel: 1, contextSize: 1024, threads: 1 });
  return { engine, imageTokens: pair.imageTokens };
}

describe('media input through the real llama-server engine and gemma3 projector (contract)', async () => {
  const real = await realVisionEngine().catch((e: unknown) => `the llama-server engine did not start: ${String(e)}`);
  const skip = typeof real === 'string' ? real : false;
  let server: TestServer;
  let dataDir: string | undefined;
  before(async () => {
    if (typeof real === 'string') return;
    dataDir = await mkdtemp(join(tmpdir(), 'gemserve-media-real-'));
    const files = await openLocalFileService({ dataDir, clock: new FakeClock() });
    server = await startServer({ bindings: [{ id: 'gemma-vision', engine: real.engine }], files });
  });
  after(async () => {
    await server?.close();
    if (typeof real !== 'string') await real.engine.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('an uploaded image (fileData) reaches the model through the projector, counted like the same image inline', { skip }, async () => {
    assert.ok(typeof real !== 'string');
    const ai = genai(server.baseUrl);
    const bytes = await twoColourImage('jpeg', 300, 200);
    const file = await ai.files.upload({ file: new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }) });
    const config = { temperature: 0, maxOutputTokens: 4 };
    const viaFile = await ai.models.generateContent({ model: 'gemma-vision', contents: user(createPartFromUri(file.uri!, file.mimeType!)), config });
    const viaInline = await ai.models.generateContent({ model: 'gemma-vision', contents: user(inline('image/jpeg', bytes)), config });
    assert.equal(details(viaFile.usageMetadata?.promptTokensDetails).IMAGE, details(viaInline.usageMetadata?.promptTokensDetails).IMAGE);
    assert.ok((details(viaFile.usageMetadata?.promptTokensDetails).IMAGE ?? 0) >= real.imageTokens);
    assert.equal(viaFile.text, viaInline.text, 'same pixels, same greedy answer');
  });

  it('an inline image reaches the model through the projector: more prompt tokens, reported as IMAGE', { skip }, async () => {
    assert.ok(typeof real !== 'string');
    assert.deepEqual(real.engine.capabilities.inputModalities, ['IMAGE']);
    const ai = genai(server.baseUrl);
    const config = { temperature: 0, maxOutputTokens: 4 };
    const without = await ai.models.generateContent({ model: 'gemma-vision', contents: user(), config });
    const withImage = await ai.models.generateContent({ model: 'gemma-vision', contents: user(inline('image/jpeg', await twoColourImage('jpeg', 300, 200))), config });
    const u = withImage.usageMetadata!;
    assert.ok(u.promptTokenCount! > without.usageMetadata!.promptTokenCount!, `${u.promptTokenCount} vs ${without.usageMetadata!.promptTokenCount}`);
    const image = details(u.promptTokensDetails).IMAGE ?? 0;
    assert.ok(image >= real.imageTokens, `IMAGE ${image} < the projector's ${real.imageTokens} tokens`);
    assert.equal(mediaPath(withImage), 'image=pixels');
    const counted = await ai.models.countTokens({ model: 'gemma-vision', contents: user(inline('image/jpeg', await twoColourImage('jpeg', 300, 200))) });
    assert.equal(counted.totalTokens, u.promptTokenCount);
  });
});
