/**
 * `gemserve launch gemini` with a stand-in for gemini-cli (a script that reports what it was
 * given): which server it gets, its environment and settings, its arguments and exit code, the
 * server started for it and stopped after. test/contract/gemini-cli.contract.test.ts runs the
 * real gemini-cli.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../config/load-settings.js';
import { FakeEngine } from '../../engines/fake/fake-engine.js';
import { createApp } from '../../http/create-app.js';
import { ModelCatalog } from '../../core/catalog/model-catalog.js';
import { captureContext } from '../cli-context.js';
import { main } from '../main.js';
import { findGeminiCli, findOnPath, findPackageBin } from './find-gemini-cli.js';
import { launchGemini, launchLogFile, privateGeminiCliHome, PLACEHOLDER_API_KEY } from './launch-gemini.js';
import { LAUNCH_SETTINGS, mergeSettings, settingsFileOf, writeSettings } from './gemini-cli-settings.js';
import { connectableBaseUrl, probeGemserve } from './probe-gemserve.js';

/** What the stand-in saw. */
interface StubReport {
  argv: string[];
  cwd: string;
  env: Record<string, string | null>;
  settings: Record<string, unknown> | null;
  health: number | string;
}

/** The stand-in: reports its arguments, the variables that matter, its settings and whether gemserve answers, then exits with STUB_EXIT. */
const STUB = `
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const names = ['GOOGLE_GEMINI_BASE_URL', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_GENAI_USE_GCA', 'GEMINI_CLI_HOME', 'KEEP_ME'];
const home = process.env.GEMINI_CLI_HOME ?? process.env.HOME;
const file = join(home, '.gemini', 'settings.json');
const health = await fetch(process.env.GOOGLE_GEMINI_BASE_URL + '/healthz').then((r) => r.status, (e) => String(e.cause?.code ?? e));
writeFileSync(process.env.STUB_REPORT, JSON.stringify({
  argv: process.argv.slice(2), cwd: process.cwd(),
  env: Object.fromEntries(names.map((n) => [n, process.env[n] ?? null])),
  settings: existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null,
  health,
}));
process.exit(Number(process.env.STUB_EXIT ?? 0));
`;

let dir: string;
let stub: string;
let report: string;
let userHome: string;
let fakeConfig: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemserve-launch-'));
  stub = join(dir, 'gemini-stub.mjs');
  report = join(dir, 'report.json');
  userHome = join(dir, 'user-home');
  await mkdir(userHome);
  await writeFile(stub, STUB);
  fakeConfig = join(dir, 'fake.json');
  await writeFile(fakeConfig, JSON.stringify({ engines: { demo: { kind: 'fake' } }, models: { 'gemini-2.5-flash': { engine: 'demo' } } }));
});
after(() => rm(dir, { recursive: true, force: true }));

/** The user's environment in these tests: their own home and a Google key that must not reach the client. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH, HOME: userHome, STUB_REPORT: report, KEEP_ME: 'kept',
    GOOGLE_API_KEY: 'a-google-key', GOOGLE_GENAI_USE_VERTEXAI: 'true', ...extra,
  };
}

async function readReport(): Promise<StubReport> {
  return JSON.parse(await readFile(report, 'utf8')) as StubReport;
}

async function launch(flags: Record<string, string | boolean | string[]>, opts: { args?: string[]; env?: NodeJS.ProcessEnv; url?: string; writeSettings?: boolean } = {}) {
  await rm(report, { force: true });
  const env = userEnv(opts.env);
  const loaded = await loadSettings({ command: 'serve', flags, env, cwd: dir });
  const stderr: string[] = [];
  const outcome = await launchGemini({
    loaded, args: opts.args ?? [], env, cwd: dir, stderr: { write: (s: string) => stderr.push(s) }, geminiBin: stub,
    ...(opts.url ? { url: opts.url } : {}), ...(opts.writeSettings ? { writeSettings: true } : {}),
  });
  return { outcome, stderr: stderr.join(''), seen: await readReport(), dataDir: loaded.settings.dataDir };
}

/** A gemserve app on an ephemeral port, as another terminal's `gemserve serve` would be. */
async function runningGemserve(mountPrefix = '') {
  const app = await createApp({
    catalog: new ModelCatalog([{ id: 'gemini-2.5-flash', engine: new FakeEngine() }]), apiKeys: [], bodyLimitBytes: 1 << 20, logger: false, mountPrefix,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  return { app, port, [Symbol.asyncDispose]: () => app.close() };
}

test('no server running: starts one from the serve settings, runs the client against it with a private home, stops it after', async () => {
  const dataDir = join(dir, 'data-start');
  const { outcome, stderr, seen } = await launch(
    { config: fakeConfig, port: '0', 'data-dir': dataDir, 'api-key': ['k1'] },
    { args: ['-p', 'say hello', '--output-format', 'json'], env: { STUB_EXIT: '7' } },
  );
  assert.deepEqual(outcome, { exitCode: 7, startedServer: true });
  assert.deepEqual(seen.argv, ['-p', 'say hello', '--output-format', 'json']);
  assert.equal(seen.cwd, dir);
  assert.match(seen.env.GOOGLE_GEMINI_BASE_URL ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(seen.health, 200, 'the server answered while the client ran');
  assert.equal(seen.env.GEMINI_API_KEY, 'k1', "the server's own key");
  assert.equal(seen.env.GOOGLE_API_KEY, null, 'a Google key would win over GEMINI_API_KEY');
  assert.equal(seen.env.GOOGLE_GENAI_USE_VERTEXAI, null);
  assert.equal(seen.env.KEEP_ME, 'kept');
  assert.equal(seen.env.GEMINI_CLI_HOME, privateGeminiCliHome(dataDir));
  assert.deepEqual(seen.settings, LAUNCH_SETTINGS);
  assert.equal(existsSync(join(userHome, '.gemini')), false, "the user's gemini-cli settings are untouched");
  assert.match(stderr, /gemserve listening on http:\/\/127\.0\.0\.1:\d+ \(models: \d+, engine: fake\)/);
  assert.match(stderr, /running gemini-cli \(--gemini-bin: .*gemini-stub\.mjs\)/);
  assert.ok(existsSync(launchLogFile(dataDir)), 'the server logs to a file while the client owns the terminal');
  const probe = await probeGemserve(seen.env.GOOGLE_GEMINI_BASE_URL ?? '');
  assert.equal(probe.kind, 'absent', 'the server it started is stopped');
});

test('a gemserve already on the configured port is reused, not started again; its mount prefix is kept', async () => {
  await using server = await runningGemserve('/gemini');
  const { outcome, stderr, seen } = await launch({ port: String(server.port), 'mount-prefix': '/gemini', 'data-dir': join(dir, 'data-reuse') });
  assert.deepEqual(outcome, { exitCode: 0, startedServer: false });
  assert.equal(seen.env.GOOGLE_GEMINI_BASE_URL, `http://127.0.0.1:${server.port}/gemini`);
  assert.equal(seen.health, 200);
  assert.equal(seen.env.GEMINI_API_KEY, PLACEHOLDER_API_KEY, 'a server without keys takes any key; gemini-cli needs one');
  assert.match(stderr, /using the gemserve already running at/);
  assert.doesNotMatch(stderr, /listening on/);
});

test('--url: that server, or an error when no gemserve answers there', async () => {
  await using server = await runningGemserve();
  const url = `http://127.0.0.1:${server.port}/`;
  const { seen } = await launch({ 'data-dir': join(dir, 'data-url') }, { url });
  assert.equal(seen.env.GOOGLE_GEMINI_BASE_URL, `http://127.0.0.1:${server.port}`);

  const other = createServer((_req, res) => res.writeHead(404).end('not here'));
  await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
  after(() => new Promise<void>((done) => (other as Server).close(() => done())));
  const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  await assert.rejects(launch({ 'data-dir': join(dir, 'data-url') }, { url: otherUrl }), /no gemserve answers at .*GET \/healthz answered 404/);
});

test('a port set on purpose and taken by something else: an error naming it, no server, no client', async () => {
  const other = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
  after(() => new Promise<void>((done) => other.close(() => done())));
  const taken = (other.address() as AddressInfo).port;
  await rm(report, { force: true });
  await assert.rejects(launch({ config: fakeConfig, port: String(taken), 'data-dir': join(dir, 'data-taken') }), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${taken}`));
  assert.equal(existsSync(report), false);
});

test('--write-settings: the user home, only the auth type set, every other setting kept, the original backed up', async () => {
  const file = settingsFileOf(userHome);
  await mkdir(join(userHome, '.gemini'), { recursive: true });
  const original = { ui: { theme: 'GitHub' }, security: { auth: { selectedType: 'oauth-personal' }, folderTrust: { enabled: true } } };
  await writeFile(file, JSON.stringify(original));
  await using server = await runningGemserve();
  const { seen, stderr } = await launch({ port: String(server.port), 'data-dir': join(dir, 'data-write') }, { writeSettings: true });
  assert.equal(seen.env.GEMINI_CLI_HOME, null);
  assert.deepEqual(seen.settings, { ui: { theme: 'GitHub' }, security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: true } } });
  assert.deepEqual(JSON.parse(await readFile(`${file}.gemserve-backup`, 'utf8')), original);
  assert.match(stderr, /set security\.auth\.selectedType in .*settings\.json/);

  await writeFile(file, '{\n  // a comment gemini-cli accepts\n  "ui": {}\n}\n');
  await assert.rejects(launch({ port: String(server.port) }, { writeSettings: true }), /cannot update .*settings\.json: .*without --write-settings/);
  await rm(join(userHome, '.gemini'), { recursive: true });
});

test('through main: arguments after -- reach gemini-cli as they are', async () => {
  await using server = await runningGemserve();
  await rm(report, { force: true });
  const ctx = captureContext({ cwd: dir, env: userEnv({ STUB_EXIT: '3' }) });
  const code = await main(['launch', 'gemini', '--url', `http://127.0.0.1:${server.port}`, '--gemini-bin', stub, '--data-dir', join(dir, 'data-main'),
    '--', '-p', 'say "hello" --port 1', '-m', 'gemini-2.5-flash'], ctx);
  assert.equal(code, 3, ctx.err());
  assert.deepEqual((await readReport()).argv, ['-p', 'say "hello" --port 1', '-m', 'gemini-2.5-flash']);

  const bad = captureContext({ cwd: dir, env: userEnv() });
  assert.equal(await main(['launch', 'claude'], bad), 2);
  assert.match(bad.err(), /launch takes the client to run: gemini/);
});

test('finding gemini-cli: PATH first, else the npm package beside gemserve, else how to install it', async () => {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'gemini'), '#!/bin/sh\n');
  await chmod(join(bin, 'gemini'), 0o755);
  assert.equal(findOnPath('gemini', { PATH: `/nonexistent:${bin}` }), join(bin, 'gemini'));
  assert.deepEqual(findGeminiCli({ env: { PATH: bin }, cwd: dir }), { command: join(bin, 'gemini'), args: [], source: 'PATH', path: join(bin, 'gemini') });

  const pkg = findPackageBin();
  assert.ok(pkg?.endsWith(join('@google', 'gemini-cli', 'bundle', 'gemini.js')), String(pkg));
  const found = findGeminiCli({ env: { PATH: '/nonexistent' }, cwd: dir });
  assert.deepEqual(found, { command: process.execPath, args: [pkg], source: 'package', path: pkg });

  assert.throws(() => findGeminiCli({ env: { PATH: '/nonexistent' }, cwd: dir, packageFrom: join(tmpdir(), 'x.js') }), /npm install -g @google\/gemini-cli/);
  assert.throws(() => findGeminiCli({ explicit: 'nope', env: {}, cwd: dir }), /--gemini-bin nope: no such file/);
});

test('settings merge: wanted leaves set, the rest kept, changed keys named; an unreadable private file is replaced', async () => {
  const { merged, changed } = mergeSettings({ a: 1, security: { auth: { selectedType: 'x' }, other: true } }, { security: { auth: { selectedType: 'y' } } });
  assert.deepEqual(merged, { a: 1, security: { auth: { selectedType: 'y' }, other: true } });
  assert.deepEqual(changed, ['security.auth.selectedType']);
  assert.deepEqual(mergeSettings({ b: { c: 1 } }, { b: { c: 1 } }).changed, []);

  const file = join(dir, 'private', '.gemini', 'settings.json');
  await mkdir(join(dir, 'private', '.gemini'), { recursive: true });
  await writeFile(file, 'not json');
  assert.deepEqual((await writeSettings(file, { x: 1 })).changed, ['x']);
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { x: 1 });
});

test('the URL a client reaches a server at: loopback for a wildcard address, IPv6 in brackets', () => {
  assert.equal(connectableBaseUrl('0.0.0.0', 8080, ''), 'http://127.0.0.1:8080');
  assert.equal(connectableBaseUrl('::', 8080, '/gemini'), 'http://[::1]:8080/gemini');
  assert.equal(connectableBaseUrl('127.0.0.1', 1, ''), 'http://127.0.0.1:1');
  assert.equal(connectableBaseUrl('::1', 2, ''), 'http://[::1]:2');
});
