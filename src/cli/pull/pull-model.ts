/**
 * `gemserve pull`'s work: reference → download URL → verified file in the pull cache. A short
 * name of the catalog (`gemma3-1b`, default-models.ts) is its pinned file and SHA-256.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutputStream } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { downloadFile, type DownloadResult } from './download-file.js';
import { listHfRepoFiles } from './list-hf-repo-files.js';
import { findCatalogModel, type CatalogModel } from './default-models.js';
import { createProgressBar } from './progress-bar.js';
import { pullCatalogModel } from './pull-catalog-model.js';
import { hfFileUrl, parsePullRef, pickQuantFile } from './resolve-pull-ref.js';

/** Options of {@link pullModel}. */
export interface PullModelOptions {
  ref: string;
  modelsDir: string;
  hfEndpoint: string;
  hfToken?: string;
  /** Expected SHA-256 (hex) of the file. */
  sha256?: string;
  /** Download again even if the file is already in the cache. */
  force?: boolean;
  /** Checks the downloaded file (e.g. its GGUF header); returns why it is unusable. */
  verify?: (path: string) => Promise<string | undefined>;
  /** Progress and notes go here. */
  stderr: OutputStream;
  signal?: AbortSignal;
  retries?: number;
  retryDelayMs?: number;
  /** The short names `ref` may be; default the pinned MODEL_CATALOG (tests pass their own). */
  catalog?: readonly CatalogModel[];
}

/** The pulled model. */
export interface PullModelResult extends Partial<DownloadResult> {
  name: string;
  path: string;
  url: string;
  /** The file was already in the cache; nothing was downloaded. */
  alreadyPresent: boolean;
  /** The catalog's short name, when `ref` was one (its pinned SHA-256 was checked). */
  catalog?: string;
}

/** Resolves `opts.ref`, downloads it into `opts.modelsDir` and verifies it. Throws {@link CliError}. */
export async function pullModel(opts: PullModelOptions): Promise<PullModelResult> {
  if (opts.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(opts.sha256)) {
    throw new CliError(`--sha256 must be 64 hex digits (got ${JSON.stringify(opts.sha256)})`, 2);
  }
  const pinned = findCatalogModel(opts.ref, opts.catalog);
  if (pinned) {
    if (opts.sha256 !== undefined && opts.sha256.toLowerCase() !== pinned.sha256) {
      throw new CliError(`--sha256 differs from the SHA-256 pinned for ${pinned.name} (${pinned.sha256}); leave it out`, 2);
    }
    return pullCatalogModel({ ...opts, model: pinned });
  }
  const ref = parsePullRef(opts.ref, opts.hfEndpoint);
  const hfOrigin = new URL(opts.hfEndpoint).origin;
  // The token goes to Hugging Face only, never to an arbitrary URL the user pulls from.
  const authFor = (url: string): Record<string, string> =>
    opts.hfToken && new URL(url).origin === hfOrigin ? { authorization: `Bearer ${opts.hfToken}` } : {};

  let url: string;
  let fileName: string;
  if (ref.kind === 'hf-quant') {
    const files = await listHfRepoFiles({
      endpoint: opts.hfEndpoint, owner: ref.owner, repo: ref.repo, revision: ref.revision,
      headers: authFor(opts.hfEndpoint), signal: opts.signal,
    });
    const file = pickQuantFile(opts.ref, files, ref.quant);
    url = hfFileUrl(opts.hfEndpoint, ref.owner, ref.repo, ref.revision, file);
    fileName = file.split('/').pop() as string;
  } else {
    url = ref.url;
    fileName = ref.fileName;
  }
  if (fileName.startsWith('.') || /[\\/]/.test(fileName)) throw new CliError(`refusing to save a model as ${JSON.stringify(fileName)}`, 2);

  const dest = join(opts.modelsDir, fileName);
  const name = fileName.replace(/\.gguf$/i, '');
  const existing = await stat(dest).catch(() => undefined);
  if (existing && !opts.force) return { name, path: dest, url, alreadyPresent: true, bytes: existing.size };

  await mkdir(opts.modelsDir, { recursive: true });
  opts.stderr.write(`pulling ${fileName} from ${url}\n`);
  const result = await downloadFile({
    url,
    dest,
    headers: authFor(url),
    sha256: opts.sha256?.toLowerCase(),
    verify: opts.verify,
    progress: createProgressBar({ stream: opts.stderr, label: fileName }),
    log: (line) => opts.stderr.write(`${line}\n`),
    signal: opts.signal,
    retries: opts.retries,
    retryDelayMs: opts.retryDelayMs,
  });
  return { ...result, name, url, alreadyPresent: false };
}
