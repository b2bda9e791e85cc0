/**
 * `gemserve batch` end to end, direct mode: the real server (createApp on a loopback port)
 * with a fake engine that sees images, bound as gemini-2.5-flash so the estimate and the cost
 * use Google's price; a folder of generated images, one file that only looks like an image and
 * one image the engine fails on; then results.jsonl, summary.json, stdout and the exit code.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type {
  CountTokensInput, Engine, EngineCapabilities, GenerateEvent, GenerateInput, MessagePart, PromptTokenCount,
} from '../../core/engine.js';
import { FakeEngine } from '../../engines/fake/fake-engine.js';
import { twoColourImage } from '../../../test/fixtures/test-media.js';
import { startServer, type TestServer } from '../../../test/contract/helpers/start-server.js';
import { captureContext } from '../cli-context.js';
import { main } from '../main.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { createBatchCommand } from './batch.js';
import type { BatchResult } from '../batch/batch-result.js';
import type { BatchSummary } from '../batch/summarize-batch.js';

/** Tokens per image, as Gemini 2.x counts one 768 x 768 tile. */
const IMAGE_TOKENS = 258;
/** Images wider than this make the engine fail: a request that reaches the server and errors there. */
const FAIL_WIDER_THAN = 200;

/** The fake engine, seeing images: a word a token for text, 258 per image. */
class SeeingFakeEngine implements Engine {
  readonly kind = 'fake';
  readonly label = 'fake-vision';
  readonly capabilities: EngineCapabilities = { maxCandidates: 1, contextTokens: 1_000_000, inputModalities: ['IMAGE'] };
  readonly #inner = new FakeEngine();
  calls = 0;
  onCall?: (n: number) => void;
  /** Waits this long (or until aborted) before answering. */
  delayMs = 0;

  async countTokens(input: CountTokensInput): Promise<PromptTokenCount> {
    return count(input.messages.flatMap((m) => m.parts));
  }

  async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    this.onCall?.(++this.calls);
    if (this.delayMs) await new Promise((r) => { const t = setTimeout(r, this.delayMs); input.signal.addEventListener('abort', () => { clearTimeout(t); r(undefined); }); });
    const parts = input.messages.flatMap((m) => m.parts);
    for (const p of parts) {
      if (p.type === 'image' && ((await sharp(p.data).metadata()).width ?? 0) > FAIL_WIDER_THAN) throw new Error('fake engine: image too wide');
    }
    for await (const ev of this.#inner.stream(input)) {
      yield ev.type === 'prompt' ? { type: 'prompt', promptTokens: count(parts).total, byModality: count(parts).byModality ?? {} } : ev;
    }
  }

  dispose(): Promise<void> {
    return this.#inner.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

function count(parts: MessagePart[]): PromptTokenCount {
  let text = 0;
  let image = 0;
  for (const p of parts) {
    if (p.type === 'text') text += p.text.split(/\s+/).filter(Boolean).length;
    else if (p.type === 'image') image += IMAGE_TOKENS;
  }
  return { total: text + image, byModality: { ...(text ? { TEXT: text } : {}), ...(image ? { IMAGE: image } : {}) } };
}

const readLines = async (file: string) => (await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as BatchResult & { notRun?: true });

describe('gemserve batch against a real gemserve', () => {
  let dir: string;
  let images: string;
  let server: TestServer;
  const engine = new SeeingFakeEngine();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gemserve-batch-'));
    images = join(dir, 'images');
    await mkdir(images);
    await writeFile(join(images, 'img1.png'), await twoColourImage('png'));
    await writeFile(join(images, 'img2.jpg'), await twoColourImage('jpeg'));
    await writeFile(join(images, 'img3.webp'), await twoColourImage('webp'));
    await writeFile(join(images, 'img10.png'), await twoColourImage('png', 300, 20)); // the engine fails on it
    await writeFile(join(images, 'broken.jpg'), 'this is not a JPEG');
    await writeFile(join(images, 'README.txt'), 'photos from the trip');
    server = await startServer({ bindings: [{ id: 'gemini-2.5-flash', engine }] });
  });
  after(async () => {
    await server?.close();
    await engine.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a folder: estimate, one result line per image in name order, summary, exit 1 for the failures', async () => {
    const out = join(dir, 'run1');
    const ctx = captureContext({ cwd: dir, env: { GEMINI_API_KEY: 'AIzaTEST' } });
    const code = await main(['batch', images, '--server', server.baseUrl, '--model', 'gemini-2.5-flash',
      '--prompt', 'What colours are in this picture?', '--out', out, '--max-output-tokens', '40'], ctx);
    assert.equal(code, 1, ctx.err());

    // The estimate: 3 sendable images (broken.jpg is refused), each 258 + 6 prompt words, as the server counts them.
    const perImage = IMAGE_TOKENS + 6;
    assert.match(ctx.out(), new RegExp(`estimate for 4 requests to gemini-2\\.5-flash:\\n  prompt tokens ${(4 * perImage).toLocaleString('en-US')} \\(counted by the server\\)`));
    assert.match(ctx.out(), /input cost\s+\$0\.00031\d/); // 1056 × $0.30 / 1M, per request rounded
    assert.match(ctx.out(), /at most\s+\$0\.000\d+ \(if every request writes its 160 output tokens in all\)/);
    assert.match(ctx.err(), /5 inputs from .*images, 1 refused; skipped 1 non-image file \(README\.txt\)/);
    assert.match(ctx.err(), /^batch: 5\/5 done, 2 failed, /m); // plain progress lines off a TTY

    const lines = await readLines(join(out, 'results.jsonl'));
    assert.deepEqual(lines.map((l) => [l.key, l.ok]), [['broken.jpg', false], ['img1.png', true], ['img2.jpg', true], ['img3.webp', true], ['img10.png', false]]);
    assert.equal(lines[0].error?.message, 'not an image: broken.jpg holds UTF-8 text');
    assert.equal(lines[0].latencyMs, undefined); // never sent
    assert.equal(lines[4].error?.httpStatus, 500);
    for (const l of lines.filter((x) => x.ok)) {
      assert.equal(l.file, l.key);
      assert.equal(l.prompt, 'What colours are in this picture?');
      assert.ok(l.text && l.text.length > 0);
      assert.equal(l.tokens?.prompt, perImage);
      assert.ok(l.tokens!.output > 0 && l.tokens!.output <= 40);
      assert.equal(l.tokens!.total, l.tokens!.prompt + l.tokens!.output);
      assert.ok(typeof l.latencyMs === 'number' && l.latencyMs >= 0);
      assert.equal(l.response?.usageMetadata?.promptTokensDetails?.find((d) => d.modality === 'IMAGE')?.tokenCount, IMAGE_TOKENS);
      assert.ok(l.costUsd! > 0);
    }

    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as BatchSummary;
    const ok = lines.filter((l) => l.ok);
    assert.deepEqual(
      [summary.mode, summary.requests, summary.succeeded, summary.failed, summary.notRun, summary.interrupted],
      ['direct', 5, 3, 2, 0, false]);
    assert.deepEqual(summary.errors.map((e) => e.key), ['broken.jpg', 'img10.png']);
    assert.equal(summary.tokens.prompt, 3 * perImage);
    assert.equal(summary.tokens.output, ok.reduce((a, l) => a + l.tokens!.output, 0));
    assert.equal(summary.costUsd, ok.reduce((a, l) => a + Math.round(l.costUsd! * 1e6), 0) / 1e6);
    assert.ok(summary.latencyMs && summary.latencyMs.p50 <= summary.latencyMs.p95 && summary.latencyMs.p95 <= summary.latencyMs.max);
    assert.equal(summary.latencyMs.max, Math.max(...ok.map((l) => l.latencyMs!)));
    assert.equal(summary.estimate?.promptTokens, 4 * perImage);

    assert.match(ctx.out(), /batch finished: gemini-2\.5-flash at http:\/\/127\.0\.0\.1:\d+ \(direct\)/);
    assert.match(ctx.out(), /^ {2}succeeded\s+3$/m);
    assert.match(ctx.out(), /^ {4}broken\.jpg: not an image/m);
    assert.match(ctx.out(), /latency\s+p50 \d+ ms · p95 \d+ ms · max \d+ ms/);
  });

  it('refuses to overwrite earlier results, and --dry-run sends nothing', async () => {
    const again = captureContext({ cwd: dir });
    assert.equal(await main(['batch', images, '--server', server.baseUrl, '-m', 'gemini-2.5-flash', '--out', join(dir, 'run1')], again), 2);
    assert.match(again.err(), /already holds results\.jsonl/);

    const calls = engine.calls;
    const dry = captureContext({ cwd: dir });
    assert.equal(await main(['batch', images, '--server', server.baseUrl, '-m', 'gemini-2.5-flash', '--dry-run', '--out', join(dir, 'dry')], dry), 0);
    assert.equal(engine.calls, calls);
    // No --max-output-tokens: the bound uses the model's output limit (65,536 for 2.5 Flash).
    assert.match(dry.out(), /262,144 output tokens in all/);
    await assert.rejects(readFile(join(dir, 'dry', 'summary.json')));
  });

  it('a JSONL of prompts; Ctrl-C lets the request in flight finish, marks the rest not run, exits 130', async () => {
    const file = join(dir, 'prompts.jsonl');
    await writeFile(file, ['"Name a colour"', '{"prompt": "Name a fruit", "key": "fruit"}',
      '{"key": "req", "request": {"contents": [{"role": "user", "parts": [{"text": "Say hi"}]}]}}', '"Name a bird"'].join('\n'));
    const stop = new AbortController();
    const second = engine.calls + 2;
    engine.onCall = (n) => {
      if (n === second) stop.abort('SIGINT');
    };
    const ctx = captureContext({ cwd: dir, signal: stop.signal });
    const out = join(dir, 'run-jsonl');
    const code = await main(['batch', file, '--server', server.baseUrl, '-m', 'gemini-2.5-flash', '--out', out, '-c', '1', '--yes'], ctx);
    engine.onCall = undefined;
    assert.equal(code, 130, ctx.err());
    const lines = await readLines(join(out, 'results.jsonl'));
    assert.deepEqual(lines.map((l) => [l.key, l.ok, l.notRun ?? false]),
      [['line-1', true, false], ['fruit', true, false], ['req', false, true], ['line-4', false, true]]);
    assert.equal(lines[1].prompt, 'Name a fruit');
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as BatchSummary;
    assert.deepEqual([summary.interrupted, summary.succeeded, summary.failed, summary.notRun], [true, 2, 0, 2]);
    assert.match(ctx.out(), /batch interrupted/);
  });

  it('--timeout: a request without an answer in time fails as DEADLINE_EXCEEDED beside the others', async () => {
    const file = join(dir, 'slow.jsonl');
    await writeFile(file, '"Name a colour"\n');
    engine.delayMs = 3000;
    const ctx = captureContext({ cwd: dir });
    const out = join(dir, 'run-timeout');
    const code = await main(['batch', file, '--server', server.baseUrl, '-m', 'gemini-2.5-flash', '--out', out, '--timeout', '1', '--yes'], ctx);
    engine.delayMs = 0;
    assert.equal(code, 1, ctx.err());
    const [line] = await readLines(join(out, 'results.jsonl'));
    assert.deepEqual([line.ok, line.error], [false, { status: 'DEADLINE_EXCEEDED', message: 'no answer within 1 s (--timeout)' }]);

    const bad = captureContext({ cwd: dir });
    assert.equal(await main(['batch', file, '-m', 'x', '--timeout', '1.5'], bad), 2);
    assert.match(bad.err(), /--timeout must be a positive integer/);
  });

  it('usage errors exit 2; an unknown model fails in one line before anything is sent', async () => {
    const noModel = captureContext({ cwd: dir });
    assert.equal(await main(['batch', images], noModel), 2);
    assert.match(noModel.err(), /batch needs --model/);

    const badFlag = captureContext({ cwd: dir });
    assert.equal(await main(['batch', images, '-m', 'x', '--concurrency', '0'], badFlag), 2);
    assert.match(badFlag.err(), /--concurrency must be a positive integer/);

    const unknown = captureContext({ cwd: dir });
    assert.equal(await main(['batch', images, '--server', server.baseUrl, '-m', 'gemini-9-ultra', '--out', join(dir, 'none')], unknown), 1);
    assert.match(unknown.err(), /^error: gemini-9-ultra at http:\/\/127\.0\.0\.1:\d+: .*not found/m);
  });
});

/**
 * --batch-api through the command, against a scripted server speaking Google's Batch API shape
 * (gemserve's own Batch API is being built; its end-to-end test comes with it).
 */
describe('gemserve batch --batch-api', () => {
  it('submits one job, polls it, prices at 50%, and reports no latency percentiles', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemserve-batch-api-'));
    try {
      const file = join(dir, 'p.jsonl');
      await writeFile(file, '{"key": "a", "prompt": "one"}\n{"key": "b", "prompt": "two"}\n');
      const seen: string[] = [];
      let polls = 0;
      const usage = { promptTokenCount: 1_000_000, candidatesTokenCount: 0, totalTokenCount: 1_000_000 };
      const reply = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      const fetchStub = (async (url: string, init: RequestInit) => {
        const path = new URL(url).pathname;
        seen.push(`${init.method} ${path}`);
        assert.equal((init.headers as Record<string, string>)['x-goog-api-key'], 'AIzaKEY');
        if (path === '/v1beta/models/gemini-2.5-flash') return reply({ name: 'models/gemini-2.5-flash', outputTokenLimit: 65_536 });
        if (path.endsWith(':countTokens')) return reply({ totalTokens: 1_000_000 });
        if (path.endsWith(':batchGenerateContent')) {
          const body = JSON.parse(String(init.body)) as { batch: { displayName: string; inputConfig: { requests: { requests: Array<{ metadata: { key: string } }> } } } };
          assert.equal(body.batch.displayName, 'gemserve batch p.jsonl');
          assert.deepEqual(body.batch.inputConfig.requests.requests.map((r) => r.metadata.key), ['a', 'b']);
          return reply({ name: 'batches/j1', metadata: { name: 'batches/j1', state: 'BATCH_STATE_PENDING' } });
        }
        if (path === '/v1beta/batches/j1') {
          polls++;
          return reply({
            name: 'batches/j1', done: true,
            metadata: {
              name: 'batches/j1', state: 'BATCH_STATE_SUCCEEDED',
              batchStats: { requestCount: '2', successfulRequestCount: '2' },
              output: { inlinedResponses: { inlinedResponses: ['a', 'b'].map((key) => ({
                metadata: { key },
                response: { candidates: [{ index: 0, content: { role: 'model', parts: [{ text: `re ${key}` }] } }], usageMetadata: usage, modelVersion: 'x', responseId: key },
              })) } },
            },
          });
        }
        return reply({ error: { code: 404, message: `no ${path}`, status: 'NOT_FOUND' } }, 404);
      }) as unknown as typeof fetch;
      const ctx = captureContext({ cwd: dir, env: { GOOGLE_API_KEY: 'AIzaKEY', GEMINI_API_KEY: 'other' } });
      const command = createBatchCommand({ fetch: fetchStub });
      const args = parseCommandArgs('batch', [file, '--server', 'http://gemini.test', '-m', 'gemini-2.5-flash', '--batch-api', '--max-output-tokens', '10', '--out', join(dir, 'out')], undefined, command.options);
      assert.equal(await command.run(args, ctx), 0, ctx.err());
      assert.deepEqual(seen.filter((s, i) => seen.indexOf(s) === i), [
        'GET /v1beta/models/gemini-2.5-flash', 'POST /v1beta/models/gemini-2.5-flash:countTokens',
        'POST /v1beta/models/gemini-2.5-flash:batchGenerateContent', 'GET /v1beta/batches/j1',
      ]);
      assert.equal(polls, 1);
      // 2M prompt tokens at $0.30 per 1M, halved.
      assert.match(ctx.out(), /estimate for 2 requests to gemini-2\.5-flash \(Batch API: 50% of the standard price\):\n.*\n {2}input cost {4}\$0\.300000/);
      assert.match(ctx.err(), /submitted batches\/j1 \(2 requests\)/);
      const summary = JSON.parse(await readFile(join(dir, 'out', 'summary.json'), 'utf8')) as BatchSummary;
      assert.deepEqual([summary.mode, summary.batchName, summary.succeeded, summary.costUsd, summary.latencyMs], ['batch-api', 'batches/j1', 2, 0.3, null]);
      assert.equal(summary.latencyNote, 'the Batch API does not report per-request latency');
      const lines = await readLines(join(dir, 'out', 'results.jsonl'));
      assert.deepEqual(lines.map((l) => [l.key, l.text, l.latencyMs]), [['a', 're a', undefined], ['b', 're b', undefined]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('gemserve batch --batch-api against a real gemserve Batch API', () => {
  it('one job for the folder: the good images succeed, the engine failure is reported beside them, at 50% cost', async () => {
    const { MemoryBatchStore } = await import('../../storage/batches/memory-batch-store.js');
    const dir = await mkdtemp(join(tmpdir(), 'gemserve-batch-api-real-'));
    const engine = new SeeingFakeEngine();
    const server = await startServer({ bindings: [{ id: 'gemini-2.5-flash', engine }], batches: { store: new MemoryBatchStore() } });
    try {
      const images = join(dir, 'images');
      await mkdir(images);
      await writeFile(join(images, 'a.png'), await twoColourImage('png'));
      await writeFile(join(images, 'b.jpg'), await twoColourImage('jpeg'));
      await writeFile(join(images, 'c.png'), await twoColourImage('png', 300, 20)); // the engine fails on it
      const ctx = captureContext({ cwd: dir, env: { GEMINI_API_KEY: 'AIzaTEST' } });
      const out = join(dir, 'out');
      const code = await main(['batch', images, '--server', server.baseUrl, '--model', 'gemini-2.5-flash', '--batch-api',
        '--prompt', 'What is in it?', '--max-output-tokens', '20', '--out', out], ctx);
      assert.equal(code, 1, ctx.err());
      assert.match(ctx.err(), /submitted batches\/\S+ \(3 requests\)/);
      const lines = await readLines(join(out, 'results.jsonl'));
      assert.deepEqual(lines.map((l) => [l.key, l.ok]), [['a.png', true], ['b.jpg', true], ['c.png', false]]);
      for (const l of lines.filter((x) => x.ok)) {
        assert.ok(l.text && l.text.length > 0);
        assert.equal(l.tokens?.prompt, IMAGE_TOKENS + 4);
        // Batch price: half of 2.5 Flash's $0.30 (input) and $2.50 (output) per 1M tokens.
        const half = (l.tokens!.prompt * 0.3 + (l.tokens!.output + l.tokens!.thoughts) * 2.5) / 2 / 1e6;
        assert.ok(Math.abs(l.costUsd! - half) <= 1e-6, `${l.costUsd} vs ${half}`);
      }
      assert.match(lines[2].error?.message ?? '', /./);
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as BatchSummary;
      assert.deepEqual([summary.mode, summary.succeeded, summary.failed, summary.latencyMs], ['batch-api', 2, 1, null]);
      assert.ok(summary.costUsd > 0);
    } finally {
      await server.close();
      await engine.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
