/**
 * Deeply nested JSON is refused at parse time with Google's 400 on every route that takes a
 * body, and in every line of a JSONL batch input File, never a 500 from a recursive walk
 * after the parse (issue 14, item 3). A realistic deep function schema still works, and the
 * server keeps answering `/healthz`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { MAX_JSON_NESTING_DEPTH, findJsonNestingExcess } from '../../src/api/gemini/find-json-nesting-excess.js';
import { MemoryBatchStore } from '../../src/storage/batches/memory-batch-store.js';
import { MemoryCachedContentStore } from '../../src/storage/cached-contents/memory-cached-content-store.js';
import { openLocalFileService } from '../../src/storage/open-file-service.js';
import { genai, postJson, rawError, sdkError } from '../contract/helpers/clients.js';
import { startServer, type TestServer } from '../contract/helpers/start-server.js';

const MODEL = 'gemini-2.0-flash';
const DEPTHS = [5_000, 100_000];

/** `depth` levels in all: the `{…}` a value sits in, then `[` and `{"x":` alternately. */
function deepValue(depth: number): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += i % 2 ? '{"x":' : '[';
    close = (i % 2 ? '}' : ']') + close;
  }
  return open + '1' + close;
}

/** A JSON Schema whose objects nest `levels` deep, each one property `p` of the next. */
function deepSchema(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < levels; i++) schema = { type: 'object', properties: { p: schema }, required: ['p'] };
  return schema;
}

/**
 * A POST on a connection of its own. The upload route answers a body over its 64 KiB limit
 * before reading it all, and a pooled keep-alive connection is then unusable for the next
 * request (issue 14, item 4's territory), so that body must not share a connection.
 */
function postAlone(url: string, body: string, headers: Record<string, string>): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', connection: 'close', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: { 'content-type': String(res.headers['content-type']) } })));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const workDir = await mkdtemp(join(tmpdir(), 'gemserve-deep-json-'));
after(() => rm(workDir, { recursive: true, force: true }));

describe('deeply nested JSON (abuse)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      bindings: [{ id: MODEL, engine: new FakeEngine() }],
      files: await openLocalFileService({ dataDir: join(workDir, 'data') }),
      batches: { store: new MemoryBatchStore() },
      cachedContents: { store: new MemoryCachedContentStore(), minTokens: 1 },
    });
  });
  after(() => server?.close());

  const v1 = () => `${server.baseUrl}/v1beta`;
  const bodies: Record<string, (deep: string) => [url: () => string, body: string, headers?: Record<string, string>]> = {
    'generateContent contents': (d) => [() => `${v1()}/models/${MODEL}:generateContent`, `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"x":${d}}`],
    'generateContent tool parameters': (d) => [() => `${v1()}/models/${MODEL}:generateContent`,
      `{"contents":[{"parts":[{"text":"hi"}]}],"tools":[{"functionDeclarations":[{"name":"f","parametersJsonSchema":${d}}]}]}`],
    'streamGenerateContent functionCall args': (d) => [() => `${v1()}/models/${MODEL}:streamGenerateContent?alt=sse`,
      `{"contents":[{"role":"model","parts":[{"functionCall":{"name":"f","args":{"a":${d}}}}]}]}`],
    'countTokens tool parameters': (d) => [() => `${v1()}/models/${MODEL}:countTokens`,
      `{"contents":[{"parts":[{"text":"hi"}]}],"tools":[{"functionDeclarations":[{"name":"f","parameters":${d}}]}]}`],
    'cachedContents.create': (d) => [() => `${v1()}/cachedContents`, `{"model":"models/${MODEL}","contents":[{"parts":[{"text":"hi"}]}],"systemInstruction":${d}}`],
    'batchGenerateContent inline': (d) => [() => `${v1()}/models/${MODEL}:batchGenerateContent`,
      `{"batch":{"inputConfig":{"requests":{"requests":[{"request":{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"responseJsonSchema":${d}}}}]}}}}`],
    'files metadata (upload start)': (d) => [() => `${server.baseUrl}/upload/v1beta/files`, `{"file":{"displayName":"x","metadata":${d}}}`,
      { 'x-goog-upload-protocol': 'resumable', 'x-goog-upload-command': 'start', 'x-goog-upload-header-content-length': '1' }],
  };

  for (const depth of DEPTHS) {
    for (const [name, make] of Object.entries(bodies)) {
      it(`${name}, ${depth.toLocaleString('en')} deep: Google's 400`, async () => {
        const [url, body, headers] = make(deepValue(depth));
        const res = await (headers ? postAlone(url(), body, headers) : postJson(url(), body));
        const err = await rawError(res, 400, 'INVALID_ARGUMENT');
        // The upload start body has a 64 KiB limit of its own, which 100,000 levels exceed.
        const tooLarge = headers !== undefined && body.length > 65_536;
        assert.match(err.error.message, tooLarge ? /^Request payload size exceeds the limit/
          : /^Invalid JSON payload received\. Message too deep\. Max recursion depth reached for key '\w*'$/);
      });
    }
  }

  it('countTokens and generateContent refuse the same deep tool parameters alike', async () => {
    const tools = (d: string) => `"tools":[{"functionDeclarations":[{"name":"f","parametersJsonSchema":${d}}]}]`;
    for (const method of ['countTokens', 'generateContent']) {
      const res = await postJson(`${v1()}/models/${MODEL}:${method}`, `{"contents":[{"parts":[{"text":"hi"}]}],${tools(deepValue(MAX_JSON_NESTING_DEPTH))}}`);
      await rawError(res, 400, 'INVALID_ARGUMENT');
    }
  });

  it('a deep JSONL batch File line is that line\'s 400 at create', async () => {
    const ai = genai(server.baseUrl);
    const lines = [
      JSON.stringify({ key: 'ok', request: { contents: [{ parts: [{ text: 'hi' }] }] } }),
      `{"key":"deep","request":{"contents":[{"parts":[{"text":"hi"}]}],"x":${deepValue(5_000)}}}`,
    ];
    const input = await ai.files.upload({ file: new Blob([lines.join('\n')], { type: 'application/jsonl' }), config: { mimeType: 'application/jsonl' } });
    const err = await sdkError(ai.batches.create({ model: MODEL, src: input.name as string }), 400, 'INVALID_ARGUMENT');
    assert.match(JSON.stringify(err), /line 2 is not valid JSON: Message too deep\. Max recursion depth reached for key 'x'/);
  });

  it('a function schema 20 objects deep (46 JSON levels) still works, with generateContent and countTokens', async () => {
    const ai = genai(server.baseUrl);
    const tools = [{ functionDeclarations: [{ name: 'f', description: 'deep', parametersJsonSchema: deepSchema(20) }] }];
    const body = JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }], tools });
    assert.equal(findJsonNestingExcess(body, 46), undefined);
    assert.ok(findJsonNestingExcess(body, 45));
    const called = await ai.models.generateContent({ model: MODEL, contents: 'hi', config: { tools } });
    assert.ok(called.candidates?.length);
    // The JS SDK sends no tools to countTokens on the Developer API; Google's REST body carries
    // them in `generateContentRequest` (ai.google.dev/api/tokens#method:-models.counttokens).
    const counted = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:countTokens`,
      { generateContentRequest: { model: `models/${MODEL}`, contents: [{ role: 'user', parts: [{ text: 'hi' }] }], tools } });
    assert.equal(counted.status, 200, await counted.clone().text());
    assert.ok(((await counted.json()) as { totalTokens: number }).totalTokens > 0);
    // Struct args nest too: 60 levels of them inside `contents` (67 in all) are counted.
    const deepArgs = await ai.models.countTokens({ model: MODEL, contents: [{ role: 'model', parts: [{ functionCall: { name: 'f', args: { a: JSON.parse(deepValue(60)) } } }] }] });
    assert.ok((deepArgs.totalTokens ?? 0) > 0);
  });

  it('/healthz still answers after the deep bodies', async () => {
    const started = Date.now();
    const res = await fetch(`${server.origin}/healthz`);
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started < 1_000);
  });
});
