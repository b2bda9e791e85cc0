/**
 * Compiles llama.cpp's `llama-server` from the source node-llama-cpp ships (llama-cpp-source.ts)
 * into the engine cache (llama-server-cache.ts). `gemserve engine build` runs it; the engine
 * only ever looks the result up.
 *
 * The build happens in a temporary folder inside the cache and is moved into place only once
 * the binary has run: an interrupted or failed build leaves no half-made binary behind.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, stat, writeFile, copyFile, chmod } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { llamaCppSource, type LlamaCppSource } from './llama-cpp-source.js';
import { cachedLlamaServerPath, llamaServerBuildDir } from './llama-server-cache.js';

/**
 * The CMake cache entries of the build. Sources: llama.cpp's CMakeLists.txt options and
 * tools/server/README.md ("Build").
 * - Release, CPU only: no GPU backend is switched on (they all default to OFF).
 * - `GGML_NATIVE=ON`: compile for this machine's CPU (-march=native: AVX2/AVX-512/... as
 *   present). The binary is built on the machine that runs it and cached under the user's
 *   home, so portability buys nothing and native code is measurably faster on CPU. The cost:
 *   a cache folder copied to an older CPU dies with SIGILL; delete it there and build again.
 * - `BUILD_SHARED_LIBS=OFF`: one self-contained executable. With shared libraries it would
 *   load libllama.so/libggml*.so from the build folder through its RPATH, which breaks once
 *   the binary is moved into the cache.
 * - `LLAMA_CURL=OFF`, `LLAMA_OPENSSL=OFF`: gemserve hands it local files and talks plain HTTP
 *   on loopback, so no download or TLS support (and no libcurl/libssl headers needed).
 * - `LLAMA_BUILD_UI=OFF`, `LLAMA_USE_PREBUILT_UI=OFF`: no web UI (it is also disabled at run
 *   time); the prebuilt one would be downloaded from Hugging Face during the build.
 * - Tests, examples and the unified app off; tools on, because the server lives in tools/.
 */
export const LLAMA_SERVER_CMAKE_FLAGS: readonly string[] = [
  '-DCMAKE_BUILD_TYPE=Release',
  '-DGGML_NATIVE=ON',
  '-DBUILD_SHARED_LIBS=OFF',
  '-DLLAMA_CURL=OFF',
  '-DLLAMA_OPENSSL=OFF',
  '-DLLAMA_BUILD_TESTS=OFF',
  '-DLLAMA_BUILD_EXAMPLES=OFF',
  '-DLLAMA_BUILD_TOOLS=ON',
  '-DLLAMA_BUILD_SERVER=ON',
  '-DLLAMA_BUILD_APP=OFF',
  '-DLLAMA_BUILD_UI=OFF',
  '-DLLAMA_USE_PREBUILT_UI=OFF',
];

/** Settings of a build. */
export interface BuildLlamaServerOptions {
  /** The engine cache root (`engineCacheDir` setting). */
  cacheDir: string;
  /** Rebuild even if the cache has a binary of this release. */
  force?: boolean;
  /** Parallel compile jobs; default: the CPUs available (`os.availableParallelism()`). */
  jobs?: number;
  /** Receives the build's output, chunk by chunk (the CLI writes it to stderr). */
  log: (text: string) => void;
  /** Aborts the build (SIGINT); the temporary folder is removed. */
  signal?: AbortSignal;
  /** The source to build; default the one node-llama-cpp ships. */
  source?: LlamaCppSource;
}

/** What a build produced. */
export interface BuildLlamaServerResult {
  binary: string;
  tag: string;
  /** True when the cache already had it and nothing was built. */
  cached: boolean;
  /** Wall time of the build (0 when cached). */
  seconds: number;
}

/** A failed step of the build, with the command that failed. */
export class LlamaServerBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlamaServerBuildError';
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** Runs a command, streaming its output to `log`; rejects with the command line when it fails. */
function run(cmd: string, args: string[], opts: { cwd?: string; log: (t: string) => void; signal?: AbortSignal }): Promise<void> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(opts.signal.reason);
      return;
    }
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = (b: Buffer) => opts.log(b.toString());
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    const onAbort = () => child.kill('SIGTERM');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(new LlamaServerBuildError(e.code === 'ENOENT'
        ? `${cmd} is not installed (needed to build llama-server: git, cmake, make and a C++ compiler, e.g. apt-get install git cmake make g++)`
        : `${cmd} could not start: ${e.message}`));
    });
    child.on('close', (code, sig) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) reject(opts.signal.reason);
      else if (code === 0) resolve();
      else reject(new LlamaServerBuildError(`\`${[cmd, ...args].join(' ')}\` failed (${sig ?? `exit code ${code}`})`));
    });
  });
}

function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return m ? `${m} min ${s} s` : `${s} s`;
}

/**
 * Builds llama-server into the cache unless it is already there (then returns at once).
 * Steps: clone the bundle into a temp folder inside the cache, configure with
 * {@link LLAMA_SERVER_CMAKE_FLAGS}, build only the `llama-server` target, check that the
 * binary runs (`--version`), then rename it into `<cache>/llama-server/<tag>/`.
 * @throws LlamaServerBuildError naming the step that failed; the cache is left as it was.
 */
export async function buildLlamaServer(opts: BuildLlamaServerOptions): Promise<BuildLlamaServerResult> {
  const source = opts.source ?? await llamaCppSource();
  const binary = cachedLlamaServerPath(opts.cacheDir, source.tag);
  if (!opts.force && await isFile(binary)) return { binary, tag: source.tag, cached: true, seconds: 0 };

  const started = performance.now();
  const jobs = Math.max(1, Math.floor(opts.jobs ?? availableParallelism()));
  const parent = join(opts.cacheDir, 'llama-server');
  await mkdir(parent, { recursive: true });
  // Inside the cache, so the final rename stays on one filesystem (atomic).
  const work = await mkdtemp(join(parent, `.build-${source.tag}-`));
  const { log, signal } = opts;
  try {
    const src = join(work, 'llama.cpp');
    const build = join(work, 'build');
    log(`== cloning llama.cpp ${source.tag} from ${source.bundlePath}\n`);
    await run('git', ['-c', 'advice.detachedHead=false', 'clone', '--quiet', source.bundlePath, src], { log, signal });
    log(`== configuring: cmake ${LLAMA_SERVER_CMAKE_FLAGS.join(' ')}\n`);
    await run('cmake', ['-S', src, '-B', build, ...LLAMA_SERVER_CMAKE_FLAGS], { log, signal });
    log(`== compiling the llama-server target with ${jobs} job${jobs === 1 ? '' : 's'} (several minutes on a small machine)\n`);
    await run('cmake', ['--build', build, '--config', 'Release', '--target', 'llama-server', '-j', String(jobs)], { log, signal });
    const built = join(build, 'bin', 'llama-server');
    if (!await isFile(built)) throw new LlamaServerBuildError(`the build finished but ${built} does not exist`);
    await run(built, ['--version'], { log, signal });

    const stage = join(work, 'stage');
    await mkdir(join(stage, 'bin'), { recursive: true });
    await copyFile(built, join(stage, 'bin', 'llama-server'));
    await chmod(join(stage, 'bin', 'llama-server'), 0o755);
    const seconds = (performance.now() - started) / 1000;
    await writeFile(join(stage, 'build.json'), `${JSON.stringify({
      tag: source.tag, repo: source.repo, cmakeFlags: LLAMA_SERVER_CMAKE_FLAGS, jobs,
      seconds: Math.round(seconds), builtAt: new Date().toISOString(),
    }, null, 2)}\n`);
    await install(stage, llamaServerBuildDir(opts.cacheDir, source.tag), join(work, 'previous'));
    log(`== built llama-server (llama.cpp ${source.tag}) in ${formatDuration(seconds)}: ${binary}\n`);
    return { binary, tag: source.tag, cached: false, seconds };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Moves `stage` to `target`; an existing target (a --force rebuild) is moved aside first. */
async function install(stage: string, target: string, aside: string): Promise<void> {
  try {
    await rename(target, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await rename(stage, target);
}
