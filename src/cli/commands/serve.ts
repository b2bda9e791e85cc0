/** `gemserve serve`: serves the Gemini API from local models until SIGINT/SIGTERM. */
import { once } from 'node:events';
import { loadSettings } from '../../config/load-settings.js';
import { ConfigError } from '../../config/config-error.js';
import { DEFAULT_MODEL_NAME, MODEL_CATALOG } from '../pull/default-models.js';
import { resolveServeModel } from '../resolve-serve-model.js';
import { startServer } from '../start-server.js';
import type { Command } from './command.js';

/** After a graceful close, how long lingering handles (native threads, sockets) may keep the process alive. */
const EXIT_GRACE_MS = 5000;

/** The `serve` command. */
export const serveCommand: Command = {
  name: 'serve',
  summary: "Serve Google's Gemini API from local GGUF models.",
  usage: 'serve [--model PATH|NAME] [--config FILE] [options]',
  description: [
    `With no --model and no config, ${DEFAULT_MODEL_NAME} is served, downloaded into the pull cache on the first run.`,
    `--model takes a GGUF path, a name from the pull cache, or a short name: ${MODEL_CATALOG.map((m) => m.name).join(', ')}.`,
    'With --model, the file is served under every Gemini model id (gemini-2.0-flash, gemini-2.5-pro, ...)',
    'and under its own name. A config file can instead declare engines and bind model ids to them:',
    '  {"engines": {"main": {"kind": "llama-cpp", "model": "./m.gguf"}, "demo": {"kind": "fake"}},',
    '   "models": {"gemini-2.0-flash": {"engine": "main"}, "my-local": {"engine": "demo"}}}',
    'Point the SDKs at it with GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:8080 GEMINI_API_KEY=any.',
  ].join('\n'),
  settingsOf: 'serve',
  async run({ flags, positionals }, ctx) {
    if (positionals.length) throw new ConfigError(`serve takes no arguments (got ${positionals.join(' ')}); did you mean --model ${positionals[0]}?`);
    const signal = ctx.signal;
    const loaded = await resolveServeModel(
      await loadSettings({ command: 'serve', flags, env: ctx.env, cwd: ctx.cwd }),
      { cwd: ctx.cwd, stderr: ctx.stderr, signal, catalog: ctx.modelCatalog },
    );
    // Loading cannot be interrupted halfway (llama.cpp is mid-allocation), so say what happens.
    const onEarlyStop = () => ctx.stderr.write('stopping once the current model has loaded (press Ctrl-C again to exit now)\n');
    signal.addEventListener('abort', onEarlyStop, { once: true });
    const server = await startServer({ loaded, cwd: ctx.cwd, stderr: ctx.stderr });
    signal.removeEventListener('abort', onEarlyStop);
    ctx.stdout.write(`${server.banner}\n`);
    if (!signal.aborted) await once(signal, 'abort');
    ctx.stderr.write(`received ${String(signal.reason ?? 'signal')}: finishing requests in flight and shutting down ...\n`);
    await server.close();
    ctx.stderr.write('stopped\n');
    // Everything is closed; if a native handle still holds the loop, do not hang forever.
    setTimeout(() => process.exit(0), EXIT_GRACE_MS).unref();
    return 0;
  },
};
