import { spawnSync } from 'node:child_process';
import { defaultEngineCacheDir } from '../../src/config/settings.js';
import {
  createLlamaServerEngine, type LlamaServerEngine, type LlamaServerEngineOptions,
} from '../../src/engines/llama-server/llama-server-engine.js';

/** A started llama-server engine and how it had to be started. */
export interface StartedLlamaServerEngine {
  engine: LlamaServerEngine;
  /**
   * Whether llama.cpp repacks weights into its extra CPU buffer types (AMX, repacked Q4/Q8
   * layouts): its default. False when the default crashed at load and the engine retried
   * without (see createLlamaServerEngine).
   */
  repack: boolean;
  /** `llama-server --version`, e.g. `0.5.0-dev (build 1, commit de3ff81)`. */
  version: string | null;
}

/**
 * The llama-server engine on the build `gemserve engine build` cached (or `llama-server` on
 * PATH). The engine itself falls back to `--no-repack` when llama-server dies of SIGILL while
 * loading (a GGML_NATIVE build on a CPU that advertises AMX without running it); the result
 * says which way it ran, so results files record it.
 */
export async function startLlamaServerEngine(
  opts: Omit<LlamaServerEngineOptions, 'cacheDir'>,
): Promise<StartedLlamaServerEngine> {
  const engine = await createLlamaServerEngine({ ...opts, cacheDir: defaultEngineCacheDir(process.env) });
  if (!engine.repack) console.log('note: llama-server died of SIGILL while loading; the engine runs it with --no-repack');
  return { engine, repack: engine.repack, version: versionOf(engine.binary) };
}

function versionOf(binary: string): string | null {
  // It prints the version on stderr (after its log prefix), on stdout in some releases.
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return /^version: (.*)$/m.exec(`${r.stdout ?? ''}\n${r.stderr ?? ''}`)?.[1]?.trim() ?? null;
}
