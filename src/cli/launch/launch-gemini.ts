/**
 * `gemserve launch gemini`, like `ollama launch`: finds or starts a gemserve, then runs
 * gemini-cli against it in the foreground, and stops the server it started once gemini-cli exits.
 *
 * - Server: `--url` names one (it must answer `/healthz`); else the configured host and port are
 *   probed and a gemserve there is reused; else one is started in this process from the same
 *   settings `gemserve serve` reads (flags, env, config file). If something other than gemserve
 *   holds the default port, the started server takes a free port instead.
 * - gemini-cli: `--gemini-bin`, else `gemini` on PATH, else the npm package beside gemserve.
 * - Its settings: by default a private gemini-cli home under the data dir whose settings.json
 *   selects API-key auth and turns off what would reach Google (gemini-cli-settings.ts); the
 *   user's own `~/.gemini` is untouched. `--write-settings` instead sets only the auth type in
 *   the user's own settings.json (their history, MCP servers and GEMINI.md then apply).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LoadedSettings } from '../../config/load-settings.js';
import type { OutputStream } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { resolveServeModel } from '../resolve-serve-model.js';
import { startServer, type RunningServer } from '../start-server.js';
import { findGeminiCli } from './find-gemini-cli.js';
import { geminiCliEnv } from './gemini-cli-env.js';
import { AUTH_SETTINGS, LAUNCH_SETTINGS, settingsFileOf, writeSettings } from './gemini-cli-settings.js';
import { connectableBaseUrl, probeGemserve } from './probe-gemserve.js';
import { runClient } from './run-client.js';

/** The key gemini-cli sends to a server that accepts any (gemini-cli refuses to start without one). */
export const PLACEHOLDER_API_KEY = 'gemserve';

/** The private gemini-cli home, under the data dir. */
export function privateGeminiCliHome(dataDir: string): string {
  return join(dataDir, 'gemini-cli');
}

/** Where a started server's log goes while gemini-cli owns the terminal. */
export function launchLogFile(dataDir: string): string {
  return join(dataDir, 'launch.log');
}

/** Inputs of {@link launchGemini}. */
export interface LaunchGeminiOptions {
  /** The settings `serve` would run with. */
  loaded: LoadedSettings;
  /** Arguments passed to gemini-cli as they are. */
  args: string[];
  /** Use this gemserve (base URL with its mount prefix); never start one. */
  url?: string;
  /** Set the auth type in the user's own gemini-cli settings instead of using a private home. */
  writeSettings?: boolean;
  /** The gemini-cli executable or JavaScript entry. */
  geminiBin?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** gemserve's own messages; stdout belongs to gemini-cli (scripts read its JSON there). */
  stderr: OutputStream;
}

/** How it ended. */
export interface LaunchOutcome {
  /** gemini-cli's exit code. */
  exitCode: number;
  /** A server was started (and has been stopped). */
  startedServer: boolean;
}

/** The server gemini-cli talks to, and the one to stop afterwards if this process started it. */
interface ServerChoice {
  baseUrl: string;
  started?: RunningServer;
}

/** An output whose destination can change: the terminal while loading, the log file while gemini-cli runs. */
class SwitchableOutput implements OutputStream {
  constructor(public target: OutputStream) {}
  write(chunk: string): unknown {
    return this.target.write(chunk);
  }
}

async function chooseServer(opts: LaunchGeminiOptions, output: SwitchableOutput): Promise<ServerChoice> {
  const { settings, sources } = opts.loaded;
  if (opts.url) {
    const baseUrl = opts.url.replace(/\/+$/, '');
    const probe = await probeGemserve(baseUrl);
    if (probe.kind !== 'gemserve') throw new CliError(`no gemserve answers at ${baseUrl} (${probe.reason})`);
    return { baseUrl };
  }
  let loaded = opts.loaded;
  if (settings.port !== 0) {
    const baseUrl = connectableBaseUrl(settings.host, settings.port, settings.mountPrefix);
    const probe = await probeGemserve(baseUrl);
    if (probe.kind === 'gemserve') {
      const unused = (['model', 'config'] as const).filter((k) => sources[k] !== 'default');
      opts.stderr.write(`using the gemserve already running at ${baseUrl}` +
        `${unused.length ? ` (its own models: ${unused.map((k) => `--${k}`).join(' and ')} not applied; stop it, or give another --port)` : ''}\n`);
      return { baseUrl };
    }
    if (probe.kind === 'other' && sources.port === 'default') {
      opts.stderr.write(`note: port ${settings.port} is taken by something else (${probe.reason}); starting gemserve on a free port\n`);
      loaded = { ...loaded, settings: { ...settings, port: 0 } };
    }
  }
  // As serve: a short name, or no model at all (the default), is fetched into the pull cache first.
  loaded = await resolveServeModel(loaded, { cwd: opts.cwd, stderr: opts.stderr });
  const started = await startServer({ loaded, cwd: opts.cwd, stderr: output });
  opts.stderr.write(`${started.banner}\n`);
  return { baseUrl: connectableBaseUrl(settings.host, started.port, settings.mountPrefix), started };
}

/** Gives gemini-cli its settings; returns the private home, or undefined when the user's own is used. */
async function prepareSettings(opts: LaunchGeminiOptions): Promise<string | undefined> {
  if (opts.writeSettings) {
    // The home gemini-cli itself will use: its GEMINI_CLI_HOME, else HOME as os.homedir() reads it in its environment.
    const file = settingsFileOf(opts.env.GEMINI_CLI_HOME || opts.env.HOME || opts.env.USERPROFILE || homedir());
    const r = await writeSettings(file, AUTH_SETTINGS, { userOwned: true });
    if (r.changed.length) {
      opts.stderr.write(`set ${r.changed.join(', ')} in ${file}${r.backup ? ` (the original is kept as ${r.backup})` : ''}\n`);
    }
    return undefined;
  }
  const home = privateGeminiCliHome(opts.loaded.settings.dataDir);
  await writeSettings(settingsFileOf(home), LAUNCH_SETTINGS);
  return home;
}

/** Runs gemini-cli against a found or started gemserve; resolves once gemini-cli has exited and the server it started has stopped. */
export async function launchGemini(opts: LaunchGeminiOptions): Promise<LaunchOutcome> {
  const { settings } = opts.loaded;
  // Before any server starts: a missing gemini-cli should not cost a model load.
  const gemini = findGeminiCli({ explicit: opts.geminiBin, env: opts.env, cwd: opts.cwd });
  const output = new SwitchableOutput(opts.stderr);
  const server = await chooseServer(opts, output);
  let log: WriteStream | undefined;
  try {
    const home = await prepareSettings(opts);
    if (server.started) {
      const file = launchLogFile(settings.dataDir);
      log = createWriteStream(file, { flags: 'a' });
      output.target = log;
      opts.stderr.write(`gemserve logs to ${file} while gemini-cli runs\n`);
    }
    const env = geminiCliEnv(opts.env, { baseUrl: server.baseUrl, apiKey: settings.apiKeys[0] ?? PLACEHOLDER_API_KEY, ...(home ? { home } : {}) });
    opts.stderr.write(`running gemini-cli (${gemini.source === 'flag' ? '--gemini-bin' : gemini.source}: ${gemini.path}) against ${server.baseUrl}\n`);
    const exitCode = await runClient({
      command: gemini.command, args: [...gemini.args, ...opts.args], env, cwd: opts.cwd, ...(gemini.shell ? { shell: true } : {}),
    });
    return { exitCode, startedServer: server.started !== undefined };
  } finally {
    // Its shutdown lines go to the log too; the terminal is gemini-cli's until the end.
    await server.started?.close();
    output.target = opts.stderr;
    if (log) await new Promise<void>((done) => log?.end(done));
  }
}
