/**
 * The server's own cost per request: `:generateContent` on the fake engine (no token delay), so
 * nearly all the time measured is HTTP, routing, validation, conversion and JSON.
 *
 *   npx tsx bench/server-overhead.ts [--quick] [--requests 5000] [--concurrency 16]
 *
 * Rows: the fake engine called directly (the same generation, in this process); a bare
 * `node:http` server answering the same bytes (the transport + client floor); gemserve. The
 * servers run in a child process so the load generator does not share their event loop.
 * Overhead = gemserve - engine (target: < 1 ms at the median, concurrency 1).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { collectGeneration, type GenerateInput } from '../src/core/engine.js';
import { FakeEngine } from '../src/engines/fake/fake-engine.js';
import type { GenerateContentRequest, GenerateContentResponse } from '../src/api/gemini/types.js';
import { intOption, readBenchArgs } from './lib/cli-args.js';
import { postLoad } from './lib/post-load.js';
import type { OverheadServerReady } from './lib/overhead-server.js';
import { printTable } from './lib/print-table.js';
import { median, nowMs, percentile, round } from './lib/stats.js';
import { resultsHead, writeResults } from './lib/write-results.js';

const NAME = 'server-overhead';
const MODEL_ID = 'gemini-2.0-flash';
const TARGET_MEDIAN_OVERHEAD_MS = 1;
const PROMPT = 'Write one short sentence about benchmarks.';
const REQUEST: GenerateContentRequest = { contents: [{ role: 'user', parts: [{ text: PROMPT }] }] };

interface Row {
  what: string;
  concurrency: number;
  requests: number;
  medianMs: number;
  p99Ms: number;
  perSecond: number;
  connections?: number;
}

const args = readBenchArgs(process.argv.slice(2), ['requests', 'concurrency']);
const requests = intOption(args, 'requests', args.quick ? 500 : 5000);
const warmup = args.quick ? 100 : 1000;
const concurrency = intOption(args, 'concurrency', 16);
const head = resultsHead(NAME, args.quick);

/** The same generation the server runs for REQUEST, called on the engine directly. */
async function benchEngine(): Promise<{ row: Row; text: string }> {
  const engine = new FakeEngine();
  const input = (): GenerateInput => ({
    messages: [{ role: 'user', parts: [{ type: 'text', text: PROMPT }] }],
    sampling: { maxOutputTokens: 8192, stopSequences: [] },
    candidateCount: 1,
    signal: new AbortController().signal,
  });
  const text = (await collectGeneration(engine.stream(input()))).candidates[0].text;
  for (let i = 0; i < warmup; i++) await collectGeneration(engine.stream(input()));
  const ms: number[] = [];
  const t0 = nowMs();
  for (let i = 0; i < requests; i++) {
    const t = nowMs();
    await collectGeneration(engine.stream(input()));
    ms.push(nowMs() - t);
  }
  const wall = nowMs() - t0;
  await engine.dispose();
  return { text, row: { what: 'fake engine alone (in-process)', concurrency: 1, requests, medianMs: median(ms), p99Ms: percentile(ms, 99), perSecond: (requests * 1000) / wall } };
}

/** Sends `count` requests from `workers` concurrent loops on one keep-alive agent. */
function load(port: number, what: string, workers: number, count: number, body: string): Promise<Row> {
  return postLoad({ port, path: `/v1beta/models/${MODEL_ID}:generateContent`, body, what, workers, requests: count, warmup });
}

async function startServers(): Promise<{ child: ChildProcess; ready: OverheadServerReady }> {
  const child = fork(fileURLToPath(new URL('./lib/overhead-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<OverheadServerReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as OverheadServerReady));
    child.once('exit', (code) => reject(new Error(`server process exited early (${code})`)));
    child.send({ request: REQUEST });
  });
  return { child, ready };
}

async function stopServers(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send('close');
  const timer = setTimeout(() => child.kill(), 10_000);
  await exited;
  clearTimeout(timer);
}

const { row: engineRow, text: engineText } = await benchEngine();
const { child, ready } = await startServers();
const rows: Row[] = [engineRow];
try {
  const served = (JSON.parse(ready.responseBody) as GenerateContentResponse).candidates?.[0]?.content.parts.map((p) => p.text ?? '').join('');
  if (served !== engineText) throw new Error(`server generated ${JSON.stringify(served)}, engine alone ${JSON.stringify(engineText)}: not the same work`);
  const body = JSON.stringify(REQUEST);
  for (const workers of [1, concurrency]) {
    rows.push(await load(ready.floorPort, 'node:http floor (same bytes)', workers, requests, body));
    rows.push(await load(ready.gemservePort, 'gemserve :generateContent', workers, requests, body));
  }
} finally {
  await stopServers(child);
}

const at = (what: string, c: number) => rows.find((r) => r.what.startsWith(what) && r.concurrency === c)!;
const gem1 = at('gemserve', 1);
const overheadMs = gem1.medianMs - engineRow.medianMs;
const overFloorMs = gem1.medianMs - at('node:http', 1).medianMs;

printTable(
  `${NAME}: ${MODEL_ID} on the fake engine, ${requests} requests after ${warmup} warm-up${args.quick ? ' (QUICK: smoke run only)' : ''}`,
  ['what', 'concurrency', 'median ms', 'p99 ms', 'req/s', 'TCP conns'],
  rows.map((r) => [r.what, r.concurrency, r.medianMs, r.p99Ms, Math.round(r.perSecond), r.connections ?? '-']),
);
console.log(`\nserver overhead at the median (gemserve - engine alone, c=1): ${overheadMs.toFixed(3)} ms ` +
  `(target < ${TARGET_MEDIAN_OVERHEAD_MS} ms: ${overheadMs < TARGET_MEDIAN_OVERHEAD_MS ? 'met' : 'NOT met'})`);
console.log(`gemserve over a bare node:http server with the same client (c=1): ${overFloorMs.toFixed(3)} ms`);
console.log(`host: ${head.host.cores} cores, ${head.host.cpu}, node ${head.host.node}, load avg ${head.host.loadAverage1m}`);

if (!args.noWrite) {
  const path = writeResults(NAME, {
    ...head,
    model: { id: MODEL_ID, engine: 'fake', tokenDelayMs: 0, generatedText: engineText },
    settings: { requests, warmup, concurrency, keepAlive: true, client: 'node:http Agent', serversInChildProcess: true, request: REQUEST },
    targetMedianOverheadMs: TARGET_MEDIAN_OVERHEAD_MS,
    overheadMedianMs: round(overheadMs, 3),
    overFloorMedianMs: round(overFloorMs, 3),
    rows: rows.map((r) => ({ ...r, medianMs: round(r.medianMs, 4), p99Ms: round(r.p99Ms, 4), perSecond: Math.round(r.perSecond) })),
  });
  console.log(`wrote ${path}`);
}
