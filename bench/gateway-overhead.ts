/**
 * What the gateway adds per request: `:generateContent` on the fake engine, served bare and with
 * the whole gateway on (a managed API key looked up in the SQLite key store, per-key rate limits
 * checked and counted, usage and cost written to SQLite, Prometheus metrics), at concurrency 1
 * and 16. A third row serves the same request from the response cache (gateway on, every
 * request after the first a hit).
 *
 *   npx tsx bench/gateway-overhead.ts [--quick] [--requests 3000] [--concurrency 16]
 *
 * Added latency = gateway - bare, at the median and p99 (c=1). Servers run in a child process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GenerateContentRequest } from '../src/api/gemini/types.js';
import { intOption, readBenchArgs } from './lib/cli-args.js';
import type { GatewayServersReady } from './lib/gateway-server.js';
import { postLoad, type LoadRow } from './lib/post-load.js';
import { printTable } from './lib/print-table.js';
import { round } from './lib/stats.js';
import { resultsHead, writeResults } from './lib/write-results.js';

const NAME = 'gateway-overhead';
const MODEL_ID = 'gemini-2.0-flash';
/** A fixed seed makes the request cacheable (response-cache-policy.ts) for the cache row. */
const REQUEST: GenerateContentRequest = {
  contents: [{ role: 'user', parts: [{ text: 'Write one short sentence about gateways.' }] }],
  generationConfig: { seed: 7 },
};

type Row = LoadRow;

const args = readBenchArgs(process.argv.slice(2), ['requests', 'concurrency']);
const requests = intOption(args, 'requests', args.quick ? 300 : 3000);
const warmup = args.quick ? 50 : 500;
const concurrency = intOption(args, 'concurrency', 16);
const head = resultsHead(NAME, args.quick);

function load(port: number, apiKey: string, what: string, workers: number): Promise<Row> {
  const path = `/v1beta/models/${MODEL_ID}:generateContent`;
  return postLoad({ port, apiKey, path, body: JSON.stringify(REQUEST), what, workers, requests, warmup });
}

async function startServers(): Promise<{ child: ChildProcess; ready: GatewayServersReady }> {
  const child = fork(fileURLToPath(new URL('./lib/gateway-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<GatewayServersReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as GatewayServersReady));
    child.once('exit', (code) => reject(new Error(`server process exited early (${code})`)));
    child.send('start');
  });
  return { child, ready };
}

const { child, ready } = await startServers();
const rows: Row[] = [];
try {
  for (const workers of [1, concurrency]) {
    rows.push(await load(ready.barePort, 'bench', 'bare (no keys, limits, metering, metrics)', workers));
    rows.push(await load(ready.gatewayPort, ready.apiKey, 'gateway on (key, limits, usage, metrics)', workers));
    rows.push(await load(ready.cachedPort, ready.apiKey, 'gateway on + response cache (hits)', workers));
  }
} finally {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send('close');
  const timer = setTimeout(() => child.kill(), 10_000);
  await exited;
  clearTimeout(timer);
}

const at = (prefix: string, c: number) => rows.find((r) => r.what.startsWith(prefix) && r.concurrency === c)!;
const addedMedian = at('gateway on (', 1).medianMs - at('bare', 1).medianMs;
const addedP99 = at('gateway on (', 1).p99Ms - at('bare', 1).p99Ms;
printTable(
  `${NAME}: ${MODEL_ID} on the fake engine, ${requests} requests after ${warmup} warm-up${args.quick ? ' (QUICK: smoke run only)' : ''}`,
  ['what', 'concurrency', 'median ms', 'p99 ms', 'req/s'],
  rows.map((r) => [r.what, r.concurrency, r.medianMs, r.p99Ms, Math.round(r.perSecond)]),
);
console.log(`\ngateway added latency (c=1): median ${addedMedian.toFixed(3)} ms, p99 ${addedP99.toFixed(3)} ms`);
console.log(`host: ${head.host.cores} cores, ${head.host.cpu}, node ${head.host.node}, load avg ${head.host.loadAverage1m}`);
if (!args.noWrite) {
  const path = writeResults(NAME, {
    ...head,
    settings: { requests, warmup, concurrency, request: REQUEST, serversInChildProcess: true },
    addedMedianMs: round(addedMedian, 3),
    addedP99Ms: round(addedP99, 3),
    rows: rows.map((r) => ({ ...r, medianMs: round(r.medianMs, 4), p99Ms: round(r.p99Ms, 4), perSecond: Math.round(r.perSecond) })),
  });
  console.log(`wrote ${path}`);
}
