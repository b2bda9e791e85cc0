/**
 * A large prompt must not freeze the server (issue 14, item 1): `gemserve serve` on a GGUF (the
 * generated tiny model by default) in a child process is sent prompts of `--mb` megabytes (50:
 * the case), one text part or many 1,000-character parts, to countTokens (counted),
 * generateContent and streamGenerateContent (refused: far over the context), while /healthz is
 * polled every 10 ms on a connection of its own. Per case: the answer, its time, and the worst
 * /healthz latency seen meanwhile, from the first byte sent to the answer (the target: under
 * 100 ms). Bodies are encoded before they are sent: encoding 50 MB would stall this process's
 * own loop, and its polls with it, and be counted as the server's.
 *
 *   npx tsx bench/large-prompt.ts [--quick] [--mb 50] [--model PATH] [--cases parse,parseN,gc1,gcN,sgc1,ct1,ctN]
 *
 * `parse` and `parseN` are refused by their field checks, before any engine: the HTTP layer's share of the wait.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tinyChatModel } from '../test/fixtures/test-models.js';
import { readBenchArgs } from './lib/cli-args.js';
import { printTable } from './lib/print-table.js';
import { round } from './lib/stats.js';
import { resultsHead, writeResults } from './lib/write-results.js';

const NAME = 'large-prompt';
const MODEL = 'models/gemini-2.0-flash';
const POLL_MS = 10;

const args = readBenchArgs(process.argv.slice(2), ['mb', 'model', 'cases']);
const mb = Number(args.values.mb ?? (args.quick ? 5 : 50));
const modelPath = args.values.model ?? (await tinyChatModel()).path;
const cases = (args.values.cases ?? 'parse,parseN,gc1,gcN,sgc1,ct1').split(',');

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'gemserve-bench-large-prompt-'));
const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--data-dir', dataDir, '--model', modelPath], {
  cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
});
const port: number = await new Promise((resolve, reject) => {
  let out = '';
  const read = (d: Buffer) => {
    out += d;
    const m = /127\.0\.0\.1:(\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  };
  child.stdout.on('data', read);
  child.stderr.on('data', read);
  child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
});

function post(path: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const healthAgent = new Agent({ keepAlive: true, maxSockets: 1 });
function health(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', agent: healthAgent }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    });
    // A reset connection still measured how long the server took to get to it.
    req.on('error', () => resolve(performance.now() - started));
    req.end();
  });
}

interface Row { case: string; status: number; seconds: number; worstHealthzMs: number; polls: number; answer: string }

async function measure(label: string, path: string, text: string): Promise<Row> {
  const body = Buffer.from(text);
  let stop = false;
  let worst = 0;
  let polls = 0;
  const polling = (async () => {
    while (!stop) {
      worst = Math.max(worst, await health());
      polls++;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  const started = performance.now();
  const answer = await post(path, body);
  const seconds = (performance.now() - started) / 1000;
  stop = true;
  await polling;
  return { case: label, status: answer.status, seconds: round(seconds, 2), worstHealthzMs: round(worst, 0), polls, answer: answer.body.slice(0, 140) };
}

const size = Math.round(mb * 1024 * 1024);
const text = 'hello world. '.repeat(Math.ceil(size / 13)).slice(0, size);
const onePart = JSON.stringify({ contents: [{ role: 'user', parts: [{ text }] }] });
const manyParts = JSON.stringify({ contents: [{ role: 'user', parts: Array.from({ length: Math.ceil(size / 1000) }, () => ({ text: text.slice(0, 1000) })) }] });
// Refused by the field checks after parsing, before any engine: what reading and parsing alone cost.
const badField = JSON.stringify({ contents: [{ role: 'user', parts: [{ text }] }], generationConfig: { temperature: 'hot' } });
const badFieldParts = JSON.stringify({ ...JSON.parse(manyParts) as object, generationConfig: { temperature: 'hot' } });
const CASES: Record<string, [string, string, string]> = {
  parse: ['generateContent, a bad field (no engine)', `/v1beta/${MODEL}:generateContent`, badField],
  parseN: ['generateContent, 1,000-char parts, a bad field (no engine)', `/v1beta/${MODEL}:generateContent`, badFieldParts],
  gc1: ['generateContent, one part', `/v1beta/${MODEL}:generateContent`, onePart],
  gcN: ['generateContent, 1,000-char parts', `/v1beta/${MODEL}:generateContent`, manyParts],
  sgc1: ['streamGenerateContent, one part', `/v1beta/${MODEL}:streamGenerateContent?alt=sse`, onePart],
  ct1: ['countTokens, one part', `/v1beta/${MODEL}:countTokens`, onePart],
  ctN: ['countTokens, 1,000-char parts', `/v1beta/${MODEL}:countTokens`, manyParts],
};

const rows: Row[] = [];
try {
  for (const c of cases) {
    const spec = CASES[c];
    if (!spec) throw new Error(`unknown case ${c}; known: ${Object.keys(CASES).join(', ')}`);
    rows.push(await measure(...spec));
  }
} finally {
  child.kill();
  await new Promise((r) => child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
printTable(`${mb} MB prompts, ${modelPath}`, ['case', 'status', 'seconds', 'worst /healthz ms', 'polls'],
  rows.map((r) => [r.case, r.status, r.seconds, r.worstHealthzMs, r.polls]));
for (const r of rows) console.log(`${r.case}: ${r.answer}`);
if (!args.noWrite) console.log(writeResults(NAME, { ...resultsHead(NAME, args.quick), mb, model: modelPath, rows }));
