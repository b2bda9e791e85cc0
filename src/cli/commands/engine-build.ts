/**
 * `gemserve engine build`: compiles llama.cpp's llama-server (the llama-server engine's child
 * process) from the llama.cpp source node-llama-cpp ships, into the engine cache. A second run
 * finds the cached binary and returns at once; `--force` rebuilds.
 */
import { ConfigError } from '../../config/config-error.js';
import { loadSettings } from '../../config/load-settings.js';
import { integer } from '../../config/setting-parsers.js';
import { buildLlamaServer, LlamaServerBuildError } from '../../engines/llama-server/build-llama-server.js';
import { CliError } from '../cli-error.js';
import type { Command } from './command.js';

/** The `engine` command (`engine build`). */
export const engineBuildCommand: Command = {
  name: 'engine',
  summary: 'Build llama-server, the engine behind --mmproj and --engine llama-server.',
  usage: 'engine build [--force] [--jobs N] [options]',
  description: [
    'Compiles llama-server (CPU, Release) from the llama.cpp source that node-llama-cpp ships, the same',
    'llama.cpp release as the embedded engine, with cmake and a C++ compiler (git, cmake, make, g++). It takes',
    'several minutes once; the binary is cached in <engine cache dir>/llama-server/<release>/bin/ and a',
    'second run returns at once. The build output goes to stderr; the binary path is printed on stdout.',
  ].join('\n'),
  settingsOf: 'engine',
  options: {
    force: { type: 'boolean', help: 'Build again even if the cache has a binary of this release.' },
    jobs: { type: 'string', short: 'j', valueName: 'N', help: 'Parallel compile jobs (default: the CPUs available).' },
  },
  async run({ flags, positionals }, ctx) {
    if (positionals[0] !== 'build' || positionals.length !== 1) {
      throw new ConfigError(`usage: gemserve engine build [--force]${positionals.length ? ` (got "${positionals.join(' ')}")` : ''}`);
    }
    let jobs: number | undefined;
    try {
      jobs = flags.jobs === undefined ? undefined : integer(1, 256)(flags.jobs);
    } catch (e) {
      throw new ConfigError(`--jobs ${(e as Error).message}`);
    }
    const { settings } = await loadSettings({ command: 'engine', flags, env: ctx.env, cwd: ctx.cwd });
    try {
      const result = await buildLlamaServer({
        cacheDir: settings.engineCacheDir,
        force: flags.force === true,
        jobs,
        log: (text) => ctx.stderr.write(text),
        signal: ctx.signal,
      });
      if (result.cached) ctx.stderr.write(`llama-server (llama.cpp ${result.tag}) is already built; --force builds it again\n`);
      ctx.stdout.write(`${result.binary}\n`);
      return 0;
    } catch (e) {
      if (ctx.signal.aborted) throw new CliError('build cancelled; nothing was installed', 130);
      if (e instanceof LlamaServerBuildError) throw new CliError(`building llama-server failed: ${e.message}; nothing was installed`);
      throw e;
    }
  },
};
