/**
 * Downloads one file into place safely: bytes go to `<dest>.part`, an interrupted transfer
 * resumes with an HTTP Range request (now, up to `retries` times, or on the next run), and
 * the file is renamed to `dest` only after its size, SHA-256 and an optional content check
 * pass. A failed check removes the download, so `dest` never holds a bad file.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { CliError } from '../cli-error.js';
import { describeUnreachable, errorCode, isUnreachable } from './describe-network-error.js';
import { formatBytes } from './format-units.js';
import { failedUrlOf, httpGet } from './http-get.js';
import type { ProgressReporter } from './progress-bar.js';

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  url: string;
  /** Final path; the transfer writes `${dest}.part` first. */
  dest: string;
  /** Extra request headers, e.g. `authorization`. */
  headers?: Record<string, string>;
  /** Expected SHA-256 (hex); overrides the one the server's ETag may announce. */
  sha256?: string;
  /** Where `sha256` came from, for the mismatch message. Default `--sha256`. */
  sha256Source?: string;
  /** Checks the complete file before it is moved into place; returns why it is unusable, or undefined. */
  verify?: (path: string) => Promise<string | undefined>;
  progress?: ProgressReporter;
  /** One-line notes for the user (resuming, restarting). */
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** How many times to resume after the connection drops mid-transfer. Default 3. */
  retries?: number;
  /** Wait before the first resume; doubles each time. Default 1000 ms. */
  retryDelayMs?: number;
  idleTimeoutMs?: number;
}

/** What {@link downloadFile} produced. */
export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  /** Where the SHA-256 the file was checked against came from; undefined when nothing announced one. */
  sha256CheckedAgainst?: 'option' | 'server';
  /** The transfer continued a partial download (from an earlier run or a dropped connection). */
  resumed: boolean;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The SHA-256 a server announces for the file. Hugging Face answers a `resolve` URL of an
 * LFS file with `X-Linked-ETag: "<sha256>"` before redirecting to its CDN (huggingface_hub
 * reads the same header in `file_download.py`); other servers may use the digest as ETag.
 * An ETag that is not 64 hex digits (git blob SHA-1, S3 MD5) proves nothing and is ignored.
 */
export function announcedSha256(hops: readonly IncomingHttpHeaders[]): string | undefined {
  const clean = (v: unknown) => (typeof v === 'string' ? v.replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase() : '');
  for (const h of hops) {
    const linked = clean(h['x-linked-etag']);
    if (SHA256_HEX.test(linked)) return linked;
  }
  const etag = clean(hops[hops.length - 1]?.etag);
  return SHA256_HEX.test(etag) ? etag : undefined;
}

/** Parses `Content-Range: bytes START-END/TOTAL` (a 416 has an asterisk for the range), RFC 9110 §14.4. */
export function parseContentRange(v: string | undefined): { start?: number; total?: number } | undefined {
  const m = v ? /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(v.trim()) : null;
  if (!m) return undefined;
  return { start: m[1] === undefined ? undefined : Number(m[1]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashFile(path: string): Promise<Hash> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash;
}

function httpError(status: number, url: string): CliError {
  if (status === 401 || status === 403) {
    return new CliError(
      `HTTP ${status} from ${new URL(url).host}: ${url} needs authorisation (a gated or private repo?). ` +
        'Set GEMSERVE_HF_TOKEN or HF_TOKEN to a Hugging Face token with access.',
    );
  }
  if (status === 404) return new CliError(`not found (HTTP 404): ${url}. Check the owner, repo and file name.`);
  return new CliError(`HTTP ${status} from ${new URL(url).host} downloading ${url}`);
}

/**
 * Downloads `opts.url` to `opts.dest`, resuming a `.part` left by an earlier attempt.
 * Throws {@link CliError} with a one-line reason on any failure; the `.part` is kept when the
 * transfer can be resumed later and removed when its content is known to be bad.
 */
export async function downloadFile(opts: DownloadOptions): Promise<DownloadResult> {
  const part = `${opts.dest}.part`;
  const retries = opts.retries ?? 3;
  const name = basename(opts.dest);
  const log = opts.log ?? (() => {});
  let failures = 0;
  let restarts = 0;
  let announced: string | undefined;
  let total: number | undefined;
  let resumed = false;
  // Running hash of the bytes in `.part`; undefined when unknown (recomputed from disk).
  let hash: Hash | undefined;
  const keptNote = () => `; the partial download is kept in ${part}: run the same command again to resume`;

  const cancelled = () => new CliError(`download cancelled${keptNote()}`, 130);
  /** Counts an interruption; throws once retries are used up, else waits before the next try. */
  const interrupted = async (reason: string) => {
    const have = await sizeOf(part);
    if (++failures > retries) {
      throw new CliError(`download of ${name} interrupted at ${formatBytes(have)}${total ? ` of ${formatBytes(total)}` : ''}: ${reason}${keptNote()}`);
    }
    log(`${name}: connection lost at ${formatBytes(have)} (${reason}); resuming (retry ${failures} of ${retries})`);
    try {
      await sleep((opts.retryDelayMs ?? 1000) * 2 ** (failures - 1), undefined, { signal: opts.signal });
    } catch {
      throw cancelled();
    }
  };

  try {
    for (;;) {
      const offset = await sizeOf(part);
      const headers: Record<string, string> = { ...opts.headers };
      if (offset > 0) headers.range = `bytes=${offset}-`;
      let res;
      try {
        res = await httpGet(opts.url, { headers, signal: opts.signal, idleTimeoutMs: opts.idleTimeoutMs });
      } catch (e) {
        if (opts.signal?.aborted) throw cancelled();
        const url = failedUrlOf(e) ?? new URL(opts.url);
        // An unreachable host will not come back in a second: fail fast with the reason.
        const unreachable = describeUnreachable(e, url);
        // The cause lets a caller tell "offline" from other failures (serve says what to do instead).
        if (unreachable) throw new CliError(unreachable + (offset > 0 ? keptNote() : ''), 1, { cause: e });
        await interrupted(errorCode(e) ?? (e as Error).message);
        continue;
      }
      announced ??= announcedSha256(res.hops);

      let start: number;
      if (res.status === 206) {
        const range = parseContentRange(res.headers['content-range'] as string | undefined);
        if (range?.start !== offset) {
          // The server sent some other range: start clean rather than splice bytes wrongly.
          res.body.resume();
          if (++restarts > 2) throw new CliError(`${new URL(opts.url).host} answers Range requests inconsistently; giving up`);
          log(`${name}: the server sent an unexpected range (${res.headers['content-range']}); starting over`);
          await rm(part, { force: true });
          hash = undefined;
          continue;
        }
        start = offset;
        total = range.total;
        resumed = true;
      } else if (res.status === 200) {
        if (offset > 0) log(`${name}: the server cannot resume downloads; starting over`);
        start = 0;
        const length = Number(res.headers['content-length']);
        total = Number.isInteger(length) && res.headers['content-length'] !== undefined ? length : undefined;
      } else if (res.status === 416 && offset > 0) {
        // Nothing left to send: the .part may already be the whole file (a run that died before the rename).
        res.body.resume();
        const range = parseContentRange(res.headers['content-range'] as string | undefined);
        if (range?.total === offset) {
          total = offset;
          resumed = true;
          break;
        }
        if (++restarts > 2) throw new CliError(`${new URL(opts.url).host} refuses to resume the download (HTTP 416); giving up`);
        await rm(part, { force: true });
        hash = undefined;
        continue;
      } else {
        res.body.resume();
        throw httpError(res.status, opts.url);
      }

      if (start === 0) hash = createHash('sha256');
      else hash ??= await hashFile(part);
      const running = hash;
      opts.progress?.start(start, total);
      let received = start;
      try {
        await pipeline(
          res.body,
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              running.update(chunk);
              received += chunk.length;
              opts.progress?.update(received);
              yield chunk;
            }
          },
          createWriteStream(part, { flags: start === 0 ? 'w' : 'a' }),
          { signal: opts.signal },
        );
      } catch (e) {
        // Bytes hashed may not all have reached the disk: rehash what is there on resume.
        hash = undefined;
        if (opts.signal?.aborted) throw cancelled();
        if (isUnreachable(e) && errorCode(e) !== 'ETIMEDOUT') throw new CliError(describeUnreachable(e, new URL(opts.url)) + keptNote(), 1, { cause: e });
        await interrupted(errorCode(e) ?? (e as Error).message);
        continue;
      }
      if (total !== undefined && received < total) {
        hash = undefined;
        await interrupted(`the server closed the connection after ${formatBytes(received)}`);
        continue;
      }
      break;
    }
  } finally {
    opts.progress?.finish();
  }

  const bytes = await sizeOf(part);
  const discard = async (why: string): Promise<never> => {
    await rm(part, { force: true });
    throw new CliError(`${why}; the download was removed`);
  };
  if (total !== undefined && bytes !== total) {
    await discard(`${name}: downloaded ${bytes} bytes but the server announced ${total}`);
  }
  const sha256 = (hash ?? (await hashFile(part))).digest('hex');
  const expected = opts.sha256?.toLowerCase() ?? announced;
  if (expected !== undefined && expected !== sha256) {
    const source = opts.sha256 ? (opts.sha256Source ?? '--sha256') : "the server's ETag";
    await discard(`SHA-256 mismatch for ${name}: expected ${expected} (from ${source}), got ${sha256}`);
  }
  const problem = await opts.verify?.(part);
  if (problem !== undefined) await discard(`${name} is not a usable model: ${problem}`);
  await rename(part, opts.dest);
  return {
    path: opts.dest,
    bytes,
    sha256,
    sha256CheckedAgainst: expected === undefined ? undefined : opts.sha256 ? 'option' : 'server',
    resumed,
  };
}
