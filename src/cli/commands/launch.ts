/** `gemserve launch gemini [-- ARGS]`: runs gemini-cli against a running or freshly started gemserve. */
import { loadSettings } from '../../config/load-settings.js';
import { ConfigError } from '../../config/config-error.js';
import { launchGemini } from '../launch/launch-gemini.js';
import type { Command } from './command.js';

/** After gemini-cli exits and the server is closed, how long lingering native handles may keep the process alive (as `serve`). */
const EXIT_GRACE_MS = 5000;

/** The clients `launch` knows. */
const CLIENTS = ['gemini'];

/** The `launch` command. */
export const launchCommand: Command = {
  name: 'launch',
  summary: 'Run gemini-cli against gemserve: reuses a running server or starts one.',
  usage: 'launch gemini [--url URL] [--write-settings] [serve options] [-- GEMINI_ARGS...]',
  description: [
    'Runs gemini-cli (gemini on PATH, else the @google/gemini-cli installed with gemserve) with',
    'GOOGLE_GEMINI_BASE_URL and GEMINI_API_KEY pointing at gemserve, and its exit code. The server is',
    'the one at --url, else the one already answering on --host/--port, else one started here with the',
    'serve options below (stopped when gemini-cli exits; its log goes to <data-dir>/launch.log).',
    'gemini-cli gets a private home, <data-dir>/gemini-cli, whose settings select API-key auth with no',
    'usage statistics, telemetry, update checks or IDE; your ~/.gemini is untouched unless --write-settings.',
    'Arguments after -- go to gemini-cli, e.g.:',
    '  gemserve launch gemini --model ./gemma.gguf --context-size 32768 -- -p "say hello"',
    'gemini-cli\'s default prompt needs about 16k tokens of context; see docs/gemini-cli.md to trim it.',
  ].join('\n'),
  settingsOf: 'serve',
  options: {
    url: { type: 'string', valueName: 'URL', help: 'Use the gemserve at URL (with its mount prefix); never start one.' },
    'write-settings': {
      type: 'boolean',
      help: 'Run gemini-cli with your own ~/.gemini (history, MCP servers, GEMINI.md) and set security.auth.selectedType "gemini-api-key" in its settings.json (the original is kept as settings.json.gemserve-backup).',
    },
    'gemini-bin': { type: 'string', valueName: 'PATH', help: 'The gemini-cli to run (default: gemini on PATH, else the @google/gemini-cli package).' },
  },
  async run({ flags, positionals }, ctx) {
    const [client, ...args] = positionals;
    if (!client || !CLIENTS.includes(client)) {
      throw new ConfigError(`launch takes the client to run: ${CLIENTS.join(', ')} (got ${client === undefined ? 'nothing' : JSON.stringify(client)}); e.g. gemserve launch gemini -- -p "say hello"`);
    }
    const loaded = await loadSettings({ command: 'serve', flags, env: ctx.env, cwd: ctx.cwd });
    const outcome = await launchGemini({
      loaded,
      args,
      ...(typeof flags.url === 'string' ? { url: flags.url } : {}),
      writeSettings: flags['write-settings'] === true,
      ...(typeof flags['gemini-bin'] === 'string' ? { geminiBin: flags['gemini-bin'] } : {}),
      env: ctx.env,
      cwd: ctx.cwd,
      stderr: ctx.stderr,
    });
    // A started server is closed; if a native handle (llama.cpp threads) still holds the loop, do not hang.
    if (outcome.startedServer) setTimeout(() => process.exit(outcome.exitCode), EXIT_GRACE_MS).unref();
    return outcome.exitCode;
  },
};
