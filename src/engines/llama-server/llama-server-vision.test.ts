import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectGeneration, type ChatMessage, type GenerateInput } from '../../core/engine.js';
import { defaultEngineCacheDir } from '../../config/settings.js';
import { encodePng } from '../../../test/fixtures/encode-png.js';
import { visionTestModels, type VisionTestModel } from '../../../test/fixtures/test-models.js';
import { findLlamaServerBinary } from './find-llama-server-binary.js';
import { createLlamaServerEngine, type LlamaServerEngine } from './llama-server-engine.js';

const binary = await findLlamaServerBinary({ cacheDir: defaultEngineCacheDir(process.env) }).then((b) => b.path, () => undefined);
const skip = binary ? false : 'no llama-server binary: run `gemserve engine build` (or put llama-server on PATH) to run these tests';
const pairs: VisionTestModel[] = binary ? await visionTestModels() : [];

/** An RGB PNG, `w` x `h`, whose left half is `left` and right half `right` ([r, g, b]). */
function png(w: number, h: number, left: number[], right: number[]): Uint8Array {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) raw.set(x < w / 2 ? left : right, y * (w * 3 + 1) + 1 + x * 3);
  }
  return encodePng(w, h, 2, raw);
}

const redBlue = png(64, 48, [255, 0, 0], [0, 0, 255]);
const image = (data = redBlue, source?: 'VIDEO') =>
  ({ type: 'image' as const, mimeType: 'image/png', data, ...(source ? { source } : {}) });
const ask = (...parts: ChatMessage['parts']): ChatMessage[] => [{ role: 'user', parts: [{ type: 'text', text: 'What is this?' }, ...parts] }];
const input = (messages: ChatMessage[], max = 8): GenerateInput =>
  ({ messages, candidateCount: 1, signal: new AbortController().signal, sampling: { maxOutputTokens: max, stopSequences: [], temperature: 0, seed: 1 } });

describe('llama-server engine with a vision projector', { skip, timeout: 180_000 }, () => {
  for (const pair of pairs) {
    describe(pair.name, () => {
      let engine: LlamaServerEngine;
      before(async () => {
        engine = await createLlamaServerEngine({ modelPath: pair.model, mmprojPath: pair.mmproj, binary, contextSize: 1024, parallel: 1 });
      });
      after(async () => { await engine?.dispose(); });

      it('takes images, and not audio (a Gemma 3 projector does not hear)', () => {
        assert.deepEqual(engine.capabilities.inputModalities, ['IMAGE']);
      });

      it("counts an image's tokens under IMAGE, equal to the generation's prompt count and to llama-server's", async () => {
        const text = await engine.countTokens({ messages: ask() });
        const withImage = await engine.countTokens({ messages: ask(image()) });
        // The projector's embeddings plus the <start_of_image> and <end_of_image> around them.
        assert.deepEqual(withImage.byModality, { IMAGE: pair.imageTokens + 2, TEXT: text.total });
        assert.equal(withImage.total, text.total + pair.imageTokens + 2);
        const r = await collectGeneration(engine.stream(input(ask(image()))));
        assert.equal(r.promptTokens, withImage.total);
        assert.deepEqual(r.promptByModality, withImage.byModality);
        const res = await fetch(`${engine.baseUrl}/v1/chat/completions`, {
          method: 'POST',
          body: JSON.stringify({
            n_predict: 1,
            messages: [{ role: 'user', content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from(redBlue).toString('base64')}` } },
            ] }],
          }),
        });
        assert.equal(((await res.json()) as { usage: { prompt_tokens: number } }).usage.prompt_tokens, withImage.total);
      });

      it('splits video frames (images with source VIDEO) from images', async () => {
        const count = await engine.countTokens({ messages: ask(image(), image(redBlue, 'VIDEO'), image(redBlue, 'VIDEO')) });
        const per = pair.imageTokens + 2;
        assert.equal(count.byModality?.IMAGE, per);
        assert.equal(count.byModality?.VIDEO, 2 * per);
        assert.equal(count.total, Object.values(count.byModality ?? {}).reduce((a, b) => a + (b ?? 0), 0));
      });

      it('the image reaches the model: it changes what the model says', async () => {
        const without = await collectGeneration(engine.stream(input(ask())));
        const withImage = await collectGeneration(engine.stream(input(ask(image()))));
        assert.notEqual(withImage.candidates[0].text, without.candidates[0].text);
      });

      it('refuses bytes that are not an image as the request\'s fault (400)', async () => {
        const broken = image(new Uint8Array([1, 2, 3, 4]));
        await assert.rejects(collectGeneration(engine.stream(input(ask(broken)))), { code: 'INVALID_ARGUMENT' });
      });
    });
  }
});
