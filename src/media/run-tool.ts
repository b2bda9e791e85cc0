import { spawn } from 'node:child_process';
import { MAX_TOOL_OUTPUT_BYTES, TOOL_TIMEOUT_MS } from './media-limits.js';
import { MediaInputError, MediaToolMissingError } from './media-input-error.js';

/** A command-line tool: its executable and the Debian packages that ship it. */
export interface ToolSpec {
  command: string;
  /** Debian packages that ship it, for the "not installed" error. */
  packages: string;
  /** What it is needed for, e.g. `decoding audio and video`. */
  purpose: string;
}

export interface RunToolOptions {
  /** Defaults to TOOL_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Most bytes kept from stdout; more is an error. Defaults to MAX_TOOL_OUTPUT_BYTES. */
  maxOutputBytes?: number;
  /** Aborts the run (the request went away). */
  signal?: AbortSignal;
  /** What the data is called in errors, e.g. `the video`. */
  what?: string;
}

/** Largest stderr excerpt kept for an error message. */
const STDERR_KEEP_BYTES = 4096;

/**
 * Runs a tool with arguments (never through a shell, so no file name or value is ever
 * interpreted), and returns its stdout. Bounded in time and output; killed (SIGKILL, the whole
 * process) on timeout, on abort, or when its output grows past the limit.
 *
 * Failures become MediaInputError (the tool rejected the data: a 400 with the tool's first
 * error line) or MediaToolMissingError (not installed); an abort rejects with the signal's reason.
 */
export function runTool(tool: ToolSpec, args: string[], opts: RunToolOptions = {}): Promise<Buffer> {
  const timeoutMs = opts.timeoutMs ?? TOOL_TIMEOUT_MS;
  const maxOutput = opts.maxOutputBytes ?? MAX_TOOL_OUTPUT_BYTES;
  const what = opts.what ?? 'the data';
  return new Promise<Buffer>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    const child = spawn(tool.command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = Buffer.alloc(0);
    let failure: unknown;
    let settled = false;

    const kill = (why: unknown) => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => kill(new MediaInputError(`processing ${what} took longer than ${Math.round(timeoutMs / 1000)} s (${tool.command} was stopped)`)),
      timeoutMs,
    );
    const onAbort = () => kill(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };

    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOutput) kill(new MediaInputError(`${what} produced more than ${maxOutput} bytes of ${tool.command} output`));
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < STDERR_KEEP_BYTES) err = Buffer.concat([err, chunk]).subarray(0, STDERR_KEEP_BYTES);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish(() => reject(e.code === 'ENOENT' ? new MediaToolMissingError(tool.command, tool.packages, tool.purpose) : e));
    });
    child.on('close', (code, signal) => {
      finish(() => {
        if (failure !== undefined) return reject(failure);
        if (code === 0) return resolve(Buffer.concat(out));
        const line = firstErrorLine(err.toString('utf8'));
        reject(new MediaInputError(`${what} could not be processed: ${tool.command} ${signal ? `was killed by ${signal}` : `failed`}${line ? `: ${line}` : ''}`));
      });
    });
  });
}

/** The most telling line of a tool's stderr: the first that says "error", else the first non-empty one. */
function firstErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => /error|invalid|fail/i.test(l)) ?? lines[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
