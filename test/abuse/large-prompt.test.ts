/**
 * One large prompt no longer freezes the server (issue 14, item 1): on the embedded llama.cpp
 * engine and the generated tiny model, a 50 MB generateContent or streamGenerateContent is
 * refused with Google's 400 without being tokenized, a 50 MB countTokens is counted off the event
 * loop, and `/healthz` keeps answering meanwhile. Counts stay exact: what the server counts
 * off the event loop equals the tokens the model's own tokenizer gives for the rendered prompt.
 *
 * /healthz is timed over the whole request, from its first byte sent: reading the body, decoding
 * and parsing it (on a worker thread), the checks after the parse, and the engine. The server runs
 * in this process, so the client must not stall the loop itself: bodies are encoded before they
 * are sent and written as one Buffer (no copy in JavaScript), and answers are small.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request, type IncomingMessage } from 'node:http';
import type { CountTokensInput, Engine, GenerateInput } from '../../src/core/engine.js';
import { createLlamaCppEngine, type LlamaCppEngine } from '../../src/engines/llama-cpp/llama-cpp-engine.js';
import { convertToChatHistory } from '../../src/engines/llama-cpp/convert-to-chat-history.js';
import { loadLlamaModel } from '../../src/engines/llama-cpp/load-llama-model.js';
import { renderPromptTokens } from '../../src/engines/llama-cpp/render-prompt.js';
import { resolveChatWrapperFor } from '../../src/engines/llama-cpp/resolve-chat-wrapper.js';
import { prepareThinkingChatWrapper } from '../../src/engines/llama-cpp/thinking-chat-wrapper.js';
import { MemoryCachedContentStore } from '../../src/storage/cached-contents/memory-cached-content-store.js';
import { tinyChatModel } from '../fixtures/test-models.js';
import { startServer, type TestServer } from '../contract/helpers/start-server.js';

const MODEL = 'gemini-2.0-flash';
const MB = 1024 * 1024;
/** The done-when of issue 14: /healthz within 100 ms while a 50 MB prompt is refused or counted. */
const HEALTHZ_BUDGET_MS = 100;
/**
 * At most this much of an idle server's worst /healthz wait is added to the budget. Tests share a
 * 2-core host with other work, which delays even an idle server (measured on a 2-core host beside a CI job: 3-28 ms over 1 s);
 * the cap keeps a noisy minute from excusing a real stall.
 */
const IDLE_ALLOWANCE_CAP_MS = 40;
const POLL_MS = 10;

const text = (bytes: number) => 'hello world. '.repeat(Math.ceil(bytes / 13)).slice(0, bytes);
/** A request's bytes, encoded before they are sent (encoding 50 MB holds this process's loop). */
const body = (t: string) => Buffer.from(JSON.stringify({ contents: [{ role: 'user', parts: [{ text: t }] }] }));

/** The real engine, noting when it is handed a request. */
class ProbedEngine implements Engine {
  readonly kind: string;
  readonly label: string;
  readonly capabilities: Engine['capabilities'];
  entered = Infinity;
  constructor(readonly inner: LlamaCppEngine) {
    this.kind = inner.kind;
    this.label = inner.label;
    this.capabilities = inner.capabilities;
  }
  stream(input: GenerateInput) {
    this.entered = performance.now();
    return this.inner.stream(input);
  }
  countTokens(input: CountTokensInput) {
    this.entered = performance.now();
    return this.inner.countTokens(input);
  }
  stats() {
    return this.inner.stats();
  }
  dispose() {
    return this.inner.dispose();
  }
  [Symbol.asyncDispose]() {
    return this.inner.dispose();
  }
}

interface Poll { started: number; ms: number }

describe('a 50 MB prompt (abuse)', { timeout: 300_000 }, () => {
  let engine: ProbedEngine;
  let server: TestServer;
  let modelPath: string;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  before(async () => {
    modelPath = (await tinyChatModel()).path;
    engine = new ProbedEngine(await createLlamaCppEngine({ modelPath, parallel: 1, threads: 1, contextSize: 1024 }));
    server = await startServer({ bindings: [{ id: MODEL, engine }], cachedContents: { store: new MemoryCachedContentStore(), minTokens: 1 } });
  });
  after(async () => {
    agent.destroy();
    await server?.close();
    await engine?.dispose();
  });

  const path = (method: string) => `/v1beta/models/${MODEL}:${method}`;

  /** POSTs `bytes` (written as they are: no copy, no encoding on this thread); the status and the JSON answer. */
  function post(to: string, bytes: Buffer, signal?: AbortSignal): Promise<{ status: number; json: unknown }> {
    return new Promise((resolve, reject) => {
      const req = request(`${server.origin}${to}`, {
        method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': bytes.length }, ...(signal ? { signal } : {}),
      }, (res: IncomingMessage) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as unknown }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(bytes);
    });
  }

  /** One /healthz, its wait counted from `started` (when it was due; now by default). */
  function healthz(started = performance.now()): Promise<Poll> {
    return new Promise((resolve) => {
      const req = request(`${server.origin}/healthz`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ started, ms: performance.now() - started }));
      });
      // A connection the stalled server dropped (its keep-alive ran out meanwhile) still measured the wait.
      req.on('error', () => resolve({ started, ms: performance.now() - started }));
      req.end();
    });
  }

  /**
   * Polls /healthz every 10 ms until `done` settles; the polls made meanwhile. The server runs on
   * this thread, so while it is stalled no poll can be sent either: each poll's wait is counted
   * from when it was due (10 ms after the last answer), as a client in another process would have
   * sent it then and waited for the server to get to it. Every moment of the request is thus
   * inside some poll's wait, whether the stall began while a poll was in flight or not.
   */
  async function pollWhile(done: Promise<unknown>): Promise<Poll[]> {
    let settled = false;
    void done.finally(() => { settled = true; }).catch(() => undefined);
    const polls: Poll[] = [];
    let due = performance.now();
    while (!settled) {
      polls.push(await healthz(due));
      due = performance.now() + POLL_MS;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return polls;
  }

  /**
   * The budget for /healthz: 100 ms, plus what the host alone costs an idle server: its worst
   * /healthz wait over 1 s of polling just before the request, at most IDLE_ALLOWANCE_CAP_MS.
   */
  async function budget(): Promise<{ ms: number; idle: number }> {
    const polls = await pollWhile(new Promise((r) => setTimeout(r, 1_000)));
    const idle = Math.max(...polls.map((p) => p.ms));
    return { ms: HEALTHZ_BUDGET_MS + Math.min(idle, IDLE_ALLOWANCE_CAP_MS), idle };
  }

  /** The worst /healthz wait over the whole request: every poll, from the first byte sent to the answer. */
  const worstOf = (polls: Poll[]) => Math.max(0, ...polls.map((p) => p.ms));
  /** When the worst poll started, and the engine had the request, after the first poll (for the diagnostics). */
  const timeline = (polls: Poll[]) => {
    const first = polls[0]?.started ?? 0;
    const worst = polls.reduce((a, p) => (p.ms > a.ms ? p : a), polls[0] ?? { started: 0, ms: 0 });
    return `worst poll sent at +${(worst.started - first).toFixed(0)} ms, the engine had the request at +${(engine.entered - first).toFixed(0)} ms`;
  };

  interface Attempt { polls: Poll[]; limit: { ms: number; idle: number } }

  /**
   * Runs `attempt` (one request, the polls made meanwhile, its answer checked) and holds its
   * worst /healthz wait to the budget. A stall of the server's own comes back on every attempt; a
   * burst of the host's (another job on the two cores descheduling this process for 100 ms or
   * more, seen a few times a minute here, idle servers included) seldom hits the same request
   * twice. So a failing attempt is made once more, and the second must pass.
   */
  async function holdBudget(t: TestContext, what: string, attempt: () => Promise<Attempt>): Promise<void> {
    for (let n = 1; ; n++) {
      const { polls, limit } = await attempt();
      const worst = worstOf(polls);
      t.diagnostic(`attempt ${n}: worst /healthz ${worst.toFixed(0)} ms over ${polls.length} polls; budget ${limit.ms.toFixed(0)} ms (idle ${limit.idle.toFixed(0)} ms); ${timeline(polls)}`);
      if (worst < limit.ms) return;
      if (n === 2) assert.fail(`/healthz took ${worst.toFixed(0)} ms ${what} (budget ${limit.ms.toFixed(0)} ms, idle ${limit.idle.toFixed(0)} ms; ${polls.length} polls), on two attempts`);
    }
  }

  for (const method of ['generateContent', 'streamGenerateContent']) {
    it(`${method}: refused with Google's 400 at once, /healthz answering throughout`, async (t) => {
      const bytes = body(text(50 * MB));
      await holdBudget(t, 'during the request', async () => {
        const limit = await budget();
        engine.entered = Infinity;
        const started = performance.now();
        const answer = post(path(method) + (method === 'streamGenerateContent' ? '?alt=sse' : ''), bytes);
        const polls = await pollWhile(answer);
        const res = await answer;
        const took = performance.now() - started;
        assert.equal(res.status, 400);
        const error = (res.json as { error: { status: string; message: string } }).error;
        assert.equal(error.status, 'INVALID_ARGUMENT');
        const m = /^The input token count \((\d+)\) exceeds the maximum number of tokens allowed \((\d+)\)\.$/.exec(error.message);
        assert.ok(m, error.message);
        assert.equal(Number(m[2]), engine.capabilities.maxPromptTokens);
        assert.ok(Number(m[1]) > 1_000_000, `a lower bound of the 50 MB prompt's tokens: ${m[1]}`);
        assert.ok(engine.entered < Infinity, 'the engine had the request');
        assert.ok(took < 30_000, `refused in ${took.toFixed(0)} ms`);
        return { polls, limit };
      });
    });
  }

  it('cachedContents.create: a 50 MB cache is refused with the same 400, uncounted', async (t) => {
    const bytes = Buffer.from(JSON.stringify({ model: `models/${MODEL}`, contents: [{ role: 'user', parts: [{ text: text(50 * MB) }] }] }));
    await holdBudget(t, 'during the request', async () => {
      const limit = await budget();
      const started = performance.now();
      const answer = post('/v1beta/cachedContents', bytes);
      const polls = await pollWhile(answer);
      const res = await answer;
      const took = performance.now() - started;
      const error = (res.json as { error: { code: number; message: string } }).error;
      assert.equal(error.code, 400);
      assert.match(error.message, /^The input token count \(\d+\) exceeds the maximum number of tokens allowed \(\d+\)\.$/);
      assert.ok(took < 30_000, `refused in ${took.toFixed(0)} ms`);
      return { polls, limit };
    });
  });

  it('countTokens of a 50 MB prompt: /healthz answers while it is read, parsed and counted', async (t) => {
    const bytes = body(text(50 * MB));
    await holdBudget(t, 'while it was read, parsed and counted', async () => {
      const limit = await budget();
      engine.entered = Infinity;
      const ac = new AbortController();
      const answer = post(path('countTokens'), bytes, ac.signal).catch((e: unknown) => e);
      // Counting 50 MB takes tens of seconds to minutes on the tiny model's tokenizer: the loop is
      // watched for 3 s of it, then the client leaves, which stops the count (the next count, on
      // the same lane, would otherwise wait for it).
      const watched = new Promise((r) => setTimeout(r, 3_000)).then(async () => {
        while (engine.entered === Infinity) await new Promise((r) => setTimeout(r, 100));
        await new Promise((r) => setTimeout(r, 3_000));
      });
      const polls = await pollWhile(Promise.race([watched, answer]));
      ac.abort();
      await answer;
      assert.ok(engine.entered < Infinity, 'the engine had the request');
      const since = polls.filter((p) => p.started >= engine.entered);
      assert.ok(since.length >= 20, `polled ${since.length} times while it was counted`);
      return { polls, limit };
    });
  });
  it('countTokens of a 2 MB prompt: counted off the event loop, exactly as the model tokenizes it, not behind the abandoned 50 MB count', async () => {
    const prompt = text(2 * MB);
    const started = performance.now();
    const answer = post(path('countTokens'), body(prompt));
    const polls = await pollWhile(answer);
    const res = await answer;
    assert.equal(res.status, 200);
    const { totalTokens } = res.json as { totalTokens: number };
    const took = performance.now() - started;
    // Alone it takes a few seconds; behind the 50 MB count, a minute or more.
    assert.ok(took < 30_000, `counted in ${took.toFixed(0)} ms`);
    // The same render on the model loaded here, tokenized on this thread: what generation evaluates.
    const loaded = await loadLlamaModel(modelPath);
    try {
      const wrapper = prepareThinkingChatWrapper(resolveChatWrapperFor(loaded.model));
      const history = convertToChatHistory([{ role: 'user', parts: [{ type: 'text', text: prompt }] }]);
      assert.equal(totalTokens, renderPromptTokens(wrapper, loaded.model.tokenizer, history).length);
    } finally {
      await loaded.dispose();
    }
    assert.ok(polls.length > 0);
  });

});
