import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';

let shared: Promise<Llama> | undefined;
/** Listeners collecting llama.cpp's error lines while a model loads (see `captureLlamaErrors`). */
const errorListeners = new Set<(message: string) => void>();

/**
 * llama.cpp logs why a load failed ("tensor 'x' data is not within the file bounds…") but
 * node-llama-cpp only throws "Failed to load model"; the log line is the useful reason. While
 * a listener is collecting, errors go to it instead of stderr (they end up in the thrown
 * error); other errors are printed. Warnings are dropped by `logLevel` (tokenizer chatter).
 */
function logger(level: LlamaLogLevel, message: string): void {
  if (level !== LlamaLogLevel.error && level !== LlamaLogLevel.fatal) return;
  if (errorListeners.size) for (const l of errorListeners) l(message);
  else process.stderr.write(`[llama.cpp] ${message}\n`);
}

/**
 * The one Llama (native bindings) of the process, created on first use and shared by every
 * engine. CPU build only, prebuilt binary, never compiled at run time (`build: 'never'`): a
 * missing binary is an error, not a 10-minute build.
 *
 * It lives as long as the process (node-llama-cpp disposes it on `beforeExit` itself); engines
 * dispose only their contexts and models. Disposing it when the last engine goes was tried:
 * a second `getLlama` then costs ~0.5 s and, in node-llama-cpp 3.22.1, silently skips
 * installing our logger on the already-loaded bindings (Llama.js constructor,
 * `skipLlamaInit && previouslyLoaded`), so load failures lost their reason.
 */
export function getSharedLlama(): Promise<Llama> {
  shared ??= getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, logger }).catch((e: unknown) => {
    shared = undefined;
    throw e;
  });
  return shared;
}

const LATE_LOG_GRACE_MS = 100;

/** Runs `fn` while collecting llama.cpp's error log lines; returns them with the outcome. */
export async function captureLlamaErrors<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; result: T; logs: string[] } | { ok: false; error: unknown; logs: string[] }> {
  const logs: string[] = [];
  const listener = (m: string) => logs.push(m.trim());
  errorListeners.add(listener);
  try {
    return { ok: true, result: await fn(), logs };
  } catch (error) {
    // llama.cpp's log lines reach JS through a thread-safe callback, often after the load
    // has already rejected: give them a moment (failure path only).
    await new Promise((r) => setTimeout(r, LATE_LOG_GRACE_MS));
    return { ok: false, error, logs };
  } finally {
    errorListeners.delete(listener);
  }
}
