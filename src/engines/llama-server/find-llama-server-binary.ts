/**
 * Which llama-server binary the engine runs. Order: the configured path (`binary` in the engine
 * config, `--llama-server PATH`) → `llama-server` on PATH → the build `gemserve engine build`
 * cached for node-llama-cpp's llama.cpp release. A configured path that is not runnable is an
 * error of its own rather than a silent fallback: the user asked for that file.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { llamaCppSource } from './llama-cpp-source.js';
import { cachedLlamaServerPath } from './llama-server-cache.js';

/** Where to look. */
export interface LlamaServerBinaryLookup {
  /** An explicitly configured binary. */
  binary?: string;
  /** The engine cache root holding `gemserve engine build` output; unset skips the cache. */
  cacheDir?: string;
  /** The PATH to search; default `process.env.PATH`. */
  path?: string;
  /** The release tag of the cached build; default the one node-llama-cpp ships. */
  tag?: string;
}

/** A binary found, and how. */
export interface FoundLlamaServerBinary {
  path: string;
  source: 'configured' | 'path' | 'cache';
}

/** The lookup failed; `message` says what to do. */
export class LlamaServerBinaryNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlamaServerBinaryNotFound';
  }
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the binary.
 * @throws LlamaServerBinaryNotFound when a configured binary is not an executable file, or when
 *   nothing is found (the message says to run `gemserve engine build`).
 */
export async function findLlamaServerBinary(lookup: LlamaServerBinaryLookup): Promise<FoundLlamaServerBinary> {
  if (lookup.binary) {
    if (await isExecutableFile(lookup.binary)) return { path: lookup.binary, source: 'configured' };
    throw new LlamaServerBinaryNotFound(`the configured llama-server binary ${lookup.binary} is not an executable file`);
  }
  for (const dir of (lookup.path ?? process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'llama-server');
    if (await isExecutableFile(candidate)) return { path: candidate, source: 'path' };
  }
  let cached: string | undefined;
  if (lookup.cacheDir) {
    const tag = lookup.tag ?? (await llamaCppSource().catch(() => undefined))?.tag;
    if (tag) {
      cached = cachedLlamaServerPath(lookup.cacheDir, tag);
      if (await isExecutableFile(cached)) return { path: cached, source: 'cache' };
    }
  }
  throw new LlamaServerBinaryNotFound(
    'no llama-server binary found: run `gemserve engine build` to compile it from the llama.cpp source ' +
      'node-llama-cpp ships (takes several minutes once), put llama-server on PATH, or pass --llama-server PATH' +
      (cached ? ` (looked for ${cached})` : ''),
  );
}
