/**
 * Unknown request fields through `@google/genai` against the real server: a typo'd field is
 * Google's 400 INVALID_ARGUMENT "Invalid JSON payload received. Unknown name … Cannot find
 * field." as an `ApiError` (issue 14: a typo `"gene,rationConfig"` used to lose the token limit
 * silently), in a batch's JSONL line it is that line's error, and with `--unknown-fields accept`
 * the same requests are answered, the field dropped and its path logged once at warn.
 * `httpOptions.extraBody` is how an SDK user puts a field of their own on the wire (js-genai
 * merges it into the body); fields the SDK passes through as given (`thinkingConfig`) carry typos
 * too.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchJob, GoogleGenAI } from '@google/genai';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { MemoryBatchStore } from '../../src/storage/batches/memory-batch-store.js';
import { MemoryCachedContentStore } from '../../src/storage/cached-contents/memory-cached-content-store.js';
import { openLocalFileService } from '../../src/storage/open-file-service.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { genai, postJson, rawError, sdkError } from './helpers/clients.js';

const MODEL = 'gemini-2.0-flash';
const EMBEDDER = 'gemini-embedding-001';
const TYPO = { 'gene,rationConfig': { maxOutputTokens: 5 } };
const TOP_LEVEL_TEXT = 'Invalid JSON payload received. Unknown name "gene,rationConfig": Cannot find field.';

const workDir = await mkdtemp(join(tmpdir(), 'gemserve-unknown-fields-'));
after(() => rm(workDir, { recursive: true, force: true }));

describe('--unknown-fields reject (the default)', () => {
  let server: TestServer;
  let ai: GoogleGenAI;
  before(async () => {
    const files = await openLocalFileService({ dataDir: join(workDir, 'reject') });
    server = await startServer({
      bindings: [{ id: MODEL, engine: new FakeEngine() }, { id: EMBEDDER, engine: new FakeEngine({ embeddingDimensions: 8 }) }],
      files, batches: { store: new MemoryBatchStore() }, cachedContents: { store: new MemoryCachedContentStore(), minTokens: 1 },
    });
    ai = genai(server.baseUrl);
  });
  after(() => server.close());

  it('a typo\'d top-level field is an ApiError 400 with Google\'s text and a BadRequest detail', async () => {
    const { body } = await sdkError(ai.models.generateContent({
      model: MODEL, contents: 'Once upon a time', config: { httpOptions: { extraBody: TYPO } },
    }), 400, 'INVALID_ARGUMENT');
    assert.equal(body.error.message, TOP_LEVEL_TEXT);
    assert.deepEqual(body.error.details, [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ description: TOP_LEVEL_TEXT }] }]);
  });

  it('a typo inside a message the SDK passes through names its proto path; streams and countTokens alike', async () => {
    const config = { thinkingConfig: { thinkingBudgett: 0 } as never };
    const text = 'Invalid JSON payload received. Unknown name "thinkingBudgett" at \'generation_config.thinking_config\': Cannot find field.';
    const { body } = await sdkError(ai.models.generateContent({ model: MODEL, contents: 'hi', config }), 400, 'INVALID_ARGUMENT');
    assert.equal(body.error.message, text);
    const streamed = await sdkError(ai.models.generateContentStream({ model: MODEL, contents: 'hi', config }), 400, 'INVALID_ARGUMENT');
    assert.equal(streamed.body.error.message, text);
    const counted = await sdkError(ai.models.countTokens({ model: MODEL, contents: 'hi', config: { httpOptions: { extraBody: { content: 'x' } } } }), 400, 'INVALID_ARGUMENT');
    assert.equal(counted.body.error.message, 'Invalid JSON payload received. Unknown name "content": Cannot find field.');
  });

  it('the same request without the typo, and one in snake_case, are answered', async () => {
    const r = await ai.models.generateContent({ model: MODEL, contents: 'Once upon a time', config: { maxOutputTokens: 5, thinkingConfig: { thinkingBudget: 0 } } });
    assert.ok(r.text);
    const res = await fetch(`${server.baseUrl}/v1beta/models/${MODEL}:generateContent`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }], generation_config: { max_output_tokens: 5 }, system_instruction: { parts: [{ text: 's' }] } }),
    });
    assert.equal(res.status, 200, await res.clone().text());
  });

  it('every other method\'s body is checked the same way: embeddings, caches, batches, the upload\'s metadata', async () => {
    const v = `${server.baseUrl}/v1beta`;
    const refused = async (res: Response, text: string) => assert.equal((await rawError(res, 400, 'INVALID_ARGUMENT')).error.message, text);
    const unknown = (name: string, at?: string) => `Invalid JSON payload received. Unknown name "${name}"${at ? ` at '${at}'` : ''}: Cannot find field.`;
    const content = { parts: [{ text: 'a' }] };
    await refused(await postJson(`${v}/models/${EMBEDDER}:embedContent`, { content, task_typ: 'CLUSTERING' }), unknown('task_typ'));
    await refused(await postJson(`${v}/models/${EMBEDDER}:batchEmbedContents`, { requests: [{ model: `models/${EMBEDDER}`, content: { parts: [{ text: 'a', txt: 'b' }] } }] }),
      unknown('txt', 'requests[0].content.parts[0]'));
    await refused(await postJson(`${v}/cachedContents`, { model: `models/${MODEL}`, contents: [content], ttlSeconds: 60 }), unknown('ttlSeconds'));
    const cache = await ai.caches.create({ model: MODEL, config: { contents: [{ role: 'user', parts: [{ text: 'cached' }] }] } });
    const patch = await fetch(`${v}/${cache.name}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ttl: '60s', expiry: 'x' }) });
    await refused(patch, unknown('expiry'));
    await refused(await postJson(`${v}/models/${MODEL}:batchGenerateContent`, { batch: { input_config: { requests: { requests: [{ request: { contents: [content], generationConfig: { tempreature: 1 } } }] } } } }),
      unknown('tempreature', 'batch.input_config.requests.requests[0].request.generation_config'));
    const upload = await fetch(`${server.baseUrl}/upload/v1beta/files`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-upload-protocol': 'resumable', 'x-goog-upload-command': 'start', 'x-goog-upload-header-content-length': '1' },
      body: JSON.stringify({ file: { display_name: 'x', mime: 'text/plain' } }),
    });
    await refused(upload, unknown('mime', 'file'));
  });

  it('a JSONL batch line with an unknown field fails alone, with Google\'s text as its error', async () => {
    const lines = [
      { key: 'ok', request: { contents: [{ parts: [{ text: 'one' }] }] } },
      { key: 'typo', request: { contents: [{ parts: [{ text: 'two' }] }], generationConfig: { maxOutputToken: 3 } } },
    ];
    const input = await ai.files.upload({
      file: new Blob([lines.map((l) => JSON.stringify(l)).join('\n')], { type: 'application/jsonl' }),
      config: { mimeType: 'application/jsonl' },
    });
    const created = await ai.batches.create({ model: MODEL, src: input.name as string });
    const job = await waitDone(ai, created.name as string);
    assert.equal(job.state, 'JOB_STATE_SUCCEEDED');
    const path = join(workDir, 'out.jsonl');
    await ai.files.download({ file: job.dest?.fileName as string, downloadPath: path });
    const [ok, typo] = (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(ok.response);
    assert.equal(typo.key, 'typo');
    assert.equal(typo.error.code, 3);
    assert.equal(typo.error.message, 'Invalid JSON payload received. Unknown name "maxOutputToken" at \'generation_config\': Cannot find field.');
  });
});

describe('--unknown-fields accept', () => {
  let server: TestServer;
  let ai: GoogleGenAI;
  const logged: Array<{ level: number; msg: string }> = [];
  before(async () => {
    const stream = { write: (line: string) => { if (line.startsWith('{')) logged.push(JSON.parse(line)); } };
    server = await startServer({ bindings: [{ id: MODEL, engine: new FakeEngine() }], unknownFields: 'accept', logger: { level: 'warn', stream } });
    ai = genai(server.baseUrl);
  });
  after(() => server.close());

  it('answers the request without the field and logs its path once at warn', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await ai.models.generateContent({ model: MODEL, contents: 'Once upon a time', config: { httpOptions: { extraBody: TYPO } } });
      assert.ok(r.text);
    }
    const warnings = logged.filter((l) => l.level === 40 && /unknown request field/.test(l.msg));
    assert.deepEqual(warnings.map((w) => w.msg), [
      'unknown request field gene,rationConfig dropped (--unknown-fields accept); Google would answer 400 "Unknown name"',
    ]);
  });
});

async function waitDone(client: GoogleGenAI, name: string, timeoutMs = 30_000): Promise<BatchJob> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.batches.get({ name });
    if (['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED'].includes(String(job.state))) return job;
    if (Date.now() > until) throw new Error(`batch ${name} still ${job.state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
