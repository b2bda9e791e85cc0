/**
 * Gets a pinned model of the catalog (default-models.ts) into the pull cache: downloaded once
 * from its pinned URL and checked against its pinned SHA-256, then remembered as checked by a
 * marker beside it (`<file>.sha256`, in `sha256sum` format), so later starts check only the
 * size instead of reading 800 MB again.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../cli-error.js';
import type { CatalogModel } from './default-models.js';
import { downloadFile } from './download-file.js';
import { formatBytes } from './format-units.js';
import { createProgressBar } from './progress-bar.js';
import type { PullModelOptions, PullModelResult } from './pull-model.js';
import { hfFileUrl } from './resolve-pull-ref.js';

/** Options of {@link pullCatalogModel}: those of a pull, with the pinned model instead of a ref. */
export interface PullCatalogModelOptions extends Omit<PullModelOptions, 'ref' | 'sha256' | 'catalog'> {
  model: CatalogModel;
}

/** The download URL of a pinned model, on `endpoint` (huggingface.co, a mirror, or a test's server). */
export function catalogModelUrl(model: CatalogModel, endpoint: string): string {
  const [owner, repo] = model.repo.split('/');
  return hfFileUrl(endpoint, owner, repo, model.revision, model.file);
}

/** The marker saying `path` was hashed and matched: its path. */
export function verifiedMarkerPath(path: string): string {
  return `${path}.sha256`;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function markedSha256(path: string): Promise<string | undefined> {
  const text = await readFile(verifiedMarkerPath(path), 'utf8').catch(() => undefined);
  return text?.trim().split(/\s+/)[0]?.toLowerCase();
}

async function writeMarker(path: string, model: CatalogModel): Promise<void> {
  await writeFile(verifiedMarkerPath(path), `${model.sha256}  ${model.file}\n`);
}

/**
 * The pinned model's file in `opts.modelsDir`, downloading it when absent (progress on
 * `opts.stderr`). A file already there must have the pinned size, and is hashed once if no
 * marker vouches for it; one that differs is reported, never overwritten: it may be the user's.
 * Throws {@link CliError} with one line.
 */
export async function pullCatalogModel(opts: PullCatalogModelOptions): Promise<PullModelResult> {
  const { model } = opts;
  const dest = join(opts.modelsDir, model.file);
  const name = model.file.replace(/\.gguf$/i, '');
  const url = catalogModelUrl(model, opts.hfEndpoint);
  const existing = await stat(dest).catch(() => undefined);
  if (existing && !opts.force) {
    const other = (what: string) => new CliError(
      `${dest} is not the pinned ${model.name} (${what}): move it away to download ${model.name} again, or serve it by path with --model ${dest}`,
    );
    if (existing.size !== model.bytes) throw other(`${existing.size} bytes where ${model.bytes} are pinned`);
    if ((await markedSha256(dest)) !== model.sha256) {
      opts.stderr.write(`checking the SHA-256 of ${dest} (once) ...\n`);
      const sha256 = await sha256OfFile(dest);
      if (sha256 !== model.sha256) throw other(`SHA-256 ${sha256} where ${model.sha256} is pinned`);
      await writeMarker(dest, model);
    }
    return { name, path: dest, url, alreadyPresent: true, bytes: existing.size, sha256: model.sha256, catalog: model.name };
  }

  await mkdir(opts.modelsDir, { recursive: true });
  opts.stderr.write(`pulling ${model.name}: ${model.file} (${formatBytes(model.bytes)}, ${model.license}) from ${url}\n`);
  const result = await downloadFile({
    url,
    dest,
    headers: opts.hfToken ? { authorization: `Bearer ${opts.hfToken}` } : {},
    sha256: model.sha256,
    sha256Source: `the SHA-256 pinned for ${model.name}`,
    verify: opts.verify,
    progress: createProgressBar({ stream: opts.stderr, label: model.file }),
    log: (line) => opts.stderr.write(`${line}\n`),
    signal: opts.signal,
    retries: opts.retries,
    retryDelayMs: opts.retryDelayMs,
  });
  await writeMarker(dest, model);
  return { ...result, name, url, alreadyPresent: false, catalog: model.name };
}
