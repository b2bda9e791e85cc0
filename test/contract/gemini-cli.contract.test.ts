/**
 * gemini-cli 0.61 (the `@google/gemini-cli` devDependency), unmodified and headless
 * (`-p PROMPT --output-format json`), against gemserve: the client issue 13 is about.
 *
 * The model behind gemserve is test/fixtures/scripted-agent-engine.ts: weights that cannot
 * think (as most small local models), answering gemini-cli's router with valid JSON, and
 * calling `read_file` when scripted to. It is bound to every model name gemini-cli 0.61 sends
 * (google-gemini/gemini-cli packages/core/src/config/models.ts); names gemserve's catalog does
 * not know yet are given Google's description of a Gemini 3 model (a thinking model; limits
 * from ai.google.dev/gemini-api/docs/models), so the test holds whatever the catalog's timing.
 *
 * gemini-cli only ever talks to 127.0.0.1: its settings (src/cli/launch/gemini-cli-settings.ts)
 * turn off usage statistics, telemetry, update checks and the IDE, and `general.maxAttempts: 1`
 * keeps a failing run short. Each run is killed (its whole process group) after RUN_TIMEOUT_MS.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GEMINI_MODELS } from '../../src/core/catalog/gemini-models.js';
import type { ModelBinding } from '../../src/core/catalog/model-catalog.js';
import { findPackageBin } from '../../src/cli/launch/find-gemini-cli.js';
import { LAUNCH_SETTINGS, settingsFileOf, writeSettings } from '../../src/cli/launch/gemini-cli-settings.js';
import { launchLogFile, privateGeminiCliHome } from '../../src/cli/launch/launch-gemini.js';
import { probeGemserve } from '../../src/cli/launch/probe-gemserve.js';
import { functionResponses, ScriptedAgentEngine } from '../fixtures/scripted-agent-engine.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** tsx, resolved from here: the runs' working directory is a clean temp one. */
const TSX = import.meta.resolve('tsx');

/**
 * The model names gemini-cli 0.61 sends with API-key auth: `auto` routes with a classifier on
 * the Flash-Lite names, then streams on a Pro or Flash name; side tasks (web search and fetch,
 * loop detection) use the preview names (packages/core/src/config/models.ts,
 * packages/core/src/routing/strategies/*).
 */
const GEMINI_CLI_MODELS = [
  'gemini-3-pro-preview', 'gemini-3.1-pro-preview', 'gemini-3.1-pro-preview-customtools', 'gemini-3-flash-preview',
  'gemini-3-flash', 'gemini-3.5-flash', 'gemini-3.8-flash', 'gemini-3.1-flash-lite', 'gemini-3.5-flash-lite',
  'gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite',
];

/** Gemini 3 as Google describes it (ai.google.dev/gemini-api/docs/models, docs/gemini-3): thinking models, 1M in, 64k out. */
const GEMINI_3_DEFINITION = { thinking: true, inputTokenLimit: 1_048_576, outputTokenLimit: 65_536 };

/** One run may take this long before it is killed (four runs: the file stays under a minute); a gemini-cli run takes about 1.5 s here, a launch 3 to 4 s. */
const RUN_TIMEOUT_MS = 15_000;

/** What the test file writes to read back: a secret only the real file holds. */
const SECRET = 'The secret word is pomegranate.';

let dir: string;
let work: string;
let notes: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemserve-gemini-cli-'));
  // A clean working directory: gemini-cli loads .env files from its working directory upwards.
  work = join(dir, 'work');
  await mkdir(work);
  notes = join(work, 'notes.txt');
  await writeFile(notes, `${SECRET}\n`);
});
after(() => rm(dir, { recursive: true, force: true }));

/** A gemserve whose every gemini-cli model is the scripted engine; server-side errors are collected from its log. */
async function serveScripted(engine: ScriptedAgentEngine): Promise<TestServer & { errors: string[] }> {
  const known = new Set(GEMINI_MODELS.map((m) => m.id));
  const bindings: ModelBinding[] = GEMINI_CLI_MODELS.map((id) => ({
    id, engine: engine.for(id), ...(known.has(id) ? {} : { definition: GEMINI_3_DEFINITION }),
  }));
  const refusals = refusalLog();
  const server = await startServer({ bindings, logger: { level: 'info', stream: refusals } });
  after(() => server.close());
  return Object.assign(server, { errors: refusals.errors });
}

/** Reads gemserve's JSON log lines (Fastify logs each request's url as it comes in, its status as it completes) and keeps the refused requests. */
function refusalLog(): { write(line: string): void; errors: string[] } {
  const errors: string[] = [];
  const urls = new Map<string, string>();
  return {
    errors,
    write(line: string) {
      if (!line.startsWith('{')) return; // a note, not a log entry
      const entry = JSON.parse(line) as { reqId?: string; req?: { method?: string; url?: string }; res?: { statusCode?: number } };
      if (entry.reqId && entry.req?.url) urls.set(entry.reqId, `${entry.req.method} ${entry.req.url}`);
      if (entry.reqId && (entry.res?.statusCode ?? 0) >= 400) errors.push(`${entry.res?.statusCode} on ${urls.get(entry.reqId) ?? '?'}`);
    },
  };
}

/** A gemini-cli home with the launch settings and one retry at most. */
async function geminiCliHome(home: string): Promise<string> {
  await writeSettings(settingsFileOf(home), { ...LAUNCH_SETTINGS, general: { ...(LAUNCH_SETTINGS.general as object), maxAttempts: 1 } });
  return home;
}

/** The environment of a run: nothing of the host's but PATH, a home of its own, no Google key. */
function isolatedEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH, HOME: home, TMPDIR: dir, NO_COLOR: '1',
    // One process instead of gemini-cli re-spawning itself with a larger heap (packages/cli/index.ts).
    GEMINI_CLI_NO_RELAUNCH: 'true',
    ...extra,
  };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** gemini-cli's `--output-format json` answer: `{response, stats, error?}`. */
  json?: { response?: string; error?: unknown; stats?: { models?: Record<string, unknown>; tools?: { byName?: Record<string, { success?: number }> } } };
}

/** Runs `command args` in its own process group, killed whole after RUN_TIMEOUT_MS. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: work, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${RUN_TIMEOUT_MS} ms]`;
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }, RUN_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      let json: Run['json'];
      try {
        json = JSON.parse(stdout.slice(stdout.indexOf('{'))) as Run['json'];
      } catch {
        json = undefined;
      }
      done({ code, stdout, stderr, json });
    });
  });
}

const GEMINI_CLI = findPackageBin();

/** Runs the devDependency's gemini-cli headless against `baseUrl`. */
async function geminiCli(baseUrl: string, args: string[], name: string): Promise<Run> {
  assert.ok(GEMINI_CLI, '@google/gemini-cli is a devDependency: npm install');
  const home = await geminiCliHome(join(dir, name));
  return run(process.execPath, [GEMINI_CLI, ...args], isolatedEnv(home, {
    GEMINI_CLI_HOME: home, GOOGLE_GEMINI_BASE_URL: baseUrl, GEMINI_API_KEY: 'any',
  }));
}

/** Everything a failing assertion should show: the run and what gemserve refused. */
function explain(r: Run, server: { errors: string[] }, extra = ''): string {
  const error = r.json?.error ? `\ngemini-cli error: ${JSON.stringify(r.json.error)}` : '';
  return `exit ${r.code}${error}\ngemserve refused: ${server.errors.join(' | ') || 'nothing'}\nstderr: ${r.stderr.slice(-3000)}\nstdout: ${r.stdout.slice(0, 1500)}${extra}`;
}

/** The read_file round trip as the engine saw it: the call, then a turn carrying the file's content. */
function assertReadFileRoundTrip(engine: ScriptedAgentEngine, r: Run, server: { errors: string[] }, extra = ''): void {
  assert.equal(r.code, 0, explain(r, server, extra));
  const call = engine.calls.find((c) => c.answer.type === 'call');
  assert.ok(call, `the engine was offered read_file and called it${explain(r, server, extra)}`);
  const answered = engine.calls.find((c) => functionResponses(c).some((p) => p.name === 'read_file'));
  assert.ok(answered, `gemini-cli sent the functionResponse back${explain(r, server, extra)}`);
  const response = functionResponses(answered).find((p) => p.name === 'read_file');
  assert.match(JSON.stringify(response?.response), /The secret word is pomegranate\./, 'the real file content arrived in the functionResponse');
  assert.equal(r.json?.stats?.tools?.byName?.read_file?.success, 1, 'gemini-cli ran read_file once, successfully');
  assert.match(r.json?.response ?? '', /pomegranate/, 'gemini-cli printed the final answer');
}

test('no -m: "say hello" answers through gemini-cli\'s auto routing (a JSON classifier call on Flash-Lite, then a stream on Gemini 3)', async () => {
  const engine = new ScriptedAgentEngine();
  const server = await serveScripted(engine);
  const r = await geminiCli(server.baseUrl, ['-p', 'say hello', '--output-format', 'json'], 'hello');
  assert.equal(r.code, 0, explain(r, server));
  assert.equal(r.json?.response, 'Hello from the scripted engine.', explain(r, server));
  const classifier = engine.calls.find((c) => c.input.responseFormat?.type === 'json');
  assert.ok(classifier, 'the router asked for JSON');
  assert.match(classifier.model ?? '', /^gemini-3[.\d]*-flash-lite$/);
  const main = engine.calls.find((c) => c.answer.type === 'text');
  assert.match(main?.model ?? '', /^gemini-3/, 'the answer came from a Gemini 3 name');
  assert.ok(main?.input.tools?.functions.some((f) => f.name === 'read_file'), "gemini-cli's tools reached the engine");
  assert.deepEqual(server.errors, [], 'gemserve refused nothing');
});

test('read_file: gemini-cli runs the tool on the real file, sends the functionResponse back, and prints the answer', async () => {
  const engine = new ScriptedAgentEngine({ readFile: notes });
  const server = await serveScripted(engine);
  const r = await geminiCli(server.baseUrl, ['-p', 'What is the secret word in notes.txt?', '--output-format', 'json'], 'read-file');
  assertReadFileRoundTrip(engine, r, server);
  assert.deepEqual(server.errors, [], 'gemserve refused nothing');
});

/** `gemserve launch gemini ...` as users type it (`node --import tsx src/cli/main.ts`), with a home and data dir of its own. */
async function launch(name: string, launchArgs: string[], env: NodeJS.ProcessEnv = {}) {
  const home = join(dir, name);
  const dataDir = join(home, 'data');
  // Settings already in the private home are kept; launch adds its own (the file's merge).
  await writeSettings(settingsFileOf(privateGeminiCliHome(dataDir)), { general: { maxAttempts: 1 } });
  const r = await run(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'launch', 'gemini', '--data-dir', dataDir, ...launchArgs],
    // A Google key in the user's environment must not reach gemini-cli (launch removes it).
    isolatedEnv(home, { GOOGLE_API_KEY: 'a-real-google-key', ...env }));
  const log = existsSync(launchLogFile(dataDir)) ? await readFile(launchLogFile(dataDir), 'utf8') : '';
  return { r, home, log };
}

test('gemserve launch gemini -- -p: the same round trip in one command, against the running gemserve', async () => {
  const engine = new ScriptedAgentEngine({ readFile: notes });
  const server = await serveScripted(engine);
  const { r, home } = await launch('launch-reuse', [
    '--url', server.baseUrl, '--gemini-bin', GEMINI_CLI as string,
    '--', '-p', 'What is the secret word in notes.txt?', '--output-format', 'json',
  ]);
  assert.match(r.stderr, /running gemini-cli/, explain(r, server));
  assert.doesNotMatch(r.stderr, /gemserve listening/, 'the running server is used, none started');
  assertReadFileRoundTrip(engine, r, server);
  assert.equal(existsSync(join(home, '.gemini')), false, "the user's own gemini-cli settings are untouched");
  assert.deepEqual(server.errors, [], 'gemserve refused nothing');
});

test('gemserve launch gemini with no server running: starts one from the serve settings, runs the round trip, stops it', async () => {
  // The started gemserve is a gateway: its engine is gemini-upstream, pointed at the scripted
  // gemserve (any endpoint speaking Gemini will do), so no weights are needed.
  const engine = new ScriptedAgentEngine({ readFile: notes });
  const upstream = await serveScripted(engine);
  const config = join(dir, 'launch-start.json');
  await writeFile(config, JSON.stringify({
    engines: { upstream: { kind: 'gemini-upstream', baseUrl: upstream.baseUrl, model: 'gemini-3-flash-preview', apiKeyEnv: 'UPSTREAM_KEY', retry: { maxAttempts: 1 } } },
    models: Object.fromEntries(GEMINI_CLI_MODELS.map((id) => [id, { engine: 'upstream' }])),
  }));
  const { r, log } = await launch('launch-start', [
    '--config', config, '--port', '0', '--log-level', 'info', '--gemini-bin', GEMINI_CLI as string,
    '--', '-p', 'What is the secret word in notes.txt?', '--output-format', 'json',
  ], { UPSTREAM_KEY: 'upstream-key' });
  const started = /gemserve listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(r.stderr);
  assert.ok(started, explain(r, upstream));
  const refusals = refusalLog();
  for (const line of log.split('\n')) refusals.write(line);
  assertReadFileRoundTrip(engine, r, upstream, `\nthe started gemserve refused: ${refusals.errors.join(' | ') || 'nothing'}`);
  assert.equal((await probeGemserve(started[1])).kind, 'absent', 'the server launch started is stopped');
});
