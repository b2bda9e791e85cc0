/**
 * What a command may touch of the outside world. `main` passes the real process; tests pass
 * their own streams and env so commands run in-process without spawning.
 */
import type { CatalogModel } from './pull/default-models.js';

/** The part of a writable stream commands use; `isTTY` switches the progress bar style. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** Terminal width, when a TTY. */
  columns?: number;
}

/** The environment a command runs in. */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: OutputStream;
  stderr: OutputStream;
  /**
   * Aborted on SIGINT/SIGTERM, so long commands (pull, serve) stop cleanly. Reading it is
   * what traps the signals: commands that never read it keep Node's default (exit at once).
   */
  readonly signal: AbortSignal;
  /**
   * The short model names `serve --model NAME` and `pull NAME` accept; default the pinned
   * MODEL_CATALOG. Tests give a catalog whose hashes match the small files their stand-in hub serves.
   */
  modelCatalog?: readonly CatalogModel[];
}

/** A context for the real process; its signal aborts on the first SIGINT or SIGTERM. */
export function processContext(): CliContext {
  const controller = new AbortController();
  let trapped = false;
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // Second Ctrl-C: the user wants out now, even if shutdown is stuck. 128 + signal number.
      process.exit(name === 'SIGINT' ? 130 : 143);
    }
    controller.abort(name);
  };
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    get signal() {
      if (!trapped) {
        trapped = true;
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      }
      return controller.signal;
    },
  };
}

/** A {@link CliContext} that records what a command writes: for tests and for running commands in-process. */
export interface CapturedContext extends CliContext {
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

/** A context with in-memory stdout/stderr, the given env and cwd, and a signal that never aborts unless given one. */
export function captureContext(opts: {
  env?: NodeJS.ProcessEnv; cwd: string; signal?: AbortSignal; modelCatalog?: readonly CatalogModel[];
}): CapturedContext {
  const out: string[] = [];
  const err: string[] = [];
  return {
    ...(opts.modelCatalog ? { modelCatalog: opts.modelCatalog } : {}),
    env: opts.env ?? {},
    cwd: opts.cwd,
    signal: opts.signal ?? new AbortController().signal,
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
