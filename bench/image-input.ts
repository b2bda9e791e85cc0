/**
 * What image input costs: (a) gemserve's media step per image, (b) prompt processing with
 * images through HTTP on the llama-server engine with a vision projector.
 *
 *   npx tsx bench/image-input.ts [--quick] [--samples 20] [--reps 5] [--threads 1] [--context 4096]
 *
 * (a) Media step. Photo-like JPEGs (shapes, texture and sensor noise at quality 92, so they
 * compress like camera output; photo-like-jpeg.ts) at 640x480, 1920x1080 and 4000x3000, upright
 * and with EXIF orientation 6 (a phone held upright), each run through `resolveMediaParts` as
 * the HTTP handler runs it on a one-image `inlineData` request: base64 decode, MIME sniffing,
 * then `prepareImage` (header read, decode, orient, scale to the default HIGH budget of ~2.56 MP,
 * flatten, JPEG encode). `prepareImage` alone is timed beside it. Median and p95 of `--samples`.
 *
 * (b) Prompt processing. gemserve on the llama-server engine with the generated tiny gemma3
 * pair (`visionTestModels()[0]`: a 0.76M-parameter text model and a projector making 256
 * embeddings per image, +2 for `<start_of_image>`/`<end_of_image>`), threads 1, one slot. One
 * short text prompt with 0, 1, 4 and 8 distinct photo-like images (640x480 and 1920x1080), and
 * a text-only prompt about as long as the 8-image one. TTFT is send → first text chunk; prompt
 * tokens are `usageMetadata.promptTokenCount` (one untimed `:generateContent` of the same
 * request, prompt-usage.ts); prompt tokens/s = prompt tokens / TTFT. TTFT holds everything a
 * client waits for: gemserve's media step for every image, its token count (a call to the
 * child that loads the images too), llama-server decoding the images again, the projector and
 * the text model. The models are tiny, so this shows the pipeline's cost per image rather
 * than a real model's prompt rate. Every request starts with its own number, so llama-server
 * reuses no earlier evaluation; cases alternate order between repetitions. Beside TTFT, the
 * round trip of `:countTokens` for the same contents (the media step plus the child counting
 * the prompt, which decodes the images) shows how much of TTFT comes before generation starts.
 */
import sharp from 'sharp';
import type { GenerateContentRequest, Part } from '../src/api/gemini/types.js';
import type { EngineCapabilities } from '../src/core/engine.js';
import { choosePixelBudget } from '../src/media/choose-pixel-budget.js';
import { prepareImage } from '../src/media/prepare-image.js';
import { resolveMediaParts } from '../src/media/resolve-media-parts.js';
import { visionTestModels } from '../test/fixtures/test-models.js';
import { intOption, readBenchArgs } from './lib/cli-args.js';
import { fillerText, sentencesForTokens } from './lib/filler-text.js';
import { BENCH_MODEL_ID } from './lib/llama-server.js';
import { describeModel, modelSummary } from './lib/model-info.js';
import { photoLikeJpeg } from './lib/photo-like-jpeg.js';
import { printTable } from './lib/print-table.js';
import { promptUsage, type PromptUsage } from './lib/prompt-usage.js';
import { serveEngine } from './lib/serve-engine.js';
import { median, nowMs, percentile, round } from './lib/stats.js';
import { startLlamaServerEngine } from './lib/start-llama-server-engine.js';
import { streamGenerate, ttftMs } from './lib/stream-generate.js';
import { resultsHead, writeResults } from './lib/write-results.js';

const NAME = 'image-input';
const PREP_SIZES = [[640, 480], [1920, 1080], [4000, 3000]] as const;
const ORIENTATIONS = [1, 6] as const;
const HTTP_SIZES = [[640, 480], [1920, 1080]] as const;
const IMAGE_COUNTS = [1, 4, 8];
/** Tokens asked for after the prompt: enough that one is sure to carry text. */
const OUTPUT_TOKENS = 4;
const QUESTION = 'Describe what these pictures show.';
/** What the media step is told about the engine: it sees images. */
const SEEING: EngineCapabilities = { maxCandidates: 1, contextTokens: 4096, inputModalities: ['IMAGE'] };

const args = readBenchArgs(process.argv.slice(2), ['samples', 'reps', 'threads', 'context']);
const samples = intOption(args, 'samples', args.quick ? 3 : 20);
const reps = intOption(args, 'reps', args.quick ? 2 : 5);
const threads = intOption(args, 'threads', 1);
const contextSize = intOption(args, 'context', 4096);
const head = resultsHead(NAME, args.quick);
const sizeName = (w: number, h: number) => `${w}x${h}`;
const inline = (jpeg: Buffer): Part => ({ inlineData: { mimeType: 'image/jpeg', data: jpeg.toString('base64') } });

console.log(`(a) media step: ${samples} samples per input after 2 warm-ups; sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, ` +
  `concurrency ${sharp.concurrency()}${args.quick ? ' (QUICK)' : ''}`);

interface PrepRow {
  input: string;
  orientation: number;
  inputBytes: number;
  output: string;
  outputBytes: number;
  mediaStepMedianMs: number;
  mediaStepP95Ms: number;
  prepareImageMedianMs: number;
  prepareImageP95Ms: number;
}

const prep: PrepRow[] = [];
const maxPixels = choosePixelBudget('image', undefined);
for (const [width, height] of PREP_SIZES) {
  for (const orientation of ORIENTATIONS) {
    const jpeg = await photoLikeJpeg({ width, height, seed: width + orientation, orientation });
    const request: GenerateContentRequest = { contents: [{ role: 'user', parts: [inline(jpeg)] }] };
    const step = async () => {
      const t0 = nowMs();
      const { media } = await resolveMediaParts(request, { modelId: BENCH_MODEL_ID, capabilities: SEEING });
      return { ms: nowMs() - t0, media };
    };
    const alone = async () => {
      const t0 = nowMs();
      await prepareImage(jpeg, { maxPixels });
      return nowMs() - t0;
    };
    const { media } = await step();
    await alone();
    const stepMs: number[] = [];
    const aloneMs: number[] = [];
    // Interleaved, so drift in machine load hits both alike.
    for (let i = 0; i < samples; i++) {
      stepMs.push((await step()).ms);
      aloneMs.push(await alone());
    }
    const out = [...media.values()][0]?.[0];
    if (out?.type !== 'image') throw new Error('the media step returned no image part');
    const meta = await sharp(out.data).metadata();
    prep.push({
      input: sizeName(width, height), orientation, inputBytes: jpeg.length,
      output: `${sizeName(meta.width ?? 0, meta.height ?? 0)} ${out.mimeType.replace('image/', '')}`, outputBytes: out.data.length,
      mediaStepMedianMs: median(stepMs), mediaStepP95Ms: percentile(stepMs, 95),
      prepareImageMedianMs: median(aloneMs), prepareImageP95Ms: percentile(aloneMs, 95),
    });
  }
}

printTable(
  `${NAME} (a): media step per JPEG image (base64 + sniff + decode/orient/resize/encode), ${samples} samples${args.quick ? ' (QUICK: smoke run only)' : ''}`,
  ['input', 'EXIF orientation', 'input KB', 'output', 'output KB', 'media step median ms', 'p95 ms', 'prepareImage median ms', 'p95 ms'],
  prep.map((r) => [r.input, r.orientation, r.inputBytes / 1000, r.output, r.outputBytes / 1000, r.mediaStepMedianMs, r.mediaStepP95Ms, r.prepareImageMedianMs, r.prepareImageP95Ms]),
);

// (b) Prompt processing with images, through HTTP.
const pair = (await visionTestModels())[0];
const textModel = await describeModel(pair.model);
const projector = await describeModel(pair.mmproj);
console.log(`\n(b) vision pair ${pair.name} (${pair.source}): ${modelSummary(textModel)} + ${modelSummary(projector)}, ${pair.imageTokens} tokens/image; llama-server threads ${threads}, 1 slot, ` +
  `context ${contextSize}, ${reps} reps after a warm-up`);
const images = new Map<string, Buffer[]>();
for (const [width, height] of HTTP_SIZES) {
  const max = Math.max(...IMAGE_COUNTS);
  images.set(sizeName(width, height), await Promise.all(Array.from({ length: max }, (_, k) => photoLikeJpeg({ width, height, seed: 100 + k }))));
}

/** One kind of request: text only, or `count` images of `size`. */
interface Case {
  label: string;
  size: string | null;
  images: number;
  request: (rep: number) => GenerateContentRequest;
}
const ask = (rep: number, parts: Part[], text = QUESTION): GenerateContentRequest => ({
  contents: [{ role: 'user', parts: [{ text: `Request ${rep + 1}. ${text}` }, ...parts] }],
  generationConfig: { temperature: 0, maxOutputTokens: OUTPUT_TOKENS },
});

interface HttpRow {
  label: string;
  size: string | null;
  images: number;
  usage: PromptUsage;
  ttftMedianMs: number;
  ttftMinMs: number;
  ttftMaxMs: number;
  promptTokensPerSecond: number;
  /** `:countTokens` of the same request: the media step plus the child counting the prompt. */
  countTokensMedianMs: number;
}

/** Round trip of `:countTokens` for a generate request's contents, in ms. */
async function countTokensMs(baseUrl: string, body: GenerateContentRequest): Promise<number> {
  const t0 = nowMs();
  const res = await fetch(`${baseUrl}/v1beta/models/${BENCH_MODEL_ID}:countTokens`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': 'bench' }, body: JSON.stringify({ contents: body.contents }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`countTokens: HTTP ${res.status}: ${text}`);
  return nowMs() - t0;
}

const { engine, repack, version } = await startLlamaServerEngine({
  modelPath: pair.model, mmprojPath: pair.mmproj, threads, parallel: 1, contextSize, maxQueue: 8,
});
const served = await serveEngine(engine);
const rows: HttpRow[] = [];
let longSentences = 0;
try {
  const cases: Case[] = [{ label: 'text only', size: null, images: 0, request: (rep) => ask(rep, []) }];
  for (const [size, jpegs] of images) {
    for (const n of IMAGE_COUNTS) cases.push({ label: `${n} image${n > 1 ? 's' : ''}`, size, images: n, request: (rep) => ask(rep, jpegs.slice(0, n).map(inline)) });
  }
  // A text-only prompt as long as the longest image prompt: image tokens against text tokens.
  const longest = cases[cases.length - 1];
  const target = (await promptUsage(served.baseUrl, BENCH_MODEL_ID, longest.request(-1))).promptTokens;
  const longText = (n: number) => `${QUESTION} ${fillerText(n)}`;
  longSentences = await sentencesForTokens(target, async (n) => (await promptUsage(served.baseUrl, BENCH_MODEL_ID, ask(-1, [], longText(n)))).promptTokens);
  cases.push({ label: 'text only, as long as 8 images', size: null, images: 0, request: (rep) => ask(rep, [], longText(longSentences)) });

  for (const c of cases) {
    // Warm-up (not counted).
    await streamGenerate(served.baseUrl, BENCH_MODEL_ID, c.request(-1));
    await countTokensMs(served.baseUrl, c.request(-1));
  }
  const ttft = new Map<Case, number[]>(cases.map((c) => [c, []]));
  const counting = new Map<Case, number[]>(cases.map((c) => [c, []]));
  for (let rep = 0; rep < reps; rep++) {
    for (const c of rep % 2 ? [...cases].reverse() : cases) {
      ttft.get(c)!.push(ttftMs(await streamGenerate(served.baseUrl, BENCH_MODEL_ID, c.request(rep))));
      counting.get(c)!.push(await countTokensMs(served.baseUrl, c.request(rep)));
    }
  }
  for (const c of cases) {
    const usage = await promptUsage(served.baseUrl, BENCH_MODEL_ID, c.request(reps - 1));
    const ms = ttft.get(c)!;
    rows.push({
      label: c.label, size: c.size, images: c.images, usage,
      ttftMedianMs: median(ms), ttftMinMs: Math.min(...ms), ttftMaxMs: Math.max(...ms),
      promptTokensPerSecond: (usage.promptTokens * 1000) / median(ms),
      countTokensMedianMs: median(counting.get(c)!),
    });
  }
} finally {
  await served.close();
}

const textOnly = rows[0].ttftMedianMs;
printTable(
  `${NAME} (b): prompt processing with images, llama-server + ${pair.name}, threads ${threads}, median TTFT of ${reps} reps${args.quick ? ' (QUICK: smoke run only)' : ''}`,
  ['prompt', 'image size', 'prompt tokens', 'image tokens', 'TTFT ms', 'min', 'max', 'prompt tok/s', 'ms/image over text only', 'countTokens ms'],
  rows.map((r) => [
    r.label, r.size ?? '-', r.usage.promptTokens, r.usage.byModality.IMAGE ?? 0, r.ttftMedianMs, r.ttftMinMs, r.ttftMaxMs, r.promptTokensPerSecond,
    r.images ? (r.ttftMedianMs - textOnly) / r.images : '-', r.countTokensMedianMs,
  ]),
);
if (!repack) console.log('note: llama-server ran with --no-repack (LLAMA_ARG_REPACK=0): its default crashed here (SIGILL)');
console.log(`host: ${head.host.cores} cores, ${head.host.cpu}, node ${head.host.node}, load avg ${head.host.loadAverage1m}`);

if (!args.noWrite) {
  const path = writeResults(NAME, {
    ...head,
    mediaStep: {
      settings: {
        samples, warmup: 2, maxPixels, mediaResolution: 'default (HIGH)', jpegQuality: 92, orientations: ORIENTATIONS,
        sharp: sharp.versions.sharp, vips: sharp.versions.vips, sharpConcurrency: sharp.concurrency(),
        images: 'photo-like-jpeg.ts: SVG shapes + texture + sensor noise, seed = width + orientation',
      },
      rows: prep.map((r) => ({
        ...r, mediaStepMedianMs: round(r.mediaStepMedianMs), mediaStepP95Ms: round(r.mediaStepP95Ms),
        prepareImageMedianMs: round(r.prepareImageMedianMs), prepareImageP95Ms: round(r.prepareImageP95Ms),
      })),
    },
    promptProcessing: {
      model: { pair: pair.name, source: pair.source, imageTokens: pair.imageTokens, text: textModel, mmproj: projector },
      engine: { kind: 'llama-server', version, repack, threads, parallel: 1, contextSize },
      settings: {
        reps, warmup: 1, outputTokens: OUTPUT_TOKENS, temperature: 0, imageSizes: HTTP_SIZES.map(([w, h]) => sizeName(w, h)),
        imageCounts: IMAGE_COUNTS, prompt: `Request <n>. ${QUESTION}`, longTextSentences: longSentences, client: 'fetch, raw SSE',
      },
      rows: rows.map((r) => ({
        label: r.label, imageSize: r.size, images: r.images, promptTokens: r.usage.promptTokens, promptTokensByModality: r.usage.byModality,
        ttftMedianMs: round(r.ttftMedianMs), ttftMinMs: round(r.ttftMinMs), ttftMaxMs: round(r.ttftMaxMs),
        promptTokensPerSecond: round(r.promptTokensPerSecond), countTokensMedianMs: round(r.countTokensMedianMs),
      })),
    },
  });
  console.log(`wrote ${path}`);
}
