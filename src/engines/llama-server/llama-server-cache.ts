/**
 * Where built llama-server binaries live: `<engine cache>/llama-server/<release tag>/bin/llama-server`,
 * one folder per llama.cpp release so upgrading node-llama-cpp builds anew and never reuses a
 * binary of another release. The engine cache root is the `engineCacheDir` setting
 * (GEMSERVE_ENGINE_CACHE_DIR, default `$XDG_CACHE_HOME/gemserve`); it is passed in, never read
 * from the environment here.
 */
import { join } from 'node:path';

/** The folder of one release's build (holds `bin/llama-server` and `build.json`). */
export function llamaServerBuildDir(cacheDir: string, tag: string): string {
  return join(cacheDir, 'llama-server', tag);
}

/** The binary a build of release `tag` leaves in the cache. */
export function cachedLlamaServerPath(cacheDir: string, tag: string): string {
  return join(llamaServerBuildDir(cacheDir, tag), 'bin', 'llama-server');
}
