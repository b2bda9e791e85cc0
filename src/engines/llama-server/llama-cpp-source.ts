/**
 * The llama.cpp source that the installed node-llama-cpp package ships: `llama/gitRelease.bundle`
 * (a git bundle of llama.cpp at the release node-llama-cpp was built from) and
 * `llama/llama.cpp.info.json` naming that release. Building llama-server from it keeps the
 * child-process engine on the same llama.cpp as the embedded one, without a download.
 */
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where the llama.cpp source is and which release it is. */
export interface LlamaCppSource {
  /** The release tag, e.g. `b6250`; names the build cache folder. */
  tag: string;
  /** The GitHub repository the release comes from, e.g. `ggml-org/llama.cpp`. */
  repo: string;
  /** The git bundle to clone. */
  bundlePath: string;
}

/** Tags become a folder name: keep them to safe characters. */
const SAFE_TAG = /^[A-Za-z0-9._-]+$/;

/** The node-llama-cpp package folder, found the way Node resolves the import. */
export function nodeLlamaCppDir(): string {
  // Its `exports` resolve to dist/index.js; the package root is one folder up from dist/.
  const entry = createRequire(import.meta.url).resolve('node-llama-cpp');
  return dirname(dirname(entry));
}

/**
 * Reads the release tag and locates the bundle.
 * @throws Error naming the missing file when node-llama-cpp ships no source (a build
 *   without it, or a future layout change).
 */
export async function llamaCppSource(packageDir: string = nodeLlamaCppDir()): Promise<LlamaCppSource> {
  const infoPath = join(packageDir, 'llama', 'llama.cpp.info.json');
  const bundlePath = join(packageDir, 'llama', 'gitRelease.bundle');
  let info: { tag?: unknown; llamaCppGithubRepo?: unknown };
  try {
    info = JSON.parse(await readFile(infoPath, 'utf8')) as typeof info;
  } catch (e) {
    throw new Error(`cannot read the llama.cpp release of node-llama-cpp from ${infoPath}: ${(e as Error).message}`);
  }
  if (typeof info.tag !== 'string' || !SAFE_TAG.test(info.tag)) {
    throw new Error(`${infoPath} names no usable release tag (got ${JSON.stringify(info.tag)})`);
  }
  const found = await stat(bundlePath).then((s) => s.isFile(), () => false);
  if (!found) throw new Error(`node-llama-cpp ships no llama.cpp source bundle at ${bundlePath}`);
  const repo = typeof info.llamaCppGithubRepo === 'string' ? info.llamaCppGithubRepo : 'ggml-org/llama.cpp';
  return { tag: info.tag, repo, bundlePath };
}
